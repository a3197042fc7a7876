"""Paired comparison of candidates (prompt or model versions) on the same items.

Two prompt versions run on the same gold items differ item by item: comparing their overall
shares as if they were independent samples throws away the pairing and gives intervals far too
wide (or, with different items, differences that are the items' and not the prompts'). Here:

* :func:`paired_bootstrap`: the difference of a statistic (mean, share, p95) between two
  candidates, with a percentile interval from resampling **items** (both candidates' values of
  an item stay together);
* :func:`mcnemar`: for a binary outcome (correct or not), McNemar's test on the discordant items
  (one candidate right, the other wrong): the exact binomial test when they are few (fewer than
  25), else the chi-square statistic with continuity correction, as ``statsmodels``'
  ``mcnemar(exact=...)`` computes them (McNemar 1947; Edwards 1948);
* :func:`holm`: Holm's step-down adjustment of several p-values (Holm 1979), so that comparing
  three candidates with a reference does not find a "significant" difference by chance;
* :func:`compare_candidates`: all of it from a long table of calls (candidate, item, outcome,
  cost, latency), each candidate against a reference on the items both saw.

Examples
--------
>>> import numpy as np
>>> a = np.array([1, 1, 0, 1, 0, 1, 1, 1, 0, 1])
>>> b = np.array([1, 1, 1, 1, 1, 1, 1, 1, 0, 1])
>>> t = mcnemar(a, b)
>>> t.b_only, t.a_only, t.method, round(t.p_value, 3)
(2, 0, 'exact binomial', 0.5)
>>> [round(p, 3) for p in holm([0.01, 0.04, 0.03])]
[0.03, 0.06, 0.06]
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from aipo_widgets.analysis._bootstrap import percentiles
from aipo_widgets.errors import DataError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "Comparison",
    "McNemar",
    "PairedDifference",
    "compare_candidates",
    "holm",
    "mcnemar",
    "paired_bootstrap",
]

#: Below this many discordant items McNemar's test is the exact binomial test.
EXACT_BELOW = 25


def _stat(name: str) -> Callable[[np.ndarray], np.ndarray]:
    # a statistic over the last axis of a (resamples, items) array
    if name in ("mean", "share"):
        return lambda x: x.mean(axis=-1)
    if name == "median":
        return lambda x: np.median(x, axis=-1)
    if name.startswith("p") and name[1:].isdigit():
        q = int(name[1:]) / 100
        return lambda x: np.quantile(x, q, axis=-1)
    msg = f"statistic must be mean, share, median or pNN (e.g. p95); got {name!r}"
    raise ValueError(msg)


@dataclass
class PairedDifference:
    """``stat(b) - stat(a)`` on the same items, with its paired bootstrap interval."""

    stat: str
    a: float
    b: float
    difference: float
    ci_low: float | None
    ci_high: float | None
    n: int
    ci_method: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {k: (None if v is None or (isinstance(v, float) and v != v)
                    else (round(v, 6) if isinstance(v, float) else v))
                for k, v in self.__dict__.items()}


def paired_bootstrap(a: Any, b: Any, *, stat: str = "mean", n_boot: int = 2000,
                     seed: int | None = 0, ci: float = 0.95) -> PairedDifference:
    """Compute ``stat(b) - stat(a)`` of paired values, with a bootstrap over items.

    Parameters
    ----------
    a, b : array-like
        One value per item for each candidate, in the same item order.
    stat : str
        ``"mean"`` (a share for 0/1 values), ``"median"`` or ``"pNN"`` (a percentile).
    n_boot, seed, ci
        Resamples, seed and level of the percentile interval.

    Examples
    --------
    >>> d = paired_bootstrap([0, 0, 1, 1, 0, 1], [1, 0, 1, 1, 1, 1], n_boot=500)
    >>> round(d.difference, 3), d.n, d.ci_low <= d.difference <= d.ci_high
    (0.333, 6, True)
    """
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        msg = f"paired values need two 1-d arrays of equal length, got {x.shape} and {y.shape}"
        raise ValueError(msg)
    f = _stat(stat)
    point_a, point_b = float(f(x)), float(f(y))
    lo = hi = None
    method = ""
    n = len(x)
    if n_boot and n >= 2:
        rng = np.random.default_rng(seed)
        diffs = np.empty(n_boot)
        chunk = max(1, 2_000_000 // n)  # at most ~2 million indices in memory at once
        for start in range(0, n_boot, chunk):
            idx = rng.integers(0, n, size=(min(chunk, n_boot - start), n))
            diffs[start:start + len(idx)] = f(y[idx]) - f(x[idx])
        low, high = percentiles(diffs.reshape(-1, 1), ci)
        lo, hi = float(low[0]), float(high[0])
        method = f"paired bootstrap percentile over items ({n_boot} resamples)"
    return PairedDifference(stat, point_a, point_b, point_b - point_a, lo, hi, n, method)


@dataclass
class McNemar:
    """McNemar's test of two candidates' binary outcomes on the same items."""

    a_only: int  # items only candidate a got right
    b_only: int  # items only candidate b got right
    both: int
    neither: int
    statistic: float
    p_value: float
    method: str

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"a_only": self.a_only, "b_only": self.b_only, "both": self.both,
                "neither": self.neither, "statistic": round(self.statistic, 6),
                "p_value": round(self.p_value, 6), "method": self.method}


def mcnemar(a: Any, b: Any, *, exact: bool | None = None) -> McNemar:
    """McNemar's test on paired binary outcomes (1 = success).

    Parameters
    ----------
    a, b : array-like of 0/1 or bool
        Each candidate's outcome per item, in the same item order.
    exact : bool, optional
        Force the exact binomial test (True) or the chi-square with continuity correction
        (False); default: exact below :data:`EXACT_BELOW` discordant items.
    """
    from scipy.stats import binom, chi2

    x, y = np.asarray(a).astype(bool), np.asarray(b).astype(bool)
    if x.shape != y.shape:
        msg = f"paired outcomes need equal lengths, got {x.shape} and {y.shape}"
        raise ValueError(msg)
    a_only, b_only = int((x & ~y).sum()), int((~x & y).sum())
    both, neither = int((x & y).sum()), int((~x & ~y).sum())
    n = a_only + b_only
    use_exact = n < EXACT_BELOW if exact is None else exact
    if n == 0:
        return McNemar(a_only, b_only, both, neither, 0.0, 1.0,
                       "exact binomial" if use_exact else "chi-square, continuity corrected")
    if use_exact:
        k = min(a_only, b_only)
        p = min(1.0, 2 * float(binom.cdf(k, n, 0.5)))
        return McNemar(a_only, b_only, both, neither, float(k), p, "exact binomial")
    stat = (abs(a_only - b_only) - 1) ** 2 / n
    return McNemar(a_only, b_only, both, neither, float(stat), float(chi2.sf(stat, 1)),
                   "chi-square, continuity corrected")


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm's step-down adjusted p-values (same order as given).

    Examples
    --------
    >>> holm([0.2]), holm([])
    ([0.2], [])
    """
    p = np.asarray(p_values, dtype=float)
    m = len(p)
    order = np.argsort(p, kind="stable")
    adjusted = np.empty(m)
    running = 0.0
    for rank, i in enumerate(order):
        running = max(running, min(1.0, (m - rank) * p[i]))
        adjusted[i] = running
    return [float(v) for v in adjusted]


@dataclass
class Comparison:
    """Candidates compared with a reference on the items each shares with it."""

    reference: str
    candidates: list[str]
    table: pd.DataFrame  # one row per candidate: n items, each metric, cost, latency
    differences: pd.DataFrame  # one row per candidate x metric: difference, interval, p-values
    comparisons: int  # how many tests the Holm correction counts
    alpha: float = 0.05
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        def rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()}
                    for r in frame.to_dict("records")]

        return {"reference": self.reference, "candidates": list(self.candidates),
                "table": rows(self.table), "differences": rows(self.differences),
                "comparisons": self.comparisons, "alpha": self.alpha,
                "notes": list(self.notes)}


def compare_candidates(calls: pd.DataFrame, *, candidate: Sequence[str], item: str,
                       outcomes: Mapping[str, Any], reference: str | None = None,
                       cost: str | None = None, latency: str | None = None,
                       n_boot: int = 2000, seed: int | None = 0, ci: float = 0.95,
                       alpha: float = 0.05) -> Comparison:
    """Compare each candidate with the reference on the items both saw.

    Parameters
    ----------
    calls : pandas.DataFrame
        One row per call: the candidate's columns, the item, the outcome columns, cost and
        latency. An item a candidate saw twice counts once (its last call).
    candidate : sequence of str
        The columns whose values name a candidate (e.g. prompt_version and model).
    item : str
        The item id column.
    outcomes : mapping
        Metric name -> ``(column, values)``: the metric is the share of the candidate's calls
        whose column is in ``values`` (e.g. ``{"correct_share": ("review_label", ["correct"])}``);
        each is compared with the paired bootstrap and McNemar's test.
    reference : str, optional
        The reference candidate (``"v3 / medium"``, its column values joined by " / ");
        default: the candidate with the most calls last.
    cost, latency : str, optional
        Columns of each call's cost and latency: their mean and p95 per candidate, and the
        paired difference of the mean cost and the p95 latency.

    Returns
    -------
    Comparison
        The Holm correction runs over every McNemar test made (each candidate x each outcome).
    """
    import pandas as pd

    cols = [*candidate, item, *[c for c, _ in outcomes.values()],
            *[c for c in (cost, latency) if c]]
    gone = [c for c in cols if c not in calls]
    if gone:
        raise DataError([Problem(f"the calls have no column {', '.join(map(repr, gone))}",
                                 fix=f"it has: {', '.join(map(str, calls.columns))}")])
    names = calls[list(candidate)].astype(str).agg(" / ".join, axis=1)
    frame = calls.assign(_candidate=names).drop_duplicates(["_candidate", item], keep="last")
    order = list(dict.fromkeys(names))
    if reference is None:
        reference = order[-1]
    if reference not in order:
        raise DataError([Problem(f"no candidate '{reference}' in the calls",
                                 fix=f"candidates: {', '.join(order)}")])
    flags = {m: frame[col].isin(list(vals)).astype(float) for m, (col, vals) in
             outcomes.items()}
    frame = frame.assign(**{f"_m_{m}": f for m, f in flags.items()})
    summary = []
    for cand in order:
        own = frame[frame._candidate == cand]
        row: dict[str, Any] = {"candidate": cand, "items": len(own)}
        for m in outcomes:
            row[m] = float(own[f"_m_{m}"].mean()) if len(own) else None
        if cost:
            row["cost_per_call"] = float(own[cost].mean()) if len(own) else None
        if latency:
            row["latency_p95_ms"] = float(own[latency].quantile(0.95)) if len(own) else None
        summary.append(row)
    ref = frame[frame._candidate == reference].set_index(item)
    diffs = []
    for k, cand in enumerate(c for c in order if c != reference):
        own = frame[frame._candidate == cand].set_index(item)
        shared = ref.index.intersection(own.index)
        metrics = [(m, f"_m_{m}", "mean") for m in outcomes]
        metrics += [("cost_per_call", cost, "mean")] if cost else []
        metrics += [("latency_p95_ms", latency, "p95")] if latency else []
        for m, col, stat in metrics:
            d = paired_bootstrap(ref.loc[shared, col].to_numpy(), own.loc[shared, col].to_numpy(),
                                 stat=stat, n_boot=n_boot, seed=None if seed is None
                                 else seed + k, ci=ci)
            rec = {"candidate": cand, "metric": m, "items": len(shared), "reference": d.a,
                   "value": d.b, "difference": d.difference, "ci_low": d.ci_low,
                   "ci_high": d.ci_high, "test": "", "p_value": None, "p_holm": None}
            if m in outcomes:
                t = mcnemar(ref.loc[shared, col].to_numpy(), own.loc[shared, col].to_numpy())
                rec.update(test=f"McNemar ({t.method}; {t.a_only} vs {t.b_only} discordant)",
                           p_value=t.p_value)
            diffs.append(rec)
    table = pd.DataFrame(summary)
    differences = pd.DataFrame(diffs, columns=["candidate", "metric", "items", "reference",
                                               "value", "difference", "ci_low", "ci_high",
                                               "test", "p_value", "p_holm"])
    tested = differences.p_value.notna()
    if tested.any():
        differences.loc[tested, "p_holm"] = holm(differences.loc[tested, "p_value"].tolist())
    notes = [f"{int(tested.sum())} tests, Holm-corrected at {alpha:g}"]
    few = differences[differences["items"] < 30]
    if len(few):
        notes.append("fewer than 30 shared items for: "
                     + ", ".join(sorted(set(few.candidate))))
    return Comparison(reference=reference, candidates=[c for c in order if c != reference],
                      table=table, differences=differences, comparisons=int(tested.sum()),
                      alpha=alpha, notes=notes)
