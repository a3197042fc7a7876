"""The effect of a pilot on one metric: the difference of means with its intervals, and CUPED.

:func:`compare_arms` compares a metric (e.g. handling time per ticket) between the pilot arm and
the control arm:

* the absolute difference of means with Welch's t interval (:func:`scipy.stats.ttest_ind` with
  ``equal_var=False``);
* the relative difference ``mean_pilot / mean_control − 1`` with a **delta-method** interval
  (normal approximation, the two arms independent);
* percentile **bootstrap** intervals of both (each arm resampled on its own);
* optionally **CUPED** (Deng et al. 2013): the metric is adjusted by a pre-period covariate,
  ``y − θ·(x − mean(x))`` with ``θ = cov(y, x) / var(x)`` estimated on both arms pooled, which
  removes the part of the variance the pre-period explains and narrows the interval without
  biasing the difference.

A comparison against a **baseline period** (:func:`compare_to_baseline`) uses the same maths
but is not randomised: anything else that changed between the periods is in the effect, and
the result says so.  The whole pilot (SRM, target, guardrails) is
:func:`aipo_widgets.analysis.pilots.analyse_pilot`.

Examples
--------
>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> control = rng.gamma(4, 3, 400)          # minutes per ticket, mean 12
>>> pilot = rng.gamma(4, 3, 400) * 0.75     # 25 % less
>>> eff = compare_arms(pilot, control, metric="handling_time", n_boot=500)
>>> round(eff.relative, 3), eff.relative_ci[1] < 0
(-0.205, True)
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from aipo_widgets.analysis._checks import arm_values, check_alpha
from aipo_widgets.analysis._json import plain
from aipo_widgets.errors import DataError, UsageError

__all__ = [
    "Effect",
    "compare_arms",
    "compare_to_baseline",
]


def _boot_settings(n_boot: Any) -> int:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        msg = f"n_boot must be a whole number >= 0 (0: no bootstrap), got {n_boot!r}"
        raise UsageError(msg)
    if 0 < n_boot < 100:
        msg = f"n_boot={n_boot} is too few resamples; use at least 1000, or 0"
        raise UsageError(msg)
    return int(n_boot)


@dataclass
class Effect:
    """The effect of a pilot on one metric.

    Parameters
    ----------
    metric : str
        The metric compared.
    design : str
        ``"controlled"`` (randomised pilot vs control), ``"baseline period"``, or a design of
        :mod:`aipo_widgets.analysis.pilot_designs` (``"cluster-randomised"``, ``"switchback"``,
        ``"difference in differences"``).
    n_treatment, n_control : int
        Rows per arm.
    mean_treatment, mean_control : float
        Arm means (CUPED-adjusted when a covariate was used; see ``cuped``).
    sd_treatment, sd_control : float
        Arm standard deviations (ddof 1) of the values compared.
    difference : float
        ``mean_treatment − mean_control``.
    ci : tuple of float
        Welch's t interval of the difference.
    p_value, t, df : float
        Welch's t test (two-sided).
    relative : float
        ``mean_treatment / mean_control − 1``.
    relative_ci : tuple of float
        Delta-method interval of the relative difference.
    confidence : float
        Confidence level of the intervals (``1 − alpha``).
    bootstrap : dict or None
        Percentile bootstrap intervals of ``difference`` and ``relative``, with ``n_boot``
        and ``seed``.
    cuped : dict or None
        ``theta``, ``variance_reduction`` (of the difference's variance), the unadjusted
        means and difference, and the covariate's name.
    notes : list of str
        What a reviewer should know.
    inference : bool
        Whether the design allows an interval and a test (False with one cluster per arm:
        then ``ci``, ``relative_ci`` and ``p_value`` are NaN).
    clusters : dict or None
        Clusters per arm (``treatment``, ``control``) for designs analysed by cluster.
    method : str
        How the intervals were computed, in words.
    cells : dict or None
        A difference in differences' four means (``treatment_before`` ...).
    """

    metric: str
    design: str
    n_treatment: int
    n_control: int
    mean_treatment: float
    mean_control: float
    sd_treatment: float
    sd_control: float
    difference: float
    ci: tuple[float, float]
    p_value: float
    t: float
    df: float
    relative: float
    relative_ci: tuple[float, float]
    confidence: float
    bootstrap: dict[str, Any] | None = None
    cuped: dict[str, Any] | None = None
    notes: list[str] = field(default_factory=list)
    inference: bool = True
    clusters: dict[str, int] | None = None
    method: str = ""
    cells: dict[str, float] | None = None

    @property
    def significant(self) -> bool:
        """Whether the interval excludes 0 (never without inference)."""
        return self.ci[0] > 0 or self.ci[1] < 0

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {k: plain(v) for k, v in asdict(self).items()} | {"significant": self.significant}


def _welch(t: np.ndarray, c: np.ndarray, confidence: float) -> tuple:
    from scipy import stats

    res = stats.ttest_ind(t, c, equal_var=False)
    ci = res.confidence_interval(confidence_level=confidence)
    return float(res.statistic), float(res.pvalue), float(res.df), (float(ci.low), float(ci.high))


def _delta_relative(t: np.ndarray, c: np.ndarray, confidence: float) -> tuple[float, tuple]:
    from scipy.stats import norm

    mt, mc = float(t.mean()), float(c.mean())
    vt, vc = float(t.var(ddof=1)) / len(t), float(c.var(ddof=1)) / len(c)
    rel = mt / mc - 1
    se = math.sqrt(vt / mc**2 + mt**2 * vc / mc**4)
    z = float(norm.isf((1 - confidence) / 2))
    return rel, (rel - z * se, rel + z * se)


def _bootstrap_means(
    t: np.ndarray, c: np.ndarray, n_boot: int, seed: int | None, confidence: float
) -> dict[str, Any]:
    rng = np.random.default_rng(seed)
    mt, mc = np.empty(n_boot), np.empty(n_boot)
    for x, out in ((t, mt), (c, mc)):
        chunk = max(1, min(n_boot, 2**20 // len(x)))
        for a in range(0, n_boot, chunk):
            b = min(chunk, n_boot - a)
            out[a : a + b] = x[rng.integers(0, len(x), size=(b, len(x)))].mean(axis=1)
    q = [(1 - confidence) / 2, 1 - (1 - confidence) / 2]
    diff = mt - mc
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = mt / mc - 1
    rel = rel[np.isfinite(rel)]
    return {
        "difference": tuple(float(v) for v in np.quantile(diff, q)),
        "relative": tuple(float(v) for v in np.quantile(rel, q)) if len(rel) else None,
        "n_boot": n_boot,
        "seed": seed,
        "method": "percentile, each arm resampled on its own",
    }


def compare_arms(
    treatment: Any,
    control: Any,
    *,
    metric: str = "metric",
    covariate_treatment: Any = None,
    covariate_control: Any = None,
    covariate: str = "pre-period",
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int | None = 0,
    design: str = "controlled",
) -> Effect:
    """Compare a metric between the pilot arm and the control arm.

    Parameters
    ----------
    treatment, control : array-like
        The metric's values per unit (e.g. handling time per ticket) in each arm.
    metric : str
        The metric's name, for reports and messages.
    covariate_treatment, covariate_control : array-like, optional
        A pre-period covariate per unit (e.g. the agent's handling time before the pilot), for
        CUPED.  Both or neither.
    covariate : str
        The covariate's name.
    alpha : float, default 0.05
        1 − confidence level of the intervals.
    n_boot : int, default 2000
        Bootstrap resamples (0: none).
    seed : int or None, default 0
        Seed of the bootstrap.
    design : {"controlled", "baseline period"}
        How the control was formed (changes the notes, not the maths).

    Returns
    -------
    Effect

    Raises
    ------
    DataError
        Missing or non-numeric values, an arm with fewer than 2 values, no variance, a
        control mean of 0 (no relative difference).
    UsageError
        Bad settings, only one covariate array.

    Examples
    --------
    >>> eff = compare_arms([9.0, 10, 11, 10], [12.0, 13, 11, 12], metric="minutes", n_boot=0)
    >>> eff.difference, round(eff.relative, 4), round(eff.p_value, 4)
    (-2.0, -0.1667, 0.0134)
    """
    confidence = 1 - check_alpha(alpha)
    n_boot = _boot_settings(n_boot)
    if design not in ("controlled", "baseline period"):
        msg = f"design must be 'controlled' or 'baseline period', got {design!r}"
        raise UsageError(msg)
    t = arm_values(treatment, metric, "treatment")
    c = arm_values(control, metric, "control")
    notes: list[str] = []
    cuped = None
    if (covariate_treatment is None) != (covariate_control is None):
        msg = "pass covariate_treatment and covariate_control together (CUPED needs both arms)"
        raise UsageError(msg)
    if covariate_treatment is not None:
        xt = arm_values(covariate_treatment, covariate, "treatment")
        xc = arm_values(covariate_control, covariate, "control")
        if len(xt) != len(t) or len(xc) != len(c):
            msg = (
                f"the covariate {covariate!r} must have one value per unit: treatment has "
                f"{len(t)} values and {len(xt)} covariates, control {len(c)} and {len(xc)}"
            )
            raise DataError(msg)
        x = np.concatenate([xt, xc])
        y = np.concatenate([t, c])
        vx = float(x.var(ddof=1))
        if vx == 0:
            msg = f"the covariate {covariate!r} has no variance; CUPED cannot use it"
            raise DataError(msg)
        theta = float(np.cov(y, x, ddof=1)[0, 1] / vx)
        mx = float(x.mean())
        ta, ca = t - theta * (xt - mx), c - theta * (xc - mx)
        before = t.var(ddof=1) / len(t) + c.var(ddof=1) / len(c)
        after = ta.var(ddof=1) / len(ta) + ca.var(ddof=1) / len(ca)
        cuped = {
            "covariate": covariate,
            "theta": theta,
            "variance_reduction": float(1 - after / before) if before > 0 else 0.0,
            "mean_treatment_unadjusted": float(t.mean()),
            "mean_control_unadjusted": float(c.mean()),
            "difference_unadjusted": float(t.mean() - c.mean()),
        }
        if design == "controlled":
            d = float(xt.mean() - xc.mean())
            sd = math.sqrt(float(xt.var(ddof=1)) / len(xt) + float(xc.var(ddof=1)) / len(xc))
            if sd > 0 and abs(d) / sd > 3:
                notes.append(
                    f"the arms differ in the pre-period {covariate!r} by {abs(d) / sd:.1f} "
                    "standard errors: check the randomisation"
                )
        t, c = ta, ca
    if t.var(ddof=1) == 0 and c.var(ddof=1) == 0:
        msg = f"{metric!r} has no variance in either arm; there is nothing to test"
        raise DataError(msg)
    if c.mean() == 0:
        msg = (
            f"the control mean of {metric!r} is 0, so there is no relative difference; "
            "compare the absolute difference or pick another metric"
        )
        raise DataError(msg)
    tstat, p, df, ci = _welch(t, c, confidence)
    rel, rel_ci = _delta_relative(t, c, confidence)
    boot = _bootstrap_means(t, c, n_boot, seed, confidence) if n_boot else None
    if design == "baseline period":
        notes.append(
            "compared with a baseline period, not a randomised control: anything else that "
            "changed between the periods (season, volume, staff) is part of this effect"
        )
    if min(len(t), len(c)) < 30:
        notes.append("fewer than 30 units in an arm: the t and delta-method intervals are rough")
    return Effect(
        metric=metric,
        design=design,
        n_treatment=len(t),
        n_control=len(c),
        mean_treatment=float(t.mean()),
        mean_control=float(c.mean()),
        sd_treatment=float(t.std(ddof=1)),
        sd_control=float(c.std(ddof=1)),
        difference=float(t.mean() - c.mean()),
        ci=ci,
        p_value=p,
        t=tstat,
        df=df,
        relative=rel,
        relative_ci=rel_ci,
        confidence=confidence,
        bootstrap=boot,
        cuped=cuped,
        notes=notes,
    )


def compare_to_baseline(pilot: Any, baseline: Any, **kwargs: Any) -> Effect:
    """Compare the pilot period with a baseline period (not randomised).

    Parameters
    ----------
    pilot, baseline : array-like
        The metric's values per unit in the pilot and in the baseline period.
    **kwargs
        As in :func:`compare_arms` (``metric``, ``alpha``, ``n_boot``, ``seed``, covariates).

    Returns
    -------
    Effect
        With ``design="baseline period"`` and a note on what that cannot rule out.

    Examples
    --------
    >>> e = compare_to_baseline([8.0, 9, 10, 9], [12.0, 11, 13, 12], n_boot=0)
    >>> e.design, e.difference
    ('baseline period', -3.0)
    """
    kwargs["design"] = "baseline period"
    return compare_arms(pilot, baseline, **kwargs)
