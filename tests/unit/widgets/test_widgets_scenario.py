"""ScenarioWidget and AIActQuestionnaire without a kernel: the core's figures, edits, saves."""

from __future__ import annotations

from pathlib import Path

import pytest
from widget_messages import WIDGET_MIME, custom_msg, svg_of, texts

from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.analysis.compliance import classify, relevant_questions
from aipo_widgets.examples import example_yaml
from aipo_widgets.model.schema import Correlation, Workspace
from aipo_widgets.model.workspace import load
from aipo_widgets.widgets import AIActQuestionnaire, ScenarioWidget
from aipo_widgets.widgets._base import READ_ONLY_MESSAGE


@pytest.fixture
def example(tmp_path: Path) -> Path:
    folder = tmp_path / "support"
    folder.mkdir()
    (folder / "aipo.yaml").write_bytes(example_yaml("support-summaries"))
    return folder


# --------------------------------------------------------------------------------------------
# scenarios


def test_scenario_figures_are_the_cores(example):
    wf = load(example)
    w = ScenarioWidget(wf, n=2000, seed=3)
    r = analyse(wf.workspace.business_case, n=2000, seed=3)
    for name in ("conservative", "realistic", "optimistic"):
        s = w.view["scenarios"][name]
        assert s["npv"] == pytest.approx(r.scenarios[name].npv)
        assert s["payback_months"] == r.scenarios[name].payback_months
        assert s["cumulative"][-1] == pytest.approx(sum(r.scenarios[name].flows))
    assert w.view["expected_npv"] == pytest.approx(r.expected_npv)
    assert w.view["monte_carlo"]["p_positive"] == r.monte_carlo.p_positive
    assert [d["id"] for d in w.view["drivers"]] == list(wf.workspace.business_case.drivers)


def test_a_driver_edit_updates_the_figures_and_the_simulation(example):
    wf = load(example)
    w = ScenarioWidget(wf, n=2000)
    before = w.view["scenarios"]["realistic"]["npv"]
    assert w.handle_operation({"op": "set", "driver": "minutes_saved", "field": "realistic",
                               "value": 1.0})
    assert wf.workspace.business_case.drivers["minutes_saved"].realistic == 1.0
    assert w.view["scenarios"]["realistic"]["npv"] < before
    # Without a running event loop the simulation is redone at once, not marked stale.
    assert not w.view["monte_carlo"].get("stale")
    r = analyse(wf.workspace.business_case, n=2000)
    assert w.view["monte_carlo"]["mean"] == pytest.approx(r.monte_carlo.mean)


def test_settings_and_ranges(example):
    wf = load(example)
    w = ScenarioWidget(wf, n=500)
    assert w.handle_operation({"op": "setting", "field": "horizon_months", "value": 24})
    assert len(w.view["scenarios"]["realistic"]["cumulative"]) == 25
    assert w.handle_operation({"op": "set", "driver": "hourly_cost", "field": "low",
                               "value": None})
    assert wf.workspace.business_case.drivers["hourly_cost"].low is None


@pytest.mark.parametrize(("content", "message"), [
    ({"op": "set", "driver": "nope", "field": "realistic", "value": 1}, "there is no driver"),
    ({"op": "set", "driver": "hourly_cost", "field": "unit", "value": 1}, "cannot be edited"),
    ({"op": "set", "driver": "hourly_cost", "field": "realistic", "value": None},
     "'value' is missing"),
    ({"op": "setting", "field": "horizon_months", "value": 1000}, "less than or equal to 240"),
    ({"op": "setting", "field": "currency", "value": "USD"}, "cannot be edited"),
])
def test_scenario_bad_edits(example, content, message):
    wf = load(example)
    w = ScenarioWidget(wf, n=500)
    before = wf.workspace.model_dump()
    assert not w.handle_operation(content)
    assert message in w.error and wf.workspace.model_dump() == before


def test_scenario_save_and_read_only(example):
    w = ScenarioWidget(load(example), n=500)
    w.handle_operation({"op": "set", "driver": "hourly_cost", "field": "realistic", "value": 52})
    w.save()
    assert "realistic: 52" in (example / "aipo.yaml").read_text()
    ro = ScenarioWidget(load(example), n=500, read_only=True)
    ro._handle_msg(custom_msg({"op": "set", "driver": "hourly_cost", "field": "realistic",
                               "value": 1}))
    assert ro.error == READ_ONLY_MESSAGE and not ro.workspace_file.changed


def test_scenario_picture(example):
    w = ScenarioWidget(load(example), n=500)
    data, _ = w._repr_mimebundle_()
    assert data[WIDGET_MIME]["model_id"] == w.model_id
    words = texts(svg_of(data))
    assert "realistic" in words and "conservative" in words and "NPV and payback" in words


# The example's one pair (aipo_widgets/examples/support_summaries/aipo.yaml).
PAIR = ["adoption_max", "minutes_saved"]


def test_correlations_are_listed_with_requested_and_drawn_rho(example):
    wf = load(example)
    w = ScenarioWidget(wf, n=2000, seed=3)
    r = analyse(wf.workspace.business_case, n=2000, seed=3)
    [row] = w.view["correlations"]
    assert row["drivers"] == PAIR and row["rho"] == 0.5
    assert "saves the most time" in row["description"]
    assert row["drawn"] == pytest.approx(r.monte_carlo.correlations[0]["drawn"])


def test_a_rho_edit_changes_the_workspace_and_the_drawn_rho(example):
    wf = load(example)
    w = ScenarioWidget(wf, n=2000)
    # Either order names the pair.
    assert w.handle_operation({"op": "correlate", "drivers": PAIR[::-1], "rho": -0.4}), w.error
    assert wf.workspace.business_case.correlations[0].rho == -0.4
    [row] = w.view["correlations"]
    assert row["rho"] == -0.4
    # The simulation was redone with the new pair: drawn near the request, not near 0.5.
    assert row["drawn"] == pytest.approx(-0.4, abs=0.05)
    assert row["drawn"] == pytest.approx(
        analyse(wf.workspace.business_case, n=2000).monte_carlo.correlations[0]["drawn"])
    assert w.dirty


@pytest.mark.parametrize(("content", "message"), [
    ({"op": "correlate", "drivers": PAIR, "rho": 1.0}, "strictly between -1 and 1"),
    ({"op": "correlate", "drivers": PAIR, "rho": float("nan")}, "finite"),
    ({"op": "correlate", "drivers": PAIR, "rho": "high"}, "'rho' must be float"),
    ({"op": "correlate", "drivers": ["adoption_max", "hourly_cost"], "rho": 0.2},
     "there is no correlation between adoption_max and hourly_cost"),
    ({"op": "correlate", "drivers": ["adoption_max"], "rho": 0.2}, "must name two drivers"),
])
def test_bad_rho_edits(example, content, message):
    wf = load(example)
    w = ScenarioWidget(wf, n=500)
    before = wf.workspace.model_dump()
    assert not w.handle_operation(content)
    assert message in w.error and wf.workspace.model_dump() == before
    assert w.view["correlations"][0]["rho"] == 0.5


def test_a_rho_that_breaks_the_set_is_refused_with_the_cores_fix(example):
    wf = load(example)
    bc = wf.workspace.business_case
    # Three drivers linked both ways: adoption_max-minutes_saved 0.5 is fine with these two,
    # -0.9 is not (no joint distribution has all three).
    bc.correlations += [
        Correlation(drivers=["minutes_saved", "hourly_cost"], rho=0.9),
        Correlation(drivers=["adoption_max", "hourly_cost"], rho=0.5)]
    w = ScenarioWidget(wf, n=500)
    assert not w.error
    before = wf.workspace.model_dump()
    assert not w.handle_operation({"op": "correlate", "drivers": PAIR, "rho": -0.9})
    assert "cannot hold together" in w.error and "make them smaller, e.g." in w.error
    assert "adoption_max-minutes_saved -0.9" in w.error  # the refused value, named
    assert wf.workspace.model_dump() == before
    assert [c["rho"] for c in w.view["correlations"]] == [0.5, 0.9, 0.5]
    # A value that holds together is then taken.
    assert w.handle_operation({"op": "correlate", "drivers": PAIR, "rho": 0.6}), w.error
    assert bc.correlations[0].rho == 0.6 and not w.error


def test_rho_edit_save_keeps_comments_and_read_only_refuses(example):
    w = ScenarioWidget(load(example), n=500)
    assert w.handle_operation({"op": "correlate", "drivers": PAIR, "rho": 0.35})
    w.save()
    text = (example / "aipo.yaml").read_text()
    block = text.split("  correlations:\n")[1].split("  exit_criteria:")[0]
    assert "rho: 0.35" in block and "rho: 0.5" not in block
    assert "# The Monte Carlo draws drivers independently unless a rank correlation" in text
    assert "description: Agents use the summary most" in block
    assert load(example).workspace.business_case.correlations[0].rho == 0.35
    ro = ScenarioWidget(load(example), n=500, read_only=True)
    ro._handle_msg(custom_msg({"op": "correlate", "drivers": PAIR, "rho": -0.5}))
    assert ro.error == READ_ONLY_MESSAGE and not ro.workspace_file.changed
    assert ro.workspace.business_case.correlations[0].rho == 0.35


def test_the_picture_lists_the_pairs(example):
    w = ScenarioWidget(load(example), n=500)
    words = texts(svg_of(w._repr_mimebundle_()[0]))
    assert "Correlated drivers (rank)" in words
    assert any(t.startswith("adoption_max ~ minutes_saved 0.5, drawn 0.") for t in words), words


def test_no_business_case_is_an_error_in_the_widget():
    w = ScenarioWidget(Workspace.model_validate({"product": {"name": "x", "owner": "y"}}))
    assert "no business_case section" in w.error


# --------------------------------------------------------------------------------------------
# AI Act


def test_questions_and_result_are_the_cores(example):
    wf = load(example)
    w = AIActQuestionnaire(wf)
    ws = wf.workspace
    assert [q["id"] for q in w.view["questions"]] == [
        q.id for q in relevant_questions(ws.compliance, ws.data_map)]
    c = classify(ws.compliance, ws.data_map, as_of=ws.compliance.as_of)
    assert w.view["result"]["tier"] == c.tier == "limited"
    assert [o["id"] for o in w.view["result"]["obligations"]] == [o.id for o in c.obligations]


def test_an_answer_changes_the_questions_and_the_tier(example):
    wf = load(example)
    w = AIActQuestionnaire(wf)
    assert w.handle_operation({"op": "answer", "question": "annex3_areas",
                               "value": ["employment"]})
    ids = [q["id"] for q in w.view["questions"]]
    assert "annex3_employment" in ids  # the follow-up question appears
    assert wf.workspace.compliance.ai_act.answers["annex3_areas"] == ["employment"]
    assert w.view["result"]["provisional"]  # the point is not answered yet
    assert w.handle_operation({"op": "answer", "question": "annex3_areas", "value": None})
    assert "annex3_areas" not in wf.workspace.compliance.ai_act.answers


def test_gdpr_answers_go_to_the_gdpr_section(example):
    wf = load(example)
    w = AIActQuestionnaire(wf)
    assert w.handle_operation({"op": "answer", "question": "edpb_large_scale", "value": True})
    assert wf.workspace.compliance.gdpr.answers["edpb_large_scale"] is True


@pytest.mark.parametrize(("content", "message"), [
    ({"op": "answer", "question": "is_ai_sytem", "value": True}, "did you mean 'is_ai_system'"),
    ({"op": "answer", "question": "is_ai_system", "value": "yes"}, "is answered yes (true)"),
    ({"op": "answer", "question": "annex1_relation", "value": "maybe"}, "takes one of"),
    ({"op": "answer", "question": "annex3_areas", "value": []}, "non-empty list"),
    ({"op": "role", "value": "owner"}, "role must be one of"),
])
def test_ai_act_bad_answers(example, content, message):
    wf = load(example)
    w = AIActQuestionnaire(wf)
    before = wf.workspace.model_dump()
    assert not w.handle_operation(content)
    assert message in w.error and wf.workspace.model_dump() == before


def test_signoff_role_save_and_picture(example):
    wf = load(example)
    w = AIActQuestionnaire(wf)
    assert w.handle_operation({"op": "role", "value": "provider"})
    assert w.handle_operation({"op": "signoff", "by": "Dr. Weber"})
    assert wf.workspace.compliance.ai_act.signed_off_by == "Dr. Weber"
    w.save()
    text = (example / "aipo.yaml").read_text()
    assert "role: provider" in text and "signed_off_by: Dr. Weber" in text
    words = texts(svg_of(w._repr_mimebundle_()[0]))
    assert any("Our obligations" in t for t in words)


def test_ai_act_read_only(example):
    wf = load(example)
    w = AIActQuestionnaire(wf, read_only=True)
    w._handle_msg(custom_msg({"op": "answer", "question": "is_ai_system", "value": False}))
    assert w.error == READ_ONLY_MESSAGE and not wf.changed
