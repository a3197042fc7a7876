"""ThresholdExplorer without a kernel: curve and optimum from the core, decisions, read-only."""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import numpy as np
import pytest
from widget_messages import WIDGET_MIME, custom_msg, record, svg_of, texts

from aipo_widgets.analysis.fairness import group_metrics
from aipo_widgets.analysis.thresholds import optimal_threshold
from aipo_widgets.examples import example_yaml, generate_frames
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import load
from aipo_widgets.widgets import ThresholdExplorer
from aipo_widgets.widgets._base import READ_ONLY_MESSAGE


@pytest.fixture(scope="module")
def gold():
    return generate_frames("predictive-maintenance")["gold_set"]


@pytest.fixture
def example(tmp_path: Path) -> Path:
    folder = tmp_path / "pm"
    folder.mkdir()
    (folder / "aipo.yaml").write_bytes(example_yaml("predictive-maintenance"))
    return folder


def explorer(folder, gold, **kw):
    return ThresholdExplorer(load(folder), y_true="failure_within_7d", scores="score",
                             data=gold, groups="machine_type", **kw)


def test_costs_come_from_the_workspace_and_the_optimum_from_the_core(example, gold):
    w = explorer(example, gold)
    ws = w.workspace
    c_fn = ws.metric("cost_per_failure").current or ws.metric("cost_per_failure").baseline
    review = ws.metric("inspection_cost").current or ws.metric("inspection_cost").baseline
    assert ws.business_case is not None
    c_tp = ws.business_case.drivers["planned_repair_cost"].realistic
    # a caught fault costs a planned repair when prevented, a failure when not (issue 13)
    costs = {"c_fn": c_fn, "c_fp": 0.0, "c_tp": c_tp, "c_tn": 0.0, "review_cost": review,
             "prevented_share": 0.8}
    assert w.view["costs"] == costs
    assert w.view["volume_per_period"] == 2513
    best = optimal_threshold(gold["failure_within_7d"], gold["score"], **costs)
    curve = w.view["curve"]
    assert w.view["optimum"]["threshold"] == best.threshold
    assert curve["threshold"][curve["optimum"]] == best.threshold
    k = curve["optimum"]
    assert {"tn": curve["tn"][k], "fp": curve["fp"][k], "fn": curve["fn"][k],
            "tp": curve["tp"][k]} == best.confusion
    assert curve["per_period"][k] == pytest.approx(best.cost_per_item * 2513)
    assert curve["threshold"][-1] is None  # flag nothing
    assert w.view["decided"] == 0.03


def test_explicit_costs_override(example, gold):
    w = explorer(example, gold, costs={"c_fn": 10, "c_fp": 1}, volume_per_period=None,
                 period="week")
    assert w.view["costs"]["c_fn"] == 10 and w.view["curve"]["per_period"] is None
    with pytest.raises(TypeError, match="costs must have c_fn and c_fp"):
        explorer(example, gold, costs={"c_fn": 10, "c_fp": 1, "c_miss": 3})


def test_labels_and_scores_are_required(example):
    with pytest.raises(TypeError, match="needs y_true and scores"):
        ThresholdExplorer(load(example))


def test_group_recall_is_fairness_group_metrics(example, gold):
    w = explorer(example, gold)
    k = w.view["curve"]["optimum"] + 3
    t = w.view["curve"]["threshold"][k]
    got = w.group_recall(k)
    gm = group_metrics(gold, groups="machine_type", label="failure_within_7d", score="score",
                       threshold=t, metrics=["recall"])
    assert [g["group"] for g in got["groups"]] == [str(g) for g in gm.by_group.index]
    assert [g["recall"] for g in got["groups"]] == pytest.approx(
        gm.by_group["recall"].tolist())


def test_groups_is_a_query_allowed_read_only(example, gold):
    w = explorer(example, gold, read_only=True)
    sent = record(w)
    w._handle_msg(custom_msg({"op": "groups", "index": 5, "seq": 9}))
    reply = next(m["content"] for m in sent if m.get("method") == "custom")
    assert reply["ok"] and reply["index"] == 5 and reply["groups"]["groups"]
    assert not w.workspace_file.changed


def test_decide_records_the_threshold_and_the_costs(example, gold):
    w = explorer(example, gold, decided_by="Ulrike Hahn")
    n = len(w.workspace.decisions)
    k = w.view["curve"]["optimum"]
    assert w.handle_operation({"op": "decide", "index": k})
    d = w.workspace.decisions[-1]
    assert len(w.workspace.decisions) == n + 1
    assert d.threshold == w.view["curve"]["threshold"][k] and d.date == dt.date.today()
    assert d.costs == {k: v for k, v in w.view["costs"].items() if k != "c_tn"}
    assert d.costs["c_fp"] == 0 and d.costs["prevented_share"] == 0.8
    assert d.by == "Ulrike Hahn" and d.id not in {x.id for x in w.workspace.decisions[:-1]}
    assert "recall" in d.rationale and "per month" in d.rationale
    assert w.view["decided"] == d.threshold
    w.save()
    text = (example / "aipo.yaml").read_text()
    assert f"threshold: {d.threshold}" in text
    assert "c_fn: cost_per_failure  # a missed failure: unplanned downtime and repair" in text


@pytest.mark.parametrize(("index", "message"), [(-1, "index must be from 0"),
                                                (10_000, "index must be from 0"),
                                                ("3", "must be int")])
def test_bad_indices(example, gold, index, message):
    w = explorer(example, gold)
    assert not w.handle_operation({"op": "decide", "index": index})
    assert message in w.error


def test_flag_nothing_is_not_a_threshold(example, gold):
    w = explorer(example, gold)
    last = len(w.view["curve"]["threshold"]) - 1
    assert not w.handle_operation({"op": "decide", "index": last})
    assert "flags nothing" in w.error


def test_read_only_refuses_decisions(example, gold):
    w = explorer(example, gold, read_only=True)
    w._handle_msg(custom_msg({"op": "decide", "index": 3}))
    assert w.error == READ_ONLY_MESSAGE and not w.workspace_file.changed


def test_without_costs_the_error_is_shown():
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    w = ThresholdExplorer(ws, y_true=[0, 1], scores=[0.2, 0.8])
    assert "no costs" in w.error


def test_picture_shows_the_curve_and_the_matrix(example, gold):
    w = explorer(example, gold)
    data, _ = w._repr_mimebundle_()
    assert data[WIDGET_MIME]["model_id"] == w.model_id
    words = texts(svg_of(data))
    assert "optimum" in words and "decided 0.03" in words and "TP" in words
    assert data["text/plain"].startswith("<ThresholdExplorer: Cost curve over")


def test_arrays_work_without_a_frame():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 500)
    s = np.clip(y * 0.3 + rng.random(500) * 0.7, 0, 1)
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    w = ThresholdExplorer(ws, y_true=y, scores=s, costs={"c_fn": 3, "c_fp": 1}, points=50)
    assert len(w.view["curve"]["threshold"]) <= 52
    assert not math.isnan(w.view["optimum"]["total_cost"])
