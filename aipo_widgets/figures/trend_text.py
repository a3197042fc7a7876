"""Figures across runs as text: a sparkline of block characters and the values it stands for.

``aipo status --trend`` prints, for each key figure the phase notebooks record, its newest value
with its unit, a sparkline over the runs (``▁▂▃▄▅▆▇█``, lowest to highest of that figure) and
the range it moved in; ``--trend NAME`` prints one figure run by run. A terminal, a CI log and a
plain-text e-mail show them alike.

Examples
--------
>>> sparkline_text([1, 2, 3, 4, 5, 6, 7, 8])
'▁▂▃▄▅▆▇█'
>>> sparkline_text([0.27, 0.27, 0.27]), sparkline_text([1, None, 3])
('▄▄▄', '▁ █')
>>> trend_table({"open_risks": [9, 9]})[1]
'open_risks  9       ▄▄        2  unchanged'
>>> for line in trend_table({"expected_npv": [1.2e6, 1.5e6, 1708996.0]}, {"expected_npv": "EUR"}):
...     print(line)
figure        newest         trend  runs  lowest to highest
expected_npv  1,708,996 EUR  ▁▅█       3  1,200,000 EUR to 1,708,996 EUR
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from aipo_widgets._text import MISSING
from aipo_widgets.figures.units import format_value, unit_of

__all__ = ["BLOCKS", "numeric", "sparkline_text", "trend_table"]

#: The eight heights of a text sparkline, lowest first (Unicode block elements U+2581-U+2588).
BLOCKS = "▁▂▃▄▅▆▇█"


def numeric(value: Any) -> float | None:
    """Return a value as a finite float, or None for text, a bool, None, NaN or infinity."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def sparkline_text(values: Sequence[Any], *, width: int = 30) -> str:
    """Return a sparkline of the last ``width`` values: one block a value, a space for a gap.

    The lowest value is ``▁`` and the highest ``█``; a figure that did not move is a flat row of
    ``▄``, so a flat line is not read as "at its lowest".
    """
    shown = [numeric(v) for v in list(values)[-width:]]
    known = [v for v in shown if v is not None]
    if not known:
        return ""
    low, high = min(known), max(known)
    if high == low:
        return "".join(" " if v is None else BLOCKS[3] for v in shown)
    top = len(BLOCKS) - 1
    return "".join(" " if v is None else BLOCKS[round((v - low) / (high - low) * top)]
                   for v in shown)


def trend_table(series: Mapping[str, Sequence[Any]], units: Mapping[str, str] | None = None,
                *, width: int = 30) -> list[str]:
    """Return one line a figure: its newest value with unit, its sparkline, runs and range.

    Parameters
    ----------
    series : mapping
        Figure name to its values, oldest run first (one value a run). Figures with no number
        among their values are left out.
    units : mapping, optional
        Units (:func:`aipo_widgets.figures.units.figure_units`), looked up with
        :func:`aipo_widgets.figures.units.unit_of`.
    width : int
        The most runs a sparkline shows (the newest).

    Returns
    -------
    list of str
        A header and one aligned line a figure, in the order given.
    """
    rows = [("figure", "newest", "trend", "runs", "lowest to highest")]
    for name, values in series.items():
        known = [v for v in (numeric(x) for x in values) if v is not None]
        if not known:
            continue
        unit = unit_of(name, units or {})
        newest = numeric(values[-1]) if values else None
        spread = ("" if len(known) < 2 else "unchanged" if min(known) == max(known) else
                  f"{format_value(min(known), unit)} to {format_value(max(known), unit)}")
        rows.append((name, format_value(newest, unit) if newest is not None else MISSING,
                     sparkline_text(values, width=width), str(len(values)), spread))
    if len(rows) == 1:
        return []
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    return [f"{r[0]:<{widths[0]}}  {r[1]:<{widths[1]}}  {r[2]:<{widths[2]}}  "
            f"{r[3]:>{widths[3]}}  {r[4]}".rstrip() for r in rows]
