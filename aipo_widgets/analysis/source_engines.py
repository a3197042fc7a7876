r"""Opening a data source in its engine, through Ibis: files in DuckDB, PostgreSQL, Spark.

Ibis compiles one expression API to each engine's SQL, so the kit writes no SQL dialect by
hand: a source becomes an Ibis table expression (:func:`open_source`), its ``where`` filter and
a window become predicates on it (:func:`where_predicates`, :func:`day_of`), and only the result
comes back as a pandas frame (:func:`to_frame`).

DuckDB runs embedded, in memory, and never downloads an extension: Parquet, JSON and the
time-zone functions are built into its Python wheel, and installing or loading any other
extension (``httpfs`` for remote files, say) is switched off, so a location must be a local
file, glob or folder. CSV columns are typed as pandas would type them (booleans, integers,
decimals, text); dates stay ISO text and are parsed where a window or filter needs a day.

Every failure a person can cause (a missing file, a missing environment variable, a wrong
password, a server that is down, a table or column that does not exist) raises
:class:`~aipo_widgets.errors.DataError` naming the source, the field of ``aipo.yaml`` and the
fix.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.model.schema import DataSource
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "log.csv").write_text("t,x\n2026-11-02,1\n2026-11-03,2\n")
>>> with open_source(folder, DataSource(id="log", name="Log", location="log.csv")) as table:
...     print(to_frame(table.filter(table.x > 1)).to_dict("records"))
[{'t': '2026-11-03', 'x': 2}]
"""

from __future__ import annotations

import contextlib
import glob
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from aipo_widgets._text import suggest
from aipo_widgets.analysis.source_traces import read_traces
from aipo_widgets.errors import DataError, Problem
from aipo_widgets.model.source_access import RowFilter

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir
    import pandas as pd

    from aipo_widgets.model.schema import DataSource

__all__ = [
    "SUFFIXES",
    "day_of",
    "file_format",
    "is_file_location",
    "open_source",
    "place",
    "quiet",
    "require_columns",
    "resolve_files",
    "to_frame",
    "where_predicates",
]

#: File suffixes and the format DuckDB reads them as (a compression suffix may follow).
SUFFIXES = {".csv": "csv", ".tsv": "csv", ".txt": "csv", ".parquet": "parquet",
            ".pq": "parquet", ".json": "json", ".jsonl": "json", ".ndjson": "json"}
_COMPRESSION = (".gz", ".zst")
# CSV columns typed as pandas.read_csv types them: ISO dates stay text.
_CSV_TYPES = ["BOOLEAN", "BIGINT", "DOUBLE", "VARCHAR"]
# Seconds a database may take to answer a connection.
CONNECT_TIMEOUT = 10


def place(source: DataSource, field: str = "") -> str:
    """Return the YAML path of a source's field, e.g. ``data_map.sources[log].where``."""
    return f"data_map.sources[{source.id}]" + (f".{field}" if field else "")


def _fail(source: DataSource, message: str, field: str = "", fix: str = "",
          file: str = "", code: str = "") -> DataError:
    return DataError([Problem(f"data source '{source.id}': {message}", path=place(source, field),
                              file=file, fix=fix, code=code)])


def file_format(path: str | os.PathLike[str]) -> str | None:
    """Return the format of a file from its suffix (csv, parquet or json), None if unknown.

    Examples
    --------
    >>> file_format("logs/2026-11.parquet"), file_format("a.jsonl.gz"), file_format("README")
    ('parquet', 'json', None)
    """
    suffixes = [s.lower() for s in Path(path).suffixes]
    while suffixes and suffixes[-1] in _COMPRESSION:
        suffixes.pop()
    return SUFFIXES.get(suffixes[-1]) if suffixes else None


def _has_glob(location: str) -> bool:
    return any(c in location for c in "*?[")


def is_file_location(folder: str | os.PathLike[str], source: DataSource) -> bool:
    """Tell whether a files source's location names data to read, not a system's name.

    A location is data when it has a file suffix, is a glob, ends with ``/`` or is a folder;
    a name such as ``SAP CRM`` only documents where the data lives.

    Examples
    --------
    >>> from aipo_widgets.model.schema import DataSource
    >>> [is_file_location(".", DataSource(id="a", name="A", location=loc))
    ...  for loc in ("data/x.csv", "logs/*.parquet", "logs/", "SAP CRM", "")]
    [True, True, True, False, False]
    """
    loc = source.location
    if source.engine != "duckdb" or not loc:
        return False
    if file_format(loc) or _has_glob(loc) or loc.endswith(("/", os.sep)):
        return True
    path = Path(loc) if Path(loc).is_absolute() else Path(folder) / loc
    return path.is_dir()


def resolve_files(folder: str | os.PathLike[str], source: DataSource) -> tuple[list[str], str,
                                                                               bool]:
    """Return the files a files source reads, their format and whether they are partitioned.

    Raises
    ------
    DataError
        When the location is remote, missing or matches no file, or the format is unknown.
    """
    loc = source.location
    if not loc:
        raise _fail(source, "has no location", "location",
                    fix="set location to a CSV, Parquet or JSON file, a glob or a folder in the "
                        "workspace")
    if "://" in loc:
        raise _fail(source, f"{loc} is not a local path; the embedded engine reads local files "
                    "only (no extension is downloaded)", "location",
                    fix="copy the files into the workspace, or read a database with engine: "
                        "postgres")
    path = Path(loc) if Path(loc).is_absolute() else Path(folder) / loc
    if _has_glob(loc):
        files = sorted(f for f in glob.glob(str(path), recursive=True) if Path(f).is_file())
        if not files:
            raise _fail(source, f"no file matches {path}", "location",
                        fix="check the pattern; ** matches any depth of folders")
    elif path.is_dir():
        files = sorted(str(f) for f in path.rglob("*")
                       if f.is_file() and not f.name.startswith((".", "_"))
                       and (file_format(f) or source.format))
        if not files:
            raise _fail(source, f"the folder {path} holds no CSV, Parquet or JSON file",
                        "location", fix="put the files there, or set format for files "
                                        "without a suffix")
    elif path.is_file():
        files = [str(path)]
    else:
        raise DataError([Problem(f"data source '{source.id}': {path} does not exist",
                                 path=place(source, "location"), file=str(path),
                                 fix="check data_map.sources location", code="missing_data")])
    fmt: str | None = source.format
    if fmt is None:
        found = {file_format(f) for f in files}
        if None in found or len(found) != 1:
            shown = ", ".join(sorted(str(f) for f in found))
            raise _fail(source, f"cannot tell the format of {loc} (found: {shown})", "format",
                        fix="set format: csv, parquet or json")
        fmt = found.pop()
    assert fmt is not None
    base = Path(loc).parent if _has_glob(loc) else Path(loc)
    hive = any("=" in part for f in files
               for part in Path(f).parent.parts[len((Path(folder) / base).parts):])
    return files, fmt, hive


def _duckdb() -> Any:
    import ibis

    # No extension is installed or loaded on demand: a remote path fails instead of downloading
    # httpfs. Times with a zone count in UTC, whatever the machine's zone.
    con = ibis.duckdb.connect(autoinstall_known_extensions=False,
                              autoload_known_extensions=False)
    con.raw_sql("SET TimeZone = 'UTC'")
    return con


def _read_files(con: Any, folder: str | os.PathLike[str], source: DataSource) -> ir.Table:
    import duckdb

    files, fmt, hive = resolve_files(folder, source)
    options: dict[str, Any] = {"hive_partitioning": True} if hive else {}
    try:
        if fmt == "otlp":
            return read_traces(con, files)
        if fmt == "parquet":
            return con.read_parquet(files, **options)
        if fmt == "json":
            return con.read_json(files, **options)
        return con.read_csv(files, auto_type_candidates=_CSV_TYPES, **options)
    except duckdb.Error as exc:
        raise _fail(source, f"{source.location} cannot be read as {fmt}: {_first_line(exc)}",
                    "location", file=files[0],
                    fix="check the file, or set format to what it holds") from None


#: The Spark master of a session the kit starts itself (one on this machine by default).
SPARK_MASTER_ENV = "AIPO_SPARK_MASTER"


def _spark(source: DataSource) -> Any:
    try:
        import ibis
        from pyspark.sql import SparkSession
    except ImportError:
        raise _fail(source, "the Spark engine is not installed", "engine",
                    code="engine_unavailable",
                    fix="pip install 'aipo-kit[spark]' (pyspark; Spark also needs Java 17 or "
                        "21: sudo apt-get install -y default-jre-headless)") from None
    try:
        session = SparkSession.getActiveSession() or (
            SparkSession.builder.master(os.environ.get(SPARK_MASTER_ENV, "local[*]"))
            .appName("aipo-kit").config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC").getOrCreate())
        return ibis.pyspark.connect(session)
    except Exception as exc:
        raise _fail(source, f"Spark cannot start: {_first_line(exc)}", "engine",
                    code="engine_unavailable",
                    fix="Spark needs Java 17 or 21 (sudo apt-get install -y "
                        f"default-jre-headless), and {SPARK_MASTER_ENV} a master it can "
                        "reach") from None


def _spark_table(con: Any, folder: str | os.PathLike[str], source: DataSource) -> ir.Table:
    if source.table or source.query:
        return _database_table(con, source)
    loc = source.location
    if "://" in loc:  # the cluster's own storage: Spark reads it, the kit cannot look
        path, fmt = loc, source.format or file_format(loc)
        if fmt is None:
            raise _fail(source, f"cannot tell the format of {loc}", "format",
                        fix="set format: csv, parquet or json")
    else:
        _, fmt, _ = resolve_files(folder, source)  # there, and of one format
        path = str(Path(loc) if Path(loc).is_absolute() else Path(folder) / loc)
    if fmt == "otlp":
        raise _fail(source, "OpenTelemetry traces are read by DuckDB", "engine",
                    fix="remove engine: spark (DuckDB reads the export where it lies)")
    try:
        if fmt == "parquet":
            return con.read_parquet(path)
        if fmt == "json":
            return con.read_json(path)
        return con.read_csv(path, header=True, inferSchema=True)
    except Exception as exc:
        raise _fail(source, f"{loc} cannot be read as {fmt} by Spark: {_first_line(exc)}",
                    "location", fix="check the files, or set format to what they hold") \
            from None


def _password(source: DataSource) -> str | None:
    if not source.password_env:
        return None
    value = os.environ.get(source.password_env)
    if value is None:
        raise _fail(source, f"the environment variable {source.password_env} (its password) is "
                    "not set", "password_env", code="missing_secret",
                    fix=f"set {source.password_env} in the environment that runs the kit, e.g. "
                        f"export {source.password_env}=... in the shell or the CI's secrets")
    return value


def _postgres(source: DataSource) -> Any:
    import ibis

    parts = urlsplit(source.url)
    password = _password(source)
    options = dict(parse_qsl(parts.query))
    options.setdefault("connect_timeout", str(CONNECT_TIMEOUT))
    try:
        return ibis.postgres.connect(
            host=parts.hostname or "localhost", port=parts.port or 5432,
            user=unquote(parts.username) if parts.username else None, password=password,
            database=unquote(parts.path.lstrip("/")) or None, **options)
    except Exception as exc:
        text = _first_line(exc)
        if "password" in text or "authentication" in text:
            fix = (f"check the user in url and the password in {source.password_env}"
                   if source.password_env else
                   "name the environment variable holding the password in password_env")
        else:
            fix = "check that the server runs and the url's host, port and database"
        redacted = source.url  # the URL of aipo.yaml holds no password
        raise _fail(source, f"cannot connect to {redacted}: {text}", "url", fix=fix,
                    code="engine_unavailable") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0].strip() if text else type(exc).__name__


def _database_table(con: Any, source: DataSource) -> ir.Table:
    if source.query:
        try:
            return con.sql(source.query, dialect="spark" if source.engine == "spark" else None)
        except Exception as exc:
            raise _fail(source, f"its query fails: {_first_line(exc)}", "query",
                        fix="run the query in the database's own client and correct it") from None
    schema, _, name = source.table.rpartition(".")
    try:
        return con.table(name, database=schema or None)
    except Exception as exc:
        existing = _tables(con, schema)
        raise _fail(source, f"table {source.table} cannot be read: {_first_line(exc)}",
                    "table", fix=suggest(name, existing, label="tables", listed=12,
                                         none="the database has no table there")) from None


def _tables(con: Any, schema: str) -> list[str]:
    try:
        return sorted(con.list_tables(database=schema or None))
    except Exception:
        return []


@contextlib.contextmanager
def open_source(folder: str | os.PathLike[str], source: DataSource) -> Iterator[ir.Table]:
    """Open a data source in its engine as an Ibis table; close the connection after.

    Parameters
    ----------
    folder : path
        The workspace folder (file locations are relative to it).
    source : aipo_widgets.model.schema.DataSource
        The source.

    Yields
    ------
    ibis.expr.types.Table
        The source's rows, unfiltered; build on it and run it with :func:`to_frame`.

    Raises
    ------
    DataError
        When the source cannot be opened.
    """
    if source.engine == "spark":
        # The Spark session outlives the source: starting one takes tens of seconds, and
        # disconnecting Ibis' backend would stop it for every later read.
        with quiet():
            table = _spark_table(_spark(source), folder, source)
        yield table
        return
    con = _postgres(source) if source.engine == "postgres" else _duckdb()
    try:
        with quiet():
            table = (_database_table(con, source) if source.engine == "postgres"
                     else _read_files(con, folder, source))
        yield table
    finally:
        with contextlib.suppress(Exception):
            con.disconnect()


#: The ``DataFrame.attrs`` key naming the file a frame was read from (errors about its columns
#: name it: :func:`aipo_widgets.analysis._checks.as_numeric`).
SOURCE_ATTR = "aipo_source"


def to_frame(expr: ir.Table, source: DataSource | None = None) -> pd.DataFrame:
    """Run an expression in its engine and return the result as a pandas frame.

    Columns come typed as :func:`pandas.read_csv` types them (integers with gaps as floats,
    text as strings).
    """
    try:
        with quiet():
            frame = expr.to_pyarrow().to_pandas()
        if source is not None:
            # Carried by the frame's columns, so that a later error names the file too.
            frame.attrs[SOURCE_ATTR] = source.location or f"data source '{source.id}'"
        return frame
    except Exception as exc:
        if source is None or isinstance(exc, DataError):
            raise
        raise _fail(source, f"cannot be read: {_first_line(exc)}", "location",
                    fix="check the data and the source's where filter") from None


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence the notices Ibis 12 and pyspark raise on pandas 3 and DuckDB 1.5 (not ours)."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*fetch_arrow_table", category=Warning)
        warnings.filterwarnings("ignore", message=".*future.infer_string", category=Warning)
        # pyspark 4.0 on pandas 3: its own notices about pandas' changes, not ours
        warnings.filterwarnings("ignore", category=Warning, module=r"pyspark\.")
        yield


def require_columns(table: ir.Table, source: DataSource, wanted: dict[str, str]) -> None:
    """Check that the columns a source's fields name exist in it.

    Parameters
    ----------
    table : ibis.expr.types.Table
        The opened source.
    source : DataSource
        The source.
    wanted : dict
        The field of ``aipo.yaml`` (e.g. ``time_column`` or ``where.period``) for each column.

    Raises
    ------
    DataError
        Naming each missing column, the field that names it, a close name and the columns.
    """
    have = list(table.columns)
    problems = []
    for field, column in wanted.items():
        if column in have:
            continue
        problems.append(Problem(
            f"data source '{source.id}' has no column '{column}'", path=place(source, field),
            code="missing_column", fix=suggest(column, have, label="its columns", listed=15)))
    if problems:
        raise DataError(problems)


def day_of(table: ir.Table, column: str, source: DataSource,
           field: str = "time_column") -> tuple[Any, Any]:
    """Return the day of each row as an Ibis date expression, and the rows that have none.

    A date or timestamp column gives its day (a timestamp with a zone, its UTC day); ISO text
    (``2026-11-02``, ``2026-11-02T07:12:00+01:00``, a month ``2026-11`` as its first day) its
    own local date, as :func:`aipo_widgets.analysis.sources.row_days` reads it.

    Returns
    -------
    day, bad
        The day (null where the row has no time) and a boolean expression true where the text
        is not an ISO date (None for a date or timestamp column).

    Raises
    ------
    DataError
        When the column holds neither dates nor text.
    """
    import ibis

    col = table[column]
    dtype = col.type()
    if dtype.is_timestamp():
        return col.date(), None
    if dtype.is_date():
        return col, None
    if dtype.is_string():
        text = col.strip()
        iso = ibis.ifelse(text.length() == 7, text.concat("-01"), text.substr(0, 10))
        iso = ibis.ifelse(iso.re_search(r"^\d{4}-\d{2}-\d{2}$"), iso, ibis.null("string"))
        day = iso.try_cast("date")
        bad = text.notnull() & (text != "") & day.isnull()
        return day, bad
    raise _fail(source, f"column '{column}' holds {dtype}, not dates", field,
                fix="name a column of dates, timestamps or ISO text (YYYY-MM-DD...)")


def _equals(col: Any, value: Any) -> Any:
    dtype = col.type()
    if dtype.is_boolean() and isinstance(value, str) and value.lower() in ("true", "false"):
        return col == (value.lower() == "true")
    if dtype.is_numeric() and not isinstance(value, bool):
        try:
            return col == float(value)
        except ValueError:
            pass
    if dtype.is_string():
        return col == str(value)
    if dtype.is_boolean() and isinstance(value, bool):
        return col == value
    # A value of another type than the column: compared as text, as a person reads both.
    text = str(value).lower() if isinstance(value, bool) else str(value)
    return col.cast("string") == text


def where_predicates(table: ir.Table, source: DataSource) -> list[Any]:
    """Return the source's ``where`` filter as Ibis predicates (all must hold).

    Raises
    ------
    DataError
        When a filter names a column the source does not have, or a date range a column
        without dates.
    """
    import ibis

    require_columns(table, source, {f"where.{c}": c for c in source.where})
    out = []
    for column, spec in source.where.items():
        col = table[column]
        if not isinstance(spec, RowFilter):
            out.append(_equals(col, spec))
            continue
        if spec.any_of:
            out.append(ibis.or_(*[_equals(col, v) for v in spec.any_of]))
        if spec.none_of:
            out.append(~ibis.or_(*[_equals(col, v) for v in spec.none_of]) | col.isnull())
        if spec.min is not None or spec.max is not None:
            if not col.type().is_numeric():
                raise _fail(source, f"column '{column}' holds {col.type()}, not numbers",
                            f"where.{column}", fix="filter it with any_of, or a numeric column")
            if spec.min is not None:
                out.append(col >= spec.min)
            if spec.max is not None:
                out.append(col <= spec.max)
        if spec.since or spec.until:
            day, _ = day_of(table, column, source, f"where.{column}")
            if spec.since:
                out.append(day >= spec.since)
            if spec.until:
                out.append(day <= spec.until)
    return out
