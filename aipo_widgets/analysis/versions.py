"""Which model and prompt versions a production log shows, against the versions accepted.

The evidence of the experiments holds for the versions it was measured on. A vendor that moves
a model alias, or a prompt hotfix deployed without an evaluation, runs something nobody
accepted; the figures of the operate phase then describe a system that was never evaluated.
:func:`version_runs` lists, per version in a window, its first and last day and its rows;
:func:`unpinned` names the rows that run another version than the pinned one, and the day they
started.

Examples
--------
>>> import pandas as pd
>>> log = pd.DataFrame({"day": ["2026-11-16", "2026-11-17", "2026-11-18", "2026-11-19"],
...                     "prompt_version": ["v3", "v3", "v3.1", "v3.1"],
...                     "model": ["m-05"] * 4})
>>> runs = version_runs(log, time="day", columns=["prompt_version", "model"])
>>> runs.version.tolist(), runs.first_day.tolist(), runs.rows.tolist()
(['v3 / m-05', 'v3.1 / m-05'], ['2026-11-16', '2026-11-18'], [2, 2])
>>> off = unpinned(log, time="day", pinned={"prompt_version": "v3", "model": "m-05"})
>>> off.rows, off.first_day, off.versions
(2, '2026-11-18', ['v3.1 / m-05'])
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aipo_widgets.analysis.sources import row_days
from aipo_widgets.errors import DataError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Unpinned", "unpinned", "version_runs"]


def _check(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    gone = [c for c in columns if c not in frame]
    if gone:
        raise DataError([Problem(
            f"the log has no column {', '.join(map(repr, gone))}",
            fix="log each call's model and prompt version (or name the columns that hold them)")])


def version_runs(frame: pd.DataFrame, *, time: str, columns: Sequence[str]) -> pd.DataFrame:
    """Per version (the columns' values joined by " / "): first day, last day, rows, share."""
    import pandas as pd

    _check(frame, [time, *columns])
    if frame.empty:
        # a window without traffic (a quiet night): row-wise joins of no rows give a frame
        return pd.DataFrame({"version": pd.Series([], dtype=str),
                             "first_day": pd.Series([], dtype=str),
                             "last_day": pd.Series([], dtype=str),
                             "rows": pd.Series([], dtype=int),
                             "share": pd.Series([], dtype=float)})
    days = row_days(frame, time)
    names = frame[list(columns)].astype(str).agg(" / ".join, axis=1)
    table = (pd.DataFrame({"version": names, "day": days}).dropna(subset=["day"])
             .groupby("version", sort=False)
             .agg(first_day=("day", "min"), last_day=("day", "max"), rows=("day", "size"))
             .reset_index().sort_values(["first_day", "version"]).reset_index(drop=True))
    table["first_day"] = table.first_day.map(lambda d: str(d)[:10])
    table["last_day"] = table.last_day.map(lambda d: str(d)[:10])
    total = int(table.rows.sum())
    table["share"] = table.rows / total if total else 0.0
    return table


@dataclass
class Unpinned:
    """The rows of a log that ran another version than the pinned one."""

    pinned: dict[str, str]
    rows: int
    total: int
    first_day: str | None
    versions: list[str]
    runs: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return {"pinned": dict(self.pinned), "rows": self.rows, "total": self.total,
                "first_day": self.first_day, "versions": list(self.versions),
                "runs": self.runs.to_dict("records"), "notes": list(self.notes)}


def unpinned(frame: pd.DataFrame, *, time: str, pinned: Mapping[str, str]) -> Unpinned:
    """Find the rows whose version columns differ from ``pinned`` (column -> accepted value)."""
    columns = list(pinned)
    _check(frame, [time, *columns])
    runs = version_runs(frame, time=time, columns=columns)
    accepted = " / ".join(str(pinned[c]) for c in columns)
    other = runs[runs.version != accepted]
    return Unpinned(pinned={k: str(v) for k, v in pinned.items()},
                    rows=int(other.rows.sum()), total=int(runs.rows.sum()),
                    first_day=str(other.first_day.min()) if len(other) else None,
                    versions=other.version.tolist(), runs=runs)
