"""The threshold explorer's data: the cost curve, the optimum and per-group recall, as plain lists.

:func:`threshold_view` asks :mod:`aipo_widgets.analysis.thresholds` for the cost curve (about
``points`` thresholds, the optimum always among them) and the cost-optimal threshold, and returns
them as plain lists: for each threshold the confusion counts, precision, recall, flagged share,
total cost, cost per item and per period. The widget's slider picks one of these points; nothing
is recomputed in the browser; :func:`aipo_widgets.figures.threshold_svg` draws it.
:func:`group_recall` gives the recall of each group at one threshold
(:func:`aipo_widgets.analysis.fairness.group_metrics`).

Examples
--------
>>> y = [0, 0, 1, 0, 1, 1, 0, 1]
>>> s = [0.1, 0.2, 0.3, 0.35, 0.5, 0.7, 0.75, 0.9]
>>> d = threshold_view(y, s, costs={"c_fn": 5, "c_fp": 1})
>>> d["optimum"]["threshold"], d["curve"]["threshold"][d["curve"]["optimum"]]
(0.3, 0.3)
"""

from __future__ import annotations

import math
from typing import Any

from aipo_widgets.analysis.fairness import group_metrics
from aipo_widgets.analysis.threshold_curves import cost_curve
from aipo_widgets.analysis.thresholds import optimal_threshold

__all__ = ["COST_KEYS", "group_recall", "threshold_view"]

#: The cost arguments of :mod:`aipo_widgets.analysis.thresholds`.
COST_KEYS = ("c_fn", "c_fp", "c_tp", "c_tn", "review_cost", "prevented_share")


def _num(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def threshold_view(y_true: Any, scores: Any, *, costs: dict, data: Any = None,
                   volume_per_period: float | None = None, period: str = "month",
                   pos_label: Any = None, points: int = 200,
                   prevalence: float | None = None) -> dict:
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
    prevalence : float, optional
        The share of positives in production, for an enriched gold set: costs, precision and
        the flagged share are reweighted to it (the counts stay the gold set's).

    Returns
    -------
    dict
        ``curve`` (lists per threshold: ``threshold`` (None = flag nothing), ``tp``, ``fp``,
        ``fn``, ``tn``, ``precision``, ``recall``, ``flagged``, ``cost``, ``per_item``,
        ``per_period``; ``optimum`` index; ``downsampled_from``), ``optimum`` (the core's
        result as a dict), ``costs``, ``volume_per_period``, ``period``, ``prevalence``.
    """
    unknown = sorted(set(costs) - set(COST_KEYS))
    if unknown:
        msg = f"unknown cost(s) {', '.join(unknown)}; expected {', '.join(COST_KEYS)}"
        raise TypeError(msg)
    kw = {k: float(v) for k, v in costs.items()}
    curve = cost_curve(y_true, scores, data=data, pos_label=pos_label, k=points,
                       prevalence=prevalence, **kw)
    best = optimal_threshold(y_true, scores, data=data, pos_label=pos_label,
                             volume_per_period=volume_per_period, period=period,
                             prevalence=prevalence, **kw)
    n = curve.n
    per_item = curve.cost_per_item
    wp, wn = curve.weights
    flagged = (wp * curve.tp + wn * curve.fp) / n
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
        "prevalence": prevalence,
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
