"""The budgets section of ``aipo.yaml``: cost per use, latency, running cost, and the price table.

Cost per use is measured, not typed: the operate phase multiplies each logged call's tokens by
the price of its model that was valid on the call's day (``budgets.prices``). A price changes on
a date, so a price table is a list of prices each valid from a day until the next one of the
same model.

Examples
--------
>>> b = Budgets.model_validate({"currency": "EUR", "cost_per_use": 0.005, "prices": [
...     {"model": "medium-2026-05", "input_per_1k": 0.00035, "output_per_1k": 0.0014,
...      "currency": "EUR", "valid_from": "2026-05-01"}]})
>>> b.prices[0].input_per_1k, b.prices[0].valid_from
(0.00035, datetime.date(2026, 5, 1))
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from aipo_widgets.model.fields import StrictModel

__all__ = ["Budgets", "Price"]


class Price(StrictModel):
    """The price of one model's tokens, valid from a day until the model's next price."""

    model: str = Field(
        min_length=1, description="The model as the log names it, e.g. 'medium-2026-05'."
    )
    input_per_1k: float = Field(ge=0, description="Price of 1,000 input (prompt) tokens.")
    output_per_1k: float = Field(ge=0, description="Price of 1,000 output (completion) tokens.")
    currency: str = Field(description="Currency of the prices; must be the budgets' currency.")
    valid_from: dt.date = Field(description="The first day the price applies.")


class Budgets(StrictModel):
    """Cost and latency budgets: both decide whether the product can scale."""

    currency: str = Field("EUR", description="Currency of the amounts.")
    cost_per_use: float | None = Field(None, ge=0, description="Maximum cost per use (one call).")
    latency_p50_ms: float | None = Field(None, ge=0, description="Maximum median latency in ms.")
    latency_p95_ms: float | None = Field(None, ge=0, description="Maximum p95 latency in ms.")
    monthly_cost: float | None = Field(None, ge=0, description="Maximum running cost per month.")
    prices: list[Price] = Field(
        default_factory=list,
        description="The price table: per model, the price of 1,000 input and output tokens "
        "from a date on. Cost per use is measured from a log's tokens with it.",
    )

    @model_validator(mode="after")
    def _prices_fit(self) -> Budgets:
        # No exchange rates in the kit: a price in another currency would be compared with the
        # budget as if it were the same money.
        for price in self.prices:
            if price.currency != self.currency:
                raise PydanticCustomError(
                    "price_currency",
                    "the price of {model} from {day} is in {cur}, the budgets in {budget}; "
                    "convert it to {budget} (the kit does not convert currencies)",
                    {"model": price.model, "day": price.valid_from.isoformat(),
                     "cur": price.currency, "budget": self.currency},
                )
        seen: set[tuple[str, dt.date]] = set()
        for price in self.prices:
            key = (price.model, price.valid_from)
            if key in seen:
                raise PydanticCustomError(
                    "price_twice",
                    "{model} has two prices valid from {day}; keep one",
                    {"model": price.model, "day": price.valid_from.isoformat()},
                )
            seen.add(key)
        return self
