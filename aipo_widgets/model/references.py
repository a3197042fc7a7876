"""Cross-references inside a workspace: unique ids, and every name that points elsewhere.

Metrics named by criteria, risks named by backlog items, sources named by checks, drivers named
by correlations, and the risk band map's consistency.  :func:`check_references` returns every
problem with its path, so that the loader reports them all at once with their line numbers; it
runs once the fields themselves are valid.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> check_references(Workspace.model_validate({
...     "product": {"name": "x", "owner": "y"},
...     "acceptance_criteria": [{"id": "AC1", "metric": "recall", "operator": ">=", "value": 0.9}],
... }))[0].message
"names metric 'recall', which is not in metric_tree.nodes"
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pydantic import BaseModel

from aipo_widgets._text import suggest
from aipo_widgets.errors import Path, Problem, format_path
from aipo_widgets.model.backlog_weights import backlog_weight_problems
from aipo_widgets.model.correlations import correlation_problems
from aipo_widgets.model.governance_refs import governance_problems
from aipo_widgets.model.pilot_design import pilot_design_problems
from aipo_widgets.model.risk_bands import check_band_map
from aipo_widgets.model.schema import Workspace

__all__ = ["check_references"]


def _duplicates(items: Sequence[BaseModel], key: str,
                where: Path) -> Iterator[tuple[Path, str, str]]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            yield (
                (*where, i, key),
                f"duplicate id '{value}' (also at {format_path((*where, seen[value]))})",
                "give each entry its own id",
            )
        else:
            seen[value] = i


def _reference_problems(ws: Workspace) -> Iterator[tuple[Path, str, str]]:
    nodes = [n.id for n in ws.metric_tree.nodes]
    node_set = set(nodes)
    risks = [r.id for r in ws.risks]
    risk_set = set(risks)
    sources = [s.id for s in ws.data_map.sources]
    source_set = set(sources)

    # Unique ids within each list.
    lists: list[tuple[Path, Sequence[BaseModel]]] = [
        (("value_hypotheses",), ws.value_hypotheses),
        (("metric_tree", "nodes"), ws.metric_tree.nodes),
        (("acceptance_criteria",), ws.acceptance_criteria),
        (("data_map", "sources"), ws.data_map.sources),
        (("data_map", "quality_checks"), ws.data_map.quality_checks),
        (("risks",), ws.risks),
        (("backlog",), ws.backlog),
        (("rollout", "stages"), ws.rollout.stages),
        (("monitoring", "alert_rules"), ws.monitoring.alert_rules),
        (("kill_switch", "conditions"), ws.kill_switch.conditions),
        (("decisions",), ws.decisions),
    ]
    for where, items in lists:
        yield from _duplicates(items, "id", where)

    def metric_ref(name: str | None, path: Path) -> Iterator[tuple[Path, str, str]]:
        if name is not None and name not in node_set:
            yield (
                path,
                f"names metric '{name}', which is not in metric_tree.nodes",
                suggest(name, nodes),
            )

    # Metric tree: root, parents, guardrails.
    mt = ws.metric_tree
    yield from metric_ref(mt.root, ("metric_tree", "root"))
    for i, node in enumerate(mt.nodes):
        yield from metric_ref(node.parent, ("metric_tree", "nodes", i, "parent"))
        for j, g in enumerate(node.guardrails):
            yield from metric_ref(g, ("metric_tree", "nodes", i, "guardrails", j))
        yield from metric_ref(node.effect_of, ("metric_tree", "nodes", i, "effect_of"))
    for i, node in enumerate(mt.nodes):
        if node.measure and node.measure.source and node.measure.source not in source_set:
            yield (
                ("metric_tree", "nodes", i, "measure", "source"),
                f"names data source '{node.measure.source}', which is not in data_map.sources",
                suggest(node.measure.source, sources),
            )
    for i, h in enumerate(ws.value_hypotheses):
        yield from metric_ref(h.metric, ("value_hypotheses", i, "metric"))
    for i, c in enumerate(ws.acceptance_criteria):
        yield from metric_ref(c.metric, ("acceptance_criteria", i, "metric"))
    for i, a in enumerate(ws.monitoring.alert_rules):
        yield from metric_ref(a.metric, ("monitoring", "alert_rules", i, "metric"))
    for i, k in enumerate(ws.kill_switch.conditions):
        yield from metric_ref(k.metric, ("kill_switch", "conditions", i, "metric"))
    for i, stage in enumerate(ws.rollout.stages):
        for kind in ("entry_criteria", "exit_criteria"):
            for j, c in enumerate(getattr(stage, kind)):
                yield from metric_ref(c.metric, ("rollout", "stages", i, kind, j, "metric"))

    # Backlog -> risks.
    for i, item in enumerate(ws.backlog):
        for kind in ("mitigates", "blocked_by"):
            for j, rid in enumerate(getattr(item, kind)):
                if rid not in risk_set:
                    yield (
                        ("backlog", i, kind, j),
                        f"names risk '{rid}', which is not in risks",
                        suggest(rid, risks),
                    )

    # Data sources -> risks.
    for i, src in enumerate(ws.data_map.sources):
        for j, rid in enumerate(src.risks):
            if rid not in risk_set:
                yield (
                    ("data_map", "sources", i, "risks", j),
                    f"names risk '{rid}', which is not in risks",
                    suggest(rid, risks),
                )

    # Data map and monitoring -> sources.
    for i, check in enumerate(ws.data_map.quality_checks):
        if check.source not in source_set:
            yield (
                ("data_map", "quality_checks", i, "source"),
                f"names data source '{check.source}', which is not in data_map.sources",
                suggest(check.source, sources),
            )
    ev = ws.evaluation
    for path, sid in ((("evaluation", "split", "source"), ev.split and ev.split.source),
                      (("evaluation", "double_review", "source"),
                       ev.double_review and ev.double_review.source),
                      (("evaluation", "judge", "source"), ev.judge and ev.judge.source),
                      (("evaluation", "candidates", "source"),
                       ev.candidates and ev.candidates.source),
                      (("evaluation", "safety", "outputs"), ev.safety and ev.safety.outputs)):
        if sid and sid not in source_set:
            yield (path, f"names data source '{sid}', which is not in data_map.sources",
                   suggest(sid, sources))
    for key in ("reference", "current"):
        sid = getattr(ws.monitoring.drift, key)
        if sid is not None and sid not in source_set:
            yield (
                ("monitoring", "drift", key),
                f"names data source '{sid}', which is not in data_map.sources",
                suggest(sid, sources),
            )

    # Business case: the adoption driver and exit criteria refer to drivers or metrics.
    bc = ws.business_case
    if bc is not None:
        drivers = list(bc.drivers)
        if bc.adoption is not None and bc.adoption.driver not in bc.drivers:
            yield (
                ("business_case", "adoption", "driver"),
                f"names driver '{bc.adoption.driver}', which is not in business_case.drivers",
                suggest(bc.adoption.driver, drivers),
            )
        for i, rule in enumerate(bc.exit_criteria):
            if rule.metric not in bc.drivers and rule.metric not in node_set:
                yield (
                    ("business_case", "exit_criteria", i, "metric"),
                    f"names '{rule.metric}', which is neither a business-case driver nor a "
                    "metric",
                    suggest(rule.metric, drivers + nodes),
                )
        # Correlations: known uncertain drivers, each pair once, consistent together (the
        # checks need the drivers' ranges and a matrix, so they live with the simulation).

        yield from correlation_problems(bc)

    # Threshold costs name metrics or business-case drivers (the threshold follows them).
    tc = ws.settings.threshold_costs
    if tc is not None:
        drivers = list(bc.drivers) if bc is not None else []
        for key, value in tc:
            if isinstance(value, str) and value not in node_set and value not in drivers:
                yield (
                    ("settings", "threshold_costs", key),
                    f"names '{value}', which is neither a metric in metric_tree.nodes nor a "
                    "business-case driver",
                    suggest(value, nodes + drivers, none="give a number, or the id of a "
                            "metric or a driver that holds it"),
                )

    # Plan, sign-offs, RACI and notification channels.
    yield from governance_problems(ws)
    # Pilot stages: each design reads a pilot data source with arms.
    yield from pilot_design_problems(ws)


def check_references(ws: Workspace) -> list[Problem]:
    """Check the workspace's cross-references, unique ids and its risk band map.

    Parameters
    ----------
    ws : Workspace
        A workspace that passed model validation.

    Returns
    -------
    list of Problem
        One problem per dangling reference or duplicate id, with its path (no file or line:
        :mod:`aipo_widgets.model.workspace` adds them).
    """
    problems = [
        Problem(message, path=format_path(path), fix=fix, code="reference")
        for path, message, fix in _reference_problems(ws)
    ]
    # Weights the method does not have would otherwise pass validate and stop discovery.
    problems += backlog_weight_problems(ws.settings.backlog_method, ws.settings.backlog_weights)
    if ws.settings.risk_bands is not None:
        # A map whose band falls as likelihood or impact grows ranks risks wrongly; say so at
        # validation, not only when the risk matrix is first drawn.
        problems += check_band_map(ws.settings.risk_bands)
    return problems
