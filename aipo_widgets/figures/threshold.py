"""The threshold explorer's static SVG, drawn from the cost curve's plain data.

:func:`threshold_svg` draws the view :func:`aipo_widgets.analysis.threshold_view.threshold_view`
returns (the cost curve per threshold, the optimum, the confusion counts): the cost curve with the
optimum, the decided threshold and the selected one, and the confusion matrix there.

Examples
--------
>>> from aipo_widgets.analysis.threshold_view import threshold_view
>>> y = [0, 0, 1, 0, 1, 1, 0, 1]
>>> s = [0.1, 0.2, 0.3, 0.35, 0.5, 0.7, 0.75, 0.9]
>>> threshold_svg(threshold_view(y, s, costs={"c_fn": 5, "c_fp": 1})).startswith("<svg")
True
"""

from __future__ import annotations

from aipo_widgets._text import format_number
from aipo_widgets.figures._svg import Svg
from aipo_widgets.figures.tokens import CHART, TEXT

__all__ = ["position_of", "threshold_alt", "threshold_svg"]

def position_of(thresholds: list, value: float) -> float:
    """Return the (fractional) position of ``value`` among the curve's ascending thresholds.

    Examples
    --------
    >>> position_of([0.1, 0.2, 0.4, None], 0.3)
    1.5
    """
    finite = [t for t in thresholds if t is not None]
    if not finite or value <= finite[0]:
        return 0.0
    for i in range(1, len(finite)):
        if value <= finite[i]:
            return i - 1 + (value - finite[i - 1]) / (finite[i] - finite[i - 1])
    return float(len(finite) - 1)


def threshold_alt(data: dict, index: int | None = None) -> str:
    """Return a one-sentence text alternative for the picture."""
    c = data["curve"]
    k = c["optimum"] if index is None else index
    t = c["threshold"][k]
    cost = (f"{format_number(c['per_period'][k])} per {data['period']}" if c["per_period"]
            else f"{format_number(c['per_item'][k])} per item")
    return (f"Cost curve over {len(c['threshold'])} thresholds; at "
            f"{'no flags' if t is None else f'threshold {format_number(t)}'}: recall "
            f"{format_number(c['recall'][k])}, precision {format_number(c['precision'][k])}, "
            f"expected cost {cost}")


def threshold_svg(source: dict, *, index: int | None = None, decided: float | None = None,
                  title: str = "Threshold and expected cost") -> str:
    """Draw the cost curve with the optimum, the decided and the selected threshold.

    Parameters
    ----------
    source : dict
        The output of :func:`aipo_widgets.analysis.threshold_view.threshold_view`.
    index : int, optional
        The selected point (default: the optimum).
    decided : float, optional
        The threshold in force (the decision log's latest), drawn dashed.
    title : str
        Heading.

    Returns
    -------
    str
        A complete SVG document (about 760 x 360 pixels).
    """
    data = source
    c = data["curve"]
    k = c["optimum"] if index is None else index
    ys = c["per_period"] or c["per_item"]
    unit = f"per {data['period']}" if c["per_period"] else "per item"
    # The points are spread evenly by rank (see threshold_curves.cost_curve), so x is the point's
    # position, labelled with its threshold: skewed scores still fill the width.
    npts = len(c["threshold"])
    ymin, ymax = min(ys), max(ys)
    ymax = ymax if ymax > ymin else ymin + 1
    width, height = 760, 360
    px0, px1, py0, py1 = 70, 470, 50, 300
    doc = Svg(width, height, title=threshold_alt(data, k))
    doc.text(8, 22, title, size=15, weight="bold")

    def sx(i: float) -> float:
        return px0 + i / max(1, npts - 1) * (px1 - px0)

    def sy(v: float) -> float:
        return py1 - (v - ymin) / (ymax - ymin) * (py1 - py0)

    def label(i: int) -> str:
        t = c["threshold"][i]
        return "none" if t is None else format_number(t)

    doc.line(px0, py1, px1, py1, stroke="#888")
    doc.line(px0, py0, px0, py1, stroke="#888")
    for frac in (0, 0.5, 1):
        v = ymin + frac * (ymax - ymin)
        doc.text(px0 - 4, sy(v) + 4, format_number(v), size=10, anchor="end", fill="#444")
        i = round(frac * (npts - 1))
        doc.text(sx(i), py1 + 14, label(i), size=10, anchor="middle", fill="#444")
    doc.text((px0 + px1) / 2, py1 + 30, "threshold: flag score ≥ t (points evenly spaced by "
             "rank)", size=11, anchor="middle")
    doc.text(14, (py0 + py1) / 2, f"expected cost {unit}", size=11, anchor="middle",
             rotate=-90)
    doc.polyline([(sx(i), sy(v)) for i, v in enumerate(ys)], stroke=CHART["series"], width=2)
    o = c["optimum"]
    doc.circle(sx(o), sy(ys[o]), 5, fill=CHART["optimum"], stroke="#000")
    doc.text(sx(o) + 7, sy(ys[o]) + 16, "optimum", size=10, fill=TEXT["good"])
    if decided is not None:
        d = position_of(c["threshold"], decided)
        doc.line(sx(d), py0, sx(d), py1, stroke="#555", dash="4 3")
        doc.text(sx(d) + 3, py0 + 10, f"decided {format_number(decided)}", size=10, fill="#333")
    doc.line(sx(k), py0, sx(k), py1, stroke=CHART["selected"], width=2)
    # The confusion matrix and figures at the selected threshold.
    x0 = 510
    t = c["threshold"][k]
    doc.text(x0, 62, "at threshold " + ("∞ (flag nothing)" if t is None else format_number(t)),
             size=12, weight="bold")
    cells = [("TN", c["tn"][k]), ("FP", c["fp"][k]), ("FN", c["fn"][k]), ("TP", c["tp"][k])]
    for j, (name, count) in enumerate(cells):
        cx, cy = x0 + (j % 2) * 110, 76 + (j // 2) * 46
        doc.rect(cx, cy, 106, 42, fill="#f0f0f0" if name in ("TN", "TP") else "#fde0cf",
                 stroke="#999", rx=3)
        doc.text(cx + 6, cy + 15, name, size=10, fill="#555")
        doc.text(cx + 100, cy + 32, f"{count:,}", size=14, anchor="end", weight="bold")
    doc.text(x0 - 4, 100, "neg", size=9, anchor="end", fill="#555")
    doc.text(x0 - 4, 146, "pos", size=9, anchor="end", fill="#555")
    lines = [
        f"recall {format_number(c['recall'][k])}   precision {format_number(c['precision'][k])}",
        f"flagged {c['flagged'][k]:.1%} of {data['n']:,} items",
        f"expected cost {format_number(ys[k])} {unit}",
        f"optimum {format_number(ys[o])} {unit}",
    ]
    for j, text in enumerate(lines):
        doc.text(x0, 196 + j * 18, text, size=11)
    costs = data["costs"]
    doc.text(x0, 282, "costs: " + ", ".join(f"{k2} {format_number(v)}" for k2, v in costs.items()
                                           if v), size=10, fill="#555")
    return doc.to_string()
