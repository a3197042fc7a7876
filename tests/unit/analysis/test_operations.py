"""Operational figures from a production log, against values computed by hand."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis._bootstrap import wilson_interval
from aipo_widgets.analysis.operations import (
    DAYS_PER_MONTH,
    completeness,
    cost_per_use,
    error_rates,
    false_alarms_per_month,
    is_positive,
    latency_percentiles,
    new_labels,
    precision_recall,
    price_on,
)
from aipo_widgets.analysis.sources import Window
from aipo_widgets.errors import DataError
from aipo_widgets.model.budgets import Budgets, Price

NOV = Window("log", dt.date(2026, 11, 1), dt.date(2026, 11, 28), rows=0)


def test_false_alarms_per_month_by_hand() -> None:
    # 10 alarms in 28 days; 8 of them labelled, 6 of those false; 5 rows below the threshold.
    log = pd.DataFrame({
        "score": [0.9, 0.8, 0.5, 0.4, 0.3, 0.3, 0.2, 0.2, 0.1, 0.1] + [0.01] * 5,
        "label": [1, 1, 0, 0, 0, 0, 0, 0, None, None, 0, 1, 0, 0, None],
        "t": ["2026-11-01"] * 15,
    })
    m = false_alarms_per_month(log, NOV, label="label", score="score", threshold=0.1, time="t")
    expected = 10 / 28 * (365.25 / 12) * (6 / 8)
    assert m.value == pytest.approx(expected)
    assert m.rows == 8 and m.basis == "alarms with a label"
    lo, hi = wilson_interval(6, 8)
    assert m.ci == pytest.approx((10 / 28 * DAYS_PER_MONTH * lo, 10 / 28 * DAYS_PER_MONTH * hi))
    assert m.provenance.kind == "measured" and m.provenance.rows == 8
    assert "10 alarms (score >= 0.1) in 28 days" in m.detail
    assert "6 of the 8 with a label were false (75.0%)" in m.detail


def test_false_alarms_count_only_the_days_the_log_covers() -> None:
    # A log that starts on day 15 of a 28-day window covers 14 days, not 28.
    log = pd.DataFrame({"score": [0.5] * 4, "label": [0, 0, 0, 1],
                        "t": ["2026-11-15", "2026-11-20", "2026-11-27", "2026-11-28"]})
    m = false_alarms_per_month(log, NOV, label="label", score="score", threshold=0.1, time="t")
    assert m.value == pytest.approx(4 / 14 * DAYS_PER_MONTH * 3 / 4)


def test_false_alarms_without_any_label_are_not_measured() -> None:
    log = pd.DataFrame({"score": [0.5, 0.6], "label": [None, None]})
    m = false_alarms_per_month(log, NOV, label="label", score="score", threshold=0.1)
    assert m.value is None and not m.measured and m.rows == 0
    assert "none with a label yet" in m.detail


def test_precision_recall_by_hand_and_against_sklearn() -> None:
    from sklearn.metrics import precision_score, recall_score

    rng = np.random.default_rng(3)
    log = pd.DataFrame({"score": rng.random(400), "label": (rng.random(400) < 0.2).astype(float)})
    log.loc[rng.choice(400, 60, replace=False), "label"] = np.nan  # labels not yet arrived
    m = precision_recall(log, NOV, label="label", score="score", threshold=0.7)
    known = log.dropna()
    y, p = known.label.astype(int), (known.score >= 0.7).astype(int)
    assert m["precision"].value == pytest.approx(precision_score(y, p))
    assert m["recall"].value == pytest.approx(recall_score(y, p))
    assert m["precision"].rows == int(p.sum()) and m["recall"].rows == int(y.sum())


def test_precision_with_no_alarm_is_not_measured() -> None:
    log = pd.DataFrame({"score": [0.1, 0.2], "label": [1, 0]})
    m = precision_recall(log, NOV, label="label", score="score", threshold=0.5)
    assert m["precision"].value is None and m["precision"].ci is None
    assert m["recall"].value == 0.0


def test_positive_label_of_a_review_column() -> None:
    labels = pd.Series(["correct", "hallucination", "minor_error"])
    assert list(is_positive(labels, "hallucination")) == [False, True, False]
    assert list(is_positive(pd.Series([True, False]), True)) == [True, False]


def test_error_and_timeout_rates_by_hand() -> None:
    log = pd.DataFrame({"status": ["ok"] * 95 + ["timeout"] * 3 + ["error"] * 2})
    m = error_rates(log, NOV, status="status")
    assert m["error_rate"].value == pytest.approx(0.05)
    assert m["timeout_rate"].value == pytest.approx(0.03)
    assert m["timeout_rate"].rows == 100
    custom = error_rates(log, NOV, status="status", ok_values=["ok", "error"])
    assert custom["error_rate"].value == pytest.approx(0.03)


def _prices() -> list[Price]:
    return [Price(model="medium", input_per_1k=0.00035, output_per_1k=0.0014, currency="EUR",
                  valid_from=dt.date(2026, 5, 1)),
            Price(model="medium", input_per_1k=0.0003, output_per_1k=0.0012, currency="EUR",
                  valid_from=dt.date(2026, 11, 15))]


def test_cost_per_use_takes_the_price_valid_on_the_calls_day() -> None:
    log = pd.DataFrame({"model": ["medium"] * 3, "tin": [2000, 1000, 3000],
                        "tout": [200, 100, 0], "t": ["2026-11-14", "2026-11-15", "2026-11-20"]})
    m = cost_per_use(log, NOV, prices=_prices(), model="model", tokens_in="tin",
                     tokens_out="tout", time="t", currency="EUR")
    by_hand = [2 * 0.00035 + 0.2 * 0.0014, 1 * 0.0003 + 0.1 * 0.0012, 3 * 0.0003]
    assert m.value == pytest.approx(sum(by_hand) / 3)
    assert m.rows == 3 and m.provenance.kind == "measured"


def test_cost_per_use_of_an_unpriced_model_is_not_measured() -> None:
    log = pd.DataFrame({"model": ["medium", "large"], "tin": [1000, 1000], "tout": [10, 10],
                        "t": ["2026-11-14", "2026-11-16"]})
    m = cost_per_use(log, NOV, prices=_prices(), model="model", tokens_in="tin",
                     tokens_out="tout", time="t")
    assert m.value is None and m.provenance.kind == "missing"
    assert "large on 2026-11-16" in m.provenance.describe()
    early = log.assign(model="medium", t="2026-04-30")
    m = cost_per_use(early, NOV, prices=_prices(), model="model", tokens_in="tin",
                     tokens_out="tout", time="t")
    assert m.value is None and "medium on 2026-04-30" in m.detail


def test_cost_per_use_reports_the_logged_cost_beside_it() -> None:
    log = pd.DataFrame({"model": ["medium"], "tin": [1000], "tout": [0], "t": ["2026-11-02"],
                        "cost": [0.5]})
    m = cost_per_use(log, NOV, prices=_prices(), model="model", tokens_in="tin",
                     tokens_out="tout", time="t", logged="cost")
    assert m.value == pytest.approx(0.00035) and m.extra["logged"] == 0.5


def test_price_on_picks_the_latest_valid_price() -> None:
    assert price_on(_prices(), "medium", dt.date(2026, 11, 14)).input_per_1k == 0.00035
    assert price_on(_prices(), "medium", dt.date(2026, 11, 15)).input_per_1k == 0.0003
    assert price_on(_prices(), "other", dt.date(2026, 11, 15)) is None


def test_price_table_in_another_currency_is_refused() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="convert it to EUR"):
        Budgets.model_validate({"currency": "EUR", "prices": [
            {"model": "m", "input_per_1k": 1, "output_per_1k": 1, "currency": "USD",
             "valid_from": "2026-01-01"}]})
    with pytest.raises(ValidationError, match="two prices valid from 2026-01-01"):
        Budgets.model_validate({"prices": [
            {"model": "m", "input_per_1k": 1, "output_per_1k": 1, "currency": "EUR",
             "valid_from": "2026-01-01"}] * 2})


def test_latency_percentiles_match_numpy() -> None:
    values = np.random.default_rng(0).lognormal(7, 0.4, 501)
    m = latency_percentiles(pd.DataFrame({"ms": values}), NOV, column="ms")
    for name, q in (("latency_p50", 0.5), ("latency_p95", 0.95), ("latency_p99", 0.99)):
        assert m[name].value == pytest.approx(np.quantile(values, q))
        assert m[name].rows == 501
    empty = latency_percentiles(pd.DataFrame({"ms": []}), NOV, column="ms")
    assert empty["latency_p95"].value is None


def test_completeness_by_hand() -> None:
    f = pd.DataFrame({"a": [1, None, 3, 4, 5], "b": [1, 2, 3, None, 5]})
    m = completeness(f, NOV, columns=["a", "b"])
    assert m.value == pytest.approx(3 / 5) and m.rows == 5


def test_new_labels_counts_positives_or_labels() -> None:
    f = pd.DataFrame({"y": [1, 0, None, 1, 1, 0, None]})
    assert new_labels(f, NOV, label="y", positives=True).value == 3
    assert new_labels(f, NOV, label="y", positives=False).value == 5


def test_a_missing_column_names_the_fix() -> None:
    with pytest.raises(DataError, match="'status'"):
        error_rates(pd.DataFrame({"x": [1]}), NOV, status="status")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(0, 1), st.sampled_from([0.0, 1.0, None])),
                min_size=1, max_size=60),
       st.floats(0.01, 0.99), st.randoms(use_true_random=False))
def test_figures_do_not_depend_on_row_order(rows, threshold, rnd) -> None:
    log = pd.DataFrame(rows, columns=["score", "label"])
    shuffled = log.sample(frac=1, random_state=rnd.randint(0, 2**31)).reset_index(drop=True)
    for f in (log, shuffled):
        f["label"] = f["label"].astype(float)
    a = false_alarms_per_month(log, NOV, label="label", score="score", threshold=threshold)
    b = false_alarms_per_month(shuffled, NOV, label="label", score="score", threshold=threshold)
    assert a.value == pytest.approx(b.value) if a.value is not None else b.value is None
    pa = precision_recall(log, NOV, label="label", score="score", threshold=threshold)
    pb = precision_recall(shuffled, NOV, label="label", score="score", threshold=threshold)
    for k in ("precision", "recall"):
        assert (pa[k].value, pa[k].rows) == (pb[k].value, pb[k].rows)
