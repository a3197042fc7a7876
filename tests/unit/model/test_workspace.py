"""The workspace file: safe loading, problems with places, round trip, atomic and safe saves."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aipo_widgets.errors import AipoError, ConflictError, WorkspaceError
from aipo_widgets.model.schema import Risk, json_schema
from aipo_widgets.model.workspace import load, validate_text


def problems_of(text: str) -> list[str]:
    _, problems = validate_text(text, "aipo.yaml")
    return [str(p) for p in problems]


# ---------------------------------------------------------------- loading and problems


def test_small_workspace_loads(small_ws: Path) -> None:
    wf = load(small_ws)
    assert wf.workspace.product.name == "Ticket summaries"
    assert [r.id for r in wf.workspace.risks] == ["R1", "R2"]
    assert wf.folder == small_ws


def test_error_names_file_line_column_path_and_value(small_text: str) -> None:
    bad = small_text.replace("likelihood: 3  # possible", "likelihood: 7  # possible")
    line = bad.splitlines().index("    likelihood: 7  # possible") + 1
    assert problems_of(bad) == [
        f"aipo.yaml:{line}:17: risks[0].likelihood: must be an integer from 1 to 5, got 7 "
        "(likelihood: 1 rare .. 5 almost certain; impact: 1 insignificant .. 5 catastrophic)"
    ]


def test_every_problem_is_reported_at_once(small_text: str) -> None:
    bad = (small_text.replace("likelihood: 3", "likelihood: 0")
           .replace("category: model", "category: modle")
           .replace("  owner: Jana Keller", "  owner: Jana Keller\n  colour: red"))
    found = problems_of(bad)
    assert len(found) == 3
    assert any("risks[0].likelihood: must be an integer from 1 to 5, got 0" in p for p in found)
    assert any("risks[0].category: must be one of" in p and "got 'modle'" in p for p in found)
    assert any("product.colour: unknown field 'colour'" in p for p in found)


def test_unknown_field_suggests_the_close_name(small_text: str) -> None:
    bad = small_text.replace("  owner: Jana Keller", "  ownr: Jana Keller")
    found = problems_of(bad)
    assert any("unknown field 'ownr' (did you mean 'owner'?)" in p for p in found)
    assert any("product.owner: is required" in p for p in found)


def test_dangling_references_have_lines_and_suggestions(small_text: str) -> None:
    bad = small_text.replace("mitigates: [R2]", "mitigates: [R3]").replace(
        "    metric: handle_time_min\n", "    metric: handle_time\n")
    found = problems_of(bad)
    assert len(found) == 2
    ac = next(p for p in found if "acceptance_criteria[0].metric" in p)
    assert "names metric 'handle_time', which is not in metric_tree.nodes" in ac
    assert "did you mean 'handle_time_min'?" in ac
    assert ac.startswith("aipo.yaml:")  # with a line number
    bl = next(p for p in found if "backlog[0].mitigates[0]" in p)
    assert "names risk 'R3'" in bl


def test_duplicate_ids_are_refused(small_text: str) -> None:
    bad = small_text.replace("  - id: R2\n", "  - id: R1\n")
    found = problems_of(bad)
    assert any("risks[1].id: duplicate id 'R1' (also at risks[0])" in p for p in found)
    assert any("backlog[0].mitigates[0]: names risk 'R2'" in p for p in found)
    # The list of known ids names each id once, though two risks carry it.
    assert any(p.endswith("which is not in risks (known: R1)") for p in found), found


@pytest.mark.parametrize(
    "text",
    [
        "product: !!python/object/apply:os.system ['touch /tmp/aipo-pwned']\n",
        "product: !!python/name:os.system\n",
        "product:\n  name: !!python/object:builtins.dict {}\n  owner: x\n",
        "product:\n  name: !custom x\n  owner: y\n",
    ],
)
def test_safe_load_rejects_tags(text: str) -> None:
    found = problems_of(text)
    assert found and all("is not allowed" in p for p in found)
    assert found[0].startswith("aipo.yaml:1:") or found[0].startswith("aipo.yaml:2:")
    assert not Path("/tmp/aipo-pwned").exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Where the bracket opens, not the end of the file where the parser noticed.
        ("product: [1\n", "aipo.yaml:1:10: not valid YAML: the '[' opened here is not closed"),
        ("a: 1\na: 2\n", "duplicate key"),
        ("", "the file is empty"),
        ("- just\n- a list\n", "must be a mapping of sections"),
        ("product:\n  name: x\n  owner: y\n  start_date: 2026-13-01\n",
         "aipo.yaml:4:15: product.start_date: is not a valid date: 2026-13-01"),
    ],
)
def test_bad_yaml_gets_a_place(text: str, expected: str) -> None:
    found = problems_of(text)
    assert len(found) == 1 and expected in found[0]


def test_impossible_dates_name_their_fields(small_text: str) -> None:
    bad = small_text.replace("    impact: 5\n", "    impact: 5\n    review_date: 2026-02-30\n")
    bad = bad.replace("start_date: 2026-09-01", "start_date: 2026-13-45")
    found = problems_of(bad)
    line = bad.splitlines().index("    review_date: 2026-02-30") + 1
    assert found == [
        "aipo.yaml:7:15: product.start_date: is not a valid date: 2026-13-45, month must be in "
        "1..12 (write an existing date as YYYY-MM-DD, e.g. 2026-11-26)",
        f"aipo.yaml:{line}:18: risks[1].review_date: is not a valid date: 2026-02-30, day is out "
        "of range for month (write an existing date as YYYY-MM-DD, e.g. 2026-11-26)",
    ]


def test_duplicate_keys_name_both_lines_and_the_fix() -> None:
    text = ("product:\n  name: x\n  owner: y\n  name: z\n"
            "risks:\n  - id: R1\n    title: a\n    id: R2\n")
    assert problems_of(text) == [
        "aipo.yaml:4:3: product.name: duplicate key 'name': it is already on line 2 "
        "(remove or rename one of the two: line 2 or line 4)",
        "aipo.yaml:8:5: risks[0].id: duplicate key 'id': it is already on line 6 "
        "(remove or rename one of the two: line 6 or line 8)",
    ]


def test_a_disallowed_tag_names_its_field() -> None:
    found = problems_of("product:\n  name: !x y\n  owner: z\n")
    assert found == ["aipo.yaml:2:9: product.name: the tag '!x' is not allowed "
                     "(aipo.yaml holds plain data only: remove the tag)"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # A key indented less than its siblings.
        ("product:\n  name: x\n owner: y\n",
         "aipo.yaml:3:2: not valid YAML: 'owner:' is indented differently from the lines above "
         "it (1 space) (parser: expected <block end>, but found '<block mapping start>') (align "
         "it with its siblings: 2 spaces like 'name:' on line 2, or 0 spaces like 'product:' on "
         "line 1)"),
        # ... inside a list item, where the item's keys and the parent's keys both fit.
        ("product:\n  name: x\n  owner: y\n  stakeholders:\n    - role: a\n      name: b\n"
         "     interest: c\n",
         "aipo.yaml:7:6: not valid YAML: 'interest:' is indented differently from the lines "
         "above it (5 spaces) (parser: expected <block end>, but found '<block mapping start>') "
         "(align it with its siblings: 6 spaces like 'name:' on line 6, or 2 spaces like "
         "'stakeholders:' on line 4)"),
        # A key at the level of the list's dashes.
        ("risks:\n  - id: R1\n  title: y\n",
         "aipo.yaml:3:3: not valid YAML: 'title:' is indented differently from the lines above "
         "it (2 spaces) (parser: expected <block end>, but found '?') (align it with its "
         "siblings: 4 spaces like 'id:' on line 2, or 0 spaces like 'risks:' on line 1; or "
         "start a new list item with '- ')"),
        # A list item out of line with the items above it.
        ("product:\n  users:\n    - a\n   - b\n",
         "aipo.yaml:4:4: not valid YAML: the '- ' item is indented differently from the lines "
         "above it (3 spaces) (parser: expected <block end>, but found '<block sequence start>')"
         " (align it with its siblings: 4 spaces like '-' on line 3)"),
        # A key indented more than its siblings reads as the value's continuation.
        ("product:\n  name: x\n   owner: y\n",
         "aipo.yaml:3:4: not valid YAML: 'owner:' is indented more than 'name:' on line 2, so "
         "YAML reads it as part of that line's value (parser: mapping values are not allowed "
         "here) (align it with 'name:' at 2 spaces; or, to nest it under 'name:', remove the "
         "value after 'name:')"),
        ("product:\n\tname: x\n",
         "aipo.yaml:2:1: not valid YAML: a tab is used for indentation (parser: found character "
         "'\\t' that cannot start any token) (indent with spaces only: YAML does not allow tabs "
         "there)"),
        ("product:\n  name x\n  owner: y\n",
         "aipo.yaml:2:3: not valid YAML: 'name x' has no ':' after its key, so YAML reads it and "
         "line 3 as one text (parser: mapping values are not allowed here) (write 'name: x')"),
        ("product:\n  name: x\n  owner\n",
         "aipo.yaml:3:3: not valid YAML: a ':' is missing after 'owner' (parser: could not find "
         "expected ':') (write 'owner: ...' with a ':' after the key, or indent the line under "
         "the key it belongs to)"),
        ("product:\n  name: Tickets: summaries\n",
         "aipo.yaml:2:16: not valid YAML: the value of 'name' contains ': ' (parser: mapping "
         "values are not allowed here) (put the value in quotes: name: 'Tickets: summaries')"),
        # Unclosed quotes and brackets point at where they open, not at the end of the file.
        ("product:\n  name: 'x\n  owner: y\n",
         "aipo.yaml:2:9: not valid YAML: the quote ' opened here is never closed (parser: found "
         "unexpected end of stream) (end the text with ' on the same line; inside '...' write "
         "'' for an apostrophe, e.g. 'it''s')"),
        ("product:\n  users: [a, b\n  owner: y\n",
         "aipo.yaml:2:10: not valid YAML: the '[' opened here is not closed (parser: expected "
         "',' or ']', but got ':') (close it with ']' on the same line, or put a text starting "
         "with '[' in quotes)"),
        ("product:\n  name: 'it's'\n",
         "aipo.yaml:2:13: not valid YAML: text after the closing quote (parser: expected <block "
         "end>, but found '<scalar>') (quote the whole value; inside '...' write '' for an "
         "apostrophe, e.g. 'it''s'; a quote opened on an earlier line may end here)"),
        ("product:\n  users: [a, b] c\n",
         "aipo.yaml:2:17: not valid YAML: text after the closing ']' (parser: expected <block "
         "end>, but found '<scalar>') (remove it, or put the whole value in quotes)"),
        ("product:\n  users: [a, b]]\n",
         "aipo.yaml:2:16: not valid YAML: an unmatched ']' (parser: expected <block end>, but "
         "found ']') (remove it, or put a text containing ']' in quotes)"),
        ("  schema_version: 1\nproduct:\n  name: x\n",
         "aipo.yaml:1:1: not valid YAML: 'schema_version:' on line 1 is indented, but the "
         "sections of aipo.yaml start at the beginning of a line (parser: expected '<document "
         "start>', but found ('<block mapping start>',)) (remove the spaces before it)"),
        ("product:\n  name: @home\n",
         "aipo.yaml:2:9: not valid YAML: a value cannot start with '@' (parser: found character "
         "'@' that cannot start any token) (put the value in quotes)"),
        ("product:\n  name: x\n  - a\n",
         "aipo.yaml:3:3: not valid YAML: a '- ' list item among 'key: value' lines (parser: "
         "expected <block end>, but found '-') (put the list under its key: a 'key:' line above "
         "it with the items indented under it; or align the item with the '- ' items above it)"),
        ("product:\n  name: x\n---\nrisks: []\n",
         "aipo.yaml:3:1: not valid YAML: a second YAML document starts here ('---' or '...') "
         "(parser: but found another document) (an aipo.yaml holds one document: remove the "
         "separator line and merge what follows into the sections above)"),
    ],
)
def test_yaml_syntax_errors_in_plain_words(text: str, expected: str) -> None:
    assert problems_of(text) == [expected]


def test_missing_workspace_says_how_to_make_one(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError) as info:
        load(tmp_path / "nowhere")
    assert "aipo init" in str(info.value)


def test_not_utf8_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "aipo.yaml").write_bytes(b"product:\n  name: caf\xe9\n  owner: x\n")
    with pytest.raises(WorkspaceError, match=r"aipo.yaml:2: is not UTF-8"):
        load(tmp_path)


# ---------------------------------------------------------------- the JSON Schema agrees


def test_schema_carries_the_rating_range() -> None:
    # Checked on the dict too, so that the range is tested where jsonschema is not installed.
    risk = json_schema()["$defs"]["Risk"]["properties"]
    for name in ("likelihood", "impact"):
        assert (risk[name]["minimum"], risk[name]["maximum"]) == (1, 5), risk[name]
    for name in ("residual_likelihood", "residual_impact"):
        ranged = [s for s in risk[name]["anyOf"] if s.get("type") == "integer"]
        assert [(s["minimum"], s["maximum"]) for s in ranged] == [(1, 5)], risk[name]


def _document(small_text: str) -> dict:
    from ruamel.yaml import YAML

    doc = YAML(typ="safe").load(small_text)
    doc["data_map"] = {
        "sources": [{"id": "tickets", "name": "Tickets"}],
        "quality_checks": [{"id": "Q1", "source": "tickets", "column": "age", "kind": "range",
                            "min": 0}],
    }
    doc["business_case"] = {"drivers": {"tickets_per_month": {
        "conservative": 1, "realistic": 2, "optimistic": 3}}}
    doc["rollout"] = {"stages": [{"id": "pilot", "name": "Pilot", "share": 0.1}]}
    doc["backlog"][0].update(value=5, confidence=0.5)
    return json.loads(json.dumps(doc, default=str))  # dates as the strings an editor sees


def _set(doc: dict, path: str, value: object) -> dict:
    *parents, last = [int(p) if p.isdigit() else p for p in path.split(".")]
    node: object = doc
    for part in parents:
        node = node[part]  # type: ignore[index]
    if value is _DELETE:
        del node[last]  # type: ignore[index]
    else:
        node[last] = value  # type: ignore[index]
    return doc


_DELETE = object()


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("risks.0.likelihood", 7),
        ("risks.0.impact", 0),
        ("risks.1.residual_likelihood", 6),
        ("risks.1.residual_impact", -1),
        ("risks.0.probability_per_year", 1.5),  # a share, 0-1
        ("risks.0.impact_eur", -100),  # money is not negative
        ("rollout.stages.0.share", 2),
        ("backlog.0.value", 11),  # 0-10
        ("backlog.0.confidence", -0.1),
        ("budgets", {"cost_per_use": -0.01}),
        ("settings", {"documentation_completeness_min": 80}),  # a share, not a percentage
        ("business_case.drivers.1st_month", {"conservative": 1, "realistic": 1,
                                             "optimistic": 1}),  # not an id
        ("data_map.quality_checks.0.min", _DELETE),  # a range check without bounds
        ("data_map.quality_checks.0", {"id": "Q2", "source": "tickets", "column": "c",
                                       "kind": "allowed_values"}),
    ],
)
def test_schema_refuses_what_validate_refuses(small_text: str, path: str, value: object) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json_schema())
    good = _document(small_text)
    assert list(validator.iter_errors(good)) == []
    assert problems_of(json.dumps(good)) == []
    bad = _set(good, path, value)
    assert problems_of(json.dumps(bad)), "aipo validate accepts it: the case tests nothing"
    assert list(validator.iter_errors(bad)), f"the schema accepts {path} = {value!r}"


@pytest.mark.parametrize("name", ["support-summaries", "predictive-maintenance", "blank"])
def test_shipped_examples_pass_the_schema(name: str) -> None:
    # The schema's extra rules (if/then, closed driver names) must not flag a valid workspace.
    from ruamel.yaml import YAML

    from aipo_widgets.examples import example_yaml

    jsonschema = pytest.importorskip("jsonschema")
    doc = json.loads(json.dumps(YAML(typ="safe").load(example_yaml(name)), default=str))
    errors = [e.message for e in jsonschema.Draft202012Validator(json_schema()).iter_errors(doc)]
    assert errors == []


# ---------------------------------------------------------------- round trip


def test_unchanged_save_writes_nothing_and_dump_is_byte_identical(small_ws: Path) -> None:
    before = (small_ws / "aipo.yaml").read_bytes()
    wf = load(small_ws)
    assert wf.dumps().encode() == before
    assert wf.save() is False
    assert (small_ws / "aipo.yaml").read_bytes() == before


def test_an_edit_keeps_comments_and_key_order(small_ws: Path) -> None:
    wf = load(small_ws)
    wf.workspace.risks[0].likelihood = 4
    wf.workspace.product.owner = "Jana Keller-Schmidt"
    assert wf.save() is True
    after = (small_ws / "aipo.yaml").read_text()
    assert "    likelihood: 4  # possible\n" in after
    assert "# Keep the worst ones on top." in after
    assert "  name: Ticket summaries  # as stakeholders call it\n" in after
    assert after.index("product:") < after.index("metric_tree:") < after.index("risks:")
    # Nothing else changed: the diff is exactly the two edited lines.
    before = small_ws.joinpath("aipo.yaml").read_text()
    assert load(small_ws).workspace.risks[0].likelihood == 4
    assert len(before.splitlines()) == len(after.splitlines())


def test_appending_and_removing_list_items(small_ws: Path) -> None:
    wf = load(small_ws)
    wf.workspace.risks.append(Risk(id="R3", title="Latency spikes", category="system",
                                   likelihood=2, impact=2))
    wf.save()
    text = (small_ws / "aipo.yaml").read_text()
    assert "  - id: R3\n    title: Latency spikes\n    category: system\n" in text
    assert "treatment" not in text  # defaults are not written out
    assert "# Keep the worst ones on top." in text
    wf = load(small_ws)
    del wf.workspace.risks[2]
    wf.save()
    assert "R3" not in (small_ws / "aipo.yaml").read_text()
    assert (small_ws / "aipo.yaml").read_text() == small_ws.joinpath("aipo.yaml").read_text()


def test_a_person_layout_survives(tmp_path: Path) -> None:
    # Four-space indentation and dash-aligned lists, as some editors write them.
    text = textwrap.dedent("""\
        product:
            name: Maintenance   # plant 3
            owner: Ops
        risks:
        -   id: R1
            title: Missed failure
            category: model
            likelihood: 2
            impact: 5
        """)
    (tmp_path / "aipo.yaml").write_text(text)
    wf = load(tmp_path)
    assert wf.dumps() == text
    wf.workspace.risks[0].impact = 4
    wf.save()
    assert (tmp_path / "aipo.yaml").read_text() == text.replace("impact: 5", "impact: 4")


def test_invalid_edit_is_refused_and_nothing_written(small_ws: Path) -> None:
    before = (small_ws / "aipo.yaml").read_bytes()
    wf = load(small_ws)
    wf.workspace.backlog[0].mitigates.append("R9")  # list edits are not validated on assignment
    with pytest.raises(WorkspaceError, match=r"backlog\[0\]\.mitigates\[1\]: names risk 'R9'"):
        wf.save()
    assert (small_ws / "aipo.yaml").read_bytes() == before


def test_assignment_is_validated(small_ws: Path) -> None:
    wf = load(small_ws)
    with pytest.raises(ValueError, match="must be an integer from 1 to 5"):
        wf.workspace.risks[0].impact = 9


# ---------------------------------------------------------------- conflicts and atomicity


def test_save_refuses_when_the_file_changed_on_disk(small_ws: Path) -> None:
    wf = load(small_ws)
    path = small_ws / "aipo.yaml"
    theirs = path.read_text().replace("Jana Keller", "Someone Else")
    path.write_text(theirs)
    wf.workspace.risks[0].likelihood = 5
    with pytest.raises(ConflictError, match="changed on disk since it was loaded"):
        wf.save()
    assert path.read_text() == theirs  # their edit is intact
    fresh = wf.reload()
    fresh.workspace.risks[0].likelihood = 5
    assert fresh.save() is True
    text = path.read_text()
    assert "Someone Else" in text and "likelihood: 5" in text


def test_force_overwrites_on_purpose(small_ws: Path) -> None:
    wf = load(small_ws)
    path = small_ws / "aipo.yaml"
    path.write_text(path.read_text() + "# a comment added elsewhere\n")
    wf.workspace.risks[0].likelihood = 5
    assert wf.save(force=True) is True
    assert "likelihood: 5" in path.read_text()


def test_save_keeps_file_permissions(small_ws: Path) -> None:
    path = small_ws / "aipo.yaml"
    path.chmod(0o640)
    wf = load(small_ws)
    wf.workspace.risks[0].likelihood = 2
    wf.save()
    assert path.stat().st_mode & 0o777 == 0o640
    assert not [p for p in small_ws.iterdir() if p.name.endswith(".tmp")]


KILLER = r"""
import sys
from aipo_widgets.model.workspace import load
from aipo_widgets.model.schema import Risk, json_schema
folder = sys.argv[1]
print("ready", flush=True)
i = 0
while True:
    wf = load(folder)
    # A big change each time, so that a torn write would be visible.
    n = 300 if i % 2 else 150
    wf.workspace.risks = [Risk(id=f"R{k}", title="x" * 200, category="data",
                                likelihood=1 + k % 5, impact=1 + (k + i) % 5) for k in range(n)]
    wf.save()
    i += 1
"""


@pytest.mark.slow
def test_killed_save_leaves_old_or_new_file_never_torn(small_ws: Path) -> None:
    path = small_ws / "aipo.yaml"
    for attempt in range(8):
        proc = subprocess.Popen([sys.executable, "-c", KILLER, str(small_ws)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(0.4 + 0.13 * attempt)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        wf = load(small_ws)  # parses and validates: never torn
        assert len(wf.workspace.risks) in (2, 150, 300)
    # A write killed midway may leave its temporary file behind; the next save replaces the
    # real file from a new one, so the workspace itself is always whole.
    wf = load(small_ws)
    wf.workspace.risks[0].impact = 1 if wf.workspace.risks[0].impact != 1 else 2
    assert wf.save() is True
    assert load(small_ws).workspace.risks[0].impact == wf.workspace.risks[0].impact
    assert path.exists()


# ---------------------------------------------------------------- fuzzing the loader

yaml_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10, 10), st.floats(allow_nan=False, width=32),
    st.text(alphabet="abcR1-_: #'\"[]{}!&*|>%@`\n\t", max_size=12),
)


def _mutate(text: str, data: st.DataObject) -> str:
    lines = text.splitlines(keepends=True)
    for _ in range(data.draw(st.integers(1, 4))):
        i = data.draw(st.integers(0, len(lines) - 1))
        kind = data.draw(st.sampled_from(["drop", "dup", "indent", "value", "garbage"]))
        if kind == "drop":
            del lines[i]
        elif kind == "dup":
            lines.insert(i, lines[i])
        elif kind == "indent":
            lines[i] = data.draw(st.sampled_from(["", " ", "   ", "\t"])) + lines[i].lstrip()
        elif kind == "value" and ":" in lines[i]:
            key = lines[i].split(":", 1)[0]
            lines[i] = f"{key}: {data.draw(yaml_scalars)!s}\n"
        else:
            lines[i] = data.draw(st.text(max_size=20)) + "\n"
        if not lines:
            lines = ["\n"]
    return "".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_mutated_workspaces_only_ever_give_aipo_errors(data: st.DataObject,
                                                       tmp_path_factory) -> None:
    from tests.conftest import SMALL

    text = _mutate(SMALL, data)
    folder = tmp_path_factory.mktemp("fuzz")
    (folder / "aipo.yaml").write_text(text, encoding="utf-8")
    try:
        load(folder)
    except AipoError as exc:
        assert exc.problems
        for p in exc.problems:
            assert p.message
            assert p.file.endswith("aipo.yaml")
            if p.code not in ("empty",):
                assert p.line is not None, str(p)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_random_text_only_ever_gives_aipo_errors(text: str) -> None:
    _, problems = validate_text(text, "aipo.yaml")
    for p in problems:
        assert p.message and p.file == "aipo.yaml"


def test_risk_band_map_shape_and_order_are_checked_at_validation(small_text: str) -> None:
    rows = ["[low, low, low, low, medium]", "[low, low, medium, medium, high]",
            "[low, medium, medium, high, high]", "[low, medium, high, high, critical]",
            "[medium, high, high, critical, critical]"]

    def with_bands(last: str) -> list:
        bands = "".join(f"    - {r}\n" for r in [*rows[:4], last])
        return validate_text(small_text + f"settings:\n  risk_bands:\n{bands}")[1]

    assert with_bands(rows[4]) == []
    short = with_bands("[high, high, high, critical]")
    assert [(p.path, p.message) for p in short] == [
        ("settings.risk_bands[4]", "must have at least 5 entries, has 4")]
    assert short[0].line is not None
    # A band that falls as likelihood grows (Cox's rules): found by aipo validate, with lines.
    falling = with_bands("[medium, low, high, critical, critical]")  # L5 x I2 below L4 x I2
    assert any(p.path == "settings.risk_bands[4][1]" and "is a lower band than" in p.message
               for p in falling), falling
    assert all(p.line is not None for p in falling)
    schema = json_schema()["$defs"]["Settings"]["properties"]["risk_bands"]["anyOf"][0]
    assert (schema["minItems"], schema["maxItems"]) == (5, 5)
    assert (schema["items"]["minItems"], schema["items"]["maxItems"]) == (5, 5)


def test_backlog_weights_the_method_does_not_have_are_named_with_their_line():
    text = ("product: {name: x, owner: y}\n"
            "settings:\n"
            "  backlog_method: vrf\n"
            "  backlog_weights: {value: 0.5, risk: 0.2, feasibility: 0.3}\n")
    wf, problems = validate_text(text)
    assert wf is None
    assert [str(p) for p in problems] == [
        "aipo.yaml:4:20: settings.backlog_weights: 'risk' is not a weight of method 'vrf' (its "
        "weights: value, risk_aversion, feasibility, effort) (did you mean 'risk_aversion'?)"]
