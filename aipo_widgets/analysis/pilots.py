"""Controlled pilots: the effect on a metric, CUPED, sample-ratio mismatch, guardrails, planning.

Good practice is to "test offline with a curated data set, and demonstrate the effect online
with controlled rollouts".  This module analyses such a pilot:

* :func:`compare_arms` / :func:`analyse_pilot`: the effect of the pilot on a metric (e.g.
  handling time per ticket) as the absolute difference of means with Welch's t interval
  (:func:`scipy.stats.ttest_ind` with ``equal_var=False``) and the relative difference
  ``mean_pilot / mean_control − 1`` with a **delta-method** interval (normal approximation,
  the two arms independent), plus percentile **bootstrap** intervals of both (each arm resampled
  on its own).  Optionally **CUPED** (Deng et al. 2013): the metric is adjusted by a pre-period
  covariate, ``y − θ·(x − mean(x))`` with ``θ = cov(y, x) / var(x)`` estimated on both arms
  pooled, which removes the part of the variance the pre-period explains and narrows the
  interval without biasing the difference.
* :func:`srm_check`: the **sample-ratio mismatch** check (Kohavi, Tang & Xu, *Trustworthy
  Online Controlled Experiments*, ch. 21): a chi-square goodness-of-fit test
  (:func:`scipy.stats.chisquare`) of the assignment counts against the planned split.  A
  mismatch (default p < 0.001) means assignment or logging is broken and no effect can be
  trusted.
* guardrail metrics compared the same way, each with a verdict: 'fail' on a **significant
  degradation** beyond the tolerated margin (default 0); 'warn' on a significant degradation
  within the margin, or an estimate beyond the margin that is not significant (more data
  needed); 'pass' otherwise ("no significant degradation").  Whether the interval also rules
  out a degradation beyond the margin (non-inferiority) is reported beside the verdict.
* :func:`plan_pilot`: the minimum sample size per arm and the duration (from the daily volume)
  to detect a target relative effect (e.g. 25 % less handling time) at a given power and alpha,
  for Welch's/Student's two-sample t test; the same numbers as statsmodels'
  ``TTestIndPower().solve_power`` (computed with scipy's noncentral t here).

A comparison against a **baseline period** (:func:`compare_to_baseline`) uses the same maths
but is not randomised: anything else that changed between the periods is in the effect, and
the result says so.

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
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from aipo_widgets.analysis._checks import arm_values, check_alpha, check_frame, column_values
from aipo_widgets.analysis._json import plain
from aipo_widgets.errors import DataError, UsageError
from aipo_widgets.evidence import Gate

__all__ = [
    "Effect",
    "GuardrailResult",
    "PilotPlan",
    "PilotReport",
    "SRMResult",
    "analyse_pilot",
    "compare_arms",
    "compare_to_baseline",
    "plan_pilot",
    "srm_check",
]


def _boot_settings(n_boot: Any) -> int:
    if isinstance(n_boot, bool) or not isinstance(n_boot, (int, np.integer)) or n_boot < 0:
        msg = f"n_boot must be a whole number >= 0 (0: no bootstrap), got {n_boot!r}"
        raise UsageError(msg)
    if 0 < n_boot < 100:
        msg = f"n_boot={n_boot} is too few resamples; use at least 1000, or 0"
        raise UsageError(msg)
    return int(n_boot)


# ------------------------------------------------------------------------------------------------
# the effect on one metric


@dataclass
class Effect:
    """The effect of a pilot on one metric.

    Parameters
    ----------
    metric : str
        The metric compared.
    design : str
        ``"controlled"`` (randomised pilot vs control) or ``"baseline period"``.
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

    @property
    def significant(self) -> bool:
        """Whether Welch's interval excludes 0."""
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


# ------------------------------------------------------------------------------------------------
# sample-ratio mismatch


@dataclass
class SRMResult:
    """The sample-ratio-mismatch check.

    Parameters
    ----------
    counts : dict
        Units assigned per arm.
    expected : dict
        Units expected per arm from the planned split.
    planned : dict
        The planned share per arm.
    chi2, p_value : float
        Chi-square goodness-of-fit test (``scipy.stats.chisquare``).
    alpha : float
        The p-value below which the split counts as a mismatch.
    mismatch : bool
        ``p_value < alpha``.
    """

    counts: dict[str, int]
    expected: dict[str, float]
    planned: dict[str, float]
    chi2: float
    p_value: float
    alpha: float
    mismatch: bool

    def gate(self) -> Gate:
        """Return the check as a gate (fail on a mismatch)."""
        shares = ", ".join(
            f"{k} {v} ({v / sum(self.counts.values()):.1%} vs {self.planned[k]:.1%})"
            for k, v in self.counts.items()
        )
        return Gate(
            "sample ratio mismatch",
            "fail" if self.mismatch else "pass",
            figure=self.p_value,
            threshold=f"p >= {self.alpha:g}",
            detail=(
                f"assignment does not match the planned split ({shares}); find the bug in "
                "assignment or logging before trusting any effect"
                if self.mismatch
                else f"assignment matches the planned split ({shares})"
            ),
            extra={"chi2": self.chi2, "counts": dict(self.counts)},
        )

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {k: plain(v) for k, v in asdict(self).items()}


def srm_check(
    counts: Mapping[str, int] | Sequence[int],
    planned: Mapping[str, float] | Sequence[float] | None = None,
    *,
    alpha: float = 0.001,
) -> SRMResult:
    """Test the assignment counts against the planned split (chi-square goodness of fit).

    Parameters
    ----------
    counts : dict of arm to int, or list of int
        Units assigned per arm.
    planned : dict or list of float, optional
        Planned share (or weight) per arm, normalised to sum 1; equal shares by default.
    alpha : float, default 0.001
        A p-value below this is a mismatch (0.001 is the usual SRM threshold: the check runs on
        every experiment, so it must rarely fire by chance).

    Returns
    -------
    SRMResult

    Examples
    --------
    >>> r = srm_check({"pilot": 5100, "control": 4900})
    >>> round(r.p_value, 4), r.mismatch
    (0.0455, False)
    >>> srm_check({"pilot": 5300, "control": 4700}).mismatch
    True
    """
    from scipy.stats import chisquare

    a = check_alpha(alpha)
    if isinstance(counts, Mapping):
        names = [str(k) for k in counts]
        obs = list(counts.values())
    else:
        obs = list(counts)
        names = [f"arm {i}" for i in range(len(obs))]
    if len(obs) < 2:
        msg = f"counts needs at least two arms, got {len(obs)}"
        raise UsageError(msg)
    for k, v in zip(names, obs, strict=True):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            msg = f"count of {k!r} must be a whole number >= 0, got {v!r}"
            raise UsageError(msg)
    if sum(obs) == 0:
        msg = "no units were assigned (all counts are 0)"
        raise DataError(msg)
    if planned is None:
        w = [1.0] * len(obs)
    elif isinstance(planned, Mapping):
        missing = [k for k in names if k not in {str(p) for p in planned}]
        if missing or len(planned) != len(names):
            msg = (
                f"planned must give a share for exactly the arms {names}, got "
                f"{list(map(str, planned))}"
            )
            raise UsageError(msg)
        w = [float({str(k): v for k, v in planned.items()}[k]) for k in names]
    else:
        w = [float(v) for v in planned]
        if len(w) != len(obs):
            msg = f"planned has {len(w)} shares for {len(obs)} arms"
            raise UsageError(msg)
    if any(not math.isfinite(x) or x <= 0 for x in w):
        msg = f"planned shares must be positive numbers, got {w}"
        raise UsageError(msg)
    shares = [x / sum(w) for x in w]
    total = sum(obs)
    exp = [s * total for s in shares]
    res = chisquare(obs, f_exp=exp)
    p = float(res.pvalue)
    return SRMResult(
        counts={k: int(v) for k, v in zip(names, obs, strict=True)},
        expected=dict(zip(names, exp, strict=True)),
        planned=dict(zip(names, shares, strict=True)),
        chi2=float(res.statistic),
        p_value=p,
        alpha=a,
        mismatch=p < a,
    )


# ------------------------------------------------------------------------------------------------
# guardrails


@dataclass
class GuardrailResult:
    """A guardrail metric compared between the arms, with a verdict.

    Parameters
    ----------
    effect : Effect
        The comparison.
    better : {"higher", "lower"}
        Which direction is good for this metric.
    margin : float
        Tolerated degradation (relative by default: 0.02 is 2 % worse).
    relative : bool
        Whether the margin and the degradation are relative differences.
    degradation : float
        The estimate, signed so that positive is worse.
    degradation_ci : tuple of float
        Its interval (Welch's for absolute, delta method for relative).
    verdict : {"pass", "warn", "fail"}
        See :mod:`aipo_widgets.analysis.pilots`.
    non_inferiority : bool
        Whether the interval rules out a degradation beyond the margin.
    """

    effect: Effect
    better: str
    margin: float
    relative: bool
    degradation: float
    degradation_ci: tuple[float, float]
    verdict: str
    non_inferiority: bool

    def gate(self) -> Gate:
        """Return the guardrail as a gate."""
        unit = "%" if self.relative else ""
        scale = 100 if self.relative else 1
        d = self.degradation * scale
        lo, hi = (v * scale for v in self.degradation_ci)
        what = f"{self.effect.metric} ({self.better} is better)"
        if self.verdict == "fail":
            detail = (
                f"significant degradation of {what}: {d:.3g}{unit} worse "
                f"({lo:.3g}{unit} to {hi:.3g}{unit}); do not scale until it is understood"
            )
        elif self.verdict == "warn" and lo > 0:
            detail = (
                f"{what} is significantly worse, by {d:.3g}{unit} ({lo:.3g}{unit} to "
                f"{hi:.3g}{unit}), but within the tolerated {self.margin * scale:.3g}{unit}; "
                "watch it"
            )
        elif self.verdict == "warn":
            detail = (
                f"{what} looks {d:.3g}{unit} worse, beyond the tolerated "
                f"{self.margin * scale:.3g}{unit}, but not significantly ({lo:.3g}{unit} to "
                f"{hi:.3g}{unit}); collect more data"
            )
        else:
            detail = f"no significant degradation of {what} ({lo:.3g}{unit} to {hi:.3g}{unit})"
            if self.non_inferiority:
                detail += "; a degradation beyond the margin is ruled out"
        return Gate(
            f"guardrail: {self.effect.metric}",
            self.verdict,  # type: ignore[arg-type]
            figure=round(self.degradation, 10),
            threshold=f"degradation <= {self.margin:g}{' (relative)' if self.relative else ''}",
            detail=detail,
            ci=self.degradation_ci,
            extra={"non_inferiority": self.non_inferiority, "p_value": self.effect.p_value},
        )

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        d = {k: plain(v) for k, v in asdict(self).items() if k != "effect"}
        d["effect"] = self.effect.to_dict()
        return d


def _guardrail(effect: Effect, better: str, margin: float, relative: bool) -> GuardrailResult:
    sign = -1.0 if better == "higher" else 1.0
    if relative:
        est, (lo, hi) = effect.relative, effect.relative_ci
    else:
        est, (lo, hi) = effect.difference, effect.ci
    deg = sign * est
    dlo, dhi = sorted((sign * lo, sign * hi))
    if dlo > margin:
        verdict = "fail"  # significantly worse than tolerated
    elif dlo > 0 or (margin > 0 and deg > margin):
        # a real degradation within the tolerance, or one beyond it that is not yet significant
        verdict = "warn"
    else:
        verdict = "pass"
    return GuardrailResult(
        effect=effect,
        better=better,
        margin=margin,
        relative=relative,
        degradation=deg,
        degradation_ci=(dlo, dhi),
        verdict=verdict,
        non_inferiority=dhi <= margin,
    )


def _guardrail_spec(name: str, spec: Any) -> tuple[str, float, bool]:
    if isinstance(spec, str):
        spec = {"better": spec}
    if not isinstance(spec, Mapping):
        msg = (
            f"guardrail {name!r} must be 'higher' or 'lower' (which is better) or a dict with "
            f"'better', optional 'margin' and 'relative', got {spec!r}"
        )
        raise UsageError(msg)
    better = spec.get("better", spec.get("direction"))
    better = {"higher_is_better": "higher", "lower_is_better": "lower"}.get(better, better)
    better = getattr(better, "value", better)
    if better not in ("higher", "lower"):
        msg = f"guardrail {name!r}: 'better' must be 'higher' or 'lower', got {better!r}"
        raise UsageError(msg)
    margin = spec.get("margin", 0.0)
    if isinstance(margin, bool) or not isinstance(margin, (int, float)) or margin < 0:
        msg = f"guardrail {name!r}: margin must be a number >= 0, got {margin!r}"
        raise UsageError(msg)
    return better, float(margin), bool(spec.get("relative", True))


# ------------------------------------------------------------------------------------------------
# the whole pilot


@dataclass
class PilotReport:
    """A pilot analysed: the primary effect, SRM, guardrails and their gates.

    Parameters
    ----------
    primary : Effect
        The effect on the primary metric.
    srm : SRMResult or None
        The sample-ratio-mismatch check (None when switched off).
    guardrails : list of GuardrailResult
        One per guardrail metric.
    gates : list of Gate
        SRM, the primary target (when given) and the guardrails.
    arms : dict
        The arm labels used (``treatment``, ``control``).
    """

    primary: Effect
    srm: SRMResult | None
    guardrails: list[GuardrailResult]
    gates: list[Gate]
    arms: dict[str, str]

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            "primary": self.primary.to_dict(),
            "srm": None if self.srm is None else self.srm.to_dict(),
            "guardrails": [g.to_dict() for g in self.guardrails],
            "gates": [g.to_dict() for g in self.gates],
            "arms": dict(self.arms),
        }


def _target_gate(effect: Effect, target: float) -> Gate:
    """Gate the primary effect against a target relative effect (its sign is the good way)."""
    good = 1.0 if target > 0 else -1.0
    est = good * effect.relative
    lo = min(good * v for v in effect.relative_ci)
    meets = est >= abs(target)
    significant = lo > 0
    if meets and significant:
        verdict = "pass"
        detail = "the effect meets the target and is significant"
    elif significant:
        verdict = "warn"
        detail = "a significant improvement, but smaller than the target"
    elif meets:
        verdict = "warn"
        detail = "the estimate meets the target but is not significant; run the pilot longer"
    else:
        verdict = "fail"
        detail = "no significant improvement of the size targeted"
    if lo >= abs(target):
        detail += "; even the conservative end of the interval meets the target"
    return Gate(
        f"pilot effect on {effect.metric}",
        verdict,  # type: ignore[arg-type]
        figure=round(effect.relative, 10),
        threshold=f"{'<=' if target < 0 else '>='} {target:g} (relative)",
        detail=detail,
        ci=effect.relative_ci,
        extra={"difference": effect.difference, "p_value": effect.p_value},
    )


def analyse_pilot(
    data: pd.DataFrame,
    *,
    metric: str,
    arm: str = "arm",
    treatment: Any = "pilot",
    control: Any = "control",
    covariate: str | None = None,
    guardrails: Mapping[str, Any] | None = None,
    planned_split: Mapping[str, float] | bool | None = None,
    srm_alpha: float = 0.001,
    target_relative: float | None = None,
    alpha: float = 0.05,
    n_boot: int = 2000,
    seed: int | None = 0,
) -> PilotReport:
    """Analyse a controlled pilot from one row per unit (e.g. per ticket).

    Parameters
    ----------
    data : DataFrame
        One row per unit, with the arm, the metric and any guardrail metrics.
    metric : str
        The primary metric's column (e.g. ``handling_time_min``).
    arm : str, default "arm"
        The column saying which arm each unit was in.
    treatment, control : default "pilot", "control"
        The values of ``arm`` for the two arms.
    covariate : str, optional
        A pre-period covariate column for CUPED (applied to the primary metric).
    guardrails : dict, optional
        Guardrail columns: ``{"csat": "higher", "reopen_rate": {"better": "lower",
        "margin": 0.05}}`` (margins relative unless ``"relative": False``).
    planned_split : dict or False, optional
        Planned share per arm for the SRM check (``{"pilot": 0.2, "control": 0.8}``); equal
        shares by default; ``False`` skips the check.
    srm_alpha : float, default 0.001
        Threshold of the SRM check.
    target_relative : float, optional
        The effect the pilot must show, relative (e.g. ``-0.25`` for 25 % less handling time);
        adds a gate on the primary effect.
    alpha, n_boot, seed : see :func:`compare_arms`

    Returns
    -------
    PilotReport

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> df = pd.DataFrame({"arm": ["pilot"] * 300 + ["control"] * 300,
    ...                    "minutes": np.r_[rng.gamma(4, 2.25, 300), rng.gamma(4, 3, 300)],
    ...                    "csat": np.r_[rng.normal(4.2, 0.6, 300), rng.normal(4.2, 0.6, 300)]})
    >>> rep = analyse_pilot(df, metric="minutes", guardrails={"csat": "higher"},
    ...                     target_relative=-0.2, n_boot=0)
    >>> [(g.name, g.verdict) for g in rep.gates]
    [('sample ratio mismatch', 'pass'), ('pilot effect on minutes', 'pass'), \
('guardrail: csat', 'pass')]
    """
    data = check_frame(data)
    assert data is not None
    a_col, a_name = column_values(data, arm, "arm")
    column_values(data, metric, "metric")
    if covariate is not None:
        column_values(data, covariate, "covariate")
    specs = {}
    for g, spec in (guardrails or {}).items():
        column_values(data, g, f"guardrails[{g!r}]")
        specs[g] = _guardrail_spec(g, spec)
    if a_col.isna().any():
        msg = f"column {a_name!r} has missing arms; drop the units that were not assigned"
        raise DataError(msg)
    arms_found = list(pd.unique(a_col))
    for role, label in (("treatment", treatment), ("control", control)):
        if label not in arms_found:
            msg = (
                f"{role}={label!r} is not a value of column {a_name!r} (found: "
                f"{', '.join(map(repr, arms_found[:10]))}); pass {role}=<its label>"
            )
            raise DataError(msg)
    is_t = (a_col == treatment).to_numpy()
    is_c = (a_col == control).to_numpy()
    effect = compare_arms(
        data.loc[is_t, metric].reset_index(drop=True),
        data.loc[is_c, metric].reset_index(drop=True),
        metric=metric,
        covariate_treatment=None if covariate is None else data.loc[is_t, covariate],
        covariate_control=None if covariate is None else data.loc[is_c, covariate],
        covariate=covariate or "pre-period",
        alpha=alpha,
        n_boot=n_boot,
        seed=seed,
    )
    gates: list[Gate] = []
    srm = None
    if planned_split is not False:
        counts = {str(treatment): int(is_t.sum()), str(control): int(is_c.sum())}
        planned = None
        if isinstance(planned_split, Mapping):
            planned = {str(k): v for k, v in planned_split.items()}
        elif planned_split not in (None, True):
            msg = f"planned_split must be a dict of arm to share, or False, got {planned_split!r}"
            raise UsageError(msg)
        srm = srm_check(counts, planned, alpha=srm_alpha)
        gates.append(srm.gate())
    if target_relative is not None:
        if isinstance(target_relative, bool) or not isinstance(target_relative, (int, float)):
            msg = f"target_relative must be a number such as -0.25, got {target_relative!r}"
            raise UsageError(msg)
        if target_relative == 0 or abs(target_relative) >= 10:
            msg = (
                f"target_relative must be a relative effect such as -0.25 (25 % less), not 0 "
                f"or a percentage; got {target_relative!r}"
            )
            raise UsageError(msg)
        gates.append(_target_gate(effect, float(target_relative)))
    results = []
    for g, (better, margin, relative) in specs.items():
        e = compare_arms(
            data.loc[is_t, g].reset_index(drop=True),
            data.loc[is_c, g].reset_index(drop=True),
            metric=g,
            alpha=alpha,
            n_boot=n_boot,
            seed=seed,
        )
        r = _guardrail(e, better, margin, relative)
        results.append(r)
        gates.append(r.gate())
    return PilotReport(
        primary=effect,
        srm=srm,
        guardrails=results,
        gates=gates,
        arms={"treatment": str(treatment), "control": str(control)},
    )


# ------------------------------------------------------------------------------------------------
# planning


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
