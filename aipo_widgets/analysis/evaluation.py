"""Gold-set evaluation: metrics with bootstrap confidence intervals, and checks of the gold set.

Three kinds of gold set are evaluated here:

* **classification**: a label column with two classes and a score (or a hard prediction);
  precision, recall, F1, accuracy, specificity, balanced accuracy, false positive and false
  negative rate, selection rate and prevalence at a threshold, and from the scores ROC AUC,
  PR AUC (average precision, as :func:`sklearn.metrics.average_precision_score`) and the Brier
  score; the confusion matrix at the threshold.  A row is predicted positive when its
  ``score >= threshold`` (the convention of :func:`sklearn.metrics.precision_recall_curve`).
* **regression**: MAE, RMSE, MAPE and bias (mean of prediction minus truth).  MAPE is
  zero-safe: rows whose true value is zero have no percentage error, so they are *excluded and
  counted* (``n`` of the MAPE says how many rows it rests on, and a note says how many were
  left out) instead of being divided by a tiny epsilon as
  :func:`sklearn.metrics.mean_absolute_percentage_error` does.  MAPE is a fraction (0.12 is 12 %).
* **review labels** of generative output (e.g. each summary reviewed as ``ok``,
  ``hallucination``, ``incomplete``): the share of each label, named ``label_share:<label>``
  (``<label>_rate`` is accepted as an alias, e.g. ``hallucination_rate``), with a Wilson
  score interval, which stays honest at shares of 0 and 1 where the normal interval collapses.

Every metric comes with a percentile bootstrap confidence interval: seeded (the same data, metrics
and seed give the same interval), with a configurable number of resamples, and for
classification stratified by class by default.  Gold sets are usually curated with a chosen
number of positives, so the class counts are a design choice rather than a random draw;
stratifying keeps every resample's positives at that count, which also stops rare-positive
resamples from having no positives at all.

The bootstrap is fast because every classification metric is a function of a few counts: the
rows are collapsed once into cells (group, distinct score, class).  A resample then needs only
the cell counts, drawn either by resampling row indices and one :func:`numpy.bincount`, or, when
there are few cells, directly from the multinomial distribution of the cells, which is the
same distribution at a cost independent of the number of rows.  ROC AUC and average precision
per resample come from cumulative sums over the distinct-score cells (the rank formula of the
Mann-Whitney statistic with ties counted half), without re-sorting.

The gold set itself is checked by :func:`check_gold_set`: size, class balance, duplicates,
missing labels and leakage into the training data.

Examples
--------
>>> import pandas as pd
>>> gold = pd.DataFrame({"label": [1, 1, 1, 0, 0, 0, 0, 1],
...                      "score": [0.9, 0.8, 0.4, 0.35, 0.2, 0.6, 0.1, 0.7]})
>>> ev = evaluate_classification(gold, label="label", score="score", threshold=0.5,
...                              n_boot=200, seed=1)
>>> ev.metrics["recall"].value, ev.metrics["precision"].value
(0.75, 0.75)
>>> ev.confusion
{'tn': 3, 'fp': 1, 'fn': 1, 'tp': 3}
>>> round(ev.metrics["roc_auc"].value, 4)
0.9375
>>> lo, hi = ev.metrics["recall"].ci_low, ev.metrics["recall"].ci_high
>>> bool(lo <= 0.75 <= hi)
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aipo_widgets.errors import DataError, UsageError
from aipo_widgets.evidence import Gate

__all__ = [
    "CLASSIFICATION_METRICS",
    "COUNT_METRICS",
    "METRIC_ALIASES",
    "REGRESSION_METRICS",
    "SCORE_METRICS",
    "Evaluation",
    "GoldSetReport",
    "MetricValue",
    "check_gold_set",
    "evaluate",
    "evaluate_classification",
    "evaluate_regression",
    "evaluate_review",
    "wilson_interval",
]

#: Classification metrics computed from the confusion counts at the threshold.
COUNT_METRICS: tuple[str, ...] = (
    "precision",
    "recall",
    "f1",
    "accuracy",
    "specificity",
    "balanced_accuracy",
    "false_positive_rate",
    "false_negative_rate",
    "selection_rate",
    "prevalence",
)
#: Classification metrics that need the scores (not only a hard prediction).
SCORE_METRICS: tuple[str, ...] = ("roc_auc", "pr_auc", "brier")
CLASSIFICATION_METRICS: tuple[str, ...] = COUNT_METRICS + SCORE_METRICS
REGRESSION_METRICS: tuple[str, ...] = ("mae", "rmse", "mape", "bias")
#: Other names people use for the same metrics.
METRIC_ALIASES: dict[str, str] = {
    "sensitivity": "recall",
    "tpr": "recall",
    "true_positive_rate": "recall",
    "tnr": "specificity",
    "true_negative_rate": "specificity",
    "fpr": "false_positive_rate",
    "fnr": "false_negative_rate",
    "f1_score": "f1",
    "auc": "roc_auc",
    "average_precision": "pr_auc",
    "brier_score": "brier",
}
_SHARE_PREFIX = "label_share:"


# ------------------------------------------------------------------------------------------------
# results


def _num(x: Any) -> Any:
    """Return a JSON-ready number: ``None`` for NaN and infinities, Python types otherwise."""
    if x is None:
        return None
    if isinstance(x, (np.integer,)):
        return int(x)
    if isinstance(x, (float, np.floating)):
        x = float(x)
        return x if math.isfinite(x) else None
    return x


def _plain(obj: Any) -> Any:
    """Return ``obj`` with numpy scalars, tuples and non-finite floats made JSON-ready."""
    if isinstance(obj, Mapping):
        return {str(k): _plain(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_plain(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [_plain(v) for v in obj.tolist()]
    if isinstance(obj, np.bool_):
        return bool(obj)
    if hasattr(obj, "to_dict") and not isinstance(obj, (pd.DataFrame, pd.Series)):
        return obj.to_dict()
    return _num(obj)


@dataclass
class MetricValue:
    """One metric with its confidence interval.

    Parameters
    ----------
    value : float
        The estimate on the whole gold set (NaN when undefined, e.g. precision when nothing
        is predicted positive).
    ci_low, ci_high : float or None
        Bounds of the confidence interval (None when no interval was computed).
    n : int
        The number of rows the metric rests on (its denominator: positives for recall,
        predicted positives for precision, rows with a non-zero true value for MAPE).
    ci_method : str
        How the interval was computed, e.g. ``"bootstrap percentile (1000 resamples)"``.
    """

    value: float
    ci_low: float | None = None
    ci_high: float | None = None
    n: int = 0
    ci_method: str = ""

    @property
    def ci(self) -> tuple[float, float] | None:
        """The interval as a tuple, or None."""
        if self.ci_low is None or self.ci_high is None:
            return None
        return (self.ci_low, self.ci_high)

    def bound(self, which: str) -> float | None:
        """Return ``"estimate"``, ``"ci_low"`` or ``"ci_high"``."""
        if which == "estimate":
            return self.value
        if which == "ci_low":
            return self.ci_low
        if which == "ci_high":
            return self.ci_high
        msg = f"bound must be 'estimate', 'ci_low' or 'ci_high', got {which!r}"
        raise UsageError(msg)

    def to_dict(self) -> dict:
        """Return a JSON-ready dict (NaN becomes None)."""
        return {
            "value": _num(self.value),
            "ci_low": _num(self.ci_low),
            "ci_high": _num(self.ci_high),
            "n": int(self.n),
            "ci_method": self.ci_method,
        }


@dataclass
class Evaluation:
    """The result of a gold-set evaluation.

    Parameters
    ----------
    task : {"classification", "regression", "review"}
        What was evaluated.
    metrics : dict of str to MetricValue
        Every metric computed, by name.
    n : int
        Rows evaluated.
    confusion : dict or None
        ``{"tn", "fp", "fn", "tp"}`` at the threshold (classification only).
    threshold : float or None
        The threshold used (``score >= threshold`` is positive); None for hard predictions.
    pos_label : object
        The class counted as positive.
    ci : float
        Confidence level of the intervals.
    n_boot : int
        Bootstrap resamples (0: no bootstrap).
    seed : int or None
        Seed of the bootstrap.
    stratified : str
        What the bootstrap was stratified by (``"class"``, ``"none"``).
    columns : dict
        The columns (or arguments) used, by role.
    notes : list of str
        What a reviewer should know (rows excluded, metrics skipped and why).
    by_group : dict
        Per-group results (:class:`aipo_widgets.analysis.fairness.GroupMetrics`) by group column(s).
    """

    task: str
    metrics: dict[str, MetricValue]
    n: int
    confusion: dict[str, int] | None = None
    threshold: float | None = None
    pos_label: Any = None
    ci: float = 0.95
    n_boot: int = 0
    seed: int | None = None
    stratified: str = "none"
    columns: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    by_group: dict[str, Any] = field(default_factory=dict)

    def resolve(self, name: str) -> str | None:
        """Return the canonical metric name for ``name`` (aliases included), or None."""
        name = str(name)
        if name in self.metrics:
            return name
        canon = METRIC_ALIASES.get(name)
        if canon in self.metrics:
            return canon
        if name.endswith("_rate"):
            share = _SHARE_PREFIX + name[: -len("_rate")]
            if share in self.metrics:
                return share
        return None

    def available(self) -> list[str]:
        """Return the metric names this evaluation can answer (without aliases)."""
        return list(self.metrics)

    def metric(self, name: str) -> MetricValue:
        """Return one metric by name or alias.

        Raises
        ------
        UsageError
            When the evaluation has no such metric; the message lists the available ones.
        """
        canon = self.resolve(name)
        if canon is None:
            msg = (
                f"metric {name!r} was not computed in this {self.task} evaluation; "
                f"available: {', '.join(self.metrics)}"
            )
            raise UsageError(msg)
        return self.metrics[canon]

    def table(self) -> pd.DataFrame:
        """Return the metrics as a DataFrame (one row per metric)."""
        rows = {k: v.to_dict() for k, v in self.metrics.items()}
        return pd.DataFrame.from_dict(rows, orient="index")

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            "task": self.task,
            "n": int(self.n),
            "metrics": {k: v.to_dict() for k, v in self.metrics.items()},
            "confusion": _plain(self.confusion),
            "threshold": _num(self.threshold),
            "pos_label": _plain(self.pos_label),
            "ci": self.ci,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "stratified": self.stratified,
            "columns": dict(self.columns),
            "notes": list(self.notes),
            "by_group": {k: v.to_dict() for k, v in self.by_group.items()},
        }


# ------------------------------------------------------------------------------------------------
# input checks, shared with thresholds, fairness and pilots


def _check_frame(data: Any) -> pd.DataFrame | None:
    if data is None:
        return None
    if not isinstance(data, pd.DataFrame):
        msg = (
            f"data must be a pandas DataFrame (or None with arrays passed directly), "
            f"got {type(data).__name__}"
        )
        raise UsageError(msg)
    if len(data) == 0:
        msg = "the data frame is empty (0 rows); evaluate a gold set with at least a few rows"
        raise DataError(msg)
    return data


def _column(data: pd.DataFrame | None, value: Any, arg: str) -> tuple[pd.Series, str]:
    """Return the values an argument refers to (a column name, or array-like) and a name."""
    if isinstance(value, str):
        if data is None:
            msg = (
                f"{arg}={value!r} names a column, but no data frame was given; pass "
                f"data=<DataFrame>, or pass the values themselves as {arg}=<array>"
            )
            raise UsageError(msg)
        if value not in data.columns:
            cols = ", ".join(map(repr, list(data.columns)[:20]))
            msg = (
                f"column {value!r} (argument {arg}) is not in the data; "
                f"the columns are {cols}; pass {arg}=<one of them>"
            )
            raise DataError(msg)
        return data[value], value
    if value is None:
        msg = f"{arg} is required"
        raise UsageError(msg)
    if isinstance(value, pd.Series):
        return value.reset_index(drop=True), arg
    if np.isscalar(value):
        msg = f"{arg} must be a column name or an array of values, got the scalar {value!r}"
        raise UsageError(msg)
    arr = np.asarray(value)
    if arr.ndim != 1:
        msg = f"{arg} must be one-dimensional, got an array of shape {arr.shape}"
        raise DataError(msg)
    if len(arr) == 0:
        msg = f"{arg} is empty (0 values); evaluate at least a few rows"
        raise DataError(msg)
    return pd.Series(arr, copy=False), arg


def _same_length(**series: Any) -> int:
    lengths = {k: len(v) for k, v in series.items() if v is not None}
    if len(set(lengths.values())) > 1:
        parts = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        msg = f"the inputs have different lengths ({parts}); pass values for the same rows"
        raise DataError(msg)
    n = next(iter(lengths.values()))
    if n == 0:
        msg = "there are no rows to evaluate (0 values)"
        raise DataError(msg)
    return n


def _where(s: pd.Series, mask: np.ndarray, k: int = 5) -> str:
    idx = list(s.index[mask][:k]) if isinstance(s, pd.Series) else list(np.flatnonzero(mask)[:k])
    more = ", ..." if int(mask.sum()) > k else ""
    return ", ".join(map(repr, idx)) + more


def _no_missing(s: pd.Series, name: str, what: str = "evaluating") -> None:
    mask = s.isna().to_numpy()
    if mask.any():
        msg = (
            f"column {name!r} has {int(mask.sum())} missing values (rows {_where(s, mask)}); "
            f"drop or fill them before {what}"
        )
        raise DataError(msg)


def _numeric(s: pd.Series | np.ndarray, name: str, what: str = "evaluating") -> np.ndarray:
    """Return finite float64 values, or raise a DataError naming the column and the fix."""
    if isinstance(s, np.ndarray) and s.dtype.kind in "fiub":
        arr = s.astype(np.float64, copy=False)
        bad = ~np.isfinite(arr)
        if bad.any():
            s = pd.Series(arr, copy=False)
        else:
            return arr
    if isinstance(s, np.ndarray):
        s = pd.Series(s, copy=False)
    if not (pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)):
        nonnull = s.dropna()
        example = f" (e.g. {nonnull.iloc[0]!r})" if len(nonnull) else ""
        msg = (
            f"column {name!r} must be numeric, got dtype {s.dtype}{example}; convert it with "
            f"pd.to_numeric(df[{name!r}]) or pass the numeric column"
        )
        raise DataError(msg)
    _no_missing(s, name, what)
    arr = s.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        msg = (
            f"column {name!r} has {int(bad.sum())} infinite values (rows "
            f"{_where(s, bad)}); replace them with finite numbers before {what}"
        )
        raise DataError(msg)
    return arr


def _is01(classes: Sequence[Any]) -> bool:
    try:
        return all(c in (0, 1) and not isinstance(c, str) for c in classes)
    except TypeError:
        return False


def _binary(
    s: pd.Series | np.ndarray,
    name: str,
    pos_label: Any = None,
    *,
    need_both: bool = True,
    purpose: str = "a classification evaluation",
) -> tuple[np.ndarray, Any, Any]:
    """Return a boolean positive mask, the positive and the negative class.

    Raises DataError for missing values, more than two classes or (with ``need_both``) a single
    class, and UsageError when the positive class cannot be guessed.
    """
    if isinstance(s, np.ndarray) and s.dtype.kind in "biu" and s.ndim == 1:
        # fast path for plain 0/1 and boolean arrays (10 million labels in a few ms)
        if s.dtype.kind == "b":
            y = s
            classes = [c for c, present in ((False, (~y).any()), (True, y.any())) if present]
            if pos_label is None or pos_label in (True, 1):
                return _binary_done(y, name, classes, True, False, need_both, purpose)
        elif len(s) and s.min() >= 0 and s.max() <= 1:
            y = s == 1
            classes = [c for c, present in ((0, (~y).any()), (1, y.any())) if present]
            if pos_label is None or pos_label == 1:
                return _binary_done(y, name, classes, 1, 0, need_both, purpose)
        s = pd.Series(s, copy=False)
    elif isinstance(s, np.ndarray):
        s = pd.Series(s, copy=False)
    _no_missing(s, name)
    uniq = pd.unique(s)
    try:
        classes = sorted(uniq.tolist())
    except TypeError:
        classes = list(uniq.tolist())
    if len(classes) > 2:
        shown = ", ".join(map(repr, classes[:6])) + (", ..." if len(classes) > 6 else "")
        msg = (
            f"column {name!r} has {len(classes)} classes ({shown}); binary metrics need two: "
            f"map them to two classes first, e.g. df[{name!r}].eq(<positive class>)"
        )
        raise DataError(msg)
    if pos_label is None:
        if _is01(classes):
            pos_label = True if any(isinstance(c, (bool, np.bool_)) for c in classes) else 1
        else:
            shown = ", ".join(map(repr, classes))
            msg = (
                f"pos_label is needed: column {name!r} has the classes {shown}; pass "
                f"pos_label=<the class that counts as positive>"
            )
            raise UsageError(msg)
    elif pos_label not in classes and len(classes) == 2:
        shown = ", ".join(map(repr, classes))
        msg = f"pos_label={pos_label!r} is not a class of column {name!r} (classes: {shown})"
        raise UsageError(msg)
    y = (s == pos_label).to_numpy(dtype=bool)
    others = [c for c in classes if c != pos_label]
    neg_label = others[0] if others else (0 if pos_label == 1 else None)
    return _binary_done(y, name, classes, pos_label, neg_label, need_both, purpose)


def _binary_done(
    y: np.ndarray,
    name: str,
    classes: list,
    pos_label: Any,
    neg_label: Any,
    need_both: bool,
    purpose: str,
) -> tuple[np.ndarray, Any, Any]:
    if need_both and len(classes) < 2:
        msg = (
            f"column {name!r} has only one class ({classes[0]!r}); {purpose} needs both "
            f"classes: add examples of the other class to the gold set"
        )
        raise DataError(msg)
    return y, pos_label, neg_label


def _prediction(s: pd.Series, name: str, pos_label: Any, neg_label: Any) -> np.ndarray:
    """Return hard predictions as a boolean positive mask."""
    _no_missing(s, name)
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=bool)
    values = pd.unique(s).tolist()
    label_space = {pos_label, neg_label}
    if all(v in label_space for v in values):
        return (s == pos_label).to_numpy(dtype=bool)
    if _is01(values):
        return (s == 1).to_numpy(dtype=bool)
    shown = ", ".join(map(repr, values[:6]))
    msg = (
        f"column {name!r} holds predictions ({shown}) that are neither the label classes "
        f"({pos_label!r}, {neg_label!r}) nor 0/1; pass scores as score=..., or map the "
        f"predictions to the label classes"
    )
    raise DataError(msg)


def _check_settings(n_boot: int, ci: float, threshold: float | None = None) -> None:
    if not isinstance(n_boot, (int, np.integer)) or isinstance(n_boot, bool) or n_boot < 0:
        msg = f"n_boot must be a whole number >= 0 (0 switches the bootstrap off), got {n_boot!r}"
        raise UsageError(msg)
    if 0 < n_boot < 20:
        msg = f"n_boot={n_boot} is too few resamples for an interval; use at least 200, or 0"
        raise UsageError(msg)
    if not isinstance(ci, (float, int)) or not 0 < ci < 1:
        msg = f"ci must be a confidence level between 0 and 1 (e.g. 0.95), got {ci!r}"
        raise UsageError(msg)
    if threshold is not None and (
        not isinstance(threshold, (int, float, np.number)) or not math.isfinite(threshold)
    ):
        msg = f"threshold must be a finite number, got {threshold!r}"
        raise UsageError(msg)


# ------------------------------------------------------------------------------------------------
# groups


@dataclass
class _Groups:
    """Rows mapped to group codes ``0..G-1`` and the group keys in sorted order."""

    codes: np.ndarray
    index: pd.Index
    names: list[str]

    @property
    def size(self) -> int:
        return len(self.index)


def _one_group(n: int) -> _Groups:
    return _Groups(np.zeros(n, dtype=np.intp), pd.Index(["all"]), [])


def _groups(data: pd.DataFrame | None, groups: Any, n: int) -> _Groups:
    """Factorise one group column, or the intersection of several, into codes."""
    if isinstance(groups, (str, pd.Series, np.ndarray)):
        cols = [groups]
    else:
        cols = list(groups)
        if not cols:
            msg = "groups is empty; pass a column name or a list of column names"
            raise UsageError(msg)
        if all(isinstance(c, str) for c in cols):
            # names of columns when there is a frame; without one, the group of each row
            if data is None:
                cols = [np.asarray(cols, dtype=object)]
        elif all(np.isscalar(c) or c is None for c in cols):
            cols = [np.asarray(cols, dtype=object)]
    code_list, uniques_list, names = [], [], []
    for i, g in enumerate(cols):
        s, name = _column(data, g, "groups" if len(cols) == 1 else f"groups[{i}]")
        if len(s) != n:
            msg = f"group {name!r} has {len(s)} values but the data has {n} rows"
            raise DataError(msg)
        mask = s.isna().to_numpy()
        if mask.any():
            msg = (
                f"group column {name!r} has {int(mask.sum())} missing values (rows "
                f"{_where(s, mask)}); fill them with a group of their own, e.g. "
                f"df[{name!r}].fillna('unknown')"
            )
            raise DataError(msg)
        try:
            codes, uniques = pd.factorize(s, sort=True)
        except TypeError:
            codes, uniques = pd.factorize(s.astype(str), sort=True)
        code_list.append(codes.astype(np.intp))
        uniques_list.append(uniques)
        names.append(name)
    if len(code_list) == 1:
        return _Groups(code_list[0], pd.Index(uniques_list[0], name=names[0]), names)
    dims = tuple(len(u) for u in uniques_list)
    flat = np.ravel_multi_index(tuple(code_list), dims)
    del code_list
    if math.prod(dims) <= 4 * n + 1024:
        # few combinations: number the observed ones in order with a bincount (no hashing)
        seen = np.bincount(flat, minlength=math.prod(dims)) > 0
        observed = np.flatnonzero(seen)
        remap = np.cumsum(seen) - 1
        codes = remap[flat]
    else:
        codes, observed = pd.factorize(flat, sort=True)
    parts = np.unravel_index(np.asarray(observed), dims)
    index = pd.MultiIndex(levels=uniques_list, codes=list(parts), names=names)
    return _Groups(codes.astype(np.intp), index, names)


# ------------------------------------------------------------------------------------------------
# kernels: rows collapsed once, metrics computed from counts (vectorised over resamples)


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(a, b)


class _Cells:
    """Base of kernels whose statistics are functions of counts of rows per cell.

    Subclasses set ``cells`` (cell id per row), ``ncell``, ``counts`` (rows per cell, int64)
    and implement :meth:`compute`, which takes integer counts of shape (b, ncell) for b
    resamples at once (and may overwrite them, to save memory).
    """

    cells: np.ndarray
    ncell: int
    counts: np.ndarray
    G: int
    metrics: tuple[str, ...]

    def point(self) -> dict[str, np.ndarray]:
        # a copy: compute may overwrite its input
        return {k: v[0] for k, v in self.compute(self.counts[None, :].copy()).items()}

    def compute(self, counts: np.ndarray) -> dict[str, np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    # -- resampling -----------------------------------------------------------------------------
    def draws(self, rng: np.random.Generator, n_boot: int, cell_stratum: np.ndarray | None):
        """Yield resampled cell counts (int64, shape (b, ncell)), b resamples at a time.

        Rows are resampled with replacement within each stratum (all rows form one stratum
        when ``cell_stratum`` is None), so each stratum keeps its size.
        """
        n = len(self.cells)
        n_strata = 1 if cell_stratum is None else int(cell_stratum.max()) + 1
        n_occupied = int(np.count_nonzero(self.counts))
        # Few occupied cells: draw the cell counts from their multinomial directly (the same
        # distribution as resampling rows, at a cost independent of the number of rows).
        if n_occupied * 8 <= n:
            occupied = np.flatnonzero(self.counts)
            strata = np.zeros(self.ncell, np.intp) if cell_stratum is None else cell_stratum
            per_stratum = []
            for s in range(n_strata):
                idx = occupied[strata[occupied] == s]
                tot = int(self.counts[idx].sum())
                if tot:
                    per_stratum.append((idx, tot, self.counts[idx] / tot))
            chunk = max(1, min(n_boot, 2**20 // max(self.ncell, 1)))
            for start in range(0, n_boot, chunk):
                b = min(chunk, n_boot - start)
                out = np.zeros((b, self.ncell), dtype=np.int64)
                for idx, tot, p in per_stratum:
                    out[:, idx] = rng.multinomial(tot, p, size=b)
                yield out
            return
        # Otherwise resample row indices, a few resamples at a time so that the working arrays
        # stay about the size of one column of the input.
        if cell_stratum is not None and n_strata > 1:
            order = np.argsort(cell_stratum[self.cells], kind="stable")
            cells_sorted = self.cells[order]
            del order
            sizes = np.bincount(cell_stratum, weights=self.counts, minlength=n_strata)
        else:
            cells_sorted = self.cells
            sizes = np.array([n])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        idx_dtype = np.int32 if n < 2**31 else np.int64
        chunk = max(1, min(n_boot, 2**17 // max(n, self.ncell)))
        for start in range(0, n_boot, chunk):
            b = min(chunk, n_boot - start)
            rows = np.empty((b, n), dtype=idx_dtype)
            for s in range(n_strata):
                m = int(sizes[s])
                if m:
                    a = int(starts[s])
                    rows[:, a : a + m] = rng.integers(a, a + m, size=(b, m), dtype=idx_dtype)
            keys = cells_sorted[rows]
            del rows
            if b > 1:
                keys += (np.arange(b, dtype=np.int64) * self.ncell)[:, None]
            yield np.bincount(keys.ravel(), minlength=b * self.ncell).reshape(b, self.ncell)


class _Binary(_Cells):
    """Classification rows collapsed to (class, block) cells.

    A block is a run of rows of one group with one distinct score (rows sorted by group, then by
    score descending), or, without score metrics, one group with one predicted class.  Cell
    ``y * K + block`` counts the negatives (first K cells) and the positives (last K cells) of
    each block.  Within a group the blocks predicted positive (``score >= threshold``) come
    first, so every count the metrics need is a difference of prefix sums over the blocks;
    the prefix sums are integers, which keeps them exact and fast.
    """

    def __init__(
        self,
        y: np.ndarray,
        groups: _Groups,
        *,
        score: np.ndarray | None,
        pred: np.ndarray,
        metrics: Sequence[str],
    ):
        self.metrics = tuple(metrics)
        G = self.G = groups.size
        g = groups.codes
        n = len(y)
        self.by_score = score is not None and any(m in SCORE_METRICS for m in self.metrics)
        # cell ids fit in int32 for any gold set below a billion rows: half the memory
        idt = np.int32 if 2 * n < 2**31 else np.int64
        if self.by_score:
            assert score is not None
            # group ascending, score descending.  Ties may come in any order: equal scores of a
            # group form one block whatever their order, so the fast unstable sort will do.
            order = np.argsort(score)[::-1]
            gs = g.astype(np.int16 if G < 2**15 else np.int64, copy=False)
            if G > 1:
                # a stable sort of the small group codes (a radix sort) keeps the score order
                order = order[np.argsort(gs[order], kind="stable")]
            ss = score[order]
            new = np.empty(n, dtype=bool)
            new[0] = True
            np.not_equal(ss[1:], ss[:-1], out=new[1:])
            if G > 1:
                sg = gs[order]
                new[1:] |= sg[1:] != sg[:-1]
                del sg
            first = np.flatnonzero(new)
            blk = np.empty(n, dtype=idt)
            blk[order] = np.cumsum(new, dtype=idt) - 1
            del new
            self.K = len(first)
            self.block_group = gs[order[first]]
            self.block_score = ss[first]
            block_pred = pred[order[first]]
            del order, ss, first
        else:
            # two blocks per group: predicted positive first (the "higher score" block)
            blk = 2 * g.astype(idt) + (~pred)
            self.K = 2 * G
            self.block_group = np.repeat(np.arange(G), 2)
            self.block_score = None
            block_pred = np.tile([True, False], G)
        K = self.K
        # block ranges per group: [start, split) predicted positive, [split, end) negative
        bg = self.block_group
        self.start = np.flatnonzero(np.r_[True, bg[1:] != bg[:-1]])
        del bg
        self.end = np.r_[self.start[1:], K]
        n_pred = np.add.reduceat(block_pred.astype(np.int64), self.start)
        self.split = self.start + n_pred
        self.blocks_per_group = self.end - self.start
        # segment starts for np.add.reduceat: every group start and every non-empty split, so
        # that the segment beginning at a group's start ends at its split
        self.seg = np.unique(np.r_[self.start, self.split[self.split < K]])
        self.seg_of_start = np.searchsorted(self.seg, self.start)
        self.has_pred = self.split > self.start
        del self.block_group  # only the group ranges are needed from here on
        if "brier" not in self.metrics:
            self.block_score = None
        np.add(blk, K, out=blk, where=y)  # positives in the second half of the cells
        self.cells = blk
        self.ncell = 2 * K
        self.counts = np.bincount(self.cells, minlength=self.ncell)

    def strata(self, how: str) -> np.ndarray | None:
        """Stratum of each cell: by class, by group, by group and class, or None."""
        if how not in ("class", "group", "group_class"):
            return None
        K = self.K
        if how == "class":
            return np.repeat(np.array([0, 1], dtype=np.intp), K)
        group = np.repeat(np.arange(self.G, dtype=np.intp), self.blocks_per_group)
        cell_group = np.concatenate([group, group])
        if how == "group":
            return cell_group
        cell_group *= 2
        cell_group[K:] += 1
        return cell_group

    def _prefix(self, a: np.ndarray) -> np.ndarray:
        """Prefix sums with a leading 0: ``out[:, j]`` is the sum of the first j blocks."""
        out = np.zeros((a.shape[0], a.shape[1] + 1), dtype=np.int64)
        np.cumsum(a, axis=1, out=out[:, 1:])
        return out

    def _counts(self, counts: np.ndarray) -> tuple[np.ndarray, ...]:
        """Blocks' negatives and positives, and P, N, TP, FP per group (no row-sized arrays)."""
        K = self.K
        negb, posb = counts[:, :K], counts[:, K:]
        sn = np.add.reduceat(negb, self.seg, axis=1)
        sp = np.add.reduceat(posb, self.seg, axis=1)
        P = np.add.reduceat(sp, self.seg_of_start, axis=1)
        N = np.add.reduceat(sn, self.seg_of_start, axis=1)
        tp = np.where(self.has_pred, sp[:, self.seg_of_start], 0)
        fp = np.where(self.has_pred, sn[:, self.seg_of_start], 0)
        return negb, posb, P, N, tp, fp

    def compute(self, counts: np.ndarray) -> dict[str, np.ndarray]:
        negb, posb, P, N, tp, fp = self._counts(counts)
        fn, tn = P - tp, N - fp
        out: dict[str, np.ndarray] = {}
        want = set(self.metrics)
        if "precision" in want:
            out["precision"] = _div(tp, tp + fp)
        if "recall" in want or "balanced_accuracy" in want:
            out["recall"] = _div(tp, P)
        if "f1" in want:
            out["f1"] = _div(2 * tp, 2 * tp + fp + fn)
        if "accuracy" in want:
            out["accuracy"] = _div(tp + tn, P + N)
        if "specificity" in want or "balanced_accuracy" in want:
            out["specificity"] = _div(tn, N)
        if "balanced_accuracy" in want:
            out["balanced_accuracy"] = (out["recall"] + out["specificity"]) / 2
        if "false_positive_rate" in want:
            out["false_positive_rate"] = _div(fp, N)
        if "false_negative_rate" in want:
            out["false_negative_rate"] = _div(fn, P)
        if "selection_rate" in want:
            out["selection_rate"] = _div(tp + fp, P + N)
        if "prevalence" in want:
            out["prevalence"] = _div(P, P + N)
        if self.by_score and "pr_auc" in want:
            # sum over blocks of (positives in the block) x (precision down to the block) / P
            cn, cp = self._prefix(negb), self._prefix(posb)
            rp = np.repeat(cp[:, self.start], self.blocks_per_group, axis=1)
            rn = np.repeat(cn[:, self.start], self.blocks_per_group, axis=1)
            tpw = cp[:, 1:] - rp
            flagged = tpw + (cn[:, 1:] - rn)
            del rp, rn, cn, cp
            contrib = np.zeros(tpw.shape)
            np.divide(posb * tpw, flagged, out=contrib, where=posb > 0)
            out["pr_auc"] = _div(np.add.reduceat(contrib, self.start, axis=1), P)
        if self.by_score and "brier" in want:
            s = self.block_score
            sq = posb * (1.0 - s) ** 2 + negb * s**2
            out["brier"] = _div(np.add.reduceat(sq, self.start, axis=1), P + N)
        if self.by_score and "roc_auc" in want:
            # Mann-Whitney with ties counted half: each positive outranks the negatives of lower
            # blocks of its group.  Negatives below block k = (prefix at the group's end) minus
            # (prefix up to and including k); in integers, doubled to keep the half exact.
            # Last, because the products overwrite the prefix sums and the counts (memory).
            cn = self._prefix(negb)
            cn_end = cn[:, self.end]
            prod = cn[:, 1:]
            np.multiply(posb, prod, out=prod)
            s1 = np.add.reduceat(prod, self.start, axis=1)
            np.multiply(posb, negb, out=negb)
            s2 = np.add.reduceat(negb, self.start, axis=1)
            twice = 2 * cn_end * P - 2 * s1 + s2
            out["roc_auc"] = _div(twice, 2 * P * N)
        for k in ("recall", "specificity"):
            if k in out and k not in want:
                del out[k]
        return out

    def confusion(self) -> dict[str, np.ndarray]:
        _, _, P, N, tp, fp = self._counts(self.counts[None, :])
        return {"tn": (N - fp)[0], "fp": fp[0], "fn": (P - tp)[0], "tp": tp[0]}

    def ns(self) -> dict[str, np.ndarray]:
        c = self.confusion()
        P, N = c["tp"] + c["fn"], c["tn"] + c["fp"]
        tot = P + N
        by = {
            "precision": c["tp"] + c["fp"],
            "recall": P,
            "false_negative_rate": P,
            "specificity": N,
            "false_positive_rate": N,
        }
        return {m: by.get(m, tot) for m in self.metrics}


class _Shares(_Cells):
    """Review labels: rows collapsed to (group, label pattern) cells; share of each flag."""

    def __init__(self, flags: np.ndarray, names: Sequence[str], groups: _Groups):
        # flags: (n, L) booleans.  One categorical column gives one-hot rows; several boolean
        # columns give any pattern.  Patterns are few, so cells are (group, pattern).
        self.G = groups.size
        self.flag_names = list(names)
        self.metrics = tuple(_SHARE_PREFIX + str(x) for x in names)
        L = flags.shape[1]
        if L <= 62:
            weights = (np.int64(1) << np.arange(L, dtype=np.int64)).astype(np.int64)
            code = flags.astype(np.int64) @ weights
            pat, uniq = pd.factorize(code, sort=True)
            uniq = np.asarray(uniq, dtype=np.int64)
            self.patterns = ((uniq[:, None] >> np.arange(L)) & 1).astype(float)
        else:  # pragma: no cover - more than 62 review labels
            pat, uniq = pd.factorize(pd.Series([r.tobytes() for r in flags]))
            first = np.unique(pat, return_index=True)[1]
            self.patterns = flags[first].astype(float)
        self.P = len(self.patterns)
        self.cells = groups.codes * self.P + pat
        self.ncell = self.G * self.P
        self.counts = np.bincount(self.cells, minlength=self.ncell)
        self.cell_group = np.repeat(np.arange(self.G), self.P)

    def strata(self, how: str) -> np.ndarray | None:
        return self.cell_group if how in ("group", "group_class") else None

    def sums(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c = counts.reshape(*counts.shape[:-1], self.G, self.P)
        return c @ self.patterns, c.sum(axis=-1)

    def compute(self, counts: np.ndarray) -> dict[str, np.ndarray]:
        hits, tot = self.sums(counts.astype(float))
        share = _div(hits, tot[..., None])
        return {m: share[..., i] for i, m in enumerate(self.metrics)}

    def ns(self) -> dict[str, np.ndarray]:
        _, tot = self.sums(self.counts.astype(float))
        return {m: tot.astype(np.int64) for m in self.metrics}

    def hits(self) -> tuple[np.ndarray, np.ndarray]:
        h, t = self.sums(self.counts.astype(float))
        return np.rint(h).astype(np.int64), np.rint(t).astype(np.int64)


class _Regression:
    """Regression rows: per-group sums of absolute, squared and percentage errors."""

    def __init__(self, y: np.ndarray, pred: np.ndarray, groups: _Groups, metrics: Sequence[str]):
        self.G = groups.size
        self.g = groups.codes
        self.metrics = tuple(metrics)
        err = pred - y
        nz = y != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            ape = np.where(nz, np.abs(err) / np.abs(y), 0.0)
        # columns: rows, |e|, e^2, ape, rows with y != 0, e
        self.stats = np.column_stack([np.ones_like(y), np.abs(err), err**2, ape, nz, err])

    def _sums(self, rows: np.ndarray | None, b: int = 1) -> np.ndarray:
        G = self.G
        if rows is None:
            keys, st = self.g, self.stats
        else:
            keys = (self.g[rows] + (np.arange(b) * G)[:, None]).ravel()
            st = self.stats[rows.ravel()]
        out = np.empty((b * G, st.shape[1]))
        for j in range(st.shape[1]):
            out[:, j] = np.bincount(keys, weights=st[:, j], minlength=b * G)
        return out.reshape(b, G, -1)

    def compute(self, sums: np.ndarray) -> dict[str, np.ndarray]:
        n, sa, ss, sp, nnz, se = (sums[..., j] for j in range(6))
        out = {
            "mae": _div(sa, n),
            "rmse": np.sqrt(_div(ss, n)),
            "mape": _div(sp, nnz),
            "bias": _div(se, n),
        }
        return {m: out[m] for m in self.metrics}

    def point(self) -> dict[str, np.ndarray]:
        return {k: v[0] for k, v in self.compute(self._sums(None)).items()}

    def ns(self) -> dict[str, np.ndarray]:
        s = self._sums(None)[0]
        n, nnz = s[:, 0].astype(np.int64), s[:, 4].astype(np.int64)
        return {m: (nnz if m == "mape" else n) for m in self.metrics}

    def strata(self, how: str) -> np.ndarray | None:
        return self.g if how in ("group", "group_class") else None

    def draws(self, rng: np.random.Generator, n_boot: int, row_stratum: np.ndarray | None):
        n = len(self.g)
        strata = np.zeros(n, np.intp) if row_stratum is None else row_stratum
        order = np.argsort(strata, kind="stable")
        sizes = np.bincount(strata)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        chunk = max(1, min(n_boot, 2**18 // n))
        for start in range(0, n_boot, chunk):
            b = min(chunk, n_boot - start)
            pos = np.empty((b, n), dtype=np.intp)
            for a, m in zip(starts, sizes, strict=True):
                if m:
                    pos[:, a : a + m] = rng.integers(0, m, size=(b, m)) + a
            yield self._sums(order[pos], b)


def _resample(kernel: Any, n_boot: int, seed: int | None, stratify: str) -> dict[str, np.ndarray]:
    """Metric values per resample and group: ``{metric: array (n_boot, G)}``."""
    rng = np.random.default_rng(seed)
    res = {m: np.empty((n_boot, kernel.G)) for m in kernel.metrics}
    at = 0
    for draw in kernel.draws(rng, n_boot, kernel.strata(stratify)):
        vals = kernel.compute(draw)
        b = len(draw)
        for m in kernel.metrics:
            res[m][at : at + b] = vals[m]
        at += b
    return res


def _percentiles(v: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each column of ``v`` (resamples x groups), NaN resamples skipped.

    A column where fewer than half of the resamples give a value (e.g. a group that often has
    no positives) gets no interval: one from the lucky few resamples would be misleading.
    """
    alpha = (1 - ci) / 2
    v = v.reshape(len(v), -1)
    ok = np.isfinite(v)
    lo = np.full(v.shape[1], np.nan)
    hi = np.full(v.shape[1], np.nan)
    full = ok.all(axis=0)
    if full.any():
        lo[full], hi[full] = np.quantile(v[:, full], [alpha, 1 - alpha], axis=0)
    for gi in np.flatnonzero(~full):
        col = v[ok[:, gi], gi]
        if len(col) >= max(2, len(v) // 2):
            lo[gi], hi[gi] = np.quantile(col, [alpha, 1 - alpha])
    return lo, hi


def _bootstrap(
    kernel: Any, n_boot: int, seed: int | None, ci: float, stratify: str
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Percentile intervals per metric and group: ``{metric: (low, high)}`` arrays of length G."""
    return {m: _percentiles(v, ci) for m, v in _resample(kernel, n_boot, seed, stratify).items()}


def wilson_interval(
    successes: Any, n: Any, ci: float = 0.95
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Wilson score interval of a proportion.

    The same interval as ``statsmodels.stats.proportion.proportion_confint(method="wilson")``,
    computed with scipy only.

    Parameters
    ----------
    successes, n : int or array of int
        Count of the outcome and number of trials.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    (low, high) : floats or arrays
        NaN where ``n`` is 0.

    Examples
    --------
    >>> lo, hi = wilson_interval(0, 50)
    >>> round(lo, 4), round(hi, 4)
    (0.0, 0.0713)
    """
    from scipy.stats import norm

    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = norm.isf((1 - ci) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        denom = 1 + z**2 / m
        center = (p + z**2 / (2 * m)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2))
        # exact arithmetic keeps the bounds in [0, 1]; clip the rounding at the edges
        lo, hi = np.clip(center - half, 0, 1), np.clip(center + half, 0, 1)
    if np.ndim(lo) == 0:
        return float(lo), float(hi)
    return lo, hi


# ------------------------------------------------------------------------------------------------
# public evaluation functions


def _metric_list(
    metrics: Iterable[str] | None, allowed: Sequence[str], default: Sequence[str], task: str
) -> list[str]:
    if metrics is None:
        return list(default)
    if isinstance(metrics, str):
        metrics = [metrics]
    out = []
    for m in metrics:
        canon = METRIC_ALIASES.get(m, m)
        if canon not in allowed:
            msg = (
                f"metric {m!r} is not a {task} metric that can be computed here; "
                f"choose from {', '.join(allowed)}"
            )
            raise UsageError(msg)
        if canon not in out:
            out.append(canon)
    if not out:
        msg = "metrics is empty; name at least one metric, or pass metrics=None for all"
        raise UsageError(msg)
    return out


def _ci_label(n_boot: int, stratify: str) -> str:
    how = "" if stratify == "none" else f", stratified by {stratify.replace('_', ' and ')}"
    return f"bootstrap percentile ({n_boot} resamples{how})"


def _assemble(
    kernel: Any, n_boot: int, seed: int | None, ci: float, stratify: str, gi: int = 0
) -> dict[str, MetricValue]:
    point = kernel.point()
    ns = kernel.ns()
    cis = _bootstrap(kernel, n_boot, seed, ci, stratify) if n_boot else {}
    out = {}
    for m in kernel.metrics:
        lo, hi = cis.get(m, (None, None))
        out[m] = MetricValue(
            float(point[m][gi]),
            None if lo is None else _num(lo[gi]),
            None if hi is None else _num(hi[gi]),
            int(ns[m][gi]),
            _ci_label(n_boot, stratify) if n_boot else "",
        )
    return out


def _add_groups(
    ev: Evaluation, data: pd.DataFrame | None, groups: Any, kwargs: dict[str, Any]
) -> None:
    if groups is None:
        return
    from aipo_widgets.analysis.fairness import group_metrics

    items = [groups] if isinstance(groups, str) else list(groups)
    for item in items:
        key = item if isinstance(item, str) else " x ".join(map(str, item))
        ev.by_group[key] = group_metrics(data, groups=item, **kwargs)


def evaluate_classification(
    data: pd.DataFrame | None = None,
    *,
    label: Any = "label",
    score: Any = None,
    prediction: Any = None,
    threshold: float = 0.5,
    pos_label: Any = None,
    metrics: Iterable[str] | None = None,
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int | None = 0,
    stratify: bool = True,
    groups: Any = None,
    min_group_size: int = 30,
) -> Evaluation:
    """Evaluate a binary classifier on a gold set.

    Parameters
    ----------
    data : DataFrame, optional
        The gold set.  Without it, ``label``, ``score`` and ``prediction`` are arrays.
    label : str or array-like
        The true class (two classes).
    score : str or array-like, optional
        The model's score; rows with ``score >= threshold`` are predicted positive.
    prediction : str or array-like, optional
        Hard predictions (the label classes, 0/1 or booleans) when there are no scores; the
        score metrics (ROC AUC, PR AUC, Brier) then cannot be computed.
    threshold : float, default 0.5
        Decision threshold on the score.
    pos_label : object, optional
        The positive class; guessed for 0/1 and boolean labels.
    metrics : list of str, optional
        Metric names (see :data:`CLASSIFICATION_METRICS`); all that can be computed by default.
        The Brier score is computed only for scores within [0, 1].
    n_boot : int, default 1000
        Bootstrap resamples for the intervals; 0 switches them off.
    ci : float, default 0.95
        Confidence level.
    seed : int or None, default 0
        Seed of the bootstrap (None: a different interval each run).
    stratify : bool, default True
        Resample positives and negatives separately (keeps the gold set's class counts).
    groups : str, list, optional
        Group columns: each item (a column, or a tuple of columns for their intersection) gets a
        per-group report in :attr:`Evaluation.by_group` (see :mod:`aipo_widgets.analysis.fairness`).
    min_group_size : int, default 30
        Groups smaller than this are flagged 'insufficient n' in the per-group reports.

    Returns
    -------
    Evaluation

    Raises
    ------
    DataError
        Missing columns, missing or non-numeric values, one class only, mismatched lengths.
    UsageError
        Inconsistent arguments (no score and no prediction, unknown metric, bad settings).

    Examples
    --------
    >>> ev = evaluate_classification(label=[0, 0, 1, 1, 1], score=[0.1, 0.6, 0.4, 0.8, 0.9],
    ...                              n_boot=0)
    >>> ev.confusion, round(ev.metrics["f1"].value, 3)
    ({'tn': 1, 'fp': 1, 'fn': 1, 'tp': 2}, 0.667)
    """
    data = _check_frame(data)
    _check_settings(n_boot, ci, threshold)
    if score is None and prediction is None:
        msg = "pass score=<column of model scores> or prediction=<column of predicted classes>"
        raise UsageError(msg)
    if score is not None and prediction is not None:
        msg = "pass either score or prediction, not both (the prediction is score >= threshold)"
        raise UsageError(msg)
    ys, lname = _column(data, label, "label")
    src = score if score is not None else prediction
    ps, pname = _column(data, src, "score" if score is not None else "prediction")
    _same_length(**{lname: ys, pname: ps})
    y, pos_label, neg_label = _binary(ys, lname, pos_label)
    if score is not None:
        s = _numeric(ps, pname)
        pred = s >= threshold
    else:
        s = None
        pred = _prediction(ps, pname, pos_label, neg_label)
    notes: list[str] = []
    allowed = list(CLASSIFICATION_METRICS) if s is not None else list(COUNT_METRICS)
    if s is not None and (s.min() < 0 or s.max() > 1):
        allowed.remove("brier")
        notes.append("brier: not computed, the scores are not probabilities in [0, 1]")
    if metrics is not None:
        for m in [metrics] if isinstance(metrics, str) else metrics:
            c = METRIC_ALIASES.get(m, m)
            if c in SCORE_METRICS and c not in allowed:
                why = "scores outside [0, 1]" if s is not None else "hard predictions only"
                msg = f"metric {m!r} cannot be computed from {why}; pass probability scores"
                raise UsageError(msg)
    chosen = _metric_list(metrics, allowed, allowed, "classification")
    kernel = _Binary(y, _one_group(len(y)), score=s, pred=pred, metrics=chosen)
    strat = "class" if stratify else "none"
    values = _assemble(kernel, n_boot, seed, ci, strat)
    conf = {k: int(v[0]) for k, v in kernel.confusion().items()}
    if conf["tp"] + conf["fp"] == 0:
        notes.append("nothing is predicted positive at this threshold: precision is undefined")
    ev = Evaluation(
        task="classification",
        metrics=values,
        n=len(y),
        confusion=conf,
        threshold=float(threshold) if s is not None else None,
        pos_label=pos_label,
        ci=ci,
        n_boot=n_boot,
        seed=seed,
        stratified=strat,
        columns={"label": lname, ("score" if s is not None else "prediction"): pname},
        notes=notes,
    )
    _add_groups(
        ev,
        data,
        groups,
        dict(
            label=ys,
            score=ps if score is not None else None,
            prediction=ps if prediction is not None else None,
            threshold=threshold,
            pos_label=pos_label,
            metrics=chosen,
            n_boot=n_boot,
            ci=ci,
            seed=seed,
            stratify=stratify,
            min_group_size=min_group_size,
        ),
    )
    return ev


def evaluate_regression(
    data: pd.DataFrame | None = None,
    *,
    label: Any = "label",
    prediction: Any = "prediction",
    metrics: Iterable[str] | None = None,
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int | None = 0,
    groups: Any = None,
    min_group_size: int = 30,
) -> Evaluation:
    """Evaluate a regression model (or any numeric estimate) on a gold set.

    MAPE is zero-safe: rows with a true value of 0 are excluded from it and counted (its ``n``
    is the number of rows it rests on; a note names how many were left out).

    Parameters
    ----------
    data : DataFrame, optional
        The gold set; without it ``label`` and ``prediction`` are arrays.
    label, prediction : str or array-like
        True and predicted values (numeric).
    metrics : list of str, optional
        From :data:`REGRESSION_METRICS` (``mae``, ``rmse``, ``mape``, ``bias``); all by default.
    n_boot, ci, seed : see :func:`evaluate_classification`
    groups, min_group_size : see :func:`evaluate_classification`

    Returns
    -------
    Evaluation

    Raises
    ------
    DataError
        Missing columns, missing, infinite or non-numeric values, mismatched lengths.
    UsageError
        Unknown metrics or bad settings.

    Examples
    --------
    >>> ev = evaluate_regression(label=[10.0, 0.0, 4.0], prediction=[12.0, 1.0, 3.0], n_boot=0)
    >>> ev.metrics["mae"].value, ev.metrics["mape"].value, ev.metrics["mape"].n
    (1.3333333333333333, 0.225, 2)
    """
    data = _check_frame(data)
    _check_settings(n_boot, ci)
    ys, lname = _column(data, label, "label")
    ps, pname = _column(data, prediction, "prediction")
    _same_length(**{lname: ys, pname: ps})
    y = _numeric(ys, lname)
    p = _numeric(ps, pname)
    chosen = _metric_list(metrics, REGRESSION_METRICS, REGRESSION_METRICS, "regression")
    kernel = _Regression(y, p, _one_group(len(y)), chosen)
    values = _assemble(kernel, n_boot, seed, ci, "none")
    notes = []
    zeros = int((y == 0).sum())
    if "mape" in chosen and zeros:
        notes.append(
            f"mape: {zeros} rows with a true value of 0 are excluded (no percentage error)"
        )
    ev = Evaluation(
        task="regression",
        metrics=values,
        n=len(y),
        ci=ci,
        n_boot=n_boot,
        seed=seed,
        columns={"label": lname, "prediction": pname},
        notes=notes,
    )
    _add_groups(
        ev,
        data,
        groups,
        dict(
            label=ys,
            prediction=ps,
            task="regression",
            metrics=chosen,
            n_boot=n_boot,
            ci=ci,
            seed=seed,
            min_group_size=min_group_size,
        ),
    )
    return ev


def _review_flags(
    data: pd.DataFrame | None, label: Any, labels: Sequence[Any] | None
) -> tuple[np.ndarray, list[str], list[str], int]:
    """Return (flags (n, L), label names, column names, n) for review-label metrics."""
    # a list is several flag columns when it names columns of the frame, else it is the values
    names_columns = (
        isinstance(label, (list, tuple))
        and data is not None
        and len(label) > 0
        and all(isinstance(x, str) and x in data.columns for x in label)
    )
    items = list(label) if names_columns else [label]
    if len(items) > 1 or (
        len(items) == 1
        and isinstance(items[0], str)
        and data is not None
        and items[0] in data.columns
        and pd.api.types.is_bool_dtype(data[items[0]].dtype)
    ):
        # one or more boolean flag columns, each a label of its own
        cols, names, n = [], [], None
        for i, it in enumerate(items):
            s, name = _column(data, it, f"label[{i}]" if len(items) > 1 else "label")
            _no_missing(s, name)
            if not (pd.api.types.is_bool_dtype(s.dtype) or _is01(pd.unique(s).tolist())):
                msg = (
                    f"review flag column {name!r} must be boolean (or 0/1) when several flag "
                    f"columns are given; map it, e.g. df[{name!r}].eq('yes')"
                )
                raise DataError(msg)
            if n is not None and len(s) != n:
                _same_length(**{names[0]: cols[0], name: s})
            n = len(s)
            cols.append(s.to_numpy(dtype=bool))
            names.append(name)
        return np.column_stack(cols), names, names, int(n or 0)
    s, name = _column(data, items[0], "label")
    _no_missing(s, name, "computing label shares (drop rows not yet reviewed)")
    values = pd.unique(s).tolist()
    if labels is None:
        try:
            labels = sorted(values)
        except TypeError:
            labels = values
    else:
        labels = list(labels)
        unknown = [v for v in values if v not in labels]
        if unknown:
            msg = (
                f"column {name!r} has review labels not in labels=: "
                f"{', '.join(map(repr, unknown[:6]))}; add them to labels or fix the data"
            )
            raise DataError(msg)
    codes = pd.Categorical(s, categories=labels).codes
    flags = np.zeros((len(s), len(labels)), dtype=bool)
    flags[np.arange(len(s)), codes] = True
    return flags, [str(x) for x in labels], [name], len(s)


def evaluate_review(
    data: pd.DataFrame | None = None,
    *,
    label: Any = "review",
    labels: Sequence[Any] | None = None,
    interval: str = "wilson",
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int | None = 0,
    groups: Any = None,
    min_group_size: int = 30,
) -> Evaluation:
    """Share of each review label of generative output, with confidence intervals.

    Parameters
    ----------
    data : DataFrame, optional
        The reviewed outputs, one row each.
    label : str, list of str or array-like
        Either one column with a review label per row (e.g. ``ok``, ``hallucination``), or one
        or several boolean flag columns (e.g. ``hallucination``, ``pii_leak``), each giving
        the share of rows flagged.
    labels : list, optional
        All labels that exist, so that a label nobody used still gets a share of 0 and an
        interval (e.g. ``labels=["ok", "hallucination", "incomplete"]``).
    interval : {"wilson", "bootstrap"}, default "wilson"
        Wilson score interval (exact enough at any share, and instant), or the bootstrap.
    n_boot, ci, seed : see :func:`evaluate_classification`
    groups, min_group_size : see :func:`evaluate_classification`

    Returns
    -------
    Evaluation
        Metrics named ``label_share:<label>``; ``<label>_rate`` resolves to them.

    Raises
    ------
    DataError
        Missing columns, unreviewed rows (missing labels), labels outside ``labels``.
    UsageError
        A bad ``interval`` or bootstrap setting.

    Examples
    --------
    >>> import pandas as pd
    >>> rev = pd.DataFrame({"review": ["ok"] * 46 + ["hallucination"] * 4})
    >>> ev = evaluate_review(rev, label="review", labels=["ok", "hallucination", "incomplete"])
    >>> m = ev.metric("hallucination_rate")
    >>> m.value, round(m.ci_low, 4), round(m.ci_high, 4)
    (0.08, 0.0315, 0.1884)
    >>> ev.metric("incomplete_rate").value
    0.0
    """
    data = _check_frame(data)
    if interval not in ("wilson", "bootstrap"):
        msg = f"interval must be 'wilson' or 'bootstrap', got {interval!r}"
        raise UsageError(msg)
    _check_settings(n_boot if interval == "bootstrap" else 0, ci)
    flags, names, cols, n = _review_flags(data, label, labels)
    if n == 0:
        msg = "there are no reviewed rows to evaluate"
        raise DataError(msg)
    kernel = _Shares(flags, names, _one_group(n))
    if interval == "bootstrap":
        values = _assemble(kernel, n_boot, seed, ci, "none")
    else:
        point, ns = kernel.point(), kernel.ns()
        hits, tot = kernel.hits()
        lo, hi = wilson_interval(hits[0], tot[0], ci)
        values = {
            m: MetricValue(float(point[m][0]), float(lo[i]), float(hi[i]), int(ns[m][0]), "wilson")
            for i, m in enumerate(kernel.metrics)
        }
    ev = Evaluation(
        task="review",
        metrics=values,
        n=n,
        ci=ci,
        n_boot=n_boot if interval == "bootstrap" else 0,
        seed=seed if interval == "bootstrap" else None,
        columns={"label": ", ".join(cols)},
    )
    _add_groups(
        ev,
        data,
        groups,
        dict(
            label=label,
            labels=labels,
            task="review",
            interval=interval,
            n_boot=n_boot,
            ci=ci,
            seed=seed,
            min_group_size=min_group_size,
        ),
    )
    return ev


def evaluate(
    data: pd.DataFrame | None = None,
    *,
    label: Any = "label",
    score: Any = None,
    prediction: Any = None,
    task: str = "auto",
    **kwargs: Any,
) -> Evaluation:
    """Evaluate a gold set, choosing the task from the inputs.

    ``task="auto"`` means: review labels when neither a score nor a prediction is given;
    classification when the label has two classes (or fewer); regression otherwise.

    Parameters
    ----------
    data : DataFrame, optional
        The gold set.
    label, score, prediction : str or array-like
        As in :func:`evaluate_classification`, :func:`evaluate_regression` and
        :func:`evaluate_review`.
    task : {"auto", "classification", "regression", "review"}
        What to evaluate.
    **kwargs
        Passed on to the task's function.

    Returns
    -------
    Evaluation

    Examples
    --------
    >>> evaluate(label=[1.0, 2.0, 3.0, 5.0], prediction=[1.5, 2.0, 2.0, 5.5], n_boot=0).task
    'regression'
    """
    tasks = ("auto", "classification", "regression", "review")
    if task not in tasks:
        msg = f"task must be one of {', '.join(tasks)}, got {task!r}"
        raise UsageError(msg)
    if task == "auto":
        if score is None and prediction is None:
            task = "review"
        elif score is not None:
            task = "classification"
        else:
            ys, _ = _column(_check_frame(data), label, "label")
            task = "classification" if ys.nunique(dropna=True) <= 2 else "regression"
    if task == "review":
        return evaluate_review(data, label=label, **kwargs)
    if task == "regression":
        return evaluate_regression(data, label=label, prediction=prediction, **kwargs)
    return evaluate_classification(data, label=label, score=score, prediction=prediction, **kwargs)


# ------------------------------------------------------------------------------------------------
# gold-set checks


@dataclass
class GoldSetReport:
    """The checks of a gold set, each a :class:`~aipo_widgets.evidence.Gate`.

    Parameters
    ----------
    n_rows : int
        Rows in the gold set.
    class_counts : dict
        Rows per label value (missing labels not counted).
    gates : list of Gate
        One gate per check: size, missing labels, class balance, duplicates, and leakage when
        training data was given.
    details : dict
        The figures behind the gates (duplicate counts by kind, overlaps by kind, examples).
    """

    n_rows: int
    class_counts: dict[str, int]
    gates: list[Gate]
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when no check failed."""
        return all(g.ok for g in self.gates)

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            "n_rows": self.n_rows,
            "class_counts": _plain(self.class_counts),
            "gates": [g.to_dict() for g in self.gates],
            "details": _plain(self.details),
        }


_WS = re.compile(r"\s+")


def _norm_text(s: pd.Series) -> pd.Series:
    return s.astype(str).str.replace(_WS, " ", regex=True).str.strip().str.casefold()


def check_gold_set(
    data: pd.DataFrame,
    *,
    label: str = "label",
    id_column: str | None = None,
    text_column: str | None = None,
    feature_columns: Sequence[str] | None = None,
    training: pd.DataFrame | None = None,
    min_size: int = 200,
    min_minority_share: float = 0.05,
    min_minority_count: int = 30,
    task: str = "classification",
) -> GoldSetReport:
    """Check that a gold set can carry the evidence asked of it.

    The checks, each a gate:

    * **size**: fail below ``min_size`` rows;
    * **missing labels**: fail when any row has no label;
    * **class balance** (classification and review): fail with a single class, warn when the
      minority share is below ``min_minority_share`` or its count below ``min_minority_count``;
    * **duplicates**: fail on duplicate ids and on identical texts (or feature rows) with
      conflicting labels; warn on exact duplicate rows and duplicate texts (texts are compared
      after collapsing white space and case);
    * **leakage** (only with ``training``): fail when gold rows appear in the training data, by
      id, by normalised text or by identical feature values.

    Parameters
    ----------
    data : DataFrame
        The gold set.
    label : str
        The label column.
    id_column, text_column : str, optional
        An id column (must be unique) and a free-text column (e.g. the ticket text).
    feature_columns : list of str, optional
        Columns whose identical values count as a duplicate or a leak.
    training : DataFrame, optional
        The training data; it must have the id, text and feature columns that are named.
    min_size : int, default 200
        Minimum number of rows.
    min_minority_share : float, default 0.05
        Minimum share of the rarest class.
    min_minority_count : int, default 30
        Minimum rows of the rarest class.
    task : {"classification", "regression", "review"}
        Regression skips the class-balance check.

    Returns
    -------
    GoldSetReport

    Raises
    ------
    DataError
        An empty frame, a named column missing from the gold set or the training data.
    UsageError
        Bad limits, or training data without any column to compare by.

    Examples
    --------
    >>> import pandas as pd
    >>> gold = pd.DataFrame({"id": [1, 2, 3, 4], "text": ["a b", "A  b", "c", "d"],
    ...                      "label": [1, 0, 0, None]})
    >>> rep = check_gold_set(gold, id_column="id", text_column="text", min_size=3,
    ...                      min_minority_count=1, min_minority_share=0.2)
    >>> [(g.name, g.verdict) for g in rep.gates]
    [('gold set size', 'pass'), ('missing labels', 'fail'), ('class balance', 'pass'), \
('duplicates', 'fail')]
    """
    data = _check_frame(data)
    assert data is not None
    if task not in ("classification", "regression", "review"):
        msg = f"task must be 'classification', 'regression' or 'review', got {task!r}"
        raise UsageError(msg)
    for arg, v in (("min_size", min_size), ("min_minority_count", min_minority_count)):
        if not isinstance(v, (int, np.integer)) or v < 0:
            msg = f"{arg} must be a whole number >= 0, got {v!r}"
            raise UsageError(msg)
    if not 0 <= min_minority_share <= 0.5:
        msg = f"min_minority_share must be between 0 and 0.5, got {min_minority_share!r}"
        raise UsageError(msg)
    named = {"label": label, "id_column": id_column, "text_column": text_column}
    named.update({f"feature_columns[{i}]": c for i, c in enumerate(feature_columns or [])})
    for arg, col in named.items():
        if col is not None:
            _column(data, col, arg)
    features = list(feature_columns or [])
    n = len(data)
    gates: list[Gate] = []
    details: dict[str, Any] = {}

    gates.append(
        Gate(
            "gold set size",
            "pass" if n >= min_size else "fail",
            figure=n,
            threshold=f">= {min_size}",
            detail=(
                f"{n} rows"
                if n >= min_size
                else f"{n} rows is below the minimum of {min_size}; label more examples"
            ),
        )
    )
    lab = data[label]
    missing = int(lab.isna().sum())
    details["missing_labels"] = missing
    gates.append(
        Gate(
            "missing labels",
            "fail" if missing else "pass",
            figure=missing,
            threshold="0",
            detail=(
                f"{missing} rows have no label (e.g. rows {_where(lab, lab.isna().to_numpy())});"
                " label or drop them"
                if missing
                else "every row is labelled"
            ),
        )
    )
    counts = lab.value_counts(dropna=True)
    class_counts = {str(k): int(v) for k, v in counts.items()}
    if task != "regression":
        if len(counts) < 2:
            verdict, fig = "fail", 0.0
            detail = (
                f"only one class ({next(iter(class_counts), 'none')}); the gold set needs "
                "examples of every class"
            )
        else:
            minority, mcount = str(counts.index[-1]), int(counts.iloc[-1])
            fig = mcount / int(counts.sum())
            low = fig < min_minority_share or mcount < min_minority_count
            verdict = "warn" if low else "pass"
            detail = (
                f"rarest class {minority!r}: {mcount} rows ({fig:.1%})"
                + (
                    f", below the minimum of {min_minority_count} rows or "
                    f"{min_minority_share:.0%}; intervals on its metrics will be wide, "
                    "add examples of it"
                    if low
                    else ""
                )
            )
        gates.append(
            Gate(
                "class balance",
                verdict,
                figure=round(fig, 6),
                threshold=f">= {min_minority_share} and >= {min_minority_count} rows",
                detail=detail,
                extra={"class_counts": class_counts},
            )
        )

    # duplicates
    dup: dict[str, int] = {}
    fails, warns = [], []
    dup["rows"] = int(data.duplicated().sum())
    if dup["rows"]:
        warns.append(f"{dup['rows']} exact duplicate rows")
    if id_column is not None:
        dup["ids"] = int(data[id_column].duplicated().sum())
        if dup["ids"]:
            fails.append(f"{dup['ids']} duplicate ids in {id_column!r}")
    keys: list[tuple[str, pd.Series]] = []
    if text_column is not None:
        keys.append(("texts", _norm_text(data[text_column])))
    if features:
        keys.append(("feature rows", pd.util.hash_pandas_object(data[features], index=False)))
    for kind, key in keys:
        d = int(key.duplicated().sum())
        dup[kind] = d
        if d:
            lab_per_key = pd.DataFrame({"k": key.to_numpy(), "y": lab.to_numpy()}).dropna()
            conflicts = int((lab_per_key.groupby("k")["y"].nunique() > 1).sum())
            dup[f"{kind} with conflicting labels"] = conflicts
            if conflicts:
                fails.append(f"{conflicts} {kind} occur with different labels")
            warns.append(f"{d} duplicate {kind}")
    details["duplicates"] = dup
    verdict = "fail" if fails else ("warn" if warns else "pass")
    gates.append(
        Gate(
            "duplicates",
            verdict,
            figure=sum(v for k, v in dup.items() if "conflicting" not in k),
            threshold="0",
            detail="; ".join(fails + warns) + "; remove or merge them"
            if fails or warns
            else "no duplicates",
            extra=dup,
        )
    )

    if training is not None:
        if not isinstance(training, pd.DataFrame):
            msg = f"training must be a pandas DataFrame, got {type(training).__name__}"
            raise UsageError(msg)
        need = [c for c in [id_column, text_column, *features] if c is not None]
        if not need:
            msg = (
                "training data was given but no id_column, text_column or feature_columns to "
                "compare by; name at least one"
            )
            raise UsageError(msg)
        absent = [c for c in need if c not in training.columns]
        if absent:
            msg = (
                f"the training data lacks the column(s) {', '.join(map(repr, absent))} used to "
                "check for leakage; pass training data with them or drop them from the check"
            )
            raise DataError(msg)
        leak: dict[str, int] = {}
        hit = np.zeros(n, dtype=bool)
        if id_column is not None:
            m = data[id_column].isin(training[id_column]).to_numpy()
            leak["ids"], hit = int(m.sum()), hit | m
        if text_column is not None:
            m = _norm_text(data[text_column]).isin(_norm_text(training[text_column])).to_numpy()
            leak["texts"], hit = int(m.sum()), hit | m
        if features:
            hg = pd.util.hash_pandas_object(data[features], index=False)
            ht = pd.util.hash_pandas_object(training[features], index=False)
            m = hg.isin(ht).to_numpy()
            leak["feature rows"], hit = int(m.sum()), hit | m
        details["leakage"] = leak
        k = int(hit.sum())
        gates.append(
            Gate(
                "leakage into training data",
                "fail" if k else "pass",
                figure=k,
                threshold="0",
                detail=(
                    f"{k} gold rows also appear in the training data ("
                    + ", ".join(f"{v} by {kind}" for kind, v in leak.items() if v)
                    + "); remove them from the training data or the gold set"
                    if k
                    else "no gold row appears in the training data"
                ),
                extra=leak,
            )
        )
    return GoldSetReport(n_rows=n, class_counts=class_counts, gates=gates, details=details)
