"""Deprecated: the 0.1.0 path of the helpers of the 0.1.0 phase notebooks.

Its names live in :mod:`aipo_widgets.gates.common`, :mod:`aipo_widgets.gates.discovery`,
:mod:`aipo_widgets.gates.experiments`, :mod:`aipo_widgets.gates.rollout`,
:mod:`aipo_widgets.gates.operate`, :mod:`aipo_widgets.analysis.measure`,
:mod:`aipo_widgets.analysis.decisions` now. Kept for the phase notebooks 0.1.0 copied into
workspaces; importing it warns. Goes in 0.3.

Four operate helpers changed their meaning since 0.1.0: their figures are measured on windows of
the production log ending at the assessment date, never over the whole log and never from values
typed in ``aipo.yaml``. They keep their 0.1.0 signatures here and compute the 0.2 way: whatever
figures a 0.1.0 notebook hands them are not trusted, the windows are read again (a figure that
cannot be measured warns "not measured", as in the current template), and ``last_trained`` gives
way to ``monitoring.retrain`` in ``aipo.yaml``.
"""

from __future__ import annotations

import datetime as dt
import os
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from aipo_widgets._deprecated import moved
from aipo_widgets.analysis import decisions as _decisions
from aipo_widgets.analysis import measure as _measure
from aipo_widgets.analysis import monitored as _monitored
from aipo_widgets.analysis.drift import DriftReport
from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.analysis.operations import Measurement
from aipo_widgets.evidence import Gate
from aipo_widgets.gates import common as _common
from aipo_widgets.gates import discovery as _discovery
from aipo_widgets.gates import experiments as _experiments
from aipo_widgets.gates import operate as _operate
from aipo_widgets.gates import rollout as _rollout
from aipo_widgets.model.schema import DataSource, Workspace
from aipo_widgets.model.workspace import find

__getattr__ = moved(__name__, _common, _discovery, _experiments, _rollout, _operate, _measure,
                    _decisions)

# The folder each workspace object was read from, as a 0.1.0 notebook's first call
# (load_frames(folder, ws, ...)) says: the 0.1.0 operate helpers get the workspace only.
_FOLDERS: dict[int, tuple[Workspace, Path]] = {}


@dataclass
class _Windows:
    """What the 0.1.0 operate helpers measure on: the windows ending at the assessment date."""

    ws: Workspace
    windows: _monitored.Windows
    source: DataSource | None
    reference: Reference | None
    measured: dict[tuple[str, int], Measurement] = field(default_factory=dict)

    def measure(self, metric: str, days: int) -> Measurement:
        if (metric, days) not in self.measured:
            self.measured[metric, days] = _monitored.measure_metric(
                self.ws, self.windows, metric, days=days, source=self.source,
                reference=self.reference)
        return self.measured[metric, days]


_SESSIONS: dict[int, _Windows] = {}


def _windows(ws: Workspace) -> _Windows:
    if id(ws) not in _SESSIONS:
        remembered = _FOLDERS.get(id(ws))
        folder = remembered[1] if remembered and remembered[0] is ws else find("")
        as_of = ws.settings.as_of or dt.date.today()
        frozen = folder / "reports" / "drift_reference.json"
        warnings.warn(
            f"0.1.0's operate helpers now measure on windows of the production log ending at "
            f"{as_of.isoformat()} (settings.as_of, else today); the figures the notebook passes "
            "are not used. Refresh the notebook from the kit's templates/notebooks/04_operate",
            DeprecationWarning, stacklevel=3)
        _SESSIONS[id(ws)] = _Windows(ws, _monitored.Windows(folder, as_of),
                                     _monitored.production_source(ws),
                                     Reference.load(frozen) if frozen.exists() else None)
    return _SESSIONS[id(ws)]


def _measure_of(ws: Workspace, given: Any) -> Callable[[str, int], Measurement]:
    return given if callable(given) else _windows(ws).measure


def load_frames(folder: str | os.PathLike[str], ws: Workspace,
                roles: Iterable[str] | None = None, **kwargs: Any
                ) -> tuple[dict[str, pd.DataFrame], list[Gate]]:
    """Read the workspace's data sources (see :func:`aipo_widgets.analysis.measure.load_frames`)."""
    _FOLDERS[id(ws)] = (ws, Path(folder))
    return _measure.load_frames(folder, ws, roles, **kwargs)


def cost_gates(ws: Workspace, frame: Any = None, source: Any = None) -> list[Gate]:
    """0.1.0's ``cost_gates(ws, frame, source)``: cost and latency on the default window.

    The frame (0.1.0 passed the whole production log) is not used: the figures are measured on
    ``monitoring.window_days`` ending at the assessment date.
    """
    return _operate.cost_gates(ws, _measure_of(ws, frame))


def alert_gates(ws: Workspace, figures: Any) -> list[Gate]:
    """0.1.0's ``alert_gates(ws, figures)``: each alert rule on its own window."""
    return _operate.alert_gates(ws, _measure_of(ws, figures))


def kill_switch_gates(ws: Workspace, figures: Any) -> list[Gate]:
    """0.1.0's ``kill_switch_gates(ws, figures)``: each kill-switch condition on its window."""
    return _operate.kill_switch_gates(ws, _measure_of(ws, figures))


def retrain_recommendation(ws: Workspace, drift_report: DriftReport | None, *,
                           as_of: dt.date, last_trained: dt.date | None = None,
                           new_labels: Measurement | int | None = None) -> Gate:
    """0.1.0's retrain check: ``last_trained`` and a typed count of labels give way to evidence.

    The model's age comes from ``monitoring.retrain`` (``data_cutoff``, else ``trained_on``) and
    the new labels are counted in the production log after it, as the current template does.
    """
    if last_trained is not None:
        warnings.warn("last_trained is not read any more: write the model's training date and "
                      "data cut-off in monitoring.retrain (trained_on, data_cutoff) of aipo.yaml",
                      DeprecationWarning, stacklevel=2)
    if not isinstance(new_labels, Measurement):
        session = _windows(ws)
        new_labels = _monitored.new_labels_since(ws, session.windows, source=session.source)
    return _operate.retrain_recommendation(ws, drift_report, as_of=as_of, new_labels=new_labels)
