"""The gates of operation, without a kernel: labelled rows, drift, budgets, alerts, the kill
switch and the retrain recommendation."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from aipo_widgets.analysis.drift import drift
from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.gates.operate import (
    MIN_LABELLED_ROWS,
    alert_gates,
    cost_gates,
    drift_gate,
    kill_switch_gates,
    labelled_rows,
    retrain_recommendation,
)
from aipo_widgets.model.schema import DataSource, Workspace

AS_OF = dt.date(2026, 12, 1)


def make_ws(**sections) -> Workspace:
    return Workspace.model_validate({"product": {"name": "x", "owner": "y"}, **sections})


# --------------------------------------------------------------------------------------------
# labels that have arrived


@pytest.mark.parametrize(("labelled", "evaluated"), [(29, False), (30, True)])
def test_a_window_is_evaluated_from_thirty_labelled_rows(labelled: int, evaluated: bool) -> None:
    assert MIN_LABELLED_ROWS == 30
    window = pd.DataFrame({"y": [1.0] * labelled + [None] * 10})
    rows = labelled_rows(window, "y")
    assert (rows is not None) is evaluated
    if evaluated:
        assert len(rows) == labelled and rows["y"].notna().all()


def test_no_label_column_no_evaluation() -> None:
    window = pd.DataFrame({"y": [1.0] * 40})
    assert labelled_rows(window, None) is None
    assert labelled_rows(window, "label") is None
    assert labelled_rows(window, "y", minimum=41) is None


# --------------------------------------------------------------------------------------------
# drift and budgets


def test_drift_warns_and_points_at_the_retrain_recommendation() -> None:
    rng = np.random.default_rng(0)
    reference = Reference.from_frame(pd.DataFrame({"a": rng.normal(0, 1, 2000)}))
    drifted = drift(reference, pd.DataFrame({"a": rng.normal(2, 1, 2000)}))
    assert drifted.gate().verdict == "fail"
    gate = drift_gate(drifted)
    assert (gate.name, gate.verdict) == ("data drift against the frozen reference", "warn")
    assert gate.detail.endswith("; see the retrain recommendation")
    steady = drift(reference, pd.DataFrame({"a": rng.normal(0, 1, 2000)}))
    assert drift_gate(steady).verdict == "pass"


def test_cost_and_latency_of_the_window_against_the_budgets() -> None:
    frame = pd.DataFrame({"eur": [0.01, 0.02, 0.03, None], "ms": [100, 200, 300, 1000]})
    source = DataSource(id="p", name="P", role="production", cost_column="eur",
                        latency_column="ms")
    ws = make_ws(budgets={"cost_per_use": 0.015, "latency_p50_ms": 300, "latency_p95_ms": 800})
    gates = cost_gates(ws, frame, source)
    # mean of 0.01, 0.02, 0.03; median of 100..1000 is 250; p95 (linear) is 895
    assert [(g.name, g.verdict, g.figure) for g in gates] == [
        ("cost per use within budget", "fail", 0.02),
        ("latency p50 within budget", "pass", 250.0),
        ("latency p95 within budget", "fail", 895.0)]
    assert gates[0].source == "budgets.cost_per_use"


def test_no_budget_or_no_column_no_cost_gate() -> None:
    source = DataSource(id="p", name="P", role="production", cost_column="eur")
    frame = pd.DataFrame({"eur": [1.0]})
    assert cost_gates(make_ws(), frame, source) == []
    assert cost_gates(make_ws(budgets={"latency_p50_ms": 1}), frame, source) == []


# --------------------------------------------------------------------------------------------
# alerts and the kill switch


def test_alerts_fire_by_severity_and_say_what_to_do() -> None:
    ws = make_ws(monitoring={"alert_rules": [
        {"id": "A1", "metric": "err", "operator": ">", "value": 0.05, "severity": "critical",
         "action": "page the on-call"},
        {"id": "A2", "metric": "err", "operator": ">", "value": 0.01},
        {"id": "A3", "metric": "cost", "operator": ">", "value": 1.0},
        {"id": "A4", "metric": "latency", "operator": ">", "value": 1.0}]})
    gates = alert_gates(ws, {"err": 0.1, "cost": 0.5})
    assert [(g.name, g.verdict) for g in gates] == [
        ("alert A1: err", "fail"), ("alert A2: err", "warn"), ("alert A3: cost", "pass"),
        ("alert A4: latency", "warn")]
    assert gates[0].detail.endswith(". Action: page the on-call")
    assert gates[3].detail == "latency was not measured"
    assert [g.source for g in gates] == [f"monitoring.alert_rules[{i}]" for i in range(4)]


def test_a_met_kill_switch_condition_fails_and_names_the_fallback() -> None:
    ws = make_ws(kill_switch={"fallback": "manual triage", "conditions": [
        {"id": "K1", "metric": "err", "operator": ">", "value": 0.2, "description": "errors"},
        {"id": "K2", "metric": "err", "operator": ">", "value": 0.5}]})
    gates = kill_switch_gates(ws, {"err": 0.3})
    assert [(g.name, g.verdict) for g in gates] == [
        ("kill switch K1: errors", "fail"), ("kill switch K2: err", "pass")]
    assert gates[0].detail.endswith(". Switch off now; fallback: manual triage")


# --------------------------------------------------------------------------------------------
# retraining


@pytest.fixture(scope="module")
def drifted():
    rng = np.random.default_rng(1)
    reference = Reference.from_frame(pd.DataFrame({"a": rng.normal(0, 1, 1000)}))
    report = drift(reference, pd.DataFrame({"a": rng.normal(3, 1, 1000)}))
    assert report.verdict == "drift"
    return report


RETRAIN = {"retrain": {"interval_days": 90, "on_drift": True, "min_new_labels": 50}}


@pytest.mark.parametrize(("has_drifted", "trained", "labels", "expected"), [
    (False, dt.date(2026, 11, 1), 100, ("pass", "not needed", "")),
    (False, None, 0, ("pass", "not needed", "")),
    (True, dt.date(2026, 11, 1), 100, ("warn", "retrain now", "the data set has drifted")),
    (False, dt.date(2026, 8, 1), 100, ("warn", "retrain now",
                                       "the model is 122 days old (interval 90)")),
    (True, dt.date(2026, 8, 1), 10, (
        "warn", "wait for labels", "the data set has drifted; the model is 122 days old "
        "(interval 90); only 10 new labels")),
])
def test_retrain_recommendation(drifted, has_drifted, trained, labels, expected) -> None:
    gate = retrain_recommendation(make_ws(monitoring=RETRAIN), drifted if has_drifted else None,
                                  last_trained=trained, as_of=AS_OF, new_labels=labels)
    assert (gate.verdict, gate.figure, gate.detail) == expected


def test_drift_does_not_count_when_the_policy_ignores_it(drifted) -> None:
    ws = make_ws(monitoring={"retrain": {"on_drift": False}})
    gate = retrain_recommendation(ws, drifted, last_trained=None, as_of=AS_OF)
    assert (gate.verdict, gate.figure) == ("pass", "not needed")
