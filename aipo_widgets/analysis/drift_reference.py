"""The frozen reference window of a drift comparison: build once, save as JSON, reuse.

A :class:`Reference` keeps what :func:`aipo_widgets.analysis.drift.drift` needs from the
reference window, column by column: for a numeric column (:class:`NumericReference`) the bin
edges at the reference quantiles and the counts per bin, summary statistics and up to
``sketch_size`` values; for a categorical column (:class:`CategoricalReference`) the counts of
the most frequent categories and of the rest, pooled into :data:`UNSEEN`.  Saved as JSON at
go-live (:meth:`Reference.to_json`), it is compared with every later window without keeping the
reference data.

When a numeric column has more values than ``sketch_size``, the reference keeps evenly spaced
quantiles instead, and records how far KS and Wasserstein against that sketch can be from the
full column (``ks_error_bound``, ``w1_error_bound``); PSI, Jensen-Shannon and chi-square stay
exact, since the bin counts are stored.

Examples
--------
>>> import numpy as np, pandas as pd
>>> rng = np.random.default_rng(1)
>>> ref = pd.DataFrame({"x": rng.normal(size=20_000), "c": rng.choice(list("abc"), 20_000)})
>>> frozen = Reference.from_frame(ref, sketch_size=1000)
>>> frozen["x"].exact, len(frozen["x"].values), frozen["c"].categories
(False, 1000, ['b', 'a', 'c'])
>>> Reference.from_json(frozen.to_json()).to_dict() == frozen.to_dict()
True
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from aipo_widgets.analysis._drift_columns import (
    Kind,
    category_counts,
    check_int,
    plan_columns,
    sorted_finite,
)
from aipo_widgets.analysis.drift_stats import Buffers, ks_w1
from aipo_widgets.errors import DataError
from aipo_widgets.model.atomic import atomic_write_text

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

__all__ = [
    "UNSEEN",
    "CategoricalReference",
    "ColumnReference",
    "NumericReference",
    "Reference",
    "categorical_reference",
    "numeric_reference",
]

#: Name of the bucket that holds categories the reference did not have.
UNSEEN = "<unseen>"

_FORMAT = "aipo-drift-reference"
_FORMAT_VERSION = 1


# --------------------------------------------------------------------------------------------
# one column


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


# --------------------------------------------------------------------------------------------
# the window


@dataclass
class Reference:
    """A frozen reference window: build once (e.g. at go-live), save as JSON, reuse.

    Build it with :meth:`from_frame`; pass it to :func:`aipo_widgets.analysis.drift.drift` in
    place of the reference frame.

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
    >>> from aipo_widgets.analysis.drift import drift
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
        check_int(bins, "bins", 2)
        if sketch_size is not None:
            check_int(sketch_size, "sketch_size", 2)
        check_int(max_categories, "max_categories", 1)
        plan = plan_columns(frame, None, columns, numeric, categorical)
        refs: dict[str, ColumnReference] = {}
        for col, kind in plan.kinds.items():
            if kind == "numeric":
                refs[col] = numeric_reference(frame, col, bins, sketch_size)
            else:
                refs[col] = categorical_reference(frame, col, max_categories)
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
            atomic_write_text(path, text)  # a torn reference would stop operate
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
# freezing a column


def numeric_reference(
    frame: pd.DataFrame,
    col: str,
    bins: int,
    sketch_size: int | None,
    ws: Buffers | None = None,
) -> NumericReference:
    """Freeze one numeric column of a reference window (see :meth:`Reference.from_frame`).

    Parameters
    ----------
    frame : pandas.DataFrame
        The reference window.
    col : str
        The column.
    bins : int
        Quantile bins (>= 2).
    sketch_size : int or None
        Most values kept (None: all, exact).
    ws : Buffers, optional
        Scratch buffers to sort in (the values then stay valid until the next column).

    Returns
    -------
    NumericReference
    """
    x, n_missing = sorted_finite(frame, col, "reference", ws)
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
        ks_err, w1_err = ks_w1(x, values)
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


def categorical_reference(
    frame: pd.DataFrame, col: str, max_categories: int
) -> CategoricalReference:
    """Freeze one categorical column of a reference window (see :meth:`Reference.from_frame`).

    The ``max_categories`` most frequent categories are kept (ties in alphabetical order); the
    rest are pooled into :data:`UNSEEN`.

    Returns
    -------
    CategoricalReference
    """
    counts, n_missing = category_counts(frame, col, "reference")
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
