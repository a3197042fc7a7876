"""Per-group metrics: any gold-set metric per group, with differences, ratios and small-n flags.

A metric that looks good overall can hide a group for which the model fails.  This module
computes any metric of :mod:`aipo_widgets.analysis.evaluation` (classification, regression or review
labels) per group of one column or per intersection of several columns, overall, and the
spread between groups:

* ``difference()``: the largest value minus the smallest (fairlearn's
  ``MetricFrame.difference(method="between_groups")``);
* ``ratio()``: the smallest value divided by the largest (``MetricFrame.ratio()``).

The numbers are the same as fairlearn's :class:`~fairlearn.metrics.MetricFrame` where the two
overlap, with two deliberate differences:

1. Groups with fewer rows than ``min_group_size`` are **flagged 'insufficient n' instead of
   ranked**: their values are shown, but they take no part in the minimum, maximum, difference,
   ratio or gates, because a group of five rows can put any number at either end.
2. An undefined metric (precision of a group where nothing is predicted positive) is NaN, not
   0 as with scikit-learn's ``zero_division`` default.

Speed: rows are grouped once (group codes and :func:`numpy.bincount`), never by looping
scikit-learn over the groups; bootstrap intervals per group reuse the cell counts of the
kernels in :mod:`aipo_widgets.analysis._bootstrap` (see ``benchmarks/bench_fairness.py``).

Examples
--------
>>> import pandas as pd
>>> df = pd.DataFrame({"label": [1, 0, 1, 1, 0, 1, 0, 0],
...                    "pred":  [1, 0, 0, 1, 1, 1, 0, 0],
...                    "region": ["north"] * 4 + ["south"] * 4})
>>> gm = group_metrics(df, label="label", prediction="pred", groups="region",
...                    metrics=["recall", "selection_rate"], min_group_size=1)
>>> gm.by_group.round(4)  # doctest: +NORMALIZE_WHITESPACE
        recall  selection_rate
region
north   0.6667             0.5
south   1.0000             0.5
>>> round(float(gm.difference()["recall"]), 4), round(float(gm.ratio()["recall"]), 4)
(0.3333, 0.6667)
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aipo_widgets.analysis._bootstrap import (
    Binary,
    Regression,
    Shares,
    percentiles,
    resample,
    wilson_interval,
)
from aipo_widgets.analysis._checks import (
    as_binary,
    as_numeric,
    as_prediction,
    bincount,
    check_frame,
    check_settings,
    column_values,
    factorize_groups,
    one_group,
    review_flags,
    same_length,
)
from aipo_widgets.analysis._json import plain
from aipo_widgets.analysis.metric_names import (
    CLASSIFICATION_METRICS,
    COUNT_METRICS,
    METRIC_ALIASES,
    REGRESSION_METRICS,
    SCORE_METRICS,
    SHARE_PREFIX,
    choose,
)
from aipo_widgets.errors import UsageError
from aipo_widgets.evidence import Gate, Verdict

__all__ = ["GroupMetrics", "group_metrics"]


@dataclass
class GroupMetrics:
    """Metrics per group, overall, and the spread between groups.

    Parameters
    ----------
    task : str
        ``"classification"``, ``"regression"`` or ``"review"``.
    metrics : list of str
        The metrics, in column order.
    by_group : DataFrame
        One row per group (index: the group values, a MultiIndex for intersections), one
        column per metric.
    sizes : Series
        Rows per group.
    n : DataFrame
        Rows each metric rests on, per group (e.g. positives for recall).
    sufficient : Series of bool
        False for groups below ``min_group_size`` (flagged 'insufficient n', not ranked).
    overall : Series
        Each metric over all rows.
    min_group_size : int
        The minimum rows for a group to be ranked.
    ci_low, ci_high : DataFrame or None
        Per-group interval bounds (bootstrap percentile, or Wilson for review labels).
    overall_ci : DataFrame or None
        Columns ``ci_low``, ``ci_high`` per metric for the overall values.
    difference_ci : DataFrame or None
        Bootstrap interval of the between-group difference per metric.
    ci : float
        Confidence level.
    n_boot : int
        Bootstrap resamples (0: none).
    ci_method : str
        How the intervals were computed.
    notes : list of str
        What a reviewer should know.
    """

    task: str
    metrics: list[str]
    by_group: pd.DataFrame
    sizes: pd.Series
    n: pd.DataFrame
    sufficient: pd.Series
    overall: pd.Series
    min_group_size: int
    ci_low: pd.DataFrame | None = None
    ci_high: pd.DataFrame | None = None
    overall_ci: pd.DataFrame | None = None
    difference_ci: pd.DataFrame | None = None
    ci: float = 0.95
    n_boot: int = 0
    ci_method: str = ""
    notes: list[str] = field(default_factory=list)

    # -- the spread over groups with sufficient n -------------------------------------------
    @property
    def ranked(self) -> pd.DataFrame:
        """``by_group`` restricted to the groups with sufficient n."""
        return self.by_group[self.sufficient.to_numpy()]

    @property
    def insufficient(self) -> list[Any]:
        """Group keys flagged 'insufficient n'."""
        return list(self.by_group.index[~self.sufficient.to_numpy()])

    def group_min(self) -> pd.Series:
        """Smallest value per metric over the ranked groups (NaN values skipped)."""
        return self.ranked.min()

    def group_max(self) -> pd.Series:
        """Largest value per metric over the ranked groups (NaN values skipped)."""
        return self.ranked.max()

    def difference(self) -> pd.Series:
        """Largest minus smallest value per metric over the ranked groups."""
        return self.group_max() - self.group_min()

    def ratio(self) -> pd.Series:
        """Smallest divided by largest value per metric over the ranked groups."""
        with np.errstate(divide="ignore", invalid="ignore"):
            return self.group_min() / self.group_max()

    def extremes(self) -> pd.DataFrame:
        """Return the groups with the smallest and the largest value of each metric."""
        r = self.ranked
        rows = {}
        for m in self.metrics:
            col = r[m].dropna()
            if len(col) == 0:
                rows[m] = {"min_group": None, "min": np.nan, "max_group": None, "max": np.nan}
                continue
            rows[m] = {
                "min_group": col.idxmin(),
                "min": col.min(),
                "max_group": col.idxmax(),
                "max": col.max(),
            }
        return pd.DataFrame.from_dict(rows, orient="index")

    def table(self) -> pd.DataFrame:
        """One row per group: the metrics, the group size and the 'insufficient n' flag."""
        out = self.by_group.copy()
        out["n"] = self.sizes.to_numpy()
        out["insufficient_n"] = ~self.sufficient.to_numpy()
        return out

    def gates(
        self,
        *,
        max_difference: float | dict[str, float] | None = None,
        min_ratio: float | dict[str, float] | None = None,
        metrics: Iterable[str] | None = None,
    ) -> list[Gate]:
        """Return gates on the between-group spread.

        Parameters
        ----------
        max_difference : float or dict of metric to float, optional
            Fail when a metric's difference between groups exceeds this.
        min_ratio : float or dict, optional
            Fail when a metric's ratio between groups falls below this (e.g. 0.8, the
            "four-fifths" rule of thumb for selection rates).
        metrics : list of str, optional
            The metrics to gate; all by default.

        Returns
        -------
        list of Gate
            One per metric and rule, and a 'warn' gate naming the groups with insufficient n.
        """
        chosen = list(self.metrics if metrics is None else metrics)
        for m in chosen:
            if m not in self.metrics:
                msg = f"metric {m!r} is not in this report; available: {', '.join(self.metrics)}"
                raise UsageError(msg)
        diff, rat, ext = self.difference(), self.ratio(), self.extremes()
        gates: list[Gate] = []

        def limit(spec: float | dict[str, float] | None, m: str) -> float | None:
            return spec.get(m) if isinstance(spec, dict) else spec

        for m in chosen:
            lo_g, hi_g = ext.loc[m, "min_group"], ext.loc[m, "max_group"]
            between = f"{hi_g} ({ext.loc[m, 'max']:.4g}) vs {lo_g} ({ext.loc[m, 'min']:.4g})"
            ci = None
            if self.difference_ci is not None and m in self.difference_ci.index:
                lo, hi = self.difference_ci.loc[m, ["ci_low", "ci_high"]]
                ci = None if pd.isna(lo) else (float(lo), float(hi))
            for kind, spec, value, bad in (
                ("difference", max_difference, diff[m], lambda v, t: v > t),
                ("ratio", min_ratio, rat[m], lambda v, t: v < t),
            ):
                t = limit(spec, m)
                if t is None:
                    continue
                verdict: Verdict
                if pd.isna(value):
                    verdict, detail = (
                        "fail",
                        f"the {kind} of {m} between groups cannot be computed (fewer than two "
                        f"groups with at least {self.min_group_size} rows and a defined value)",
                    )
                else:
                    verdict = "fail" if bad(value, t) else "pass"
                    detail = f"{m}: {between}"
                    if verdict == "fail":
                        detail += "; investigate the weakest group before scaling"
                gates.append(
                    Gate(
                        f"{m} {kind} between groups",
                        verdict,
                        figure=None if pd.isna(value) else round(float(value), 6),
                        threshold=f"{'<=' if kind == 'difference' else '>='} {t}",
                        detail=detail,
                        ci=ci if kind == "difference" else None,
                        extra={"groups": [str(g) for g in self.by_group.index]},
                    )
                )
        if self.insufficient:
            names = ", ".join(map(str, self.insufficient[:10]))
            gates.append(
                Gate(
                    "groups with insufficient n",
                    "warn",
                    figure=len(self.insufficient),
                    threshold=f">= {self.min_group_size} rows per group",
                    detail=f"not ranked: {names}; collect more examples of these groups",
                )
            )
        return gates

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""

        def frame(df: pd.DataFrame | None) -> Any:
            if df is None:
                return None
            return {str(k): plain(v) for k, v in df.to_dict(orient="index").items()}

        return {
            "task": self.task,
            "metrics": list(self.metrics),
            "by_group": frame(self.by_group),
            "sizes": {str(k): int(v) for k, v in self.sizes.items()},
            "insufficient_n": [str(g) for g in self.insufficient],
            "min_group_size": self.min_group_size,
            "overall": plain(self.overall.to_dict()),
            "difference": plain(self.difference().to_dict()),
            "ratio": plain(self.ratio().to_dict()),
            "ci": self.ci,
            "n_boot": self.n_boot,
            "ci_method": self.ci_method,
            "ci_low": frame(self.ci_low),
            "ci_high": frame(self.ci_high),
            "overall_ci": frame(self.overall_ci),
            "difference_ci": frame(self.difference_ci),
            "notes": list(self.notes),
        }


def _at_most_two_values(s: pd.Series) -> bool:
    # Booleans need no look; small integers are checked by range (counting distinct values
    # hashes every row at 8 bytes each, many times the size of a one-byte label column).
    if s.dtype == bool:
        return True
    if isinstance(s.dtype, np.dtype) and s.dtype.kind in "iu" and len(s):
        lo, hi = s.min(), s.max()
        if hi - lo <= 1:
            return True
    return bool(s.nunique(dropna=True) <= 2)


def group_metrics(
    data: pd.DataFrame | None = None,
    *,
    groups: Any,
    label: Any = "label",
    score: Any = None,
    prediction: Any = None,
    task: str = "auto",
    metrics: Iterable[str] | None = None,
    threshold: float = 0.5,
    pos_label: Any = None,
    labels: Any = None,
    interval: str = "wilson",
    min_group_size: int = 30,
    n_boot: int = 0,
    ci: float = 0.95,
    seed: int | None = 0,
    stratify: bool = True,
) -> GroupMetrics:
    """Compute metrics per group (or per intersection of groups), overall and between groups.

    Parameters
    ----------
    data : DataFrame, optional
        The gold set; without it every argument that names a column is an array.
    groups : str, list of str or array-like
        One group column, or several whose intersections are the groups (e.g.
        ``["gender", "age_band"]``).
    label, score, prediction : str or array-like
        As in :func:`aipo_widgets.analysis.evaluation.evaluate_classification` (and
        ``evaluate_regression``, ``evaluate_review`` for the other tasks).
    task : {"auto", "classification", "regression", "review"}
        ``auto``: review when there is neither score nor prediction, classification with a
        score or when the label has two classes, regression otherwise.
    metrics : list of str, optional
        Metric names; by default all of the task's count metrics (classification: plus the
        score metrics when scores are given).
    threshold, pos_label : see :func:`aipo_widgets.analysis.evaluation.evaluate_classification`
    labels, interval : see :func:`aipo_widgets.analysis.evaluation.evaluate_review`
    min_group_size : int, default 30
        Groups with fewer rows are flagged 'insufficient n' and not ranked.
    n_boot : int, default 0
        Bootstrap resamples for per-group intervals (0: none; review labels use Wilson
        intervals unless ``interval="bootstrap"``).
    ci : float, default 0.95
        Confidence level.
    seed : int or None, default 0
        Seed of the bootstrap.
    stratify : bool, default True
        Resample within each group (and class, for classification), keeping the gold set's
        group sizes and class counts.

    Returns
    -------
    GroupMetrics

    Raises
    ------
    DataError
        Missing columns or values (groups included), one class only, mismatched lengths.
    UsageError
        Bad arguments.

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> y = rng.integers(0, 2, 400)
    >>> s = np.clip(0.3 * y + rng.random(400) * 0.7, 0, 1)
    >>> g = np.where(rng.random(400) < 0.5, "a", "b")
    >>> gm = group_metrics(label=y, score=s, groups=g, metrics=["recall", "roc_auc"],
    ...                    n_boot=200, seed=0)
    >>> list(gm.by_group.index), gm.ci_low.shape
    (['a', 'b'], (2, 2))
    """
    data = check_frame(data)
    check_settings(n_boot, ci, threshold)
    if not isinstance(min_group_size, (int, np.integer)) or min_group_size < 0:
        msg = f"min_group_size must be a whole number >= 0, got {min_group_size!r}"
        raise UsageError(msg)
    tasks = ("auto", "classification", "regression", "review")
    if task not in tasks:
        msg = f"task must be one of {', '.join(tasks)}, got {task!r}"
        raise UsageError(msg)
    if score is not None and prediction is not None:
        msg = "pass either score or prediction, not both (the prediction is score >= threshold)"
        raise UsageError(msg)
    notes: list[str] = []
    if task == "auto":
        if score is None and prediction is None:
            task = "review"
        elif score is not None:
            task = "classification"
        else:
            ys, _ = column_values(data, label, "label")
            task = "classification" if _at_most_two_values(ys) else "regression"

    if task == "review":
        if interval not in ("wilson", "bootstrap"):
            msg = f"interval must be 'wilson' or 'bootstrap', got {interval!r}"
            raise UsageError(msg)
        flags, names, _, n = review_flags(data, label, labels)
        grp = factorize_groups(data, groups, n)
        kernel: Any = Shares(flags, names, grp)

        def make_overall() -> Any:
            return Shares(flags, names, one_group(n))

        chosen = list(kernel.metrics)
        if metrics is not None:
            want = [metrics] if isinstance(metrics, str) else list(metrics)
            resolved = []
            for m in want:
                c = m if m in chosen else SHARE_PREFIX + m.removesuffix("_rate")
                if c not in chosen:
                    msg = f"metric {m!r} is not a review label share; available: {chosen}"
                    raise UsageError(msg)
                resolved.append(c)
            chosen = resolved
        kernel.metrics = tuple(chosen)
        strat = "group" if stratify else "none"
    else:
        if score is None and prediction is None:
            what = "score= or prediction=" if task == "classification" else "prediction="
            msg = f"a {task} report needs {what} as well as label="
            raise UsageError(msg)
        ys, lname = column_values(data, label, "label")
        src = score if score is not None else prediction
        ps, pname = column_values(data, src, "score" if score is not None else "prediction")
        n = same_length(**{lname: ys, pname: ps})
        grp = factorize_groups(data, groups, n)
        if task == "regression":
            if score is not None:
                msg = "a regression report takes prediction=, not score="
                raise UsageError(msg)
            y, p = as_numeric(ys, lname), as_numeric(ps, pname)
            chosen = choose(metrics, REGRESSION_METRICS, REGRESSION_METRICS, "regression")
            kernel = Regression(y, p, grp, chosen)

            def make_overall() -> Any:
                return Regression(y, p, one_group(n), chosen)

            strat = "group" if stratify else "none"
        else:
            y, pos_label, neg_label = as_binary(ys, lname, pos_label)
            if score is not None:
                s = as_numeric(ps, pname)
                pred = s >= threshold
                allowed = list(CLASSIFICATION_METRICS)
                if s.min() < 0 or s.max() > 1:
                    allowed.remove("brier")
                default = list(COUNT_METRICS)
            else:
                s = None
                pred = as_prediction(ps, pname, pos_label, neg_label)
                allowed = default = list(COUNT_METRICS)
            if metrics is not None:
                for m in [metrics] if isinstance(metrics, str) else metrics:
                    c = METRIC_ALIASES.get(m, m)
                    if c in SCORE_METRICS and c not in allowed:
                        msg = (
                            f"metric {m!r} needs probability scores (score= within [0, 1] for "
                            "brier); hard predictions or other scores cannot give it"
                        )
                        raise UsageError(msg)
            chosen = choose(metrics, allowed, default, "classification")
            kernel = Binary(y, grp, score=s, pred=pred, metrics=chosen)

            def make_overall() -> Any:
                return Binary(y, one_group(n), score=s, pred=pred, metrics=chosen)

            strat = "group_class" if stratify else "none"

    index = grp.index
    G = grp.size
    sizes = pd.Series(bincount(grp.codes, G), index=index, name="n")
    grp.codes = np.empty(0, dtype=np.intp)  # not needed any more; free it for the bootstrap
    point = kernel.point()
    ns = kernel.ns()
    by_group = pd.DataFrame({m: point[m] for m in chosen}, index=index)
    nframe = pd.DataFrame({m: np.asarray(ns[m], dtype=np.int64) for m in chosen}, index=index)
    sufficient = pd.Series(sizes.to_numpy() >= min_group_size, index=index, name="sufficient")
    if sufficient.sum() < 2:
        notes.append(
            f"fewer than two groups have at least {min_group_size} rows: no difference or ratio"
        )

    ci_low = ci_high = overall_ci = difference_ci = None
    ci_method = ""
    if task == "review" and interval == "wilson":
        hits, tot = kernel.hits()
        # hits are per group and label, totals per group: broadcast the totals over labels
        tot = np.asarray(tot)
        if tot.ndim < np.ndim(hits):
            tot = tot[..., None]
        lo, hi = wilson_interval(hits, tot, ci)
        names_all = [SHARE_PREFIX + x for x in kernel.flag_names]
        pos = [names_all.index(m) for m in chosen]
        ci_low = pd.DataFrame(np.asarray(lo)[:, pos], index=index, columns=chosen)
        ci_high = pd.DataFrame(np.asarray(hi)[:, pos], index=index, columns=chosen)
        ci_method = "wilson"
    elif n_boot:
        res = resample(kernel, n_boot, seed, strat)
        lows, highs, dlo, dhi = {}, {}, [], []
        rank = sufficient.to_numpy()
        for m in chosen:
            lows[m], highs[m] = percentiles(res[m], ci)
            v = res[m][:, rank]
            if v.shape[1] >= 2:
                with warnings.catch_warnings():
                    # a resample where every ranked group is undefined gives NaN, as it should
                    warnings.simplefilter("ignore", RuntimeWarning)
                    d = np.nanmax(v, axis=1) - np.nanmin(v, axis=1)
                a, b = percentiles(d[:, None], ci)
                dlo.append(a[0])
                dhi.append(b[0])
            else:
                dlo.append(np.nan)
                dhi.append(np.nan)
        ci_low = pd.DataFrame(lows, index=index)
        ci_high = pd.DataFrame(highs, index=index)
        difference_ci = pd.DataFrame({"ci_low": dlo, "ci_high": dhi}, index=chosen)
        how = {"group_class": ", stratified by group and class", "group": ", stratified by group"}
        ci_method = f"bootstrap percentile ({n_boot} resamples{how.get(strat, '')})"

    # the overall values: a kernel of its own, built once the per-group one is gone (memory)
    del kernel
    overall_k = make_overall()
    overall_k.metrics = tuple(chosen)
    op = overall_k.point()
    overall = pd.Series({m: float(op[m][0]) for m in chosen}, name="overall")
    if ci_method == "wilson":
        oh, ot = overall_k.hits()
        olo, ohi = wilson_interval(oh[0], ot[0], ci)
        overall_ci = pd.DataFrame(
            {"ci_low": np.asarray(olo)[pos], "ci_high": np.asarray(ohi)[pos]}, index=chosen
        )
    elif ci_method:
        ores = resample(overall_k, n_boot, seed, "class" if strat == "group_class" else "none")
        o = {m: percentiles(ores[m], ci) for m in chosen}
        overall_ci = pd.DataFrame(
            {"ci_low": [o[m][0][0] for m in chosen], "ci_high": [o[m][1][0] for m in chosen]},
            index=chosen,
        )
    del overall_k
    if task == "regression" and "mape" in chosen:
        zeros = int((nframe["mape"] < sizes).sum())
        if zeros:
            notes.append(f"mape: rows with a true value of 0 are excluded in {zeros} groups")
    return GroupMetrics(
        task=task,
        metrics=list(chosen),
        by_group=by_group,
        sizes=sizes,
        n=nframe,
        sufficient=sufficient,
        overall=overall,
        min_group_size=int(min_group_size),
        ci_low=ci_low,
        ci_high=ci_high,
        overall_ci=overall_ci,
        difference_ci=difference_ci,
        ci=ci,
        n_boot=n_boot if ci_method.startswith("bootstrap") else 0,
        ci_method=ci_method,
        notes=notes,
    )
