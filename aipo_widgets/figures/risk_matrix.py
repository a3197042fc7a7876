"""The risk matrix as a static SVG picture, drawn from the register's plain data.

:func:`risk_matrix_svg` draws the view of a risk register (the dict
:meth:`aipo_widgets.analysis.risk.Register.to_view` returns, the same one the
:class:`~aipo_widgets.widgets.RiskMatrixWidget` syncs to the browser): a 5x5 grid, likelihood up,
impact right, each cell coloured by its band (sequential colours, band name and score written in
the cell), the risk ids in their cells and a count where a cell is crowded.

Examples
--------
>>> view = {"as_of": "2026-11-01", "bands": ["low", "high"],
...         "band_map": [["low"] * 5] * 2 + [["high"] * 5] * 3,
...         "likelihood_labels": list("12345"), "impact_labels": list("12345"),
...         "risks": [{"id": "R1", "title": "Summary invents facts", "category": "model",
...                    "status": "open", "rank": 1,
...                    "residual": {"likelihood": 3, "impact": 4, "band": "high", "score": 12}}],
...         "overdue": [], "flags": []}
>>> svg = risk_matrix_svg(view)
>>> svg.startswith("<svg") and "R1" in svg
True
>>> risk_matrix_alt(view)[:46]
'Risk matrix (residual): 1 open risks (1 high);'
"""

from __future__ import annotations

from typing import Any

from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import BAND_COLOURS, TEXT

__all__ = ["BAND_COLOURS", "risk_matrix_alt", "risk_matrix_svg"]

#: How many risk ids a cell of the picture lists before it shows "+n".
MAX_IDS_IN_CELL = 4


def risk_matrix_svg(data: dict[str, Any], *, which: str = "residual",
                    category: str | None = None, include_closed: bool = False,
                    title: str = "") -> str:
    """Draw the risk matrix as SVG.

    Parameters
    ----------
    data : dict
        What to draw: :meth:`aipo_widgets.analysis.risk.Register.to_view`.
    which : {"residual", "inherent"}, default "residual"
        The rating placed in the grid.
    category : str, optional
        Only risks of this category.
    include_closed : bool, default False
        Show closed risks too.
    title : str, optional
        Heading (default: "Risk matrix (residual)").

    Returns
    -------
    str
        A complete SVG document (about 640 x 470 pixels).
    """
    if which not in ("residual", "inherent"):
        msg = f"which must be 'residual' or 'inherent', got {which!r}"
        raise ValueError(msg)
    risks = [
        r for r in data["risks"]
        if (include_closed or r["status"] != "closed")
        and (category is None or r["category"] == category)
    ]
    risks.sort(key=_urgency)
    cells: dict[tuple[int, int], list[dict]] = {}
    for r in risks:
        rt = r[which]
        cells.setdefault((rt["likelihood"], rt["impact"]), []).append(r)

    notes = []
    if data["overdue"]:
        notes.append(f"{len(data['overdue'])} review(s) overdue")
    if data["flags"]:
        notes.append(f"{len(data['flags'])} range-compression finding(s)")
    cw, ch = 98, 70
    left, top = 130, 40
    legend_y = top + 5 * ch + 50  # the legend's line; the notes get a line of their own below
    width, height = left + 5 * cw + 16, legend_y + (50 if notes else 32)
    heading = title or f"Risk matrix ({which})"
    shown = sum(len(v) for v in cells.values())
    doc = Svg(width, height, title=f"{heading}: {shown} risks")
    doc.text(8, 22, heading, size=15, weight="bold")
    doc.text(width - 8, 22, f"as of {data['as_of']}", size=11, anchor="end", fill="#555")
    for li in range(1, 6):
        y = top + (5 - li) * ch
        doc.text(left - 8, y + ch / 2 + 4, f"{li} {data['likelihood_labels'][li - 1]}",
                 size=11, anchor="end")
        for im in range(1, 6):
            x = left + (im - 1) * cw
            band = data["band_map"][li - 1][im - 1]
            here = cells.get((li, im), [])
            doc.rect(x, y, cw, ch, fill=BAND_COLOURS.get(band, "#ddd"), stroke="#ffffff",
                     title=f"likelihood {li} x impact {im}: {band}, {len(here)} risks")
            doc.text(x + 4, y + 13, f"{band} · {li * im}", size=9, fill="#333")
            if len(here) > MAX_IDS_IN_CELL:
                doc.rect(x + cw - 30, y + 3, 27, 15, fill="#111", rx=7)
                doc.text(x + cw - 16.5, y + 14, str(len(here)), size=10, anchor="middle",
                         fill="#fff", weight="bold")
            ids = [r["id"] for r in here]
            lines = ids[:MAX_IDS_IN_CELL]
            if len(ids) > MAX_IDS_IN_CELL:
                lines = [*ids[:MAX_IDS_IN_CELL - 1], f"+{len(ids) - MAX_IDS_IN_CELL + 1} more"]
            for k, text in enumerate(lines):
                col, row = k % 2, k // 2
                doc.text(x + 6 + col * (cw / 2 - 2), y + 32 + row * 16, clip(text, 8),
                         size=11, weight="bold", fill="#111")
    for im in range(1, 6):
        centre = left + (im - 1) * cw + cw / 2
        doc.text(centre, top + 5 * ch + 16, f"{im} {data['impact_labels'][im - 1]}", size=11,
                 anchor="middle")
    doc.text(left + 2.5 * cw, top + 5 * ch + 34, "Impact →", size=12, anchor="middle",
             weight="bold")
    doc.text(18, top + 2.5 * ch, "Likelihood →", size=12, anchor="middle", weight="bold",
             rotate=-90)
    # Legend: the band colours with their names and counts.
    counts = {b: 0 for b in data["bands"]}
    for r in risks:
        counts[r[which]["band"]] = counts.get(r[which]["band"], 0) + 1
    lx = left
    for band in data["bands"]:
        doc.rect(lx, legend_y, 14, 14, fill=BAND_COLOURS[band], stroke="#888")
        doc.text(lx + 19, legend_y + 11, f"{band} ({counts.get(band, 0)})", size=11)
        lx += 105
    if notes:
        doc.text(left, legend_y + 34, "; ".join(notes), size=11, fill=TEXT["warning"])
    return doc.to_string()


def _urgency(r: dict) -> tuple:
    return (r["rank"] is None, r["rank"] or 0)


def risk_matrix_alt(data: dict, which: str = "residual") -> str:
    """Return a one-sentence text alternative for the picture."""
    open_risks = sorted((r for r in data["risks"] if r["status"] != "closed"), key=_urgency)
    counts = {b: 0 for b in data["bands"]}
    for r in open_risks:
        counts[r[which]["band"]] += 1
    parts = ", ".join(f"{n} {b}" for b, n in counts.items() if n)
    top = open_risks[0] if open_risks else None
    lead = (f"; most urgent: {top['id']} {top['title']} ({top[which]['band']}, score "
            f"{top[which]['score']})" if top else "")
    return f"Risk matrix ({which}): {len(open_risks)} open risks ({parts or 'none'}){lead}"

