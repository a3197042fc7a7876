"""Pilot stages declare their design and a decide-by date; mistakes name their line and fix."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from aipo_widgets.model.pilot_design import PilotDesign
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import validate_text

SECTIONS = """\
data_map:
  sources:
    - id: pilot_rows
      name: Pilot rows
      role: pilot
      location: data/pilot.csv
      arm_column: arm
    - id: base
      name: Baseline
      role: baseline
rollout:
  stages:
    - id: pilot
      name: Pilot in plant Nord
      status: active
      decide_by: 2026-09-04
      pilot:
        design: before_after_control
        source: pilot_rows
        cluster_column: plant
        period_column: month
        change_date: 2026-06-01
"""


def problems(text: str) -> list[str]:
    _, found = validate_text(text)
    return [str(p) for p in found]


def test_a_declared_design_loads(small_text: str) -> None:
    wf, found = validate_text(small_text + SECTIONS)
    assert found == []
    stage = wf.workspace.rollout.stages[0]
    assert stage.pilot is not None and stage.pilot.design == "before_after_control"
    assert not stage.pilot.randomised and str(stage.decide_by) == "2026-09-04"
    assert stage.is_pilot


@pytest.mark.parametrize(("change", "message"), [
    (("        change_date: 2026-06-01\n", ""), "needs period_column (the column with each"),
    (("        cluster_column: plant\n", ""), "needs cluster_column: the column naming the group"),
    (("        change_date: 2026-06-01\n", "        change_date: 2026-06-01\n"
      "        allocation: {pilot: 0.5, control: 0.5}\n"), "is not randomised, so it has no"),
    (("before_after_control", "cluster_randomised"), "change_date belongs to a before/after"),
    (("design: before_after_control", "design: stepped"), "must be one of"),
    (("source: pilot_rows", "source: base"), "whose role is baseline, not pilot"),
    (("source: pilot_rows", "source: pilot_row"), "which is not in data_map.sources"),
    (("decide_by: 2026-09-04", "decide_by: next month"), "must be a date like"),
])
def test_each_mistake_names_its_line_and_fix(small_text: str, change: tuple[str, str],
                                             message: str) -> None:
    found = problems(small_text + SECTIONS.replace(*change))
    assert any(message in p for p in found), found
    assert all(p.startswith("aipo.yaml:") and p.split(":")[1].isdigit() for p in found), found
    assert any("rollout.stages[0]" in p for p in found), found


def test_designs_need_their_columns() -> None:
    with pytest.raises(ValidationError, match="cluster-randomised design needs cluster_column"):
        PilotDesign(design="cluster_randomised")
    with pytest.raises(ValidationError, match="switchback design needs period_column"):
        PilotDesign(design="switchback")
    with pytest.raises(ValidationError, match="has no cluster_column or period_column"):
        PilotDesign(design="individually_randomised", cluster_column="team")
    with pytest.raises(ValidationError, match="positive numbers"):
        PilotDesign(design="individually_randomised", allocation={"a": 1, "b": 0})
    with pytest.raises(ValidationError, match="unit_column belongs to a before/after"):
        PilotDesign(design="cluster_randomised", cluster_column="team", unit_column="agent")
    d = PilotDesign(design="switchback", period_column="day", allocation={"t": 1, "c": 3})
    assert d.randomised and d.shares(["c", "t"]) == {"c": 0.75, "t": 0.25}


def test_a_stage_without_design_is_still_valid_and_a_pilot_by_name() -> None:
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "rollout": {
        "stages": [{"id": "pilot", "name": "Pilot"}, {"id": "ga", "name": "All"}]}})
    assert [s.is_pilot for s in ws.rollout.stages] == [True, False]
    assert ws.rollout.stages[0].pilot is None and ws.rollout.stages[0].decide_by is None


def test_two_pilot_sources_need_the_design_to_say_which(small_text: str) -> None:
    two = SECTIONS.replace("        source: pilot_rows\n", "").replace(
        "    - id: base\n      name: Baseline\n      role: baseline\n",
        "    - id: more\n      name: More\n      role: pilot\n      arm_column: arm\n")
    found = problems(small_text + two)
    assert any("does not say which of the pilot sources pilot_rows, more" in p
               for p in found), found
