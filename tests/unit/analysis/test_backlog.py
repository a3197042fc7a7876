"""Tests of backlog scoring: formulas, gates, ranking and rank stability."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis.backlog import DEFAULT_WEIGHTS, RAW_FACTORS, score, score_workspace
from aipo_widgets.analysis.compliance import ART5_QUESTIONS, classify
from aipo_widgets.analysis.risk import Register
from aipo_widgets.errors import UsageError, WorkspaceError
from aipo_widgets.model import schema as spec


def item(id, type="product", **kw):
    return {"id": id, "title": kw.pop("title", f"item {id}"), "type": type, **kw}


# --------------------------------------------------------------------------------------------
# Formulas: hand-computed vectors


def test_rice_intercom_vector():
    r = score([item("A", reach=2000, impact=2, confidence=0.8, effort=4)], "rice")
    assert r.items[0].score == pytest.approx(800.0)
    assert r.items[0].reasons == []


def test_wsjf_safe_vector():
    r = score([item("A", business_value=8, time_criticality=5, risk_reduction=3, job_size=5)],
              "wsjf")
    assert r.items[0].intermediates == {"cost_of_delay": 16.0}
    assert r.items[0].score == pytest.approx(3.2)


def test_wsjf_economic_vector():
    r = score([item("A", cost_of_delay_per_week=5000, duration_weeks=4)], "wsjf_economic")
    assert r.items[0].score == pytest.approx(1250.0)


def test_ice_product_vector():
    r = score([item("A", value=8, confidence=0.7, ease=5)], "ice")
    assert r.items[0].score == pytest.approx(8 * 7 * 5)
    assert r.items[0].intermediates == pytest.approx({"ice_impact": 8, "ice_confidence": 7})
    assert "product variant" in r.formula


def test_vrf_vector():
    r = score([item("A", value=9, risk=5, feasibility=7, confidence=0.8, effort=2)])
    a = r.items[0]
    assert a.intermediates["rav"] == pytest.approx(9 * 0.8 * (1 - 0.5 * 0.5))  # 5.4
    assert a.score == pytest.approx(5.4 * 0.7 / 2)  # 1.89
    assert a.quadrant == "high value, moderate risk"


def test_high_value_with_moderate_risk_takes_precedence():
    common = {"feasibility": 7, "confidence": 0.8, "effort": 2}
    r = score([
        item("low_risk_medium_value", value=5, risk=1, **common),
        item("moderate_risk_high_value", value=9, risk=5, **common),
        item("high_risk_high_value", value=9, risk=9, **common),
        item("high_risk_low_value", value=3, risk=9, **{**common, "effort": 0.25}),
    ])
    order = [i.id for i in r.ranked()]
    assert order[0] == "moderate_risk_high_value"
    assert order.index("moderate_risk_high_value") < order.index("high_risk_high_value")
    # Cohn's "avoid" quadrant is last although its raw score is the highest (tiny effort)
    avoid = r.item("high_risk_low_value")
    assert order[-1] == "high_risk_low_value"
    assert avoid.score > r.item("moderate_risk_high_value").score
    assert "avoid" in avoid.quadrant and any("avoid" in x for x in avoid.reasons)


def test_vrf_weights_change_the_formula():
    w = {"risk_aversion": 0.0, "value": 2.0}
    r = score([item("A", value=3, risk=9, feasibility=5, confidence=1, effort=1)], weights=w)
    assert r.items[0].score == pytest.approx(9 * 0.5)
    assert r.weights == {**DEFAULT_WEIGHTS["vrf"], **w}


def test_missing_confidence_defaults_to_low_and_says_so():
    r = score([item("A", value=5, risk=0, feasibility=10, effort=1)])
    assert r.items[0].score == pytest.approx(2.5)
    assert "0.5 assumed" in r.items[0].reasons[0]
    r = score([item("A", reach=100, impact=1, effort=1)], "rice")
    assert r.items[0].score == pytest.approx(50)


# --------------------------------------------------------------------------------------------
# Missing factors, scales, arguments


def test_missing_factors_are_problems_not_crashes():
    r = score([item("A", value=5), item("B", value=5, risk=1, feasibility=5, effort=1)])
    a = r.item("A")
    assert a.gate == "incomplete" and a.score is None and a.rank is None
    assert a.reasons == ["missing risk, feasibility, effort"]
    assert r.problems[0].path == "backlog[0]" and r.problems[0].code == "missing_factor"
    assert r.item("B").rank == 1
    r = score([item("A", value=5)], "wsjf")
    assert "business_value, time_criticality, risk_reduction, job_size" in r.problems[0].message


def test_scale_notes():
    r = score([item("A", reach=10, impact=1.5, confidence=0.7, effort=0.25)], "rice")
    text = " ".join(r.items[0].reasons)
    assert "Intercom's scale (3, 2, 1" in text and "(1, 0.8, 0.5)" in text and "minimum" in text
    r = score([item("A", business_value=4, time_criticality=5, risk_reduction=3, job_size=5)],
              "wsjf")
    assert "business_value not on SAFe's scale" in r.items[0].reasons[0]


@pytest.mark.parametrize(
    ("kwargs", "fragment"),
    [
        ({"method": "moscow"}, "unknown backlog method"),
        ({"weights": {"valeu": 1}}, "did you mean 'value'"),
        ({"weights": {"value": -1}}, "from 0 to 100"),
        ({"weights": {"value": True}}, "from 0 to 100"),
        ({"weights": {"risk_aversion": 0.9}}, "at most 0.833"),
        ({"tolerance": -1}, "tolerance"),
        ({"tier": 3}, "tier must be"),
    ],
)
def test_bad_arguments(kwargs, fragment):
    with pytest.raises(UsageError) as info:
        score([item("A", value=1, risk=1, feasibility=1, effort=1)], **kwargs)
    assert fragment in str(info.value)


def test_invalid_and_duplicate_items():
    with pytest.raises(WorkspaceError, match=r"backlog\[0\]"):
        score([item("A", value=11)])
    with pytest.raises(WorkspaceError, match="duplicate backlog id 'A'"):
        score([item("A"), item("A")])


# --------------------------------------------------------------------------------------------
# Gates


FULL = {"value": 5, "risk": 2, "feasibility": 5, "confidence": 1, "effort": 1}


def test_prohibited_tier_excludes_everything():
    r = score([item("A", **FULL), item("B", **FULL)], tier="prohibited")
    assert all(i.gate == "excluded" and i.rank is None for i in r.items)
    assert "prohibited" in r.notes[0]
    answers = {**dict.fromkeys(ART5_QUESTIONS, False), "is_ai_system": True, "eu_nexus": True,
               "exclusions": ["none"], "art5_f_emotion_workplace_education": True,
               "art5_f_medical_or_safety": False}
    c = classify({"ai_act": {"answers": answers}})
    r = score([item("A", **FULL)], tier=c)
    assert r.tier == "prohibited" and "Art 5(1)(f)" in r.items[0].reasons[0]
    blank = classify({})
    r = score([item("A", **FULL)], tier=blank)
    assert "provisional" in r.items[0].reasons[0]


def test_explicit_exclusion_and_use_case_text_alone_is_not_enough():
    r = score([item("A", use_case="emotion recognition of staff", **FULL),
               item("B", **FULL)], excluded_ids=["B", "Z"])
    assert r.item("A").gate == "ok" and r.item("B").gate == "excluded"
    assert r.problems[0].message == "excluded_ids names 'Z', which is not a backlog item"


def test_high_risk_tier_adds_the_compliance_effort_note():
    r = score([item("A", **FULL)], tier="high_risk")
    assert "compliance work" in r.notes[0]


def test_blocked_by_unmitigated_critical_risk():
    risks = [
        {"id": "R1", "title": "Leak", "category": "security", "likelihood": 5, "impact": 5},
        {"id": "R2", "title": "Closed", "category": "security", "likelihood": 5, "impact": 5,
         "status": "closed"},
        {"id": "R3", "title": "Mitigated", "category": "security", "likelihood": 5,
         "impact": 5, "residual_likelihood": 2, "residual_impact": 3},
    ]
    r = score([
        item("big", value=10, risk=0, feasibility=10, confidence=1, effort=1,
             blocked_by=["R1"]),
        item("small", **FULL),
        item("closed_ok", **FULL, blocked_by=["R2"]),
        item("mitigated_ok", **FULL, blocked_by=["R3"]),
        item("fix", type="risk", **FULL, blocked_by=["R1"], mitigates=["R1"]),
        item("ghost", **FULL, blocked_by=["R9"]),
    ], risks=risks)
    big = r.item("big")
    assert big.gate == "blocked" and big.score == pytest.approx(10)
    assert big.reasons == ["blocked by R1 (residual band critical, status open) until it is "
                           "mitigated"]
    assert big.rank == max(i.rank for i in r.ranked())  # after every unblocked item
    assert r.item("closed_ok").gate == r.item("mitigated_ok").gate == "ok"
    assert r.item("fix").gate == "ok" and "treated as the mitigation" in r.item("fix").reasons[0]
    assert any(p.path == "backlog[5].blocked_by[0]" for p in r.problems)
    # a Register works as well as a list
    r2 = score([item("big", **FULL, blocked_by=["R1"])], risks=Register(risks))
    assert r2.items[0].gate == "blocked"


def test_done_items_leave_the_ranking_unless_asked():
    items = [item("A", **FULL, status="done"), item("B", **FULL, status="dropped"),
             item("C", **FULL)]
    r = score(items)
    assert [i.id for i in r.ranked()] == ["C"]
    assert r.item("A").gate == "done" and r.item("A").reasons == ["status is done"]
    assert len(score(items, include_done=True).ranked()) == 3


def test_ties_share_a_rank():
    r = score([item("A", **FULL), item("B", **FULL), item("C", **{**FULL, "value": 9})])
    assert [(i.id, i.rank) for i in r.items] == [("C", 1), ("A", 2), ("B", 2)]


# --------------------------------------------------------------------------------------------
# Rank stability


def test_fragile_ranking_names_the_weight_that_flips_it():
    a = item("A", value=9, risk=0, feasibility=3, confidence=1, effort=1)  # 2.7
    b = item("B", value=5, risk=0, feasibility=6, confidence=1, effort=1)  # 3.0
    c = item("C", value=1, risk=0, feasibility=1, confidence=1, effort=1)  # 0.01
    r = score([a, b, c])
    assert [i.id for i in r.ranked()] == ["B", "A", "C"]
    # value x1.2: 9^1.2 * 0.3 = 4.19 > 5^1.2 * 0.6 = 4.14 -> A and B swap
    assert r.item("A").max_rank_shift == 1 and r.item("A").stability == "fragile"
    assert r.item("A").most_sensitive_to == "value x1.2"
    assert r.item("C").stability == "robust" and r.item("C").max_rank_shift == 0
    assert r.rank_table["A"]["value x1.2"] == 1
    assert score([a, b, c], tolerance=1).item("A").stability == "robust"
    assert len(r.perturbations) == 2 * len(DEFAULT_WEIGHTS["vrf"])
    frame = r.stability_frame()
    assert frame.loc["A", "base"] == 2 and frame.shape == (3, 1 + len(r.perturbations))


_vrf_items = st.lists(
    st.fixed_dictionaries({
        "value": st.integers(0, 10), "risk": st.integers(0, 10),
        "feasibility": st.integers(0, 10), "confidence": st.sampled_from([0.5, 0.8, 1.0]),
        "effort": st.sampled_from([0.5, 1, 2, 3, 5, 8]),
    }),
    min_size=1, max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(_vrf_items)
def test_rank_shift_is_bounded(rows):
    r = score([item(f"I{k}", **row) for k, row in enumerate(rows)])
    n = len(r.ranked())
    for i in r.ranked():
        assert 0 <= i.max_rank_shift <= n - 1
        assert (i.stability == "robust") == (i.max_rank_shift == 0)
        assert 1 <= i.rank <= n


@settings(max_examples=150, deadline=None)
@given(_vrf_items, st.data())
def test_a_dominating_item_never_ranks_below_the_dominated_one(rows, data):
    base = rows[0]
    better = {
        "value": data.draw(st.integers(base["value"], 10)),
        "risk": data.draw(st.integers(0, base["risk"])),
        "feasibility": data.draw(st.integers(base["feasibility"], 10)),
        "confidence": data.draw(st.sampled_from([c for c in (0.5, 0.8, 1.0)
                                                 if c >= base["confidence"]])),
        "effort": data.draw(st.sampled_from([e for e in (0.5, 1, 2, 3, 5, 8)
                                             if e <= base["effort"]])),
    }
    items = [item(f"I{k}", **row) for k, row in enumerate(rows)] + [item("BEST", **better)]
    r = score(items)
    # Dominance survives every +-20 % weight change, except that Cohn's avoid rule demotes a
    # high-risk, low-value item: the dominating one may escape that quadrant, never enter it.
    for label in ["base", *r.perturbations]:
        assert r.rank_table["BEST"][label] <= r.rank_table["I0"][label]


@given(st.integers(1, 6), st.sampled_from(["vrf", "rice", "wsjf", "wsjf_economic", "ice"]))
def test_identical_items_all_rank_first_and_are_robust(n, method):
    row = {"value": 5, "risk": 3, "feasibility": 6, "confidence": 0.8, "effort": 2,
           "reach": 100, "impact": 1, "ease": 4, "business_value": 5, "time_criticality": 3,
           "risk_reduction": 2, "job_size": 3, "cost_of_delay_per_week": 100,
           "duration_weeks": 2}
    r = score([item(f"I{k}", **row) for k in range(n)], method)
    assert all(i.rank == 1 and i.stability == "robust" for i in r.items)


# --------------------------------------------------------------------------------------------
# Output, workspace and round trip


def test_table_always_has_every_raw_factor():
    for method in ("vrf", "rice", "wsjf", "wsjf_economic", "ice"):
        r = score([item("A", **FULL), item("B")], method)
        assert set(RAW_FACTORS) <= set(r.table.columns)
        assert {"rank", "gate", "score", "reasons", "stability"} <= set(r.table.columns)
        json.dumps(r.to_dict())


def test_score_workspace_uses_settings_risks_and_compliance():
    ws = spec.Workspace.model_validate({
        "product": {"name": "x", "owner": "y"},
        "settings": {"backlog_method": "rice", "backlog_weights": {"reach": 1.0}},
        "risks": [{"id": "R1", "title": "t", "category": "model", "likelihood": 5,
                   "impact": 4}],
        "backlog": [item("A", reach=1000, impact=1, confidence=1, effort=1, blocked_by=["R1"]),
                    item("B", reach=10, impact=1, confidence=1, effort=1)],
    })
    assert spec.Workspace.model_validate(ws.model_dump()) == ws
    r = score_workspace(ws, classification="limited")
    assert r.method == "rice" and r.item("A").gate == "blocked"
    assert [i.id for i in r.ranked()] == ["B", "A"]
    # default classification: a blank questionnaire is provisionally prohibited
    assert score_workspace(ws).item("A").gate == "excluded"
    for it in ws.backlog:
        assert spec.BacklogItem.model_validate(it.model_dump()) == it
