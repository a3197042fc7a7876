"""The business-case section of ``aipo.yaml``: drivers, adoption, correlations, exit criteria."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    Field,
    field_validator,
)
from pydantic_core import PydanticCustomError

from aipo_widgets.model.fields import (
    Condition,
    Id,
    Share,
    StrictModel,
)

Scenario = Literal["conservative", "realistic", "optimistic"]


def _default_weights() -> dict[Scenario, float]:
    return {"conservative": 0.25, "realistic": 0.5, "optimistic": 0.25}


class Driver(StrictModel):
    """An assumption of the business case, per scenario, with a range for Monte Carlo."""

    unit: str = Field("", description="Unit of the driver.")
    description: str = Field("", description="What it is and where the number comes from.")
    conservative: float = Field(description="Value in the conservative scenario.")
    realistic: float = Field(description="Value in the realistic scenario.")
    optimistic: float = Field(description="Value in the optimistic scenario.")
    low: float | None = Field(None, description="Low end of the range (default: conservative).")
    likely: float | None = Field(None, description="Most likely value (default: realistic).")
    high: float | None = Field(None, description="High end of the range (default: optimistic).")
    measured: float | None = Field(None, description="Measured value, once a pilot gives one.")


class Adoption(StrictModel):
    """How use ramps up after launch."""

    driver: Id = Field(description="The driver holding the adoption reached (a share, 0-1).")
    ramp_months: int = Field(6, ge=0, description="Months until that adoption is reached.")
    start_month: int = Field(1, ge=0, description="The month the product goes live.")


def _two_drivers(value: Any) -> Any:
    # One plain message for a pair that is not a pair, instead of pydantic's list-length text.
    if isinstance(value, (list, tuple)) and (len(value) != 2 or value[0] == value[1]):
        shown = ", ".join(map(str, value)) or "none"
        raise PydanticCustomError(
            "correlation_pair",
            "must name two different drivers, like [adoption_max, minutes_saved]; got {got}",
            {"got": shown},
        )
    return value


def _rank_correlation(value: Any) -> Any:
    # -1 and 1 would make one driver a copy (or mirror) of the other, and the copula's matrix
    # singular; say so in the message, since the loader has no other place for the fix.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value  # pydantic's own "must be a number" message follows
    if not -1 < value < 1:
        raise PydanticCustomError(
            "rank_correlation",
            "must be a rank correlation strictly between -1 and 1, got {value}: use e.g. 0.9 "
            "for drivers that move almost together (+-1 would make one a copy of the other)",
            {"value": value},
        )
    return value


class Correlation(StrictModel):
    """A rank correlation between two uncertain drivers, used by the Monte Carlo."""

    drivers: Annotated[list[Id], Field(min_length=2, max_length=2),
                       BeforeValidator(_two_drivers)] = Field(
        description="The two drivers, e.g. [adoption_max, minutes_saved]. Both need a range "
        "(low < high, or different scenario values)."
    )
    rho: Annotated[float, Field(gt=-1, lt=1), BeforeValidator(_rank_correlation)] = Field(
        description="Spearman rank correlation of the two drivers' draws, strictly between -1 "
        "and 1: 0.3 weak, 0.6 strong, negative when one tends to be high as the other is low."
    )
    description: str = Field("", description="Why they move together, and the evidence.")


class BusinessCase(StrictModel):
    """Monthly cash flows from drivers, per scenario; NPV, payback and exit criteria."""

    currency: str = Field("EUR", description="Currency.")
    horizon_months: int = Field(36, ge=1, le=240, description="Months covered.")
    discount_rate: float = Field(0.08, ge=-0.99, le=10, description="Annual discount rate.")
    drivers: dict[Id, Driver] = Field(
        default_factory=dict,
        description="The assumptions.",
        # pydantic states the id pattern as patternProperties only, which lets any other key
        # through the JSON Schema; 'aipo validate' refuses such a key, so the schema must too.
        json_schema_extra={"additionalProperties": False},
    )
    adoption: Adoption | None = Field(None, description="Adoption ramp; 'adoption' in formulas.")
    one_off_cost: str = Field(
        "0", description="Formula over drivers: cost at month 0 (build, data, integration)."
    )
    monthly_benefit: str = Field("0", description="Formula over drivers and 'adoption'.")
    monthly_cost: str = Field("0", description="Formula over drivers and 'adoption'.")
    scenario_weights: dict[Scenario, Share] = Field(
        default_factory=_default_weights,
        description="Weights of the scenarios for the expected NPV (sum to 1).",
    )
    exit_criteria: list[Condition] = Field(
        default_factory=list,
        description="Stop rules on measured values, e.g. time saved after the pilot < 15 %. "
        "'metric' names a driver or a metric-tree node.",
    )
    correlations: list[Correlation] = Field(
        default_factory=list,
        description="Rank correlations between uncertain drivers for the Monte Carlo, e.g. "
        "[{drivers: [adoption_max, minutes_saved], rho: 0.6}]. Drivers not named are drawn "
        "independently. Each driver keeps its own (low, likely, high) triangular distribution; "
        "the pairs are joined by a Gaussian copula, so together they must be consistent (a "
        "positive definite matrix) and each pair may appear once.",
    )

    @field_validator("scenario_weights")
    @classmethod
    def _weights_sum_to_one(cls, v: dict[Scenario, float]) -> dict[Scenario, float]:
        if v and abs(sum(v.values()) - 1) > 1e-6:
            raise PydanticCustomError(
                "weights", "scenario weights must sum to 1, got {total}",
                {"total": round(sum(v.values()), 6)},
            )
        return v
