"""Small helpers every layer shares: suggester, number formatter, operators, git lookup.

Kept in one place so that a "did you mean", a missing value or a comparison reads and behaves
the same in ``aipo validate``, a gate, a page and a document.

Examples
--------
>>> suggest("ownr", ["owner", "name"])
"did you mean 'owner'?"
>>> format_number(1234567.8, "EUR"), format_number(0.08123), format_number(None)
('1,234,568 EUR', '0.0812', '—')
>>> compare(0.3, ">=", 0.25), compare(float("nan"), ">=", 0.25)
(True, None)
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import math
import operator
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, TypedDict

__all__ = ["MISSING", "OPERATORS", "compare", "format_number", "format_value", "git_commit",
           "is_missing", "markdown_html", "suggest"]

# The number format is a presentation token: it lives in figures/tokens.json with the colours,
# so that the widgets' JavaScript (static/_common.js: fmt) formats from the same settings. It is
# read as data, not imported: this module stays at the bottom of the layers.
class _NumberTokens(TypedDict):
    digits: int
    thousands: str
    missing: str
    yes: str
    no: str


_NUMBER: _NumberTokens = json.loads(
    (Path(__file__).parent / "figures" / "tokens.json").read_text(encoding="utf-8"))["number"]

#: How every surface shows a value that is not there (not measured, not computable).
MISSING: str = _NUMBER["missing"]

#: The comparison operators of ``aipo.yaml`` (criteria, alert rules, kill-switch conditions).
OPERATORS: dict[str, Callable[[Any, Any], bool]] = {
    ">=": operator.ge, ">": operator.gt, "<=": operator.le, "<": operator.lt, "==": operator.eq,
}


def suggest(name: str, known: Iterable[str], *, cutoff: float = 0.6, none: str = "",
            listed: int = 8, label: str = "known", n: int = 1) -> str:
    """Return the fix for an unknown name: the closest known one, or the known ones.

    Parameters
    ----------
    name : str
        What the person wrote.
    known : iterable of str
        The names that exist (duplicates are listed once, in their order).
    cutoff : float, default 0.6
        How close a name must be to be suggested (:func:`difflib.get_close_matches`).
    none : str, default ""
        What to say when nothing is known (default: "none are defined yet").
    listed : int, default 8
        How many known names to list when none is close (0: list none, say ``none``).
    label : str, default "known"
        The words before that list, e.g. "allowed here".
    n : int, default 1
        How many close names to offer.

    Examples
    --------
    >>> suggest("gold_sett", ["gold_set", "pilot"])
    "did you mean 'gold_set'?"
    >>> suggest("x", ["a", "b"])
    'known: a, b'
    >>> suggest("x", [])
    'none are defined yet'
    >>> suggest("n_bot", ["n_boot", "n_bootstrap", "as_of"], n=3)
    "did you mean 'n_boot' or 'n_bootstrap'?"
    """
    names = list(dict.fromkeys(str(k) for k in known))
    close = [f"'{c}'" for c in difflib.get_close_matches(str(name), names, n=n, cutoff=cutoff)]
    if close:
        listed_close = ", ".join(close[:-1]) + " or " + close[-1] if len(close) > 1 else close[0]
        return f"did you mean {listed_close}?"
    if names and listed > 0:
        more = ", ..." if len(names) > listed else ""
        return f"{label}: " + ", ".join(names[:listed]) + more
    return none or "none are defined yet"


def format_number(value: Any, unit: str = "") -> str:
    """Format a number for a person: three significant figures, thousands separated.

    ``None``, NaN and infinity show as :data:`MISSING`; integers keep every digit; a bool is
    a check mark or a cross; anything else is shown as text. The unit follows the number; a
    ``share`` (a fraction of one, as the metric tree writes it) is shown as a percentage, and a
    scale (``1-5``) in brackets. The settings (significant digits, thousands separator, missing
    sign, the marks for a bool) are the ``number`` tokens of
    ``aipo_widgets/figures/tokens.json``; ``fmt`` in the widgets' ``_common.js`` mirrors this
    function, rounding half to even as Python does.

    Examples
    --------
    >>> format_number(1234567.8, "EUR"), format_number(13.8, "%"), format_number(12345)
    ('1,234,568 EUR', '13.8%', '12,345')
    >>> format_number(float("inf")), format_number(0.000012345), format_number(True)
    ('—', '1.23e-05', '✓')
    >>> format_number(0.2712, "share"), format_number(4.271, "1-5"), format_number(False)
    ('27.1%', '4.27 (1-5)', '✗')
    """
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return _NUMBER["yes"] if value else _NUMBER["no"]
    if unit == "share" and isinstance(value, (int, float)):
        return format_number(value * 100, "%")
    digits = _NUMBER["digits"]
    if isinstance(value, int):
        text = f"{value:,}"
    elif isinstance(value, float):
        if not math.isfinite(value):
            return MISSING
        a = abs(value)
        if a >= 10 ** (digits - 1):
            text = f"{value:,.0f}"
        elif a >= 10:
            # 10 <= a < 10**(digits - 1): as many decimals as the digits left over
            k = next(k for k in range(digits - 2, 0, -1) if a >= 10 ** k)
            text = f"{value:.{digits - 1 - k}f}".rstrip("0").rstrip(".")
        elif a == 0:
            text = "0"
        else:
            text = f"{value:.{digits}g}"
    else:
        return str(value)
    if _NUMBER["thousands"] != ",":
        text = text.replace(",", _NUMBER["thousands"])
    if not unit:
        return text
    if unit == "%":
        return f"{text}%"
    return f"{text} ({unit})" if _SCALE.match(unit) else f"{text} {unit}"


# A unit that is a rating scale ("1-5", "0-10"): "4.27 (1-5)" reads as a score, "4.27 1-5" not.
_SCALE = re.compile(r"^-?\d+(\.\d+)?\s*(-|–|to)\s*-?\d+(\.\d+)?$")


def is_missing(value: Any) -> bool:
    """Return whether a value is not there: None, NaN, infinity, pandas' NA or NaT.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0), is_missing("")
    (True, True, False, False)
    """
    if value is None:
        return True
    if type(value).__name__ in ("NAType", "NaTType"):
        return True
    if isinstance(value, float):
        return not math.isfinite(value)
    return False


def format_value(value: Any, unit: str = "") -> str:
    """Format any value a table or a sentence shows: the one rule for cells.

    Numbers as :func:`format_number` (numpy and pandas scalars too); missing values
    (:func:`is_missing`) as :data:`MISSING`; a bool as a check mark or a cross; a date as
    ``YYYY-MM-DD`` (with the time only when there is one); a mapping as ``key: value`` pairs
    and a list as its items, each formatted; text as it is.

    Parameters
    ----------
    value : any
        The value.
    unit : str, optional
        The unit of a number (``EUR``, ``%``, ``share``, ``min`` ...), as :func:`format_number`.

    Examples
    --------
    >>> import datetime
    >>> format_value(13.569999999999999), format_value(4.231577e-164), format_value(None)
    ('13.6', '4.23e-164', '—')
    >>> format_value({"recall": 0.81234, "n": 1200}), format_value([0.1, None])
    ('recall: 0.812, n: 1,200', '0.1, —')
    >>> format_value(datetime.datetime(2026, 5, 1)), format_value(datetime.date(2026, 5, 1))
    ('2026-05-01', '2026-05-01')
    >>> format_value(1708996.4, "EUR"), format_value(True), format_value("text")
    ('1,708,996 EUR', '✓', 'text')
    """
    if is_missing(value):
        return MISSING
    if isinstance(value, (str, bool)):
        return value if isinstance(value, str) else format_number(value)
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return ", ".join(f"{k}: {format_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple, set, frozenset)):
        return ", ".join(format_value(v) for v in value)
    item = getattr(value, "item", None)
    if callable(item) and type(value).__module__.startswith("numpy"):
        try:
            return format_value(item(), unit)  # a numpy scalar: its Python value
        except (TypeError, ValueError):  # an array of several values
            pass
    if hasattr(value, "tolist") and type(value).__module__.startswith("numpy"):
        return format_value(value.tolist(), unit)
    if isinstance(value, (int, float)):
        return format_number(value, unit)
    return str(value)


def compare(figure: Any, op: str, value: Any) -> bool | None:
    """Return whether ``figure op value`` holds, or None when it cannot be evaluated.

    A missing, NaN or infinite figure or threshold cannot be compared: the caller must treat
    None as "cannot be evaluated", never as a pass.

    Raises
    ------
    KeyError
        For an operator outside :data:`OPERATORS` (the schema only admits those).
    """
    fn = OPERATORS[op]
    try:
        a, b = float(figure), float(value)
    except (TypeError, ValueError):
        return None
    if not (math.isfinite(a) and math.isfinite(b)):
        return None
    return bool(fn(a, b))


def git_commit(folder: str | os.PathLike[str]) -> str | None:
    """Return the git commit of ``folder`` (with ``+dirty`` when ``aipo.yaml`` has changes).

    None when the folder is not in a git repository or git is not installed.
    """
    try:
        out = subprocess.run(["git", "-C", str(folder), "rev-parse", "HEAD"],
                             capture_output=True, text=True, timeout=10)
        if out.returncode != 0:
            return None
        dirty = subprocess.run(["git", "-C", str(folder), "status", "--porcelain", "--",
                                "aipo.yaml"], capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() + ("+dirty" if dirty.stdout.strip() else "")


# --------------------------------------------------------------------------------------------
# Markdown from the workspace, offline

# An image the page carries itself; anything else would be fetched when the page is opened.
_EMBEDDED_IMAGE = re.compile(r"^data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]*$", re.I)
# What a browser would read as a scheme once it drops tabs, newlines and control characters.
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.I)


def _url_kind(url: str) -> str:
    """Return 'local' (an anchor or a relative path), 'outside' (http, mailto, ...) or 'unsafe'."""
    compact = re.sub(r"[\x00-\x20\x7f]", "", url)
    scheme = _SCHEME.match(compact)
    if scheme is None:
        # '//host/x' is outside; '\\host' too for some browsers.
        return "outside" if compact.startswith(("//", "\\\\", "/\\", "\\/")) else "local"
    name = scheme.group(1).lower()
    if name in ("http", "https", "mailto", "ftp", "ftps", "tel", "sftp", "ssh", "file"):
        return "outside"
    return "unsafe"  # javascript:, vbscript:, data: and whatever else a browser might act on


def markdown_html(markdown: str) -> str:
    """Render Markdown from the workspace as HTML that loads nothing and links nowhere outside.

    The one rule for every surface that shows workspace text as Markdown (documents, reports,
    pages, widgets): raw HTML is escaped; an image is shown only when it is embedded in the
    text (``data:image/png;base64,...``), any other becomes its description and address as
    plain text; a link to outside (``http:``, ``mailto:`` ...) becomes its text with the address
    in brackets, so a reader sees where it points and nothing is opened by a click; a
    ``javascript:`` or ``data:`` link keeps only its text. Links inside the document
    (``#section``) and to files beside it (``model_card.html``) stay links.

    Parameters
    ----------
    markdown : str
        The Markdown (GitHub-style tables, strikethrough and task lists).

    Returns
    -------
    str
        An HTML fragment.

    Examples
    --------
    >>> print(markdown_html("![logo](http://example.com/p.png) [Approve](https://x.test/ok)"))
    <p>[image not loaded: logo (http://example.com/p.png)] Approve (https://x.test/ok)</p>
    <BLANKLINE>
    >>> print(markdown_html("[click](javascript:alert(1)) [card](model_card.html) <b>x</b>"))
    <p>click <a href="model_card.html">card</a> &lt;b&gt;x&lt;/b&gt;</p>
    <BLANKLINE>
    """
    import mistune
    from mistune.renderers.html import HTMLRenderer

    class _Offline(HTMLRenderer):
        def link(self, text: str, url: str, title: str | None = None) -> str:
            kind = _url_kind(url)
            if kind == "local":
                return super().link(text, url, title)
            if kind == "unsafe":
                return text
            shown = self.escape_attribute(url)
            plain = re.sub(r"<[^>]*>", "", text)
            return text if plain.strip() in (url, shown) else f"{text} ({shown})"

        def image(self, text: str, url: str, title: str | None = None) -> str:
            if _EMBEDDED_IMAGE.match(url):
                return super().image(text, url, title)
            alt = re.sub(r"<[^>]*>", "", text)
            where = f" ({self.escape_attribute(url)})" if _url_kind(url) != "unsafe" else ""
            return f"[image not loaded: {alt}{where}]"

    md = mistune.create_markdown(escape=True, renderer=_Offline(escape=True),
                                 plugins=["table", "strikethrough", "task_lists"])
    body = md(markdown)
    assert isinstance(body, str)  # an HTML renderer gives text (a syntax tree needs none)
    return body
