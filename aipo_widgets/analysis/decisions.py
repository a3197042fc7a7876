"""What the workspace has decided about a classifier: its operating threshold and the costs.

The decision log (``decisions`` in ``aipo.yaml``) records the threshold chosen, with the costs it
was chosen for in ``settings.threshold_costs``; those costs may name metric-tree nodes, whose
current (else baseline) value is the cost, or business-case drivers, whose measured (else
realistic) value is, so that the threshold and the business case use the same numbers. The
experiments phase, the threshold widget and the fairness check read both from here.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
...     "decisions": [{"id": "D1", "date": "2026-10-01", "title": "t", "threshold": 0.3},
...                   {"id": "D2", "date": "2026-11-01", "title": "t", "threshold": 0.4}]})
>>> current_threshold(ws)
0.4
>>> threshold_costs(ws) is None
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aipo_widgets.errors import AipoError, Problem

if TYPE_CHECKING:  # pragma: no cover
    from aipo_widgets.model.schema import Workspace

__all__ = ["COST_KEYS", "current_threshold", "threshold_costs"]

# The keys of settings.threshold_costs, in the order the thresholds module takes them.
COST_KEYS = ("c_fn", "c_fp", "c_tp", "c_tn", "review_cost", "prevented_share",
             "volume_per_month")


def _named_value(ws: Workspace, key: str, name: str) -> float:
    """Return the value of a metric-tree node (current, else baseline) or a business-case driver."""
    path = f"settings.threshold_costs.{key}"
    drivers = ws.business_case.drivers if ws.business_case is not None else {}
    try:
        node = ws.metric(name)
    except KeyError:
        if name in drivers:
            d = drivers[name]
            return d.measured if d.measured is not None else d.realistic
        raise AipoError([Problem(f"names '{name}', which is neither a metric in the tree nor a "
                                 "business-case driver", path=path)]) from None
    value = node.current if node.current is not None else node.baseline
    if value is None:
        raise AipoError([Problem(f"metric '{node.id}' has no current or baseline value",
                                 path=path, fix=f"set metric_tree {node.id} current")])
    return value


def current_threshold(ws: Workspace) -> float | None:
    """Return the operating threshold of the latest decision that set one, or None."""
    dated = [d for d in ws.decisions if d.threshold is not None]
    if not dated:
        return None
    return max(dated, key=lambda d: (d.date, d.id)).threshold


def threshold_costs(ws: Workspace) -> dict[str, float] | None:
    """Return the threshold costs as numbers (metric ids resolved to their values).

    Returns
    -------
    dict or None
        ``c_fn``, ``c_fp``, ``c_tp``, ``c_tn``, ``review_cost``, ``prevented_share`` and
        ``volume_per_month`` (when set); None when ``settings.threshold_costs`` is not set.

    Raises
    ------
    AipoError
        A cost names neither a metric in the tree nor a business-case driver, or a metric
        without a value.
    """
    tc = ws.settings.threshold_costs
    if tc is None:
        return None
    out: dict[str, float] = {}
    for key in COST_KEYS:
        value = getattr(tc, key)
        if isinstance(value, str):
            value = _named_value(ws, key, value)
        if value is not None:
            out[key] = value
    return out
