"""The arithmetic behind a metric tree's sensitivity and attribution.

:meth:`aipo_widgets.analysis.metric_tree.Tree.sensitivity` and
:meth:`~aipo_widgets.analysis.metric_tree.Tree.attribution` check their arguments and the
snapshots; the computations they share with nothing else live here: the central differences of
the elasticities, exact Shapley values over the changed inputs (2^k evaluations), and nested
Shapley (Shapley among each formula's own inputs, passed down in proportion).  The method is
described in the module documentation of :mod:`aipo_widgets.analysis.metric_tree`.

Examples
--------
>>> shapley_from_values(["x", "y"], [0.0, 1.0, 2.0, 6.0])  # v({}), v({x}), v({y}), v({x, y})
{'x': 2.5, 'y': 3.5}
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

from aipo_widgets.analysis.formulas import EvaluationError, Expression
from aipo_widgets.analysis.metric_tree_results import SensitivityItem
from aipo_widgets.errors import Problem, UsageError

__all__ = ["SHAPLEY_NODE_MAX", "nested_shapley", "sensitivity_items", "shapley",
           "shapley_from_values"]

SHAPLEY_NODE_MAX = 16

#: The node analysed, evaluated at a point (measured node id -> value).
Evaluate = Callable[[Mapping[str, float | None]], float | None]


def sensitivity_items(
    evaluate: Evaluate,
    point: Mapping[str, float | None],
    leaves: list[str],
    f0: float,
    directions: Mapping[str, str],
    node_direction: str,
    step: float,
) -> list[SensitivityItem]:
    """Return each input's elasticity, derivative and alignment, ranked by absolute elasticity.

    Parameters
    ----------
    evaluate : callable
        The node's value at a point.
    point : mapping
        Measured node id -> value, where the derivatives are taken (every leaf has a value).
    leaves : list of str
        The measured inputs the node depends on.
    f0 : float
        The node's value at ``point``.
    directions : mapping
        Node id -> ``"higher"`` or ``"lower"`` (which way is better).
    node_direction : str
        The direction of the node analysed.
    step : float
        Relative step of the central differences (absolute for an input at 0).

    Returns
    -------
    list of SensitivityItem
    """
    dir_node = 1 if node_direction == "higher" else -1
    items = []
    for leaf in leaves:
        x = float(point[leaf])  # type: ignore[arg-type]
        delta = step * abs(x) if x != 0 else step
        note = ""
        try:
            up = evaluate({**point, leaf: x + delta})
            down = evaluate({**point, leaf: x - delta})
            plus1 = evaluate({**point, leaf: x * 1.01}) if x else None
        except EvaluationError as exc:
            items.append(SensitivityItem(leaf, x, None, None, None, None,
                                         note=exc.problems[0].message))
            continue
        deriv = (up - down) / (2 * delta)  # type: ignore[operator]
        if f0 != 0:
            elasticity = deriv * x / f0
        else:
            elasticity, note = None, "the node is 0 here, so relative change is undefined"
        dir_leaf = 1 if directions[leaf] == "higher" else -1
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
    return items


def shapley(
    evaluate: Evaluate, players: list[str], b_snap: Mapping, a_snap: Mapping
) -> tuple[dict[str, float], int]:
    """Return exact Shapley values of the changed inputs and the number of evaluations.

    Parameters
    ----------
    evaluate : callable
        The node's value at a point.
    players : list of str
        The inputs that changed.
    b_snap, a_snap : mapping
        The measured values before and after.

    Returns
    -------
    tuple
        ``(input -> its part of the change, 2^k)``.

    Examples
    --------
    >>> shapley(lambda p: p["x"] * p["y"], ["x", "y"], {"x": 1, "y": 1}, {"x": 2, "y": 3})
    ({'x': 2.0, 'y': 3.0}, 4)
    """
    k = len(players)
    value = [0.0] * (1 << k)
    for mask in range(1 << k):
        point = dict(b_snap)
        for j, p in enumerate(players):
            if mask >> j & 1:
                point[p] = a_snap[p]
        value[mask] = evaluate(point)  # type: ignore[assignment]
    return shapley_from_values(players, value), 1 << k


def nested_shapley(
    nid: str,
    exprs: Mapping[str, Expression],
    vb: Mapping[str, float | None],
    va: Mapping[str, float | None],
) -> tuple[dict[str, float], int]:
    """Return nested Shapley values of the measured inputs and the number of evaluations.

    Parameters
    ----------
    nid : str
        The node whose change is split.
    exprs : mapping
        Formula node id -> its parsed formula.
    vb, va : mapping
        Every node's value before and after (formulas computed).

    Returns
    -------
    tuple
        ``(measured input -> its part of the change, formula evaluations)``.

    Raises
    ------
    UsageError
        If a formula has more than 16 changed inputs.
    """
    memo: dict[str, dict[str, float]] = {}
    evals = 0

    def split(node_id: str) -> dict[str, float]:
        nonlocal evals
        if node_id in memo:
            return memo[node_id]
        d = va[node_id] - vb[node_id]  # type: ignore[operator]
        if node_id not in exprs:
            memo[node_id] = {node_id: d} if d != 0 else {}
            return memo[node_id]
        e = exprs[node_id]
        players = [n for n in e.names if vb[n] != va[n]]
        if len(players) > SHAPLEY_NODE_MAX:
            raise UsageError(
                [Problem(f"the formula of '{node_id}' has {len(players)} changed inputs; "
                         f"more than {SHAPLEY_NODE_MAX} is too slow",
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
        phi = shapley_from_values(players, value)
        out: dict[str, float] = {}
        for p, part in phi.items():
            sub = split(p)
            dp = va[p] - vb[p]  # type: ignore[operator]
            for leaf, c in sub.items():
                out[leaf] = out.get(leaf, 0.0) + part * c / dp
        memo[node_id] = out
        return out

    return split(nid), evals


def shapley_from_values(players: list[str], value: list[float]) -> dict[str, float]:
    """Return Shapley values from the value of every coalition (bit j of the index: player j).

    ``phi_i = sum over coalitions S without i of |S|!(k-|S|-1)!/k! * (v(S + i) - v(S))``.
    """
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
