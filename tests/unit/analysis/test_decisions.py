"""What the workspace decided: the operating threshold and the costs it was chosen for."""

from __future__ import annotations

import pytest

from aipo_widgets.analysis.decisions import current_threshold, threshold_costs
from aipo_widgets.errors import AipoError
from aipo_widgets.model.schema import Workspace


def make_ws(**sections) -> Workspace:
    return Workspace.model_validate({"product": {"name": "x", "owner": "y"}, **sections})


def decision(did: str, date: str, threshold: float | None) -> dict:
    return {"id": did, "date": date, "title": "t", "threshold": threshold}


def test_the_latest_decision_with_a_threshold_wins() -> None:
    ws = make_ws(decisions=[decision("D1", "2026-10-01", 0.3), decision("D3", "2026-11-01", 0.5),
                            decision("D2", "2026-11-01", 0.4),
                            decision("D4", "2026-12-01", None)])
    assert current_threshold(ws) == 0.5  # same day: the larger id
    assert current_threshold(make_ws()) is None


TREE = {"root": "miss", "nodes": [
    {"id": "miss", "name": "Cost of a missed failure", "current": 4000.0, "baseline": 1.0},
    {"id": "alarm", "name": "Cost of a false alarm", "parent": "miss", "baseline": 120.0},
    {"id": "empty", "name": "No value", "parent": "miss"}]}


def test_costs_resolve_metric_names_to_current_then_baseline() -> None:
    ws = make_ws(metric_tree=TREE, settings={"threshold_costs": {
        "c_fn": "miss", "c_fp": "alarm", "review_cost": 5}})
    assert threshold_costs(ws) == {"c_fn": 4000.0, "c_fp": 120.0, "c_tp": 0.0, "c_tn": 0.0,
                                   "review_cost": 5.0, "prevented_share": 1.0}
    assert threshold_costs(make_ws()) is None


@pytest.mark.parametrize(("name", "message"), [
    ("nowhere", "names 'nowhere', which is neither a metric in the tree nor a business-case"),
    ("empty", "metric 'empty' has no current or baseline value"),
])
def test_a_cost_naming_a_bad_metric_says_where(name: str, message: str) -> None:
    ws = make_ws(metric_tree=TREE, settings={"threshold_costs": {"c_fn": name, "c_fp": 1}})
    with pytest.raises(AipoError, match=message) as info:
        threshold_costs(ws)
    assert info.value.problems[0].path == "settings.threshold_costs.c_fn"


def test_costs_resolve_business_case_drivers_measured_then_realistic() -> None:
    driver = {"conservative": 0.4, "realistic": 0.6, "optimistic": 0.8}
    ws = make_ws(metric_tree=TREE, business_case={"drivers": {
        "repair": {"conservative": 9, "realistic": 8, "optimistic": 7},
        "prevented": {**driver, "measured": 0.7}, "prevented_plan": driver}},
        settings={"threshold_costs": {"c_fn": "miss", "c_fp": 0, "c_tp": "repair",
                                      "review_cost": "alarm", "prevented_share": "prevented"}})
    got = threshold_costs(ws)
    assert got is not None
    assert (got["c_tp"], got["prevented_share"], got["review_cost"]) == (8.0, 0.7, 120.0)
    assert ws.settings.threshold_costs is not None
    ws.settings.threshold_costs.prevented_share = "prevented_plan"
    assert threshold_costs(ws)["prevented_share"] == 0.6  # type: ignore[index]
