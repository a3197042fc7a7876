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
rule without a measured value yet warns.

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
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from aipo_widgets._text import suggest
from aipo_widgets.analysis.formulas import Expression, FormulaError
from aipo_widgets.errors import Problem, UsageError, WorkspaceError, format_path
from aipo_widgets.evidence import Gate
from aipo_widgets.model import schema as spec
from aipo_widgets.model.correlations import correlation_matrix, correlation_problems, driver_range

__all__ = [
    "SCENARIOS",
    "BusinessCaseModel",
    "BusinessCaseResult",
    "MonteCarloResult",
    "ScenarioResult",
    "TornadoBar",
    "analyse",
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
CONVENTION = (
    "NPV: cash flow 0 at t = 0 undiscounted (numpy-financial convention), monthly rate "
    "(1 + r)^(1/12) - 1; ROI undiscounted over the horizon; payback interpolated within the "
    "month"
)


# --------------------------------------------------------------------------------------------
# Finance functions on plain cash-flow vectors


def _flows(values: Sequence[float]):
    import numpy as np

    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0 or not np.isfinite(arr).all():
        raise UsageError([Problem("cash flows must be a non-empty 1-d sequence of finite numbers",
                                  code="bad_argument")])
    return arr


def monthly_rate(annual: float) -> float:
    """Return the monthly rate equivalent to an annual one: ``(1 + annual)^(1/12) - 1``.

    Examples
    --------
    >>> round(monthly_rate(0.12), 6)
    0.009489
    """
    if not (isinstance(annual, (int, float)) and annual > -1):
        raise UsageError([Problem(f"the annual rate must be above -100 %, got {annual!r}",
                                  code="bad_argument")])
    return (1 + annual) ** (1 / 12) - 1


def npv(rate: float, values: Sequence[float]) -> float:
    """Return the net present value, first cash flow at t = 0 (numpy-financial's convention).

    Parameters
    ----------
    rate : float
        The discount rate per period (> -1).
    values : sequence of float
        Cash flows per period, ``values[0]`` at t = 0 (not discounted).

    Returns
    -------
    float

    Examples
    --------
    >>> round(npv(0.281, [-100, 39, 59, 55, 20]), 6)
    -0.008479
    """
    arr = _flows(values)
    if not rate > -1:
        raise UsageError([Problem(f"rate must be above -1, got {rate!r}", code="bad_argument")])
    import numpy as np

    t = np.arange(arr.size)
    return float(np.sum(arr / (1 + rate) ** t))


def irr(values: Sequence[float]) -> tuple[float | None, str]:
    """Return the internal rate of return per period, where it exists and is unique.

    Parameters
    ----------
    values : sequence of float
        Cash flows per period, the first at t = 0.

    Returns
    -------
    rate : float or None
        The rate per period at which the NPV is 0; None when there is none or more than one.
    note : str
        Why it is None, or ``""``.

    Examples
    --------
    >>> round(irr([-100, 39, 59, 55, 20])[0], 5)
    0.28095
    >>> irr([-100, 230, -132])
    (None, 'the NPV is 0 at several rates (10.00 %, 20.00 %): IRR is not defined uniquely')
    >>> irr([100, 50])
    (None, 'the cash flows never change sign: no IRR')
    """
    import numpy as np
    from scipy.optimize import brentq

    arr = _flows(values)
    nz = arr[arr != 0]
    changes = int(np.sum(np.sign(nz[1:]) != np.sign(nz[:-1]))) if nz.size > 1 else 0
    if changes == 0:
        return None, "the cash flows never change sign: no IRR"
    t = np.arange(arr.size)

    def f(r: float) -> float:
        return float(np.sum(arr / (1 + r) ** t))

    grid = np.concatenate([np.linspace(-0.9, 0, 901)[:-1], np.geomspace(1e-9, 100, 2000)])
    grid = np.concatenate([[-0.9], grid[1:]])
    with np.errstate(all="ignore"):
        # One matrix product for the whole grid; the roots are then refined one by one.
        vals = (1.0 / (1.0 + grid)[:, None] ** t[None, :]) @ arr
    roots: list[float] = []
    for i in range(len(grid) - 1):
        a, b = vals[i], vals[i + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0:
            roots.append(float(grid[i]))
        elif b != 0 and np.sign(a) != np.sign(b):
            with np.errstate(all="ignore"):
                roots.append(float(brentq(f, grid[i], grid[i + 1], xtol=1e-14, rtol=1e-12)))
    if vals[-1] == 0:
        roots.append(float(grid[-1]))
    distinct: list[float] = []
    for r in sorted(roots):
        if not distinct or abs(r - distinct[-1]) > 1e-9 * max(1.0, abs(r)):
            distinct.append(r)
    roots = distinct
    if len(roots) == 1:
        return roots[0], ""
    if not roots:
        return None, "no rate between -90 % and 10 000 % per period makes the NPV 0"
    shown = ", ".join(f"{100 * r:.2f} %" for r in roots[:5])
    return None, f"the NPV is 0 at several rates ({shown}): IRR is not defined uniquely"


def payback(values: Sequence[float]) -> tuple[float | None, str]:
    """Return the periods until the cumulative cash flow reaches 0, interpolated.

    Returns
    -------
    periods : float or None
        None when the cumulative cash flow never reaches 0.
    note : str
        E.g. that the cumulative flow falls below 0 again later.

    Examples
    --------
    >>> payback([-1000, 300, 400, 500])
    (2.6, '')
    >>> payback([-1000, 300])
    (None, 'the cumulative cash flow never reaches 0 within the horizon')
    """
    import numpy as np

    arr = _flows(values)
    cum = np.cumsum(arr)
    if cum[0] >= 0:
        t = 0.0
    else:
        hits = np.nonzero(cum >= 0)[0]
        if hits.size == 0:
            return None, "the cumulative cash flow never reaches 0 within the horizon"
        k = int(hits[0])
        t = (k - 1) + float(-cum[k - 1] / arr[k])
    note = ""
    first = int(np.ceil(t)) if t > 0 else 0
    if (cum[first:] < 0).any():
        note = "the cumulative cash flow falls below 0 again later"
    return t, note


def roi(total_benefit: float, total_cost: float) -> float | None:
    """Return (benefit - cost) / cost, undiscounted; None when the cost is 0.

    Examples
    --------
    >>> roi(150, 100)
    0.5
    """
    return None if total_cost == 0 else (total_benefit - total_cost) / total_cost


def evpi(npv_samples) -> float:
    """Return the expected value of perfect information for a go / no-go decision.

    ``E[max(NPV, 0)] - max(E[NPV], 0)``: go when the NPV is positive, otherwise stop at 0.

    Examples
    --------
    >>> evpi([-10.0, 20.0])
    5.0
    """
    import numpy as np

    x = np.asarray(npv_samples, dtype=float)
    return float(np.mean(np.maximum(x, 0)) - max(float(np.mean(x)), 0.0))


def evppi(npv_samples, driver_samples, bins: int = 20) -> float:
    """Return the expected value of partial perfect information about one driver (binning).

    Parameters
    ----------
    npv_samples, driver_samples : array_like
        Paired Monte Carlo samples.
    bins : int, default 20
        Number of equal-count groups of the samples sorted by the driver.

    Returns
    -------
    float
        ``mean over groups of max(group mean NPV, 0) - max(E[NPV], 0)``, clipped to [0, EVPI].

    Examples
    --------
    >>> evppi([-10.0, 20.0, -10.0, 20.0], [0.0, 1.0, 0.1, 0.9], bins=2)
    5.0
    >>> evppi([-10.0, 20.0, -10.0, 20.0], [0.0, 0.1, 0.9, 1.0], bins=2)
    0.0
    """
    import numpy as np

    x = np.asarray(npv_samples, dtype=float)
    d = np.asarray(driver_samples, dtype=float)
    if x.shape != d.shape or x.ndim != 1 or x.size < 2:
        raise UsageError([Problem("NPV and driver samples must be 1-d arrays of equal length "
                                  "(at least 2)", code="bad_argument")])
    if not isinstance(bins, int) or not 1 <= bins <= x.size:
        raise UsageError([Problem(f"bins must be an integer from 1 to {x.size}, got {bins!r}",
                                  code="bad_argument")])
    if np.ptp(d) == 0:
        return 0.0
    order = np.argsort(d, kind="stable")
    groups = np.array_split(x[order], bins)
    value = sum(len(g) * max(float(g.mean()), 0.0) for g in groups) / x.size
    raw = value - max(float(x.mean()), 0.0)
    return float(min(max(raw, 0.0), evpi(x)))


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class ScenarioResult:
    """One scenario's cash flows and figures.

    Attributes
    ----------
    scenario : str
        ``conservative``, ``realistic``, ``optimistic`` or ``likely`` (all drivers at likely).
    drivers : dict
        The driver values used.
    adoption : list of float
        Adoption per month 0..H.
    benefit, cost : list of float
        Per month 0..H (month 0: the one-off cost in ``cost``).
    flows : list of float
        Net cash flow per month 0..H.
    npv : float
        See the module's conventions.
    irr_monthly, irr_annual : float or None
        Where uniquely defined.
    irr_note : str
        Why not, otherwise.
    roi : float or None
        Undiscounted.
    total_benefit, total_cost : float
        Undiscounted sums over the horizon (cost includes the one-off).
    payback_months, discounted_payback_months : float or None
        Interpolated.
    payback_note : str
        E.g. "never within the horizon".
    break_even_adoption : float or None
        Adoption share at which the NPV is 0.
    break_even_note : str
        Why it is None or 0.
    """

    scenario: str
    drivers: dict[str, float]
    adoption: list[float]
    benefit: list[float]
    cost: list[float]
    flows: list[float]
    npv: float
    irr_monthly: float | None
    irr_annual: float | None
    irr_note: str
    roi: float | None
    total_benefit: float
    total_cost: float
    payback_months: float | None
    discounted_payback_months: float | None
    payback_note: str
    break_even_adoption: float | None = None
    break_even_note: str = ""

    def frame(self, monthly_rate: float):
        """Return one row per month: adoption, benefit, cost, net, cumulative, discounted."""
        import numpy as np
        import pandas as pd

        t = np.arange(len(self.flows))
        disc = np.asarray(self.flows) / (1 + monthly_rate) ** t
        return pd.DataFrame({
            "month": t, "adoption": self.adoption, "benefit": self.benefit, "cost": self.cost,
            "net": self.flows, "cumulative": np.cumsum(self.flows), "discounted": disc,
            "cumulative_discounted": np.cumsum(disc),
        })

    def to_dict(self) -> dict:
        """Return the scenario as a JSON-ready dict."""
        return asdict(self)


@dataclass
class TornadoBar:
    """One driver's bar of the tornado: NPV at its low and at its high value."""

    driver: str
    low: float
    likely: float
    high: float
    npv_low: float
    npv_high: float
    swing: float
    rank: int = 0

    def to_dict(self) -> dict:
        """Return the bar as a JSON-ready dict."""
        return asdict(self)


@dataclass
class MonteCarloResult:
    """The simulated NPV distribution and the value of information.

    Attributes
    ----------
    n, seed : int
        Number of samples and the seed.
    mean, std, p10, p50, p90, minimum, maximum : float
        Of the NPV.
    p_positive : float
        Share of samples with NPV > 0.
    evpi : float
        Expected value of perfect information (go / no-go).
    evppi : dict
        Per driver, by binning; ranked largest first.
    evppi_noise_floor : float
        About ``0.4 * std / sqrt(n / bins)``: EVPPI values below it are not evidence.
    bins : int
        Groups used for EVPPI.
    correlations : list of dict
        One per ``business_case.correlations`` pair: ``drivers``, the requested ``rho`` and
        the Spearman correlation ``drawn`` in the samples; empty when all are independent.
    npv_samples : numpy.ndarray
        The NPV samples (not in :meth:`to_dict`).
    driver_samples : dict of numpy.ndarray
        The driver samples (not in :meth:`to_dict`).
    """

    n: int
    seed: int
    mean: float
    std: float
    p10: float
    p50: float
    p90: float
    minimum: float
    maximum: float
    p_positive: float
    evpi: float
    evppi: dict[str, float]
    evppi_noise_floor: float
    bins: int
    npv_samples: Any = field(repr=False, default=None)
    driver_samples: dict[str, Any] = field(repr=False, default_factory=dict)
    correlations: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the summary as a JSON-ready dict (without the samples)."""
        return {k: v for k, v in asdict(self).items()
                if k not in ("npv_samples", "driver_samples")}


@dataclass
class BusinessCaseResult:
    """Everything :func:`analyse` computes, with the conventions it used.

    Attributes
    ----------
    currency : str
        From the workspace.
    horizon_months : int
        Months covered.
    discount_rate, monthly_rate : float
        Annual rate, and the monthly rate derived from it.
    convention : str
        The NPV, ROI and payback conventions in words.
    scenarios : dict of ScenarioResult
        ``conservative``, ``realistic``, ``optimistic``, and ``likely`` (all drivers at their
        likely values, the tornado's centre).
    weights : dict
        Scenario weights.
    expected_npv : float
        Sum of weight x scenario NPV.
    npv_min, npv_max : float
        Over the three scenarios.
    tornado : list of TornadoBar
        Ranked by swing.
    monte_carlo : MonteCarloResult or None
        When simulated.
    exit_gates : list of Gate
        One per exit criterion.
    notes : list of str
        Assumptions made (no adoption ramp, ranges taken from the scenarios, ...).
    """

    currency: str
    horizon_months: int
    discount_rate: float
    monthly_rate: float
    convention: str
    scenarios: dict[str, ScenarioResult]
    weights: dict[str, float]
    expected_npv: float
    npv_min: float
    npv_max: float
    tornado: list[TornadoBar]
    monte_carlo: MonteCarloResult | None
    exit_gates: list[Gate]
    notes: list[str]

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict:
        # A picture wherever it is displayed (notebook, nbconvert HTML, Voila), without widgets.
        from aipo_widgets.figures import display_bundle

        return display_bundle(self)

    def gates(self) -> list[Gate]:
        """Return the exit-criteria gates and the NPV gate (expected NPV > 0, else fail)."""
        conservative = self.scenarios["conservative"].npv
        if self.expected_npv <= 0:
            verdict, detail = "fail", "the expected NPV is not positive: do not scale"
        elif conservative < 0:
            verdict, detail = "warn", ("positive expected NPV, but the conservative scenario "
                                       "loses money: check the risk appetite")
        else:
            verdict, detail = "pass", "positive expected NPV, conservative scenario positive"
        npv_gate = Gate("expected NPV of the business case", verdict,
                        figure=round(self.expected_npv, 2), threshold="> 0", detail=detail,
                        source="business_case")
        return [*self.exit_gates, npv_gate]

    def cash_flows(self, scenario: str = "realistic"):
        """Return the monthly cash-flow table of a scenario (a pandas DataFrame)."""
        if scenario not in self.scenarios:
            raise UsageError([Problem(f"unknown scenario {scenario!r}",
                                      fix="use one of " + ", ".join(self.scenarios),
                                      code="bad_argument")])
        return self.scenarios[scenario].frame(self.monthly_rate)

    def tornado_frame(self):
        """Return the tornado bars as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame([b.to_dict() for b in self.tornado])

    def to_dict(self) -> dict:
        """Return the result as a JSON-ready dict."""
        return {
            "currency": self.currency,
            "horizon_months": self.horizon_months,
            "discount_rate": self.discount_rate,
            "monthly_rate": self.monthly_rate,
            "convention": self.convention,
            "scenarios": {k: v.to_dict() for k, v in self.scenarios.items()},
            "weights": dict(self.weights),
            "expected_npv": self.expected_npv,
            "npv_min": self.npv_min,
            "npv_max": self.npv_max,
            "tornado": [b.to_dict() for b in self.tornado],
            "monte_carlo": self.monte_carlo.to_dict() if self.monte_carlo else None,
            "exit_gates": [g.to_dict() for g in self.exit_gates],
            "gates": [g.to_dict() for g in self.gates()],
            "notes": list(self.notes),
        }


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
        r, note = irr(flows)
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

        for label, v, lo in (("n", n, 2), ("bins", bins, 1)):
            if isinstance(v, bool) or not isinstance(v, int) or v < lo:
                raise UsageError([Problem(f"{label} must be an integer >= {lo}, got {v!r}",
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
        return MonteCarloResult(
            n=n, seed=seed, mean=float(npv_s.mean()), std=std, p10=p10, p50=p50, p90=p90,
            minimum=float(npv_s.min()), maximum=float(npv_s.max()),
            p_positive=float(np.mean(npv_s > 0)), evpi=evpi(npv_s), evppi=ev,
            evppi_noise_floor=0.4 * std / math.sqrt(n / bins), bins=bins,
            npv_samples=npv_s, driver_samples=samples, correlations=drawn,
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
        chol = np.linalg.cholesky(correlation_matrix(names, [(*c.drivers, c.rho) for c in pairs]))
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
            if figure is None and cond.metric in self.spec.drivers:
                figure = self.spec.drivers[cond.metric].measured
            threshold = f"stop if {cond.operator} {cond.value:g}"
            source = f"business_case.exit_criteria[{i}]"
            if figure is None:
                gates.append(Gate(name, "warn", None, threshold, f"'{cond.metric}' is not "
                                  "measured yet; measure it before the go / no-go", source=source))
            elif ops[cond.operator](float(figure), cond.value):
                gates.append(Gate(name, "fail", float(figure), threshold,
                                  f"the stop rule holds: {cond.metric} = {float(figure):g}",
                                  source=source))
            else:
                gates.append(Gate(name, "pass", float(figure), threshold,
                                  f"the stop rule does not hold: {cond.metric} = "
                                  f"{float(figure):g}", source=source))
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
    weights = dict(model.spec.scenario_weights) or {"conservative": 0.25, "realistic": 0.5,
                                                    "optimistic": 0.25}
    expected = sum(weights.get(s, 0.0) * scen[s].npv for s in SCENARIOS)
    npvs = [scen[s].npv for s in SCENARIOS]
    mc = model.simulate(n, seed, bins) if monte_carlo else None
    return BusinessCaseResult(
        currency=model.spec.currency, horizon_months=model.horizon,
        discount_rate=model.spec.discount_rate, monthly_rate=model.monthly_rate,
        convention=CONVENTION, scenarios=scen, weights=weights, expected_npv=float(expected),
        npv_min=min(npvs), npv_max=max(npvs), tornado=model.tornado(), monte_carlo=mc,
        exit_gates=model.exit_gates(measured), notes=list(model.notes),
    )

