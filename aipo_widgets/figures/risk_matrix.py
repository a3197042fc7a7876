"""The risk matrix: the data the widget renders, and a static SVG picture of it.

:func:`risk_matrix_data` turns the core's :class:`aipo_widgets.analysis.risk.Register` into plain,
JSON-ready data (the same dict the :class:`~aipo_widgets.widgets.RiskMatrixWidget` syncs to the
browser); :func:`risk_matrix_svg` draws it: a 5x5 grid, likelihood up, impact right, each cell
coloured by its band (sequential colours, band name and score written in the cell), the risk
ids in their cells and a count where a cell is crowded.

Examples
--------
>>> from aipo_widgets.model.schema import Risk
>>> from aipo_widgets.analysis.risk import Register
>>> import datetime as dt
>>> reg = Register([Risk(id="R1", title="Summary invents facts", category="model",
...                      likelihood=3, impact=4)], as_of=dt.date(2026, 11, 1))
>>> data = risk_matrix_data(reg)
>>> data["risks"][0]["residual"]["band"], data["band_map"][2][3]
('high', 'high')
>>> svg = risk_matrix_svg(reg)
>>> svg.startswith("<svg") and "R1" in svg
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import BAND_COLOURS, TEXT
from aipo_widgets.model import schema as spec

__all__ = ["BAND_COLOURS", "risk_matrix_alt", "risk_matrix_data", "risk_matrix_svg"]

#: How many risk ids a cell of the picture lists before it shows "+n".
MAX_IDS_IN_CELL = 4


def _register(source: Any, as_of: dt.date | None = None):
    from aipo_widgets.analysis.risk import Register
    from aipo_widgets.model.workspace import WorkspaceFile

    if isinstance(source, Register):
        return source
    if isinstance(source, WorkspaceFile):
        source = source.workspace
    if isinstance(source, spec.Workspace):
        return Register.from_workspace(source, as_of=as_of)
    msg = f"expected a risk Register, a Workspace or a WorkspaceFile, got {type(source).__name__}"
    raise TypeError(msg)


def _rating(r: Any) -> dict:
    # The words of the ratings are in the data once (likelihood_labels, impact_labels).
    return {
        "likelihood": r.likelihood, "impact": r.impact, "score": r.score, "band": r.band,
        "expected_loss": r.expected_loss, "probability_per_year": r.probability_per_year,
        "impact_eur": r.impact_eur, "note": r.note,
    }


def risk_matrix_data(source: Any, *, as_of: dt.date | None = None) -> dict:
    """Return the register as plain data for the widget and the picture.

    Parameters
    ----------
    source : Register, Workspace or WorkspaceFile
        The register, or a workspace to build it from (with its band map).
    as_of : date, optional
        Date the reviews are checked against when a register is built here (default: the
        workspace's ``compliance.as_of``, else today).

    Returns
    -------
    dict
        ``risks`` (workspace order; each with its rank, both ratings, flags and the details a
        person edits), ``band_map``, axis labels, ``categories``, ``band_counts``,
        ``flags`` (range compression, in words), ``overdue`` and ``as_of``.
    """
    from aipo_widgets.analysis.risk import BANDS, IMPACT_LABELS, LIKELIHOOD_LABELS

    reg = _register(source, as_of)
    by_id = {r.id: r for r in reg.risks}
    risks = []
    # Workspace order, not rank order: an edit then changes a few entries, not the list's order
    # (the widget receives changes as patches). ``rank`` says the order of urgency.
    for res in reg.results:
        model = by_id[res.id]
        risks.append({
            "id": res.id, "title": res.title, "category": res.category, "harm": res.harm,
            "treatment": res.treatment, "owner": res.owner, "status": res.status,
            "mitigation": model.mitigation,
            "review_date": res.review_date.isoformat() if res.review_date else None,
            "rank": res.rank, "overdue": res.overdue, "days_overdue": res.days_overdue,
            "range_compression": res.range_compression, "tie_broken_by": res.tie_broken_by,
            "notes": list(res.notes), "articles": list(model.articles),
            "residual_rated": (model.residual_likelihood is not None
                               or model.residual_impact is not None),
            "inherent": _rating(res.inherent), "residual": _rating(res.residual),
        })
    return {
        "as_of": reg.as_of.isoformat(),
        "band_map": reg.band_map.to_list(),
        "bands": list(BANDS),
        "likelihood_labels": list(LIKELIHOOD_LABELS),
        "impact_labels": list(IMPACT_LABELS),
        "categories": sorted({r["category"] for r in risks}),
        "risks": risks,
        "band_counts": {"inherent": reg.band_counts("inherent"),
                        "residual": reg.band_counts("residual")},
        "flags": [f.message for f in reg.range_compression()],
        "overdue": [r.id for r in reg.overdue()],
        "treatments": [t.value for t in spec.Treatment],
        "statuses": ["open", "mitigating", "accepted", "closed"],
    }


def risk_matrix_svg(source: Any, *, which: str = "residual", category: str | None = None,
                    include_closed: bool = False, title: str = "") -> str:
    """Draw the risk matrix as SVG.

    Parameters
    ----------
    source : Register, Workspace, WorkspaceFile or dict
        What to draw; a dict is the output of :func:`risk_matrix_data`.
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

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "risks": [
    ...     {"id": "R1", "title": "t", "category": "model", "likelihood": 5, "impact": 5}]})
    >>> "critical" in risk_matrix_svg(ws, which="inherent")
    True
    """
    if which not in ("residual", "inherent"):
        msg = f"which must be 'residual' or 'inherent', got {which!r}"
        raise ValueError(msg)
    data = source if isinstance(source, dict) else risk_matrix_data(source)
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
        x = left + (im - 1) * cw + cw / 2
        doc.text(x, top + 5 * ch + 16, f"{im} {data['impact_labels'][im - 1]}", size=11,
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

