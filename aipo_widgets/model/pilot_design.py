"""A pilot stage's design: how units came to be in the pilot arm, which decides its analysis.

A pilot is analysed as it was designed (:mod:`aipo_widgets.analysis.pilot_designs`):

``individually_randomised``
    Each unit (ticket, user) drawn into an arm at random, in the declared ``allocation``
    (equal shares unless said otherwise). Welch / delta-method intervals; the sample-ratio
    check compares the units per arm with the allocation.
``cluster_randomised``
    Whole groups (teams, stores, plants: ``cluster_column``) drawn at random. Inference is at
    the level of the clusters (cluster-robust standard errors with a t on clusters − 2
    degrees of freedom); the sample-ratio check counts clusters. One cluster per arm: no
    inference is possible.
``before_after_control``
    The change applied to some groups (``cluster_column``) from ``change_date``, others kept
    as a control, both observed before and after (``period_column``): difference in
    differences, clustered by group. Not randomised, so no sample-ratio check; one group per
    arm: no inference is possible.
``switchback``
    The whole system switched on and off by period (``period_column``: each value one period,
    e.g. a day or a shift). The periods are the clusters; the sample-ratio check counts them.

Existing workspaces that declare no design are analysed as individually randomised with equal
shares, and the result says so.

Examples
--------
>>> d = PilotDesign.model_validate({"design": "cluster_randomised", "cluster_column": "team"})
>>> d.design, d.randomised, d.shares(["control", "treatment"])
('cluster_randomised', True, {'control': 0.5, 'treatment': 0.5})
>>> from pydantic import ValidationError
>>> try:
...     PilotDesign.model_validate({"design": "before_after_control", "cluster_column": "plant"})
... except ValidationError as exc:
...     print(exc.errors()[0]["msg"][:60])
a before/after design with a control needs period_column (th
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from aipo_widgets._text import suggest
from aipo_widgets.model.fields import Id, StrictModel

__all__ = [
    "DESIGN_NAMES",
    "DesignName",
    "PilotDesign",
    "design_for_source",
    "pilot_design_problems",
]

DesignName = Literal[
    "individually_randomised", "cluster_randomised", "before_after_control", "switchback"
]

#: The designs in words, for reports.
DESIGN_NAMES: dict[str, str] = {
    "individually_randomised": "individually randomised",
    "cluster_randomised": "cluster-randomised",
    "before_after_control": "before/after with a control (difference in differences)",
    "switchback": "switchback",
}


def _fail(message: str, **ctx: object) -> PydanticCustomError:
    return PydanticCustomError("pilot_design", message, dict(ctx))


class PilotDesign(StrictModel):
    """How the pilot's arms were formed, and the columns its analysis needs."""

    design: DesignName = Field(
        description="individually_randomised (each unit drawn into an arm), cluster_randomised "
        "(whole groups drawn), before_after_control (the change applied to some groups from a "
        "date, others kept as control: difference in differences) or switchback (the whole "
        "system switched on and off by period)."
    )
    source: Id | None = Field(
        None,
        description="The data source (role pilot) holding the pilot's rows; default: the only "
        "pilot source with an arm_column.",
    )
    allocation: dict[str, float] | None = Field(
        None,
        description="Randomised designs: the planned share (or weight) per arm label, e.g. "
        "{treatment: 0.2, control: 0.8}; equal shares when not given. The sample-ratio check "
        "compares the assignment with it.",
    )
    cluster_column: str | None = Field(
        None,
        description="cluster_randomised and before_after_control: the column naming the group "
        "that was assigned as a whole (team, store, plant); inference is at its level.",
    )
    period_column: str | None = Field(
        None,
        description="before_after_control: the column with each row's date or month; "
        "switchback: the column naming each period (day, shift) that was switched.",
    )
    change_date: dt.date | None = Field(
        None,
        description="before_after_control: the day the change started; rows dated on or after "
        "it are 'after'.",
    )
    unit_column: str | None = Field(
        None,
        description="before_after_control: the unit seen before and after (machine, store), "
        "for planning (how its values correlate over time).",
    )
    icc: float | None = Field(
        None, ge=0, lt=1,
        description="For planning: the intra-cluster correlation of the metric (share of its "
        "variance between clusters, or between periods for a switchback; within a unit over "
        "time for before/after). Estimated from the data when not given.",
    )
    power: float = Field(
        0.8, gt=0, lt=1, description="For planning: the chance to detect the target effect."
    )

    @model_validator(mode="after")
    def _columns_for_design(self) -> PilotDesign:
        d = self.design
        if d == "cluster_randomised" and not self.cluster_column:
            raise _fail(
                "a cluster-randomised design needs cluster_column: the column naming the group "
                "drawn into an arm as a whole (e.g. team); add it"
            )
        if d == "before_after_control":
            if not self.period_column or self.change_date is None:
                raise _fail(
                    "a before/after design with a control needs period_column (the column "
                    "with each row's date or month) and change_date (the day the change "
                    "started); add them"
                )
            if not self.cluster_column:
                raise _fail(
                    "a before/after design with a control needs cluster_column: the column "
                    "naming the group the change was applied to (e.g. plant, store); "
                    "inference is at that level"
                )
            if self.allocation is not None:
                raise _fail(
                    "a before/after design with a control is not randomised, so it has no "
                    "allocation ratio; remove allocation"
                )
        if d != "before_after_control" and self.unit_column is not None:
            raise _fail(
                "unit_column belongs to a before/after design with a control; remove it"
            )
        if d == "switchback" and not self.period_column:
            raise _fail(
                "a switchback design needs period_column: the column naming the period (day, "
                "shift) that was switched on or off as a whole; add it"
            )
        if d != "before_after_control" and self.change_date is not None:
            raise _fail(
                "change_date belongs to a before/after design with a control; remove it or set "
                "design: before_after_control"
            )
        if d == "individually_randomised" and (self.cluster_column or self.period_column):
            raise _fail(
                "an individually randomised design has no cluster_column or period_column; "
                "if whole groups or periods were drawn, say design: cluster_randomised or "
                "switchback"
            )
        if self.allocation is not None:
            if len(self.allocation) < 2:
                raise _fail(
                    "allocation needs a share for each arm (at least two), e.g. "
                    "{treatment: 0.5, control: 0.5}"
                )
            bad = {k: v for k, v in self.allocation.items() if not (math.isfinite(v) and v > 0)}
            if bad:
                raise _fail(
                    "allocation shares must be positive numbers, got {bad}", bad=str(bad)
                )
        return self

    @property
    def randomised(self) -> bool:
        """Whether assignment was random (then, and only then, a sample-ratio check applies)."""
        return self.design != "before_after_control"

    @property
    def name(self) -> str:
        """The design in words."""
        return DESIGN_NAMES[self.design]

    def shares(self, arms: Sequence[str]) -> dict[str, float]:
        """Return the planned share per arm (normalised), equal shares without an allocation.

        Examples
        --------
        >>> PilotDesign(design="individually_randomised",
        ...             allocation={"treatment": 1, "control": 3}).shares(["control", "treatment"])
        {'control': 0.75, 'treatment': 0.25}
        """
        if self.allocation is None:
            return {a: 1 / len(arms) for a in arms}
        total = sum(self.allocation.values())
        return {a: self.allocation[a] / total for a in arms if a in self.allocation}


def pilot_design_problems(ws: Any) -> list[tuple[tuple[str | int, ...], str, str]]:
    """Cross-references of the pilot stages: each design's data source exists and is a pilot.

    Parameters
    ----------
    ws : Workspace
        A validated workspace.

    Returns
    -------
    list of (path, message, fix)

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "data_map": {"sources": [{"id": "tickets", "name": "T", "role": "baseline"}]},
    ...     "rollout": {"stages": [{"id": "pilot", "name": "Pilot",
    ...         "pilot": {"design": "individually_randomised", "source": "tickets"}}]}})
    >>> pilot_design_problems(ws)[0][1]
    "names data source 'tickets', whose role is baseline, not pilot"
    """
    sources = {s.id: s for s in ws.data_map.sources}
    pilots = [s.id for s in sources.values() if s.role == "pilot"]
    out: list[tuple[tuple[str | int, ...], str, str]] = []
    for i, stage in enumerate(ws.rollout.stages):
        design = stage.pilot
        if design is None:
            continue
        path: tuple[str | int, ...] = ("rollout", "stages", i, "pilot", "source")
        if design.source is None:
            with_arms = [s for s in pilots if sources[s].arm_column]
            if len(with_arms) > 1:
                out.append((path[:-1], f"does not say which of the pilot sources "
                            f"{', '.join(with_arms)} holds this stage's rows",
                            "add source: <one of them>"))
            continue
        src = sources.get(design.source)
        if src is None:
            out.append((path, f"names data source '{design.source}', which is not in "
                        "data_map.sources", suggest(design.source, list(sources))))
        elif src.role != "pilot":
            out.append((path, f"names data source '{design.source}', whose role is "
                        f"{src.role}, not pilot",
                        f"set role: pilot on data source '{design.source}'"))
        elif not src.arm_column:
            out.append((path, f"names data source '{design.source}', which has no arm_column",
                        f"set arm_column on data source '{design.source}' (the column saying "
                        "which arm each row was in)"))
    return out


def design_for_source(ws: Any, source_id: str) -> tuple[int, PilotDesign] | None:
    """Return the pilot stage (its index) and design that read a pilot data source, if any.

    A design without ``source`` reads the only pilot source with an arm column.

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "data_map": {"sources": [{"id": "t", "name": "T", "role": "pilot",
    ...                               "arm_column": "arm"}]},
    ...     "rollout": {"stages": [{"id": "shadow", "name": "Shadow"}, {"id": "pilot",
    ...         "name": "Pilot", "pilot": {"design": "individually_randomised"}}]}})
    >>> index, design = design_for_source(ws, "t")
    >>> index, design.design, design_for_source(ws, "other")
    (1, 'individually_randomised', None)
    """
    with_arms = [s.id for s in ws.data_map.sources if s.role == "pilot" and s.arm_column]
    for i, stage in enumerate(ws.rollout.stages):
        design = stage.pilot
        if design is None:
            continue
        if design.source == source_id or (
            design.source is None and with_arms == [source_id]
        ):
            return i, design
    return None
