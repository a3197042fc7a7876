"""The metric tree: values bottom-up, status and progress, what-if, sensitivity and attribution.

A metric tree hangs the product's business outcome (the root, e.g. cost per ticket or a North
Star metric) over the levers that move it (input and driver metrics), the model metrics that
measure the AI's part, and the guardrail and counter metrics that must not degrade on the way.
This module takes the tree from the workspace (:class:`aipo_widgets.model.schema.MetricTree`) and
answers a product owner's questions about it.  It is pure Python: the widget and the static
renderer draw what it computes.

Values
    A node without a formula is measured: its value is its ``current`` (or ``baseline`` /
    ``target`` for those snapshots).  A node with a formula is computed from the nodes its
    formula names, bottom-up in dependency order (formulas are parsed once by
    :class:`aipo_widgets.analysis.formulas.Expression`; unknown names and cycles are errors that
    name the node).  Where a formula node also has a declared value, the computed one is used and a
    difference is reported.  A formula node's *baseline* and *target* are its declared ones
    when set (the goal a stakeholder agreed), otherwise the ones its inputs' baselines and
    targets imply; when both exist and differ the tree says so, because "the input targets do
    not add up to the goal" is worth knowing.

Status (the rule is stored on each node's result, so the widget can show why)
    *progress* is ``(current - baseline) / (target - baseline)``: 0 at the baseline, 1 at the
    target, negative when the metric moved the wrong way.  It needs no direction, because the
    target says which way is good; a target on the wrong side of the baseline for the node's
    ``direction`` is reported as a warning.

    * ``on_track``: progress >= ``expected_progress`` (default 1: the target is reached; pass
      e.g. 0.5 half-way through the period);
    * ``at_risk``: 0 < progress < ``expected_progress`` (moving the right way, not far enough);
      also a node with a target but no baseline that has not met its target;
    * ``off_track``: progress <= 0 (no better than the baseline);
    * ``no_data``: no current value, or no target (and, for a guardrail, no threshold).

    Guardrail and counter metrics with a ``threshold`` are judged against it instead: the
    threshold is a floor when higher is better and a ceiling when lower is better.  Beyond it is
    ``off_track`` (breached), within ``guardrail_margin`` (default 5 %) of it is ``at_risk``,
    otherwise ``on_track``.

What-if, sensitivity, attribution
    :meth:`Tree.what_if` sets measured nodes to new values and recomputes every node.
    :meth:`Tree.sensitivity` gives the elasticity of a node (the root by default) to each
    measured input it depends on, by central differences: ``(f(x(1+h)) - f(x(1-h))) /
    (2 h f(x))`` with ``h = 1 %``: "1 % more of this lever moves the KPI by e %".  For a
    product of inputs every elasticity is exactly 1.  :meth:`Tree.attribution` splits the
    change of a node between two snapshots among the inputs that changed, by **Shapley
    values** over those inputs (exact enumeration of the 2^k orders' coalitions for k <= 12):
    the split does not depend on the order in which the inputs are imagined to change
    (path-independent), an input that did not change gets 0, and the parts add up to the
    change (up to float rounding, reported as ``residual``).  For more than 12 changed inputs
    the *nested* Shapley method is used: Shapley among each formula's own inputs, each part
    passed down to the inputs below it in proportion to their own nested split; it also adds up
    exactly and equals the flat method for additive trees.

Guardrails
    Every ``input`` metric should name at least one guardrail or counter metric (Kohavi et al.:
    a lever that improves while its guardrail degrades is not an improvement).  Each one that
    does not gets a warning, as does a tree without any guardrail.

Examples
--------
>>> from aipo_widgets.model.schema import MetricTree
>>> spec_tree = MetricTree.model_validate({"root": "cost", "nodes": [
...     {"id": "cost", "name": "Support cost per month", "unit": "EUR", "direction": "lower",
...      "designation": "north_star", "formula": "tickets * minutes / 60 * hourly_cost",
...      "target": 60000},
...     {"id": "tickets", "name": "Tickets", "parent": "cost", "current": 10000,
...      "baseline": 10000},
...     {"id": "minutes", "name": "Handling time", "unit": "min", "parent": "cost",
...      "designation": "input", "direction": "lower", "baseline": 12, "target": 9,
...      "current": 10, "guardrails": ["csat"]},
...     {"id": "hourly_cost", "name": "Hourly cost", "unit": "EUR", "parent": "cost",
...      "current": 40, "baseline": 40},
...     {"id": "csat", "name": "CSAT", "designation": "guardrail", "parent": "cost",
...      "threshold": 4.2, "current": 4.5},
... ]})
>>> tree = Tree(spec_tree)
>>> for n in tree.status().nodes:
...     print(n.id, n.value, n.status, "|", n.rule)
cost 66666.66666666667 at_risk | progress 67%: better than baseline, short of 100%
tickets 10000.0 no_data | no target
minutes 10.0 at_risk | progress 67%: better than baseline, short of 100%
hourly_cost 40.0 no_data | no target
csat 4.5 on_track | guardrail holds: 4.5 is above its floor 4.2
>>> round(tree.status().node("minutes").progress, 3)
0.667
>>> tree.what_if({"minutes": 9}).root_after
60000.0
>>> [(s.input, round(s.elasticity, 6)) for s in tree.sensitivity().items]
[('tickets', 1.0), ('minutes', 1.0), ('hourly_cost', 1.0)]
>>> a = tree.attribution("baseline", "current")
>>> round(a.delta, 2), {k: round(v, 2) for k, v in a.contributions.items()}
(-13333.33, {'minutes': -13333.33})
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from aipo_widgets._text import suggest
from aipo_widgets.analysis.formulas import EvaluationError, Expression, FormulaError
from aipo_widgets.errors import Problem, UsageError, WorkspaceError
from aipo_widgets.model import schema as spec

__all__ = [
    "STATUSES",
    "Attribution",
    "NodeResult",
    "SensitivityItem",
    "SensitivityResult",
    "Tree",
    "TreeStatus",
    "WhatIf",
]

Status = Literal["on_track", "at_risk", "off_track", "no_data"]
STATUSES: tuple[Status, ...] = ("on_track", "at_risk", "off_track", "no_data")
Snapshot = Literal["baseline", "target", "current"]
_SNAPSHOTS = ("baseline", "target", "current")
_GUARD = {"guardrail", "counter"}
_SHAPLEY_FLAT_MAX = 12
_SHAPLEY_NODE_MAX = 16
_REL_TOL = 1e-9


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


def _close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-12)


def _path(i: int, key: str | None = None) -> str:
    return f"metric_tree.nodes[{i}]" + (f".{key}" if key else "")


# --------------------------------------------------------------------------------------------
# Result objects


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
        The current value used for the status: computed from the formula, or measured.
    value_source : {"formula", "measured", None}
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
        out = dict.fromkeys(STATUSES, 0)
        for n in self.nodes:
            out[n.status] += 1
        return out

    def to_frame(self):
        """Return the nodes as a pandas DataFrame, one row per node (inputs left out)."""
        import pandas as pd

        rows = [{k: v for k, v in n.to_dict().items() if k != "inputs"} for n in self.nodes]
        return pd.DataFrame(rows)

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
            rel = None if d is None or b == 0 else d / abs(b)
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


# --------------------------------------------------------------------------------------------
# The tree


class Tree:
    """A metric tree from the workspace, ready to compute.

    Parameters
    ----------
    tree : aipo_widgets.model.schema.MetricTree or dict
        The ``metric_tree`` section of the workspace (a dict is validated first).
    expected_progress : float, default 1.0
        Progress from which a node is on track (1: target reached).
    guardrail_margin : float, default 0.05
        Relative distance to a guardrail's threshold within which it is at risk.

    Raises
    ------
    WorkspaceError
        With every structural problem at once: duplicate ids, unknown parents or formula names
        (with a suggestion), formula syntax, cycles among parents or formulas, an unknown root.
    UsageError
        If ``expected_progress`` or ``guardrail_margin`` is out of range.

    Examples
    --------
    >>> t = Tree({"nodes": [{"id": "a", "name": "A", "formula": "b + c"},
    ...                     {"id": "b", "name": "B", "parent": "a", "current": 1},
    ...                     {"id": "c", "name": "C", "parent": "a", "current": 2}]})
    >>> t.root, t.children("a"), t.values()["a"]
    ('a', ['b', 'c'], 3.0)
    >>> Tree({"nodes": [{"id": "a", "name": "A", "formula": "a + 1"}]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    aipo_widgets.errors.WorkspaceError: metric_tree.nodes[0].formula: formulas form a cycle: ...
    """

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict:
        # A picture wherever it is displayed (notebook, nbconvert HTML, Voila), without widgets.
        from aipo_widgets.figures import display_bundle

        return display_bundle(self)

    def __init__(
        self,
        tree: spec.MetricTree | Mapping,
        *,
        expected_progress: float = 1.0,
        guardrail_margin: float = 0.05,
    ):
        if isinstance(tree, Mapping):
            try:
                tree = spec.MetricTree.model_validate(dict(tree))
            except Exception as exc:  # pydantic.ValidationError; keep pydantic out of the API
                raise WorkspaceError(
                    [Problem(str(exc), path="metric_tree", fix="correct the tree's fields")]
                ) from None
        if not isinstance(tree, spec.MetricTree):
            msg = f"tree must be a spec.MetricTree or a dict, got {type(tree).__name__}"
            raise UsageError([Problem(msg, fix="pass workspace.metric_tree")])
        if not (_finite(expected_progress) and 0 < expected_progress <= 10):
            raise UsageError(
                [Problem(f"expected_progress must be in (0, 10], got {expected_progress!r}",
                         fix="use 1.0 (target reached) or a share such as 0.5")]
            )
        if not (_finite(guardrail_margin) and 0 <= guardrail_margin < 1):
            raise UsageError(
                [Problem(f"guardrail_margin must be in [0, 1), got {guardrail_margin!r}",
                         fix="use e.g. 0.05 for 5 %")]
            )
        self.spec = tree
        self.expected_progress = float(expected_progress)
        self.guardrail_margin = float(guardrail_margin)
        self.nodes: dict[str, spec.MetricNode] = {}
        self._index: dict[str, int] = {}
        self._exprs: dict[str, Expression] = {}
        problems: list[Problem] = []
        self._structure_warnings: list[Problem] = []

        for i, node in enumerate(tree.nodes):
            if node.id in self.nodes:
                problems.append(
                    Problem(f"duplicate node id '{node.id}'", path=_path(i, "id"),
                            fix="give each node its own id", code="duplicate")
                )
                continue
            self.nodes[node.id] = node
            self._index[node.id] = i
        ids = list(self.nodes)

        for nid, node in self.nodes.items():
            i = self._index[nid]
            if node.parent is not None and node.parent not in self.nodes:
                problems.append(
                    Problem(f"node '{nid}' names parent '{node.parent}', which is not a node",
                            path=_path(i, "parent"), fix=suggest(node.parent, ids),
                            code="unknown_reference")
                )
            if node.formula is not None:
                try:
                    expr = Expression(node.formula, where=_path(i, "formula"))
                except FormulaError as exc:
                    problems.extend(exc.problems)
                    continue
                unknown = expr.unknown_names(ids)
                if unknown:
                    problems.extend(unknown)
                    continue
                self._exprs[nid] = expr
            if not nid.isidentifier():
                self._structure_warnings.append(
                    Problem(f"node id '{nid}' is not a formula name (it has '-' or '.'), so no "
                            "formula can use it", path=_path(i, "id"),
                            fix="use letters, digits and '_' only", code="id_not_identifier")
                )

        problems.extend(self._parent_cycles())
        self._topo: list[str] = []
        problems.extend(self._formula_order())

        self.root: str | None = tree.root
        if tree.root is not None and tree.root not in self.nodes:
            problems.append(
                Problem(f"root '{tree.root}' is not a node", path="metric_tree.root",
                        fix=suggest(tree.root, ids), code="unknown_reference")
            )
        if problems:
            raise WorkspaceError(problems)
        if self.root is None:
            self.root = self._guess_root()

        self._children: dict[str, list[str]] = {nid: [] for nid in self.nodes}
        for nid, node in self.nodes.items():
            if node.parent is not None:
                self._children[node.parent].append(nid)
        self._closure_cache: dict[str, list[str]] = {}

    # -- structure ------------------------------------------------------------------------------

    def _parent_cycles(self) -> list[Problem]:
        problems = []
        reported: set[str] = set()
        for start in self.nodes:
            seen = [start]
            cur = self.nodes[start].parent
            while cur is not None and cur in self.nodes:
                if cur in seen:
                    cycle = [*seen[seen.index(cur):], cur]
                    key = min(cycle)
                    if key not in reported:
                        reported.add(key)
                        problems.append(
                            Problem("parents form a cycle: " + " -> ".join(cycle),
                                    path=_path(self._index[cur], "parent"),
                                    fix="a node cannot sit under its own descendant",
                                    code="cycle")
                        )
                    break
                seen.append(cur)
                cur = self.nodes[cur].parent
        return problems

    def _formula_order(self) -> list[Problem]:
        # Depth-first topological sort of formula nodes; a grey node met again is a cycle.
        state: dict[str, int] = {}
        order: list[str] = []
        problems: list[Problem] = []

        def visit(nid: str, stack: list[str]) -> None:
            state[nid] = 1
            stack.append(nid)
            for dep in self._exprs[nid].names:
                if dep not in self._exprs:
                    continue
                if state.get(dep) == 1:
                    cycle = [*stack[stack.index(dep):], dep]
                    problems.append(
                        Problem("formulas form a cycle: " + " -> ".join(cycle),
                                path=_path(self._index[nid], "formula"),
                                fix="a metric cannot be computed from itself; break the loop",
                                code="cycle")
                    )
                elif dep not in state:
                    visit(dep, stack)
            stack.pop()
            state[nid] = 2
            order.append(nid)

        for nid in self._exprs:
            if nid not in state:
                visit(nid, [])
        self._topo = order
        return problems

    def _guess_root(self) -> str | None:
        tops = [nid for nid, n in self.nodes.items() if n.parent is None]
        if not tops:
            return None
        stars = [t for t in tops if self.nodes[t].designation == "north_star"]
        if len(stars) == 1:
            return stars[0]
        non_guard = [t for t in tops if self.nodes[t].designation not in _GUARD]
        candidates = non_guard or tops
        if len(candidates) > 1:
            self._structure_warnings.append(
                Problem(f"no root is set and {len(candidates)} nodes have no parent "
                        f"({', '.join(candidates[:5])}); '{candidates[0]}' is taken as the root",
                        path="metric_tree.root", fix="set metric_tree.root", code="root_guessed")
            )
        return candidates[0]

    def children(self, node_id: str) -> list[str]:
        """Return the ids of the nodes whose parent is ``node_id``, in file order.

        Raises
        ------
        UsageError
            If there is no such node.
        """
        self._require(node_id)
        return list(self._children[node_id])

    def order(self) -> list[tuple[str, int]]:
        """Return ``(id, depth)`` depth-first from the root, then from any other parentless node.

        Examples
        --------
        >>> Tree({"root": "a", "nodes": [{"id": "a", "name": "A"},
        ...     {"id": "b", "name": "B", "parent": "a"}, {"id": "x", "name": "X"},
        ...     {"id": "c", "name": "C", "parent": "b"}]}).order()
        [('a', 0), ('b', 1), ('c', 2), ('x', 0)]
        """
        out: list[tuple[str, int]] = []
        seen: set[str] = set()

        def walk(nid: str, depth: int) -> None:
            seen.add(nid)
            out.append((nid, depth))
            for c in self._children[nid]:
                walk(c, depth + 1)

        starts = ([self.root] if self.root else []) + [
            nid for nid, n in self.nodes.items() if n.parent is None and nid != self.root
        ]
        for s in starts:
            if s not in seen:
                walk(s, 0)
        return out

    def formula_inputs(self, node_id: str) -> list[str]:
        """Return the names a node's formula uses (empty for a measured node)."""
        self._require(node_id)
        e = self._exprs.get(node_id)
        return list(e.names) if e else []

    def inputs(self, node_id: str | None = None) -> list[str]:
        """Return the measured nodes a node depends on through formulas, in first-use order.

        Parameters
        ----------
        node_id : str, optional
            Default: the root.

        Examples
        --------
        >>> Tree({"nodes": [{"id": "a", "name": "A", "formula": "b * c"},
        ...     {"id": "b", "name": "B", "formula": "c + d"},
        ...     {"id": "c", "name": "C"}, {"id": "d", "name": "D"}]}).inputs("a")
        ['c', 'd']
        """
        node_id = self._node_or_root(node_id)
        out: dict[str, None] = {}
        seen: set[str] = set()

        def walk(nid: str) -> None:
            if nid in seen:
                return
            seen.add(nid)
            e = self._exprs.get(nid)
            if e is None:
                out.setdefault(nid, None)
                return
            for n in e.names:
                walk(n)

        if node_id in self._exprs:
            walk(node_id)
        return list(out)

    def _closure(self, node_id: str) -> list[str]:
        # Formula nodes node_id depends on (itself included), in evaluation order.
        if node_id not in self._closure_cache:
            need: set[str] = set()
            stack = [node_id]
            while stack:
                nid = stack.pop()
                if nid in need or nid not in self._exprs:
                    continue
                need.add(nid)
                stack.extend(self._exprs[nid].names)
            self._closure_cache[node_id] = [n for n in self._topo if n in need]
        return self._closure_cache[node_id]

    def _require(self, node_id: str) -> None:
        if node_id not in self.nodes:
            raise UsageError(
                [Problem(f"there is no node '{node_id}'", fix=suggest(node_id, list(self.nodes)),
                         code="unknown_reference")]
            )

    def _node_or_root(self, node_id: str | None) -> str:
        if node_id is None:
            if self.root is None:
                raise UsageError([Problem("the tree has no root", fix="set metric_tree.root")])
            return self.root
        self._require(node_id)
        return node_id

    # -- values -----------------------------------------------------------------------------------

    def snapshot(self, at: str | Mapping[str, float] = "current") -> dict[str, float | None]:
        """Return every measured node's value in a snapshot.

        Parameters
        ----------
        at : {"current", "baseline", "target"} or mapping
            A field of the nodes, or explicit values of measured nodes; nodes a mapping leaves
            out take their ``current`` value.

        Returns
        -------
        dict
            Measured node id -> value (None where the field is empty).

        Raises
        ------
        UsageError
            For an unknown snapshot name, an unknown or computed node, or a non-finite value.
        """
        if isinstance(at, str):
            if at not in _SNAPSHOTS:
                raise UsageError(
                    [Problem(f"unknown snapshot {at!r}", fix="use 'baseline', 'target' or "
                             "'current', or a dict of values", code="bad_argument")]
                )
            return {nid: getattr(n, at) for nid, n in self.nodes.items() if nid not in self._exprs}
        if not isinstance(at, Mapping):
            raise UsageError(
                [Problem(f"a snapshot must be a name or a dict, got {type(at).__name__}",
                         code="bad_argument")]
            )
        base = self.snapshot("current")
        problems = self._check_changes(at)
        if problems:
            raise UsageError(problems)
        base.update({k: float(v) for k, v in at.items()})
        return base

    def _check_changes(self, changes: Mapping[str, Any]) -> list[Problem]:
        problems = []
        for k, v in changes.items():
            if k not in self.nodes:
                problems.append(
                    Problem(f"there is no node '{k}'", fix=suggest(k, list(self.nodes)),
                            code="unknown_reference")
                )
            elif k in self._exprs:
                problems.append(
                    Problem(f"'{k}' is computed by its formula ({self._exprs[k].text}); set its "
                            f"inputs ({', '.join(self._exprs[k].names)}) instead",
                            code="computed_node")
                )
            elif not _finite(v):
                problems.append(
                    Problem(f"the value for '{k}' must be a finite number, got {v!r}",
                            code="bad_value")
                )
        return problems

    def _compute(
        self,
        measured: Mapping[str, float | None],
        strict: bool = True,
        only: str | None = None,
        errors: dict[str, Problem] | None = None,
    ) -> dict[str, float | None]:
        vals: dict[str, float | None] = dict(measured)
        order = self._closure(only) if only is not None else self._topo
        for nid in order:
            e = self._exprs[nid]
            if any(vals.get(n) is None for n in e.names):
                vals[nid] = None
                continue
            try:
                vals[nid] = e.evaluate(vals)  # type: ignore[arg-type]
            except EvaluationError as exc:
                if strict:
                    raise
                vals[nid] = None
                if errors is not None:
                    errors[nid] = exc.problems[0]
        return vals

    def values(self, at: str | Mapping[str, float] = "current") -> dict[str, float | None]:
        """Return every node's value in a snapshot, formula nodes computed bottom-up.

        Parameters
        ----------
        at : {"current", "baseline", "target"} or mapping
            As in :meth:`snapshot`.

        Returns
        -------
        dict
            Node id -> value, in file order; None where a measured value is missing or a
            formula needs one.

        Raises
        ------
        EvaluationError
            If a formula cannot be evaluated (e.g. divides by zero) with these values.
        """
        vals = self._compute(self.snapshot(at))
        return {nid: vals.get(nid) for nid in self.nodes}

    # -- status -----------------------------------------------------------------------------------

    def status(self) -> TreeStatus:
        """Return every node's value, progress and status, with the tree's warnings.

        Formula errors with the current values (a division by zero, say) do not raise here:
        the node gets ``no_data`` and the error becomes a warning.

        Returns
        -------
        TreeStatus
        """
        warnings = list(self._structure_warnings)
        errors: dict[str, Problem] = {}
        snaps = {s: self._compute(self.snapshot(s), strict=False, errors=errors) for s in
                 _SNAPSHOTS}
        warnings.extend(errors.values())
        depth = dict(self.order())
        # Guardrail results are needed by the nodes that name them: compute all, then link.
        results: dict[str, NodeResult] = {}
        for nid, node in self.nodes.items():
            results[nid] = self._node_result(nid, node, snaps, depth.get(nid, 0), warnings)
        for r in results.values():
            r.guardrails_breached = [
                g for g in r.guardrails if g in results and results[g].status == "off_track"
            ]
        warnings.extend(self._guardrail_warnings())
        ordered = [results[nid] for nid, _ in self.order()]
        ordered += [r for nid, r in results.items() if nid not in depth]
        return TreeStatus(self.root, ordered, warnings, self.expected_progress,
                          self.guardrail_margin)

    def _node_result(
        self,
        nid: str,
        node: spec.MetricNode,
        snaps: dict[str, dict[str, float | None]],
        depth: int,
        warnings: list[Problem],
    ) -> NodeResult:
        i = self._index[nid]
        is_formula = nid in self._exprs
        # value
        value, value_source = node.current, ("measured" if node.current is not None else None)
        computed: dict[str, float | None] = {s: snaps[s].get(nid) for s in _SNAPSHOTS}
        if is_formula and computed["current"] is not None:
            if node.current is not None and not _close(node.current, computed["current"]):
                warnings.append(
                    Problem(f"'{nid}': the declared current {node.current:g} differs from "
                            f"the computed {computed['current']:g}; the computed value is "
                            "used", path=_path(i, "current"),
                            fix="remove the declared value or correct the formula or its "
                            "inputs", code="declared_differs")
                )
            value, value_source = computed["current"], "formula"
        # baseline and target: declared first, else implied by the inputs
        picked: dict[str, tuple[float | None, str | None]] = {}
        for s in ("baseline", "target"):
            declared = getattr(node, s)
            implied = computed[s] if is_formula else None
            if declared is not None:
                picked[s] = (declared, "declared")
                if implied is not None and not _close(declared, implied):
                    what = ("the inputs' targets give" if s == "target"
                            else "the inputs' baselines give")
                    warnings.append(
                        Problem(f"'{nid}': {what} {implied:g}, but its own {s} is "
                                f"{declared:g}", path=_path(i, s),
                                fix="align the inputs' values with the node's, or accept the gap "
                                "knowingly", code="implied_differs")
                    )
            else:
                picked[s] = (implied, "formula" if implied is not None else None)
        baseline, baseline_source = picked["baseline"]
        target, target_source = picked["target"]
        if (
            baseline is not None and target is not None and target != baseline
            and (target > baseline) != (node.direction == "higher")
        ):
            warnings.append(
                Problem(f"'{nid}': the target {target:g} is on the worse side of the baseline "
                        f"{baseline:g} for a metric where {node.direction} is better",
                        path=_path(i, "direction"),
                        fix="check the direction or the target", code="target_direction")
            )
        progress = None
        if value is not None and baseline is not None and target is not None and target != baseline:
            progress = (value - baseline) / (target - baseline)
        status, rule = self._judge(node, value, baseline, target, progress)
        if is_formula and computed["current"] is None and value_source is None:
            missing = [n for n in self._exprs[nid].names if snaps["current"].get(n) is None]
            if missing:
                rule = f"no value: the formula needs a current value for {', '.join(missing)}"
        inputs = (
            {n: snaps["current"].get(n) for n in self._exprs[nid].names} if is_formula else {}
        )
        return NodeResult(
            id=nid, name=node.name, unit=node.unit, designation=node.designation,
            direction=node.direction, parent=node.parent, depth=depth, formula=node.formula,
            value=value, value_source=value_source, baseline=baseline,
            baseline_source=baseline_source, target=target, target_source=target_source,
            implied_target=computed["target"] if is_formula else None,
            threshold=node.threshold, progress=progress, status=status, rule=rule,
            inputs=inputs, guardrails=list(node.guardrails),
        )

    def _judge(
        self,
        node: spec.MetricNode,
        value: float | None,
        baseline: float | None,
        target: float | None,
        progress: float | None,
    ) -> tuple[Status, str]:
        higher = node.direction == "higher"
        if value is None:
            return "no_data", "no current value"
        if node.designation in _GUARD and node.threshold is not None:
            t = node.threshold
            ref = abs(t) if t != 0 else abs(baseline or 0.0)
            margin = self.guardrail_margin * ref
            side = "floor" if higher else "ceiling"
            headroom = value - t if higher else t - value
            if headroom < 0:
                return "off_track", f"guardrail breached: {value:g} is beyond its {side} {t:g}"
            if headroom <= margin:
                return "at_risk", (
                    f"guardrail within {self.guardrail_margin:.0%} of its {side} {t:g}"
                )
            where = "above" if higher else "below"
            return "on_track", f"guardrail holds: {value:g} is {where} its {side} {t:g}"
        if target is None:
            if node.designation in _GUARD:
                return "no_data", "guardrail without a threshold or target"
            return "no_data", "no target"
        if progress is None:
            met = value >= target if higher else value <= target
            if met:
                return "on_track", f"target {target:g} met (no baseline to measure progress)"
            return "at_risk", f"target {target:g} not met; no baseline, so progress is unknown"
        exp = self.expected_progress
        if progress >= exp:
            return "on_track", f"progress {progress:.0%} >= {exp:.0%} of the way to the target"
        if progress > 0:
            return "at_risk", f"progress {progress:.0%}: better than baseline, short of {exp:.0%}"
        return "off_track", f"progress {progress:.0%}: no better than the baseline"

    def _guardrail_warnings(self) -> list[Problem]:
        out: list[Problem] = []
        guards = {nid for nid, n in self.nodes.items() if n.designation in _GUARD}
        for nid, node in self.nodes.items():
            i = self._index[nid]
            unknown = [g for g in node.guardrails if g not in self.nodes]
            for g in unknown:
                out.append(
                    Problem(f"'{nid}' names guardrail '{g}', which is not a node",
                            path=_path(i, "guardrails"), fix=suggest(g, list(self.nodes)),
                            code="unknown_reference")
                )
            if node.designation == "input":
                named = [g for g in node.guardrails if g in guards]
                if not named:
                    extra = (
                        f" (it names {', '.join(node.guardrails)}, but none is designated "
                        "guardrail or counter)" if node.guardrails else ""
                    )
                    out.append(
                        Problem(f"input metric '{nid}' has no guardrail or counter metric{extra}",
                                path=_path(i, "guardrails"),
                                fix="name a metric that must not degrade when this one improves, "
                                "e.g. CSAT or reopen rate for handling time",
                                code="missing_guardrail")
                    )
            if node.designation in _GUARD and node.threshold is None and node.target is None:
                out.append(
                    Problem(f"{node.designation} metric '{nid}' has no threshold",
                            path=_path(i, "threshold"),
                            fix="set the value that must not be crossed",
                            code="missing_threshold")
                )
        if self.nodes and not guards:
            out.append(
                Problem("the tree has no guardrail or counter metric",
                        path="metric_tree.nodes",
                        fix="add at least one metric that must not degrade (quality, CSAT, "
                        "latency, complaint rate)", code="missing_guardrail")
            )
        return out

    def warnings(self) -> list[Problem]:
        """Return the tree's warnings (as :meth:`status` reports them)."""
        return self.status().warnings

    # -- what-if --------------------------------------------------------------------------------

    def what_if(self, changes: Mapping[str, float], base: str = "current") -> WhatIf:
        """Set measured nodes to new values and recompute every node.

        Parameters
        ----------
        changes : mapping of str to float
            Measured node id -> new value.
        base : {"current", "baseline", "target"}, default "current"
            The snapshot the change is applied to.

        Returns
        -------
        WhatIf

        Raises
        ------
        UsageError
            For an unknown node, a formula node (set its inputs instead) or a non-finite value.
        EvaluationError
            If a formula cannot be evaluated with the new values.

        Examples
        --------
        >>> t = Tree({"nodes": [{"id": "rev", "name": "Revenue", "formula": "visits * conv"},
        ...     {"id": "visits", "name": "Visits", "current": 1000},
        ...     {"id": "conv", "name": "Conversion", "current": 0.02}]})
        >>> w = t.what_if({"conv": 0.025})
        >>> w.root_before, w.root_after
        (20.0, 25.0)
        """
        if not isinstance(changes, Mapping):
            raise UsageError([Problem("changes must be a dict of node id -> value",
                                      code="bad_argument")])
        problems = self._check_changes(changes)
        if problems:
            raise UsageError(problems)
        start = self.snapshot(base)
        before = self._compute(start)
        after = self._compute({**start, **{k: float(v) for k, v in changes.items()}})
        return WhatIf(
            base=base,
            changes={k: float(v) for k, v in changes.items()},
            before={nid: before.get(nid) for nid in self.nodes},
            after={nid: after.get(nid) for nid in self.nodes},
            root=self.root,
        )

    # -- sensitivity ------------------------------------------------------------------------------

    def sensitivity(
        self,
        at: str | Mapping[str, float] = "current",
        node: str | None = None,
        step: float = 0.01,
    ) -> SensitivityResult:
        """Rank the measured inputs of a node by the elasticity of the node to each.

        Parameters
        ----------
        at : {"current", "baseline", "target"} or mapping, default "current"
            Where the derivatives are taken.
        node : str, optional
            The node analysed (default: the root).
        step : float, default 0.01
            Relative step ``h`` of the central differences (absolute for an input at 0).

        Returns
        -------
        SensitivityResult

        Raises
        ------
        UsageError
            If the node has no formula, or an input it needs has no value in the snapshot.
        EvaluationError
            If the node cannot be evaluated at the point.

        Examples
        --------
        >>> t = Tree({"nodes": [{"id": "cpt", "name": "Cost per ticket", "direction": "lower",
        ...                      "formula": "cost / tickets"},
        ...     {"id": "cost", "name": "Cost", "current": 50000, "direction": "lower"},
        ...     {"id": "tickets", "name": "Tickets", "current": 10000}]})
        >>> [(i.input, round(i.elasticity, 4), i.aligned) for i in t.sensitivity().items]
        [('tickets', -1.0001, True), ('cost', 1.0, True)]
        """
        nid = self._node_or_root(node)
        if not (_finite(step) and 0 < step < 0.5):
            raise UsageError([Problem(f"step must be in (0, 0.5), got {step!r}",
                                      code="bad_argument")])
        if nid not in self._exprs:
            raise UsageError(
                [Problem(f"'{nid}' has no formula, so nothing moves it", fix="give it a formula "
                         "over its inputs to analyse its sensitivity", code="no_formula")]
            )
        point = self.snapshot(at)
        leaves = self.inputs(nid)
        missing = [leaf for leaf in leaves if point.get(leaf) is None]
        if missing:
            raise UsageError(
                [Problem(f"'{nid}' needs a value for {', '.join(missing)} in the snapshot",
                         fix="fill them in, or pass the values", code="missing_value")]
            )
        f0 = self._compute(point, only=nid)[nid]
        assert f0 is not None
        dir_node = 1 if self.nodes[nid].direction == "higher" else -1
        items = []
        for leaf in leaves:
            x = float(point[leaf])  # type: ignore[arg-type]
            delta = step * abs(x) if x != 0 else step
            note = ""
            try:
                up = self._compute({**point, leaf: x + delta}, only=nid)[nid]
                down = self._compute({**point, leaf: x - delta}, only=nid)[nid]
                plus1 = self._compute({**point, leaf: x * 1.01}, only=nid)[nid] if x else None
            except EvaluationError as exc:
                items.append(SensitivityItem(leaf, x, None, None, None, None,
                                             note=exc.problems[0].message))
                continue
            deriv = (up - down) / (2 * delta)  # type: ignore[operator]
            if f0 != 0:
                elasticity = deriv * x / f0
            else:
                elasticity, note = None, "the node is 0 here, so relative change is undefined"
            dir_leaf = 1 if self.nodes[leaf].direction == "higher" else -1
            aligned = None if deriv == 0 else (deriv * dir_leaf * dir_node > 0)
            items.append(
                SensitivityItem(
                    leaf, x, elasticity, deriv,
                    None if plus1 is None else plus1 - f0, aligned, note=note,
                )
            )
        items.sort(key=lambda it: (it.elasticity is None, -abs(it.elasticity or 0.0)))
        for r, it in enumerate(items, 1):
            it.rank = r
        return SensitivityResult(nid, at if isinstance(at, str) else dict(at), f0, step, items)

    # -- attribution ------------------------------------------------------------------------------

    def attribution(
        self,
        before: str | Mapping[str, float] = "baseline",
        after: str | Mapping[str, float] = "current",
        node: str | None = None,
        method: Literal["auto", "shapley", "nested_shapley"] = "auto",
    ) -> Attribution:
        """Split a node's change between two snapshots among the measured inputs that changed.

        Parameters
        ----------
        before, after : {"baseline", "target", "current"} or mapping
            The two snapshots (default: from baseline to current).
        node : str, optional
            The node explained (default: the root).
        method : {"auto", "shapley", "nested_shapley"}, default "auto"
            ``auto`` is exact Shapley for up to 12 changed inputs, nested Shapley above.

        Returns
        -------
        Attribution

        Raises
        ------
        UsageError
            If the node has no formula, an input lacks a value in either snapshot, or exact
            Shapley is asked for more than 16 changed inputs.
        EvaluationError
            If a formula cannot be evaluated at a mix of the two snapshots.

        Examples
        --------
        >>> t = Tree({"nodes": [{"id": "rev", "name": "Revenue", "formula": "visits * conv"},
        ...     {"id": "visits", "name": "Visits", "baseline": 100, "current": 200},
        ...     {"id": "conv", "name": "Conversion", "baseline": 0.1, "current": 0.2}]})
        >>> a = t.attribution()
        >>> a.delta, {k: round(v, 9) for k, v in a.contributions.items()}
        (30.0, {'visits': 15.0, 'conv': 15.0})
        """
        nid = self._node_or_root(node)
        if method not in ("auto", "shapley", "nested_shapley"):
            raise UsageError([Problem(f"unknown method {method!r}",
                                      fix="use 'auto', 'shapley' or 'nested_shapley'",
                                      code="bad_argument")])
        if nid not in self._exprs:
            raise UsageError(
                [Problem(f"'{nid}' has no formula, so its change cannot be split among inputs",
                         fix="give it a formula over its inputs", code="no_formula")]
            )
        b_snap, a_snap = self.snapshot(before), self.snapshot(after)
        leaves = self.inputs(nid)
        missing = [
            f"{leaf} ({which})"
            for leaf in leaves
            for which, snap in (("before", b_snap), ("after", a_snap))
            if snap.get(leaf) is None
        ]
        if missing:
            raise UsageError(
                [Problem(f"'{nid}' needs values for {', '.join(missing)}",
                         fix="fill in the missing baseline/current values, or pass them",
                         code="missing_value")]
            )
        players = [leaf for leaf in leaves if b_snap[leaf] != a_snap[leaf]]
        v_before = self._compute(b_snap, only=nid)[nid]
        v_after = self._compute(a_snap, only=nid)[nid]
        assert v_before is not None and v_after is not None
        delta = v_after - v_before
        chosen = method
        if method == "auto":
            chosen = "shapley" if len(players) <= _SHAPLEY_FLAT_MAX else "nested_shapley"
        if not players:
            contributions: dict[str, float] = {}
            chosen, evals = "none", 2
        elif chosen == "shapley":
            if len(players) > _SHAPLEY_NODE_MAX:
                raise UsageError(
                    [Problem(f"{len(players)} inputs changed; exact Shapley over more than "
                             f"{_SHAPLEY_NODE_MAX} is too slow", fix="use method='auto' or "
                             "'nested_shapley'", code="too_many_inputs")]
                )
            contributions, evals = self._shapley(nid, players, b_snap, a_snap)
        else:
            contributions, evals = self._nested(nid, b_snap, a_snap)
        contributions = dict(
            sorted(((k, v) for k, v in contributions.items() if k in players),
                   key=lambda kv: -abs(kv[1]))
        )
        residual = math.fsum(contributions.values()) - delta
        return Attribution(
            node=nid,
            before=before if isinstance(before, str) else dict(before),
            after=after if isinstance(after, str) else dict(after),
            value_before=v_before, value_after=v_after, delta=delta,
            contributions=contributions, method=chosen, evaluations=evals, residual=residual,
            inputs_before={p: float(b_snap[p]) for p in players},  # type: ignore[arg-type]
            inputs_after={p: float(a_snap[p]) for p in players},  # type: ignore[arg-type]
        )

    def _shapley(
        self, nid: str, players: list[str], b_snap: Mapping, a_snap: Mapping
    ) -> tuple[dict[str, float], int]:
        k = len(players)
        value = [0.0] * (1 << k)
        for mask in range(1 << k):
            point = dict(b_snap)
            for j, p in enumerate(players):
                if mask >> j & 1:
                    point[p] = a_snap[p]
            value[mask] = self._compute(point, only=nid)[nid]  # type: ignore[assignment]
        return _shapley_from_values(players, value), 1 << k

    def _nested(
        self, nid: str, b_snap: Mapping, a_snap: Mapping
    ) -> tuple[dict[str, float], int]:
        vb = self._compute(b_snap, only=nid)
        va = self._compute(a_snap, only=nid)
        memo: dict[str, dict[str, float]] = {}
        evals = 0

        def split(node_id: str) -> dict[str, float]:
            nonlocal evals
            if node_id in memo:
                return memo[node_id]
            d = va[node_id] - vb[node_id]  # type: ignore[operator]
            if node_id not in self._exprs:
                memo[node_id] = {node_id: d} if d != 0 else {}
                return memo[node_id]
            e = self._exprs[node_id]
            players = [n for n in e.names if vb[n] != va[n]]
            if len(players) > _SHAPLEY_NODE_MAX:
                raise UsageError(
                    [Problem(f"the formula of '{node_id}' has {len(players)} changed inputs; "
                             f"more than {_SHAPLEY_NODE_MAX} is too slow",
                             fix="split the formula into intermediate metrics",
                             code="too_many_inputs")]
                )
            k = len(players)
            value = [0.0] * (1 << k)
            for mask in range(1 << k):
                point = {n: vb[n] for n in e.names}
                for j, p in enumerate(players):
                    if mask >> j & 1:
                        point[p] = va[p]
                value[mask] = e.evaluate(point)  # type: ignore[arg-type]
            evals += 1 << k
            phi = _shapley_from_values(players, value)
            out: dict[str, float] = {}
            for p, part in phi.items():
                sub = split(p)
                dp = va[p] - vb[p]  # type: ignore[operator]
                for leaf, c in sub.items():
                    out[leaf] = out.get(leaf, 0.0) + part * c / dp
            memo[node_id] = out
            return out

        return split(nid), evals

    # -- round trip -----------------------------------------------------------------------------

    def to_spec(self) -> spec.MetricTree:
        """Return the workspace model the tree was built from, unchanged."""
        return self.spec

    def to_dict(self) -> dict:
        """Return the tree's status as a JSON-ready dict (see :meth:`TreeStatus.to_dict`)."""
        return self.status().to_dict()


def _shapley_from_values(players: list[str], value: list[float]) -> dict[str, float]:
    # phi_i = sum over coalitions S without i of |S|!(k-|S|-1)!/k! * (v(S + i) - v(S)).
    k = len(players)
    weights = [math.factorial(s) * math.factorial(k - s - 1) / math.factorial(k)
               for s in range(k)]
    phi = {}
    for i, p in enumerate(players):
        bit = 1 << i
        terms = []
        for mask in range(1 << k):
            if mask & bit:
                continue
            terms.append(weights[mask.bit_count()] * (value[mask | bit] - value[mask]))
        phi[p] = math.fsum(terms)
    return phi

