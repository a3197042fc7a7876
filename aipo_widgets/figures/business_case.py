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

from collections.abc import Mapping
from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.figures._axes import MUTED, Panel, empty_svg, finite, label
from aipo_widgets.figures._svg import Svg, clip, esc
from aipo_widgets.figures.tokens import PALETTE, SCENARIO, TEXT

__all__ = ["SCENARIO_STYLE", "business_case_alt", "business_case_svg", "npv_alt", "npv_svg"]

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
    mc = data.get("monte_carlo")
    band = (mc or {}).get("band") or {}
    spread = list(zip(band["p10"], band["p90"], strict=True)) if band else []
    allv = [x for s in series.values() for x in s] + [x for p in spread for x in p] + [0.0]
    h_months = data["horizon_months"]
    width, height = 780, 380
    doc = Svg(width, height, title=business_case_alt(data))
    doc.text(8, 22, title, size=15, weight="bold")
    panel = Panel(doc, (80, 50, 460, 310), (0, max(1, h_months)), (min(allv), max(allv)))
    panel.y_axis(lambda v: label(v), n=6)
    panel.x_axis(str, ticks=list(range(0, h_months + 1, max(1, h_months // 6))))
    sx, sy = panel.sx, panel.sy
    if spread:  # the Monte Carlo draws' middle 80 %, behind the scenarios
        doc.polygon([(sx(m), sy(hi)) for m, (_, hi) in enumerate(spread)]
                    + [(sx(m), sy(lo)) for m, (lo, _) in reversed(list(enumerate(spread)))],
                    fill=PALETTE["sky_blue"], opacity=0.3,
                    title="Monte Carlo: 80 % of the draws end within this band (P10 to P90)")
        doc.rect(90, 58, 10, 10, fill=PALETTE["sky_blue"])
        doc.text(104, 67, "Monte Carlo P10 to P90", size=10, fill="#333")
    doc.line(panel.left, sy(0), panel.right, sy(0), stroke="#555")
    doc.text(panel.left + 2, sy(0) - 3, "break-even", size=9, fill="#555")
    doc.text(270, 340, "months from the start", size=11, anchor="middle")
    doc.text(14, 180, f"cumulative cash flow ({cur})", size=11, anchor="middle", rotate=-90)
    for name, values in series.items():
        colour, dash = SCENARIO_STYLE[name]
        doc.polyline([(sx(m), sy(v)) for m, v in enumerate(values)], stroke=colour, width=2,
                     dash=dash)
        doc.text(panel.right + 4, sy(values[-1]) + 4, name, size=10, fill=colour)
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
    if mc:
        doc.text(x0, y + 18, f"P(NPV > 0) {mc['p_positive']:.0%} (Monte Carlo, n {mc['n']:,})",
                 size=10, fill="#333")
        spread_text = f"{format_number(mc['p10'])} to {format_number(mc['p90'])}"
        doc.text(x0, y + 32, f"P10 to P90: {spread_text}",
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


def npv_alt(data: Mapping[str, Any]) -> str:
    """Return a one-sentence text alternative for the NPV distribution."""
    mc = data.get("monte_carlo") or {}
    if not mc.get("histogram"):
        return "NPV distribution: no Monte Carlo simulation in this run."
    cur = data["currency"]
    return (f"NPV distribution over {mc['n']:,} Monte Carlo draws: P10 {label(mc['p10'], cur)}, "
            f"P50 {label(mc['p50'], cur)}, P90 {label(mc['p90'], cur)}; chance of a positive "
            f"NPV {label(mc['p_positive'], percent=True)}")


def npv_svg(data: Mapping[str, Any], *,
            title: str = "How likely is a positive NPV? The Monte Carlo draws") -> str:
    """Draw the NPV's distribution over the Monte Carlo draws with P10, P50 and P90 marked.

    Parameters
    ----------
    data : dict
        :meth:`aipo_widgets.analysis.business_case.BusinessCaseResult.to_view` (its
        ``monte_carlo``: ``histogram``, ``p10``, ``p50``, ``p90``, ``p_positive``, ``n``).
    title : str
        Heading.

    Returns
    -------
    str
        A complete SVG document (about 780 x 300 pixels): one bar per bin, losses and gains
        told apart by colour and by side of the break-even line; a picture that says so when
        there was no simulation.

    Examples
    --------
    >>> mc = {"n": 100, "p10": -5.0, "p50": 20.0, "p90": 41.0, "p_positive": 0.7,
    ...       "histogram": {"edges": [-10.0, 0.0, 10.0, 20.0, 30.0, 40.0, 50.0],
    ...                     "counts": [15, 15, 20, 20, 20, 10]}}
    >>> svg = npv_svg({"currency": "EUR", "monte_carlo": mc})
    >>> svg.count('class="bin"'), "P50 20 EUR" in svg
    (6, True)
    >>> "No Monte Carlo simulation" in npv_svg({"currency": "EUR", "monte_carlo": None})
    True
    """
    mc = data.get("monte_carlo") or {}
    hist = mc.get("histogram") or {}
    cur = data["currency"]
    if not hist.get("counts"):
        return empty_svg(title, "No Monte Carlo simulation in this run: give the drivers a "
                                "range (low, likely, high) in business_case.drivers.")
    edges, counts = hist["edges"], hist["counts"]
    doc = Svg(780, 300, title=npv_alt(data))
    doc.text(8, 22, title, size=15, weight="bold")
    doc.text(8, 42, f"Chance of a positive NPV: {label(mc['p_positive'], percent=True)} of "
             f"{mc['n']:,} draws", size=12, fill="#333")
    panel = Panel(doc, (70, 78, 760, 250), (edges[0], edges[-1]), (0, max(counts)))
    panel.y_axis(lambda v: label(v / mc["n"], percent=True), n=4)
    panel.x_axis(lambda v: label(v), n=7)
    sx, sy = panel.sx, panel.sy
    for lo, hi, k in zip(edges, edges[1:], counts, strict=False):
        colour = PALETTE["vermillion"] if hi <= 0 else PALETTE["blue"]
        doc.add(f'<rect class="bin" x="{sx(lo) + 0.5:.1f}" y="{sy(k):.1f}" '
                f'width="{max(sx(hi) - sx(lo) - 1, 0.5):.1f}" height="{panel.bottom - sy(k):.1f}" '
                f'fill="{colour}" fill-opacity="0.75"><title>{esc(label(lo, cur))} to '
                f"{esc(label(hi, cur))}: {k:,} draws</title></rect>")
    if panel.x_lo < 0 < panel.x_hi:
        doc.line(sx(0), panel.top, sx(0), panel.bottom, stroke="#000", width=1.5)
        doc.text(sx(0) + 3, panel.bottom - 4, "break-even", size=9, fill="#000")
    # above the panel, P50 a line higher, P10 and P90 on their outer sides: close values stay
    # legible and no label sits on a bar
    for key, dash, dx, dy, anchor in (("p10", "4 3", -3, -3, "end"),
                                      ("p50", "", 0, -16, "middle"),
                                      ("p90", "4 3", 3, -3, "start")):
        v = finite(mc.get(key))
        if v is None:
            continue
        doc.line(sx(v), panel.top, sx(v), panel.bottom, stroke="#1a1a1a", width=1.5, dash=dash)
        doc.text(sx(v) + dx, panel.top + dy, f"{key.upper()} {label(v, cur)}", size=10,
                 anchor=anchor, weight="bold" if key == "p50" else "normal")
    doc.text(415, 284, f"NPV ({cur}); bars: share of the draws", size=11, anchor="middle",
             fill=MUTED)
    return doc.to_string()
