"""The workspace's metrics measured in its data: frames, nodes, figures, gold sets, pilots."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aipo_widgets.analysis import measure
from aipo_widgets.analysis.evaluation import evaluate_classification
from aipo_widgets.analysis.sources import measure_value
from aipo_widgets.errors import DataError
from aipo_widgets.model.schema import DataSource, Workspace


def make_ws(**sections) -> Workspace:
    return Workspace.model_validate({"product": {"name": "x", "owner": "y"}, **sections})


SOURCES = [
    {"id": "base", "name": "Baseline", "role": "baseline", "location": "data/base.csv"},
    {"id": "prod", "name": "Production", "role": "production", "location": "data/prod.csv"},
    {"id": "gone", "name": "Missing", "role": "production", "location": "data/gone.csv"},
    {"id": "crm", "name": "CRM", "role": "baseline", "location": "SAP CRM"},
    {"id": "notes", "name": "Notes", "role": "baseline"},
]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "data").mkdir()
    pd.DataFrame({"minutes": [10.0, 12.0, 14.0]}).to_csv(tmp_path / "data/base.csv", index=False)
    pd.DataFrame({"minutes": [8.0, 9.0]}).to_csv(tmp_path / "data/prod.csv", index=False)
    return tmp_path


def test_load_frames_reads_files_and_gates_the_unreadable(folder: Path) -> None:
    ws = make_ws(data_map={"sources": SOURCES})
    frames, gates = measure.load_frames(folder, ws)
    assert sorted(frames) == ["base", "prod"]  # system names and sources without a file skipped
    assert frames["base"]["minutes"].tolist() == [10.0, 12.0, 14.0]
    assert [(g.name, g.verdict, g.source) for g in gates] == [
        ("data source gone readable", "fail", "data_map.sources[gone]")]
    frames, gates = measure.load_frames(folder, ws, roles=["baseline"])
    assert (list(frames), gates) == (["base"], [])


def test_sources_by_role() -> None:
    ws = make_ws(data_map={"sources": SOURCES})
    assert [s.id for s in measure.sources_with_role(ws, "production")] == ["prod", "gone"]
    assert measure.first_source(ws, "production").id == "prod"
    assert measure.first_source(ws, "gold") is None


TREE = {"root": "t", "nodes": [
    {"id": "t", "name": "Handling time", "unit": "min", "baseline": 12.0, "current": 30.0,
     "measure": {"column": "minutes"}},
    {"id": "p", "name": "Per week", "parent": "t", "measure": {"column": "minutes",
                                                             "per": "week", "stat": "sum"}},
    {"id": "o", "name": "Own source", "parent": "t", "current": 1.0,
     "measure": {"column": "minutes", "source": "prod"}},
    {"id": "n", "name": "Not measured", "parent": "t", "current": 5.0}]}


def test_measure_nodes_in_the_sources_of_a_role() -> None:
    ws = make_ws(metric_tree=TREE, data_map={"sources": SOURCES})
    frames = {"base": pd.DataFrame({"minutes": [10.0, 12.0, 14.0]}),
              "prod": pd.DataFrame({"minutes": [8.0, 9.0]})}
    base = measure.measure_nodes(ws, frames, "baseline", n_boot=200)
    # p needs a 'week' column; o is measured in its own source, of another role
    assert base["metric"].tolist() == ["t"]
    row = base.iloc[0]
    expected = measure_value(frames["base"], "minutes", n_boot=200)
    assert (row.value, row.ci_low, row.ci_high, row.n) == (
        12.0, expected["ci_low"], expected["ci_high"], 3)
    assert (row.declared, row.agrees, row.source, row.stat) == (12.0, True, "base", "mean")
    prod = measure.measure_nodes(ws, frames, "production", n_boot=0)
    assert prod[["metric", "value", "declared"]].values.tolist() == [
        ["t", 8.5, 30.0], ["o", 8.5, 1.0]]
    assert prod["agrees"].tolist() == [True, True]  # no interval to disagree with


def test_a_declared_value_outside_the_interval_disagrees() -> None:
    ws = make_ws(metric_tree={"root": "t", "nodes": [{**TREE["nodes"][0], "baseline": 20.0}]},
                 data_map={"sources": SOURCES})
    rng = np.random.default_rng(0)
    frames = {"base": pd.DataFrame({"minutes": rng.normal(12, 1, 200)})}
    (agrees,) = measure.measure_nodes(ws, frames, "baseline", n_boot=200)["agrees"]
    assert not agrees


def test_figures_are_only_what_was_measured_and_extra_wins() -> None:
    # Issue 13: no fallback to the values typed in aipo.yaml (current:, baseline:).
    ws = make_ws(metric_tree=TREE)
    measured = pd.DataFrame({"metric": ["t"], "value": [8.5]})
    assert measure.figures_from(ws) == {}
    assert measure.figures_from(ws, measured, {"n": None, "x": 2.0}) == {"t": 8.5, "x": 2.0}
    assert measure.figures_from(ws, measured, {"t": 7.0})["t"] == 7.0
    typed = measure.typed_figures(ws)
    assert {k: v for k, (v, _) in typed.items()} == {"t": 30.0, "o": 1.0, "n": 5.0}
    assert {p.kind for _, p in typed.values()} == {"typed"}


def test_the_latest_variant_of_an_experiment_log() -> None:
    source = DataSource(id="log", name="Log", role="experiment_log", group_columns=["model"],
                        time_column="at")
    log = pd.DataFrame({"model": ["a", "b", "a", "b"], "at": [1, 4, 2, 3],
                        "minutes": [1.0, 2.0, 3.0, 4.0]})
    name, rows = measure.latest_variant(log, source)
    assert (name, rows["minutes"].tolist()) == ("b", [2.0, 4.0])
    whole = DataSource(id="log", name="Log", role="experiment_log")
    assert measure.latest_variant(log, whole)[0] == "all calls"
    ws = make_ws(metric_tree={"root": "t", "nodes": [TREE["nodes"][0]]},
                 data_map={"sources": [source.model_dump()]})
    assert measure.latest_variant_figures(ws, {"log": log}, n_boot=0) == {"t": 3.0}


# --------------------------------------------------------------------------------------------
# gold sets


GOLD = DataSource(id="gold", name="Gold", role="gold", label_column="y", score_column="s",
                  group_columns=["plant", "absent"])
LABELS = [1, 1, 1, 0, 0, 0, 0, 0]
SCORES = [0.9, 0.8, 0.4, 0.7, 0.3, 0.2, 0.1, 0.05]


def test_a_classifier_gold_set_is_evaluated_at_the_decided_threshold() -> None:
    ws = make_ws(metric_tree={"root": "r", "nodes": [
        {"id": "r", "name": "Recall", "eval_metric": "recall"},
        {"id": "x", "name": "Not computed", "parent": "r", "eval_metric": "bleu"}]},
        decisions=[{"id": "D1", "date": "2026-10-01", "title": "t", "threshold": 0.35}])
    gold = pd.DataFrame({"y": LABELS, "s": SCORES, "plant": list("NNNNSSSS")})
    evaluation = measure.evaluate_gold(ws, gold, GOLD, n_boot=0)
    reference = evaluate_classification(label=LABELS, score=SCORES, threshold=0.35, n_boot=0)
    assert evaluation.metric("recall").value == reference.metric("recall").value == 1.0
    assert measure.eval_figures(ws, evaluation) == {"r": 1.0}  # bleu is not computed
    # Without a decision the threshold is 0.5, which misses the positive scored 0.4.
    at_half = measure.evaluate_gold(make_ws(), gold, GOLD, n_boot=0)
    assert at_half.metric("recall").value == 2 / 3
    assert measure.evaluate_gold(ws, gold, GOLD, threshold=0.85, n_boot=0).metric(
        "recall").value == 1 / 3


def test_review_labels_are_shares_and_a_missing_label_column_is_an_error() -> None:
    review = DataSource(id="gold", name="Gold", role="gold", label_column="verdict")
    gold = pd.DataFrame({"verdict": ["ok", "ok", "ok", "hallucination"]})
    evaluation = measure.evaluate_gold(make_ws(), gold, review, n_boot=0)
    assert evaluation.metric("label_share:ok").value == 0.75
    with pytest.raises(DataError, match="has no label_column"):
        measure.evaluate_gold(make_ws(), gold, DataSource(id="g", name="G", role="gold"))


def test_group_report_at_the_decided_threshold_on_the_groups_present() -> None:
    gold = pd.DataFrame({"y": LABELS * 10, "s": SCORES * 10, "plant": list("NNNNSSSS") * 10})
    report = measure.group_report(make_ws(), gold, GOLD, n_boot=0)  # 'absent' is left out
    assert report.table().index.tolist() == ["N", "S"]
    assert report.table().loc["N", "recall"] == 2 / 3  # at 0.5
    decided = make_ws(decisions=[{"id": "D1", "date": "2026-10-01", "title": "t",
                                  "threshold": 0.35}])
    assert measure.group_report(decided, gold, GOLD, n_boot=0).table().loc["N", "recall"] == 1


# --------------------------------------------------------------------------------------------
# pilots


def pilot_frame(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    n = 400
    arm = np.repeat(["control", "pilot"], n // 2)
    minutes = np.where(arm == "pilot", 15.0, 20.0) + rng.normal(0, 2, n)
    reopen = rng.binomial(1, 0.05, n).astype(float)
    return pd.DataFrame({"group": arm, "minutes": minutes, "reopened": reopen,
                         "review": 0.0})


PILOT_TREE = {"root": "t", "nodes": [
    {"id": "t", "name": "Handling time", "direction": "lower", "measure": {"column": "minutes"}},
    {"id": "saving", "name": "Saving", "parent": "t", "effect_of": "t", "target": 0.2},
    {"id": "reopen", "name": "Reopen", "parent": "t", "designation": "guardrail",
     "direction": "lower", "measure": {"column": "reopened"}},
    {"id": "rev", "name": "Review time", "parent": "t", "designation": "counter",
     "measure": {"column": "review"}}]}
PILOT = DataSource(id="pilot", name="Pilot", role="pilot", arm_column="group")


def test_the_pilot_is_analysed_on_the_effect_metric_with_its_guardrails() -> None:
    ws = make_ws(metric_tree=PILOT_TREE)
    report = measure.pilot_report(ws, pilot_frame(), PILOT, n_boot=0)
    assert report is not None
    eff = report.primary
    assert (eff.metric, round(eff.mean_control), round(eff.mean_treatment)) == ("minutes", 20, 15)
    # The review-time counter has a zero control mean: no relative change, so it is left out.
    assert [g.effect.metric for g in report.guardrails] == ["reopened"]
    assert measure.effect_figures(ws, {"minutes": eff}) == {"saving": -eff.relative}
    assert measure.effect_figures(ws, {}) == {}


def test_a_pilot_without_two_arms_or_without_a_metric() -> None:
    ws = make_ws(metric_tree=PILOT_TREE)
    with pytest.raises(DataError, match="has only the arm"):
        measure.pilot_report(ws, pilot_frame().assign(group="pilot"), PILOT, n_boot=0)
    assert measure.pilot_report(ws, pilot_frame().drop(columns="minutes"), PILOT) is None
    no_arm = PILOT.model_copy(update={"arm_column": None})
    assert measure.pilot_report(ws, pilot_frame(), no_arm) is None


def test_pd_mean_ignores_what_is_not_a_number() -> None:
    assert measure.pd_mean(pd.Series([1, "2", None, "x"])) == 1.5
    assert measure.pd_mean(pd.Series([], dtype=float)) is None


# --------------------------------------------------------------------------------------------
# drift settings


def test_drift_reference_and_thresholds_follow_the_monitoring_settings() -> None:
    ws = make_ws(monitoring={"drift": {"columns": ["a", "kind"], "categorical": ["kind"],
                                       "psi_warn": 0.2, "psi_alert": 0.3,
                                       "drifted_share_alert": 0.4}})
    frame = pd.DataFrame({"a": np.arange(100.0), "kind": [1, 2] * 50, "other": 1.0})
    reference = measure.drift_reference(ws, frame)
    assert sorted(reference.columns) == ["a", "kind"]
    assert type(reference.columns["kind"]).__name__ == "CategoricalReference"
    assert measure.drift_thresholds(ws) == {"psi_warn": 0.2, "psi_drift": 0.3,
                                            "drift_share": 0.4}


def test_pilot_report_analyses_the_declared_design() -> None:
    rng = np.random.default_rng(3)
    n = 400
    team = np.arange(n) % 20
    frame = pd.DataFrame({"team": team, "group": np.where(team < 10, "pilot", "control"),
                          "minutes": 10 + rng.normal(0, 1, 20)[team] + rng.normal(0, 2, n)
                          - 1.5 * (team < 10)})
    source = {"id": "pilot_rows", "name": "Pilot", "role": "pilot", "arm_column": "group",
              "location": "data/p.csv"}
    tree = {"root": "t", "nodes": [
        {"id": "t", "name": "Minutes", "measure": {"column": "minutes"}},
        {"id": "saved", "name": "Saved", "parent": "t", "effect_of": "t", "target": 0.1}]}
    stage = {"id": "pilot", "name": "Pilot", "decide_by": "2026-11-01",
             "pilot": {"design": "cluster_randomised", "cluster_column": "team"}}
    ws = make_ws(data_map={"sources": [source]}, metric_tree=tree,
                 rollout={"stages": [stage]})
    report = measure.pilot_report(ws, frame, ws.source("pilot_rows"), n_boot=0)
    assert report is not None and report.declared
    assert report.design == "cluster-randomised"
    assert report.primary.clusters == {"treatment": 10, "control": 10}
    assert report.srm is not None and report.srm.unit == "clusters"
    assert report.provenance is not None and report.provenance.source == "pilot_rows"
    # Without the stage's design, the old default, and the report says so.
    bare = make_ws(data_map={"sources": [source]}, metric_tree=tree)
    old = measure.pilot_report(bare, frame, bare.source("pilot_rows"), n_boot=0)
    assert old is not None and not old.declared and "assumed" in old.design
    assert old.primary.ci[1] - old.primary.ci[0] < report.primary.ci[1] - report.primary.ci[0]
