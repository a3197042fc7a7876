"""The AIPO widgets: the workspace edited where the analysis lives, a picture everywhere else.

Each widget is bound to a workspace (``aipo_widgets.model.workspace.load(folder)``), renders what
the core computes, applies the edits made in the browser to the workspace model and writes them to
``aipo.yaml`` on request (comments kept). ``read_only=True`` is enforced in Python, for Voila
pages. Where no widget front end runs the same output shows a static picture.

- :class:`MetricTreeWidget`: the metric tree with status, progress, what-if and levers;
- :class:`RiskMatrixWidget`: the 5x5 risk matrix, risks moved by drag or arrow keys;
- :class:`BacklogWidget`: the scored backlog with its raw factors, method and weights;
- :class:`ThresholdExplorer`: a classifier's threshold on the cost curve, recorded as a decision;
- :class:`ScenarioWidget`: the business case's drivers per scenario and its figures;
- :class:`AIActQuestionnaire`: the EU AI Act decision list and its classification.

Examples
--------
>>> from aipo_widgets.widgets import RiskMatrixWidget
>>> RiskMatrixWidget.__name__
'RiskMatrixWidget'
"""

from __future__ import annotations

from aipo_widgets.widgets._base import AipoWidget
from aipo_widgets.widgets.ai_act import AIActQuestionnaire
from aipo_widgets.widgets.backlog import BacklogWidget
from aipo_widgets.widgets.metric_tree import MetricTreeWidget
from aipo_widgets.widgets.risk_matrix import RiskMatrixWidget
from aipo_widgets.widgets.scenario import ScenarioWidget
from aipo_widgets.widgets.threshold import ThresholdExplorer

__all__ = [
    "AIActQuestionnaire",
    "AipoWidget",
    "BacklogWidget",
    "MetricTreeWidget",
    "RiskMatrixWidget",
    "ScenarioWidget",
    "ThresholdExplorer",
]
