"""The business case: the data the scenario widget renders, and a static SVG of it.

:func:`business_case_data` runs :func:`aipo_widgets.analysis.business_case.analyse` and returns
plain data: the drivers with their three scenario values and ranges, each scenario's NPV, IRR, ROI,
payback and break-even adoption with its cumulative cash flow per month, the expected NPV, the
tornado, the Monte Carlo summary (P(NPV > 0), percentiles, EVPPI), the correlated driver pairs
(requested and drawn rank correlation) and the exit gates. :func:`business_case_svg` draws the
cumulative cash flows of the three scenarios (solid, dashed and dotted lines, labelled at their
ends) with the NPV table beside them and the correlated pairs below it.

Examples
--------
>>> from aipo_widgets.model.schema import BusinessCase
>>> bc = BusinessCase.model_validate({"horizon_months": 12, "drivers": {
...     "saving": {"conservative": 800, "realistic": 1000, "optimistic": 1200},
...     "build": {"conservative": 9000, "realistic": 8000, "optimistic": 7000}},
...     "one_off_cost": "build", "monthly_benefit": "saving"})
>>> d = business_case_data(bc, monte_carlo=False)
>>> round(d["scenarios"]["realistic"]["npv"]) > 0, len(d["scenarios"]["realistic"]["cumulative"])
(True, 13)
>>> business_case_svg(d).startswith("<svg")
True
"""

from __future__ import annotations

from itertools import accumulate
from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import SCENARIO, TEXT
from aipo_widgets.model import schema as spec

__all__ = ["SCENARIO_STYLE", "business_case_alt", "business_case_data", "business_case_svg",
           "correlations_data", "monte_carlo_data"]

#: Colour (Okabe-Ito) and dash pattern per scenario: told apart without colour too.
SCENARIO_STYLE = {k: (v["colour"], v["dash"]) for k, v in SCENARIO.items()}
DRIVER_FIELDS = ("conservative", "realistic", "optimistic", "low", "likely", "high", "measured")


def _case(source: Any) -> spec.BusinessCase:
    from aipo_widgets.model.workspace import WorkspaceFile

    if isinstance(source, WorkspaceFile):
        source = source.workspace
    if isinstance(source, spec.Workspace):
        source = source.business_case
    if isinstance(source, spec.BusinessCase):
        return source
    msg = f"expected a BusinessCase, a Workspace or a WorkspaceFile, got {type(source).__name__}"
    raise TypeError(msg)


def monte_carlo_data(mc: Any) -> dict | None:
    """Return the Monte Carlo summary (without the samples) with EVPPI ranked."""
    if mc is None:
        return None
    d = mc.to_dict()
    d["evppi"] = sorted(d["evppi"].items(), key=lambda kv: -kv[1])
    return d


def correlations_data(bc: spec.BusinessCase | None, mc: dict | None) -> list[dict]:
    """Return the correlated driver pairs with the rank correlation requested and drawn.

    Parameters
    ----------
    bc : BusinessCase or None
        The business case whose ``correlations`` are listed; None lists the simulation's pairs
        (an analysed result carries no descriptions).
    mc : dict or None
        A Monte Carlo summary (:func:`monte_carlo_data`); its ``correlations`` give ``drawn``.

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
    >>> correlations_data(bc, {"correlations": [{"drivers": ["b", "a"], "rho": 0.5,
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


def business_case_data(source: Any, *, monte_carlo: bool | dict = True, n: int = 10_000,
                       seed: int = 0, measured: dict | None = None) -> dict:
    """Return the analysed business case as plain data.

    Parameters
    ----------
    source : BusinessCase, BusinessCaseResult, Workspace or WorkspaceFile
        The business case (analysed here), an analysed one, or the workspace holding it.
    monte_carlo : bool or dict, default True
        Run the simulation, leave it out (``monte_carlo: None``), or use a summary computed
        before (:func:`monte_carlo_data`).
    n, seed : int
        Samples and seed of the simulation.
    measured : dict, optional
        Measured values for the exit criteria.

    Returns
    -------
    dict
        ``drivers`` (a list, each with its values), ``scenarios`` (``conservative``,
        ``realistic``, ``optimistic``: figures and ``cumulative`` cash flow per month 0..H),
        ``expected_npv``, ``weights``, ``tornado``, ``monte_carlo``, ``correlations``
        (:func:`correlations_data`), ``gates``, ``notes``,
        ``currency``, ``horizon_months``, ``discount_rate``, ``convention``.
    """
    from aipo_widgets.analysis.business_case import BusinessCaseResult, analyse

    if isinstance(source, BusinessCaseResult):
        bc, result = None, source
        monte_carlo = monte_carlo_data(result.monte_carlo) or False
    else:
        bc = _case(source)
        result = analyse(bc, measured=measured, monte_carlo=monte_carlo is True, n=n, seed=seed)
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
        mc = monte_carlo_data(result.monte_carlo)
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
        "correlations": correlations_data(bc, mc),
        "gates": [{"name": g.name, "verdict": g.verdict, "detail": g.detail}
                  for g in result.gates()],
        "notes": list(result.notes),
    }


def business_case_alt(data: dict) -> str:
    """Return a one-sentence text alternative for the picture."""
    cur = data["currency"]
    npvs = ", ".join(f"{k} {format_number(v['npv'])} {cur}" for k, v in data["scenarios"].items())
    mc = data.get("monte_carlo")
    p = f"; P(NPV > 0) {mc['p_positive']:.0%}" if mc else ""
    return (f"Business case over {data['horizon_months']} months: NPV {npvs}; expected "
            f"{format_number(data['expected_npv'])} {cur}{p}")


def business_case_svg(source: Any, *, title: str = "Business case: cumulative cash flow") -> str:
    """Draw the scenarios' cumulative cash flows and their figures.

    Parameters
    ----------
    source : BusinessCase, Workspace, WorkspaceFile or dict
        What to draw; a dict is the output of :func:`business_case_data`.
    title : str
        Heading.

    Returns
    -------
    str
        A complete SVG document (about 780 x 380 pixels).
    """
    data = source if isinstance(source, dict) else business_case_data(source, monte_carlo=False)
    cur = data["currency"]
    series = {k: v["cumulative"] for k, v in data["scenarios"].items()}
    allv = [x for s in series.values() for x in s] + [0.0]
    lo, hi = min(allv), max(allv)
    hi = hi if hi > lo else lo + 1
    h_months = data["horizon_months"]
    width, height = 780, 380
    px0, px1, py0, py1 = 80, 460, 50, 310
    doc = Svg(width, height, title=business_case_alt(data))
    doc.text(8, 22, title, size=15, weight="bold")

    def sx(m: float) -> float:
        return px0 + m / max(1, h_months) * (px1 - px0)

    def sy(v: float) -> float:
        return py1 - (v - lo) / (hi - lo) * (py1 - py0)

    doc.line(px0, sy(0), px1, sy(0), stroke="#555")
    doc.line(px0, py0, px0, py1, stroke="#888")
    for frac in (0, 0.5, 1):
        v = lo + frac * (hi - lo)
        doc.text(px0 - 4, sy(v) + 4, format_number(v), size=10, anchor="end", fill="#444")
    for m in range(0, h_months + 1, max(1, h_months // 6)):
        doc.text(sx(m), py1 + 14, str(m), size=10, anchor="middle", fill="#444")
    doc.text((px0 + px1) / 2, py1 + 30, "month", size=11, anchor="middle")
    doc.text(14, (py0 + py1) / 2, f"cumulative cash flow ({cur})", size=11, anchor="middle",
             rotate=-90)
    for name, values in series.items():
        colour, dash = SCENARIO_STYLE[name]
        doc.polyline([(sx(m), sy(v)) for m, v in enumerate(values)], stroke=colour, width=2,
                     dash=dash)
        doc.text(px1 + 4, sy(values[-1]) + 4, name, size=10, fill=colour)
    x0 = 540
    doc.text(x0, 62, "NPV and payback", size=12, weight="bold")
    for j, (name, s) in enumerate(data["scenarios"].items()):
        y = 86 + j * 40
        colour, dash = SCENARIO_STYLE[name]
        doc.line(x0, y - 4, x0 + 24, y - 4, stroke=colour, width=2, dash=dash)
        doc.text(x0 + 30, y, name, size=11, weight="bold")
        payback = (f"payback {s['payback_months']:.1f} months" if s["payback_months"] is not None
                   else "no payback within the horizon")
        doc.text(x0 + 30, y + 16, f"{format_number(s['npv'])} {cur}; {payback}", size=10,
                 fill="#333")
    y = 86 + 3 * 40
    doc.text(x0, y, f"expected NPV {format_number(data['expected_npv'])} {cur}", size=11,
             weight="bold")
    mc = data.get("monte_carlo")
    if mc:
        doc.text(x0, y + 18, f"P(NPV > 0) {mc['p_positive']:.0%} (Monte Carlo, n {mc['n']:,})",
                 size=10, fill="#333")
        band = f"{format_number(mc['p10'])} to {format_number(mc['p90'])}"
        doc.text(x0, y + 32, f"10 % to 90 %: {band}",
                 size=10, fill="#333")
    for j, g in enumerate(data["gates"][:4]):
        doc.text(x0, y + 56 + j * 16, f"{g['verdict'].upper()}: {clip(g['name'], 40)}", size=9,
                 fill=TEXT["warning"] if g["verdict"] != "pass" else TEXT["good"])
    pairs = data.get("correlations") or []
    if pairs:  # what the spread above assumes about drivers moving together
        doc.text(x0, y + 130, "Correlated drivers (rank)", size=10, weight="bold")
        for j, c in enumerate(pairs[:2]):
            drawn = f", drawn {c['drawn']:.2f}" if c.get("drawn") is not None else ""
            doc.text(x0, y + 146 + j * 14,
                     clip(f"{' ~ '.join(c['drivers'])} {c['rho']:g}{drawn}", 44), size=9,
                     fill="#333")
        if len(pairs) > 2:
            doc.text(x0 + 150, y + 130, f"(2 of {len(pairs)})", size=9, fill="#333")
    return doc.to_string()
