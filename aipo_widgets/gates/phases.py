"""What each phase checks: the gates of the first 90 days and of operation, from the workspace.

The phase notebooks are guided documents; the checks themselves live here, as plain functions
over the workspace and its data, so that they are tested once and read the same in JupyterLab,
in CI and on the stakeholder pages. Each returns :class:`~aipo_widgets.evidence.Gate` objects (and,
where useful, a table) and never prints.

Discovery (days 1-30)
    every hypothesis has a metric, baseline and target; baselines measured from data with
    intervals; every personal-data source has a lawful basis and personal data is where the
    data map says; no prohibited practice; the DPIA decision is recorded; data-quality checks.
Experiments (days 31-60)
    gold set fit for purpose, acceptance criteria, cost-optimal threshold, fairness, cost and
    latency budgets, the continue / stop decision.
Rollout (days 61-90)
    stage entry and exit criteria on pilot data, alert rules and kill switch ready, the go /
    no-go decision with its reasons.
Operation
    drift against the frozen reference, alert rules and kill-switch conditions on the latest
    window, retrain recommendation, realised value.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
...     "value_hypotheses": [{"id": "H1", "statement": "s", "metric": None}]})
>>> [(g.name, g.verdict) for g in hypothesis_gates(ws)]
[('H1 has a metric, baseline and target', 'fail')]
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipo_widgets.analysis.drift import Reference, drift
from aipo_widgets.analysis.evaluation import evaluate_classification, evaluate_review
from aipo_widgets.analysis.pii import scan_frame
from aipo_widgets.analysis.pilots import analyse_pilot
from aipo_widgets.analysis.sources import measure_value, read_source
from aipo_widgets.analysis.thresholds import expected_cost
from aipo_widgets.errors import AipoError, DataError, Problem
from aipo_widgets.evidence import Gate, worst
from aipo_widgets.gates.conditions import condition_gate, condition_gates

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.schema import DataSource, Workspace

ROLE_OF_PHASE = {"discovery": "baseline", "rollout": "pilot", "operate": "production"}


# --------------------------------------------------------------------------------------------
# data


def load_frames(folder: str | os.PathLike, ws: Workspace,
                roles: Iterable[str] | None = None) -> tuple[dict[str, pd.DataFrame], list[Gate]]:
    """Read the workspace's data sources that have a file, optionally only some roles.

    Returns
    -------
    frames, gates
        The tables by source id, and a failing gate per source that could not be read (so a
        missing file is a finding of the phase, not a crash of the notebook).
    """
    wanted = set(roles) if roles is not None else None
    frames: dict[str, pd.DataFrame] = {}
    gates: list[Gate] = []
    for src in ws.data_map.sources:
        if not src.location or (wanted is not None and src.role not in wanted):
            continue
        if not Path(src.location).suffix:  # a system name, not a file
            continue
        try:
            frames[src.id] = read_source(folder, src)
        except DataError as exc:
            gates.append(Gate(f"data source {src.id} readable", "fail",
                              detail=str(exc.problems[0]),
                              source=f"data_map.sources[{src.id}]"))
    return frames, gates


def sources_with_role(ws: Workspace, role: str) -> list[DataSource]:
    """Return the data sources with a role, in the order of the data map."""
    return [s for s in ws.data_map.sources if s.role == role]


def measure_nodes(ws: Workspace, frames: Mapping[str, pd.DataFrame], role: str, *,
                  n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Measure every metric node that has a ``measure`` in the sources of one role.

    A node's measure names a column (and a statistic); it is measured in its own source when it
    names one, otherwise in each source of ``role`` that has the column (the first one wins).

    Returns
    -------
    DataFrame
        One row per measured node: ``metric``, ``name``, ``unit``, ``source``, ``value``,
        ``ci_low``, ``ci_high``, ``n``, ``declared`` (the baseline in ``aipo.yaml`` for the
        baseline role, else the current value) and ``agrees`` (the declared value lies in the
        interval, or there is none to compare).
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
    columns = ["metric", "name", "unit", "source", "stat", "value", "ci_low", "ci_high", "n",
               "declared", "agrees"]
    return pd.DataFrame(rows, columns=columns)


def figures_from(ws: Workspace, measured: pd.DataFrame | None = None,
                 extra: Mapping[str, float | None] | None = None,
                 *, fallback: str | None = "current") -> dict[str, float | None]:
    """Collect metric values for conditions: measured ones first, then the workspace's.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    measured : DataFrame, optional
        From :func:`measure_nodes`.
    extra : mapping, optional
        Further figures by metric id (evaluation results, drift), which win over both.
    fallback : {"current", "baseline", None}
        Which declared value of a node to use where nothing was measured.
    """
    figures: dict[str, float | None] = {}
    if fallback:
        for node in ws.metric_tree.nodes:
            value = getattr(node, fallback)
            if value is not None:
                figures[node.id] = value
    if measured is not None:
        for row in measured.itertuples():
            figures[row.metric] = float(row.value)
    for key, value in (extra or {}).items():
        if value is not None:
            figures[key] = value
    return figures


# --------------------------------------------------------------------------------------------
# discovery


def hypothesis_gates(ws: Workspace) -> list[Gate]:
    """Every value hypothesis names a metric of the tree, a baseline and a target."""
    gates = []
    for i, h in enumerate(ws.value_hypotheses):
        missing = [k for k in ("metric", "baseline", "target") if getattr(h, k) is None]
        if h.metric is not None and h.baseline is None:
            try:
                if ws.metric(h.metric).baseline is not None:
                    missing.remove("baseline")
            except KeyError:
                pass
        gates.append(Gate(
            f"{h.id} has a metric, baseline and target", "fail" if missing else "pass",
            figure=", ".join(missing) if missing else "complete", threshold="all three",
            detail=("missing: " + ", ".join(missing) + ". Without a baseline there is no "
                    "benefit to show.") if missing else "",
            source=f"value_hypotheses[{i}]"))
    if not ws.value_hypotheses:
        gates.append(Gate("value hypotheses stated", "fail", figure=0, threshold=">= 1",
                          detail="state what the product should change, for whom, measured "
                          "how", source="value_hypotheses"))
    return gates


def baseline_gates(measured: pd.DataFrame) -> list[Gate]:
    """Gate the baselines measured in data, and whether ``aipo.yaml`` agrees with them."""
    gates = []
    for row in measured.itertuples():
        ci = (row.ci_low, row.ci_high) if row.ci_low is not None else None
        if row.declared is None:
            gates.append(Gate(f"baseline of {row.metric} measured", "warn",
                              figure=round(row.value, 4), ci=ci, threshold="in aipo.yaml",
                              detail=f"set metric_tree baseline of {row.metric} to "
                              f"{row.value:.4g} (measured in {row.source})",
                              source=f"metric_tree.nodes[{row.metric}]"))
        else:
            ok = row.agrees
            gates.append(Gate(
                f"baseline of {row.metric} measured", "pass" if ok else "warn",
                figure=round(row.value, 4), ci=ci, threshold=f"aipo.yaml: {row.declared:g}",
                detail="" if ok else (f"aipo.yaml says {row.declared:g}, the data say "
                                      f"{row.value:.4g} [{row.ci_low:.4g}, {row.ci_high:.4g}]"),
                source=f"metric_tree.nodes[{row.metric}]"))
    return gates


def pii_scan(ws: Workspace, frames: Mapping[str, pd.DataFrame], *, sample: int | None = 2000,
             seed: int = 0) -> tuple[pd.DataFrame, list[Gate]]:
    """Scan every loaded source for personal data and check it against the data map.

    A source where personal data is found but ``personal_data`` is false fails: the data map is
    wrong, and with it the legal basis and the DPIA screening.

    Returns
    -------
    table, gates
        One row per flagged column (masked examples only) and one gate per source.
    """
    import pandas as pd

    rows, gates = [], []
    for src in ws.data_map.sources:
        frame = frames.get(src.id)
        if frame is None:
            continue
        report = scan_frame(frame, sample=sample or None, seed=seed)
        flagged = [c for c in report.columns if c.personal_data]
        for col in flagged:
            d = col.to_dict()
            rows.append({"source": src.id, **{k: d[k] for k in d if k != "examples"},
                         "examples": "; ".join(d.get("examples", [])[:2])})
        found = bool(flagged)
        if found and not src.personal_data:
            gates.append(Gate(f"personal data in {src.id} declared", "fail",
                              figure=", ".join(c.column for c in flagged), threshold="declared",
                              detail="personal data found but personal_data is false: fix the "
                              "data map (lawful basis, DPIA screening)",
                              source=f"data_map.sources[{src.id}].personal_data"))
        else:
            gates.append(Gate(f"personal data in {src.id} declared", "pass",
                              figure=", ".join(c.column for c in flagged) or "none found",
                              threshold="declared", source=f"data_map.sources[{src.id}]"))
    table = pd.DataFrame(rows)
    return table, gates


def lawful_basis_gates(ws: Workspace) -> list[Gate]:
    """Every personal-data source has a GDPR Art 6 lawful basis (Art 9 needs a condition too)."""
    gates = []
    for src in ws.data_map.sources:
        if not src.personal_data:
            continue
        ok = src.lawful_basis is not None
        detail = "" if ok else "set lawful_basis (GDPR Art 6(1)) before the data is processed"
        if ok and src.special_categories:
            detail = ("special categories: an Art 9(2) condition is needed in addition to "
                      f"{src.lawful_basis}")
        gates.append(Gate(f"lawful basis for {src.id}", "pass" if ok else "fail",
                          figure=src.lawful_basis or "none", threshold="GDPR Art 6(1)",
                          detail=detail, source=f"data_map.sources[{src.id}].lawful_basis"))
    return gates


def compliance_gates(ws: Workspace, classification: Any) -> list[Gate]:
    """No prohibited practice; the DPIA decision recorded; legal sign-off where required."""
    gates = []
    tier = classification.tier
    gates.append(Gate(
        "no prohibited practice (AI Act Art 5)", "fail" if tier == "prohibited" else "pass",
        figure=classification.tier_label, threshold="not prohibited",
        detail="stop: redesign or abandon the use" if tier == "prohibited" else "",
        source="compliance.ai_act"))
    dpia = ws.compliance.gdpr.dpia.decision
    likely = getattr(classification.gdpr, "dpia", None)
    gates.append(Gate(
        "DPIA decision recorded", "fail" if dpia == "undecided" else "pass", figure=dpia,
        threshold="required, not_required or done",
        detail=("record the decision in compliance.gdpr.dpia (with the DPO's advice); the "
                f"screening says: {likely}") if dpia == "undecided" else "",
        source="compliance.gdpr.dpia"))
    if classification.legal_signoff_required:
        signed = bool(ws.compliance.ai_act.signed_off_by)
        gates.append(Gate("legal sign-off of the AI Act classification",
                          "pass" if signed else "warn",
                          figure=ws.compliance.ai_act.signed_off_by or "not signed",
                          threshold="signed", detail="; ".join(classification.signoff_reasons),
                          source="compliance.ai_act.signed_off_by"))
    if classification.open_questions:
        gates.append(Gate("AI Act questionnaire answered", "warn",
                          figure=len(classification.open_questions), threshold="0 open",
                          detail="open: " + ", ".join(q.id for q in
                                                      classification.open_questions[:6]),
                          source="compliance.ai_act.answers"))
    return gates


def risk_gates(register: Any) -> list[Gate]:
    """Overdue reviews and range compression warn; an open critical residual risk fails."""
    gates = []
    critical = [r for r in register.ranked() if r.residual.band == "critical"]
    gates.append(Gate("no open critical residual risk", "fail" if critical else "pass",
                      figure=len(critical), threshold="0",
                      detail=("mitigate or stop: " + ", ".join(r.id for r in critical))
                      if critical else "", source="risks"))
    overdue = register.overdue()
    gates.append(Gate("risk reviews up to date", "warn" if overdue else "pass",
                      figure=len(overdue), threshold="0 overdue",
                      detail=", ".join(f"{r.id} ({r.days_overdue} days)" for r in overdue),
                      source="risks"))
    compressed = register.range_compression()
    if compressed:
        gates.append(Gate("risk matrix resolves the risks", "warn", figure=len(compressed),
                          threshold="no cell with 10x different expected losses",
                          detail="; ".join(f"cell {f.cell}: {', '.join(f.ids)} differ "
                                           f"{f.ratio:.0f}x" for f in compressed),
                          source="risks"))
    return gates


def tree_gates(tree: Any) -> list[Gate]:
    """Check that every input metric of the tree has a guardrail or counter metric."""
    warnings = tree.warnings()
    guard = [w for w in warnings if "guardrail" in w.message or "counter" in w.message]
    return [Gate("every input metric has a guardrail", "warn" if guard else "pass",
                 figure=len(guard), threshold="0 unguarded inputs",
                 detail="; ".join(w.message for w in guard[:4]), source="metric_tree")]


def business_case_gates(result: Any) -> list[Gate]:
    """Gate the business case: expected NPV, the chance it is positive, exit criteria."""
    gates = []
    mc = result.monte_carlo
    enpv = result.expected_npv
    verdict = "pass" if enpv > 0 and (mc is None or mc.p_positive >= 0.5) else (
        "warn" if enpv > 0 else "fail")
    gates.append(Gate("business case: expected NPV positive", verdict, figure=round(enpv),
                      threshold="> 0", detail=(f"P(NPV > 0) = {mc.p_positive:.0%}; P10/P90 "
                                               f"{mc.p10:,.0f} / {mc.p90:,.0f}") if mc else "",
                      source="business_case"))
    gates.extend(result.exit_gates)
    return gates


def current_threshold(ws: Workspace) -> float | None:
    """Return the operating threshold of the latest decision that set one, or None."""
    dated = [d for d in ws.decisions if d.threshold is not None]
    if not dated:
        return None
    return max(dated, key=lambda d: (d.date, d.id)).threshold


def threshold_costs(ws: Workspace) -> dict[str, float] | None:
    """Return the threshold costs as numbers (metric ids resolved to their values)."""
    tc = ws.settings.threshold_costs
    if tc is None:
        return None
    out = {}
    for key in ("c_fn", "c_fp", "c_tp", "c_tn", "review_cost", "volume_per_month"):
        value = getattr(tc, key)
        if isinstance(value, str):
            try:
                node = ws.metric(value)
            except KeyError:
                raise AipoError([Problem(f"names metric '{value}', which is not in the tree",
                                         path=f"settings.threshold_costs.{key}")]) from None
            value = node.current if node.current is not None else node.baseline
            if value is None:
                raise AipoError([Problem(f"metric '{node.id}' has no current or baseline value",
                                         path=f"settings.threshold_costs.{key}",
                                         fix=f"set metric_tree {node.id} current")])
        out[key] = value
    return out


# --------------------------------------------------------------------------------------------
# experiments


def budget_gates(ws: Workspace, log: pd.DataFrame, source: DataSource) -> tuple[pd.DataFrame,
                                                                              list[Gate]]:
    """Cost per use and latency of each variant in the experiment log against the budgets.

    Variants are the combinations of the source's ``group_columns``; the variant under test is
    the most recent one (by ``time_column``), and the gates are on it.

    Returns
    -------
    table, gates
        Cost and latency per variant, and the budget gates of the latest variant.
    """
    import pandas as pd

    b = ws.budgets
    groups = [g for g in source.group_columns if g in log.columns]
    cost, lat = source.cost_column, source.latency_column
    agg: dict[str, Any] = {"calls": (log.columns[0], "size")}
    if cost and cost in log:
        agg["cost_per_use"] = (cost, "mean")
    if lat and lat in log:
        agg["latency_p50_ms"] = (lat, "median")
        agg["latency_p95_ms"] = (lat, lambda s: s.quantile(0.95))
    if source.time_column and source.time_column in log:
        agg["last_run"] = (source.time_column, "max")
    table = (log.groupby(groups, sort=False).agg(**agg).reset_index() if groups
             else pd.DataFrame([log.agg({k: v[1] for k, v in agg.items()
                                         if k != "calls"})]).assign(calls=len(log)))
    if "last_run" in table:
        table = table.sort_values("last_run").reset_index(drop=True)
    latest = table.iloc[-1]
    name = " / ".join(str(latest[g]) for g in groups) if groups else "all calls"
    gates = []
    for key, budget, unit in (("cost_per_use", b.cost_per_use, f" {b.currency}"),
                              ("latency_p50_ms", b.latency_p50_ms, " ms"),
                              ("latency_p95_ms", b.latency_p95_ms, " ms")):
        if budget is None or key not in table:
            continue
        figure = float(latest[key])
        gates.append(Gate(f"{key.replace('_', ' ')} within budget ({name})",
                          "pass" if figure <= budget else "fail", figure=round(figure, 6),
                          threshold=f"<= {budget:g}{unit}", source=f"budgets.{key}"))
    return table, gates


def latest_variant(log: pd.DataFrame, source: DataSource) -> tuple[str, pd.DataFrame]:
    """Return the variant under test in an experiment log: the most recent one.

    Variants are the combinations of the source's ``group_columns``; without them (or without
    a ``time_column``) the whole log is one variant.
    """
    groups = [g for g in source.group_columns if g in log.columns]
    if not groups:
        return "all calls", log
    time = source.time_column if source.time_column in log.columns else None
    order = log.sort_values(time) if time else log
    last = order.iloc[-1]
    mask = (log[groups] == last[groups]).all(axis=1)
    return " / ".join(str(last[g]) for g in groups), log[mask]


def evaluate_gold(ws: Workspace, gold: pd.DataFrame, source: DataSource, *,
                  threshold: float | None = None, n_boot: int = 1000) -> Any:
    """Evaluate the gold set the way its data map entry says.

    A source with a ``score_column`` is a classifier's gold set (evaluated at ``threshold``,
    default the decided one or 0.5); one with only a ``label_column`` holds human review labels
    of generated output (share of each label, with Wilson intervals).
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
                                       groups=groups)
    return evaluate_review(gold, label=source.label_column, n_boot=n_boot, groups=groups)


def eval_figures(ws: Workspace, evaluation: Any) -> dict[str, float]:
    """Map an evaluation's metrics onto the metric-tree nodes that name them (``eval_metric``)."""
    out = {}
    available = set(evaluation.available())
    for node in ws.metric_tree.nodes:
        if node.eval_metric and node.eval_metric in available:
            out[node.id] = evaluation.metric(node.eval_metric).value
    return out


def representativeness_gate(gold: pd.DataFrame, production: pd.DataFrame,
                            columns: Iterable[str]) -> tuple[Gate, Any]:
    """Is the gold set like production? Drift of the shared columns, gold as the reference."""
    shared = [c for c in columns if c in gold.columns and c in production.columns]
    if not shared:
        return Gate("gold set representative of production", "warn", figure="no shared columns",
                    threshold="no drift", detail="name group_columns present in both"), None
    report = drift(gold, production, columns=shared)
    gate = report.gate("gold set representative of production")
    if gate.verdict != "pass":
        gate.detail = (f"{gate.detail}; extend the gold set with recent production cases "
                       "before trusting its figures").strip("; ")
    return gate, report


def threshold_gate(result: Any, decided: float | None, labels: Any, scores: Any,
                   costs: Mapping[str, float], *, tolerance: float = 0.1) -> Gate:
    """Compare the decided threshold's expected cost with the cost-optimal one's.

    Passes when the decided threshold costs at most ``tolerance`` (10 %) more than the optimum
    on the gold set; warns otherwise, or when no threshold has been decided yet.
    """
    import numpy as np

    if decided is None:
        return Gate("operating threshold decided", "warn", figure=round(result.threshold, 6),
                    threshold="a decision with a threshold", detail=(
                        f"the cost-optimal threshold is {result.threshold:.4g}; record the "
                        "choice (with the costs assumed) in the decision log"),
                    source="decisions")
    y = np.asarray(labels).astype(bool)
    flagged = np.asarray(scores, dtype=float) >= decided
    confusion = {"tp": int((y & flagged).sum()), "fp": int((~y & flagged).sum()),
                 "fn": int((y & ~flagged).sum()), "tn": int((~y & ~flagged).sum())}
    keys = ("c_fn", "c_fp", "c_tp", "c_tn", "review_cost")
    cost = expected_cost(confusion, **{k: costs[k] for k in keys if k in costs})
    total = float(cost["total"])
    best = float(result.total_cost)
    excess = (total - best) / abs(best) if best else 0.0
    return Gate("decided threshold near the cost optimum",
                "pass" if excess <= tolerance else "warn", figure=round(excess, 4),
                threshold=f"<= {tolerance:.0%} above the optimum",
                detail=(f"decided {decided:g}: total cost {total:,.0f}; optimum "
                        f"{result.threshold:.4g}: {best:,.0f} on the gold set"),
                source="decisions")


def fairness_gates(ws: Workspace, fair: Any, *, max_difference: float = 0.1) -> list[Gate]:
    """Gate the gap between groups on the metrics the acceptance criteria use.

    Every group should meet the bar the product is held to, so the metrics judged are those
    of the acceptance criteria on the gold set (all metrics when there are none). A gap above
    ``max_difference`` warns: the gap between the best and the worst of several small groups is
    a noisy, upward-biased figure, good for pointing at a group, not for stopping a product.
    The hard rule belongs in an acceptance criterion with ``group:`` (each group must pass),
    which fails on its own.
    """
    nodes = {n.id: n for n in ws.metric_tree.nodes}
    wanted = []
    for c in ws.acceptance_criteria:
        node = nodes.get(c.metric)
        if node is not None and node.eval_metric and node.eval_metric in fair.metrics:
            wanted.append(node.eval_metric)
    metrics = list(dict.fromkeys(wanted)) or None
    gates = fair.gates(max_difference=max_difference, metrics=metrics)
    for g in gates:
        if g.verdict == "fail":
            g.verdict = "warn"
            g.detail = (f"{g.detail}. To make it a hard gate, add an acceptance criterion "
                        "with 'group:' so that each group must pass")
    return gates


def continue_or_stop(gates: Iterable[Gate]) -> Gate:
    """Decide continue / stop after the experiments, from their gates."""
    gates = list(gates)
    failed = [g.name for g in gates if g.verdict == "fail"]
    verdict = worst(gates)
    decision = "stop or rework" if failed else "continue to rollout"
    return Gate("continue to rollout", "fail" if failed else ("warn" if verdict == "warn"
                                                               else "pass"),
                figure=decision, threshold="no failed gate",
                detail=("failed: " + "; ".join(failed)) if failed else "")


# --------------------------------------------------------------------------------------------
# rollout and operation


def pilot_report(ws: Workspace, pilot: pd.DataFrame, source: DataSource, *,
                 n_boot: int = 2000) -> Any:
    """Analyse a pilot against its control, on the metric the workspace says it tests.

    The metric is the one a node's ``effect_of`` names (the pilot's effect metric), else the
    first hypothesis metric measured in the pilot's data. The arm named ``control`` is the
    control (else the first arm in sort order). Guardrail and counter metrics measured in the
    pilot are compared the same way.

    Returns
    -------
    aipo_widgets.analysis.pilots.PilotReport or None
        None when no metric of the workspace is measured in the pilot's data.
    """

    def column_of(node_id: str) -> str | None:
        node = ws.metric(node_id)
        if node.measure and node.measure.column in pilot.columns:
            return node.measure.column
        return None

    candidates = [n.effect_of for n in ws.metric_tree.nodes if n.effect_of]
    candidates += [h.metric for h in ws.value_hypotheses if h.metric]
    column = next((c for c in map(column_of, candidates) if c), None)
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
    return analyse_pilot(frame, metric=column, arm=source.arm_column, treatment=treatment,
                         control=control, covariate=covariate, guardrails=guardrails,
                         planned_split=True, n_boot=n_boot)


def pd_mean(series: pd.Series) -> float | None:
    """Return the mean of a column as a float, or None when it has no numeric values."""
    import pandas as pd

    values = pd.to_numeric(series, errors="coerce").dropna()
    return float(values.mean()) if len(values) else None


def gates_frame(gates: Iterable[Gate]) -> pd.DataFrame:
    """Return gates as a table for a notebook (name, verdict, figure, interval, threshold, why)."""
    import pandas as pd

    columns = ["name", "verdict", "figure", "ci", "threshold", "detail"]
    return pd.DataFrame([{k: g.to_dict().get(k) for k in columns} for g in gates],
                        columns=columns)


def drift_gate(report: Any) -> Gate:
    """Gate a production window's drift: drift warns and asks for a retrain decision.

    Drift alone does not make the product fail: what it does to quality and cost is judged by
    the alert rules and the kill switch; the retrain recommendation below says what to do.
    """
    gate = report.gate("data drift against the frozen reference")
    if gate.verdict == "fail":
        gate.verdict = "warn"
        gate.detail = f"{gate.detail}; see the retrain recommendation".strip("; ")
    return gate


def effect_figures(ws: Workspace, effects: Mapping[str, Any]) -> dict[str, float]:
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


def effect_gates(ws: Workspace, effects: Mapping[str, Any]) -> list[Gate]:
    """Gate each pilot effect against its node's target, with the effect's interval.

    Passes when the lower end of the interval of the reduction reaches the target, warns when
    only the estimate does (the pilot was too small to be sure), fails otherwise.
    """
    gates = []
    for node in ws.metric_tree.nodes:
        if not node.effect_of or node.target is None:
            continue
        measure = ws.metric(node.effect_of).measure
        effect = effects.get(measure.column) if measure else None
        if effect is None:
            continue
        reduction = -float(effect.relative)
        lo, hi = sorted(-float(x) for x in effect.relative_ci)
        verdict = "pass" if lo >= node.target else ("warn" if reduction >= node.target
                                                    else "fail")
        gates.append(Gate(f"pilot effect: {node.name}", verdict, figure=round(reduction, 4),
                          ci=(round(lo, 4), round(hi, 4)), threshold=f">= {node.target:g}",
                          detail=f"{measure.column}: {effect.mean_control:.4g} (control) -> "
                          f"{effect.mean_treatment:.4g} (treatment)",
                          source=f"metric_tree.nodes[{node.id}]"))
    return gates


def drift_reference(ws: Workspace, frame: pd.DataFrame) -> Any:
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


def cost_gates(ws: Workspace, frame: pd.DataFrame, source: DataSource) -> list[Gate]:
    """Check cost per use and latency of a production window against the budgets."""
    b = ws.budgets
    gates = []
    checks = [("cost per use", source.cost_column, "mean", b.cost_per_use, f" {b.currency}"),
              ("latency p50", source.latency_column, "median", b.latency_p50_ms, " ms"),
              ("latency p95", source.latency_column, "p95", b.latency_p95_ms, " ms")]
    for name, column, stat, budget, unit in checks:
        if budget is None or not column or column not in frame:
            continue
        values = frame[column].dropna()
        figure = float(values.quantile(0.95) if stat == "p95" else getattr(values, stat)())
        gates.append(Gate(f"{name} within budget", "pass" if figure <= budget else "fail",
                          figure=round(figure, 6), threshold=f"<= {budget:g}{unit}",
                          source=f"budgets.{name.replace(' ', '_')}"))
    return gates


def stage_gates(ws: Workspace, figures: Mapping[str, float | None]) -> list[Gate]:
    """Entry and exit criteria of the active stage (or the first planned one), on measured figures.

    Criteria of later stages are not judged yet.
    """
    stages = ws.rollout.stages
    if not stages:
        return [Gate("rollout stages planned", "fail", figure=0, threshold=">= 1",
                     detail="plan stages with audiences, entry and exit criteria",
                     source="rollout.stages")]
    index = next((i for i, s in enumerate(stages) if s.status == "active"),
                 next((i for i, s in enumerate(stages) if s.status == "planned"), 0))
    stage = stages[index]
    where = f"rollout.stages[{index}]"
    gates = condition_gates(stage.exit_criteria, figures, where=f"{where}.exit_criteria")
    for g in gates:
        g.name = f"{stage.id} exit: {g.name}"
    if index + 1 < len(stages):
        nxt = stages[index + 1]
        entry = condition_gates(nxt.entry_criteria, figures,
                                where=f"rollout.stages[{index + 1}].entry_criteria")
        for g in entry:
            g.name = f"{nxt.id} entry: {g.name}"
        gates += entry
    return gates


def readiness_gates(ws: Workspace, as_of: dt.date) -> list[Gate]:
    """Check that monitoring and the kill switch are ready before go-live."""
    ks = ws.kill_switch
    gates = [
        Gate("kill switch has conditions", "pass" if ks.conditions else "fail",
             figure=len(ks.conditions), threshold=">= 1", source="kill_switch.conditions"),
        Gate("fallback defined", "pass" if ks.fallback else "fail",
             figure=ks.fallback[:60] or "none", threshold="defined", source="kill_switch"),
        Gate("kill switch has an owner", "pass" if ks.owner else "fail",
             figure=ks.owner or "none", threshold="named", source="kill_switch.owner"),
    ]
    if ks.tested_on is None:
        gates.append(Gate("kill switch tested", "fail", figure="never", threshold="tested",
                          detail="pull it once in a test environment and record tested_on",
                          source="kill_switch.tested_on"))
    else:
        age = (as_of - ks.tested_on).days
        gates.append(Gate("kill switch tested", "pass" if age <= 90 else "warn", figure=age,
                          threshold="<= 90 days ago", source="kill_switch.tested_on"))
    guarded = {n.id for n in ws.metric_tree.nodes if n.designation in ("guardrail", "counter")}
    alerted = {a.metric for a in ws.monitoring.alert_rules}
    missing = sorted(guarded - alerted)
    gates.append(Gate("every guardrail has an alert rule", "warn" if missing else "pass",
                      figure=len(missing), threshold="0 without alert",
                      detail=", ".join(missing), source="monitoring.alert_rules"))
    return gates


def go_no_go(gates: Iterable[Gate], *, strict: bool = False) -> Gate:
    """Decide go / no-go with its reasons: no failed gate (no warning either when strict)."""
    gates = [g for g in gates]
    bad = [g for g in gates if g.verdict == "fail" or (strict and g.verdict == "warn")]
    warn = [g for g in gates if g.verdict == "warn"]
    if bad:
        reasons = "; ".join(f"{g.name} ({g.detail or g.figure})" for g in bad[:8])
        return Gate("go / no-go", "fail", figure="no-go", threshold="no failed gate",
                    detail="no-go because: " + reasons)
    detail = ("go, with warnings: " + "; ".join(g.name for g in warn[:8])) if warn else "go"
    return Gate("go / no-go", "warn" if warn else "pass", figure="go",
                threshold="no failed gate", detail=detail)


def alert_gates(ws: Workspace, figures: Mapping[str, float | None]) -> list[Gate]:
    """Alert rules on the latest window: a fired critical alert fails, a warning warns."""
    gates = []
    for i, rule in enumerate(ws.monitoring.alert_rules):
        g = condition_gate(rule, figures, meaning="trigger", missing="warn",
                           trigger_verdict="fail" if rule.severity == "critical" else "warn",
                           source=f"monitoring.alert_rules[{i}]",
                           name=f"alert {rule.id}: {rule.description or rule.metric}")
        if g.verdict != "pass" and rule.action:
            g.detail = f"{g.detail}. Action: {rule.action}"
        gates.append(g)
    return gates


def kill_switch_gates(ws: Workspace, figures: Mapping[str, float | None]) -> list[Gate]:
    """Kill-switch conditions on the latest window: any condition met fails."""
    gates = []
    for i, cond in enumerate(ws.kill_switch.conditions):
        g = condition_gate(cond, figures, meaning="trigger", missing="warn",
                           source=f"kill_switch.conditions[{i}]",
                           name=f"kill switch {cond.id}: {cond.description or cond.metric}")
        if g.verdict == "fail":
            g.detail += f". Switch off now; fallback: {ws.kill_switch.fallback}"
        gates.append(g)
    return gates


def retrain_recommendation(ws: Workspace, drift_report: Any | None, *,
                           last_trained: dt.date | None, as_of: dt.date,
                           new_labels: int = 0) -> Gate:
    """Recommend a retrain from drift, the planned interval and the labels available."""
    policy = ws.monitoring.retrain
    reasons = []
    if drift_report is not None and policy.on_drift and drift_report.verdict == "drift":
        reasons.append("the data set has drifted")
    if policy.interval_days and last_trained is not None:
        age = (as_of - last_trained).days
        if age >= policy.interval_days:
            reasons.append(f"the model is {age} days old (interval {policy.interval_days})")
    enough = new_labels >= policy.min_new_labels
    if reasons and not enough:
        return Gate("retrain", "warn", figure="wait for labels",
                    threshold=f">= {policy.min_new_labels} new labels",
                    detail="; ".join(reasons) + f"; only {new_labels} new labels",
                    source="monitoring.retrain")
    return Gate("retrain", "warn" if reasons else "pass",
                figure="retrain now" if reasons else "not needed",
                threshold="no drift, within interval", detail="; ".join(reasons),
                source="monitoring.retrain")
