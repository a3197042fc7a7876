"""The scored backlog as a static SVG table, drawn from its plain, column-oriented data.

:func:`backlog_svg` draws the view of a scored backlog (the dict
:meth:`aipo_widgets.analysis.backlog.BacklogResult.to_view` returns, the same one the
:class:`~aipo_widgets.widgets.BacklogWidget` syncs to the browser) as a table: rank, id, title,
type, the method's raw factors, score, rank stability and the gate (blocked, excluded,
incomplete) with its reason.

Examples
--------
>>> cols = {"id": ["B1"], "title": ["PII filter"], "type": ["risk"], "rank": [1],
...         "gate": ["ok"], "score": [3.2], "stability": ["robust"], "shift": [0],
...         "reasons": [[]]}
>>> view = {"method": "vrf", "formula": "value / effort", "columns": cols,
...         "factor_columns": ["value"], "factors": {"value": [9]}, "counts": {"ok": 1},
...         "weights": {"value": 1.0}, "tier": None}
>>> backlog_svg(view).startswith("<svg")
True
>>> backlog_alt(view)
'Backlog ranked by Value, risk, feasibility: 1 ranked items; first: B1 PII filter'
"""

from __future__ import annotations

from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import PALETTE, TEXT

__all__ = ["METHOD_LABELS", "SHORT", "backlog_alt", "backlog_svg", "display_order"]

METHOD_LABELS = {
    "vrf": "Value, risk, feasibility",
    "rice": "RICE",
    "wsjf": "WSJF (SAFe)",
    "wsjf_economic": "WSJF, economic (CD3)",
    "ice": "ICE",
}
#: Rows drawn in the static picture before "... and n more".
MAX_ROWS = 30
#: Short column headings of the raw factors (one per factor a backlog item can have).
SHORT = {
    "value": "value", "risk": "risk", "feasibility": "feas.", "confidence": "conf.",
    "effort": "effort", "reach": "reach", "impact": "impact", "ease": "ease",
    "business_value": "BV", "time_criticality": "TC", "risk_reduction": "RR|OE",
    "job_size": "size", "cost_of_delay_per_week": "CoD/wk", "duration_weeks": "weeks",
}


_GATE_ORDER = {"ok": 0, "blocked": 1, "incomplete": 2, "done": 3, "excluded": 4}


def display_order(data: dict) -> list[int]:
    """Return the item positions in the order to show them: by rank, then unranked by gate.

    Examples
    --------
    >>> display_order({"columns": {"rank": [2, None, 1], "gate": ["ok", "done", "ok"]}})
    [2, 0, 1]
    """
    cols = data["columns"]
    return sorted(range(len(cols["rank"])), key=lambda k: (
        cols["rank"][k] is None, cols["rank"][k] or 0, _GATE_ORDER.get(cols["gate"][k], 9), k))


def backlog_alt(data: dict) -> str:
    """Return a one-sentence text alternative for the picture."""
    cols = data["columns"]
    ranked = [k for k in display_order(data) if cols["rank"][k] is not None]
    lead = ""
    if ranked:
        k = ranked[0]
        lead = f"; first: {cols['id'][k]} {cols['title'][k]}"
    gates = ", ".join(f"{n} {g}" for g, n in sorted(data["counts"].items()) if g != "ok")
    return (f"Backlog ranked by {METHOD_LABELS[data['method']]}: {len(ranked)} ranked items"
            f"{' (' + gates + ')' if gates else ''}{lead}")


def backlog_svg(data: dict[str, Any], *, title: str = "") -> str:
    """Draw the ranked backlog as a table.

    Parameters
    ----------
    data : dict
        What to draw: :meth:`aipo_widgets.analysis.backlog.BacklogResult.to_view`.
    title : str, optional
        Heading (default: "Backlog by <method>").

    Returns
    -------
    str
        A complete SVG document, 900 pixels wide, 22 pixels per item (at most 30 items).
    """
    cols, factors = data["columns"], data["factors"]
    n = len(cols["id"])
    rows = display_order(data)[:MAX_ROWS]
    row_h, top, width = 22, 64, 900
    height = top + row_h * len(rows) + (24 if n > MAX_ROWS else 0) + 30
    doc = Svg(width, height, title=backlog_alt(data))
    doc.text(8, 22, title or f"Backlog by {METHOD_LABELS[data['method']]}", size=15,
             weight="bold")
    doc.text(width - 8, 22, clip(data["formula"], 110), size=10, anchor="end", fill="#555")
    fcols = data["factor_columns"]
    x_fac = 430
    fw = min(70, (650 - x_fac) // max(1, len(fcols)))
    heads = [(8, "Rank"), (48, "Id"), (100, "Title"), (350, "Type")]
    heads += [(x_fac + k * fw, SHORT[f]) for k, f in enumerate(fcols)]
    heads += [(660, "Score"), (730, "Stability"), (810, "Gate")]
    for x, label in heads:
        doc.text(x, top - 10, label, size=10, weight="bold", fill="#333")
    doc.line(8, top - 4, width - 8, top - 4, stroke="#999")
    for pos, k in enumerate(rows):
        y = top + pos * row_h
        if pos % 2:
            doc.rect(0, y, width, row_h, fill="#f4f4f4")
        mid = y + 15
        gate = cols["gate"][k]
        faded = "#777" if gate in ("excluded", "done", "incomplete") else "#111"
        doc.text(8, mid, "–" if cols["rank"][k] is None else str(cols["rank"][k]), size=11,
                 weight="bold", fill=faded)
        doc.text(48, mid, clip(cols["id"][k], 8), size=11, fill=faded)
        doc.text(100, mid, clip(cols["title"][k], 38), size=11, fill=faded)
        doc.text(350, mid, cols["type"][k], size=10, fill="#444")
        for j, f in enumerate(fcols):
            doc.text(x_fac + j * fw, mid, format_number(factors[f][k]), size=10, fill="#444")
        doc.text(660, mid, format_number(cols["score"][k]), size=11, weight="bold", fill=faded)
        stab = cols["stability"][k]
        if stab:
            label = "robust" if stab == "robust" else f"fragile ±{cols['shift'][k]}"
            doc.text(730, mid, label, size=10,
                     fill=PALETTE["blue"] if stab == "robust" else TEXT["warning"])
        if gate != "ok":
            doc.rect(810, y + 4, 80, 15, fill="#fff", stroke=TEXT["warning"], rx=3,
                     title="; ".join(cols["reasons"][k]))
            doc.text(850, mid - 1, gate, size=10, anchor="middle", fill=TEXT["warning"])
    if n > MAX_ROWS:
        doc.text(8, top + row_h * len(rows) + 16, f"… and {n - MAX_ROWS} more items", size=11,
                 fill="#555")
    weights = ", ".join(f"{k} {v:g}" for k, v in data["weights"].items())
    doc.text(8, height - 10, f"weights: {weights}" + (f"; AI Act tier: {data['tier']}"
             if data.get("tier") else ""), size=10, fill="#555")
    return doc.to_string()
