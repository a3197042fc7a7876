"""The expensive analyses through the workspace's cache: keys from their inputs, plain codecs.

A phase opens its workspace's cache (:func:`aipo_widgets.model.cache.activate`); the analyses
here then ask it before they compute, and compute as before when no cache is open (a script, a
doctest). What each one's key holds:

* a source read (:func:`read_source`): the source's files (their paths relative to the
  workspace and their SHA-256), the format and partitioning they are read with, and its
  ``data_map.sources[]`` entry; a database source is always read (the kit has no table
  version to key on). The frame is kept as Parquet;
* a PII scan (:func:`aipo_widgets.analysis.pii_cached.scan_frame`, a module of its own so
  that the phases without a scan do not import the scanner): the frame scanned
  (:func:`frame_key`), the sample and seed;
* the business case's Monte Carlo (:func:`simulate`): the ``business_case`` section, the draws,
  seed and groups; the samples are kept as ``.npz`` arrays;
* the internal rate of return of a scenario's cash flows (:func:`irr`): the flows (solving it
  imports ``scipy.optimize``, the larger part of a business case's time).

A frame read through the cache is known by its read's key (:func:`frame_key`); any other frame
is known by the hash of its content. The frames a phase read are treated as read-only: the kit's
analyses never change them in place.

Examples
--------
>>> import pandas as pd
>>> frame_key(pd.DataFrame({"a": [1, 2]})) == frame_key(pd.DataFrame({"a": [1, 2]}))
True
>>> frame_key(pd.DataFrame({"a": [1, 2]})) == frame_key(pd.DataFrame({"a": [1, 3]}))
False
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import weakref
from collections.abc import Callable, Mapping
from dataclasses import fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from aipo_widgets.analysis.business_case_finance import irr as _irr
from aipo_widgets.analysis.business_case_results import MonteCarloResult
from aipo_widgets.analysis.source_engines import SOURCE_ATTR, resolve_files
from aipo_widgets.analysis.sources import read_source as _read_source
from aipo_widgets.evidence import Gate, mark_reused
from aipo_widgets.model.cache import JSON, Use, active

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.schema import DataSource

__all__ = ["frame_key", "irr", "mark", "read_source", "remember", "section", "simulate"]

T = TypeVar("T")

# Frames read through the cache, by identity: id -> (weak reference, the read's key). A frame
# derived from one (a filter, a copy) is another object, known by its content's hash.
_READ_KEYS: dict[int, tuple[weakref.ref[Any], str]] = {}


def remember(kind: str, label: str, parts: tuple[Any, ...], compute: Callable[[], T],
             encode: Callable[[T], bytes], decode: Callable[[bytes], T]
             ) -> tuple[T, Use | None]:
    """Return an analysis's result through the open cache, and how it was had.

    Without an open cache the analysis is computed and the use is None.
    """
    cache = active()
    if cache is None:
        return compute(), None
    value = cache.remember(kind, label, cache.key(kind, *parts), compute, encode, decode)
    return value, cache.uses[-1]


def mark(gates: list[Gate], uses: list[Use | None]) -> list[Gate]:
    """Say on the gates that they rest on reused analyses, when every one of ``uses`` was reused.

    A gate that rests on one analysis computed now (or none through the cache) is left as is,
    and so is a gate whose figure is missing, typed or carried: that figure did not come from
    the analyses (an exit criterion beside the business case's Monte Carlo, say).

    Examples
    --------
    >>> from aipo_widgets.evidence import Provenance
    >>> use = Use("business_case", "business case Monte Carlo", True, "r1")
    >>> npv = Gate("NPV positive", "pass", figure=1, provenance=Provenance.measured("case"))
    >>> exit_ = Gate("exit X1", "warn", provenance=Provenance.missing("a pilot's figure"))
    >>> for g in mark([npv, exit_], [use]):
    ...     print(g.provenance.describe())
    measured in case; reused from run r1, inputs unchanged
    not measured: would come from a pilot's figure
    """
    known = [u for u in uses if u is not None]
    if not known or not all(u.reused for u in known):
        return gates
    runs = sorted({u.run for u in known})
    resting = [g for g in gates
               if g.provenance is None or g.provenance.kind not in _NOT_FROM_ANALYSIS]
    mark_reused(resting, ", ".join(runs), [u.label for u in known])
    return gates


# Provenance kinds of a figure that no analysis computed: a gate with one is never "reused".
_NOT_FROM_ANALYSIS = frozenset({"missing", "typed", "carried"})


def section(ws: Any, *names: str) -> dict[str, Any]:
    """Return the named sections of a workspace as plain data (for a key)."""
    return {name: _dump(getattr(ws, name, None)) for name in names}


def _dump(value: Any) -> Any:
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, list):
        return [_dump(v) for v in value]
    return value


def frame_key(frame: pd.DataFrame) -> str:
    """Return what identifies a frame's content: its read's key, or the hash of its values."""
    import pandas as pd

    known = _READ_KEYS.get(id(frame))
    if known is not None and known[0]() is frame:
        return known[1]
    h = hashlib.sha256()
    h.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode("utf-8"))
    h.update(pd.util.hash_pandas_object(frame, index=True).to_numpy().tobytes())
    return h.hexdigest()


def _remember_frame(frame: pd.DataFrame, key: str) -> None:
    ident = id(frame)
    _READ_KEYS[ident] = (weakref.ref(frame, lambda _: _READ_KEYS.pop(ident, None)), key)


def _frame_to_parquet(frame: pd.DataFrame) -> bytes:
    import pyarrow as pa
    import pyarrow.parquet as pq

    sink = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), sink)
    return sink.getvalue()


def _frame_from_parquet(data: bytes) -> pd.DataFrame:
    import pyarrow.parquet as pq

    frame: pd.DataFrame = pq.read_table(io.BytesIO(data)).to_pandas()
    return frame


# What a source's entry says about the people, the law and the rights, not about which rows
# and columns are read: a change of these does not read the source again.
_NOT_READ = frozenset({"name", "owner", "description", "personal_data", "special_categories",
                       "art9_condition", "risks", "lawful_basis", "purpose", "licence", "origin",
                       "usage_rights", "rights_confirmed_by", "retention", "pseudonymised"})


def _relative(file: str, folder: str | os.PathLike[str]) -> str:
    """Return a file's path relative to the workspace (POSIX), or its absolute path outside it.

    Relative, so that a workspace moved or copied elsewhere keeps its entries.

    Examples
    --------
    >>> _relative("/ws/data/region=north/part-0.parquet", "/ws")
    'data/region=north/part-0.parquet'
    >>> _relative("/elsewhere/a.csv", "/ws")
    '/elsewhere/a.csv'
    """
    path, base = Path(os.path.abspath(file)), Path(os.path.abspath(folder))
    try:
        return path.relative_to(base).as_posix()
    except ValueError:
        return path.as_posix()


def read_source(folder: str | os.PathLike[str], source: DataSource) -> pd.DataFrame:
    """Read a data source (:func:`aipo_widgets.analysis.sources.read_source`) through the cache.

    The key holds each file's path (relative to the workspace) and SHA-256, the format and
    partitioning the files are read with, and the source's entry in ``aipo.yaml`` but for what
    only describes it (its name, owner, legal basis ...: :data:`_NOT_READ`); a database source
    is read every time.
    """
    cache = active()
    if cache is None or source.engine != "duckdb":
        return _read_source(folder, source)
    files, fmt, partitioned = resolve_files(folder, source)
    # Each file's path as well as its bytes: a hive-partitioned folder keeps column values in its
    # folder names (region=north), and the format may come from a suffix.
    digests = [[_relative(f, folder), cache.file_digest(f)] for f in files]
    key_parts = (source.model_dump(mode="json", exclude=set(_NOT_READ)), fmt, partitioned,
                 digests)
    frame, _ = remember("source", f"read of {source.id}", key_parts,
                        lambda: _read_source(folder, source), _frame_to_parquet,
                        _frame_from_parquet)
    frame.attrs[SOURCE_ATTR] = source.location or f"data source '{source.id}'"
    _remember_frame(frame, cache.key("source", *key_parts))
    return frame


def _mc_encode(mc: MonteCarloResult) -> bytes:
    import numpy as np

    arrays: dict[str, Any] = {"npv_samples": np.asarray(mc.npv_samples)}
    names = list(mc.driver_samples)
    arrays.update({f"driver_{i}": np.asarray(v) for i, v in enumerate(mc.driver_samples.values())})
    meta = {**mc.to_dict(), "drivers": names}
    arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
    sink = io.BytesIO()
    np.savez(sink, **arrays)
    return sink.getvalue()


def _mc_decode(data: bytes) -> MonteCarloResult:
    import numpy as np

    with np.load(io.BytesIO(data), allow_pickle=False) as npz:
        meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
        drivers = {name: npz[f"driver_{i}"] for i, name in enumerate(meta.pop("drivers"))}
        npv = npz["npv_samples"]
    known = {f.name for f in fields(MonteCarloResult)}
    return MonteCarloResult(**{k: v for k, v in meta.items() if k in known},
                            npv_samples=npv, driver_samples=drivers)


def simulate(model: Any, spec: Mapping[str, Any] | Any, n: int, seed: int, bins: int
             ) -> tuple[MonteCarloResult, Use | None]:
    """Run the business case's Monte Carlo (``BusinessCaseModel.simulate``) through the cache.

    The key is the ``business_case`` section with the draws, seed and groups.
    """
    return remember("business_case", "business case Monte Carlo",
                    (_dump(spec), n, seed, bins), lambda: model.simulate(n, seed, bins),
                    _mc_encode, _mc_decode)


def irr(values: Any) -> tuple[float | None, str]:
    """Return the IRR of cash flows through the cache (the key is the flows).

    What :func:`aipo_widgets.analysis.business_case_finance.irr` returns.

    Examples
    --------
    >>> irr([100, 50])
    (None, 'the cash flows never change sign: no IRR')
    """
    flows = [float(v) for v in values]
    (rate, note), _ = remember("irr", "IRR of the cash flows", (flows,), lambda: _irr(flows),
                               lambda rn: JSON[0](list(rn)),
                               lambda data: tuple(JSON[1](data)))
    return rate, note
