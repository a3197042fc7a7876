"""Pilot stages: a decide-by date is required, an overdue pilot warns, a missing design warns."""

from __future__ import annotations

import datetime as dt

from aipo_widgets.gates.rollout import pilot_stage_gates
from aipo_widgets.model.schema import Workspace

AS_OF = dt.date(2026, 12, 1)
DESIGN = {"design": "individually_randomised"}


def make_ws(stages: list[dict], sources: list[dict] | None = None) -> Workspace:
    return Workspace.model_validate({"product": {"name": "x", "owner": "y"},
                                     "data_map": {"sources": sources or []},
                                     "rollout": {"stages": stages}})


def verdicts(ws: Workspace) -> dict[str, str]:
    return {g.name: g.verdict for g in pilot_stage_gates(ws, AS_OF)}


def test_a_pilot_without_decide_by_warns() -> None:
    ws = make_ws([{"id": "trial", "name": "Trial", "status": "active", "pilot": DESIGN},
                  {"id": "ga", "name": "All users"}])
    gates = pilot_stage_gates(ws, AS_OF)
    assert [(g.name, g.verdict) for g in gates] == [("pilot decided by its date: trial", "warn")]
    assert "can run forever" in gates[0].detail and gates[0].source.endswith("decide_by")


def test_an_overdue_undecided_pilot_warns_and_a_decided_or_timely_one_passes() -> None:
    late = make_ws([{"id": "pilot", "name": "Pilot", "status": "active",
                     "decide_by": "2026-11-20", "pilot": DESIGN}])
    (gate,) = pilot_stage_gates(late, AS_OF)
    assert gate.verdict == "warn" and gate.figure == "11 days overdue"
    assert "decide go, stop, or extend" in gate.detail
    done = make_ws([{"id": "pilot", "name": "Pilot", "status": "done",
                     "decide_by": "2026-11-20", "pilot": DESIGN}])
    assert verdicts(done) == {"pilot decided by its date: pilot": "pass"}
    timely = make_ws([{"id": "pilot", "name": "Pilot", "status": "active",
                       "decide_by": "2026-12-15", "pilot": DESIGN}])
    (gate,) = pilot_stage_gates(timely, AS_OF)
    assert gate.verdict == "pass" and gate.figure == "14 days left"
    # The day itself is not overdue yet.
    today = make_ws([{"id": "pilot", "name": "Pilot", "decide_by": "2026-12-01"}])
    assert verdicts(today) == {"pilot decided by its date: pilot": "pass"}


def test_a_stage_named_pilot_counts_without_a_design() -> None:
    ws = make_ws([{"id": "p2", "name": "Second pilot"}, {"id": "ga", "name": "All"}])
    assert verdicts(ws) == {"pilot decided by its date: p2": "warn"}


def test_pilot_data_without_a_declared_design_warns() -> None:
    sources = [{"id": "tickets", "name": "T", "role": "pilot", "arm_column": "arm"}]
    ws = make_ws([{"id": "ga", "name": "All"}], sources)
    gates = pilot_stage_gates(ws, AS_OF)
    assert [(g.name, g.verdict) for g in gates] == [("pilot design declared", "warn")]
    assert "individually randomised with equal shares" in gates[0].detail
    declared = make_ws([{"id": "pilot", "name": "Pilot", "status": "done",
                         "decide_by": "2026-11-01", "pilot": DESIGN}], sources)
    assert verdicts(declared) == {"pilot decided by its date: pilot": "pass"}


def test_an_effect_without_inference_warns_even_far_beyond_its_target() -> None:
    from aipo_widgets.analysis.pilot_effects import Effect
    from aipo_widgets.evidence import Provenance
    from aipo_widgets.gates.rollout import effect_gates

    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "metric_tree": {
        "root": "t", "nodes": [
            {"id": "t", "name": "Downtime", "measure": {"column": "hours"}},
            {"id": "saving", "name": "Downtime saved", "parent": "t", "effect_of": "t",
             "target": 0.3}]}})
    nan = float("nan")
    effect = Effect(metric="hours", design="difference in differences", n_treatment=600,
                    n_control=600, mean_treatment=0.8, mean_control=1.8, sd_treatment=1.0,
                    sd_control=1.0, difference=-1.0, ci=(nan, nan), p_value=nan, t=nan,
                    df=nan, relative=-0.55, relative_ci=(nan, nan), confidence=0.95,
                    inference=False, clusters={"treatment": 1, "control": 1})
    seen = Provenance.measured("pilot_downtime", start=dt.date(2026, 2, 1),
                               end=dt.date(2026, 9, 30), rows=2424)
    (gate,) = effect_gates(ws, {"hours": effect}, {"hours": seen})
    assert gate.verdict == "warn" and gate.ci is None and gate.figure == 0.55
    assert gate.detail.startswith("no inference possible (difference in differences")
    assert "counterfactual" in gate.detail
    assert gate.provenance == seen


def test_a_pilot_too_small_for_its_design_warns() -> None:
    from aipo_widgets.analysis.pilot_plan import plan_design
    from aipo_widgets.gates.rollout import pilot_size_gate

    did = plan_design("before_after_control", relative_effect=-0.3, baseline_mean=1.8,
                      baseline_sd=7.7, icc=0.0, periods_before=4, periods_after=4)
    gate = pilot_size_gate("pilot_downtime", did, {"units_per_arm": (159, 144),
                                                   "clusters_per_arm": (1, 1)})
    assert gate.verdict == "warn" and gate.figure == "159 and 144 units"
    assert "one cluster per arm" in gate.detail and "fewer units than" in gate.detail
    ind = plan_design("individually_randomised", relative_effect=-0.25, baseline_mean=19,
                      baseline_sd=9)
    ok = pilot_size_gate("pilot", ind, {"units_per_arm": (699, 701)})
    assert ok.verdict == "pass" and ok.detail.startswith("large enough to detect -25%")
    few = plan_design("cluster_randomised", relative_effect=-0.25, baseline_mean=12,
                      baseline_sd=6, icc=0.2, cluster_size=40)
    short = pilot_size_gate("p", few, {"units_per_arm": (4000, 4000),
                                       "clusters_per_arm": (4, 4)})
    assert short.verdict == "warn" and "fewer clusters than" in short.detail
