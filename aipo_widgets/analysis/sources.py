"""The workspace's data sources: reading them, their windows, measuring a column, quality checks.

Sources are declared in ``aipo.yaml`` under ``data_map.sources``: files (a CSV, Parquet or JSON
file, a glob or a folder, relative to the workspace folder) read through DuckDB embedded in the
kit, or a PostgreSQL table or query (:mod:`aipo_widgets.analysis.source_engines`). Their
``where`` filters, windows and column choices run in the engine; only the result comes back as a
frame. Quality checks (``data_map.quality_checks``) are rules on
one column each; :func:`quality_gates` turns them into gates for the discovery phase.

A monitoring *window* is the rows of a source whose time column falls within the last days up to
the assessment date ``as_of`` (both ends included): :func:`read_window` has the engine keep only
those rows, so a long log never sits in memory whole, and returns the
:class:`Window` it read, whose row count every figure measured on it carries in its provenance.

Examples
--------
>>> import pandas as pd
>>> from aipo_widgets.model.schema import QualityCheck
>>> frame = pd.DataFrame({"ticket_id": [1, 2, 2], "minutes": [3.0, None, 12.0]})
>>> checks = [
...     QualityCheck(id="Q1", source="t", column="ticket_id", kind="unique"),
...     QualityCheck(id="Q2", source="t", column="minutes", kind="completeness", min_share=0.9),
...     QualityCheck(id="Q3", source="t", column="minutes", kind="range", min=0, max=240),
... ]
>>> for g in quality_gates(checks, {"t": frame}):
...     print(g.verdict, g.name)
fail Q1: ticket_id unique in t
fail Q2: minutes complete in t
pass Q3: minutes within [0, 240] in t
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipo_widgets.analysis.source_engines import (
    day_of,
    is_file_location,
    open_source,
    quiet,
    require_columns,
    resolve_files,
    to_frame,
    where_predicates,
)
from aipo_widgets.errors import DataError, Problem
from aipo_widgets.evidence import Gate, Provenance
from aipo_widgets.model.source_access import RowFilter
from aipo_widgets.model.source_columns import role_columns

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.schema import DataSource, QualityCheck, Workspace


def source_path(folder: str | os.PathLike, source: DataSource) -> Path:
    """Return the file of a data source, resolved against the workspace folder."""
    path = Path(source.location)
    return path if path.is_absolute() else Path(folder) / path


def missing_files(folder: str | os.PathLike, sources: Iterable[DataSource]) -> list[Problem]:
    """Return a problem for each files source whose location holds no file to read.

    Not an error of the workspace: a production log, say, exists only after go-live. The
    phases that read a missing file fail their "data source readable" gate until it is there.
    A location that is only a system's name (no suffix, no glob, not a folder) is not checked;
    nor are database sources (reaching them is the phases' "readable" gate).

    Parameters
    ----------
    folder : path
        The workspace folder.
    sources : iterable of aipo_widgets.model.schema.DataSource
        ``workspace.data_map.sources``.

    Examples
    --------
    >>> import tempfile
    >>> from aipo_widgets.model.schema import DataSource
    >>> src = DataSource(id="log", name="Production log", location="data/log.csv")
    >>> [p.path for p in missing_files(tempfile.mkdtemp(), [src])]
    ['data_map.sources[0].location']
    """
    out = []
    for i, src in enumerate(sources):
        if not is_file_location(folder, src):
            continue
        try:
            resolve_files(folder, src)
        except DataError as exc:
            found = exc.problems[0]
            gone = found.code == "missing_data"
            message = (f"data source '{src.id}': {src.location} does not exist (yet)" if gone
                       else found.message)
            field = "format" if found.path.endswith(".format") else "location"
            out.append(Problem(
                message, path=f"data_map.sources[{i}].{field}", code="missing_data",
                fix="put the file there or correct the location; until then the phases that "
                    "read it fail their 'data source readable' gate"))
    return out


def index_paths(sources: Iterable[DataSource], problems: Iterable[Problem]) -> list[Problem]:
    """Rewrite ``data_map.sources[<id>]`` in problems' paths to the entry's position.

    The reading functions name a source by its id; a position is what
    :meth:`aipo_widgets.model.workspace.WorkspaceFile.locate` turns into a line of ``aipo.yaml``.

    Examples
    --------
    >>> from aipo_widgets.model.schema import DataSource
    >>> srcs = [DataSource(id="a", name="A"), DataSource(id="log", name="Log")]
    >>> [p.path for p in index_paths(srcs, [Problem("x", path="data_map.sources[log].where.r")])]
    ['data_map.sources[1].where.r']
    """
    position = {s.id: i for i, s in enumerate(sources)}
    out = []
    for p in problems:
        m = re.fullmatch(r"data_map\.sources\[([^\]]+)\](.*)", p.path)
        if m and m.group(1) in position:
            p = Problem(p.message, path=f"data_map.sources[{position[m.group(1)]}]{m.group(2)}",
                        file=p.file, line=p.line, column=p.column, fix=p.fix, code=p.code)
        out.append(p)
    return out


def is_readable(folder: str | os.PathLike, source: DataSource) -> bool:
    """Tell whether the kit reads a source: a database table or query, or files it names.

    Examples
    --------
    >>> from aipo_widgets.model.schema import DataSource
    >>> is_readable(".", DataSource(id="a", name="A", location="SAP CRM"))
    False
    """
    return source.engine != "duckdb" or is_file_location(folder, source)


def read_source(folder: str | os.PathLike, source: DataSource, *,
                columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Read a data source's rows that pass its ``where`` filter, in its engine.

    Parameters
    ----------
    folder : path
        The workspace folder.
    source : aipo_widgets.model.schema.DataSource
        The source, from ``workspace.data_map.sources``.
    columns : iterable of str, optional
        Only these columns come back (default: all).

    Raises
    ------
    DataError
        When the source cannot be read, a column it names is missing, or no row passes its
        filter.
    """
    wanted = list(columns) if columns is not None else None
    with open_source(folder, source) as table:
        # every missing column at once: the roles', the filter's
        require_columns(table, source, {**role_columns(source),
                                        **{f"where.{c}": c for c in source.where}})
        keep = where_predicates(table, source)
        if wanted is not None:
            require_columns(table, source, {c: c for c in wanted})
        expr = table.filter(*keep) if keep else table
        frame = to_frame(expr.select(*wanted) if wanted is not None else expr, source)
    if source.where and frame.empty:
        raise DataError([Problem(
            f"data source '{source.id}': no row matches where {_where_text(source)}",
            path=f"data_map.sources[{source.id}].where", fix="check the filter values")])
    return frame


def _where_text(source: DataSource) -> str:
    return "{" + ", ".join(f"{k}: {v.describe() if isinstance(v, RowFilter) else v!r}"
                           for k, v in source.where.items()) + "}"


# --------------------------------------------------------------------------------------------
# windows

@dataclass(frozen=True)
class Window:
    """A window of a data source: its days (both included) and the rows found in them.

    Parameters
    ----------
    source : str
        The data source's id.
    start, end : datetime.date
        The first and the last day of the window; ``end`` is the assessment date.
    rows : int
        Rows of the source dated within the window (after its ``where`` filter).
    undated : int
        Rows of the file without a readable time, which no window holds.

    Examples
    --------
    >>> w = Window("log", dt.date(2026, 11, 16), dt.date(2026, 11, 22), rows=580)
    >>> w.days, w.describe()
    (7, 'log from 2026-11-16 to 2026-11-22 (7 days, 580 rows)')
    >>> w.provenance(rows=36, note="positives with a label").describe()
    'measured in log from 2026-11-16 to 2026-11-22 (36 rows); positives with a label'
    """

    source: str
    start: dt.date
    end: dt.date
    rows: int
    undated: int = 0

    @property
    def days(self) -> int:
        """The window's length in days."""
        return (self.end - self.start).days + 1

    def describe(self) -> str:
        """Say which rows the window holds, in words."""
        return (f"{self.source} from {self.start.isoformat()} to {self.end.isoformat()} "
                f"({self.days} days, {self.rows:,} rows)")

    def provenance(self, rows: int | None = None, note: str = "") -> Provenance:
        """Return the provenance of a figure measured on ``rows`` rows of this window."""
        return Provenance.measured(self.source, start=self.start, end=self.end,
                                   rows=self.rows if rows is None else rows, note=note)


def window_bounds(as_of: dt.date, days: int) -> tuple[dt.date, dt.date]:
    """Return the first and last day of the ``days``-day window that ends on ``as_of``.

    Examples
    --------
    >>> window_bounds(dt.date(2026, 11, 22), 7)
    (datetime.date(2026, 11, 16), datetime.date(2026, 11, 22))
    """
    if days < 1:
        msg = f"a window has at least one day, got {days}"
        raise ValueError(msg)
    return as_of - dt.timedelta(days=days - 1), as_of


def row_days(frame: pd.DataFrame, column: str, *, source: str = "") -> pd.Series:
    """Return the day of each row from its time column (NaT where the row has no time).

    ISO text (``2026-11-02``, ``2026-11-02T07:12:00+01:00``, a month ``2026-11`` as its first
    day) keeps its own local date; a datetime column is taken as it is.

    Raises
    ------
    DataError
        When the column is missing, or holds values that are not ISO dates.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"t": ["2026-11-02T23:30:00+01:00", "2026-11", None]})
    >>> [str(d)[:10] for d in row_days(f, "t")]
    ['2026-11-02', '2026-11-01', 'NaT']
    """
    import pandas as pd

    where = f"data_map.sources[{source}].time_column" if source else column
    if column not in frame.columns:
        raise DataError([Problem(
            f"data source '{source}' has no time column '{column}'", path=where,
            fix=f"columns: {', '.join(map(str, frame.columns[:12]))}")])
    raw = frame[column]
    if pd.api.types.is_datetime64_any_dtype(raw):
        stamps = raw.dt.tz_localize(None) if getattr(raw.dt, "tz", None) is not None else raw
        return stamps.dt.normalize()
    text = raw.astype("string").str.strip().str.slice(0, 10)
    days = pd.to_datetime(text, errors="coerce", format="ISO8601")
    bad = days.isna() & text.notna() & (text != "")
    if bad.any():
        shown = ", ".join(map(repr, raw[bad].astype(str).unique()[:3]))
        raise DataError([Problem(
            f"data source '{source}': {int(bad.sum())} values of time column '{column}' are "
            f"not ISO dates (e.g. {shown})", path=where,
            fix="write times as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, or name another column")])
    return days.dt.normalize()


def in_window(frame: pd.DataFrame, column: str, start: dt.date, end: dt.date, *,
              source: str = "") -> pd.DataFrame:
    """Return the rows of ``frame`` dated from ``start`` to ``end`` (both included).

    Rows without a time are in no window. The rows keep their order and index.

    Examples
    --------
    >>> import pandas as pd
    >>> f = pd.DataFrame({"t": ["2026-11-15", "2026-11-16", "2026-11-22", "2026-11-23"]})
    >>> list(in_window(f, "t", dt.date(2026, 11, 16), dt.date(2026, 11, 22)).t)
    ['2026-11-16', '2026-11-22']
    """
    import pandas as pd

    days = row_days(frame, column, source=source)
    keep = (days >= pd.Timestamp(start)) & (days <= pd.Timestamp(end))
    return frame[keep.fillna(False).to_numpy(dtype=bool)]


def read_window(folder: str | os.PathLike, source: DataSource, *, as_of: dt.date,
                days: int, columns: Iterable[str] | None = None) -> tuple[pd.DataFrame, Window]:
    """Read the rows of a data source in the ``days``-day window that ends on ``as_of``.

    The window and the source's ``where`` filter run in the source's engine, so only the
    window's rows (and, given ``columns``, only those columns) come back; rows dated after
    ``as_of`` belong to no window of that date.

    Parameters
    ----------
    folder : path
        The workspace folder.
    source : aipo_widgets.model.schema.DataSource
        The source; it needs a ``time_column``.
    as_of : datetime.date
        The assessment date: the window's last day.
    days : int
        The window's length in days.
    columns : iterable of str, optional
        Only these columns come back (default: all).

    Returns
    -------
    frame, window
        The rows (index 0..n-1, in the source's order) and the :class:`Window` they were read
        from.

    Raises
    ------
    DataError
        When the source has no time column, cannot be read, or a time is not a date.
    """
    if not source.time_column:
        raise DataError([Problem(
            f"data source '{source.id}' has no time_column, so no window can be cut from it",
            path=f"data_map.sources[{source.id}].time_column",
            fix="name the column holding each row's date or timestamp")])
    start, end = window_bounds(as_of, days)
    wanted = list(columns) if columns is not None else None
    time = source.time_column
    with open_source(folder, source) as table:
        # Only the time column: a window is read for a figure, and the figure that needs a
        # role's column says when it is missing (a log's labels may come later).
        require_columns(table, source, {"time_column": time})
        rows, undated = window_rows(table, source, start, end)
        if wanted is not None:
            require_columns(table, source, {c: c for c in wanted})
        frame = to_frame(rows.select(*wanted) if wanted is not None else rows, source)
    return frame, Window(source.id, start, end, rows=len(frame), undated=undated)


def window_rows(table: Any, source: DataSource, start: dt.date,
                end: dt.date) -> tuple[Any, int]:
    """Return the Ibis expression of a source's rows from ``start`` to ``end``, and the undated.

    The source's ``where`` filter applies first; rows without a time are counted (they are in
    no window).

    Raises
    ------
    DataError
        When a time is not an ISO date.
    """
    time = str(source.time_column)
    keep = where_predicates(table, source)
    base = table.filter(*keep) if keep else table
    day, bad = day_of(base, time, source)
    counts = {"undated": day.isnull().sum()}
    if bad is not None:
        counts["bad"] = bad.sum()
    found = to_frame(base.aggregate(**counts), source).iloc[0]
    if int(found.get("bad", 0) or 0):
        shown = to_frame(base.filter(bad).select(time).distinct().limit(3), source)[time]
        raise DataError([Problem(
            f"data source '{source.id}': {int(found['bad'])} values of time column "
            f"'{time}' are not ISO dates (e.g. {', '.join(map(repr, map(str, shown)))})",
            path=f"data_map.sources[{source.id}].time_column",
            fix="write times as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS, or name another column")])
    return base.filter((day >= start) & (day <= end)), int(found["undated"] or 0)


def apply_where(frame: pd.DataFrame, source: DataSource) -> pd.DataFrame:
    """Keep the rows of an in-memory ``frame`` that pass the source's ``where`` filter.

    Raises
    ------
    DataError
        When a filter column is missing, or no row matches.

    Examples
    --------
    >>> import pandas as pd
    >>> from aipo_widgets.model.schema import DataSource
    >>> src = DataSource(id="t", name="T", where={"period": "pilot", "minutes": {"max": 10}})
    >>> f = pd.DataFrame({"period": ["pilot", "pilot", "base"], "minutes": [4, 12, 3]})
    >>> apply_where(f, src).to_dict("records")
    [{'period': 'pilot', 'minutes': 4}]
    """
    if not source.where:
        return frame
    import ibis

    with quiet():
        table = ibis.memtable(frame)
    keep = where_predicates(table, source)
    out = to_frame(table.filter(*keep), source)
    if out.empty:
        raise DataError([Problem(
            f"data source '{source.id}': no row matches where {_where_text(source)}",
            path=f"data_map.sources[{source.id}].where", fix="check the filter values")])
    return out


def measure_value(frame: pd.DataFrame, column: str, stat: str = "mean", *,
                  per: str | None = None, n_boot: int = 1000, ci: float = 0.95,
                  seed: int = 0) -> dict:
    """Measure a statistic of one column, with a bootstrap confidence interval.

    Parameters
    ----------
    frame : DataFrame
        The data.
    column : str
        The column.
    stat : {"mean", "median", "p95", "sum", "share", "count"}
        The statistic (``share``: the share of true/1 values).
    per : str, optional
        Compute the statistic within each value of this column (e.g. ``month``) and report the
        mean over them; the interval then resamples those values.
    n_boot : int
        Bootstrap resamples (0: no interval).
    ci : float
        Confidence level.
    seed : int
        Seed of the resampling.

    Returns
    -------
    dict
        ``value``, ``ci_low``, ``ci_high``, ``n`` (rows used) and ``missing``.

    Examples
    --------
    >>> import pandas as pd
    >>> m = measure_value(pd.DataFrame({"x": [1.0, 2.0, 3.0, None]}), "x", n_boot=200)
    >>> m["value"], m["n"], m["missing"]
    (2.0, 3, 1)
    >>> f = pd.DataFrame({"month": ["05", "05", "06"], "failures": [1, 2, 5]})
    >>> measure_value(f, "failures", "sum", per="month", n_boot=0)["value"]
    4.0
    """
    import numpy as np
    import pandas as pd

    for col in (column, per):
        if col is not None and col not in frame.columns:
            raise DataError([Problem(
                f"no column '{col}' to measure", path=col,
                fix=f"columns: {', '.join(map(str, frame.columns[:12]))}")])
    if per is not None:
        per_group = []
        for _, part in frame.groupby(per, sort=True):
            per_group.append(measure_value(part, column, stat, n_boot=0)["value"])
        inner = measure_value(pd.DataFrame({column: per_group}), column, "mean",
                              n_boot=n_boot, ci=ci, seed=seed)
        inner["missing"] = int(frame[column].isna().sum())
        return inner
    raw = frame[column]
    if stat == "count":
        return {"value": float(len(raw)), "ci_low": None, "ci_high": None, "n": len(raw),
                "missing": 0}
    values = pd.to_numeric(raw, errors="coerce")
    bad = int((values.isna() & raw.notna()).sum())
    if bad:
        raise DataError([Problem(f"column '{column}' has {bad} non-numeric values", path=column,
                                 fix="clean the column or measure another one")])
    x = values.dropna().to_numpy(dtype=float)
    if x.size == 0:
        raise DataError([Problem(f"column '{column}' has no values", path=column)])
    funcs = {
        "mean": lambda a: a.mean(axis=-1),
        "share": lambda a: a.mean(axis=-1),
        "median": lambda a: np.median(a, axis=-1),
        "p95": lambda a: np.quantile(a, 0.95, axis=-1),
        "sum": lambda a: a.sum(axis=-1),
    }
    if stat not in funcs:
        raise DataError([Problem(f"unknown statistic '{stat}'", path="stat",
                                 fix=f"use one of {', '.join([*funcs, 'count'])}")])
    f = funcs[stat]
    value = float(f(x))
    lo = hi = None
    if n_boot and x.size > 1:
        rng = np.random.default_rng(seed)
        # Resample in chunks to keep memory at a few MB for large columns.
        stats = []
        chunk = max(1, 2_000_000 // x.size)
        for start in range(0, n_boot, chunk):
            k = min(chunk, n_boot - start)
            idx = rng.integers(0, x.size, size=(k, x.size))
            stats.append(f(x[idx]))
        boot = np.concatenate(stats)
        alpha = (1 - ci) / 2
        lo, hi = (float(v) for v in np.quantile(boot, [alpha, 1 - alpha]))
    return {"value": value, "ci_low": lo, "ci_high": hi, "n": int(x.size),
            "missing": int(raw.isna().sum())}


def read_role(folder: str | os.PathLike, ws: Workspace, role: str) -> pd.DataFrame:
    """Read the (first) data source with a given role, e.g. ``"gold"`` or ``"baseline"``.

    Raises
    ------
    DataError
        When the workspace declares no source with that role.
    """
    for source in ws.data_map.sources:
        if source.role == role:
            return read_source(folder, source)
    raise DataError([Problem(f"no data source with role '{role}' in data_map.sources",
                             path="data_map.sources",
                             fix=f"add a source with 'role: {role}' and its location")])


def _check_name(check: QualityCheck) -> str:
    if check.kind == "unique":
        what = "unique"
    elif check.kind == "completeness":
        what = "complete"
    elif check.kind == "range":
        lo = "-inf" if check.min is None else f"{check.min:g}"
        hi = "inf" if check.max is None else f"{check.max:g}"
        what = f"within [{lo}, {hi}]"
    else:
        what = "in the allowed values"
    return f"{check.id}: {check.column} {what} in {check.source}"


def quality_gates(checks: Iterable[QualityCheck],
                  frames: Mapping[str, pd.DataFrame]) -> list[Gate]:
    """Evaluate data-quality checks on the loaded sources.

    Parameters
    ----------
    checks : iterable of QualityCheck
        From ``workspace.data_map.quality_checks``.
    frames : mapping of source id to DataFrame
        The loaded sources.

    Returns
    -------
    list of Gate
        One gate per check. A check on a column the table does not have fails with that
        reason (never a silent pass).
    """
    import pandas as pd

    gates = []
    for check in checks:
        name = _check_name(check)
        src = f"data_map.quality_checks[{check.id}]"
        frame = frames.get(check.source)
        if frame is None:
            gates.append(Gate(name, "fail", detail=f"source '{check.source}' was not loaded",
                              source=src))
            continue
        if check.column not in frame.columns:
            gates.append(Gate(name, "fail", detail=(
                f"column '{check.column}' is not in {check.source} (columns: "
                f"{', '.join(map(str, frame.columns[:10]))})"), source=src))
            continue
        col = frame[check.column]
        n = len(col)
        if check.kind == "completeness":
            share = float(col.notna().mean()) if n else 0.0
            need = 1.0 if check.min_share is None else check.min_share
            gates.append(Gate(name, "pass" if share >= need else "fail", figure=round(share, 4),
                              threshold=f">= {need}", source=src,
                              detail=f"{int(col.isna().sum())} of {n} values missing"))
        elif check.kind == "unique":
            dups = int(col.dropna().duplicated().sum())
            gates.append(Gate(name, "pass" if dups == 0 else "fail", figure=dups, threshold="0",
                              source=src, detail=f"{dups} duplicate values"))
        elif check.kind == "range":
            values = pd.to_numeric(col, errors="coerce")
            bad = values.isna() & col.notna()
            if check.min is not None:
                bad |= values < check.min
            if check.max is not None:
                bad |= values > check.max
            k = int(bad.sum())
            gates.append(Gate(name, "pass" if k == 0 else "fail", figure=k, threshold="0",
                              source=src, detail=f"{k} of {n} values outside the range "
                              "or not numeric"))
        else:
            allowed = set(check.values)
            bad = col.notna() & ~col.astype(str).isin(allowed)
            k = int(bad.sum())
            shown = ", ".join(sorted(map(str, col[bad].unique()[:5])))
            gates.append(Gate(name, "pass" if k == 0 else "fail", figure=k, threshold="0",
                              source=src, detail=f"{k} values not allowed" + (
                                  f" (e.g. {shown})" if k else "")))
    return gates
