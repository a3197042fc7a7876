"""The gates of the rollout (days 61-90): go live in stages, with a way back.

The pilot shows the effect against its control (the lower end of the effect's interval reaches
the target); the active stage's exit criteria and the next stage's entry criteria are met; the
drift reference is frozen; every guardrail has an alert rule; the kill switch has conditions, an
owner, a fallback and a recent test. Then the go / no-go decision, with its reasons.

Examples
--------
>>> from aipo_widgets.evidence import Gate
>>> verdict = go_no_go([Gate("pilot effect", "pass"), Gate("kill switch tested", "warn")])
>>> verdict.verdict, verdict.figure, verdict.detail
('warn', 'go', 'go, with 1 warning: kill switch tested')
>>> go_no_go([Gate("kill switch tested", "warn")], strict=True).figure
'no-go'
"""

from __future__ import annotations

import datetime as dt
import re
import textwrap
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.analysis.pilot_effects import Effect
from aipo_widgets.analysis.pilot_plan import DesignPlan
from aipo_widgets.evidence import Gate, Provenance, Verdict
from aipo_widgets.gates.common import open_points
from aipo_widgets.gates.conditions import condition_gates

if TYPE_CHECKING:  # pragma: no cover
    from aipo_widgets.model.schema import Workspace

__all__ = [
    "drift_reference_gate",
    "effect_gates",
    "go_no_go",
    "pilot_size_gate",
    "pilot_stage_gates",
    "readiness_gates",
    "stage_gates",
]


def effect_gates(ws: Workspace, effects: Mapping[str, Effect],
                 provenance: Mapping[str, Provenance] | None = None) -> list[Gate]:
    """Gate each pilot effect against its node's target, with the effect's interval.

    Passes when the lower end of the interval of the reduction reaches the target, warns when
    only the estimate does (the pilot was too small to be sure), fails otherwise. A pilot whose
    design allows no inference (one cluster per arm) never passes: it warns, with its estimate
    and without an interval. ``provenance`` (by column) says where each effect was measured.
    """
    gates = []
    for node in ws.metric_tree.nodes:
        if not node.effect_of or node.target is None:
            continue
        measure = ws.metric(node.effect_of).measure
        effect = effects.get(measure.column) if measure else None
        if measure is None or effect is None:
            continue
        reduction = -float(effect.relative)
        where = f"{measure.column}: {effect.mean_control:.4g} (control) -> " \
                f"{effect.mean_treatment:.4g} (treatment)"
        if effect.design == "difference in differences":
            where = (f"{measure.column}: {effect.mean_control:.4g} (counterfactual: the changed "
                     f"group before, moved as the control moved) -> "
                     f"{effect.mean_treatment:.4g} (changed group after)")
        prov = (provenance or {}).get(measure.column)
        if not effect.inference:
            gates.append(Gate(
                f"pilot effect: {node.name}", "warn", figure=round(reduction, 4),
                threshold=f">= {node.target:g}",
                detail=f"no inference possible ({effect.design}, one cluster per arm): the "
                f"estimate {'reaches' if reduction >= node.target else 'misses'} the target "
                f"but has no interval; {where}", source=f"metric_tree.nodes[{node.id}]",
                extra={"design": effect.design, "clusters": effect.clusters},
                provenance=prov))
            continue
        lo, hi = sorted(-float(x) for x in effect.relative_ci)
        verdict: Verdict = "pass" if lo >= node.target else (
            "warn" if reduction >= node.target else "fail")
        gates.append(Gate(f"pilot effect: {node.name}", verdict, figure=round(reduction, 4),
                          ci=(round(lo, 4), round(hi, 4)), threshold=f">= {node.target:g}",
                          detail=where, source=f"metric_tree.nodes[{node.id}]",
                          extra={"design": effect.design, "clusters": effect.clusters},
                          provenance=prov))
    return gates


def stage_gates(ws: Workspace, figures: Mapping[str, float | None],
                provenance: Mapping[str, Provenance] | None = None,
                typed: Mapping[str, tuple[float, Provenance]] | None = None) -> list[Gate]:
    """Entry and exit criteria of the active stage (or the first planned one), on measured figures.

    Criteria of later stages are not judged yet. A criterion whose figure was not measured in
    the pilot or production data does not pass: it warns "not measured" (a failure with
    ``--strict``) and says where the figure would come from (``provenance``'s missing entries);
    a value only typed in ``aipo.yaml`` (``typed``) is shown as typed.
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
    how = {"provenance": provenance, "typed": typed, "missing": "warn"}
    gates = condition_gates(stage.exit_criteria, figures, where=f"{where}.exit_criteria", **how)
    for g in gates:
        g.name = f"{stage.id} exit: {g.name}"
    if index + 1 < len(stages):
        nxt = stages[index + 1]
        entry = condition_gates(nxt.entry_criteria, figures,
                                where=f"rollout.stages[{index + 1}].entry_criteria", **how)
        for g in entry:
            g.name = f"{nxt.id} entry: {g.name}"
        gates += entry
    return gates


def pilot_stage_gates(ws: Workspace, as_of: dt.date) -> list[Gate]:
    """Every pilot stage has a design and a decide-by date, and no pilot is past it undecided.

    A pilot stage is one that declares ``pilot:`` (its design), or whose id or name says pilot.
    Without a decide-by date a pilot can run forever ("pilot purgatory"): that warns, as does a
    pilot still undecided (status neither done nor stopped) after its date. A pilot data source
    analysed without a declared design warns too: it is analysed as individually randomised
    with equal shares, which may not be how its arms were formed.

    Examples
    --------
    >>> import datetime as dt
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "rollout": {"stages": [{"id": "pilot", "name": "Pilot", "status": "active",
    ...         "decide_by": "2026-11-30",
    ...         "pilot": {"design": "individually_randomised"}}]}})
    >>> [(g.name, g.verdict) for g in pilot_stage_gates(ws, dt.date(2026, 12, 7))]
    [('pilot decided by its date: pilot', 'warn')]
    """
    gates: list[Gate] = []
    pilot_sources = [s.id for s in ws.data_map.sources if s.role == "pilot" and s.arm_column]
    declared = [s for s in ws.rollout.stages if s.pilot is not None]
    if pilot_sources and not declared:
        gates.append(Gate(
            "pilot design declared", "warn", figure="none", threshold="declared",
            detail=f"no rollout stage declares its pilot design, so {', '.join(pilot_sources)} "
            "is analysed as individually randomised with equal shares (the old default); add "
            "pilot: {design: ...} to the pilot stage (individually_randomised, "
            "cluster_randomised, before_after_control or switchback)",
            source="rollout.stages[].pilot"))
    for i, stage in enumerate(ws.rollout.stages):
        if not stage.is_pilot:
            continue
        where = f"rollout.stages[{i}].decide_by"
        name = f"pilot decided by its date: {stage.id}"
        decided = stage.status in ("done", "stopped")
        if stage.decide_by is None:
            gates.append(Gate(
                name, "warn", figure="no date", threshold="a decide-by date",
                detail="a pilot without a decide-by date can run forever; set decide_by: the "
                "day the go / stop / extend decision is due" + (
                    " (for the next pilot: this one is decided)" if decided else ""),
                source=where))
            continue
        late = (as_of - stage.decide_by).days
        if decided:
            gates.append(Gate(name, "pass", figure=stage.status,
                              threshold=f"decided by {stage.decide_by.isoformat()}",
                              detail=f"the pilot is {stage.status}", source=where))
        elif late > 0:
            gates.append(Gate(
                name, "warn", figure=f"{late} days overdue",
                threshold=f"decided by {stage.decide_by.isoformat()}",
                detail=f"the pilot is {stage.status} {late} days after its decide-by date "
                f"{stage.decide_by.isoformat()}: decide go, stop, or extend it (log the "
                "decision and set a new decide_by)",
                source=where))
        else:
            gates.append(Gate(
                name, "pass", figure=f"{-late} days left",
                threshold=f"decided by {stage.decide_by.isoformat()}",
                detail=f"the decision is due on {stage.decide_by.isoformat()}", source=where))
    return gates


def pilot_size_gate(source_id: str, plan: DesignPlan, has: Mapping[str, tuple[int, int]],
                    provenance: Provenance | None = None) -> Gate:
    """Gate whether the pilot was large enough, for its design, to detect its target effect.

    Warns when an arm has fewer units (or clusters, periods) than the plan needs, or a single
    cluster: the pilot could miss the target effect, or cannot test it at all.

    Examples
    --------
    >>> from aipo_widgets.analysis.pilot_plan import plan_design
    >>> plan = plan_design("cluster_randomised", relative_effect=-0.25, baseline_mean=12,
    ...                    baseline_sd=6, icc=0.05, cluster_size=40)
    >>> g = pilot_size_gate("tickets", plan, {"units_per_arm": (400, 400),
    ...                                       "clusters_per_arm": (10, 10)})
    >>> g.verdict, g.figure, g.threshold
    ('pass', '10 and 10 clusters', '>= 6 and 6 clusters')
    """
    units, clusters = has["units_per_arm"], has.get("clusters_per_arm")
    short = []
    if clusters is not None and min(clusters) < 2:
        short.append("one cluster per arm: no number of units allows a test")
    if plan.clusters_per_arm is not None and clusters is not None:
        figure = "{} and {} clusters".format(*clusters)
        threshold = ">= {} and {} clusters".format(*plan.clusters_per_arm)
        if any(h < n for h, n in zip(clusters, plan.clusters_per_arm, strict=True)):
            short.append(f"fewer clusters than the {threshold[3:]} needed")
    else:
        figure = "{} and {} units".format(*units)
        threshold = ">= {} and {} units".format(*plan.units_per_arm)
        if any(h < n for h, n in zip(units, plan.units_per_arm, strict=True)):
            short.append(f"fewer units than the {threshold[3:]} needed")
    target = f"{plan.relative_effect:+.0%} at {plan.power:.0%} power ({plan.design})"
    return Gate(
        f"pilot size for its design: {source_id}", "warn" if short else "pass", figure=figure,
        threshold=threshold,
        detail=(("too small to detect " + target + ": " + "; ".join(short)) if short
                else f"large enough to detect {target}"),
        extra={"design_effect": plan.design_effect, "icc": plan.icc,
               "icc_source": plan.icc_source},
        provenance=provenance)


def _first_sentence(text: str, most: int = 160) -> str:
    """Return the first sentence of a text, or its first words with "…" when that is long.

    A figure is read in a table cell: the whole fallback plan is in aipo.yaml, and a text cut
    at a fixed number of characters would end mid-word.

    Examples
    --------
    >>> _first_sentence("Turn the flag off. Agents write summaries by hand, as before.")
    'Turn the flag off.'
    >>> _first_sentence("word " * 40, most=20)
    'word word word …'
    """
    first = re.split(r"(?<=[.;!?])\s+", " ".join(text.split()), maxsplit=1)[0]
    return first if len(first) <= most else textwrap.shorten(first, most, placeholder=" …")


def readiness_gates(ws: Workspace, as_of: dt.date) -> list[Gate]:
    """Check that monitoring and the kill switch are ready before go-live."""
    ks = ws.kill_switch
    gates = [
        Gate("kill switch has conditions", "pass" if ks.conditions else "fail",
             figure=len(ks.conditions), threshold=">= 1", source="kill_switch.conditions"),
        Gate("fallback defined", "pass" if ks.fallback else "fail",
             figure=_first_sentence(ks.fallback) or "none", threshold="defined",
             source="kill_switch"),
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
    detail = f"go, with {open_points(warn)}" if warn else "go"
    return Gate("go / no-go", "warn" if warn else "pass", figure="go",
                threshold="no failed gate", detail=detail)


def drift_reference_gate(reference: Reference | None, *, file_name: str = "",
                         source_id: str = "") -> Gate:
    """Gate the frozen drift reference: production is compared with what was validated.

    Parameters
    ----------
    reference : Reference or None
        The frozen reference; None when ``monitoring.drift.reference`` names no data source
        that was read.
    file_name : str
        The file it was written to.
    source_id : str
        The data source it was frozen from.

    Examples
    --------
    >>> drift_reference_gate(None).verdict
    'warn'
    """
    if reference is None:
        return Gate("drift reference frozen", "warn", figure="none",
                    detail="set monitoring.drift.reference to a data source")
    return Gate("drift reference frozen", "pass", figure=len(reference.columns),
                threshold="columns", detail=f"{file_name} from {source_id}")
