"""The facade the phase notebooks import: each phase's steps, one method per cell.

Each phase notebook imports its phase from this package and nothing else of the kit::

    from aipo_widgets.notebook.discovery import Discovery

    phase = Discovery.open(workspace, as_of=as_of, strict=strict)
    phase.hypotheses()          # one step per cell: gates and figures collect on the phase
    ...
    phase.record()              # hands them to `aipo run`

The phases are :class:`~aipo_widgets.notebook.discovery.Discovery`,
:class:`~aipo_widgets.notebook.experiments.Experiments`,
:class:`~aipo_widgets.notebook.rollout.Rollout` and :class:`~aipo_widgets.notebook.operate.Operate`,
one module each, so that a notebook imports only what its phase uses (the operate notebook does
not pay for the widgets it does not show). A step reads the data and computes through
:mod:`aipo_widgets.analysis`, lets :mod:`aipo_widgets.gates` decide, collects the gates and key
figures on the phase (:attr:`Phase.gates`, :attr:`Phase.figures`) and returns what the cell
shows: a table, a widget, or nothing. What a step computed stays on the phase for a person to
look into (``phase.evaluation``, ``phase.frames`` ...), and a person's own check joins the
others with ``phase.add(Gate(...))``.

The notebooks import nothing else of the kit: the modules behind this package may move, these
names stay.
"""

from __future__ import annotations

from aipo_widgets.evidence import Gate
from aipo_widgets.gates.common import gates_frame
from aipo_widgets.model.workspace import find, load
from aipo_widgets.notebook._phase import Phase
from aipo_widgets.runs.results import record

__all__ = ["Gate", "Phase", "find", "gates_frame", "load", "record"]
