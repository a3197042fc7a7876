"""Data drift and prediction drift: a reference window against a current window.

For every **numeric** column the module reports four statistics, all computed exactly:

* **PSI** (population stability index) over bins cut at the reference deciles (``bins=10``),
  with open outer edges (``-inf``/``+inf``) so new extremes are counted, and tied quantiles merged
  (a column with many equal values gets fewer bins).  Empty bins are handled by additive
  (Laplace) smoothing, ``(count + alpha) / (n + alpha * B)``, which keeps the proportions summing
  to one; the ``alpha`` used and the proportion an empty bin receives (``epsilon_ref``,
  ``epsilon_cur``) are part of every result, because the choice can dominate PSI when bins are
  empty (Evidently's ``feel_zeroes`` puts 0.0001 there: 0.05 against it adds 0.31).  The
  statistics are in :mod:`aipo_widgets.analysis.drift_stats` (its ``psi`` takes proportions).
* **Kolmogorov-Smirnov** statistic and p-value, equal to :func:`scipy.stats.ks_2samp`
  (``method="auto"``): when both samples have at most 10,000 values (scipy's own switch point)
  the exact distribution is used through scipy; above that, Smirnov's asymptotic distribution,
  ``scipy.stats.kstwo.sf(D, round(n1 * n2 / (n1 + n2)))``, which is what ``ks_2samp`` does there.
  Note that at large ``n`` the p-value flags trivial shifts; it is reported, not used for the
  verdict.
* **Jensen-Shannon distance** (base 2, so it lies in [0, 1]) between the unsmoothed bin
  proportions, equal to :func:`scipy.spatial.distance.jensenshannon` on them.
* **Wasserstein-1** normalised by the reference standard deviation (``ddof=0``), equal to
  ``scipy.stats.wasserstein_distance(ref, cur) / max(std_ref, 0.001)`` (Evidently's convention).

KS and Wasserstein come from one merge of the two sorted samples, so a million rows per column
cost a few sorts, not a Python loop.

For every **categorical** column: PSI and Jensen-Shannon over the reference categories plus one
``"<unseen>"`` bucket (categories that the reference never had, and reference categories beyond
``max_categories``), and the chi-square test of homogeneity of the 2 x K table of counts
(:func:`scipy.stats.chi2_contingency` without continuity correction).  Categories are compared
as strings, so they survive a JSON round trip.

Missing values (and infinities) are dropped and counted.  Each column gets a verdict
(``ok``/``warn``/``drift``) from :class:`DriftThresholds` (PSI >= 0.1 warn, >= 0.25 drift by
default), and the data set is ``drift`` when the share of drifted columns reaches
``drift_share`` (0.3 by default).  Prediction drift (:func:`prediction_drift`) is the same
comparison on a score column.

A frozen :class:`~aipo_widgets.analysis.drift_reference.Reference` (saved as JSON at go-live)
can stand in for the reference window.  When it keeps a sketch of a column instead of every
value, KS and Wasserstein are computed against the sketch and results carry ``exact=False``.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(0)
>>> ref = pd.DataFrame({"age": rng.normal(40, 10, 5000), "plan": rng.choice(["a", "b"], 5000)})
>>> cur = pd.DataFrame({"age": rng.normal(45, 10, 5000), "plan": rng.choice(["a", "b"], 5000)})
>>> report = drift(ref, cur)
>>> report.verdict, report.drifted
('drift', ['age'])
>>> round(report["age"].psi, 3), round(report["age"].wasserstein, 3), report["plan"].verdict
(0.27, 0.524, 'ok')
"""


from __future__ import annotations

import math
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from aipo_widgets.analysis._drift_columns import (
    Kind,
    category_counts,
    check_int,
    check_window,
    plan_columns,
    sorted_finite,
)
from aipo_widgets.analysis._threads import native_threads
from aipo_widgets.analysis.drift_reference import (
    UNSEEN,
    CategoricalReference,
    NumericReference,
    Reference,
    categorical_reference,
    numeric_reference,
)
from aipo_widgets.analysis.drift_stats import (
    KS_EXACT_MAX_N,
    Buffers,
    js_distance,
    ks_pvalue,
    ks_w1,
    psi_unchecked,
    smoothed_proportions,
)
from aipo_widgets.errors import DataError, UsageError
from aipo_widgets.evidence import Gate

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

__all__ = [
    "ColumnDrift",
    "DriftReport",
    "DriftThresholds",
    "drift",
    "prediction_drift",
]

#: Floor of the reference standard deviation when normalising Wasserstein (as in Evidently).
STD_FLOOR = 0.001

ColumnVerdict = Literal["ok", "warn", "drift"]


# --------------------------------------------------------------------------------------------
# thresholds


@dataclass(frozen=True)
class DriftThresholds:
    """When a column, and the data set, counts as drifted.

    Parameters
    ----------
    warn : float, default 0.1
        A column whose ``metric`` is at least this is ``warn``.
    drift : float, default 0.25
        A column whose ``metric`` is at least this is ``drift``.
    drift_share : float, default 0.3
        The data set is ``drift`` when at least this share of its columns drifted.
    metric : {"psi", "js"}, default "psi"
        The statistic the column verdict is based on (both exist for numeric and categorical
        columns).  The KS p-value is not offered: at production sizes it flags shifts nobody
        would act on.

    Examples
    --------
    >>> DriftThresholds.from_mapping({"psi_warn": 0.2, "psi_drift": 0.3})
    DriftThresholds(warn=0.2, drift=0.3, drift_share=0.3, metric='psi')
    """

    warn: float = 0.1
    drift: float = 0.25
    drift_share: float = 0.3
    metric: Literal["psi", "js"] = "psi"

    def __post_init__(self) -> None:
        if self.metric not in ("psi", "js"):
            msg = f"thresholds.metric must be 'psi' or 'js', got {self.metric!r}"
            raise UsageError(msg)
        for name in ("warn", "drift", "drift_share"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                msg = f"thresholds.{name} must be a finite number, got {v!r}"
                raise UsageError(msg)
            if v < 0:
                msg = f"thresholds.{name} must be >= 0, got {v!r}"
                raise UsageError(msg)
        if self.warn > self.drift:
            msg = (
                f"thresholds.warn ({self.warn}) must not be above thresholds.drift "
                f"({self.drift}); swap them"
            )
            raise UsageError(msg)
        if not 0 < self.drift_share <= 1:
            msg = f"thresholds.drift_share must be in (0, 1], got {self.drift_share!r}"
            raise UsageError(msg)

    @classmethod
    def from_mapping(cls, m: Mapping[str, Any] | Any) -> DriftThresholds:
        """Build thresholds from a mapping, e.g. ``monitoring.drift`` of ``aipo.yaml``.

        Accepted keys: ``warn``, ``drift``, ``drift_share``, ``metric``; the workspace names
        ``psi_warn``, ``psi_alert`` (or ``psi_drift``) and ``drifted_share_alert``; and
        ``js_warn``/``js_drift`` (which also set the metric).  The workspace's non-threshold
        keys (``reference``, ``current``, ``columns``, ``categorical``, ``numeric``) are
        ignored, so the section can be passed as it is (a dict or its pydantic model).

        Parameters
        ----------
        m : mapping or pydantic model
            The settings; other keys raise :class:`UsageError`.

        Returns
        -------
        DriftThresholds

        Examples
        --------
        >>> DriftThresholds.from_mapping({"psi_warn": 0.2, "psi_alert": 0.3, "columns": []})
        DriftThresholds(warn=0.2, drift=0.3, drift_share=0.3, metric='psi')
        """
        if hasattr(m, "model_dump"):
            m = m.model_dump()
        if not isinstance(m, Mapping):
            msg = f"drift thresholds must be a mapping, got {type(m).__name__}"
            raise UsageError(msg)
        aliases = {
            "warn": "warn",
            "drift": "drift",
            "drift_share": "drift_share",
            "metric": "metric",
            "psi_warn": "warn",
            "psi_drift": "drift",
            "psi_alert": "drift",
            "drifted_share_alert": "drift_share",
            "js_warn": "warn",
            "js_drift": "drift",
        }
        ignored = {"reference", "current", "columns", "categorical", "numeric"}
        kwargs: dict[str, Any] = {}
        for key, value in m.items():
            if key in ignored:
                continue
            if key not in aliases:
                allowed = ", ".join(sorted(aliases))
                msg = f"unknown drift threshold {key!r}; use one of {allowed}"
                raise UsageError(msg)
            kwargs[aliases[key]] = value
            if key.startswith("js_"):
                kwargs["metric"] = "js"
        return cls(**kwargs)

    def verdict(self, value: float) -> tuple[ColumnVerdict, str]:
        """Return the verdict for one column's metric value and the rule that fired."""
        if not math.isfinite(value):
            # NaN compares False with every threshold and would read as "ok".
            return "warn", f"{self.metric} is {value}: cannot be evaluated, check the column"
        if value >= self.drift:
            return "drift", f"{self.metric} {value:.4g} >= drift threshold {self.drift:g}"
        if value >= self.warn:
            return "warn", f"{self.metric} {value:.4g} >= warn threshold {self.warn:g}"
        return "ok", f"{self.metric} {value:.4g} < warn threshold {self.warn:g}"


# --------------------------------------------------------------------------------------------
# results


@dataclass
class ColumnDrift:
    """The comparison of one column.

    Attributes
    ----------
    column : str
        Column name.
    kind : {"numeric", "categorical"}
        How the column was compared.
    n_ref, n_cur : int
        Values used from the reference and the current window.
    missing_ref, missing_cur : int
        Values dropped as missing (or infinite) in each window.
    psi : float
        PSI between the smoothed bin proportions.
    js : float
        Jensen-Shannon distance (base 2) between the unsmoothed bin proportions.
    ks, ks_pvalue : float or None
        Two-sample Kolmogorov-Smirnov statistic and p-value (numeric columns).
    ks_method : {"exact", "asymp"} or None
        How the p-value was computed (the rule of ``ks_2samp(method="auto")``).
    wasserstein : float or None
        Wasserstein-1 divided by ``max(std_ref, 0.001)`` (numeric columns).
    wasserstein_raw : float or None
        Wasserstein-1 in the column's units.
    std_ref : float or None
        Reference standard deviation (``ddof=0``).
    chi2, chi2_pvalue : float or None
        Chi-square test of homogeneity on the category counts (categorical columns).
    chi2_dof : int or None
        Its degrees of freedom.
    bins : list of str
        Bin labels (``"[-0.84, -0.25)"``) or category names (then
        :data:`~aipo_widgets.analysis.drift_reference.UNSEEN`).
    edges : list of float or None
        Inner bin edges of numeric columns.
    ref_counts, cur_counts : list of int
        Counts per bin.
    smoothing : float
        The additive smoothing ``alpha`` used for PSI.
    epsilon_ref, epsilon_cur : float
        The proportion an empty bin receives after smoothing, in each window.
    unseen : dict of str to int
        Current categories the reference did not have (up to 20, most frequent first).
    exact : bool
        False when KS and Wasserstein were computed against a reference sketch.
    ks_error_bound, w1_error_bound : float
        Bounds on the sketch error of ``ks`` and ``wasserstein_raw`` (0 when exact).
    verdict : {"ok", "warn", "drift"}
        The column verdict.
    rule : str
        The rule that fired, in words.
    """

    column: str
    kind: Kind
    n_ref: int
    n_cur: int
    missing_ref: int
    missing_cur: int
    psi: float
    js: float
    ks: float | None = None
    ks_pvalue: float | None = None
    ks_method: str | None = None
    wasserstein: float | None = None
    wasserstein_raw: float | None = None
    std_ref: float | None = None
    chi2: float | None = None
    chi2_pvalue: float | None = None
    chi2_dof: int | None = None
    bins: list[str] = field(default_factory=list)
    edges: list[float] | None = None
    ref_counts: list[int] = field(default_factory=list)
    cur_counts: list[int] = field(default_factory=list)
    smoothing: float = 1.0
    epsilon_ref: float = 0.0
    epsilon_cur: float = 0.0
    unseen: dict[str, int] = field(default_factory=dict)
    exact: bool = True
    ks_error_bound: float = 0.0
    w1_error_bound: float = 0.0
    verdict: ColumnVerdict = "ok"
    rule: str = ""

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return asdict(self)


_FRAME_COLUMNS = ["kind", "verdict", "psi", "js", "ks", "ks_pvalue", "wasserstein", "chi2",
                  "chi2_pvalue", "n_ref", "n_cur", "missing_ref", "missing_cur", "exact",
                  "rule"]  # fmt: skip


@dataclass
class DriftReport:
    """Drift of a data set: one :class:`ColumnDrift` per column and a data-set verdict.

    Attributes
    ----------
    columns : list of ColumnDrift
        Per-column results, in the order compared.
    verdict : {"ok", "warn", "drift"}
        ``drift`` when ``share_drifted >= thresholds.drift_share``; ``warn`` when any column is
        ``warn`` or ``drift``; else ``ok``.
    n_drifted, n_warn : int
        Columns with verdict ``drift`` / ``warn``.
    share_drifted : float
        ``n_drifted / len(columns)``.
    thresholds : DriftThresholds
        The thresholds applied.
    rule : str
        The data-set rule that fired, in words.
    skipped : dict of str to str
        Columns not compared (e.g. datetimes) and why.
    """

    columns: list[ColumnDrift]
    verdict: ColumnVerdict
    n_drifted: int
    n_warn: int
    share_drifted: float
    thresholds: DriftThresholds
    rule: str
    skipped: dict[str, str] = field(default_factory=dict)

    def __getitem__(self, column: str) -> ColumnDrift:
        for c in self.columns:
            if c.column == column:
                return c
        msg = f"column {column!r} was not compared; compared: {[c.column for c in self.columns]}"
        raise DataError(msg)

    @property
    def drifted(self) -> list[str]:
        """Names of the columns with verdict ``drift``."""
        return [c.column for c in self.columns if c.verdict == "drift"]

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {
            "verdict": self.verdict,
            "n_drifted": self.n_drifted,
            "n_warn": self.n_warn,
            "share_drifted": self.share_drifted,
            "thresholds": asdict(self.thresholds),
            "rule": self.rule,
            "skipped": dict(self.skipped),
            "columns": [c.to_dict() for c in self.columns],
        }

    def to_frame(self) -> pd.DataFrame:
        """Return the per-column table (one row per column, indexed by column name).

        Returns
        -------
        pandas.DataFrame
            Columns ``kind, verdict, psi, js, ks, ks_pvalue, wasserstein, chi2, chi2_pvalue,
            n_ref, n_cur, missing_ref, missing_cur, exact, rule``.
        """
        import pandas as pd

        rows = [{k: getattr(c, k) for k in _FRAME_COLUMNS} for c in self.columns]
        index = pd.Index([c.column for c in self.columns], name="column")
        return pd.DataFrame(rows, index=index, columns=_FRAME_COLUMNS)

    def gate(self, name: str = "data drift") -> Gate:
        """Return the data-set verdict as a gate (ok -> pass, warn -> warn, drift -> fail).

        Parameters
        ----------
        name : str, default "data drift"
            Gate name.

        Returns
        -------
        aipo_widgets.evidence.Gate
        """
        verdict = {"ok": "pass", "warn": "warn", "drift": "fail"}[self.verdict]
        return Gate(
            name,
            verdict,  # type: ignore[arg-type]
            figure=round(self.share_drifted, 4),
            threshold=f"share of drifted columns < {self.thresholds.drift_share:g}",
            detail=self.rule,
            extra={"drifted": self.drifted},
        )


# --------------------------------------------------------------------------------------------
# column comparisons


def _bin_label(lo: float, hi: float) -> str:
    return f"[{lo:.4g}, {hi:.4g})"


def _compare_numeric(
    ref: NumericReference,
    frame: pd.DataFrame,
    smoothing: float,
    thresholds: DriftThresholds,
    ws: Buffers | None = None,
) -> ColumnDrift:
    col = ref.column
    y, missing_cur = sorted_finite(frame, col, "current", ws)
    n_cur = y.size
    edges = np.asarray(ref.edges, dtype=np.float64)
    cuts = np.searchsorted(y, edges, side="left")
    cur_counts = np.diff(np.concatenate(([0], cuts, [n_cur])))
    ref_counts = np.asarray(ref.counts, dtype=np.int64)
    n_bins = ref_counts.size

    p = smoothed_proportions(ref_counts, smoothing)
    q = smoothed_proportions(cur_counts, smoothing)
    psi_value = psi_unchecked(p, q)
    js = js_distance(ref_counts, cur_counts)

    if ref.exact and max(ref.n, n_cur) <= KS_EXACT_MAX_N:
        from scipy.stats import ks_2samp

        with warnings.catch_warnings(record=True) as caught:
            # scipy falls back to the asymptotic method (with a warning) when the exact
            # computation does not converge; record which method gave the p-value instead
            warnings.simplefilter("always")
            res = ks_2samp(ref.values, y, method="auto")
        fell_back = any("asymp" in str(w.message) for w in caught)
        ks, ks_p = float(res.statistic), float(res.pvalue)
        ks_method = "asymp" if fell_back else "exact"
        _, w1 = ks_w1(ref.values, y, ws)
    else:
        ks, w1 = ks_w1(ref.values, y, ws)
        ks_p, ks_method = ks_pvalue(ks, ref.n, n_cur)

    bounds = [-np.inf, *ref.edges, np.inf]
    labels = [_bin_label(bounds[i], bounds[i + 1]) for i in range(n_bins)]
    value = psi_value if thresholds.metric == "psi" else js
    verdict, rule = thresholds.verdict(value)
    return ColumnDrift(
        column=col,
        kind="numeric",
        n_ref=ref.n,
        n_cur=int(n_cur),
        missing_ref=ref.n_missing,
        missing_cur=int(missing_cur),
        psi=psi_value,
        js=js,
        ks=ks,
        ks_pvalue=ks_p,
        ks_method=ks_method,
        wasserstein=w1 / max(ref.std, STD_FLOOR),
        wasserstein_raw=w1,
        std_ref=ref.std,
        bins=labels,
        edges=list(ref.edges),
        ref_counts=ref_counts.tolist(),
        cur_counts=cur_counts.tolist(),
        smoothing=smoothing,
        epsilon_ref=smoothing / (ref.n + smoothing * n_bins),
        epsilon_cur=smoothing / (n_cur + smoothing * n_bins),
        exact=ref.exact,
        ks_error_bound=ref.ks_error_bound,
        w1_error_bound=ref.w1_error_bound,
        verdict=verdict,
        rule=rule,
    )


def _compare_categorical(
    ref: CategoricalReference,
    frame: pd.DataFrame,
    smoothing: float,
    thresholds: DriftThresholds,
) -> ColumnDrift:
    from scipy.stats import chi2_contingency

    col = ref.column
    counts, missing_cur = category_counts(frame, col, "current")
    cur = [counts.pop(k, 0) for k in ref.categories]
    unseen = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    cur.append(sum(v for _, v in unseen))
    ref_counts = np.asarray(ref.counts, dtype=np.int64)
    cur_counts = np.asarray(cur, dtype=np.int64)
    n_cur = int(cur_counts.sum())

    p = smoothed_proportions(ref_counts, smoothing)
    q = smoothed_proportions(cur_counts, smoothing)
    psi_value = psi_unchecked(p, q)
    js = js_distance(ref_counts, cur_counts)

    table = np.vstack([ref_counts, cur_counts])
    table = table[:, table.sum(axis=0) > 0]  # a bucket empty in both windows carries no evidence
    if table.shape[1] < 2:
        chi2, chi2_p, dof = 0.0, 1.0, 0
    else:
        res = chi2_contingency(table, correction=False)
        chi2, chi2_p, dof = float(res.statistic), float(res.pvalue), int(res.dof)

    n_bins = ref_counts.size
    value = psi_value if thresholds.metric == "psi" else js
    verdict, rule = thresholds.verdict(value)
    return ColumnDrift(
        column=col,
        kind="categorical",
        n_ref=ref.n,
        n_cur=n_cur,
        missing_ref=ref.n_missing,
        missing_cur=missing_cur,
        psi=psi_value,
        js=js,
        chi2=chi2,
        chi2_pvalue=chi2_p,
        chi2_dof=dof,
        bins=[*ref.categories, UNSEEN],
        ref_counts=ref_counts.tolist(),
        cur_counts=cur_counts.tolist(),
        smoothing=smoothing,
        epsilon_ref=smoothing / (ref.n + smoothing * n_bins),
        epsilon_cur=smoothing / (n_cur + smoothing * n_bins),
        unseen=dict(unseen[:20]),
        verdict=verdict,
        rule=rule,
    )


# --------------------------------------------------------------------------------------------
# public entry points


def drift(
    reference: pd.DataFrame | Reference,
    current: pd.DataFrame,
    columns: Sequence[str] | None = None,
    *,
    numeric: Sequence[str] | None = None,
    categorical: Sequence[str] | None = None,
    bins: int = 10,
    smoothing: float = 1.0,
    thresholds: DriftThresholds | Mapping[str, Any] | None = None,
    max_categories: int = 100,
    n_jobs: int = 1,
) -> DriftReport:
    """Compare a current window with a reference window, column by column.

    Parameters
    ----------
    reference : pandas.DataFrame or Reference
        The reference window, or a frozen :class:`Reference` (then ``bins``, ``numeric``,
        ``categorical`` and ``max_categories`` come from it).
    current : pandas.DataFrame
        The current window.
    columns : sequence of str, optional
        Columns to compare (default: the numeric, string, categorical and boolean columns the
        two frames share; other dtypes are listed in ``report.skipped``).
    numeric, categorical : sequence of str, optional
        Declare column kinds explicitly; declared columns are compared even if not in
        ``columns``.
    bins : int, default 10
        Reference-quantile bins for numeric columns.
    smoothing : float, default 1.0
        Additive smoothing ``alpha`` for PSI (> 0).
    thresholds : DriftThresholds or mapping, optional
        Verdict thresholds (default PSI 0.1 warn, 0.25 drift, data set at 30 % drifted).
    max_categories : int, default 100
        Most categories kept per categorical reference column.
    n_jobs : int, default 1
        Cores the call may use: columns are compared in that many threads (numpy releases
        the GIL while sorting) and native thread pools (BLAS) are limited to one thread each
        for the length of the call.

    Returns
    -------
    DriftReport

    Raises
    ------
    DataError
        Missing columns, empty frames, a declared numeric column that is not numeric, or a
        column without values.
    UsageError
        Bad arguments.

    Examples
    --------
    >>> import pandas as pd
    >>> ref = pd.DataFrame({"x": range(100)})
    >>> cur = pd.DataFrame({"x": range(50, 150)})
    >>> r = drift(ref, cur)
    >>> r.verdict, r["x"].ks, r["x"].bins[0]
    ('drift', 0.5, '[-inf, 9.9)')
    >>> r.to_frame()[["psi", "js", "ks", "wasserstein"]].round(3).to_dict("records")
    [{'psi': 1.869, 'js': 0.627, 'ks': 0.5, 'wasserstein': 1.732}]
    """
    th = _thresholds(thresholds)
    if not (isinstance(smoothing, (int, float)) and smoothing > 0 and math.isfinite(smoothing)):
        msg = f"smoothing must be a finite number > 0, got {smoothing!r}"
        raise UsageError(msg)
    check_int(n_jobs, "n_jobs", 1)
    local = threading.local()

    def _buffers() -> Buffers:
        if not hasattr(local, "ws"):
            local.ws = Buffers()
        return local.ws

    if isinstance(reference, Reference):
        if numeric or categorical:
            msg = (
                "numeric= and categorical= cannot be used with a frozen Reference (its column "
                "kinds are fixed); declare them in Reference.from_frame"
            )
            raise UsageError(msg)
        check_window(current, "current")
        if columns is not None:
            for col in columns:
                reference[col]  # raises DataError naming the column
        names = list(columns) if columns is not None else list(reference.columns)
        missing = [c for c in names if c not in current.columns]
        if missing:
            msg = (
                f"column {missing[0]!r} of the reference is missing from the current frame; "
                f"pass columns= to compare fewer (missing: {missing})"
            )
            raise DataError(msg)

        def task(col: str) -> ColumnDrift:
            ref = reference.columns[col]
            if isinstance(ref, NumericReference):
                return _compare_numeric(ref, current, float(smoothing), th, _buffers())
            return _compare_categorical(ref, current, float(smoothing), th)

        skipped: dict[str, str] = {}
    else:
        check_int(bins, "bins", 2)
        check_int(max_categories, "max_categories", 1)
        plan = plan_columns(reference, current, columns, numeric, categorical)
        names = list(plan.kinds)
        skipped = plan.skipped

        def task(col: str) -> ColumnDrift:
            # exact comparison: the full sorted reference, built and dropped column by column
            if plan.kinds[col] == "numeric":
                ws = _buffers()
                ref = numeric_reference(reference, col, bins, None, ws)
                return _compare_numeric(ref, current, float(smoothing), th, ws)
            cref = categorical_reference(reference, col, max_categories)
            return _compare_categorical(cref, current, float(smoothing), th)

    # One native thread per kit thread: n_jobs is the number of cores the call may use.
    with native_threads(1):
        if n_jobs > 1 and len(names) > 1:
            with ThreadPoolExecutor(max_workers=min(n_jobs, len(names))) as pool:
                results = list(pool.map(task, names))
        else:
            results = [task(c) for c in names]
    return _report(results, th, skipped)


def _thresholds(t: DriftThresholds | Mapping[str, Any] | None) -> DriftThresholds:
    if t is None:
        return DriftThresholds()
    if isinstance(t, DriftThresholds):
        return t
    if isinstance(t, Mapping):
        return DriftThresholds.from_mapping(t)
    msg = f"thresholds must be DriftThresholds or a mapping, got {type(t).__name__}"
    raise UsageError(msg)


def _report(
    results: list[ColumnDrift], th: DriftThresholds, skipped: dict[str, str]
) -> DriftReport:
    n = len(results)
    n_drift = sum(c.verdict == "drift" for c in results)
    n_warn = sum(c.verdict == "warn" for c in results)
    share = n_drift / n
    if share >= th.drift_share:
        verdict: ColumnVerdict = "drift"
        rule = f"{n_drift} of {n} columns drifted ({share:.0%} >= {th.drift_share:.0%})"
    elif n_drift or n_warn:
        verdict = "warn"
        rule = (
            f"{n_drift} of {n} columns drifted ({share:.0%} < {th.drift_share:.0%}), "
            f"{n_warn} at warn level"
        )
    else:
        verdict = "ok"
        rule = f"no column reached the {th.metric} warn threshold {th.warn:g}"
    return DriftReport(results, verdict, n_drift, n_warn, share, th, rule, skipped)


def prediction_drift(
    reference: pd.DataFrame | pd.Series | Reference | Iterable[Any],
    current: pd.DataFrame | pd.Series | Iterable[Any],
    column: str = "score",
    *,
    kind: Kind | None = None,
    bins: int = 10,
    smoothing: float = 1.0,
    thresholds: DriftThresholds | Mapping[str, Any] | None = None,
) -> ColumnDrift:
    """Drift of the model's output: :func:`drift` on one score (or predicted-label) column.

    Parameters
    ----------
    reference : DataFrame, Series, array-like or Reference
        Reference scores, or a frame / frozen reference holding ``column``.
    current : DataFrame, Series or array-like
        Current scores, or a frame holding ``column``.
    column : str, default "score"
        The score column.
    kind : {"numeric", "categorical"}, optional
        Force the kind (default: numeric scores, categorical labels, from the dtype).
    bins, smoothing, thresholds
        As in :func:`drift`.

    Returns
    -------
    ColumnDrift

    Examples
    --------
    >>> r = prediction_drift([0.1, 0.2, 0.3, 0.4] * 50, [0.1, 0.2, 0.3, 0.4] * 50)
    >>> r.psi, r.ks, r.verdict
    (0.0, 0.0, 'ok')
    """
    import pandas as pd

    if kind not in (None, "numeric", "categorical"):
        msg = f"kind must be 'numeric', 'categorical' or None, got {kind!r}"
        raise UsageError(msg)

    def as_frame(x: Any, which: str) -> pd.DataFrame:
        if isinstance(x, pd.DataFrame):
            return x
        if isinstance(x, pd.Series):
            return x.rename(column).to_frame()
        if isinstance(x, (str, bytes)) or not isinstance(x, Iterable):
            msg = f"{which} scores must be a DataFrame, Series or array-like, got {type(x)}"
            raise DataError(msg)
        return pd.DataFrame({column: np.asarray(list(x) if not hasattr(x, "__len__") else x)})

    cur = as_frame(current, "current")
    if isinstance(reference, Reference):
        rep = drift(reference, cur, [column], smoothing=smoothing, thresholds=thresholds)
    else:
        ref = as_frame(reference, "reference")
        rep = drift(
            ref,
            cur,
            [column],
            bins=bins,
            smoothing=smoothing,
            thresholds=thresholds,
            numeric=[column] if kind == "numeric" else None,
            categorical=[column] if kind == "categorical" else None,
        )
    return rep.columns[0]
