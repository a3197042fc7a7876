"""Drift of a window computed in the source's engine: counts come back, not rows.

:func:`window_drift` compares a monitoring window of a data source with a frozen
:class:`~aipo_widgets.analysis.drift_reference.Reference` the way
:func:`aipo_widgets.analysis.drift.drift` does, but the engine (DuckDB on the files, or the
database) does the counting in one scan of the window: for a numeric column the counts in the
reference's frozen bins and the missing values, for a categorical one the count of each
category. PSI, Jensen-Shannon and chi-square are therefore exact and equal to the in-memory
path's. Kolmogorov-Smirnov and Wasserstein need the distribution itself: the engine returns the
window's finite values when there are at most ``sketch_size`` of them (exact), else a uniform
sample of about that many drawn in the same engine, and each result states how far the figure
can be from the exact one (``ks_error_bound`` and ``w1_error_bound``, added to the reference's
own sketch bounds; ``exact=False``): by the Dvoretzky-Kiefer-Wolfowitz inequality a sample of
``m`` values is within ``eps = sqrt(ln(2 / 0.001) / (2 m))`` of the window's distribution
except with probability 0.001 (:func:`dkw_bound`), so KS moves by at most ``eps`` and
Wasserstein-1 by at most ``eps * (max - min)``.

Examples
--------
>>> import pathlib, tempfile, datetime as dt
>>> import numpy as np, pandas as pd
>>> from aipo_widgets.analysis.drift_reference import Reference
>>> from aipo_widgets.model.schema import DataSource
>>> rng = np.random.default_rng(0)
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> days = pd.date_range("2026-11-01", periods=30).strftime("%Y-%m-%d")
>>> log = pd.DataFrame({"t": np.repeat(days, 100), "x": rng.normal(0.5, 1, 3000)})
>>> log.to_parquet(folder / "log.parquet")
>>> frozen = Reference.from_frame(pd.DataFrame({"x": rng.normal(0, 1, 5000)}))
>>> src = DataSource(id="log", name="Log", location="log.parquet", time_column="t")
>>> report, window = window_drift(folder, src, frozen, as_of=dt.date(2026, 11, 30), days=7)
>>> window.rows, report.verdict, round(report["x"].psi, 2)
(700, 'warn', 0.19)
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from aipo_widgets.analysis.drift import (
    STD_FLOOR,
    ColumnDrift,
    DriftReport,
    DriftThresholds,
    _bin_label,
    _report,
    _thresholds,
)
from aipo_widgets.analysis.drift_reference import (
    UNSEEN,
    CategoricalReference,
    NumericReference,
    Reference,
)
from aipo_widgets.analysis.drift_stats import (
    js_distance,
    ks_pvalue,
    ks_w1,
    psi_unchecked,
    smoothed_proportions,
)
from aipo_widgets.analysis.source_engines import open_source, require_columns, to_frame
from aipo_widgets.analysis.sources import Window, window_bounds, window_rows
from aipo_widgets.errors import DataError, Problem, UsageError

if TYPE_CHECKING:  # pragma: no cover
    from aipo_widgets.model.schema import DataSource

__all__ = ["DKW_RISK", "dkw_bound", "window_drift"]


def _finite(col: Any) -> Any:
    x = col.cast("float64")
    return x, x.notnull() & ~x.isnan() & ~x.isinf()


def window_drift(folder: str | os.PathLike[str], source: DataSource, reference: Reference, *,
                 as_of: dt.date, days: int, columns: Sequence[str] | None = None,
                 smoothing: float = 1.0,
                 thresholds: DriftThresholds | Mapping[str, Any] | None = None,
                 sketch_size: int = 200_000) -> tuple[DriftReport, Window]:
    """Compare a source's window with a frozen reference, counting in the source's engine.

    Parameters
    ----------
    folder : path
        The workspace folder.
    source : aipo_widgets.model.schema.DataSource
        The source; it needs a ``time_column``.
    reference : Reference
        The frozen reference (its bins and categories are the ones counted).
    as_of, days
        The window: ``days`` days ending on ``as_of``.
    columns : sequence of str, optional
        Columns to compare (default: every column of the reference).
    smoothing : float, default 1.0
        Additive smoothing of PSI, as in :func:`~aipo_widgets.analysis.drift.drift`.
    thresholds : DriftThresholds or mapping, optional
        Verdict thresholds.
    sketch_size : int, default 200,000
        Values of a numeric column fetched for KS and Wasserstein: all of them when the
        window has no more, else a uniform sample of about that many.

    Returns
    -------
    report, window
        The drift report and the window it was measured on.

    Raises
    ------
    DataError
        When the source cannot be read, lacks a column, or a column has no value in the window.
    """
    th = _thresholds(thresholds)
    if not source.time_column:
        raise DataError([Problem(
            f"data source '{source.id}' has no time_column, so no window can be cut from it",
            path=f"data_map.sources[{source.id}].time_column",
            fix="name the column holding each row's date or timestamp")])
    if not (isinstance(sketch_size, int) and sketch_size >= 2):
        msg = f"sketch_size must be an integer >= 2, got {sketch_size!r}"
        raise UsageError(msg)
    names = list(columns) if columns is not None else list(reference.columns)
    refs = [reference[c] for c in names]  # raises DataError naming an unknown column
    start, end = window_bounds(as_of, days)
    with open_source(folder, source) as table:
        require_columns(table, source, {"time_column": str(source.time_column),
                                        **{c: c for c in names}})
        rows, undated = window_rows(table, source, start, end)
        numeric = [r for r in refs if isinstance(r, NumericReference)]
        position = {r.column: j for j, r in enumerate(numeric)}
        counts = _numeric_counts(rows, numeric, source)
        n_rows = _int(counts.pop("__rows"))
        values, sampled = _values(rows, numeric, n_rows, sketch_size, source)
        results = []
        for ref in refs:
            if isinstance(ref, NumericReference):
                results.append(_numeric(ref, position[ref.column], counts, values[ref.column],
                                        sampled, float(smoothing), th, source))
            else:
                results.append(_categorical(rows, ref, float(smoothing), th, source))
    return _report(results, th, {}), Window(source.id, start, end, rows=n_rows,
                                            undated=undated)


#: The chance that a sampled window's KS or Wasserstein lies outside its stated bound.
DKW_RISK = 0.001


def dkw_bound(m: int, risk: float = DKW_RISK) -> float:
    """Return how far the distribution of a uniform sample of ``m`` values can be from the whole.

    The Dvoretzky-Kiefer-Wolfowitz inequality (Massart's constant): ``sup |F_m - F| <=
    sqrt(ln(2 / risk) / (2 m))`` except with probability ``risk``.

    Examples
    --------
    >>> round(dkw_bound(200_000), 4)
    0.0044
    """
    return math.sqrt(math.log(2 / risk) / (2 * m)) if m else 1.0


def _int(value: Any) -> int:
    return 0 if value is None or (isinstance(value, float) and np.isnan(value)) else int(value)


def _numeric_counts(rows: Any, refs: list[NumericReference],
                    source: DataSource) -> dict[str, Any]:
    # One query, one scan of the window: each value's bin computed once (-1: missing), then
    # every bin count of every numeric column.
    import ibis

    bins: dict[str, Any] = {}
    for j, ref in enumerate(refs):
        x, ok = _finite(rows[ref.column])
        cases = [(~ok, -1), *[(x < float(e), i) for i, e in enumerate(ref.edges)]]
        bins[f"b{j}"] = ibis.cases(*cases, else_=len(ref.edges))
        bins[f"v{j}"] = ibis.ifelse(ok, x, ibis.null("float64"))
    binned = rows.select(**bins) if bins else rows
    aggs: dict[str, Any] = {"__rows": binned.count()}
    for j, ref in enumerate(refs):
        b = binned[f"b{j}"]
        for i in range(len(ref.edges) + 1):
            aggs[f"c{j}_b{i}"] = (b == i).sum()
        aggs[f"c{j}_missing"] = (b == -1).sum()
        aggs[f"c{j}_min"] = binned[f"v{j}"].min()
        aggs[f"c{j}_max"] = binned[f"v{j}"].max()
    return dict(to_frame(binned.aggregate(**aggs), source).iloc[0].to_dict())


def _values(rows: Any, refs: list[NumericReference], n_rows: int, k: int,
            source: DataSource) -> tuple[dict[str, np.ndarray], bool]:
    # The numeric columns' values in one query: all of them, or a uniform sample of ~k rows.
    if not refs:
        return {}, False
    picked = rows.select(**{f"v{j}": _finite(rows[r.column])[0] for j, r in enumerate(refs)})
    sampled = n_rows > k
    if sampled:
        picked = picked.sample(k / n_rows, seed=0)
    frame = to_frame(picked, source)
    out = {}
    for j, ref in enumerate(refs):
        v = frame[f"v{j}"].to_numpy(dtype=np.float64, na_value=np.nan)
        out[ref.column] = np.sort(v[np.isfinite(v)])
    return out, sampled


def _numeric(ref: NumericReference, j: int, counts: dict[str, Any], y: np.ndarray,
             sampled: bool, smoothing: float, th: DriftThresholds,
             source: DataSource) -> ColumnDrift:
    n_bins = len(ref.edges) + 1
    cur_counts = np.array([_int(counts[f"c{j}_b{i}"]) for i in range(n_bins)],
                          dtype=np.int64)
    n_cur = int(cur_counts.sum())
    if n_cur == 0 or y.size == 0:
        raise DataError([Problem(
            f"data source '{source.id}': column '{ref.column}' has no finite value in the window",
            path=f"data_map.sources[{source.id}]", fix="check the column and the window")])
    ref_counts = np.asarray(ref.counts, dtype=np.int64)
    p = smoothed_proportions(ref_counts, smoothing)
    q = smoothed_proportions(cur_counts, smoothing)
    psi_value = psi_unchecked(p, q)
    js = js_distance(ref_counts, cur_counts)

    # KS and Wasserstein against the window's values, or a uniform sample of them drawn in the
    # engine (its error stated: DKW).
    ks, w1 = ks_w1(np.asarray(ref.values, dtype=np.float64), y)
    ks_p, ks_method = ks_pvalue(ks, ref.n, n_cur)
    lo, hi = float(counts[f"c{j}_min"]), float(counts[f"c{j}_max"])
    eps = dkw_bound(y.size, DKW_RISK) if sampled else 0.0
    bounds = [-np.inf, *ref.edges, np.inf]
    value = psi_value if th.metric == "psi" else js
    verdict, rule = th.verdict(value)
    return ColumnDrift(
        column=ref.column, kind="numeric", n_ref=ref.n, n_cur=n_cur,
        missing_ref=ref.n_missing, missing_cur=_int(counts[f"c{j}_missing"]),
        psi=psi_value, js=js, ks=ks, ks_pvalue=ks_p, ks_method=ks_method,
        wasserstein=w1 / max(ref.std, STD_FLOOR), wasserstein_raw=w1, std_ref=ref.std,
        bins=[_bin_label(bounds[i], bounds[i + 1]) for i in range(n_bins)],
        edges=list(ref.edges), ref_counts=ref_counts.tolist(), cur_counts=cur_counts.tolist(),
        smoothing=smoothing, epsilon_ref=smoothing / (ref.n + smoothing * n_bins),
        epsilon_cur=smoothing / (n_cur + smoothing * n_bins), exact=ref.exact and eps == 0,
        ks_error_bound=ref.ks_error_bound + eps,
        w1_error_bound=ref.w1_error_bound + eps * (hi - lo),
        verdict=verdict, rule=rule)


def _categorical(rows: Any, ref: CategoricalReference, smoothing: float, th: DriftThresholds,
                 source: DataSource) -> ColumnDrift:
    from scipy.stats import chi2_contingency

    col = rows[ref.column]
    dtype = col.type()
    if dtype.is_boolean():
        import ibis

        text = ibis.ifelse(col, "True", "False")
    else:
        text = col.cast("string")
    grouped = to_frame(rows.group_by(k=text).aggregate(n=rows.count()), source)
    found = {(None if k is None or (isinstance(k, float) and np.isnan(k)) else str(k)): int(n)
             for k, n in zip(grouped["k"].tolist(), grouped["n"].tolist(), strict=True)}
    missing_cur = found.pop(None, 0)
    if not found:
        raise DataError([Problem(
            f"data source '{source.id}': column '{ref.column}' has no value in the window",
            path=f"data_map.sources[{source.id}]", fix="check the column and the window")])
    cur = [found.pop(c, 0) for c in ref.categories]
    unseen = sorted(((str(k), v) for k, v in found.items()), key=lambda kv: (-kv[1], kv[0]))
    cur.append(sum(v for _, v in unseen))
    ref_counts = np.asarray(ref.counts, dtype=np.int64)
    cur_counts = np.asarray(cur, dtype=np.int64)
    n_cur = int(cur_counts.sum())
    p = smoothed_proportions(ref_counts, smoothing)
    q = smoothed_proportions(cur_counts, smoothing)
    psi_value = psi_unchecked(p, q)
    js = js_distance(ref_counts, cur_counts)
    table = np.vstack([ref_counts, cur_counts])
    table = table[:, table.sum(axis=0) > 0]
    if table.shape[1] < 2:
        chi2, chi2_p, dof = 0.0, 1.0, 0
    else:
        res = chi2_contingency(table, correction=False)
        chi2, chi2_p, dof = float(res.statistic), float(res.pvalue), int(res.dof)
    n_bins = ref_counts.size
    value = psi_value if th.metric == "psi" else js
    verdict, rule = th.verdict(value)
    return ColumnDrift(
        column=ref.column, kind="categorical", n_ref=ref.n, n_cur=n_cur,
        missing_ref=ref.n_missing, missing_cur=missing_cur, psi=psi_value, js=js, chi2=chi2,
        chi2_pvalue=chi2_p, chi2_dof=dof, bins=[*ref.categories, UNSEEN],
        ref_counts=ref_counts.tolist(), cur_counts=cur_counts.tolist(), smoothing=smoothing,
        epsilon_ref=smoothing / (ref.n + smoothing * n_bins),
        epsilon_cur=smoothing / (n_cur + smoothing * n_bins), unseen=dict(unseen[:20]),
        verdict=verdict, rule=rule)
