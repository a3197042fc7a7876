"""The metric tree: the data the widget renders, and a static SVG picture of it.

:func:`metric_tree_data` turns the core's :class:`aipo_widgets.analysis.metric_tree.Tree` into
plain data (every node's value, baseline, target, progress, status and the rule behind it, the
sensitivity ranking of the root's levers and the tree's warnings); :func:`metric_tree_svg` draws it
as an indented table with a status label (colour-blind-safe colour *and* words) and a progress bar
from baseline to target per node.

Examples
--------
>>> from aipo_widgets.analysis.metric_tree import Tree
>>> tree = Tree({"root": "cost", "nodes": [
...     {"id": "cost", "name": "Cost", "unit": "EUR", "direction": "lower",
...      "formula": "minutes * rate", "target": 8},
...     {"id": "minutes", "name": "Minutes", "parent": "cost", "direction": "lower",
...      "baseline": 12, "target": 9, "current": 10},
...     {"id": "rate", "name": "Rate", "parent": "cost", "current": 1}]})
>>> data = metric_tree_data(tree)
>>> [(n["id"], n["value"], n["status"]) for n in data["nodes"]]
[('cost', 10.0, 'at_risk'), ('minutes', 10.0, 'at_risk'), ('rate', 1.0, 'no_data')]
>>> [i["input"] for i in data["sensitivity"]["items"]]
['minutes', 'rate']
>>> metric_tree_svg(data).startswith("<svg")
True
"""

from __future__ import annotations

from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.errors import AipoError
from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import STATUS, STATUS_COLOURS, STATUS_LABELS
from aipo_widgets.model import schema as spec

__all__ = ["STATUS_COLOURS", "STATUS_LABELS", "metric_tree_alt", "metric_tree_data",
           "metric_tree_svg", "sensitivity_data"]

#: Rows drawn in the static picture before "... and n more".
MAX_ROWS = 80


def _tree(source: Any, expected_progress: float, guardrail_margin: float):
    from aipo_widgets.analysis.metric_tree import Tree
    from aipo_widgets.model.workspace import WorkspaceFile

    if isinstance(source, Tree):
        return source
    if isinstance(source, WorkspaceFile):
        source = source.workspace
    if isinstance(source, spec.Workspace):
        source = source.metric_tree
    if isinstance(source, spec.MetricTree):
        return Tree(source, expected_progress=expected_progress,
                    guardrail_margin=guardrail_margin)
    msg = (f"expected a metric Tree, a MetricTree, a Workspace or a WorkspaceFile, got "
           f"{type(source).__name__}")
    raise TypeError(msg)


def sensitivity_data(tree: Any) -> dict:
    """Return the sensitivity ranking of the tree's root as plain data.

    ``{"node", "value", "items", "error"}``; ``error`` says why there is no ranking (no root
    formula, missing inputs) instead of raising.
    """
    out: dict[str, Any] = {"node": tree.root, "items": [], "error": ""}
    if tree.root is None:
        out["error"] = "the tree has no root"
        return out
    try:
        sens = tree.sensitivity()
    except AipoError as exc:
        out["error"] = exc.problems[0].message if exc.problems else str(exc)
        return out
    out.update(value=sens.value, items=[dict(vars(i)) for i in sens.items])
    return out


def metric_tree_data(source: Any, *, expected_progress: float = 1.0,
                     guardrail_margin: float = 0.05, sensitivity: bool | dict = True) -> dict:
    """Return the tree's status, levers and warnings as plain data.

    Parameters
    ----------
    source : Tree, MetricTree, Workspace or WorkspaceFile
        The tree, or what to build it from.
    expected_progress, guardrail_margin : float
        Passed to :class:`aipo_widgets.analysis.metric_tree.Tree` when it is built here.
    sensitivity : bool or dict, default True
        Compute the sensitivity ranking (the costly part: three evaluations per input), leave
        it out (False: ``{"items": [], "stale": True}``) or use one computed before
        (:func:`sensitivity_data`).

    Returns
    -------
    dict
        ``nodes`` (depth-first, each with ``measured``, ``has_children``, ``current`` as
        declared, and the core's result), ``root``, ``counts``, ``sensitivity`` (``items`` or
        ``error``) and ``warnings`` (strings).
    """
    tree = _tree(source, expected_progress, guardrail_margin)
    status = tree.status()
    nodes = []
    for res in status.nodes:
        model = tree.nodes[res.id]
        d = dict(vars(res))  # dataclasses.asdict deep-copies: too slow for 300 nodes
        d.update(
            measured=res.formula is None,
            has_children=bool(tree.children(res.id)),
            current=model.current, declared_baseline=model.baseline,
            declared_target=model.target, owner=model.owner, description=model.description,
            source=model.source, cadence=model.cadence,
        )
        nodes.append(d)
    if sensitivity is True:
        sens_data = sensitivity_data(tree)
    elif sensitivity is False:
        sens_data = {"node": tree.root, "items": [], "error": "", "stale": True}
    else:
        sens_data = sensitivity
    return {
        "root": status.root,
        "nodes": nodes,
        "counts": status.counts(),
        "expected_progress": status.expected_progress,
        "guardrail_margin": status.guardrail_margin,
        "sensitivity": sens_data,
        "warnings": [str(w) for w in status.warnings],
    }


def metric_tree_alt(data: dict) -> str:
    """Return a one-sentence text alternative for the picture."""
    counts = ", ".join(f"{n} {STATUS_LABELS[s][2:]}" for s, n in data["counts"].items() if n)
    root = next((n for n in data["nodes"] if n["id"] == data["root"]), None)
    lead = ""
    if root is not None:
        lead = (f"; {root['name']}: {format_number(root['value'], root['unit'])} "
                f"({STATUS_LABELS[root['status']][2:]})")
    return f"Metric tree: {len(data['nodes'])} metrics ({counts or 'none'}){lead}"


def metric_tree_svg(source: Any, *, title: str = "Metric tree") -> str:
    """Draw the metric tree as an indented table with status labels and progress bars.

    Parameters
    ----------
    source : Tree, MetricTree, Workspace, WorkspaceFile or dict
        What to draw; a dict is the output of :func:`metric_tree_data`.
    title : str, default "Metric tree"
        Heading.

    Returns
    -------
    str
        A complete SVG document, 760 pixels wide, 24 pixels per node (at most 80 rows).

    Examples
    --------
    >>> from aipo_widgets.model.schema import MetricTree
    >>> svg = metric_tree_svg(MetricTree.model_validate(
    ...     {"nodes": [{"id": "a", "name": "Accuracy", "baseline": 0.8, "target": 0.9,
    ...                 "current": 0.92}]}))
    >>> "on track" in svg and "Accuracy" in svg
    True
    """
    data = source if isinstance(source, dict) else metric_tree_data(source)
    nodes = data["nodes"]
    shown = nodes[:MAX_ROWS]
    row_h, top = 24, 58
    width = 760
    height = top + row_h * len(shown) + (26 if len(nodes) > MAX_ROWS else 0) + 14
    doc = Svg(width, height, title=metric_tree_alt(data))
    doc.text(8, 22, title, size=15, weight="bold")
    counts = data["counts"]
    doc.text(width - 8, 22, "  ".join(f"{STATUS_LABELS[s]}: {n}" for s, n in counts.items()),
             size=11, anchor="end", fill="#333")
    cols = {"name": 8, "value": 300, "base": 412, "target": 494, "bar": 580, "status": 680}
    for key, label in [("name", "Metric"), ("value", "Value"), ("base", "Baseline"),
                       ("target", "Target"), ("bar", "Progress"), ("status", "Status")]:
        doc.text(cols[key], top - 10, label, size=11, weight="bold", fill="#333")
    doc.line(8, top - 4, width - 8, top - 4, stroke="#999")
    for k, n in enumerate(shown):
        y = top + k * row_h
        if k % 2:
            doc.rect(0, y, width, row_h, fill="#f4f4f4")
        mid = y + 16
        indent = 14 * min(n["depth"], 10)
        name = clip(n["name"], 42 - min(n["depth"], 10) * 2)
        weight = "bold" if n["id"] == data["root"] else "normal"
        doc.text(cols["name"] + indent, mid, name, size=12, weight=weight)
        value = format_number(n["value"], n["unit"])
        if n["formula"]:
            value = "= " + value
        doc.text(cols["value"], mid, value, size=12)
        doc.text(cols["base"], mid, format_number(n["baseline"]), size=11, fill="#444")
        target = n["target"] if n["target"] is not None else n["threshold"]
        prefix = "limit " if n["target"] is None and n["threshold"] is not None else ""
        doc.text(cols["target"], mid, prefix + format_number(target), size=11, fill="#444")
        colour = STATUS_COLOURS[n["status"]]
        if n["progress"] is not None:
            doc.rect(cols["bar"], y + 7, 84, 10, fill="#e0e0e0", rx=2)
            frac = max(0.0, min(1.0, n["progress"]))
            doc.rect(cols["bar"], y + 7, 84 * frac, 10, fill=colour, rx=2)
            doc.line(cols["bar"] + 84, y + 4, cols["bar"] + 84, y + 20, stroke="#333")
        doc.rect(cols["status"], y + 4, 74, 16, fill=colour, rx=3, title=n["rule"])
        doc.text(cols["status"] + 37, y + 16, STATUS_LABELS[n["status"]], size=10,
                 anchor="middle", fill=STATUS[n["status"]]["ink"], weight="bold")
    if len(nodes) > MAX_ROWS:
        doc.text(8, top + row_h * len(shown) + 18,
                 f"… and {len(nodes) - MAX_ROWS} more metrics (see the widget or the report)",
                 size=11, fill="#555")
    return doc.to_string()
