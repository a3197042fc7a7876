"""Rank correlations between business-case drivers, and whether a set of them holds together.

``aipo validate`` checks ``business_case.correlations`` here (known drivers with a range, each
pair once, a positive definite matrix); the business case's Monte Carlo draws them with the
same Gaussian copula.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from aipo_widgets._text import suggest
from aipo_widgets.errors import Path
from aipo_widgets.model import schema as spec

if TYPE_CHECKING:  # numpy is imported where it is used, to keep `import aipo_widgets` cheap
    import numpy as np
    import numpy.typing as npt

__all__ = ["correlation_matrix", "correlation_problems", "driver_range", "normal_correlation"]

def driver_range(d: spec.Driver) -> tuple[float, float, float]:
    """Return a driver's (low, likely, high), the scenarios filling what is not given."""
    scen = sorted((d.conservative, d.realistic, d.optimistic))
    low = d.low if d.low is not None else scen[0]
    likely = d.likely if d.likely is not None else d.realistic
    high = d.high if d.high is not None else scen[2]
    return float(low), float(likely), float(high)


def normal_correlation(rho: npt.ArrayLike) -> np.float64 | npt.NDArray[np.float64]:
    """Return the normal-scale correlation whose Gaussian copula has Spearman correlation rho.

    A Gaussian copula with correlation ``r`` between the normal scores has Spearman rank
    correlation ``(6 / pi) * arcsin(r / 2)``; this is its inverse, ``2 * sin(pi * rho / 6)``.
    The two differ by at most 0.018, but the tests compare drawn rank correlations with the
    requested ones, and the request is a rank correlation.

    Examples
    --------
    >>> round(float(normal_correlation(0.5)), 4), round(float(normal_correlation(1.0)), 12)
    (0.5176, 1.0)
    """
    import numpy as np

    return 2 * np.sin(np.pi * np.asarray(rho, dtype=float) / 6)


def correlation_matrix(names: list[str], pairs: Sequence[tuple[str, str, float]],
                       scale: float = 1.0) -> npt.NDArray[np.float64]:
    """Return the normal-scale correlation matrix of ``names`` for (a, b, rho) pairs."""
    import numpy as np

    idx = {k: i for i, k in enumerate(names)}
    corr = np.eye(len(names))
    for a, b, rho in pairs:
        corr[idx[a], idx[b]] = corr[idx[b], idx[a]] = normal_correlation(scale * rho)
    return corr


# Below this smallest eigenvalue the matrix is treated as not positive definite: Cholesky
# would still succeed, but a driver would then be (almost) a formula of others.
_MIN_EIGENVALUE = 1e-6


def correlation_problems(bc: spec.BusinessCase) -> Iterator[tuple[Path, str, str]]:
    """Yield (path, message, fix) for every problem of ``bc.correlations``.

    Checks that each pair names two known drivers with a range (low < high), that no pair is
    given twice, and that the correlations hold together: for each group of drivers linked
    by pairs, the copula's correlation matrix must be positive definite.  For a group where it
    is not, the message names its pairs and the fix suggests every rho scaled down to a
    consistent set.

    Examples
    --------
    >>> bc = spec.BusinessCase.model_validate({"drivers": {
    ...     k: {"conservative": 0, "realistic": 1, "optimistic": 2} for k in "abc"},
    ...     "correlations": [{"drivers": ["a", "b"], "rho": 0.9},
    ...                      {"drivers": ["b", "c"], "rho": 0.9},
    ...                      {"drivers": ["a", "c"], "rho": -0.9}]})
    >>> path, message, fix = next(correlation_problems(bc))
    >>> path, message[:54]
    (('business_case', 'correlations'), 'correlations[0], [1], [2] (a-b 0.9, b-c 0.9, a-c -0.9)')
    >>> fix
    'make them smaller, e.g. a-b 0.45, b-c 0.45, a-c -0.45 (each rho x 0.5) holds together'
    """
    import numpy as np
    from scipy.sparse.csgraph import connected_components

    base = ("business_case", "correlations")
    known = list(bc.drivers)
    ok = True
    seen: dict[frozenset[str], int] = {}
    for i, c in enumerate(bc.correlations):
        for j, name in enumerate(c.drivers):
            if name not in bc.drivers:
                ok = False
                yield ((*base, i, "drivers", j),
                       f"names driver '{name}', which is not in business_case.drivers",
                       suggest(name, known))
                continue
            low, _, high = driver_range(bc.drivers[name])
            if not low < high:
                ok = False
                yield ((*base, i, "drivers", j),
                       f"names driver '{name}', whose range is the single value {low:g}: it is "
                       "not uncertain, so it cannot be correlated",
                       "give it a range (low < high, or different scenario values), or remove "
                       "this pair")
        key = frozenset(c.drivers)
        if key in seen:
            ok = False
            yield ((*base, i), f"repeats the pair {' and '.join(c.drivers)} of "
                   f"correlations[{seen[key]}]", "keep one of them, with the rho you believe")
        seen.setdefault(key, i)
    if not ok or not bc.correlations:
        return
    names = [k for k in bc.drivers if any(k in c.drivers for c in bc.correlations)]
    pairs = [(c.drivers[0], c.drivers[1], c.rho) for c in bc.correlations]
    # Check each group of linked drivers on its own, so that the message names only the pairs
    # that contradict each other.
    pos = {k: i for i, k in enumerate(names)}
    linked = np.zeros((len(names), len(names)), dtype=bool)
    for a, b, _ in pairs:
        linked[pos[a], pos[b]] = True
    n_groups, group = connected_components(linked, directed=False)
    for g in range(n_groups):
        members = [k for k, lab in zip(names, group, strict=True) if lab == g]
        idx = [i for i, c in enumerate(bc.correlations) if c.drivers[0] in members]
        mine = [pairs[i] for i in idx]

        def smallest(scale: float, members: list[str] = members,
                     mine: list[tuple[str, str, float]] = mine) -> float:
            return float(np.linalg.eigvalsh(correlation_matrix(members, mine, scale))[0])

        if smallest(1.0) > _MIN_EIGENVALUE:
            continue
        from scipy.optimize import brentq

        # The largest common factor that makes the group consistent, then a rounder one below
        # it whose two-decimal values still pass (rounding could otherwise tip it back).
        limit = brentq(lambda s: smallest(s) - _MIN_EIGENVALUE, 0.0, 1.0, xtol=1e-6)
        factor = math.floor(limit * 20) / 20
        while factor > 0:
            rounded = [(a, b, math.trunc(r * factor * 100) / 100) for a, b, r in mine]
            if float(np.linalg.eigvalsh(correlation_matrix(members, rounded))[0]) > _MIN_EIGENVALUE:
                break
            factor = round(factor - 0.05, 2)
        else:
            rounded = [(a, b, 0.0) for a, b, _ in mine]
        where = f"correlations[{idx[0]}]" + "".join(f", [{i}]" for i in idx[1:])
        listed = ", ".join(f"{a}-{b} {r:g}" for a, b, r in mine)
        suggestion = ", ".join(f"{a}-{b} {r:g}" for a, b, r in rounded)
        yield (base,
               f"{where} ({listed}) cannot hold together: their correlation matrix is not "
               "positive definite, so no joint distribution of the drivers has them all",
               f"make them smaller, e.g. {suggestion} (each rho x {factor:g}) holds together")
