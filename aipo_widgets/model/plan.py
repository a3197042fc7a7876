"""The ``plan`` section of ``aipo.yaml``: the milestones of the 90 days, with owners and due dates.

The 90 days start on ``product.start_date``; each milestone belongs to a phase, is due on a
date, has an owner and a status, and names what evidences it (a gate, a document or a
decision, see :mod:`aipo_widgets.model.artefacts`). A milestone that is not done by its due
date is overdue: a warning, or a failure once a *blocking* milestone is overdue by more than
``grace_days`` (:mod:`aipo_widgets.gates.plan` decides that; this module holds the fields).

Examples
--------
>>> plan = Plan.model_validate({"grace_days": 5, "milestones": [
...     {"id": "M1", "title": "Baseline measured", "phase": "discovery", "due": "2026-08-28",
...      "owner": "Jana Keller", "status": "done", "done_on": "2026-08-27",
...      "evidence": "decision:D1", "blocking": True}]})
>>> plan.milestones[0].evidence, plan.milestones[0].open
('decision:D1', False)
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from aipo_widgets.model.artefacts import ArtefactRef
from aipo_widgets.model.fields import Id, Phase, StrictModel

__all__ = ["Milestone", "MilestoneStatus", "Plan"]

MilestoneStatus = Literal["planned", "in_progress", "done", "dropped"]


class Milestone(StrictModel):
    """One milestone of the plan."""

    id: Id = Field(description="Unique id, e.g. M1.")
    title: str = Field(min_length=1, description="What is reached, in a few words.")
    phase: Phase = Field(description="The phase it belongs to.")
    due: dt.date = Field(description="The day it is due.")
    owner: str = Field("", description="Who is accountable for reaching it.")
    status: MilestoneStatus = Field(
        "planned", description="planned, in_progress, done or dropped (no longer needed)."
    )
    done_on: dt.date | None = Field(None, description="The day it was reached (status done).")
    evidence: ArtefactRef | None = Field(
        None,
        description="What shows it is reached: a gate, a document or a decision, e.g. "
        "gate:discovery:baseline measured, doc:dpia, decision:D1.",
    )
    blocking: bool = Field(
        False,
        description="The phase's decision waits for it: overdue by more than the plan's "
        "grace_days, it fails instead of warning.",
    )
    note: str = Field("", description="Anything the owner should know.")

    @model_validator(mode="after")
    def _done_on_means_done(self) -> Milestone:
        if self.done_on is not None and self.status != "done":
            raise PydanticCustomError(
                "milestone_status",
                "done_on is set but status is {status}; set status: done, or remove done_on",
                {"status": self.status},
            )
        return self

    @property
    def open(self) -> bool:
        """True while the milestone is neither done nor dropped."""
        return self.status in ("planned", "in_progress")


class Plan(StrictModel):
    """The plan of the 90 days: milestones per phase and how late is too late."""

    grace_days: int = Field(
        7, ge=0, le=90,
        description="Days a blocking milestone may be overdue before its gate fails (it "
        "warns from the first day); also how long a required sign-off may be waited for.",
    )
    milestones: list[Milestone] = Field(
        default_factory=list, description="The milestones, in any order (shown by due date)."
    )
