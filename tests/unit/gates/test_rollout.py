"""The gates of the rollout, without a kernel: pilot effects, stages, the drift reference,
readiness (alerts, kill switch) and the go / no-go decision."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.analysis.pilot_effects import Effect
from aipo_widgets.evidence import Gate, Provenance
from aipo_widgets.gates.rollout import (
    drift_reference_gate,
    effect_gates,
    go_no_go,
    readiness_gates,
    stage_gates,
)
from aipo_widgets.model.schema import Workspace

AS_OF = dt.date(2026, 12, 1)


def make_ws(**sections) -> Workspace:
    return Workspace.model_validate({"product": {"name": "x", "owner": "y"}, **sections})


# --------------------------------------------------------------------------------------------
# pilot effects


TREE = {"root": "t", "nodes": [
    {"id": "t", "name": "Handling time", "measure": {"column": "minutes"}},
    {"id": "saving", "name": "Time saved", "parent": "t", "effect_of": "t", "target": 0.25}]}


def effect(relative: float, relative_ci: tuple[float, float]) -> Effect:
    return Effect(metric="minutes", design="controlled", n_treatment=100, n_control=100,
                  mean_treatment=20 * (1 + relative), mean_control=20.0, sd_treatment=5.0,
                  sd_control=5.0, difference=20 * relative, ci=(-1.0, 1.0), p_value=0.01,
                  t=2.0, df=198.0, relative=relative, relative_ci=relative_ci, confidence=0.95)


@pytest.mark.parametrize(("relative", "ci", "verdict"), [
    (-0.30, (-0.35, -0.26), "pass"),  # even the smallest reduction reaches 25 %
    (-0.30, (-0.40, -0.20), "warn"),  # the estimate does, the interval's end does not
    (-0.20, (-0.30, -0.10), "fail"),
])
def test_a_pilot_effect_is_judged_on_its_interval(relative, ci, verdict) -> None:
    (gate,) = effect_gates(make_ws(metric_tree=TREE), {"minutes": effect(relative, ci)})
    assert (gate.name, gate.verdict, gate.figure, gate.threshold) == (
        "pilot effect: Time saved", verdict, -relative, ">= 0.25")
    assert gate.ci == tuple(sorted((-ci[0], -ci[1])))
    assert gate.detail.startswith("minutes: 20 (control) -> ")


def test_no_effect_measured_gives_no_gate() -> None:
    assert effect_gates(make_ws(metric_tree=TREE), {}) == []


# --------------------------------------------------------------------------------------------
# stages


def stage(sid: str, status: str, **criteria) -> dict:
    return {"id": sid, "name": sid, "status": status, **criteria}


EXIT = [{"id": "X1", "metric": "t", "operator": "<=", "value": 15}]
ENTRY = [{"id": "E1", "metric": "saving", "operator": ">=", "value": 0.2}]


def test_the_active_stage_exit_and_the_next_stage_entry_are_judged() -> None:
    ws = make_ws(metric_tree=TREE, rollout={"stages": [
        stage("shadow", "done", exit_criteria=EXIT),
        stage("pilot", "active", exit_criteria=EXIT),
        stage("ga", "planned", entry_criteria=ENTRY, exit_criteria=EXIT),
        stage("later", "planned", entry_criteria=ENTRY)]})
    gates = stage_gates(ws, {"t": 14.0, "saving": 0.1})
    assert [(g.name.split(":")[0], g.verdict, g.source) for g in gates] == [
        ("pilot exit", "pass", "rollout.stages[1].exit_criteria[0]"),
        ("ga entry", "fail", "rollout.stages[2].entry_criteria[0]")]


def test_without_an_active_stage_the_first_planned_one_is_judged() -> None:
    ws = make_ws(metric_tree=TREE, rollout={"stages": [
        stage("shadow", "done", exit_criteria=EXIT),
        stage("pilot", "planned", exit_criteria=EXIT)]})
    (gate,) = stage_gates(ws, {})
    # Not measured: a warning (a failure with --strict), never a pass (issue 13).
    assert gate.name.startswith("pilot exit") and gate.verdict == "warn"
    assert gate.detail == "t was not measured"
    assert gate.provenance is not None and gate.provenance.kind == "missing"


def test_a_value_typed_in_aipo_yaml_is_shown_as_typed_and_never_passes() -> None:
    from aipo_widgets.analysis.measure import measured_provenance, typed_figures

    tree = {**TREE, "nodes": [{**n, "current": 14.0} if n["id"] == "t" else n
                              for n in TREE["nodes"]]}
    ws = make_ws(metric_tree=tree, rollout={"stages": [stage("pilot", "active",
                                                             exit_criteria=EXIT)]})
    prov = measured_provenance(ws, {}, None, ["pilot", "production"])
    (gate,) = stage_gates(ws, {}, prov, typed_figures(ws, prov))
    assert (gate.verdict, gate.figure, gate.provenance.kind) == ("warn", 14.0, "typed")
    assert "typed in aipo.yaml at metric_tree.nodes[t].current" in gate.detail
    assert "would be measured from" in gate.detail
    # the same figure measured passes
    (gate,) = stage_gates(ws, {"t": 14.0}, {"t": Provenance.measured("pilot", rows=90)},
                          typed_figures(ws, prov))
    assert gate.verdict == "pass"


def test_no_stages_fail() -> None:
    (gate,) = stage_gates(make_ws(), {})
    assert (gate.name, gate.verdict) == ("rollout stages planned", "fail")


# --------------------------------------------------------------------------------------------
# readiness and the drift reference


def test_readiness_of_the_kill_switch_and_the_alerts() -> None:
    tree = {"root": "t", "nodes": [
        {"id": "t", "name": "T"},
        {"id": "q", "name": "Quality", "parent": "t", "designation": "guardrail"},
        {"id": "c", "name": "Complaints", "parent": "t", "designation": "counter"}]}
    ws = make_ws(metric_tree=tree, kill_switch={
        "conditions": [{"id": "K1", "metric": "q", "operator": "<", "value": 0.5}],
        "fallback": "manual process", "owner": "Jana", "tested_on": "2026-08-01"},
        monitoring={"alert_rules": [{"id": "A1", "metric": "q", "operator": "<",
                                     "value": 0.8}]})
    gates = {g.name: g for g in readiness_gates(ws, AS_OF)}
    assert [g.verdict for g in list(gates.values())[:3]] == ["pass"] * 3
    assert (gates["kill switch tested"].verdict, gates["kill switch tested"].figure) == (
        "warn", 122)  # days since 2026-08-01
    assert gates["every guardrail has an alert rule"].verdict == "warn"
    assert gates["every guardrail has an alert rule"].detail == "c"


def test_an_empty_kill_switch_fails_everything() -> None:
    gates = readiness_gates(make_ws(), AS_OF)
    assert [(g.name, g.verdict) for g in gates] == [
        ("kill switch has conditions", "fail"), ("fallback defined", "fail"),
        ("kill switch has an owner", "fail"), ("kill switch tested", "fail"),
        ("every guardrail has an alert rule", "pass")]


def test_the_drift_reference_is_frozen_or_warns() -> None:
    frame = pd.DataFrame({"a": np.arange(50.0), "b": ["x", "y"] * 25})
    gate = drift_reference_gate(Reference.from_frame(frame), file_name="ref.json",
                                source_id="windows")
    assert (gate.verdict, gate.figure, gate.detail) == ("pass", 2, "ref.json from windows")
    gate = drift_reference_gate(None)
    assert (gate.verdict, gate.detail) == ("warn",
                                           "set monitoring.drift.reference to a data source")


# --------------------------------------------------------------------------------------------
# go / no-go


def test_no_go_names_its_reasons() -> None:
    verdict = go_no_go([Gate("a", "pass"), Gate("b", "fail", detail="why"),
                        Gate("c", "fail", figure=3)])
    assert (verdict.verdict, verdict.figure) == ("fail", "no-go")
    assert verdict.detail == "no-go because: b (why); c (3)"


def test_go_with_and_without_warnings() -> None:
    assert go_no_go([Gate("a", "pass")]).detail == "go"
    assert go_no_go([]).verdict == "pass"
    warned = [Gate("a", "warn")]
    assert (go_no_go(warned).verdict, go_no_go(warned, strict=True).verdict) == ("warn", "fail")
