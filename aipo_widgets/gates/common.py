"""What the gates of several phases share: a missing data source, and gates shown as a table.

Examples
--------
>>> [(g.name, g.verdict, g.detail) for g in data_available_gates(None, name="gold set available",
...                                                               role="gold")]
[('gold set available', 'fail', 'add a data source with role: gold')]
>>> data_available_gates("a frame", name="gold set available", role="gold")
[]
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from aipo_widgets.evidence import Gate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["GATE_COLUMNS", "data_available_gates", "gates_frame", "open_points"]

# The columns of :func:`gates_frame`, in order.
GATE_COLUMNS = ["name", "verdict", "figure", "ci", "threshold", "detail"]


def open_points(gates: Iterable[Gate], verdict: str = "warn", *, listed: int = 8) -> str:
    """Say how many gates have ``verdict`` and name them: what a decision comes with.

    A decision that reads "continue" or "go" must not hide its warnings: the count is always
    said, the first ``listed`` are named.

    Examples
    --------
    >>> open_points([Gate("a", "warn"), Gate("b", "pass"), Gate("c", "warn")])
    '2 warnings: a; c'
    >>> open_points([Gate("a", "fail")], "fail"), open_points([])
    ('1 failure: a', '')
    >>> open_points([Gate(str(i), "warn") for i in range(4)], listed=2)
    '4 warnings: 0; 1; and 2 more'
    """
    found = [g.name for g in gates if g.verdict == verdict]
    if not found:
        return ""
    word = {"warn": "warning", "fail": "failure"}.get(verdict, verdict)
    more = f"; and {len(found) - listed} more" if len(found) > listed else ""
    return (f"{len(found)} {word}{'' if len(found) == 1 else 's'}: "
            + "; ".join(found[:listed]) + more)


def data_available_gates(frame: object | None, *, name: str, role: str) -> list[Gate]:
    """Fail when the data a phase is about is missing (no source with the role, or unreadable).

    Parameters
    ----------
    frame : DataFrame or None
        The table the phase read for the role, None when there is none.
    name : str
        The gate's name, e.g. ``"gold set available"``.
    role : str
        The data-map role the phase needs, e.g. ``"gold"``.

    Returns
    -------
    list of Gate
        One failing gate when ``frame`` is None, else none.
    """
    if frame is not None:
        return []
    return [Gate(name, "fail", detail=f"add a data source with role: {role}")]


def gates_frame(gates: Iterable[Gate]) -> pd.DataFrame:
    """Return gates as a table for a notebook (name, verdict, figure, interval, threshold, why).

    Examples
    --------
    >>> frame = gates_frame([Gate("recall", "pass", figure=0.9, threshold=">= 0.85")])
    >>> frame[["name", "verdict", "threshold"]].values.tolist()
    [['recall', 'pass', '>= 0.85']]
    """
    import pandas as pd

    return pd.DataFrame([{k: g.to_dict().get(k) for k in GATE_COLUMNS} for g in gates],
                        columns=GATE_COLUMNS)
