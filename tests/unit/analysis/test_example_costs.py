"""The maintenance example's metric tree and threshold costs tell one story (issue 13, finding 5).

Before, the tree counted every alert as a prevented failure (failures * (1 - recall)) and left
planned repairs out, while the business case prevents only part of the caught faults and pays a
planned repair for each; the threshold priced a caught fault at nothing.
"""

from __future__ import annotations

from importlib.resources import files

import pytest

from aipo_widgets.analysis.decisions import threshold_costs
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.model.workspace import load_workspace


@pytest.fixture(scope="module")
def ws():
    return load_workspace(str(files("aipo_widgets.examples") / "predictive_maintenance"
                              / "aipo.yaml"))


def test_the_threshold_prices_outcomes_with_the_trees_numbers(ws) -> None:
    values = Tree(ws.metric_tree).values()
    costs = threshold_costs(ws)
    assert costs is not None
    assert costs["c_fn"] == values["cost_per_failure"]
    assert costs["c_tp"] == values["planned_repair_cost"] > 0
    assert costs["review_cost"] == values["inspection_cost"]
    assert costs["c_fp"] == 0  # a false alarm costs its inspection only
    assert 0 < costs["prevented_share"] == values["caught_prevented"] < 1


def test_not_every_alert_prevents_a_failure(ws) -> None:
    tree = Tree(ws.metric_tree)
    v = tree.values()
    caught = v["failures_month"] * v["recall"]
    prevented = caught * v["caught_prevented"]
    assert v["missed_failures_month"] == pytest.approx(v["failures_month"] - prevented)
    assert v["missed_failures_month"] > v["failures_month"] * (1 - v["recall"])
    assert v["planned_repairs_month"] == pytest.approx(prevented)
    expected = (v["missed_failures_month"] * v["cost_per_failure"]
                + prevented * v["planned_repair_cost"]
                + (caught + v["false_alarms_month"]) * v["inspection_cost"])
    assert v["maintenance_cost_month"] == pytest.approx(expected)
    # preventing every caught fault would be cheaper: the share is not assumed to be 1
    assert tree.what_if({"caught_prevented": 1.0}).after["maintenance_cost_month"] < expected


def test_the_tree_and_the_business_case_agree_on_the_cost_per_month(ws) -> None:
    # Realistic scenario, all plants live: the baseline failure cost minus what prevention
    # saves net of planned repairs, plus the inspections of every alert.
    d = {k: drv.realistic for k, drv in ws.business_case.drivers.items()}
    failures = d["machines"] * d["failures_per_machine_year"] / 12
    saved = failures * d["prevented_share"] * (d["cost_per_failure"] - d["planned_repair_cost"])
    v = Tree(ws.metric_tree).values()
    inspections = v["inspections_month"] * d["inspection_cost"]
    case = failures * d["cost_per_failure"] - saved + inspections
    assert v["maintenance_cost_month"] == pytest.approx(case, rel=0.03)
    hypothesis = next(h for h in ws.value_hypotheses if h.metric == "maintenance_cost_month")
    assert v["maintenance_cost_month"] < hypothesis.target
