"""Benchmark: PII scan of 100,000 short ticket texts, the kit against Presidio's pattern matchers.

Target (issue 3): at least 5x faster than Presidio's pattern recognisers on a blank spaCy pipeline,
with fewer false positives on the same near-miss set, and peak memory under 3x the input size.

The corpus is generated (seeded): German and English support tickets, about a sixth with
personal data (phone numbers in German, British and US formats, e-mail addresses, valid IBANs
of several countries, Luhn-valid card numbers, IPv4/IPv6 addresses) and about a third with near
misses (IBANs and cards with a wrong checksum, order numbers, dates, ticket ids, version
strings, prices).  Every inserted value is labelled with its span, so both tools are scored the
same way: a finding counts as a true positive when it overlaps a labelled value of the same kind.

Presidio runs in this process: ``AnalyzerEngine`` on ``spacy.blank("en")`` (no model download),
with the five recognisers that cover the kit's kinds (EmailRecognizer, PhoneRecognizer with
regions DE/GB/US like the kit, IbanRecognizer, CreditCardRecognizer, IpRecognizer).  With
``--presidio-all`` it also scores the near-miss texts against all predefined pattern recognisers.

Run::

    .venv/bin/python benchmarks/bench_pii.py
    .venv/bin/python benchmarks/bench_pii.py --n 20000 --presidio-all
"""

from __future__ import annotations

import argparse
import gc
import logging
import os
import random
import sys
import time
import tracemalloc
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _machine import describe  # noqa: E402

from aipo_widgets.analysis.pii import scan_text  # noqa: E402

REGIONS = ("DE", "GB", "US")
PRESIDIO_KIND = {
    "EMAIL_ADDRESS": "EMAIL",
    "PHONE_NUMBER": "PHONE",
    "IBAN_CODE": "IBAN",
    "CREDIT_CARD": "CARD",
    "IP_ADDRESS": "IP",
}

# ---------------------------------------------------------------------------- corpus

FIRST = ["jana", "max", "lea", "tom", "anna", "paul", "sophie", "felix", "mia", "jonas", "emma"]
LAST = ["mueller", "schmidt", "schneider", "fischer", "weber", "meyer", "wagner", "becker"]
DOMAINS = ["example.com", "beispiel.de", "firma-test.de", "mail.example.org", "kunde.co.uk"]

OPENERS_DE = [
    "Hallo Team,",
    "Guten Tag,",
    "Sehr geehrte Damen und Herren,",
    "Hi,",
    "Moin,",
    "",
]
OPENERS_EN = ["Hello,", "Hi support,", "Dear team,", "", "Good morning,"]
BODIES_DE = [
    "mein Router verliert seit gestern ständig die Verbindung.",
    "die Rechnung ist doppelt abgebucht worden.",
    "ich kann mich nicht mehr im Kundenportal anmelden.",
    "die Lieferung ist unvollständig angekommen.",
    "das Update hat meine Einstellungen gelöscht.",
    "bitte kündigen Sie meinen Vertrag zum nächsten Termin.",
    "die App stürzt beim Start ab.",
]
BODIES_EN = [
    "my parcel has not arrived yet.",
    "the invoice amount looks wrong.",
    "I cannot reset my password.",
    "the device shows an error after the update.",
    "please cancel my subscription.",
]
CLOSERS = ["Danke!", "Viele Grüße", "Thanks", "Best regards", "", "MfG"]

PII_LEADS = {
    "PHONE": ["Bitte rufen Sie mich unter {} zurück.", "Tel.: {}", "Call me back on {}.",
              "Erreichbar unter {}", "Mobil {}"],
    "EMAIL": ["Antwort bitte an {}.", "Mail: {}", "Please reply to {}", "Kontakt: {}"],
    "IBAN": ["Bitte erstatten auf IBAN {}.", "Refund to {} please.", "Konto: {}"],
    "CARD": ["Abgebucht von Karte {}.", "Charged to card {}", "Kreditkarte {} wurde belastet."],
    "IP": ["Login-Versuch von {} blockiert.", "Request from {} failed.",
           "Server {} antwortet nicht."],
}  # fmt: skip

NEAR_LEADS = [
    "Bestellung ORD-{y}-{n6} ist noch offen.", "Order {y}{n6} was shipped on {d}.",
    "Rechnung Nr. {y}-{n6} vom {d}.", "Ticket INC{n7} wurde am {iso} erstellt.",
    "Referenz #{n4}, Termin {d} um {hh}:{mm}.", "Version {v4} installiert, vorher v{v3}.",
    "Firmware {v4} seit {iso}.", "Preis {p} EUR statt {p2} EUR.", "Betrag USD {pus}.",
    "Falsche IBAN {bad_iban} angegeben.", "Karte {bad_card} abgelehnt.", "Case {n8} reopened.",
    "Kundennummer {n7}, Vertrag {y}/{n4}/{n2}.", "Zeitraum {d} - {d2}.", "Tracking {n12}.",
    "Artikel {ean} fehlt.", "build {v4}", "Auftrag {n4}/{y}/{n2} storniert.",
]  # fmt: skip


# A second near-miss set, written after the kit's rules and never used to tune them: it shows
# how the rules generalise beyond the templates above.
HELDOUT_NEAR = [
    "Lieferung {n5} an Lager {n3}-{n2} am {d}.", "Messwert 0,{n4} mm bei {n4} U/min.",
    "Fehlercode 0x{hex8} in Modul {n2}.", "Serien-Nr: {n10}", "Ihre Vorgangs-ID {n3}-{n3}-{n4}",
    "Koordinaten 52.{n6}, 13.{n6}", "Temperatur 21.5 °C, Zähler {n8}", "MAC {mac}",
    "Datei IMG_{y}{n4}_{n6}.jpg", "Uhrzeit {hh}:{mm}:{mm} UTC, Dauer {n4} ms", "UUID {uuid}",
    "Bankleitzahl {n8}", "Telefonkonferenz am {d} um {hh}.{mm} Uhr", "Zimmer {n3}, Gebäude {n2}",
    "Kapitel {s4} der Anleitung", "Abschnitt {s4}, Seite {n2}", "Gutscheincode {n4}-{n4}-{n4}-{n4}",
    "Los {n2}/{n6}", "Ref.-Nr. {n3} {n3} {n4}", "Zählerstand {n6},{n1} kWh am {iso}",
]  # fmt: skip


def make_heldout(rng: random.Random) -> str:
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    return rng.choice(HELDOUT_NEAR).format(
        n1=_digits(rng, 1), n2=_digits(rng, 2), n3=_digits(rng, 3), n4=_digits(rng, 4),
        n5=_digits(rng, 5), n6=_digits(rng, 6), n8=_digits(rng, 8), n10=_digits(rng, 10),
        hex8="".join(rng.choice("0123456789ABCDEF") for _ in range(8)),
        mac=":".join(f"{rng.randint(0, 255):02X}" for _ in range(6)),
        uuid=f"{rng.getrandbits(128):032x}", y=rng.choice([2025, 2026]),
        d=f"{day:02d}.{month:02d}.2026", iso=f"2026-{month:02d}-{day:02d}",
        hh=f"{rng.randint(8, 18):02d}", mm=f"{rng.randint(0, 59):02d}",
        s4=".".join(str(rng.randint(1, 12)) for _ in range(4)),
    )  # fmt: skip


# A third set, written before any rule was changed for the held-out set above and never used to
# tune them (HELDOUT2): near misses of kinds in neither set above (clause and paragraph
# references, software and firmware numbers in other forms, parcel numbers, membership, device
# and tax numbers, VAT ids, ISBNs, coordinates, timestamps, amounts with currency codes,
# postcodes, rooms, scores, part numbers, other date forms, file references), with personal
# data mixed into a quarter of the texts, so misses near such context are counted too.
HELDOUT2_NEAR = [
    "Gemäß § {s3} der AGB ist das ausgeschlossen.", "Siehe Ziffer {s4} des Rahmenvertrags.",
    "As per clause {s4} of the service agreement.", "Vgl. Punkt {s4} im Handbuch, Absatz {n1}.",
    "Softwareversion {v4} auf dem Gerät.", "App {v4} (Android), Kernel {v3}-{n3}",
    "Ihr Paket (DHL 00340434{n12}) liegt in der Filiale.",
    "DPD-Paketschein {n4} {n4} {n4} {n2} ist unterwegs.", "GLS Paketnummer {n11}",
    "Mitgliedsnummer {z10}", "Gerätenummer {z4} {n4} {n4}", "Device S/N {z4}-{n4}-{n4}",
    "Steuernummer {n2}/{n3}/{n5}", "Steuer-ID {n2} {n3} {n3} {n3}", "USt-IdNr. DE {n9}",
    "VAT reg. no. GB {n3} {n4} {n2}", "Buch 978-3-{n3}-{n5}-{n1} bestellt",
    "Standort 48°{n2}'{n2}.{n1}\"N 11°{n2}'{n2}.{n1}\"E",
    "Zeitstempel {iso}T{hh}:{mm}:{ss}.{n6}Z, Dauer {hh}:{mm}:{ss},{n3}",
    "Unix-Zeit 17{n8}", "Betrag EUR {n1} {n3},{n2}", "Summe {n2} {n3} {n3},{n2} EUR",
    "CHF {n2}'{n3}.{n2} offen", "Lieferadresse: D-{n5} Berlin, Postfach {n2} {n2} {n2}",
    "Raum {n1}.{n3}, {n1}. OG", "Endstand {n1}:{n1} ({n1}:{n1}), Zuschauer {n2}.{n3}",
    "Teilenummer {z4}-{n3}-{n3}", "Ersatzteil {n3}.{n3}.{n2}-{n2}", "Datum {ymd}",
    "Termin {mm2}/{dd2}/2026 2:30 PM", "Az. {n2} O {n3}/25, Geschäftszeichen {n4}/26-{n3}",
    "Bon-Nr. {n4}, Kasse {n2}, Filiale {z4}", "Flug LH {n4} am {d}, Sitz {n2}C",
    "Lizenzschlüssel {n5}-{n5}-{n5}-{n5}", "SNMP OID 1.3.6.1.4.1.{n5}.1",
    "RMA number {z8}", "Membership no. {z10}", "Sort code {n2}-{n2}-{n2}, account {n8}",
    "UTR {n5} {n5}", "Meter reading {n5} kWh at {hh}:{mm}", "Transaktionscode {n4} {n4} {n4} {n4}",
]  # fmt: skip

HELDOUT2_PII = [
    ("PHONE", "Bitte Rückruf unter {}."), ("PHONE", "Tel. {}"), ("PHONE", "Call me on {}"),
    ("EMAIL", "Mail an {}"), ("IBAN", "IBAN {}"), ("CARD", "Karte {} belastet."),
    ("IP", "Server {} nicht erreichbar."), ("IP", "Gerät {} im Netz"),
]  # fmt: skip


# A fourth set (HELDOUT3), written after HELDOUT2's leftovers were listed as open and before
# any rule was changed for them, and never used to tune a rule: the same leftover kinds (version
# numbers, serials, tax and VAT ids, parcel numbers, amounts, times, file references) in words
# and formats that appear in no set above, with real values mixed into a quarter of the texts.
HELDOUT3_NEAR = [
    # version numbers after other words, in other shapes
    "Treiberpaket {v4} installiert, Fehler bleibt.", "Plugin-Stand {v4} laut Admin-Konsole",
    "Patchlevel: {v4}", "Client {v4} meldet Timeout", "Nach dem Upgrade auf {v4} geht nichts mehr.",
    "Installed package libssl {v4}-ubuntu1", "Rev. {v4} des Datenblatts",
    "running OS {v4} (stable channel)", "Bootloader {v4}, Modem {v4}",
    # serial numbers with other markers
    "Seriennr.: {z4} {n4} {n4}", "Serial: {z4}/{n4}/{n4}", "SNR {z3}-{n3}-{n4} am Typenschild",
    "Fabrikations-Nr {n3} {n4} {n3}", "unit serial {z4}.{n4}.{n4}", "P/N {n3}-{n4}-{n3}",
    # tax and VAT ids of other EU countries and formats
    "UID ATU {n8}", "VAT ID: BE 0{n3}.{n3}.{n3}", "Partita IVA IT {n11}",
    "CVR-nr. DK {n2} {n2} {n2} {n2}", "NIP PL {n3}-{n3}-{n2}-{n2}", "N° TVA FR {n2} {n9}",
    "BTW-nummer NL {n9}B01", "Finanzamt-Steuernr. {n3}/{n4}/{n4}",
    # parcel numbers of other services and formats
    "Hermes-Sendung {n4} {n4} {n4} {n2}", "Post CH 99.{n2}.{n6}.{n8}",
    "FedEx tracking {n4} {n4} {n4}", "UPS Sendung 1Z {n3} {n3} {n2} {n4} {n3} {n1}",
    "Paket über GLS, Track-ID {n4}-{n4}-{n3}",
    # amounts in other currencies and number formats
    "Gesamt {n1} {n3} {n3} Ft", "Kosten PLN {n2} {n3},{n2}", "Rückerstattung {n3} {n3} SEK",
    "Fr. {n3}'{n3}.– überwiesen", "JPY {n1},{n3},{n3} gutgeschrieben",
    "Kaufpreis {n1} {n3} {n3},- Euro", "Saldo: -{n2} {n3} {n3} Kč",
    # times and durations in other formats
    "Log {hh}:{mm}:{ss}.{n3} FEHLER Dienst beendet", "Zeit {hh}.{mm}.{ss},{n6} Uhr",
    "Laufzeit {hh}h {mm}m {ss}.{n4}s", "Timecode {hh}:{mm}:{ss}:{n2}",
    "elapsed 0:{mm}:{ss}.{n7}", "{d} {hh}:{mm}:{ss}.{n9} +0100 WARN",
    # file references in other styles
    "AZ {n3} Js {n5}/25", "Unser Zeichen {n4}-{n2}/{n4}", "GZ {n3}.{n3}/{n4}-{n2}/2026",
    "Your ref. {n4}/{n4}/{n2}", "Dossier {n4}.{n4}.{n2}", "Vorgang {n2}-{n4}-{n4}/2026",
]  # fmt: skip

HELDOUT3_PII = [
    ("PHONE", "Rückrufnummer: {}"), ("PHONE", "Handy {}"), ("PHONE", "reach me at {}"),
    ("PHONE", "Festnetz {}, tagsüber"), ("EMAIL", "Antwort an {}"), ("IBAN", "Konto {}"),
    ("IBAN", "Erstattung auf {}"), ("CARD", "Visa/MC {} belastet"), ("CARD", "Card {}"),
    ("IP", "Client-IP {}"), ("IP", "von {} aus"),
]  # fmt: skip


class _Fields(dict):
    """Template fields made on first use: nK (K digits), zK (K digits, the first 0), sK (K
    dotted numbers 1-12), vK (K dotted numbers 0-30); the rest are set in make_heldout2."""

    def __init__(self, rng: random.Random, **fixed: str) -> None:
        super().__init__(fixed)
        self.rng = rng

    def __missing__(self, key: str) -> str:
        rng, k = self.rng, int(key[1:])
        if key[0] == "n":
            return _digits(rng, k)
        if key[0] == "z":
            return "0" + _digits(rng, k - 1)
        hi = 12 if key[0] == "s" else 30
        return ".".join(str(rng.randint(1 if key[0] == "s" else 0, hi)) for _ in range(k))


def make_heldout2(rng: random.Random, pn, iban, luhn) -> tuple[str, list[tuple[str, int, int]]]:
    """Return one HELDOUT2 text and its labels (a quarter hold a real value too)."""
    return _make_labelled(rng, HELDOUT2_NEAR, HELDOUT2_PII, pn, iban, luhn)


def make_heldout3(rng: random.Random, pn, iban, luhn) -> tuple[str, list[tuple[str, int, int]]]:
    """Return one HELDOUT3 text and its labels (a quarter hold a real value too)."""
    return _make_labelled(rng, HELDOUT3_NEAR, HELDOUT3_PII, pn, iban, luhn)


def _make_labelled(
    rng: random.Random, templates: list[str], leads: list[tuple[str, str]], pn, iban, luhn
) -> tuple[str, list[tuple[str, int, int]]]:
    """Fill one near-miss template; a quarter of the texts get a labelled real value too.

    The draws happen in the order HELDOUT2 was first measured with, so its texts stay the same.
    """
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    fields = _Fields(
        rng, d=f"{day:02d}.{month:02d}.2026", iso=f"2026-{month:02d}-{day:02d}",
        ymd=f"2026{month:02d}{day:02d}", mm2=f"{month:02d}", dd2=f"{day:02d}",
        hh=f"{rng.randint(0, 23):02d}", mm=f"{rng.randint(0, 59):02d}",
        ss=f"{rng.randint(0, 59):02d}",
    )  # fmt: skip
    text = rng.choice(templates).format_map(fields)
    if rng.random() >= 0.25:
        return text, []
    kind, lead = rng.choice(leads)
    value = {
        "PHONE": lambda: make_phone(rng, pn),
        "EMAIL": lambda: f"{rng.choice(FIRST)}.{rng.choice(LAST)}@{rng.choice(DOMAINS)}",
        "IBAN": lambda: make_iban(rng, iban),
        "CARD": lambda: make_card(rng, luhn),
        "IP": lambda: make_ip(rng),
    }[kind]()
    pii = lead.format(value)
    if rng.random() < 0.5:
        start = len(text) + 1
        text = f"{text} {pii}"
    else:
        start = 0
        text = f"{pii} {text}"
    start += lead.index("{}")
    return text, [(kind, start, start + len(value))]


def _digits(rng: random.Random, k: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(k))


def make_phone(rng: random.Random, pn) -> str:
    while True:
        kind = rng.random()
        if kind < 0.6:  # German
            area = rng.choice(["30", "40", "89", "221", "69", "711", "211", "151", "160", "171",
                               "176", "1512"])  # fmt: skip
            sub = str(rng.randint(2, 9)) + _digits(rng, rng.randint(5, 7))
            fmt = rng.choice(["+49 {a} {s}", "0{a} {s}", "0{a}/{s}", "+49 (0){a} {s}", "0{a}-{s}",
                              "0049 {a} {s}", "+49{a}{s}"])  # fmt: skip
            s, region = fmt.format(a=area, s=sub), "DE"
        elif kind < 0.8:  # British
            s = rng.choice(["+44 20 7946 0{}", "020 7946 0{}", "+44 161 496 0{}"]).format(
                _digits(rng, 3)
            )
            region = "GB"
        else:  # American
            area = rng.choice(["212", "415", "312", "617", "202"])
            line = "01" + _digits(rng, 2)
            s = rng.choice(["({a}) 555-{l}", "{a}-555-{l}", "+1 {a} 555 {l}"]).format(
                a=area, l=line
            )
            region = "US"
        try:
            if pn.is_valid_number(pn.parse(s, region)):
                return s
        except pn.NumberParseException:
            pass


def make_iban(rng: random.Random, iban) -> str:
    cc, bban = rng.choice(
        [
            ("DE", lambda: _digits(rng, 18)),
            ("AT", lambda: _digits(rng, 16)),
            ("GB", lambda: "WEST" + _digits(rng, 14)),
            ("NL", lambda: "ABNA" + _digits(rng, 10)),
            ("FR", lambda: _digits(rng, 10) + "0000" + _digits(rng, 7) + "00"),
        ]
    )
    while True:
        b = bban()
        number = cc + iban.calc_check_digits(cc + "00" + b) + b
        if iban.is_valid(number):
            compact = number
            if rng.random() < 0.6:
                return " ".join(compact[i : i + 4] for i in range(0, len(compact), 4))
            return compact


def make_card(rng: random.Random, luhn) -> str:
    prefix = rng.choice(["4", "51", "52", "55", "2223", "4000"])
    body = prefix + _digits(rng, 15 - len(prefix))
    num = body + luhn.calc_check_digit(body)
    return rng.choice([num, " ".join(num[i : i + 4] for i in range(0, 16, 4))])


def make_ip(rng: random.Random) -> str:
    if rng.random() < 0.8:
        return ".".join(str(rng.randint(1, 254)) for _ in range(4))
    return "2001:db8:" + ":".join(f"{rng.randint(0, 65535):x}" for _ in range(3)) + "::1"


def make_near(rng: random.Random, iban, luhn) -> str:
    good_iban = make_iban(rng, iban).replace(" ", "")
    last = good_iban[-1]
    bad_iban = good_iban[:-1] + str((int(last) + 1) % 10 if last.isdigit() else 1)
    card = make_card(rng, luhn).replace(" ", "")
    bad_card = card[:-1] + str((int(card[-1]) + 3) % 10)
    day, month = rng.randint(1, 28), rng.randint(1, 12)
    lead = rng.choice(NEAR_LEADS)
    return lead.format(
        y=rng.choice([2025, 2026]),
        n2=_digits(rng, 2), n4=_digits(rng, 4), n6=_digits(rng, 6), n7=_digits(rng, 7),
        n8=_digits(rng, 8), n12=_digits(rng, 12), ean="400" + _digits(rng, 10),
        d=f"{day:02d}.{month:02d}.2026", d2=f"{day:02d}.{month:02d}.2027",
        iso=f"2026-{month:02d}-{day:02d}", hh=f"{rng.randint(8, 18):02d}",
        mm=rng.choice(["00", "30"]),
        v4=".".join(str(rng.randint(0, 20)) for _ in range(4)),
        v3=".".join(str(rng.randint(0, 20)) for _ in range(3)),
        p=f"{rng.randint(1, 9)}.{rng.randint(100, 999)},{rng.randint(0, 99):02d}",
        p2=f"{rng.randint(10, 99)},{rng.randint(0, 99):02d}",
        pus=f"{rng.randint(1, 99)},{rng.randint(100, 999)}.{rng.randint(0, 99):02d}",
        bad_iban=bad_iban, bad_card=bad_card,
    )  # fmt: skip


def make_corpus(n: int, seed: int = 0):
    """Return texts, labels (kind, start, end per text) and which texts hold only near misses."""
    import phonenumbers as pn
    from stdnum import iban, luhn

    rng = random.Random(seed)
    texts, labels, near_only = [], [], []
    for _ in range(n):
        de = rng.random() < 0.6
        parts = [rng.choice(OPENERS_DE if de else OPENERS_EN),
                 rng.choice(BODIES_DE if de else BODIES_EN)]  # fmt: skip
        text = " ".join(p for p in parts if p)
        lab: list[tuple[str, int, int]] = []
        r = rng.random()
        has_near = False
        if r < 0.17:
            kind = rng.choice(["PHONE", "PHONE", "EMAIL", "EMAIL", "IBAN", "CARD", "IP"])
            if kind == "PHONE":
                value = make_phone(rng, pn)
            elif kind == "EMAIL":
                value = f"{rng.choice(FIRST)}.{rng.choice(LAST)}@{rng.choice(DOMAINS)}"
            elif kind == "IBAN":
                value = make_iban(rng, iban)
            elif kind == "CARD":
                value = make_card(rng, luhn)
            else:
                value = make_ip(rng)
            lead = rng.choice(PII_LEADS[kind])
            before = text + " " + lead[: lead.index("{}")]
            lab.append((kind, len(before), len(before) + len(value)))
            text = before + value + lead[lead.index("{}") + 2 :]
        if 0.12 < r < 0.5:
            text += " " + make_near(rng, iban, luhn)
            has_near = True
        closer = rng.choice(CLOSERS)
        if closer:
            text += " " + closer
        texts.append(text)
        labels.append(lab)
        near_only.append(has_near and not lab)
    return texts, labels, near_only


# ---------------------------------------------------------------------------- scoring


def score(found_per_text, labels):
    """Count true positives, false positives and misses by kind (overlap of the same kind)."""
    tp, fp, fn = Counter(), Counter(), Counter()
    for found, lab in zip(found_per_text, labels, strict=True):
        hit = [False] * len(lab)
        for kind, a, b in found:
            j = next((i for i, (k, s, e) in enumerate(lab) if k == kind and a < e and s < b), None)
            if j is None:
                fp[kind] += 1
            else:
                tp[kind] += not hit[j]
                hit[j] = True
        for (k, _, _), h in zip(lab, hit, strict=True):
            if not h:
                fn[k] += 1
    return tp, fp, fn


def report_heldout(title: str, texts: list[str], labels: list, engine) -> None:
    """Print false positives and misses of both tools on a held-out set (no timing)."""
    kit = [[(f.kind, f.start, f.end) for f in scan_text(t)] for t in texts]
    pres = [
        [(PRESIDIO_KIND[r.entity_type], r.start, r.end) for r in engine.analyze(t, language="en")
         if r.entity_type in PRESIDIO_KIND]
        for t in texts
    ]  # fmt: skip
    n_pii = sum(map(len, labels))
    print(f"\n{title}: {len(texts):,} texts, {n_pii:,} of them with a real value")
    for name, spans in (("kit", kit), ("Presidio", pres)):
        _tp, fp, fn = score(spans, labels)
        print(f"  {name:8s} false positives {sum(fp.values()):5d} {dict(sorted(fp.items()))}, "
              f"misses {sum(fn.values())} of {n_pii} {dict(sorted(fn.items()))}")  # fmt: skip
    shown: set[str] = set()
    for t, spans, lab in zip(texts, kit, labels, strict=True):
        for kind, a, b in spans:
            if any(k == kind and a < e and s < b for k, s, e in lab):
                continue
            if len(shown) < 8 and t not in shown:
                shown.add(t)
                print(f"    kit flags {kind} {t[a:b]!r} in {t!r}")


def presidio_engine(all_patterns: bool = False):
    import spacy
    from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
    from presidio_analyzer.nlp_engine import SpacyNlpEngine
    from presidio_analyzer.predefined_recognizers import (
        CreditCardRecognizer,
        EmailRecognizer,
        IbanRecognizer,
        IpRecognizer,
        PhoneRecognizer,
    )

    class BlankSpacyNlpEngine(SpacyNlpEngine):
        """Presidio's spaCy engine on a blank English pipeline: no model, no download."""

        def load(self) -> None:
            self.nlp = {"en": spacy.blank("en")}

    nlp = BlankSpacyNlpEngine(models=[{"lang_code": "en", "model_name": "blank"}])
    nlp.load()
    registry = RecognizerRegistry()
    if all_patterns:
        registry.load_predefined_recognizers(nlp_engine=nlp)
        registry.remove_recognizer("SpacyRecognizer")
        registry.remove_recognizer("PhoneRecognizer")
        registry.add_recognizer(PhoneRecognizer(supported_regions=REGIONS))
    else:
        for rec in (EmailRecognizer(), PhoneRecognizer(supported_regions=REGIONS),
                    IbanRecognizer(), CreditCardRecognizer(), IpRecognizer()):  # fmt: skip
            registry.add_recognizer(rec)
    return AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3, help="best of N runs for the kit")
    ap.add_argument(
        "--presidio-all",
        action="store_true",
        help="also score the near misses with all Presidio pattern recognisers",
    )
    args = ap.parse_args()
    print(describe())
    for name in ("presidio-analyzer", "tldextract", "filelock", "urllib3"):
        logging.getLogger(name).setLevel(logging.CRITICAL)

    texts, labels, near_only = make_corpus(args.n)
    n_pii = sum(bool(lab) for lab in labels)
    n_near = sum(near_only)
    input_mb = sum(sys.getsizeof(t) for t in texts) / 2**20
    mean_len = sum(map(len, texts)) / len(texts)
    print(f"PII benchmark: {len(texts):,} ticket texts (mean {mean_len:.0f}"
          f" chars), {n_pii:,} with personal data, {n_near:,} with near misses only; "
          f"{os.cpu_count()} cores")  # fmt: skip

    print(f"load average (1, 5, 15 min) at start: {os.getloadavg()}")

    # ---- both tools on the same chunks, interleaved, one pass each: the machine is shared, so
    # load from other processes falls on both alike (a best-of-N for one side only would not)
    engine = presidio_engine()
    engine.analyze("warm up +49 30 1234567", language="en")
    scan_text("warm up +49 30 1234567 jane@example.com")
    chunk = max(1, len(texts) // 20)
    kit_found: list = []
    pres_results: list = []
    t_kit = t_pres = 0.0
    for lo in range(0, len(texts), chunk):
        part = texts[lo : lo + chunk]
        gc.collect()
        t0 = time.perf_counter()
        kit_found.extend(scan_text(t) for t in part)
        t_kit += time.perf_counter() - t0
        t0 = time.perf_counter()
        pres_results.extend(engine.analyze(t, language="en") for t in part)
        t_pres += time.perf_counter() - t0
    best_kit = float("inf")
    for _ in range(args.repeat):
        gc.collect()
        t0 = time.perf_counter()
        for t in texts:
            scan_text(t)
        best_kit = min(best_kit, time.perf_counter() - t0)
    gc.collect()
    tracemalloc.start()
    kept = [scan_text(t) for t in texts]
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del kept
    kit_spans = [[(f.kind, f.start, f.end) for f in fs] for fs in kit_found]
    pres_spans = [
        [
            (PRESIDIO_KIND[r.entity_type], r.start, r.end)
            for r in rs
            if r.entity_type in PRESIDIO_KIND
        ]
        for rs in pres_results
    ]

    print(f"\nkit scan_text:  {t_kit:7.2f} s  ({t_kit / len(texts) * 1e6:6.1f} µs per text; "
          f"best of {args.repeat} separate runs {best_kit:.2f} s), "
          f"peak traced {peak / 2**20:.1f} MiB for {input_mb:.1f} MiB of text "
          f"({peak / 2**20 / input_mb:.2f}x, target < 3x)")  # fmt: skip
    print(f"Presidio (blank spaCy, 5 recognisers): {t_pres:7.2f} s  "
          f"({t_pres / len(texts) * 1e6:6.1f} µs per text)")  # fmt: skip
    print(f"  Presidio / kit (interleaved chunks): {t_pres / t_kit:5.1f}x   target >= 5x")

    print("\nquality on the labelled corpus (TP / FP / FN by kind):")
    print(f"  {'kind':6s} {'kit TP':>7s} {'kit FP':>7s} {'kit FN':>7s}   {'Presidio TP':>11s} "
          f"{'FP':>6s} {'FN':>6s}")  # fmt: skip
    ktp, kfp, kfn = score(kit_spans, labels)
    ptp, pfp, pfn = score(pres_spans, labels)
    for kind in ("EMAIL", "PHONE", "IBAN", "CARD", "IP"):
        print(f"  {kind:6s} {ktp[kind]:7d} {kfp[kind]:7d} {kfn[kind]:7d}   {ptp[kind]:11d} "
              f"{pfp[kind]:6d} {pfn[kind]:6d}")  # fmt: skip
    print(f"  {'all':6s} {sum(ktp.values()):7d} {sum(kfp.values()):7d} {sum(kfn.values()):7d}   "
          f"{sum(ptp.values()):11d} {sum(pfp.values()):6d} {sum(pfn.values()):6d}")  # fmt: skip

    near_idx = [i for i, x in enumerate(near_only) if x]
    k_near = sum(len(kit_spans[i]) for i in near_idx)
    p_near = sum(len(pres_spans[i]) for i in near_idx)
    p_near_kinds = Counter(k for i in near_idx for k, _, _ in pres_spans[i])
    k_near_kinds = Counter(k for i in near_idx for k, _, _ in kit_spans[i])
    print(f"\nnear-miss set ({len(near_idx):,} texts with near misses and no personal data):")
    print(f"  false positives: kit {k_near} {dict(k_near_kinds)}, "
          f"Presidio {p_near} {dict(p_near_kinds)}   target: kit < Presidio")  # fmt: skip
    examples = [
        (texts[i], [texts[i][a:b] for _, a, b in pres_spans[i]]) for i in near_idx if pres_spans[i]
    ]
    for text, spans in examples[:5]:
        print(f"    Presidio flags {spans} in {text!r}")

    import phonenumbers as pn
    from stdnum import iban, luhn

    n_held = max(1000, args.n // 20)
    rng = random.Random(1)
    held = [make_heldout(rng) for _ in range(n_held)]
    report_heldout(
        "held-out near misses (HELDOUT_NEAR, from templates not used to write the rules)",
        held, [[] for _ in held], engine,
    )  # fmt: skip
    rng = random.Random(2)
    held2, labels2 = zip(*(make_heldout2(rng, pn, iban, luhn) for _ in range(n_held)), strict=True)
    report_heldout(
        "second held-out set (HELDOUT2_NEAR, written before the rules were changed for the first)",
        list(held2), list(labels2), engine,
    )  # fmt: skip
    rng = random.Random(3)
    held3, labels3 = zip(*(make_heldout3(rng, pn, iban, luhn) for _ in range(n_held)), strict=True)
    report_heldout(
        "third held-out set (HELDOUT3_NEAR, written before the rules were changed for the second)",
        list(held3), list(labels3), engine,
    )  # fmt: skip

    print(f"load average after the timed runs: {os.getloadavg()}")

    if args.presidio_all:
        engine_all = presidio_engine(all_patterns=True)
        sub = [texts[i] for i in near_idx]
        t0 = time.perf_counter()
        res_all = [engine_all.analyze(t, language="en") for t in sub]
        t_all = time.perf_counter() - t0
        kinds_all = Counter(r.entity_type for rs in res_all for r in rs)
        n_rec = len(engine_all.registry.recognizers)
        print(f"\nPresidio, all predefined pattern recognisers ({n_rec}"
              f"), near-miss set: {sum(kinds_all.values())} findings {dict(kinds_all)}; "
              f"{t_all / len(sub) * 1e6:.0f} µs per text")  # fmt: skip


if __name__ == "__main__":
    main()
