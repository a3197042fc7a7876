"""Find personal data in free text and in DataFrame columns, and mask it.

What is detected, and how each candidate is confirmed before it is reported:

* ``EMAIL``: ``local@domain.tld`` (Unicode letters allowed), no ``..`` in the local part.
* ``PHONE``: international (``+49 30 1234567``, ``0049 ...``) and national formats of the
  configured regions (default ``("DE", "GB", "US")``: ``030/1234567``, ``+49 (0)30 1234567-0``,
  ``020 7946 0018``, ``(212) 555-0199``), confirmed by ``phonenumbers.PhoneNumberMatcher``.
  Leniency ``VALID`` (a valid number of its region): ``STRICT_GROUPING`` rejects common German
  ways of writing numbers (``+49 30 1234567-0``, ``02 21/123 45 67``), and the near misses
  that ``VALID`` lets through are caught by the rules below instead.
* ``IBAN``: confirmed by ``stdnum.iban`` (country format, length, mod-97 check digits).
* ``CARD``: 13-19 digits, ungrouped or in the printed groupings (4-4-4-4, 4-6-5, ...), with a
  valid Luhn check digit (``stdnum.luhn``) and a known issuer prefix and length (Visa,
  Mastercard, Amex, Discover, Diners, JCB, UnionPay, Maestro, Mir).
* ``IP``: IPv4 and IPv6 addresses, confirmed by :mod:`ipaddress`.

Near misses (dates, prices, order and other identifier numbers, version and section numbers,
numbers that fail their checksum) are **not** reported, by the rules of
:mod:`aipo_widgets.analysis.pii_rules`.

What is **not** detected: names of people, postal addresses, dates of birth and other
personal data without a checkable format.  They need a named-entity model, which the kit does
not download; :func:`scan_frame` flags such *columns* by their names instead (``name``,
``birth``, ``address``, ...), but free text naming a person passes unflagged.

Why ``phonenumbers`` and ``python-stdnum`` rather than Presidio: Presidio's analyzer needs a
spaCy model, and it tries to download ``en_core_web_lg`` when it builds its default engine
(which fails offline).  It can run on a blank spaCy pipeline with its pattern recognisers
only, but then its context words no longer raise scores (they rely on lemmas a blank pipeline
does not produce), and its patterns report near misses: a US phone number as a UK NHS number,
``version 1.2.3.4`` as an IP address, ``ORD-2026-000123`` as a phone number (see
``benchmarks/README.md``).  Presidio's phone recogniser is ``phonenumbers`` itself, and its
IBAN and card recognisers check the same checksums that ``python-stdnum`` checks.  Calling the
libraries directly, behind one cheap prefilter (a few regular expressions find candidate spans,
only those are validated, and the slow phone matcher runs only on digit runs that can be phone
numbers), is both stricter and several times faster (15x on 100,000 ticket texts).

Examples
--------
>>> text = "Call +49 30 12345678 or mail jane.doe@example.com, order ORD-2026-000123."
>>> [(f.kind, f.text) for f in scan_text(text)]
[('PHONE', '+49 30 12345678'), ('EMAIL', 'jane.doe@example.com')]
>>> mask(text)
'Call <PHONE> or mail <EMAIL>, order ORD-2026-000123.'
>>> mask("IBAN DE89 3704 0044 0532 0130 00, card 4111 1111 1111 1111, from 10.0.0.7")
'IBAN <IBAN>, card <CARD>, from <IP>'
>>> scan_text("IBAN DE89 3704 0044 0532 0130 01, card 4111 1111 1111 1112, version 1.2.3.4")
[]
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from aipo_widgets.analysis import pii_rules
from aipo_widgets.errors import DataError, UsageError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

__all__ = [
    "KINDS",
    "PLACEHOLDERS",
    "ColumnPii",
    "Finding",
    "PiiReport",
    "mask",
    "scan_frame",
    "scan_text",
]

#: The kinds of personal data found in text, in the order they win when spans overlap.
KINDS: tuple[str, ...] = ("EMAIL", "IBAN", "CARD", "IP", "PHONE")

#: What :func:`mask` puts in place of each kind.
PLACEHOLDERS: dict[str, str] = {k: f"<{k}>" for k in KINDS}

DEFAULT_REGIONS: tuple[str, ...] = ("DE", "GB", "US")

_PRIORITY = {k: i for i, k in enumerate(KINDS)}

# ---------------------------------------------------------------------------------------------
# results


@dataclass(frozen=True)
class Finding:
    """One piece of personal data found in a text.

    Attributes
    ----------
    kind : {"EMAIL", "PHONE", "IBAN", "CARD", "IP"}
        What was found.
    start, end : int
        Its span in the text (``text[start:end]``).
    text : str
        The matched text, as written.
    normalized : str
        A canonical form: lower-cased e-mail, E.164 phone number, compact IBAN, card digits,
        compressed IP address.
    detail : str
        Region of a phone number, country of an IBAN, card network, ``ipv4``/``ipv6``,
        domain of an e-mail.
    """

    kind: str
    start: int
    end: int
    text: str
    normalized: str = ""
    detail: str = ""

    @property
    def redacted(self) -> str:
        """The finding with most characters hidden, safe to show in a report.

        Examples
        --------
        >>> Finding("CARD", 0, 19, "4111 1111 1111 1111").redacted
        '**** **** **** 1111'
        >>> Finding("EMAIL", 0, 20, "jane.doe@example.com").redacted
        'j***@e***.com'
        """
        return _redact(self.kind, self.text)

    def to_dict(self) -> dict:
        """Return a JSON-ready dict (with ``redacted``; ``text`` and ``normalized`` included)."""
        d = asdict(self)
        d["redacted"] = self.redacted
        return d


def _redact(kind: str, s: str) -> str:
    if kind == "EMAIL":
        local, _, domain = s.partition("@")
        host, _, tld = domain.rpartition(".")
        return f"{local[:1]}***@{host[:1]}***.{tld}"
    if kind == "IP":
        if ":" in s:
            return s.split(":", 1)[0] + ":****"
        return s.split(".", 1)[0] + ".*.*.*"
    keep_tail = {"CARD": 4, "IBAN": 2, "PHONE": 2}.get(kind, 2)
    keep_head = 0
    if kind == "IBAN":
        keep_head = 2
    elif kind == "PHONE" and s.startswith("+"):
        keep_head = 2  # the country code (or its first two digits)
    alnum = [i for i, c in enumerate(s) if c.isalnum()]
    visible = set(alnum[:keep_head]) | set(alnum[len(alnum) - keep_tail :])
    return "".join(c if (i in visible or not c.isalnum()) else "*" for i, c in enumerate(s))


# ---------------------------------------------------------------------------------------------
# finders: every candidate of a pattern is confirmed by a validator before it is reported


def _find_emails(text: str, out: list[Finding]) -> None:
    for m in pii_rules.EMAIL.finditer(text):
        s = m.group()
        local, _, domain = s.partition("@")
        if ".." in local or local.startswith(".") or local.endswith("."):
            continue
        if pii_rules.SCALED_ASSET.fullmatch(domain):
            continue  # an image file's density variant (logo@2x.png), not an address
        out.append(Finding("EMAIL", m.start(), m.end(), s, s.lower(), domain.lower()))


def _find_ibans(text: str, out: list[Finding], shaped: list[tuple[int, int]]) -> None:
    _, iban, _ = pii_rules.libs()
    for m in pii_rules.IBAN.finditer(text):
        s = m.group()
        pos = [i for i, c in enumerate(s) if c not in " -"]
        compact = "".join(s[i] for i in pos).upper()
        # the pattern may run into the next word ("... 0130 00 BIC COBADEFF"): cut it at the
        # length of the country's IBANs, then let stdnum check format and mod-97 digits
        n = pii_rules.iban_length(compact[:2])
        if n is None:
            continue
        end = m.start() + pos[min(n, len(pos)) - 1] + 1
        # an IBAN-shaped token, valid or not: its digit groups are an account number's (or a
        # mistyped one's), never a phone or card number of their own
        shaped.append((m.start(), end))
        if len(compact) < n or not iban.is_valid(compact[:n]):
            continue
        out.append(Finding("IBAN", m.start(), end, text[m.start() : end], compact[:n], compact[:2]))


def _find_cards(text: str, out: list[Finding], shaped: list[tuple[int, int]]) -> None:
    _, _, luhn = pii_rules.libs()
    from stdnum import ean

    for m in pii_rules.CARD.finditer(text):
        s = m.group()
        digits = s.replace(" ", "").replace("-", "")
        if not 13 <= len(digits) <= 19 or not pii_rules.card_grouping_ok(s):
            continue
        brand = pii_rules.card_brand(digits)
        if brand is None or not luhn.is_valid(digits):
            continue
        if len(digits) == 13 and ean.is_valid(digits):
            continue  # an EAN-13 product code (ticket texts quote them) with a lucky Luhn digit
        if pii_rules.after_id_word(text, m.start(), card=True):
            continue  # a voucher or order number that passes Luhn (Gutscheincode 5157-5157-...)
        if pii_rules.inside(shaped, m.start(), m.end()):
            continue  # digit groups of a mistyped IBAN
        out.append(Finding("CARD", m.start(), m.end(), s, digits, brand))


def _find_ips(text: str, out: list[Finding]) -> None:
    if "." in text:
        for m in pii_rules.IPV4.finditer(text):
            s = m.group()
            try:
                addr = ipaddress.IPv4Address(s)
            except ValueError:
                continue
            if not pii_rules.dotted_quad_is_address(text, m.start(), m.end()):
                continue  # a version, section or mask (Update auf 4.1.2.3, Kapitel 1.12.8.5)
            out.append(Finding("IP", m.start(), m.end(), s, str(addr), "ipv4"))
    if ":" in text:
        for m in pii_rules.IPV6.finditer(text):
            s = m.group()
            if sum(c not in ":." for c in s) < 2:  # "::", "a::" and the like are not addresses
                continue
            try:
                addr6 = ipaddress.IPv6Address(s)
            except ValueError:
                continue
            out.append(Finding("IP", m.start(), m.end(), s, addr6.compressed, "ipv6"))


def _find_phones(text: str, regions: Sequence[str], taken: list[tuple[int, int]],
                 out: list[Finding]) -> None:  # fmt: skip
    phonenumbers, _, _ = pii_rules.libs()
    valid = phonenumbers.Leniency.VALID
    strict = phonenumbers.Leniency.STRICT_GROUPING
    fmt = phonenumbers.PhoneNumberFormat.E164
    for m in pii_rules.PHONE.finditer(text):
        if sum(c.isdigit() for c in m.group()) < 7:
            continue
        a = m.start()
        if a >= 2 and text[a - 1] == ":" and text[a - 2].isdigit():
            continue  # the seconds and their fractions of a clock time (05:03:09.559388)
        if any(a < m.end() and m.start() < b for a, b in taken):
            continue  # already an IBAN (or IBAN-shaped), card or IP address
        for seg_start, seg_end in pii_rules.phone_segments(text, *m.span()):
            s = text[seg_start:seg_end]
            stripped = s.strip(" \t-/.")
            if sum(c.isdigit() for c in stripped) < 7:
                continue
            start = seg_start + s.index(stripped)
            s = stripped
            if (pii_rules.DATE_TIME.fullmatch(s) or pii_rules.PRICE.fullmatch(s)
                    or pii_rules.DOTTED_QUAD.fullmatch(s)):
                continue  # dates, prices, and IP addresses or version numbers
            if pii_rules.GROUPED.fullmatch(s) and pii_rules.is_amount(text, start, start + len(s)):
                continue  # an amount with space-grouped thousands (Summe 12 345 678,90 EUR)
            if pii_rules.after_id_word(text, start):
                continue
            if pii_rules.VERSION_CONTEXT.search(text, max(0, start - 24), start) or (
                pii_rules.after_version_compound(text, start)
            ):
                continue
            _match_phones(text, s, start, regions, valid, strict, fmt, out)


def _match_phones(text: str, s: str, start: int, regions: Sequence[str], valid: Any,
                  strict: Any, fmt: Any, out: list[Finding]) -> None:  # fmt: skip
    phonenumbers, _, _ = pii_rules.libs()
    found: list[tuple[int, int]] = []
    lead = s.lstrip("(")
    international = lead.startswith(("+", "00"))
    for region in regions:
        if not international and (lead.startswith("0") != (pii_rules.trunk_prefix(region) == "0")):
            # a national number starting with 0 belongs to a region whose trunk prefix is 0
            # (DE, GB), one starting with 1-9 to a region without (US): skip the others
            continue
        for pm in phonenumbers.PhoneNumberMatcher(s, region, leniency=valid):
            a, b = start + pm.start, start + pm.end
            if any(x < b and a < y for x, y in found):
                continue
            raw = pm.raw_string
            while raw.startswith("(") and raw.count("(") > raw.count(")"):
                rest = raw[1:].lstrip()
                a += len(raw) - len(rest)
                raw = rest
            if raw.isdigit() and not raw.startswith("0"):
                continue  # unformatted digit runs: order numbers, not phone numbers
            if pii_rules.is_fragment(text, a, b):
                continue
            if a > start and pii_rules.after_id_word(text, a):
                continue
            # national format without a trunk prefix (US style): the digit groups must be
            # those of the number's format, e.g. 212-555-0199, not 2025/0014/21
            if not raw.lstrip("(").startswith(("+", "0")) and not any(
                sm.raw_string == raw
                for sm in phonenumbers.PhoneNumberMatcher(raw, region, leniency=strict)
            ):
                continue
            found.append((a, b))
            e164 = phonenumbers.format_number(pm.number, fmt)
            rc = phonenumbers.region_code_for_country_code(pm.number.country_code)
            out.append(Finding("PHONE", a, b, raw, e164, rc))
        if found:
            break  # the first region (in the order given) that reads the run wins


def _resolve(found: list[Finding]) -> list[Finding]:
    """Keep non-overlapping findings; on overlap the kind earlier in :data:`KINDS` wins."""
    found.sort(key=lambda f: (_PRIORITY[f.kind], f.start, -(f.end - f.start)))
    kept: list[Finding] = []
    for f in found:
        if all(f.end <= k.start or k.end <= f.start for k in kept):
            kept.append(f)
    kept.sort(key=lambda f: f.start)
    return kept


def _check_kinds(kinds: Iterable[str] | None) -> frozenset[str]:
    if kinds is None:
        return frozenset(KINDS)
    if isinstance(kinds, str):
        kinds = [kinds]
    chosen = frozenset(k.upper() for k in kinds)
    unknown = sorted(chosen - set(KINDS))
    if unknown:
        msg = f"unknown kind(s) {unknown}; choose from {', '.join(KINDS)}"
        raise UsageError(msg)
    return chosen


def _check_regions(regions: Sequence[str]) -> tuple[str, ...]:
    if isinstance(regions, str):
        regions = (regions,)
    phonenumbers, _, _ = pii_rules.libs()
    supported = phonenumbers.SUPPORTED_REGIONS
    out = tuple(r.upper() for r in regions)
    bad = [r for r in out if r not in supported]
    if bad:
        msg = (
            f"unknown phone region(s) {bad}; use ISO 3166 two-letter codes such as "
            "'DE', 'GB', 'US' (note: 'GB', not 'UK')"
        )
        raise UsageError(msg)
    return out


# ---------------------------------------------------------------------------------------------
# public: text


def scan_text(
    text: str,
    *,
    kinds: Iterable[str] | None = None,
    regions: Sequence[str] = DEFAULT_REGIONS,
) -> list[Finding]:
    """Find e-mail addresses, phone numbers, IBANs, card numbers and IP addresses in a text.

    Parameters
    ----------
    text : str
        The text.
    kinds : iterable of str, optional
        Restrict the search to these kinds (default: all of :data:`KINDS`).
    regions : sequence of str, default ("DE", "GB", "US")
        Regions whose *national* phone formats are recognised, in order of preference;
        international numbers (``+49 ...``, ``0049 ...``) are recognised for every country.

    Returns
    -------
    list of Finding
        Non-overlapping findings in text order.

    Raises
    ------
    UsageError
        For an unknown kind or phone region.

    Examples
    --------
    >>> [(f.kind, f.normalized, f.detail) for f in scan_text("Tel. 030/1234567-0, fe80::1")]
    [('PHONE', '+493012345670', 'DE'), ('IP', 'fe80::1', 'ipv6')]
    >>> scan_text("Ticket INC0012345 from 26.11.2026, order 2026000123, price 1.299,00 EUR")
    []
    """
    if not isinstance(text, str):
        msg = f"text must be a str, got {type(text).__name__}; use scan_frame for tables"
        raise UsageError(msg)
    wanted = _check_kinds(kinds)
    regs = _check_regions(regions) if "PHONE" in wanted else ()
    return _scan(text, wanted, regs)


def _scan(text: str, wanted: frozenset[str], regions: tuple[str, ...]) -> list[Finding]:
    norm, starts, ends = pii_rules.normalise(text)
    if norm is text:
        return _scan_normal(text, wanted, regions)
    found = _scan_normal(norm, wanted, regions)
    mapped = []
    for f in found:
        start, end = starts[f.start], ends[f.end - 1]
        mapped.append(Finding(f.kind, start, end, text[start:end], f.normalized, f.detail))
    return mapped


def _scan_normal(text: str, wanted: frozenset[str], regions: tuple[str, ...]
                 ) -> list[Finding]:
    if not pii_rules.QUICK.search(text):
        return []  # no digit, no "@", no "::": nothing to find
    found: list[Finding] = []
    if "EMAIL" in wanted and "@" in text:
        _find_emails(text, found)
    shaped: list[tuple[int, int]] = []  # IBAN-shaped tokens, valid or not
    if "IBAN" in wanted or "CARD" in wanted or "PHONE" in wanted:
        _find_ibans(text, found if "IBAN" in wanted else [], shaped)
    if "CARD" in wanted:
        _find_cards(text, found, shaped)
    if "IP" in wanted:
        _find_ips(text, found)
    if "PHONE" in wanted:
        taken = [(f.start, f.end) for f in found] + shaped
        _find_phones(text, regions, taken, found)
    if not found:
        return found
    return _resolve(found)


def mask(
    text: str,
    *,
    kinds: Iterable[str] | None = None,
    regions: Sequence[str] = DEFAULT_REGIONS,
    placeholders: dict[str, str] | None = None,
) -> str:
    """Replace every finding of :func:`scan_text` by a typed placeholder such as ``<EMAIL>``.

    Masking repeats until the result has no findings left (a span hidden behind a
    higher-priority finding can only show once that one is masked), so
    ``scan_text(mask(text)) == []`` always holds.

    Parameters
    ----------
    text : str
        The text.
    kinds, regions
        As in :func:`scan_text`.
    placeholders : dict of str to str, optional
        Replacement per kind (default :data:`PLACEHOLDERS`, e.g. ``"<PHONE>"``).

    Returns
    -------
    str
        The masked text.

    Examples
    --------
    >>> mask("Rückruf an 0171 1234567 bitte")
    'Rückruf an <PHONE> bitte'
    >>> mask("card 5555-5555-5555-4444", placeholders={"CARD": "[redacted]"})
    'card [redacted]'
    """
    if not isinstance(text, str):
        msg = f"text must be a str, got {type(text).__name__}"
        raise UsageError(msg)
    wanted = _check_kinds(kinds)
    regs = _check_regions(regions) if "PHONE" in wanted else ()
    repl = dict(PLACEHOLDERS)
    if placeholders:
        repl.update({k.upper(): v for k, v in placeholders.items()})
    for _ in range(5):
        found = _scan(text, wanted, regs)
        if not found:
            break
        parts: list[str] = []
        pos = 0
        for f in found:
            parts.append(text[pos : f.start])
            parts.append(repl[f.kind])
            pos = f.end
        parts.append(text[pos:])
        text = "".join(parts)
    return text


# ---------------------------------------------------------------------------------------------
# public: frames


@dataclass
class ColumnPii:
    """What :func:`scan_frame` found in one column.

    Attributes
    ----------
    column : str
        Column name.
    dtype : str
        The column's dtype.
    scanned : bool
        Whether the values were scanned (text-like and integer columns are; floats, booleans
        and dates are judged by name only).
    rows : int
        Rows looked at (the sample, when one was drawn), missing values included.
    rows_with_pii : int
        Rows with at least one finding.
    share : float
        ``rows_with_pii / rows``.
    kinds : dict of str to int
        Rows per kind found.
    hint : str or None
        What the column *name* suggests (:func:`~aipo_widgets.analysis.pii_rules.column_hint`).
    examples : list of str
        Up to three redacted findings (``'j***@e***.com'``), never the raw values.
    personal_data : bool
        True when something was found or the name suggests personal data.
    reason : str
        Why, in words.
    """

    column: str
    dtype: str
    scanned: bool
    rows: int
    rows_with_pii: int
    share: float
    kinds: dict[str, int] = field(default_factory=dict)
    hint: str | None = None
    examples: list[str] = field(default_factory=list)
    personal_data: bool = False
    reason: str = ""

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return asdict(self)


_REPORT_COLUMNS = ["personal_data", "hint", "rows", "rows_with_pii", "share", "kinds",
                   "examples", "dtype", "scanned", "reason"]  # fmt: skip


@dataclass
class PiiReport:
    """The personal-data report of a frame: one :class:`ColumnPii` per column.

    Attributes
    ----------
    columns : list of ColumnPii
        Per column, in frame order.
    n_rows : int
        Rows in the frame.
    n_scanned : int
        Rows scanned (``n_rows`` unless a sample was drawn).
    sample : int or None
        The requested sample size.
    seed : int
        Seed of the sample.
    regions : tuple of str
        Phone regions used.
    """

    columns: list[ColumnPii]
    n_rows: int
    n_scanned: int
    sample: int | None
    seed: int
    regions: tuple[str, ...]

    def __getitem__(self, column: str) -> ColumnPii:
        for c in self.columns:
            if c.column == column:
                return c
        msg = f"column {column!r} was not scanned; scanned: {[c.column for c in self.columns]}"
        raise DataError(msg)

    @property
    def flagged(self) -> list[str]:
        """Names of the columns that hold (or by name suggest) personal data."""
        return [c.column for c in self.columns if c.personal_data]

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            "n_rows": self.n_rows,
            "n_scanned": self.n_scanned,
            "sample": self.sample,
            "seed": self.seed,
            "regions": list(self.regions),
            "flagged": self.flagged,
            "columns": [c.to_dict() for c in self.columns],
        }

    def to_frame(self) -> pd.DataFrame:
        """Return the column report as a table, one row per column, indexed by column name.

        Returns
        -------
        pandas.DataFrame
        """
        import pandas as pd

        rows = [{k: getattr(c, k) for k in _REPORT_COLUMNS} for c in self.columns]
        index = pd.Index([c.column for c in self.columns], name="column")
        return pd.DataFrame(rows, index=index, columns=_REPORT_COLUMNS)


def _scannable(dtype: Any) -> bool:
    import pandas as pd

    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_integer_dtype(dtype):
        return True  # card or phone numbers stored as integers
    return (
        pd.api.types.is_string_dtype(dtype)
        or pd.api.types.is_object_dtype(dtype)
        or isinstance(dtype, pd.CategoricalDtype)
    )


def scan_frame(
    frame: pd.DataFrame,
    columns: Sequence[str] | None = None,
    sample: int | None = None,
    *,
    seed: int = 0,
    kinds: Iterable[str] | None = None,
    regions: Sequence[str] = DEFAULT_REGIONS,
) -> PiiReport:
    """Report which columns of a frame hold personal data, how often, with redacted examples.

    Every distinct value of a text-like or integer column is scanned once with
    :func:`scan_text`; every column name is checked with
    :func:`~aipo_widgets.analysis.pii_rules.column_hint`.

    Parameters
    ----------
    frame : pandas.DataFrame
        The data.
    columns : sequence of str, optional
        Columns to report on (default: all).
    sample : int, optional
        Scan a random sample of this many rows (seeded) instead of the whole frame.
    seed : int, default 0
        Seed of the sample.
    kinds, regions
        As in :func:`scan_text`.

    Returns
    -------
    PiiReport

    Raises
    ------
    DataError
        If the frame is not a DataFrame, is empty, or lacks a requested column.
    UsageError
        For a bad ``sample``, kind or region.

    Examples
    --------
    >>> import pandas as pd
    >>> df = pd.DataFrame({
    ...     "ticket": ["Bitte Rückruf: 0171 1234567", "Order ORD-2026-000123 fehlt", None],
    ...     "customer_name": ["A. Muster", "B. Beispiel", "C. Test"],
    ...     "amount": [12.5, 99.0, 3.2],
    ... })
    >>> report = scan_frame(df)
    >>> report.flagged
    ['ticket', 'customer_name']
    >>> t = report["ticket"]
    >>> t.rows, t.rows_with_pii, t.kinds, t.examples
    (3, 1, {'PHONE': 1}, ['**** *****67'])
    >>> report["customer_name"].reason
    "column name suggests 'name' (not detectable in values without an NER model)"
    """
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        msg = f"frame must be a pandas DataFrame, got {type(frame).__name__}"
        raise DataError(msg)
    if len(frame) == 0 or frame.shape[1] == 0:
        msg = f"the frame is empty ({frame.shape[0]} rows, {frame.shape[1]} columns); pass data"
        raise DataError(msg)
    wanted = _check_kinds(kinds)
    regs = _check_regions(regions) if "PHONE" in wanted else ()
    if columns is None:
        names = list(frame.columns)
    else:
        if isinstance(columns, str):
            columns = [columns]
        names = list(columns)
        missing = [c for c in names if c not in frame.columns]
        if missing:
            msg = (
                f"column {missing[0]!r} is not in the frame; it has "
                f"{list(map(str, frame.columns))[:20]}. Pass existing names in columns="
            )
            raise DataError(msg)
    n_total = len(frame)
    if sample is not None:
        if isinstance(sample, bool) or not isinstance(sample, int) or sample < 1:
            msg = f"sample must be a positive number of rows or None, got {sample!r}"
            raise UsageError(msg)
        if sample < len(frame):
            frame = frame.sample(n=sample, random_state=seed)
    rows = len(frame)

    out: list[ColumnPii] = []
    for col in names:
        s = frame[col]
        hint = pii_rules.column_hint(col)
        scanned = _scannable(s.dtype)
        kind_rows: dict[str, int] = {}
        examples: list[str] = []
        with_pii = 0
        if scanned:
            counts = s.value_counts(dropna=True, sort=False)
            for value, count in zip(counts.index.tolist(), counts.to_numpy().tolist(),
                                    strict=True):  # fmt: skip
                found = _scan(str(value), wanted, regs)
                if not found:
                    continue
                with_pii += int(count)
                for k in {f.kind for f in found}:
                    kind_rows[k] = kind_rows.get(k, 0) + int(count)
                for f in found:
                    r = f.redacted
                    if len(examples) < 3 and r not in examples:
                        examples.append(r)
        reasons = []
        if with_pii:
            reasons.append(f"{with_pii} of {rows} rows hold " + ", ".join(sorted(kind_rows)))
        if hint is not None:
            how = (
                " (not detectable in values without an NER model)"
                if hint in ("name", "address", "birth", "special_category", "id_number")
                and not with_pii
                else ""
            )
            reasons.append(f"column name suggests {hint!r}{how}")
        if not scanned:
            reasons.append(f"values not scanned (dtype {s.dtype})")
        out.append(
            ColumnPii(
                column=str(col),
                dtype=str(s.dtype),
                scanned=scanned,
                rows=rows,
                rows_with_pii=with_pii,
                share=with_pii / rows if rows else 0.0,
                kinds=dict(sorted(kind_rows.items())),
                hint=hint,
                examples=examples,
                personal_data=bool(with_pii) or hint is not None,
                reason="; ".join(reasons) if reasons else "nothing found",
            )
        )
    return PiiReport(out, n_total, rows, sample, seed, regs)
