"""The operate gates on the shipped examples and a blank workspace (issue 13, findings 1, 2, 3
and the blank start of 10): every figure measured in its window, or said not to be."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aipo_widgets.examples import write_example
from aipo_widgets.notebook import _phase
from aipo_widgets.notebook import operate as operate_facade
from aipo_widgets.notebook._phase import Picture
from aipo_widgets.notebook.operate import Operate
from aipo_widgets.runs.ledger import Ledger

SHOWN: list[object] = []  # what the facade displayed (its pictures among them)


@pytest.fixture(autouse=True)
def quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    SHOWN.clear()
    monkeypatch.setattr(_phase, "show", SHOWN.append)
    monkeypatch.setattr(operate_facade, "show", SHOWN.append)


def run(folder: Path) -> dict[str, object]:
    phase = Operate.open(folder)
    phase.drift()
    phase.latest_window(n_boot=0)
    phase.versions()
    phase.alerts()
    phase.retrain()
    phase.impact()
    return {g.name.split(":")[0]: g for g in phase.gates} | {"_phase": phase}


@pytest.fixture(scope="module")
def maintenance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ops") / "pm"
    write_example("predictive-maintenance", folder)
    with Ledger(folder / "reports" / "ledger.sqlite") as ledger:  # an earlier run's PSI
        ledger.add_run({"id": "r0", "started": "2026-11-15T08:00:00", "phases": [
            {"phase": "operate", "status": "ok", "gates": [],
             "figures": {"psi_temperature": 0.0412345, "root_value": 1234567.0}}]})
    return folder


@pytest.fixture(scope="module")
def support(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("ops") / "ss"
    write_example("support-summaries", folder)
    return folder


def test_maintenance_alarm_fatigue_and_precision_floor_fire_on_its_own_data(
        maintenance: Path) -> None:
    gates = run(maintenance)
    assert gates["_phase"].as_of == dt.date(2026, 11, 22)  # settings.as_of
    fatigue = gates["alert A2"]
    # Finding 2: measured from the log's four weeks, not current: 148 typed in aipo.yaml.
    assert fatigue.verdict == "warn" and fatigue.figure > 600
    assert fatigue.provenance.kind == "measured"
    assert fatigue.extra["window"]["start"] == "2026-10-26"
    assert fatigue.extra["window"]["end"] == "2026-11-22"
    precision = gates["alert A5"]
    assert precision.verdict == "warn" and precision.figure < 0.1
    # the drift window is the latest week
    assert gates["data drift against the frozen reference"].extra["window"]["days"] == 7
    # the North Star is recomputed with what was measured, not the gold-set figures typed
    figures = gates["_phase"].figures
    assert {"false_alarms_month", "recall"} <= set(figures["root_measured_inputs"])
    assert figures["root_value"] > 450_000  # the target is missed with ~920 false alarms
    # drift drawn per column, each column's PSI of the earlier runs with it, and recorded
    (drift,) = [p for p in SHOWN if isinstance(p, Picture) and p.alt.startswith("Drift")]
    assert drift.alt.startswith("Drift per column: 3 of 6 columns drifted")
    assert "PSI over runs: 0.0412, now " in drift.svg
    assert {"psi_temperature", "psi_score"} <= set(figures)
    # the North Star across runs: the earlier run's value, then this run's
    (trends,) = [p for p in SHOWN if isinstance(p, Picture) and p.alt.startswith("Across")]
    assert "1,234,567 EUR" in trends.svg and ">this run<" in trends.svg


def test_maintenance_retrain_is_due_from_the_dates_in_aipo_yaml(maintenance: Path) -> None:
    # Finding 3: the data cut-off 2026-02-08 with a 90-day interval, new failures counted.
    gate = run(maintenance)["retrain"]
    assert (gate.verdict, gate.figure) == ("warn", "retrain now")
    assert "data cut-off 2026-02-08 is 287 days before 2026-11-22" in gate.detail
    labelled = 7 * 580  # the windows of the production log whose label has arrived
    assert 60 <= gate.extra["new_labels"] < labelled / 10  # failures, not labelled rows


def test_support_kill_switch_reads_a_week_of_reviews(support: Path) -> None:
    # Finding 1: "a week's sampled reviews" was computed over 19 days and 210 reviews.
    gate = run(support)["kill switch K1"]
    window = gate.extra["window"]
    assert (window["start"], window["end"], window["days"]) == ("2026-11-14", "2026-11-20", 7)
    assert 30 <= window["rows"] < 100
    assert gate.verdict == "pass" and gate.provenance.kind == "measured"


def test_no_operate_gate_passes_on_a_figure_it_did_not_measure(maintenance: Path,
                                                               support: Path) -> None:
    for folder in (maintenance, support):
        phase = run(folder)["_phase"]
        for gate in phase.gates:
            if gate.verdict == "pass":
                assert gate.provenance is not None, gate
                assert gate.provenance.kind in ("measured", "config"), gate
    # the pilot's prevented share typed as a driver's measured value is said to be typed
    stop = run(maintenance)["Stop if inspections prevent fewer than 3 in 10 failures."]
    assert stop.verdict == "warn" and stop.provenance.kind == "typed"


def test_a_blank_workspace_runs_operate_and_says_what_is_missing(tmp_path: Path) -> None:
    # Finding 10: KeyError: None (no metric-tree root) on an untouched blank workspace.
    folder = tmp_path / "blank"
    write_example("blank", folder)
    gates = run(folder)
    assert gates["production window available"].detail == (
        "add a data source with role: production")
    assert "monitoring.drift.reference" in gates[
        "data drift against the frozen reference"].detail
    root = gates["impact on the North Star"]
    assert root.verdict == "warn" and "metric_tree.root" in root.detail
    assert gates["retrain"].verdict == "warn"


def test_the_production_window_gate_reads_only_its_window(maintenance: Path) -> None:
    # Issue 13: the gate judged the whole log file; it reads monitoring.window_days up to as_of.
    import pandas as pd

    phase = Operate.open(maintenance)
    gate = next(g for g in phase.gates if g.name == "production window available")
    source = phase.production_source
    whole = pd.read_csv(maintenance / source.location)
    times = pd.to_datetime(whole[source.time_column]).dt.date
    start = phase.as_of - dt.timedelta(days=phase.ws.monitoring.window_days - 1)
    inside = int(((times >= start) & (times <= phase.as_of)).sum())
    assert gate.verdict == "pass" and gate.provenance.kind == "measured"
    assert gate.figure == inside == len(phase.production) < len(whole)
    assert (gate.provenance.start, gate.provenance.end) == (start, phase.as_of)
    assert "frames" not in phase.__dict__ or source.id not in phase.frames  # never read whole


def test_an_empty_or_thin_production_window_does_not_pass(maintenance: Path) -> None:
    late = Operate.open(maintenance, as_of="2030-01-01")
    gate = next(g for g in late.gates if g.name == "production window available")
    assert gate.verdict == "fail" and gate.figure == 0 and "no rows" in gate.detail


def test_support_production_runs_the_accepted_version_until_the_hotfix_window(
        support: Path) -> None:
    # The week to 2026-11-20 ran only prompt v3: the version gate passes on its rows.
    gates = run(support)
    gate = gates["production runs the accepted versions"]
    assert gate.verdict == "pass" and gate.provenance.kind == "measured"
    assert gate.extra["window"]["start"] == "2026-11-14"
    assert gates["alert A7"].verdict == "pass" and gates["alert A8"].verdict == "pass"
    # The week to 2026-11-12 holds the unevaluated hotfix v3.1 of 10 and 11 November.
    phase = Operate.open(support, as_of="2026-11-12")
    phase.versions()
    (hotfix,) = [g for g in phase.gates if g.name == "production runs the accepted versions"]
    assert hotfix.verdict == "fail"
    assert hotfix.detail.startswith("v3.1 / medium-2026-05 runs since 2026-11-10")
