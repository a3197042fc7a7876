"""MetricTreeWidget without a kernel: the view is the core's, edits, what-if, read-only, save."""

from __future__ import annotations

from pathlib import Path

import pytest
from widget_messages import WIDGET_MIME, custom_msg, record, svg_of, texts

from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.examples import example_yaml
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import load
from aipo_widgets.widgets import MetricTreeWidget
from aipo_widgets.widgets._base import READ_ONLY_MESSAGE


@pytest.fixture
def example(tmp_path: Path) -> Path:
    # Only aipo.yaml: the example's data files are not needed here (and take a second).
    folder = tmp_path / "support"
    folder.mkdir()
    (folder / "aipo.yaml").write_bytes(example_yaml("support-summaries"))
    return folder


def node(view: dict, nid: str) -> dict:
    return next(n for n in view["nodes"] if n["id"] == nid)


def test_view_is_the_cores_status_and_sensitivity(example: Path):
    wf = load(example)
    w = MetricTreeWidget(wf)
    status = Tree(wf.workspace.metric_tree).status()
    assert [(n["id"], n["depth"], n["value"], n["status"], n["rule"]) for n in w.view["nodes"]] == [
        (n.id, n.depth, n.value, n.status, n.rule) for n in status.nodes]
    sens = Tree(wf.workspace.metric_tree).sensitivity()
    assert [i["input"] for i in w.view["sensitivity"]["items"]] == [i.input for i in sens.items]
    assert w.view["root"] == "cost_per_ticket"
    assert node(w.view, "cost_per_ticket")["measured"] is False
    assert node(w.view, "handle_time_min")["has_children"] is True


def test_settings_reach_the_core(example: Path):
    wf = load(example)
    strict = MetricTreeWidget(wf, expected_progress=2.0)
    assert node(strict.view, "handle_time_min")["status"] == "at_risk"
    assert MetricTreeWidget(wf).view["expected_progress"] == 1.0


def test_set_target_recomputes_progress(example: Path):
    wf = load(example)
    w = MetricTreeWidget(wf)
    assert w.handle_operation({"op": "set", "node": "handle_time_min", "field": "target",
                               "value": 12.5})
    assert wf.workspace.metric("handle_time_min").target == 12.5
    n = node(w.view, "handle_time_min")
    assert n["progress"] == pytest.approx((17.7 - 12.6) / (17.7 - 12.5))
    assert n["status"] == "at_risk" and w.dirty


def test_set_current_of_a_measured_node_moves_the_root(example: Path):
    wf = load(example)
    w = MetricTreeWidget(wf)
    before = node(w.view, "cost_per_ticket")["value"]
    w.handle_operation({"op": "set", "node": "handle_time_min", "field": "current", "value": 9})
    assert node(w.view, "cost_per_ticket")["value"] < before
    assert node(w.view, "cost_per_ticket")["value"] == pytest.approx(
        Tree(wf.workspace.metric_tree).values()["cost_per_ticket"])


def test_null_clears_a_value(example: Path):
    wf = load(example)
    w = MetricTreeWidget(wf)
    assert w.handle_operation({"op": "set", "node": "handle_time_min", "field": "target",
                               "value": None})
    assert wf.workspace.metric("handle_time_min").target is None
    assert node(w.view, "handle_time_min")["status"] == "no_data"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"op": "set", "node": "cost_per_ticket", "field": "current", "value": 3},
         "'cost_per_ticket' is computed by its formula"),
        ({"op": "set", "node": "handle_time_min", "field": "formula", "value": "1"},
         "field 'formula' cannot be edited here"),
        ({"op": "set", "node": "nope", "field": "target", "value": 1},
         "there is no metric 'nope'"),
        ({"op": "set", "node": "handle_time_min", "field": "target", "value": "12"},
         "operation field 'value' must be float, got '12'"),
        ({"op": "set", "node": "handle_time_min", "field": "target", "value": float("inf")},
         "target must be a finite number"),
        ({"op": "whatif", "changes": {"cost_per_ticket": 3}}, "formula"),
    ],
)
def test_bad_edits_are_shown_and_change_nothing(example: Path, content, message):
    wf = load(example)
    w = MetricTreeWidget(wf)
    before = wf.workspace.model_dump()
    assert w.handle_operation(content) is False
    assert message in w.error
    assert wf.workspace.model_dump() == before


def test_what_if_is_a_query_answered_by_the_core(example: Path):
    wf = load(example)
    w = MetricTreeWidget(wf, read_only=True)
    sent = record(w)
    before = wf.workspace.model_dump()
    w._handle_msg(custom_msg({"op": "whatif", "changes": {"handle_time_min": 10}, "seq": 3}))
    reply = next(m["content"] for m in sent if m.get("method") == "custom")
    expected = Tree(wf.workspace.metric_tree).what_if({"handle_time_min": 10.0})
    assert reply["seq"] == 3 and reply["ok"] is True
    assert reply["whatif"]["root_after"] == pytest.approx(expected.root_after)
    assert reply["whatif"]["after"]["cost_per_ticket"] < reply["whatif"]["before"][
        "cost_per_ticket"]
    # Allowed while read-only, and nothing changed.
    assert w.error == "" and wf.workspace.model_dump() == before and not w.dirty


def test_read_only_refuses_edits(example: Path):
    wf = load(example)
    w = MetricTreeWidget(wf, read_only=True)
    w._handle_msg(custom_msg({"op": "set", "node": "handle_time_min", "field": "target",
                              "value": 1}))
    assert w.error == READ_ONLY_MESSAGE and wf.workspace.metric("handle_time_min").target == 13.3


def test_save_keeps_comments(example: Path):
    path = example / "aipo.yaml"
    w = MetricTreeWidget(load(example))
    w.handle_operation({"op": "set", "node": "handle_time_min", "field": "target", "value": 12.5})
    w.save()
    text = path.read_text()
    assert "      target: 12.5  # 25 % less\n" in text
    assert "      current: 12.6  # production_log.csv, November\n" in text


def test_picture_lists_the_nodes_with_status_words(example: Path):
    w = MetricTreeWidget(load(example))
    data, _ = w._repr_mimebundle_()
    assert data[WIDGET_MIME]["model_id"] == w.model_id
    words = texts(svg_of(data))
    assert "Cost per long ticket" in words and "Handling time per ticket" in words
    assert "✓ on track" in words
    assert data["text/plain"].startswith("<MetricTreeWidget: Metric tree: 16 metrics")


def test_picture_of_a_large_tree_is_capped():
    nodes = [{"id": "root", "name": "Root", "current": 1}]
    nodes += [{"id": f"n{i}", "name": f"Node {i}", "parent": "root", "current": i}
              for i in range(120)]
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
                                   "metric_tree": {"root": "root", "nodes": nodes}})
    words = texts(svg_of(MetricTreeWidget(ws)._repr_mimebundle_()[0]))
    assert any(t.startswith("… and 41 more metrics") for t in words)


def test_empty_tree():
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    w = MetricTreeWidget(ws)
    assert w.view["nodes"] == [] and w.error == ""
    assert "Metric tree: empty" in w._repr_mimebundle_()[0]["text/html"]


def test_a_broken_tree_is_shown_as_an_error_not_raised():
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "metric_tree": {
        "nodes": [{"id": "a", "name": "A", "formula": "b + 1"}]}})
    w = MetricTreeWidget(ws)
    assert "b" in w.error and w.view == {}
