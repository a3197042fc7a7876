"""What the workspace has decided about a classifier: its operating threshold and the costs.

The decision log (``decisions`` in ``aipo.yaml``) records the threshold chosen, with the costs it
was chosen for in ``settings.threshold_costs``; those costs may name metric-tree nodes, whose
current (else baseline) value is the cost. The experiments phase, the threshold widget and the
fairness check read both from here.

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
COST_KEYS = ("c_fn", "c_fp", "c_tp", "c_tn", "review_cost", "volume_per_month")


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
        ``c_fn``, ``c_fp``, ``c_tp``, ``c_tn``, ``review_cost`` and ``volume_per_month`` (when
        set); None when ``settings.threshold_costs`` is not set.

    Raises
    ------
    AipoError
        A cost names a metric that is not in the tree, or one without a value.
    """
    tc = ws.settings.threshold_costs
    if tc is None:
        return None
    out: dict[str, float] = {}
    for key in COST_KEYS:
        value = getattr(tc, key)
        if isinstance(value, str):
            try:
                node = ws.metric(value)
            except KeyError:
                raise AipoError([Problem(f"names metric '{value}', which is not in the tree",
                                         path=f"settings.threshold_costs.{key}")]) from None
            value = node.current if node.current is not None else node.baseline
            if value is None:
                raise AipoError([Problem(f"metric '{node.id}' has no current or baseline value",
                                         path=f"settings.threshold_costs.{key}",
                                         fix=f"set metric_tree {node.id} current")])
        if value is not None:
            out[key] = value
    return out
