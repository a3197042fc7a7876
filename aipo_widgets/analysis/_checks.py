"""Input checks shared by the evaluation, gold-set, fairness, threshold and pilot analyses.

Every check turns a bad input into a :class:`~aipo_widgets.errors.DataError` or
:class:`~aipo_widgets.errors.UsageError` that names the argument or column, what was expected,
what was received and the fix, before numpy or pandas can raise something less helpful.  The
checks return the values in the form the kernels want (float arrays, boolean masks, group codes).

Examples
--------
>>> import pandas as pd
>>> gold = pd.DataFrame({"label": ["spam", "ham", "spam"], "score": [0.9, 0.2, 0.4]})
>>> labels, name = column_values(gold, "label", "label")
>>> as_binary(labels, name, pos_label="spam")[0].tolist()
[True, False, True]
>>> as_numeric(pd.Series([1.0, None]), "score")
Traceback (most recent call last):
...
aipo_widgets.errors.DataError: column 'score' has 1 missing values (rows 1); drop or fill \
them before evaluating
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from aipo_widgets.errors import DataError, Problem, UsageError

__all__ = [
    "Groups",
    "arm_values",
    "as_binary",
    "as_numeric",
    "as_prediction",
    "bincount",
    "check_alpha",
    "check_frame",
    "check_settings",
    "column_values",
    "factorize_groups",
    "is_zero_one",
    "no_missing",
    "one_group",
    "review_flags",
    "row_examples",
    "same_length",
    "smallest_int",
]


# ------------------------------------------------------------------------------------------------
# frames, columns and values


def check_frame(data: Any) -> pd.DataFrame | None:
    """Return ``data`` when it is a non-empty DataFrame, None when it is None.

    Raises
    ------
    UsageError
        When ``data`` is something other than a DataFrame.
    DataError
        When the frame has no rows.
    """
    if data is None:
        return None
    if not isinstance(data, pd.DataFrame):
        msg = (
            f"data must be a pandas DataFrame (or None with arrays passed directly), "
            f"got {type(data).__name__}"
        )
        raise UsageError(msg)
    if len(data) == 0:
        msg = "the data frame is empty (0 rows); evaluate a gold set with at least a few rows"
        raise DataError(msg)
    return data


def column_values(data: pd.DataFrame | None, value: Any, arg: str) -> tuple[pd.Series, str]:
    """Return the values an argument refers to (a column name, or array-like) and a name."""
    if isinstance(value, str):
        if data is None:
            msg = (
                f"{arg}={value!r} names a column, but no data frame was given; pass "
                f"data=<DataFrame>, or pass the values themselves as {arg}=<array>"
            )
            raise UsageError(msg)
        if value not in data.columns:
            cols = ", ".join(map(repr, list(data.columns)[:20]))
            msg = (
                f"column {value!r} (argument {arg}) is not in the data; "
                f"the columns are {cols}; pass {arg}=<one of them>"
            )
            raise DataError(msg)
        return data[value], value
    if value is None:
        msg = f"{arg} is required"
        raise UsageError(msg)
    if isinstance(value, pd.Series):
        return value.reset_index(drop=True), arg
    if np.isscalar(value):
        msg = f"{arg} must be a column name or an array of values, got the scalar {value!r}"
        raise UsageError(msg)
    arr = np.asarray(value)
    if arr.ndim != 1:
        msg = f"{arg} must be one-dimensional, got an array of shape {arr.shape}"
        raise DataError(msg)
    if len(arr) == 0:
        msg = f"{arg} is empty (0 values); evaluate at least a few rows"
        raise DataError(msg)
    return pd.Series(arr, copy=False), arg


def same_length(**series: Any) -> int:
    """Return the common length of the named inputs (None values are skipped).

    Raises
    ------
    DataError
        When the lengths differ (the message lists them) or are 0.

    Examples
    --------
    >>> same_length(label=[0, 1], score=[0.2, 0.7], weights=None)
    2
    """
    lengths = {k: len(v) for k, v in series.items() if v is not None}
    if len(set(lengths.values())) > 1:
        parts = ", ".join(f"{k} has {n}" for k, n in lengths.items())
        msg = f"the inputs have different lengths ({parts}); pass values for the same rows"
        raise DataError(msg)
    n = next(iter(lengths.values()))
    if n == 0:
        msg = "there are no rows to evaluate (0 values)"
        raise DataError(msg)
    return n


def row_examples(s: pd.Series, mask: np.ndarray, k: int = 5) -> str:
    """Return the first ``k`` row labels where ``mask`` is true, for a message ("3, 7, ...").

    Examples
    --------
    >>> import numpy as np
    >>> row_examples(pd.Series([1, None, None]), np.array([False, True, True]))
    '1, 2'
    """
    idx = list(s.index[mask][:k]) if isinstance(s, pd.Series) else list(np.flatnonzero(mask)[:k])
    more = ", ..." if int(mask.sum()) > k else ""
    return ", ".join(map(repr, idx)) + more


def no_missing(s: pd.Series, name: str, what: str = "evaluating") -> None:
    """Raise a DataError naming the column, the count and the rows of its missing values.

    ``what`` ends the message ("drop or fill them before <what>").
    """
    mask = s.isna().to_numpy()
    if mask.any():
        msg = (
            f"column {name!r} has {int(mask.sum())} missing values (rows {row_examples(s, mask)}); "
            f"drop or fill them before {what}"
        )
        raise DataError(msg)


def as_numeric(s: pd.Series | np.ndarray, name: str, what: str = "evaluating") -> np.ndarray:
    """Return finite float64 values, or raise a DataError naming the column and the fix."""
    if isinstance(s, np.ndarray) and s.dtype.kind in "fiub":
        arr = s.astype(np.float64, copy=False)
        bad = ~np.isfinite(arr)
        if bad.any():
            s = pd.Series(arr, copy=False)
        else:
            return arr
    if isinstance(s, np.ndarray):
        s = pd.Series(s, copy=False)
    if not (pd.api.types.is_numeric_dtype(s.dtype) or pd.api.types.is_bool_dtype(s.dtype)):
        nonnull = s.dropna()
        example = f" (e.g. {nonnull.iloc[0]!r})" if len(nonnull) else ""
        msg = (
            f"column {name!r} must be numeric, got dtype {s.dtype}{example}; convert it with "
            f"pd.to_numeric(df[{name!r}]) or pass the numeric column"
        )
        # A column of a data source names its file (to_frame puts it in the frame's attrs).
        file = str(getattr(s, "attrs", {}).get("aipo_source", "") or "")
        if file:
            raise DataError([Problem(msg, file=file)])
        raise DataError(msg)
    no_missing(s, name, what)
    arr = s.to_numpy(dtype=np.float64)
    bad = ~np.isfinite(arr)
    if bad.any():
        msg = (
            f"column {name!r} has {int(bad.sum())} infinite values (rows "
            f"{row_examples(s, bad)}); replace them with finite numbers before {what}"
        )
        raise DataError(msg)
    return arr


def is_zero_one(classes: Sequence[Any]) -> bool:
    """Tell whether the classes are 0 and 1 (or booleans), so that 1 is the positive class."""
    try:
        return all(c in (0, 1) and not isinstance(c, str) for c in classes)
    except TypeError:
        return False


def as_binary(
    s: pd.Series | np.ndarray,
    name: str,
    pos_label: Any = None,
    *,
    need_both: bool = True,
    purpose: str = "a classification evaluation",
) -> tuple[np.ndarray, Any, Any]:
    """Return a boolean positive mask, the positive and the negative class.

    Raises DataError for missing values, more than two classes or (with ``need_both``) a single
    class, and UsageError when the positive class cannot be guessed.
    """
    classes: list[object]  # the labels as they are: booleans, numbers, texts
    # a column of plain numpy bools or integers has no missing values: its array will do
    arr = s.to_numpy() if isinstance(s, pd.Series) and isinstance(s.dtype, np.dtype) else s
    if isinstance(arr, np.ndarray) and arr.dtype.kind in "biu" and arr.ndim == 1:
        # fast path for plain 0/1 and boolean arrays (10 million labels in a few ms, and no
        # hashing: hashing one-byte labels costs 8 bytes a row)
        if arr.dtype.kind == "b":
            y = arr
            classes = [c for c, present in ((False, (~y).any()), (True, y.any())) if present]
            if pos_label is None or pos_label in (True, 1):
                return _binary_done(y, name, classes, True, False, need_both, purpose)
        elif len(arr) and arr.min() >= 0 and arr.max() <= 1:
            y = arr == 1
            classes = [c for c, present in ((0, (~y).any()), (1, y.any())) if present]
            if pos_label is None or pos_label == 1:
                return _binary_done(y, name, classes, 1, 0, need_both, purpose)
    if isinstance(s, np.ndarray):
        s = pd.Series(s, copy=False)
    no_missing(s, name)
    uniq = pd.unique(s)
    try:
        classes = sorted(uniq.tolist())
    except TypeError:
        classes = list(uniq.tolist())
    if len(classes) > 2:
        shown = ", ".join(map(repr, classes[:6])) + (", ..." if len(classes) > 6 else "")
        msg = (
            f"column {name!r} has {len(classes)} classes ({shown}); binary metrics need two: "
            f"map them to two classes first, e.g. df[{name!r}].eq(<positive class>)"
        )
        raise DataError(msg)
    if pos_label is None:
        if is_zero_one(classes):
            pos_label = True if any(isinstance(c, (bool, np.bool_)) for c in classes) else 1
        else:
            shown = ", ".join(map(repr, classes))
            msg = (
                f"pos_label is needed: column {name!r} has the classes {shown}; pass "
                f"pos_label=<the class that counts as positive>"
            )
            raise UsageError(msg)
    elif pos_label not in classes and len(classes) == 2:
        shown = ", ".join(map(repr, classes))
        msg = f"pos_label={pos_label!r} is not a class of column {name!r} (classes: {shown})"
        raise UsageError(msg)
    y = (s == pos_label).to_numpy(dtype=bool)
    others = [c for c in classes if c != pos_label]
    neg_label = others[0] if others else (0 if pos_label == 1 else None)
    return _binary_done(y, name, classes, pos_label, neg_label, need_both, purpose)


def _binary_done(
    y: np.ndarray,
    name: str,
    classes: list,
    pos_label: Any,
    neg_label: Any,
    need_both: bool,
    purpose: str,
) -> tuple[np.ndarray, Any, Any]:
    if need_both and len(classes) < 2:
        msg = (
            f"column {name!r} has only one class ({classes[0]!r}); {purpose} needs both "
            f"classes: add examples of the other class to the gold set"
        )
        raise DataError(msg)
    return y, pos_label, neg_label


def as_prediction(s: pd.Series, name: str, pos_label: Any, neg_label: Any) -> np.ndarray:
    """Return hard predictions as a boolean positive mask."""
    no_missing(s, name)
    if pd.api.types.is_bool_dtype(s.dtype):
        return s.to_numpy(dtype=bool)
    counted = _int_counts(s)
    if counted is not None:
        values = (np.flatnonzero(counted[1]) + counted[0]).tolist()
    else:
        values = pd.unique(s).tolist()
    label_space = {pos_label, neg_label}
    if all(v in label_space for v in values):
        return (s == pos_label).to_numpy(dtype=bool)
    if is_zero_one(values):
        return (s == 1).to_numpy(dtype=bool)
    shown = ", ".join(map(repr, values[:6]))
    msg = (
        f"column {name!r} holds predictions ({shown}) that are neither the label classes "
        f"({pos_label!r}, {neg_label!r}) nor 0/1; pass scores as score=..., or map the "
        f"predictions to the label classes"
    )
    raise DataError(msg)


def check_settings(n_boot: int, ci: float, threshold: float | None = None) -> None:
    """Check the bootstrap resamples, the confidence level and (optionally) a threshold.

    Raises
    ------
    UsageError
        For a negative or too small ``n_boot`` (1-19), a ``ci`` outside (0, 1), a threshold that
        is not a finite number.
    """
    if not isinstance(n_boot, (int, np.integer)) or isinstance(n_boot, bool) or n_boot < 0:
        msg = f"n_boot must be a whole number >= 0 (0 switches the bootstrap off), got {n_boot!r}"
        raise UsageError(msg)
    if 0 < n_boot < 20:
        msg = f"n_boot={n_boot} is too few resamples for an interval; use at least 200, or 0"
        raise UsageError(msg)
    if not isinstance(ci, (float, int)) or not 0 < ci < 1:
        msg = f"ci must be a confidence level between 0 and 1 (e.g. 0.95), got {ci!r}"
        raise UsageError(msg)
    if threshold is not None and (
        not isinstance(threshold, (int, float, np.number)) or not math.isfinite(threshold)
    ):
        msg = f"threshold must be a finite number, got {threshold!r}"
        raise UsageError(msg)


def check_alpha(alpha: Any, name: str = "alpha") -> float:
    """Return ``alpha`` as a float when it is a probability in (0, 0.5); else raise UsageError."""
    if isinstance(alpha, bool) or not isinstance(alpha, (int, float)) or not 0 < alpha < 0.5:
        msg = f"{name} must be a probability between 0 and 0.5 (e.g. 0.05), got {alpha!r}"
        raise UsageError(msg)
    return float(alpha)


def arm_values(v: Any, name: str, arm: str) -> np.ndarray:
    """Return the finite values of metric ``name`` in one arm of a pilot (at least two).

    Parameters
    ----------
    v : array-like or Series
        The values.
    name : str
        The metric's name, for messages.
    arm : str
        The arm's role (``"treatment"``, ``"control"``, ``"baseline"``), for messages.

    Returns
    -------
    numpy.ndarray
        float64 values.

    Raises
    ------
    UsageError
        A scalar instead of values.
    DataError
        Not one-dimensional, missing or non-numeric values, fewer than two values.
    """
    if isinstance(v, pd.Series):
        s = v
    else:
        if np.isscalar(v) or v is None:
            msg = f"{arm} must be an array of {name} values, got {v!r}"
            raise UsageError(msg)
        arr = np.asarray(v)
        if arr.ndim != 1:
            msg = f"{arm} must be one-dimensional, got shape {arr.shape}"
            raise DataError(msg)
        s = pd.Series(arr, copy=False)
    x = as_numeric(s, f"{name}" if arm == "" else f"{name} ({arm})", "comparing arms")
    if len(x) < 2:
        msg = (
            f"the {arm or 'arm'} has {len(x)} value(s) of {name!r}; an interval needs at least "
            "2 per arm (better dozens): run the pilot longer"
        )
        raise DataError(msg)
    return x


# ------------------------------------------------------------------------------------------------
# groups


@dataclass
class Groups:
    """Rows mapped to group codes ``0..G-1`` and the group keys in sorted order.

    Parameters
    ----------
    codes : numpy.ndarray
        The group code of each row, in the smallest signed integer type that holds them (one
        byte per row for up to 127 groups: the codes are the largest array the kernels keep).
    index : pandas.Index
        The group keys (a MultiIndex for intersections of several columns).
    names : list of str
        The group columns' names.
    """

    codes: np.ndarray
    index: pd.Index
    names: list[str]

    @property
    def size(self) -> int:
        """The number of groups."""
        return len(self.index)


# numpy's bincount converts its input to the platform integer first: 8 bytes a row for codes
# kept in one. Counting a slice at a time keeps that copy small.
_BINCOUNT_SLICE = 1 << 16


def bincount(keys: np.ndarray, minlength: int) -> np.ndarray:
    """Return :func:`numpy.bincount` of small integer keys without an 8-byte copy of them all.

    Examples
    --------
    >>> bincount(np.array([0, 2, 2], dtype=np.int8), 4).tolist()
    [1, 0, 2, 0]
    """
    if keys.dtype == np.intp or len(keys) <= _BINCOUNT_SLICE:
        return np.bincount(keys, minlength=minlength)
    out = np.zeros(minlength, dtype=np.intp)
    for start in range(0, len(keys), _BINCOUNT_SLICE):
        out += np.bincount(keys[start : start + _BINCOUNT_SLICE], minlength=minlength)
    return out


def _int_counts(s: pd.Series | np.ndarray, span: int = 1 << 16) -> tuple[int, np.ndarray] | None:
    # Counts of each value of a numpy integer column whose values span at most ``span``: the
    # lowest value and the counts from it. None for other columns. Counting a slice at a time
    # needs no hash table (8 bytes a row or more for a column of one-byte values).
    arr = s.to_numpy() if isinstance(s, pd.Series) else s
    if not isinstance(arr.dtype, np.dtype) or arr.dtype.kind not in "iu" or not len(arr):
        return None
    lo, hi = int(arr.min()), int(arr.max())
    if hi - lo >= span:
        return None
    out = np.zeros(hi - lo + 1, dtype=np.intp)
    for start in range(0, len(arr), _BINCOUNT_SLICE):
        part = arr[start : start + _BINCOUNT_SLICE].astype(np.intp) - lo
        out += np.bincount(part, minlength=len(out))
    return lo, out


def _int_codes(s: pd.Series) -> tuple[np.ndarray, pd.Index] | None:
    """Codes and sorted keys of an integer column of few distinct values, without hashing."""
    counted = _int_counts(s, span=4 * len(s) + 1024)
    if counted is None:
        return None
    lo, counts = counted
    used = np.flatnonzero(counts)
    remap = np.full(len(counts), -1, dtype=smallest_int(max(len(used), 1)))
    remap[used] = np.arange(len(used))
    arr = s.to_numpy()
    codes = np.empty(len(arr), dtype=remap.dtype)
    for start in range(0, len(arr), _BINCOUNT_SLICE):
        part = arr[start : start + _BINCOUNT_SLICE].astype(np.intp) - lo
        codes[start : start + _BINCOUNT_SLICE] = remap[part]
    return codes, pd.Index((used + lo).astype(s.dtype))


def smallest_int(largest: int) -> type[np.signedinteger[Any]]:
    """Return the smallest signed integer type that holds ``0..largest``.

    Examples
    --------
    >>> smallest_int(50).__name__, smallest_int(200).__name__, smallest_int(2**40).__name__
    ('int8', 'int16', 'int64')
    """
    for t in (np.int8, np.int16, np.int32):
        if largest <= np.iinfo(t).max:
            return t
    return np.int64


def one_group(n: int) -> Groups:
    """Return ``n`` rows in one group named "all" (the overall figures)."""
    return Groups(np.zeros(n, dtype=np.int8), pd.Index(["all"]), [])


def _categorical_codes(s: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """Codes and sorted keys of a categorical column from its own codes (no hashing).

    The categories in use, sorted as ``pd.factorize(sort=True)`` would sort them; the row codes
    stay in the column's own small integer type.
    """
    cat = s.array
    assert isinstance(cat, pd.Categorical)
    raw = cat.codes  # -1 for missing: refused before this is called
    k = len(cat.categories)
    used = np.flatnonzero(bincount(raw, k))
    keys = cat.categories[used]
    try:
        order = np.argsort(keys.to_numpy(), kind="stable")
    except TypeError:
        order = np.argsort(keys.astype(str).to_numpy(), kind="stable")
    remap = np.full(k, -1, dtype=smallest_int(max(len(used), 1)))
    remap[used[order]] = np.arange(len(used))
    return remap[raw], keys[order]


def factorize_groups(data: pd.DataFrame | None, groups: Any, n: int) -> Groups:
    """Factorise one group column, or the intersection of several, into codes."""
    if isinstance(groups, (str, pd.Series, np.ndarray)):
        cols = [groups]
    else:
        cols = list(groups)
        if not cols:
            msg = "groups is empty; pass a column name or a list of column names"
            raise UsageError(msg)
        if all(isinstance(c, str) for c in cols):
            # names of columns when there is a frame; without one, the group of each row
            if data is None:
                cols = [np.asarray(cols, dtype=object)]
        elif all(np.isscalar(c) or c is None for c in cols):
            cols = [np.asarray(cols, dtype=object)]
    code_list, uniques_list, names = [], [], []
    for i, g in enumerate(cols):
        s, name = column_values(data, g, "groups" if len(cols) == 1 else f"groups[{i}]")
        if len(s) != n:
            msg = f"group {name!r} has {len(s)} values but the data has {n} rows"
            raise DataError(msg)
        mask = s.isna().to_numpy()
        if mask.any():
            msg = (
                f"group column {name!r} has {int(mask.sum())} missing values (rows "
                f"{row_examples(s, mask)}); fill them with a group of their own, e.g. "
                f"df[{name!r}].fillna('unknown')"
            )
            raise DataError(msg)
        as_ints = _int_codes(s) if isinstance(s.dtype, np.dtype) else None
        if isinstance(s.dtype, pd.CategoricalDtype):
            codes, uniques = _categorical_codes(s)
        elif as_ints is not None:
            codes, uniques = as_ints
        else:
            try:
                codes, uniques = pd.factorize(s, sort=True)
            except TypeError:
                codes, uniques = pd.factorize(s.astype(str), sort=True)
        code_list.append(codes.astype(smallest_int(len(uniques)), copy=False))
        uniques_list.append(uniques)
        names.append(name)
    if len(code_list) == 1:
        return Groups(code_list[0], pd.Index(uniques_list[0], name=names[0]), names)
    dims = tuple(len(u) for u in uniques_list)
    flat = np.ravel_multi_index(tuple(c.astype(np.intp) for c in code_list), dims)
    del code_list
    if math.prod(dims) <= 4 * n + 1024:
        # few combinations: number the observed ones in order with a bincount (no hashing)
        seen = np.bincount(flat, minlength=math.prod(dims)) > 0
        observed = np.flatnonzero(seen)
        remap = np.cumsum(seen) - 1
        codes = remap[flat]
    else:
        codes, observed = pd.factorize(flat, sort=True)
    parts = np.unravel_index(np.asarray(observed), dims)
    index = pd.MultiIndex(levels=uniques_list, codes=list(parts), names=names)
    return Groups(codes.astype(smallest_int(len(observed)), copy=False), index, names)


# ------------------------------------------------------------------------------------------------
# review labels


def review_flags(
    data: pd.DataFrame | None, label: Any, labels: Sequence[Any] | None
) -> tuple[np.ndarray, list[str], list[str], int]:
    """Return (flags (n, L), label names, column names, n) for review-label metrics."""
    # a list is several flag columns when it names columns of the frame, else it is the values
    names_columns = (
        isinstance(label, (list, tuple))
        and data is not None
        and len(label) > 0
        and all(isinstance(x, str) and x in data.columns for x in label)
    )
    items = list(label) if names_columns else [label]
    if len(items) > 1 or (
        len(items) == 1
        and isinstance(items[0], str)
        and data is not None
        and items[0] in data.columns
        and pd.api.types.is_bool_dtype(data[items[0]].dtype)
    ):
        # one or more boolean flag columns, each a label of its own
        cols, names, n = [], [], None
        for i, it in enumerate(items):
            s, name = column_values(data, it, f"label[{i}]" if len(items) > 1 else "label")
            no_missing(s, name)
            if not (pd.api.types.is_bool_dtype(s.dtype) or is_zero_one(pd.unique(s).tolist())):
                msg = (
                    f"review flag column {name!r} must be boolean (or 0/1) when several flag "
                    f"columns are given; map it, e.g. df[{name!r}].eq('yes')"
                )
                raise DataError(msg)
            if n is not None and len(s) != n:
                same_length(**{names[0]: cols[0], name: s})
            n = len(s)
            cols.append(s.to_numpy(dtype=bool))
            names.append(name)
        return np.column_stack(cols), names, names, int(n or 0)
    s, name = column_values(data, items[0], "label")
    no_missing(s, name, "computing label shares (drop rows not yet reviewed)")
    values = pd.unique(s).tolist()
    if labels is None:
        try:
            labels = sorted(values)
        except TypeError:
            labels = values
    else:
        labels = list(labels)
        unknown = [v for v in values if v not in labels]
        if unknown:
            msg = (
                f"column {name!r} has review labels not in labels=: "
                f"{', '.join(map(repr, unknown[:6]))}; add them to labels or fix the data"
            )
            raise DataError(msg)
    codes = pd.Categorical(s, categories=labels).codes
    flags = np.zeros((len(s), len(labels)), dtype=bool)
    flags[np.arange(len(s)), codes] = True
    return flags, [str(x) for x in labels], [name], len(s)
