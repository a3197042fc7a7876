"""Deprecated: the 0.1.0 path of the helpers of the 0.1.0 phase notebooks.

Its names live in :mod:`aipo_widgets.gates.common`, :mod:`aipo_widgets.gates.discovery`,
:mod:`aipo_widgets.gates.experiments`, :mod:`aipo_widgets.gates.rollout`,
:mod:`aipo_widgets.gates.operate`, :mod:`aipo_widgets.analysis.measure`,
:mod:`aipo_widgets.analysis.decisions` now. Kept for the phase notebooks 0.1.0 copied into
workspaces; importing it warns. Goes in 0.3.
"""

from aipo_widgets._deprecated import moved
from aipo_widgets.analysis import decisions as _decisions
from aipo_widgets.analysis import measure as _measure
from aipo_widgets.gates import common as _common
from aipo_widgets.gates import discovery as _discovery
from aipo_widgets.gates import experiments as _experiments
from aipo_widgets.gates import operate as _operate
from aipo_widgets.gates import rollout as _rollout

__getattr__ = moved(__name__, _common, _discovery, _experiments, _rollout, _operate, _measure,
                    _decisions)
