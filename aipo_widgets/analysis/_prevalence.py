"""Metrics of an enriched gold set, reweighted to the production prevalence.

A gold set for a rare event is often *enriched*: more positives than production has, so that
recall can be measured at all.  Recall, specificity, the error rates per class and ROC AUC are
computed within one class and do not depend on the mix.  Precision, accuracy, F1, the selection
rate, PR AUC and the Brier score do: on a gold set with 20 % positives, precision is far higher
than it will be in production at 1 %.  Weighting every positive by ``π / P`` and every negative
by ``(1 − π) / N`` (π the production prevalence, P and N the gold set's positives and
negatives) gives the figures production would show with the same recall and false positive rate:

    precision_π = π·TPR / (π·TPR + (1 − π)·FPR)

(Bayes' rule; e.g. Saerens et al. 2002 on adjusting to new priors).  The weights are taken in
each bootstrap resample, so the intervals carry the uncertainty of TPR and FPR.

Examples
--------
>>> import numpy as np
>>> from aipo_widgets.analysis._checks import one_group
>>> y = np.array([1] * 10 + [0] * 40, dtype=bool)      # 20 % positives in the gold set
>>> s = np.r_[np.full(8, 0.9), np.full(2, 0.1), np.full(4, 0.9), np.full(36, 0.1)]
>>> k = PriorBinary(y, one_group(50), score=s, pred=s >= 0.5, metrics=["precision", "recall"],
...                 prior=0.01)
>>> p = k.point()
>>> round(float(p["precision"][0]), 4), float(p["recall"][0])  # 0.01·0.8 / (0.01·0.8 + 0.99·0.1)
(0.0748, 0.8)
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from aipo_widgets.analysis._bootstrap import Binary, _div
from aipo_widgets.analysis._checks import Groups
from aipo_widgets.errors import UsageError

__all__ = ["MIX_METRICS", "PriorBinary", "check_prevalence"]

#: The classification metrics that depend on the share of positives (reweighted).
MIX_METRICS = ("precision", "f1", "accuracy", "selection_rate", "prevalence", "pr_auc", "brier")


def check_prevalence(value: object, name: str = "prevalence") -> float:
    """Return a production prevalence as a float strictly between 0 and 1, or raise.

    Examples
    --------
    >>> check_prevalence(0.014)
    0.014
    """
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)):
        msg = f"{name} must be the share of positives in production (e.g. 0.014), got {value!r}"
        raise UsageError(msg)
    if not 0 < float(value) < 1:
        msg = (f"{name} must be a share strictly between 0 and 1 (the share of positives in "
               f"production, e.g. 0.014 for 1.4 %), got {value!r}")
        raise UsageError(msg)
    return float(value)


class PriorBinary(Binary):
    """:class:`~aipo_widgets.analysis._bootstrap.Binary` with the classes reweighted to a prior.

    Parameters
    ----------
    y, groups, score, pred, metrics
        As for ``Binary``.
    prior : float
        The production prevalence π; every group is reweighted to it.
    """

    def __init__(self, y: np.ndarray, groups: Groups, *, score: np.ndarray | None,
                 pred: np.ndarray, metrics: Sequence[str], prior: float):
        super().__init__(y, groups, score=score, pred=pred, metrics=metrics)
        self.prior = check_prevalence(prior)

    def compute(self, counts: np.ndarray) -> dict[str, np.ndarray]:
        want = set(self.metrics) & set(MIX_METRICS)
        if not want:
            return super().compute(counts)
        out = super().compute(counts.copy())  # the ROC AUC overwrites the counts it is given
        negb, posb, P, N, tp, fp = self._counts(counts)
        pi = self.prior
        a = _div(np.full(P.shape, pi), P)  # weight of a positive, per group
        b = _div(np.full(N.shape, 1.0 - pi), N)  # weight of a negative
        tpw, fpw = tp * a, fp * b
        fnw, tnw = (P - tp) * a, (N - fp) * b
        if "precision" in want:
            out["precision"] = _div(tpw, tpw + fpw)
        if "f1" in want:
            out["f1"] = _div(2 * tpw, 2 * tpw + fpw + fnw)
        if "accuracy" in want:
            out["accuracy"] = tpw + tnw
        if "selection_rate" in want:
            out["selection_rate"] = tpw + fpw
        if "prevalence" in want:
            out["prevalence"] = np.where(P + N > 0, pi, np.nan)
        if not self.by_score or not want & {"pr_auc", "brier"}:
            return out
        ab = np.repeat(a, self.blocks_per_group, axis=1)
        bb = np.repeat(b, self.blocks_per_group, axis=1)
        pw, nw = posb * ab, negb * bb
        if "pr_auc" in want:
            cp = np.zeros((pw.shape[0], pw.shape[1] + 1))
            cn = np.zeros_like(cp)
            np.cumsum(pw, axis=1, out=cp[:, 1:])
            np.cumsum(nw, axis=1, out=cn[:, 1:])
            rp = np.repeat(cp[:, self.start], self.blocks_per_group, axis=1)
            rn = np.repeat(cn[:, self.start], self.blocks_per_group, axis=1)
            caught = cp[:, 1:] - rp
            flagged = caught + (cn[:, 1:] - rn)
            contrib = np.zeros(pw.shape)
            np.divide(pw * caught, flagged, out=contrib, where=posb > 0)
            out["pr_auc"] = _div(np.add.reduceat(contrib, self.start, axis=1),
                                 np.where(P > 0, pi, np.nan))
        if "brier" in want and self.block_score is not None:
            s = self.block_score
            sq = pw * (1.0 - s) ** 2 + nw * s**2
            total = np.where(P > 0, pi, 0.0) + np.where(N > 0, 1.0 - pi, 0.0)
            out["brier"] = _div(np.add.reduceat(sq, self.start, axis=1), total)
        return out
