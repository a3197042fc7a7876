"""Sources through Ibis: files in DuckDB (CSV, Parquet, JSON; file, glob, folder), PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from aipo_widgets.analysis import measure
from aipo_widgets.analysis.source_engines import open_source, to_frame
from aipo_widgets.analysis.sources import (
    in_window,
    missing_files,
    read_source,
    read_window,
)
from aipo_widgets.errors import DataError
from aipo_widgets.model.schema import DataSource, Workspace

AS_OF = dt.date(2026, 11, 22)


def _log(n: int = 60, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    days = [AS_OF - dt.timedelta(days=int(d)) for d in rng.integers(-3, 40, n)]
    return pd.DataFrame({
        "t": [f"{d.isoformat()}T{int(h):02d}:15:00"
              for d, h in zip(days, rng.integers(0, 24, n), strict=True)],
        "region": rng.choice(["eu", "uk", "us"], n),
        "score": rng.random(n).round(4),
        "label": rng.integers(0, 2, n),
        "id": range(n),
    })


def src(**kw) -> DataSource:
    return DataSource(id="log", name="Log", **kw)


# --------------------------------------------------------------------------------------------
# files through DuckDB


def test_csv_reads_as_pandas_reads_it(tmp_path: Path) -> None:
    frame = _log()
    frame.loc[3, "score"] = None
    frame.to_csv(tmp_path / "log.csv", index=False)
    got = read_source(tmp_path, src(location="log.csv"))
    pd.testing.assert_frame_equal(got, pd.read_csv(tmp_path / "log.csv"), check_dtype=False)
    assert got["t"].dtype == pd.read_csv(tmp_path / "log.csv")["t"].dtype  # dates stay text


def test_parquet_file_glob_and_partitioned_folder_read_the_same_rows(tmp_path: Path) -> None:
    frame = _log(90)
    frame.to_parquet(tmp_path / "one.parquet")
    parts = tmp_path / "parts"
    for region, part in frame.groupby("region"):
        (parts / f"region={region}").mkdir(parents=True)
        part.drop(columns="region").to_parquet(parts / f"region={region}" / "p0.parquet")
    (tmp_path / "daily").mkdir()
    for i, start in enumerate(range(0, 90, 30)):
        chunk = frame.iloc[start:start + 30]
        chunk.to_parquet(tmp_path / "daily" / f"2026-11-{i:02d}.parquet")

    def ids(location: str) -> list[int]:
        return sorted(read_source(tmp_path, src(location=location))["id"])

    assert ids("one.parquet") == ids("daily/*.parquet") == ids("daily") == ids("parts/")
    by_region = read_source(tmp_path, src(location="parts", where={"region": "uk"}))
    assert sorted(by_region["id"]) == sorted(frame[frame.region == "uk"]["id"])


def test_json_and_json_lines(tmp_path: Path) -> None:
    rows = _log(10).to_dict("records")
    (tmp_path / "a.json").write_text(json.dumps(rows))
    (tmp_path / "b.jsonl").write_text("\n".join(json.dumps(r) for r in rows))
    a = read_source(tmp_path, src(location="a.json"))
    b = read_source(tmp_path, src(location="b.jsonl"))
    assert a["id"].tolist() == b["id"].tolist() == list(range(10))


def test_only_the_asked_columns_come_back(tmp_path: Path) -> None:
    _log().to_parquet(tmp_path / "log.parquet")
    got = read_source(tmp_path, src(location="log.parquet"), columns=["id", "score"])
    assert list(got.columns) == ["id", "score"]
    rows, _ = read_window(tmp_path, src(location="log.parquet", time_column="t"), as_of=AS_OF,
                          days=7, columns=["score"])
    assert list(rows.columns) == ["score"]


@pytest.mark.parametrize("suffix", ["csv", "parquet"])
def test_window_in_the_engine_equals_the_window_in_memory(tmp_path: Path, suffix: str) -> None:
    frame = _log(200, seed=3)
    frame.loc[5, "t"] = None
    if suffix == "parquet":
        frame.assign(t=pd.to_datetime(frame["t"])).to_parquet(tmp_path / "log.parquet")
    else:
        frame.to_csv(tmp_path / "log.csv", index=False)
    source = src(location=f"log.{suffix}", time_column="t", where={"region": {"none_of": ["us"]}})
    rows, window = read_window(tmp_path, source, as_of=AS_OF, days=7)
    kept = frame[frame.region != "us"]
    expected = in_window(kept, "t", window.start, window.end)
    assert rows["id"].tolist() == expected["id"].tolist()
    assert window.rows == len(expected) and window.undated == 1


def test_typed_filters_sets_ranges_and_dates(tmp_path: Path) -> None:
    frame = _log(300, seed=1)
    frame.to_csv(tmp_path / "log.csv", index=False)

    def ids(**where) -> list[int]:
        return read_source(tmp_path, src(location="log.csv", where=where))["id"].tolist()

    assert ids(region={"any_of": ["eu", "uk"]}) == frame[frame.region != "us"]["id"].tolist()
    assert ids(score={"min": 0.25, "max": 0.5}) == frame[frame.score.between(0.25, 0.5)][
        "id"].tolist()
    assert ids(label=1) == frame[frame.label == 1]["id"].tolist()
    day = pd.to_datetime(frame.t.str[:10])
    assert ids(t={"since": "2026-11-01", "until": "2026-11-10"}) == frame[
        day.between("2026-11-01", "2026-11-10")]["id"].tolist()
    with pytest.raises(DataError, match="no row matches where"):
        ids(region="mars")


def test_an_empty_filter_or_a_reversed_range_is_refused() -> None:
    for where in ({"x": {}}, {"x": {"min": 2, "max": 1}}, {"x": {"since": "2026-02-01",
                                                                "until": "2026-01-01"}}):
        with pytest.raises(ValidationError):
            src(location="x.csv", where=where)


# --------------------------------------------------------------------------------------------
# errors a person can cause, through the files engine


def test_a_missing_column_names_the_field_and_a_close_name(tmp_path: Path) -> None:
    _log().to_csv(tmp_path / "log.csv", index=False)
    with pytest.raises(DataError) as err:
        read_source(tmp_path, src(location="log.csv", where={"regoin": "eu"}))
    p = err.value.problems[0]
    assert (p.path, p.code) == ("data_map.sources[log].where.regoin", "missing_column")
    assert p.fix == "did you mean 'region'?"
    with pytest.raises(DataError, match="has no column 'when'") as err:
        read_window(tmp_path, src(location="log.csv", time_column="when"), as_of=AS_OF, days=7)
    assert err.value.problems[0].path == "data_map.sources[log].time_column"


def test_missing_files_globs_and_remote_locations(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="does not exist"):
        read_source(tmp_path, src(location="nope.csv"))
    with pytest.raises(DataError, match="no file matches"):
        read_source(tmp_path, src(location="logs/*.parquet"))
    with pytest.raises(DataError, match="not a local path") as err:
        read_source(tmp_path, src(location="https://example.invalid/log.parquet"))
    assert "no extension is downloaded" in str(err.value)
    (tmp_path / "mixed").mkdir()
    (tmp_path / "mixed" / "a.csv").write_text("x\n1\n")
    (tmp_path / "mixed" / "b.parquet").write_bytes(b"")
    with pytest.raises(DataError, match="cannot tell the format") as err:
        read_source(tmp_path, src(location="mixed"))
    assert err.value.problems[0].fix == "set format: csv, parquet or json"
    problems = missing_files(tmp_path, [src(location="nope.csv"), src(location="SAP CRM"),
                                        src(location="logs/")])
    assert [p.path for p in problems] == ["data_map.sources[0].location",
                                          "data_map.sources[2].location"]


def test_a_file_that_is_not_what_its_suffix_says(tmp_path: Path) -> None:
    (tmp_path / "log.parquet").write_text("t,x\n2026-11-02,1\n")
    with pytest.raises(DataError, match="cannot be read as parquet"):
        read_source(tmp_path, src(location="log.parquet"))
    got = read_source(tmp_path, src(location="log.parquet", format="csv"))
    assert got["x"].tolist() == [1]


def test_a_time_column_without_dates(tmp_path: Path) -> None:
    pd.DataFrame({"t": [1, 2], "x": [1, 2]}).to_csv(tmp_path / "log.csv", index=False)
    with pytest.raises(DataError, match="holds int64, not dates"):
        read_window(tmp_path, src(location="log.csv", time_column="t"), as_of=AS_OF, days=7)


def test_duckdb_downloads_no_extension(tmp_path: Path) -> None:
    (tmp_path / "x.csv").write_text("x\n1\n")
    with open_source(tmp_path, src(location="x.csv")) as table:
        con = table._find_backend()
        settings = con.raw_sql("SELECT current_setting('autoinstall_known_extensions'), "
                               "current_setting('autoload_known_extensions')").fetchall()
        assert settings == [(False, False)]
        assert to_frame(table)["x"].tolist() == [1]


def test_load_frames_reads_a_folder_and_skips_system_names(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    _log(5).to_parquet(tmp_path / "logs" / "a.parquet")
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "data_map": {
        "sources": [{"id": "logs", "name": "Logs", "location": "logs"},
                    {"id": "crm", "name": "CRM", "location": "SAP CRM"}]}})
    frames, gates = measure.load_frames(tmp_path, ws)
    assert list(frames) == ["logs"] and len(frames["logs"]) == 5 and gates == []


# --------------------------------------------------------------------------------------------
# PostgreSQL


def test_the_model_keeps_database_passwords_out_of_the_file() -> None:
    with pytest.raises(ValidationError, match="holds a password"):
        src(engine="postgres", url="postgresql://kit:secret@db:5432/shop", table="t")
    with pytest.raises(ValidationError, match="needs a table or a query"):
        src(engine="postgres", url="postgresql://kit@db:5432/shop")
    with pytest.raises(ValidationError, match="set engine: postgres"):
        src(location="x.csv", table="orders")
    with pytest.raises(ValidationError, match="postgresql:// URL"):
        src(engine="postgres", url="mysql://kit@db/shop", table="t")


@pytest.fixture(scope="module")
def pg_log(pg_server):
    frame = _log(500, seed=7)
    with pg_server.connect() as con:
        con.execute("DROP TABLE IF EXISTS public.prod_log")
        con.execute("CREATE TABLE public.prod_log (t timestamp, region text, score double "
                    "precision, label integer, id integer)")
        with con.cursor().copy("COPY public.prod_log FROM STDIN") as copy:
            for row in frame.itertuples(index=False):
                copy.write_row(row)
    return frame


def pg(server, **kw) -> DataSource:
    kw.setdefault("table", "public.prod_log")
    return src(engine="postgres", url=server.url, password_env="AIPO_TEST_PG_PASSWORD", **kw)


def test_postgres_table_query_and_window(pg_server, pg_log, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("AIPO_TEST_PG_PASSWORD", pg_server.password)
    table = read_source(tmp_path, pg(pg_server, where={"region": {"any_of": ["eu"]}}))
    assert sorted(table["id"]) == sorted(pg_log[pg_log.region == "eu"]["id"])
    query = read_source(tmp_path, pg(pg_server, table="",
                                     query="SELECT id, score FROM prod_log WHERE label = 1"))
    assert sorted(query["id"]) == sorted(pg_log[pg_log.label == 1]["id"])
    rows, window = read_window(tmp_path, pg(pg_server, time_column="t"), as_of=AS_OF, days=7,
                               columns=["id"])
    expected = in_window(pg_log, "t", window.start, window.end)
    assert sorted(rows["id"]) == sorted(expected["id"]) and window.rows == len(expected)


def test_postgres_errors_a_person_can_cause(pg_server, pg_log, tmp_path, monkeypatch) -> None:
    monkeypatch.delenv("AIPO_TEST_PG_PASSWORD", raising=False)
    with pytest.raises(DataError, match=r"AIPO_TEST_PG_PASSWORD .* is not set") as err:
        read_source(tmp_path, pg(pg_server))
    assert err.value.problems[0].path == "data_map.sources[log].password_env"
    monkeypatch.setenv("AIPO_TEST_PG_PASSWORD", "wrong")
    with pytest.raises(DataError, match="cannot connect") as err:
        read_source(tmp_path, pg(pg_server))
    assert "wrong" not in str(err.value)
    assert "check the user in url and the password in AIPO_TEST_PG_PASSWORD" in str(err.value)
    monkeypatch.setenv("AIPO_TEST_PG_PASSWORD", pg_server.password)
    with pytest.raises(DataError, match=r"table public\.prod_logs cannot be read") as err:
        read_source(tmp_path, pg(pg_server, table="public.prod_logs"))
    assert err.value.problems[0].fix == "did you mean 'prod_log'?"
    with pytest.raises(DataError, match="its query fails") as err:
        read_source(tmp_path, pg(pg_server, table="", query="SELECT nope FROM prod_log"))
    assert err.value.problems[0].path == "data_map.sources[log].query"
    down = src(engine="postgres", url="postgresql://aipo@127.0.0.1:1/postgres", table="t")
    with pytest.raises(DataError, match="cannot connect") as err:
        read_source(tmp_path, down)
    assert err.value.problems[0].code == "engine_unavailable"


# --------------------------------------------------------------------------------------------
# where in aipo.yaml an unreadable source is declared


def test_an_unreadable_source_gate_names_the_line_field_and_fix(tmp_path: Path,
                                                                 monkeypatch) -> None:
    from aipo_widgets.model.workspace import load

    monkeypatch.delenv("AIPO_NO_SUCH_PASSWORD", raising=False)
    _log().to_csv(tmp_path / "log.csv", index=False)
    (tmp_path / "aipo.yaml").write_text("""\
product: {name: x, owner: y}
data_map:
  sources:
    - id: log
      name: Log
      location: log.csv
      where:
        regoin: eu
      columns: {score: scroe}
    - id: db
      name: Warehouse
      engine: postgres
      url: postgresql://reader@127.0.0.1:1/shop
      password_env: AIPO_NO_SUCH_PASSWORD
      table: orders
""")
    wf = load(tmp_path)
    frames, gates = measure.load_frames(tmp_path, wf.workspace, locate=wf.locate)
    assert frames == {}
    log, db = (g.detail for g in gates)
    yaml = str(tmp_path / "aipo.yaml")
    assert f"{yaml}:9:24: data_map.sources[0].columns.score: data source 'log' has no column " \
           "'scroe' (did you mean 'score'?)" in log
    assert f"{yaml}:8:17: data_map.sources[0].where.regoin:" in log
    assert db.startswith(f"{yaml}:14:21: data_map.sources[1].password_env: data source 'db': "
                         "the environment variable AIPO_NO_SUCH_PASSWORD")
