"""Monitoring windows: reading only a source's rows in [as_of - days + 1, as_of]."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis.sources import in_window, read_window, row_days, window_bounds
from aipo_widgets.errors import DataError
from aipo_widgets.model.monitoring import window_days
from aipo_widgets.model.schema import DataSource

AS_OF = dt.date(2026, 11, 22)


def _log(tmp_path: Path, frame: pd.DataFrame, **kw) -> DataSource:
    (tmp_path / "log.csv").write_text(frame.to_csv(index=False))
    return DataSource(id="log", name="Log", location="log.csv", time_column="t", **kw)


def test_window_bounds_include_both_ends() -> None:
    assert window_bounds(AS_OF, 1) == (AS_OF, AS_OF)
    assert window_bounds(AS_OF, 7) == (dt.date(2026, 11, 16), AS_OF)
    with pytest.raises(ValueError):
        window_bounds(AS_OF, 0)


def test_window_specs() -> None:
    assert [window_days(s) for s in ("1d", "7d", "28d", "4w")] == [1, 7, 28, 28]
    for bad in ("7", "1h", "0d", "-3d", "7 days"):
        with pytest.raises(ValueError):
            window_days(bad)


def test_read_window_keeps_the_last_days_only(tmp_path: Path) -> None:
    days = [dt.date(2026, 11, 1) + dt.timedelta(d) for d in range(30)]  # Nov 1 .. Nov 30
    frame = pd.DataFrame({"t": [d.isoformat() + "T08:00:00" for d in days], "x": range(30)})
    src = _log(tmp_path, frame)
    rows, w = read_window(tmp_path, src, as_of=AS_OF, days=7)
    assert list(rows.x) == list(range(15, 22))  # Nov 16 .. Nov 22, none after as_of
    assert (w.start, w.end, w.rows, w.days) == (dt.date(2026, 11, 16), AS_OF, 7, 7)
    assert w.provenance().describe() == "measured in log from 2026-11-16 to 2026-11-22 (7 rows)"


def test_the_window_read_in_the_engine_is_the_window_cut_in_memory(tmp_path: Path) -> None:
    frame = pd.DataFrame({"t": [f"2026-11-{d:02d}" for d in range(1, 31)] * 5,
                          "x": range(150)})
    src = _log(tmp_path, frame)
    rows, w = read_window(tmp_path, src, as_of=AS_OF, days=10)
    expected = in_window(frame, "t", dt.date(2026, 11, 13), AS_OF).reset_index(drop=True)
    assert rows["x"].tolist() == expected["x"].tolist()  # the source's order kept
    assert w.rows == 50


def test_read_window_counts_undated_rows_and_applies_where(tmp_path: Path) -> None:
    frame = pd.DataFrame({"t": ["2026-11-20", None, "2026-11-21", "2026-11-21"],
                          "period": ["a", "a", "b", "a"]})
    src = _log(tmp_path, frame, where={"period": "a"})
    rows, w = read_window(tmp_path, src, as_of=AS_OF, days=7)
    assert w.rows == 2 and w.undated == 1 and set(rows.period) == {"a"}


def test_an_empty_window_is_a_window_with_no_rows(tmp_path: Path) -> None:
    src = _log(tmp_path, pd.DataFrame({"t": ["2026-10-01"], "x": [1]}))
    rows, w = read_window(tmp_path, src, as_of=AS_OF, days=7)
    assert rows.empty and w.rows == 0


def test_a_source_without_time_column_cannot_be_windowed(tmp_path: Path) -> None:
    (tmp_path / "log.csv").write_text("x\n1\n")
    src = DataSource(id="log", name="Log", location="log.csv")
    with pytest.raises(DataError, match="no time_column") as err:
        read_window(tmp_path, src, as_of=AS_OF, days=7)
    assert err.value.problems[0].path == "data_map.sources[log].time_column"


def test_times_that_are_not_dates_are_refused_with_examples() -> None:
    f = pd.DataFrame({"t": ["2026-11-02", "02.11.2026"]})
    with pytest.raises(DataError, match=r"not ISO dates \(e.g. '02.11.2026'\)"):
        row_days(f, "t", source="log")


def test_local_date_of_a_timestamp_with_offset() -> None:
    # 00:30 on Nov 23 in Berlin is Nov 22 in UTC; the row belongs to the local day.
    f = pd.DataFrame({"t": ["2026-11-23T00:30:00+01:00"]})
    assert in_window(f, "t", dt.date(2026, 11, 16), AS_OF).empty


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(-60, 10), min_size=1, max_size=80), st.integers(1, 30),
       st.randoms(use_true_random=False))
def test_rows_outside_the_window_never_change_it(offsets, days, rnd) -> None:
    """Shuffling rows, or changing those outside the window, leaves its rows as they are."""
    frame = pd.DataFrame({"t": [(AS_OF + dt.timedelta(o)).isoformat() for o in offsets],
                          "x": range(len(offsets))})
    start, end = window_bounds(AS_OF, days)
    inside = in_window(frame, "t", start, end)
    outside = frame.drop(inside.index)
    changed = outside.assign(x=[rnd.randint(-999, -1) for _ in range(len(outside))])
    order = list(range(len(frame)))
    rnd.shuffle(order)
    other = pd.concat([inside, changed]).iloc[order]
    again = in_window(other, "t", start, end)
    assert sorted(again.x) == sorted(inside.x)
