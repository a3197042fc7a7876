"""The operate phase's figures, each measured on its own window of the production log."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis.monitored import Windows, measure_metric, new_labels_since
from aipo_widgets.gates.operate import windowed_gate
from aipo_widgets.model.monitoring import AlertRule
from aipo_widgets.model.schema import Workspace

AS_OF = dt.date(2026, 11, 20)


def workspace(**sections) -> Workspace:
    source = {"id": "log", "name": "Log", "role": "production", "location": "log.csv",
              "time_column": "t", "label_column": "y", "score_column": "s",
              "latency_column": "ms", **sections.pop("source", {})}
    return Workspace.model_validate({
        "product": {"name": "x", "owner": "y"},
        "data_map": {"sources": [source]},
        "decisions": [{"id": "D1", "date": "2026-05-08", "title": "t", "decision": "d",
                       "threshold": 0.5}],
        **sections})


def write(folder: Path, frame: pd.DataFrame) -> Path:
    frame.to_csv(folder / "log.csv", index=False)
    return folder


def days(first: str, n: int) -> list[str]:
    start = dt.date.fromisoformat(first)
    return [(start + dt.timedelta(days=i)).isoformat() for i in range(n)]


def test_a_week_s_figure_reads_only_the_week(tmp_path: Path) -> None:
    # Finding 1: the support example's kill switch "a week's sampled reviews" was computed on
    # 19 days. Twelve bad days, then a clean week: the week's figure sees only the clean week.
    t = days("2026-11-02", 19)
    frame = pd.DataFrame({"t": np.repeat(t, 10), "ms": np.repeat(
        [9000] * 12 + [1000] * 7, 10)})
    ws = workspace()
    windows = Windows(write(tmp_path, frame), AS_OF)
    week = measure_metric(ws, windows, "latency_p95_ms", days=7)
    assert week.value == 1000.0 and week.rows == 70
    assert (week.provenance.start, week.provenance.end) == (dt.date(2026, 11, 14), AS_OF)
    whole = measure_metric(ws, windows, "latency_p95_ms", days=19)
    assert whole.value == 9000.0 and whole.rows == 190


def test_false_alarms_are_measured_not_typed(tmp_path: Path) -> None:
    # Finding 2: current: 148 in aipo.yaml is ignored; the log's alarms count.
    t = days("2026-10-24", 28)
    n = len(t) * 30
    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"t": np.repeat(t, 30), "s": rng.uniform(0, 1, n),
                          "y": (rng.uniform(0, 1, n) < 0.05).astype(int)})
    ws = workspace(metric_tree={"root": "false_alarms_month", "nodes": [
        {"id": "false_alarms_month", "name": "False alarms", "current": 148}]})
    m = measure_metric(ws, Windows(write(tmp_path, frame), AS_OF), "false_alarms_month",
                       days=28)
    alarms = frame[frame.s >= 0.5]
    expected = len(alarms) / 28 * 365.25 / 12 * (alarms.y == 0).mean()
    assert m.value == pytest.approx(expected) and m.value > 300
    assert m.provenance.kind == "measured"


def test_what_cannot_be_measured_says_where_it_would_come_from(tmp_path: Path) -> None:
    frame = pd.DataFrame({"t": days("2026-11-14", 7), "ms": [1.0] * 7})
    ws = workspace(source={"label_column": None, "score_column": None})
    windows = Windows(write(tmp_path, frame), AS_OF)
    recall = measure_metric(ws, windows, "recall", days=7)
    assert recall.value is None and recall.provenance.kind == "missing"
    assert "data_map.sources[log].label_column and .score_column" in recall.provenance.note
    errors = measure_metric(ws, windows, "error_rate", days=7)
    assert "data_map.sources[log].status_column" in errors.provenance.note
    untimed = workspace(source={"time_column": None})
    got = measure_metric(untimed, windows, "latency_p50_ms", days=7)
    assert "data_map.sources[log].time_column" in got.provenance.note
    unknown = measure_metric(ws, windows, "happiness", days=7)
    assert unknown.provenance.describe().startswith(
        "not measured: would come from the metric-tree node 'happiness'")


def test_a_node_s_measure_and_eval_metric_are_measured_on_the_window(tmp_path: Path) -> None:
    t = days("2026-11-01", 20)
    frame = pd.DataFrame({"t": np.repeat(t, 5), "ok": np.repeat([0] * 13 + [1] * 7, 5),
                          "y": ["bad", "good", None, None, None] * 20})
    ws = workspace(source={"score_column": None}, metric_tree={"root": "ok", "nodes": [
        {"id": "ok", "name": "OK", "measure": {"column": "ok", "stat": "share"}},
        {"id": "bad_rate", "name": "Bad", "eval_metric": "label_share:bad"}]})
    windows = Windows(write(tmp_path, frame), AS_OF)
    share = measure_metric(ws, windows, "ok", days=7)
    assert (share.value, share.rows) == (1.0, 35)
    bad = measure_metric(ws, windows, "bad_rate", days=7)
    assert (bad.value, bad.rows, bad.basis) == (0.5, 14, "rows with a label")


def test_new_labels_count_positives_after_the_cut_off(tmp_path: Path) -> None:
    # Finding 3: min_new_labels meant new failures; all labelled rows were counted.
    frame = pd.DataFrame({"t": ["2026-02-01", "2026-02-08", "2026-02-09", "2026-06-01",
                                "2026-11-01", "2026-11-19"],
                          "y": [1, 1, 1, 0, 1, None]})
    retrain = {"data_cutoff": "2026-02-08", "trained_on": "2026-05-06"}
    windows = Windows(write(tmp_path, frame), AS_OF)
    positives = new_labels_since(workspace(monitoring={"retrain": {
        **retrain, "new_labels": "positives"}}), windows)
    assert positives.value == 2.0
    assert positives.provenance.start == dt.date(2026, 2, 9)
    every = new_labels_since(workspace(monitoring={"retrain": retrain}), windows)
    assert every.value == 3.0
    undated = new_labels_since(workspace(), windows)
    assert "monitoring.retrain.data_cutoff" in undated.provenance.note


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seed=st.integers(0, 10_000), window=st.sampled_from([1, 7, 14]),
       metric=st.sampled_from(["latency_p95_ms", "recall", "precision", "false_alarms_month"]),
       op=st.sampled_from(["<", ">"]), threshold=st.floats(0, 1000))
def test_rows_outside_the_window_never_change_a_windowed_verdict(
        tmp_path_factory, seed, window, metric, op, threshold) -> None:
    rng = np.random.default_rng(seed)
    n = 600
    t = pd.Series(pd.to_datetime("2026-10-01") + pd.to_timedelta(rng.integers(0, 51, n), "D"))
    frame = pd.DataFrame({"t": t.dt.strftime("%Y-%m-%d"), "s": rng.uniform(0, 1, n),
                          "y": rng.choice([0.0, 1.0, np.nan], n), "ms": rng.gamma(2, 300, n)})
    start = pd.Timestamp(AS_OF - dt.timedelta(days=window - 1))
    outside = ~((t >= start) & (t <= pd.Timestamp(AS_OF))).to_numpy()
    changed = frame.copy()
    k = int(outside.sum())
    changed.loc[outside, "s"] = rng.uniform(0, 1, k)
    changed.loc[outside, "y"] = rng.choice([0.0, 1.0, np.nan], k)
    changed.loc[outside, "ms"] = rng.gamma(5, 900, k)
    changed = changed.sample(frac=1, random_state=seed).reset_index(drop=True)
    ws = workspace(monitoring={"min_rows": 5})
    rule = AlertRule(id="A", metric=metric, operator=op, value=threshold)
    gates = []
    for i, f in enumerate((frame, changed)):
        folder = tmp_path_factory.mktemp(f"w{i}")
        m = measure_metric(ws, Windows(write(folder, f), AS_OF), metric, days=window)
        gates.append(windowed_gate(rule, m, min_rows=5))
    assert gates[0].verdict == gates[1].verdict
    assert gates[0].figure == pytest.approx(gates[1].figure)
    assert gates[0].extra["window"] == gates[1].extra["window"]
