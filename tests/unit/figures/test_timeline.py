"""The timeline picture: phases, milestones by state in words, today's marker, escaped text."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from aipo_widgets.figures.timeline import timeline_alt, timeline_svg, timeline_text
from aipo_widgets.gates.plan import timeline
from aipo_widgets.model.schema import Workspace


def view(**product):
    ws = Workspace.model_validate({
        "product": {"name": "R&D <summaries>", "owner": "Jana", "phase": "rollout",
                    "start_date": "2026-08-03", **product},
        "plan": {"milestones": [
            {"id": "M1", "title": "Baseline", "phase": "discovery", "due": "2026-08-28",
             "status": "done", "done_on": "2026-08-30"},
            {"id": "M2", "title": "Works council", "phase": "rollout", "due": "2026-10-20",
             "owner": "Miriam", "blocking": True},
            {"id": "M3", "title": "GA", "phase": "rollout", "due": "2026-12-20"}]},
        "rollout": {"stages": [{"id": "pilot", "name": "Pilot", "start": "2026-10-05",
                                "min_duration_days": 28, "status": "done"}]}})
    return timeline(ws, dt.date(2026, 12, 7)).to_view()


def test_svg_is_wellformed_escaped_and_marks_today() -> None:
    svg = timeline_svg(view())
    root = ET.fromstring(svg)
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "R&D <summaries>: day 127 (37 after the 90), phase rollout" in texts
    assert "today, day 127 (37 after the 90)" in texts
    assert any(t.startswith("M2 LATE: Works council") for t in texts if t)
    assert any(t.startswith("M1 done: Baseline") for t in texts if t)
    assert "overdue: M2 Works council" in timeline_alt(view())


def test_text_lists_every_milestone_with_its_state_in_words() -> None:
    lines = timeline_text(view(), width=60)
    assert lines[0] == "Plan: day 127 (37 after the 90), phase rollout, 1 of 3 milestones done"
    assert lines[3].strip().startswith("^ today 2026-12-07")
    assert lines[4] == "  done  M1   due 2026-08-28  Baseline, done 2 days late"
    assert lines[5] == ("  LATE  M2   due 2026-10-20  Works council (Miriam), 48 days overdue, "
                        "blocking")
    assert lines[6] == "  open  M3   due 2026-12-20  GA"
    # The late mark is never hidden by another milestone on the same column.
    assert "!" in lines[2]


def test_without_a_start_date() -> None:
    v = view(start_date=None)
    assert timeline_text(v) == ["Plan: no start date, phase rollout, 1 of 3 milestones done",
                                "  done  M1   due 2026-08-28  Baseline, done 2 days late",
                                "  LATE  M2   due 2026-10-20  Works council (Miriam), 48 days "
                                "overdue, blocking", "  open  M3   due 2026-12-20  GA"]
    assert "No start date" in timeline_svg(v)
