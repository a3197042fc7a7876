"""A widget's save writes what a person would have written: integers stay integers, a comment
beside a changed value stays and the widget says it may be stale."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipo_widgets.examples import example_yaml
from aipo_widgets.model.workspace import load
from aipo_widgets.widgets import BacklogWidget, MetricTreeWidget


@pytest.fixture
def example(tmp_path: Path) -> Path:
    (tmp_path / "aipo.yaml").write_bytes(example_yaml("support-summaries"))
    return tmp_path


def _changed(before: str, after: str) -> list[str]:
    import difflib

    return [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                              lineterm="", n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]


def test_an_integer_factor_stays_an_integer(example: Path):
    before = (example / "aipo.yaml").read_text()
    w = BacklogWidget(load(example))
    # The browser sends 9 (a JSON integer); the model's field is a float and holds 9.0.
    assert w.handle_operation({"op": "set", "item": "B12", "field": "effort", "value": 9})
    assert w.handle_operation({"op": "set", "item": "B12", "field": "value", "value": 6.5})
    w.save()
    after = (example / "aipo.yaml").read_text()
    assert _changed(before, after) == ["-    value: 8", "+    value: 6.5",
                                       "-    effort: 4", "+    effort: 9"]
    assert w.status_kind == "ok"
    # Read back, the model holds the same numbers.
    item = load(example).workspace.backlog[11]
    assert (item.effort, item.value) == (9, 6.5)


def test_a_float_the_file_wrote_as_a_float_stays_one(example: Path):
    before = (example / "aipo.yaml").read_text()
    w = BacklogWidget(load(example))
    assert w.handle_operation({"op": "set", "item": "B12", "field": "confidence", "value": 1})
    w.save()
    assert _changed(before, (example / "aipo.yaml").read_text()) == [
        "-    confidence: 0.5", "+    confidence: 1.0"]


def test_a_comment_beside_an_edited_value_is_kept_and_named(example: Path):
    before = (example / "aipo.yaml").read_text()
    wf = load(example)
    tree, backlog = MetricTreeWidget(wf), BacklogWidget(wf)
    assert tree.handle_operation({"op": "set", "node": "handle_time_min", "field": "target",
                                  "value": 12.5})
    assert wf.commented_changes() == [("metric_tree.nodes[handle_time_min].target",
                                       "# 25 % less")]
    tree.save()
    assert _changed(before, (example / "aipo.yaml").read_text()) == [
        "-      target: 13.3  # 25 % less", "+      target: 12.5  # 25 % less"]
    for w in (tree, backlog):  # every widget on the file says so
        assert w.status_kind == "warn"
        assert ("The comment '# 25 % less' beside metric_tree.nodes[handle_time_min].target "
                "was kept: check that it still holds.") in w.status
    # Once saved, nothing is pending; the next save of an uncommented value is plain "ok".
    assert wf.commented_changes() == []
    assert backlog.handle_operation({"op": "set", "item": "B12", "field": "effort", "value": 2})
    backlog.save()
    assert tree.status_kind == backlog.status_kind == "ok"
