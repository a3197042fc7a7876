"""Figures across runs as small multiples: one line per figure, its values written on it.

:func:`trends_svg` draws plain series (the run ledger's values of a figure, oldest first, as
:func:`aipo_widgets.runs.ledger.Ledger.trend` returns them): the root metric, the expected
NPV, the key figures. Each panel writes its values (all of them up to eight runs, else the
first, the lowest, the highest and the last) and, where there is one, its target.

Examples
--------
>>> series = [{"name": "Expected NPV", "unit": "EUR",
...            "points": [{"label": "r1", "value": 1200000.0}, {"label": "r2", "value": 950000.0}]},
...           {"name": "Share of drifted columns", "percent": True, "target": 0.3,
...            "points": [{"label": "r1", "value": 0.1}]}]
>>> svg = trends_svg(series)
>>> svg.count('class="point"'), "1,200,000 EUR" in svg, "10%" in svg
(3, True, True)
>>> "No run recorded yet" in trends_svg([])
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aipo_widgets.figures._axes import MUTED, Panel, empty_svg, finite, label
from aipo_widgets.figures._svg import Svg, clip, esc
from aipo_widgets.figures.tokens import CHART, TEXT

__all__ = ["NO_RUN", "trends_alt", "trends_svg"]

_W, _H, _PER_ROW = 380, 150, 2


def _fmt(s: Mapping[str, Any]) -> Any:
    return lambda v: label(v, s.get("unit", ""), percent=bool(s.get("percent")))


def trends_alt(series: Sequence[Mapping[str, Any]]) -> str:
    """Return a text alternative: each figure's first and last value and the runs between."""
    parts = []
    for s in series:
        pts = [p for p in s["points"] if finite(p.get("value")) is not None]
        if pts:
            f = _fmt(s)
            parts.append(f"{s['name']} {f(pts[0]['value'])} to {f(pts[-1]['value'])} over "
                         f"{len(pts)} runs" if len(pts) > 1 else
                         f"{s['name']} {f(pts[0]['value'])} (one run)")
    return "Across runs: " + ("; ".join(parts) or "nothing recorded") + "."


def _labelled(values: list[float]) -> set[int]:
    if len(values) <= 8:
        return set(range(len(values)))
    return {0, len(values) - 1, values.index(min(values)), values.index(max(values))}


#: What an empty trend picture says by default: nothing recorded.
NO_RUN = ("No run recorded yet: each aipo run adds a point to these trends (the run ledger, "
          "reports/ledger.sqlite).")


def trends_svg(series: Sequence[Mapping[str, Any]], *,
               title: str = "Across runs: the figures that decide", empty: str = NO_RUN) -> str:
    """Draw each figure's values across runs, labelled, with its target.

    Parameters
    ----------
    series : list of dict
        Each: ``name``; ``points`` (each ``label``, the run, and ``value``); optional
        ``unit``, ``percent`` (values are shares), ``target`` (a dashed line) and
        ``target_label`` (its word, default "target"; "alert at" for an alert threshold).
    title : str
        Heading.
    empty : str, optional
        What the picture says when no figure has a value (by default that no run is recorded;
        a caller that knows of runs says why nothing is drawn).

    Returns
    -------
    str
        A complete SVG document, two panels a row; a picture that says so when no figure has
        a value.
    """
    series = [s for s in series if any(finite(p.get("value")) is not None for p in s["points"])]
    if not series:
        return empty_svg(title, empty)
    rows = -(-len(series) // _PER_ROW)
    doc = Svg(16 + _PER_ROW * _W, 34 + rows * _H, title=trends_alt(series))
    doc.text(8, 22, title, size=15, weight="bold")
    for k, s in enumerate(series):
        x0, y0 = 8 + (k % _PER_ROW) * _W, 34 + (k // _PER_ROW) * _H
        pts = [(i, v) for i, p in enumerate(s["points"])
               if (v := finite(p.get("value"))) is not None]
        fmt = _fmt(s)
        unit = f" ({s['unit']})" if s.get("unit") and not s.get("percent") else ""
        doc.text(x0, y0 + 14, clip(str(s["name"]), 46 - len(unit)) + unit, size=12,
                 weight="bold")
        tick = (lambda v: label(v, percent=True)) if s.get("percent") else (lambda v: label(v))
        target = finite(s.get("target"))
        values = [v for _, v in pts] + ([target] if target is not None else [])
        n = len(s["points"])
        panel = Panel(doc, (x0 + 72, y0 + 34, x0 + _W - 30, y0 + _H - 26),
                      (-0.3, max(n - 1, 0) + 0.3), (min(values), max(values)))
        within = (0.0, 1.0) if s.get("percent") and all(0 <= v <= 1 for v in values) else None
        panel.y_axis(tick, n=3, size=9, within=within)
        if target is not None:
            doc.line(panel.left, panel.sy(target), panel.right, panel.sy(target),
                     stroke=CHART["selected"], dash="5 3", width=1.5)
            doc.text(panel.right, panel.sy(target) - 3,
                     f"{s.get('target_label') or 'target'} {fmt(target)}", size=9,
                     anchor="end", fill=TEXT["warning"])
        doc.polyline([(panel.sx(i), panel.sy(v)) for i, v in pts], stroke=CHART["series"],
                     width=2)
        shown = _labelled([v for _, v in pts])
        for j, (i, v) in enumerate(pts):
            run = str(s["points"][i].get("label", ""))
            doc.add(f'<circle class="point" cx="{panel.sx(i):.1f}" cy="{panel.sy(v):.1f}" '
                    f'r="3.5" fill="{CHART["series"]}"><title>{esc(run)}: {fmt(v)}</title>'
                    "</circle>")
            if j in shown:
                doc.text(panel.sx(i), panel.sy(v) - 7, fmt(v), size=9, anchor="middle",
                         weight="bold" if j == len(pts) - 1 else "normal")
        first, last = s["points"][0].get("label", ""), s["points"][-1].get("label", "")
        doc.text(panel.left, panel.bottom + 13, clip(str(first), 20), size=9, fill=MUTED)
        if n > 1:
            doc.text(panel.right, panel.bottom + 13, clip(str(last), 20), size=9, anchor="end",
                     fill=MUTED)
        else:
            doc.text(panel.right, panel.bottom + 13, "one run so far", size=9, anchor="end",
                     fill=MUTED)
    return doc.to_string()
