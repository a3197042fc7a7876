"""The metric tree's structure: node ids, parents, formulas, their order and the root, checked.

:func:`build` reads the ``metric_tree`` section of the workspace once and returns what
:class:`aipo_widgets.analysis.metric_tree.Tree` computes with: the nodes by id, each formula
parsed, the formula nodes in evaluation order (inputs first), the children of each node and the
root.  Every structural problem (a duplicate id, an unknown parent or formula name with a
suggestion, a formula's syntax, a cycle among parents or formulas, an unknown root) is collected
and raised at once, each with its path in aipo.yaml.

Examples
--------
>>> from aipo_widgets.model.schema import MetricTree
>>> s = build(MetricTree.model_validate({"nodes": [
...     {"id": "a", "name": "A", "formula": "b + c"},
...     {"id": "b", "name": "B", "parent": "a", "formula": "c * 2"},
...     {"id": "c", "name": "C", "parent": "a"}]}))
>>> s.root, s.topo, s.children["a"]
('a', ['b', 'a'], ['b', 'c'])
"""

from __future__ import annotations

from dataclasses import dataclass

from aipo_widgets._text import suggest
from aipo_widgets.analysis.formulas import Expression, FormulaError
from aipo_widgets.errors import Problem, WorkspaceError
from aipo_widgets.model import schema as spec

__all__ = ["GUARD", "Structure", "build", "path"]

GUARD = {"guardrail", "counter"}


def path(i: int, key: str | None = None) -> str:
    """Return the aipo.yaml path of node ``i`` (and one of its fields).

    Examples
    --------
    >>> path(2, "formula")
    'metric_tree.nodes[2].formula'
    """
    return f"metric_tree.nodes[{i}]" + (f".{key}" if key else "")


@dataclass
class Structure:
    """A checked metric tree, ready to compute.

    Attributes
    ----------
    nodes : dict
        Node id -> its workspace model, in file order.
    index : dict
        Node id -> its position in ``metric_tree.nodes`` (for the paths of messages).
    exprs : dict
        Formula node id -> its parsed formula.
    topo : list of str
        The formula nodes in evaluation order (every formula after those it names).
    root : str or None
        The root: the declared one, else the one north star or the first parentless node.
    children : dict
        Node id -> the ids of the nodes whose parent it is, in file order.
    warnings : list of Problem
        What does not stop the computation: a guessed root, an id no formula can use.
    """

    nodes: dict[str, spec.MetricNode]
    index: dict[str, int]
    exprs: dict[str, Expression]
    topo: list[str]
    root: str | None
    children: dict[str, list[str]]
    warnings: list[Problem]


def build(tree: spec.MetricTree) -> Structure:
    """Check a metric tree's structure and return it ready to compute.

    Parameters
    ----------
    tree : aipo_widgets.model.schema.MetricTree
        The ``metric_tree`` section of the workspace.

    Returns
    -------
    Structure

    Raises
    ------
    WorkspaceError
        With every structural problem at once.
    """
    nodes: dict[str, spec.MetricNode] = {}
    index: dict[str, int] = {}
    exprs: dict[str, Expression] = {}
    problems: list[Problem] = []
    warnings: list[Problem] = []

    for i, node in enumerate(tree.nodes):
        if node.id in nodes:
            problems.append(
                Problem(f"duplicate node id '{node.id}'", path=path(i, "id"),
                        fix="give each node its own id", code="duplicate")
            )
            continue
        nodes[node.id] = node
        index[node.id] = i
    ids = list(nodes)

    for nid, node in nodes.items():
        i = index[nid]
        if node.parent is not None and node.parent not in nodes:
            problems.append(
                Problem(f"node '{nid}' names parent '{node.parent}', which is not a node",
                        path=path(i, "parent"), fix=suggest(node.parent, ids),
                        code="unknown_reference")
            )
        if node.formula is not None:
            try:
                expr = Expression(node.formula, where=path(i, "formula"))
            except FormulaError as exc:
                problems.extend(exc.problems)
                continue
            unknown = expr.unknown_names(ids)
            if unknown:
                problems.extend(unknown)
                continue
            exprs[nid] = expr
        if not nid.isidentifier():
            warnings.append(
                Problem(f"node id '{nid}' is not a formula name (it has '-' or '.'), so no "
                        "formula can use it", path=path(i, "id"),
                        fix="use letters, digits and '_' only", code="id_not_identifier")
            )

    problems.extend(_parent_cycles(nodes, index))
    topo, cycles = _formula_order(exprs, index)
    problems.extend(cycles)

    root = tree.root
    if tree.root is not None and tree.root not in nodes:
        problems.append(
            Problem(f"root '{tree.root}' is not a node", path="metric_tree.root",
                    fix=suggest(tree.root, ids), code="unknown_reference")
        )
    if problems:
        raise WorkspaceError(problems)
    if root is None:
        root = _guess_root(nodes, warnings)

    children: dict[str, list[str]] = {nid: [] for nid in nodes}
    for nid, node in nodes.items():
        if node.parent is not None:
            children[node.parent].append(nid)
    return Structure(nodes, index, exprs, topo, root, children, warnings)


def _parent_cycles(nodes: dict[str, spec.MetricNode], index: dict[str, int]) -> list[Problem]:
    problems = []
    reported: set[str] = set()
    for start in nodes:
        seen = [start]
        cur = nodes[start].parent
        while cur is not None and cur in nodes:
            if cur in seen:
                cycle = [*seen[seen.index(cur):], cur]
                key = min(cycle)
                if key not in reported:
                    reported.add(key)
                    problems.append(
                        Problem("parents form a cycle: " + " -> ".join(cycle),
                                path=path(index[cur], "parent"),
                                fix="a node cannot sit under its own descendant",
                                code="cycle")
                    )
                break
            seen.append(cur)
            cur = nodes[cur].parent
    return problems


def _formula_order(
    exprs: dict[str, Expression], index: dict[str, int]
) -> tuple[list[str], list[Problem]]:
    # Depth-first topological sort of formula nodes; a grey node met again is a cycle.
    state: dict[str, int] = {}
    order: list[str] = []
    problems: list[Problem] = []

    def visit(nid: str, stack: list[str]) -> None:
        state[nid] = 1
        stack.append(nid)
        for dep in exprs[nid].names:
            if dep not in exprs:
                continue
            if state.get(dep) == 1:
                cycle = [*stack[stack.index(dep):], dep]
                problems.append(
                    Problem("formulas form a cycle: " + " -> ".join(cycle),
                            path=path(index[nid], "formula"),
                            fix="a metric cannot be computed from itself; break the loop",
                            code="cycle")
                )
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[nid] = 2
        order.append(nid)

    for nid in exprs:
        if nid not in state:
            visit(nid, [])
    return order, problems


def _guess_root(nodes: dict[str, spec.MetricNode], warnings: list[Problem]) -> str | None:
    tops = [nid for nid, n in nodes.items() if n.parent is None]
    if not tops:
        return None
    stars = [t for t in tops if nodes[t].designation == "north_star"]
    if len(stars) == 1:
        return stars[0]
    non_guard = [t for t in tops if nodes[t].designation not in GUARD]
    candidates = non_guard or tops
    if len(candidates) > 1:
        warnings.append(
            Problem(f"no root is set and {len(candidates)} nodes have no parent "
                    f"({', '.join(candidates[:5])}); '{candidates[0]}' is taken as the root",
                    path="metric_tree.root", fix="set metric_tree.root", code="root_guessed")
        )
    return candidates[0]
