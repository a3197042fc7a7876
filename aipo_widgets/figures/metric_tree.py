"""The metric tree as a static SVG picture, drawn from the tree's plain data.

:func:`metric_tree_svg` draws the view of a metric tree (the dict
:meth:`aipo_widgets.analysis.metric_tree.Tree.to_view` returns: every node's value, baseline,
target, progress, status and the rule behind it) as an indented table with a status label
(colour-blind-safe colour *and* words) and a progress bar from baseline to target per node.

Examples
--------
>>> node = {"id": "cost", "name": "Cost", "unit": "EUR", "depth": 0, "formula": "m * r",
...         "value": 10.0, "baseline": 12.0, "target": 8.0, "threshold": None,
...         "progress": 0.5, "status": "at_risk", "rule": "progress 50%"}
>>> view = {"root": "cost", "nodes": [node], "counts": {"at_risk": 1}}
>>> svg = metric_tree_svg(view)
>>> svg.startswith("<svg") and "Cost" in svg
True
>>> metric_tree_alt(view)
'Metric tree: 1 metrics (1 at risk); Cost: 10 EUR (at risk)'
"""

from __future__ import annotations

from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import STATUS, STATUS_COLOURS, STATUS_LABELS

__all__ = ["STATUS_COLOURS", "STATUS_LABELS", "metric_tree_alt", "metric_tree_svg"]

#: Rows drawn in the static picture before "... and n more".
MAX_ROWS = 80


def metric_tree_alt(data: dict) -> str:
    """Return a one-sentence text alternative for the picture."""
    counts = ", ".join(f"{n} {STATUS_LABELS[s][2:]}" for s, n in data["counts"].items() if n)
    root = next((n for n in data["nodes"] if n["id"] == data["root"]), None)
    lead = ""
    if root is not None:
        lead = (f"; {root['name']}: {format_number(root['value'], root['unit'])} "
                f"({STATUS_LABELS[root['status']][2:]})")
    return f"Metric tree: {len(data['nodes'])} metrics ({counts or 'none'}){lead}"


def metric_tree_svg(data: dict[str, Any], *, title: str = "Metric tree") -> str:
    """Draw the metric tree as an indented table with status labels and progress bars.

    Parameters
    ----------
    data : dict
        What to draw: :meth:`aipo_widgets.analysis.metric_tree.Tree.to_view`.
    title : str, default "Metric tree"
        Heading.

    Returns
    -------
    str
        A complete SVG document, 760 pixels wide, 24 pixels per node (at most 80 rows).
    """
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
