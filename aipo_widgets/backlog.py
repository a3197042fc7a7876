"""Deprecated: the 0.1.0 path of backlog scoring.

Its names live in :mod:`aipo_widgets.analysis.backlog` now. Kept for the phase notebooks 0.1.0
copied into workspaces; importing it warns. Goes in 0.3.
"""

from aipo_widgets._deprecated import moved
from aipo_widgets.analysis import backlog as _new

__getattr__ = moved(__name__, _new)
