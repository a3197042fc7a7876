"""Cost-optimal thresholds (operating points and cost curves: :mod:`.threshold_curves`).

The expected total cost of flagging every item with ``score >= t`` is

    C(t) = c_caught·TP(t) + c_FP·FP(t) + c_FN·FN(t) + c_TN·TN(t) + review_cost·(TP(t) + FP(t))
    c_caught = prevented_share·c_TP + (1 − prevented_share)·c_FN

with negative costs for benefits (e.g. ``c_tp=-40`` when a caught failure saves 40).  The
review cost is paid for every item flagged positive (a human looks at it).  A caught positive
is not always a prevented one: an inspection may come too late, a customer may leave anyway.
``prevented_share`` is the share of caught positives whose outcome is actually prevented (they
cost ``c_tp``, e.g. a planned repair); the rest still cost what a miss costs (``c_fn``).  With
the default ``prevented_share=1`` every caught positive costs ``c_tp``.  The candidates are
every distinct score (flag all items scoring at least that much) and ``+inf`` (flag nothing);
:func:`optimal_threshold` returns the candidate of least cost, and among equal costs the highest
threshold (fewest items flagged).  The result is exactly the brute-force optimum over all
candidates, found in one pass after sorting:

1. the positives' and the negatives' scores are sorted separately (two :func:`numpy.sort`
   calls, which are much faster than one :func:`numpy.argsort` with the labels in tow);
2. for each distinct score ``u`` of one class, the count of that class at or above ``u`` is its
   position in the sorted array, and the count of the other class at or above ``u`` comes from
   :func:`numpy.searchsorted` with sorted needles (a merge, not a binary search per item);
3. the cost vector follows from the counts, and its minimum is the answer.

Elkan's threshold for calibrated probabilities, ``p* = (c10 − c00) / (c10 − c00 + c01 − c11)``
(``c_ij`` the cost of predicting ``i`` when the truth is ``j``; with free correct decisions
``p* = c_FP / (c_FP + c_FN)``), is reported beside the empirical optimum with the cost it would
have had on the same data: when the two disagree a lot, the scores are not calibrated.

An *enriched* gold set (more positives than production, so that recall can be measured) would
put the optimum where the enriched mix wants it.  With ``prevalence`` (the share of positives in
production) every positive counts ``π·n / P`` and every negative ``(1 − π)·n / N``: the costs,
precision and flagged share are those of ``n`` production items with the same recall and false
positive rate; the confusion counts stay the gold set's own.

Examples
--------
>>> y = [0, 0, 1, 0, 1, 1, 0, 1]
>>> s = [0.1, 0.2, 0.3, 0.35, 0.5, 0.7, 0.75, 0.9]
>>> r = optimal_threshold(y, s, c_fn=5, c_fp=1)
>>> r.threshold, r.confusion, r.total_cost
(0.3, {'tn': 2, 'fp': 2, 'fn': 0, 'tp': 4}, 2.0)
>>> round(r.p_star, 4)
0.1667

A caught positive costs 1 (a planned repair), a false alarm 2.  When only half of the caught
positives are prevented, catching one saves less, so the optimum flags less:

>>> optimal_threshold(y, s, c_fn=5, c_fp=2, c_tp=1).threshold
0.3
>>> r = optimal_threshold(y, s, c_fn=5, c_fp=2, c_tp=1, prevented_share=0.5)
>>> r.threshold, r.confusion, r.total_cost
(0.5, {'tn': 3, 'fp': 1, 'fn': 1, 'tp': 3}, 16.0)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aipo_widgets.analysis._json import number, plain
from aipo_widgets.analysis._threshold_counts import (
    _class_weights,
    _confusion,
    _inputs,
    _ratio,
    _Sorted,
)
from aipo_widgets.errors import UsageError

__all__ = [
    "Costs",
    "ThresholdResult",
    "elkan_threshold",
    "expected_cost",
    "optimal_threshold",
]


@dataclass(frozen=True)
class Costs:
    """The cost of each outcome per item (negative values are benefits).

    Parameters
    ----------
    c_fn, c_fp : float
        Cost of a missed positive and of a false alarm.
    c_tp, c_tn : float, default 0
        Cost of a caught positive and of a correct pass (negative: a benefit).
    review_cost : float, default 0
        Cost of handling each item flagged positive (true or false), e.g. a reviewer's time.
    prevented_share : float, default 1
        Share of the caught positives whose outcome is prevented (cost ``c_tp``); the others
        still cost ``c_fn``, e.g. a failure the inspection came too late for.

    Examples
    --------
    >>> Costs(c_fn=40000, c_fp=0, c_tp=8000, review_cost=500, prevented_share=0.75).caught
    16000.0
    """

    c_fn: float
    c_fp: float
    c_tp: float = 0.0
    c_tn: float = 0.0
    review_cost: float = 0.0
    prevented_share: float = 1.0

    def __post_init__(self) -> None:
        for name in ("c_fn", "c_fp", "c_tp", "c_tn", "review_cost", "prevented_share"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float, np.number)):
                msg = f"{name} must be a number (cost per item; negative: a benefit), got {v!r}"
                if name == "prevented_share":
                    msg = f"prevented_share must be a share between 0 and 1, got {v!r}"
                raise UsageError(msg)
            if not math.isfinite(v):
                msg = f"{name} must be a finite number, got {v!r}"
                raise UsageError(msg)
            object.__setattr__(self, name, float(v))
        if not 0 <= self.prevented_share <= 1:
            msg = (f"prevented_share must be a share between 0 and 1 (of the caught positives, "
                   f"how many are prevented), got {self.prevented_share!r}")
            raise UsageError(msg)

    @property
    def caught(self) -> float:
        """Expected cost of a caught positive, before review: prevented or not.

        ``prevented_share·c_tp + (1 − prevented_share)·c_fn``.
        """
        p = self.prevented_share
        return p * self.c_tp + (1.0 - p) * self.c_fn

    @property
    def flagged_positive(self) -> float:
        """Cost of flagging a positive (c11: the caught cost plus the review cost)."""
        return self.caught + self.review_cost

    @property
    def flagged_negative(self) -> float:
        """Cost of flagging a negative (c10: c_fp plus the review cost)."""
        return self.c_fp + self.review_cost

    def total(self, tp: Any, fp: Any, fn: Any, tn: Any) -> Any:
        """Return the total cost of the given counts (arrays broadcast)."""
        return (
            self.caught * tp
            + self.c_fp * fp
            + self.c_fn * fn
            + self.c_tn * tn
            + self.review_cost * (tp + fp)
        )

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return asdict(self)


def elkan_threshold(
    c_fn: float, c_fp: float, c_tp: float = 0.0, c_tn: float = 0.0, review_cost: float = 0.0,
    prevented_share: float = 1.0,
) -> float | None:
    """Return Elkan's cost-optimal probability threshold p* for calibrated scores.

    ``p* = (c10 − c00) / (c10 − c00 + c01 − c11)`` where c10 = c_fp + review_cost,
    c00 = c_tn, c01 = c_fn, c11 = the caught cost (:attr:`Costs.caught`) + review_cost
    (Elkan 2001, "The Foundations of Cost-Sensitive Learning").  Predict positive when
    P(positive) >= p*.

    Parameters
    ----------
    c_fn, c_fp, c_tp, c_tn, review_cost, prevented_share : float
        As in :class:`Costs`.

    Returns
    -------
    float or None
        p* in [0, 1]: 0 when flagging a negative costs no more than passing it (flag all),
        1 when missing a positive costs no more than flagging it (flag only certainties),
        None when neither decision ever costs more than the other.

    Examples
    --------
    >>> round(elkan_threshold(c_fn=5, c_fp=1), 4)
    0.1667
    >>> round(elkan_threshold(c_fn=10, c_fp=1, c_tp=-2, c_tn=0, review_cost=1), 4)
    0.1538
    """
    c = Costs(c_fn, c_fp, c_tp, c_tn, review_cost, prevented_share)
    num = c.flagged_negative - c.c_tn
    other = c.c_fn - c.flagged_positive
    if num <= 0 and other <= 0:
        return None
    if num <= 0:
        return 0.0
    if other <= 0:
        return 1.0
    return round(num / (num + other), 12)


# ------------------------------------------------------------------------------------------------
# cost-optimal threshold


@dataclass
class ThresholdResult:
    """The cost-optimal threshold and what it implies.

    Parameters
    ----------
    threshold : float
        Flag items with ``score >= threshold``; ``inf`` means flag nothing.
    rule : str
        How the threshold was chosen.
    costs : Costs
        The costs assumed.
    confusion : dict
        ``tn``, ``fp``, ``fn``, ``tp`` at the threshold on the data given.
    total_cost : float
        Total cost on the data given.
    cost_per_item : float
        ``total_cost / n``: the expected cost of one decision.
    n, n_pos : int
        Items and positives.
    precision, recall, flagged_share : float
        At the threshold (precision NaN when nothing is flagged).
    p_star : float or None
        Elkan's threshold for calibrated probabilities.
    at_p_star : dict or None
        Confusion and total cost of flagging ``score >= p_star`` on the same data.
    baselines : dict
        Total cost of flagging nothing and of flagging everything.
    volume_per_period : float or None
        Items per period, if given.
    period : str
        Name of the period.
    cost_per_period : float or None
        ``cost_per_item * volume_per_period`` (assumes the data represent the production mix).
    notes : list of str
        What a reviewer should know.
    prevalence : float or None
        The production prevalence the data were reweighted to (None: taken as they are).
    raw_precision : float or None
        With ``prevalence``: the precision on the data's own mix.
    """

    threshold: float
    rule: str
    costs: Costs
    confusion: dict[str, int]
    total_cost: float
    cost_per_item: float
    n: int
    n_pos: int
    precision: float
    recall: float
    flagged_share: float
    p_star: float | None = None
    at_p_star: dict[str, Any] | None = None
    baselines: dict[str, float] = field(default_factory=dict)
    volume_per_period: float | None = None
    period: str = "month"
    cost_per_period: float | None = None
    notes: list[str] = field(default_factory=list)
    prevalence: float | None = None
    raw_precision: float | None = None

    @property
    def matrix(self) -> list[list[int]]:
        """The confusion matrix ``[[tn, fp], [fn, tp]]`` (scikit-learn's layout)."""
        c = self.confusion
        return [[c["tn"], c["fp"]], [c["fn"], c["tp"]]]

    @property
    def savings_per_period(self) -> dict[str, float] | None:
        """Cost per period saved against each baseline (None without a volume)."""
        if self.volume_per_period is None:
            return None
        return {
            k: (v - self.total_cost) / self.n * self.volume_per_period
            for k, v in self.baselines.items()
        }

    def to_dict(self) -> dict:
        """Return a JSON-ready dict (an infinite threshold becomes None: flag nothing)."""
        return {
            "threshold": number(self.threshold),
            "flags_nothing": math.isinf(self.threshold),
            "rule": self.rule,
            "costs": self.costs.to_dict(),
            "confusion": dict(self.confusion),
            "total_cost": self.total_cost,
            "cost_per_item": self.cost_per_item,
            "n": self.n,
            "n_pos": self.n_pos,
            "precision": number(self.precision),
            "recall": number(self.recall),
            "flagged_share": self.flagged_share,
            "p_star": self.p_star,
            "at_p_star": plain(self.at_p_star),
            "baselines": dict(self.baselines),
            "volume_per_period": self.volume_per_period,
            "period": self.period,
            "cost_per_period": self.cost_per_period,
            "savings_per_period": self.savings_per_period,
            "notes": list(self.notes),
            "prevalence": self.prevalence,
            "raw_precision": number(self.raw_precision),
        }


def _check_volume(volume_per_period: Any) -> float | None:
    if volume_per_period is None:
        return None
    if (
        isinstance(volume_per_period, bool)
        or not isinstance(volume_per_period, (int, float, np.number))
        or not math.isfinite(volume_per_period)
        or volume_per_period < 0
    ):
        msg = f"volume_per_period must be a number of items >= 0, got {volume_per_period!r}"
        raise UsageError(msg)
    return float(volume_per_period)


def optimal_threshold(
    y_true: Any,
    scores: Any,
    *,
    c_fn: float,
    c_fp: float,
    c_tp: float = 0.0,
    c_tn: float = 0.0,
    review_cost: float = 0.0,
    prevented_share: float = 1.0,
    pos_label: Any = None,
    volume_per_period: float | None = None,
    period: str = "month",
    data: pd.DataFrame | None = None,
    prevalence: float | None = None,
) -> ThresholdResult:
    """Find the threshold of least expected total cost over all distinct scores.

    Parameters
    ----------
    y_true : array-like or str
        True classes (two), or a column of ``data``.
    scores : array-like or str
        Model scores (higher: more likely positive), or a column of ``data``.
    c_fn, c_fp, c_tp, c_tn, review_cost : float
        Costs per item (see :class:`Costs`); negative values are benefits.
    prevented_share : float, default 1
        Share of the caught positives whose outcome is prevented (see :class:`Costs`).
    pos_label : object, optional
        The positive class; guessed for 0/1 and boolean labels.
    volume_per_period : float, optional
        Items per period in production, for the expected cost per period.
    period : str, default "month"
        Name of the period (for reports).
    data : DataFrame, optional
        When given, ``y_true`` and ``scores`` name its columns.
    prevalence : float, optional
        The share of positives in production, for an enriched gold set: costs, precision and
        the flagged share are reweighted to it (the confusion counts stay the data's own).

    Returns
    -------
    ThresholdResult
        Ties in cost go to the highest threshold (fewest items flagged).

    Raises
    ------
    DataError
        Missing or non-numeric scores, missing labels, one class only, mismatched lengths.
    UsageError
        Non-numeric or infinite costs, a bad volume.

    Examples
    --------
    >>> r = optimal_threshold([0, 1, 0, 1, 1], [0.2, 0.4, 0.5, 0.8, 0.9], c_fn=10, c_fp=1,
    ...                       review_cost=0.5, volume_per_period=3000)
    >>> r.threshold, r.confusion["fp"], r.cost_per_item, r.cost_per_period
    (0.4, 1, 0.6, 1800.0)

    The same five items drawn from an enriched gold set; in production one item in ten is
    positive, so false alarms weigh more and the optimum flags fewer items:

    >>> r = optimal_threshold([0, 1, 0, 1, 1], [0.2, 0.4, 0.5, 0.8, 0.9], c_fn=10, c_fp=1,
    ...                       review_cost=0.5, prevalence=0.1)
    >>> r.threshold, round(r.precision, 3), round(r.raw_precision, 3)
    (0.8, 1.0, 1.0)
    """
    costs = Costs(c_fn, c_fp, c_tp, c_tn, review_cost, prevented_share)
    volume = _check_volume(volume_per_period)
    y, s, pos_label = _inputs(y_true, scores, pos_label, data, "choosing a threshold")
    srt = _Sorted(y, s)
    n_pos, n_neg = srt.n_pos, srt.n_neg
    wp, wn = _class_weights(n_pos, n_neg, prevalence)

    def total(tp: Any, fp: Any) -> Any:
        return costs.total(wp * tp, wn * fp, wp * (n_pos - tp), wn * (n_neg - fp))

    # candidate +inf (flag nothing) first; then each class's distinct scores
    best_u = math.inf
    best_tp, best_fp = 0, 0
    best_cost = float(total(0.0, 0.0))
    for u, tps, fps in srt.distinct():
        tpf, fpf = tps.astype(np.float64), fps.astype(np.float64)
        cost = total(tpf, fpf)
        j = len(cost) - 1 - int(np.argmin(cost[::-1]))  # last minimum: the highest threshold
        c = float(cost[j])
        if c < best_cost or (c == best_cost and u[j] > best_u):
            best_cost, best_u, best_tp, best_fp = c, float(u[j]), int(tps[j]), int(fps[j])
    n = n_pos + n_neg
    conf = _confusion(best_tp, best_fp, n_pos - best_tp, n_neg - best_fp)
    notes = []
    p_star = elkan_threshold(c_fn, c_fp, c_tp, c_tn, review_cost, prevented_share)
    at_p: dict[str, Any] | None = None
    if p_star is not None:
        if srt.min < 0 or srt.max > 1:
            notes.append("the scores are not probabilities in [0, 1]: Elkan's p* does not apply")
        tp, fp, fn, tn = srt.at(p_star)
        at_p = {
            "threshold": p_star,
            "confusion": _confusion(tp, fp, fn, tn),
            "total_cost": float(total(float(tp), float(fp))),
        }
        at_p["extra_cost_vs_optimum"] = at_p["total_cost"] - best_cost
    else:
        notes.append("the costs never favour one decision over the other: p* is undefined")
    baselines = {
        "flag_nothing": float(total(0.0, 0.0)),
        "flag_everything": float(total(float(n_pos), float(n_neg))),
    }
    if math.isinf(best_u):
        notes.append("flagging nothing is cheapest at these costs")
    if costs.prevented_share < 1:
        notes.append(
            f"{costs.prevented_share:.0%} of the caught positives are assumed prevented (cost "
            f"c_tp); the other {1 - costs.prevented_share:.0%} still cost a miss (c_fn)"
        )
    per_item = best_cost / n
    if prevalence is not None:
        notes.append(
            f"reweighted to the production prevalence {prevalence:.4g} (the data have "
            f"{n_pos / n:.4g}): costs, precision and the flagged share are production's, the "
            "confusion counts the data's own"
        )
    elif volume is not None:
        notes.append(
            f"cost per {period} assumes the data represent production (prevalence "
            f"{n_pos / n:.2%}); for an enriched gold set declare the production prevalence"
        )
    return ThresholdResult(
        threshold=best_u,
        rule="least total cost over all distinct scores (flag score >= threshold); ties go to "
        "the highest threshold",
        costs=costs,
        confusion=conf,
        total_cost=best_cost,
        cost_per_item=per_item,
        n=n,
        n_pos=n_pos,
        precision=_ratio(wp * best_tp, wp * best_tp + wn * best_fp),
        recall=best_tp / n_pos,
        flagged_share=(wp * best_tp + wn * best_fp) / n,
        p_star=p_star,
        at_p_star=at_p,
        baselines=baselines,
        volume_per_period=volume,
        period=period,
        cost_per_period=None if volume is None else per_item * volume,
        notes=notes,
        prevalence=None if prevalence is None else float(prevalence),
        raw_precision=(None if prevalence is None
                       else _ratio(best_tp, best_tp + best_fp)),
    )


def expected_cost(
    confusion: dict[str, int],
    *,
    c_fn: float,
    c_fp: float,
    c_tp: float = 0.0,
    c_tn: float = 0.0,
    review_cost: float = 0.0,
    prevented_share: float = 1.0,
    volume_per_period: float | None = None,
    prevalence: float | None = None,
) -> dict[str, float]:
    """Return the expected cost per item (and per period) of an operating point's counts.

    Parameters
    ----------
    confusion : dict
        ``tn``, ``fp``, ``fn``, ``tp`` (e.g. from an evaluation or a :class:`ThresholdResult`).
    c_fn, c_fp, c_tp, c_tn, review_cost, prevented_share : float
        As in :class:`Costs`.
    volume_per_period : float, optional
        Items per period.
    prevalence : float, optional
        The share of positives in production: the counts are reweighted to it (as in
        :func:`optimal_threshold`).

    Returns
    -------
    dict
        ``total``, ``per_item`` and, with a volume, ``per_period``.

    Examples
    --------
    >>> expected_cost({"tn": 80, "fp": 10, "fn": 2, "tp": 8}, c_fn=50, c_fp=5,
    ...               volume_per_period=10_000)
    {'total': 150.0, 'per_item': 1.5, 'per_period': 15000.0}
    """
    costs = Costs(c_fn, c_fp, c_tp, c_tn, review_cost, prevented_share)
    try:
        tp, fp, fn, tn = (int(confusion[k]) for k in ("tp", "fp", "fn", "tn"))
    except (KeyError, TypeError, ValueError) as e:
        msg = f"confusion must have whole-number counts for tn, fp, fn and tp ({e})"
        raise UsageError(msg) from None
    n = tp + fp + fn + tn
    if n <= 0 or min(tp, fp, fn, tn) < 0:
        msg = f"confusion counts must be >= 0 and not all 0, got {confusion!r}"
        raise UsageError(msg)
    if prevalence is not None and (tp + fn == 0 or fp + tn == 0):
        msg = "reweighting to a prevalence needs positives and negatives in the confusion"
        raise UsageError(msg)
    wp, wn = _class_weights(tp + fn, fp + tn, prevalence)
    total = float(costs.total(wp * tp, wn * fp, wp * fn, wn * tn))
    out = {"total": total, "per_item": total / n}
    volume = _check_volume(volume_per_period)
    if volume is not None:
        out["per_period"] = total / n * volume
    return out
