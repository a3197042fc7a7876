"""Who must sign what, and the states of the sign-offs: approved, stale, rejected, missing."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from aipo_widgets.gates.signoffs import (
    gate_digest,
    required_signoffs,
    signoff_gates,
    signoff_states,
    workers_affected,
)
from aipo_widgets.gates.verdict import overall_verdict
from aipo_widgets.model.schema import Workspace

A, B = "a" * 64, "b" * 64
TODAY = dt.date(2026, 10, 20)


def workspace(phase: str = "experiments", signoffs=(), raci=(), **product) -> Workspace:
    return Workspace.model_validate({
        "product": {"name": "Ticket summaries", "owner": "Jana", "phase": phase,
                    "start_date": "2026-09-01", **product},
        "decisions": [{"id": "D5", "date": "2026-10-30", "title": "Roll out team by team"}],
        "signoffs": list(signoffs), "raci": list(raci)})


def signoff(artefact: str = "doc:rollout_plan", role: str = "works_council", sha: str = A,
            verdict: str = "approved", on: str = "2026-10-05", **kw) -> dict:
    return {"artefact": artefact, "role": role, "name": "Betriebsrat", "date": on,
            "verdict": verdict, "sha256": sha, **kw}


def gates_of(ws: Workspace, digests: dict, today: dt.date = TODAY) -> dict:
    states = signoff_states(ws, required_signoffs(ws), digests, today)
    return {g.name: g for g in signoff_gates(ws, states, today)}


WC = "sign-off: works council on the document rollout_plan"


def test_who_must_sign_follows_from_the_workspace() -> None:
    ws = Workspace.model_validate({
        "product": {"name": "x", "owner": "y", "phase": "operate"},
        "data_map": {"sources": [{"id": "t", "name": "tickets", "personal_data": True,
                                  "lawful_basis": "contract"}]}})
    got = {(r.artefact, r.role, r.needed_by) for r in required_signoffs(
        ws, applicable={"dpia": True, "fria": False})}
    assert got == {("doc:dpia", "data_protection_officer", "experiments"),
                   ("doc:incident_playbook", "data_protection_officer", "rollout"),
                   ("doc:go_live_checklist", "security", "operate"),
                   ("doc:go_live_checklist", "management", "operate"),
                   ("doc:impact_report", "management", "operate")}
    # No works council without workers affected; the RACI's accountable role joins.
    assert not workers_affected(ws)
    raci = ws.model_copy(update={"raci": Workspace.model_validate({
        "product": {"name": "x", "owner": "y"},
        "raci": [{"artefact": "decision:D1", "accountable": "legal", "needed_by": "operate"}],
        "decisions": [{"id": "D1", "date": "2026-01-01", "title": "t"}]}).raci})
    assert ("decision:D1", "legal", "operate") in {
        (r.artefact, r.role, r.needed_by) for r in required_signoffs(raci)}


def test_high_risk_calls_for_legal_on_the_technical_documentation() -> None:
    # The tier as the classification states it (its questionnaire is tested with compliance).
    high = SimpleNamespace(tier="high_risk", gdpr=SimpleNamespace(personal_data=False))
    ws = Workspace.model_validate({"product": {"name": "CV screening", "owner": "y"}})
    reqs = {(r.artefact, r.role) for r in required_signoffs(
        ws, high, applicable={"ai_act_technical_documentation": True, "fria": True})}
    assert {("doc:ai_act_technical_documentation", "legal"), ("doc:fria", "legal"),
            ("doc:go_live_checklist", "security")} <= reqs  # security: Art 15
    assert ("doc:go_live_checklist", "security") not in {
        (r.artefact, r.role) for r in required_signoffs(ws)}


@pytest.mark.parametrize(("stakeholders", "answer", "said", "expected"), [
    ([{"role": "Works council", "name": "BR"}], None, None, True),
    ([{"role": "staff council"}], None, None, True),
    ([{"role": "legal"}], None, None, False),
    ([], True, None, True),
    ([{"role": "works council"}], None, False, False),  # said explicitly: it wins
])
def test_workers_affected(stakeholders, answer, said, expected) -> None:
    answers = {} if answer is None else {"used_at_workplace": answer}
    ws = Workspace.model_validate({
        "product": {"name": "x", "owner": "y", "stakeholders": stakeholders,
                    "workers_affected": said},
        "compliance": {"ai_act": {"answers": answers}}})
    assert workers_affected(ws) is expected


def test_approved_and_current_passes_then_goes_stale_when_the_thing_changes() -> None:
    ws = workspace(signoffs=[signoff()], workers_affected=True)
    fresh = gates_of(ws, {"doc:rollout_plan": A})[WC]
    assert fresh.verdict == "pass" and fresh.figure == "approved"
    stale = gates_of(ws, {"doc:rollout_plan": B})[WC]
    assert stale.verdict == "warn" and stale.figure == "stale"
    assert "Betriebsrat signed it on 2026-10-05; the document rollout_plan changed since" in \
        stale.detail


def test_conditions_warn_rejected_fails_the_latest_counts() -> None:
    cond = workspace(signoffs=[signoff(verdict="conditions", conditions="team level only")],
                     workers_affected=True)
    g = gates_of(cond, {"doc:rollout_plan": A})[WC]
    assert (g.verdict, g.detail) == ("warn", "Betriebsrat, 2026-10-05: team level only")
    rejected_then_approved = workspace(signoffs=[
        signoff(verdict="rejected", on="2026-10-01", note="agent-level data"),
        signoff(on="2026-10-09")], workers_affected=True)
    assert gates_of(rejected_then_approved, {"doc:rollout_plan": A})[WC].verdict == "pass"
    rejected = workspace(signoffs=[signoff(verdict="rejected", note="agent-level data")],
                         workers_affected=True)
    g = gates_of(rejected, {"doc:rollout_plan": A})[WC]
    assert g.verdict == "fail" and g.detail.endswith("rejected it on 2026-10-05: agent-level data")


def test_missing_waits_then_fails_past_the_due_date_and_grace() -> None:
    ws = workspace(workers_affected=True)  # experiments; the experiments decision is due day 60
    before = gates_of(ws, {}, dt.date(2026, 10, 20))[WC]
    assert before.verdict == "warn" and before.figure == "waiting 19 days"
    assert before.detail.startswith("waiting for: works council, since 19 days; needed for the "
                                    "experiments decision due 2026-10-30")
    assert "aipo signoff 'doc:rollout_plan' --role works_council --name NAME" in before.detail
    within_grace = gates_of(ws, {}, dt.date(2026, 11, 6))[WC]
    assert within_grace.verdict == "warn"
    late = gates_of(ws, {}, dt.date(2026, 11, 7))[WC]
    assert late.verdict == "fail" and "more than 7 days ago" in late.detail
    entered = gates_of(workspace("rollout", workers_affected=True), {}, dt.date(2026, 11, 1))[WC]
    assert entered.verdict == "fail" and "which the product has entered" in entered.detail


def test_only_the_current_decisions_signoffs_are_gates() -> None:
    ws = workspace("discovery", workers_affected=True)  # the rollout plan is needed later
    assert WC not in gates_of(ws, {})
    states = signoff_states(ws, required_signoffs(ws), {}, TODAY)
    assert [s.gated for s in states if s.role == "works_council"] == [False]


def test_gate_and_decision_signoffs() -> None:
    gate = {"name": "go / no-go", "phase": "rollout", "verdict": "pass", "figure": "go",
            "threshold": "no failed gate", "detail": "go",
            "provenance": {"kind": "config", "run": "r1"}}
    assert gate_digest(gate) == gate_digest({**gate, "detail": "go again",
                                             "provenance": {"kind": "config", "run": "r2"}})
    digest = gate_digest(gate)
    ws = workspace("rollout", signoffs=[
        signoff("gate:go / no-go", "management", digest),
        signoff("decision:D5", "management", A)])
    gates = gates_of(ws, {"gate:rollout:go / no-go": gate_digest({**gate, "verdict": "warn"}),
                          "decision:D5": A})
    # Nobody required them: only a stale or rejected one is a gate.
    assert gates["sign-off: management on the gate go / no-go"].verdict == "warn"
    assert "sign-off: management on decision D5" not in gates


def test_unverifiable_when_the_gate_is_not_in_the_run() -> None:
    ws = workspace("rollout", raci=[{"artefact": "gate:rollout:go / no-go",
                                     "accountable": "management", "needed_by": "rollout"}],
                   signoffs=[signoff("gate:rollout:go / no-go", "management")])
    g = gates_of(ws, {"gate:rollout:go / no-go": None})[
        "sign-off: management on the gate go / no-go (rollout)"]
    assert g.verdict == "warn" and g.figure == "cannot check"


def test_a_missing_signoff_is_a_reason_of_the_verdict() -> None:
    ws = workspace("rollout", workers_affected=True)
    gates = list(gates_of(ws, {}, dt.date(2026, 11, 1)).values())
    run = {"id": "r1", "phases": [{"phase": "rollout", "gates": [g.to_dict() for g in gates]}]}
    v = overall_verdict(ws, run)
    assert v.decision == "no-go" and WC in [r.name for r in v.blocking]
