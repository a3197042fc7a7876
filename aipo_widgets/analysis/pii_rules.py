"""The rules of the personal-data scanner: candidate patterns, context words and validators.

:mod:`aipo_widgets.analysis.pii` finds candidates with the cheap patterns here (:data:`EMAIL`,
:data:`IBAN`, :data:`CARD`, :data:`IPV4`, :data:`IPV6`, :data:`PHONE`), confirms each with a
validator (checksums through ``python-stdnum``, phone numbers through ``phonenumbers``, loaded
on first use by :func:`libs`), and drops those the context words say are something else.
Column names are judged by :func:`column_hint`.

Near misses are **not** reported, by these rules:

* checksums: an IBAN or card number with a wrong check digit; a Luhn-valid run without an
  issuer prefix (most 16-digit order numbers); a 13-digit run that is a valid EAN-13 product
  code (13-digit Visa numbers are no longer issued and are not looked for);
* dates, times and prices (``2026-11-26``, ``26.11.2026``, ``14:30``, ``1.299,00``), also
  inside longer runs (``01.01.2026 - 31.12.2026``); digits glued to a clock time's colon
  (``05:03:09.559388``); thousands grouped by spaces next to a currency
  (``Summe 12 345 678,90 EUR``, ``EUR 1 234 567``);
* identifiers: a digit run glued to letters or joined to them by ``-``/``/``/``#``
  (``ORD-2026-000123``, ``INC0012345``, ``#4711``); a run directly after an identifier word
  (order, invoice, ticket, case, customer, account, contract, SKU, tracking, EAN, bank code,
  meter, batch, voucher, ``S/N``, VAT, UTR and their German forms such as Bestellung,
  Rechnung, Vertrag, Kundennummer, Bankleitzahl, Zähler, Los, Gutschein, USt, Az., and German
  compounds ending in ``-schein``, ``-zeichen``, ``-teil`` (Paketschein, Geschäftszeichen,
  Ersatzteil), optionally followed by ``no.``/``Nr.``/``#``/``:``), or after any word, also
  abbreviated (``reg. no.``), made a number by ``-nummer``, ``Nr.``,
  ``no.``, ``number``, ``code`` or ``ID`` (``Serien-Nr: 0287545774``, ``Gutscheincode``)
  unless that word names a phone (``Telefonnummer``, ``Handy-Nr.``, ``phone number``,
  ``area code``) or is a function word (``unter der Nr.``); the same words, except those
  naming the card or its account (``Kartennummer``, ``card no.``), turn a Luhn-valid run into
  a voucher or order number (``Gutscheincode 5157-5157-5157-5157``); a country code between
  such a word and the number is skipped (``USt-IdNr. DE 123456789``); a piece of a longer run
  joined by ``/ . -`` (``0303/45`` in
  ``2025/0303/45``); a run without any separator unless it starts with ``+`` or ``0`` (so
  ``2026000123`` is an order number, and unformatted US numbers such as ``2125550199`` are not
  detected);
* national phone formats: a run starting with ``0`` is read only in regions whose trunk
  prefix is ``0`` (DE, GB), any other only in regions without it (US), and there the digit
  groups must be the number's own (``212-555-0199``, not ``2025/0014/21``);
* dotted quads: ``1.2.3.4`` is a valid IPv4 address and as often a version, a section or a
  mask; :func:`dotted_quad_is_address` reads the evidence on both sides (a port or prefix
  length, a glued suffix, the nearest words: ``Host``, ``src=``, ``erreichbar`` against
  ``Update auf``, ``Kapitel``, ``läuft mit``) and, with none, its shape: alone (a field's
  value), in a private or other special-purpose block, or starting with 32 or more, it is an
  address; ``modem 11.1.60.168`` is a version. Version-shaped runs are not phone numbers;
* shapes of other things: the digit groups of an IBAN-shaped token are an account number's,
  whether its checksum holds or not (never a phone or card number of their own); the
  "domain" of ``logo@2x.png`` is an image's density variant, not a host.

The rules are heuristics: ``benchmarks/README.md`` reports how they fare on held-out texts
written by people who had not read them (five sets; on the fifth, ``benchmarks/pii_corpus5``,
50,000 texts written after these rules, 85 false positives per 1,000 texts, most of them
dotted quads read as addresses, and 97.5 % recall), and a Luhn-valid code of one repeated
block, ``5157-5157-5157-5157``, is a card number unless a word says otherwise.

Examples
--------
>>> after_id_word("Serien-Nr: 0287545774", 11), after_id_word("Tel. 0171 1234567", 5)
(True, False)
>>> is_amount("Summe 12 345 678,90 EUR", 6, 16)
True
>>> bool(VERSION_CONTEXT.search("Firmware ")), column_hint("customer_name")
(True, 'name')
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from collections.abc import Iterable
from functools import cache, lru_cache
from typing import Any

__all__ = [
    "CARD",
    "DATE_TIME",
    "DOTTED_CONTEXT",
    "DOTTED_QUAD",
    "EMAIL",
    "GROUPED",
    "IBAN",
    "IPV4",
    "IPV6",
    "PHONE",
    "PRICE",
    "QUICK",
    "SCALED_ASSET",
    "VERSION_CONTEXT",
    "after_id_word",
    "after_version_compound",
    "card_brand",
    "card_grouping_ok",
    "column_hint",
    "dotted_quad_is_address",
    "iban_length",
    "inside",
    "is_amount",
    "is_fragment",
    "libs",
    "normalise",
    "phone_segments",
    "trunk_prefix",
]

# ---------------------------------------------------------------------------------------------
# candidate patterns (cheap); every candidate is confirmed by a validator before it is reported

EMAIL = re.compile(
    r"(?<![\w.%+\-])"
    r"[\w%+\-](?:[\w.%+\-]{0,62}[\w%+\-])?"
    r"@(?:[^\W_](?:[\w\-]{0,61}[^\W_])?\.)+[^\W\d_]{2,24}"
    r"(?![\w\-]|\.[^\W_])"
)
# the "domain" of an image's high-resolution variant (logo@2x.png, icon@1.5x.webp: Apple's and
# the web's naming of pixel-density variants) is a scale and a file type, not a host
SCALED_ASSET = re.compile(r"\d+(?:\.\d+)?x\.(?:png|jpe?g|gif|svg|webp|avif|ico|bmp|tiff?|heic)",
                          re.IGNORECASE)
# Groups separated by one space or hyphen, as IBANs are printed and typed ("DE89-3704-...").
IBAN = re.compile(r"(?<![^\W_])[A-Za-z]{2}\d{2}(?:[ \-]?[A-Za-z0-9]){10,32}")
IPV4 = re.compile(r"(?<![\w.])(?:\d{1,3}\.){3}\d{1,3}(?![\w]|\.\d)")
IPV6 = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:(?:\d{1,3}\.){3}\d{1,3}|[0-9A-Fa-f]{1,4})?"
    r"(?![\w:]|\.\d)"
)
CARD = re.compile(r"(?<![\w.,+\-/#])\d(?:[ \-]?\d){12,18}(?![\w]|[ \-]\d|[.,/]\d)")
# a digit run that may be a phone number: optional + or (, at least 7 digits (checked later)
PHONE = re.compile(r"(?<![\w+#/.\-])(?:\+|\(\+?)?\d[\d \t()./\-]{4,28}\d")
DATE_TIME = re.compile(
    r"\s*(?:\d{1,2}[./-]\d{1,2}[./-]\d{2,4}|\d{4}[./-]\d{1,2}[./-]\d{1,2})"
    r"(?:[ T]+\d{1,2}[:.]\d{2}(?:[:.]\d{2})?)?\s*"
)
_DATE_IN_RUN = re.compile(
    r"(?<!\d)(?:(?:0?[1-9]|[12]\d|3[01])[./-](?:0?[1-9]|1[0-2])[./-](?:\d{4}|\d{2}(?![\d.]))"
    r"|(?:19|20)\d{2}[./-](?:0?[1-9]|1[0-2])[./-](?:0?[1-9]|[12]\d|3[01]))(?!\d)"
)
PRICE = re.compile(r"\s*\d{1,3}(?:[.,]\d{3})+(?:[.,]\d{2})?\s*")
# thousands grouped by spaces, apostrophes or dots (12 345 678, 1'234'567); an amount when a
# currency stands right before or after (the decimals in between: 12 345 678,90 EUR)
GROUPED = re.compile(r"\d{1,3}(?:[ \u00a0\u202f'’.]\d{3})+")
_CURRENCY = (
    r"EUR|USD|GBP|CHF|JPY|CNY|SEK|NOK|DKK|ISK|PLN|CZK|HUF|RON|BGN|TRY|RUB|UAH|CAD|AUD|NZD|INR|"
    r"BRL|MXN|ZAR|HKD|SGD|KRW|Euro|Euros|Dollar|Dollars|Pfund|Franken|€|\$|£|¥"
)
_AMOUNT_AFTER = re.compile(rf"(?:[.,](?:\d{{1,2}}|[-–]))?\s*(?:{_CURRENCY})(?![^\W\d_])")
_AMOUNT_BEFORE = re.compile(rf"(?<![^\W\d_])(?:{_CURRENCY})\.?\s*$")
DOTTED_QUAD = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}")
QUICK = re.compile(r"[0-9@]|::")

_ID_WORDS = (
    r"order|orders|bestellung|bestellnummer|bestell-?nr|auftrag|auftragsnummer|ref|referenz|"
    r"reference|invoice|rechnung|rechnungsnummer|ticket|case|fall|vorgang|vorgangsnummer|"
    r"kunde|kunden|kundennummer|kunden-?nr|customer|account|konto|kontonummer|sku|artikel|"
    r"artikelnummer|art\.?-?nr|tracking|sendung|sendungsnummer|serial|seriennummer|id|po|lot|"
    r"vertrag|vertragsnummer|contract|policy|police|mandat|mandatsreferenz|antrag|antragsnummer|"
    r"schaden|schadennummer|claim|booking|buchung|buchungsnummer|reservation|reservierung|"
    r"lieferschein|delivery|paket|parcel|shipment|ean|gtin|isbn|imei|"
    # bank codes, meters, batches and vouchers
    r"bankleitzahl|blz|bank\s+code|sort\s+code|routing|zähler|zählerstand|meter|counter|los|"
    r"batch|gutschein|voucher|coupon|promo|"
    # serial markers, tax and VAT numbers, file references (Aktenzeichen)
    r"s/n|sn|vat|ust|tax|utr|az"
)
# German compounds name what their last part names: a Paketschein or Geschäftszeichen is a
# document or reference, an Ersatzteil a part, and the number after it theirs (tested with
# str.endswith: as regex alternatives, these and the version compounds made the scan 25 % slower)
_ID_SUFFIXES = ("schein", "zeichen", "teil")
# any word made a number by "-nummer", "Nr.", "no.", "number", "code" or "ID" after it
# (Serien-Nr:, Gutscheincode, serial no.); the word is checked by _ID_HEAD_NOT below
_ID_HEAD = (
    r"(?<![\w\-])(?P<head>[^\W\d_][\w\-]*?)\.?"  # the word may be abbreviated: reg. no.
    r"(?:-?(?:nummer|code)|[ \-]?(?:nr|no|number|num|id|code)\b)\.?"
)
_ID_HEAD_CONTEXT = re.compile(rf"{_ID_HEAD}\s*[:#]?\s*$", re.IGNORECASE)
# how such a context ends: a cheap test before the search (most runs follow other words)
_ID_MARKERS = ("nummer", "code", "nr", "no", "number", "num", "id")
_ID_CONTEXT = re.compile(
    rf"(?:\b(?P<word>{_ID_WORDS})\.?\s*(?:-?\s*(?:nr|no|nummer|number|id)\.?)?|#)\s*[:#]?\s*$",
    re.IGNORECASE,
)
# ... unless that word makes it a phone number (Telefonnummer, Handy-Nr., phone number, Caller
# ID, area code) or is a function word (my number, unter Nr.)
_ID_HEAD_NOT = re.compile(
    r"tel\b|tele|phon|fon|ruf|handy|mobil|fax|hotline|helpline|service|kontakt|contact|whats|"
    r"sms|durchwahl|festnetz|zentrale|call|cell|dial|vorwahl|area|country|landline|home|office|"
    r"büro|work|direct|emergency|notfall|privat|business|geschäft|"
    r"^(?:my|your|his|her|our|their|the|a|an|this|that|new|same|other|is|at|on|under|to|via|"
    r"per|and|or|der|die|das|den|dem|des|ein|eine|einer|mein|meine|meiner|meinen|unsere|"
    r"unserer|ihre|ihrer|seine|diese|dieser|neue|neuen|gleiche|andere|unter|auf|und|oder|ist)$",
    re.IGNORECASE,
)
# ... and for a card number, words that name the card or its account (Kartennummer, card no.,
# account number: the card number is the primary account number)
_CARD_HEAD = re.compile(r"kart|card|kredit|credit|debit|visa|master|amex|pan\b|account|konto",
                        re.IGNORECASE)  # fmt: skip
_VERSION_WORDS = (
    r"version|vers|ver|release|rel|build|firmware|fw|patch|update|rev|revision|stand|"
    # software named before its version number (App 8.24.28.7, Kernel 6.11.8-185)
    r"app|software|sw|kernel"
)
# compounds that end in a version word name a version (Softwareversion, Firmwarestand,
# App-Release); those that only start with one do not (Buildserver 10.0.0.5 is a server)
_VERSION_STEMS = ("version", "release", "build", "firmware", "patch", "update", "software")
_VERSION_SUFFIXES = _VERSION_STEMS + tuple(
    w + s for w in _VERSION_STEMS for s in ("stand", "sstand")
)
# document structure: a dotted number after these is a section (Kapitel 1.12.8.5), not an address
_SECTION_WORDS = (
    r"kapitel|kap|abschnitt|abschn|unterabschnitt|absatz|abs|ziffer|ziff|punkt|paragraph|"
    r"paragraf|artikel|art|anlage|anhang|tabelle|tab|abbildung|abb|seite|schritt|teil|"
    r"randnummer|rn|rz|tz|chapter|chap|ch|section|sec|sect|subsection|clause|cl|para|article|"
    r"annex|appendix|schedule|table|figure|fig|item|step|part|point|page"
)
VERSION_CONTEXT = re.compile(rf"\b(?:{_VERSION_WORDS})\.?\s*[:=#]?\s*$", re.IGNORECASE)
DOTTED_CONTEXT = re.compile(
    rf"(?:\b(?:{_VERSION_WORDS}|{_SECTION_WORDS})\.?|§§?)\s*[:=#]?\s*$", re.IGNORECASE
)

# A dotted quad is as often a version (4.12.51.225), a section or a mask as an address. It is
# judged on both sides, then on its shape (see dotted_quad_is_address): the characters glued
# to it, then the words of its clause, nearest first, then what it looks like.
_QUAD_RIGHT_ADDRESS = re.compile(r":\d{1,5}(?![\d.:])|/\d{1,2}(?![\d./])")
_QUAD_RIGHT_VERSION = re.compile(r"[-+_~][^\W\d_]|[^\W\d_]")
# a clause, for these words, ends at a sentence's end, a semicolon, a comma or a line break
# (what follows a comma is mostly the next item of a list: "Bootloader 2.3.2.1, DNS 8.8.8.8")
_CLAUSE_END = re.compile(r"[.!?;,](?:\s|$)|[\n;]")
# the tokens around a quad: words (with their hyphenated compounds) and numbers; evidence is
# read from the two nearest on each side, since a word further away is about something else
_TOKENS = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*|\d[\w.:/\-]*")
# what makes a number an address: nouns (also as the end of a compound: Zieladresse,
# Mailserver, Client-IP), the words of log lines and network commands, and what is said of an
# address after it (erreichbar, antwortet nicht, unreachable)
_ADDRESS_ENDINGS = (
    "adresse", "adressen", "address", "addresses", "addr", "server", "servers", "host", "hosts",
    "hostname", "gateway", "gateways", "resolver", "proxy", "proxies", "endpoint", "endpunkt",
)
_ADDRESS_WORDS = frozenset((
    "ip", "ipv4", "ips", "src", "dst", "dns", "gw", "ping", "pingt", "pingbar", "lease",
    "netz", "netzwerk", "network", "lan", "wlan", "wifi", "vpn",
    "leased", "dhcp", "nat", "erreichbar", "unerreichbar", "reachable", "unreachable", "login",
    "logged", "connect", "connected", "connection", "verbindung", "zugriff", "access",
    "antwortet", "responds", "responding", "timeout", "blocked", "gesperrt", "subnet", "subnetz",
))
# what makes it a version: the version words, their compounds, and what is said of a version
# (installiert, läuft mit, upgraded to)
_VERSION_ENDINGS = ("version", "versionen", "release", "firmware", "update", "updates",
                    "build", "patch", "stand")
_VERSION_MORE = frozenset((
    "upgrade", "upgraded", "downgrade", "downgraded", "rollback", "installiert", "installed",
    "install", "läuft", "runs", "running", "released", "veröffentlicht", "hotfix", "sp",
))
# a direction introduces an address (Login von ..., from ...), but also a version (Update von
# 4.1.2.3 auf 4.1.2.4): it counts only when nothing else in the clause does
# (to, at, auf, unter lead to versions as often: "rolled back to", "is at", "läuft unter")
_DIRECTIONS = frozenset(("from", "von", "source", "quelle", "remote", "peer", "via", "origin",
                         "absender", "sender"))


def _quad_word(word: str) -> bool | None:
    # True: an address word, False: a version word, None: neither (judged by its last part)
    w = word.lower()
    last = w.rsplit("-", 1)[-1]
    if last in _ADDRESS_WORDS or w.endswith(_ADDRESS_ENDINGS):
        return True
    if (last in _VERSION_MORE or w.endswith(_VERSION_ENDINGS)
            or _VERSION_WORD.fullmatch(last)):
        return False
    return None


_VERSION_WORD = re.compile(_VERSION_WORDS)

# issuer prefixes and lengths of payment cards (ISO/IEC 7812 IIN ranges as published by the
# networks); a Luhn-valid run must fit one of them
_CARD_BRANDS: tuple[tuple[str, tuple[tuple[int, int], ...], tuple[int, ...]], ...] = (
    ("visa", ((4, 4),), (16, 19)),  # 13-digit Visa numbers are no longer issued
    ("mastercard", ((51, 55), (2221, 2720)), (16,)),
    ("amex", ((34, 34), (37, 37)), (15,)),
    ("discover", ((6011, 6011), (644, 649), (65, 65), (622126, 622925)), (16, 17, 18, 19)),
    ("diners", ((300, 305), (36, 36), (38, 39)), (14, 15, 16, 17, 18, 19)),
    ("jcb", ((3528, 3589),), (16, 17, 18, 19)),
    ("unionpay", ((62, 62),), (16, 17, 18, 19)),
    ("mir", ((2200, 2204),), (16, 17, 18, 19)),
    ("maestro", ((5018, 5018), (5020, 5020), (5038, 5038), (5893, 5893), (6304, 6304),
                 (6759, 6759), (6761, 6763)), (13, 14, 15, 16, 17, 18, 19)),
)  # fmt: skip


# ---------------------------------------------------------------------------------------------
# validators and context


def card_brand(digits: str) -> str | None:
    """Return the card network whose issuer prefix and length the digits fit, or None.

    Examples
    --------
    >>> card_brand("4111111111111111"), card_brand("1234567890123456")
    ('visa', None)
    """
    n = len(digits)
    for brand, ranges, lengths in _CARD_BRANDS:
        if n not in lengths:
            continue
        for lo, hi in ranges:
            width = len(str(lo))
            if lo <= int(digits[:width]) <= hi:
                return brand
    return None


def card_grouping_ok(s: str) -> bool:
    """Accept the printed groupings 4-4-4-4(-3), and 4-6-5 / 4-6-4 (Amex, Diners)."""
    seps = {c for c in s if not c.isdigit()}
    if not seps:
        return True
    if len(seps) > 1:
        return False
    groups = [len(g) for g in s.split(seps.pop())]
    if groups[:2] == [4, 6] and len(groups) == 3 and groups[2] in (4, 5):
        return True
    return all(g == 4 for g in groups[:-1]) and 1 <= groups[-1] <= 4


@lru_cache(maxsize=1)
def libs() -> tuple[Any, Any, Any]:
    """Import the validating libraries on first use (keeps the module's import light)."""
    import phonenumbers
    from stdnum import iban, luhn

    return phonenumbers, iban, luhn


@cache
def iban_length(cc: str) -> int | None:
    """Return the IBAN length of a country from python-stdnum's registry (None: no IBANs)."""
    from stdnum import numdb

    info = numdb.get("iban").info(cc)
    props = info[0][1] if info else {}
    if not props or "bban" not in props:
        return None
    return 4 + sum(int(n) for n in re.findall(r"(\d+)!", props["bban"]))


def phone_segments(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Split a candidate run at the dates inside it (``Zeitraum 01.02.2026 - 01.02.2027``)."""
    pos = start
    for d in _DATE_IN_RUN.finditer(text, start, end):
        yield pos, d.start()
        pos = d.end()
    yield pos, end


def inside(spans: Iterable[tuple[int, int]], a: int, b: int) -> bool:
    """Tell whether ``[a, b)`` overlaps one of ``spans``."""
    return any(a < y and x < b for x, y in spans)


def after_version_compound(text: str, start: int) -> bool:
    """Tell whether the number at ``start`` follows a compound ending in a version word."""
    before = text[max(0, start - 24) : start].rstrip(" \t:=#").rstrip(".").lower()
    return before.endswith(_VERSION_SUFFIXES)


def is_amount(text: str, a: int, b: int) -> bool:
    """Tell whether the digits text[a:b] are an amount: a currency right before or after them."""
    return bool(
        _AMOUNT_AFTER.match(text, b, b + 16) or _AMOUNT_BEFORE.search(text, max(0, a - 8), a)
    )


def is_fragment(text: str, a: int, b: int) -> bool:
    """Tell whether text[a:b] is glued to more digits by / . - (``0303/45`` in ``2025/0303/45``)."""
    before = a >= 2 and text[a - 1] in "/.-" and text[a - 2].isdigit()
    after = b + 1 < len(text) and text[b] in "/.-" and text[b + 1].isdigit()
    return before or after


def after_id_word(text: str, start: int, *, card: bool = False) -> bool:
    """Tell whether the number at ``start`` follows an identifier word (``Serien-Nr: ``).

    A word made a number by ``-nummer``/``Nr.``/``no.``/``code``/``ID`` decides first (it is
    the most specific: ``Kunden-Nr.``, ``Caller ID``): it counts unless it names a phone
    (``Telefonnummer``), or, for a card number, the card or its account (``Kartennummer``).
    Otherwise the identifier words of :data:`_ID_WORDS` (and a bare ``#``) count.  A country
    code between word and number is skipped (``USt-IdNr. DE 123456789``, ``VAT no. GB ...``).
    """
    if _after_id_context(text, start, card):
        return True
    i = start
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    # tax and VAT ids are written with their country's code in front of the digits: a capital
    # pair standing alone as a word is such a code, and the word before it decides
    pair = text[i - 2 : i] if 2 <= i < start else ""
    if pair.isupper() and pair.isalpha() and (i == 2 or text[i - 3] in " \t"):
        return _after_id_context(text, i - 2, card)
    return False


def _after_id_context(text: str, start: int, card: bool) -> bool:
    lo = max(0, start - 32)
    before = text[lo:start].rstrip(" \t:#").rstrip(".").lower()
    if before.endswith(_ID_SUFFIXES):
        return True  # Paketschein, Geschäftszeichen, Ersatzteil: never a card or a phone
    if before.endswith(_ID_MARKERS):
        m = _ID_HEAD_CONTEXT.search(text, lo, start)
        if m is not None:
            head = m.group("head")
            return not (_ID_HEAD_NOT.search(head) or (card and _CARD_HEAD.search(head)))
    m = _ID_CONTEXT.search(text, lo, start)
    if m is None:
        return False
    return not (card and m.group("word") and _CARD_HEAD.search(m.group("word")))


def dotted_quad_is_address(text: str, start: int, end: int) -> bool:
    """Tell whether the valid dotted quad ``text[start:end]`` is a network address.

    Four numbers of 0-255 are as often a version (``Update auf 4.12.51.225``), a section
    (``Kapitel 1.12.8.5``) or a subnet mask as an address, and no list of the words that come
    before versions is ever complete. So the evidence is read from both sides, nearest first:

    1. a subnet mask (``255.255.255.0``: ones, then zeros) is never a host's address;
    2. on the right: a port or prefix length (``:8080``, ``/24``) makes an address, a suffix
       glued to it (``-ubuntu1``, ``+build``, ``rc1``) a version;
    3. the word right before it: a version, software or section word (or a compound ending in
       one: ``Softwareversion``) makes a version;
    4. the two nearest words or numbers on each side, within its clause (which ends at a
       sentence end, semicolon, comma or line break), nearest first and the left before the
       right: an address word (``IP``, ``Host``, ``Zieladresse``, ``Mailserver``, ``src``,
       ``ping``, ``DHCP``, ``login``; ``erreichbar``, ``antwortet nicht`` after it) makes an
       address, a version word (``Update``, ``upgraded``, ``läuft``, ``installiert``) a
       version; failing both, a direction on the left (``from``, ``von``, ``via``, ``sender``)
       among the three before it makes an address (a direction also leads to versions:
       ``Update von 4.1.2.3 auf ...``);
    5. with no evidence: an address when the quad stands alone (a field's value), lies in a
       special-purpose block (private, loopback, link-local, shared, documentation:
       ``10.0.0.7``, ``192.168.0.1``) or starts with 32 or more, as public addresses mostly
       do; otherwise (``modem 11.1.60.168``) it reads as a version, whose first part is small.

    Parameters
    ----------
    text : str
        The text.
    start, end : int
        The span of the quad (matched by :data:`IPV4`; each part 0-255, no leading zero).

    Examples
    --------
    >>> t = "Ping 4.12.51.225 ok; Update auf 4.12.51.225; modem 11.1.60.168, DNS 8.8.8.8"
    >>> [dotted_quad_is_address(t, m.start(), m.end()) for m in IPV4.finditer(t)]
    [True, False, False, True]
    >>> [dotted_quad_is_address(t, 0, len(t)) for t in ("1.2.3.4", "255.255.255.0")]
    [True, False]
    >>> u = "see 192.168.0.1, 84.21.3.9 and 4.1.2.3-ubuntu1 or 4.1.2.3:443"
    >>> [dotted_quad_is_address(u, m.start(), m.end()) for m in IPV4.finditer(u)]
    [True, True, False, True]
    """
    quad = text[start:end]
    parts = [int(p) for p in quad.split(".")]
    value = (parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]
    if parts[0] == 255 and value and (value | (value - 1)) == 0xFFFFFFFF:
        return False  # 1: a subnet mask, ones then zeros
    if _QUAD_RIGHT_ADDRESS.match(text, end):
        return True  # 2: a port or a prefix length
    if _QUAD_RIGHT_VERSION.match(text, end):
        return False  # 2: a suffix glued to it
    if DOTTED_CONTEXT.search(text, max(0, start - 24), start) or (
        after_version_compound(text, start)
    ):
        return False  # 3: right after a version or section word
    lo, hi = max(0, start - 48), min(len(text), end + 32)
    cut = [m.end() for m in _CLAUSE_END.finditer(text, lo, start)]
    left = _TOKENS.findall(text, cut[-1] if cut else lo, start)[::-1][:3]
    stop = _CLAUSE_END.search(text, end, hi)
    right = _TOKENS.findall(text, end, stop.start() if stop else hi)[:2]
    for i in range(2):  # 4: the two nearest tokens, nearest first, the left side first
        for word in (left[i] if i < len(left) else "", right[i] if i < len(right) else ""):
            said = _quad_word(word) if word[:1].isalpha() else None
            if said is not None:
                return said
    if any(w.lower() in _DIRECTIONS for w in left):
        return True  # 4: a direction among the three tokens before it (from, von, via)
    if not text[:start].strip(" \t\"'([<") and not text[end:].strip(" \t\"')]>.,;:"):
        return True  # 5: the value of a field
    return parts[0] >= 32 or ipaddress.IPv4Address(value).is_private or (
        parts[0] == 100 and 64 <= parts[1] < 128)  # 5: shared address space (RFC 6598)


@cache
def trunk_prefix(region: str) -> str | None:
    """Return the national trunk prefix of a phone region (``"0"`` for DE and GB, None for US)."""
    phonenumbers, _, _ = libs()
    meta = phonenumbers.PhoneMetadata.metadata_for_region(region)
    return meta.national_prefix if meta is not None else None


# ---------------------------------------------------------------------------------------------
# column names

# hint -> (stems matched anywhere in the lower-cased name, tokens matched exactly)
_HINTS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "email": (("email", "e_mail", "e-mail", "emailadresse"), ("mail",)),
    "phone": (("phone", "telefon", "mobile", "mobil", "handy", "telephone"),
              ("tel", "fax", "msisdn", "cell")),
    "name": (("firstname", "lastname", "surname", "vorname", "nachname", "fullname",
              "username", "familienname"), ("name",)),
    "birth": (("birth", "geburt", "birthday"), ("dob",)),
    "address": (("address", "adresse", "street", "strasse", "straße", "postcode",
                 "postal", "hausnummer", "anschrift"), ("zip", "plz", "city", "ort", "wohnort")),
    "iban": (("iban",), ("bic", "swift")),
    "card": (("creditcard", "credit_card", "cardnumber", "card_number", "kreditkarte"),
             ("pan", "cvv", "cvc")),
    "ip": (("ipaddress", "ip_address", "ipv4", "ipv6"), ("ip",)),
    "id_number": (("passport", "personalausweis", "national_id", "nationalid", "steuer",
                   "taxid", "tax_id", "sozialversicherung", "social_security", "license"),
                  ("ssn", "nino", "svnr", "tin")),
    "location": (("latitude", "longitude", "geoloc", "gps"), ("lat", "lon", "lng", "geo")),
    "special_category": (("gender", "geschlecht", "religion", "ethnic", "health", "diagnos",
                          "disabil", "behinderung", "gesundheit", "sexual", "union_member",
                          "gewerkschaft", "biometric"), ()),
}  # fmt: skip
# fmt: off
_NAME_NOT_PERSON = frozenset({
    "product", "file", "model", "company", "firm", "host", "server", "team", "brand", "column",
    "table", "field", "item", "article", "feature", "project", "app", "application", "device",
    "domain", "data", "dataset", "metric", "event", "campaign", "category", "class", "queue",
    "group", "role", "process", "job", "task", "step", "city", "street",
})
# fmt: on


def _tokens(name: str) -> list[str]:
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return [t for t in re.split(r"[^0-9A-Za-zÄÖÜäöüß]+", spaced.lower()) if t]


def column_hint(name: object) -> str | None:
    """Return the kind of personal data a column name suggests, or None.

    Parameters
    ----------
    name : object
        The column name (converted with ``str``).

    Returns
    -------
    str or None
        One of ``email, phone, name, birth, address, iban, card, ip, id_number, location,
        special_category``.

    Examples
    --------
    >>> column_hint("customer_name"), column_hint("product_name"), column_hint("Geburtsdatum")
    ('name', None, 'birth')
    >>> column_hint("zip"), column_hint("shipping_fee"), column_hint("eMailAddress")
    ('address', None, 'email')
    """
    raw = str(name)
    low = raw.lower()
    toks = _tokens(raw)
    tokset = set(toks)
    joined = "".join(toks)
    for hint, (stems, exact) in _HINTS.items():
        if hint == "name" and not any(s in joined for s in stems):
            if "name" in tokset and not (tokset & _NAME_NOT_PERSON):
                return hint
            continue
        if any(s in low or s in joined for s in stems) or tokset & set(exact):
            return hint
    return None


# Characters that show as nothing but split a word for a pattern ("jane@exa\u200bmple.com").
_INVISIBLE = frozenset("\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b\u180c\u180d\u180e"
                       "\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                       "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u3164"
                       "\ufeff\uffa0")


def normalise(text: str) -> tuple[str, list[int], list[int]]:
    """Return ``text`` as the patterns should read it, with where each character came from.

    NFKC folds look-alike forms into plain ones (fullwidth ``＠`` and digits, ligatures,
    superscripts) and invisible characters (zero-width spaces and joiners, soft hyphens,
    direction marks) are dropped, so that personal data written to slip past a pattern is
    still found. Each character of the result maps back to a span of the original text
    (``starts[i]``, ``ends[i]``), so findings and masks apply to what the person wrote.

    Examples
    --------
    >>> norm, starts, ends = normalise("ｊａｎｅ＠ex\u200bample.com")
    >>> norm, starts[4], ends[-1]
    ('jane@example.com', 4, 17)
    """
    if text.isascii() or (not _INVISIBLE.intersection(text)
                          and unicodedata.is_normalized("NFKC", text)):
        n = len(text)
        return text, list(range(n)), list(range(1, n + 1))
    out: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    i, n = 0, len(text)
    while i < n:
        if text[i] in _INVISIBLE:
            i += 1
            continue
        j = i + 1  # a character with the combining marks after it, normalised together
        while j < n and unicodedata.combining(text[j]) and text[j] not in _INVISIBLE:
            j += 1
        folded = unicodedata.normalize("NFKC", text[i:j])
        out.append(folded)
        starts.extend([i] * len(folded))
        ends.extend([j] * len(folded))
        i = j
    return "".join(out), starts, ends
