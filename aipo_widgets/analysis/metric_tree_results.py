"""The metric tree's results: node status, what-if, sensitivity and attribution.

:class:`aipo_widgets.analysis.metric_tree.Tree` computes them; the widget, the static renderer and
the documents read them.  Each has ``to_dict`` (JSON-ready) and most ``to_frame`` (pandas).

Examples
--------
>>> w = WhatIf("current", {"b": 2.0}, {"a": 1.0, "b": 1.0}, {"a": 2.0, "b": 2.0}, "a")
>>> w.root_before, w.root_after, w.deltas()
(1.0, 2.0, {'a': 1.0, 'b': 1.0})
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from aipo_widgets.errors import Problem

__all__ = [
    "STATUSES",
    "Attribution",
    "NodeResult",
    "SensitivityItem",
    "SensitivityResult",
    "Status",
    "TreeStatus",
    "WhatIf",
]

Status = Literal["on_track", "at_risk", "off_track", "no_data"]
STATUSES: tuple[Status, ...] = ("on_track", "at_risk", "off_track", "no_data")


@dataclass
class NodeResult:
    """One node's value, status and the reasons for them.

    Attributes
    ----------
    id, name, unit, designation, direction : str
        From the workspace.
    parent : str or None
        The node it hangs under.
    depth : int
        Distance from its root (0 for a root), for indented rendering.
    formula : str or None
        Its formula, if computed.
    value : float or None
        The current value used for the status: computed from the formula, or typed (current:).
    value_source : {"formula", "typed", None}
        Where the value comes from.
    baseline, target : float or None
        The baseline and target used (declared, or implied by the inputs' ones).
    baseline_source, target_source : {"declared", "formula", None}
        Where each comes from.
    implied_target : float or None
        For a formula node: the value its inputs' targets give, whether or not it has its own.
    threshold : float or None
        For guardrails: the value that must not be crossed.
    progress : float or None
        ``(value - baseline) / (target - baseline)``.
    status : {"on_track", "at_risk", "off_track", "no_data"}
        See the module documentation.
    rule : str
        The rule that fired, in words.
    inputs : dict
        For a formula node: the current value of each name in the formula.
    guardrails : list of str
        The guardrail or counter metrics named by this node.
    guardrails_breached : list of str
        Those of them that are off track.
    """

    id: str
    name: str
    unit: str
    designation: str
    direction: str
    parent: str | None
    depth: int
    formula: str | None
    value: float | None
    value_source: str | None
    baseline: float | None
    baseline_source: str | None
    target: float | None
    target_source: str | None
    implied_target: float | None
    threshold: float | None
    progress: float | None
    status: Status
    rule: str
    inputs: dict[str, float | None] = field(default_factory=dict)
    guardrails: list[str] = field(default_factory=list)
    guardrails_breached: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the node result as a JSON-ready dict."""
        return asdict(self)


@dataclass
class TreeStatus:
    """Every node's value and status, in rendering order, with the tree's warnings.

    Attributes
    ----------
    root : str or None
        The root's id.
    nodes : list of NodeResult
        Depth-first from the root, children in file order; then any other roots.
    warnings : list of Problem
        Missing guardrails, formula values that differ from declared ones, targets on the
        wrong side of the baseline, formulas that could not be evaluated.
    expected_progress, guardrail_margin : float
        The settings the statuses were judged with.
    """

    root: str | None
    nodes: list[NodeResult]
    warnings: list[Problem]
    expected_progress: float
    guardrail_margin: float

    def node(self, node_id: str) -> NodeResult:
        """Return one node's result (KeyError if there is none)."""
        for n in self.nodes:
            if n.id == node_id:
                return n
        raise KeyError(node_id)

    def counts(self) -> dict[str, int]:
        """Return how many nodes have each status.

        Examples
        --------
        >>> TreeStatus(None, [], [], 1.0, 0.05).counts()
        {'on_track': 0, 'at_risk': 0, 'off_track': 0, 'no_data': 0}
        """
        out: dict[str, int] = dict.fromkeys(STATUSES, 0)
        for n in self.nodes:
            out[n.status] += 1
        return out

    def to_frame(self):
        """Return the nodes as a pandas DataFrame, one row per node (inputs left out)."""
        import pandas as pd

        rows = [{k: v for k, v in n.to_dict().items() if k != "inputs"} for n in self.nodes]
        return pd.DataFrame(rows)

    def to_view(self, models: Mapping[str, Any], children: Mapping[str, list[str]],
                sensitivity: dict) -> dict:
        """Return the status as plain data, as :meth:`Tree.to_view` describes it.

        ``models`` are the workspace's nodes by id (their declared fields are added to each
        node's result), ``children`` each node's children, ``sensitivity`` the ranking's view.
        """
        nodes = []
        for res in self.nodes:
            model = models[res.id]
            d = dict(vars(res))  # dataclasses.asdict deep-copies: too slow for 300 nodes
            d.update(
                measured=res.formula is None, has_children=bool(children[res.id]),
                current=model.current, declared_baseline=model.baseline,
                declared_target=model.target, owner=model.owner, description=model.description,
                source=model.source, cadence=model.cadence,
            )
            nodes.append(d)
        return {
            "root": self.root,
            "nodes": nodes,
            "counts": self.counts(),
            "expected_progress": self.expected_progress,
            "guardrail_margin": self.guardrail_margin,
            "sensitivity": sensitivity,
            "warnings": [str(w) for w in self.warnings],
        }

    def to_dict(self) -> dict:
        """Return the status as a JSON-ready dict."""
        return {
            "root": self.root,
            "expected_progress": self.expected_progress,
            "guardrail_margin": self.guardrail_margin,
            "counts": self.counts(),
            "nodes": [n.to_dict() for n in self.nodes],
            "warnings": [w.to_dict() for w in self.warnings],
        }


@dataclass
class WhatIf:
    """Every node's value before and after setting some measured nodes to new values.

    Attributes
    ----------
    base : str
        The snapshot changed (``"current"``, ``"baseline"`` or ``"target"``).
    changes : dict
        The measured nodes set, and their new values.
    before, after : dict
        Every node's value before and after (None where an input is missing).
    root : str or None
        The root's id; ``root_before`` / ``root_after`` are its values.
    """

    base: str
    changes: dict[str, float]
    before: dict[str, float | None]
    after: dict[str, float | None]
    root: str | None

    @property
    def root_before(self) -> float | None:
        """The root's value before the change."""
        return self.before.get(self.root) if self.root else None

    @property
    def root_after(self) -> float | None:
        """The root's value after the change."""
        return self.after.get(self.root) if self.root else None

    def deltas(self) -> dict[str, float | None]:
        """Return every node's change (None where either value is missing)."""
        out: dict[str, float | None] = {}
        for k, b in self.before.items():
            a = self.after.get(k)
            out[k] = None if a is None or b is None else a - b
        return out

    def to_frame(self):
        """Return one row per node: before, after, change and relative change."""
        import pandas as pd

        rows = []
        for k, b in self.before.items():
            a = self.after.get(k)
            d = None if a is None or b is None else a - b
            rel = None if d is None or not b else d / abs(b)
            rows.append({"id": k, "before": b, "after": a, "change": d, "relative": rel})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        """Return the what-if as a JSON-ready dict."""
        return {
            "base": self.base,
            "changes": dict(self.changes),
            "root": self.root,
            "root_before": self.root_before,
            "root_after": self.root_after,
            "before": dict(self.before),
            "after": dict(self.after),
        }


@dataclass
class SensitivityItem:
    """How strongly one measured input moves the node analysed.

    Attributes
    ----------
    input : str
        The measured node.
    value : float
        Its value at the point of analysis.
    elasticity : float or None
        Relative change of the node per relative change of the input (None when the node's
        value is 0 or could not be evaluated around the point).
    derivative : float or None
        Change of the node per unit of the input (central difference).
    delta_for_plus_1pct : float or None
        Change of the node when the input is 1 % higher.
    aligned : bool or None
        Whether improving the input (by its own direction) improves the node (by its
        direction); False hints at a wrong direction or a perverse incentive; None if flat.
    rank : int
        1 for the input with the largest absolute elasticity.
    note : str
        Why a figure is missing, if one is.
    """

    input: str
    value: float
    elasticity: float | None
    derivative: float | None
    delta_for_plus_1pct: float | None
    aligned: bool | None
    rank: int = 0
    note: str = ""

    def to_dict(self) -> dict:
        """Return the item as a JSON-ready dict."""
        return asdict(self)


@dataclass
class SensitivityResult:
    """The elasticity of a node to each measured input it depends on, ranked.

    Attributes
    ----------
    node : str
        The node analysed (the root by default).
    at : str or dict
        The snapshot, or the input values, the derivatives are taken at.
    value : float
        The node's value there.
    step : float
        The relative step of the central differences.
    items : list of SensitivityItem
        Ranked by absolute elasticity, largest first.
    """

    node: str
    at: str | dict
    value: float
    step: float
    items: list[SensitivityItem]

    def to_frame(self):
        """Return the ranked items as a pandas DataFrame."""
        import pandas as pd

        return pd.DataFrame([i.to_dict() for i in self.items])

    def to_dict(self) -> dict:
        """Return the result as a JSON-ready dict."""
        return {
            "node": self.node,
            "at": self.at,
            "value": self.value,
            "step": self.step,
            "method": "central differences, relative step",
            "items": [i.to_dict() for i in self.items],
        }


@dataclass
class Attribution:
    """A node's change between two snapshots, split among the measured inputs that changed.

    Attributes
    ----------
    node : str
        The node whose change is explained (the root by default).
    before, after : str or dict
        The two snapshots (names or input values).
    value_before, value_after, delta : float
        The node's values and its change.
    contributions : dict
        Input -> its part of ``delta``, largest absolute part first.  Inputs that did not change
        are left out (their part is 0).
    method : {"shapley", "nested_shapley", "none"}
        How the split was computed (see the module documentation).
    evaluations : int
        How many times the formulas were evaluated.
    residual : float
        ``sum(contributions) - delta``: float rounding only, reported so nobody has to trust it.
    inputs_before, inputs_after : dict
        The changed inputs' values in the two snapshots.
    """

    node: str
    before: str | dict
    after: str | dict
    value_before: float
    value_after: float
    delta: float
    contributions: dict[str, float]
    method: str
    evaluations: int
    residual: float
    inputs_before: dict[str, float]
    inputs_after: dict[str, float]

    def shares(self) -> dict[str, float | None]:
        """Return each input's part as a share of the change (None if the change is 0)."""
        return {k: (v / self.delta if self.delta else None) for k, v in self.contributions.items()}

    def to_frame(self):
        """Return one row per changed input: before, after, contribution and share."""
        import pandas as pd

        shares = self.shares()
        return pd.DataFrame(
            [
                {
                    "input": k,
                    "before": self.inputs_before[k],
                    "after": self.inputs_after[k],
                    "contribution": v,
                    "share": shares[k],
                }
                for k, v in self.contributions.items()
            ]
        )

    def to_dict(self) -> dict:
        """Return the attribution as a JSON-ready dict."""
        d = asdict(self)
        d["shares"] = self.shares()
        return d
