"""Data drift and prediction drift: a reference window against a current window.

For every **numeric** column the module reports four statistics, all computed exactly:

* **PSI** (population stability index) over bins cut at the reference deciles (``bins=10``),
  with open outer edges (``-inf``/``+inf``) so new extremes are counted, and tied quantiles merged
  (a column with many equal values gets fewer bins).  Empty bins are handled by additive
  (Laplace) smoothing, ``(count + alpha) / (n + alpha * B)``, which keeps the proportions summing
  to one; the ``alpha`` used and the proportion an empty bin receives (``epsilon_ref``,
  ``epsilon_cur``) are part of every result, because the choice can dominate PSI when bins are
  empty (see DOMAIN.md 5.3).  :func:`psi` itself works on plain proportions.
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

KS and Wasserstein come from one merge of the two sorted samples (the CDF difference at every
distinct value), so a million rows per column cost a few sorts, not a Python loop.

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

A :class:`Reference` freezes what the comparison needs from the reference window (bin edges and
counts, category counts, summary statistics and up to ``sketch_size`` values per column) so it can
be saved as JSON at go-live and reused on every later window without keeping the reference data.
When the reference column has more values than ``sketch_size``, KS and Wasserstein are computed
against evenly spaced reference quantiles; the reference records how far that sketch is from the
full column (``ks_error_bound``, ``w1_error_bound``), and results carry ``exact=False``.  PSI,
Jensen-Shannon and chi-square stay exact, since the bin counts are stored.

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
>>> round(psi([0.25] * 4, [0.1, 0.2, 0.3, 0.4]), 4)
0.2282
"""

from __future__ import annotations

import json
import math
import threading
import warnings
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from aipo_widgets.errors import DataError, UsageError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

    from aipo_widgets.evidence import Gate

__all__ = [
    "UNSEEN",
    "CategoricalReference",
    "ColumnDrift",
    "DriftReport",
    "DriftThresholds",
    "NumericReference",
    "Reference",
    "drift",
    "js_distance",
    "prediction_drift",
    "psi",
    "smoothed_proportions",
]

#: Name of the bucket that holds categories the reference did not have.
UNSEEN = "<unseen>"

#: Above this many values in either sample, scipy's ``ks_2samp(method="auto")`` switches from the
#: exact distribution to the asymptotic one; the module follows the same rule.
KS_EXACT_MAX_N = 10_000

#: Floor of the reference standard deviation when normalising Wasserstein (as in Evidently).
STD_FLOOR = 0.001

_FORMAT = "aipo-drift-reference"
_FORMAT_VERSION = 1

Kind = Literal["numeric", "categorical"]
ColumnVerdict = Literal["ok", "warn", "drift"]


# --------------------------------------------------------------------------------------------
# statistics on proportions


def _as_proportions(x: Sequence[float] | np.ndarray, name: str) -> np.ndarray:
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1 or arr.size == 0:
        msg = f"{name} must be a non-empty 1-D sequence of proportions, got shape {arr.shape}"
        raise UsageError(msg)
    if not np.all(np.isfinite(arr)) or np.any(arr < 0):
        msg = f"{name} must hold finite proportions >= 0, got {arr.tolist()}"
        raise UsageError(msg)
    total = arr.sum()
    if not math.isclose(total, 1.0, rel_tol=0, abs_tol=1e-6):
        msg = (
            f"{name} must sum to 1, got {total:.6g}; pass proportions, or turn counts into "
            "proportions with smoothed_proportions(counts)"
        )
        raise UsageError(msg)
    return arr


def psi(p: Sequence[float] | np.ndarray, q: Sequence[float] | np.ndarray) -> float:
    """Compute the population stability index of proportions ``q`` against reference ``p``.

    ``PSI = sum_i (q_i - p_i) * ln(q_i / p_i)``; it is the symmetrised Kullback-Leibler divergence
    (Jeffreys), >= 0, and 0 only when ``p == q``.

    Parameters
    ----------
    p : sequence of float
        Reference (expected) proportions per bin, summing to 1.
    q : sequence of float
        Current (actual) proportions over the same bins, summing to 1.

    Returns
    -------
    float
        The PSI.

    Raises
    ------
    UsageError
        If the lengths differ, a vector does not sum to 1, or a proportion is zero (PSI is then
        infinite; smooth the counts with :func:`smoothed_proportions` first).

    Examples
    --------
    >>> round(psi([0.25, 0.25, 0.25, 0.25], [0.1, 0.2, 0.3, 0.4]), 4)
    0.2282
    >>> psi([0.5, 0.5], [0.5, 0.5])
    0.0
    """
    pa = _as_proportions(p, "p")
    qa = _as_proportions(q, "q")
    if pa.shape != qa.shape:
        msg = f"p and q must have the same number of bins, got {pa.size} and {qa.size}"
        raise UsageError(msg)
    if np.any(pa == 0) or np.any(qa == 0):
        msg = (
            "p and q must not contain zero proportions (PSI would be infinite); smooth the "
            "counts first, e.g. smoothed_proportions(counts, alpha=1.0)"
        )
        raise UsageError(msg)
    return _psi(pa, qa)


def _psi(p: np.ndarray, q: np.ndarray) -> float:
    return float(np.sum((q - p) * np.log(q / p)))


def smoothed_proportions(counts: Sequence[float] | np.ndarray, alpha: float = 1.0) -> np.ndarray:
    """Turn bin counts into proportions with additive (Laplace) smoothing.

    ``(count_i + alpha) / (n + alpha * B)`` for ``B`` bins: no bin is zero and the proportions
    still sum to 1, unlike replacing zeros by a fixed epsilon.

    Parameters
    ----------
    counts : sequence of float
        Non-negative counts per bin.
    alpha : float, default 1.0
        Pseudo-count added to every bin (1.0 is Laplace's rule); must be > 0.

    Returns
    -------
    numpy.ndarray
        The smoothed proportions.

    Examples
    --------
    >>> smoothed_proportions([3, 0, 1]).tolist()
    [0.5714285714285714, 0.14285714285714285, 0.2857142857142857]
    """
    c = np.asarray(counts, dtype=np.float64)
    if c.ndim != 1 or c.size == 0 or np.any(~np.isfinite(c)) or np.any(c < 0):
        msg = f"counts must be a non-empty 1-D sequence of finite numbers >= 0, got {counts!r}"
        raise UsageError(msg)
    if not (alpha > 0 and math.isfinite(alpha)):
        msg = f"alpha must be a finite number > 0, got {alpha!r}"
        raise UsageError(msg)
    return (c + alpha) / (c.sum() + alpha * c.size)


def js_distance(p: Sequence[float] | np.ndarray, q: Sequence[float] | np.ndarray) -> float:
    """Jensen-Shannon distance (base 2, in [0, 1]) between two distributions over the same bins.

    This is :func:`scipy.spatial.distance.jensenshannon` with ``base=2``; zeros are allowed.

    Parameters
    ----------
    p, q : sequence of float
        Non-negative weights per bin (normalised to proportions).

    Returns
    -------
    float
        The distance: 0 for equal distributions, 1 for disjoint ones.

    Examples
    --------
    >>> js_distance([1, 0], [0, 1])
    1.0
    >>> js_distance([0.5, 0.5], [0.5, 0.5])
    0.0
    """
    from scipy.spatial.distance import jensenshannon

    pa = np.asarray(p, dtype=np.float64)
    qa = np.asarray(q, dtype=np.float64)
    if pa.shape != qa.shape or pa.ndim != 1 or pa.sum() <= 0 or qa.sum() <= 0:
        msg = "p and q must be 1-D, of the same length, non-negative, and not all zero"
        raise UsageError(msg)
    return float(jensenshannon(pa, qa, base=2.0))


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
        if value >= self.drift:
            return "drift", f"{self.metric} {value:.4g} >= drift threshold {self.drift:g}"
        if value >= self.warn:
            return "warn", f"{self.metric} {value:.4g} >= warn threshold {self.warn:g}"
        return "ok", f"{self.metric} {value:.4g} < warn threshold {self.warn:g}"


# --------------------------------------------------------------------------------------------
# the frozen reference


@dataclass
class NumericReference:
    """What the comparison needs from one numeric reference column.

    Attributes
    ----------
    column : str
        Column name.
    n, n_missing : int
        Values used, and values dropped as missing or infinite.
    edges : list of float
        Inner bin edges (reference quantiles, deduplicated); the outer edges are -inf/+inf,
        and bin ``i`` is ``[edges[i-1], edges[i])``.
    counts : list of int
        Reference count per bin (``len(edges) + 1`` bins).
    mean, std, min, max : float
        Summary statistics (``std`` with ``ddof=0``).
    values : numpy.ndarray
        The sorted reference values if ``exact``, else ``sketch_size`` evenly spaced quantiles.
    exact : bool
        Whether ``values`` holds every reference value.
    ks_error_bound, w1_error_bound : float
        ``sup |F_sketch - F_ref|`` and ``W1(sketch, ref)``: by the triangle inequality, how far
        a KS statistic or (raw) Wasserstein distance computed against the sketch can be from the
        one against the full column.  Zero when ``exact``.
    """

    column: str
    n: int
    n_missing: int
    edges: list[float]
    counts: list[int]
    mean: float
    std: float
    min: float
    max: float
    values: np.ndarray = field(repr=False)
    exact: bool = True
    ks_error_bound: float = 0.0
    w1_error_bound: float = 0.0
    kind: Kind = "numeric"

    def to_dict(self) -> dict:
        """Return a JSON-ready dict (floats are written so that they read back identically)."""
        d = {k: v for k, v in asdict(self).items() if k != "values"}
        d["values"] = self.values.tolist()
        return d


@dataclass
class CategoricalReference:
    """What the comparison needs from one categorical reference column.

    Attributes
    ----------
    column : str
        Column name.
    n, n_missing : int
        Values used, and missing values dropped.
    categories : list of str
        Reference categories (as strings), most frequent first; the bucket :data:`UNSEEN`
        follows them.
    counts : list of int
        Reference count per category, then the count pooled into :data:`UNSEEN` (non-zero only
        when the reference had more than ``max_categories`` categories).
    n_pooled : int
        Number of reference categories pooled into :data:`UNSEEN`.
    """

    column: str
    n: int
    n_missing: int
    categories: list[str]
    counts: list[int]
    n_pooled: int = 0
    kind: Kind = "categorical"

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return asdict(self)


ColumnReference = NumericReference | CategoricalReference


@dataclass
class Reference:
    """A frozen reference window: build once (e.g. at go-live), save as JSON, reuse.

    Build it with :meth:`from_frame`; pass it to :func:`drift` in place of the reference frame.

    Attributes
    ----------
    columns : dict of str to NumericReference or CategoricalReference
        Per column, what the comparison needs.
    bins : int
        Number of quantile bins requested for numeric columns.
    sketch_size : int or None
        Most values kept per numeric column (``None``: all of them).
    max_categories : int
        Most categories kept per categorical column.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> rng = np.random.default_rng(1)
    >>> ref = pd.DataFrame({"x": rng.normal(size=20_000), "c": rng.choice(list("abc"), 20_000)})
    >>> frozen = Reference.from_frame(ref, sketch_size=1000)
    >>> frozen["x"].exact, len(frozen["x"].values), frozen["c"].categories
    (False, 1000, ['b', 'a', 'c'])
    >>> again = Reference.from_json(frozen.to_json())
    >>> cur = pd.DataFrame({"x": rng.normal(0.5, 1, 5000), "c": rng.choice(list("abd"), 5000)})
    >>> drift(frozen, cur).to_dict() == drift(again, cur).to_dict()
    True
    """

    columns: dict[str, ColumnReference]
    bins: int = 10
    sketch_size: int | None = 10_000
    max_categories: int = 100

    def __getitem__(self, column: str) -> ColumnReference:
        try:
            return self.columns[column]
        except KeyError:
            msg = (
                f"column {column!r} is not in the reference; it has "
                f"{', '.join(map(repr, self.columns))}"
            )
            raise DataError(msg) from None

    @classmethod
    def from_frame(
        cls,
        frame: pd.DataFrame,
        columns: Sequence[str] | None = None,
        *,
        numeric: Sequence[str] | None = None,
        categorical: Sequence[str] | None = None,
        bins: int = 10,
        sketch_size: int | None = 10_000,
        max_categories: int = 100,
    ) -> Reference:
        """Freeze a reference frame.

        Parameters
        ----------
        frame : pandas.DataFrame
            The reference window.
        columns : sequence of str, optional
            Columns to keep (default: all numeric, string, categorical and boolean columns).
        numeric, categorical : sequence of str, optional
            Declare the kind of columns explicitly (e.g. an integer code that is categorical).
            Declared columns are added to ``columns``.
        bins : int, default 10
            Quantile bins for numeric columns (>= 2).
        sketch_size : int or None, default 10000
            Keep at most this many values per numeric column for KS and Wasserstein: all values
            when the column has no more, else this many evenly spaced quantiles. ``None`` keeps
            every value (exact, but the JSON grows with the data).
        max_categories : int, default 100
            Keep the most frequent categories; rarer ones are pooled into :data:`UNSEEN`.

        Returns
        -------
        Reference

        Raises
        ------
        DataError
            If the frame is empty, a column is missing, a declared numeric column is not
            numeric, or a column has no values.
        """
        _check_int(bins, "bins", 2)
        if sketch_size is not None:
            _check_int(sketch_size, "sketch_size", 2)
        _check_int(max_categories, "max_categories", 1)
        plan = _plan_columns(frame, None, columns, numeric, categorical)
        refs: dict[str, ColumnReference] = {}
        for col, kind in plan.kinds.items():
            if kind == "numeric":
                refs[col] = _numeric_reference(frame, col, bins, sketch_size)
            else:
                refs[col] = _categorical_reference(frame, col, max_categories)
        return cls(refs, bins=bins, sketch_size=sketch_size, max_categories=max_categories)

    def to_dict(self) -> dict:
        """Return the reference as a JSON-ready dict."""
        return {
            "format": _FORMAT,
            "version": _FORMAT_VERSION,
            "bins": self.bins,
            "sketch_size": self.sketch_size,
            "max_categories": self.max_categories,
            "columns": {c: r.to_dict() for c, r in self.columns.items()},
        }

    def to_json(self, path: str | Path | None = None) -> str:
        """Serialise to JSON text, and write it to ``path`` when given.

        Parameters
        ----------
        path : str or pathlib.Path, optional
            File to write (UTF-8).

        Returns
        -------
        str
            The JSON text.
        """
        text = json.dumps(self.to_dict(), allow_nan=False)
        if path is not None:
            Path(path).write_text(text, encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, text: str) -> Reference:
        """Read a reference from the JSON text written by :meth:`to_json`.

        Parameters
        ----------
        text : str
            The JSON text.

        Returns
        -------
        Reference

        Raises
        ------
        DataError
            If the text is not a drift reference written by this module.
        """
        try:
            d = json.loads(text)
        except (TypeError, ValueError) as exc:
            msg = f"drift reference is not valid JSON ({exc}); pass the text of Reference.to_json()"
            raise DataError(msg) from None
        return cls.from_dict(d)

    @classmethod
    def load(cls, path: str | Path) -> Reference:
        """Read a reference saved with ``to_json(path)``.

        Parameters
        ----------
        path : str or pathlib.Path
            The JSON file.

        Returns
        -------
        Reference
        """
        p = Path(path)
        if not p.is_file():
            msg = f"drift reference file {str(p)!r} does not exist; save one with to_json(path)"
            raise DataError(msg)
        return cls.from_json(p.read_text(encoding="utf-8"))

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Reference:
        """Rebuild a reference from :meth:`to_dict` output.

        Parameters
        ----------
        d : mapping
            The dict.

        Returns
        -------
        Reference
        """
        if not isinstance(d, Mapping) or d.get("format") != _FORMAT:
            msg = f"not a drift reference: expected a JSON object with format {_FORMAT!r}"
            raise DataError(msg)
        if d.get("version") != _FORMAT_VERSION:
            msg = (
                f"drift reference version {d.get('version')!r} is not supported (this kit reads "
                f"version {_FORMAT_VERSION}); rebuild it with Reference.from_frame"
            )
            raise DataError(msg)
        cols: dict[str, ColumnReference] = {}
        try:
            for name, c in d["columns"].items():
                c = dict(c)
                if c.get("kind") == "numeric":
                    c["values"] = np.asarray(c["values"], dtype=np.float64)
                    cols[name] = NumericReference(**c)
                elif c.get("kind") == "categorical":
                    cols[name] = CategoricalReference(**c)
                else:
                    msg = f"drift reference column {name!r} has unknown kind {c.get('kind')!r}"
                    raise DataError(msg)
            return cls(
                cols,
                bins=d["bins"],
                sketch_size=d["sketch_size"],
                max_categories=d["max_categories"],
            )
        except (KeyError, TypeError) as exc:
            msg = f"drift reference is incomplete or damaged ({exc!r}); rebuild it with from_frame"
            raise DataError(msg) from None


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
        Bin labels (``"[-0.84, -0.25)"``) or category names (then :data:`UNSEEN`).
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


_FRAME_COLUMNS = [
    "kind",
    "verdict",
    "psi",
    "js",
    "ks",
    "ks_pvalue",
    "wasserstein",
    "chi2",
    "chi2_pvalue",
    "n_ref",
    "n_cur",
    "missing_ref",
    "missing_cur",
    "exact",
    "rule",
]


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
        from aipo_widgets.evidence import Gate

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
# input checks


def _check_int(value: Any, name: str, minimum: int) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        msg = f"{name} must be an integer >= {minimum}, got {value!r}"
        raise UsageError(msg)


def _check_frame(frame: Any, which: str) -> None:
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        msg = f"the {which} data must be a pandas DataFrame, got {type(frame).__name__}"
        raise DataError(msg)
    if len(frame) == 0:
        msg = f"the {which} frame is empty (0 rows); pass a window with data"
        raise DataError(msg)


@dataclass
class _Plan:
    kinds: dict[str, Kind]
    skipped: dict[str, str]


def _auto_kind(series: pd.Series) -> Kind | None:
    import pandas as pd

    dtype = series.dtype
    if pd.api.types.is_bool_dtype(dtype):
        return "categorical"
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return "numeric"
    if isinstance(dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(dtype):
        return "categorical"
    if pd.api.types.is_object_dtype(dtype):
        return "categorical"
    return None


def _plan_columns(
    reference: pd.DataFrame | None,
    current: pd.DataFrame | None,
    columns: Sequence[str] | None,
    numeric: Sequence[str] | None,
    categorical: Sequence[str] | None,
) -> _Plan:
    """Decide which columns are compared and how; check they exist in both frames."""
    import pandas as pd

    for name, frame in (("reference", reference), ("current", current)):
        if frame is not None:
            _check_frame(frame, name)
    numeric = list(numeric or [])
    categorical = list(categorical or [])
    both = sorted(set(numeric) & set(categorical))
    if both:
        msg = f"columns {both} are declared both numeric and categorical; declare each once"
        raise UsageError(msg)
    first = reference if reference is not None else current
    assert first is not None
    if columns is None and not numeric and not categorical:
        wanted = list(first.columns)
        if reference is not None and current is not None:
            wanted = [c for c in wanted if c in current.columns]
            if not wanted:
                msg = "the reference and current frames have no column in common; pass columns="
                raise DataError(msg)
        explicit = False
    else:
        wanted = list(columns or [])
        wanted += [c for c in (*numeric, *categorical) if c not in wanted]
        explicit = True
    if isinstance(wanted, str):  # pragma: no cover - guarded by the list() above
        wanted = [wanted]
    for name, frame in (("reference", reference), ("current", current)):
        if frame is None:
            continue
        missing = [c for c in wanted if c not in frame.columns]
        if missing:
            msg = (
                f"column {missing[0]!r} is missing from the {name} frame"
                + (f" (also missing: {missing[1:]})" if len(missing) > 1 else "")
                + f"; it has {list(map(str, frame.columns))[:20]}. Pass columns= to choose"
            )
            raise DataError(msg)
    kinds: dict[str, Kind] = {}
    skipped: dict[str, str] = {}
    for col in wanted:
        if col in numeric:
            kinds[col] = "numeric"
            for name, frame in (("reference", reference), ("current", current)):
                if frame is None:
                    continue
                s = frame[col]
                if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(
                    s.dtype
                ):
                    example = s.dropna().iloc[0] if s.notna().any() else None
                    msg = (
                        f"column {col!r} is declared numeric but has dtype {s.dtype} in the "
                        f"{name} frame (e.g. {example!r}); convert it with pd.to_numeric or "
                        "declare it categorical"
                    )
                    raise DataError(msg)
        elif col in categorical:
            kinds[col] = "categorical"
        else:
            kind = _auto_kind(first[col])
            if kind is None:
                if explicit:
                    msg = (
                        f"column {col!r} has dtype {first[col].dtype}, which is neither numeric "
                        "nor categorical; declare it with numeric=[...] or categorical=[...]"
                    )
                    raise DataError(msg)
                skipped[col] = f"dtype {first[col].dtype} is neither numeric nor categorical"
                continue
            kinds[col] = kind
    if not kinds:
        msg = "no column to compare: none is numeric or categorical; pass numeric=/categorical="
        raise DataError(msg)
    return _Plan(kinds, skipped)


# --------------------------------------------------------------------------------------------
# column kernels


class _Workspace:
    """Scratch buffers reused from column to column (one per thread of a :func:`drift` call).

    At a million rows a column needs about 60 MB of temporaries; allocating them afresh for
    every column costs page faults (the kernel zeroes every new page), which on a busy machine
    took as long as the arithmetic itself.
    """

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}

    def get(self, name: str, n: int, dtype: Any = np.float64) -> np.ndarray:
        buf = self._buffers.get(name)
        if buf is None or buf.size < n or buf.dtype != dtype:
            buf = np.empty(n, dtype=dtype)
            self._buffers[name] = buf
        return buf[:n]


def _sorted_finite(
    frame: pd.DataFrame, col: str, which: str, ws: _Workspace | None = None
) -> tuple[np.ndarray, int]:
    """Return the sorted finite values of a numeric column and how many were dropped.

    With a workspace the values are sorted in one of its buffers (valid until the next column).
    """
    import pandas as pd

    s = frame[col]
    if not pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype):
        example = s.dropna().iloc[0] if s.notna().any() else None
        msg = (
            f"column {col!r} is numeric in the reference but has dtype {s.dtype} in the {which} "
            f"frame (e.g. {example!r}); convert it with pd.to_numeric"
        )
        raise DataError(msg)
    values = s.to_numpy(dtype=np.float64, na_value=np.nan)
    if ws is None:
        x = np.sort(values)  # NaN sorts last, -inf first, +inf just before NaN
    else:
        x = ws.get(which, values.size)
        np.copyto(x, values)
        x.sort()
    n_total = x.size
    lo = int(np.searchsorted(x, -np.inf, side="right"))
    hi = int(np.searchsorted(x, np.inf, side="left"))  # NaN compares greater than +inf here
    x = x[lo:hi]
    if x.size == 0:
        msg = (
            f"column {col!r} has no finite values in the {which} frame "
            f"({n_total} rows, all missing or infinite); fill it or leave it out with columns="
        )
        raise DataError(msg)
    return x, n_total - x.size


def _numeric_reference(
    frame: pd.DataFrame,
    col: str,
    bins: int,
    sketch_size: int | None,
    ws: _Workspace | None = None,
) -> NumericReference:
    x, n_missing = _sorted_finite(frame, col, "reference", ws)
    return _numeric_reference_from_sorted(col, x, n_missing, bins, sketch_size)


def _numeric_reference_from_sorted(
    col: str, x: np.ndarray, n_missing: int, bins: int, sketch_size: int | None
) -> NumericReference:
    n = x.size
    probs = np.linspace(0.0, 1.0, bins + 1)[1:-1]
    edges = np.unique(np.quantile(x, probs))
    # counts per bin [e_{i-1}, e_i) straight from the sorted values: no pass over the data
    cuts = np.searchsorted(x, edges, side="left")
    counts = np.diff(np.concatenate(([0], cuts, [n])))
    mean = float(x.mean())
    std = float(x.std())
    if sketch_size is None or n <= sketch_size:
        values, exact, ks_err, w1_err = x, True, 0.0, 0.0
    else:
        # evenly spaced quantiles at the mid-points (k + 1/2) / K, taken from the data
        idx = np.floor((np.arange(sketch_size) + 0.5) * (n / sketch_size)).astype(np.int64)
        values = x[np.minimum(idx, n - 1)].copy()
        ks_err, w1_err = _ks_w1(x, values)
        exact = False
    return NumericReference(
        column=col,
        n=int(n),
        n_missing=int(n_missing),
        edges=edges.tolist(),
        counts=counts.tolist(),
        mean=mean,
        std=std,
        min=float(x[0]),
        max=float(x[-1]),
        values=values,
        exact=exact,
        ks_error_bound=float(ks_err),
        w1_error_bound=float(w1_err),
    )


_vecdot = getattr(np, "vecdot", np.dot)


def _ks_w1(a: np.ndarray, b: np.ndarray, ws: _Workspace | None = None) -> tuple[float, float]:
    """KS statistic and Wasserstein-1 of two *sorted* samples, from one merge.

    The merged values are ordered by a stable argsort of ``concat(a, b)`` (two sorted runs, so
    the merge is linear); the running count of ``a`` values gives both empirical CDFs at every
    merged value.  Inside a run of tied values the CDFs are not yet final, so KS looks only at
    the last value of each run, and Wasserstein's step width is zero there anyway.  The
    arithmetic is that of scipy's ``ks_2samp`` and ``wasserstein_distance``.
    """
    ws = ws if ws is not None else _Workspace()
    n1 = a.size
    n2 = b.size
    n = n1 + n2
    z = ws.get("merged", n)
    z[:n1] = a
    z[n1:] = b
    order = np.argsort(z, kind="stable")
    zs = np.take(z, order, out=ws.get("merged_sorted", n))
    from_a = np.less(order, n1, out=ws.get("from_a", n, np.bool_))
    counts = order  # reuse the index buffer for the running counts
    np.cumsum(from_a, out=counts)
    d = np.divide(counts, n1, out=ws.get("cdf_diff", n))  # F_a at every merged value
    np.logical_not(from_a, out=from_a)
    np.cumsum(from_a, out=counts)
    np.divide(counts, n2, out=z)  # F_b, in the no longer needed concatenation buffer
    del counts, order
    d -= z
    np.abs(d, out=d)
    steps = np.subtract(zs[1:], zs[:-1], out=z[:-1])
    w1 = float(_vecdot(d[:-1], steps))
    # KS: the CDF difference at the last value of each run of ties (steps > 0), and at the end
    ks = float(np.max(d[:-1], where=steps > 0, initial=0.0))
    ks = max(ks, float(d[-1]))
    return ks, w1


def _ks_pvalue(ks: float, n1: int, n2: int) -> tuple[float, str]:
    """Return the two-sided KS p-value the way ``ks_2samp(method='auto')`` does for large n.

    Above :data:`KS_EXACT_MAX_N` values scipy uses the distribution of the one-sample statistic
    at the effective size, ``kstwo.sf(D, round(n1 * n2 / (n1 + n2)))``; this is the same value.
    """
    m, n = sorted([float(n1), float(n2)], reverse=True)
    en = int(np.round(m * n / (m + n)))
    return float(np.clip(_kstwo_sf(ks, en), 0.0, 1.0)), "asymp"


#: scipy's ``smirnov(n, x)`` sums its exact series up to this n, and switches to an asymptotic
#: formula above it (xsf ``SMIRNOV_MAX_COMPUTE_N``).
_SMIRNOV_MAX_COMPUTE_N = 1_000_000
_LN_2PI = math.log(2.0 * math.pi)


def _kstwo_sf(d: float, n: int) -> float:
    """Return ``scipy.stats.kstwo.sf(d, n)``, with its slowest branch vectorised.

    For ``140 < n <= 1e6`` and ``2.2 <= n d^2 < 370`` scipy evaluates ``2 * smirnov(n, d)`` by
    summing up to ``n`` terms one by one in double-double arithmetic, holding the GIL: about
    0.4 s per call at ``n = 500,000``, more than the rest of a column's comparison.  There the
    same series is summed with numpy (:func:`_smirnov_sf`), which agrees with scipy to about
    1e-13 relative (checked in the tests) in a tenth of the time.  Everywhere else (where scipy
    is fast) scipy is called.
    """
    nxx = n * d * d
    if 140 < n <= _SMIRNOV_MAX_COMPUTE_N and 2.2 <= nxx < 370.0 and 0.0 < d < 0.5:
        return min(max(2.0 * _smirnov_sf(n, d), 0.0), 1.0)
    from scipy.stats import kstwo

    return float(kstwo.sf(d, n))


def _stirling_correction(k: np.ndarray) -> np.ndarray:
    """``ln k! - (k ln k - k + ln(2 pi k) / 2)`` for k >= 1, to double precision."""
    from scipy.special import gammaln

    out = np.empty_like(k)
    small = k < 20
    ks = k[small]
    out[small] = gammaln(ks + 1.0) - (ks * np.log(ks) - ks + 0.5 * (_LN_2PI + np.log(ks)))
    r = 1.0 / k[~small]
    r2 = r * r
    out[~small] = r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 / 1680)))
    return out


def _smirnov_sf(n: int, x: float, block: int = 1 << 16) -> float:
    """One-sided Smirnov survival function ``P(D+_n >= x)`` by its exact series.

    ``x * sum_{v=0}^{n - floor(nx) - 1} C(n, v) (1 - x - v/n)^(n - v) (x + v/n)^(v - 1)``, the
    sum scipy's ``smirnov`` computes (Birnbaum and Tingey).  Each term is taken in logs, with
    ``ln C(n, v)`` written through Stirling's series so that the large parts cancel
    analytically (``v ln(1 + nx/v) + (n - v) ln(1 - nx/(n - v))``) instead of numerically; the
    terms are then added blockwise with a running log-sum-exp.
    """
    nx = n * x
    vmax = int(n - math.floor(nx) - 1)
    log_first = n * math.log1p(-x) - math.log(x)  # v = 0: (1 - x)^n / x
    corr_n = float(_stirling_correction(np.array([float(n)]))[0])
    peak = log_first
    total = 1.0  # sum of exp(log term - peak)
    for start in range(1, vmax + 1, block):
        v = np.arange(start, min(start + block, vmax + 1), dtype=np.float64)
        w = n - v
        t = v * np.log1p(nx / v)
        t += w * np.log1p(-nx / w)
        t -= np.log((v + nx) / n)
        t += 0.5 * (np.log(n / (v * w)) - _LN_2PI)
        t += corr_n
        t -= _stirling_correction(v)
        t -= _stirling_correction(w)
        m = float(t.max())
        if m > peak:
            total *= math.exp(peak - m)
            peak = m
        t -= peak
        np.exp(t, out=t)
        total += float(t.sum())
    return x * math.exp(peak) * total


def _bin_label(lo: float, hi: float) -> str:
    return f"[{lo:.4g}, {hi:.4g})"


def _compare_numeric(
    ref: NumericReference,
    frame: pd.DataFrame,
    smoothing: float,
    thresholds: DriftThresholds,
    ws: _Workspace | None = None,
) -> ColumnDrift:
    col = ref.column
    y, missing_cur = _sorted_finite(frame, col, "current", ws)
    n_cur = y.size
    edges = np.asarray(ref.edges, dtype=np.float64)
    cuts = np.searchsorted(y, edges, side="left")
    cur_counts = np.diff(np.concatenate(([0], cuts, [n_cur])))
    ref_counts = np.asarray(ref.counts, dtype=np.int64)
    n_bins = ref_counts.size

    p = smoothed_proportions(ref_counts, smoothing)
    q = smoothed_proportions(cur_counts, smoothing)
    psi_value = _psi(p, q)
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
        _, w1 = _ks_w1(ref.values, y, ws)
    else:
        ks, w1 = _ks_w1(ref.values, y, ws)
        ks_p, ks_method = _ks_pvalue(ks, ref.n, n_cur)

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


def _category_counts(frame: pd.DataFrame, col: str, which: str) -> tuple[dict[str, int], int]:
    s = frame[col]
    n_missing = int(s.isna().sum())
    if n_missing == len(s):
        msg = (
            f"column {col!r} has no values in the {which} frame ({len(s)} rows, all missing); "
            "fill it or leave it out with columns="
        )
        raise DataError(msg)
    vc = s.value_counts(dropna=True, sort=False)
    counts: dict[str, int] = {}
    for key, cnt in zip(vc.index.tolist(), vc.to_numpy().tolist(), strict=True):
        k = str(key)
        counts[k] = counts.get(k, 0) + int(cnt)
    return counts, n_missing


def _categorical_reference(
    frame: pd.DataFrame, col: str, max_categories: int
) -> CategoricalReference:
    counts, n_missing = _category_counts(frame, col, "reference")
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    kept = ranked[:max_categories]
    pooled = ranked[max_categories:]
    return CategoricalReference(
        column=col,
        n=int(sum(counts.values())),
        n_missing=n_missing,
        categories=[k for k, _ in kept],
        counts=[v for _, v in kept] + [sum(v for _, v in pooled)],
        n_pooled=len(pooled),
    )


def _compare_categorical(
    ref: CategoricalReference,
    frame: pd.DataFrame,
    smoothing: float,
    thresholds: DriftThresholds,
) -> ColumnDrift:
    from scipy.stats import chi2_contingency

    col = ref.column
    counts, missing_cur = _category_counts(frame, col, "current")
    cur = [counts.pop(k, 0) for k in ref.categories]
    unseen = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    cur.append(sum(v for _, v in unseen))
    ref_counts = np.asarray(ref.counts, dtype=np.int64)
    cur_counts = np.asarray(cur, dtype=np.int64)
    n_cur = int(cur_counts.sum())

    p = smoothed_proportions(ref_counts, smoothing)
    q = smoothed_proportions(cur_counts, smoothing)
    psi_value = _psi(p, q)
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
        Columns compared in parallel threads (numpy releases the GIL while sorting).

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
    _check_int(n_jobs, "n_jobs", 1)
    local = threading.local()

    def _workspace() -> _Workspace:
        if not hasattr(local, "ws"):
            local.ws = _Workspace()
        return local.ws

    if isinstance(reference, Reference):
        if numeric or categorical:
            msg = (
                "numeric= and categorical= cannot be used with a frozen Reference (its column "
                "kinds are fixed); declare them in Reference.from_frame"
            )
            raise UsageError(msg)
        _check_frame(current, "current")
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
                return _compare_numeric(ref, current, float(smoothing), th, _workspace())
            return _compare_categorical(ref, current, float(smoothing), th)

        skipped: dict[str, str] = {}
    else:
        _check_int(bins, "bins", 2)
        _check_int(max_categories, "max_categories", 1)
        plan = _plan_columns(reference, current, columns, numeric, categorical)
        names = list(plan.kinds)
        skipped = plan.skipped

        def task(col: str) -> ColumnDrift:
            # exact comparison: the full sorted reference, built and dropped column by column
            if plan.kinds[col] == "numeric":
                ws = _workspace()
                ref = _numeric_reference(reference, col, bins, None, ws)
                return _compare_numeric(ref, current, float(smoothing), th, ws)
            cref = _categorical_reference(reference, col, max_categories)
            return _compare_categorical(cref, current, float(smoothing), th)

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
    declared = {"numeric": [column]} if kind == "numeric" else {}
    if kind == "categorical":
        declared = {"categorical": [column]}
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
            **declared,
        )
    return rep.columns[0]
