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
from typing import Any, Literal

from aipo_widgets._text import suggest
from aipo_widgets.analysis import metric_tree_attribution as _attribution
from aipo_widgets.analysis.formulas import EvaluationError, Expression
from aipo_widgets.analysis.metric_tree_results import (
    STATUSES,
    Attribution,
    NodeResult,
    SensitivityItem,
    SensitivityResult,
    Status,
    TreeStatus,
    WhatIf,
)
from aipo_widgets.analysis.metric_tree_status import guardrail_warnings, node_result
from aipo_widgets.analysis.metric_tree_structure import build
from aipo_widgets.errors import AipoError, Problem, UsageError, WorkspaceError
from aipo_widgets.figures import mimebundle
from aipo_widgets.figures.metric_tree import metric_tree_alt, metric_tree_svg
from aipo_widgets.model import schema as spec

__all__ = [
    "STATUSES",
    "Attribution",
    "NodeResult",
    "SensitivityItem",
    "SensitivityResult",
    "Status",
    "Tree",
    "TreeStatus",
    "WhatIf",
]

Snapshot = Literal["baseline", "target", "current"]
_SNAPSHOTS = ("baseline", "target", "current")
_SHAPLEY_FLAT_MAX = 12
_SHAPLEY_NODE_MAX = _attribution.SHAPLEY_NODE_MAX


def _finite(x: Any) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)


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
        view = self.to_view(sensitivity=False)
        return mimebundle(metric_tree_svg(view), alt=metric_tree_alt(view))

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
        structure = build(tree)
        self.nodes: dict[str, spec.MetricNode] = structure.nodes
        self._index: dict[str, int] = structure.index
        self._exprs: dict[str, Expression] = structure.exprs
        self._topo: list[str] = structure.topo
        self.root: str | None = structure.root
        self._children: dict[str, list[str]] = structure.children
        self._structure_warnings: list[Problem] = structure.warnings
        self._closure_cache: dict[str, list[str]] = {}

    # -- structure ------------------------------------------------------------------------------

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
            results[nid] = node_result(
                nid, node, self._index[nid], self._exprs.get(nid), snaps, depth.get(nid, 0),
                warnings, expected_progress=self.expected_progress,
                guardrail_margin=self.guardrail_margin,
            )
        for r in results.values():
            r.guardrails_breached = [
                g for g in r.guardrails if g in results and results[g].status == "off_track"
            ]
        warnings.extend(guardrail_warnings(self.nodes, self._index))
        ordered = [results[nid] for nid, _ in self.order()]
        ordered += [r for nid, r in results.items() if nid not in depth]
        return TreeStatus(self.root, ordered, warnings, self.expected_progress,
                          self.guardrail_margin)

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
        items = _attribution.sensitivity_items(
            lambda p: self._compute(p, only=nid)[nid], point, leaves, f0,
            {leaf: self.nodes[leaf].direction for leaf in leaves}, self.nodes[nid].direction,
            step,
        )
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
        chosen: str = method
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
            contributions, evals = _attribution.shapley(
                lambda p: self._compute(p, only=nid)[nid], players, b_snap, a_snap
            )
        else:
            contributions, evals = _attribution.nested_shapley(
                nid, self._exprs, self._compute(b_snap, only=nid), self._compute(a_snap, only=nid)
            )
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

    # -- round trip -----------------------------------------------------------------------------

    def to_spec(self) -> spec.MetricTree:
        """Return the workspace model the tree was built from, unchanged."""
        return self.spec

    def to_dict(self) -> dict:
        """Return the tree's status as a JSON-ready dict (see :meth:`TreeStatus.to_dict`)."""
        return self.status().to_dict()

    def to_view(self, sensitivity: bool | dict = True) -> dict:
        """Return the tree's status, levers and warnings as plain data.

        What the widget syncs to the browser and :func:`aipo_widgets.figures.metric_tree_svg`
        draws.

        Parameters
        ----------
        sensitivity : bool or dict, default True
            Compute the sensitivity ranking (the costly part: three evaluations per input),
            leave it out (False: ``{"items": [], "stale": True}``) or use one computed before
            (:meth:`sensitivity_view`).

        Returns
        -------
        dict
            ``nodes`` (depth-first, each with ``measured``, ``has_children``, ``current`` as
            declared, and its :class:`NodeResult`), ``root``, ``counts``, ``sensitivity``
            (``items`` or ``error``) and ``warnings`` (strings).

        Examples
        --------
        >>> t = Tree({"nodes": [{"id": "a", "name": "A", "formula": "b * 2", "target": 4},
        ...                     {"id": "b", "name": "B", "parent": "a", "current": 1}]})
        >>> view = t.to_view()
        >>> [(n["id"], n["value"], n["measured"]) for n in view["nodes"]]
        [('a', 2.0, False), ('b', 1.0, True)]
        >>> [i["input"] for i in view["sensitivity"]["items"]]
        ['b']
        """
        if sensitivity is True:
            sensitivity = self.sensitivity_view()
        elif sensitivity is False:
            sensitivity = {"node": self.root, "items": [], "error": "", "stale": True}
        return self.status().to_view(self.nodes, self._children, sensitivity)

    def sensitivity_view(self) -> dict:
        """Return the sensitivity ranking of the root as plain data.

        ``{"node", "value", "items", "error"}``; ``error`` says why there is no ranking (no root
        formula, missing inputs) instead of raising.
        """
        out: dict[str, Any] = {"node": self.root, "items": [], "error": ""}
        if self.root is None:
            out["error"] = "the tree has no root"
            return out
        try:
            sens = self.sensitivity()
        except AipoError as exc:
            out["error"] = exc.problems[0].message if exc.problems else str(exc)
            return out
        out.update(value=sens.value, items=[dict(vars(i)) for i in sens.items])
        return out
