"""The notebook facade without a kernel: opening a phase, its steps, and what each imports."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from aipo_widgets.evidence import Gate
from aipo_widgets.examples import write_example
from aipo_widgets.notebook import Phase
from aipo_widgets.notebook.discovery import Discovery
from aipo_widgets.notebook.experiments import Experiments
from aipo_widgets.notebook.operate import Operate
from aipo_widgets.notebook.rollout import Rollout
from tests.conftest import ROOT

HEAVY = ["pandas", "scipy", "sklearn", "matplotlib"]


def imported_by(module: str) -> set[str]:
    code = f"import json, sys, {module}; print(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, cwd=ROOT, timeout=120).stdout
    return set(json.loads(out))


def test_the_facade_package_imports_no_phase_and_no_widget() -> None:
    loaded = imported_by("aipo_widgets.notebook")
    assert not {m for m in loaded if m.startswith(("aipo_widgets.notebook.",
                                                   "aipo_widgets.widgets"))
                } - {"aipo_widgets.notebook._phase"}
    assert not {"ipywidgets", "anywidget", "scipy", "sklearn", "matplotlib"} & loaded


@pytest.mark.parametrize(("phase", "widgets"), [
    ("discovery", True), ("experiments", True), ("rollout", False), ("operate", False)])
def test_a_phase_imports_only_what_it_uses(phase: str, widgets: bool) -> None:
    loaded = imported_by(f"aipo_widgets.notebook.{phase}")
    assert ("anywidget" in loaded) is widgets
    assert ("aipo_widgets.documents.render" in loaded) is (phase == "rollout")
    phases = ("discovery", "experiments", "rollout", "operate")
    others = {f"aipo_widgets.notebook.{p}" for p in phases if p != phase}
    assert not others & loaded
    # The heavy libraries wait for the steps that use them.
    assert not {"scipy", "sklearn", "matplotlib"} & loaded


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("nb") / "blank"
    write_example("blank", folder)
    return folder


def test_open_finds_the_workspace_and_parses_the_date(blank: Path) -> None:
    phase = Discovery.open(blank / "aipo.yaml", as_of="2026-12-01", strict=True)
    assert (phase.folder, phase.as_of, phase.strict) == (blank, dt.date(2026, 12, 1), True)
    assert phase.headline.endswith("phase discovery, as of 2026-12-01")
    assert Discovery.open(blank, as_of=dt.date(2026, 1, 2)).as_of == dt.date(2026, 1, 2)
    assert Discovery.open(blank).as_of == dt.date.today()


def test_unreadable_sources_are_gates_of_the_phase(blank: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ws"
    write_example("blank", folder)
    yaml = folder / "aipo.yaml"
    yaml.write_text(yaml.read_text() + "\ndata_map:\n  sources:\n    - id: logs\n"
                    "      name: Logs\n      role: production\n      location: data/logs.csv\n")
    phase = Operate.open(folder, as_of="2026-12-01")
    assert [(g.name, g.verdict) for g in phase.gates] == [
        ("data source logs readable", "fail"), ("production window available", "fail")]
    assert phase.production is None and phase.frames == {}


def test_a_person_adds_own_gates_and_records(blank: Path, capsys) -> None:
    phase = Rollout.open(blank, as_of="2026-12-01")
    assert phase.add(Gate("a", "pass")) == [Gate("a", "pass")]
    assert phase.add([Gate("b", "warn"), Gate("c", "pass")]) == [Gate("b", "warn"),
                                                                 Gate("c", "pass")]
    phase.go_no_go()
    assert capsys.readouterr().out == "GO: go, with 1 warning: b\n"
    assert phase.gates[-1].name == "go / no-go"
    phase.record()  # outside a kernel IPython's display prints the results' text
    assert "go / no-go" in capsys.readouterr().out


def test_steps_without_data_show_no_table_but_say_why(blank: Path, capsys) -> None:
    experiments = Experiments.open(blank, as_of="2026-12-01")
    assert experiments.gold is None
    assert experiments.gold_set() is None
    assert capsys.readouterr().out.startswith("No gold set: name a data source with role 'gold'")
    assert experiments.evaluate() is None
    assert capsys.readouterr().out == "Nothing to evaluate: there is no gold set.\n"
    assert experiments.fairness() is None
    assert capsys.readouterr().out == "No groups to compare: there is no gold set.\n"
    assert experiments.threshold() is None
    assert capsys.readouterr().out.startswith("No threshold to choose")
    experiments.budgets()  # an empty section says why it is empty
    assert capsys.readouterr().out.startswith("Nothing to check against the budgets: no "
                                              "experiment log")
    discovery = Discovery.open(blank, as_of="2026-12-01")
    assert discovery.personal_data() == "No personal data found by the pattern scan."
    assert Phase.open(blank).name == ""


@pytest.mark.slow
def test_every_step_of_every_phase_runs_on_an_example(tmp_path: Path) -> None:
    folder = tmp_path / "pm"
    write_example("predictive-maintenance", folder)
    d = Discovery.open(folder, as_of="2026-12-01")
    assert isinstance(d.baseline(n_boot=50), pd.DataFrame)
    for step in (d.hypotheses, d.metric_tree, d.personal_data, d.quality, d.compliance,
                 d.risks, d.business_case, d.backlog):
        step()
    assert isinstance(d.data_map(pii_sample=100), pd.DataFrame)
    assert {"ai_act_tier", "open_risks", "expected_npv", "backlog_items"} <= set(d.figures)
    e = Experiments.open(folder, as_of="2026-12-01")
    e.gold_set()
    assert e.evaluate(n_boot=50) is not None and e.evaluation is not None
    e.acceptance(n_boot=0)
    assert e.threshold() is not None
    e.fairness(n_boot=50)
    e.budgets()
    e.decide()
    assert e.gates[-1].name == "continue to rollout"
    assert {"gold_set_rows", "optimal_threshold", "decided_threshold"} <= set(e.figures)
    r = Rollout.open(folder, as_of="2026-12-01")
    r.pilot(n_boot=0)
    assert r.effects
    r.stages()
    r.monitoring()
    assert (folder / "reports" / "drift_reference.json").is_file()
    r.go_no_go()
    o = Operate.open(folder)  # as of settings.as_of: the day the example's data ends
    assert o.as_of == dt.date(2026, 11, 22)
    assert o.drift() is not None and o.drift_report is not None
    o.latest_window(n_boot=0)
    o.alerts()
    o.retrain()
    assert o.gates[-1].name == "retrain" and o.gates[-1].figure == "retrain now"
    o.impact()
    assert {"drift_share", "labelled_rows", "root_value"} <= set(o.figures)


def test_the_editing_widgets_are_in_discovery_and_experiments(tmp_path: Path) -> None:
    folder = tmp_path / "support"
    write_example("support-summaries", folder)
    d = Discovery.open(folder, as_of="2026-12-01")
    questionnaire, scenarios = d.ai_act_questionnaire(), d.scenario_widget()
    e = Experiments.open(folder, as_of="2026-12-01")
    assert type(e.scenario_widget()).__name__ == "ScenarioWidget"
    assert questionnaire.view["result"]["tier_label"].startswith("Transparency")
    assert scenarios is not None and scenarios.view["scenarios"]["realistic"]["npv"] > 0
    # Bound to the phase's workspace file: a save writes aipo.yaml.
    assert questionnaire.workspace_file is d.wf and scenarios.workspace_file is d.wf
    # In a report, a sentence where the figures are, not the same picture twice.
    data, _ = scenarios._repr_mimebundle_()
    assert data["text/html"].startswith('<p class="aipo-static-note">Business case scenarios:')
    assert "<img" not in data["text/html"]
    data, _ = questionnaire._repr_mimebundle_()
    assert "the classification and its obligations are shown above" in data["text/html"]
    blank = tmp_path / "blank"
    write_example("blank", blank)
    assert Discovery.open(blank, as_of="2026-12-01").scenario_widget() is None
