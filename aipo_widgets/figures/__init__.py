"""Static pictures of the kit's objects: hand-built SVG, the same wherever they are shown.

The widgets display these where no widget front end runs (nbconvert HTML, a notebook opened
untrusted, GitHub), the core objects use them for ``display(obj)``, and the reports reuse them.
Each ``*_data`` function turns a core result into plain JSON-ready data (what the widget syncs
to the browser); each ``*_svg`` function draws that data (or the core object directly) and
returns the SVG text; :func:`mimebundle` wraps a picture for ``_repr_mimebundle_``.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "risks": [
...     {"id": "R1", "title": "t", "category": "model", "likelihood": 2, "impact": 3}]})
>>> bundle = mimebundle(risk_matrix_svg(ws), alt="risk matrix")
>>> bundle["text/html"][:40]
'<img src="data:image/svg+xml;base64,PHN2'
"""

from __future__ import annotations

from aipo_widgets.figures import business_case, threshold
from aipo_widgets.figures._display import display_bundle
from aipo_widgets.figures._svg import Svg, img_html, mimebundle
from aipo_widgets.figures.ai_act import ai_act_alt, ai_act_data, ai_act_svg
from aipo_widgets.figures.backlog import backlog_alt, backlog_data, backlog_svg
from aipo_widgets.figures.business_case import (
    business_case_alt,
    business_case_data,
    business_case_svg,
)
from aipo_widgets.figures.metric_tree import (
    STATUS_COLOURS,
    STATUS_LABELS,
    metric_tree_alt,
    metric_tree_data,
    metric_tree_svg,
    sensitivity_data,
)
from aipo_widgets.figures.risk_matrix import risk_matrix_alt, risk_matrix_data, risk_matrix_svg
from aipo_widgets.figures.threshold import threshold_data, threshold_svg

__all__ = [
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "Svg",
    "ai_act_alt",
    "ai_act_data",
    "ai_act_svg",
    "backlog_alt",
    "backlog_data",
    "backlog_svg",
    "business_case",
    "business_case_alt",
    "business_case_data",
    "business_case_svg",
    "display_bundle",
    "img_html",
    "metric_tree_alt",
    "metric_tree_data",
    "metric_tree_svg",
    "mimebundle",
    "risk_matrix_alt",
    "risk_matrix_data",
    "risk_matrix_svg",
    "sensitivity_data",
    "threshold",
    "threshold_data",
    "threshold_svg",
]
