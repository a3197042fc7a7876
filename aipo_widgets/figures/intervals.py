"""Estimates with their intervals against a line: fairness per group, the pilot's effect.

:func:`intervals_svg` draws panels of rows, each a dot (the estimate) and a whisker (its
interval), against a reference line (a target, the widest gap allowed), every value written
beside its dot. :func:`fairness_svg` builds its panels from
:meth:`aipo_widgets.analysis.fairness.GroupMetrics.to_dict`, :func:`pilot_svg` from the
pilot's effects (plain dicts, see there). Fairlearn's ``MetricFrame`` plots show the same
per group (https://fairlearn.org/main/user_guide/assessment/plotting.html).

Examples
--------
>>> panel = {"title": "Recall", "percent": True, "reference": 0.6,
...          "reference_label": "target 60%",
...          "rows": [{"label": "pump A", "value": 0.72, "low": 0.61, "high": 0.8},
...                   {"label": "pump B", "value": 0.55, "low": None, "high": None,
...                    "note": "no interval"}]}
>>> svg = intervals_svg([panel], title="Recall per group")
>>> svg.count('class="estimate"'), svg.count('class="interval"'), "72%" in svg
(2, 1, True)
>>> "No group to compare" in intervals_svg([], title="Fairness", empty="No group to compare.")
True
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from typing import Any

from aipo_widgets.figures._axes import MUTED, Panel, empty_svg, finite, label
from aipo_widgets.figures._svg import Svg, clip, esc
from aipo_widgets.figures.tokens import CHART, PALETTE, TEXT

__all__ = ["fairness_svg", "intervals_alt", "intervals_svg", "pilot_svg"]

_ROW, _HEAD = 30, 34


def intervals_alt(panels: Sequence[Mapping[str, Any]], title: str) -> str:
    """Return a text alternative: each row's estimate and interval, panel by panel."""
    parts = []
    for p in panels:
        pct = bool(p.get("percent"))
        rows = "; ".join(
            f"{r['label']} {label(r.get('value'), p.get('unit', ''), percent=pct)}"
            + (f" ({label(r.get('low'), percent=pct)} to {label(r.get('high'), percent=pct)})"
               if finite(r.get("low")) is not None else "")
            for r in p["rows"])
        parts.append(f"{p['title']}: {rows}")
    return f"{title}. " + ". ".join(parts) + "."


def _fmt(p: Mapping[str, Any]) -> Any:
    pct, unit, signed = bool(p.get("percent")), p.get("unit", ""), bool(p.get("signed"))
    return lambda v: label(v, unit, percent=pct, signed=signed)


def intervals_svg(panels: Sequence[Mapping[str, Any]], *, title: str,
                  empty: str = "Nothing to draw.", width: int = 780) -> str:
    """Draw each panel's rows as a dot with its interval, against the panel's reference line.

    Parameters
    ----------
    panels : list of dict
        Each: ``title``; ``rows`` (each ``label``, ``value``, optional ``low``, ``high`` and
        ``note``, optional ``muted`` for a row shown but not judged); optional ``reference`` and
        ``reference_label`` (a dashed line), ``percent`` (values are shares), ``signed`` (a
        plus sign on gains), ``zero`` (the axis includes 0, drawn solid: no effect),
        ``unit``, ``axis`` (what the values are, in words).
    title : str
        Heading.
    empty : str
        What the picture says when there is no row to draw.
    width : int, default 780
        Pixels.

    Returns
    -------
    str
        A complete SVG document.
    """
    panels = [p for p in panels if p.get("rows")]
    if not panels:
        return empty_svg(title, empty, width=width)
    height = 30 + sum(_HEAD + _ROW * len(p["rows"]) + 34 for p in panels)
    doc = Svg(width, height, title=intervals_alt(panels, title))
    doc.text(8, 22, title, size=15, weight="bold")
    y = 30
    for p in panels:
        fmt = _fmt(p)
        values = [v for r in p["rows"] for v in (finite(r.get("value")), finite(r.get("low")),
                                                 finite(r.get("high"))) if v is not None]
        ref = finite(p.get("reference"))
        values += [ref] if ref is not None else []
        values = values or [0.0]
        doc.text(8, y + 18, p["title"], size=13, weight="bold")
        if p.get("axis"):
            doc.text(width - 8, y + 18, p["axis"], size=10, anchor="end", fill=MUTED)
        top = y + _HEAD
        bottom = top + _ROW * len(p["rows"])
        if p.get("zero"):
            values.append(0.0)
        panel = Panel(doc, (170, top, width - 250, bottom), (min(values), max(values)), (0, 1))
        panel.x_axis(fmt, n=5)
        if p.get("zero") and panel.x_lo <= 0 <= panel.x_hi:
            doc.line(panel.sx(0), top, panel.sx(0), bottom, stroke="#888", width=1.5)
        if ref is not None:
            doc.line(panel.sx(ref), top - 6, panel.sx(ref), bottom, stroke=CHART["selected"],
                     width=1.5, dash="5 3")
            doc.text(panel.sx(ref), top - 8, p.get("reference_label") or fmt(ref), size=10,
                     anchor="middle", fill=TEXT["warning"])
        for i, r in enumerate(p["rows"]):
            cy = top + _ROW * i + _ROW / 2
            muted = bool(r.get("muted"))
            colour = PALETTE["grey"] if muted else CHART["series"]
            doc.text(162, cy + 4, clip(str(r["label"]), 26), size=11, anchor="end",
                     fill=MUTED if muted else "#1a1a1a")
            v, lo, hi = finite(r.get("value")), finite(r.get("low")), finite(r.get("high"))
            if lo is not None and hi is not None:
                doc.add(f'<line class="interval" x1="{panel.sx(lo):.1f}" y1="{cy:.1f}" '
                        f'x2="{panel.sx(hi):.1f}" y2="{cy:.1f}" stroke="{colour}" '
                        f'stroke-width="2"/>')
                for end in (lo, hi):
                    doc.line(panel.sx(end), cy - 5, panel.sx(end), cy + 5, stroke=colour,
                             width=2)
            text = fmt(v) if v is not None else "not measured"
            interval = f"{fmt(lo)} to {fmt(hi)}" if lo is not None and hi is not None else ""
            if v is not None:
                doc.add(f'<circle class="estimate" cx="{panel.sx(v):.1f}" cy="{cy:.1f}" r="5" '
                        f'fill="{colour}" stroke="#fff"><title>{esc(r["label"])}: {esc(text)}'
                        f"{f' ({interval})' if interval else ''}</title></circle>")
            # the figures in a column of their own, right of the chart: never on a mark
            doc.text(width - 240, cy, text + (f"  ({interval})" if interval else ""), size=10,
                     weight="bold" if not muted else "normal",
                     fill="#1a1a1a" if not muted else MUTED)
            if r.get("note"):
                doc.text(width - 240, cy + 11, clip(str(r["note"]), 46), size=9, fill=MUTED)
        y = bottom + 34
    return doc.to_string()


def _group(key: str) -> str:
    """Return a group key in words: an intersection ``"('de', 'chat')"`` as ``de / chat``."""
    if key.startswith("(") and key.endswith(")"):
        try:
            parts = ast.literal_eval(key)
        except (ValueError, SyntaxError):
            return key
        if isinstance(parts, tuple):
            return " / ".join(map(str, parts))
    return key


def fairness_svg(fair: Mapping[str, Any], *, metrics: Sequence[str] | None = None,
                 max_difference: float | None = None, names: Mapping[str, str] | None = None,
                 title: str = "Fairness: each group's metric with its interval") -> str:
    """Draw each judged metric per group (dot and interval) with the widest gap allowed.

    Parameters
    ----------
    fair : dict
        :meth:`aipo_widgets.analysis.fairness.GroupMetrics.to_dict`.
    metrics : list of str, optional
        The metrics judged (default: all).
    max_difference : float, optional
        The widest gap allowed between groups: the dashed line sits that far above the lowest
        ranked group, so a ranked group right of it makes the gap too wide.
    names : dict of str to str, optional
        A metric's name in words (the metric tree's node), shown with the metric.
    title : str
        Heading.

    Examples
    --------
    >>> fair = {"metrics": ["recall"], "by_group": {"a": {"recall": 0.8}, "b": {"recall": 0.6},
    ...         "c": {"recall": 0.9}}, "ci_low": {"a": {"recall": 0.7}, "b": {"recall": 0.5},
    ...         "c": {"recall": 0.5}}, "ci_high": {"a": {"recall": 0.9}, "b": {"recall": 0.7},
    ...         "c": {"recall": 1.0}}, "sizes": {"a": 90, "b": 80, "c": 12},
    ...         "insufficient_n": ["c"], "min_group_size": 30}
    >>> svg = fairness_svg(fair, max_difference=0.1)
    >>> svg.count('class="estimate"'), "n 12, too few" in svg
    (3, True)
    >>> "gap limit: lowest group + 10 points" in svg
    True
    """
    by_group = fair.get("by_group") or {}
    lows, highs = fair.get("ci_low") or {}, fair.get("ci_high") or {}
    sizes, few = fair.get("sizes") or {}, set(fair.get("insufficient_n") or [])
    panels = []
    for m in metrics or fair.get("metrics") or []:
        rows = []
        for g, values in by_group.items():
            rows.append({"label": _group(g), "value": values.get(m),
                         "low": (lows.get(g) or {}).get(m), "high": (highs.get(g) or {}).get(m),
                         "muted": g in few,
                         "note": (f"n {sizes.get(g, 0):,}, too few to rank" if g in few
                                  else f"n {sizes.get(g, 0):,}")})
        ranked = [v for r in rows if not r["muted"] and (v := finite(r["value"])) is not None]
        words = (names or {}).get(m)
        panel: dict[str, Any] = {"title": f"{words} ({m})" if words else m, "rows": rows,
                                 "percent": all(0 <= (finite(r["value"]) or 0) <= 1
                                                for r in rows)}
        if ranked and max_difference is not None:
            # the gap is highest minus lowest ranked group: a group right of this line makes
            # it wider than allowed, whichever direction is better for the metric
            panel["reference"] = min(ranked) + max_difference
            shown = (f"{label(max_difference * 100)} points" if panel["percent"]
                     else label(max_difference))
            panel["reference_label"] = f"gap limit: lowest group + {shown}"
        panels.append(panel)
    return intervals_svg(panels, title=title,
                         empty="No group to compare: name group_columns on the gold set.")


def pilot_svg(effects: Sequence[Mapping[str, Any]], *,
              title: str = "Pilot effect against its target") -> str:
    """Draw each pilot effect (a reduction, as its gate judges it) with its interval and target.

    Parameters
    ----------
    effects : list of dict
        Each: ``name`` (the metric's name), ``value`` (the reduction: 0.3 is 30 % less),
        ``low`` and ``high`` (its interval; None without inference), ``target``, ``note``.
    title : str
        Heading.

    Examples
    --------
    >>> svg = pilot_svg([{"name": "Handling time", "value": 0.31, "low": 0.27, "high": 0.35,
    ...                   "target": 0.25, "note": "controlled pilot"}])
    >>> "target 25%" in svg, svg.count('class="interval"')
    (True, 1)
    """
    panels = [{"title": e["name"], "percent": True, "reference": e.get("target"), "zero": True,
               "signed": True,
               "reference_label": f"target {label(e.get('target'), percent=True)}",
               "axis": "reduction against the control (more is better)",
               "rows": [{"label": "pilot against control", "value": e.get("value"),
                         "low": e.get("low"), "high": e.get("high"), "note": e.get("note", "")}]}
              for e in effects]
    return intervals_svg(panels, title=title,
                         empty="No pilot effect measured: no pilot data with an arm column, or "
                               "no metric-tree node with effect_of and a target.")
