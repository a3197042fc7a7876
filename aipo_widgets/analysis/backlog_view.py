"""The scored backlog as plain, column-oriented data: what the widget syncs and the figure draws.

:func:`backlog_view` turns a :class:`aipo_widgets.analysis.backlog.BacklogResult` into one list
per field (so 2,000 items stay a few hundred kilobytes), with the raw factors the method shows
and their bounds from the workspace schema.  :meth:`BacklogResult.to_view
<aipo_widgets.analysis.backlog.BacklogResult.to_view>` calls it; the scoring module imports this
one, so it reads the result by its attributes and imports nothing back.

Examples
--------
>>> from aipo_widgets.analysis.backlog import score
>>> from aipo_widgets.model.schema import BacklogItem
>>> result = score([BacklogItem(id="B1", title="PII filter", type="risk", value=9, risk=5,
...                             feasibility=7, confidence=0.8, effort=2)])
>>> view = backlog_view(result)
>>> view["columns"]["id"], view["columns"]["rank"], view["factor_columns"]
(['B1'], [1], ['value', 'risk', 'feasibility', 'confidence', 'effort'])
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from aipo_widgets.figures.backlog import METHOD_LABELS, SHORT
from aipo_widgets.model import schema as spec

__all__ = ["SHOWN", "backlog_view", "factor_meta"]

#: The raw factors each method shows (what it needs, plus confidence where it has a default).
SHOWN = {
    "vrf": ("value", "risk", "feasibility", "confidence", "effort"),
    "rice": ("reach", "impact", "confidence", "effort"),
    "wsjf": ("business_value", "time_criticality", "risk_reduction", "job_size"),
    "wsjf_economic": ("cost_of_delay_per_week", "duration_weeks"),
    "ice": ("value", "confidence", "ease"),
}


@lru_cache(maxsize=1)
def factor_meta() -> dict[str, dict[str, Any]]:
    """Return each raw factor's bounds and description, from the workspace schema.

    Examples
    --------
    >>> factor_meta()["value"]["min"], factor_meta()["value"]["max"]
    (0, 10)
    """
    props = spec.BacklogItem.model_json_schema()["properties"]
    out = {}
    for name in SHORT:  # one short heading per raw factor (a test keeps them equal)
        p = props[name]
        num: dict[str, Any] = next(
            (a for a in p.get("anyOf", [p]) if a.get("type") == "number"), {})
        out[name] = {
            "min": num.get("minimum", num.get("exclusiveMinimum")),
            "max": num.get("maximum"),
            "exclusive_min": "exclusiveMinimum" in num,
            "description": p.get("description", ""),
            "label": name.replace("_", " "),
            "short": SHORT[name],
        }
    return out


def backlog_view(result: Any, *, workspace: spec.Workspace | None = None) -> dict:
    """Return a scored backlog as column-oriented plain data.

    Parameters
    ----------
    result : BacklogResult
        The scored backlog.
    workspace : Workspace, optional
        The workspace it was scored from: items then come in workspace order (an edit changes a
        few entries, not every column) and carry ``mitigates`` and ``blocked_by``.

    Returns
    -------
    dict
        ``method``, ``methods``, ``formula``, ``weights``, ``tier``, ``factor_columns`` and
        ``factor_meta``; ``columns`` (one list per field, items in workspace order, or the
        core's order for a bare result; see :func:`aipo_widgets.figures.backlog.display_order`);
        ``intermediates``; ``problems`` and ``notes`` (strings); ``counts`` per gate; ``types``.
    """
    shown = SHOWN[result.method]
    items = result.items
    by_id = {it.id: it for it in workspace.backlog} if workspace is not None else {}
    if workspace is not None:
        # Workspace order, not rank order: an edit then changes a few entries, not the order of
        # every column (the widget receives changes as patches). ``rank`` gives the order.
        position = {it.id: k for k, it in enumerate(workspace.backlog)}
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
        "methods": [[m, label] for m, label in METHOD_LABELS.items()],
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
