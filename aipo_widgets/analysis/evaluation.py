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

The bootstrap is fast because every metric is computed from counts of collapsed rows
(:mod:`aipo_widgets.analysis._bootstrap`).  The metric names and their aliases are listed in
:mod:`aipo_widgets.analysis.metric_names`; per-group metrics are
:mod:`aipo_widgets.analysis.fairness`, and the gold set itself is checked by
:func:`aipo_widgets.analysis.gold_set.check_gold_set` (size, class balance, duplicates, missing
labels and leakage into the training data).

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

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from aipo_widgets.analysis._bootstrap import (
    Binary,
    Regression,
    Shares,
    percentile_intervals,
    wilson_interval,
)
from aipo_widgets.analysis._checks import (
    as_binary,
    as_numeric,
    as_prediction,
    check_frame,
    check_settings,
    column_values,
    one_group,
    review_flags,
    same_length,
)
from aipo_widgets.analysis._json import number, plain
from aipo_widgets.analysis._prevalence import MIX_METRICS, PriorBinary, check_prevalence
from aipo_widgets.analysis.fairness import group_metrics
from aipo_widgets.analysis.metric_names import (
    CLASSIFICATION_METRICS,
    COUNT_METRICS,
    METRIC_ALIASES,
    REGRESSION_METRICS,
    SCORE_METRICS,
    SHARE_PREFIX,
    choose,
)
from aipo_widgets.errors import DataError, UsageError

__all__ = [
    "Evaluation",
    "MetricValue",
    "evaluate",
    "evaluate_classification",
    "evaluate_regression",
    "evaluate_review",
]


# ------------------------------------------------------------------------------------------------
# results


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
            "value": number(self.value),
            "ci_low": number(self.ci_low),
            "ci_high": number(self.ci_high),
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
    prevalence : dict or None
        For a gold set reweighted to production: ``{"gold": share of positives in the gold
        set, "production": the declared production prevalence}``; None otherwise.
    raw_metrics : dict of str to MetricValue
        When reweighted: the metrics that depend on the mix, as measured on the gold set's own
        mix (``metrics`` holds them reweighted to production).
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
    prevalence: dict[str, float] | None = None
    raw_metrics: dict[str, MetricValue] = field(default_factory=dict)

    def resolve(self, name: str) -> str | None:
        """Return the canonical metric name for ``name`` (aliases included), or None."""
        name = str(name)
        if name in self.metrics:
            return name
        canon = METRIC_ALIASES.get(name)
        if canon in self.metrics:
            return canon
        if name.endswith("_rate"):
            share = SHARE_PREFIX + name[: -len("_rate")]
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
        """Return the metrics as a DataFrame (one row per metric).

        A gold set reweighted to production gets two more columns: ``gold_mix`` (the value on
        the gold set's own mix) and ``reweighted`` (whether the value is reweighted).
        """
        rows = {k: v.to_dict() for k, v in self.metrics.items()}
        table = pd.DataFrame.from_dict(rows, orient="index")
        if self.prevalence is not None:
            raw = {k: v.value for k, v in self.raw_metrics.items()}
            table["gold_mix"] = [number(raw.get(k, v.value)) for k, v in self.metrics.items()]
            table["reweighted"] = [k in raw for k in self.metrics]
        return table

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            "task": self.task,
            "n": int(self.n),
            "metrics": {k: v.to_dict() for k, v in self.metrics.items()},
            "confusion": plain(self.confusion),
            "threshold": number(self.threshold),
            "pos_label": plain(self.pos_label),
            "ci": self.ci,
            "n_boot": self.n_boot,
            "seed": self.seed,
            "stratified": self.stratified,
            "columns": dict(self.columns),
            "notes": list(self.notes),
            "by_group": {k: v.to_dict() for k, v in self.by_group.items()},
            "prevalence": plain(self.prevalence),
            "raw_metrics": {k: v.to_dict() for k, v in self.raw_metrics.items()},
        }


# ------------------------------------------------------------------------------------------------
# public evaluation functions


def _ci_label(n_boot: int, stratify: str) -> str:
    how = "" if stratify == "none" else f", stratified by {stratify.replace('_', ' and ')}"
    return f"bootstrap percentile ({n_boot} resamples{how})"


def _assemble(
    kernel: Any, n_boot: int, seed: int | None, ci: float, stratify: str, gi: int = 0
) -> dict[str, MetricValue]:
    point = kernel.point()
    ns = kernel.ns()
    cis = percentile_intervals(kernel, n_boot, seed, ci, stratify) if n_boot else {}
    out = {}
    for m in kernel.metrics:
        lo, hi = cis.get(m, (None, None))
        out[m] = MetricValue(
            float(point[m][gi]),
            None if lo is None else number(lo[gi]),
            None if hi is None else number(hi[gi]),
            int(ns[m][gi]),
            _ci_label(n_boot, stratify) if n_boot else "",
        )
    return out


def _add_groups(
    ev: Evaluation, data: pd.DataFrame | None, groups: Any, kwargs: dict[str, Any]
) -> None:
    if groups is None:
        return
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
    prevalence: float | None = None,
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
        Metric names (see :data:`~aipo_widgets.analysis.metric_names.CLASSIFICATION_METRICS`);
        all that can be computed by default.
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
    prevalence : float, optional
        The share of positives in production, for an enriched gold set: the metrics that
        depend on the mix (precision, F1, accuracy, selection rate, prevalence, PR AUC, Brier)
        are reweighted to it (:mod:`aipo_widgets.analysis._prevalence`), and their values on the
        gold set's own mix kept in :attr:`Evaluation.raw_metrics`. The per-group reports stay
        on the gold mix.

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

    The same gold set, enriched: in production one case in ten is positive, so precision is
    0.1·(2/3) / (0.1·(2/3) + 0.9·(1/2)):

    >>> ev = evaluate_classification(label=[0, 0, 1, 1, 1], score=[0.1, 0.6, 0.4, 0.8, 0.9],
    ...                              n_boot=0, prevalence=0.1)
    >>> round(ev.metrics["precision"].value, 3), ev.raw_metrics["precision"].value
    (0.129, 0.6666666666666666)
    >>> ev.metrics["recall"].value, ev.prevalence
    (0.6666666666666666, {'gold': 0.6, 'production': 0.1})
    """
    data = check_frame(data)
    check_settings(n_boot, ci, threshold)
    if score is None and prediction is None:
        msg = "pass score=<column of model scores> or prediction=<column of predicted classes>"
        raise UsageError(msg)
    if score is not None and prediction is not None:
        msg = "pass either score or prediction, not both (the prediction is score >= threshold)"
        raise UsageError(msg)
    ys, lname = column_values(data, label, "label")
    src = score if score is not None else prediction
    ps, pname = column_values(data, src, "score" if score is not None else "prediction")
    same_length(**{lname: ys, pname: ps})
    y, pos_label, neg_label = as_binary(ys, lname, pos_label)
    if score is not None:
        s = as_numeric(ps, pname)
        pred = s >= threshold
    else:
        s = None
        pred = as_prediction(ps, pname, pos_label, neg_label)
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
    chosen = choose(metrics, allowed, allowed, "classification")
    kernel = Binary(y, one_group(len(y)), score=s, pred=pred, metrics=chosen)
    strat = "class" if stratify else "none"
    values = _assemble(kernel, n_boot, seed, ci, strat)
    raw: dict[str, MetricValue] = {}
    mix: dict[str, float] | None = None
    if prevalence is not None:
        prior = check_prevalence(prevalence, "prevalence")
        raw = {k: v for k, v in values.items() if k in MIX_METRICS}
        weighted = PriorBinary(y, one_group(len(y)), score=s, pred=pred, metrics=chosen,
                               prior=prior)
        values = {**values, **{k: v for k, v in _assemble(weighted, n_boot, seed, ci,
                                                          strat).items() if k in raw}}
        mix = {"gold": float(y.mean()), "production": prior}
        notes.append(
            f"reweighted to the production prevalence {prior:.4g} (the gold set has "
            f"{y.mean():.4g}): {', '.join(raw)} as production would show them; recall, "
            "specificity and ROC AUC do not depend on the mix"
        )
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
        prevalence=mix,
        raw_metrics=raw,
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
        From :data:`~aipo_widgets.analysis.metric_names.REGRESSION_METRICS` (``mae``, ``rmse``,
        ``mape``, ``bias``); all by default.
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
    data = check_frame(data)
    check_settings(n_boot, ci)
    ys, lname = column_values(data, label, "label")
    ps, pname = column_values(data, prediction, "prediction")
    same_length(**{lname: ys, pname: ps})
    y = as_numeric(ys, lname)
    p = as_numeric(ps, pname)
    chosen = choose(metrics, REGRESSION_METRICS, REGRESSION_METRICS, "regression")
    kernel = Regression(y, p, one_group(len(y)), chosen)
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
    data = check_frame(data)
    if interval not in ("wilson", "bootstrap"):
        msg = f"interval must be 'wilson' or 'bootstrap', got {interval!r}"
        raise UsageError(msg)
    check_settings(n_boot if interval == "bootstrap" else 0, ci)
    flags, names, cols, n = review_flags(data, label, labels)
    if n == 0:
        msg = "there are no reviewed rows to evaluate"
        raise DataError(msg)
    kernel = Shares(flags, names, one_group(n))
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
            ys, _ = column_values(check_frame(data), label, "label")
            task = "classification" if ys.nunique(dropna=True) <= 2 else "regression"
    if task == "review":
        return evaluate_review(data, label=label, **kwargs)
    if task == "regression":
        return evaluate_regression(data, label=label, prediction=prediction, **kwargs)
    return evaluate_classification(data, label=label, score=score, prediction=prediction, **kwargs)
