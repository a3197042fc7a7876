"""Tests of the business case: finance functions, cash flows, scenarios, Monte Carlo, VOI."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import numpy_financial as npf
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis.business_case import (
    BusinessCaseModel,
    analyse,
    evpi,
    evppi,
    irr,
    monthly_rate,
    npv,
    payback,
    roi,
)
from aipo_widgets.analysis.formulas import EvaluationError
from aipo_widgets.errors import UsageError, WorkspaceError
from aipo_widgets.model import schema as spec
from aipo_widgets.model.references import check_references


def driver(c, r=None, o=None, **kw):
    return {"conservative": c, "realistic": c if r is None else r,
            "optimistic": (c if r is None else r) if o is None else o, **kw}


# --------------------------------------------------------------------------------------------
# Finance functions against numpy-financial and hand-computed values


def test_npv_domain_vector_and_numpy_financial():
    assert npv(0.281, [-100, 39, 59, 55, 20]) == pytest.approx(-0.0084785916384548798, abs=1e-12)
    assert npf.npv(0.281, [-100, 39, 59, 55, 20]) == pytest.approx(
        npv(0.281, [-100, 39, 59, 55, 20]), abs=1e-12)


@settings(max_examples=200)
@given(st.floats(-0.5, 2), st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=60))
def test_npv_equals_numpy_financial(rate, flows):
    assert npv(rate, flows) == pytest.approx(float(npf.npv(rate, flows)), rel=1e-9, abs=1e-6)


def test_monthly_rate():
    assert monthly_rate(0.12) == pytest.approx(1.12 ** (1 / 12) - 1)
    assert (1 + monthly_rate(0.08)) ** 12 == pytest.approx(1.08)
    with pytest.raises(UsageError):
        monthly_rate(-1)


def test_irr_against_numpy_financial():
    assert irr([-100, 39, 59, 55, 20])[0] == pytest.approx(0.28094842115996, rel=1e-9)
    flows = [-5000, 1200, 1400, 1600, 1800, 900]
    assert irr(flows)[0] == pytest.approx(float(npf.irr(flows)), rel=1e-9)
    assert irr([-100, 0, 121])[0] == pytest.approx(0.1, rel=1e-9)
    assert irr([-100, 0, 0, 121])[0] == pytest.approx(1.21 ** (1 / 3) - 1, rel=1e-9)


def test_irr_undefined_cases():
    r, note = irr([-100, 230, -132])  # NPV = 0 at 10 % and 20 %
    assert r is None and "10.00 %, 20.00 %" in note
    assert irr([1, 2, 3]) == (None, "the cash flows never change sign: no IRR")
    assert irr([0, 0]) == (None, "the cash flows never change sign: no IRR")
    r, note = irr([-1, 0, 0, 0, 1e-30])  # the root lies below -90 %
    assert r is None and "no rate between" in note
    with pytest.raises(UsageError):
        irr([])
    with pytest.raises(UsageError):
        irr([1, float("nan")])


def test_payback_hand_computed():
    assert payback([-1000, 300, 400, 500]) == (pytest.approx(2.6), "")
    assert payback([100, -50]) == (0.0, "")
    assert payback([100, -150]) == (0.0, "the cumulative cash flow falls below 0 again later")
    assert payback([-100, 100]) == (1.0, "")
    assert payback([-100, 50]) == (None,
                                   "the cumulative cash flow never reaches 0 within the horizon")
    t, note = payback([-100, 150, -200, 300])
    assert t == pytest.approx(2 / 3) and "again" in note
    disc = np.array([-100, 60, 60]) / 1.1 ** np.arange(3)
    assert payback(disc)[0] == pytest.approx(1 + (100 - 60 / 1.1) / (60 / 1.21))


def test_roi():
    assert roi(150, 100) == 0.5
    assert roi(0, 0) is None


def test_evpi_and_evppi_hand_vectors():
    assert evpi([-10.0, 20.0]) == 5.0
    assert evpi([5.0, 7.0]) == 0.0  # always go: information cannot change the decision
    assert evpi([-5.0, -7.0]) == 0.0  # always stop
    assert evppi([-10.0, 20.0, -10.0, 20.0], [0.0, 1.0, 0.1, 0.9], bins=2) == 5.0
    assert evppi([-10.0, 20.0, -10.0, 20.0], [0.0, 0.1, 0.9, 1.0], bins=2) == 0.0
    assert evppi([1.0, -3.0], [2.0, 2.0], bins=2) == 0.0  # a constant driver tells nothing
    with pytest.raises(UsageError):
        evppi([1.0, 2.0], [1.0])
    with pytest.raises(UsageError):
        evppi([1.0, 2.0], [1.0, 2.0], bins=3)


# --------------------------------------------------------------------------------------------
# Cash flows


SMALL = {
    "horizon_months": 3, "discount_rate": 0.0,
    "drivers": {"a": driver(1.0), "price": driver(50, 50, 50)},
    "adoption": {"driver": "a", "ramp_months": 2, "start_month": 1},
    "one_off_cost": "100", "monthly_benefit": "price * adoption", "monthly_cost": "10",
}


def test_cash_flows_hand_computed():
    m = BusinessCaseModel(SMALL)
    s = m.cash_flows("realistic")
    assert s.adoption == [0.0, 0.5, 1.0, 1.0]
    assert s.benefit == [0.0, 25.0, 50.0, 50.0]
    assert s.cost == [100.0, 10.0, 10.0, 10.0]
    assert s.flows == [-100.0, 15.0, 40.0, 40.0]
    assert s.npv == pytest.approx(-5.0)
    assert s.total_benefit == 125 and s.total_cost == 130
    assert s.roi == pytest.approx(-5 / 130)
    assert s.payback_months is None
    frame = s.frame(0.0)
    assert list(frame["cumulative"]) == [-100, -85, -45, -5]


def test_npv_of_the_model_equals_numpy_financial_with_the_monthly_rate():
    bc = {**SMALL, "discount_rate": 0.12, "horizon_months": 24}
    m = BusinessCaseModel(bc)
    s = m.cash_flows("realistic")
    rm = 1.12 ** (1 / 12) - 1
    assert m.monthly_rate == pytest.approx(rm)
    assert s.npv == pytest.approx(float(npf.npv(rm, s.flows)), rel=1e-12)
    assert s.irr_monthly == pytest.approx(float(npf.irr(s.flows)), rel=1e-8)
    assert s.irr_annual == pytest.approx((1 + s.irr_monthly) ** 12 - 1)
    disc = np.asarray(s.flows) / (1 + rm) ** np.arange(25)
    assert s.discounted_payback_months == pytest.approx(payback(disc)[0])
    assert s.payback_months == pytest.approx(2 + 45 / 40)


@pytest.mark.parametrize(
    ("adoption", "expected"),
    [
        ({"driver": "a", "ramp_months": 0, "start_month": 1}, [0, 1, 1, 1, 1]),
        ({"driver": "a", "ramp_months": 0, "start_month": 3}, [0, 0, 0, 1, 1]),
        ({"driver": "a", "ramp_months": 2, "start_month": 2}, [0, 0, 0.5, 1, 1]),
        ({"driver": "a", "ramp_months": 4, "start_month": 0}, [0, 0.5, 0.75, 1, 1]),
        (None, [0, 1, 1, 1, 1]),
    ],
)
def test_adoption_ramps(adoption, expected):
    bc = {"horizon_months": 4, "drivers": {"a": driver(1.0)}, "adoption": adoption,
          "monthly_benefit": "adoption"}
    m = BusinessCaseModel(bc)
    assert list(m.cash_flows().adoption) == expected
    if adoption is None:
        assert any("'adoption' is 1 in every month" in n for n in m.notes)


def test_month_is_a_name_and_one_off_sees_month_zero():
    m = BusinessCaseModel({"horizon_months": 3, "drivers": {"g": driver(10)},
                           "one_off_cost": "100 + month + adoption",
                           "monthly_benefit": "g * month"})
    assert m.cash_flows().flows == [-100.0, 10.0, 20.0, 30.0]


def test_break_even_adoption():
    bc = {"horizon_months": 10, "discount_rate": 0, "drivers": {"a": driver(0.5)},
          "adoption": {"driver": "a", "ramp_months": 0}, "one_off_cost": "100",
          "monthly_benefit": "40 * adoption"}
    assert BusinessCaseModel(bc).break_even_adoption() == (pytest.approx(0.25), "")
    never = {**bc, "one_off_cost": "1000"}
    assert BusinessCaseModel(never).break_even_adoption() == (
        None, "the NPV stays negative even at full adoption (100 %)")
    free = {**bc, "one_off_cost": "0"}
    assert BusinessCaseModel(free).break_even_adoption()[0] == 0.0
    no_adoption = {k: v for k, v in bc.items() if k != "adoption"}
    assert BusinessCaseModel(no_adoption).break_even_adoption() == (None, "no adoption driver")


def test_scenarios_expected_npv_and_tornado():
    bc = {
        "horizon_months": 12, "discount_rate": 0.0,
        "drivers": {"volume": driver(80, 100, 120), "saving": driver(1, 2, 4),
                    "fixed": driver(300, 200, 150)},
        "one_off_cost": "fixed", "monthly_benefit": "volume * saving",
        "scenario_weights": {"conservative": 0.2, "realistic": 0.6, "optimistic": 0.2},
    }
    r = analyse(bc, monte_carlo=False)
    npvs = {s: r.scenarios[s].npv for s in ("conservative", "realistic", "optimistic")}
    assert npvs == pytest.approx({"conservative": 12 * 80 - 300, "realistic": 12 * 200 - 200,
                                  "optimistic": 12 * 480 - 150})
    assert r.expected_npv == pytest.approx(0.2 * 660 + 0.6 * 2200 + 0.2 * 5610)
    assert (r.npv_min, r.npv_max) == (pytest.approx(660), pytest.approx(5610))
    # tornado around likely (volume 100, saving 2, fixed 200; fixed range sorted 150..300)
    bars = {b.driver: b for b in r.tornado}
    assert bars["saving"].npv_low == pytest.approx(12 * 100 * 1 - 200)
    assert bars["saving"].npv_high == pytest.approx(12 * 100 * 4 - 200)
    assert bars["volume"].swing == pytest.approx(12 * 40 * 2)
    assert (bars["fixed"].low, bars["fixed"].high) == (150, 300)
    assert bars["fixed"].npv_low > bars["fixed"].npv_high  # a cost: low is good
    assert [b.driver for b in r.tornado] == ["saving", "volume", "fixed"]
    assert r.monte_carlo is None and "smallest and largest" in r.notes[0]
    assert r.scenarios["likely"].npv == pytest.approx(2200)


def test_explicit_ranges_are_used_and_checked():
    bc = {"horizon_months": 1, "drivers": {"x": driver(1, 2, 3, low=0, likely=2, high=10)},
          "monthly_benefit": "x"}
    m = BusinessCaseModel(bc)
    assert m.ranges["x"] == (0, 2, 10) and m.notes == []
    with pytest.raises(WorkspaceError, match="low <= likely <= high"):
        BusinessCaseModel({**bc, "drivers": {"x": driver(1, 2, 3, low=5)}})


# --------------------------------------------------------------------------------------------
# Monte Carlo and value of information


TRI = {"horizon_months": 1, "discount_rate": 0.0,
       "drivers": {"x": driver(-1, 0, 1), "y": driver(0, 5, 10)},
       "monthly_benefit": "x + 0 * y"}


def test_monte_carlo_matches_the_triangular_distribution():
    mc = BusinessCaseModel(TRI).simulate(n=20_000, seed=3)
    # NPV = x ~ triangular(-1, 0, 1): P(>0) = 0.5, P10 = sqrt(0.2) - 1, E[max(x, 0)] = 1/6
    assert mc.p_positive == pytest.approx(0.5, abs=0.015)
    assert mc.p10 == pytest.approx(math.sqrt(0.2) - 1, abs=0.02)
    assert mc.p90 == pytest.approx(1 - math.sqrt(0.2), abs=0.02)
    assert mc.p50 == pytest.approx(0, abs=0.02)
    assert mc.mean == pytest.approx(0, abs=0.01)
    assert mc.evpi == pytest.approx(1 / 6 - max(mc.mean, 0), abs=0.01)
    # all the uncertainty is in x: EVPPI(x) ~ EVPI; y tells nothing
    assert mc.evppi["x"] == pytest.approx(mc.evpi, rel=0.05)
    assert mc.evppi["y"] <= 2 * mc.evppi_noise_floor
    assert list(mc.evppi) == ["x", "y"]
    assert mc.evppi["x"] <= mc.evpi


def test_monte_carlo_is_seeded_and_vectorised_correctly():
    bc = {**SMALL, "horizon_months": 12, "discount_rate": 0.1,
          "drivers": {"a": driver(0.3, 0.6, 0.9), "price": driver(30, 50, 60)}}
    m = BusinessCaseModel(bc)
    one = m.simulate(n=500, seed=7)
    two = m.simulate(n=500, seed=7)
    other = m.simulate(n=500, seed=8)
    np.testing.assert_array_equal(one.npv_samples, two.npv_samples)
    assert not np.array_equal(one.npv_samples, other.npv_samples)
    for k in range(5):
        values = {name: float(s[k]) for name, s in one.driver_samples.items()}
        assert one.npv_samples[k] == pytest.approx(m.npv(values), rel=1e-12)
    assert one.driver_samples["a"].min() >= 0.3 and one.driver_samples["a"].max() <= 0.9
    assert one.to_dict()["n"] == 500 and "npv_samples" not in one.to_dict()


def test_monte_carlo_constant_driver_and_argument_checks():
    m = BusinessCaseModel({"horizon_months": 2, "drivers": {"c": driver(5)},
                           "monthly_benefit": "c"})
    mc = m.simulate(n=10, seed=0, bins=5)
    assert np.all(mc.npv_samples == mc.npv_samples[0]) and mc.evpi == 0
    for kwargs in ({"n": 1}, {"n": 10, "bins": 11}, {"seed": -1}, {"n": 10.5}):
        with pytest.raises(UsageError):
            m.simulate(**kwargs)


def test_monte_carlo_division_by_zero_is_reported():
    m = BusinessCaseModel({"horizon_months": 1, "drivers": {"d": driver(-1, 0, 1)},
                           "monthly_benefit": "1 / d"})
    with pytest.raises(EvaluationError, match="divides by zero"):
        m.cash_flows("realistic")


# --------------------------------------------------------------------------------------------
# Exit criteria and gates


def test_exit_criteria_gates():
    bc = {
        "horizon_months": 6, "drivers": {"time_saved": driver(0.1, 0.2, 0.3, measured=0.12),
                                         "csat_drop": driver(0, 0, 0)},
        "monthly_benefit": "1000 * time_saved",
        "exit_criteria": [
            {"id": "E1", "metric": "time_saved", "operator": "<", "value": 0.15,
             "description": "stop if time saved after the pilot is below 15 %"},
            {"id": "E2", "metric": "csat_drop", "operator": ">", "value": 0.2},
            {"id": "E3", "metric": "escalations", "operator": ">=", "value": 0.1},
        ],
    }
    r = analyse(bc, monte_carlo=False, measured={"csat_drop": 0.05})
    g1, g2, g3 = r.exit_gates
    assert (g1.verdict, g1.figure, g1.threshold) == ("fail", 0.12, "stop if < 0.15")
    assert g1.name == "stop if time saved after the pilot is below 15 %"
    assert g1.source == "business_case.exit_criteria[0]"
    assert (g2.verdict, g2.figure) == ("pass", 0.05)
    assert g2.name == "exit rule: stop if csat_drop > 0.2"
    assert g3.verdict == "warn" and "not measured yet" in g3.detail
    r2 = analyse(bc, monte_carlo=False, measured={"time_saved": 0.2})
    assert r2.exit_gates[0].verdict == "pass"
    gates = r.gates()
    assert gates[-1].name == "expected NPV of the business case" and gates[-1].verdict == "pass"


def test_npv_gate_verdicts():
    base = {"horizon_months": 10, "discount_rate": 0, "drivers": {"g": driver(-5, 10, 20)},
            "monthly_benefit": "g"}
    assert analyse(base, monte_carlo=False).gates()[-1].verdict == "warn"  # conservative < 0
    assert analyse({**base, "drivers": {"g": driver(-50, -10, 20)}},
                   monte_carlo=False).gates()[-1].verdict == "fail"
    assert analyse({**base, "drivers": {"g": driver(1, 2, 3)}},
                   monte_carlo=False).gates()[-1].verdict == "pass"


# --------------------------------------------------------------------------------------------
# Errors, round trip, output


def test_structural_errors_collected():
    with pytest.raises(WorkspaceError) as info:
        BusinessCaseModel({
            "drivers": {"tickets": driver(1), "month": driver(2)},
            "adoption": {"driver": "reech"},
            "one_off_cost": "bild", "monthly_benefit": "tickets *", "monthly_cost": "tickets.x",
        })
    text = str(info.value)
    assert "clashes with the built-in name 'month'" in text
    assert "'reech', which is not a driver" in text
    assert "uses 'bild', which is not defined" in text
    assert "business_case.monthly_benefit" in text and "attribute access" in text
    with pytest.raises(WorkspaceError):
        BusinessCaseModel({"drivers": {"x": {"conservative": 1}}})
    with pytest.raises(UsageError):
        BusinessCaseModel(3)  # type: ignore[arg-type]


def test_bad_scenario_and_values():
    m = BusinessCaseModel(SMALL)
    with pytest.raises(UsageError, match="unknown scenario"):
        m.values("best")
    with pytest.raises(UsageError, match="no value for driver"):
        m.npv({"a": 1})
    with pytest.raises(UsageError, match="unknown scenario"):
        analyse(SMALL, monte_carlo=False).cash_flows("best")
    assert m.cash_flows({"a": 1, "price": 10}).scenario == "custom"


def test_round_trip_and_json():
    bc = spec.BusinessCase.model_validate({
        **SMALL, "exit_criteria": [{"id": "E1", "metric": "a", "operator": "<", "value": 0.5}],
    })
    assert spec.BusinessCase.model_validate(bc.model_dump()) == bc
    ws = spec.Workspace.model_validate({"product": {"name": "x", "owner": "y"},
                                        "business_case": bc.model_dump()})
    assert spec.Workspace.model_validate(ws.model_dump()) == ws
    assert check_references(ws) == []
    r = analyse(ws.business_case, n=200)
    d = r.to_dict()
    json.dumps(d)
    assert d["convention"].startswith("NPV: cash flow 0 at t = 0")
    assert set(d["scenarios"]) == {"conservative", "realistic", "optimistic", "likely"}
    assert len(r.cash_flows().index) == 4
    assert set(r.tornado_frame()["driver"]) == {"a", "price"}


# --------------------------------------------------------------------------------------------
# Correlated drivers (Gaussian copula)


def _example_case(name: str) -> spec.BusinessCase:
    from ruamel.yaml import YAML

    from aipo_widgets.examples import example_yaml

    doc = YAML().load(example_yaml(name).decode("utf-8"))
    return spec.Workspace.model_validate(doc).business_case


def _independent_draws(model: BusinessCaseModel, n: int, seed: int) -> dict:
    # The sampler as it was before correlations existed: the oracle for "nothing changes".
    rng = np.random.default_rng(seed)
    return {name: np.full(n, lo) if lo == hi else rng.triangular(lo, mid, hi, size=n)
            for name, (lo, mid, hi) in model.ranges.items()}


def _with(bc, *pairs):
    data = bc.model_dump() if isinstance(bc, spec.BusinessCase) else dict(bc)
    return {**data, "correlations": [{"drivers": [a, b], "rho": r} for a, b, r in pairs]}


@pytest.mark.parametrize("name", ["support-summaries", "predictive-maintenance"])
def test_without_correlations_the_draws_are_unchanged(name):
    # The support example correlates two drivers; without them it is the workspace the figures
    # below were measured on.
    bc = spec.BusinessCase.model_validate(_with(_example_case(name)))
    model = BusinessCaseModel(bc)
    mc = model.simulate(n=5000, seed=0)
    expected = _independent_draws(model, 5000, 0)
    for k, v in expected.items():
        np.testing.assert_array_equal(mc.driver_samples[k], v)
    assert mc.correlations == [] and mc.to_dict()["correlations"] == []
    # Figures measured with the implementation before correlations were added.
    before = {"support-summaries": (1107605.2637249036, 1519096.8642447025, 1890541.322879799),
              "predictive-maintenance": (10317699.860745631, 12550889.243773628,
                                         14983644.435944982)}[name]
    assert (mc.p10, mc.p50, mc.p90) == pytest.approx(before, rel=1e-12)
    unset = bc.model_dump(exclude={"correlations"})
    np.testing.assert_array_equal(BusinessCaseModel(unset).simulate(n=5000, seed=0).npv_samples,
                                  mc.npv_samples)


# Three skewed drivers and one left alone; the NPV is their sum (one month, no discounting).
COR = {"horizon_months": 1, "discount_rate": 0.0,
       "drivers": {"a": driver(0, 1, 10), "b": driver(5, 9, 10), "c": driver(-3, 0, 3),
                   "d": driver(1, 2, 4)},
       "monthly_benefit": "a + b + c + d"}


@pytest.mark.parametrize("rho", [-0.8, -0.3, 0.2, 0.5, 0.9])
def test_drawn_rank_correlation_matches_rho(rho):
    from scipy.stats import spearmanr

    n = 100_000
    mc = BusinessCaseModel(_with(COR, ("a", "b", rho))).simulate(n=n, seed=11)
    drawn = spearmanr(mc.driver_samples["a"], mc.driver_samples["b"])[0]
    # Fisher z of a Spearman correlation has a standard error of about sqrt(1.06 / (n - 3)).
    # 4 standard errors (0.013) are tighter than the gap left by using rho as the normal-scale
    # correlation without 2 sin(pi rho / 6), e.g. 0.5 would come out as 0.483.
    assert abs(np.arctanh(drawn) - np.arctanh(rho)) < 4 * math.sqrt(1.06 / (n - 3))
    assert mc.correlations == [{"drivers": ["a", "b"], "rho": rho, "drawn": pytest.approx(drawn)}]
    for other in ("c", "d"):
        assert abs(spearmanr(mc.driver_samples["a"], mc.driver_samples[other])[0]) < 0.015


def test_three_correlated_drivers_each_pair_and_the_marginals():
    from scipy.stats import kstest, spearmanr, triang

    n = 50_000
    pairs = (("a", "b", 0.6), ("b", "c", -0.4), ("a", "c", -0.2))
    model = BusinessCaseModel(_with(COR, *pairs))
    mc = model.simulate(n=n, seed=5)
    independent = model.__class__(COR).simulate(n=n, seed=5)
    for a, b, rho in pairs:
        drawn = spearmanr(mc.driver_samples[a], mc.driver_samples[b])[0]
        assert abs(np.arctanh(drawn) - np.arctanh(rho)) < 4 * math.sqrt(1.06 / (n - 3))
    for name in ("a", "b", "c"):
        lo, mid, hi = model.ranges[name]
        dist = triang((mid - lo) / (hi - lo), loc=lo, scale=hi - lo)
        x = mc.driver_samples[name]
        assert kstest(x, dist.cdf).pvalue > 0.01
        assert lo <= x.min() and x.max() <= hi
        # the same quantiles as the independent draws of the same driver, within sampling error
        q = [0.05, 0.25, 0.5, 0.75, 0.95]
        np.testing.assert_allclose(np.quantile(x, q), dist.ppf(q), atol=0.02 * (hi - lo))
        np.testing.assert_allclose(np.quantile(independent.driver_samples[name], q),
                                   dist.ppf(q), atol=0.02 * (hi - lo))
    # a driver in no pair keeps its very draws
    np.testing.assert_array_equal(mc.driver_samples["d"], independent.driver_samples["d"])


def test_zero_correlation_gives_the_independent_draws_back():
    mc = BusinessCaseModel(_with(COR, ("a", "b", 0.0))).simulate(n=2000, seed=2)
    ref = BusinessCaseModel(COR).simulate(n=2000, seed=2)
    for k in COR["drivers"]:
        np.testing.assert_allclose(mc.driver_samples[k], ref.driver_samples[k], rtol=1e-9)


@settings(max_examples=25, deadline=None)
@given(rho=st.floats(0.2, 0.95), width_a=st.floats(1, 3), width_b=st.floats(1, 3),
       mode_a=st.floats(0, 1), mode_b=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_positive_correlation_of_two_revenue_drivers_widens_the_npv(rho, width_a, width_b,
                                                                    mode_a, mode_b, seed):
    bc = {"horizon_months": 12, "discount_rate": 0.1, "one_off_cost": "50",
          "drivers": {"users": driver(10, 10 + mode_a * width_a, 10 + width_a),
                      "price": driver(2, 2 + mode_b * width_b, 2 + width_b)},
          "monthly_benefit": "users + 3 * price"}
    alone = BusinessCaseModel(bc).simulate(n=20_000, seed=seed)
    linked = BusinessCaseModel(_with(bc, ("users", "price", rho))).simulate(n=20_000, seed=seed)
    assert linked.std > alone.std
    assert linked.p90 - linked.p10 > alone.p90 - alone.p10
    assert linked.mean == pytest.approx(alone.mean, rel=0.01)
    against = BusinessCaseModel(_with(bc, ("users", "price", -rho))).simulate(n=20_000, seed=seed)
    assert against.p90 - against.p10 < alone.p90 - alone.p10


def test_correlation_on_the_support_example_widens_the_npv():
    bc = _example_case("support-summaries")
    assert [c.drivers for c in bc.correlations] == [["adoption_max", "minutes_saved"]]
    alone = analyse(_with(bc), n=5000, seed=0).monte_carlo
    linked = analyse(_with(bc, ("adoption_max", "minutes_saved", 0.6),
                           ("tickets_per_month", "long_ticket_share", 0.4)),
                     n=5000, seed=0)
    mc = linked.monte_carlo
    assert mc.p90 - mc.p10 > 1.1 * (alone.p90 - alone.p10)
    assert mc.p10 < alone.p10 and mc.p90 > alone.p90
    assert [round(c["drawn"], 1) for c in mc.correlations] == [0.6, 0.4]
    assert any("rank-correlated" in note for note in linked.notes)
    json.dumps(linked.to_dict(), allow_nan=False)


BAD = """product: {name: x, owner: y}
business_case:
  drivers:
    a: {conservative: 0, realistic: 1, optimistic: 2}
    b: {conservative: 0, realistic: 1, optimistic: 2}
    c: {conservative: 0, realistic: 1, optimistic: 2}
    k: {conservative: 5, realistic: 5, optimistic: 5}
  correlations:
"""


@pytest.mark.parametrize(("lines", "path", "message", "fix"), [
    (["{drivers: [a, b], rho: 1}"], "business_case.correlations[0].rho",
     "strictly between -1 and 1, got 1", ""),
    (["{drivers: [a, b], rho: -1.5}"], "business_case.correlations[0].rho",
     "strictly between -1 and 1, got -1.5", ""),
    (["{drivers: [a], rho: 0.5}"], "business_case.correlations[0].drivers",
     "must name two different drivers", ""),
    (["{drivers: [a, a], rho: 0.5}"], "business_case.correlations[0].drivers",
     "must name two different drivers", ""),
    (["{drivers: [a, b, c], rho: 0.5}"], "business_case.correlations[0].drivers",
     "must name two different drivers", ""),
    (["{drivers: [a, bb], rho: 0.5}"], "business_case.correlations[0].drivers[1]",
     "names driver 'bb', which is not in business_case.drivers", "did you mean 'b'?"),
    (["{drivers: [k, a], rho: 0.5}"], "business_case.correlations[0].drivers[0]",
     "the single value 5: it is not uncertain", "give it a range"),
    (["{drivers: [a, b], rho: 0.5}", "{drivers: [b, a], rho: 0.3}"],
     "business_case.correlations[1]", "repeats the pair b and a of correlations[0]",
     "keep one of them"),
])
def test_invalid_correlations_are_reported_with_path_and_fix(lines, path, message, fix):
    from aipo_widgets.model.workspace import validate_text

    text = BAD + "".join(f"    - {line}\n" for line in lines)
    ws, problems = validate_text(text)
    assert ws is None
    assert [p.path for p in problems] == [path]
    assert message in problems[0].message and fix in problems[0].fix
    assert problems[0].line == 8 + len(lines)


def test_inconsistent_correlations_name_the_pairs_and_the_suggestion_holds():
    from aipo_widgets.model.workspace import validate_text

    pairs = [("a", "b", 0.9), ("b", "c", 0.9), ("a", "c", -0.9)]
    text = BAD + "".join(f"    - {{drivers: [{a}, {b}], rho: {r}}}\n" for a, b, r in pairs)
    ws, problems = validate_text(text)
    assert ws is None and len(problems) == 1
    p = problems[0]
    assert p.path == "business_case.correlations" and p.line == 9  # at its first pair
    assert "correlations[0], [1], [2] (a-b 0.9, b-c 0.9, a-c -0.9)" in p.message
    assert "not positive definite" in p.message
    # The suggestion is a consistent set: put it in and the workspace validates, and the
    # simulation draws it.
    suggested = [(a, b, float(r)) for a, b, r in re.findall(r"(\w+)-(\w+) (-?[\d.]+)", p.fix)]
    assert [(a, b) for a, b, _ in suggested] == [(a, b) for a, b, _ in pairs]
    assert all(0 < abs(r) < 0.9 for _, _, r in suggested)
    fixed = BAD + "".join(f"    - {{drivers: [{a}, {b}], rho: {r}}}\n" for a, b, r in suggested)
    ws, problems = validate_text(fixed)
    assert problems == [] and ws is not None
    mc = analyse(ws.workspace.business_case, n=500).monte_carlo
    assert len(mc.correlations) == 3


def test_only_the_inconsistent_group_is_named_and_the_model_refuses_it():
    bc = {**COR, "drivers": {**COR["drivers"], "e": driver(0, 1, 2), "f": driver(0, 1, 2)}}
    bad = _with(bc, ("a", "b", 0.9), ("b", "c", 0.9), ("a", "c", -0.9), ("e", "f", 0.95))
    with pytest.raises(WorkspaceError) as info:
        BusinessCaseModel(bad)
    (problem,) = info.value.problems
    assert "a-b 0.9, b-c 0.9, a-c -0.9" in problem.message and "e-f" not in problem.message
    assert problem.path == "business_case.correlations" and problem.fix
    ws = spec.Workspace.model_validate({"product": {"name": "x", "owner": "y"},
                                        "business_case": bad})
    assert [p.path for p in check_references(ws)] == ["business_case.correlations"]
