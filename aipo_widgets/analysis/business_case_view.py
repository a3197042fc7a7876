"""The analysed business case as plain data: what the scenario widget syncs and the figure draws.

:func:`result_view` turns a :class:`aipo_widgets.analysis.business_case.BusinessCaseResult` (and,
when given, the workspace's business case it came from) into plain data: the drivers with their
three scenario values and ranges, each scenario's NPV, IRR, ROI, payback and break-even adoption
with its cumulative cash flow per month, the expected NPV, the tornado, the Monte Carlo summary
(P(NPV > 0), percentiles, EVPPI), the correlated driver pairs (requested and drawn rank
correlation) and the gates.  The result imports this module (for ``to_view``), so it reads the
result by its attributes and imports nothing back; :func:`aipo_widgets.analysis.business_case.
analyse_view` analyses a business case and returns its view in one call.

Examples
--------
>>> from aipo_widgets.analysis.business_case import analyse
>>> from aipo_widgets.model.schema import BusinessCase
>>> bc = BusinessCase.model_validate({"horizon_months": 12, "drivers": {
...     "saving": {"conservative": 800, "realistic": 1000, "optimistic": 1200},
...     "build": {"conservative": 9000, "realistic": 8000, "optimistic": 7000}},
...     "one_off_cost": "build", "monthly_benefit": "saving"})
>>> d = result_view(analyse(bc, monte_carlo=False), bc)
>>> round(d["scenarios"]["realistic"]["npv"]) > 0, len(d["scenarios"]["realistic"]["cumulative"])
(True, 13)
"""

from __future__ import annotations

from itertools import accumulate
from typing import Any

from aipo_widgets.model import schema as spec

__all__ = ["DRIVER_FIELDS", "correlations_view", "monte_carlo_view", "result_view"]

#: The values of a driver a person sets (the scenario widget edits these).
DRIVER_FIELDS = ("conservative", "realistic", "optimistic", "low", "likely", "high", "measured")


def monte_carlo_view(mc: Any) -> dict | None:
    """Return a Monte Carlo summary (without the samples) with EVPPI ranked, or None."""
    if mc is None:
        return None
    d: dict = mc.to_dict()
    d["evppi"] = sorted(d["evppi"].items(), key=lambda kv: -kv[1])
    return d


def correlations_view(bc: spec.BusinessCase | None, mc: dict | None) -> list[dict]:
    """Return the correlated driver pairs with the rank correlation requested and drawn.

    Parameters
    ----------
    bc : BusinessCase or None
        The business case whose ``correlations`` are listed; None lists the simulation's pairs
        (an analysed result carries no descriptions).
    mc : dict or None
        A Monte Carlo summary (:func:`monte_carlo_view`); its ``correlations`` give ``drawn``.

    Returns
    -------
    list of dict
        One per pair: ``drivers`` (two names), ``rho`` (requested), ``description`` and
        ``drawn`` (the Spearman correlation in the samples; None without a simulation).

    Examples
    --------
    >>> bc = spec.BusinessCase.model_validate({"drivers": {
    ...     k: {"conservative": 0, "realistic": 1, "optimistic": 2} for k in "ab"},
    ...     "correlations": [{"drivers": ["a", "b"], "rho": 0.5, "description": "same cause"}]})
    >>> correlations_view(bc, {"correlations": [{"drivers": ["b", "a"], "rho": 0.5,
    ...                                          "drawn": 0.49}]})
    [{'drivers': ['a', 'b'], 'rho': 0.5, 'description': 'same cause', 'drawn': 0.49}]
    """
    # Matched by the pair, not by position: a simulation that is being redone after an edit
    # may still describe the list as it was.
    drawn = {frozenset(c["drivers"]): c.get("drawn") for c in (mc or {}).get("correlations") or []}
    if bc is None:
        pairs = [(list(c["drivers"]), c["rho"], "") for c in (mc or {}).get("correlations") or []]
    else:
        pairs = [(list(c.drivers), c.rho, c.description) for c in bc.correlations]
    return [{"drivers": d, "rho": rho, "description": text, "drawn": drawn.get(frozenset(d))}
            for d, rho, text in pairs]


def result_view(result: Any, bc: spec.BusinessCase | None = None, *,
                monte_carlo: bool | dict = True) -> dict:
    """Return an analysed business case as plain data.

    Parameters
    ----------
    result : BusinessCaseResult
        What :func:`aipo_widgets.analysis.business_case.analyse` returned.
    bc : BusinessCase, optional
        The business case analysed: adds the drivers' units, descriptions and ranges, the
        formulas, the adoption ramp and the pairs' descriptions.
    monte_carlo : bool or dict, default True
        The result's simulation (None when it has none), none (False), or a summary computed
        before (:func:`monte_carlo_view`, e.g. marked stale while a new one runs).

    Returns
    -------
    dict
        ``drivers`` (a list, each with its values), ``scenarios`` (``conservative``,
        ``realistic``, ``optimistic``: figures and ``cumulative`` cash flow per month 0..H),
        ``expected_npv``, ``weights``, ``tornado``, ``monte_carlo``, ``correlations``
        (:func:`correlations_view`), ``gates``, ``notes``,
        ``currency``, ``horizon_months``, ``discount_rate``, ``convention``.
    """
    scenarios = {}
    for name in ("conservative", "realistic", "optimistic"):
        s = result.scenarios[name]
        scenarios[name] = {
            "npv": s.npv, "irr_annual": s.irr_annual, "irr_note": s.irr_note, "roi": s.roi,
            "total_benefit": s.total_benefit, "total_cost": s.total_cost,
            "payback_months": s.payback_months, "payback_note": s.payback_note,
            "discounted_payback_months": s.discounted_payback_months,
            "break_even_adoption": s.break_even_adoption,
            "break_even_note": s.break_even_note,
            "cumulative": list(accumulate(s.flows)),
        }
    if bc is not None:
        drivers = [
            {"id": k, "unit": d.unit, "description": d.description,
             **{f: getattr(d, f) for f in DRIVER_FIELDS}}
            for k, d in bc.drivers.items()
        ]
    else:  # a bare result knows each driver's value per scenario only
        drivers = [
            {"id": k, "unit": "", "description": "",
             **{f: result.scenarios[f].drivers.get(k) if f in result.scenarios else None
                for f in DRIVER_FIELDS}}
            for k in result.scenarios["realistic"].drivers
        ]
    if monte_carlo is True:
        mc = monte_carlo_view(result.monte_carlo)
    elif isinstance(monte_carlo, dict):
        mc = monte_carlo
    else:
        mc = None
    return {
        "currency": result.currency,
        "horizon_months": result.horizon_months,
        "discount_rate": result.discount_rate,
        "convention": result.convention,
        "drivers": drivers,
        "formulas": None if bc is None else {
            "one_off_cost": bc.one_off_cost, "monthly_benefit": bc.monthly_benefit,
            "monthly_cost": bc.monthly_cost},
        "adoption": bc.adoption.model_dump(mode="json") if bc and bc.adoption else None,
        "scenarios": scenarios,
        "weights": dict(result.weights),
        "expected_npv": result.expected_npv,
        "tornado": [b.to_dict() for b in result.tornado],
        "monte_carlo": mc,
        "correlations": correlations_view(bc, mc),
        "gates": [{"name": g.name, "verdict": g.verdict, "detail": g.detail}
                  for g in result.gates()],
        "notes": list(result.notes),
    }
