"""Operating points under a precision or recall floor, and cost curves over all thresholds.

Both start from the same sorted counts as :func:`aipo_widgets.analysis.thresholds.optimal_threshold`
and use its :class:`~aipo_widgets.analysis.thresholds.Costs`.

Examples
--------
>>> y = [0, 0, 1, 0, 1, 1, 0, 1]
>>> s = [0.1, 0.2, 0.3, 0.35, 0.5, 0.7, 0.75, 0.9]
>>> threshold_for_recall(y, s, min_recall=0.75).threshold
0.5
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from aipo_widgets.analysis._json import plain
from aipo_widgets.analysis._threshold_counts import (
    _class_weights,
    _confusion,
    _inputs,
    _Sorted,
)
from aipo_widgets.analysis.thresholds import Costs
from aipo_widgets.errors import UsageError

__all__ = ["CostCurve", "OperatingPoint", "cost_curve", "threshold_for_precision",
           "threshold_for_recall"]


# ------------------------------------------------------------------------------------------------
# operating points under a floor


@dataclass
class OperatingPoint:
    """A threshold chosen under a constraint, and its confusion counts.

    Parameters
    ----------
    threshold : float or None
        Flag ``score >= threshold``; None when no threshold meets the constraint.
    feasible : bool
        Whether any threshold meets the constraint.
    rule : str
        The constraint and the objective.
    confusion : dict or None
        Counts at the threshold.
    precision, recall : float
        At the threshold (NaN when infeasible).
    n, n_pos : int
        Items and positives.
    best_possible : float
        When infeasible: the best value of the constrained metric any threshold reaches.
    """

    threshold: float | None
    feasible: bool
    rule: str
    confusion: dict[str, int] | None
    precision: float
    recall: float
    n: int
    n_pos: int
    best_possible: float | None = None

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {k: plain(v) for k, v in asdict(self).items()}


def _floor(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        msg = f"{name} must be a number between 0 and 1, got {value!r}"
        raise UsageError(msg)
    if not 0 <= value <= 1:
        msg = f"{name} must be between 0 and 1 (a share, not a percentage), got {value!r}"
        raise UsageError(msg)
    return float(value)


def _operating_point(
    y_true: Any, scores: Any, pos_label: Any, data: Any, floor: float, constrained: str,
    prevalence: float | None = None,
) -> OperatingPoint:
    y, s, _ = _inputs(y_true, scores, pos_label, data, "choosing a threshold")
    srt = _Sorted(y, s)
    u, tp, fp = srt.all_distinct()
    u, tp, fp = u[:-1], tp[:-1], fp[:-1]  # flagging nothing has no precision
    n_pos, n = srt.n_pos, srt.n_pos + srt.n_neg
    wp, wn = _class_weights(srt.n_pos, srt.n_neg, prevalence)
    prec = wp * tp / (wp * tp + wn * fp)  # every distinct score flags at least one item
    rec = tp / n_pos
    if constrained == "precision":
        ok = prec >= floor
        objective = tp  # maximise recall
        rule = f"highest recall with precision >= {floor:g}; ties go to the highest threshold"
        best_possible = float(prec.max())
    else:
        ok = rec >= floor
        objective = prec  # maximise precision
        rule = f"highest precision with recall >= {floor:g}; ties go to the highest threshold"
        best_possible = float(rec.max())
    if not ok.any():
        return OperatingPoint(None, False, rule, None, math.nan, math.nan, n, n_pos, best_possible)
    cand = np.flatnonzero(ok)
    vals = objective[cand]
    j = cand[np.flatnonzero(vals == vals.max())[-1]]
    conf = _confusion(tp[j], fp[j], n_pos - tp[j], srt.n_neg - fp[j])
    return OperatingPoint(float(u[j]), True, rule, conf, float(prec[j]), float(rec[j]), n, n_pos)


def threshold_for_precision(
    y_true: Any,
    scores: Any,
    min_precision: float,
    *,
    pos_label: Any = None,
    data: pd.DataFrame | None = None,
    prevalence: float | None = None,
) -> OperatingPoint:
    """Return the threshold with the highest recall whose precision is at least a floor.

    Parameters
    ----------
    y_true, scores, pos_label, data : see :func:`optimal_threshold`
    min_precision : float
        The precision floor, in [0, 1].
    prevalence : float, optional
        The share of positives in production: precision is judged at it (an enriched gold
        set overstates precision).

    Returns
    -------
    OperatingPoint
        ``feasible=False`` (and ``best_possible``, the highest precision reachable) when no
        threshold reaches the floor.

    Examples
    --------
    >>> op = threshold_for_precision([0, 0, 1, 0, 1, 1], [0.1, 0.3, 0.4, 0.5, 0.8, 0.9], 0.75)
    >>> op.threshold, op.precision, op.recall
    (0.4, 0.75, 1.0)
    """
    floor = _floor(min_precision, "min_precision")
    return _operating_point(y_true, scores, pos_label, data, floor, "precision", prevalence)


def threshold_for_recall(
    y_true: Any,
    scores: Any,
    min_recall: float,
    *,
    pos_label: Any = None,
    data: pd.DataFrame | None = None,
) -> OperatingPoint:
    """Return the threshold with the highest precision whose recall is at least a floor.

    Parameters
    ----------
    y_true, scores, pos_label, data : see :func:`optimal_threshold`
    min_recall : float
        The recall floor, in [0, 1].

    Returns
    -------
    OperatingPoint

    Examples
    --------
    >>> op = threshold_for_recall([0, 0, 1, 0, 1, 1], [0.1, 0.3, 0.4, 0.5, 0.8, 0.9], 0.6)
    >>> op.threshold, op.precision, round(op.recall, 3)
    (0.8, 1.0, 0.667)
    """
    floor = _floor(min_recall, "min_recall")
    return _operating_point(y_true, scores, pos_label, data, floor, "recall")


# ------------------------------------------------------------------------------------------------
# the cost curve


@dataclass
class CostCurve:
    """Total cost against threshold, for plotting.

    Parameters
    ----------
    thresholds : ndarray
        Ascending; the last is ``inf`` (flag nothing).
    tp, fp, fn, tn : ndarray
        Counts at each threshold.
    cost : ndarray
        Total cost at each threshold.
    optimum : int
        Index of the least-cost threshold (ties: the highest), always kept when downsampling.
    costs : Costs
        The costs assumed.
    n : int
        Items.
    downsampled_from : int or None
        Number of points before downsampling.
    weights : tuple of float
        Weight of a positive and of a negative (1, 1 unless reweighted to a prevalence).
    """

    thresholds: np.ndarray
    tp: np.ndarray
    fp: np.ndarray
    fn: np.ndarray
    tn: np.ndarray
    cost: np.ndarray
    optimum: int
    costs: Costs
    n: int
    downsampled_from: int | None = None
    weights: tuple[float, float] = (1.0, 1.0)

    @property
    def cost_per_item(self) -> np.ndarray:
        """Cost per item at each threshold."""
        return self.cost / self.n

    @property
    def precision(self) -> np.ndarray:
        """Precision at each threshold (NaN when nothing is flagged), at the weights."""
        wp, wn = self.weights
        with np.errstate(divide="ignore", invalid="ignore"):
            return wp * self.tp / (wp * self.tp + wn * self.fp)

    @property
    def recall(self) -> np.ndarray:
        """Recall at each threshold."""
        return self.tp / (self.tp + self.fn)

    def frame(self) -> pd.DataFrame:
        """Return the curve as a DataFrame."""
        return pd.DataFrame(
            {
                "threshold": self.thresholds,
                "tp": self.tp,
                "fp": self.fp,
                "fn": self.fn,
                "tn": self.tn,
                "cost": self.cost,
                "cost_per_item": self.cost_per_item,
                "precision": self.precision,
                "recall": self.recall,
            }
        )

    def to_dict(self) -> dict:
        """Return a JSON-ready dict of lists (the infinite threshold becomes None)."""
        return {
            "thresholds": plain(self.thresholds),
            "tp": self.tp.tolist(),
            "fp": self.fp.tolist(),
            "fn": self.fn.tolist(),
            "tn": self.tn.tolist(),
            "cost": self.cost.tolist(),
            "optimum": self.optimum,
            "costs": self.costs.to_dict(),
            "n": self.n,
            "downsampled_from": self.downsampled_from,
            "weights": list(self.weights),
        }


def cost_curve(
    y_true: Any,
    scores: Any,
    *,
    c_fn: float,
    c_fp: float,
    c_tp: float = 0.0,
    c_tn: float = 0.0,
    review_cost: float = 0.0,
    prevented_share: float = 1.0,
    k: int | None = None,
    pos_label: Any = None,
    data: pd.DataFrame | None = None,
    prevalence: float | None = None,
) -> CostCurve:
    """Return the total cost at every distinct threshold (optionally about ``k`` of them).

    Parameters
    ----------
    y_true, scores, pos_label, data : see :func:`optimal_threshold`
    c_fn, c_fp, c_tp, c_tn, review_cost, prevented_share : float
        As in :class:`Costs`.
    k : int, optional
        Keep about ``k`` evenly spaced points (by rank) plus the optimum and both ends.
    prevalence : float, optional
        The share of positives in production: costs and precision reweighted to it.

    Returns
    -------
    CostCurve

    Examples
    --------
    >>> cc = cost_curve([0, 1, 0, 1], [0.2, 0.4, 0.6, 0.8], c_fn=3, c_fp=1)
    >>> cc.thresholds.tolist(), cc.cost.tolist(), cc.optimum
    ([0.2, 0.4, 0.6, 0.8, inf], [2.0, 1.0, 4.0, 3.0, 6.0], 1)
    """
    costs = Costs(c_fn, c_fp, c_tp, c_tn, review_cost, prevented_share)
    if k is not None and (isinstance(k, bool) or not isinstance(k, (int, np.integer)) or k < 2):
        msg = f"k must be a whole number >= 2 (points to keep), got {k!r}"
        raise UsageError(msg)
    y, s, _ = _inputs(y_true, scores, pos_label, data, "a cost curve")
    srt = _Sorted(y, s)
    u, tp, fp = srt.all_distinct()
    fn, tn = srt.n_pos - tp, srt.n_neg - fp
    wp, wn = _class_weights(srt.n_pos, srt.n_neg, prevalence)
    cost = costs.total(wp * tp.astype(float), wn * fp.astype(float), wp * fn.astype(float),
                       wn * tn.astype(float))
    opt = len(cost) - 1 - int(np.argmin(cost[::-1]))
    before = None
    if k is not None and len(u) > k:
        before = len(u)
        keep = np.unique(np.r_[np.linspace(0, len(u) - 1, k).round().astype(int), opt])
        u, tp, fp, fn, tn, cost = (a[keep] for a in (u, tp, fp, fn, tn, cost))
        opt = int(np.searchsorted(keep, opt))
    return CostCurve(u, tp, fp, fn, tn, cost, opt, costs, srt.n_pos + srt.n_neg, before,
                     (wp, wn))
