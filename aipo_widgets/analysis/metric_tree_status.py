"""A metric tree node's status: progress to its target, or a guardrail against its threshold.

The rules are those of :mod:`aipo_widgets.analysis.metric_tree` (module documentation, "Status");
:meth:`aipo_widgets.analysis.metric_tree.Tree.status` applies them to every node.  Each rule
that fires is kept in words on the node's result, so the widget can show why.

Examples
--------
>>> from aipo_widgets.model.schema import MetricNode
>>> csat = MetricNode(id="csat", name="CSAT", designation="guardrail", threshold=4.2)
>>> judge(csat, 4.25, None, None, None, expected_progress=1.0, guardrail_margin=0.05)
('at_risk', 'guardrail within 5% of its floor 4.2')
"""

from __future__ import annotations

import math

from aipo_widgets._text import suggest
from aipo_widgets.analysis.formulas import Expression
from aipo_widgets.analysis.metric_tree_results import NodeResult, Status
from aipo_widgets.analysis.metric_tree_structure import GUARD, path
from aipo_widgets.errors import Problem
from aipo_widgets.model import schema as spec

__all__ = ["guardrail_warnings", "judge", "node_result"]

_SNAPSHOTS = ("baseline", "target", "current")


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


def node_result(
    nid: str,
    node: spec.MetricNode,
    i: int,
    expr: Expression | None,
    snaps: dict[str, dict[str, float | None]],
    depth: int,
    warnings: list[Problem],
    *,
    expected_progress: float,
    guardrail_margin: float,
) -> NodeResult:
    """Return one node's value, baseline, target, progress and status.

    Parameters
    ----------
    nid, node : str, MetricNode
        The node and its workspace model.
    i : int
        Its position in ``metric_tree.nodes`` (for the paths of warnings).
    expr : Expression or None
        Its parsed formula, if it has one.
    snaps : dict
        Snapshot name (baseline, target, current) -> every node's value, formulas computed.
    depth : int
        Its distance from the root.
    warnings : list of Problem
        Where the node's warnings are appended (a declared value that differs from the
        computed one, a target on the wrong side of the baseline).
    expected_progress, guardrail_margin : float
        As in :class:`aipo_widgets.analysis.metric_tree.Tree`.

    Returns
    -------
    NodeResult
        ``guardrails_breached`` is left empty: it needs every node's status.
    """
    is_formula = expr is not None
    # value
    # A node's current: is typed in aipo.yaml, not measured (the phases measure their own).
    value, value_source = node.current, ("typed" if node.current is not None else None)
    computed: dict[str, float | None] = {s: snaps[s].get(nid) for s in _SNAPSHOTS}
    if is_formula and computed["current"] is not None:
        if node.current is not None and not _close(node.current, computed["current"]):
            warnings.append(
                Problem(f"'{nid}': the declared current {node.current:g} differs from "
                        f"the computed {computed['current']:g}; the computed value is "
                        "used", path=path(i, "current"),
                        fix="remove the declared value or correct the formula or its "
                        "inputs", code="declared_differs")
            )
        value, value_source = computed["current"], "formula"
    # baseline and target: declared first, else implied by the inputs
    picked: dict[str, tuple[float | None, str | None]] = {}
    for s in ("baseline", "target"):
        declared = getattr(node, s)
        implied = computed[s] if is_formula else None
        if declared is not None:
            picked[s] = (declared, "declared")
            if implied is not None and not _close(declared, implied):
                what = ("the inputs' targets give" if s == "target"
                        else "the inputs' baselines give")
                warnings.append(
                    Problem(f"'{nid}': {what} {implied:g}, but its own {s} is "
                            f"{declared:g}", path=path(i, s),
                            fix="align the inputs' values with the node's, or accept the gap "
                            "knowingly", code="implied_differs")
                )
        else:
            picked[s] = (implied, "formula" if implied is not None else None)
    baseline, baseline_source = picked["baseline"]
    target, target_source = picked["target"]
    if (
        baseline is not None and target is not None and target != baseline
        and (target > baseline) != (node.direction == "higher")
    ):
        warnings.append(
            Problem(f"'{nid}': the target {target:g} is on the worse side of the baseline "
                    f"{baseline:g} for a metric where {node.direction} is better",
                    path=path(i, "direction"),
                    fix="check the direction or the target", code="target_direction")
        )
    progress = None
    if value is not None and baseline is not None and target is not None and target != baseline:
        progress = (value - baseline) / (target - baseline)
    status, rule = judge(node, value, baseline, target, progress,
                         expected_progress=expected_progress, guardrail_margin=guardrail_margin)
    if expr is not None and computed["current"] is None and value_source is None:
        missing = [n for n in expr.names if snaps["current"].get(n) is None]
        if missing:
            rule = f"no value: the formula needs a current value for {', '.join(missing)}"
    inputs = {n: snaps["current"].get(n) for n in expr.names} if expr is not None else {}
    return NodeResult(
        id=nid, name=node.name, unit=node.unit, designation=node.designation,
        direction=node.direction, parent=node.parent, depth=depth, formula=node.formula,
        value=value, value_source=value_source, baseline=baseline,
        baseline_source=baseline_source, target=target, target_source=target_source,
        implied_target=computed["target"] if is_formula else None,
        threshold=node.threshold, progress=progress, status=status, rule=rule,
        inputs=inputs, guardrails=list(node.guardrails),
    )


def judge(
    node: spec.MetricNode,
    value: float | None,
    baseline: float | None,
    target: float | None,
    progress: float | None,
    *,
    expected_progress: float,
    guardrail_margin: float,
) -> tuple[Status, str]:
    """Return a node's status and the rule that gave it, in words.

    Parameters
    ----------
    node : MetricNode
        Its direction, designation and threshold are read.
    value, baseline, target, progress : float or None
        The figures :func:`node_result` settled on.
    expected_progress, guardrail_margin : float
        As in :class:`aipo_widgets.analysis.metric_tree.Tree`.

    Returns
    -------
    tuple
        ``(status, rule)``.
    """
    higher = node.direction == "higher"
    if value is None:
        return "no_data", "no current value"
    if node.designation in GUARD and node.threshold is not None:
        t = node.threshold
        ref = abs(t) if t != 0 else abs(baseline or 0.0)
        margin = guardrail_margin * ref
        side = "floor" if higher else "ceiling"
        headroom = value - t if higher else t - value
        if headroom < 0:
            return "off_track", f"guardrail breached: {value:g} is beyond its {side} {t:g}"
        if headroom <= margin:
            return "at_risk", f"guardrail within {guardrail_margin:.0%} of its {side} {t:g}"
        where = "above" if higher else "below"
        return "on_track", f"guardrail holds: {value:g} is {where} its {side} {t:g}"
    if target is None:
        if node.designation in GUARD:
            return "no_data", "guardrail without a threshold or target"
        return "no_data", "no target"
    if progress is None:
        met = value >= target if higher else value <= target
        if met:
            return "on_track", f"target {target:g} met (no baseline to measure progress)"
        return "at_risk", f"target {target:g} not met; no baseline, so progress is unknown"
    exp = expected_progress
    if progress >= exp:
        return "on_track", f"progress {progress:.0%} >= {exp:.0%} of the way to the target"
    if progress > 0:
        return "at_risk", f"progress {progress:.0%}: better than baseline, short of {exp:.0%}"
    return "off_track", f"progress {progress:.0%}: no better than the baseline"


def guardrail_warnings(
    nodes: dict[str, spec.MetricNode], index: dict[str, int]
) -> list[Problem]:
    """Return the guardrail rules' warnings.

    An input metric without a guardrail or counter metric, a guardrail name that is no node,
    a guardrail without a threshold, a tree without any guardrail.

    Parameters
    ----------
    nodes, index : dict
        Node id -> its model, and -> its position in ``metric_tree.nodes``.

    Returns
    -------
    list of Problem

    Examples
    --------
    >>> from aipo_widgets.model.schema import MetricNode
    >>> [p.code for p in guardrail_warnings({"a": MetricNode(id="a", name="A")}, {"a": 0})]
    ['missing_guardrail']
    """
    out: list[Problem] = []
    guards = {nid for nid, n in nodes.items() if n.designation in GUARD}
    for nid, node in nodes.items():
        i = index[nid]
        unknown = [g for g in node.guardrails if g not in nodes]
        for g in unknown:
            out.append(
                Problem(f"'{nid}' names guardrail '{g}', which is not a node",
                        path=path(i, "guardrails"), fix=suggest(g, list(nodes)),
                        code="unknown_reference")
            )
        if node.designation == "input":
            named = [g for g in node.guardrails if g in guards]
            if not named:
                extra = (
                    f" (it names {', '.join(node.guardrails)}, but none is designated "
                    "guardrail or counter)" if node.guardrails else ""
                )
                out.append(
                    Problem(f"input metric '{nid}' has no guardrail or counter metric{extra}",
                            path=path(i, "guardrails"),
                            fix="name a metric that must not degrade when this one improves, "
                            "e.g. CSAT or reopen rate for handling time",
                            code="missing_guardrail")
                )
        if node.designation in GUARD and node.threshold is None and node.target is None:
            out.append(
                Problem(f"{node.designation} metric '{nid}' has no threshold",
                        path=path(i, "threshold"),
                        fix="set the value that must not be crossed",
                        code="missing_threshold")
            )
    if nodes and not guards:
        out.append(
            Problem("the tree has no guardrail or counter metric",
                    path="metric_tree.nodes",
                    fix="add at least one metric that must not degrade (quality, CSAT, "
                    "latency, complaint rate)", code="missing_guardrail")
        )
    return out
