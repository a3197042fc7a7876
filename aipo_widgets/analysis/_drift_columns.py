"""What a drift comparison compares: the columns, their kinds, and their values.

Shared by :mod:`aipo_widgets.analysis.drift_reference` (freezing a reference window) and
:mod:`aipo_widgets.analysis.drift` (comparing a current window with it): which columns are
compared and as what (:func:`plan_columns`), the sorted finite values of a numeric column
(:func:`sorted_finite`) and the counts of a categorical one (:func:`category_counts`), each
with messages that name the column, the window and the fix.  pandas is imported where it is used.

Examples
--------
>>> import pandas as pd
>>> ref = pd.DataFrame({"age": [30, 41, None], "plan": ["a", "b", "a"], "z": [1j, 2j, 3j]})
>>> plan = plan_columns(ref, None, None, None, None)
>>> plan.kinds, plan.skipped
({'age': 'numeric', 'plan': 'categorical'}, {'z': 'dtype complex128 is neither numeric nor \
categorical'})
>>> values, missing = sorted_finite(ref, "age", "reference")
>>> values.tolist(), missing
([30.0, 41.0], 1)
>>> category_counts(ref, "plan", "reference")
({'a': 2, 'b': 1}, 0)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from aipo_widgets.analysis.drift_stats import Buffers
from aipo_widgets.errors import DataError, UsageError

if TYPE_CHECKING:  # pragma: no cover - typing only
    import pandas as pd

__all__ = [
    "ColumnPlan",
    "Kind",
    "auto_kind",
    "category_counts",
    "check_int",
    "check_window",
    "plan_columns",
    "sorted_finite",
]

#: How a column is compared.
Kind = Literal["numeric", "categorical"]


def check_int(value: Any, name: str, minimum: int) -> None:
    """Raise a UsageError unless ``value`` is an integer >= ``minimum`` (``bins``, ``n_jobs``)."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        msg = f"{name} must be an integer >= {minimum}, got {value!r}"
        raise UsageError(msg)


def check_window(frame: Any, which: str) -> None:
    """Raise a DataError unless the ``which`` ("reference", "current") window has rows."""
    import pandas as pd

    if not isinstance(frame, pd.DataFrame):
        msg = f"the {which} data must be a pandas DataFrame, got {type(frame).__name__}"
        raise DataError(msg)
    if len(frame) == 0:
        msg = f"the {which} frame is empty (0 rows); pass a window with data"
        raise DataError(msg)


@dataclass
class ColumnPlan:
    """The columns compared, with their kinds, and those skipped, with the reason."""

    kinds: dict[str, Kind]
    skipped: dict[str, str]


def auto_kind(series: pd.Series) -> Kind | None:
    """Return how a column is compared by default, from its dtype (None: not at all)."""
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


def plan_columns(
    reference: pd.DataFrame | None,
    current: pd.DataFrame | None,
    columns: Sequence[str] | None,
    numeric: Sequence[str] | None,
    categorical: Sequence[str] | None,
) -> ColumnPlan:
    """Decide which columns are compared and how; check they exist in both frames."""
    import pandas as pd

    for name, frame in (("reference", reference), ("current", current)):
        if frame is not None:
            check_window(frame, name)
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
            kind = auto_kind(first[col])
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
    return ColumnPlan(kinds, skipped)


def sorted_finite(
    frame: pd.DataFrame, col: str, which: str, ws: Buffers | None = None
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


def category_counts(frame: pd.DataFrame, col: str, which: str) -> tuple[dict[str, int], int]:
    """Return the count of each category (as a string) and the number of missing values."""
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
