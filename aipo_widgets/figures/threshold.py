"""The threshold explorer's data (cost curve, optimum, per-group recall) and its static SVG.

:func:`threshold_data` asks :mod:`aipo_widgets.analysis.thresholds` for the cost curve (about
``points`` thresholds, the optimum always among them) and the cost-optimal threshold, and returns
them as plain lists: for each threshold the confusion counts, precision, recall, flagged share,
total cost, cost per item and per period. The widget's slider picks one of these points; nothing is
recomputed in the browser. :func:`group_recall` gives the recall of each group at one threshold
(:func:`aipo_widgets.analysis.fairness.group_metrics`). :func:`threshold_svg` draws the cost curve
with the optimum, the decided threshold and the selected one, and the confusion matrix there.

Examples
--------
>>> y = [0, 0, 1, 0, 1, 1, 0, 1]
>>> s = [0.1, 0.2, 0.3, 0.35, 0.5, 0.7, 0.75, 0.9]
>>> d = threshold_data(y, s, costs={"c_fn": 5, "c_fp": 1})
>>> d["optimum"]["threshold"], d["curve"]["threshold"][d["curve"]["optimum"]]
(0.3, 0.3)
>>> threshold_svg(d).startswith("<svg")
True
"""

from __future__ import annotations

import math
from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.figures._svg import Svg
from aipo_widgets.figures.tokens import CHART, TEXT

__all__ = ["COST_KEYS", "group_recall", "position_of", "threshold_alt", "threshold_data",
           "threshold_svg"]

#: The cost arguments of :mod:`aipo_widgets.analysis.thresholds`.
COST_KEYS = ("c_fn", "c_fp", "c_tp", "c_tn", "review_cost", "prevented_share")


def _num(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def threshold_data(y_true: Any, scores: Any, *, costs: dict, data: Any = None,
                   volume_per_period: float | None = None, period: str = "month",
                   pos_label: Any = None, points: int = 200) -> dict:
    """Return the cost curve and the cost-optimal threshold as plain data.

    Parameters
    ----------
    y_true, scores, data, pos_label
        As in :func:`aipo_widgets.analysis.thresholds.optimal_threshold`.
    costs : dict
        ``c_fn`` and ``c_fp`` (required), ``c_tp``, ``c_tn``, ``review_cost``,
        ``prevented_share``.
    volume_per_period : float, optional
        Items per period, for the cost per period.
    period : str, default "month"
        Name of the period.
    points : int, default 200
        About this many thresholds on the curve (the optimum is always one of them).

    Returns
    -------
    dict
        ``curve`` (lists per threshold: ``threshold`` (None = flag nothing), ``tp``, ``fp``,
        ``fn``, ``tn``, ``precision``, ``recall``, ``flagged``, ``cost``, ``per_item``,
        ``per_period``; ``optimum`` index; ``downsampled_from``), ``optimum`` (the core's
        result as a dict), ``costs``, ``volume_per_period``, ``period``.
    """
    from aipo_widgets.analysis.thresholds import cost_curve, optimal_threshold

    unknown = sorted(set(costs) - set(COST_KEYS))
    if unknown:
        msg = f"unknown cost(s) {', '.join(unknown)}; expected {', '.join(COST_KEYS)}"
        raise TypeError(msg)
    kw = {k: float(v) for k, v in costs.items()}
    curve = cost_curve(y_true, scores, data=data, pos_label=pos_label, k=points, **kw)
    best = optimal_threshold(y_true, scores, data=data, pos_label=pos_label,
                             volume_per_period=volume_per_period, period=period, **kw)
    n = curve.n
    per_item = curve.cost_per_item
    flagged = (curve.tp + curve.fp) / n
    return {
        "curve": {
            "threshold": [_num(t) for t in curve.thresholds],
            "tp": curve.tp.tolist(), "fp": curve.fp.tolist(),
            "fn": curve.fn.tolist(), "tn": curve.tn.tolist(),
            "precision": [_num(p) for p in curve.precision],
            "recall": [_num(r) for r in curve.recall],
            "flagged": [float(f) for f in flagged],
            "cost": curve.cost.tolist(),
            "per_item": per_item.tolist(),
            "per_period": (None if volume_per_period is None
                           else [float(c) * volume_per_period for c in per_item]),
            "optimum": curve.optimum,
            "downsampled_from": curve.downsampled_from,
        },
        "optimum": best.to_dict(),
        # every caught positive prevented is the default: not a cost worth showing or recording
        "costs": {k: v for k, v in best.costs.to_dict().items()
                  if k != "prevented_share" or v != 1},
        "n": n,
        "n_pos": best.n_pos,
        "volume_per_period": volume_per_period,
        "period": period,
    }


def group_recall(y_true: Any, scores: Any, groups: Any, threshold: float | None, *,
                 data: Any = None, pos_label: Any = None, min_group_size: int = 30) -> dict:
    """Return recall per group when flagging ``score >= threshold`` (None: flag nothing).

    Computed by :func:`aipo_widgets.analysis.fairness.group_metrics`; groups smaller than
    ``min_group_size`` are marked, not ranked.

    Returns
    -------
    dict
        ``groups`` (a list of ``{"group", "recall", "positives", "size", "sufficient"}``),
        ``difference`` (largest minus smallest recall among sufficient groups) and ``column``.
    """
    from aipo_widgets.analysis.fairness import group_metrics

    t = math.inf if threshold is None else float(threshold)
    gm = group_metrics(data, groups=groups, label=y_true, score=scores, threshold=t,
                       pos_label=pos_label, metrics=["recall"], min_group_size=min_group_size)
    rows = []
    for g in gm.by_group.index:
        r = gm.by_group.loc[g, "recall"]
        rows.append({
            "group": " / ".join(map(str, g)) if isinstance(g, tuple) else str(g),
            "recall": _num(r) if r == r else None,
            "positives": int(gm.n.loc[g, "recall"]),
            "size": int(gm.sizes.loc[g]),
            "sufficient": bool(gm.sufficient.loc[g]),
        })
    diff = gm.difference()["recall"]
    return {"groups": rows, "difference": _num(diff) if diff == diff else None,
            "column": groups if isinstance(groups, str) else "group"}


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
        The output of :func:`threshold_data`.
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
    # The points are spread evenly by rank (see thresholds.cost_curve), so x is the point's
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
