"""Every formula of a workspace checked at once, for ``aipo validate``.

A formula in ``aipo.yaml`` (a metric-tree node's ``formula``, the business case's
``one_off_cost``, ``monthly_benefit`` and ``monthly_cost``) is only text to the schema. Here each
is parsed and checked the way the phase that evaluates it will (:mod:`aipo_widgets.analysis
.formulas`: syntax, the allowed operations, every name resolved against the metric tree's node
ids or the business case's drivers, with "did you mean"), so a typo or a forbidden construct is
reported by ``aipo validate`` with its line instead of failing inside a phase later. Nothing
is evaluated.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({
...     "product": {"name": "x", "owner": "y"},
...     "metric_tree": {"nodes": [
...         {"id": "revenue", "name": "Revenue", "designation": "north_star",
...          "formula": "volume * prise"},
...         {"id": "volume", "name": "Volume", "designation": "input", "parent": "revenue"},
...         {"id": "price", "name": "Price", "designation": "input", "parent": "revenue"}]}})
>>> [(p.path, p.fix) for p in formula_problems(ws)]
[('metric_tree.nodes[0].formula', "did you mean 'price'?")]
"""

from __future__ import annotations

from aipo_widgets.analysis.business_case import BusinessCaseModel
from aipo_widgets.analysis.metric_tree_structure import build
from aipo_widgets.errors import AipoError, Problem
from aipo_widgets.model import schema as spec

__all__ = ["formula_problems"]


def formula_problems(ws: spec.Workspace) -> list[Problem]:
    """Return the problems of every formula (and the structure it relies on) in ``ws``.

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        A workspace that passed the schema.

    Returns
    -------
    list of Problem
        Each with its YAML path (``metric_tree.nodes[2].formula``, ``business_case.
        monthly_benefit``), ready for :meth:`~aipo_widgets.model.workspace.WorkspaceFile.locate`
        to add the file and line. Empty when every formula can be evaluated.
    """
    problems: list[Problem] = []
    if ws.metric_tree.nodes:
        try:
            build(ws.metric_tree)
        except AipoError as exc:
            problems.extend(exc.problems)
    if ws.business_case is not None:
        try:
            BusinessCaseModel(ws.business_case)
        except AipoError as exc:
            problems.extend(exc.problems)
    return problems
