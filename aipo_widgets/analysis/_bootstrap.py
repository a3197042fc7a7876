"""Bootstrap kernels: gold-set metrics from counts of collapsed rows, resampled fast.

Shared by :mod:`aipo_widgets.analysis.evaluation` (one group: the whole gold set) and
:mod:`aipo_widgets.analysis.fairness` (one group per group value or intersection).

The bootstrap is fast because every classification metric is a function of a few counts: the
rows are collapsed once into cells (group, distinct score, class).  A resample then needs only
the cell counts, drawn either by resampling row indices and one :func:`numpy.bincount`, or, when
there are few cells, directly from the multinomial distribution of the cells, which is the
same distribution at a cost independent of the number of rows.  ROC AUC and average precision
per resample come from cumulative sums over the distinct-score cells (the rank formula of the
Mann-Whitney statistic with ties counted half), without re-sorting.

A kernel (:class:`Binary`, :class:`Shares`, :class:`Regression`) has ``metrics``, ``G`` (the
number of groups), ``point()`` and ``ns()`` (each metric per group, and the rows it rests on),
``strata(how)``, ``draws(rng, n_boot, strata)`` and ``compute(draw)``; :func:`resample` runs
the bootstrap and :func:`percentiles` turns the resampled values into intervals.  Review-label
shares also get the :func:`wilson_interval`.

Examples
--------
>>> import numpy as np
>>> from aipo_widgets.analysis._checks import one_group
>>> y = np.array([1, 1, 1, 0, 0, 0, 0, 1], dtype=bool)
>>> s = np.array([0.9, 0.8, 0.4, 0.35, 0.2, 0.6, 0.1, 0.7])
>>> k = Binary(y, one_group(8), score=s, pred=s >= 0.5, metrics=["recall", "roc_auc"])
>>> {m: float(v[0]) for m, v in k.point().items()}
{'recall': 0.75, 'roc_auc': 0.9375}
>>> low, high = percentile_intervals(k, 200, 1, 0.95, "class")["recall"]
>>> bool(low[0] <= 0.75 <= high[0])
True
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, overload

import numpy as np
import pandas as pd

from aipo_widgets.analysis._checks import Groups, bincount, smallest_int
from aipo_widgets.analysis.metric_names import SCORE_METRICS, SHARE_PREFIX

__all__ = [
    "Binary",
    "Cells",
    "Regression",
    "Shares",
    "percentile_intervals",
    "percentiles",
    "resample",
    "wilson_interval",
]


# ------------------------------------------------------------------------------------------------
# kernels: rows collapsed once, metrics computed from counts (vectorised over resamples)


def _div(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.true_divide(a, b)


class Cells:
    """Base of kernels whose statistics are functions of counts of rows per cell.

    Subclasses set ``cells`` (cell id per row), ``ncell``, ``counts`` (rows per cell, int64)
    and implement :meth:`compute`, which takes integer counts of shape (b, ncell) for b
    resamples at once (and may overwrite them, to save memory).
    """

    cells: np.ndarray
    ncell: int
    counts: np.ndarray
    G: int
    metrics: tuple[str, ...]

    def point(self) -> dict[str, np.ndarray]:
        # a copy: compute may overwrite its input
        return {k: v[0] for k, v in self.compute(self.counts[None, :].copy()).items()}

    def compute(self, counts: np.ndarray) -> dict[str, np.ndarray]:  # pragma: no cover
        raise NotImplementedError

    # -- resampling -----------------------------------------------------------------------------
    def draws(self, rng: np.random.Generator, n_boot: int, cell_stratum: np.ndarray | None):
        """Yield resampled cell counts (int64, shape (b, ncell)), b resamples at a time.

        Rows are resampled with replacement within each stratum (all rows form one stratum
        when ``cell_stratum`` is None), so each stratum keeps its size.
        """
        n = len(self.cells)
        n_strata = 1 if cell_stratum is None else int(cell_stratum.max()) + 1
        n_occupied = int(np.count_nonzero(self.counts))
        # Few occupied cells: draw the cell counts from their multinomial directly (the same
        # distribution as resampling rows, at a cost independent of the number of rows).
        if n_occupied * 8 <= n:
            occupied = np.flatnonzero(self.counts)
            strata = np.zeros(self.ncell, np.intp) if cell_stratum is None else cell_stratum
            per_stratum = []
            for s in range(n_strata):
                idx = occupied[strata[occupied] == s]
                tot = int(self.counts[idx].sum())
                if tot:
                    per_stratum.append((idx, tot, self.counts[idx] / tot))
            chunk = max(1, min(n_boot, 2**20 // max(self.ncell, 1)))
            for start in range(0, n_boot, chunk):
                b = min(chunk, n_boot - start)
                out = np.zeros((b, self.ncell), dtype=np.int64)
                for idx, tot, p in per_stratum:
                    out[:, idx] = rng.multinomial(tot, p, size=b)
                yield out
            return
        # Otherwise resample row indices, a few resamples at a time so that the working arrays
        # stay about the size of one column of the input.
        if cell_stratum is not None and n_strata > 1:
            order = np.argsort(cell_stratum[self.cells], kind="stable")
            cells_sorted = self.cells[order]
            del order
            sizes = np.bincount(cell_stratum, weights=self.counts, minlength=n_strata)
        else:
            cells_sorted = self.cells
            sizes = np.array([n])
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.int64)
        idx_dtype = np.int32 if n < 2**31 else np.int64
        chunk = max(1, min(n_boot, 2**17 // max(n, self.ncell)))
        for start in range(0, n_boot, chunk):
            b = min(chunk, n_boot - start)
            rows = np.empty((b, n), dtype=idx_dtype)
            for s in range(n_strata):
                m = int(sizes[s])
                if m:
                    a = int(starts[s])
                    rows[:, a : a + m] = rng.integers(a, a + m, size=(b, m), dtype=idx_dtype)
            keys = cells_sorted[rows]
            del rows
            if b > 1:
                keys = keys.astype(np.intp) + (np.arange(b, dtype=np.intp) * self.ncell)[:, None]
            yield bincount(keys.ravel(), b * self.ncell).reshape(b, self.ncell)


class Binary(Cells):
    """Classification rows collapsed to (class, block) cells.

    A block is a run of rows of one group with one distinct score (rows sorted by group, then by
    score descending), or, without score metrics, one group with one predicted class.  Cell
    ``y * K + block`` counts the negatives (first K cells) and the positives (last K cells) of
    each block.  Within a group the blocks predicted positive (``score >= threshold``) come
    first, so every count the metrics need is a difference of prefix sums over the blocks;
    the prefix sums are integers, which keeps them exact and fast.
    """

    def __init__(
        self,
        y: np.ndarray,
        groups: Groups,
        *,
        score: np.ndarray | None,
        pred: np.ndarray,
        metrics: Sequence[str],
    ):
        self.metrics = tuple(metrics)
        G = self.G = groups.size
        g = groups.codes
        n = len(y)
        self.by_score = score is not None and any(m in SCORE_METRICS for m in self.metrics)
        # cell ids fit in int32 for any gold set below a billion rows: half the memory
        idt = np.int32 if 2 * n < 2**31 else np.int64
        if self.by_score:
            assert score is not None
            # group ascending, score descending.  Ties may come in any order: equal scores of a
            # group form one block whatever their order, so the fast unstable sort will do.
            order = np.argsort(score)[::-1]
            gs = g.astype(np.int16 if G < 2**15 else np.int64, copy=False)
            if G > 1:
                # a stable sort of the small group codes (a radix sort) keeps the score order
                order = order[np.argsort(gs[order], kind="stable")]
            ss = score[order]
            new = np.empty(n, dtype=bool)
            new[0] = True
            np.not_equal(ss[1:], ss[:-1], out=new[1:])
            if G > 1:
                sg = gs[order]
                new[1:] |= sg[1:] != sg[:-1]
                del sg
            first = np.flatnonzero(new)
            blk = np.empty(n, dtype=idt)
            blk[order] = np.cumsum(new, dtype=idt) - 1
            del new
            self.K = len(first)
            self.block_group = gs[order[first]]
            self.block_score: np.ndarray | None = ss[first]
            block_pred = pred[order[first]]
            del order, ss, first
        else:
            # two blocks per group: predicted positive first (the "higher score" block); the
            # cell ids (4 per group) fit in one or two bytes a row
            idt = smallest_int(4 * G)
            blk = 2 * g.astype(idt) + (~pred)
            self.K = 2 * G
            self.block_group = np.repeat(np.arange(G), 2)
            self.block_score = None
            block_pred = np.tile([True, False], G)
        K = self.K
        # block ranges per group: [start, split) predicted positive, [split, end) negative
        bg = self.block_group
        self.start = np.flatnonzero(np.r_[True, bg[1:] != bg[:-1]])
        del bg
        self.end = np.r_[self.start[1:], K]
        n_pred = np.add.reduceat(block_pred.astype(np.int64), self.start)
        self.split = self.start + n_pred
        self.blocks_per_group = self.end - self.start
        # segment starts for np.add.reduceat: every group start and every non-empty split, so
        # that the segment beginning at a group's start ends at its split
        self.seg = np.unique(np.r_[self.start, self.split[self.split < K]])
        self.seg_of_start = np.searchsorted(self.seg, self.start)
        self.has_pred = self.split > self.start
        del self.block_group  # only the group ranges are needed from here on
        if "brier" not in self.metrics:
            self.block_score = None
        np.add(blk, K, out=blk, where=y)  # positives in the second half of the cells
        self.cells = blk
        self.ncell = 2 * K
        self.counts = bincount(self.cells, self.ncell)

    def strata(self, how: str) -> np.ndarray | None:
        """Stratum of each cell: by class, by group, by group and class, or None."""
        if how not in ("class", "group", "group_class"):
            return None
        K = self.K
        if how == "class":
            return np.repeat(np.array([0, 1], dtype=np.intp), K)
        group = np.repeat(np.arange(self.G, dtype=np.intp), self.blocks_per_group)
        cell_group = np.concatenate([group, group])
        if how == "group":
            return cell_group
        cell_group *= 2
        cell_group[K:] += 1
        return cell_group

    def _prefix(self, a: np.ndarray) -> np.ndarray:
        """Prefix sums with a leading 0: ``out[:, j]`` is the sum of the first j blocks."""
        out = np.zeros((a.shape[0], a.shape[1] + 1), dtype=np.int64)
        np.cumsum(a, axis=1, out=out[:, 1:])
        return out

    def _counts(self, counts: np.ndarray) -> tuple[np.ndarray, ...]:
        """Blocks' negatives and positives, and P, N, TP, FP per group (no row-sized arrays)."""
        K = self.K
        negb, posb = counts[:, :K], counts[:, K:]
        sn = np.add.reduceat(negb, self.seg, axis=1)
        sp = np.add.reduceat(posb, self.seg, axis=1)
        P = np.add.reduceat(sp, self.seg_of_start, axis=1)
        N = np.add.reduceat(sn, self.seg_of_start, axis=1)
        tp = np.where(self.has_pred, sp[:, self.seg_of_start], 0)
        fp = np.where(self.has_pred, sn[:, self.seg_of_start], 0)
        return negb, posb, P, N, tp, fp

    def compute(self, counts: np.ndarray) -> dict[str, np.ndarray]:
        negb, posb, P, N, tp, fp = self._counts(counts)
        fn, tn = P - tp, N - fp
        out: dict[str, np.ndarray] = {}
        want = set(self.metrics)
        if "precision" in want:
            out["precision"] = _div(tp, tp + fp)
        if "recall" in want or "balanced_accuracy" in want:
            out["recall"] = _div(tp, P)
        if "f1" in want:
            out["f1"] = _div(2 * tp, 2 * tp + fp + fn)
        if "accuracy" in want:
            out["accuracy"] = _div(tp + tn, P + N)
        if "specificity" in want or "balanced_accuracy" in want:
            out["specificity"] = _div(tn, N)
        if "balanced_accuracy" in want:
            out["balanced_accuracy"] = (out["recall"] + out["specificity"]) / 2
        if "false_positive_rate" in want:
            out["false_positive_rate"] = _div(fp, N)
        if "false_negative_rate" in want:
            out["false_negative_rate"] = _div(fn, P)
        if "selection_rate" in want:
            out["selection_rate"] = _div(tp + fp, P + N)
        if "prevalence" in want:
            out["prevalence"] = _div(P, P + N)
        if self.by_score and "pr_auc" in want:
            # sum over blocks of (positives in the block) x (precision down to the block) / P
            cn, cp = self._prefix(negb), self._prefix(posb)
            rp = np.repeat(cp[:, self.start], self.blocks_per_group, axis=1)
            rn = np.repeat(cn[:, self.start], self.blocks_per_group, axis=1)
            tpw = cp[:, 1:] - rp
            flagged = tpw + (cn[:, 1:] - rn)
            del rp, rn, cn, cp
            contrib = np.zeros(tpw.shape)
            np.divide(posb * tpw, flagged, out=contrib, where=posb > 0)
            out["pr_auc"] = _div(np.add.reduceat(contrib, self.start, axis=1), P)
        if self.by_score and "brier" in want:
            s = self.block_score
            assert s is not None  # kept whenever the Brier score is measured
            sq = posb * (1.0 - s) ** 2 + negb * s**2
            out["brier"] = _div(np.add.reduceat(sq, self.start, axis=1), P + N)
        if self.by_score and "roc_auc" in want:
            # Mann-Whitney with ties counted half: each positive outranks the negatives of lower
            # blocks of its group.  Negatives below block k = (prefix at the group's end) minus
            # (prefix up to and including k); in integers, doubled to keep the half exact.
            # Last, because the products overwrite the prefix sums and the counts (memory).
            cn = self._prefix(negb)
            cn_end = cn[:, self.end]
            prod = cn[:, 1:]
            np.multiply(posb, prod, out=prod)
            s1 = np.add.reduceat(prod, self.start, axis=1)
            np.multiply(posb, negb, out=negb)
            s2 = np.add.reduceat(negb, self.start, axis=1)
            twice = 2 * cn_end * P - 2 * s1 + s2
            out["roc_auc"] = _div(twice, 2 * P * N)
        for k in ("recall", "specificity"):
            if k in out and k not in want:
                del out[k]
        return out

    def confusion(self) -> dict[str, np.ndarray]:
        _, _, P, N, tp, fp = self._counts(self.counts[None, :])
        return {"tn": (N - fp)[0], "fp": fp[0], "fn": (P - tp)[0], "tp": tp[0]}

    def ns(self) -> dict[str, np.ndarray]:
        c = self.confusion()
        P, N = c["tp"] + c["fn"], c["tn"] + c["fp"]
        tot = P + N
        by = {
            "precision": c["tp"] + c["fp"],
            "recall": P,
            "false_negative_rate": P,
            "specificity": N,
            "false_positive_rate": N,
        }
        return {m: by.get(m, tot) for m in self.metrics}


class Shares(Cells):
    """Review labels: rows collapsed to (group, label pattern) cells; share of each flag."""

    def __init__(self, flags: np.ndarray, names: Sequence[str], groups: Groups):
        # flags: (n, L) booleans.  One categorical column gives one-hot rows; several boolean
        # columns give any pattern.  Patterns are few, so cells are (group, pattern).
        self.G = groups.size
        self.flag_names = list(names)
        self.metrics = tuple(SHARE_PREFIX + str(x) for x in names)
        L = flags.shape[1]
        if L <= 62:
            weights = (np.int64(1) << np.arange(L, dtype=np.int64)).astype(np.int64)
            code = flags.astype(np.int64) @ weights
            pat, uniq = pd.factorize(code, sort=True)
            uniq = np.asarray(uniq, dtype=np.int64)
            self.patterns = ((uniq[:, None] >> np.arange(L)) & 1).astype(float)
        else:  # pragma: no cover - more than 62 review labels
            pat, uniq = pd.factorize(pd.Series([r.tobytes() for r in flags]))
            first = np.unique(pat, return_index=True)[1]
            self.patterns = flags[first].astype(float)
        self.P = len(self.patterns)
        self.ncell = self.G * self.P
        cdt = smallest_int(self.ncell)
        self.cells = groups.codes.astype(cdt) * cdt(self.P) + pat.astype(cdt)
        self.counts = bincount(self.cells, self.ncell)
        self.cell_group = np.repeat(np.arange(self.G), self.P)

    def strata(self, how: str) -> np.ndarray | None:
        return self.cell_group if how in ("group", "group_class") else None

    def sums(self, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        c = counts.reshape(*counts.shape[:-1], self.G, self.P)
        return c @ self.patterns, c.sum(axis=-1)

    def compute(self, counts: np.ndarray) -> dict[str, np.ndarray]:
        hits, tot = self.sums(counts.astype(float))
        share = _div(hits, tot[..., None])
        return {m: share[..., i] for i, m in enumerate(self.metrics)}

    def ns(self) -> dict[str, np.ndarray]:
        _, tot = self.sums(self.counts.astype(float))
        return {m: tot.astype(np.int64) for m in self.metrics}

    def hits(self) -> tuple[np.ndarray, np.ndarray]:
        h, t = self.sums(self.counts.astype(float))
        return np.rint(h).astype(np.int64), np.rint(t).astype(np.int64)


class Regression:
    """Regression rows: per-group sums of absolute, squared and percentage errors."""

    def __init__(self, y: np.ndarray, pred: np.ndarray, groups: Groups, metrics: Sequence[str]):
        self.G = groups.size
        self.g = groups.codes
        self.metrics = tuple(metrics)
        err = pred - y
        nz = y != 0
        with np.errstate(divide="ignore", invalid="ignore"):
            ape = np.where(nz, np.abs(err) / np.abs(y), 0.0)
        # columns: rows, |e|, e^2, ape, rows with y != 0, e
        self.stats = np.column_stack([np.ones_like(y), np.abs(err), err**2, ape, nz, err])

    def _sums(self, rows: np.ndarray | None, b: int = 1) -> np.ndarray:
        G = self.G
        if rows is None:
            keys, st = self.g, self.stats
        else:
            keys = (self.g[rows] + (np.arange(b) * G)[:, None]).ravel()
            st = self.stats[rows.ravel()]
        out = np.empty((b * G, st.shape[1]))
        for j in range(st.shape[1]):
            out[:, j] = np.bincount(keys, weights=st[:, j], minlength=b * G)
        return out.reshape(b, G, -1)

    def compute(self, sums: np.ndarray) -> dict[str, np.ndarray]:
        n, sa, ss, sp, nnz, se = (sums[..., j] for j in range(6))
        out = {
            "mae": _div(sa, n),
            "rmse": np.sqrt(_div(ss, n)),
            "mape": _div(sp, nnz),
            "bias": _div(se, n),
        }
        return {m: out[m] for m in self.metrics}

    def point(self) -> dict[str, np.ndarray]:
        return {k: v[0] for k, v in self.compute(self._sums(None)).items()}

    def ns(self) -> dict[str, np.ndarray]:
        s = self._sums(None)[0]
        n, nnz = s[:, 0].astype(np.int64), s[:, 4].astype(np.int64)
        return {m: (nnz if m == "mape" else n) for m in self.metrics}

    def strata(self, how: str) -> np.ndarray | None:
        return self.g if how in ("group", "group_class") else None

    def draws(self, rng: np.random.Generator, n_boot: int, row_stratum: np.ndarray | None):
        n = len(self.g)
        strata = np.zeros(n, np.intp) if row_stratum is None else row_stratum
        order = np.argsort(strata, kind="stable")
        sizes = np.bincount(strata)
        starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
        chunk = max(1, min(n_boot, 2**18 // n))
        for start in range(0, n_boot, chunk):
            b = min(chunk, n_boot - start)
            pos = np.empty((b, n), dtype=np.intp)
            for a, m in zip(starts, sizes, strict=True):
                if m:
                    pos[:, a : a + m] = rng.integers(0, m, size=(b, m)) + a
            yield self._sums(order[pos], b)


# ------------------------------------------------------------------------------------------------
# resampling and intervals


def resample(kernel: Any, n_boot: int, seed: int | None, stratify: str) -> dict[str, np.ndarray]:
    """Metric values per resample and group: ``{metric: array (n_boot, G)}``."""
    rng = np.random.default_rng(seed)
    res = {m: np.empty((n_boot, kernel.G)) for m in kernel.metrics}
    at = 0
    for draw in kernel.draws(rng, n_boot, kernel.strata(stratify)):
        vals = kernel.compute(draw)
        b = len(draw)
        for m in kernel.metrics:
            res[m][at : at + b] = vals[m]
        at += b
    return res


def percentiles(v: np.ndarray, ci: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of each column of ``v`` (resamples x groups), NaN resamples skipped.

    A column where fewer than half of the resamples give a value (e.g. a group that often has
    no positives) gets no interval: one from the lucky few resamples would be misleading.
    """
    alpha = (1 - ci) / 2
    v = v.reshape(len(v), -1)
    ok = np.isfinite(v)
    lo = np.full(v.shape[1], np.nan)
    hi = np.full(v.shape[1], np.nan)
    full = ok.all(axis=0)
    if full.any():
        lo[full], hi[full] = np.quantile(v[:, full], [alpha, 1 - alpha], axis=0)
    for gi in np.flatnonzero(~full):
        col = v[ok[:, gi], gi]
        if len(col) >= max(2, len(v) // 2):
            lo[gi], hi[gi] = np.quantile(col, [alpha, 1 - alpha])
    return lo, hi


def percentile_intervals(
    kernel: Any, n_boot: int, seed: int | None, ci: float, stratify: str
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Percentile intervals per metric and group: ``{metric: (low, high)}`` arrays of length G."""
    return {m: percentiles(v, ci) for m, v in resample(kernel, n_boot, seed, stratify).items()}


@overload
def wilson_interval(successes: float, n: float, ci: float = 0.95) -> tuple[float, float]: ...


@overload
def wilson_interval(
    successes: np.ndarray, n: np.ndarray | float, ci: float = 0.95
) -> tuple[np.ndarray, np.ndarray]: ...


def wilson_interval(
    successes: Any, n: Any, ci: float = 0.95
) -> tuple[np.ndarray | float, np.ndarray | float]:
    """Wilson score interval of a proportion.

    The same interval as ``statsmodels.stats.proportion.proportion_confint(method="wilson")``,
    computed with scipy only.

    Parameters
    ----------
    successes, n : int or array of int
        Count of the outcome and number of trials.
    ci : float, default 0.95
        Confidence level.

    Returns
    -------
    (low, high) : floats or arrays
        NaN where ``n`` is 0.

    Examples
    --------
    >>> lo, hi = wilson_interval(0, 50)
    >>> round(lo, 4), round(hi, 4)
    (0.0, 0.0713)
    """
    from scipy.stats import norm

    k = np.asarray(successes, dtype=float)
    m = np.asarray(n, dtype=float)
    z = norm.isf((1 - ci) / 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = k / m
        denom = 1 + z**2 / m
        center = (p + z**2 / (2 * m)) / denom
        half = z / denom * np.sqrt(p * (1 - p) / m + z**2 / (4 * m**2))
        # exact arithmetic keeps the bounds in [0, 1]; clip the rounding at the edges
        lo, hi = np.clip(center - half, 0, 1), np.clip(center + half, 0, 1)
    if np.ndim(lo) == 0:
        return float(lo), float(hi)
    return lo, hi
