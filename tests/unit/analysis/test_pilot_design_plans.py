"""Planning a pilot for its design: the plans' power checked by simulation, the ICC estimator."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from aipo_widgets.analysis.pilot_designs import cluster_robust_ols
from aipo_widgets.analysis.pilot_plan import icc_anova, plan_design, plan_pilot
from aipo_widgets.errors import UsageError


def test_the_cluster_plan_reaches_its_power_in_simulation() -> None:
    plan = plan_design("cluster_randomised", relative_effect=-0.25, baseline_mean=12,
                       baseline_sd=6, icc=0.1, cluster_size=30)
    assert plan.design_effect == pytest.approx(1 + 29 * 0.1)
    k_t, k_c = plan.clusters_per_arm
    # Individually randomised, far fewer units would do: the design effect is the price.
    individual = plan_pilot(relative_effect=-0.25, baseline_mean=12, baseline_sd=6)
    assert plan.units_per_arm[0] >= individual.n_treatment * plan.design_effect * 0.95
    rng = np.random.default_rng(12)
    draws, m = 400, 30
    cluster = np.repeat(np.arange(k_t + k_c), m)
    treated = cluster < k_t
    sd_between, sd_within = 6 * np.sqrt(0.1), 6 * np.sqrt(0.9)
    y = (12 + rng.normal(0, sd_between, (k_t + k_c, draws))[cluster]
         + rng.normal(0, sd_within, (len(cluster), draws)) - 3.0 * treated[:, None])
    x = np.c_[np.ones(len(cluster)), treated]
    beta, cov, g = cluster_robust_ols(y, x, cluster)
    t = beta[1] / np.sqrt(cov[:, 1, 1])
    power = float(np.mean(np.abs(t) > stats.t.isf(0.025, g - 1)))
    assert 0.72 <= power <= 0.92, (plan.clusters_per_arm, power)
    # One cluster fewer per arm than planned would be short of the power.
    fewer = plan_design("cluster_randomised", relative_effect=-0.25, baseline_mean=12,
                        baseline_sd=6, icc=0.1, cluster_size=30, power=0.6)
    assert fewer.clusters_per_arm[0] < k_t


def test_the_did_plan_reaches_its_power_in_simulation() -> None:
    plan = plan_design("before_after_control", relative_effect=-0.3, baseline_mean=10,
                       baseline_sd=4, icc=0.5, periods_before=4, periods_after=4)
    n_t, n_c = plan.units_per_arm
    rng = np.random.default_rng(13)
    draws, months = 400, 8
    unit = np.repeat(np.arange(n_t + n_c), months)
    post = np.tile(np.arange(months) >= 4, n_t + n_c)
    treated = unit < n_t
    y = (10 + rng.normal(0, np.sqrt(0.5) * 4, (n_t + n_c, draws))[unit]
         + rng.normal(0, np.sqrt(0.5) * 4, (len(unit), draws)) - 3.0 * (treated & post)[:, None])
    x = np.c_[np.ones(len(unit)), treated, post, treated & post].astype(float)
    beta, cov, g = cluster_robust_ols(y, x, unit)
    power = float(np.mean(np.abs(beta[3] / np.sqrt(cov[:, 3, 3])) > stats.t.isf(0.025, g - 1)))
    assert 0.72 <= power <= 0.9, (plan.units_per_arm, power)
    assert "with one group per arm no number of units gives inference" in plan.notes[0]


def test_individual_plan_is_plan_pilot_and_switchbacks_count_periods() -> None:
    ind = plan_design("individually_randomised", relative_effect=-0.25, baseline_mean=12,
                      baseline_sd=6, ratio=4)
    ref = plan_pilot(relative_effect=-0.25, baseline_mean=12, baseline_sd=6, ratio=4)
    assert ind.units_per_arm == (ref.n_treatment, ref.n_control) and ind.design_effect == 1
    sw = plan_design("switchback", relative_effect=-0.1, baseline_mean=10, baseline_sd=4,
                     icc=0.02, cluster_size=200)
    assert sw.clusters_per_arm is not None and sw.clusters_per_arm[0] >= 2
    assert any("carry-over" in n for n in sw.notes)
    with pytest.raises(UsageError, match="needs cluster_size"):
        plan_design("cluster_randomised", relative_effect=-0.2, baseline_mean=1, baseline_sd=1)
    with pytest.raises(UsageError, match="unknown design"):
        plan_design("stepped_wedge", relative_effect=-0.2, baseline_mean=1, baseline_sd=1)


def test_icc_anova_recovers_a_known_icc() -> None:
    rng = np.random.default_rng(14)
    g = np.repeat(np.arange(300), np.tile([5, 15], 150))
    y = rng.normal(0, np.sqrt(0.3), 300)[g] + rng.normal(0, np.sqrt(0.7), len(g))
    assert icc_anova(y, g) == pytest.approx(0.3, abs=0.05)
    assert icc_anova(rng.normal(0, 1, 100), np.arange(100) % 50) < 0.15
    assert icc_anova([1.0, 2.0], [0, 0]) == 0.0


def test_the_workspace_plan_uses_the_stage_design_and_the_pilot_data() -> None:
    import pandas as pd

    from aipo_widgets.analysis import measure
    from aipo_widgets.model.schema import Workspace

    rng = np.random.default_rng(15)
    team = np.repeat(np.arange(24), 40)
    frame = pd.DataFrame({"team": team, "arm": np.where(team % 2, "treatment", "control"),
                          "minutes": 12 + rng.normal(0, 2, 24)[team] + rng.normal(0, 5, 960)})
    ws = Workspace.model_validate({
        "product": {"name": "x", "owner": "y"},
        "data_map": {"sources": [{"id": "p", "name": "P", "role": "pilot", "arm_column": "arm"}]},
        "metric_tree": {"root": "t", "nodes": [
            {"id": "t", "name": "Minutes", "measure": {"column": "minutes"}},
            {"id": "saved", "name": "Saved", "parent": "t", "effect_of": "t", "target": 0.2}]},
        "rollout": {"stages": [{"id": "pilot", "name": "Pilot", "pilot": {
            "design": "cluster_randomised", "cluster_column": "team"}}]}})
    planned = measure.pilot_plan(ws, frame, ws.source("p"))
    assert planned is not None
    plan, has = planned
    assert plan.design == "cluster-randomised" and plan.relative_effect == -0.2
    assert plan.icc_source == "estimated from 12 team values" and 0.05 < plan.icc < 0.35
    assert plan.cluster_size == 40 and plan.design_effect == pytest.approx(1 + 39 * plan.icc)
    assert has == {"units_per_arm": (480, 480), "clusters_per_arm": (12, 12)}
    assert plan.clusters_per_arm is not None
    declared = ws.model_copy(deep=True)
    declared.rollout.stages[0].pilot.icc = 0.01
    plan2, _ = measure.pilot_plan(declared, frame, declared.source("p"))
    assert plan2.icc == 0.01 and plan2.icc_source == "declared"
    assert plan2.clusters_per_arm[0] < plan.clusters_per_arm[0]
