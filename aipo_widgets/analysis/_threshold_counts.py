"""The counts every threshold analysis starts from: scores sorted per class, checked inputs.

Shared by :mod:`aipo_widgets.analysis.thresholds` (the cost-optimal threshold) and
:mod:`aipo_widgets.analysis.threshold_curves` (operating points and cost curves).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd

from aipo_widgets.analysis._checks import as_binary, as_numeric, column_values, same_length
from aipo_widgets.analysis._prevalence import check_prevalence
from aipo_widgets.errors import DataError, UsageError

# ------------------------------------------------------------------------------------------------
# the sorted classes


class _Sorted:
    """Scores of positives and negatives, each sorted once."""

    def __init__(self, y: np.ndarray, s: np.ndarray):
        self.pos = s[y]
        self.pos.sort()
        self.neg = s[~y]
        self.neg.sort()
        self.n_pos, self.n_neg = len(self.pos), len(self.neg)
        self.min, self.max = float(s.min()), float(s.max())

    def at(self, t: float) -> tuple[int, int, int, int]:
        """Confusion counts (tp, fp, fn, tn) when flagging ``score >= t``."""
        tp = self.n_pos - int(np.searchsorted(self.pos, t, "left"))
        fp = self.n_neg - int(np.searchsorted(self.neg, t, "left"))
        return tp, fp, self.n_pos - tp, self.n_neg - fp

    def distinct(self, chunk: int = 1 << 20) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Yield (u, tp, fp) for the distinct scores of each class, ascending within a class.

        Together the two classes cover every distinct score; a score both classes have appears
        twice, with the same counts.
        """
        for a, b, a_is_pos in ((self.pos, self.neg, True), (self.neg, self.pos, False)):
            for i0 in range(0, len(a), chunk):
                part = a[i0 : i0 + chunk]
                new = np.empty(len(part), dtype=bool)
                new[0] = i0 == 0 or part[0] != a[i0 - 1]
                np.not_equal(part[1:], part[:-1], out=new[1:])
                first = np.flatnonzero(new)
                u = part[first]
                ge_a = len(a) - (first + i0)
                ge_b = len(b) - np.searchsorted(b, u, "left")
                yield (u, ge_a, ge_b) if a_is_pos else (u, ge_b, ge_a)

    def all_distinct(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Every distinct score ascending, plus ``inf``, with tp and fp at each."""
        both = np.concatenate([self.pos, self.neg])
        both.sort(kind="stable")  # two sorted runs: a linear merge
        keep = np.empty(len(both), dtype=bool)
        keep[0] = True
        np.not_equal(both[1:], both[:-1], out=keep[1:])
        u = np.append(both[keep], np.inf)
        tp = self.n_pos - np.searchsorted(self.pos, u, "left")
        fp = self.n_neg - np.searchsorted(self.neg, u, "left")
        return u, tp, fp


def _inputs(
    y_true: Any, scores: Any, pos_label: Any, data: pd.DataFrame | None, purpose: str
) -> tuple[np.ndarray, np.ndarray, Any]:
    if data is not None and not isinstance(data, pd.DataFrame):
        msg = f"data must be a pandas DataFrame, got {type(data).__name__}"
        raise UsageError(msg)
    if data is not None and len(data) == 0:
        msg = "the data frame is empty (0 rows)"
        raise DataError(msg)
    if isinstance(y_true, np.ndarray) and isinstance(scores, np.ndarray):
        # plain arrays: skip pandas for speed (10 million scores)
        if y_true.ndim != 1 or scores.ndim != 1:
            msg = "y_true and scores must be one-dimensional arrays"
            raise DataError(msg)
        ys, lname, ss, sname = y_true, "y_true", scores, "scores"
    else:
        ys, lname = column_values(data, y_true, "y_true")
        ss, sname = column_values(data, scores, "scores")
    same_length(**{lname: ys, sname: ss})
    y, pos_label, _ = as_binary(ys, lname, pos_label, purpose=purpose)
    s = as_numeric(ss, sname, "choosing a threshold")
    return y, s, pos_label


def _confusion(tp: int, fp: int, fn: int, tn: int) -> dict[str, int]:
    return {"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)}


def _ratio(a: float, b: float) -> float:
    return a / b if b else math.nan


def _class_weights(n_pos: int, n_neg: int, prevalence: Any) -> tuple[float, float]:
    """Weights of a positive and a negative that turn the data's mix into production's."""
    if prevalence is None:
        return 1.0, 1.0
    pi = check_prevalence(prevalence, "prevalence")
    n = n_pos + n_neg
    return pi * n / n_pos, (1.0 - pi) * n / n_neg
