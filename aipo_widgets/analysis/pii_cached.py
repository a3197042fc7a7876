"""The PII scan of a frame through the workspace's cache (see :mod:`aipo_widgets.analysis.cached`).

Examples
--------
>>> import pandas as pd
>>> report, use = scan_frame(pd.DataFrame({"mail": ["a.b@example.com"]}), sample=None, seed=0,
...                          label="contacts")
>>> report.flagged, use is None  # no phase opened a cache here
(['mail'], True)
>>> _decode(_encode(report)) == report
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aipo_widgets.analysis.cached import frame_key, remember
from aipo_widgets.analysis.pii import ColumnPii, PiiReport
from aipo_widgets.analysis.pii import scan_frame as _scan_frame
from aipo_widgets.model.cache import JSON, Use

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["scan_frame"]


def _encode(report: PiiReport) -> bytes:
    return JSON[0](report.to_dict())


def _decode(data: bytes) -> PiiReport:
    d = JSON[1](data)
    return PiiReport(columns=[ColumnPii(**c) for c in d["columns"]], n_rows=d["n_rows"],
                     n_scanned=d["n_scanned"], sample=d["sample"], seed=d["seed"],
                     regions=tuple(d["regions"]))


def scan_frame(frame: pd.DataFrame, *, sample: int | None, seed: int, label: str
               ) -> tuple[PiiReport, Use | None]:
    """Scan a frame for personal data (:func:`aipo_widgets.analysis.pii.scan_frame`), cached.

    The key is the frame (:func:`aipo_widgets.analysis.cached.frame_key`), the sample and the
    seed; the scanner's rules are the kit's version's.
    """
    return remember("pii", f"PII scan of {label}", (frame_key(frame), sample, seed),
                    lambda: _scan_frame(frame, sample=sample, seed=seed), _encode, _decode)
