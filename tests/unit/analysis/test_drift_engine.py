"""Drift counted in the engine equals drift computed in memory on the same window."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aipo_widgets.analysis.drift import drift
from aipo_widgets.analysis.drift_engine import window_drift
from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.analysis.sources import read_window
from aipo_widgets.errors import DataError
from aipo_widgets.model.schema import DataSource

AS_OF = dt.date(2026, 11, 30)


def _frames(n: int = 6000, seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    ref = pd.DataFrame({"x": rng.normal(0, 1, n), "k": rng.integers(0, 50, n),
                        "plan": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2]),
                        "flag": rng.random(n) < 0.3})
    days = pd.date_range("2026-11-01", periods=30).strftime("%Y-%m-%d")
    log = pd.DataFrame({"t": rng.choice(days, n), "x": rng.normal(0.3, 1.2, n),
                        "k": rng.integers(0, 60, n),
                        "plan": rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1]),
                        "flag": rng.random(n) < 0.4})
    log.loc[::97, "x"] = np.nan
    log.loc[::89, "plan"] = None
    return ref, log


@pytest.mark.parametrize(("suffix", "k"), [("parquet", 100_000), ("csv", 500)])
def test_counts_in_the_engine_give_the_in_memory_numbers(tmp_path: Path, suffix: str,
                                                        k: int) -> None:
    ref, log = _frames()
    getattr(log, f"to_{suffix}")(tmp_path / f"log.{suffix}", index=False)
    frozen = Reference.from_frame(ref, sketch_size=500)
    src = DataSource(id="log", name="Log", location=f"log.{suffix}", time_column="t")
    report, window = window_drift(tmp_path, src, frozen, as_of=AS_OF, days=10, sketch_size=k)
    rows, same = read_window(tmp_path, src, as_of=AS_OF, days=10)
    memory = drift(frozen, rows)
    assert (window.rows, window.undated) == (same.rows, same.undated) and window.rows > 1000
    assert report.verdict == memory.verdict
    for col in ("x", "k", "plan", "flag"):
        e, m = report[col], memory[col]
        assert (e.cur_counts, e.n_cur, e.missing_cur, e.verdict) == (
            m.cur_counts, m.n_cur, m.missing_cur, m.verdict), col
        assert e.psi == pytest.approx(m.psi, rel=1e-12) and e.js == pytest.approx(m.js, rel=1e-12)
        if e.kind == "categorical":
            assert (e.chi2, e.unseen) == (pytest.approx(m.chi2), m.unseen)
        else:
            # all of the window's values (k above its rows) or a sample of them: within the
            # stated bounds of the in-memory figures, equal when not sampled
            assert abs(e.ks - m.ks) <= e.ks_error_bound + 1e-12
            assert abs(e.wasserstein_raw - m.wasserstein_raw) <= e.w1_error_bound + 1e-12
            assert (e.ks_error_bound > m.ks_error_bound) == (k < e.n_cur)


def test_a_column_missing_from_the_source(tmp_path: Path) -> None:
    ref, log = _frames(500)
    log.drop(columns="plan").to_parquet(tmp_path / "log.parquet")
    src = DataSource(id="log", name="Log", location="log.parquet", time_column="t")
    with pytest.raises(DataError, match="has no column 'plan'"):
        window_drift(tmp_path, src, Reference.from_frame(ref), as_of=AS_OF, days=7)
