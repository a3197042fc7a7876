"""Finance on plain cash-flow vectors: NPV, IRR, payback, ROI and the value of information.

The business case (:mod:`aipo_widgets.analysis.business_case`) computes its cash flows and hands
them here; the functions take plain sequences and arrays, so they serve any other cash flow too.
The conventions are numpy-financial's (the first cash flow at t = 0, not discounted) and are
stated in :data:`CONVENTION`.

Examples
--------
>>> round(npv(0.01, [-100, 60, 60]), 2)
18.22
"""

from __future__ import annotations

from collections.abc import Sequence

from aipo_widgets.errors import Problem, UsageError

__all__ = ["CONVENTION", "evpi", "evppi", "irr", "monthly_rate", "npv", "payback", "roi"]

CONVENTION = (
    "NPV: cash flow 0 at t = 0 undiscounted (numpy-financial convention), monthly rate "
    "(1 + r)^(1/12) - 1; ROI undiscounted over the horizon; payback interpolated within the "
    "month"
)


def _flows(values: Sequence[float]):
    import numpy as np

    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1 or arr.size == 0 or not np.isfinite(arr).all():
        raise UsageError([Problem("cash flows must be a non-empty 1-d sequence of finite numbers",
                                  code="bad_argument")])
    return arr


def monthly_rate(annual: float) -> float:
    """Return the monthly rate equivalent to an annual one: ``(1 + annual)^(1/12) - 1``.

    Examples
    --------
    >>> round(monthly_rate(0.12), 6)
    0.009489
    """
    if not (isinstance(annual, (int, float)) and annual > -1):
        raise UsageError([Problem(f"the annual rate must be above -100 %, got {annual!r}",
                                  code="bad_argument")])
    return (1 + annual) ** (1 / 12) - 1


def npv(rate: float, values: Sequence[float]) -> float:
    """Return the net present value, first cash flow at t = 0 (numpy-financial's convention).

    Parameters
    ----------
    rate : float
        The discount rate per period (> -1).
    values : sequence of float
        Cash flows per period, ``values[0]`` at t = 0 (not discounted).

    Returns
    -------
    float

    Examples
    --------
    >>> round(npv(0.281, [-100, 39, 59, 55, 20]), 6)
    -0.008479
    """
    arr = _flows(values)
    if not rate > -1:
        raise UsageError([Problem(f"rate must be above -1, got {rate!r}", code="bad_argument")])
    import numpy as np

    t = np.arange(arr.size)
    return float(np.sum(arr / (1 + rate) ** t))


def irr(values: Sequence[float]) -> tuple[float | None, str]:
    """Return the internal rate of return per period, where it exists and is unique.

    Parameters
    ----------
    values : sequence of float
        Cash flows per period, the first at t = 0.

    Returns
    -------
    rate : float or None
        The rate per period at which the NPV is 0; None when there is none or more than one.
    note : str
        Why it is None, or ``""``.

    Examples
    --------
    >>> round(irr([-100, 39, 59, 55, 20])[0], 5)
    0.28095
    >>> irr([-100, 230, -132])
    (None, 'the NPV is 0 at several rates (10.00 %, 20.00 %): IRR is not defined uniquely')
    >>> irr([100, 50])
    (None, 'the cash flows never change sign: no IRR')
    """
    import numpy as np
    from scipy.optimize import brentq

    arr = _flows(values)
    nz = arr[arr != 0]
    changes = int(np.sum(np.sign(nz[1:]) != np.sign(nz[:-1]))) if nz.size > 1 else 0
    if changes == 0:
        return None, "the cash flows never change sign: no IRR"
    t = np.arange(arr.size)

    def f(r: float) -> float:
        return float(np.sum(arr / (1 + r) ** t))

    grid = np.concatenate([np.linspace(-0.9, 0, 901)[:-1], np.geomspace(1e-9, 100, 2000)])
    grid = np.concatenate([[-0.9], grid[1:]])
    with np.errstate(all="ignore"):
        # One matrix product for the whole grid; the roots are then refined one by one.
        vals = (1.0 / (1.0 + grid)[:, None] ** t[None, :]) @ arr
    roots: list[float] = []
    for i in range(len(grid) - 1):
        a, b = vals[i], vals[i + 1]
        if not (np.isfinite(a) and np.isfinite(b)):
            continue
        if a == 0:
            roots.append(float(grid[i]))
        elif b != 0 and np.sign(a) != np.sign(b):
            with np.errstate(all="ignore"):
                roots.append(float(brentq(f, grid[i], grid[i + 1], xtol=1e-14, rtol=1e-12)))
    if vals[-1] == 0:
        roots.append(float(grid[-1]))
    distinct: list[float] = []
    for r in sorted(roots):
        if not distinct or abs(r - distinct[-1]) > 1e-9 * max(1.0, abs(r)):
            distinct.append(r)
    roots = distinct
    if len(roots) == 1:
        return roots[0], ""
    if not roots:
        return None, "no rate between -90 % and 10 000 % per period makes the NPV 0"
    shown = ", ".join(f"{100 * r:.2f} %" for r in roots[:5])
    return None, f"the NPV is 0 at several rates ({shown}): IRR is not defined uniquely"


def payback(values: Sequence[float]) -> tuple[float | None, str]:
    """Return the periods until the cumulative cash flow reaches 0, interpolated.

    Returns
    -------
    periods : float or None
        None when the cumulative cash flow never reaches 0.
    note : str
        E.g. that the cumulative flow falls below 0 again later.

    Examples
    --------
    >>> payback([-1000, 300, 400, 500])
    (2.6, '')
    >>> payback([-1000, 300])
    (None, 'the cumulative cash flow never reaches 0 within the horizon')
    """
    import numpy as np

    arr = _flows(values)
    cum = np.cumsum(arr)
    if cum[0] >= 0:
        t = 0.0
    else:
        hits = np.nonzero(cum >= 0)[0]
        if hits.size == 0:
            return None, "the cumulative cash flow never reaches 0 within the horizon"
        k = int(hits[0])
        t = (k - 1) + float(-cum[k - 1] / arr[k])
    note = ""
    first = int(np.ceil(t)) if t > 0 else 0
    if (cum[first:] < 0).any():
        note = "the cumulative cash flow falls below 0 again later"
    return t, note


def roi(total_benefit: float, total_cost: float) -> float | None:
    """Return (benefit - cost) / cost, undiscounted; None when the cost is 0.

    Examples
    --------
    >>> roi(150, 100)
    0.5
    """
    return None if total_cost == 0 else (total_benefit - total_cost) / total_cost


def evpi(npv_samples) -> float:
    """Return the expected value of perfect information for a go / no-go decision.

    ``E[max(NPV, 0)] - max(E[NPV], 0)``: go when the NPV is positive, otherwise stop at 0.

    Examples
    --------
    >>> evpi([-10.0, 20.0])
    5.0
    """
    import numpy as np

    x = np.asarray(npv_samples, dtype=float)
    return float(np.mean(np.maximum(x, 0)) - max(float(np.mean(x)), 0.0))


def evppi(npv_samples, driver_samples, bins: int = 20) -> float:
    """Return the expected value of partial perfect information about one driver (binning).

    Parameters
    ----------
    npv_samples, driver_samples : array_like
        Paired Monte Carlo samples.
    bins : int, default 20
        Number of equal-count groups of the samples sorted by the driver.

    Returns
    -------
    float
        ``mean over groups of max(group mean NPV, 0) - max(E[NPV], 0)``, clipped to [0, EVPI].

    Examples
    --------
    >>> evppi([-10.0, 20.0, -10.0, 20.0], [0.0, 1.0, 0.1, 0.9], bins=2)
    5.0
    >>> evppi([-10.0, 20.0, -10.0, 20.0], [0.0, 0.1, 0.9, 1.0], bins=2)
    0.0
    """
    import numpy as np

    x = np.asarray(npv_samples, dtype=float)
    d = np.asarray(driver_samples, dtype=float)
    if x.shape != d.shape or x.ndim != 1 or x.size < 2:
        raise UsageError([Problem("NPV and driver samples must be 1-d arrays of equal length "
                                  "(at least 2)", code="bad_argument")])
    if not isinstance(bins, int) or not 1 <= bins <= x.size:
        raise UsageError([Problem(f"bins must be an integer from 1 to {x.size}, got {bins!r}",
                                  code="bad_argument")])
    if np.ptp(d) == 0:
        return 0.0
    order = np.argsort(d, kind="stable")
    groups = np.array_split(x[order], bins)
    value = sum(len(g) * max(float(g.mean()), 0.0) for g in groups) / x.size
    raw = value - max(float(x.mean()), 0.0)
    return float(min(max(raw, 0.0), evpi(x)))
