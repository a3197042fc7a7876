"""The shared pieces of the ``aipo.yaml`` schema: field types, enumerations and the base model.

Enumerations follow the domain (metric designations of the North Star framework, GDPR lawful
bases and Art 9 special categories, risk categories and treatments, backlog item types, the
phases of the first 90 days).
"""

from __future__ import annotations

from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
)
from pydantic_core import PydanticCustomError


def _likert5(value: Any) -> int:
    # One message for every way a 1..5 rating can be wrong, so a person reads
    # "must be an integer from 1 to 5, got 7" rather than pydantic's generic text.
    if isinstance(value, int) and not isinstance(value, bool):
        rating = value
    elif isinstance(value, float) and value.is_integer():
        rating = int(value)
    else:
        raise PydanticCustomError(
            "likert5", "must be an integer from 1 to 5, got {value}", {"value": repr(value)}
        )
    if not 1 <= rating <= 5:
        raise PydanticCustomError(
            "likert5", "must be an integer from 1 to 5, got {value}", {"value": rating}
        )
    return rating


# The range is also declared with Field so that the JSON Schema (``aipo schema``) carries it and an
# editor flags 'likelihood: 7' as the person types; the before-validator runs first and keeps
# its own message, so the Field bounds never produce pydantic's generic text.
Rating5 = Annotated[int, Field(ge=1, le=5), BeforeValidator(_likert5)]


Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$",
        description="A short identifier: a letter, then letters, digits, '_', '-' or '.'.",
    ),
]


Share = Annotated[float, Field(ge=0, le=1)]


Operator = Literal[">=", ">", "<=", "<", "=="]


class StrictModel(BaseModel):
    """The base of every section: unknown keys refused, assignments validated."""

    # Unknown keys are typos far more often than intent: reject them, with a suggestion.
    # NaN and infinity are refused in every number: a threshold of .nan never triggers and one
    # of -.inf always passes, so a safety check would fail open.
    model_config = ConfigDict(
        extra="forbid",
        allow_inf_nan=False,
        validate_assignment=True,
        use_enum_values=True,
        populate_by_name=True,
    )


class MetricDesignation(str, Enum):
    """What a metric is for in the tree (North Star framework and guardrail practice)."""

    north_star = "north_star"
    input = "input"
    driver = "driver"
    guardrail = "guardrail"
    counter = "counter"
    proxy = "proxy"
    health = "health"


class Direction(str, Enum):
    """Whether a higher or a lower value is better."""

    higher = "higher"
    # The member is named for the word in aipo.yaml, so it hides str.lower() on Direction's
    # members (mypy's error). Nothing calls that: workspaces hold the plain string
    # (use_enum_values), and renaming the member would change the public name Direction.lower.
    lower = "lower"  # type: ignore[assignment]


class LawfulBasis(str, Enum):
    """GDPR Art 6(1) lawful bases."""

    consent = "consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interests = "vital_interests"
    public_task = "public_task"
    legitimate_interests = "legitimate_interests"


class SpecialCategory(str, Enum):
    """GDPR Art 9(1) special categories of personal data (and Art 10 criminal data)."""

    racial_or_ethnic_origin = "racial_or_ethnic_origin"
    political_opinions = "political_opinions"
    religious_or_philosophical_beliefs = "religious_or_philosophical_beliefs"
    trade_union_membership = "trade_union_membership"
    genetic = "genetic"
    biometric = "biometric"
    health = "health"
    sex_life_or_orientation = "sex_life_or_orientation"
    criminal = "criminal"


class RiskCategory(str, Enum):
    """Where a risk comes from."""

    data = "data"
    model = "model"
    system = "system"
    human_oversight = "human_oversight"
    third_party = "third_party"
    security = "security"
    legal_compliance = "legal_compliance"
    operational_cost = "operational_cost"


class HarmDimension(str, Enum):
    """Whom or what a risk would harm."""

    health_safety = "health_safety"
    fundamental_rights = "fundamental_rights"
    privacy = "privacy"
    financial = "financial"
    reputational = "reputational"
    environmental = "environmental"
    operational = "operational"


class Treatment(str, Enum):
    """ISO 31000 style risk treatment."""

    avoid = "avoid"
    reduce = "reduce"
    transfer = "transfer"
    accept = "accept"


class BacklogType(str, Enum):
    """The kinds of work in an AI product's mixed backlog."""

    product = "product"
    data = "data"
    model = "model"
    evaluation = "evaluation"
    risk = "risk"


class Phase(str, Enum):
    """The phases of the first 90 days, then operation."""

    discovery = "discovery"
    experiments = "experiments"
    rollout = "rollout"
    operate = "operate"


class Condition(StrictModel):
    """A comparison of a metric with a value, used by criteria, alerts and the kill switch."""

    id: Id = Field(description="Unique id.")
    metric: Id = Field(description="The metric-tree node compared.")
    operator: Operator = Field(description="How the figure is compared with the value.")
    value: float = Field(description="The value compared with.")
    description: str = Field("", description="The rule in words.")
