"""Deprecated: the 0.1.0 path of evaluation and the gold set.

Its names live in :mod:`aipo_widgets.analysis.evaluation`, :mod:`aipo_widgets.analysis.gold_set`
now. Kept for the phase notebooks 0.1.0 copied into workspaces; importing it warns. Goes in 0.3.
"""

from aipo_widgets._deprecated import moved
from aipo_widgets.analysis import evaluation as _evaluation
from aipo_widgets.analysis import gold_set as _gold_set

__getattr__ = moved(__name__, _evaluation, _gold_set)
