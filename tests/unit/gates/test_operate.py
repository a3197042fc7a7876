"""The gates of operation, without a kernel: windows, drift, budgets, alerts, the kill switch
and the retrain recommendation, each on a figure measured in its window."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis.drift import drift
from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.analysis.operations import Measurement
from aipo_widgets.analysis.sources import Window
from aipo_widgets.evidence import Provenance
from aipo_widgets.gates.operate import (
    MIN_LABELLED_ROWS,
    alert_gates,
    cost_gates,
    drift_gate,
    kill_switch_gates,
    labelled_rows,
    performance_gate,
    retrain_recommendation,
    windowed_gate,
)
from aipo_widgets.model.monitoring import AlertRule
from aipo_widgets.model.schema import Workspace

AS_OF = dt.date(2026, 12, 1)


def make_ws(**sections) -> Workspace:
    return Workspace.model_validate({"product": {"name": "x", "owner": "y"}, **sections})


def window(days: int, rows: int = 500) -> Window:
    return Window("log", AS_OF - dt.timedelta(days=days - 1), AS_OF, rows=rows)


def measured(value: float | None, rows: int = 100, days: int = 7, basis: str = "rows"
             ) -> Measurement:
    w = window(days)
    return Measurement("m", value, rows, basis, w.provenance(rows, basis))


class Recorder:
    """A measure(metric, days) that answers from a table and remembers what was asked."""

    def __init__(self, values: dict[str, float], rows: int = 100) -> None:
        self.values, self.rows, self.asked = values, rows, []

    def __call__(self, metric: str, days: int) -> Measurement:
        self.asked.append((metric, days))
        if metric not in self.values:
            return Measurement(metric, None, 0, "", Provenance.missing(
                f"data_map.sources[log]: a column for {metric}"))
        return measured(self.values[metric], self.rows, days)


# --------------------------------------------------------------------------------------------
# labels that have arrived


@pytest.mark.parametrize(("labelled", "evaluated"), [(29, False), (30, True)])
def test_a_window_is_evaluated_from_thirty_labelled_rows(labelled: int, evaluated: bool) -> None:
    assert MIN_LABELLED_ROWS == 30
    frame = pd.DataFrame({"y": [1.0] * labelled + [None] * 10})
    rows = labelled_rows(frame, "y")
    assert (rows is not None) is evaluated
    if evaluated:
        assert len(rows) == labelled and rows["y"].notna().all()


def test_no_label_column_no_evaluation() -> None:
    frame = pd.DataFrame({"y": [1.0] * 40})
    assert labelled_rows(frame, None) is None
    assert labelled_rows(frame, "label") is None
    assert labelled_rows(frame, "y", minimum=41) is None


def test_performance_needs_enough_labelled_rows_in_the_window() -> None:
    ws = make_ws(monitoring={"min_rows": 30})
    few = performance_gate(ws, measured(0.0, rows=0, days=7, basis="rows with a label"))
    assert few.verdict == "warn" and "too few rows" in few.detail
    assert few.extra["window"]["start"] == "2026-11-25"
    enough = performance_gate(ws, measured(40.0, rows=40, days=28, basis="rows with a label"))
    assert enough.verdict == "pass" and enough.extra["window"]["days"] == 28


# --------------------------------------------------------------------------------------------
# one condition on its window


def test_a_windowed_gate_names_its_window_and_rows() -> None:
    rule = AlertRule(id="A2", metric="false_alarms_month", operator=">", value=300)
    gate = windowed_gate(rule, measured(921.0, rows=668, days=28, basis="alarms with a label"),
                         min_rows=30, trigger_verdict="warn")
    assert (gate.verdict, gate.figure) == ("warn", 921.0)
    assert "from 2026-11-04 to 2026-12-01 (28 days), 668 alarms with a label" in gate.detail
    assert gate.extra["window"] == {"source": "log", "start": "2026-11-04", "end": "2026-12-01",
                                    "days": 28, "rows": 668}
    assert gate.provenance.kind == "measured"


def test_too_few_rows_is_its_own_verdict_never_a_pass() -> None:
    rule = AlertRule(id="A1", metric="recall", operator="<", value=0.6, severity="critical")
    gate = windowed_gate(rule, measured(0.95, rows=12, basis="positives with a label"),
                         min_rows=30)
    assert gate.verdict == "warn"
    assert gate.detail.startswith("too few rows: 12 positives with a label in log from "
                                  "2026-11-25 to 2026-12-01 (7 days), 30 needed")


def test_a_figure_typed_in_aipo_yaml_is_never_read() -> None:
    # Finding 2: the alarm-fatigue alert took current: 148 from aipo.yaml and passed.
    ws = make_ws(metric_tree={"root": "f", "nodes": [
        {"id": "f", "name": "False alarms", "current": 148}]},
        monitoring={"alert_rules": [
            {"id": "A2", "metric": "f", "operator": ">", "value": 300, "window": "28d"}]},
        kill_switch={"conditions": [{"id": "K1", "metric": "f", "operator": ">", "value": 1200}]})
    measure = Recorder({})
    gates = alert_gates(ws, measure) + kill_switch_gates(ws, measure)
    assert [g.verdict for g in gates] == ["warn", "warn"]
    assert all(g.figure is None for g in gates)
    assert gates[0].detail == ("not measured: would come from data_map.sources[log]: a column "
                               "for f")


# --------------------------------------------------------------------------------------------
# drift and budgets


@pytest.fixture(scope="module")
def drifted():
    rng = np.random.default_rng(1)
    reference = Reference.from_frame(pd.DataFrame({"a": rng.normal(0, 1, 1000)}))
    report = drift(reference, pd.DataFrame({"a": rng.normal(3, 1, 1000)}))
    assert report.verdict == "drift"
    return report


def test_drift_warns_names_its_window_and_points_at_the_retrain(drifted) -> None:
    gate = drift_gate(drifted, window(7, rows=1000), min_rows=30)
    assert (gate.name, gate.verdict) == ("data drift against the frozen reference", "warn")
    assert "log from 2026-11-25 to 2026-12-01 (7 days, 1,000 rows)" in gate.detail
    assert gate.detail.endswith("; see the retrain recommendation")
    assert gate.extra["window"]["rows"] == 1000
    rng = np.random.default_rng(0)
    reference = Reference.from_frame(pd.DataFrame({"a": rng.normal(0, 1, 2000)}))
    steady = drift(reference, pd.DataFrame({"a": rng.normal(0, 1, 2000)}))
    assert drift_gate(steady, window(7, rows=2000)).verdict == "pass"


def test_drift_on_too_few_rows_or_without_a_reference_is_no_pass(drifted) -> None:
    few = drift_gate(drifted, window(7, rows=10), min_rows=30)
    assert few.verdict == "warn" and few.detail.startswith("too few rows: 10 rows in log")
    empty = drift_gate(None, window(7, rows=0), min_rows=30)
    assert empty.verdict == "warn" and "too few rows: 0 rows" in empty.detail
    none = drift_gate(None)
    assert none.verdict == "warn" and none.detail.startswith("not measured: would come from")


def test_cost_and_latency_of_the_default_window_against_the_budgets() -> None:
    ws = make_ws(monitoring={"window_days": 14},
                 budgets={"cost_per_use": 0.015, "latency_p50_ms": 300, "latency_p95_ms": 800})
    measure = Recorder({"cost_per_use": 0.02, "latency_p50_ms": 250.0})
    gates = cost_gates(ws, measure)
    assert [(g.name, g.verdict, g.figure) for g in gates] == [
        ("cost per use within budget", "fail", 0.02),
        ("latency p50 within budget", "pass", 250.0),
        ("latency p95 within budget", "warn", None)]
    assert {days for _, days in measure.asked} == {14}
    assert gates[0].source == "budgets.cost_per_use"
    assert gates[2].detail.startswith("not measured: would come from")


def test_no_budget_no_cost_gate() -> None:
    assert cost_gates(make_ws(), Recorder({})) == []


# --------------------------------------------------------------------------------------------
# alerts and the kill switch, each on its own window


def test_alerts_fire_by_severity_on_their_own_windows() -> None:
    ws = make_ws(monitoring={"window_days": 7, "alert_rules": [
        {"id": "A1", "metric": "err", "operator": ">", "value": 0.05, "severity": "critical",
         "action": "page the on-call", "window": "1d"},
        {"id": "A2", "metric": "err", "operator": ">", "value": 0.01, "window": "4w"},
        {"id": "A3", "metric": "cost", "operator": ">", "value": 1.0},
        {"id": "A4", "metric": "latency", "operator": ">", "value": 1.0, "window": "7d"}]})
    measure = Recorder({"err": 0.1, "cost": 0.5})
    gates = alert_gates(ws, measure)
    assert [(g.name, g.verdict) for g in gates] == [
        ("alert A1: err", "fail"), ("alert A2: err", "warn"), ("alert A3: cost", "pass"),
        ("alert A4: latency", "warn")]
    # Finding 1: each rule's window is the one it declares, ending at as_of.
    assert measure.asked == [("err", 1), ("err", 28), ("cost", 1), ("latency", 7)]
    assert gates[0].detail.endswith(". Action: page the on-call")
    assert gates[3].detail.startswith("not measured: would come from data_map.sources[log]")
    assert [g.source for g in gates] == [f"monitoring.alert_rules[{i}]" for i in range(4)]


def test_a_rule_s_own_min_rows_wins() -> None:
    ws = make_ws(monitoring={"min_rows": 10, "alert_rules": [
        {"id": "A1", "metric": "err", "operator": ">", "value": 0.5, "min_rows": 200}]})
    (gate,) = alert_gates(ws, Recorder({"err": 0.1}, rows=100))
    assert gate.verdict == "warn" and "200 needed" in gate.detail


def test_kill_switch_conditions_on_their_windows_name_the_fallback() -> None:
    ws = make_ws(monitoring={"window_days": 28},
                 kill_switch={"fallback": "manual triage", "conditions": [
                     {"id": "K1", "metric": "err", "operator": ">", "value": 0.2,
                      "description": "errors", "window": "7d"},
                     {"id": "K2", "metric": "err", "operator": ">", "value": 0.5}]})
    measure = Recorder({"err": 0.3})
    gates = kill_switch_gates(ws, measure)
    assert [(g.name, g.verdict) for g in gates] == [
        ("kill switch K1: errors", "fail"), ("kill switch K2: err", "pass")]
    assert measure.asked == [("err", 7), ("err", 28)]
    assert gates[0].detail.endswith(". Switch off now; fallback: manual triage")


# --------------------------------------------------------------------------------------------
# retraining: the dates from aipo.yaml, the labels as the rule counts them


def labels(count: float, since: dt.date = dt.date(2026, 2, 8)) -> Measurement:
    w = Window("log", since + dt.timedelta(days=1), AS_OF, rows=5000)
    return Measurement("new positives", count, 5000, "rows", w.provenance())


RETRAIN = {"interval_days": 90, "on_drift": True, "min_new_labels": 50,
           "new_labels": "positives"}


def test_a_model_trained_on_old_data_is_due_for_a_retrain() -> None:
    # Finding 3: the data cut-off from aipo.yaml, checked against as_of; no notebook parameter.
    ws = make_ws(monitoring={"retrain": {**RETRAIN, "trained_on": "2026-05-06",
                                         "data_cutoff": "2026-02-08"}})
    gate = retrain_recommendation(ws, None, as_of=AS_OF, new_labels=labels(73))
    assert (gate.verdict, gate.figure) == ("warn", "retrain now")
    assert ("the model's data cut-off 2026-02-08 is 296 days before 2026-12-01 (interval 90 "
            "days: due on 2026-05-09)") in gate.detail
    assert "73 new positives in log from 2026-02-09 to 2026-12-01" in gate.detail
    # drift was not measured: said, not passed over
    assert "not measured: drift" in gate.detail


def test_too_few_new_positives_means_wait(drifted) -> None:
    ws = make_ws(monitoring={"retrain": {**RETRAIN, "data_cutoff": "2026-11-01"}})
    gate = retrain_recommendation(ws, drifted, as_of=AS_OF, new_labels=labels(10))
    assert (gate.verdict, gate.figure) == ("warn", "wait for labels")
    assert gate.detail == ("the data set has drifted; only 10 new positives in log from "
                           "2026-02-09 to 2026-12-01 (296 days), 50 needed")


def test_not_needed_only_when_everything_was_measured(drifted) -> None:
    rng = np.random.default_rng(0)
    reference = Reference.from_frame(pd.DataFrame({"a": rng.normal(0, 1, 2000)}))
    steady = drift(reference, pd.DataFrame({"a": rng.normal(0, 1, 2000)}))
    ws = make_ws(monitoring={"retrain": {**RETRAIN, "data_cutoff": "2026-11-01"}})
    gate = retrain_recommendation(ws, steady, as_of=AS_OF, new_labels=labels(80))
    assert (gate.verdict, gate.figure) == ("pass", "not needed")
    assert "is 30 days before 2026-12-01" in gate.detail
    # without the training dates the age is unknown: a warning naming the fields to add
    undated = make_ws(monitoring={"retrain": RETRAIN})
    gate = retrain_recommendation(undated, steady, as_of=AS_OF, new_labels=labels(80))
    assert (gate.verdict, gate.figure) == ("warn", "not measured")
    assert "add monitoring.retrain.data_cutoff and trained_on" in gate.detail


def test_drift_does_not_count_when_the_policy_ignores_it(drifted) -> None:
    ws = make_ws(monitoring={"retrain": {"on_drift": False}})
    gate = retrain_recommendation(ws, drifted, as_of=AS_OF)
    assert (gate.verdict, gate.figure) == ("pass", "not needed")
    # the threshold names only what the policy declares
    assert gate.threshold == "no criterion declared", gate.threshold
    gate = retrain_recommendation(make_ws(monitoring={"retrain": {"min_new_labels": 0}}),
                                  drifted, as_of=AS_OF)
    assert gate.threshold == "no drift", gate.threshold
    gate = retrain_recommendation(make_ws(monitoring={"retrain": RETRAIN}), drifted,
                                  as_of=AS_OF, new_labels=labels(80))
    assert gate.threshold == "no drift, within 90 days; >= 50 new positives", gate.threshold


# --------------------------------------------------------------------------------------------
# properties


OPERATORS = st.sampled_from(["<", "<=", ">", ">=", "=="])
NUMBERS = st.floats(-1e6, 1e6, allow_nan=False)


@settings(max_examples=200, deadline=None)
@given(op=OPERATORS, threshold=NUMBERS, value=st.one_of(st.none(), NUMBERS),
       kind=st.sampled_from(["typed", "carried", "missing"]),
       meaning=st.sampled_from(["trigger", "requirement"]), rows=st.integers(0, 10_000))
def test_a_figure_without_a_measurement_never_passes(op, threshold, value, kind, meaning,
                                                     rows) -> None:
    prov = {"typed": Provenance.typed("metric_tree.nodes[m].current"),
            "carried": Provenance.carried("m", "run-1"),
            "missing": Provenance.missing("data_map.sources[log].label_column")}[kind]
    rule = AlertRule(id="A", metric="m", operator=op, value=threshold)
    gate = windowed_gate(rule, Measurement("m", value, rows, "rows", prov), min_rows=1,
                         meaning=meaning)
    assert gate.verdict != "pass"


@settings(max_examples=200, deadline=None)
@given(op=OPERATORS, threshold=NUMBERS, value=NUMBERS, rows=st.integers(0, 100),
       min_rows=st.integers(1, 100))
def test_a_figure_on_too_few_rows_never_passes(op, threshold, value, rows, min_rows) -> None:
    rule = AlertRule(id="A", metric="m", operator=op, value=threshold)
    gate = windowed_gate(rule, measured(value, rows=rows), min_rows=min_rows,
                         meaning="requirement")
    if rows < min_rows:
        assert gate.verdict == "warn" and gate.detail.startswith("too few rows")


def test_an_unmeasured_retrain_check_is_not_a_retrain_decision() -> None:
    from aipo_widgets.gates.verdict import overall_verdict

    ws = make_ws(product={"name": "x", "owner": "y", "phase": "operate"})
    gate = retrain_recommendation(make_ws(monitoring={"retrain": RETRAIN}), None, as_of=AS_OF,
                                  new_labels=labels(80))
    assert gate.figure == "not measured"
    run = {"id": "r1", "phases": [{"phase": "operate", "gates": [gate.to_dict()]}]}
    verdict = overall_verdict(ws, run)
    assert verdict.decision == "complete the retrain check"
    assert verdict.verdict == "warn"
