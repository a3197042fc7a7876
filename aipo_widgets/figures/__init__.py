"""Static pictures of the kit's objects: hand-built SVG, drawn from plain data only.

The widgets display these where no widget front end runs (nbconvert HTML, a notebook opened
untrusted, GitHub), the core objects use them for ``display(obj)``, and the reports reuse them.
Each ``*_svg`` function draws a *view*: the plain, JSON-ready dict a core result returns from its
``to_view()`` (or an ``aipo_widgets.analysis.*_view`` function builds), the same dict the widget
syncs to the browser; each ``*_alt`` function says the same in one sentence; :func:`mimebundle`
wraps a picture for ``_repr_mimebundle_``.  The figures import nothing from the analysis: they
sit below it.

Examples
--------
>>> from aipo_widgets.analysis.risk import Register
>>> view = Register([{"id": "R1", "title": "t", "category": "model", "likelihood": 2,
...                   "impact": 3}]).to_view()
>>> bundle = mimebundle(risk_matrix_svg(view), alt=risk_matrix_alt(view))
>>> bundle["text/html"][:40]
'<img src="data:image/svg+xml;base64,PHN2'
"""

from __future__ import annotations

from aipo_widgets.figures import business_case, threshold
from aipo_widgets.figures._svg import Svg, img_html, mimebundle
from aipo_widgets.figures.ai_act import ai_act_alt, ai_act_svg
from aipo_widgets.figures.backlog import backlog_alt, backlog_svg
from aipo_widgets.figures.budgets import cost_latency_alt, cost_latency_svg
from aipo_widgets.figures.business_case import (
    business_case_alt,
    business_case_svg,
    npv_alt,
    npv_svg,
)
from aipo_widgets.figures.drift import drift_alt, drift_svg
from aipo_widgets.figures.intervals import fairness_svg, intervals_alt, intervals_svg, pilot_svg
from aipo_widgets.figures.metric_tree import (
    STATUS_COLOURS,
    STATUS_LABELS,
    metric_tree_alt,
    metric_tree_svg,
)
from aipo_widgets.figures.risk_matrix import risk_matrix_alt, risk_matrix_svg
from aipo_widgets.figures.threshold import threshold_alt, threshold_svg
from aipo_widgets.figures.trends import trends_alt, trends_svg

__all__ = [
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "Svg",
    "ai_act_alt",
    "ai_act_svg",
    "backlog_alt",
    "backlog_svg",
    "business_case",
    "business_case_alt",
    "business_case_svg",
    "cost_latency_alt",
    "cost_latency_svg",
    "drift_alt",
    "drift_svg",
    "fairness_svg",
    "img_html",
    "intervals_alt",
    "intervals_svg",
    "metric_tree_alt",
    "metric_tree_svg",
    "mimebundle",
    "npv_alt",
    "npv_svg",
    "pilot_svg",
    "risk_matrix_alt",
    "risk_matrix_svg",
    "threshold",
    "threshold_alt",
    "threshold_svg",
    "trends_alt",
    "trends_svg",
]
