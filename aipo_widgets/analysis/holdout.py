"""A gold set split into development and held-out test items, and who saw which.

A prompt tuned on the same items it is then accepted on is accepted on its own training data:
every wording that fixed a wrong summary of a gold item makes that item easier, and the figure
measured on it is optimistic by an unknown amount. The split fixes, by item id, which gold items
the iterations may be evaluated on (``dev``) and which only the acceptance run may see
(``test``):

* :func:`assign_split`: a split by a hash of each id with a salt, reproducible without a file
  (an item keeps its side when items are added), or read one from a file
  (:func:`split_from_frame`);
* :func:`tuning_overlap`: from an experiment log with one row per call (candidate, item, and
  whether the call tuned or accepted), the items the accepted candidate was accepted on that
  any tuning iteration saw, and acceptance items that are not in the test part.

Examples
--------
>>> split = assign_split([f"T{i}" for i in range(1000)], test_share=0.5, salt="s")
>>> int((split == "test").sum())
537
>>> import pandas as pd
>>> log = pd.DataFrame({"v": ["v1", "v1", "v2", "v2", "v2"],
...                     "item": ["T1", "T2", "T2", "T3", "T4"],
...                     "purpose": ["tune", "tune", "tune", "accept", "accept"]})
>>> check = tuning_overlap(log, item="item", candidate=["v"], purpose="purpose",
...                        accepted="v2", test_ids={"T3"})
>>> check.accepted_items, check.tuned_items, check.overlap, check.outside_test
(2, 2, [], ['T4'])
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aipo_widgets.errors import DataError, Problem

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "ACCEPT",
    "HoldoutCheck",
    "assign_split",
    "split_from_frame",
    "tuning_overlap",
]

#: Values of a log's purpose column that mark the acceptance run (every other value tunes).
ACCEPT = ("accept", "acceptance", "test")
SPLITS = ("dev", "test")


def _unit(salt: str, item: Any) -> float:
    h = hashlib.sha256(f"{salt}\x00{item}".encode()).digest()
    return int.from_bytes(h[:8], "big") / 2**64


def assign_split(ids: Iterable[Any], *, test_share: float, salt: str = "") -> pd.Series:
    """``"dev"`` or ``"test"`` per id, from a hash of the salt and the id (stable per id)."""
    import pandas as pd

    if not 0 < test_share < 1:
        msg = f"test_share must be between 0 and 1, got {test_share}"
        raise ValueError(msg)
    ids = list(ids)
    return pd.Series(["test" if _unit(salt, i) < test_share else "dev" for i in ids],
                     index=pd.Index(ids), name="split")


def split_from_frame(frame: pd.DataFrame, *, id_column: str, split_column: str = "split",
                     where: str = "the split file") -> pd.Series:
    """Read a split (id -> dev/test) from a table; every value must be dev or test, ids unique.

    Examples
    --------
    >>> import pandas as pd
    >>> split_from_frame(pd.DataFrame({"id": [1, 2], "split": ["dev", "test"]}),
    ...                  id_column="id").to_dict()
    {1: 'dev', 2: 'test'}
    """
    gone = [c for c in (id_column, split_column) if c not in frame]
    if gone:
        raise DataError([Problem(f"{where} has no column {', '.join(gone)}",
                                 fix=f"give it the columns {id_column} and {split_column}")])
    values = frame[split_column].astype(str).str.strip().str.lower()
    bad = sorted(set(values) - set(SPLITS))
    if bad:
        raise DataError([Problem(f"{where}: {split_column} holds {', '.join(bad)}",
                                 fix="each item is dev or test")])
    dup = frame[id_column][frame[id_column].duplicated()]
    if len(dup):
        raise DataError([Problem(f"{where}: the id {dup.iloc[0]!r} is listed twice",
                                 fix="list each item once")])
    return values.set_axis(frame[id_column].to_numpy()).rename("split")


@dataclass
class HoldoutCheck:
    """Whether the accepted candidate was accepted on items nobody tuned on."""

    accepted: str
    accepted_items: int
    tuned_items: int
    overlap: list[str]  # accepted-on items some tuning iteration saw
    outside_test: list[str]  # accepted-on items that are not in the test part
    iterations: pd.DataFrame  # per candidate and purpose: calls, items, of them test items
    notes: list[str] = field(default_factory=list)

    @property
    def clean(self) -> bool:
        """True when the acceptance ran only on test items no iteration tuned on."""
        return self.accepted_items > 0 and not self.overlap and not self.outside_test

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict (at most 20 ids of each list)."""
        return {"accepted": self.accepted, "accepted_items": self.accepted_items,
                "tuned_items": self.tuned_items, "overlap": len(self.overlap),
                "overlap_ids": self.overlap[:20], "outside_test": len(self.outside_test),
                "outside_test_ids": self.outside_test[:20], "clean": self.clean,
                "iterations": self.iterations.to_dict("records"), "notes": list(self.notes)}


def tuning_overlap(log: pd.DataFrame, *, item: str, candidate: Sequence[str], purpose: str,
                   accepted: str, test_ids: Iterable[Any]) -> HoldoutCheck:
    """Find the items the accepted candidate was accepted on that tuning saw, or not in test.

    Parameters
    ----------
    log : pandas.DataFrame
        One row per call: the candidate's columns, the item, and ``purpose`` (``accept`` for
        the acceptance run; anything else, e.g. ``tune``, is an iteration that tuned).
    item : str
        The item id column.
    candidate : sequence of str
        The columns naming a candidate; ``accepted`` is their values joined by " / ".
    purpose : str
        The purpose column.
    accepted : str
        The accepted candidate.
    test_ids : iterable
        The held-out test items.
    """
    import pandas as pd

    need = [item, *candidate, purpose]
    gone = [c for c in need if c not in log]
    if gone:
        raise DataError([Problem(
            f"the experiment log has no column {', '.join(map(repr, gone))}",
            fix="log each call's candidate, item and purpose (tune or accept), so that the "
                "kit can tell which items each iteration saw")])
    names = log[list(candidate)].astype(str).agg(" / ".join, axis=1)
    is_accept = log[purpose].astype(str).str.strip().str.lower().isin(ACCEPT)
    ids = log[item].astype(str)
    test = {str(i) for i in test_ids}
    on = set(ids[is_accept & (names == accepted)])
    tuned = set(ids[~is_accept])
    notes = []
    if not on:
        notes.append(f"no acceptance calls of {accepted} in the log (purpose accept)")
    iterations = (pd.DataFrame({"candidate": names, "purpose": log[purpose].astype(str),
                                "item": ids, "test": ids.isin(test)})
                  .groupby(["candidate", "purpose"], sort=False)
                  .agg(calls=("item", "size"), items=("item", "nunique"),
                       test_items=("test", "sum")).reset_index())
    return HoldoutCheck(accepted=accepted, accepted_items=len(on), tuned_items=len(tuned),
                        overlap=sorted(on & tuned), outside_test=sorted(on - test),
                        iterations=iterations, notes=notes)
