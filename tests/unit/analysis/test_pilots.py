"""Pilot analysis against scipy and statsmodels, and hand-computed values."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.power import TTestIndPower

from aipo_widgets.analysis.pilot_effects import compare_arms, compare_to_baseline
from aipo_widgets.analysis.pilot_plan import plan_pilot
from aipo_widgets.analysis.pilot_srm import srm_check
from aipo_widgets.analysis.pilots import analyse_pilot
from aipo_widgets.errors import DataError, UsageError


def _arms(n_t=400, n_c=500, effect=0.8, seed=0):
    rng = np.random.default_rng(seed)
    return rng.gamma(4, 3, n_t) * effect, rng.gamma(4, 3, n_c)


def test_welch_matches_scipy():
    t, c = _arms()
    e = compare_arms(t, c, n_boot=0, alpha=0.1)
    ref = stats.ttest_ind(t, c, equal_var=False)
    ci = ref.confidence_interval(0.9)
    assert e.t == pytest.approx(ref.statistic)
    assert e.p_value == pytest.approx(ref.pvalue)
    assert e.df == pytest.approx(ref.df)
    assert e.ci == pytest.approx((ci.low, ci.high))
    assert e.difference == pytest.approx(t.mean() - c.mean())
    assert e.significant


def test_relative_delta_method_by_hand():
    t, c = _arms(seed=1)
    e = compare_arms(t, c, n_boot=0)
    mt, mc = t.mean(), c.mean()
    se = math.sqrt(t.var(ddof=1) / len(t) / mc**2 + mt**2 * c.var(ddof=1) / len(c) / mc**4)
    z = stats.norm.isf(0.025)
    assert e.relative == pytest.approx(mt / mc - 1)
    assert e.relative_ci == pytest.approx((mt / mc - 1 - z * se, mt / mc - 1 + z * se))


def test_bootstrap_agrees_with_welch_and_delta_on_large_samples():
    t, c = _arms(n_t=3000, n_c=3000, seed=2)
    e = compare_arms(t, c, n_boot=4000, seed=0)
    assert e.bootstrap["difference"] == pytest.approx(e.ci, abs=0.06)
    assert e.bootstrap["relative"] == pytest.approx(e.relative_ci, abs=0.006)
    json.dumps(e.to_dict(), allow_nan=False)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000), boot_seed=st.integers(0, 10_000))
def test_bootstrap_deterministic_by_seed(seed, boot_seed):
    t, c = _arms(n_t=50, n_c=60, seed=seed)
    a = compare_arms(t, c, n_boot=200, seed=boot_seed).bootstrap
    b = compare_arms(t, c, n_boot=200, seed=boot_seed).bootstrap
    assert a == b


def test_cuped_reduces_variance_and_keeps_the_effect():
    rng = np.random.default_rng(3)
    n = 2000
    skill = rng.normal(12, 4, 2 * n)  # agent speed drives both periods
    pre = skill + rng.normal(0, 1, 2 * n)
    post = skill + rng.normal(0, 1, 2 * n)
    post[:n] *= 0.8
    plain = compare_arms(post[:n], post[n:], n_boot=0)
    cup = compare_arms(post[:n], post[n:], covariate_treatment=pre[:n],
                       covariate_control=pre[n:], n_boot=0)
    theta = np.cov(post, pre)[0, 1] / pre.var(ddof=1)
    assert cup.cuped["theta"] == pytest.approx(theta)
    assert cup.cuped["variance_reduction"] > 0.8
    assert cup.ci[1] - cup.ci[0] < 0.5 * (plain.ci[1] - plain.ci[0])
    assert cup.difference == pytest.approx(plain.difference, abs=0.15)
    # the adjusted difference, by hand
    adj = post - theta * (pre - pre.mean())
    assert cup.difference == pytest.approx(adj[:n].mean() - adj[n:].mean())


def test_srm_against_scipy_chisquare():
    r = srm_check({"pilot": 2200, "control": 7800}, {"pilot": 0.2, "control": 0.8})
    ref = stats.chisquare([2200, 7800], f_exp=[2000, 8000])
    assert r.chi2 == pytest.approx(ref.statistic) and r.p_value == pytest.approx(ref.pvalue)
    assert r.mismatch and r.gate().verdict == "fail"
    ok = srm_check([5020, 4980])
    assert not ok.mismatch and ok.gate().verdict == "pass"
    json.dumps(r.to_dict(), allow_nan=False)


def test_plan_matches_statsmodels_solve_power():
    for rel, mean, sd, ratio, alpha, power, alt in [
        (-0.25, 12, 6, 1, 0.05, 0.8, "two-sided"),
        (-0.1, 12, 9, 4, 0.05, 0.9, "two-sided"),
        (0.05, 100, 30, 0.5, 0.01, 0.8, "one-sided"),
    ]:
        p = plan_pilot(relative_effect=rel, baseline_mean=mean, baseline_sd=sd, ratio=ratio,
                       alpha=alpha, power=power, alternative=alt)
        d = abs(rel * mean) / sd
        ref = TTestIndPower().solve_power(
            effect_size=d, alpha=alpha, power=power, ratio=ratio,
            alternative="two-sided" if alt == "two-sided" else "larger",
        )
        assert p.n_treatment_exact == pytest.approx(ref, rel=1e-6)
        assert p.n_treatment == math.ceil(ref)
        assert p.n_control == math.ceil(ref * ratio)


def test_plan_duration_cuped_and_baseline_values():
    p = plan_pilot(relative_effect=-0.25, baseline_mean=12, baseline_sd=6, daily_volume=40,
                   traffic_share=0.5)
    assert p.days == math.ceil(p.n_total / 20)
    c = plan_pilot(relative_effect=-0.25, baseline_mean=12, baseline_sd=6,
                   covariate_correlation=0.7)
    assert c.n_treatment < p.n_treatment
    assert c.effect_size == pytest.approx(0.5 / math.sqrt(1 - 0.49))
    base = np.random.default_rng(4).gamma(4, 3, 500)
    b = plan_pilot(relative_effect=-0.25, baseline=base)
    assert b.baseline_sd == pytest.approx(base.std(ddof=1))
    json.dumps(b.to_dict(), allow_nan=False)


def _pilot_frame(seed=5, n_t=600, n_c=600, csat_drop=0.0, reopen_up=0.0):
    rng = np.random.default_rng(seed)
    n = n_t + n_c
    arm = np.array(["pilot"] * n_t + ["control"] * n_c)
    pre = rng.gamma(4, 3, n)
    minutes = pre * np.where(arm == "pilot", 0.7, 1.0) + rng.normal(0, 2, n)
    csat = rng.normal(4.2, 0.5, n) - csat_drop * (arm == "pilot")
    reopen = (rng.random(n) < 0.1 + reopen_up * (arm == "pilot")).astype(float)
    return pd.DataFrame({"arm": arm, "minutes": minutes, "pre": pre, "csat": csat,
                         "reopened": reopen})


def test_analyse_pilot_gates():
    df = _pilot_frame(csat_drop=0.3)
    rep = analyse_pilot(df, metric="minutes", covariate="pre", target_relative=-0.25,
                        guardrails={"csat": "higher",
                                    "reopened": {"better": "lower", "margin": 0.5}},
                        n_boot=0)
    by = {g.name: g for g in rep.gates}
    assert by["sample ratio mismatch"].verdict == "pass"
    assert by["pilot effect on minutes"].verdict == "pass"
    assert by["guardrail: csat"].verdict == "fail"
    assert "significant degradation" in by["guardrail: csat"].detail
    assert by["guardrail: reopened"].verdict == "pass"
    assert rep.primary.cuped is not None
    json.dumps(rep.to_dict(), allow_nan=False)


def test_guardrail_warns_on_unclear_degradation_beyond_margin():
    df = _pilot_frame(n_t=60, n_c=60, csat_drop=0.1, seed=6)
    rep = analyse_pilot(df, metric="minutes", n_boot=0,
                        guardrails={"csat": {"better": "higher", "margin": 0.005}})
    g = rep.guardrails[0]
    assert g.degradation > 0.005 and g.degradation_ci[0] <= 0.005
    assert g.verdict == "warn" and not g.non_inferiority


def test_srm_in_pilot_and_planned_split():
    df = _pilot_frame(n_t=300, n_c=900)
    rep = analyse_pilot(df, metric="minutes", n_boot=0)
    assert rep.srm.mismatch  # planned 50/50 by default
    rep2 = analyse_pilot(df, metric="minutes", n_boot=0,
                         planned_split={"pilot": 0.25, "control": 0.75})
    assert not rep2.srm.mismatch
    assert analyse_pilot(df, metric="minutes", n_boot=0, planned_split=False).srm is None


def test_baseline_period_comparison_says_what_it_cannot_rule_out():
    t, c = _arms(seed=7)
    e = compare_to_baseline(t, c, metric="minutes", n_boot=0)
    assert e.design == "baseline period"
    assert any("not a randomised control" in n for n in e.notes)


def test_bad_input():
    df = _pilot_frame()
    with pytest.raises(DataError, match="'pilot_v2' is not a value"):
        analyse_pilot(df, metric="minutes", treatment="pilot_v2")
    with pytest.raises(DataError, match="'speed'"):
        analyse_pilot(df, metric="speed")
    with pytest.raises(DataError, match="at least 2"):
        compare_arms([1.0], [2.0, 3.0])
    with pytest.raises(DataError, match="missing"):
        compare_arms([1.0, np.nan, 2.0], [2.0, 3.0])
    with pytest.raises(DataError, match="numeric"):
        compare_arms(["a", "b"], [2.0, 3.0])
    with pytest.raises(DataError, match="no variance"):
        compare_arms([1.0, 1.0], [1.0, 1.0])
    with pytest.raises(DataError, match="control mean"):
        compare_arms([1.0, 2.0], [-1.0, 1.0])
    with pytest.raises(UsageError, match="together"):
        compare_arms([1.0, 2.0], [2.0, 3.0], covariate_treatment=[1, 2])
    with pytest.raises(UsageError, match="alpha"):
        compare_arms([1.0, 2.0], [2.0, 3.0], alpha=5)
    with pytest.raises(UsageError, match="'better'"):
        analyse_pilot(df, metric="minutes", guardrails={"csat": "up"})
    with pytest.raises(UsageError, match="not 0, not a percentage"):
        plan_pilot(relative_effect=-25, baseline_mean=12, baseline_sd=6)
    with pytest.raises(UsageError, match="baseline_mean and baseline_sd"):
        plan_pilot(relative_effect=-0.25)
    with pytest.raises(UsageError, match="planned"):
        srm_check({"a": 1, "b": 2}, {"a": 0.5})
    with pytest.raises(DataError, match="empty"):
        analyse_pilot(df.iloc[:0], metric="minutes")
