"""The rollout phase analyses the maintenance pilot as declared: DiD, no inference, warns."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipo_widgets.examples import write_example
from aipo_widgets.notebook import rollout as rollout_facade
from aipo_widgets.notebook._phase import Picture
from aipo_widgets.notebook.rollout import Rollout


@pytest.fixture(scope="module")
def maintenance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pm") / "pm"
    write_example("predictive-maintenance", folder)
    return folder


def test_the_maintenance_pilot_is_a_did_without_inference(maintenance: Path, capsys,
                                                           monkeypatch) -> None:
    shown: list[object] = []
    monkeypatch.setattr(rollout_facade, "show", shown.append)
    phase = Rollout.open(maintenance, as_of="2026-12-01")
    phase.pilot(n_boot=0)
    # the effect drawn against its target, without an interval, and the picture says why
    (picture,) = [p for p in shown if isinstance(p, Picture)]
    assert "target 30%" in picture.svg and "no interval possible" in picture.svg
    assert phase.effect_view()[0]["low"] is None
    plan = phase.pilot_plan()
    out = capsys.readouterr().out
    gates = {g.name: g for g in phase.gates}
    design = gates["pilot design: before/after with a control (difference in differences)"]
    assert design.verdict == "warn" and design.figure == "1 and 1 clusters (plant)"
    assert "sample ratio mismatch" not in gates  # a plant was chosen, not drawn
    effect = gates["pilot effect: Unplanned downtime saved in the pilot"]
    assert effect.verdict == "warn" and effect.ci is None and effect.figure == 0.5449
    assert effect.provenance is not None and effect.provenance.rows == 2424
    assert gates["pilot decided by its date: pilot"].verdict == "pass"
    assert gates["pilot size for its design: pilot_downtime"].verdict == "warn"
    assert "no interval: no inference possible" in out and "placebo" in out
    assert list(plan.what) == ["units per arm", "clusters per arm", "design effect"]
    assert "pass" not in {g.verdict for n, g in gates.items() if n.startswith("pilot effect")}


def test_data_that_do_not_fit_the_design_fail_a_gate_instead_of_raising(tmp_path: Path) -> None:
    folder = tmp_path / "pm"
    write_example("predictive-maintenance", folder)
    yaml = folder / "aipo.yaml"
    yaml.write_text(yaml.read_text().replace("cluster_column: plant", "cluster_column: site"))
    phase = Rollout.open(folder, as_of="2026-12-01")
    phase.pilot(n_boot=0)
    phase.pilot_plan()
    (gate,) = [g for g in phase.gates if g.name.startswith("pilot analysed as designed")]
    assert gate.verdict == "fail" and "'site'" in gate.detail
    assert gate.source == "rollout.stages[1].pilot"


def test_a_pilot_not_run_yet_is_planned_from_the_baseline(tmp_path: Path, capsys) -> None:
    folder = tmp_path / "ss"
    write_example("support-summaries", folder)
    yaml = folder / "aipo.yaml"
    text = yaml.read_text()
    active = "      status: active\n      start: 2026-11-02\n"
    assert active in text
    yaml.write_text(text.replace(active, active + "      decide_by: 2026-12-14\n"
                                 "      pilot:\n        design: cluster_randomised\n"
                                 "        source: pilot\n        cluster_column: team\n"
                                 "        icc: 0.05\n", 1))
    phase = Rollout.open(folder, as_of="2026-12-01")
    # The pilot source is the done pilot's; drop it so that the teams stage has no data yet.
    phase.frames.pop("pilot")
    plan = phase.pilot_plan()
    out = capsys.readouterr().out
    teams = plan[plan.pilot == "teams"]
    assert list(teams.what) == ["units per arm", "clusters per arm", "design effect"]
    assert set(teams.has[:2]) == {"not run yet"} and "ICC 0.05 (declared)" in teams.has.iloc[2]
    assert "teams (not run yet): cluster-randomised, to detect -25%" in out
