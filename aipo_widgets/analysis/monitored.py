"""The figures the operate phase's rules read, each measured on its own window.

An alert rule, a kill-switch condition, the drift check and the performance check each name a
metric and a window (``7d``, ``28d``; default ``monitoring.window_days``) that ends at the
assessment date. :func:`measure_metric` reads that window of the production log
(:func:`~aipo_widgets.analysis.sources.read_window`) and measures the metric there, the way the
workspace says it is measured:

1. a metric-tree node with a ``measure`` (a column and a statistic): that statistic of the
   window's rows;
2. a node with an ``eval_metric``: the rows of the window whose label has arrived, evaluated
   like the gold set (precision and recall at the decided threshold, a label's share);
3. the kit's operational figures by their id: ``false_alarms_month``, ``precision``,
   ``recall``, ``error_rate``, ``timeout_rate``, ``latency_p50_ms`` / ``_p95`` / ``_p99``,
   ``cost_per_use`` / ``cost_per_call``, ``data_completeness``, ``psi_max``, ``drift_share``
   (:mod:`aipo_widgets.analysis.operations`, :mod:`aipo_widgets.analysis.drift`).

A metric that cannot be measured so is a :class:`~aipo_widgets.analysis.operations.Measurement`
with a *missing* provenance saying where it would come from (the source and column to add). A
value typed in ``aipo.yaml`` (a node's ``current``) is never used.

Examples
--------
>>> import datetime as dt, pathlib, tempfile
>>> import pandas as pd
>>> from aipo_widgets.model.schema import Workspace
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> log = pd.DataFrame({"t": ["2026-11-01", "2026-11-20", "2026-11-21"], "ms": [100, 300, 500]})
>>> log.to_csv(folder / "log.csv", index=False)
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
...     "data_map": {"sources": [{"id": "log", "name": "Log", "role": "production",
...                               "location": "log.csv", "time_column": "t",
...                               "latency_column": "ms"}]}})
>>> windows = Windows(folder, dt.date(2026, 11, 21))
>>> m = measure_metric(ws, windows, "latency_p50_ms", days=7)
>>> m.value, m.provenance.describe()
(400.0, 'measured in log from 2026-11-15 to 2026-11-21 (2 rows); calls with a latency')
>>> measure_metric(ws, windows, "csat", days=7).provenance.describe()[:60]
"not measured: would come from the metric-tree node 'csat': i"
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipo_widgets.analysis import operations
from aipo_widgets.analysis.decisions import current_threshold
from aipo_widgets.analysis.drift import DriftReport, drift
from aipo_widgets.analysis.measure import evaluate_gold
from aipo_widgets.analysis.operations import Measurement
from aipo_widgets.analysis.sources import Window, measure_value, read_window
from aipo_widgets.errors import DataError, Problem, UsageError
from aipo_widgets.evidence import Provenance

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.analysis.drift_reference import Reference
    from aipo_widgets.model.monitoring import AlertRule, KillCondition
    from aipo_widgets.model.schema import DataSource, Workspace

__all__ = [
    "OPERATIONAL",
    "Windows",
    "drift_on_window",
    "measure_metric",
    "missing",
    "production_source",
    "unmeasurable",
]

#: The figures measured from a production log by their metric id, and what each needs.
OPERATIONAL = {
    "false_alarms_month": "label_column and score_column, and a decided threshold",
    "false_alarms_per_month": "label_column and score_column, and a decided threshold",
    "precision": "label_column and score_column, and a decided threshold",
    "recall": "label_column and score_column, and a decided threshold",
    "error_rate": "status_column",
    "timeout_rate": "status_column",
    "latency_p50_ms": "latency_column",
    "latency_p95_ms": "latency_column",
    "latency_p99_ms": "latency_column",
    "cost_per_use": "model_column, tokens_in_column, tokens_out_column and budgets.prices, "
                    "or cost_column",
    "cost_per_call": "model_column, tokens_in_column, tokens_out_column and budgets.prices, "
                     "or cost_column",
    "data_completeness": "the monitoring.drift.columns in the log",
    "psi_max": "a frozen drift reference (monitoring.drift.reference)",
    "drift_share": "a frozen drift reference (monitoring.drift.reference)",
}


def missing(name: str, where: str, detail: str = "") -> Measurement:
    """Return a measurement of ``name`` that was not made; ``where`` says where it would come from.

    Examples
    --------
    >>> missing("recall", "data_map.sources[log].label_column").provenance.describe()
    'not measured: would come from data_map.sources[log].label_column'
    """
    return Measurement(name, None, 0, "", Provenance.missing(where), detail=detail)


def _on(name: str, value: float | None, rows: int, basis: str, window: Window, *,
        detail: str = "", unit: str = "") -> Measurement:
    # A figure measured on ``rows`` rows of the window (None: nothing to compute it from).
    if value is not None and value != value:  # NaN
        value = None
    return Measurement(name, value, rows, basis, window.provenance(rows, basis), detail=detail,
                       unit=unit)


@dataclass
class Windows:
    """The windows of a workspace's data sources that end at ``as_of``, each read once.

    Parameters
    ----------
    folder : path
        The workspace folder.
    as_of : datetime.date
        The assessment date: every window's last day.
    """

    folder: Path | str | os.PathLike[str]
    as_of: dt.date
    _read: dict[tuple[str, int], tuple[pd.DataFrame, Window]] = field(default_factory=dict,
                                                                     repr=False)

    def read(self, source: DataSource, days: int) -> tuple[pd.DataFrame, Window]:
        """Return the rows of ``source`` in the ``days``-day window ending at ``as_of``.

        Raises
        ------
        DataError
            As :func:`~aipo_widgets.analysis.sources.read_window` does.
        """
        key = (source.id, days)
        if key not in self._read:
            self._read[key] = read_window(self.folder, source, as_of=self.as_of, days=days)
        return self._read[key]


def production_source(ws: Workspace) -> DataSource | None:
    """Return the production log the operate phase reads.

    That is ``monitoring.drift.current``, else the first source with role ``production``.

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "data_map": {"sources": [{"id": "p", "name": "P", "role": "production"}]}})
    >>> production_source(ws).id
    'p'
    """
    current = ws.monitoring.drift.current
    if current:
        try:
            return ws.source(current)
        except KeyError:
            pass
    return next((s for s in ws.data_map.sources if s.role == "production"), None)


def _window(windows: Windows, source: DataSource | None, days: int, name: str
            ) -> tuple[pd.DataFrame, Window] | Measurement:
    if source is None:
        return missing(name, "a production log: a data_map.sources entry with role "
                             "'production', a location and a time_column")
    if source.engine == "duckdb" and not source.location:  # a database needs none
        return missing(name, f"data_map.sources[{source.id}].location (the log's file)")
    if not source.time_column:
        return missing(name, f"data_map.sources[{source.id}].time_column (each row's date, so "
                             f"that the {days}-day window can be cut)")
    try:
        return windows.read(source, days)
    except DataError as exc:
        return missing(name, f"data_map.sources[{source.id}]: {exc.problems[0]}")


def _column(source: DataSource, role: str, frame: pd.DataFrame) -> str | None:
    column = getattr(source, role)
    return column if column and column in frame.columns else None


def drift_on_window(ws: Workspace, windows: Windows, reference: Reference, *,
                    source: DataSource | None = None, days: int | None = None
                    ) -> tuple[DriftReport | None, Window | None, Measurement | None]:
    """Compare the window of the production log with the frozen reference.

    Parameters
    ----------
    ws : Workspace
        The workspace (``monitoring.drift`` holds the thresholds and the default window).
    windows : Windows
        The windows ending at the assessment date.
    reference : Reference
        The frozen reference.
    source : DataSource, optional
        The log (default: :func:`production_source`).
    days : int, optional
        The window (default ``monitoring.drift.window_days``, else ``monitoring.window_days``).

    Returns
    -------
    report, window, missing
        The drift report and its window; or None, the window (None if it could not be read)
        and a measurement saying why there is no report (the window is empty, or unreadable).
    """
    d = ws.monitoring.drift
    days = days or d.window_days or ws.monitoring.window_days
    source = source or production_source(ws)
    got = _window(windows, source, days, "drift")
    if isinstance(got, Measurement):
        return None, None, got
    frame, window = got
    if frame.empty:
        return None, window, _on("drift", None, 0, "rows", window)
    report = drift(reference, frame, thresholds={"psi_warn": d.psi_warn,
                                                 "psi_drift": d.psi_alert,
                                                 "drift_share": d.drifted_share_alert})
    return report, window, None


def _labelled(frame: pd.DataFrame, label: str) -> pd.DataFrame:
    return frame[frame[label].notna()]


def measure_metric(ws: Workspace, windows: Windows, metric: str, *, days: int,
                   source: DataSource | None = None,
                   reference: Reference | None = None) -> Measurement:
    """Measure one metric on the ``days``-day window of the production log ending at ``as_of``.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    windows : Windows
        The windows ending at the assessment date.
    metric : str
        The metric id (a metric-tree node, or one of :data:`OPERATIONAL`).
    days : int
        The window's length.
    source : DataSource, optional
        The log (default: :func:`production_source`); a node's ``measure.source`` wins.
    reference : Reference, optional
        The frozen drift reference, for ``psi_max`` and ``drift_share``.

    Returns
    -------
    Measurement
        Measured on the window (``rows`` is the figure's denominator, which may be below what a
        verdict needs: the gate decides), or missing with where the figure would come from.
    """
    node = next((n for n in ws.metric_tree.nodes if n.id == metric), None)
    source = source or production_source(ws)
    m = node.measure if node is not None else None
    if m is not None and m.source:
        try:
            source = ws.source(m.source)
        except KeyError:
            return missing(metric, f"data_map.sources: no source '{m.source}' named by "
                                   f"metric_tree node '{metric}'.measure.source")
    got = _window(windows, source, days, metric)
    if isinstance(got, Measurement):
        return got
    frame, window = got
    assert source is not None  # _window returned a frame
    where = f"data_map.sources[{source.id}]"

    if m is not None and m.column in frame.columns:
        if frame.empty or frame[m.column].notna().sum() == 0:
            return _on(metric, None, 0, f"rows with {m.column}", window)
        res = measure_value(frame, m.column, m.stat, per=m.per, n_boot=0)
        return _on(metric, res["value"], int(res["n"]),
                                    f"rows with {m.column}", window,
                                    detail=f"{m.stat} of {m.column} over {res['n']:,} rows")
    eval_metric = node.eval_metric if node is not None else None
    kind = eval_metric if eval_metric in ("precision", "recall") else metric
    if kind in ("false_alarms_month", "false_alarms_per_month", "precision", "recall"):
        label, score = (_column(source, "label_column", frame),
                        _column(source, "score_column", frame))
        threshold = current_threshold(ws)
        if not label or not score:
            return missing(metric, f"{where}.label_column and .score_column (the labels that "
                                   "have arrived and the model's score)")
        if threshold is None:
            return missing(metric, "the decided threshold: a decisions[] entry with threshold")
        if kind in ("precision", "recall"):
            return operations.precision_recall(frame, window, label=label, score=score,
                                               threshold=threshold,
                                               positive=source.positive_label)[kind]
        return operations.false_alarms_per_month(frame, window, label=label, score=score,
                                                 threshold=threshold, time=source.time_column,
                                                 positive=source.positive_label)
    if eval_metric:
        return _evaluated(ws, frame, window, source, metric, eval_metric)
    if metric in ("error_rate", "timeout_rate"):
        status = _column(source, "status_column", frame)
        if not status:
            return missing(metric, f"{where}.status_column (each call's status)")
        return operations.error_rates(frame, window, status=status,
                                      ok_values=source.ok_values,
                                      timeout_values=source.timeout_values)[metric]
    if metric in ("latency_p50_ms", "latency_p95_ms", "latency_p99_ms", "latency_p50",
                  "latency_p95", "latency_p99"):
        latency = _column(source, "latency_column", frame)
        if not latency:
            return missing(metric, f"{where}.latency_column (each call's latency in ms)")
        key = metric.removesuffix("_ms")
        return operations.latency_percentiles(frame, window, column=latency)[key]
    if metric in ("cost_per_use", "cost_per_call"):
        return _cost(ws, frame, window, source, metric)
    if metric in ("data_completeness", "completeness"):
        columns = [c for c in ws.monitoring.drift.columns
                   if c in frame.columns and c != source.score_column]
        if not columns:
            return missing(metric, "monitoring.drift.columns (the features whose presence "
                                   f"is checked) found in {source.id}")
        return operations.completeness(frame, window, columns=columns)
    if metric in ("psi_max", "drift_share"):
        if reference is None:
            return missing(metric, "a frozen drift reference: monitoring.drift.reference "
                                   "(the rollout notebook freezes it)")
        report, win, gap = drift_on_window(ws, windows, reference, source=source, days=days)
        if report is None:
            assert gap is not None
            return gap
        assert win is not None
        value = (max((c.psi for c in report.columns), default=0.0) if metric == "psi_max"
                 else report.share_drifted)
        return _on(metric, float(value), win.rows, "rows", win,
                                    detail=f"{len(report.columns)} columns compared with the "
                                           "frozen reference")
    if m is not None:
        return missing(metric, f"the column '{m.column}' of metric_tree node '{metric}'.measure,"
                               f" which {source.id} does not have")
    return missing(metric, f"the metric-tree node '{metric}': it needs a measure (column and "
                           f"statistic in {source.id}) or an eval_metric; or use one of the "
                           f"kit's operational figures ({', '.join(sorted(OPERATIONAL))})")


def _evaluated(ws: Workspace, frame: pd.DataFrame, window: Window, source: DataSource,
               metric: str, eval_metric: str) -> Measurement:
    label = _column(source, "label_column", frame)
    if not label:
        return missing(metric, f"data_map.sources[{source.id}].label_column (the labels of "
                               f"the log, for eval_metric {eval_metric})")
    labelled = _labelled(frame, label)
    if labelled.empty:
        return _on(metric, None, 0, "rows with a label", window)
    evaluation = evaluate_gold(ws, labelled, source, n_boot=0)
    try:
        value = evaluation.metric(eval_metric)
    except UsageError as exc:  # the evaluation says which metrics it has
        return missing(metric, f"eval_metric '{eval_metric}' of metric_tree node '{metric}': "
                               f"{exc}")
    number = float(value.value)
    return _on(metric, number if number == number else None, len(labelled),
                                "rows with a label", window,
                                detail=f"{eval_metric} over the {len(labelled):,} rows whose "
                                       "label has arrived")


def _cost(ws: Workspace, frame: pd.DataFrame, window: Window, source: DataSource,
          metric: str) -> Measurement:
    columns = [_column(source, c, frame) for c in ("model_column", "tokens_in_column",
                                                   "tokens_out_column", "time_column")]
    if all(columns) and ws.budgets.prices:
        model, tin, tout, time = (str(c) for c in columns)
        return operations.cost_per_use(frame, window, prices=ws.budgets.prices, model=model,
                                       tokens_in=tin, tokens_out=tout, time=time,
                                       currency=ws.budgets.currency,
                                       logged=source.cost_column)
    cost = _column(source, "cost_column", frame)
    if not cost:
        return missing(metric, f"data_map.sources[{source.id}].model_column, tokens_in_column, "
                               "tokens_out_column with budgets.prices, or its cost_column")
    res: dict[str, Any] = ({"value": None, "n": 0} if frame[cost].notna().sum() == 0
                           else measure_value(frame, cost, "mean", n_boot=0))
    return _on(metric, res["value"], int(res["n"]), "calls with a cost", window,
                                detail=f"mean of the log's own {cost}", unit=ws.budgets.currency)


def new_labels_since(ws: Workspace, windows: Windows, *,
                     source: DataSource | None = None) -> Measurement:
    """Count the new labels the retrain rule asks for, after the model's data cut-off.

    The window runs from the day after ``monitoring.retrain.data_cutoff`` (else
    ``trained_on``) to the assessment date; what counts is what ``monitoring.retrain.new_labels``
    says: every label that arrived, or only the positives (e.g. new failures).

    Returns
    -------
    Measurement
        The count, measured in the production log's window; or missing, with what to add.

    Examples
    --------
    >>> import datetime as dt, pathlib, tempfile
    >>> import pandas as pd
    >>> from aipo_widgets.model.schema import Workspace
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> pd.DataFrame({"t": ["2026-02-01", "2026-03-01", "2026-04-01", "2026-05-01"],
    ...               "y": [1, 1, 0, None]}).to_csv(folder / "log.csv", index=False)
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "monitoring": {"retrain": {"data_cutoff": "2026-02-08", "new_labels": "positives"}},
    ...     "data_map": {"sources": [{"id": "log", "name": "Log", "role": "production",
    ...                               "location": "log.csv", "time_column": "t",
    ...                               "label_column": "y"}]}})
    >>> m = new_labels_since(ws, Windows(folder, dt.date(2026, 5, 31)))
    >>> m.value, m.provenance.start
    (1.0, datetime.date(2026, 2, 9))
    """
    policy = ws.monitoring.retrain
    since = policy.data_cutoff or policy.trained_on
    positives = policy.new_labels == "positives"
    name = "new positives" if positives else "new labels"
    if since is None:
        return missing(name, "monitoring.retrain.data_cutoff (the last day of the training "
                             "data) and trained_on")
    days = (windows.as_of - since).days
    if days < 1:
        return missing(name, f"monitoring.retrain.data_cutoff {since.isoformat()} is not "
                             f"before the assessment date {windows.as_of.isoformat()}")
    source = source or production_source(ws)
    got = _window(windows, source, days, name)
    if isinstance(got, Measurement):
        return got
    frame, window = got
    assert source is not None
    label = _column(source, "label_column", frame)
    if not label:
        return missing(name, f"data_map.sources[{source.id}].label_column (the labels that "
                             "have arrived)")
    return operations.new_labels(frame, window, label=label, positives=positives,
                                 positive=source.positive_label)


def _needs(ws: Workspace, metric: str, source: DataSource) -> str | None:
    # What the declarations lack for measuring ``metric`` in ``source`` (None: nothing), as
    # measure_metric would go about it, without reading the data.
    where = f"data_map.sources[{source.id}]"
    node = next((n for n in ws.metric_tree.nodes if n.id == metric), None)
    if node is not None and node.measure is not None:
        return None  # its column is looked for in the log when the phase runs
    eval_metric = node.eval_metric if node is not None else None
    kind = eval_metric if eval_metric in ("precision", "recall") else metric
    if kind in ("false_alarms_month", "false_alarms_per_month", "precision", "recall"):
        if not source.label_column or not source.score_column:
            return f"{where}.label_column and .score_column"
        if current_threshold(ws) is None:
            return "a decided threshold (a decisions[] entry with threshold)"
        return None
    if eval_metric:
        return None if source.label_column else f"{where}.label_column"
    if metric in ("error_rate", "timeout_rate"):
        return None if source.status_column else f"{where}.status_column"
    if metric.removesuffix("_ms") in ("latency_p50", "latency_p95", "latency_p99"):
        return None if source.latency_column else f"{where}.latency_column"
    if metric in ("cost_per_use", "cost_per_call"):
        tokens = (source.model_column and source.tokens_in_column and source.tokens_out_column
                  and ws.budgets.prices)
        return None if tokens or source.cost_column else (
            f"{where}.model_column, tokens_in_column, tokens_out_column with budgets.prices, "
            "or its cost_column")
    if metric in ("data_completeness", "completeness"):
        return None if ws.monitoring.drift.columns else "monitoring.drift.columns"
    if metric in ("psi_max", "drift_share"):
        return None if ws.monitoring.drift.reference else "monitoring.drift.reference"
    if node is None:
        return (f"a metric-tree node '{metric}' with a measure (column and statistic), or one "
                f"of the kit's operational figures ({', '.join(sorted(OPERATIONAL))})")
    return f"metric_tree node '{metric}'.measure (a column of {source.id} and a statistic)"


def unmeasurable(ws: Workspace) -> list[Problem]:
    """Say which alert rules and kill-switch conditions no declared source can measure.

    For ``aipo validate``: each is a warning (the workspace is valid) naming the rule's metric
    and what is missing for the operate phase to measure it on its window: a production log
    with a ``time_column``, the columns the figure is computed from, a node's ``measure``.
    Such a rule would only ever warn "not measured" (see :func:`measure_metric`).

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "data_map": {"sources": [{"id": "log", "name": "Log", "role": "production",
    ...                               "location": "log.csv", "time_column": "t",
    ...                               "latency_column": "ms"}]},
    ...     "monitoring": {"alert_rules": [
    ...         {"id": "A1", "metric": "latency_p95_ms", "operator": ">", "value": 900},
    ...         {"id": "A2", "metric": "error_rate", "operator": ">", "value": 0.02}]}})
    >>> [(p.path, p.message.split(":")[0]) for p in unmeasurable(ws)]
    [('monitoring.alert_rules[1].metric', 'alert rule A2 cannot be measured')]
    """
    conditions: list[tuple[str, str, AlertRule | KillCondition]] = [
        (f"monitoring.alert_rules[{i}]", "alert rule", r)
        for i, r in enumerate(ws.monitoring.alert_rules)]
    conditions += [(f"kill_switch.conditions[{i}]", "kill-switch condition", c)
                   for i, c in enumerate(ws.kill_switch.conditions)]
    default = production_source(ws)
    out = []
    for path, what, cond in conditions:
        node = next((n for n in ws.metric_tree.nodes if n.id == cond.metric), None)
        source = default
        if node is not None and node.measure is not None and node.measure.source:
            source = next((s for s in ws.data_map.sources if s.id == node.measure.source),
                          None)
        need: str | None
        if source is None:
            need = ("a production log: a data_map.sources entry with role 'production', a "
                    "location and a time_column")
        elif not source.time_column:
            need = f"data_map.sources[{source.id}].time_column (so that a window can be cut)"
        else:
            need = _needs(ws, cond.metric, source)
        if need:
            out.append(Problem(
                f"{what} {cond.id} cannot be measured: no declared source gives "
                f"'{cond.metric}'; the operate phase would only warn 'not measured'",
                path=f"{path}.metric", fix=f"declare {need}"))
    return out
