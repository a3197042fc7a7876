"""The gates of the experiments (days 31-60): a model good enough, at a cost we can carry.

The gold set is fit for purpose and looks like production; the acceptance criteria pass (those on
a gold-set metric against the evaluation, those on an operational metric against the variant
under test in the experiment log); a classifier's decided threshold is near the cost optimum; no
group is served much worse; the variant under test fits the cost and latency budgets. Then the
continue / stop decision.

Examples
--------
>>> from aipo_widgets.evidence import Gate
>>> decision = continue_or_stop([Gate("recall", "pass"), Gate("latency", "fail")])
>>> decision.verdict, decision.figure, decision.detail
('fail', 'stop or rework', 'failed: latency')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aipo_widgets.analysis.decisions import current_threshold, threshold_costs
from aipo_widgets.analysis.drift import DriftReport, drift
from aipo_widgets.analysis.evaluation import Evaluation
from aipo_widgets.analysis.fairness import GroupMetrics
from aipo_widgets.analysis.thresholds import ThresholdResult, expected_cost, optimal_threshold
from aipo_widgets.evidence import Gate, Provenance, worst
from aipo_widgets.gates.acceptance import check_acceptance, criteria_defined_gate
from aipo_widgets.gates.common import open_points
from aipo_widgets.gates.conditions import condition_gate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.schema import DataSource, Workspace

__all__ = [
    "ThresholdChoice",
    "acceptance_gates",
    "budget_gates",
    "choose_threshold",
    "continue_or_stop",
    "fairness_gates",
    "production_mix",
    "representativeness_columns",
    "representativeness_gate",
    "threshold_gate",
]


# --------------------------------------------------------------------------------------------
# the gold set


def representativeness_columns(gold: pd.DataFrame, production: pd.DataFrame,
                               source: DataSource) -> list[str]:
    """Choose the columns on which the gold set is compared with production.

    The gold set's ``group_columns`` first, then every other numeric column both tables have,
    leaving out the label, the score and the row id (they differ by construction).

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.model.schema import DataSource
    >>> src = DataSource(id="g", name="Gold", role="gold", label_column="y", id_column="id",
    ...                  group_columns=["lang"])
    >>> gold = pd.DataFrame({"id": [1], "y": [0], "lang": ["de"], "words": [12], "text": ["t"]})
    >>> production = gold.assign(extra=1)
    >>> representativeness_columns(gold, production, src)
    ['lang', 'words']
    """
    import pandas as pd

    skip = {source.label_column, source.score_column, source.id_column}
    return source.group_columns + [
        c for c in gold.columns if c in production.columns and c not in skip
        and c not in source.group_columns and pd.api.types.is_numeric_dtype(gold[c])]


def production_mix(gold: pd.DataFrame, source: DataSource, *, seed: int = 0) -> pd.DataFrame:
    """Return the gold set at the production mix, for comparing it with production.

    An enriched gold set (``production_prevalence`` declared) has more positives than
    production, so its features differ from production's by design; keeping all negatives and a
    seeded sample of the positives at the production prevalence compares like with like. Any
    other gold set is returned as it is.

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.model.schema import DataSource
    >>> src = DataSource(id="g", name="Gold", role="gold", label_column="y", score_column="s",
    ...                  production_prevalence=0.1)
    >>> gold = pd.DataFrame({"y": [1] * 50 + [0] * 90})
    >>> production_mix(gold, src)["y"].value_counts().to_dict()
    {0: 90, 1: 10}
    """
    prior, label = source.production_prevalence, source.label_column
    if prior is None or label is None or label not in gold.columns:
        return gold
    positive = {"1", "1.0", "True", "true"} if source.positive_label is None else {
        str(source.positive_label)}
    pos = gold[label].astype(str).isin(positive)
    n_neg = int((~pos).sum())
    k = max(1, round(prior / (1 - prior) * n_neg))
    if k >= int(pos.sum()):
        return gold
    keep = gold[pos].sample(n=k, random_state=seed)
    return gold[~pos | gold.index.isin(keep.index)]


def representativeness_gate(gold: pd.DataFrame, production: pd.DataFrame,
                            columns: Iterable[str]) -> tuple[Gate, DriftReport | None]:
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


# --------------------------------------------------------------------------------------------
# acceptance criteria


def acceptance_gates(ws: Workspace, evaluation: Evaluation | None,
                     log_figures: Mapping[str, float | None],
                     provenance: Mapping[str, Provenance] | None = None) -> list[Gate]:
    """Check the acceptance criteria: on the gold set, or on the variant under test.

    A criterion whose metric node names an ``eval_metric`` is checked against the gold set's
    evaluation (on the bound of its interval where it says so); one on an operational metric
    (latency, cost) against the figures measured on the latest variant of the experiment log.

    Parameters
    ----------
    ws : Workspace
        The workspace with ``acceptance_criteria``.
    evaluation : Evaluation or None
        The gold set's evaluation; None when there is no gold set (the criteria on it are then
        not checked here: the missing gold set fails on its own).
    log_figures : mapping
        Metric id -> value on the variant under test
        (:func:`aipo_widgets.analysis.measure.latest_variant_figures`).
    provenance : mapping, optional
        Metric id -> where its log figure was measured, or would be (a missing figure's gate
        names it; :func:`aipo_widgets.analysis.measure.measured_provenance`).

    Returns
    -------
    list of Gate
        Whether any criterion is defined (none fails: the phase cannot pass without them),
        then the gold-set criteria's gates, then the operational ones'.
    """
    gates: list[Gate] = [criteria_defined_gate(ws.acceptance_criteria)]
    on_gold = [c for c in ws.acceptance_criteria if ws.metric(c.metric).eval_metric]
    operational = [c for c in ws.acceptance_criteria if not ws.metric(c.metric).eval_metric]
    if evaluation is not None and on_gold:
        gates += check_acceptance(evaluation, on_gold, metric_map=ws.metric_tree.nodes)
    for c in operational:
        gates.append(condition_gate(c, log_figures, source=f"acceptance_criteria[{c.id}]",
                                    provenance=provenance))
    return gates


# --------------------------------------------------------------------------------------------
# the threshold


@dataclass
class ThresholdChoice:
    """A classifier's cost-optimal threshold on the gold set, beside the decided one.

    Parameters
    ----------
    best : ThresholdResult
        The threshold of least expected cost (with Elkan's ``p_star``).
    decided : float or None
        The threshold of the latest decision that set one.
    gate : Gate
        Whether the decided threshold is near the optimum (:func:`threshold_gate`).
    labels, scores : Series
        The gold set's labels (as 0/1) and scores the choice was made on.
    """

    best: ThresholdResult
    decided: float | None
    gate: Gate
    labels: Any
    scores: Any

    def figures(self) -> dict[str, float | None]:
        """Return the key figures: optimal and decided threshold, Elkan's p*."""
        return {"optimal_threshold": self.best.threshold, "decided_threshold": self.decided,
                "elkan_p_star": self.best.p_star}


def choose_threshold(ws: Workspace, gold: pd.DataFrame | None,
                     source: DataSource | None) -> ThresholdChoice | None:
    """Choose a classifier's threshold for the business cost, and gate the decided one.

    Returns
    -------
    ThresholdChoice or None
        None when there is nothing to choose: no gold set, no ``score_column`` (generated
        output has no threshold) or no ``settings.threshold_costs``.
    """
    costs = threshold_costs(ws)
    if gold is None or source is None or not source.score_column or not costs:
        return None
    y = gold[source.label_column].astype(int)
    s = gold[source.score_column]
    best = optimal_threshold(y, s, c_fn=costs["c_fn"], c_fp=costs["c_fp"], c_tp=costs["c_tp"],
                             c_tn=costs["c_tn"], review_cost=costs["review_cost"],
                             prevented_share=costs.get("prevented_share", 1.0),
                             volume_per_period=costs.get("volume_per_month"),
                             prevalence=source.production_prevalence)
    decided = current_threshold(ws)
    gate = threshold_gate(best, decided, y, s, costs, prevalence=source.production_prevalence)
    return ThresholdChoice(best, decided, gate, y, s)


def threshold_gate(result: ThresholdResult, decided: float | None, labels: Any, scores: Any,
                   costs: Mapping[str, float], *, tolerance: float = 0.1,
                   prevalence: float | None = None) -> Gate:
    """Compare the decided threshold's expected cost with the cost-optimal one's.

    Passes when the decided threshold costs at most ``tolerance`` (10 %) more than the optimum
    on the gold set (reweighted to the production ``prevalence`` of an enriched gold set);
    warns otherwise, or when no threshold has been decided yet.
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
    keys = ("c_fn", "c_fp", "c_tp", "c_tn", "review_cost", "prevented_share")
    cost = expected_cost(confusion, **{k: costs[k] for k in keys if k in costs},
                         prevalence=prevalence)
    total = float(cost["total"])
    best = float(result.total_cost)
    excess = (total - best) / abs(best) if best else 0.0
    return Gate("decided threshold near the cost optimum",
                "pass" if excess <= tolerance else "warn", figure=round(excess, 4),
                threshold=f"<= {tolerance:.0%} above the optimum",
                detail=(f"decided {decided:g}: total cost {total:,.0f}; optimum "
                        f"{result.threshold:.4g}: {best:,.0f} on the gold set"),
                source="decisions")


# --------------------------------------------------------------------------------------------
# fairness


def fairness_gates(ws: Workspace, fair: GroupMetrics, *,
                   max_difference: float = 0.1) -> list[Gate]:
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


# --------------------------------------------------------------------------------------------
# cost and latency


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


# --------------------------------------------------------------------------------------------
# the decision


def continue_or_stop(gates: Iterable[Gate]) -> Gate:
    """Decide continue / stop after the experiments, from their gates.

    The detail always counts the failures and the warnings: a "continue" that comes with
    warnings says so (never "every gate passed" above a list of warnings).

    Examples
    --------
    >>> d = continue_or_stop([Gate("recall", "pass"), Gate("class balance", "warn")])
    >>> d.figure, d.verdict, d.detail
    ('continue to rollout', 'warn', 'continue, with 1 warning: class balance')
    >>> continue_or_stop([Gate("recall", "pass")]).detail
    'every gate passed (1)'
    """
    gates = list(gates)
    failed = [g.name for g in gates if g.verdict == "fail"]
    verdict = worst(gates)
    decision = "stop or rework" if failed else "continue to rollout"
    warnings = open_points(gates, "warn")
    if failed:
        detail = "failed: " + "; ".join(failed) + (f"; and {warnings}" if warnings else "")
    elif warnings:
        detail = f"continue, with {warnings}"
    else:
        detail = f"every gate passed ({len(gates)})"
    return Gate("continue to rollout", "fail" if failed else ("warn" if verdict == "warn"
                                                               else "pass"),
                figure=decision, threshold="no failed gate", detail=detail)
