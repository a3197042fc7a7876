"""The statistics of drift: PSI, Jensen-Shannon distance, Kolmogorov-Smirnov and Wasserstein-1.

:func:`psi` and :func:`js_distance` compare two distributions over the same bins (proportions,
or counts smoothed by :func:`smoothed_proportions`).  :func:`ks_w1` gives the two-sample
Kolmogorov-Smirnov statistic and the Wasserstein-1 distance of two *sorted* samples from one
merge, and :func:`ks_pvalue` the KS p-value the way :func:`scipy.stats.ks_2samp` computes it for
large samples (``method="auto"`` above :data:`KS_EXACT_MAX_N` values), with its slowest branch
(:func:`kstwo_sf`) vectorised.  :mod:`aipo_widgets.analysis.drift` applies them column by column.

Only numpy is imported with the module; scipy is imported where it is used.

Examples
--------
>>> import numpy as np
>>> round(psi([0.25] * 4, [0.1, 0.2, 0.3, 0.4]), 4)
0.2282
>>> js_distance([1, 0], [0, 1])
1.0
>>> ks, w1 = ks_w1(np.array([0.0, 1.0, 2.0]), np.array([1.0, 2.0, 3.0]))
>>> round(ks, 4), w1
(0.3333, 1.0)
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np

from aipo_widgets.errors import UsageError

__all__ = [
    "KS_EXACT_MAX_N",
    "Buffers",
    "js_distance",
    "ks_pvalue",
    "ks_w1",
    "kstwo_sf",
    "psi",
    "psi_unchecked",
    "smoothed_proportions",
]

#: Above this many values in either sample, scipy's ``ks_2samp(method="auto")`` switches from the
#: exact distribution to the asymptotic one; :mod:`aipo_widgets.analysis.drift` follows the same
#: rule.
KS_EXACT_MAX_N = 10_000


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
    return psi_unchecked(pa, qa)


def psi_unchecked(p: np.ndarray, q: np.ndarray) -> float:
    """Return the PSI of proportions already known to be valid (same length, none zero).

    The fast path of :func:`psi` for proportions that :func:`smoothed_proportions` made.

    Examples
    --------
    >>> psi_unchecked(np.array([0.5, 0.5]), np.array([0.5, 0.5]))
    0.0
    """
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
# KS and Wasserstein from one merge of two sorted samples


class Buffers:
    """Scratch buffers reused from column to column (one per thread of a drift comparison).

    At a million rows a column needs about 60 MB of temporaries; allocating them afresh for
    every column costs page faults (the kernel zeroes every new page), which on a busy machine
    took as long as the arithmetic itself.
    """

    def __init__(self) -> None:
        self._buffers: dict[str, np.ndarray] = {}

    def get(self, name: str, n: int, dtype: Any = np.float64) -> np.ndarray:
        """Return a buffer of ``n`` values of ``dtype`` kept under ``name`` (grown on demand)."""
        buf = self._buffers.get(name)
        if buf is None or buf.size < n or buf.dtype != dtype:
            buf = np.empty(n, dtype=dtype)
            self._buffers[name] = buf
        return buf[:n]


_vecdot = getattr(np, "vecdot", np.dot)


def ks_w1(a: np.ndarray, b: np.ndarray, ws: Buffers | None = None) -> tuple[float, float]:
    """KS statistic and Wasserstein-1 of two *sorted* samples, from one merge.

    The merged values are ordered by a stable argsort of ``concat(a, b)`` (two sorted runs, so
    the merge is linear); the running count of ``a`` values gives both empirical CDFs at every
    merged value.  Inside a run of tied values the CDFs are not yet final, so KS looks only at
    the last value of each run, and Wasserstein's step width is zero there anyway.  The
    arithmetic is that of scipy's ``ks_2samp`` and ``wasserstein_distance``.
    """
    ws = ws if ws is not None else Buffers()
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


def ks_pvalue(ks: float, n1: int, n2: int) -> tuple[float, str]:
    """Return the two-sided KS p-value the way ``ks_2samp(method='auto')`` does for large n.

    Above :data:`KS_EXACT_MAX_N` values scipy uses the distribution of the one-sample statistic
    at the effective size, ``kstwo.sf(D, round(n1 * n2 / (n1 + n2)))``; this is the same value.
    """
    m, n = sorted([float(n1), float(n2)], reverse=True)
    en = int(np.round(m * n / (m + n)))
    return float(np.clip(kstwo_sf(ks, en), 0.0, 1.0)), "asymp"


#: scipy's ``smirnov(n, x)`` sums its exact series up to this n, and switches to an asymptotic
#: formula above it (xsf ``SMIRNOV_MAX_COMPUTE_N``).
_SMIRNOV_MAX_COMPUTE_N = 1_000_000
_LN_2PI = math.log(2.0 * math.pi)


def kstwo_sf(d: float, n: int) -> float:
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
