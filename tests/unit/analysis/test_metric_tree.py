"""Tests of the metric tree: structure, values, status, what-if, sensitivity, attribution."""

from __future__ import annotations

import itertools
import json
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis.formulas import EvaluationError
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.errors import UsageError, WorkspaceError
from aipo_widgets.model import schema as spec
from aipo_widgets.model.references import check_references


def node(id, **kw):
    return {"id": id, "name": kw.pop("name", id.title()), **kw}


def support_tree(**overrides):
    """DOMAIN 7.3: AI deflection tree for support cost, with guardrails."""
    nodes = [
        node("total_cost", designation="north_star", direction="lower", unit="EUR",
             formula="tickets * (deflection * cost_ai + (1 - deflection) * cost_human)",
             target=50000),
        node("tickets", parent="total_cost", baseline=10000, current=10000, target=10000),
        node("deflection", parent="total_cost", designation="input", baseline=0.0, target=0.3,
             current=0.2, guardrails=["reopen_rate"]),
        node("cost_ai", parent="total_cost", baseline=0.5, current=0.4, target=0.4,
             direction="lower"),
        node("cost_human", parent="total_cost", designation="input", direction="lower",
             formula="aht_min / 60 * hourly_cost"),
        node("aht_min", parent="cost_human", designation="input", direction="lower",
             baseline=9, current=8, target=7.5, guardrails=["csat"]),
        node("hourly_cost", parent="cost_human", baseline=40, current=40, target=40),
        node("reopen_rate", parent="total_cost", designation="counter", direction="lower",
             threshold=0.08, current=0.05, baseline=0.05),
        node("csat", parent="total_cost", designation="guardrail", threshold=4.2, current=4.5),
    ]
    for n in nodes:
        n.update(overrides.get(n["id"], {}))
    return Tree({"root": "total_cost", "nodes": nodes})


# --------------------------------------------------------------------------------------------
# Structure


def test_order_children_depth():
    t = support_tree()
    assert t.root == "total_cost"
    assert t.children("total_cost") == [
        "tickets", "deflection", "cost_ai", "cost_human", "reopen_rate", "csat"
    ]
    assert t.children("cost_human") == ["aht_min", "hourly_cost"]
    order = t.order()
    assert order[0] == ("total_cost", 0)
    assert ("aht_min", 2) in order
    assert [n for n, _ in order].index("aht_min") == [n for n, _ in order].index("cost_human") + 1
    assert t.inputs() == ["tickets", "deflection", "cost_ai", "aht_min", "hourly_cost"]
    assert t.formula_inputs("cost_human") == ["aht_min", "hourly_cost"]
    with pytest.raises(UsageError, match="did you mean 'csat'"):
        t.children("cast")


def test_root_guessed_from_single_parentless_node_and_warned_when_ambiguous():
    t = Tree({"nodes": [node("b", parent="a"), node("a")]})
    assert t.root == "a"
    t = Tree({"nodes": [node("a"), node("b"), node("g", designation="guardrail")]})
    assert t.root == "a"
    assert any(w.code == "root_guessed" for w in t.warnings())
    t = Tree({"nodes": [node("a"), node("ns", designation="north_star")]})
    assert t.root == "ns"


def test_structural_errors_are_collected():
    with pytest.raises(WorkspaceError) as info:
        Tree(
            {
                "root": "rot",
                "nodes": [
                    node("root", formula="revenu * 2"),
                    node("revenue", parent="roott"),
                    node("revenue"),
                    node("x", formula="x +"),
                    node("p", parent="q"),
                    node("q", parent="p"),
                    node("c1", formula="c2 + 1"),
                    node("c2", formula="c1 * 2"),
                ],
            }
        )
    text = str(info.value)
    codes = [p.code for p in info.value.problems]
    assert "did you mean 'revenue'?" in text
    assert "duplicate node id 'revenue'" in text
    assert "metric_tree.nodes[1].parent" in text
    assert "formula_syntax" in codes
    assert "parents form a cycle" in text
    assert "formulas form a cycle: c1 -> c2 -> c1" in text or "c2 -> c1 -> c2" in text
    assert "root 'rot' is not a node" in text
    assert codes.count("cycle") == 2


def test_dict_input_validation_errors_are_workspace_errors():
    with pytest.raises(WorkspaceError):
        Tree({"nodes": [{"id": "a"}]})  # no name
    with pytest.raises(UsageError):
        Tree(42)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        Tree({"nodes": []}, expected_progress=0)
    with pytest.raises(UsageError):
        Tree({"nodes": []}, guardrail_margin=1.5)


def test_id_that_cannot_be_a_formula_name_is_warned():
    t = Tree({"nodes": [node("a"), node("b-c", parent="a")]})
    assert any(w.code == "id_not_identifier" for w in t.warnings())


# --------------------------------------------------------------------------------------------
# Values


def test_values_bottom_up_hand_computed():
    t = support_tree()
    v = t.values()
    # cost_human = 8/60*40 = 5.3333; total = 10000 * (0.2*0.4 + 0.8*5.3333) = 43466.67
    assert v["cost_human"] == pytest.approx(8 / 60 * 40)
    assert v["total_cost"] == pytest.approx(10000 * (0.2 * 0.4 + 0.8 * 8 / 60 * 40))
    b = t.values("baseline")
    assert b["total_cost"] == pytest.approx(10000 * (0 * 0.5 + 1 * 9 / 60 * 40))  # 60000
    assert t.values("target")["total_cost"] == pytest.approx(
        10000 * (0.3 * 0.4 + 0.7 * 7.5 / 60 * 40)
    )


def test_values_missing_input_gives_none():
    t = support_tree(hourly_cost={"current": None})
    v = t.values()
    assert v["cost_human"] is None and v["total_cost"] is None
    st_ = t.status()
    assert st_.node("cost_human").status == "no_data"
    assert "hourly_cost" in st_.node("cost_human").rule


def test_values_with_explicit_snapshot_and_bad_snapshot():
    t = support_tree()
    v = t.values({"deflection": 0.5})
    assert v["deflection"] == 0.5
    with pytest.raises(UsageError, match="unknown snapshot"):
        t.values("today")
    with pytest.raises(UsageError, match="computed by its formula"):
        t.values({"cost_human": 3})


def test_division_by_zero_raises_in_values_but_not_in_status():
    t = Tree({"nodes": [node("r", formula="a / b", target=1, baseline=0),
                        node("a", parent="r", current=1), node("b", parent="r", current=0)]})
    with pytest.raises(EvaluationError, match="divides by zero"):
        t.values()
    s = t.status()
    assert s.node("r").status == "no_data"
    assert any(w.code == "division_by_zero" for w in s.warnings)


# --------------------------------------------------------------------------------------------
# Status


@pytest.mark.parametrize(
    ("direction", "baseline", "target", "current", "expected", "progress"),
    [
        ("higher", 10, 20, 15, "at_risk", 0.5),
        ("higher", 10, 20, 20, "on_track", 1.0),
        ("higher", 10, 20, 25, "on_track", 1.5),
        ("higher", 10, 20, 10, "off_track", 0.0),
        ("higher", 10, 20, 9, "off_track", -0.1),
        ("lower", 12, 9, 10, "at_risk", 2 / 3),
        ("lower", 12, 9, 9, "on_track", 1.0),
        ("lower", 12, 9, 13, "off_track", -1 / 3),
        ("higher", None, 20, 21, "on_track", None),
        ("higher", None, 20, 19, "at_risk", None),
        ("lower", None, 5, 4, "on_track", None),
        ("higher", 10, None, 15, "no_data", None),
        ("higher", 10, 20, None, "no_data", None),
    ],
)
def test_status_rules(direction, baseline, target, current, expected, progress):
    t = Tree({"nodes": [node("m", direction=direction, baseline=baseline, target=target,
                             current=current)]})
    r = t.status().node("m")
    assert r.status == expected
    if progress is None:
        assert r.progress is None
    else:
        assert r.progress == pytest.approx(progress)
    assert r.rule


def test_expected_progress_shifts_the_on_track_line():
    spec_ = {"nodes": [node("m", baseline=10, target=20, current=15)]}
    assert Tree(spec_).status().node("m").status == "at_risk"
    assert Tree(spec_, expected_progress=0.5).status().node("m").status == "on_track"


@pytest.mark.parametrize(
    ("direction", "threshold", "current", "expected"),
    [
        ("higher", 4.2, 4.1, "off_track"),
        ("higher", 4.2, 4.3, "at_risk"),  # 0.1 <= 5 % of 4.2
        ("higher", 4.2, 4.5, "on_track"),
        ("lower", 800, 850, "off_track"),
        ("lower", 800, 790, "at_risk"),  # 10 <= 40
        ("lower", 800, 700, "on_track"),
        ("lower", 800, 800, "at_risk"),  # at the line: not breached, no headroom
    ],
)
def test_guardrail_status_against_threshold(direction, threshold, current, expected):
    t = Tree({"nodes": [node("g", designation="guardrail", direction=direction,
                             threshold=threshold, current=current)]})
    assert t.status().node("g").status == expected


def test_breached_guardrail_is_listed_on_the_node_that_names_it():
    t = support_tree(csat={"current": 4.0})
    s = t.status()
    assert s.node("csat").status == "off_track"
    assert s.node("aht_min").guardrails_breached == ["csat"]
    assert s.node("deflection").guardrails_breached == []


def test_support_tree_status_and_sources():
    s = support_tree().status()
    root = s.node("total_cost")
    assert root.value_source == "formula"
    assert root.baseline_source == "formula" and root.baseline == pytest.approx(60000)
    assert root.target_source == "declared" and root.target == 50000
    # progress = (43466.67 - 60000) / (50000 - 60000) = 1.6533 -> on track
    assert root.progress == pytest.approx((60000 - 10000 * (0.08 + 0.8 * 16 / 3)) / 10000)
    assert root.status == "on_track"
    assert root.inputs["deflection"] == 0.2
    assert s.counts()["on_track"] >= 1
    # the inputs' targets imply 10000*(0.12 + 0.7*5) = 36200, not 50000: reported
    assert any(w.code == "implied_differs" and "36200" in w.message for w in s.warnings)


def test_declared_current_that_differs_from_formula_is_warned():
    t = Tree({"nodes": [node("r", formula="a * 2", current=5), node("a", parent="r", current=2)]})
    s = t.status()
    assert s.node("r").value == 4.0
    assert any(w.code == "declared_differs" for w in s.warnings)


def test_target_on_the_wrong_side_is_warned():
    t = Tree({"nodes": [node("m", direction="lower", baseline=10, target=12, current=11)]})
    assert any(w.code == "target_direction" for w in t.warnings())


def test_guardrail_warnings():
    t = Tree({"nodes": [node("r"), node("i1", parent="r", designation="input"),
                        node("i2", parent="r", designation="input", guardrails=["r"]),
                        node("i3", parent="r", designation="input", guardrails=["g"]),
                        node("g", parent="r", designation="guardrail")]})
    w = t.warnings()
    missing = [p for p in w if p.code == "missing_guardrail"]
    assert {p.path for p in missing} == {"metric_tree.nodes[1].guardrails",
                                         "metric_tree.nodes[2].guardrails"}
    assert "none is designated guardrail or counter" in missing[1].message
    assert any(p.code == "missing_threshold" for p in w)
    t2 = Tree({"nodes": [node("r"), node("i", parent="r")]})
    assert any(p.message == "the tree has no guardrail or counter metric" for p in t2.warnings())
    t3 = Tree({"nodes": [node("r", guardrails=["nope"])]})
    assert any(p.code == "unknown_reference" for p in t3.warnings())


def test_status_outputs_serialise():
    s = support_tree().status()
    json.dumps(s.to_dict())
    df = s.to_frame()
    assert df["id"].iloc[0] == "total_cost"
    assert {"status", "progress", "rule", "value"} <= set(df.columns)


# --------------------------------------------------------------------------------------------
# What-if


def test_what_if_every_node():
    t = support_tree()
    w = t.what_if({"aht_min": 6, "deflection": 0.3})
    assert w.after["cost_human"] == pytest.approx(6 / 60 * 40)
    assert w.root_after == pytest.approx(10000 * (0.3 * 0.4 + 0.7 * 4))
    assert w.root_before == pytest.approx(t.values()["total_cost"])
    assert w.deltas()["tickets"] == 0
    assert w.after["csat"] == 4.5  # untouched nodes keep their values
    json.dumps(w.to_dict())
    assert set(w.to_frame().columns) == {"id", "before", "after", "change", "relative"}


def test_what_if_on_baseline():
    w = support_tree().what_if({"deflection": 0.1}, base="baseline")
    assert w.root_before == pytest.approx(60000)
    assert w.root_after == pytest.approx(10000 * (0.1 * 0.5 + 0.9 * 6))


@pytest.mark.parametrize(
    ("changes", "fragment"),
    [
        ({"cost_human": 5}, "set its inputs (aht_min, hourly_cost) instead"),
        ({"aht": 5}, "did you mean 'aht_min'"),
        ({"aht_min": float("nan")}, "finite number"),
        ({"aht_min": "7"}, "finite number"),
    ],
)
def test_what_if_errors(changes, fragment):
    with pytest.raises(UsageError) as info:
        support_tree().what_if(changes)
    assert fragment in str(info.value)


def test_what_if_division_by_zero_is_an_evaluation_error():
    t = Tree({"nodes": [node("r", formula="a / b"), node("a", current=1), node("b", current=2)]})
    with pytest.raises(EvaluationError):
        t.what_if({"b": 0})


# --------------------------------------------------------------------------------------------
# Sensitivity


def test_elasticities_hand_computed():
    t = Tree({"nodes": [node("r", formula="a * b ** 2 / c + 0 * d"), node("a", current=3),
                        node("b", current=2), node("c", current=4), node("d", current=5)]})
    res = t.sensitivity()
    e = {i.input: i.elasticity for i in res.items}
    assert e["a"] == pytest.approx(1.0, abs=1e-12)
    assert e["b"] == pytest.approx(2.0, abs=1e-12)  # ((1.01)^2 - (0.99)^2) / 0.02 = 2
    assert e["c"] == pytest.approx((1 / 1.01 - 1 / 0.99) / 0.02, rel=1e-12)  # -1.0001
    assert e["d"] == 0
    assert [i.input for i in res.items] == ["b", "c", "a", "d"]
    assert [i.rank for i in res.items] == [1, 2, 3, 4]
    assert res.value == pytest.approx(3 * 4 / 4)
    json.dumps(res.to_dict())
    assert len(res.to_frame()) == 4


def test_additive_elasticity_is_the_share():
    t = Tree({"nodes": [node("r", formula="a + b"), node("a", current=30), node("b", current=70)]})
    e = {i.input: i.elasticity for i in t.sensitivity().items}
    assert e == pytest.approx({"a": 0.3, "b": 0.7})
    d = {i.input: i.delta_for_plus_1pct for i in t.sensitivity().items}
    assert d == pytest.approx({"a": 0.3, "b": 0.7})


def test_sensitivity_alignment_flags_a_perverse_lever():
    # Cost per ticket should fall (lower); tickets marked lower-is-better although more tickets
    # lower cost per ticket: improving the lever worsens the KPI -> aligned False.
    t = Tree({"nodes": [node("cpt", direction="lower", formula="cost / tickets"),
                        node("cost", current=100, direction="lower"),
                        node("tickets", current=10, direction="lower")]})
    al = {i.input: i.aligned for i in t.sensitivity().items}
    assert al == {"cost": True, "tickets": False}


def test_sensitivity_edge_cases():
    t = Tree({"nodes": [node("r", formula="a - b"), node("a", current=1), node("b", current=1)]})
    items = t.sensitivity().items
    assert all(i.elasticity is None and "undefined" in i.note for i in items)
    assert {i.input: i.derivative for i in items} == pytest.approx({"a": 1, "b": -1})
    t0 = Tree({"nodes": [node("r", formula="a + b"), node("a", current=0), node("b", current=2)]})
    e = {i.input: i.elasticity for i in t0.sensitivity().items}
    assert e["a"] == 0 and e["b"] == pytest.approx(1)
    tz = Tree({"nodes": [node("r", formula="1 / (a - 0.99)"), node("a", current=1.0)]})
    item = tz.sensitivity(step=0.01).items[0]
    assert item.elasticity is None and "divides by zero" in item.note
    with pytest.raises(UsageError, match="no formula"):
        t.sensitivity(node="a")
    with pytest.raises(UsageError, match="needs a value"):
        support_tree(tickets={"current": None}).sensitivity()
    with pytest.raises(UsageError, match="step"):
        t.sensitivity(step=0)


# --------------------------------------------------------------------------------------------
# Attribution


def test_shapley_product_hand_computed():
    t = Tree({"nodes": [node("r", formula="a * b * c"),
                        node("a", baseline=1, current=2), node("b", baseline=1, current=3),
                        node("c", baseline=1, current=1)]})
    a = t.attribution()
    # v(0)=1, v(a)=2, v(b)=3, v(ab)=6: phi_a = (1 + 3)/2 = 2, phi_b = (2 + 4)/2 = 3
    assert a.contributions == pytest.approx({"a": 2.0, "b": 3.0})
    assert list(a.contributions) == ["b", "a"]
    assert a.delta == 5.0 and a.method == "shapley" and a.evaluations == 4
    assert a.residual == pytest.approx(0, abs=1e-12)
    assert a.shares() == pytest.approx({"a": 0.4, "b": 0.6})
    json.dumps(a.to_dict())
    assert list(a.to_frame()["input"]) == ["b", "a"]


def test_additive_attribution_equals_the_changes():
    t = Tree({"nodes": [node("r", formula="a + b - c"),
                        node("a", baseline=10, current=12), node("b", baseline=5, current=4),
                        node("c", baseline=1, current=3)]})
    for m in ("shapley", "nested_shapley"):
        a = t.attribution(method=m)
        assert a.contributions == pytest.approx({"a": 2, "b": -1, "c": -2})


def test_attribution_on_the_support_tree_sums_to_the_change():
    t = support_tree()
    for method in ("shapley", "nested_shapley"):
        a = t.attribution("baseline", "current", method=method)
        assert math.fsum(a.contributions.values()) == pytest.approx(a.delta, abs=1e-9)
        assert set(a.contributions) == {"deflection", "cost_ai", "aht_min"}
    # with explicit dict snapshots
    a = t.attribution({"deflection": 0.0}, {"deflection": 0.3})
    assert list(a.contributions) == ["deflection"]
    assert a.contributions["deflection"] == pytest.approx(a.delta)


def test_nested_equals_flat_when_the_tree_is_additive():
    t = Tree({"nodes": [node("r", formula="x + y"), node("x", formula="a + b"),
                        node("y", formula="c + 2 * d"),
                        *[node(k, baseline=1, current=v) for k, v in
                          zip("abcd", [2, 3, 5, 7], strict=True)]]})
    flat = t.attribution(method="shapley").contributions
    nested = t.attribution(method="nested_shapley").contributions
    assert flat == pytest.approx(nested)
    assert flat == pytest.approx({"a": 1, "b": 2, "c": 4, "d": 12})


def test_no_change_gives_empty_attribution():
    t = Tree({"nodes": [node("r", formula="a * 2"), node("a", baseline=1, current=1)]})
    a = t.attribution()
    assert a.contributions == {} and a.delta == 0 and a.method == "none"


def test_many_inputs_use_nested_shapley():
    leaves = [node(f"x{i}", baseline=1, current=1 + i / 10) for i in range(14)]
    t = Tree({"nodes": [node("r", formula="g1 * g2"),
                        node("g1", formula=" + ".join(f"x{i}" for i in range(7))),
                        node("g2", formula=" + ".join(f"x{i}" for i in range(7, 14))),
                        *leaves]})
    a = t.attribution()
    assert a.method == "nested_shapley"
    assert math.fsum(a.contributions.values()) == pytest.approx(a.delta)
    with pytest.raises(UsageError, match="too slow"):
        Tree({"nodes": [node("r", formula=" + ".join(f"y{i}" for i in range(17))),
                        *[node(f"y{i}", baseline=0, current=1) for i in range(17)]]}
             ).attribution(method="shapley")


def test_attribution_errors():
    t = support_tree(tickets={"baseline": None})
    with pytest.raises(UsageError, match=r"tickets \(before\)"):
        t.attribution()
    with pytest.raises(UsageError, match="no formula"):
        support_tree().attribution(node="tickets")
    with pytest.raises(UsageError, match="unknown method"):
        support_tree().attribution(method="lmdi")  # type: ignore[arg-type]


def _brute_force_shapley(f, before, after):
    players = [k for k in before if before[k] != after[k]]
    n = len(players)
    phi = dict.fromkeys(players, 0.0)
    for perm in itertools.permutations(players):
        point = dict(before)
        prev = f(point)
        for p in perm:
            point[p] = after[p]
            cur = f(point)
            phi[p] += (cur - prev) / math.factorial(n)
            prev = cur
    return phi


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(0.5, 5), min_size=4, max_size=4),
    st.lists(st.floats(0.5, 5), min_size=4, max_size=4),
)
def test_shapley_matches_the_permutation_definition_and_sums(before, after):
    t = Tree({"nodes": [node("r", formula="a * b / c + max(a, d) ** 2"),
                        *[node(k, baseline=b, current=c)
                          for k, b, c in zip("abcd", before, after, strict=True)]]})
    res = t.attribution()
    bf = dict(zip("abcd", before, strict=True))
    af = dict(zip("abcd", after, strict=True))
    ref = _brute_force_shapley(
        lambda p: p["a"] * p["b"] / p["c"] + max(p["a"], p["d"]) ** 2, bf, af
    )
    assert res.contributions == pytest.approx(ref, rel=1e-9, abs=1e-9)
    assert math.fsum(res.contributions.values()) == pytest.approx(res.delta, rel=1e-9,
                                                                  abs=1e-9)
    nested = t.attribution(method="nested_shapley")
    assert math.fsum(nested.contributions.values()) == pytest.approx(res.delta, rel=1e-9,
                                                                     abs=1e-9)


# --------------------------------------------------------------------------------------------
# Round trip through the workspace models


def test_round_trip_through_workspace_models():
    t = support_tree()
    model = t.to_spec()
    assert spec.MetricTree.model_validate(model.model_dump()) == model
    assert Tree(model).values() == t.values()
    ws = spec.Workspace.model_validate(
        {"product": {"name": "x", "owner": "y"}, "metric_tree": model.model_dump()}
    )
    assert spec.Workspace.model_validate(ws.model_dump()) == ws
    assert check_references(ws) == []
