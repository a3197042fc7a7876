"""The loader bounds its work: alias bombs, deep nesting and foreign tags (issue 14, 1-2).

Work is measured by the nodes the checks visit (``Budget.visited``), never by a wall clock.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from ruamel.yaml.nodes import MappingNode

from aipo_widgets import cli
from aipo_widgets.model import yaml_io
from aipo_widgets.model.workspace import validate_text
from aipo_widgets.model.yaml_io import MAX_DEPTH, Budget, check_structure, parse, unsafe_values

HEAD = "product:\n  name: x\n  owner: y\n"


def alias_bomb(levels: int, width: int) -> str:
    lines = [f"a0: &a0 [{', '.join(['x'] * width)}]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * width)}]" for i in range(1, levels)]
    return HEAD + "\n".join(lines) + f"\nbomb: *a{levels - 1}\n"


def test_an_alias_bomb_is_refused_after_work_bounded_by_its_text() -> None:
    text = alias_bomb(9, 9)  # 9**9 = 387 million values once expanded, 400 bytes of text
    assert len(text) < 1200
    budget = Budget()
    document, problems = parse(text, budget=budget)
    assert document is None
    assert [p.code for p in problems] == ["too_many_values"]
    assert problems[0].line is not None and "100,000" in problems[0].message
    assert budget.visited < 200  # the events of the text, not its expansion


def test_aliases_under_the_budget_are_walked_once() -> None:
    text = alias_bomb(5, 5)  # 3,125 values expanded, well under the budget
    document, problems = parse(text)
    assert problems == [] and document is not None
    budget = Budget()
    assert unsafe_values(document, "aipo.yaml", budget) == []
    assert budget.visited < 60  # each list once, not once per alias (3,900 without the memo)


def test_the_composed_walk_visits_an_aliased_node_once() -> None:
    nodes = list(yaml_io._walk(yaml_io.new_yaml().compose(alias_bomb(6, 6))))
    assert len(nodes) < 80
    assert sum(isinstance(n, MappingNode) for n, _ in nodes) == 2


@pytest.mark.parametrize("text", [
    HEAD + "deep: " + "[" * 250 + "]" * 250 + "\n",
    HEAD + "deep:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(300)) + "  " * 301
    + "v\n",
    HEAD + "deep: " + "{a: " * 400 + "1" + "}" * 400 + "\n",
])
def test_deep_nesting_has_its_own_problem_with_line_and_limit(text: str) -> None:
    budget = Budget()
    _, problems = validate_text(text)
    assert [p.code for p in problems] == ["too_deep"]
    assert problems[0].line is not None and problems[0].line >= 4
    assert f"more than {MAX_DEPTH} levels" in problems[0].message
    check_structure(text, budget=budget)
    assert budget.visited < 3 * MAX_DEPTH + 10  # stops at the limit


@pytest.mark.parametrize(("text", "tag"), [
    ("product:\n  name: !!omap [a: 1]\n  owner: y\n", "omap"),
    ("product:\n  name: !!set {a, b}\n  owner: y\n", "set"),
    ("product:\n  name: !!binary aGVsbG8=\n  owner: y\n", "binary"),
    ("product:\n  name: !!python/object:os.system {}\n  owner: y\n", "python/object"),
    ("product:\n  name: !!python/name:os.system ''\n  owner: y\n", "python/name"),
    ("product:\n  name: x\n  owner: y\nx: [1, !custom 2]\n", "!custom"),
])
def test_tags_outside_the_core_schema_are_refused_with_their_line(text: str, tag: str) -> None:
    _, problems = validate_text(text)
    assert problems and {p.code for p in problems} == {"unsafe_tag"}
    assert tag in problems[0].message
    assert problems[0].line == (4 if "custom" in text else 2)


def test_core_tags_still_load() -> None:
    text = "product:\n  name: Ticket\n  owner: ! y\n"
    wf, problems = validate_text(text)
    assert problems == [] and wf is not None
    assert wf.workspace.product.name == "Ticket"


@pytest.mark.parametrize("text", [
    alias_bomb(9, 9),
    HEAD + "deep: " + "[" * 250 + "]" * 250 + "\n",
    "product:\n  name: !!omap [a: 1]\n  owner: y\n",
])
def test_validate_exits_2_not_1_on_hostile_files(tmp_path: Path, text: str,
                                                  capsys: pytest.CaptureFixture) -> None:
    (tmp_path / "aipo.yaml").write_text(text, encoding="utf-8")
    assert cli.main(["validate", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and "aipo.yaml:" in err


def test_a_crash_of_the_kit_exits_3_never_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture) -> None:
    def boom(_path: object) -> None:
        raise TypeError("cannot unpack non-iterable NoneType object")

    monkeypatch.setattr(cli, "load", boom)
    monkeypatch.delenv("AIPO_DEBUG", raising=False)
    assert cli.main(["validate", str(tmp_path)]) == cli.EXIT_CRASH == 3
    err = capsys.readouterr().err
    assert "internal error: TypeError" in err and "Traceback" not in err


@pytest.mark.parametrize(("value", "tag"), [
    ("!!bool maybe", "!!bool"), ("!!int x", "!!int"), ("!!float y", "!!float"),
    ("!!timestamp nope", "!!timestamp"),
])
def test_a_value_that_does_not_fit_its_core_tag_is_a_problem_with_its_line(value: str,
                                                                           tag: str) -> None:
    _, problems = validate_text(f"product:\n  name: x\n  owner: {value}\n")
    assert [(p.code, p.line, p.path) for p in problems] == [
        ("bad_tagged_value", 3, "product.owner")]
    assert tag in problems[0].message
