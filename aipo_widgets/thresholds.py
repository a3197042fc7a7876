"""Deprecated: the 0.1.0 path of thresholds.

Its names live in :mod:`aipo_widgets.analysis.thresholds` and
:mod:`aipo_widgets.analysis.threshold_curves` now. Kept for the phase notebooks
0.1.0 copied into workspaces; importing it warns. Goes in 0.3.
"""

from aipo_widgets._deprecated import moved
from aipo_widgets.analysis import threshold_curves as _curves
from aipo_widgets.analysis import thresholds as _new

__getattr__ = moved(__name__, _new, _curves)
