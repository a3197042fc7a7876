"""Pilot estimators by design, against statsmodels and by the coverage of their intervals.

Data are generated with a known effect. statsmodels (a test dependency only) is the reference
for the cluster-robust OLS and the difference-in-differences regression; the coverage of the
95 % intervals over a few hundred seeded draws (fitted at once: one OLS, many outcome columns)
shows that clustering is what makes them honest where rows are not independent.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from aipo_widgets.analysis.pilot_designs import cluster_effect, cluster_robust_ols, did_effect
from aipo_widgets.analysis.pilots import analyse_pilot
from aipo_widgets.errors import DataError
from aipo_widgets.model.pilot_design import PilotDesign

sm = pytest.importorskip("statsmodels.api")


def clustered(rng: np.random.Generator, n_clusters: int = 30, size: int = 20,
              icc: float = 0.2, effect: float = 0.5, draws: int = 1):
    """Rows in clusters (half treated), outcome with cluster effects; `draws` outcome columns."""
    cluster = np.repeat(np.arange(n_clusters), size)
    treated = (cluster % 2 == 1)
    u = rng.normal(0, np.sqrt(icc), (n_clusters, draws))[cluster]
    e = rng.normal(0, np.sqrt(1 - icc), (len(cluster), draws))
    y = u + e + effect * treated[:, None]
    return cluster, treated, (y[:, 0] if draws == 1 else y)


def test_cluster_robust_ols_matches_statsmodels_on_unbalanced_clusters() -> None:
    rng = np.random.default_rng(7)
    cluster = np.repeat(np.arange(14), np.arange(3, 17))
    treated = np.isin(cluster, [0, 2, 3, 7, 9, 10, 13])
    y = rng.normal(0, 1, 14)[cluster] + rng.normal(0, 1, len(cluster)) + 0.4 * treated
    x = np.c_[np.ones(len(y)), treated]
    beta, cov, g = cluster_robust_ols(y, x, cluster)
    ref = sm.OLS(y, x).fit(cov_type="cluster", cov_kwds={"groups": cluster}, use_t=True)
    np.testing.assert_allclose(beta, ref.params, rtol=1e-10)
    np.testing.assert_allclose(cov, ref.cov_params(), rtol=1e-10)
    assert g == 14
    eff = cluster_effect(y, treated, cluster)
    np.testing.assert_allclose(eff.ci, ref.conf_int()[1], rtol=1e-10)
    np.testing.assert_allclose(eff.p_value, ref.pvalues[1], rtol=1e-8)
    assert eff.df == ref.df_resid_inference == 13
    # Many outcome columns at once give each column's own fit.
    ys = np.c_[y, 2 * y + rng.normal(0, 1, len(y))]
    beta2, cov2, _ = cluster_robust_ols(ys, x, cluster)
    ref2 = sm.OLS(ys[:, 1], x).fit(cov_type="cluster", cov_kwds={"groups": cluster})
    np.testing.assert_allclose(beta2[:, 1], ref2.params, rtol=1e-10)
    np.testing.assert_allclose(cov2[1], ref2.cov_params(), rtol=1e-10)


def test_did_matches_the_statsmodels_interaction_regression() -> None:
    rng = np.random.default_rng(11)
    group = np.repeat(np.arange(24), 10)
    treated = group < 10
    post = np.tile(np.arange(10) >= 6, 24)
    y = 20 + rng.normal(0, 3, 24)[group] + 2 * post - 4 * (treated & post) \
        + rng.normal(0, 2, len(group))
    frame = pd.DataFrame({"y": y, "treated": treated.astype(int), "post": post.astype(int)})
    ref = sm.OLS.from_formula("y ~ treated * post", frame).fit(
        cov_type="cluster", cov_kwds={"groups": group}, use_t=True)
    eff = did_effect(y, treated, post, group, what="store")
    assert eff.difference == pytest.approx(ref.params["treated:post"], rel=1e-10)
    np.testing.assert_allclose(eff.ci, ref.conf_int().loc["treated:post"], rtol=1e-9)
    assert eff.p_value == pytest.approx(ref.pvalues["treated:post"], rel=1e-8)
    # The relative effect is over the changed stores' counterfactual after the change.
    cells = eff.cells
    assert cells is not None
    cf = cells["treatment_before"] + cells["control_after"] - cells["control_before"]
    assert eff.mean_control == pytest.approx(cf)
    assert eff.relative == pytest.approx(cells["treatment_after"] / cf - 1)
    assert eff.relative_ci[0] < eff.relative < eff.relative_ci[1]
    assert eff.clusters == {"treatment": 10, "control": 14}


def coverage(lo: np.ndarray, hi: np.ndarray, truth: float) -> float:
    return float(np.mean((lo <= truth) & (truth <= hi)))


def test_cluster_intervals_cover_and_row_level_ones_do_not() -> None:
    rng = np.random.default_rng(2026)
    draws, effect = 400, 0.5
    cluster, treated, y = clustered(rng, draws=draws, effect=effect)
    x = np.c_[np.ones(len(cluster)), treated]
    beta, cov, g = cluster_robust_ols(y, x, cluster)
    se = np.sqrt(cov[:, 1, 1])
    crit = stats.t.isf(0.025, g - 1)
    covered = coverage(beta[1] - crit * se, beta[1] + crit * se, effect)
    assert 0.92 <= covered <= 0.98, covered
    # Welch over rows (what every pilot got before designs were declared) is far too narrow.
    welch = stats.ttest_ind(y[treated], y[~treated], equal_var=False).confidence_interval(0.95)
    assert coverage(welch.low, welch.high, effect) < 0.8
    # The public estimator gives the same interval as the batch fit for any one draw.
    one = cluster_effect(y[:, 5], treated, cluster)
    assert one.ci == pytest.approx((beta[1, 5] - crit * se[5], beta[1, 5] + crit * se[5]))


def test_did_intervals_cover_with_shocks_shared_by_a_group() -> None:
    rng = np.random.default_rng(90)
    draws, n_groups, machines, months, effect = 300, 30, 5, 8, -3.0
    shape = (n_groups, machines, months)
    group = np.broadcast_to(np.arange(n_groups)[:, None, None], shape).ravel()
    month = np.broadcast_to(np.arange(months), shape).ravel()
    treated, post = group < 15, month >= 4
    # Each plant's monthly shocks hit all its machines and persist (AR(1), rho 0.7): the rows
    # of a plant are not independent.
    shocks = np.empty((n_groups, months, draws))
    shocks[:, 0] = rng.normal(0, 1, (n_groups, draws))
    for m in range(1, months):
        shocks[:, m] = 0.7 * shocks[:, m - 1] + rng.normal(0, np.sqrt(0.51), (n_groups, draws))
    machine = group * machines + np.broadcast_to(np.arange(machines)[:, None], shape).ravel()
    y = (rng.normal(0, 2, (n_groups * machines, draws))[machine]
         + 1.5 * post[:, None] + effect * (treated & post)[:, None]
         + 2 * shocks[group, month] + rng.normal(0, 1, (len(group), draws)))
    x = np.c_[np.ones(len(group)), treated, post, treated & post].astype(float)
    beta, cov, g = cluster_robust_ols(y, x, group)
    se = np.sqrt(cov[:, 3, 3])
    crit = stats.t.isf(0.025, g - 1)
    covered = coverage(beta[3] - crit * se, beta[3] + crit * se, effect)
    assert 0.91 <= covered <= 0.98, covered
    # Treating machine-months as independent covers far less.
    _, cov_iid, _ = cluster_robust_ols(y, x, np.arange(len(group)))
    se_iid = np.sqrt(cov_iid[:, 3, 3])
    assert coverage(beta[3] - 1.96 * se_iid, beta[3] + 1.96 * se_iid, effect) < 0.8


# --------------------------------------------------------------------------------------------
# one analysis per design, through analyse_pilot


def frame_of(cluster, treated, y, **more) -> pd.DataFrame:
    return pd.DataFrame({"team": cluster, "arm": np.where(treated, "pilot", "control"),
                         "minutes": y, **more})


def test_individually_randomised_checks_the_declared_ratio() -> None:
    rng = np.random.default_rng(4)
    arm = np.where(rng.random(5000) < 0.2, "pilot", "control")
    df = pd.DataFrame({"arm": arm, "minutes": rng.gamma(4, 3, 5000)})
    design = PilotDesign(design="individually_randomised",
                         allocation={"pilot": 0.2, "control": 0.8})
    rep = analyse_pilot(df, metric="minutes", n_boot=0, design=design, source="tickets")
    assert rep.srm is not None and not rep.srm.mismatch
    assert rep.srm.planned == {"pilot": pytest.approx(0.2), "control": pytest.approx(0.8)}
    assert rep.design == "individually randomised" and rep.declared
    # Without the declared ratio the old default (50/50) cries mismatch.
    assert analyse_pilot(df, metric="minutes", n_boot=0).srm.mismatch
    assert "(assumed: no design declared)" in analyse_pilot(df, metric="minutes",
                                                            n_boot=0).design
    assert rep.provenance is not None and rep.provenance.rows == 5000
    assert all(g.provenance == rep.provenance for g in rep.gates)
    with pytest.raises(DataError, match="allocation names the arms"):
        analyse_pilot(df, metric="minutes", n_boot=0, design=PilotDesign(
            design="individually_randomised", allocation={"treatment": 1, "control": 4}))


def test_cluster_randomised_counts_clusters_and_infers_by_cluster() -> None:
    rng = np.random.default_rng(5)
    cluster, treated, y = clustered(rng, n_clusters=40, effect=-0.6, icc=0.3)
    df = frame_of(cluster, treated, 10 + y)
    design = PilotDesign(design="cluster_randomised", cluster_column="team")
    rep = analyse_pilot(df, metric="minutes", target_relative=-0.02, design=design)
    assert rep.srm is not None and rep.srm.unit == "clusters"
    assert rep.srm.counts == {"pilot": 20, "control": 20}
    assert rep.primary.clusters == {"treatment": 20, "control": 20} and rep.primary.df == 39
    naive = analyse_pilot(df, metric="minutes", n_boot=0)
    width = rep.primary.ci[1] - rep.primary.ci[0]
    assert width > 2 * (naive.primary.ci[1] - naive.primary.ci[0])
    names = [g.name for g in rep.gates]
    assert names == ["sample ratio mismatch", "pilot design: cluster-randomised",
                     "pilot effect on minutes"]
    # A team in both arms is not a cluster-randomised pilot.
    mixed = df.assign(team=np.where(df.index % 7 == 0, 0, df.team))
    with pytest.raises(DataError, match="have rows in both arms"):
        analyse_pilot(mixed, metric="minutes", design=design)


def test_before_after_with_control_is_did_without_srm() -> None:
    rng = np.random.default_rng(6)
    plant = np.repeat(np.arange(12), 8)
    months = np.tile(pd.period_range("2026-02", periods=8, freq="M").astype(str), 12)
    treated, post = plant < 6, months >= "2026-06"
    y = 2 + rng.normal(0, 0.3, 12)[plant] - 0.8 * (treated & post) + rng.normal(0, 0.3, 96)
    df = pd.DataFrame({"plant": plant, "month": months, "minutes": y,
                       "arm": np.where(treated, "pilot", "control")})
    design = PilotDesign(design="before_after_control", cluster_column="plant",
                         period_column="month", change_date="2026-06-01")
    rep = analyse_pilot(df, metric="minutes", target_relative=-0.2, design=design,
                        source="plants")
    assert rep.srm is None and "sample ratio mismatch" not in [g.name for g in rep.gates]
    assert rep.primary.design == "difference in differences"
    assert rep.primary.difference == pytest.approx(
        (y[treated & post].mean() - y[treated & ~post].mean())
        - (y[~treated & post].mean() - y[~treated & ~post].mean()))
    assert rep.primary.ci[1] < 0 and rep.primary.inference
    prov = rep.provenance
    assert prov is not None and (prov.start.isoformat(), prov.end.isoformat()) == (
        "2026-02-01", "2026-09-30")
    assert "6 and 6 clusters (plant)" in prov.note
    with pytest.raises(DataError, match="must hold dates or months"):
        analyse_pilot(df.assign(month="after"), metric="minutes", design=design)


def test_switchback_infers_by_period_and_needs_one_arm_per_period() -> None:
    rng = np.random.default_rng(8)
    day = np.repeat(np.arange(28), 50)
    on = day % 2 == 0
    y = 10 + rng.normal(0, 1, 28)[day] - 1.0 * on + rng.normal(0, 2, len(day))
    df = frame_of(day, on, y, day=day)
    design = PilotDesign(design="switchback", period_column="day")
    rep = analyse_pilot(df, metric="minutes", design=design)
    assert rep.srm is not None and rep.srm.unit == "periods"
    assert rep.primary.clusters == {"treatment": 14, "control": 14}
    assert rep.primary.design == "switchback" and rep.primary.df == 27
    assert rep.primary.ci[0] < -1.0 < rep.primary.ci[1]
    with pytest.raises(DataError, match="have rows in both arms"):
        analyse_pilot(df.assign(arm=np.where(df.index % 2 == 0, "pilot", "control")),
                      metric="minutes", design=design)


@pytest.mark.parametrize("design", [
    PilotDesign(design="cluster_randomised", cluster_column="team"),
    PilotDesign(design="before_after_control", cluster_column="team", period_column="month",
                change_date="2026-06-01"),
])
def test_one_cluster_per_arm_gives_no_inference_and_never_passes(design: PilotDesign) -> None:
    rng = np.random.default_rng(9)
    n = 600
    treated = np.arange(n) < 300
    month = np.tile(["2026-04", "2026-05", "2026-06", "2026-07"], n // 4)
    post = month >= "2026-06"
    # A huge effect: with rows as units it would be overwhelmingly significant.
    y = 10 + rng.normal(0, 1, n) - 5 * (treated & post if design.change_date else treated)
    df = pd.DataFrame({"team": np.where(treated, "nord", "sued"), "month": month,
                       "arm": np.where(treated, "pilot", "control"), "minutes": y,
                       "csat": rng.normal(4, 0.5, n)})
    rep = analyse_pilot(df, metric="minutes", target_relative=-0.2, design=design,
                        guardrails={"csat": "higher"})
    assert not rep.primary.inference and np.isnan(rep.primary.p_value)
    assert all(np.isnan(rep.primary.ci)) and not rep.primary.significant
    verdicts = {g.name: g.verdict for g in rep.gates}
    assert "pass" not in {v for k, v in verdicts.items() if k != "sample ratio mismatch"}
    assert verdicts["pilot effect on minutes"] == "warn"
    assert verdicts["guardrail: csat"] == "warn"
    gate = next(g for g in rep.gates if g.name.startswith("pilot design"))
    assert gate.verdict == "warn" and "no inference is possible" in gate.detail
    assert "nord against sued" in gate.detail
    assert rep.primary.relative < -0.3  # the estimate is still reported


def test_did_checks_parallel_trends_before_the_change() -> None:
    rng = np.random.default_rng(16)
    store = np.repeat(np.arange(20), 8)
    month = np.tile([f"2026-{k:02d}" for k in range(2, 10)], 20)
    treated, post = store < 10, month >= "2026-06"
    step = np.tile(np.arange(8), 20)
    base = 20 + rng.normal(0, 1, 20)[store] - 3 * (treated & post) + rng.normal(0, 0.5, 160)
    design = PilotDesign(design="before_after_control", cluster_column="store",
                         period_column="month", change_date="2026-06-01")

    def gates(y):
        df = pd.DataFrame({"store": store, "month": month, "minutes": y,
                           "arm": np.where(treated, "pilot", "control")})
        rep = analyse_pilot(df, metric="minutes", design=design)
        return {g.name: g for g in rep.gates}

    parallel = gates(base)["parallel trends before the change: minutes"]
    assert parallel.verdict == "pass" and parallel.ci[0] < 0 < parallel.ci[1]
    # The changed stores were already falling by 0.8 a month before the change.
    drifting = gates(base - 0.8 * step * treated)["parallel trends before the change: minutes"]
    assert drifting.verdict == "warn" and "already drifting apart" in drifting.detail
