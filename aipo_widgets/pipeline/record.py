"""Deprecated: the 0.1.0 path of :func:`aipo_widgets.runs.results.record`.

Kept for the phase notebooks 0.1.0 copied into workspaces; importing it warns. Goes in 0.3.
"""

from aipo_widgets._deprecated import moved
from aipo_widgets.runs import results as _new

__getattr__ = moved(__name__, _new)
