"""The product's one verdict comes from its current phase; the worst gate there outranks all."""

from __future__ import annotations

import datetime as dt

import pytest

from aipo_widgets.gates.verdict import overall_verdict
from aipo_widgets.model.schema import Workspace


def ws(phase: str, start: str | None = "2026-10-01") -> Workspace:
    return Workspace.model_validate({"product": {"name": "Ticket summaries", "owner": "Jana",
                                                 "phase": phase, "start_date": start}})


def run(**phases) -> dict:
    return {"id": "r9", "phases": [{"phase": p, "status": "ok", "gates": g}
                                   for p, g in phases.items()]}


def gate(name, verdict, **kw) -> dict:
    return {"name": name, "verdict": verdict, **kw}


def test_operate_with_drift_is_about_retraining_not_go():
    evidence = run(
        rollout=[gate("go / no-go", "warn", figure="go")],
        operate=[gate("drift of the latest window", "warn", detail="2 of 6 columns drifted"),
                 gate("retrain", "warn", figure="retrain now",
                      detail="the data set has drifted")])
    v = overall_verdict(ws("operate"), evidence)
    assert (v.decision, v.verdict) == ("retrain", "warn")
    # The headline says why: the drift, not the retrain check restating the decision.
    assert v.headline == "Retrain needed: 2 of 6 columns drifted"
    assert v.question == "Keep it running, retrain it, or pull the kill switch?"
    assert [r.name for r in v.blocking] == ["drift of the latest window"]


def test_a_retrain_check_with_no_other_reason_names_its_own():
    evidence = run(operate=[gate("retrain", "warn", figure="retrain now",
                                 detail="the data set has drifted; the cut-off is 287 days old")])
    v = overall_verdict(ws("operate"), evidence)
    assert v.headline == "Retrain needed: the data set has drifted"
    assert v.blocking[0].name == "retrain"


def test_reasons_measured_come_before_reasons_not_measured():
    measured = {"kind": "measured", "source": "production_window", "rows": 668}
    evidence = run(operate=[
        gate("cost per use within budget", "warn", figure=None, provenance={"kind": "missing"}),
        gate("alert A5: precision", "warn", figure=0.0449, threshold="precision < 0.1",
             extra={"metric": "precision"}, provenance=measured),
        gate("retrain", "warn", figure="retrain now", detail="the data set has drifted")])
    workspace = Workspace.model_validate({
        "product": {"name": "Pumps", "owner": "Stefan", "phase": "operate"},
        "metric_tree": {"nodes": [{"id": "precision", "name": "Precision at the threshold",
                                   "unit": "share"}]}})
    v = overall_verdict(workspace, evidence)
    assert v.headline == ("Retrain needed: Precision at the threshold: 4.49% < 10%; "
                          "cost per use within budget: not measured")


def test_a_fired_kill_switch_outranks_everything():
    evidence = run(discovery=[gate("DPIA decision recorded", "fail")],
                   operate=[gate("retrain", "warn", figure="retrain now"),
                            gate("kill switch K1: hallucinations", "fail",
                                 detail="triggered: hallucination_rate is 0.09 (> 0.05)")])
    v = overall_verdict(ws("operate"), evidence)
    assert (v.decision, v.verdict) == ("pull the kill switch", "fail")
    assert "hallucination_rate is 0.09" in v.headline
    assert [r.name for r in v.housekeeping][:1] == ["DPIA decision recorded"]


@pytest.mark.parametrize(("phase", "gates", "decision", "verdict"), [
    ("rollout", [gate("go / no-go", "fail", figure="no-go"), gate("kill switch tested", "fail",
                                                                  detail="never tested")],
     "no-go", "fail"),
    ("rollout", [gate("go / no-go", "pass", figure="go"), gate("pilot effect", "pass")], "go",
     "pass"),
    ("experiments", [gate("recall", "fail", detail="0.81 < 0.85")], "stop or rework", "fail"),
    ("experiments", [gate("recall", "warn", detail="close")], "continue", "warn"),
    ("discovery", [gate("baseline measured", "pass")], "continue", "pass"),
    ("operate", [gate("retrain", "pass", figure="not needed")], "keep", "pass"),
])
def test_the_decision_follows_the_current_phase(phase, gates, decision, verdict):
    v = overall_verdict(ws(phase), run(**{phase: gates}))
    assert (v.decision, v.verdict) == (decision, verdict)


def test_warnings_block_when_strict():
    v = overall_verdict(ws("rollout"), run(rollout=[gate("alerts ready", "warn")]), strict=True)
    assert v.decision == "no-go"
    assert [r.name for r in v.blocking] == ["alerts ready"]


def test_at_most_three_blocking_reasons_the_rest_is_housekeeping():
    gates = [gate(f"g{i}", "fail", detail=f"reason {i}") for i in range(5)]
    v = overall_verdict(ws("experiments"), run(experiments=gates))
    assert [r.name for r in v.blocking] == ["g0", "g1", "g2"]
    assert {"g3", "g4"} <= {r.name for r in v.housekeeping}
    assert v.headline == "Stop or rework: reason 0; reason 1; reason 2"


def test_a_later_measurement_supersedes_an_earlier_not_measured_warning():
    missing = {"kind": "missing", "note": "the production log"}
    measured = {"kind": "measured", "source": "production_log", "rows": 210}
    evidence = run(
        discovery=[gate("stop rule S1", "warn", extra={"metric": "hallucination_rate"},
                        provenance=missing)],
        operate=[gate("alert A1", "pass", extra={"metric": "hallucination_rate"},
                      provenance=measured)])
    v = overall_verdict(ws("operate"), evidence)
    assert v.housekeeping == []
    assert v.verdict == "pass"


def test_owner_and_due_date_come_from_the_workspace():
    v = overall_verdict(ws("experiments"), run(experiments=[gate("a", "pass")]))
    assert (v.owner, v.due) == ("Jana", dt.date(2026, 11, 29))
    assert overall_verdict(ws("experiments", start=None), run(experiments=[])).due is None


def test_no_evidence_for_the_current_phase_is_said_not_passed():
    v = overall_verdict(ws("rollout"), run(discovery=[gate("a", "pass")]))
    assert (v.decision, v.verdict) == ("no evidence", "warn")
    assert "the rollout phase has not run" in v.headline
    assert overall_verdict(ws("rollout"), None).headline.endswith("no run yet")


def test_every_surface_decides_as_the_run_did_strict_or_not():
    # A run made with --strict blocks on warnings; the page, the documents and aipo status read
    # the same evidence and must not say "go" where CI said "no-go".
    evidence = {**run(rollout=[gate("alerts ready", "warn")]), "strict": True}
    assert overall_verdict(ws("rollout"), evidence).decision == "no-go"
    assert overall_verdict(ws("rollout"), evidence, strict=False).decision == "go"
    assert overall_verdict(ws("rollout"), {**evidence, "strict": False}).decision == "go"


def test_the_runs_own_gates_weigh_on_the_decision():
    missing = gate("kit phase notebooks present", "fail", phase="workspace",
                   detail="notebooks/03_rollout.ipynb is missing")
    evidence = {**run(rollout=[gate("pilot effect", "pass")]), "gates": [missing]}
    v = overall_verdict(ws("rollout"), evidence)
    assert (v.decision, v.verdict) == ("no-go", "fail")
    assert [(r.phase, r.name) for r in v.blocking] == [("workspace", missing["name"])]
    none_yet = overall_verdict(ws("rollout"), {"id": "r9", "phases": [], "gates": [missing]})
    assert none_yet.verdict == "fail"
    assert [r.name for r in none_yet.blocking] == ["rollout phase run", missing["name"]]
