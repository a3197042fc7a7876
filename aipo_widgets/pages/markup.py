"""What a page may show, and how it looks: masked and escaped text, badges, tables, trends.

Every text of a workspace that reaches a page passes :func:`shown` (personal data masked by the
PII scanner, then HTML-escaped); the widgets are bound to :func:`masked_workspace`, a copy with
no file behind it. The page's style and scripts are files in ``static/`` (``page.css``,
``*.js``, type-checked by ``make typecheck``) inlined into the page by :data:`CSS` and
:func:`script`: a page loads nothing from elsewhere, served (Voila) or saved (``aipo report``).
Its colours are the kit's presentation tokens (``aipo_widgets/figures/tokens.json``), as CSS
custom properties (a sparkline, an image, gets the token's value).

Examples
--------
>>> html_escape_table([{"a": "x@example.com writes"}])  # doctest: +ELLIPSIS
'<table class="aipo-table">...<td>&lt;EMAIL&gt; writes</td>...</table>'
"""

from __future__ import annotations

import base64
import functools
import html
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.analysis.pii import mask
from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.figures.tokens import CHART, VERDICT, css_variables
from aipo_widgets.model.schema import Workspace

#: The page's style sheet and scripts.
STATIC = Path(__file__).parent / "static"



@functools.cache
def script(name: str) -> str:
    """Return a script of ``static/`` as an inline ``<script>`` element.

    The page's Content-Security-Policy allows inline scripts and nothing from another origin;
    inlining also keeps the offline export (``aipo report``) one self-contained file.

    Parameters
    ----------
    name : str
        The file name inside ``aipo_widgets/pages/static``, e.g. ``"nav.js"``.

    Examples
    --------
    >>> script("nav.js").startswith("<script>") and "aipo-nav" in script("nav.js")
    True
    """
    return "<script>\n" + (STATIC / name).read_text(encoding="utf-8") + "</script>\n"


#: The page's style sheet as a ``<style>`` element: the presentation tokens as ``--aipo-*``
#: custom properties of ``.aipo-page`` (:func:`aipo_widgets.figures.tokens.css_variables`; the
#: page's colours come from there), then ``static/page.css``.
CSS = ("<style>\n" + css_variables(".aipo-page")
       + (STATIC / "page.css").read_text(encoding="utf-8") + "</style>\n")


def mask_text(value: Any) -> str:
    """Return ``value`` as text with personal data masked (not escaped).

    Only texts with a digit or an ``@`` can hold what the scanner finds; the others are
    returned as they are, without scanning.

    Examples
    --------
    >>> mask_text("jana@example.com"), mask_text(None)
    ('<EMAIL>', '')
    """
    text = "" if value is None else str(value)
    return mask(text) if any(ch.isdigit() for ch in text) or "@" in text else text


def shown(value: Any) -> str:
    """Return a text as it may appear on a page: personal data masked, HTML escaped.

    Examples
    --------
    >>> shown("Mail <b>jana@example.com</b>")
    'Mail &lt;b&gt;&lt;EMAIL&gt;&lt;/b&gt;'
    """
    return html.escape(mask_text(value))


def note(text: str) -> str:
    """Return a grey note paragraph (``text`` is HTML made by the caller).

    Examples
    --------
    >>> note("No run yet.")
    '<p class="aipo-note">No run yet.</p>'
    """
    return f'<p class="aipo-note">{text}</p>'


def _fmt(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value)
    return format_number(value)


def verdict_label(verdict: str) -> str:
    """Return the word shown for a verdict (from the presentation tokens).

    Examples
    --------
    >>> verdict_label("warn"), verdict_label("skipped")
    ('WARN', 'SKIPPED')
    """
    return VERDICT[verdict]["label"] if verdict in VERDICT else verdict.upper()


def verdict_style(verdict: str) -> str:
    """Return the inline style that colours a verdict: its token's ``--aipo-verdict-*`` colours.

    The custom properties are defined by :data:`CSS`; a verdict the tokens do not know is grey.

    Examples
    --------
    >>> verdict_style("fail")
    'background:var(--aipo-verdict-fail);color:var(--aipo-verdict-fail-ink)'
    >>> verdict_style("skipped")
    'background:#777'
    """
    if verdict not in VERDICT:
        return "background:#777"
    name = "--aipo-verdict-" + verdict.replace("_", "-")
    return f"background:var({name});color:var({name}-ink)"


def badge(verdict: str) -> str:
    """Return a coloured verdict label (colour and text: never colour alone).

    Examples
    --------
    >>> print(badge("fail"))  # doctest: +NORMALIZE_WHITESPACE
    <span class="aipo-badge"
     style="background:var(--aipo-verdict-fail);color:var(--aipo-verdict-fail-ink)">FAIL</span>
    """
    style, label = verdict_style(verdict), verdict_label(verdict)
    return f'<span class="aipo-badge" style="{style}">{label}</span>'


def html_escape_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None,
                      *, raw: Iterable[str] = (), empty: str = "Nothing to show yet.") -> str:
    """Return rows as an escaped HTML table; values are masked for personal data.

    Parameters
    ----------
    rows : sequence of mapping
        The rows.
    columns : sequence of str, optional
        The columns, in order (default: the first row's keys).
    raw : iterable of str
        Columns holding HTML made by the page modules (badges, links), not escaped.
    empty : str, default "Nothing to show yet."
        The note shown instead of a table without rows (say what is missing).

    Returns
    -------
    str
        The table, or a short note when there are no rows.

    Examples
    --------
    >>> html_escape_table([], empty="No risks yet.")
    '<p class="aipo-note">No risks yet.</p>'
    """
    rows = list(rows)
    if not rows:
        # says what is missing (a bare "None." reads as a Python value leaking onto the page)
        return f'<p class="aipo-note">{html.escape(empty)}</p>'
    cols = list(columns or rows[0].keys())
    raw = set(raw)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = []
    for row in rows:
        cells = []
        for c in cols:
            v = row.get(c)
            cells.append(f"<td>{v if v is not None else ''}</td>" if c in raw else
                         f"<td>{shown(_fmt(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="aipo-table"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>")


def sparkline(values: Sequence[float], *, width: int = 90, height: int = 18) -> str:
    """Return a tiny trend line as an ``<img>`` (an SVG data URI, so it survives everywhere).

    Examples
    --------
    >>> sparkline([1, 2, 3]).startswith('<img alt="trend')
    True
    >>> sparkline([1])
    ''
    """
    pts = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(pts) < 2:
        return ""
    lo, hi = min(pts), max(pts)
    span = (hi - lo) or 1.0
    step = (width - 4) / (len(pts) - 1)
    coords = " ".join(f"{2 + i * step:.1f},{height - 2 - (p - lo) / span * (height - 4):.1f}"
                      for i, p in enumerate(pts))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
           f'<polyline fill="none" stroke="{CHART["series"]}" stroke-width="1.5" '
           f'points="{coords}"/>'
           "</svg>")
    data = base64.b64encode(svg.encode()).decode()
    label = f"trend over {len(pts)} runs: {_fmt(pts[0])} to {_fmt(pts[-1])}"
    return f'<img alt="{html.escape(label)}" title="{html.escape(label)}" ' \
           f'src="data:image/svg+xml;base64,{data}">'


def masked_workspace(ws: Any) -> Any:
    """Return a copy of a workspace model with personal data masked in every text.

    The copy is what a page shows and what its widgets are bound to: it has no file, so
    nothing can be saved from it, and its texts carry ``<EMAIL>``, ``<IBAN>``, ... instead of
    the values the PII scanner finds.

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace as loaded.

    Returns
    -------
    aipo_widgets.model.schema.Workspace
        The masked copy (the same object's values when nothing needed masking).

    Raises
    ------
    UsageError
        When a masked text no longer validates (the page then shows that instead).

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "X", "owner": "Jana",
    ...     "problem": "Call jana@example.com"}})
    >>> masked_workspace(ws).product.problem
    'Call <EMAIL>'
    """
    from pydantic import ValidationError

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, str) and (any(ch.isdigit() for ch in x) or "@" in x):
            masked = mask_text(x)
            return x if masked == x else masked  # keep enum members and the like as they are
        return x

    data = walk(ws.model_dump(mode="python"))
    try:
        return Workspace.model_validate(data)
    except ValidationError as exc:
        raise UsageError([Problem(
            f"the workspace cannot be shown with its personal data masked: {exc.errors()[0]}",
            fix="move personal data out of aipo.yaml")]) from None
