"""No surface contradicts another (issue 13, finding 8).

(a) a stop rule "not measured yet" in discovery after a later phase measured it; (b) "every gate
passed" above warnings; (c) a risk picture dated months before the gate that calls a review
overdue; (d) "WARN: go" for a product in operation whose drift says retrain (the pages' test,
tests/unit/pages/test_verdict_surfaces.py, and the CLI's test cover the surfaces of (d)).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.cli import main
from aipo_widgets.evidence import Gate
from aipo_widgets.examples import write_example
from aipo_widgets.gates.experiments import continue_or_stop
from aipo_widgets.gates.rollout import go_no_go
from aipo_widgets.gates.verdict import overall_verdict, supersede
from aipo_widgets.model.workspace import load
from aipo_widgets.notebook.discovery import Discovery
from aipo_widgets.pages import status
from aipo_widgets.pages.sidebar import sidebar_state

CASE = {"horizon_months": 6,
        "drivers": {"fa": {"conservative": 300, "realistic": 200, "optimistic": 100}},
        "monthly_benefit": "1000 - fa",
        "exit_criteria": [{"id": "X2", "metric": "fa", "operator": ">", "value": 300,
                           "description": "Rethink if false alarms stay above 300"}]}


def test_a_stop_rule_not_measured_names_its_metric_and_is_missing():
    (gate,) = analyse(CASE, monte_carlo=False).exit_gates
    assert gate.verdict == "warn" and gate.extra["metric"] == "fa"
    assert gate.provenance is not None and gate.provenance.kind == "missing"
    (later,) = analyse(CASE, measured={"fa": 640.0}, monte_carlo=False).exit_gates
    assert (later.verdict, later.figure, later.extra["metric"]) == ("fail", 640.0, "fa")


def _evidence() -> dict:
    early = analyse(CASE, monte_carlo=False).exit_gates[0].to_dict()
    late = analyse(CASE, measured={"fa": 640.0}, monte_carlo=False).exit_gates[0].to_dict()
    return {"id": "20261201T080000Z-abcd", "started": "2026-12-01T08:00:00+00:00",
            "verdict": "fail", "exit_code": 1, "gates": [], "phases": [
                {"phase": "discovery", "notebook": "01_discovery.ipynb", "status": "ok",
                 "verdict": "warn", "seconds": 1.0, "figures": {}, "gates": [early]},
                {"phase": "operate", "notebook": "04_operate.ipynb", "status": "ok",
                 "verdict": "fail", "seconds": 1.0, "figures": {}, "gates": [late]}]}


def test_a_later_measurement_supersedes_the_earlier_not_measured(tmp_path: Path, capsys):
    shown = supersede(_evidence())
    by = shown["phases"][0]["gates"][0]["superseded_by"]
    assert (by["phase"], by["figure"], by["verdict"]) == ("operate", 640.0, "fail")
    assert "superseded_by" not in shown["phases"][1]["gates"][0]

    write_example("predictive-maintenance", tmp_path)
    run = _evidence()
    (tmp_path / "reports" / run["id"]).mkdir(parents=True)
    (tmp_path / "reports" / run["id"] / "results.json").write_text(json.dumps(run), "utf-8")
    (tmp_path / "reports" / "latest").symlink_to(run["id"])
    gates = dict(status.status_sections(tmp_path))["Gates of the last run"]
    later = "superseded: the operate phase measured 640 (FAIL, run 20261201T080000Z-abcd)"
    assert later in gates
    attention = gates.split("<h3>What needs attention</h3>")[1].split("<details>")[0]
    assert "is not measured yet" not in attention  # the old warning is no open point
    assert main(["status", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"[SUPERSEDED] Rethink if false alarms stay above 300: {later}" in out
    v = overall_verdict(load(tmp_path).workspace, run)
    assert all("not measured" not in r.detail for r in v.housekeeping)
    side = sidebar_state(tmp_path)
    assert [(g["phase"], g["verdict"]) for g in side["gates"]] == [("operate", "fail")]


def test_a_decision_with_warnings_never_says_every_gate_passed():
    gates = [Gate("recall", "pass")] + [Gate(f"w{i}", "warn") for i in range(4)]
    decision = continue_or_stop(gates)
    assert "every gate passed" not in decision.detail
    assert decision.detail.startswith("continue, with 4 warnings: w0; w1; w2; w3")
    many = go_no_go([Gate(f"w{i}", "warn") for i in range(10)])
    assert many.detail.startswith("go, with 10 warnings: ") and "and 2 more" in many.detail


def test_the_risk_picture_is_dated_as_the_gates_are(tmp_path: Path):
    write_example("predictive-maintenance", tmp_path)
    as_of = dt.date(2026, 12, 1)
    phase = Discovery.open(tmp_path, as_of=as_of)
    widget = phase.risks()
    assert widget.view["as_of"] == as_of.isoformat()
    overdue = next(g for g in phase.gates if g.name == "risk reviews up to date")
    assert overdue.verdict == "warn"
    assert set(widget.view["overdue"]) >= {r.strip().split(" ")[0]
                                           for r in str(overdue.detail).split(",")}
