"""The kit's tables: what a report, a page, a document or a notebook shows instead of pandas' repr.

pandas' own HTML shows the row index (``0 .. n``), six-decimal floats, ``None``/``NaN``/``True``
and a dict's repr. A kit table shows none of these: every cell goes through
:func:`aipo_widgets._text.format_value` (the settings of ``tokens.json``: three significant
figures, thousands separated, "—" for a missing value, ✓/✗ for a bool, dates as
``YYYY-MM-DD``), with the unit of its column (``NPV`` in the workspace's currency) or of its
row's metric (a metric tree's ``share`` as a percentage). A default index is dropped, a
meaningful one becomes the first column; text is aligned left, numbers right, in tabular
figures; a wide table scrolls inside its own box instead of widening the page.

A frame carries its table options in ``frame.attrs["aipo_table"]`` (see :func:`with_units`),
so that the notebook facade returns plain DataFrames (their data stays inspectable) and the
notebook displays them through :func:`table_html`.

Examples
--------
>>> import pandas as pd
>>> frame = pd.DataFrame({"scenario": ["conservative", "realistic"],
...                       "NPV": [329037.4, 1710249.0], "ROI": [0.696575, 4.312168],
...                       "payback (months)": [15.699138, float("nan")]})
>>> print(table_text(frame, units={"NPV": "EUR", "ROI": "share"}))
scenario                NPV    ROI  payback (months)
conservative    329,037 EUR  69.7%              15.7
realistic     1,710,249 EUR   431%                 —
>>> html = table_html(frame, units={"NPV": "EUR"})
>>> "<th" in html and "329,037 EUR" in html and "NaN" not in html and ">0<" not in html
True
"""

from __future__ import annotations

import html as _html
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from numbers import Number
from typing import TYPE_CHECKING, Any

from aipo_widgets._text import format_value, is_missing

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["ATTR", "MAX_ROWS", "Table", "cells", "table_html", "table_text", "with_units"]

#: The key of ``DataFrame.attrs`` that holds a frame's table options (units, caption, ...).
ATTR = "aipo_table"

#: Rows shown at most; a longer table says how many rows it leaves out.
MAX_ROWS = 60


def with_units(frame: pd.DataFrame, *, units: Mapping[str, str] | None = None,
               row_units: Mapping[str, str] | None = None, row_key: str | None = None,
               row_unit_columns: Iterable[str] = (), caption: str = "",
               empty: str = "") -> pd.DataFrame:
    """Attach table options to a frame (in ``frame.attrs``) and return the same frame.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    units : mapping, optional
        Column -> unit, e.g. ``{"NPV": "EUR"}``.
    row_units : mapping, optional
        A row's key -> its unit (a metric id -> the metric tree's unit), for tables with one
        metric per row.
    row_key : str, optional
        The column holding each row's key; None: the index.
    row_unit_columns : iterable of str
        The columns a row's unit applies to (its value and interval, not its row count).
    caption : str, optional
        A line shown above the table.
    empty : str, optional
        What an empty table says instead (why it is empty).

    Examples
    --------
    >>> import pandas as pd
    >>> f = with_units(pd.DataFrame({"NPV": [1.5e6]}), units={"NPV": "EUR"})
    >>> f.attrs["aipo_table"]["units"]
    {'NPV': 'EUR'}
    """
    frame.attrs[ATTR] = {
        "units": dict(units or {}), "row_units": dict(row_units or {}), "row_key": row_key,
        "row_unit_columns": list(row_unit_columns), "caption": caption, "empty": empty}
    return frame


def _options(frame: pd.DataFrame, given: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"units": {}, "row_units": {}, "row_key": None,
                           "row_unit_columns": [], "caption": "", "empty": ""}
    attrs = getattr(frame, "attrs", {}) or {}
    out.update(attrs.get(ATTR) or {})
    out.update({k: v for k, v in given.items() if v is not None})
    return out


def _visible(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop a default index (0 .. n); make a meaningful one the first column(s)."""
    import pandas as pd

    index = frame.index
    default = (isinstance(index, pd.RangeIndex) and index.start == 0 and index.step == 1
               and index.name is None)
    shown = frame.copy()
    if isinstance(shown.columns, pd.MultiIndex):
        shown.columns = [" / ".join(str(p) for p in c if str(p)) for c in shown.columns]
    if default:
        return shown.reset_index(drop=True)
    # An unnamed index (the metrics of an evaluation) becomes a column without a heading.
    shown.index = shown.index.set_names([n if n is not None else "" for n in index.names])
    return shown.reset_index(allow_duplicates=True)


def _kind(values: list[Any]) -> str:
    """Return a column's kind: 'number' (right), 'bool' (centred) or 'text' (left)."""
    present = [v for v in values if not is_missing(v)]
    if present and all(isinstance(v, bool) or type(v).__name__ == "bool_" for v in present):
        return "bool"
    if present and all(isinstance(v, Number) and not isinstance(v, bool) for v in present):
        return "number"
    return "text"


def _cell(value: Any, unit: str) -> str:
    # A pair of numbers is an interval: [low, high], each formatted.
    if (isinstance(value, (list, tuple)) and len(value) == 2
            and all(isinstance(v, Number) or is_missing(v) for v in value)):
        return f"[{format_value(value[0], unit)}, {format_value(value[1], unit)}]"
    return format_value(value, unit)


def cells(frame: pd.DataFrame, **options: Any) -> tuple[list[str], list[str], list[list[str]]]:
    """Return a table's headers, column kinds and formatted cells (what every renderer shows).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    **options
        As :func:`with_units` (given here, they override the frame's own).

    Returns
    -------
    headers : list of str
    kinds : list of str
        ``number``, ``bool`` or ``text`` per column.
    rows : list of list of str

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"metric": ["reopen_rate", "csat"], "value": [0.0635, 4.1977],
    ...                       "n": [2600, 2600], "agrees": [True, None]})
    >>> cells(frame, row_units={"reopen_rate": "share", "csat": "1-5"}, row_key="metric",
    ...       row_unit_columns=["value"])[2]
    [['reopen_rate', '6.35%', '2,600', '✓'], ['csat', '4.2 (1-5)', '2,600', '—']]
    """
    opts = _options(frame, options)
    shown = _visible(frame)
    headers = [str(c) for c in shown.columns]
    columns = [shown.iloc[:, i].tolist() for i in range(len(headers))]
    kinds = [_kind(c) for c in columns]
    units: Mapping[str, str] = opts["units"]
    row_units: Mapping[str, str] = opts["row_units"]
    key_column = opts["row_key"]
    if key_column is None and row_units:
        keys = [str(k) for k in frame.index]
    elif key_column in shown.columns:
        keys = [str(k) for k in shown[key_column].tolist()]
    else:
        keys = [""] * len(shown)
    applies = set(opts["row_unit_columns"])
    rows = []
    for r in range(len(shown)):
        row = []
        for c, name in enumerate(headers):
            unit = units.get(name, "")
            if not unit and name in applies:
                unit = row_units.get(keys[r], "") or ""
            row.append(_cell(columns[c][r], unit))
        rows.append(row)
    return headers, kinds, rows


_ALIGN = {"number": "right;white-space:nowrap", "bool": "center", "text": "left"}
# Inline styles: the table reads the same in JupyterLab (which aligns every cell right), an
# nbconvert report, a Voila page and a document, with no style sheet of its own. A number and
# its unit stay on one line.
_TABLE = ("border-collapse:collapse;margin:0.3em 0;font-variant-numeric:tabular-nums;"
          "table-layout:auto")
_TH = "padding:3px 10px;border-bottom:2px solid #666;vertical-align:bottom;text-align:{a}"
_TD = "padding:3px 10px;border-bottom:1px solid #ddd;vertical-align:top;text-align:{a}"


def table_html(frame: pd.DataFrame, *, max_rows: int = MAX_ROWS, **options: Any) -> str:
    """Return the kit's HTML table of a frame (an HTML fragment, inline styles, no script).

    Parameters
    ----------
    frame : pandas.DataFrame
        The table.
    max_rows : int, default MAX_ROWS
        Rows shown at most; the rest are counted under the table.
    **options
        As :func:`with_units`.

    Examples
    --------
    >>> import pandas as pd
    >>> html = table_html(pd.DataFrame({"gate": ["recall"], "figure": [0.81234]}))
    >>> "0.812" in html and "text-align:right" in html and "text-align:left" in html
    True
    >>> table_html(pd.DataFrame(), empty="No gold set: nothing to evaluate.")
    '<p class="aipo-table-empty"><em>No gold set: nothing to evaluate.</em></p>'
    """
    opts = _options(frame, options)
    if frame.shape[0] == 0:
        why = opts["empty"] or "Nothing to show: the table is empty."
        return f'<p class="aipo-table-empty"><em>{_html.escape(why)}</em></p>'
    headers, kinds, rows = cells(frame, **options)
    head = "".join(
        f'<th style="{_TH.format(a=_ALIGN[k])}">{_html.escape(h.replace("_", " "))}</th>'
        if h.replace("_", " ") == h or not h else
        f'<th style="{_TH.format(a=_ALIGN[k])}" title="{_html.escape(h)}">'
        f'{_html.escape(h.replace("_", " "))}</th>' for h, k in zip(headers, kinds, strict=True))
    body = []
    for row in rows[:max_rows]:
        body.append("<tr>" + "".join(
            f'<td style="{_TD.format(a=_ALIGN[k])}">{_html.escape(v)}</td>'
            for v, k in zip(row, kinds, strict=True)) + "</tr>")
    more = ""
    if len(rows) > max_rows:
        more = (f'<p class="aipo-table-more"><em>{len(rows) - max_rows:,} more rows not '
                f"shown ({len(rows):,} in all).</em></p>")
    caption = (f'<p class="aipo-table-caption">{_html.escape(opts["caption"])}</p>'
               if opts["caption"] else "")
    return (f'{caption}<div class="aipo-table-wrap" style="overflow-x:auto;max-width:100%">'
            f'<table class="aipo-table" style="{_TABLE}"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>{more}')


def table_text(frame: pd.DataFrame, *, max_rows: int = MAX_ROWS, **options: Any) -> str:
    """Return the kit's plain-text table of a frame (for a terminal or a notebook's text view).

    Examples
    --------
    >>> import pandas as pd
    >>> print(table_text(pd.DataFrame({"gate": ["recall", "precision"], "ok": [True, False]})))
    gate       ok
    recall     ✓
    precision  ✗
    """
    opts = _options(frame, options)
    if frame.shape[0] == 0:
        return opts["empty"] or "Nothing to show: the table is empty."
    headers, kinds, rows = cells(frame, **options)
    shown = rows[:max_rows]
    widths = [max([len(h)] + [len(r[i]) for r in shown]) for i, h in enumerate(headers)]

    def line(values: list[str]) -> str:
        return "  ".join(v.rjust(w) if k == "number" else v.ljust(w)
                         for v, w, k in zip(values, widths, kinds, strict=True)).rstrip()

    out = [line(headers)] + [line(r) for r in shown]
    if len(rows) > max_rows:
        out.append(f"... {len(rows) - max_rows:,} more rows not shown")
    return "\n".join(out)


@dataclass
class Table:
    """A frame shown as a kit table: ``display(Table(frame, units={"NPV": "EUR"}))``.

    Parameters
    ----------
    frame : pandas.DataFrame
        The table (kept as it is: ``Table(...).frame`` holds the data).
    options : dict
        As :func:`with_units` (``units``, ``row_units``, ``caption``, ``empty`` ...).

    Examples
    --------
    >>> import pandas as pd
    >>> t = Table(pd.DataFrame({"a": [1.23456]}), {"caption": "One value"})
    >>> sorted(t._repr_mimebundle_())
    ['text/html', 'text/plain']
    >>> print(t._repr_mimebundle_()["text/plain"])
       a
    1.23
    """

    frame: pd.DataFrame
    options: dict[str, Any] = field(default_factory=dict)

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, str]:
        return {"text/html": table_html(self.frame, **self.options),
                "text/plain": table_text(self.frame, **self.options)}

    def _repr_html_(self) -> str:
        return table_html(self.frame, **self.options)

