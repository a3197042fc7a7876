"""The workspace's metrics measured in its data: the figures every phase's gates read.

A phase reads the data sources of ``aipo.yaml`` (:func:`load_frames`), measures each metric-tree
node that names a column (:func:`measure_nodes`), evaluates a gold set the way its data-map entry
says (:func:`evaluate_gold`) and collects the figures that conditions are checked against
(:func:`figures_from`). Nothing here decides: the gates in :mod:`aipo_widgets.gates` do.

Examples
--------
>>> import pandas as pd
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({
...     "product": {"name": "x", "owner": "y"},
...     "metric_tree": {"root": "t", "nodes": [
...         {"id": "t", "name": "Handling time", "unit": "min", "baseline": 10.0,
...          "measure": {"column": "minutes"}}]},
...     "data_map": {"sources": [{"id": "b", "name": "Baseline", "role": "baseline"}]}})
>>> measured = measure_nodes(ws, {"b": pd.DataFrame({"minutes": [9.0, 10.0, 11.0]})},
...                          "baseline", n_boot=0)
>>> measured[["metric", "source", "value", "declared", "agrees"]].to_dict("records")
[{'metric': 't', 'source': 'b', 'value': 10.0, 'declared': 10.0, 'agrees': True}]
>>> figures_from(ws, measured, extra={"other": 2.0})
{'t': 10.0, 'other': 2.0}
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from aipo_widgets.analysis.cached import read_source
from aipo_widgets.analysis.decisions import current_threshold
from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.analysis.evaluation import (
    Evaluation,
    evaluate_classification,
    evaluate_review,
)
from aipo_widgets.analysis.fairness import GroupMetrics, group_metrics
from aipo_widgets.analysis.pilot_effects import Effect
from aipo_widgets.analysis.pilot_plan import DesignPlan, icc_anova, plan_design
from aipo_widgets.analysis.pilots import PilotReport, analyse_pilot
from aipo_widgets.analysis.sources import index_paths, is_readable, measure_value
from aipo_widgets.errors import DataError, Problem
from aipo_widgets.evidence import Gate, Provenance
from aipo_widgets.model.pilot_design import PilotDesign, design_for_source

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.schema import DataSource, Workspace

__all__ = [
    "MEASURED_COLUMNS",
    "drift_reference",
    "drift_thresholds",
    "effect_figures",
    "eval_figures",
    "evaluate_gold",
    "figures_from",
    "first_source",
    "group_report",
    "latest_variant",
    "latest_variant_figures",
    "load_frames",
    "measure_nodes",
    "measured_provenance",
    "pd_mean",
    "pilot_period_rows",
    "pilot_plan",
    "pilot_plan_before",
    "pilot_report",
    "sources_with_role",
    "typed_figures",
    "where_measured",
]

# The columns of :func:`measure_nodes`' table, in order.
MEASURED_COLUMNS = ["metric", "name", "unit", "source", "stat", "value", "ci_low", "ci_high",
                    "n", "declared", "agrees"]


# --------------------------------------------------------------------------------------------
# the data sources


def load_frames(folder: str | os.PathLike[str], ws: Workspace,
                roles: Iterable[str] | None = None, *,
                locate: Callable[[list[Problem]], list[Problem]] | None = None,
                ) -> tuple[dict[str, pd.DataFrame], list[Gate]]:
    """Read the workspace's data sources that have a file, optionally only some roles.

    Parameters
    ----------
    folder : path
        The workspace folder (source locations are relative to it).
    ws : Workspace
        The workspace.
    roles : iterable of str, optional
        Read only the sources with one of these roles (default: every role).
    locate : callable, optional
        Adds the file, line and column of ``aipo.yaml`` to problems
        (:meth:`aipo_widgets.model.workspace.WorkspaceFile.locate`), so that a gate says where
        the source that failed is declared.

    Returns
    -------
    frames, gates
        The tables by source id, and a failing gate per source that could not be read (so a
        missing file is a finding of the phase, not a crash of the notebook), whose detail
        names every problem found and its fix.

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "data_map": {"sources": [{"id": "logs", "name": "Logs", "role": "production",
    ...                               "location": "data/nowhere.csv"}]}})
    >>> frames, gates = load_frames(".", ws)
    >>> frames, [(g.name, g.verdict) for g in gates]
    ({}, [('data source logs readable', 'fail')])
    """
    wanted = set(roles) if roles is not None else None
    frames: dict[str, pd.DataFrame] = {}
    gates: list[Gate] = []
    for src in ws.data_map.sources:
        if wanted is not None and src.role not in wanted:
            continue
        if not is_readable(folder, src):  # a system's name, or no location: nothing to read
            continue
        try:
            frames[src.id] = read_source(folder, src)
        except DataError as exc:
            found = index_paths(ws.data_map.sources, exc.problems)
            if locate is not None:
                found = locate(found)
            gates.append(Gate(f"data source {src.id} readable", "fail",
                              detail="; ".join(map(str, found)),
                              source=f"data_map.sources[{src.id}]"))
    return frames, gates


def sources_with_role(ws: Workspace, role: str) -> list[DataSource]:
    """Return the data sources with a role, in the order of the data map."""
    return [s for s in ws.data_map.sources if s.role == role]


def first_source(ws: Workspace, role: str) -> DataSource | None:
    """Return the first data source with a role (the one a phase reads), or None.

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "data_map": {"sources": [{"id": "g", "name": "Gold", "role": "gold"}]}})
    >>> first_source(ws, "gold").id, first_source(ws, "production")
    ('g', None)
    """
    return next(iter(sources_with_role(ws, role)), None)


# --------------------------------------------------------------------------------------------
# the metric tree's nodes, measured


def measure_nodes(ws: Workspace, frames: Mapping[str, pd.DataFrame], role: str, *,
                  n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Measure every metric node that has a ``measure`` in the sources of one role.

    A node's measure names a column (and a statistic); it is measured in its own source when it
    names one, otherwise in each source of ``role`` that has the column (the first one wins).

    Returns
    -------
    DataFrame
        One row per measured node: ``metric``, ``name``, ``unit``, ``source``, ``stat``,
        ``value``, ``ci_low``, ``ci_high``, ``n``, ``declared`` (the baseline in ``aipo.yaml``
        for the baseline role, else the current value) and ``agrees`` (the declared value lies
        in the interval, or there is none to compare).
    """
    import pandas as pd

    rows = []
    role_sources = [s.id for s in sources_with_role(ws, role)]
    for node in ws.metric_tree.nodes:
        m = node.measure
        if m is None:
            continue
        candidates = [m.source] if m.source else role_sources
        if m.source and ws.source(m.source).role != role:
            continue
        for sid in candidates:
            frame = frames.get(sid)
            if frame is None or m.column not in frame.columns:
                continue
            if m.per is not None and m.per not in frame.columns:
                continue
            res = measure_value(frame, m.column, m.stat, per=m.per, n_boot=n_boot, seed=seed)
            declared = node.baseline if role == "baseline" else node.current
            lo, hi = res["ci_low"], res["ci_high"]
            agrees = (declared is None or lo is None
                      or lo - 1e-9 * abs(lo) <= declared <= hi + 1e-9 * abs(hi))
            rows.append({"metric": node.id, "name": node.name, "unit": node.unit, "source": sid,
                         "stat": m.stat + (f" per {m.per}" if m.per else ""),
                         "value": res["value"], "ci_low": lo, "ci_high": hi, "n": res["n"],
                         "declared": declared, "agrees": bool(agrees)})
            break
    return pd.DataFrame(rows, columns=MEASURED_COLUMNS)


def figures_from(ws: Workspace, measured: pd.DataFrame | None = None,
                 extra: Mapping[str, float | None] | None = None) -> dict[str, float]:
    """Collect the measured metric values that conditions are checked against.

    Only what was measured: a value typed in ``aipo.yaml`` (a node's ``current``) is never
    taken for a measurement (see :func:`typed_figures` for showing those as typed).

    Parameters
    ----------
    ws : Workspace
        The workspace.
    measured : DataFrame, optional
        From :func:`measure_nodes`.
    extra : mapping, optional
        Further measured figures by metric id (evaluation results, drift, effects), which win.

    Returns
    -------
    dict
        Metric id -> value (never None: what is unknown is left out).
    """
    figures: dict[str, float] = {}
    if measured is not None:
        for row in measured.itertuples():
            figures[str(row.metric)] = float(row.value)
    for key, value in (extra or {}).items():
        if value is not None:
            figures[key] = value
    return figures


def where_measured(ws: Workspace, metric: str, roles: Iterable[str]) -> str:
    """Say where a metric's figure would be measured: its source and column, or what to add.

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "metric_tree": {"root": "r", "nodes": [{"id": "r", "name": "R", "unit": "%",
    ...         "measure": {"column": "ok"}}, {"id": "q", "name": "Q", "unit": "%"}]}})
    >>> where_measured(ws, "r", ["pilot"])
    "column 'ok' of a data source with role pilot (metric_tree.nodes[r].measure)"
    >>> where_measured(ws, "q", ["pilot", "production"]).split(", read")[0]
    'a measure (column, stat) at metric_tree.nodes[q].measure'
    """
    roles = list(roles)
    node = next((n for n in ws.metric_tree.nodes if n.id == metric), None)
    if node is not None and node.measure is not None:
        m = node.measure
        src = f"data source '{m.source}'" if m.source else (
            "a data source with role " + " or ".join(roles))
        return f"column '{m.column}' of {src} (metric_tree.nodes[{metric}].measure)"
    if node is None:
        return (f"a metric-tree node '{metric}' with a measure (column, stat), read from a data "
                "source with role " + " or ".join(roles))
    return (f"a measure (column, stat) at metric_tree.nodes[{metric}].measure, read from a data "
            "source with role " + " or ".join(roles))


def measured_provenance(ws: Workspace, frames: Mapping[str, pd.DataFrame],
                        measured: pd.DataFrame | None, roles: Iterable[str],
                        extra: Mapping[str, Provenance] | None = None,
                        ) -> dict[str, Provenance]:
    """Say where each metric-tree node's figure came from, or would come from.

    A node measured by :func:`measure_nodes` is *measured* in its source (over the days its
    ``time_column`` spans, with its rows); ``extra`` adds others (effects, evaluations); every
    other node is *missing*, naming where it would be measured (:func:`where_measured`).

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "metric_tree": {"root": "r", "nodes": [{"id": "r", "name": "R", "unit": "%",
    ...         "current": 0.9, "measure": {"column": "ok"}}]},
    ...     "data_map": {"sources": [{"id": "p", "name": "Pilot", "role": "pilot",
    ...                               "time_column": "at"}]}})
    >>> frames = {"p": pd.DataFrame({"ok": [1.0, 0.0], "at": ["2026-11-01", "2026-11-03"]})}
    >>> m = measure_nodes(ws, frames, "pilot", n_boot=0)
    >>> measured_provenance(ws, frames, m, ["pilot"])["r"].describe()
    'measured in p from 2026-11-01 to 2026-11-03 (2 rows)'
    >>> measured_provenance(ws, frames, None, ["pilot"])["r"].kind
    'missing'
    """
    out: dict[str, Provenance] = {}
    if measured is not None:
        for row in measured.itertuples():
            sid = str(row.source)
            start = end = None
            frame = frames.get(sid)
            try:
                tcol = ws.source(sid).time_column
            except (KeyError, ValueError, LookupError):
                tcol = None
            if frame is not None and tcol and tcol in frame.columns:
                import pandas as pd

                times = pd.to_datetime(frame[tcol], errors="coerce").dropna()
                if len(times):
                    start, end = times.min().date(), times.max().date()
            rows = None if row.n is None or row.n != row.n else int(row.n)
            out[str(row.metric)] = Provenance.measured(sid, start=start, end=end, rows=rows)
    out.update(extra or {})
    roles = list(roles)
    for node in ws.metric_tree.nodes:
        out.setdefault(node.id, Provenance.missing(where_measured(ws, node.id, roles)))
    return out


def typed_figures(ws: Workspace, provenance: Mapping[str, Provenance] | None = None,
                  ) -> dict[str, tuple[float, Provenance]]:
    """Return the values typed in ``aipo.yaml`` (each node's ``current``), marked as typed.

    They are shown beside the gates that could not measure them, and never pass; the typed
    provenance's note says where the figure would be measured (from ``provenance``'s missing
    entries).

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "metric_tree": {"root": "r", "nodes": [{"id": "r", "name": "R", "unit": "%",
    ...                                             "current": 0.9}]}})
    >>> value, prov = typed_figures(ws)["r"]
    >>> value, prov.describe()
    (0.9, 'typed in aipo.yaml at metric_tree.nodes[r].current')
    """
    out: dict[str, tuple[float, Provenance]] = {}
    for node in ws.metric_tree.nodes:
        if node.current is None:
            continue
        where = (provenance or {}).get(node.id)
        note = (f"it would be measured from {where.note}"
                if where is not None and where.kind == "missing" and where.note else "")
        out[node.id] = (float(node.current),
                        Provenance.typed(f"metric_tree.nodes[{node.id}].current", note=note))
    return out


# --------------------------------------------------------------------------------------------
# experiment logs


def latest_variant(log: pd.DataFrame, source: DataSource) -> tuple[str, pd.DataFrame]:
    """Return the variant under test in an experiment log: the most recent one.

    Variants are the combinations of the source's ``group_columns``; without them (or without
    a ``time_column``) the whole log is one variant.

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.model.schema import DataSource
    >>> src = DataSource(id="log", name="Log", role="experiment_log", group_columns=["model"],
    ...                  time_column="at")
    >>> log = pd.DataFrame({"model": ["a", "b", "a"], "at": [1, 3, 2], "ms": [10, 20, 30]})
    >>> name, rows = latest_variant(log, src)
    >>> name, rows["ms"].tolist()
    ('b', [20])
    """
    groups = [g for g in source.group_columns if g in log.columns]
    if not groups:
        return "all calls", log
    time = source.time_column if source.time_column in log.columns else None
    order = log.sort_values(time) if time else log
    last = order.iloc[-1]
    mask = (log[groups] == last[groups]).all(axis=1)
    return " / ".join(str(last[g]) for g in groups), log[mask]


def latest_variant_figures(ws: Workspace, frames: Mapping[str, pd.DataFrame], *,
                           n_boot: int = 1000) -> dict[str, float]:
    """Measure the metric nodes on the variant under test of each experiment log.

    Returns
    -------
    dict
        Metric id -> value, measured on the latest variant (:func:`latest_variant`) of the
        sources with role ``experiment_log``.
    """
    logs = {}
    for src in sources_with_role(ws, "experiment_log"):
        if src.id in frames:
            _, logs[src.id] = latest_variant(frames[src.id], src)
    measured = measure_nodes(ws, logs, "experiment_log", n_boot=n_boot)
    return {str(r.metric): r.value for r in measured.itertuples()}


# --------------------------------------------------------------------------------------------
# gold sets and labelled windows


def evaluate_gold(ws: Workspace, gold: pd.DataFrame, source: DataSource, *,
                  threshold: float | None = None, n_boot: int = 1000) -> Evaluation:
    """Evaluate the gold set the way its data map entry says.

    A source with a ``score_column`` is a classifier's gold set (evaluated at ``threshold``,
    default the decided one or 0.5); one with only a ``label_column`` holds human review labels
    of generated output (share of each label, with Wilson intervals). An enriched gold set
    (``production_prevalence``) is reweighted to production.

    Raises
    ------
    DataError
        The source names no ``label_column``.
    """
    if source.label_column is None:
        raise DataError([Problem(f"gold set '{source.id}' has no label_column",
                                 path=f"data_map.sources[{source.id}].label_column",
                                 fix="name the column with the ground truth or review label")])
    groups = [g for g in source.group_columns if g in gold.columns] or None
    if source.score_column:
        t = threshold if threshold is not None else (current_threshold(ws) or 0.5)
        return evaluate_classification(gold, label=source.label_column,
                                       score=source.score_column, threshold=t, n_boot=n_boot,
                                       groups=groups, prevalence=source.production_prevalence)
    return evaluate_review(gold, label=source.label_column, n_boot=n_boot, groups=groups)


def eval_figures(ws: Workspace, evaluation: Evaluation) -> dict[str, float]:
    """Map an evaluation's metrics onto the metric-tree nodes that name them (``eval_metric``)."""
    out = {}
    available = set(evaluation.available())
    for node in ws.metric_tree.nodes:
        if node.eval_metric and node.eval_metric in available:
            out[node.id] = evaluation.metric(node.eval_metric).value
    return out


def group_report(ws: Workspace, gold: pd.DataFrame, source: DataSource, *,
                 n_boot: int = 200) -> GroupMetrics:
    """Compute the gold set's metrics per group, the way its data map entry says.

    The groups are the source's ``group_columns`` present in the data; a classifier's gold set
    (with a ``score_column``) is judged at the decided threshold (else 0.5).
    """
    groups = [g for g in source.group_columns if g in gold.columns]
    if source.score_column:
        return group_metrics(gold, groups=groups, label=source.label_column,
                             score=source.score_column, n_boot=n_boot,
                             threshold=current_threshold(ws) or 0.5)
    return group_metrics(gold, groups=groups, label=source.label_column, n_boot=n_boot)


# --------------------------------------------------------------------------------------------
# pilots


def pd_mean(series: pd.Series) -> float | None:
    """Return the mean of a column as a float, or None when it has no numeric values.

    Examples
    --------
    >>> import pandas as pd
    >>> pd_mean(pd.Series(["1", "x", 3])), pd_mean(pd.Series(["x"]))
    (2.0, None)
    """
    import pandas as pd

    values = pd.to_numeric(series, errors="coerce").dropna()
    return float(values.mean()) if len(values) else None


def _pilot_metric(ws: Workspace, pilot: pd.DataFrame) -> str | None:
    """Return the column a pilot tests: an effect node's metric, else a hypothesis metric."""

    def column_of(node_id: str) -> str | None:
        node = ws.metric(node_id)
        if node.measure and node.measure.column in pilot.columns:
            return node.measure.column
        return None

    candidates = [n.effect_of for n in ws.metric_tree.nodes if n.effect_of]
    candidates += [h.metric for h in ws.value_hypotheses if h.metric]
    return next((c for c in map(column_of, candidates) if c), None)


def pilot_plan(ws: Workspace, pilot: pd.DataFrame, source: DataSource
               ) -> tuple[DesignPlan, dict[str, Any]] | None:
    """Plan the pilot for its design, from its own control data, against its effect target.

    The target is the relative reduction an effect node (``effect_of``) asks of the pilot's
    metric; the baseline mean and standard deviation come from the control arm (and, for a
    before/after design, from the rows before the change); the ICC is the design's
    ``icc`` when declared, else estimated from the same rows (by cluster, by period, or by
    unit over time using the design's ``unit_column``), else assumed 0 and said so.

    Returns
    -------
    (DesignPlan, dict) or None
        The plan and what the pilot has (``units_per_arm``, ``clusters_per_arm``); None
        without a target or a metric.
    """
    import pandas as pd

    column = _pilot_metric(ws, pilot)
    if column is None or not source.arm_column or column not in pilot.columns:
        return None
    target = next((n.target for n in ws.metric_tree.nodes if n.effect_of and n.target
                   and (m := ws.metric(n.effect_of).measure) and m.column == column), None)
    if not target:
        return None
    found = design_for_source(ws, source.id)
    design = found[1] if found else None
    kind = design.design if design else "individually_randomised"
    arm = pilot[source.arm_column].astype(str)
    arms = sorted(arm.dropna().unique())
    control = "control" if "control" in arms else arms[0]
    treated = (arm != control).to_numpy()
    post = np.ones(len(pilot), dtype=bool)
    if design is not None and design.design == "before_after_control" \
            and design.period_column in pilot.columns:
        assert design.change_date is not None
        when = pd.to_datetime(pilot[design.period_column].astype(str), errors="coerce")
        post = (when >= pd.Timestamp(design.change_date)).to_numpy()
    base_rows = pilot[~post] if (~post).any() else pilot[~treated]
    values = pd.to_numeric(base_rows[column], errors="coerce")
    icc, icc_source, size, before, after = 0.0, "assumed: no icc declared", None, 1, 1
    group_col = None
    if design is not None:
        group_col = {"cluster_randomised": design.cluster_column,
                     "switchback": design.period_column,
                     "before_after_control": design.unit_column}.get(design.design)
    if design is not None and design.icc is not None:
        icc, icc_source = design.icc, "declared"
    elif group_col and group_col in pilot.columns:
        icc = icc_anova(values, base_rows[group_col])
        icc_source = f"estimated from {base_rows[group_col].nunique()} {group_col} values"
    has: dict[str, Any] = {"units_per_arm": (int(treated.sum()), int((~treated).sum()))}
    if kind in ("cluster_randomised", "switchback") and group_col in pilot.columns:
        size = float(pilot.groupby(group_col).size().mean())
        has["clusters_per_arm"] = (int(pilot.loc[treated, group_col].nunique()),
                                   int(pilot.loc[~treated, group_col].nunique()))
    if kind == "before_after_control" and design is not None:
        periods = pilot[design.period_column].astype(str)
        before, after = int(periods[~post].nunique()) or 1, int(periods[post].nunique()) or 1
        if design.cluster_column in pilot.columns:
            has["clusters_per_arm"] = (int(pilot.loc[treated, design.cluster_column].nunique()),
                                       int(pilot.loc[~treated, design.cluster_column].nunique()))
        if design.unit_column in pilot.columns:
            ids = pilot[design.unit_column]
            has["units_per_arm"] = (int(ids[treated].nunique()), int(ids[~treated].nunique()))
    ratio = 1.0
    if design is not None and design.allocation and kind != "before_after_control":
        shares = design.shares([control, next(a for a in arms if a != control)])
        if len(shares) == 2:
            ratio = shares[control] / (1 - shares[control])
    plan = plan_design(kind, relative_effect=-float(target), baseline_mean=float(values.mean()),
                       baseline_sd=float(values.std(ddof=1)), ratio=ratio, icc=icc,
                       icc_source=icc_source, cluster_size=size, periods_before=before,
                       periods_after=after,
                       power=design.power if design is not None else 0.8)
    return plan, has


def pilot_plan_before(ws: Workspace, baseline: pd.DataFrame, design: PilotDesign
                      ) -> DesignPlan | None:
    """Plan a pilot that has not run yet from baseline data, for its declared design.

    As :func:`pilot_plan`, but every row is a baseline row: the mean, standard deviation and
    (when not declared) the ICC come from them, by the design's cluster column, period column
    or unit column where the baseline has it; a before/after plan assumes as many periods after
    the change as the baseline holds before it.

    Returns
    -------
    DesignPlan or None
        None without a target or the metric's column in the baseline.
    """
    import pandas as pd

    column = _pilot_metric(ws, baseline)
    if column is None:
        return None
    target = next((n.target for n in ws.metric_tree.nodes if n.effect_of and n.target
                   and (m := ws.metric(n.effect_of).measure) and m.column == column), None)
    if not target:
        return None
    values = pd.to_numeric(baseline[column], errors="coerce")
    group_col = {"cluster_randomised": design.cluster_column, "switchback": design.period_column,
                 "before_after_control": design.unit_column}.get(design.design)
    icc, icc_source, size, periods = 0.0, "assumed: no icc declared", None, 1
    if design.icc is not None:
        icc, icc_source = design.icc, "declared"
    elif group_col and group_col in baseline.columns:
        icc = icc_anova(values, baseline[group_col])
        icc_source = f"estimated from {baseline[group_col].nunique()} {group_col} values"
    if design.design in ("cluster_randomised", "switchback"):
        if group_col not in baseline.columns:
            return None  # no clusters to size from; the pilot's own data will tell
        size = float(baseline.groupby(group_col).size().mean())
    if design.design == "before_after_control" and design.period_column in baseline.columns:
        periods = int(baseline[design.period_column].astype(str).nunique()) or 1
    ratio = 1.0
    if design.allocation and len(design.allocation) == 2:
        control = "control" if "control" in design.allocation else sorted(design.allocation)[0]
        share = design.shares(list(design.allocation))[control]
        ratio = share / (1 - share)
    return plan_design(design.design, relative_effect=-float(target),
                       baseline_mean=float(values.mean()), baseline_sd=float(values.std(ddof=1)),
                       ratio=ratio, icc=icc, icc_source=icc_source, cluster_size=size,
                       periods_before=periods, periods_after=periods, power=design.power)


def pilot_report(ws: Workspace, pilot: pd.DataFrame, source: DataSource, *,
                 n_boot: int = 2000) -> PilotReport | None:
    """Analyse a pilot against its control as designed, on the metric the workspace tests.

    The design is the one the pilot stage that reads ``source`` declares
    (``rollout.stages[].pilot``); without one, the pilot is analysed as individually
    randomised with equal shares and the report says so.

    The metric is the one a node's ``effect_of`` names (the pilot's effect metric), else the
    first hypothesis metric measured in the pilot's data. The arm named ``control`` is the
    control (else the first arm in sort order). Guardrail and counter metrics measured in the
    pilot are compared the same way.

    Returns
    -------
    aipo_widgets.analysis.pilots.PilotReport or None
        None when no metric of the workspace is measured in the pilot's data.

    Raises
    ------
    DataError
        The pilot's data hold fewer than two arms.
    """
    column = _pilot_metric(ws, pilot)
    if column is None or not source.arm_column:
        return None
    arms = sorted(pilot[source.arm_column].dropna().astype(str).unique())
    if len(arms) < 2:
        raise DataError([Problem(f"pilot '{source.id}' has only the arm(s) {arms}",
                                 path=f"data_map.sources[{source.id}].arm_column",
                                 fix="a pilot needs a control and a treatment arm")])
    control = "control" if "control" in arms else arms[0]
    treatment = next(a for a in arms if a != control)
    guardrails = {}
    for node in ws.metric_tree.nodes:
        m = node.measure
        if node.designation in ("guardrail", "counter") and m and m.column in pilot.columns \
                and m.column != column:
            guardrails[m.column] = node.direction
    control_rows = pilot[pilot[source.arm_column].astype(str) == control]
    # A relative change needs a non-zero control mean (review time is 0 without the product).
    guardrails = {c: d for c, d in guardrails.items()
                  if pd_mean(control_rows[c]) not in (0.0, None)}
    covariate = source.covariate_column if source.covariate_column in pilot.columns else None
    frame = pilot.assign(**{source.arm_column: pilot[source.arm_column].astype(str)})
    found = design_for_source(ws, source.id)
    design = found[1] if found else None
    return analyse_pilot(frame, metric=column, arm=source.arm_column, treatment=treatment,
                         control=control, covariate=covariate, guardrails=guardrails,
                         planned_split=True, n_boot=n_boot, design=design, source=source.id,
                         time_column=source.time_column)


def pilot_period_rows(ws: Workspace, pilot: pd.DataFrame, source: DataSource) -> pd.DataFrame:
    """Return the rows of a pilot source from the pilot itself, for the stage figures.

    A before/after design with a control also holds rows from before the change (its
    baseline): they are not the pilot, so they are left out; other designs keep every row.
    """
    import pandas as pd

    found = design_for_source(ws, source.id)
    if found is None:
        return pilot
    design = found[1]
    col = design.period_column
    if design.design != "before_after_control" or col not in pilot.columns:
        return pilot
    assert design.change_date is not None
    when = pd.to_datetime(pilot[col].astype(str), errors="coerce")
    return pilot[(when >= pd.Timestamp(design.change_date)).to_numpy()]


def effect_figures(ws: Workspace, effects: Mapping[str, Effect]) -> dict[str, float]:
    """Turn pilot effects (by column) into the values of the nodes that are those effects.

    A node with ``effect_of: X`` gets the relative reduction ``-relative`` of X's column.
    """
    out = {}
    for node in ws.metric_tree.nodes:
        if not node.effect_of:
            continue
        measure = ws.metric(node.effect_of).measure
        if measure and measure.column in effects:
            out[node.id] = -float(effects[measure.column].relative)
    return out


# --------------------------------------------------------------------------------------------
# drift settings


def drift_reference(ws: Workspace, frame: pd.DataFrame) -> Reference:
    """Freeze the drift reference from the reference data, with the monitoring settings."""
    settings = ws.monitoring.drift
    columns = list(settings.columns) or None
    categorical = list(settings.categorical) or None
    return Reference.from_frame(frame, columns=columns, categorical=categorical)


def drift_thresholds(ws: Workspace) -> dict[str, float]:
    """Return the drift thresholds of ``monitoring.drift`` as :func:`drift.drift` takes them."""
    d = ws.monitoring.drift
    return {"psi_warn": d.psi_warn, "psi_drift": d.psi_alert,
            "drift_share": d.drifted_share_alert}
