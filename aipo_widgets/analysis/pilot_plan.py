"""Planning a pilot: how many units per arm, and how many days, to detect a target effect.

:func:`plan_pilot` gives the minimum sample size per arm and the duration (from the daily
volume) to detect a target relative effect (e.g. 25 % less handling time) at a given power and
alpha, for Welch's/Student's two-sample t test: the same numbers as statsmodels'
``TTestIndPower().solve_power`` (computed with scipy's noncentral t here).  A pre-period
covariate used for CUPED shrinks the variance by the square of its correlation.

Examples
--------
>>> p = plan_pilot(relative_effect=-0.25, baseline_mean=12, baseline_sd=6, ratio=4,
...                daily_volume=400, traffic_share=0.5)
>>> p.n_treatment, p.n_control, p.days
(40, 159, 1)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from aipo_widgets.analysis._checks import arm_values, check_alpha
from aipo_widgets.analysis._json import plain
from aipo_widgets.errors import UsageError

__all__ = [
    "DesignPlan",
    "PilotPlan",
    "icc_anova",
    "plan_design",
    "plan_pilot",
]


@dataclass
class PilotPlan:
    """How many units and days a pilot needs.

    Parameters
    ----------
    n_treatment, n_control, n_total : int
        Units per arm (rounded up) and in all.
    n_treatment_exact : float
        The unrounded solution for the treatment arm (statsmodels' ``solve_power`` value).
    effect_size : float
        Cohen's d: the absolute effect over the standard deviation (after CUPED, if any).
    absolute_effect : float
        ``relative_effect * baseline_mean``.
    baseline_mean, baseline_sd : float
        The assumptions.
    relative_effect, alpha, power, ratio : float
        The inputs (``ratio`` = control units per treatment unit).
    alternative : str
        ``two-sided`` or ``one-sided``.
    daily_volume : float or None
        Units per day across both arms.
    traffic_share : float
        Share of the daily volume that enters the pilot (both arms).
    days : int or None
        Days to collect ``n_total`` (None without a daily volume).
    variance_reduction : float
        Assumed CUPED variance reduction (``covariate_correlation ** 2``).
    notes : list of str
        Assumptions to state in the plan.
    """

    n_treatment: int
    n_control: int
    n_total: int
    n_treatment_exact: float
    effect_size: float
    absolute_effect: float
    baseline_mean: float
    baseline_sd: float
    relative_effect: float
    alpha: float
    power: float
    ratio: float
    alternative: str
    daily_volume: float | None
    traffic_share: float
    days: int | None
    variance_reduction: float
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {k: plain(v) for k, v in asdict(self).items()}


def _power(d: float, n1: float, ratio: float, alpha: float, alternative: str) -> float:
    """Power of the two-sample t test (the formula of statsmodels' TTestIndPower)."""
    from scipy import stats

    n2 = n1 * ratio
    df = n1 + n2 - 2
    nc = d * math.sqrt(1 / (1 / n1 + 1 / n2))
    if alternative == "two-sided":
        crit = stats.t.isf(alpha / 2, df)
        return float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))
    crit = stats.t.isf(alpha, df)
    return float(stats.nct.sf(crit, df, nc))


def _positive(v: Any, name: str, *, upper: float | None = None) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float, np.number)) or not math.isfinite(v):
        msg = f"{name} must be a finite number, got {v!r}"
        raise UsageError(msg)
    if v <= 0 or (upper is not None and v >= upper):
        rng = f"between 0 and {upper:g}" if upper is not None else "greater than 0"
        msg = f"{name} must be {rng}, got {v!r}"
        raise UsageError(msg)
    return float(v)


def plan_pilot(
    *,
    relative_effect: float,
    baseline_mean: float | None = None,
    baseline_sd: float | None = None,
    baseline: Any = None,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    alternative: str = "two-sided",
    daily_volume: float | None = None,
    traffic_share: float = 1.0,
    covariate_correlation: float = 0.0,
) -> PilotPlan:
    """Minimum units per arm and days to detect a relative effect with a two-sample t test.

    Parameters
    ----------
    relative_effect : float
        The effect to detect, relative to the baseline mean (e.g. ``-0.25``: 25 % less).
    baseline_mean, baseline_sd : float, optional
        The metric's mean and standard deviation per unit before the pilot.
    baseline : array-like, optional
        Baseline values to estimate the mean and standard deviation from, instead.
    alpha : float, default 0.05
        Significance level.
    power : float, default 0.8
        Probability of detecting the effect if it is real.
    ratio : float, default 1.0
        Control units per treatment unit (e.g. 4 for a 20 % pilot and 80 % control).
    alternative : {"two-sided", "one-sided"}
        The test (one-sided in the direction of the effect).
    daily_volume : float, optional
        Units per day, to compute the duration.
    traffic_share : float, default 1.0
        Share of the daily volume that enters the pilot (both arms together).
    covariate_correlation : float, default 0.0
        Correlation of the metric with a pre-period covariate used for CUPED; the variance
        shrinks by its square.

    Returns
    -------
    PilotPlan
        The same sample size as ``statsmodels.stats.power.TTestIndPower().solve_power``
        (``nobs1``, rounded up).

    Examples
    --------
    >>> p = plan_pilot(relative_effect=-0.25, baseline_mean=12, baseline_sd=6,
    ...                daily_volume=200, traffic_share=0.5)
    >>> p.effect_size, p.n_treatment, p.n_control, p.days
    (0.5, 64, 64, 2)
    """
    from scipy.optimize import brentq

    a = check_alpha(alpha)
    pw = _positive(power, "power", upper=1.0)
    if pw <= a:
        msg = f"power ({pw}) must be larger than alpha ({a})"
        raise UsageError(msg)
    r = _positive(ratio, "ratio")
    if alternative not in ("two-sided", "one-sided"):
        msg = f"alternative must be 'two-sided' or 'one-sided', got {alternative!r}"
        raise UsageError(msg)
    rel = relative_effect
    if isinstance(rel, bool) or not isinstance(rel, (int, float)) or not math.isfinite(rel):
        msg = f"relative_effect must be a number such as -0.25, got {rel!r}"
        raise UsageError(msg)
    if rel == 0 or abs(rel) >= 10:
        msg = f"relative_effect must be a share such as -0.25 (not 0, not a percentage), got {rel}"
        raise UsageError(msg)
    notes = []
    if baseline is not None:
        if baseline_mean is not None or baseline_sd is not None:
            msg = "pass either baseline values or baseline_mean and baseline_sd, not both"
            raise UsageError(msg)
        x = arm_values(baseline, "baseline", "baseline")
        baseline_mean, baseline_sd = float(x.mean()), float(x.std(ddof=1))
        notes.append(f"mean and sd estimated from {len(x)} baseline values")
    if baseline_mean is None or baseline_sd is None:
        msg = "pass baseline_mean and baseline_sd, or baseline=<values before the pilot>"
        raise UsageError(msg)
    if (
        isinstance(baseline_mean, bool)
        or not isinstance(baseline_mean, (int, float, np.number))
        or not math.isfinite(baseline_mean)
        or baseline_mean == 0
    ):
        msg = f"baseline_mean must be a finite number other than 0, got {baseline_mean!r}"
        raise UsageError(msg)
    sd = _positive(baseline_sd, "baseline_sd")
    rho = covariate_correlation
    if isinstance(rho, bool) or not isinstance(rho, (int, float)) or not -1 < rho < 1:
        msg = f"covariate_correlation must be between -1 and 1 (exclusive), got {rho!r}"
        raise UsageError(msg)
    share = _positive(traffic_share, "traffic_share", upper=1.0 + 1e-12)
    vr = rho**2
    sd_eff = sd * math.sqrt(1 - vr)
    delta = rel * float(baseline_mean)
    d = abs(delta) / sd_eff
    if vr:
        notes.append(f"assumes CUPED removes {vr:.0%} of the variance (correlation {rho:g})")
    f = lambda n1: _power(d, n1, r, a, alternative) - pw  # noqa: E731
    lo = 2.0 / min(1.0, r) + 1e-9  # at least two units in the smaller arm
    if f(lo) >= 0:
        n1 = lo
    else:
        hi = 10.0
        while f(hi) < 0:
            hi *= 10
            if hi > 1e12:
                msg = f"the effect is too small to detect (d = {d:.2g}); no sample size suffices"
                raise UsageError(msg)
        n1 = float(brentq(f, lo, hi, xtol=1e-10, rtol=1e-12))
    nt = math.ceil(n1 - 1e-9)
    nc = math.ceil(n1 * r - 1e-9)
    days = None
    volume = None
    if daily_volume is not None:
        volume = _positive(daily_volume, "daily_volume")
        days = math.ceil((nt + nc) / (volume * share))
    notes.append(
        "the t test assumes roughly normal means per arm: fine for a few dozen units per arm "
        "unless the metric has a heavy tail (then plan with more, or a transformed metric)"
    )
    return PilotPlan(
        n_treatment=nt,
        n_control=nc,
        n_total=nt + nc,
        n_treatment_exact=n1,
        effect_size=round(d, 12),
        absolute_effect=delta,
        baseline_mean=float(baseline_mean),
        baseline_sd=sd,
        relative_effect=float(rel),
        alpha=a,
        power=pw,
        ratio=r,
        alternative=alternative,
        daily_volume=volume,
        traffic_share=share,
        days=days,
        variance_reduction=vr,
        notes=notes,
    )


# ------------------------------------------------------------------------------------------------
# planning for a design: clusters and periods, before/after with a control


def icc_anova(values: Any, groups: Any) -> float:
    """Estimate the intra-cluster correlation by one-way ANOVA (0 when negative).

    ``(MSB − MSW) / (MSB + (m₀ − 1)·MSW)`` with ``m₀`` the adjusted mean cluster size
    (Donner 1986), the usual estimator for planning cluster trials.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> g = np.repeat(np.arange(200), 10)
    >>> y = rng.normal(0, np.sqrt(0.2), 200)[g] + rng.normal(0, np.sqrt(0.8), 2000)
    >>> round(icc_anova(y, g), 2)
    0.2
    """
    import pandas as pd

    frame = pd.DataFrame({"y": np.asarray(values, dtype=float), "g": np.asarray(groups)})
    frame = frame.dropna()
    stats_ = frame.groupby("g").y.agg(["size", "mean"])
    k, n = len(stats_), len(frame)
    if k < 2 or n <= k:
        return 0.0
    grand = frame.y.mean()
    ssb = float((stats_["size"] * (stats_["mean"] - grand) ** 2).sum())
    ssw = float(((frame.y - frame.g.map(stats_["mean"])) ** 2).sum())
    msb, msw = ssb / (k - 1), ssw / (n - k)
    m0 = (n - float((stats_["size"] ** 2).sum()) / n) / (k - 1)
    denom = msb + (m0 - 1) * msw
    return max(0.0, (msb - msw) / denom) if denom > 0 else 0.0


@dataclass
class DesignPlan:
    """How large a pilot of a given design must be to detect its target effect.

    Parameters
    ----------
    design : str
        The design, in words.
    relative_effect, alpha, power : float
        The target and the test's settings.
    baseline_mean, baseline_sd : float
        The metric per unit before the change.
    icc : float
        Intra-cluster correlation (clusters, periods) or the correlation of a unit with itself
        over time (before/after); see ``icc_source``.
    icc_source : str
        ``declared``, ``estimated from <n> clusters`` or ``assumed``.
    cluster_size : float or None
        Mean units per cluster (per period for a switchback).
    design_effect : float
        The variance factor against an individually randomised pilot of the same units
        (``1 + (m − 1)·ICC`` for clusters; ``(1 − ρ)(1/T_before + 1/T_after)`` for a
        before/after unit observed ``T`` periods each).
    units_per_arm : tuple of int
        Units needed in the treatment and control arms.
    clusters_per_arm : tuple of int or None
        Clusters (periods) needed in the treatment and control arms.
    notes : list of str
        What the plan assumes.
    """

    design: str
    relative_effect: float
    alpha: float
    power: float
    baseline_mean: float
    baseline_sd: float
    icc: float
    icc_source: str
    cluster_size: float | None
    design_effect: float
    units_per_arm: tuple[int, int]
    clusters_per_arm: tuple[int, int] | None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {k: plain(v) for k, v in asdict(self).items()}


def _cluster_power(d: float, k_t: int, k_c: int, m: float, deff: float, alpha: float) -> float:
    """Power of the cluster-level t test (df = clusters − 2) with variance inflated by deff."""
    from scipy import stats

    df = k_t + k_c - 2
    if df < 1:
        return 0.0
    nc = d / math.sqrt(deff * (1 / (k_t * m) + 1 / (k_c * m)))
    crit = stats.t.isf(alpha / 2, df)
    return float(stats.nct.sf(crit, df, nc) + stats.nct.cdf(-crit, df, nc))


def plan_design(
    design: str,
    *,
    relative_effect: float,
    baseline_mean: float,
    baseline_sd: float,
    alpha: float = 0.05,
    power: float = 0.8,
    ratio: float = 1.0,
    icc: float = 0.0,
    icc_source: str = "assumed",
    cluster_size: float | None = None,
    periods_before: int = 1,
    periods_after: int = 1,
) -> DesignPlan:
    """Plan a pilot for its design: units (and clusters) per arm to detect the target.

    Parameters
    ----------
    design : {"individually_randomised", "cluster_randomised", "switchback", \
"before_after_control"}
        The design (:mod:`aipo_widgets.model.pilot_design`).
    relative_effect : float
        The effect to detect, relative (e.g. ``-0.3``).
    baseline_mean, baseline_sd : float
        The metric per unit before the change.
    alpha, power : float
        The two-sided test's level and the power wanted.
    ratio : float, default 1
        Control units (clusters) per treatment unit (cluster).
    icc : float, default 0
        Clusters and switchbacks: the intra-cluster (intra-period) correlation; before/after:
        the correlation of a unit's values over time.
    icc_source : str
        Where ``icc`` came from, for the report.
    cluster_size : float, optional
        Units per cluster (per period); needed for clusters and switchbacks.
    periods_before, periods_after : int, default 1
        Before/after: the periods (e.g. months) each unit is observed in before and after.

    Returns
    -------
    DesignPlan

    Examples
    --------
    Forty tickets per team and an ICC of 0.05: each team counts as about 14 tickets.

    >>> p = plan_design("cluster_randomised", relative_effect=-0.25, baseline_mean=12,
    ...                 baseline_sd=6, icc=0.05, cluster_size=40)
    >>> round(p.design_effect, 2), p.units_per_arm, p.clusters_per_arm
    (2.95, (240, 240), (6, 6))

    Machines seen four months before and four after, correlation 0.3 over time:

    >>> p = plan_design("before_after_control", relative_effect=-0.3, baseline_mean=1.8,
    ...                 baseline_sd=3.0, icc=0.3, periods_before=4, periods_after=4)
    >>> round(p.design_effect, 3), p.units_per_arm
    (0.35, (171, 171))
    """
    if design not in ("individually_randomised", "cluster_randomised", "switchback",
                      "before_after_control"):
        msg = f"unknown design {design!r}"
        raise UsageError(msg)
    if not 0 <= icc < 1:
        msg = f"icc must be between 0 and 1 (exclusive), got {icc!r}"
        raise UsageError(msg)
    base = plan_pilot(relative_effect=relative_effect, baseline_mean=baseline_mean,
                      baseline_sd=baseline_sd, alpha=alpha, power=power, ratio=ratio)
    a, pw, r = base.alpha, base.power, base.ratio
    notes: list[str] = []
    names = {"individually_randomised": "individually randomised",
             "cluster_randomised": "cluster-randomised", "switchback": "switchback",
             "before_after_control": "before/after with a control (difference in differences)"}
    if design == "individually_randomised":
        return DesignPlan(names[design], base.relative_effect, a, pw, base.baseline_mean,
                          base.baseline_sd, 0.0, "not used", None, 1.0,
                          (base.n_treatment, base.n_control), None, base.notes)
    if design == "before_after_control":
        tb = _positive(periods_before, "periods_before")
        ta = _positive(periods_after, "periods_after")
        deff = (1 - icc) * (1 / tb + 1 / ta)
        scale = math.sqrt(deff)
        plan = plan_pilot(relative_effect=relative_effect, baseline_mean=baseline_mean,
                          baseline_sd=baseline_sd * scale, alpha=a, power=pw, ratio=r)
        notes.append(
            f"each unit seen {tb:g} period(s) before and {ta:g} after, its values correlated "
            f"{icc:.2g} over time ({icc_source}); assumes no shocks shared by the units of a "
            "group, which only several groups per arm can check: with one group per arm no "
            "number of units gives inference")
        return DesignPlan(names[design], base.relative_effect, a, pw, base.baseline_mean,
                          base.baseline_sd, icc, icc_source, None, deff,
                          (plan.n_treatment, plan.n_control), None, notes)
    if cluster_size is None:
        msg = f"a {names[design]} plan needs cluster_size (units per cluster or period)"
        raise UsageError(msg)
    m = _positive(cluster_size, "cluster_size")
    deff = 1 + (m - 1) * icc
    d = base.effect_size
    k_t = max(2, math.ceil(base.n_treatment_exact * deff / m))
    while True:
        k_c = max(2, math.ceil(k_t * r))
        if _cluster_power(d, k_t, k_c, m, deff, a) >= pw or k_t > 100_000:
            break
        k_t += 1
    what = "periods" if design == "switchback" else "clusters"
    notes.append(
        f"{m:.3g} units per {what[:-1]}, intra-{what[:-1]} correlation {icc:.2g} ({icc_source}): "
        f"design effect {deff:.3g}; t test on {what} − 2 degrees of freedom")
    if k_t < 10:
        notes.append(f"fewer than 10 {what} per arm: cluster-robust intervals are rough; plan "
                     "more if you can")
    if design == "switchback":
        notes.append("assumes no carry-over from one period to the next (leave a gap, or "
                     "drop the first hours of each period, if there is)")
    return DesignPlan(names[design], base.relative_effect, a, pw, base.baseline_mean,
                      base.baseline_sd, icc, icc_source, m, deff,
                      (math.ceil(k_t * m), math.ceil(k_c * m)), (k_t, k_c), notes)
