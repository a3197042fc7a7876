"""The risk matrix's band map: the 5x5 grid of bands and the rules a sound map obeys.

A band map gives each likelihood x impact cell a band (low, medium, high, critical).  Where a
workspace sets its own (``settings.risk_bands``), ``aipo validate`` checks it against Cox's
rules for risk matrices (L. A. Cox, "What's wrong with risk matrices?", Risk Analysis 28(2),
2008): bands never fall as likelihood or impact rises, neighbours are at most one band apart
(betweenness), and every high cell is riskier than every low one (weak consistency).

Examples
--------
>>> default_band_map()[4][4], check_band_map(default_band_map())
('critical', [])
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from aipo_widgets.errors import Problem

__all__ = ["BANDS", "Band", "check_band_map", "default_band_map"]

Band = Literal["low", "medium", "high", "critical"]


BANDS: tuple[Band, ...] = ("low", "medium", "high", "critical")


_BAND_RANK: dict[str, int] = {b: i for i, b in enumerate(BANDS)}


def _default_band(score: int) -> Band:
    if score <= 4:
        return "low"
    if score <= 9:
        return "medium"
    if score <= 16:
        return "high"
    return "critical"


def default_band_map() -> list[list[str]]:
    """Return the default 5x5 band map (rows = likelihood 1..5, columns = impact 1..5).

    Examples
    --------
    >>> for row in default_band_map():
    ...     print(" ".join(f"{b:8}" for b in row).rstrip())
    low      low      low      low      medium
    low      low      medium   medium   high
    low      medium   medium   high     high
    low      medium   high     high     critical
    medium   high     high     critical critical
    """
    return [[_default_band(li * im) for im in range(1, 6)] for li in range(1, 6)]


def check_band_map(cells: Sequence[Sequence[str]], where: str = "settings.risk_bands"
                   ) -> list[Problem]:
    """Check a band map's shape and Cox's consistency rules; return every problem found.

    Parameters
    ----------
    cells : 5x5 sequence of str
        ``cells[l-1][i-1]`` is the band of likelihood ``l`` and impact ``i``.
    where : str
        The path reported with each problem.

    Returns
    -------
    list of Problem
        Empty when the map is valid.  Codes: ``band_shape``, ``band_value``,
        ``band_monotone``, ``band_betweenness``, ``band_weak_consistency``.

    Examples
    --------
    >>> check_band_map(default_band_map())
    []
    >>> bad = default_band_map()
    >>> bad[4][0], bad[0][4] = "high", "low"   # L5 x I1 = 5 high, L1 x I5 = 5 low
    >>> sorted({p.code for p in check_band_map(bad)})
    ['band_betweenness', 'band_weak_consistency']
    """
    problems: list[Problem] = []
    if (
        isinstance(cells, (str, bytes))
        or len(cells) != 5
        or any(isinstance(r, (str, bytes)) or len(r) != 5 for r in cells)
    ):
        return [
            Problem("the band map must be 5 rows (likelihood 1..5) of 5 bands (impact 1..5)",
                    path=where, fix="write 5 lists of 5 bands", code="band_shape")
        ]
    for li in range(5):
        for im in range(5):
            if cells[li][im] not in _BAND_RANK:
                problems.append(
                    Problem(f"unknown band {cells[li][im]!r}", path=f"{where}[{li}][{im}]",
                            fix="use low, medium, high or critical", code="band_value")
                )
    if problems:
        return problems
    rank = [[_BAND_RANK[cells[li][im]] for im in range(5)] for li in range(5)]

    def cell(li: int, im: int) -> str:
        return f"L{li + 1} x I{im + 1} ({cells[li][im]})"

    for li in range(5):
        for im in range(5):
            for dl, di, what in ((1, 0, "likelihood"), (0, 1, "impact")):
                nl, ni = li + dl, im + di
                if nl > 4 or ni > 4:
                    continue
                if rank[nl][ni] < rank[li][im]:
                    problems.append(
                        Problem(f"{cell(nl, ni)} is a lower band than {cell(li, im)} although "
                                f"its {what} is higher", path=f"{where}[{nl}][{ni}]",
                                fix="a band must not fall when likelihood or impact rises",
                                code="band_monotone")
                    )
                if abs(rank[nl][ni] - rank[li][im]) > 1:
                    problems.append(
                        Problem(f"{cell(li, im)} and its neighbour {cell(nl, ni)} are more than "
                                "one band apart", path=f"{where}[{nl}][{ni}]",
                                fix="put the band in between on the cells where they meet "
                                "(Cox's betweenness)", code="band_betweenness")
                    )
    lows = [(li, im) for li in range(5) for im in range(5) if rank[li][im] == 0]
    highs = [(li, im) for li in range(5) for im in range(5) if rank[li][im] >= 2]
    if lows and highs:
        max_low = max(lows, key=lambda c: (c[0] + 1) * (c[1] + 1))
        min_high = min(highs, key=lambda c: (c[0] + 1) * (c[1] + 1))
        s_low = (max_low[0] + 1) * (max_low[1] + 1)
        s_high = (min_high[0] + 1) * (min_high[1] + 1)
        if s_high <= s_low:
            problems.append(
                Problem(f"{cell(*min_high)} scores {s_high}, not more than {cell(*max_low)} with "
                        f"{s_low}: a high or critical cell must be riskier than every low cell",
                        path=f"{where}[{min_high[0]}][{min_high[1]}]",
                        fix="lower that cell's band or raise the low one (Cox's weak "
                        "consistency)", code="band_weak_consistency")
            )
    return problems
