"""The plan against the calendar: the day of the 90, overdue milestones, the grace period."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipo_widgets.gates.plan import day_of_90, plan_gates, timeline
from aipo_widgets.gates.verdict import overall_verdict
from aipo_widgets.model.schema import Workspace

START = dt.date(2026, 8, 3)


def workspace(phase: str = "rollout", grace: int = 7, **milestone) -> Workspace:
    m = {"id": "M1", "title": "Works council agreement", "phase": "rollout",
         "due": "2026-10-15", "owner": "Jana Keller", **milestone}
    return Workspace.model_validate({
        "product": {"name": "Ticket summaries", "owner": "Jana Keller", "phase": phase,
                    "start_date": START.isoformat()},
        "plan": {"grace_days": grace, "milestones": [m]}})


def by_name(gates):
    return {g.name: g for g in gates}


def test_day_of_the_90() -> None:
    assert day_of_90(START, START) == 1
    assert day_of_90(START, dt.date(2026, 10, 31)) == 90
    assert day_of_90(START, dt.date(2026, 12, 7)) == 127
    t = timeline(workspace(), dt.date(2026, 12, 7))
    assert t.day_label == "day 127 (37 after the 90)"
    assert [p["name"] for p in t.phases if p["current"]] == ["rollout"]
    assert t.phases[2]["start"] == dt.date(2026, 10, 2) and t.phases[2]["end"] == dt.date(2026,
                                                                                           10, 31)
    assert timeline(workspace(), dt.date(2026, 8, 1)).day_label == "starts in 2 days"


@pytest.mark.parametrize(("today", "blocking", "verdict"), [
    ("2026-10-15", True, None),      # due today: not overdue
    ("2026-10-16", False, "warn"),   # one day late
    ("2026-10-22", True, "warn"),    # 7 days late: within the grace period
    ("2026-10-23", True, "fail"),    # 8 days late, blocking: past the grace period
    ("2026-12-01", False, "warn"),   # very late, but not blocking
])
def test_overdue_warns_and_fails_past_the_grace_period(today: str, blocking: bool,
                                                        verdict: str | None) -> None:
    gates = by_name(plan_gates(workspace(blocking=blocking), dt.date.fromisoformat(today)))
    got = gates.get("milestone M1: Works council agreement")
    assert (got.verdict if got else None) == verdict
    if got is not None:
        assert got.provenance.kind == "config" and got.extra["owner"] == "Jana Keller"
        assert got.figure == f"{(dt.date.fromisoformat(today) - dt.date(2026, 10, 15)).days} " \
                             "days overdue"


def test_done_and_dropped_milestones_are_never_overdue() -> None:
    late = dt.date(2026, 12, 1)
    assert "milestone M1: Works council agreement" not in by_name(
        plan_gates(workspace(status="done", done_on="2026-10-20", blocking=True), late))
    assert "milestone M1: Works council agreement" not in by_name(
        plan_gates(workspace(status="dropped", blocking=True), late))
    t = timeline(workspace(status="done", done_on="2026-10-20"), late)
    assert t.milestones[0].state == "done" and t.milestones[0].days_late == 5


def test_a_done_milestone_whose_evidence_gate_fails_warns() -> None:
    ws = workspace(status="done", done_on="2026-10-10",
                   evidence="gate:rollout:kill switch tested")
    run = {"phases": [{"phase": "rollout", "gates": [
        {"name": "kill switch tested", "verdict": "fail"}]}]}
    g = by_name(plan_gates(ws, dt.date(2026, 10, 20), evidence=run))[
        "milestone M1: Works council agreement"]
    assert g.verdict == "warn" and "marked done, but the gate kill switch tested" in g.detail
    assert timeline(ws, dt.date(2026, 10, 20), evidence=run).milestones[0].evidence_verdict == \
        "fail"


def test_schedule_gate_says_the_day_and_warns_when_the_phase_overruns() -> None:
    on_time = by_name(plan_gates(workspace(), dt.date(2026, 10, 10)))["plan on schedule"]
    assert on_time.verdict == "pass" and on_time.figure == "day 69 of 90"
    assert on_time.detail == ("0 of 1 milestones done; next: M1 Works council agreement, due "
                              "2026-10-15 (Jana Keller)")
    behind = by_name(plan_gates(workspace(), dt.date(2026, 10, 20)))["plan on schedule"]
    assert behind.verdict == "pass" and "1 overdue (M1)" in behind.detail
    late = by_name(plan_gates(workspace(), dt.date(2026, 12, 7)))["plan on schedule"]
    assert late.verdict == "warn"
    assert late.detail.startswith("the rollout decision was due on day 90 (2026-10-31), 37 days")
    operating = by_name(plan_gates(workspace("operate"), dt.date(2026, 12, 7)))
    assert operating["plan on schedule"].verdict == "pass"


def test_no_start_date_and_no_milestones_no_gates() -> None:
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    assert plan_gates(ws, dt.date(2026, 12, 7)) == []


def test_a_failing_milestone_is_a_reason_of_the_verdict() -> None:
    gates = plan_gates(workspace(blocking=True), dt.date(2026, 11, 20))
    run = {"id": "r1", "phases": [{"phase": "rollout", "gates": [g.to_dict() for g in gates]}]}
    v = overall_verdict(workspace(blocking=True), run)
    assert v.decision == "no-go"
    assert any(r.name == "milestone M1: Works council agreement" for r in v.blocking)


@given(st.integers(min_value=0, max_value=60), st.integers(min_value=0, max_value=30),
       st.booleans())
def test_fails_exactly_when_blocking_and_late_beyond_grace(late: int, grace: int,
                                                             blocking: bool) -> None:
    today = dt.date(2026, 10, 15) + dt.timedelta(days=late)
    gates = by_name(plan_gates(workspace(grace=grace, blocking=blocking), today))
    got = gates.get("milestone M1: Works council agreement")
    if late == 0:
        assert got is None
    else:
        assert got.verdict == ("fail" if blocking and late > grace else "warn")
