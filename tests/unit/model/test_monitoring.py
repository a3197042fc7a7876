"""The monitoring schema: windows, minimum rows, the retrain dates and the new-labels rule."""

from __future__ import annotations

import datetime as dt

import pytest
from pydantic import ValidationError

from aipo_widgets.model.schema import Workspace, json_schema

BASE = {"product": {"name": "x", "owner": "y"}}


def ws(**sections) -> Workspace:
    return Workspace.model_validate({**BASE, **sections})


def test_alert_and_kill_switch_windows() -> None:
    w = ws(monitoring={"alert_rules": [{"id": "A1", "metric": "m", "operator": ">", "value": 1,
                                        "window": "4w", "min_rows": 50}]},
           kill_switch={"conditions": [{"id": "K1", "metric": "m", "operator": ">", "value": 2,
                                        "window": "7d"}]})
    assert w.monitoring.alert_rules[0].window == "4w"
    assert w.monitoring.alert_rules[0].min_rows == 50
    assert w.kill_switch.conditions[0].window == "7d"
    assert w.monitoring.min_rows == 30  # the default


@pytest.mark.parametrize("bad", ["1h", "7", "0d", "a week"])
def test_a_window_that_is_not_days_or_weeks_is_refused(bad: str) -> None:
    with pytest.raises(ValidationError):
        ws(monitoring={"alert_rules": [{"id": "A1", "metric": "m", "operator": ">",
                                        "value": 1, "window": bad}]})


def test_retrain_dates_and_rule() -> None:
    w = ws(monitoring={"retrain": {"interval_days": 90, "trained_on": "2026-05-06",
                                   "data_cutoff": "2026-02-08", "new_labels": "positives",
                                   "min_new_labels": 60}})
    r = w.monitoring.retrain
    assert (r.trained_on, r.data_cutoff) == (dt.date(2026, 5, 6), dt.date(2026, 2, 8))
    assert r.new_labels == "positives"


def test_a_cutoff_after_training_is_refused_with_the_fix() -> None:
    with pytest.raises(ValidationError, match=r"data_cutoff \(2026-06-01\) is after trained_on"):
        ws(monitoring={"retrain": {"trained_on": "2026-05-06", "data_cutoff": "2026-06-01"}})


def test_the_json_schema_documents_the_new_fields() -> None:
    defs = json_schema()["$defs"]
    assert "data_cutoff" in defs["Retrain"]["properties"]
    assert "window" in defs["KillCondition"]["properties"]
    assert "prices" in defs["Budgets"]["properties"]
    assert "status_column" in defs["DataSource"]["properties"]
