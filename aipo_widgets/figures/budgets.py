"""Cost against latency per variant, with the budgets: which variant fits, and by how much.

:func:`cost_latency_svg` draws plain data (:func:`aipo_widgets.gates.experiments.budget_gates`'
table as records, with the budgets): one point per variant at its latency (p95, else p50) and
cost per use, labelled with its name and figures; the budgets as dashed lines and the corner
within both shaded. The variant under test (the latest) is drawn larger and says so.

Examples
--------
>>> view = {"currency": "EUR", "latency": "latency_p95_ms",
...         "budgets": {"cost_per_use": 0.02, "latency_p95_ms": 2000},
...         "variants": [{"name": "small", "cost_per_use": 0.004, "latency_p95_ms": 900.0,
...                       "calls": 500, "latest": False},
...                      {"name": "large", "cost_per_use": 0.031, "latency_p95_ms": 2400.0,
...                       "calls": 500, "latest": True}]}
>>> svg = cost_latency_svg(view)
>>> svg.count('class="variant"'), "0.031 EUR, 2,400 ms" in svg, "under test, over budget" in svg
(2, True, True)
>>> "No cost and latency" in cost_latency_svg({"currency": "EUR", "variants": []})
True
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aipo_widgets.figures._axes import MUTED, Panel, empty_svg, finite, label
from aipo_widgets.figures._svg import Svg, clip, esc
from aipo_widgets.figures.tokens import CHART, PALETTE, TEXT

__all__ = ["cost_latency_alt", "cost_latency_svg"]


def _text(v: Mapping[str, Any], cur: str, lat: str) -> str:
    name = f"{v['name']} (under test)" if v.get("latest") else str(v["name"])
    return f"{name}: {label(v.get('cost_per_use'), cur)}, {label(v.get(lat), 'ms')}"


def cost_latency_alt(view: Mapping[str, Any]) -> str:
    """Return a one-sentence text alternative: each variant's cost and latency."""
    lat = view.get("latency") or "latency_p95_ms"
    return "Cost per use against latency: " + "; ".join(
        _text(v, view["currency"], lat) for v in view.get("variants", [])) + "."


def cost_latency_svg(view: Mapping[str, Any], *,
                     title: str = "Cost per use against latency, per variant") -> str:
    """Draw each variant's cost per use against its latency, with the budgets.

    Parameters
    ----------
    view : dict
        ``currency``; ``latency`` (the latency key drawn: ``latency_p95_ms`` or
        ``latency_p50_ms``); ``budgets`` (``cost_per_use``, ``latency_p50_ms``,
        ``latency_p95_ms``, None when not set); ``variants`` (each ``name``,
        ``cost_per_use``, the latency key, ``calls``, ``latest``).
    title : str
        Heading.

    Returns
    -------
    str
        A complete SVG document (about 780 x 340 pixels); a picture that says what is missing
        when no variant has both a cost and a latency.
    """
    cur = view["currency"]
    lat = view.get("latency") or "latency_p95_ms"
    budgets = view.get("budgets") or {}
    points = [v for v in view.get("variants", [])
              if finite(v.get("cost_per_use")) is not None and finite(v.get(lat)) is not None]
    if not points:
        return empty_svg(title, "No cost and latency per variant: the experiment log needs a "
                                "cost_column and a latency_column in its data map entry.")
    b_cost, b_lat = finite(budgets.get("cost_per_use")), finite(budgets.get(lat))
    xs = [float(v[lat]) for v in points] + ([b_lat] if b_lat is not None else []) + [0.0]
    ys = [float(v["cost_per_use"]) for v in points] + ([b_cost] if b_cost is not None else [])
    doc = Svg(780, 340, title=cost_latency_alt(view))
    doc.text(8, 22, title, size=15, weight="bold")
    panel = Panel(doc, (90, 44, 560, 290), (min(xs), max(xs) * 1.08), (0.0, max(ys) * 1.1))
    panel.y_axis(lambda v: label(v), n=5)
    panel.x_axis(lambda v: label(v), n=6)
    which = "p95" if lat.endswith("p95_ms") else "p50"
    doc.text(325, 322, f"latency, {which} (ms)", size=11, anchor="middle")
    doc.text(16, 167, f"cost per use ({cur})", size=11, anchor="middle", rotate=-90)
    if b_cost is not None and b_lat is not None:
        x1, y1 = panel.sx(b_lat), panel.sy(b_cost)
        doc.polygon([(panel.left, y1), (x1, y1), (x1, panel.bottom), (panel.left, panel.bottom)],
                    fill=PALETTE["bluish_green"], opacity=0.15, title="within both budgets")
        if panel.bottom - y1 > 18 and x1 - panel.left > 110:
            doc.text(panel.left + 6, y1 + 13, "within both budgets", size=10, fill=TEXT["good"])
    if b_cost is not None:
        doc.line(panel.left, panel.sy(b_cost), panel.right, panel.sy(b_cost),
                 stroke=CHART["selected"], width=1.5, dash="5 3")
        doc.text(panel.right, panel.sy(b_cost) - 4, f"cost budget {label(b_cost, cur)}",
                 size=10, anchor="end", fill=TEXT["warning"])
    if b_lat is not None:
        doc.line(panel.sx(b_lat), panel.top, panel.sx(b_lat), panel.bottom,
                 stroke=CHART["selected"], width=1.5, dash="5 3")
        doc.text(panel.sx(b_lat) + 3, panel.top + 10, f"latency budget {label(b_lat, 'ms')}",
                 size=10, fill=TEXT["warning"])
    for k, v in enumerate(points, 1):
        x, y = panel.sx(float(v[lat])), panel.sy(float(v["cost_per_use"]))
        colour = PALETTE["vermillion"] if _over(v, lat, b_cost, b_lat) else CHART["series"]
        doc.add(f'<circle class="variant" cx="{x:.1f}" cy="{y:.1f}" '
                f'r="{7 if v.get("latest") else 5}" fill="{colour}" stroke="#000">'
                f"<title>{esc(_text(v, cur, lat))}</title></circle>")
        # a number beside the point, its name and figures in the list: close points stay legible
        doc.text(x + 8, y - 6, str(k), size=10, weight="bold")
    doc.text(580, 56, "Variants", size=12, weight="bold")
    for j, v in enumerate(points[:8]):
        over = _over(v, lat, b_cost, b_lat)
        y = 76 + j * 40
        doc.text(580, y, clip(f"{j + 1}  {v['name']}", 32), size=10,
                 weight="bold" if v.get("latest") else "normal")
        doc.text(594, y + 13, f"{label(v.get('cost_per_use'), cur)}, {label(v.get(lat), 'ms')}",
                 size=10, fill=MUTED)
        words = ", ".join(w for w, on in (("under test", v.get("latest")),
                                          ("over budget", over)) if on)
        if words:
            doc.text(594, y + 26, words, size=10, fill=TEXT["warning"] if over else MUTED)
    if len(points) > 8:
        doc.text(580, 76 + 8 * 40, f"and {len(points) - 8} more", size=10, fill=MUTED)
    return doc.to_string()


def _over(v: Mapping[str, Any], lat: str, b_cost: float | None, b_lat: float | None) -> bool:
    return bool((b_cost is not None and v["cost_per_use"] > b_cost)
                or (b_lat is not None and v[lat] > b_lat))
