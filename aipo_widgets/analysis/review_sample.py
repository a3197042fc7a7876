"""Drawing a review sample, and the review file it is labelled into.

How many items to review follows from how precise the figure must be: a share ``p`` estimated
from ``n`` reviews has a 95 % Wilson interval of a width that shrinks with ``n``;
:func:`sample_size_for_width` finds the smallest ``n`` whose interval at the expected share is no
wider than the target. :func:`draw_review_sample` draws that many items, stratified by the groups
that matter (language, channel: each stratum gets its share of the population, at least
``min_per_stratum``), seeded, and says how it drew them (:class:`ReviewDraw`), so that the draw
can be recorded and repeated.

The review file is a CSV of review records (item, reviewer, label, note, reviewed_at). Reviews
are appended with :func:`append_reviews`: the whole file is rewritten to a temporary file,
fsynced and renamed over the old one under a lock, so a kernel that dies mid-save leaves the old
file or the new one, never a torn line; :func:`remaining` says which items of a sample a
reviewer has still to do, so a review resumes where it stopped.

Examples
--------
>>> sample_size_for_width(0.05, 0.04)
469
>>> import pandas as pd, pathlib, tempfile
>>> items = pd.DataFrame({"id": range(100), "lang": ["de"] * 60 + ["fr"] * 40})
>>> draw = draw_review_sample(items, id_column="id", n=20, strata=["lang"], seed=7)
>>> draw.allocation, len(draw.sample)
({'de': 12, 'fr': 8}, 20)
>>> path = pathlib.Path(tempfile.mkdtemp()) / "reviews.csv"
>>> first = draw.sample.id.tolist()[:3]
>>> append_reviews(path, [{"item": i, "reviewer": "JK", "label": "correct"} for i in first])
3
>>> len(remaining(draw.sample, path, id_column="id", reviewer="JK"))
17
"""

from __future__ import annotations

import datetime as dt
import io
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from aipo_widgets.analysis._bootstrap import wilson_interval
from aipo_widgets.errors import DataError, Problem
from aipo_widgets.model.atomic import atomic_write_text, file_lock

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "REVIEW_COLUMNS",
    "ReviewDraw",
    "append_reviews",
    "draw_review_sample",
    "read_reviews",
    "remaining",
    "sample_size_for_width",
]

#: The columns of a review file, in order.
REVIEW_COLUMNS = ("item", "reviewer", "label", "note", "reviewed_at")


def sample_size_for_width(expected_share: float, width: float, *, ci: float = 0.95,
                          population: int | None = None) -> int:
    """Return the fewest reviews whose Wilson interval at ``expected_share`` fits ``width``.

    Parameters
    ----------
    expected_share : float
        The share expected (e.g. 0.05 minor errors); 0.5 when nothing is known (the widest).
    width : float
        The full width of the interval wanted (0.04: about +-2 points).
    ci : float
        Confidence level.
    population : int, optional
        The number of items there are: the size is capped at it.

    Examples
    --------
    >>> sample_size_for_width(0.5, 0.1), sample_size_for_width(0.01, 0.02)
    (381, 454)
    """
    if not 0 < width < 1 or not 0 <= expected_share <= 1:
        msg = f"width must be in (0, 1) and the share in [0, 1]; got {width}, {expected_share}"
        raise ValueError(msg)

    def wide(n: int) -> float:
        lo, hi = wilson_interval(expected_share * n, n, ci)
        return hi - lo

    hi = 2
    while wide(hi) > width:
        hi *= 2
        if hi > 10**8:
            break
    lo = max(1, hi // 2)
    while lo < hi:  # the width at the expected share (not rounded to counts) falls with n
        mid = (lo + hi) // 2
        if wide(mid) <= width:
            hi = mid
        else:
            lo = mid + 1
    return min(hi, population) if population else hi


@dataclass
class ReviewDraw:
    """A drawn review sample and how it was drawn (record it beside the reviews)."""

    sample: pd.DataFrame
    seed: int
    n: int
    strata: list[str]
    allocation: dict[str, int]
    population: int
    target_width: float | None = None
    expected_share: float | None = None
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready record of the draw (without the sample's rows)."""
        return {"seed": self.seed, "n": self.n, "strata": list(self.strata),
                "allocation": dict(self.allocation), "population": self.population,
                "target_width": self.target_width, "expected_share": self.expected_share,
                "notes": list(self.notes)}


def _allocate(sizes: Mapping[str, int], n: int, minimum: int) -> dict[str, int]:
    # proportional to the strata's sizes (largest remainders), each at least `minimum` (or all
    # of it); what the minimums add is taken from the strata furthest above their share
    total = sum(sizes.values())
    n = min(n, total)
    ideal = {k: n * v / total for k, v in sizes.items()}
    got = {k: min(v, max(minimum, int(ideal[k]))) for k, v in sizes.items()}
    order = sorted(sizes, key=lambda k: (-(ideal[k] - int(ideal[k])), k))
    while sum(got.values()) < n:
        k = next(k for k in order + sorted(sizes) if got[k] < sizes[k])
        got[k] += 1
        order = [o for o in order if o != k]
    while sum(got.values()) > n:
        above = [k for k in sizes if got[k] > min(sizes[k], minimum)]
        if not above:  # the minimums alone exceed n: the sample is larger than asked
            break
        got[max(above, key=lambda k: got[k] - ideal[k])] -= 1
    return got


def draw_review_sample(items: pd.DataFrame, *, id_column: str, n: int | None = None,
                       strata: Sequence[str] = (), seed: int = 0,
                       target_width: float | None = None, expected_share: float = 0.5,
                       min_per_stratum: int = 5, exclude: Iterable[Any] = ()) -> ReviewDraw:
    """Draw a seeded review sample, stratified by ``strata`` in proportion to their sizes.

    Parameters
    ----------
    items : pandas.DataFrame
        The population (production rows, the gold set), one row per item.
    id_column : str
        The items' id column.
    n : int, optional
        How many to draw; default: :func:`sample_size_for_width` of ``target_width`` at
        ``expected_share``.
    strata : sequence of str
        Columns whose combinations are drawn in proportion (each at least ``min_per_stratum``
        or all of it).
    seed : int
        Seed of the draw.
    target_width, expected_share : float
        For the size, when ``n`` is not given.
    min_per_stratum : int
        The fewest items of each stratum.
    exclude : iterable
        Ids not to draw (already reviewed).

    Returns
    -------
    ReviewDraw
        The sample (sorted by stratum, then in the drawn order), with a ``stratum`` column.
    """
    import numpy as np

    missing = [c for c in [id_column, *strata] if c not in items]
    if missing:
        raise DataError([Problem(f"the items have no column {', '.join(map(repr, missing))}",
                                 fix=f"use one of: {', '.join(map(str, items.columns))}")])
    if n is None:
        if target_width is None:
            msg = "give n or target_width"
            raise ValueError(msg)
        n = sample_size_for_width(expected_share, target_width, population=len(items))
    pool = items[~items[id_column].isin(set(exclude))]
    key = (pool[list(strata)].astype(str).agg(" / ".join, axis=1) if strata
           else pool[id_column].map(lambda _: "all"))
    sizes = key.value_counts().sort_index().to_dict()
    allocation = _allocate(sizes, n, min_per_stratum)
    rng = np.random.default_rng(seed)
    parts = []
    for stratum in sorted(sizes):
        rows = pool[key == stratum]
        pick = rng.choice(len(rows), allocation[stratum], replace=False)
        parts.append(rows.iloc[pick].assign(stratum=stratum))
    import pandas as pd

    sample = pd.concat(parts, ignore_index=True) if parts else pool.head(0).assign(stratum="")
    notes = []
    if len(sample) > n:
        notes.append(f"{len(sample):,} items drawn, not {n:,}: each stratum gets at least "
                     f"{min_per_stratum}")
    if n > len(pool):
        notes.append(f"only {len(pool):,} items to draw from; all are in the sample")
    return ReviewDraw(sample=sample, seed=seed, n=len(sample), strata=list(strata),
                      allocation=allocation, population=len(pool), target_width=target_width,
                      expected_share=expected_share if target_width is not None else None,
                      notes=notes)


def read_reviews(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read the review records of a review file (an empty frame when there is none yet).

    Raises
    ------
    DataError
        When the file is not a review file (its columns are not the review columns).
    """
    import pandas as pd

    path = Path(path)
    if not path.exists():
        return pd.DataFrame(columns=list(REVIEW_COLUMNS))
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    gone = [c for c in REVIEW_COLUMNS[:3] if c not in frame]
    if gone:
        raise DataError([Problem(f"{path}: not a review file, no column {', '.join(gone)}",
                                 fix="a review file has the columns "
                                     + ", ".join(REVIEW_COLUMNS))])
    return frame


def append_reviews(path: str | os.PathLike[str], records: Iterable[Mapping[str, Any]]) -> int:
    """Append review records to the review file atomically; return how many it holds.

    A record needs ``item``, ``reviewer`` and ``label``; ``note`` and ``reviewed_at`` (default:
    now, UTC) are optional. A reviewer's new label of an item they reviewed before replaces the
    old one (the last word counts); other reviewers' records are kept.
    """
    import pandas as pd

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()
    new = []
    for r in records:
        if not all(str(r.get(k, "")).strip() for k in ("item", "reviewer", "label")):
            raise DataError([Problem(f"a review record needs item, reviewer and label: {r}",
                                     fix="fill all three")])
        new.append({"item": str(r["item"]), "reviewer": str(r["reviewer"]),
                    "label": str(r["label"]), "note": str(r.get("note", "") or ""),
                    "reviewed_at": str(r.get("reviewed_at") or now)})
    with file_lock(path):
        old = read_reviews(path)
        both = pd.concat([old[list(REVIEW_COLUMNS)], pd.DataFrame(new, columns=REVIEW_COLUMNS)],
                         ignore_index=True)
        both = both.drop_duplicates(subset=["item", "reviewer"], keep="last")
        buf = io.StringIO()
        both.to_csv(buf, index=False, lineterminator="\n")
        atomic_write_text(path, buf.getvalue())
    return len(both)


def remaining(sample: pd.DataFrame, path: str | os.PathLike[str], *, id_column: str,
              reviewer: str) -> pd.DataFrame:
    """Return the rows of ``sample`` that ``reviewer`` has not reviewed yet."""
    done = read_reviews(path)
    seen = set(done.loc[done.reviewer == reviewer, "item"])
    return sample[~sample[id_column].astype(str).isin(seen)]
