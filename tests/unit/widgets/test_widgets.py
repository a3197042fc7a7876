"""The widget base and the risk matrix, without a kernel: traits, operations, read-only, save.

Front-end messages are simulated by calling the widget's comm handler (``_handle_msg``) with
the message a browser (or an attacker) would send; what the widget sends back is recorded from
its comm.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from widget_messages import WIDGET_MIME, apply_patch, custom_msg, record, svg_of, texts, update_msg

from aipo_widgets.errors import ConflictError, UsageError
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import load
from aipo_widgets.widgets import AipoWidget, RiskMatrixWidget
from aipo_widgets.widgets._base import READ_ONLY_MESSAGE, view_patch

# --------------------------------------------------------------------------------------------
# construction


def test_unknown_keyword_arguments_are_named(small_ws: Path):
    with pytest.raises(TypeError, match=r"unexpected keyword argument\(s\) 'colour', 'readonly'"):
        RiskMatrixWidget(load(small_ws), readonly=True, colour="red")


def test_computed_traits_are_not_constructor_arguments(small_ws: Path):
    with pytest.raises(TypeError, match="'view'"):
        RiskMatrixWidget(load(small_ws), view={})


def test_workspace_argument_is_checked():
    with pytest.raises(TypeError, match="workspace must be a loaded workspace"):
        RiskMatrixWidget({"product": {}})


def test_binds_to_a_folder_path(small_ws: Path):
    w = RiskMatrixWidget(small_ws)
    assert w.workspace_file is not None
    assert w.workspace_file.path == small_ws / "aipo.yaml"
    assert [r["id"] for r in w.view["risks"]] == ["R1", "R2"]


def test_view_is_what_the_core_computes(small_ws: Path):
    from aipo_widgets.analysis.risk import Register

    wf = load(small_ws)
    w = RiskMatrixWidget(wf)
    reg = Register.from_workspace(wf.workspace)
    assert [(r["id"], r["rank"], r["residual"]["band"]) for r in w.view["risks"]] == [
        (r.id, r.rank, r.residual.band) for r in reg.ranked()
    ]
    assert w.view["band_map"] == reg.band_map.to_list()
    assert w.title == "Risk matrix" and not w.dirty and not w.read_only


# --------------------------------------------------------------------------------------------
# operations


def test_move_changes_the_model_and_the_view(small_ws: Path):
    wf = load(small_ws)
    w = RiskMatrixWidget(wf)
    sent = record(w)
    old = w.view
    w._handle_msg(custom_msg({"op": "move", "risk": "R1", "rating": "inherent",
                              "likelihood": 5, "impact": 5, "seq": 7}))
    assert (wf.workspace.risk("R1").likelihood, wf.workspace.risk("R1").impact) == (5, 5)
    r1 = next(r for r in w.view["risks"] if r["id"] == "R1")
    assert r1["inherent"]["band"] == "critical" and r1["inherent"]["score"] == 25
    assert r1["rank"] == 1
    assert w.dirty and w.status == "Unsaved changes" and w.error == ""
    customs = [m["content"] for m in sent if m.get("method") == "custom"]
    assert {"type": "reply", "seq": 7, "ok": True} in customs
    # The new view went to the front end as a patch of the old one, not whole.
    assert not any(m.get("method") == "update" and "view" in m.get("state", {}) for m in sent)
    patch = next(c for c in customs if c.get("type") == "patch")
    assert patch["base"] == old["rev"] and w.view["rev"] == old["rev"] + 1
    assert apply_patch(old, patch["ops"]) == w.view


def test_residual_move_and_detail_edits(small_ws: Path):
    wf = load(small_ws)
    w = RiskMatrixWidget(wf)
    assert w.handle_operation({"op": "move", "risk": "R2", "rating": "residual",
                               "likelihood": 1, "impact": 3})
    assert w.handle_operation({"op": "set", "risk": "R2", "field": "owner", "value": "DPO"})
    assert w.handle_operation({"op": "set", "risk": "R2", "field": "review_date",
                               "value": "2027-03-01"})
    assert w.handle_operation({"op": "set", "risk": "R2", "field": "treatment",
                               "value": "transfer"})
    r = wf.workspace.risk("R2")
    assert (r.residual_likelihood, r.residual_impact, r.owner, str(r.review_date),
            r.treatment) == (1, 3, "DPO", "2027-03-01", "transfer")


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"op": "move", "risk": "R1", "rating": "inherent", "likelihood": 7, "impact": 1},
         "likelihood must be an integer from 1 to 5, got 7"),
        ({"op": "move", "risk": "R1", "rating": "inherent", "likelihood": True, "impact": 1},
         "operation field 'likelihood' must be int, got True"),
        ({"op": "move", "risk": "R9", "rating": "inherent", "likelihood": 1, "impact": 1},
         "there is no risk 'R9'"),
        ({"op": "move", "risk": "R1", "rating": "gross", "likelihood": 1, "impact": 1},
         "rating must be 'inherent' or 'residual'"),
        ({"op": "set", "risk": "R1", "field": "likelihood", "value": 1},
         "field 'likelihood' cannot be edited here"),
        ({"op": "set", "risk": "R1", "field": "treatment", "value": "ignore"},
         "treatment: Input should be"),
        ({"op": "set", "risk": "R1", "field": "review_date", "value": "next week"},
         "review_date must be a date like 2026-11-26, got 'next week'"),
        ({"op": "explode"}, "unknown operation 'explode'; this widget knows: "),
        ({"risk": "R1"}, "a widget operation must be a mapping with an 'op' name"),
    ],
)
def test_bad_operations_are_shown_in_the_widget_and_change_nothing(small_ws, content, message):
    wf = load(small_ws)
    w = RiskMatrixWidget(wf)
    before = wf.workspace.model_dump()
    view = w.view
    assert w.handle_operation(content) is False
    assert message in w.error
    assert wf.workspace.model_dump() == before
    assert w.view == view and not w.dirty


def test_a_good_operation_clears_the_error(small_ws: Path):
    w = RiskMatrixWidget(load(small_ws))
    w.handle_operation({"op": "explode"})
    assert w.error
    w.handle_operation({"op": "set", "risk": "R1", "field": "owner", "value": "Jana"})
    assert w.error == ""


def test_state_updates_from_the_browser_are_rejected_and_reverted(small_ws: Path):
    wf = load(small_ws)
    w = RiskMatrixWidget(wf)
    sent = record(w)
    view = w.view
    w._handle_msg(update_msg({"view": {"risks": []}, "title": "pwned", "dirty": True}))
    assert w.view == view and w.title == "Risk matrix" and not w.dirty
    # The browser is told the truth again.
    reverts = [m for m in sent if m.get("method") == "update"]
    assert reverts and set(reverts[-1]["state"]) == {"view", "title", "dirty"}
    assert reverts[-1]["state"]["title"] == "Risk matrix"


# --------------------------------------------------------------------------------------------
# read-only


def test_read_only_rejects_a_forged_state_change(small_ws: Path):
    wf = load(small_ws)
    w = RiskMatrixWidget(wf, read_only=True)
    sent = record(w)
    w._handle_msg(update_msg({"read_only": False, "which": "inherent"}))
    assert w.read_only is True and w.which == "residual"
    assert w.error == READ_ONLY_MESSAGE
    assert any(m.get("method") == "update" and m["state"].get("read_only") is True for m in sent)


def test_read_only_rejects_forged_operations_and_saves(small_ws: Path):
    text = (small_ws / "aipo.yaml").read_text()
    wf = load(small_ws)
    w = RiskMatrixWidget(wf, read_only=True)
    before = wf.workspace.model_dump()
    for content in [
        {"op": "move", "risk": "R1", "rating": "inherent", "likelihood": 5, "impact": 5},
        {"op": "set", "risk": "R1", "field": "owner", "value": "Mallory"},
        {"op": "save", "force": True},
        {"op": "reload"},
    ]:
        w._handle_msg(custom_msg(content))
        assert w.error == READ_ONLY_MESSAGE
    assert wf.workspace.model_dump() == before and not wf.changed
    wf.workspace.risk("R1").owner = "changed in code"
    with pytest.raises(UsageError, match="read-only"):
        w.save()
    assert (small_ws / "aipo.yaml").read_text() == text


def test_read_only_can_be_lifted_from_python_only(small_ws: Path):
    w = RiskMatrixWidget(load(small_ws), read_only=True)
    w.read_only = False
    assert w.handle_operation({"op": "set", "risk": "R1", "field": "owner", "value": "Jo"})


# --------------------------------------------------------------------------------------------
# saving


def test_save_writes_the_edit_and_keeps_comments(small_ws: Path):
    path = small_ws / "aipo.yaml"
    before = path.read_text()
    w = RiskMatrixWidget(load(small_ws))
    w.handle_operation({"op": "move", "risk": "R1", "rating": "inherent", "likelihood": 4,
                        "impact": 5})
    w.handle_operation({"op": "save"})
    after = path.read_text()
    assert w.status.startswith("Saved aipo.yaml at") and not w.dirty
    # "# possible" was written for likelihood 3: kept, and named as maybe stale.
    assert w.status_kind == "warn"
    assert "'# possible' beside risks[R1].likelihood was kept" in w.status
    assert "    likelihood: 4  # possible\n    impact: 5\n" in after
    assert "# Keep the worst ones on top." in after and "# as stakeholders call it" in after
    diff = [ln for ln in difflib.unified_diff(before.splitlines(), after.splitlines(),
                                              lineterm="", n=0)
            if ln[:1] in "+-" and not ln.startswith(("+++", "---"))]
    assert diff == ["-    likelihood: 3  # possible", "-    impact: 4",
                    "+    likelihood: 4  # possible", "+    impact: 5"]


def test_save_conflict_is_reported_and_can_be_resolved(small_ws: Path):
    path = small_ws / "aipo.yaml"
    w = RiskMatrixWidget(load(small_ws))
    w.handle_operation({"op": "set", "risk": "R1", "field": "owner", "value": "Jana"})
    path.write_text(path.read_text().replace("Personal data leaves the EU", "Data leaves the EU"))
    with pytest.raises(ConflictError):
        w.save()
    assert w.status_kind == "conflict" and "changed on disk" in w.status
    # The button in the widget reports instead of raising.
    assert w.handle_operation({"op": "save"}) and w.status_kind == "conflict"
    w.handle_operation({"op": "reload"})
    assert w.status.startswith("Reloaded") and not w.dirty
    assert next(r for r in w.view["risks"] if r["id"] == "R2")["title"] == "Data leaves the EU"
    assert w.workspace.risk("R1").owner == ""


def test_save_refuses_without_a_file():
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    w = RiskMatrixWidget(ws)
    with pytest.raises(UsageError, match="no file to save to"):
        w.save()
    assert w.status_kind == "error"


def test_nothing_to_save(small_ws: Path):
    w = RiskMatrixWidget(load(small_ws))
    assert w.save() is False and w.status == "Nothing to save"


# --------------------------------------------------------------------------------------------
# siblings, callbacks


def test_widgets_on_one_file_refresh_each_other(small_ws: Path):
    wf = load(small_ws)
    a, b = RiskMatrixWidget(wf), RiskMatrixWidget(wf, which="inherent")
    a.handle_operation({"op": "move", "risk": "R2", "rating": "inherent", "likelihood": 1,
                        "impact": 1})
    r2 = next(r for r in b.view["risks"] if r["id"] == "R2")
    assert r2["inherent"]["score"] == 1 and b.dirty
    b.save()
    assert not a.dirty and a.status_kind == "ok"


def test_on_change_callbacks_run_and_their_errors_are_shown(small_ws: Path):
    w = RiskMatrixWidget(load(small_ws))
    seen = []
    w.on_change(seen.append)
    w.on_change(lambda event: 1 / 0)
    w.handle_operation({"op": "set", "risk": "R1", "field": "owner", "value": "Jo", "seq": 1})
    assert seen == [{"op": "set", "risk": "R1", "field": "owner", "value": "Jo", "seq": 1}]
    assert w.error == "on_change callback failed: ZeroDivisionError: division by zero"


def test_operation_kinds_are_checked():
    from aipo_widgets.widgets._base import operation

    with pytest.raises(ValueError, match="kind must be one of"):
        operation("x", kind="mutate")


def test_base_class_knows_save_reload_and_resync_only():
    assert set(AipoWidget._operations) == {"save", "reload", "resync"}
    assert set(RiskMatrixWidget._operations) == {"save", "reload", "resync", "move", "set"}


# --------------------------------------------------------------------------------------------
# static picture


def test_mimebundle_has_the_widget_and_a_picture(small_ws: Path):
    w = RiskMatrixWidget(load(small_ws))
    data, _ = w._repr_mimebundle_()
    assert data[WIDGET_MIME]["model_id"] == w.model_id
    root = svg_of(data)
    words = texts(root)
    assert "R1" in words and "R2" in words and "Risk matrix (residual)" in words
    assert data["text/plain"].startswith("<RiskMatrixWidget: Risk matrix (residual): 2 open risks")
    # Cells are coloured by band, with the band's name written in them.
    assert any(t.startswith("high · 12") for t in words)


def test_picture_follows_the_rating_shown(small_ws: Path):
    w = RiskMatrixWidget(load(small_ws), which="inherent")
    words = texts(svg_of(w._repr_mimebundle_()[0]))
    assert "Risk matrix (inherent)" in words


def test_a_crowded_cell_shows_a_count():
    risks = [{"id": f"R{i}", "title": "t", "category": "model", "likelihood": 3, "impact": 3}
             for i in range(1, 13)]
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "risks": risks})
    words = texts(svg_of(RiskMatrixWidget(ws)._repr_mimebundle_()[0]))
    assert "12" in words and "+9 more" in words


# --------------------------------------------------------------------------------------------
# patches


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=False)
    | st.text(max_size=3),
    lambda inner: st.lists(inner, max_size=5)
    | st.dictionaries(st.sampled_from("abcde"), inner, max_size=4),
    max_leaves=25,
)


@settings(max_examples=300, deadline=None)
@given(json_values, json_values)
def test_a_patch_turns_the_old_view_into_the_new_one(old, new):
    assert apply_patch(old, view_patch(old, new)) == new


def test_patches_survive_json():
    old = {"a": [1, 2, {"b": None}], "c": {"d": 1.5}}
    new = {"a": [1, 3, {"b": "x"}], "c": {}}
    ops = json.loads(json.dumps(view_patch(old, new)))
    assert apply_patch(old, ops) == new


def test_resync_sends_the_whole_view(small_ws: Path):
    w = RiskMatrixWidget(load(small_ws), read_only=True)
    sent = record(w)
    assert w.handle_operation({"op": "resync"})
    assert any(m.get("method") == "update" and m["state"]["view"] == w.view for m in sent)


def test_an_edit_among_many_risks_sends_a_small_patch():
    risks = [{"id": f"R{i}", "title": f"Risk {i}", "category": "model",
              "likelihood": 1 + i % 5, "impact": 1 + (i // 5) % 5} for i in range(60)]
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "risks": risks})
    w = RiskMatrixWidget(ws)
    sent = record(w)
    old = w.view
    w.handle_operation({"op": "set", "risk": "R7", "field": "owner", "value": "Kim"})
    patch = next(m["content"] for m in sent if m.get("method") == "custom"
                 and m["content"].get("type") == "patch")
    assert apply_patch(old, patch["ops"]) == w.view
    assert len(json.dumps(patch)) < len(json.dumps(w.view)) / 50
