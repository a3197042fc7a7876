"""The scored backlog: the data the widget renders, and a static SVG table of it.

:func:`backlog_data` turns the core's :class:`aipo_widgets.analysis.backlog.BacklogResult` into
compact, column-oriented data (one list per field, so 2,000 items stay a few hundred kilobytes); it
is what :class:`~aipo_widgets.widgets.BacklogWidget` syncs to the browser. :func:`backlog_svg`
draws the ranked items as a table: rank, id, title, type, the method's raw factors, score,
rank stability and the gate (blocked, excluded, incomplete) with its reason.

Examples
--------
>>> from aipo_widgets.analysis.backlog import score
>>> from aipo_widgets.model.schema import BacklogItem
>>> result = score([BacklogItem(id="B1", title="PII filter", type="risk", value=9, risk=5,
...                             feasibility=7, confidence=0.8, effort=2)])
>>> data = backlog_data(result)
>>> data["columns"]["id"], data["columns"]["rank"], data["factor_columns"]
(['B1'], [1], ['value', 'risk', 'feasibility', 'confidence', 'effort'])
>>> backlog_svg(data).startswith("<svg")
True
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import PALETTE, TEXT
from aipo_widgets.model import schema as spec

__all__ = ["METHOD_LABELS", "backlog_alt", "backlog_data", "backlog_svg", "display_order",
           "factor_meta"]

METHOD_LABELS = {
    "vrf": "Value, risk, feasibility",
    "rice": "RICE",
    "wsjf": "WSJF (SAFe)",
    "wsjf_economic": "WSJF, economic (CD3)",
    "ice": "ICE",
}
# The raw factors each method shows (what it needs, plus confidence where it has a default).
_SHOWN = {
    "vrf": ("value", "risk", "feasibility", "confidence", "effort"),
    "rice": ("reach", "impact", "confidence", "effort"),
    "wsjf": ("business_value", "time_criticality", "risk_reduction", "job_size"),
    "wsjf_economic": ("cost_of_delay_per_week", "duration_weeks"),
    "ice": ("value", "confidence", "ease"),
}
#: Rows drawn in the static picture before "... and n more".
MAX_ROWS = 30
#: Short column headings of the raw factors.
SHORT = {
    "value": "value", "risk": "risk", "feasibility": "feas.", "confidence": "conf.",
    "effort": "effort", "reach": "reach", "impact": "impact", "ease": "ease",
    "business_value": "BV", "time_criticality": "TC", "risk_reduction": "RR|OE",
    "job_size": "size", "cost_of_delay_per_week": "CoD/wk", "duration_weeks": "weeks",
}


@lru_cache(maxsize=1)
def factor_meta() -> dict[str, dict[str, Any]]:
    """Return each raw factor's bounds and description, from the workspace schema.

    Examples
    --------
    >>> factor_meta()["value"]["min"], factor_meta()["value"]["max"]
    (0, 10)
    """
    from aipo_widgets.analysis.backlog import RAW_FACTORS

    props = spec.BacklogItem.model_json_schema()["properties"]
    out = {}
    for name in RAW_FACTORS:
        p = props[name]
        num = next((a for a in p.get("anyOf", [p]) if a.get("type") == "number"), {})
        out[name] = {
            "min": num.get("minimum", num.get("exclusiveMinimum")),
            "max": num.get("maximum"),
            "exclusive_min": "exclusiveMinimum" in num,
            "description": p.get("description", ""),
            "label": name.replace("_", " "),
            "short": SHORT[name],
        }
    return out


def _result(source: Any, method: str | None, classification: Any, excluded_ids: Any,
            tolerance: int, stability: bool):
    from aipo_widgets.analysis.backlog import BacklogResult, score_workspace
    from aipo_widgets.model.workspace import WorkspaceFile

    if isinstance(source, BacklogResult):
        return source, None
    if isinstance(source, WorkspaceFile):
        source = source.workspace
    if isinstance(source, spec.Workspace):
        return score_workspace(source, method, classification=classification,
                               excluded_ids=tuple(excluded_ids), tolerance=tolerance,
                               stability=stability), source
    msg = (f"expected a BacklogResult, a Workspace or a WorkspaceFile, got "
           f"{type(source).__name__}")
    raise TypeError(msg)


def backlog_data(source: Any, *, method: str | None = None, classification: Any = None,
                 excluded_ids: Any = (), tolerance: int = 0, stability: bool = True) -> dict:
    """Return the scored backlog as column-oriented plain data.

    Parameters
    ----------
    source : BacklogResult, Workspace or WorkspaceFile
        A scored backlog, or a workspace to score (with its settings, risks and AI Act tier).
    method, classification, excluded_ids, tolerance, stability
        Passed to :func:`aipo_widgets.analysis.backlog.score_workspace` when scoring here.

    Returns
    -------
    dict
        ``method``, ``methods``, ``formula``, ``weights``, ``tier``, ``factor_columns`` and
        ``factor_meta``; ``columns`` (one list per field, items in workspace order, or the
        core's order for a bare result; see :func:`display_order`); ``intermediates``;
        ``problems`` and ``notes`` (strings); ``counts`` per gate; ``types``.
    """
    from aipo_widgets.analysis.backlog import METHODS

    result, ws = _result(source, method, classification, excluded_ids, tolerance, stability)
    shown = _SHOWN[result.method]
    items = result.items
    by_id = {it.id: it for it in ws.backlog} if ws is not None else {}
    if ws is not None:
        # Workspace order, not rank order: an edit then changes a few entries, not the order of
        # every column (the widget receives changes as patches). ``rank`` gives the order.
        position = {it.id: k for k, it in enumerate(ws.backlog)}
        items = sorted(items, key=lambda i: position.get(i.id, len(position)))
    names = ("id", "title", "type", "status", "gate", "score", "rank", "shift", "stability",
             "sensitive_to", "quadrant", "reasons", "mitigates", "blocked_by")
    columns: dict[str, list] = {k: [] for k in names}
    factors: dict[str, list] = {f: [] for f in shown}
    # One pass over the items: the widget rebuilds this after every edit of 2,000 items.
    for i in items:
        model = by_id.get(i.id)
        for k, v in (("id", i.id), ("title", i.title), ("type", i.type), ("status", i.status),
                     ("gate", i.gate), ("score", i.score), ("rank", i.rank),
                     ("shift", i.max_rank_shift), ("stability", i.stability),
                     ("sensitive_to", i.most_sensitive_to), ("quadrant", i.quadrant),
                     ("reasons", i.reasons),
                     ("mitigates", list(model.mitigates) if model is not None else []),
                     ("blocked_by", list(model.blocked_by) if model is not None else [])):
            columns[k].append(v)
        for f in shown:
            factors[f].append(i.factors.get(f))
    inter_keys = sorted({k for i in items for k in i.intermediates})
    intermediates = {k: [i.intermediates.get(k) for i in items] for k in inter_keys}
    counts: dict[str, int] = {}
    for g in columns["gate"]:
        counts[g] = counts.get(g, 0) + 1
    meta = factor_meta()
    return {
        "method": result.method,
        "methods": [[m, METHOD_LABELS[m]] for m in METHODS],
        "formula": result.formula,
        "weights": dict(result.weights),
        "tier": result.tier,
        "tolerance": result.tolerance,
        "factor_columns": list(shown),
        "factor_meta": {f: meta[f] for f in shown},
        "columns": columns,
        "factors": factors,
        "intermediates": intermediates,
        "problems": [str(p) for p in result.problems],
        "notes": list(result.notes),
        "counts": counts,
        "types": [t.value for t in spec.BacklogType],
        "statuses": ["todo", "doing", "done", "dropped"],
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


def backlog_svg(source: Any, *, title: str = "") -> str:
    """Draw the ranked backlog as a table.

    Parameters
    ----------
    source : BacklogResult, Workspace, WorkspaceFile or dict
        What to draw; a dict is the output of :func:`backlog_data`.
    title : str, optional
        Heading (default: "Backlog by <method>").

    Returns
    -------
    str
        A complete SVG document, 900 pixels wide, 22 pixels per item (at most 30 items).

    Examples
    --------
    >>> ws = spec.Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "backlog": [{"id": "B1", "title": "Eval set", "type": "evaluation", "value": 5,
    ...                  "risk": 2, "feasibility": 8, "effort": 1, "confidence": 1}]})
    >>> "Eval set" in backlog_svg(backlog_data(ws, classification="minimal"))
    True
    """
    data = source if isinstance(source, dict) else backlog_data(source)
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
