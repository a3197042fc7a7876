"""The business case: monthly cash flows per scenario, NPV, IRR, payback, risk, value of info.

The workspace's ``business_case`` section (:class:`aipo_widgets.model.schema.BusinessCase`) states
the assumptions as *drivers* (volume, time saved per case, hourly cost, cost per model call,
adoption reached, ...), each with a conservative, realistic and optimistic value and an optional
(low, likely, high) range, and three formulas over them, evaluated by the safe evaluator
(:mod:`aipo_widgets.analysis.formulas`):

* ``one_off_cost``: the investment at month 0 (sees the drivers, ``adoption = 0``, ``month = 0``);
* ``monthly_benefit`` and ``monthly_cost``: per month 1..H (see the drivers, ``adoption`` and
  ``month``).

**Adoption** ramps linearly: 0 before ``start_month``, then ``A * min(1, (m - start + 1) /
ramp_months)`` in month ``m``, where ``A`` is the adoption driver's value (a share); with
``ramp_months = 0`` it is ``A`` from the start month.  Start 1, ramp 4, A = 0.8 gives 0.2, 0.4,
0.6, 0.8, 0.8, ...  Without an ``adoption`` section, ``adoption`` is 1 in every month.

**Cash flows**: ``CF_0 = -one_off_cost`` and ``CF_m = monthly_benefit - monthly_cost``.

**Conventions** (stated in every result):

* NPV = sum of ``CF_t / (1 + r_m)^t`` for t = 0..H, the first cash flow *undiscounted* at t = 0
  (numpy-financial's ``npv``; Excel's ``NPV`` instead discounts its first value by a period).
  The monthly rate is ``r_m = (1 + r)^(1/12) - 1`` for the annual rate ``r``.
* IRR: the monthly rate that makes the NPV 0, found by scanning r_m over [-90 %, 10 000 %] and
  refining each sign change with :func:`scipy.optimize.brentq`; reported as a monthly and an
  annualised rate ``(1 + irr_m)^12 - 1`` when exactly one exists, ``None`` (with the reason)
  when the flows never change sign or the NPV crosses zero more than once.
* ROI = (total benefits - total costs) / total costs over the horizon, **undiscounted**.
* Payback: the first month in which the cumulative cash flow reaches 0, interpolated linearly
  within the month (``[-1000, 300, 400, 500]`` pays back after 2.6 periods); discounted payback
  the same on discounted flows.  ``None`` when it never does.
* Break-even adoption: the adoption share (0-1) at which the NPV of a scenario is 0, by
  ``brentq`` on [0, 1].

**Sensitivity** (tornado): each driver at its low and at its high value, the others at their
likely values; bars ranked by the NPV swing.

**Monte Carlo**: every driver drawn from a triangular (low, likely, high) distribution,
independently unless correlated (below), seeded (``numpy.random.default_rng(seed)``), all
samples evaluated at once on arrays; P(NPV > 0), mean and the 10th / 50th / 90th percentiles
(numpy's linear interpolation).

**Correlated drivers** (``correlations``): drivers that move together (high adoption where the
tool saves the most time; a higher volume bought at a lower price per call) are given Spearman
rank correlations, each pair once, strictly between -1 and 1::

    correlations:
      - drivers: [adoption_max, minutes_saved]
        rho: 0.6
        description: teams that save the most time adopt the most (pilot interviews)

The pairs are joined by a **Gaussian copula**: each correlated driver's independent draws are
turned into normal scores through its own triangular CDF and ``scipy.stats.norm.ppf``, mixed by
the Cholesky factor of the correlation matrix (normal-scale ``2 sin(pi rho / 6)``, so that the
*rank* correlation of the draws is rho), and turned back by ``norm.cdf`` and the driver's
inverse CDF.  Each driver keeps its triangular distribution exactly; drivers in no pair keep
their very draws, and without correlations nothing changes.  The pairs must hold together (a
positive definite matrix: a-b 0.9, b-c 0.9, a-c -0.9 cannot); :func:`correlation_problems`
names the pairs that do not and suggests smaller values.  A positive correlation between two
drivers that raise the NPV together widens the NPV distribution; a negative one narrows it.
With correlations, a driver's EVPPI also counts what knowing it tells about the drivers
correlated with it.  The scenarios and the tornado are unchanged: they set drivers explicitly.

**Value of information** for the go / no-go decision (go when the expected NPV is positive):

* EVPI = E[max(NPV, 0)] - max(E[NPV], 0): what knowing *everything* before deciding is worth.
* EVPPI per driver: the same with only that driver known, estimated by **binning**: the samples
  are sorted by the driver and cut into ``bins`` (default 20) groups of equal size; E[NPV | driver]
  is taken as each group's mean NPV, and EVPPI = mean over groups of max(group mean, 0) -
  max(E[NPV], 0), clipped to [0, EVPI].  The estimator is biased upwards by the noise in the
  group means; for a driver without any influence that bias is about ``0.4 * sd(NPV) /
  sqrt(n / bins)``, reported as ``evppi_noise_floor`` - values below it are not evidence.  A
  driver with a high EVPPI is worth an experiment before deciding; one near 0 is not.

**Exit criteria** (``exit_criteria``) are stop rules such as "time saved < 0.15": a rule that
holds for the measured value is a failed gate ("stop"), one that does not hold passes, and a
rule without a measured value yet warns. A value typed in a driver's ``measured`` field is shown
as typed and never passes (it warns "not measured"; a stop rule it meets still fails).

Examples
--------
>>> from aipo_widgets.model.schema import BusinessCase
>>> bc = BusinessCase.model_validate({
...     "horizon_months": 24, "discount_rate": 0.08,
...     "drivers": {
...         "tickets": {"conservative": 8000, "realistic": 10000, "optimistic": 12000},
...         "minutes_saved": {"conservative": 1.5, "realistic": 3, "optimistic": 4.5},
...         "hourly_cost": {"conservative": 40, "realistic": 40, "optimistic": 40},
...         "cost_per_ticket": {"conservative": 0.06, "realistic": 0.04, "optimistic": 0.03},
...         "build": {"conservative": 260000, "realistic": 200000, "optimistic": 180000},
...         "reach": {"conservative": 0.6, "realistic": 0.8, "optimistic": 0.9}},
...     "adoption": {"driver": "reach", "ramp_months": 4, "start_month": 1},
...     "one_off_cost": "build",
...     "monthly_benefit": "tickets * adoption * minutes_saved / 60 * hourly_cost",
...     "monthly_cost": "tickets * adoption * cost_per_ticket + 500",
... })
>>> r = analyse(bc, n=2000, seed=1)
>>> round(r.scenarios["realistic"].npv), round(r.scenarios["conservative"].npv)
(113315, -177738)
>>> round(r.scenarios["realistic"].payback_months, 2), round(r.expected_npv)
(14.72, 130355)
>>> [b.driver for b in r.tornado][:2]
['minutes_saved', 'tickets']
>>> round(r.monte_carlo.p_positive, 2), r.monte_carlo.p10 < 0 < r.monte_carlo.p90
(0.85, True)
>>> max(r.monte_carlo.evppi, key=r.monte_carlo.evppi.get)
'minutes_saved'

Where the teams that save the most time also adopt the most, say so; the realistic NPV stays,
the spread of the simulated NPV grows:

>>> linked = BusinessCase.model_validate({**bc.model_dump(), "correlations": [
...     {"drivers": ["reach", "minutes_saved"], "rho": 0.6}]})
>>> c = analyse(linked, n=2000, seed=1)
>>> c.scenarios["realistic"].npv == r.scenarios["realistic"].npv
True
>>> c.monte_carlo.p90 - c.monte_carlo.p10 > r.monte_carlo.p90 - r.monte_carlo.p10
True
>>> [round(x["drawn"], 1) for x in c.monte_carlo.correlations]
[0.6]
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from aipo_widgets._text import suggest
from aipo_widgets.analysis.business_case_finance import (
    CONVENTION,
    evpi,
    evppi,
    monthly_rate,
    npv,
    payback,
    roi,
)
from aipo_widgets.analysis.business_case_results import (
    BusinessCaseResult,
    MonteCarloResult,
    ScenarioResult,
    TornadoBar,
)
from aipo_widgets.analysis.business_case_view import result_view
from aipo_widgets.analysis.cached import irr, simulate
from aipo_widgets.analysis.formulas import Expression, FormulaError
from aipo_widgets.errors import Problem, UsageError, WorkspaceError, format_path
from aipo_widgets.evidence import Gate, Provenance
from aipo_widgets.model import schema as spec
from aipo_widgets.model.correlations import correlation_matrix, correlation_problems, driver_range

__all__ = [
    "CONVENTION",
    "SCENARIOS",
    "BusinessCaseModel",
    "BusinessCaseResult",
    "MonteCarloResult",
    "ScenarioResult",
    "TornadoBar",
    "analyse",
    "analyse_view",
    "evpi",
    "evppi",
    "irr",
    "monthly_rate",
    "npv",
    "payback",
    "roi",
]

Scenario = Literal["conservative", "realistic", "optimistic"]
SCENARIOS: tuple[Scenario, ...] = ("conservative", "realistic", "optimistic")
_RESERVED = ("adoption", "month")


# --------------------------------------------------------------------------------------------
# The model


class BusinessCaseModel:
    """A business case with its formulas parsed and its driver ranges checked.

    Parameters
    ----------
    bc : aipo_widgets.model.schema.BusinessCase or dict
        The workspace's ``business_case`` section.

    Raises
    ------
    WorkspaceError
        With every problem at once: formula syntax, unknown names (with a suggestion), driver
        names that clash with ``adoption`` or ``month``, a range with low > likely > high.

    Examples
    --------
    >>> m = BusinessCaseModel({"horizon_months": 3, "discount_rate": 0,
    ...     "drivers": {"gain": {"conservative": 1, "realistic": 2, "optimistic": 3}},
    ...     "one_off_cost": "5", "monthly_benefit": "gain"})
    >>> m.cash_flows("realistic").flows
    [-5.0, 2.0, 2.0, 2.0]
    """

    def __init__(self, bc: spec.BusinessCase | Mapping):
        if isinstance(bc, Mapping):
            try:
                bc = spec.BusinessCase.model_validate(dict(bc))
            except Exception as exc:  # pydantic.ValidationError
                raise WorkspaceError([Problem(str(exc), path="business_case", code="invalid")]
                                     ) from None
        if not isinstance(bc, spec.BusinessCase):
            raise UsageError([Problem("bc must be a spec.BusinessCase or a dict, got "
                                      f"{type(bc).__name__}", code="bad_argument")])
        self.spec = bc
        self.notes: list[str] = []
        problems: list[Problem] = []
        drivers = list(bc.drivers)
        for name in drivers:
            if name in _RESERVED:
                problems.append(Problem(f"driver '{name}' clashes with the built-in name "
                                        f"'{name}'", path=f"business_case.drivers.{name}",
                                        fix="rename the driver", code="reserved_name"))
        known = [*drivers, *_RESERVED]
        self.exprs: dict[str, Expression] = {}
        for key in ("one_off_cost", "monthly_benefit", "monthly_cost"):
            try:
                e = Expression(getattr(bc, key), where=f"business_case.{key}")
            except FormulaError as exc:
                problems.extend(exc.problems)
                continue
            problems.extend(e.unknown_names(known))
            self.exprs[key] = e
        self.ranges: dict[str, tuple[float, float, float]] = {}
        for name, d in bc.drivers.items():
            low, likely, high = driver_range(d)
            if not low <= likely <= high:
                problems.append(Problem(
                    f"driver '{name}' has low {low:g}, likely {likely:g}, high {high:g}; they "
                    "must satisfy low <= likely <= high", path=f"business_case.drivers.{name}",
                    fix="correct the range (or leave low/high out to use the scenarios' "
                    "smallest and largest values)", code="bad_range"))
            self.ranges[name] = (float(low), float(likely), float(high))
        if bc.adoption is not None and bc.adoption.driver not in bc.drivers:
            problems.append(Problem(f"adoption names driver '{bc.adoption.driver}', which is not "
                                    "a driver", path="business_case.adoption.driver",
                                    fix=suggest(bc.adoption.driver, drivers),
                                    code="unknown_reference"))
        problems.extend(Problem(message, path=format_path(path), fix=fix, code="correlation")
                        for path, message, fix in correlation_problems(bc))
        if problems:
            raise WorkspaceError(problems)
        if bc.correlations:
            self.notes.append(f"the Monte Carlo draws {len(bc.correlations)} pair(s) of drivers "
                              "rank-correlated (Gaussian copula), the others independently; "
                              "scenarios and tornado set drivers one by one as before")
        if any(d.low is None or d.high is None for d in bc.drivers.values()):
            self.notes.append("drivers without low/high take the smallest and largest of their "
                              "three scenario values as their range")
        uses_adoption = any("adoption" in e.names for e in self.exprs.values())
        if bc.adoption is None and uses_adoption:
            self.notes.append("no adoption section: 'adoption' is 1 in every month")
        if bc.adoption is not None:
            for s in SCENARIOS:
                v = getattr(bc.drivers[bc.adoption.driver], s)
                if not 0 <= v <= 1:
                    self.notes.append(f"the adoption driver's {s} value {v:g} is not a share "
                                      "between 0 and 1")
        self.horizon = bc.horizon_months
        self.monthly_rate = monthly_rate(bc.discount_rate)

    # -- values -----------------------------------------------------------------------------------

    def values(self, scenario: str = "realistic") -> dict[str, float]:
        """Return every driver's value in a scenario (or ``"likely"``, ``"low"``, ``"high"``)."""
        if scenario in SCENARIOS:
            return {k: float(getattr(d, scenario)) for k, d in self.spec.drivers.items()}
        idx = {"low": 0, "likely": 1, "high": 2}.get(scenario)
        if idx is None:
            raise UsageError([Problem(f"unknown scenario {scenario!r}",
                                      fix="use conservative, realistic, optimistic, low, likely "
                                      "or high", code="bad_argument")])
        return {k: r[idx] for k, r in self.ranges.items()}

    def adoption(self, target):
        """Return adoption per month 0..H for an adoption target (a number or an (n, 1) array).

        Examples
        --------
        >>> m = BusinessCaseModel({"horizon_months": 6, "drivers": {"a": {"conservative": 0.8,
        ...     "realistic": 0.8, "optimistic": 0.8}}, "adoption": {"driver": "a",
        ...     "ramp_months": 4, "start_month": 1}})
        >>> [round(float(x), 2) for x in m.adoption(0.8)]
        [0.0, 0.2, 0.4, 0.6, 0.8, 0.8, 0.8]
        """
        import numpy as np

        months = np.arange(self.horizon + 1, dtype=float)
        a = self.spec.adoption
        if a is None:
            shape = np.where(months >= 1, 1.0, 0.0)
            return shape * np.ones_like(np.asarray(target, dtype=float))
        if a.ramp_months == 0:
            shape = np.where(months >= max(a.start_month, 1), 1.0, 0.0)
        else:
            shape = np.clip((months - a.start_month + 1) / a.ramp_months, 0.0, 1.0)
            shape = np.where((months >= a.start_month) & (months >= 1), shape, 0.0)
        return np.asarray(target, dtype=float) * shape

    def _adoption_target(self, values: Mapping[str, Any]):
        a = self.spec.adoption
        return 1.0 if a is None else values[a.driver]

    def _evaluate(self, values: Mapping[str, Any], batch: bool):
        """Return (benefit, cost) arrays over months 0..H; batch values are (n, 1) arrays."""
        import numpy as np

        months = np.arange(self.horizon + 1, dtype=float)
        adoption = self.adoption(self._adoption_target(values))
        if batch:
            months = months[None, :]
            n = max((np.shape(v)[0] for v in values.values()), default=1)
            adoption = np.broadcast_to(adoption, (n, self.horizon + 1))
        names = {**values, "adoption": adoption[..., 1:], "month": months[..., 1:]}
        benefit = self.exprs["monthly_benefit"].evaluate_array(names)
        cost = self.exprs["monthly_cost"].evaluate_array(names)
        one_off = self.exprs["one_off_cost"].evaluate_array(
            {**values, "adoption": 0.0, "month": 0.0})
        shape = adoption.shape
        benefit_full = np.zeros(shape)
        cost_full = np.zeros(shape)
        benefit_full[..., 1:] = np.broadcast_to(benefit, (*shape[:-1], shape[-1] - 1))
        cost_full[..., 1:] = np.broadcast_to(cost, (*shape[:-1], shape[-1] - 1))
        one = np.asarray(one_off)
        cost_full[..., 0] = one.reshape(-1) if (batch and one.ndim == 2) else one
        return adoption, benefit_full, cost_full

    def flows(self, values: Mapping[str, float]):
        """Return the net cash flows (numpy array, months 0..H) for driver values."""
        _, b, c = self._evaluate(self._check(values), batch=False)
        return b - c

    def npv(self, values: Mapping[str, float]) -> float:
        """Return the NPV for driver values."""
        import numpy as np

        f = self.flows(values)
        return float(np.sum(f / (1 + self.monthly_rate) ** np.arange(f.size)))

    def _check(self, values: Mapping[str, float]) -> dict[str, float]:
        missing = [k for k in self.spec.drivers if k not in values]
        if missing:
            raise UsageError([Problem("no value for driver(s) " + ", ".join(missing),
                                      code="missing_value")])
        return {k: float(values[k]) for k in self.spec.drivers}

    def cash_flows(self, scenario: str | Mapping[str, float] = "realistic") -> ScenarioResult:
        """Return a scenario's cash flows and figures (break-even adoption left empty).

        Parameters
        ----------
        scenario : str or mapping
            A scenario name (see :meth:`values`) or explicit driver values.
        """
        import numpy as np

        name = scenario if isinstance(scenario, str) else "custom"
        values = self.values(scenario) if isinstance(scenario, str) else self._check(scenario)
        adoption, b, c = self._evaluate(values, batch=False)
        flows = b - c
        rm = self.monthly_rate
        value = float(np.sum(flows / (1 + rm) ** np.arange(flows.size)))
        r, note = irr(flows)  # through the workspace's cache: solving it imports scipy.optimize
        pb, pb_note = payback(flows)
        disc = flows / (1 + rm) ** np.arange(flows.size)
        dpb, _ = payback(disc)
        total_b, total_c = float(b.sum()), float(c.sum())
        return ScenarioResult(
            scenario=name, drivers=values, adoption=[float(x) for x in adoption],
            benefit=[float(x) for x in b], cost=[float(x) for x in c],
            flows=[float(x) for x in flows], npv=value, irr_monthly=r,
            irr_annual=None if r is None else (1 + r) ** 12 - 1, irr_note=note,
            roi=roi(total_b, total_c), total_benefit=total_b, total_cost=total_c,
            payback_months=pb, discounted_payback_months=dpb, payback_note=pb_note,
        )

    def break_even_adoption(self, scenario: str = "realistic") -> tuple[float | None, str]:
        """Return the adoption share (0-1) at which the scenario's NPV is 0, and a note.

        Examples
        --------
        >>> m = BusinessCaseModel({"horizon_months": 10, "discount_rate": 0,
        ...     "drivers": {"a": {"conservative": 0.5, "realistic": 0.5, "optimistic": 0.5}},
        ...     "adoption": {"driver": "a", "ramp_months": 0},
        ...     "one_off_cost": "100", "monthly_benefit": "40 * adoption"})
        >>> m.break_even_adoption()
        (0.25, '')
        """
        from scipy.optimize import brentq

        a = self.spec.adoption
        if a is None:
            return None, "no adoption driver"
        base = self.values(scenario)

        def f(x: float) -> float:
            return self.npv({**base, a.driver: x})

        f0, f1 = f(0.0), f(1.0)
        if f0 >= 0:
            return 0.0, "the NPV is not negative even without adoption"
        if f1 < 0:
            return None, "the NPV stays negative even at full adoption (100 %)"
        x = float(brentq(f, 0.0, 1.0, xtol=1e-12))
        return x, ""

    # -- sensitivity and simulation -------------------------------------------------------------

    def tornado(self) -> list[TornadoBar]:
        """Return each driver's NPV at its low and high value (others likely), ranked by swing."""
        likely = self.values("likely")
        bars = []
        for name, (lo, mid, hi) in self.ranges.items():
            n_lo = self.npv({**likely, name: lo})
            n_hi = self.npv({**likely, name: hi})
            bars.append(TornadoBar(name, lo, mid, hi, n_lo, n_hi, abs(n_hi - n_lo)))
        bars.sort(key=lambda b: -b.swing)
        for i, b in enumerate(bars, 1):
            b.rank = i
        return bars

    def simulate(self, n: int = 10_000, seed: int = 0, bins: int = 20) -> MonteCarloResult:
        """Draw every driver from its triangular range and return the NPV distribution and VOI.

        Drivers are independent unless ``business_case.correlations`` joins them (see the
        module's *Correlated drivers*); without correlations the draws for a seed are those of
        one ``rng.triangular`` call per uncertain driver, in the drivers' order.

        Parameters
        ----------
        n : int, default 10000
            Samples.
        seed : int, default 0
            Seed of ``numpy.random.default_rng``.
        bins : int, default 20
            Groups for the EVPPI estimate.

        Raises
        ------
        UsageError
            For bad ``n``, ``seed`` or ``bins``.
        EvaluationError
            If a formula fails on some samples (e.g. a range that reaches a zero divisor).
        """
        import numpy as np

        for label, v, least in (("n", n, 2), ("bins", bins, 1)):
            if isinstance(v, bool) or not isinstance(v, int) or v < least:
                raise UsageError([Problem(f"{label} must be an integer >= {least}, got {v!r}",
                                          code="bad_argument")])
        if bins > n:
            raise UsageError([Problem(f"bins ({bins}) cannot exceed n ({n})",
                                      code="bad_argument")])
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise UsageError([Problem(f"seed must be a non-negative integer, got {seed!r}",
                                      code="bad_argument")])
        rng = np.random.default_rng(seed)
        samples: dict[str, Any] = {}
        for name, (lo, mid, hi) in self.ranges.items():
            samples[name] = np.full(n, lo) if lo == hi else rng.triangular(lo, mid, hi, size=n)
        drawn = self._correlate(samples)
        values = {k: v[:, None] for k, v in samples.items()}
        _, b, c = self._evaluate(values, batch=True)
        flows = b - c
        disc = (1 + self.monthly_rate) ** -np.arange(flows.shape[1])
        npv_s = flows @ disc
        std = float(npv_s.std(ddof=1))
        ev = {k: evppi(npv_s, v, bins) for k, v in samples.items()}
        ev = dict(sorted(ev.items(), key=lambda kv: -kv[1]))
        p10, p50, p90 = (float(x) for x in np.percentile(npv_s, [10, 50, 90]))
        # What the pictures draw: the spread of the cumulative cash flow month by month, and
        # the NPV's distribution in 30 bins (a few hundred numbers, never the samples).
        cum = np.percentile(np.cumsum(flows, axis=1), [10, 50, 90], axis=0)
        counts, edges = np.histogram(npv_s, bins=30)
        return MonteCarloResult(
            n=n, seed=seed, mean=float(npv_s.mean()), std=std, p10=p10, p50=p50, p90=p90,
            minimum=float(npv_s.min()), maximum=float(npv_s.max()),
            p_positive=float(np.mean(npv_s > 0)), evpi=evpi(npv_s), evppi=ev,
            evppi_noise_floor=0.4 * std / math.sqrt(n / bins), bins=bins,
            npv_samples=npv_s, driver_samples=samples, correlations=drawn,
            band={k: [float(x) for x in row] for k, row in zip(("p10", "p50", "p90"), cum,
                                                                 strict=True)},
            histogram={"edges": [float(x) for x in edges], "counts": [int(k) for k in counts]},
        )

    def _correlate(self, samples: dict[str, Any]) -> list[dict]:
        """Join the correlated drivers' independent draws by a Gaussian copula, in place.

        Each driver's triangular CDF turns its draws into uniforms, ``norm.ppf`` into
        independent standard normal scores; the Cholesky factor of the normal-scale correlation
        matrix mixes them, and ``norm.cdf`` then the driver's own inverse CDF bring them back.
        So every driver keeps its marginal distribution exactly, drivers outside any pair keep
        their very draws, and a rho moved a little moves the draws a little (the same random
        numbers underneath) rather than reshuffling them.  Returns each pair's requested and
        drawn Spearman correlation.
        """
        pairs = self.spec.correlations
        if not pairs:
            return []
        import numpy as np
        from scipy.stats import norm, spearmanr, triang

        names = [k for k in self.ranges if any(k in c.drivers for c in pairs)]
        triples = [(c.drivers[0], c.drivers[1], c.rho) for c in pairs]
        chol = np.linalg.cholesky(correlation_matrix(names, triples))
        dists = []
        for name in names:
            lo, mid, hi = self.ranges[name]
            dists.append(triang((mid - lo) / (hi - lo), loc=lo, scale=hi - lo))
        u = np.column_stack([d.cdf(samples[k]) for k, d in zip(names, dists, strict=True)])
        # A draw exactly at low or high (probability ~1e-16) would give an infinite score.
        z = norm.ppf(np.clip(u, 1e-12, 1 - 1e-12)) @ chol.T
        for j, (name, d) in enumerate(zip(names, dists, strict=True)):
            samples[name] = d.ppf(norm.cdf(z[:, j]))
        return [{"drivers": list(c.drivers), "rho": c.rho,
                 "drawn": float(spearmanr(samples[c.drivers[0]], samples[c.drivers[1]])[0])}
                for c in pairs]

    # -- exit criteria --------------------------------------------------------------------------

    def exit_gates(self, measured: Mapping[str, float] | None = None) -> list[Gate]:
        """Evaluate the exit criteria (stop rules) against measured values.

        Parameters
        ----------
        measured : mapping, optional
            Metric or driver -> measured value; drivers' ``measured`` fields fill the rest.

        Returns
        -------
        list of Gate
            ``fail`` where the stop rule holds, ``pass`` where it does not, ``warn`` where
            nothing is measured yet.
        """
        measured = dict(measured or {})
        ops = {">=": lambda a, b: a >= b, ">": lambda a, b: a > b, "<=": lambda a, b: a <= b,
               "<": lambda a, b: a < b, "==": lambda a, b: a == b}
        gates = []
        for i, cond in enumerate(self.spec.exit_criteria):
            name = cond.description or f"exit rule: stop if {cond.metric} {cond.operator} " \
                f"{cond.value:g}"
            figure = measured.get(cond.metric)
            typed = None
            if figure is None and cond.metric in self.spec.drivers:
                # A driver's ``measured`` is typed in aipo.yaml: shown as typed, never a pass.
                figure = self.spec.drivers[cond.metric].measured
                typed = Provenance.typed(
                    f"business_case.drivers[{cond.metric}].measured",
                    note=f"it would be measured by a phase that measures '{cond.metric}'")
            threshold = f"stop if {cond.operator} {cond.value:g}"
            source = f"business_case.exit_criteria[{i}]"
            # The metric is named so that a later phase's measurement supersedes an earlier
            # "not measured yet" (gates.verdict.supersede).
            extra = {"metric": cond.metric}
            if figure is None:
                gates.append(Gate(name, "warn", None, threshold, f"'{cond.metric}' is not "
                                  "measured yet; measure it before the go / no-go", source=source,
                                  extra=extra, provenance=Provenance.missing(
                                      f"a phase that measures '{cond.metric}'")))
            elif ops[cond.operator](float(figure), cond.value):
                gates.append(Gate(name, "fail", float(figure), threshold,
                                  f"the stop rule holds: {cond.metric} = {float(figure):g}",
                                  source=source, extra=extra, provenance=typed))
            else:
                gates.append(Gate(name, "pass", float(figure), threshold,
                                  f"the stop rule does not hold: {cond.metric} = "
                                  f"{float(figure):g}", source=source, extra=extra,
                                  provenance=typed))
        return gates


def analyse(
    bc: spec.BusinessCase | Mapping,
    *,
    measured: Mapping[str, float] | None = None,
    monte_carlo: bool = True,
    n: int = 10_000,
    seed: int = 0,
    bins: int = 20,
) -> BusinessCaseResult:
    """Compute the whole business case: scenarios, expected NPV, tornado, Monte Carlo, gates.

    Parameters
    ----------
    bc : aipo_widgets.model.schema.BusinessCase or dict
        The workspace's ``business_case`` section.
    measured : mapping, optional
        Measured values for the exit criteria (drivers' ``measured`` fields fill the rest).
    monte_carlo : bool, default True
        Run the simulation.
    n, seed, bins : int
        Samples, seed and EVPPI groups of the simulation.

    Returns
    -------
    BusinessCaseResult

    Raises
    ------
    WorkspaceError
        If the business case has unknown names, formula errors or bad ranges.
    EvaluationError
        If a formula cannot be evaluated with the drivers' values.
    """
    model = BusinessCaseModel(bc)
    scen = {}
    for s in (*SCENARIOS, "likely"):
        res = model.cash_flows(s)
        if s in SCENARIOS:
            res.break_even_adoption, res.break_even_note = model.break_even_adoption(s)
        scen[s] = res
    weights: dict[str, float] = {str(k): v for k, v in model.spec.scenario_weights.items()} or {
        "conservative": 0.25, "realistic": 0.5, "optimistic": 0.25}
    expected = sum(weights.get(s, 0.0) * scen[s].npv for s in SCENARIOS)
    npvs = [scen[s].npv for s in SCENARIOS]
    # Through the workspace's cache when a phase opened one (same section, draws and seed).
    mc = simulate(model, bc, n, seed, bins)[0] if monte_carlo else None
    return BusinessCaseResult(
        currency=model.spec.currency, horizon_months=model.horizon,
        discount_rate=model.spec.discount_rate, monthly_rate=model.monthly_rate,
        convention=CONVENTION, scenarios=scen, weights=weights, expected_npv=float(expected),
        npv_min=min(npvs), npv_max=max(npvs), tornado=model.tornado(), monte_carlo=mc,
        exit_gates=model.exit_gates(measured), notes=list(model.notes),
    )


def analyse_view(
    bc: spec.BusinessCase,
    *,
    monte_carlo: bool | dict = True,
    n: int = 10_000,
    seed: int = 0,
    measured: Mapping[str, float] | None = None,
) -> dict:
    """Analyse a business case and return the result as plain data (for the widget, the figure).

    Parameters
    ----------
    bc : aipo_widgets.model.schema.BusinessCase
        The workspace's ``business_case`` section.
    monte_carlo : bool or dict, default True
        Run the simulation, leave it out (``monte_carlo: None``), or use a summary computed
        before (:func:`aipo_widgets.analysis.business_case_view.monte_carlo_view`); the
        simulation runs only when True.
    n, seed : int
        Samples and seed of the simulation.
    measured : mapping, optional
        Measured values for the exit criteria.

    Returns
    -------
    dict
        See :func:`aipo_widgets.analysis.business_case_view.result_view`.
    """
    result = analyse(bc, measured=measured, monte_carlo=monte_carlo is True, n=n, seed=seed)
    return result_view(result, bc, monte_carlo=monte_carlo)
