"""The business case as a static SVG picture, drawn from its plain data.

:func:`business_case_svg` draws the view of an analysed business case (the dict
:meth:`aipo_widgets.analysis.business_case.BusinessCaseResult.to_view` returns, the same one the
scenario widget syncs to the browser): the cumulative cash flows of the three scenarios (solid,
dashed and dotted lines, labelled at their ends) with the NPV table beside them and the
correlated pairs below it.

Examples
--------
>>> figures = {"npv": 1000.0, "irr_annual": 0.2, "irr_note": "", "roi": 0.5,
...            "payback_months": 6.0, "payback_note": "", "break_even_adoption": None,
...            "break_even_note": "", "cumulative": [-100.0, 50.0, 200.0]}
>>> view = {"currency": "EUR", "horizon_months": 2, "expected_npv": 1000.0,
...         "scenarios": {k: figures for k in ("conservative", "realistic", "optimistic")},
...         "monte_carlo": None, "correlations": [], "weights": {}, "gates": []}
>>> business_case_svg(view).startswith("<svg")
True
>>> business_case_alt(view)[:58]
'Business case over 2 months: NPV conservative 1,000 EUR, r'
"""

from __future__ import annotations

from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import SCENARIO, TEXT

__all__ = ["SCENARIO_STYLE", "business_case_alt", "business_case_svg"]

#: Colour (Okabe-Ito) and dash pattern per scenario: told apart without colour too.
SCENARIO_STYLE = {k: (v["colour"], v["dash"]) for k, v in SCENARIO.items()}


def business_case_alt(data: dict) -> str:
    """Return a one-sentence text alternative for the picture."""
    cur = data["currency"]
    npvs = ", ".join(f"{k} {format_number(v['npv'])} {cur}" for k, v in data["scenarios"].items())
    mc = data.get("monte_carlo")
    p = f"; P(NPV > 0) {mc['p_positive']:.0%}" if mc else ""
    return (f"Business case over {data['horizon_months']} months: NPV {npvs}; expected "
            f"{format_number(data['expected_npv'])} {cur}{p}")


def business_case_svg(data: dict[str, Any], *,
                      title: str = "Business case: cumulative cash flow") -> str:
    """Draw the scenarios' cumulative cash flows and their figures.

    Parameters
    ----------
    data : dict
        What to draw: :meth:`aipo_widgets.analysis.business_case.BusinessCaseResult.to_view`.
    title : str
        Heading.

    Returns
    -------
    str
        A complete SVG document (about 780 x 380 pixels).
    """
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
