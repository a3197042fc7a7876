"""BacklogWidget without a kernel: the core's scores and ranks, edits, method, weights, save."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from widget_messages import WIDGET_MIME, custom_msg, svg_of, texts

from aipo_widgets.analysis.backlog import score_workspace
from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.examples import example_yaml
from aipo_widgets.figures.backlog import display_order
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import load
from aipo_widgets.widgets import BacklogWidget
from aipo_widgets.widgets._base import READ_ONLY_MESSAGE


@pytest.fixture
def example(tmp_path: Path) -> Path:
    folder = tmp_path / "support"
    folder.mkdir()
    (folder / "aipo.yaml").write_bytes(example_yaml("support-summaries"))
    return folder


def column(w: BacklogWidget, name: str, item: str):
    cols = w.view["columns"]
    return cols[name][cols["id"].index(item)]


def test_view_is_the_cores_ranking(example: Path):
    wf = load(example)
    w = BacklogWidget(wf)
    expected = score_workspace(wf.workspace, classification=classify_workspace(wf.workspace))
    cols = w.view["columns"]
    # Workspace order in the view; the display order is the core's.
    assert cols["id"] == [i.id for i in wf.workspace.backlog]
    order = display_order(w.view)
    for name, attr in [("id", "id"), ("rank", "rank"), ("score", "score"),
                       ("stability", "stability"), ("gate", "gate")]:
        assert [cols[name][k] for k in order] == [getattr(i, attr) for i in expected.items]
    assert w.view["factor_columns"] == ["value", "risk", "feasibility", "confidence", "effort"]
    assert [w.view["factors"]["effort"][k] for k in order] == [
        i.factors["effort"] for i in expected.items]
    assert w.view["tier"] == "limited"


def test_a_factor_edit_re_ranks(example: Path):
    wf = load(example)
    w = BacklogWidget(wf)
    assert column(w, "rank", "B12") == 9
    assert w.handle_operation({"op": "set", "item": "B12", "field": "confidence", "value": 1})
    assert w.handle_operation({"op": "set", "item": "B12", "field": "effort", "value": 1})
    item = next(i for i in wf.workspace.backlog if i.id == "B12")
    assert (item.confidence, item.effort) == (1.0, 1.0)
    assert column(w, "rank", "B12") < 9
    expected = score_workspace(wf.workspace, classification="limited").item("B12")
    assert column(w, "score", "B12") == pytest.approx(expected.score)


def test_method_and_weights_are_workspace_settings(example: Path):
    wf = load(example)
    w = BacklogWidget(wf)
    assert w.handle_operation({"op": "weights", "weights": {"effort": 0.5}})
    assert wf.workspace.settings.backlog_weights == {"effort": 0.5}
    assert w.view["weights"]["effort"] == 0.5
    # Back to the default: the weight the file did not have is dropped again... unless it was
    # there before (the person wrote it).
    assert w.handle_operation({"op": "weights", "weights": {"effort": 1}})
    assert wf.workspace.settings.backlog_weights == {"effort": 1.0}
    assert w.handle_operation({"op": "method", "method": "wsjf"})
    assert wf.workspace.settings.backlog_method == "wsjf"
    assert wf.workspace.settings.backlog_weights == {}
    assert w.view["factor_columns"] == ["business_value", "time_criticality", "risk_reduction",
                                        "job_size"]
    assert "SAFe" in w.view["formula"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ({"op": "set", "item": "B99", "field": "value", "value": 1},
         "there is no backlog item 'B99'"),
        ({"op": "set", "item": "B12", "field": "value", "value": 11},
         "value: Input should be less than or equal to 10"),
        ({"op": "set", "item": "B12", "field": "effort", "value": 0},
         "effort: Input should be greater than 0"),
        ({"op": "set", "item": "B12", "field": "status", "value": "blocked"},
         "status must be one of todo, doing, done, dropped"),
        ({"op": "set", "item": "B12", "field": "blocked_by", "value": []},
         "field 'blocked_by' cannot be edited here"),
        ({"op": "method", "method": "moscow"}, "method must be one of vrf, rice"),
        ({"op": "weights", "weights": {"reach": 2}}, "'reach' is not a weight of method 'vrf'"),
        ({"op": "weights", "weights": {"risk_aversion": 0.95}},
         "risk_aversion must be at most 0.833"),
        ({"op": "weights", "weights": {"value": "2"}}, "must be float, got '2'"),
    ],
)
def test_bad_edits_are_shown_and_change_nothing(example: Path, content, message):
    wf = load(example)
    w = BacklogWidget(wf)
    before = wf.workspace.model_dump()
    assert w.handle_operation(content) is False
    assert message in w.error
    assert wf.workspace.model_dump() == before


def test_blocked_items_carry_their_reason():
    ws = Workspace.model_validate({
        "product": {"name": "x", "owner": "y"},
        "risks": [{"id": "R1", "title": "Leak", "category": "security", "likelihood": 5,
                   "impact": 5}],
        "backlog": [{"id": "B1", "title": "Ship", "type": "product", "value": 8, "risk": 2,
                     "feasibility": 8, "effort": 1, "confidence": 1, "blocked_by": ["R1"]}],
    })
    w = BacklogWidget(ws)
    w._tier_cache = (ws.compliance.model_dump_json(), "minimal")  # as if classified minimal
    w._view_cache = None
    w.refresh()
    assert column(w, "gate", "B1") == "blocked"
    assert column(w, "reasons", "B1") == [
        "blocked by R1 (residual band critical, status open) until it is mitigated"]
    assert column(w, "blocked_by", "B1") == ["R1"]


def test_excluded_ids_argument(example: Path):
    w = BacklogWidget(load(example), excluded_ids=["B12"])
    assert column(w, "gate", "B12") == "excluded"
    with pytest.raises(TypeError, match="excluded_ids must be a list"):
        BacklogWidget(load(example), excluded_ids="B12")


def test_read_only_refuses_edits(example: Path):
    wf = load(example)
    w = BacklogWidget(wf, read_only=True)
    for content in [{"op": "set", "item": "B12", "field": "value", "value": 1},
                    {"op": "method", "method": "rice"},
                    {"op": "weights", "weights": {"value": 2}}]:
        w._handle_msg(custom_msg(content))
        assert w.error == READ_ONLY_MESSAGE
    assert not wf.changed


def test_save_keeps_comments_and_writes_the_weight(example: Path):
    path = example / "aipo.yaml"
    w = BacklogWidget(load(example))
    w.handle_operation({"op": "set", "item": "B12", "field": "value", "value": 9})
    w.handle_operation({"op": "weights", "weights": {"effort": 0.5}})
    w.save()
    text = path.read_text()
    assert "    value: 9" in text and "backlog_weights:\n    effort: 0.5" in text
    assert "start_date: 2026-08-03  # day 1 of the 90 days" in text
    assert load(example).workspace.settings.backlog_weights == {"effort": 0.5}


def test_picture_is_the_ranked_table(example: Path):
    w = BacklogWidget(load(example))
    data, _ = w._repr_mimebundle_()
    assert data[WIDGET_MIME]["model_id"] == w.model_id
    words = texts(svg_of(data))
    assert "Backlog by Value, risk, feasibility" in words and "B8" in words
    assert "robust" in words and "done" in words
    assert data["text/plain"].startswith("<BacklogWidget: Backlog ranked by Value, risk, "
                                         "feasibility: 9 ranked items (5 done); first: B8")


def test_classification_is_cached_until_compliance_changes(example: Path):
    wf = load(example)
    w = BacklogWidget(wf)
    first = w._tier_cache
    w.handle_operation({"op": "set", "item": "B12", "field": "value", "value": 9})
    assert w._tier_cache is first
    wf.workspace.compliance.nis2 = not wf.workspace.compliance.nis2
    w.refresh()
    assert w._tier_cache is not first


def test_an_unrelated_risk_edit_costs_the_backlog_nothing(example: Path):
    wf = load(example)
    w = BacklogWidget(wf)
    view = w.view
    wf.workspace.risk("R4").likelihood = 1  # no backlog item is blocked by R4
    w.refresh()
    assert w.view["columns"] is view["columns"]  # the cached view, not a recomputed one
    wf.workspace.risk("R1").residual_likelihood = 5  # B12 is blocked by R1
    wf.workspace.risk("R1").residual_impact = 5
    w.refresh()
    assert column(w, "gate", "B12") == "blocked"


def test_new_ranks_go_out_first_and_the_stability_test_follows(example: Path):
    """With an event loop (a kernel), an edit sends ranks at once and stability when idle."""

    async def edit_then_wait() -> tuple[dict, dict, object]:
        wf = load(example)
        w = BacklogWidget(wf)
        before = column(w, "stability", "B12")
        # Weight the effort heavily: ranks move, and so do the stability verdicts.
        assert w.handle_operation({"op": "weights", "weights": {"effort": 3.0}})
        first = w.view
        assert column(w, "stability", "B12") == before  # the previous verdict, marked stale
        for _ in range(100):
            if not w.view.get("stability_stale"):
                break
            await asyncio.sleep(0.05)
        return first, w.view, score_workspace(wf.workspace, classification="limited")

    first, final, expected = asyncio.run(edit_then_wait())
    assert first["stability_stale"] is True
    assert "stability_stale" not in final
    order = display_order(final)
    assert [final["columns"]["rank"][k] for k in order] == [i.rank for i in expected.items]
    assert first["columns"]["rank"] == final["columns"]["rank"]
    assert [final["columns"]["stability"][k] for k in order] == [
        i.stability for i in expected.items]
    assert first["columns"]["stability"] != final["columns"]["stability"]
