"""Group metrics give the same figures whatever the dtypes of labels and groups.

The kernels count without hashing for compact dtypes (categorical codes, small integer ranges,
one-byte labels); these paths must agree with the general one to the last count.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis.fairness import group_metrics

LABELS = ("bool", "int8", "int64", "float")
GROUPS = ("category", "string", "object", "int", "int8", "unused-categories")


def _labels(kind: str, a: np.ndarray) -> np.ndarray:
    return {"bool": a, "int8": a.astype(np.int8), "int64": a.astype(np.int64),
            "float": a.astype(float)}[kind]


def _groups(kind: str, g: np.ndarray) -> object:
    # group numbers are shifted so that the integer path has a non-zero lowest value
    names = np.array([f"g{i:02d}" for i in range(100)], dtype=object)[g]
    if kind == "category":
        return pd.Categorical(names)
    if kind == "unused-categories":  # categories in reverse order, some never used
        cats = [f"g{i:02d}" for i in range(99, -1, -1)]
        return pd.Categorical(names, categories=cats)
    if kind == "string":
        return pd.array(names, dtype="string")
    if kind == "object":
        return names
    return (g + 7).astype(np.int8 if kind == "int8" else np.int64)


@settings(max_examples=25, deadline=None)
@given(n=st.integers(1, 300), k=st.integers(1, 12), seed=st.integers(0, 2**32 - 1))
def test_every_dtype_mix_counts_the_same(n: int, k: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    y, p, g = rng.random(n) < 0.4, rng.random(n) < 0.5, rng.integers(0, k, n)
    y[0], y[-1] = True, False  # two classes (n = 1 gives one row: allowed as a single class)
    results = {}
    for lk in LABELS:
        for gk in GROUPS:
            df = pd.DataFrame({"y": _labels(lk, y), "p": _labels(lk, p), "g": _groups(gk, g)})
            try:
                r = group_metrics(df, label="y", prediction="p", groups="g",
                                  metrics=["recall", "precision", "selection_rate"],
                                  min_group_size=1)
            except Exception as exc:  # the same refusal everywhere counts as agreement
                results[lk, gk] = type(exc).__name__
                continue
            frame = r.by_group.copy()
            frame.index = [str(i).removeprefix("g").lstrip("0") or "0" for i in frame.index]
            results[lk, gk] = (frame.round(12).fillna(-1.0).to_dict(), r.sizes.to_numpy().tolist())
    first = results["int64", "object"]
    for key, value in results.items():
        if isinstance(first, str) or isinstance(value, str):
            assert value == first, key
            continue
        # integer groups are named by number (shifted by 7), the others by text
        fig, sizes = value
        assert sizes == first[1], key
        if key[1] in ("int", "int8"):
            fig = {m: {str(int(i) - 7): v for i, v in col.items()} for m, col in fig.items()}
        assert fig == first[0], key


@pytest.mark.parametrize("kind", ["category", "int", "int8", "unused-categories"])
def test_groups_come_sorted_as_before(kind: str) -> None:
    g = np.array([3, 1, 1, 0, 3])
    df = pd.DataFrame({"y": [True, False, True, False, True], "p": [True] * 5,
                       "g": _groups(kind, g)})
    r = group_metrics(df, label="y", prediction="p", groups="g", min_group_size=1)
    assert list(r.sizes) == [1, 2, 2]
    keys = [str(i) for i in r.by_group.index]
    assert keys == (["7", "8", "10"] if kind in ("int", "int8") else ["g00", "g01", "g03"])
