"""The monitoring and kill-switch sections of ``aipo.yaml``: windows, drift, alerts, retraining.

Every figure of the operate phase is computed on a *window*: the rows of a data source whose
time column falls within the last days before the assessment date (``as_of``). The default
window is ``monitoring.window_days``; the drift check, each alert rule and each kill-switch
condition may declare its own. A window with fewer rows than ``min_rows`` gives no verdict on
its figure: the gate says how many rows there were and how many are needed.

The retrain policy holds what the retrain check needs to be able to fail for the right reason:
when the model was trained and where its training data ends, the planned interval, and what
counts as a new label since that cut-off.

Examples
--------
>>> rule = AlertRule(id="A1", metric="recall", operator="<", value=0.6, window="4w")
>>> window_days(rule.window)
28
>>> m = Monitoring.model_validate({"window_days": 7, "retrain": {
...     "interval_days": 90, "trained_on": "2026-05-06", "data_cutoff": "2026-02-08",
...     "new_labels": "positives", "min_new_labels": 60}})
>>> m.retrain.data_cutoff, m.retrain.new_labels
(datetime.date(2026, 2, 8), 'positives')
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from aipo_widgets.model.fields import Condition, Id, Share, StrictModel

__all__ = [
    "AlertRule",
    "DriftSettings",
    "KillCondition",
    "KillSwitch",
    "Monitoring",
    "Retrain",
    "WindowSpec",
    "window_days",
]

_WINDOW = re.compile(r"^([1-9][0-9]*)([dw])$")

#: A window length: a number of days (``7d``) or weeks (``4w``).
WindowSpec = Annotated[
    str,
    Field(
        pattern=_WINDOW.pattern,
        description="A window length: days ('7d', '28d') or weeks ('4w'); it ends at the "
        "assessment date (as_of).",
        examples=["1d", "7d", "4w"],
    ),
]


def window_days(spec: str | int) -> int:
    """Return the days of a window written as ``7d`` or ``4w`` (or already a number of days).

    Examples
    --------
    >>> window_days("7d"), window_days("4w"), window_days(3)
    (7, 28, 3)
    >>> window_days("1h")
    Traceback (most recent call last):
    ...
    ValueError: a window is written as days ('7d') or weeks ('4w'), got '1h'
    """
    if isinstance(spec, int) and not isinstance(spec, bool) and spec >= 1:
        return spec
    match = _WINDOW.match(str(spec).strip())
    if match is None:
        msg = f"a window is written as days ('7d') or weeks ('4w'), got {spec!r}"
        raise ValueError(msg)
    n, unit = int(match.group(1)), match.group(2)
    return n * 7 if unit == "w" else n


class DriftSettings(StrictModel):
    """How drift is checked: a frozen reference against the latest window of production."""

    reference: Id | None = Field(None, description="Data source frozen as the drift reference.")
    current: Id | None = Field(
        None, description="Data source whose latest window is compared with the reference."
    )
    window_days: int | None = Field(
        None, ge=1,
        description="Days of the current window, ending at the assessment date "
        "(default: monitoring.window_days).",
    )
    columns: list[str] = Field(default_factory=list, description="Columns checked (empty: all).")
    categorical: list[str] = Field(default_factory=list, description="Categorical columns.")
    psi_warn: float = Field(0.1, ge=0, description="PSI from which a column warns.")
    psi_alert: float = Field(0.25, ge=0, description="PSI from which a column has drifted.")
    drifted_share_alert: Share = Field(
        0.3, description="Share of drifted columns from which the data set has drifted."
    )


class AlertRule(Condition):
    """An alert on a monitored metric, computed over its own window."""

    severity: Literal["info", "warning", "critical"] = Field("warning", description="Severity.")
    window: WindowSpec = Field(
        "1d", description="Window the metric is computed over, ending at the assessment date: "
        "'1d', '7d', '4w'."
    )
    min_rows: int | None = Field(
        None, ge=1, description="Fewest rows the figure must rest on in the window "
        "(default: monitoring.min_rows); fewer gives a 'too few rows' warning, not a pass."
    )
    action: str = Field("", description="What the on-call person does.")


class KillCondition(Condition):
    """A kill-switch condition, computed over its own window."""

    window: WindowSpec | None = Field(
        None, description="Window the metric is computed over, ending at the assessment date "
        "(default: monitoring.window_days)."
    )
    min_rows: int | None = Field(
        None, ge=1, description="Fewest rows the figure must rest on in the window "
        "(default: monitoring.min_rows)."
    )


class Retrain(StrictModel):
    """When the model is retrained, and what it was trained on."""

    interval_days: int | None = Field(
        None, ge=1, description="Planned retrain interval, counted from the data cut-off "
        "(or from trained_on where no cut-off is given)."
    )
    trained_on: dt.date | None = Field(
        None, description="When the model in use was trained (or the prompt and model chosen)."
    )
    data_cutoff: dt.date | None = Field(
        None, description="The last day of the data the model in use was trained on."
    )
    on_drift: bool = Field(True, description="Retrain early when the data set drifts.")
    min_new_labels: int = Field(0, ge=0, description="New labels needed before a retrain.")
    new_labels: Literal["labels", "positives"] = Field(
        "labels",
        description="What counts toward min_new_labels: every label of a production row after "
        "the data cut-off ('labels'), or only its positives ('positives', e.g. new failures).",
    )

    @model_validator(mode="after")
    def _cutoff_before_training(self) -> Retrain:
        if self.trained_on and self.data_cutoff and self.data_cutoff > self.trained_on:
            raise PydanticCustomError(
                "retrain_dates",
                "data_cutoff ({cutoff}) is after trained_on ({trained}): a model cannot be "
                "trained on data that did not exist yet; correct one of the dates",
                {"cutoff": self.data_cutoff.isoformat(), "trained": self.trained_on.isoformat()},
            )
        return self


class Monitoring(StrictModel):
    """Monitoring from day one: windows, drift, alerts, retraining."""

    window_days: int = Field(
        7, ge=1, description="Days of the default monitoring window, ending at the "
        "assessment date."
    )
    min_rows: int = Field(
        30, ge=1, description="Fewest rows a windowed figure must rest on (its denominator: "
        "labelled rows for a share of labels, positives for recall); fewer gives a 'too few "
        "rows' warning."
    )
    drift: DriftSettings = Field(default_factory=DriftSettings, description="Drift checks.")
    alert_rules: list[AlertRule] = Field(default_factory=list, description="Alert rules.")
    retrain: Retrain = Field(default_factory=Retrain, description="Retrain policy.")
    log_retention_months: int = Field(
        6, ge=0, description="Months logs are kept (AI Act Art 26(6): at least 6 for high-risk)."
    )


class KillSwitch(StrictModel):
    """When to switch the AI off, and what runs instead."""

    conditions: list[KillCondition] = Field(
        default_factory=list, description="Any condition met switches the AI off."
    )
    fallback: str = Field("", description="What happens instead (the process without AI).")
    owner: str = Field("", description="Who may pull the switch.")
    steps: list[str] = Field(default_factory=list, description="How to pull it, step by step.")
    max_minutes_to_off: int | None = Field(
        None, ge=0, description="Time from decision to the AI being off."
    )
    tested_on: dt.date | None = Field(None, description="When the switch was last tested.")
