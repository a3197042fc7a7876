"""A controlled pilot analysed: the effect, the sample-ratio check, the target and guardrails.

Good practice is to "test offline with a curated data set, and demonstrate the effect online
with controlled rollouts".  :func:`analyse_pilot` analyses such a pilot from one row per unit:

* the effect on the primary metric (:func:`aipo_widgets.analysis.pilot_effects.compare_arms`:
  Welch, delta-method and bootstrap intervals, optionally CUPED), gated against a target
  relative effect when one is given;
* the sample-ratio-mismatch check (:func:`aipo_widgets.analysis.pilot_srm.srm_check`);
* guardrail metrics compared the same way, each with a verdict: 'fail' on a **significant
  degradation** beyond the tolerated margin (default 0); 'warn' on a significant degradation
  within the margin, or an estimate beyond the margin that is not significant (more data
  needed); 'pass' otherwise ("no significant degradation").  Whether the interval also rules
  out a degradation beyond the margin (non-inferiority) is reported beside the verdict.

Planning a pilot (units and days needed) is :func:`aipo_widgets.analysis.pilot_plan.plan_pilot`.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> df = pd.DataFrame({"arm": ["pilot"] * 400 + ["control"] * 400,
...                    "minutes": np.r_[rng.gamma(4, 2.25, 400), rng.gamma(4, 3, 400)],
...                    "reopened": np.r_[rng.random(400) < 0.12, rng.random(400) < 0.1]})
>>> rep = analyse_pilot(df, metric="minutes", target_relative=-0.2, n_boot=0,
...                     guardrails={"reopened": {"better": "lower", "margin": 0.5}})
>>> [(g.name, g.verdict) for g in rep.gates]
[('sample ratio mismatch', 'pass'), ('pilot effect on minutes', 'pass'), \
('guardrail: reopened', 'pass')]
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

import pandas as pd

from aipo_widgets.analysis._checks import check_frame, column_values
from aipo_widgets.analysis._json import plain
from aipo_widgets.analysis.pilot_designs import cluster_effect, did_effect
from aipo_widgets.analysis.pilot_effects import Effect, compare_arms
from aipo_widgets.analysis.pilot_srm import SRMResult, srm_check
from aipo_widgets.errors import DataError, UsageError
from aipo_widgets.evidence import Gate, Provenance
from aipo_widgets.model.pilot_design import PilotDesign

__all__ = [
    "GuardrailResult",
    "PilotReport",
    "analyse_pilot",
]


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
        See :mod:`aipo_widgets.analysis.pilots`; always 'warn' when the design allows no
        inference (one cluster per arm).
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
        if not self.effect.inference:
            detail = (f"{what} looks {d:.3g}{unit} worse (negative: better), but this design "
                      "allows no inference (one cluster per arm); judge it from the cells")
        elif self.verdict == "fail":
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
    if not effect.inference:
        verdict = "warn"  # nothing can be ruled out without inference
    elif dlo > margin:
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
        The sample-ratio-mismatch check (None when switched off, or when assignment was not
        random: a before/after design).
    guardrails : list of GuardrailResult
        One per guardrail metric.
    gates : list of Gate
        SRM, the design (when declared), the primary target (when given) and the guardrails.
    arms : dict
        The arm labels used (``treatment``, ``control``).
    design : str
        The design analysed, in words; ends in "(assumed: no design declared)" when the old
        default of an individually randomised 50/50 split was used.
    declared : bool
        Whether the design was declared (``rollout.stages[].pilot``).
    provenance : Provenance or None
        Where the rows came from: source, window, rows (and clusters in its note).
    """

    primary: Effect
    srm: SRMResult | None
    guardrails: list[GuardrailResult]
    gates: list[Gate]
    arms: dict[str, str]
    design: str = "individually randomised"
    declared: bool = False
    provenance: Provenance | None = None

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            "primary": self.primary.to_dict(),
            "srm": None if self.srm is None else self.srm.to_dict(),
            "guardrails": [g.to_dict() for g in self.guardrails],
            "gates": [g.to_dict() for g in self.gates],
            "arms": dict(self.arms),
            "design": self.design,
            "declared": self.declared,
            "provenance": None if self.provenance is None else self.provenance.to_dict(),
        }


def _target_gate(effect: Effect, target: float) -> Gate:
    """Gate the primary effect against a target relative effect (its sign is the good way)."""
    good = 1.0 if target > 0 else -1.0
    est = good * effect.relative
    lo = min(good * v for v in effect.relative_ci)
    meets = est >= abs(target)
    significant = lo > 0
    if not effect.inference:
        verdict = "warn"
        detail = (f"no inference possible ({effect.design}, one cluster per arm): the estimate "
                  f"{'meets' if meets else 'misses'} the target, but nothing tells it from "
                  "chance or from other differences between the clusters")
    elif meets and significant:
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
    if effect.inference and lo >= abs(target):
        detail += "; even the conservative end of the interval meets the target"
    return Gate(
        f"pilot effect on {effect.metric}",
        verdict,  # type: ignore[arg-type]
        figure=round(effect.relative, 10),
        threshold=f"{'<=' if target < 0 else '>='} {target:g} (relative)",
        detail=detail,
        ci=effect.relative_ci if effect.inference else None,
        extra={"difference": effect.difference, "p_value": effect.p_value},
    )


def _design_gate(effect: Effect, design: PilotDesign) -> Gate:
    """Say how the pilot was analysed; warn when the design allows no inference."""
    counts = effect.clusters or {}
    what = "periods" if design.design == "switchback" else f"clusters ({design.cluster_column})"
    figure = (f"{counts.get('treatment', 0)} and {counts.get('control', 0)} {what}"
              if counts else f"{effect.n_treatment} and {effect.n_control} units")
    if not effect.inference:
        return Gate(f"pilot design: {design.name}", "warn", figure=figure,
                    threshold=">= 2 per arm", detail=effect.notes[0] if effect.notes else "")
    detail = effect.method or "Welch's t and delta-method intervals over units" + (
        f", CUPED on {effect.cuped['covariate']}" if effect.cuped else "")
    return Gate(f"pilot design: {design.name}", "pass", figure=figure,
                threshold=">= 2 per arm" if counts else "", detail=detail)


def _window(data: pd.DataFrame, column: str | None) -> tuple[Any, Any]:
    if not column or column not in data.columns:
        return None, None
    text = data[column].astype(str)
    when = pd.to_datetime(text, errors="coerce").dropna()
    if when.empty:
        return None, None
    last = when.max()
    if text.str.fullmatch(r"\d{4}-\d{2}").all():  # months: the last one runs to its end
        last = last + pd.offsets.MonthEnd(0)
    return when.min().date(), last.date()


def _post(data: pd.DataFrame, design: PilotDesign) -> Any:
    col = design.period_column
    assert col is not None and design.change_date is not None
    when = pd.to_datetime(data[col].astype(str), errors="coerce")
    if when.isna().any():
        bad = data.loc[when.isna(), col].astype(str).unique()[:3]
        msg = (
            f"period_column {col!r} must hold dates or months (2026-06 or 2026-06-15); "
            f"found {', '.join(map(repr, bad))}"
        )
        raise DataError(msg)
    return (when >= pd.Timestamp(design.change_date)).to_numpy()


def _pretrend(data: pd.DataFrame, column: str, is_t: Any, design: PilotDesign,
              alpha: float) -> Effect | None:
    """Run a placebo difference in differences inside the before period (its halves).

    Were the changed and the control groups already drifting apart before the change? The
    before periods are split in an earlier and a later half and the same estimator is run as
    if the change had come between them; an effect there is a warning against the parallel
    trends the real estimate assumes. None with fewer than two before periods.
    """
    import numpy as np

    post = _post(data, design)
    before = data.loc[~post]
    t = np.asarray(is_t)[~post]
    assert design.period_column is not None and design.cluster_column is not None
    periods = sorted(before[design.period_column].astype(str).unique())
    if len(periods) < 2:
        return None
    later = before[design.period_column].astype(str).isin(periods[len(periods) // 2:])
    try:
        return did_effect(before[column], t, later.to_numpy(), before[design.cluster_column],
                          metric=column, alpha=alpha, what=design.cluster_column)
    except DataError:
        return None


def _pretrend_gate(placebo: Effect, effect: Effect) -> Gate | None:
    """Gate the placebo: pass when its interval holds 0; without inference, only a note."""
    said = (f"placebo difference in differences within the before period: "
            f"{placebo.relative:+.1%} (the effect: {effect.relative:+.1%})")
    if not placebo.inference:
        effect.notes.append(said + "; with one cluster per arm it cannot be tested either")
        return None
    lo, hi = placebo.relative_ci
    drifted = lo > 0 or hi < 0
    return Gate(
        f"parallel trends before the change: {effect.metric}", "warn" if drifted else "pass",
        figure=round(placebo.relative, 6), threshold="interval holds 0", ci=(lo, hi),
        detail=said + ("; the groups were already drifting apart before the change, so the "
                       "estimate mixes that drift with the effect" if drifted else
                       "; no sign that the groups drifted apart before the change"))


def _designed_effect(
    data: pd.DataFrame, column: str, is_t: Any, design: PilotDesign, alpha: float
) -> Effect:
    """Estimate the effect on one column as the design says (not individually randomised)."""
    if design.design == "before_after_control":
        assert design.cluster_column is not None
        return did_effect(data[column], is_t, _post(data, design), data[design.cluster_column],
                          metric=column, alpha=alpha, what=design.cluster_column)
    if design.design == "switchback":
        assert design.period_column is not None
        return cluster_effect(data[column], is_t, data[design.period_column], metric=column,
                              alpha=alpha, what="period", design="switchback")
    assert design.cluster_column is not None
    return cluster_effect(data[column], is_t, data[design.cluster_column], metric=column,
                          alpha=alpha, what=design.cluster_column, design="cluster-randomised")


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
    design: PilotDesign | None = None,
    source: str = "",
    time_column: str | None = None,
) -> PilotReport:
    """Analyse a controlled pilot as it was designed.

    Parameters
    ----------
    data : DataFrame
        One row per unit (ticket, machine-month), with the arm, the metric and any guardrail
        metrics (and the cluster or period columns the design names).
    metric : str
        The primary metric's column (e.g. ``handling_time_min``).
    arm : str, default "arm"
        The column saying which arm each unit was in.
    treatment, control : default "pilot", "control"
        The values of ``arm`` for the two arms.
    covariate : str, optional
        A pre-period covariate column for CUPED (applied to the primary metric; individually
        randomised pilots only).
    guardrails : dict, optional
        Guardrail columns: ``{"csat": "higher", "reopen_rate": {"better": "lower",
        "margin": 0.05}}`` (margins relative unless ``"relative": False``).
    planned_split : dict or False, optional
        Without a design: planned share per arm for the SRM check (``{"pilot": 0.2,
        "control": 0.8}``); equal shares by default; ``False`` skips the check. With a design,
        its allocation is the planned split.
    srm_alpha : float, default 0.001
        Threshold of the SRM check.
    target_relative : float, optional
        The effect the pilot must show, relative (e.g. ``-0.25`` for 25 % less handling time);
        adds a gate on the primary effect.
    alpha, n_boot, seed : see :func:`compare_arms`
        (the bootstrap applies to individually randomised pilots).
    design : PilotDesign, optional
        How the arms were formed (:mod:`aipo_widgets.model.pilot_design`). None: analysed as
        individually randomised with equal shares (the old default), and the report says so.
        Cluster-randomised and switchback pilots are analysed by cluster (period), with the
        SRM check on cluster counts; a before/after pilot with a control by difference in
        differences, without an SRM check (its assignment was not random).
    source : str
        The data source's id, for the provenance of the gates.
    time_column : str, optional
        A date column giving the window the rows cover (default: the design's period column).

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
    >>> rep.design
    'individually randomised, equal shares (assumed: no design declared)'

    The same rows, but the arms were two teams: one cluster per arm, no inference.

    >>> team = PilotDesign(design="cluster_randomised", cluster_column="team")
    >>> rep = analyse_pilot(df.assign(team=df.arm), metric="minutes", target_relative=-0.2,
    ...                     design=team)
    >>> [(g.name, g.verdict) for g in rep.gates]
    [('sample ratio mismatch', 'pass'), ('pilot design: cluster-randomised', 'warn'), \
('pilot effect on minutes', 'warn')]
    """
    data = check_frame(data)
    assert data is not None
    a_col, a_name = column_values(data, arm, "arm")
    column_values(data, metric, "metric")
    if covariate is not None:
        column_values(data, covariate, "covariate")
    if design is not None:
        for field_name in ("cluster_column", "period_column", "unit_column"):
            col = getattr(design, field_name)
            if col is not None:
                column_values(data, col, f"design {field_name}")
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
    individual = design is None or design.design == "individually_randomised"
    if design is not None and not individual:
        # Rows of other arms take no part; the designed estimators compare the two arms.
        data = data.loc[is_t | is_c].reset_index(drop=True)
        is_t, is_c = is_t[is_t | is_c], is_c[is_t | is_c]
    notes: list[str] = []
    if individual:
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
    else:
        assert design is not None
        effect = _designed_effect(data, metric, is_t, design, alpha)
        if covariate is not None:
            notes.append(f"the covariate {covariate!r} is not used: CUPED applies to "
                         "individually randomised pilots")
    gates: list[Gate] = []
    srm = None
    arms = {str(treatment): int(is_t.sum()), str(control): int(is_c.sum())}
    if design is None:
        described = "individually randomised, equal shares (assumed: no design declared)"
        if isinstance(planned_split, Mapping):
            described = "individually randomised (assumed: no design declared)"
        effect.notes.insert(0, f"analysed as {described}; declare the pilot stage's design "
                            "(rollout.stages[].pilot) if its arms were formed otherwise")
    else:
        described = design.name
        if design.allocation is not None:
            missing = [a for a in arms if a not in design.allocation]
            if missing:
                msg = (
                    f"the design's allocation names the arms {sorted(design.allocation)}, but "
                    f"the data's arms are {sorted(arms)}; use the arm labels of column "
                    f"{a_name!r}"
                )
                raise DataError(msg)
    effect.notes.extend(notes)
    if design is not None and design.randomised:
        shares = design.shares(list(arms))
        if individual:
            srm = srm_check(arms, shares, alpha=srm_alpha)
        else:
            counts = {str(treatment): (effect.clusters or {}).get("treatment", 0),
                      str(control): (effect.clusters or {}).get("control", 0)}
            unit = "periods" if design.design == "switchback" else "clusters"
            srm = srm_check(counts, shares, alpha=srm_alpha, unit=unit)
        gates.append(srm.gate())
    elif design is None and planned_split is not False:
        planned = None
        if isinstance(planned_split, Mapping):
            planned = {str(k): v for k, v in planned_split.items()}
        elif planned_split not in (None, True):
            msg = f"planned_split must be a dict of arm to share, or False, got {planned_split!r}"
            raise UsageError(msg)
        srm = srm_check(arms, planned, alpha=srm_alpha)
        gates.append(srm.gate())
    if design is not None:
        gates.append(_design_gate(effect, design))
        if design.design == "before_after_control":
            placebo = _pretrend(data, metric, is_t, design, alpha)
            pre_gate = None if placebo is None else _pretrend_gate(placebo, effect)
            if pre_gate is not None:
                gates.append(pre_gate)
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
        if individual:
            e = compare_arms(
                data.loc[is_t, g].reset_index(drop=True),
                data.loc[is_c, g].reset_index(drop=True),
                metric=g,
                alpha=alpha,
                n_boot=n_boot,
                seed=seed,
            )
        else:
            assert design is not None
            e = _designed_effect(data, g, is_t, design, alpha)
        r = _guardrail(e, better, margin, relative)
        results.append(r)
        gates.append(r.gate())
    provenance = None
    if source:
        start, end = _window(data, time_column or (design.period_column if design else None))
        clusters = effect.clusters
        what = "clusters"
        if design is not None and design.design == "switchback":
            what = "periods"
        elif design is not None and design.cluster_column:
            what = f"clusters ({design.cluster_column})"
        note = described + (
            f"; {clusters['treatment']} and {clusters['control']} {what}" if clusters else "")
        provenance = Provenance.measured(source, start=start, end=end, rows=len(data),
                                         note=note)
        for gate in gates:
            gate.provenance = provenance
    return PilotReport(
        primary=effect,
        srm=srm,
        guardrails=results,
        gates=gates,
        arms={"treatment": str(treatment), "control": str(control)},
        design=described,
        declared=design is not None,
        provenance=provenance,
    )
