"""Deprecated: the 0.1.0 path of drift.

Its names live in :mod:`aipo_widgets.analysis.drift`,
:mod:`aipo_widgets.analysis.drift_reference` now. Kept for the phase notebooks 0.1.0 copied into
workspaces; importing it warns. Goes in 0.3.
"""

from aipo_widgets._deprecated import moved
from aipo_widgets.analysis import drift as _drift
from aipo_widgets.analysis import drift_reference as _drift_reference

__getattr__ = moved(__name__, _drift, _drift_reference)
