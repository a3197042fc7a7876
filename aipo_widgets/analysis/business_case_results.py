"""The business case's results: per scenario, the tornado, the simulation, and all together.

:func:`aipo_widgets.analysis.business_case.analyse` computes them; the scenario widget, the
static figure, the documents and the gates read them.  Each has ``to_dict`` (JSON-ready).

Examples
--------
>>> TornadoBar("tickets", 8000, 10000, 12000, -5.0, 15.0, 20.0, rank=1).to_dict()["swing"]
20.0
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from aipo_widgets.analysis.business_case_view import result_view
from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.evidence import Gate, Verdict
from aipo_widgets.figures import mimebundle
from aipo_widgets.figures.business_case import business_case_alt, business_case_svg

__all__ = ["BusinessCaseResult", "MonteCarloResult", "ScenarioResult", "TornadoBar"]


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
    band : dict
        The cumulative cash flow's ``p10``, ``p50`` and ``p90`` per month over the samples
        (lists indexed as a scenario's ``cumulative``, month 0 first): the spread the
        cash-flow picture shades.
    histogram : dict
        The NPV samples in equal bins: ``edges`` (one more than ``counts``) and ``counts``.
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
    band: dict[str, list[float]] = field(default_factory=dict)
    histogram: dict[str, list] = field(default_factory=dict)

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
        view = self.to_view()
        return mimebundle(business_case_svg(view), alt=business_case_alt(view))

    def to_view(self, bc: Any = None, *, monte_carlo: bool | dict = True) -> dict:
        """Return the result as plain data (:func:`result_view`); ``bc``: the case analysed."""
        return result_view(self, bc, monte_carlo=monte_carlo)

    def gates(self) -> list[Gate]:
        """Return the exit-criteria gates and the NPV gate (expected NPV > 0, else fail)."""
        conservative = self.scenarios["conservative"].npv
        verdict: Verdict
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
