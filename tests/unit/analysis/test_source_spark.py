"""A Parquet source read through Spark (pyspark, local mode) gives DuckDB's drift counts.

One Spark session serves the whole test run (the `spark_session` fixture of conftest.py);
these tests keep to a few Spark jobs, since each costs seconds on a small machine.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from aipo_widgets.analysis.drift_engine import window_drift
from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.analysis.sources import read_source
from aipo_widgets.errors import DataError
from aipo_widgets.model.schema import DataSource

AS_OF = dt.date(2026, 11, 30)


@pytest.mark.slow
def test_spark_counts_the_drift_duckdb_counts(spark_session, tmp_path: Path) -> None:
    rng = np.random.default_rng(11)
    n = 4000
    ref = pd.DataFrame({"x": rng.normal(0, 1, n),
                        "plan": rng.choice(["a", "b", "c"], n, p=[0.5, 0.3, 0.2])})
    days = pd.date_range("2026-11-01", periods=30).strftime("%Y-%m-%d")
    log = pd.DataFrame({"t": rng.choice(days, n), "x": rng.normal(0.3, 1.2, n),
                        "plan": rng.choice(["a", "b", "c", "d"], n, p=[0.4, 0.3, 0.2, 0.1])})
    log.loc[::97, "x"] = np.nan
    log.loc[::89, "plan"] = None
    log.loc[::501, "t"] = None  # undated rows: in no window
    (tmp_path / "logs").mkdir()
    for part, rows in enumerate((log.iloc[:n // 2], log.iloc[n // 2:])):  # a folder of two
        rows.to_parquet(tmp_path / "logs" / f"part-{part}.parquet", index=False)
    frozen = Reference.from_frame(ref, sketch_size=500)
    found = {}
    for engine in ("duckdb", "spark"):
        src = DataSource(id="log", name="Log", location="logs/", time_column="t", engine=engine)
        found[engine] = window_drift(tmp_path, src, frozen, as_of=AS_OF, days=10)
    (duck, duck_window), (spark, spark_window) = found["duckdb"], found["spark"]
    assert (spark_window.rows, spark_window.undated) == (duck_window.rows, duck_window.undated)
    assert duck_window.rows > 1000 and duck_window.undated == 8
    assert spark.verdict == duck.verdict
    for col in ("x", "plan"):
        s, d = spark[col], duck[col]
        assert (s.cur_counts, s.n_cur, s.missing_cur) == (d.cur_counts, d.n_cur, d.missing_cur)
        assert s.psi == pytest.approx(d.psi, rel=1e-12) and s.js == pytest.approx(d.js, rel=1e-12)
    assert spark["x"].ks == pytest.approx(duck["x"].ks, rel=1e-12)  # all values: exact


@pytest.mark.slow
def test_spark_errors_name_the_source(spark_session, tmp_path: Path) -> None:
    with pytest.raises(DataError) as err:
        read_source(tmp_path, DataSource(id="log", name="Log", location="nothere/*.parquet",
                                         engine="spark"))
    assert err.value.problems[0].path == "data_map.sources[log].location"
    with pytest.raises(DataError) as err:
        read_source(tmp_path, DataSource(id="log", name="Log", table="no_such_table",
                                         engine="spark"))
    assert "table no_such_table cannot be read" in err.value.problems[0].message


def test_a_spark_source_reads_files_a_table_or_a_query() -> None:
    with pytest.raises(ValidationError, match="one of them"):
        DataSource(id="a", name="A", engine="spark", location="logs/", table="prod.calls")
    with pytest.raises(ValidationError, match="has no url"):
        DataSource(id="a", name="A", engine="spark", table="prod.calls",
                   url="postgresql://x@h/db")
    assert DataSource(id="a", name="A", engine="spark", table="prod.calls").table == "prod.calls"
