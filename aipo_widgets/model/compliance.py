"""The compliance section of ``aipo.yaml``: EU AI Act and GDPR answers, the DPIA decision."""

from __future__ import annotations

import datetime as dt
from typing import Literal, get_args

from pydantic import (
    Field,
)

from aipo_widgets.model.fields import (
    StrictModel,
)

Answer = bool | str | float | list[str] | None


Role = Literal[
    "provider", "deployer", "importer", "distributor", "authorised_representative",
    "product_manufacturer",
]
#: The roles an operator can declare, in the order the questionnaire offers them.
ROLES: tuple[str, ...] = get_args(Role)


class AIActAnswers(StrictModel):
    """Answers to the EU AI Act questionnaire (question ids from the kit's data file)."""

    role: Role = Field(
        "deployer",
        description="Our main role for this AI system (AI Act Art 3(3)-(8)); the role questions "
        "(role_develops, role_uses, ...) add the others and are checked against it.",
    )
    answers: dict[str, Answer] = Field(
        default_factory=dict,
        description="Question id -> answer (true/false, 'unsure', or a choice). Unanswered and "
        "'unsure' take the stricter branch.",
    )
    notes: str = Field("", description="Reasoning and references, for the legal sign-off.")
    signed_off_by: str = Field("", description="Who signed the classification off, if anyone.")
    signed_off_on: dt.date | None = Field(None, description="When it was signed off.")


class DPIA(StrictModel):
    """The data protection impact assessment decision (GDPR Art 35)."""

    decision: Literal["undecided", "required", "not_required", "done"] = Field(
        "undecided", description="Whether a DPIA is required, and whether it is done."
    )
    date: dt.date | None = Field(None, description="When the decision was made.")
    by: str = Field("", description="Who decided (usually with the DPO's advice).")
    reference: str = Field("", description="Where the DPIA or the reasoning is filed.")


class GDPRAnswers(StrictModel):
    """GDPR answers beyond the data map."""

    controller: str = Field("", description="The controller (GDPR Art 4(7)).")
    dpo: str = Field("", description="The data protection officer consulted.")
    answers: dict[str, Answer] = Field(
        default_factory=dict, description="Question id -> answer (DPIA criteria, Art 22, ...)."
    )
    dpia: DPIA = Field(default_factory=DPIA, description="The DPIA decision.")


class Compliance(StrictModel):
    """Legal clarity: EU AI Act classification and GDPR."""

    as_of: dt.date | None = Field(None, description="Date at which obligations are assessed.")
    ai_act: AIActAnswers = Field(default_factory=AIActAnswers, description="EU AI Act answers.")
    gdpr: GDPRAnswers = Field(default_factory=GDPRAnswers, description="GDPR answers.")
    nis2: bool = Field(False, description="Whether the operator falls under NIS2 (Art 23 clocks).")
