"""Tests of the risk register, band maps and Cox's consistency rules."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipo_widgets.analysis.risk import (
    BANDS,
    IMPACT_LABELS,
    LIKELIHOOD_LABELS,
    BandMap,
    Register,
    check_band_map,
    default_band_map,
)
from aipo_widgets.errors import UsageError, WorkspaceError
from aipo_widgets.model import schema as spec

AS_OF = dt.date(2026, 9, 1)


def risk(id, li, im, **kw):
    return {"id": id, "title": kw.pop("title", f"risk {id}"), "category": kw.pop("category",
            "model"), "likelihood": li, "impact": im, "owner": "Jana",
            "review_date": kw.pop("review_date", dt.date(2026, 12, 1)), **kw}


# --------------------------------------------------------------------------------------------
# Band maps


def test_default_bands_by_score():
    m = default_band_map()
    for li in range(1, 6):
        for im in range(1, 6):
            s = li * im
            want = "low" if s <= 4 else "medium" if s <= 9 else "high" if s <= 16 else "critical"
            assert m[li - 1][im - 1] == want
    assert BandMap().band(3, 3) == "medium" and BandMap().band(2, 5) == "high"
    assert BandMap().band(5, 4) == "critical" and BandMap().band(4, 4) == "high"


def test_labels():
    assert LIKELIHOOD_LABELS == ("Rare", "Unlikely", "Possible", "Likely", "Almost certain")
    assert IMPACT_LABELS == ("Insignificant", "Minor", "Moderate", "Major", "Catastrophic")


@pytest.mark.parametrize("cells", [[], [["low"] * 5] * 4, [["low"] * 4] * 5, "low" * 25])
def test_band_map_shape(cells):
    assert [p.code for p in check_band_map(cells)] == ["band_shape"]


def test_band_map_unknown_value():
    m = default_band_map()
    m[2][2] = "amber"
    probs = check_band_map(m)
    assert [p.code for p in probs] == ["band_value"]
    assert probs[0].path == "settings.risk_bands[2][2]"


def test_monotone_violation_only():
    m = [["low", "low", "low", "medium", "medium"],
         ["low", "low", "medium", "medium", "medium"],
         ["low", "medium", "medium", "high", "medium"],  # I5 falls back to medium: monotone
         ["low", "medium", "high", "high", "high"],
         ["medium", "high", "high", "high", "high"]]
    codes = {p.code for p in check_band_map(m)}
    assert codes == {"band_monotone"}


def test_betweenness_violation_only():
    m = [["low"] * 5 for _ in range(5)]
    m[4][4] = "high"  # L5 x I5 jumps from low neighbours to high
    codes = {p.code for p in check_band_map(m)}
    assert codes == {"band_betweenness"}


def test_weak_consistency_violation():
    m = default_band_map()
    m[4][0], m[0][4] = "high", "low"
    probs = [p for p in check_band_map(m) if p.code == "band_weak_consistency"]
    assert len(probs) == 1 and "scores 5, not more than" in probs[0].message


def test_band_map_errors_raise_workspace_error_with_all_problems():
    m = [["critical"] * 5 for _ in range(5)]
    m[0][0] = "low"
    with pytest.raises(WorkspaceError) as info:
        BandMap(m)
    assert len(info.value.problems) >= 2
    with pytest.raises(UsageError):
        BandMap().band(0, 3)
    with pytest.raises(UsageError):
        BandMap().band(3, True)  # type: ignore[arg-type]


def test_custom_valid_band_map_three_colours():
    m = [["low", "low", "low", "medium", "medium"],
         ["low", "low", "medium", "medium", "high"],
         ["low", "medium", "medium", "high", "high"],
         ["medium", "medium", "high", "high", "high"],
         ["medium", "high", "high", "high", "high"]]
    assert check_band_map(m) == []
    assert BandMap(m).band(4, 1) == "medium"


def _brute_monotone(m):
    r = [[BANDS.index(b) for b in row] for row in m]
    return all(
        r[li][im] <= r[li + 1][im] for li in range(4) for im in range(5)
    ) and all(r[li][im] <= r[li][im + 1] for li in range(5) for im in range(4))


@given(st.lists(st.lists(st.sampled_from(BANDS), min_size=5, max_size=5), min_size=5,
                max_size=5))
def test_random_maps_monotone_check_agrees_with_brute_force(m):
    probs = check_band_map(m)
    assert any(p.code == "band_monotone" for p in probs) == (not _brute_monotone(m))
    if not probs:
        bm = BandMap(m)
        for li in range(1, 6):
            for im in range(1, 6):
                if li < 5:
                    assert BANDS.index(bm.band(li + 1, im)) >= BANDS.index(bm.band(li, im))
                if im < 5:
                    assert BANDS.index(bm.band(li, im + 1)) >= BANDS.index(bm.band(li, im))


@given(st.lists(st.integers(1, 26), min_size=3, max_size=3, unique=True))
def test_score_cut_offs_always_give_monotone_weakly_consistent_maps(cuts):
    c1, c2, c3 = sorted(cuts)

    def band(s):
        return "low" if s < c1 else "medium" if s < c2 else "high" if s < c3 else "critical"

    m = [[band(li * im) for im in range(1, 6)] for li in range(1, 6)]
    codes = {p.code for p in check_band_map(m)}
    assert "band_monotone" not in codes
    assert "band_weak_consistency" not in codes


@given(st.integers(1, 5), st.integers(1, 4), st.integers(1, 4))
def test_default_band_is_monotone(li, im, step):
    bm = BandMap()
    assert BANDS.index(bm.band(li, min(5, im + step))) >= BANDS.index(bm.band(li, im))
    assert BANDS.index(bm.band(min(5, im + step), li)) >= BANDS.index(bm.band(im, li))


# --------------------------------------------------------------------------------------------
# The register


def test_scores_bands_and_expected_loss():
    reg = Register([risk("R1", 4, 5, residual_likelihood=2, residual_impact=3,
                         probability_per_year=0.4, impact_eur=500_000,
                         residual_probability_per_year=0.05, residual_impact_eur=100_000)],
                   as_of=AS_OF)
    r = reg.result("R1")
    assert (r.inherent.score, r.inherent.band) == (20, "critical")
    assert (r.residual.score, r.residual.band) == (6, "medium")
    assert r.inherent.expected_loss == pytest.approx(200_000)
    assert r.residual.expected_loss == pytest.approx(5_000)
    assert r.inherent.likelihood_label == "Likely" and r.inherent.impact_label == "Catastrophic"
    assert r.residual.likelihood_label == "Unlikely" and r.residual.impact_label == "Moderate"
    assert r.notes == []


def test_residual_anchor_fallback_only_where_the_rating_is_unchanged():
    reg = Register([
        risk("A", 4, 4, residual_likelihood=2, probability_per_year=0.5, impact_eur=1000),
        risk("B", 4, 4, residual_likelihood=2, residual_probability_per_year=0.1,
             probability_per_year=0.5, impact_eur=1000),
        risk("C", 4, 4, residual_impact=2, residual_probability_per_year=0.1,
             probability_per_year=0.5, impact_eur=1000),
    ], as_of=AS_OF)
    a, b, c = (reg.result(x) for x in "ABC")
    assert a.residual.expected_loss is None and "probability not given" in a.residual.note
    assert b.residual.expected_loss == pytest.approx(100)  # impact unchanged: inherent EUR used
    assert c.residual.expected_loss is None and "impact in EUR not given" in c.residual.note


def test_ranking_uses_band_then_score_then_expected_loss():
    reg = Register([
        risk("low_el", 3, 4, probability_per_year=0.1, impact_eur=10_000),  # 12 high, EL 1000
        risk("high_el", 4, 3, probability_per_year=0.2, impact_eur=50_000),  # 12 high, EL 10000
        risk("no_el", 3, 4),  # 12 high, no anchors
        risk("crit", 5, 4),  # 20 critical
        risk("med", 3, 3, probability_per_year=1, impact_eur=1e9),  # 9 medium, huge EL
        risk("closed", 5, 5, status="closed"),
    ], as_of=AS_OF)
    assert [r.id for r in reg.ranked()] == ["crit", "high_el", "low_el", "no_el", "med"]
    assert reg.result("closed").rank is None
    assert [r.id for r in reg.ranked(include_closed=True)][-1] == "closed"
    assert reg.result("high_el").tie_broken_by == "expected_loss"
    assert reg.result("crit").tie_broken_by == ""


def test_range_compression_flags():
    reg = Register([
        risk("A", 3, 3, probability_per_year=0.5, impact_eur=100_000),  # 50,000
        risk("B", 3, 3, probability_per_year=0.5, impact_eur=9_000),  # 4,500: 11.1x
        risk("C", 3, 3),  # no anchors: not compared
        risk("D", 2, 2, probability_per_year=0.1, impact_eur=1000),
        risk("E", 2, 2, probability_per_year=0.2, impact_eur=1000),  # 2x: fine
        risk("F", 1, 1, probability_per_year=0.0, impact_eur=1000),
        risk("G", 1, 1, probability_per_year=0.1, impact_eur=1000),  # 0 vs 100: inf
    ], as_of=AS_OF)
    flags = reg.range_compression()
    residual = [f for f in flags if f.which == "residual"]
    assert [(f.cell, f.ids) for f in residual] == [((1, 1), ["G", "F"]), ((3, 3), ["A", "B"])]
    assert residual[1].ratio == pytest.approx(100_000 / 9_000)
    assert residual[0].ratio == float("inf")
    assert "differ 11x" in residual[1].message
    assert reg.result("A").range_compression and not reg.result("C").range_compression
    assert not reg.result("D").range_compression
    json.dumps([f.to_dict() for f in flags])


def test_overdue_reviews():
    reg = Register([
        risk("late", 2, 2, review_date=dt.date(2026, 8, 1)),
        risk("later", 2, 2, review_date=dt.date(2026, 6, 1)),
        risk("due_today", 2, 2, review_date=AS_OF),
        risk("closed_late", 2, 2, review_date=dt.date(2026, 1, 1), status="closed"),
        risk("none", 2, 2, review_date=None),
    ], as_of=AS_OF)
    assert [(r.id, r.days_overdue) for r in reg.overdue()] == [("later", 92), ("late", 31)]
    assert "no review date" in reg.result("none").notes
    w = [p for p in reg.warnings() if p.code == "review_overdue"]
    assert w[0].path == "risks[1].review_date"


def test_matrix_counts_and_cells():
    reg = Register([risk("A", 3, 4), risk("B", 3, 4), risk("C", 5, 1, residual_likelihood=1),
                    risk("X", 5, 5, status="closed")], as_of=AS_OF)
    m = reg.matrix("residual")
    assert m[2][3] == 2 and m[0][0] == 1 and sum(map(sum, m)) == 3
    mi = reg.matrix("inherent")
    assert mi[4][0] == 1 and mi[0][0] == 0
    assert reg.matrix("inherent", include_closed=True)[4][4] == 1
    assert reg.cell_ids()[(3, 4)] == ["A", "B"]
    df = reg.matrix_frame()
    assert df.index[0] == "Almost certain" and df.columns[0] == "Insignificant"
    assert df.loc["Possible", "Major"] == 2
    assert reg.band_counts() == {"low": 1, "medium": 0, "high": 2, "critical": 0}
    with pytest.raises(UsageError):
        reg.matrix("gross")  # type: ignore[arg-type]


def test_notes_for_odd_ratings():
    reg = Register([
        risk("up", 2, 2, residual_likelihood=4),
        risk("acc", 5, 4, treatment="accept"),
        risk("orphan", 1, 1, owner=""),
    ], as_of=AS_OF)
    assert any("above the inherent" in n for n in reg.result("up").notes)
    assert any("accepted" in n for n in reg.result("acc").notes)
    assert "no owner" in reg.result("orphan").notes


def test_register_errors():
    with pytest.raises(WorkspaceError, match="duplicate risk id 'R1'"):
        Register([risk("R1", 1, 1), risk("R1", 2, 2)], as_of=AS_OF)
    with pytest.raises(WorkspaceError, match=r"risks\[0\]"):
        Register([risk("R1", 7, 1)], as_of=AS_OF)
    with pytest.raises(UsageError, match="did you mean 'R1'"):
        Register([risk("R1", 1, 1)], as_of=AS_OF).result("R11")
    with pytest.raises(UsageError):
        Register([], as_of="2026-01-01")  # type: ignore[arg-type]


def test_from_workspace_uses_band_map_and_as_of():
    bands = [["low", "low", "low", "medium", "medium"],
             ["low", "low", "medium", "medium", "high"],
             ["low", "medium", "medium", "high", "high"],
             ["medium", "medium", "high", "high", "high"],
             ["medium", "high", "high", "high", "high"]]
    ws = spec.Workspace.model_validate({
        "product": {"name": "x", "owner": "y"},
        "compliance": {"as_of": "2026-10-01"},
        "settings": {"risk_bands": bands},
        "risks": [risk("R1", 5, 5, review_date="2026-09-30")],
    })
    reg = Register.from_workspace(ws)
    assert reg.as_of == dt.date(2026, 10, 1)
    assert reg.result("R1").residual.band == "high"  # no critical in this map
    assert reg.result("R1").days_overdue == 1
    assert not reg.band_map.is_default


def test_outputs_serialise_and_round_trip():
    risks = [risk("R1", 4, 4, residual_likelihood=2, probability_per_year=0.2, impact_eur=1e5,
                  harm=["privacy"], articles=["GDPR Art 32"]),
             risk("R2", 2, 3, status="closed")]
    reg = Register(risks, as_of=AS_OF)
    d = reg.to_dict()
    json.dumps(d)
    assert d["as_of"] == "2026-09-01" and d["band_map_is_default"]
    assert [r["id"] for r in d["risks"]] == ["R1", "R2"]
    df = reg.to_frame()
    assert {"rank", "residual_band", "inherent_expected_loss", "overdue"} <= set(df.columns)
    for r in reg.to_spec():
        assert spec.Risk.model_validate(r.model_dump()) == r
    assert Register(reg.to_spec(), as_of=AS_OF).to_dict() == d
