"""The sample-ratio-mismatch check of a pilot: whether the assignment matches the planned split.

:func:`srm_check` is the check of Kohavi, Tang & Xu (*Trustworthy Online Controlled
Experiments*, ch. 21): a chi-square goodness-of-fit test (:func:`scipy.stats.chisquare`) of the
assignment counts against the planned split.  A mismatch (default p < 0.001) means assignment
or logging is broken and no effect can be trusted; :meth:`SRMResult.gate` says so.

Examples
--------
>>> r = srm_check({"pilot": 2040, "control": 7960}, {"pilot": 0.2, "control": 0.8})
>>> r.mismatch, r.gate().verdict
(False, 'pass')
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import numpy as np

from aipo_widgets.analysis._checks import check_alpha
from aipo_widgets.analysis._json import plain
from aipo_widgets.errors import DataError, UsageError
from aipo_widgets.evidence import Gate

__all__ = [
    "SRMResult",
    "srm_check",
]


@dataclass
class SRMResult:
    """The sample-ratio-mismatch check.

    Parameters
    ----------
    counts : dict
        Units assigned per arm.
    expected : dict
        Units expected per arm from the planned split.
    planned : dict
        The planned share per arm.
    chi2, p_value : float
        Chi-square goodness-of-fit test (``scipy.stats.chisquare``).
    alpha : float
        The p-value below which the split counts as a mismatch.
    mismatch : bool
        ``p_value < alpha``.
    unit : str
        What was counted (``units``; ``clusters`` or ``periods`` when whole groups were
        assigned).
    method : str
        ``chi-square`` or, for two arms with fewer than 5 expected in one,
        ``exact binomial``.
    """

    counts: dict[str, int]
    expected: dict[str, float]
    planned: dict[str, float]
    chi2: float
    p_value: float
    alpha: float
    mismatch: bool
    unit: str = "units"
    method: str = "chi-square"

    def gate(self) -> Gate:
        """Return the check as a gate (fail on a mismatch)."""
        shares = ", ".join(
            f"{k} {v} ({v / sum(self.counts.values()):.1%} vs {self.planned[k]:.1%})"
            for k, v in self.counts.items()
        )
        if self.unit != "units":
            shares = f"{self.unit}: {shares}"
        return Gate(
            "sample ratio mismatch",
            "fail" if self.mismatch else "pass",
            figure=self.p_value,
            threshold=f"p >= {self.alpha:g}",
            detail=(
                f"assignment does not match the planned split ({shares}); find the bug in "
                "assignment or logging before trusting any effect"
                if self.mismatch
                else f"assignment matches the planned split ({shares})"
            ),
            extra={"chi2": self.chi2, "counts": dict(self.counts)},
        )

    def to_dict(self) -> dict:
        """Return a JSON-ready dict."""
        return {k: plain(v) for k, v in asdict(self).items()}


def srm_check(
    counts: Mapping[str, int] | Sequence[int],
    planned: Mapping[str, float] | Sequence[float] | None = None,
    *,
    alpha: float = 0.001,
    unit: str = "units",
) -> SRMResult:
    """Test the assignment counts against the planned split (chi-square goodness of fit).

    Parameters
    ----------
    counts : dict of arm to int, or list of int
        Units assigned per arm.
    planned : dict or list of float, optional
        Planned share (or weight) per arm, normalised to sum 1; equal shares by default.
    alpha : float, default 0.001
        A p-value below this is a mismatch (0.001 is the usual SRM threshold: the check runs on
        every experiment, so it must rarely fire by chance).
    unit : str, default "units"
        What was counted, for the report: ``clusters`` (or ``periods``) when whole groups
        were assigned, so that the check counts what was randomised.

    Returns
    -------
    SRMResult

    Examples
    --------
    >>> r = srm_check({"pilot": 5100, "control": 4900})
    >>> round(r.p_value, 4), r.mismatch
    (0.0455, False)
    >>> srm_check({"pilot": 5300, "control": 4700}).mismatch
    True

    Few clusters: the exact binomial test.

    >>> r = srm_check({"pilot": 2, "control": 6}, {"pilot": 0.5, "control": 0.5},
    ...               unit="clusters")
    >>> r.method, round(r.p_value, 3)
    ('exact binomial', 0.289)
    """
    from scipy.stats import chisquare

    a = check_alpha(alpha)
    if isinstance(counts, Mapping):
        names = [str(k) for k in counts]
        obs = list(counts.values())
    else:
        obs = list(counts)
        names = [f"arm {i}" for i in range(len(obs))]
    if len(obs) < 2:
        msg = f"counts needs at least two arms, got {len(obs)}"
        raise UsageError(msg)
    for k, v in zip(names, obs, strict=True):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 0:
            msg = f"count of {k!r} must be a whole number >= 0, got {v!r}"
            raise UsageError(msg)
    if sum(obs) == 0:
        msg = "no units were assigned (all counts are 0)"
        raise DataError(msg)
    if planned is None:
        w = [1.0] * len(obs)
    elif isinstance(planned, Mapping):
        missing = [k for k in names if k not in {str(p) for p in planned}]
        if missing or len(planned) != len(names):
            msg = (
                f"planned must give a share for exactly the arms {names}, got "
                f"{list(map(str, planned))}"
            )
            raise UsageError(msg)
        w = [float({str(k): v for k, v in planned.items()}[k]) for k in names]
    else:
        w = [float(v) for v in planned]
        if len(w) != len(obs):
            msg = f"planned has {len(w)} shares for {len(obs)} arms"
            raise UsageError(msg)
    if any(not math.isfinite(x) or x <= 0 for x in w):
        msg = f"planned shares must be positive numbers, got {w}"
        raise UsageError(msg)
    shares = [x / sum(w) for x in w]
    total = sum(obs)
    exp = [s * total for s in shares]
    res = chisquare(obs, f_exp=exp)
    p = float(res.pvalue)
    method = "chi-square"
    if len(obs) == 2 and min(exp) < 5:
        # The chi-square approximation is poor with few expected (few clusters or periods).
        from scipy.stats import binomtest

        p = float(binomtest(int(obs[0]), int(total), shares[0]).pvalue)
        method = "exact binomial"
    return SRMResult(
        counts={k: int(v) for k, v in zip(names, obs, strict=True)},
        expected=dict(zip(names, exp, strict=True)),
        planned=dict(zip(names, shares, strict=True)),
        chi2=float(res.statistic),
        p_value=p,
        alpha=a,
        mismatch=p < a,
        unit=unit,
        method=method,
    )
