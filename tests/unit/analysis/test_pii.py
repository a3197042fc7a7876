from __future__ import annotations

import itertools
import json

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from stdnum import iban as stdnum_iban
from stdnum import luhn

from aipo_widgets.analysis.pii import (
    KINDS,
    Finding,
    mask,
    scan_frame,
    scan_text,
)
from aipo_widgets.analysis.pii_rules import column_hint
from aipo_widgets.errors import AipoError, DataError, UsageError

# ---------------------------------------------------------------------------- labelled set

POSITIVES: dict[str, list[str]] = {
    "PHONE": [
        # German, national and international
        "+49 30 12345678", "030 12345678", "030/1234567", "+49 (0)30 1234567", "0171 1234567",
        "0049 171 1234567", "0171-1234567", "089 / 123 456 78", "+49 30 1234567-0",
        "02 21/123 45 67", "(0221) 12 34 56 7", "+49-30-1234567", "0151 23456789",
        "+4930123456", "0301234567", "0800 1234567",
        # British, American, others
        "+44 20 7946 0018", "020 7946 0018", "(212) 555-0199", "212-555-0199", "+1 212 555 0199",
        "212.555.0199", "1-212-555-0199", "+33 1 42 68 53 00", "+41 44 668 18 00",
    ],
    "IBAN": [
        "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
        "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300",
        "ES91 2100 0418 4502 0005 1332", "IT60 X054 2811 1010 0000 0123 456",
        "AT61 1904 3002 3457 3201", "CH93 0076 2011 6238 5295 7",
        "PL61 1090 1014 0000 0712 1981 2874", "de89 3704 0044 0532 0130 00",
    ],
    "CARD": [
        # the networks' published test numbers
        "4111 1111 1111 1111", "4111111111111111", "4012-8888-8888-1881", "4242 4242 4242 4242",
        "5555 5555 5555 4444", "5105105105105100", "2223 0031 2200 3222", "3782 822463 10005",
        "371449635398431", "6011 1111 1111 1117", "3056 930902 5904", "3530 1113 3330 0000",
        "6200 0000 0000 0005",
    ],
    "EMAIL": [
        "jane.doe@example.com", "max.mustermann+ticket@firma-beispiel.de", "j.müller@beispiel.de",
        "SUPPORT@EXAMPLE.CO.UK", "a_b-c@sub.domain.org",
    ],
    "IP": [
        "192.168.0.1", "10.0.0.7", "84.19.3.7", "203.0.113.9", "fe80::1ff:fe23:4567:890a",
        "2001:db8::1", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::ffff:192.0.2.128",
    ],
}  # fmt: skip

NEAR_MISSES: list[str] = [
    # checksums
    "DE89 3704 0044 0532 0130 01", "GB82 WEST 1234 5698 7654 33", "4111 1111 1111 1112",
    "5555 5555 5555 4445", "1234 5678 9012 3456",
    # dates and times
    "2026-11-26", "26.11.2026", "26/11/2026", "30.11.2026 14:00", "2026-11-26T10:00:00", "14:30",
    "12:30:45", "Zeitraum 01.01.2026 - 31.12.2026",
    # order numbers and ticket ids
    "ORD-2026-000123", "order 2026000123", "Bestellung 100234567", "Rechnung Nr. 2026-004711",
    "Auftrag 4711/2026/12", "Invoice 2026/0815", "INC0012345", "Ticket #4711", "TCK-2026-0042",
    "JIRA-12345", "Kundennummer 1234567", "Case 00123456", "SR-000123456", "ref 2026000123",
    "Order #100200300400", "Artikelnr. 12345678", "Seriennummer 1234567890123", "2026000123",
    "ID 12345678901", "tracking 1Z999AA10123456784", "SKU 4006381333931", "ISBN 978-3-16-148410-0",
    # version strings
    "version 1.2.3.4", "v1.2.3.4", "Version: 10.0.19045.2364", "build 1.2.3.4", "1.2.3.4.5",
    "firmware 2.0.1.13", "v2.10.3", "Firmware 0.20.20.17", "build 0.20.15.18",
    "Version 0.20.13.15 installiert", "release 01.2026.1234567",
    # prices and other numbers
    "price 1.299,00 EUR", "€ 1.234.567,89", "1.234.567 EUR", "USD 12,345,678.90",
    "PLZ 10115 Berlin",
    # almost addresses
    "00:1A:2B:3C:4D:5E", "std::vector<int>", "foo@bar", "user@localhost", "a..b@example.com",
]  # fmt: skip

LABELLED = [(kind, s) for kind, items in POSITIVES.items() for s in items]


def test_labelled_set_is_what_it_claims():
    # the IBANs and cards are valid by the libraries; the near misses with checksums are not
    for s in POSITIVES["IBAN"]:
        assert stdnum_iban.is_valid(s)
    for s in POSITIVES["CARD"]:
        assert luhn.is_valid(s.replace(" ", "").replace("-", ""))
    assert not stdnum_iban.is_valid("DE89 3704 0044 0532 0130 01")
    assert not luhn.is_valid("4111111111111112")


@pytest.mark.parametrize(("kind", "value"), LABELLED)
@pytest.mark.parametrize("template", ["{}", "Hallo, bitte {} danke.", "({})", "x: {}, y", "{}."])
def test_positives_are_found_exactly(kind, value, template):
    text = template.format(value)
    found = scan_text(text)
    assert [(f.kind, f.text) for f in found] == [(kind, value)]
    f = found[0]
    assert text[f.start : f.end] == value


@pytest.mark.parametrize(
    ("text", "address"),
    [
        # a public address with a small first part reads as a version without evidence ...
        ("Hallo, bitte 8.8.8.8 danke.", False), ("x: 1.2.3.4, y", False),
        ("modem 11.1.60.168", False), ("Nach dem Update auf 4.12.51.225 geht nichts", False),
        ("upgraded the driver to 21.16.29.9 yesterday", False),
        # ... and as an address with any: alone, a port, an address word, a direction
        ("8.8.8.8", True), ("(1.2.3.4).", True), ("x: 1.2.3.4:443, y", True),
        ("DNS 8.8.8.8 antwortet nicht", True), ("Zieladresse ist 1.2.3.4", True),
        ("Client-IP: 4.12.51.225", True), ("Login from 11.1.60.168 failed", True),
        ("src=4.2.2.1 dst=10.0.0.7", True), ("Update-Server 4.12.51.225 down", True),
        ("network 4.12.0.0/16", True),
        # a mask and a version suffix are never addresses, whatever the words
        ("IP 10.0.0.7 Maske 255.255.255.0", True), ("Paket 4.1.2.3-ubuntu1", False),
    ],
)
def test_a_dotted_quad_is_an_address_on_evidence(text, address):
    found = [f.text for f in scan_text(text) if f.kind == "IP"]
    assert bool(found) is address, found
    assert "255.255.255.0" not in found


@pytest.mark.parametrize("value", NEAR_MISSES)
@pytest.mark.parametrize("template", ["{}", "Hallo, {} danke.", "({})", "{}."])
def test_near_misses_are_not_reported(value, template):
    assert scan_text(template.format(value)) == []


def test_normalised_values_and_details():
    text = (
        "Ruf 030/1234567 an, IBAN GB82 WEST 1234 5698 7654 32, Karte 3782 822463 10005, "
        "Mail Jane@Example.COM von 2001:0db8:0000::1"
    )
    got = {f.kind: (f.normalized, f.detail) for f in scan_text(text)}
    assert got == {
        "PHONE": ("+49301234567", "DE"),
        "IBAN": ("GB82WEST12345698765432", "GB"),
        "CARD": ("378282246310005", "amex"),
        "EMAIL": ("jane@example.com", "example.com"),
        "IP": ("2001:db8::1", "ipv6"),
    }


def test_iban_followed_by_more_words_and_digits():
    text = "IBAN DE89 3704 0044 0532 0130 00 BIC COBADEFFXXX Betrag 12"
    (f,) = scan_text(text)
    assert (f.kind, f.text) == ("IBAN", "DE89 3704 0044 0532 0130 00")


def test_several_findings_in_text_order():
    text = "a@b.de,+49 30 1234567;10.1.1.1 und 4111111111111111"
    assert [f.kind for f in scan_text(text)] == ["EMAIL", "PHONE", "IP", "CARD"]


def test_kinds_and_regions():
    text = "Mail jane@example.com, Tel. 020 7946 0018"
    assert [f.kind for f in scan_text(text, kinds=["email"])] == ["EMAIL"]
    # a British national number needs GB among the regions
    assert [f.kind for f in scan_text(text, regions=("DE",))] == ["EMAIL"]
    assert [f.kind for f in scan_text(text, regions=("GB",))] == ["EMAIL", "PHONE"]
    # international numbers are found whatever the regions
    assert scan_text("+1 212 555 0199", regions=("DE",))[0].detail == "US"


def test_version_rule_is_about_context_only():
    assert scan_text("release 1.2.3.4") == []
    assert [f.text for f in scan_text("host 1.2.3.4 is down")] == ["1.2.3.4"]
    assert scan_text("999.1.1.1") == []  # not an address at all


# the rules written for the first held-out set (benchmarks/README.md): each near miss must not
# be found, and a real value next to the same words must still be


@pytest.mark.parametrize(
    "text",
    ["Kapitel 1.12.8.5 der Anleitung", "Abschnitt 12.11.4.2, Seite 52", "siehe § 10.0.0.1",
     "see section 1.2.3.4", "Anhang: 3.1.4.1", "clause 7.3.1.2 applies"],
)  # fmt: skip
def test_section_numbers_are_not_ip_addresses(text):
    assert scan_text(text) == []


@pytest.mark.parametrize(
    "text",
    ["Kapitel 3: Server 10.0.0.7 antwortet nicht", "Abschnitt Netzwerk, Host 1.12.8.5",
     "section 2 says 192.168.0.1 is blocked"],
)  # fmt: skip
def test_ip_addresses_near_section_words_are_found(text):
    assert [f.kind for f in scan_text(text)] == ["IP"]


@pytest.mark.parametrize(
    "text",
    ["Serien-Nr: 0287545774", "Bankleitzahl 03883685", "Zähler 06857078", "Los 08/126214",
     "Gutscheincode 0157-5157-5157", "Modell-Nr. 0171 1234567", "warranty number 030 1234567",
     "batch 0171 1234567", "Prüfnummer 0221 1234567", "BLZ 03883685"],
)  # fmt: skip
def test_digit_runs_after_numbered_words_are_not_phones(text):
    assert scan_text(text) == []


@pytest.mark.parametrize(
    "text",
    ["Telefonnummer 030 1234567", "Handy-Nr. 0171 1234567", "phone number 020 7946 0018",
     "unter der Nr. 0171 1234567", "Caller ID 0171 1234567", "Servicenummer 0800 1234567",
     "Fax-Nr: 030 1234567", "Zähler defekt, Rückruf 0171 1234567", "area code 020 7946 0018"],
)  # fmt: skip
def test_phones_after_phone_words_are_found(text):
    assert [f.kind for f in scan_text(text)] == ["PHONE"]


@pytest.mark.parametrize(
    "text",
    ["Gutscheincode 5157-5157-5157-5157", "voucher 4111 1111 1111 1111",
     "Bestellung 4111 1111 1111 1111", "Serien-Nr. 5555 5555 5555 4444"],
)  # fmt: skip
def test_luhn_valid_codes_after_identifier_words_are_not_cards(text):
    assert scan_text(text) == []


@pytest.mark.parametrize(
    "text",
    ["Kartennummer 5157-5157-5157-5157", "card no. 4111 1111 1111 1111",
     "Kreditkarten-ID 4111 1111 1111 1111", "account number 5555 5555 5555 4444",
     "Karte 5157-5157-5157-5157", "5157-5157-5157-5157"],
)  # fmt: skip
def test_cards_after_card_words_are_found(text):
    # the last one is open: a repeated block without a context word is still a card (a check
    # for repeated blocks would also drop the published test number 4242 4242 4242 4242)
    assert [f.kind for f in scan_text(text)] == ["CARD"]


# the rules written for the second held-out set's leftovers (benchmarks/README.md): each near
# miss must not be found, and a real value of the kind it was mistaken for, next to the same
# words, still must be


@pytest.mark.parametrize(
    ("near", "real", "kind"),
    [
        # a compound ending in a version word, and software named before its version
        ("Softwareversion 5.11.19.20 auf dem Gerät.", "Host 5.11.19.20 antwortet nicht", "IP"),
        ("Firmwarestand: 3.4.1.12", "Firmware-Server 3.4.1.12 down", "IP"),
        ("App 19.30.17.21 (Android)", "App-Server 19.30.17.21 (Android)", "IP"),
        ("Kernel 0.22.19-337", "Kernel-Hotline 0800 1234567", "PHONE"),
        # serial markers
        ("Device S/N 0826-1102-4635", "Device hotline 0826 1102463", "PHONE"),
        ("SN 0171 1234567", "Handy 0171 1234567", "PHONE"),
        # a country code between the tax or VAT word and the number
        ("USt-IdNr. DE 051415189", "Tel. DE 0171 1234567", "PHONE"),
        ("VAT reg. no. GB 033 2902 19", "Phone GB 020 7946 0018", "PHONE"),
        ("UTR 08267 12041", "Tel 08267 12041", "PHONE"),
        # compounds ending in -schein, -zeichen, -teil
        ("DPD-Paketschein 0704 9135 5165 53", "DPD-Hotline 0704 9135516", "PHONE"),
        ("Geschäftszeichen 0275/26-754", "Geschäftsstelle 030/1234567", "PHONE"),
        ("Ersatzteil 063.112.83-57", "Ersatzteilservice 030 1234567", "PHONE"),
        # amounts with space-grouped thousands next to a currency
        ("Summe 03 000 449,74 EUR", "Summe 030 123 456 78, Rückruf", "PHONE"),
        ("Betrag EUR 030 123 456", "Tel. 030 123 456, EUR zurück", "PHONE"),
        # the seconds and fractions of a clock time
        ("Zeitstempel 2026-05-01T05:03:09.559388Z", "05:03 Uhr Rückruf 0171 1234567", "PHONE"),
    ],
)  # fmt: skip
def test_set2_leftovers_are_not_found_and_real_values_next_to_them_are(near, real, kind):
    assert scan_text(near) == []
    assert [f.kind for f in scan_text(real)] == [kind]
    # and both together: the rule reaches only the number it is about
    assert [f.kind for f in scan_text(f"{near} {real}")] == [kind]


def test_country_code_is_skipped_only_after_an_identifier_word():
    # a capital pair before a number is a country code only when an id word stands before it
    assert [f.kind for f in scan_text("Büro DE 030 1234567")] == ["PHONE"]
    assert scan_text("Steuer-ID 04 411 374 115") == []  # ID itself is not a country code


def test_version_compounds_must_end_in_the_version_word():
    # the compound names what its last part names: a build server has an address
    assert [f.text for f in scan_text("Buildserver 10.0.0.5 down")] == ["10.0.0.5"]
    assert [f.text for f in scan_text("Updateserver 192.168.1.20")] == ["192.168.1.20"]
    assert scan_text("Releaseversion 10.0.0.5") == []


def test_iban_next_to_new_context_words_is_found():
    text = "Paketschein 0704 9135 5165 53, IBAN DE89 3704 0044 0532 0130 00, USt-IdNr. DE 123456789"
    assert [(f.kind, f.text) for f in scan_text(text)] == [("IBAN", "DE89 3704 0044 0532 0130 00")]


# ---------------------------------------------------------------------------- mask


def test_mask_replaces_with_typed_placeholders():
    text = (
        "Kunde jane.doe@example.com (Tel. +49 171 1234567) zahlt mit 4111 1111 1111 1111 "
        "von DE89 3704 0044 0532 0130 00, Login von 192.168.0.1; Bestellung ORD-2026-000123 "
        "vom 26.11.2026, Version 1.2.3.4."
    )
    assert mask(text) == (
        "Kunde <EMAIL> (Tel. <PHONE>) zahlt mit <CARD> von <IBAN>, Login von <IP>; "
        "Bestellung ORD-2026-000123 vom 26.11.2026, Version 1.2.3.4."
    )
    assert mask(text, kinds=["IP"]).count("<") == 1
    assert mask("nothing here") == "nothing here"


_pieces = st.sampled_from([s for _, s in LABELLED] + NEAR_MISSES)
_filler = st.text(alphabet=" ,.;:()-+/#@0123456789abcXYZäß\n", max_size=6)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_filler, _pieces), max_size=6))
def test_mask_leaves_nothing_to_find(parts):
    text = "".join(a + b for a, b in parts)
    masked = mask(text)
    assert scan_text(masked) == []
    placeholders = sum(masked.count(f"<{k}>") - text.count(f"<{k}>") for k in KINDS)
    assert placeholders >= len(scan_text(text))


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_scans_and_masks(text):
    found = scan_text(text)
    assert all(text[f.start : f.end] == f.text for f in found)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))
    assert scan_text(mask(text)) == []


def test_redacted_examples_hide_the_value():
    cases = {
        ("CARD", "4111 1111 1111 1111"): "**** **** **** 1111",
        ("IBAN", "DE89 3704 0044 0532 0130 00"): "DE** **** **** **** **** 00",
        ("PHONE", "+49 171 1234567"): "+49 *** *****67",
        ("EMAIL", "jane.doe@example.com"): "j***@e***.com",
        ("IP", "192.168.0.1"): "192.*.*.*",
        ("IP", "2001:db8::1"): "2001:****",
    }
    for (kind, text), expected in cases.items():
        assert Finding(kind, 0, len(text), text).redacted == expected


# ---------------------------------------------------------------------------- frames


@pytest.fixture
def tickets():
    return pd.DataFrame({
        "ticket_id": ["INC0012345", "INC0012346", "INC0012347", "INC0012348"],
        "text": [
            "Bitte Rückruf unter 0171 1234567",
            "Rechnung an jane.doe@example.com, IBAN DE89 3704 0044 0532 0130 00",
            "Bestellung ORD-2026-000123 kam am 26.11.2026 nicht an",
            "Bitte Rückruf unter 0171 1234567",
        ],
        "customer_name": ["A. Muster", "B. Beispiel", "C. Test", "A. Muster"],
        "Geburtsdatum": pd.to_datetime(["1980-01-01", "1990-05-05", "1975-12-31", "1980-01-01"]),
        "card_number": pd.array([4111111111111111, 1234, None, 5555555555554444], dtype="Int64"),
        "amount": [12.5, 99.0, 3.2, 7.0],
        "product_name": ["Router X", "Modem Y", "Router X", "Kabel"],
    })  # fmt: skip


def test_column_report(tickets):
    rep = scan_frame(tickets)
    assert rep.flagged == ["text", "customer_name", "Geburtsdatum", "card_number"]
    t = rep["text"]
    assert (t.rows, t.rows_with_pii, t.share) == (4, 3, 0.75)
    assert t.kinds == {"EMAIL": 1, "IBAN": 1, "PHONE": 2}
    assert t.examples == ["**** *****67", "j***@e***.com", "DE** **** **** **** **** 00"]
    assert all("1234567" not in e and "jane" not in e for e in t.examples)
    assert rep["customer_name"].hint == "name" and rep["customer_name"].rows_with_pii == 0
    assert not rep["Geburtsdatum"].scanned and rep["Geburtsdatum"].hint == "birth"
    assert rep["card_number"].kinds == {"CARD": 2}
    assert not rep["product_name"].personal_data
    assert not rep["ticket_id"].personal_data
    assert rep["amount"].reason == "values not scanned (dtype float64)"

    df = rep.to_frame()
    assert df.index.name == "column" and df.loc["text", "rows_with_pii"] == 3
    assert json.loads(json.dumps(rep.to_dict()))["flagged"] == rep.flagged


def test_scan_frame_columns_and_sample(tickets):
    rep = scan_frame(tickets, ["text"], sample=2, seed=1)
    assert [c.column for c in rep.columns] == ["text"]
    assert (rep.n_rows, rep.n_scanned, rep.columns[0].rows) == (4, 2, 2)
    again = scan_frame(tickets, ["text"], sample=2, seed=1)
    assert again.to_dict() == rep.to_dict()
    assert scan_frame(tickets, "text", sample=100).n_scanned == 4


@pytest.mark.parametrize(
    ("name", "hint"),
    [
        ("email", "email"), ("E-Mail", "email"), ("customerEmail", "email"),
        ("phone_number", "phone"), ("Telefonnummer", "phone"), ("tel", "phone"),
        ("first_name", "name"), ("Nachname", "name"), ("name", "name"), ("userName", "name"),
        ("date_of_birth", "birth"), ("dob", "birth"), ("Geburtsdatum", "birth"),
        ("street", "address"), ("PLZ", "address"), ("zip", "address"), ("Anschrift", "address"),
        ("iban", "iban"), ("credit_card", "card"), ("client_ip", "ip"), ("ssn", "id_number"),
        ("passport_no", "id_number"), ("gender", "special_category"),
        ("diagnosis", "special_category"),
        ("product_name", None), ("file_name", None), ("shipping_fee", None), ("zipper", None),
        ("description", None), ("amount", None), ("tip", None), ("city_name", "address"),
    ],
)  # fmt: skip
def test_column_hints(name, hint):
    assert column_hint(name) == hint


# ---------------------------------------------------------------------------- bad input


def test_bad_inputs_name_the_argument_and_the_fix(tickets):
    cases = [
        (lambda: scan_text(None), UsageError, "text must be a str"),
        (lambda: scan_text("x", kinds=["SSN"]), UsageError, "unknown kind"),
        (lambda: scan_text("x", regions=("UK",)), UsageError, "'GB', not 'UK'"),
        (lambda: mask(123), UsageError, "text must be a str"),
        (lambda: scan_frame([["a"]]), DataError, "must be a pandas DataFrame"),
        (lambda: scan_frame(tickets.iloc[:0]), DataError, "frame is empty"),
        (lambda: scan_frame(tickets, ["mail"]), DataError, "'mail' is not in the frame"),
        (lambda: scan_frame(tickets, sample=0), UsageError, "sample must be a positive"),
        (lambda: scan_frame(tickets)["nope"], DataError, "was not scanned"),
    ]
    for call, exc, pattern in cases:
        with pytest.raises(exc, match=pattern):
            call()
        assert issubclass(exc, AipoError)


def test_kinds_constant():
    assert KINDS == ("EMAIL", "IBAN", "CARD", "IP", "PHONE")


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        # the density variant of an image file is no address; a real one beside it is
        ("siehe logo@2x.png und icon@1.5x.webp", []),
        ("logo@2x.png an jane.doe@example.com", ["EMAIL"]),
        # digit groups of a mistyped IBAN are not a phone or card number of their own
        ("IBAN NL44 ABCD 0704 9996 2283 03 bitte", []),  # its digits read as a DE phone
        ("IBAN NL37 ABCD 3931 8521 0565 40 bitte", []),  # ... and as a Diners card
        ("IBAN NL44 ABCD 0704 9996 2283 03, Tel. 0171 1234567", ["PHONE"]),
    ],
)
def test_file_names_and_mistyped_ibans_are_not_reported(text, kinds):
    assert [f.kind for f in scan_text(text)] == kinds
