"""The workspace's analysis cache: what a run computed, kept by the hash of its inputs.

Most of a run is the same work as the run before: the data files and most of ``aipo.yaml`` rarely
change between two pushes. An expensive analysis (a source read, a PII scan, the business case's
Monte Carlo, a bootstrap, a pilot's analysis) asks the workspace's cache first, by a key made of
everything its result depends on:

* the data it reads: each file's SHA-256 (:func:`file_digest`; a file whose size, mtime and inode
  are those of its last hashing is not read again, any other is hashed again);
* the ``aipo.yaml`` section(s) it reads, canonicalised (:func:`canonical`: sorted keys, one
  spelling per value), so that a comment, the key order or another section changes nothing;
* its parameters (draws, resamples, seed, window);
* the kit's version, a digest of the kit's own code (:func:`code_digest`: a change of any of
  its modules makes every key new, even within one version) and this cache's format.

A changed input makes another key, so it is computed anew; nothing is ever invalidated by hand.
``aipo run --fresh`` computes everything again (and stores the new results).

Entries live in ``reports/cache/<kind>/<key>`` (private to the workspace, beside its runs).
The cache holds copies of the sources' rows (a source read is kept as Parquet: personal data,
if the source has any), so it stays out of what leaves the workspace: ``aipo init`` writes a
``.gitignore`` that excludes ``reports/cache/`` (:func:`ignore_in_git`), and the CI workflow
leaves it out of the artifacts it uploads (its Actions cache, private to the repository, keeps
it between jobs). No source's ``retention`` applies to it: deleting ``reports/cache`` removes
every copy, and the next run computes everything again.

Each entry is one file: a JSON header line (kind, key, the run that computed it, when) and then
the payload: JSON of plain data or Parquet bytes, never a pickle. It is written atomically
(:func:`aipo_widgets.model.atomic.atomic_write`), so a reader sees a whole entry or none, and two
runs writing the same entry write the same bytes. An entry that cannot be read (cut short, edited,
of another format) counts as missing: the analysis is computed again and the entry replaced.
The cache is bounded: an entry larger than half its limit is not stored at all, and past the
limit (:data:`DEFAULT_MAX_BYTES`, or ``AIPO_CACHE_MAX_MB`` in the environment) the entries used
longest ago go first (each use stamps its entry's mtime).

Examples
--------
>>> import tempfile
>>> cache = Cache(tempfile.mkdtemp(), run="r1")
>>> key = cache.key("square", {"x": 3})
>>> cache.remember("square", "3 squared", key, lambda: {"y": 9}, *JSON)
{'y': 9}
>>> again = Cache(cache.workspace, run="r2")
>>> again.remember("square", "3 squared", key, lambda: {"y": -1}, *JSON)
{'y': 9}
>>> again.uses[0].describe()
'3 squared: reused from run r1, inputs unchanged'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import decimal
import enum
import hashlib
import json
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from aipo_widgets import __version__
from aipo_widgets.model.atomic import atomic_write, clean_leftovers

__all__ = ["DEFAULT_MAX_BYTES", "ENV_FRESH", "ENV_MAX_MB", "ENV_RUN", "JSON", "Cache", "Use",
           "activate", "active", "canonical", "code_digest", "deactivate", "file_digest",
           "ignore_in_git"]

T = TypeVar("T")

#: The entries' format: a change of it (or of the kit's version) makes every key new.
FORMAT = 1
#: The cache's folder below the workspace.
FOLDER = Path("reports") / "cache"
#: Past this size the entries used longest ago are removed (256 MiB).
DEFAULT_MAX_BYTES = 256 * 2**20
#: Environment variables ``aipo run`` hands its kernels: the run's id, ``--fresh``, the limit.
ENV_RUN, ENV_FRESH, ENV_MAX_MB = "AIPO_RUN_ID", "AIPO_CACHE_FRESH", "AIPO_CACHE_MAX_MB"
#: How old a temporary file in the cache must be to count as left by a killed write (an hour:
#: a large source frame on a slow disk may take minutes to write).
LEFTOVER_AGE_S = 3600.0
# The file digests' fast path: path -> [size, mtime_ns, inode, sha256].
_FILES = "files.json"


# The kit's package folder (aipo_widgets/): the code whose digest is in every key.
_PACKAGE = Path(__file__).resolve().parent.parent
_CODE: list[str] = []


def code_digest() -> str:
    """Return the SHA-256 of the kit's own code, once per process.

    Over the sorted paths (relative to the package) and bytes of every ``aipo_widgets/**/*.py``:
    a kit installed from git, or a wheel rebuilt with an unchanged version, still makes new
    keys when its code changed. Coarse on purpose (any module's change recomputes every
    analysis): a per-analysis code version would have to be bumped by hand and is missed
    easily. Cost: about 200 modules, 2.2 MB, measured at 19 ms on a shared 2-core machine,
    paid once per process (later calls return the kept digest).

    Examples
    --------
    >>> len(code_digest()), code_digest() == code_digest()
    (64, True)
    """
    if not _CODE:
        h = hashlib.sha256()
        for path in sorted(_PACKAGE.rglob("*.py")):
            h.update(path.relative_to(_PACKAGE).as_posix().encode("utf-8") + b"\0")
            h.update(hashlib.sha256(path.read_bytes()).digest())
        _CODE.append(h.hexdigest())
    return _CODE[0]


def _plain(value: Any) -> Any:
    """Return ``value`` as JSON-ready plain data with one spelling per value."""
    if hasattr(value, "model_dump") and callable(value.model_dump):  # a pydantic model
        return _plain(value.model_dump(mode="json"))
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (set, frozenset)):
        return sorted((_plain(v) for v in value), key=repr)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        # 1.0 and 1 are one value; NaN and infinities as text (JSON has none)
        if not math.isfinite(value):
            return repr(value)
        return int(value) if value.is_integer() else value
    if isinstance(value, decimal.Decimal):
        return _plain(float(value))
    if isinstance(value, enum.Enum):
        return _plain(value.value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "item") and callable(value.item):  # a numpy scalar
        return _plain(value.item())
    msg = f"cannot put a {type(value).__name__} into a cache key; pass plain data"
    raise TypeError(msg)


def canonical(value: Any) -> str:
    """Return one text for a value, whatever the key order or the number's spelling.

    Examples
    --------
    >>> canonical({"b": 1.0, "a": [dt.date(2026, 12, 1)]})
    '{"a":["2026-12-01"],"b":1}'
    >>> canonical({"a": ["2026-12-01"], "b": 1}) == canonical({"b": 1, "a": ["2026-12-01"]})
    True
    """
    return json.dumps(_plain(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


@dataclass(frozen=True)
class Use:
    """One analysis a phase asked the cache for: reused, or computed (and stored).

    Parameters
    ----------
    kind : str
        The analysis (``source``, ``pii``, ``business_case``, ...).
    label : str
        What it was computed for, in words (``pii scan of tickets``).
    reused : bool
        Whether the result came from the cache.
    run : str
        The run that computed the result (this run's id when computed now; empty outside
        ``aipo run``).
    key : str
        The entry's key (the hash of the inputs).
    why : str
        Why it was computed: ``fresh`` (``--fresh``), ``new inputs``, ``unreadable entry``,
        ``too large`` (over half the cache's limit, so never stored), or
        ``this run`` (computed earlier in this run, taken from the cache since).
    """

    kind: str
    label: str
    reused: bool
    run: str = ""
    key: str = ""
    why: str = ""

    def describe(self) -> str:
        """Say in words whether the analysis was reused (from which run) or computed.

        Examples
        --------
        >>> Use("pii", "pii scan of tickets", False, "r2", why="fresh").describe()
        'pii scan of tickets: computed (--fresh)'
        >>> Use("irr", "IRR of the cash flows", False, "r2", why="this run").describe()
        'IRR of the cash flows: computed earlier in this run'
        """
        if self.why == "this run":
            return f"{self.label}: computed earlier in this run"
        if self.reused:
            origin = f"run {self.run}" if self.run else "a notebook session"
            return f"{self.label}: reused from {origin}, inputs unchanged"
        why = {"fresh": "--fresh", "new inputs": "inputs changed or new",
               "unreadable entry": "cached entry unreadable",
               "too large": "too large to keep: over half the cache's limit"
               }.get(self.why, self.why)
        return f"{self.label}: computed" + (f" ({why})" if why else "")

    def to_dict(self) -> dict[str, Any]:
        """Return the use as plain data (what a phase records for ``aipo run``)."""
        return asdict(self)


#: Encode and decode plain JSON data, for :meth:`Cache.remember` (``*JSON``).
JSON: tuple[Callable[[Any], bytes], Callable[[bytes], Any]] = (
    lambda value: json.dumps(value, separators=(",", ":")).encode("utf-8"),
    lambda data: json.loads(data.decode("utf-8")),
)


@dataclass
class Cache:
    """A workspace's analysis cache (``reports/cache``).

    Parameters
    ----------
    workspace : path
        The workspace folder; the entries go to its ``reports/cache``.
    run : str
        The id of the run that computes what is stored now (``aipo run`` hands it to its
        kernels); empty in a notebook a person runs.
    fresh : bool
        Compute everything again (nothing is read from the cache; results are still stored).
    max_bytes : int
        The cache's limit; past it the entries used longest ago are removed.
    """

    workspace: str | os.PathLike[str]
    run: str = ""
    fresh: bool = False
    max_bytes: int = DEFAULT_MAX_BYTES
    uses: list[Use] = field(default_factory=list)
    _digests: dict[str, tuple[tuple[int, int, int], str]] = field(default_factory=dict,
                                                                   repr=False)

    @property
    def folder(self) -> Path:
        """The cache's folder, ``reports/cache`` of the workspace."""
        return Path(self.workspace) / FOLDER

    def key(self, kind: str, *parts: Any) -> str:
        """Return the key of an analysis: the hash of its kind, inputs, the kit's version and code.

        Examples
        --------
        >>> c = Cache("/nowhere")
        >>> c.key("pii", {"sample": 2000}) == c.key("pii", {"sample": 2000.0})
        True
        >>> c.key("pii", {"sample": 2000}) == c.key("pii", {"sample": 2001})
        False
        """
        text = canonical([FORMAT, __version__, code_digest(), kind, list(parts)])
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    def file_digest(self, path: str | os.PathLike[str]) -> str:
        """Return a file's SHA-256 (see :func:`file_digest`), once per process and file state."""
        return file_digest(path, self.folder, memo=self._digests)

    def _path(self, kind: str, key: str) -> Path:
        return self.folder / kind / key

    def read(self, kind: str, key: str) -> tuple[dict[str, Any], bytes] | None:
        """Return an entry's header and payload; None when it is missing or unreadable.

        An unreadable entry (cut short, edited by hand, of another format) is removed.
        """
        path = self._path(kind, key)
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        head, sep, payload = raw.partition(b"\n")
        try:
            header = json.loads(head.decode("utf-8")) if sep else None
        except (UnicodeDecodeError, ValueError):
            header = None
        ok = (isinstance(header, dict) and header.get("format") == FORMAT
              and header.get("kind") == kind and header.get("key") == key
              and header.get("bytes") == len(payload)
              and header.get("sha256") == hashlib.sha256(payload).hexdigest())
        if not ok:
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        with contextlib.suppress(OSError):  # the entry's last use, for the bound (LRU)
            os.utime(path)
        assert isinstance(header, dict)
        return header, payload

    def write(self, kind: str, key: str, payload: bytes, label: str = "") -> Path:
        """Store an entry atomically (a reader sees it whole or not at all); return its path."""
        path = self._path(kind, key)
        path.parent.mkdir(parents=True, exist_ok=True)
        header = {"format": FORMAT, "kit": __version__, "kind": kind, "key": key,
                  "label": label, "run": self.run,
                  "created": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
                  "bytes": len(payload), "sha256": hashlib.sha256(payload).hexdigest()}
        atomic_write(path, json.dumps(header).encode("utf-8") + b"\n" + payload)
        self.prune()
        return path

    def remember(self, kind: str, label: str, key: str, compute: Callable[[], T],
                 encode: Callable[[T], bytes], decode: Callable[[bytes], T]) -> T:
        """Return the cached result of an analysis, or compute it and store it.

        Parameters
        ----------
        kind : str
            The analysis; entries of one kind share a folder.
        label : str
            What it is computed for, in words (the run's output names it).
        key : str
            The hash of its inputs (:meth:`key`).
        compute : callable
            Computes the result when it is not cached (or the run is fresh).
        encode, decode : callable
            Turn the result into bytes and back (:data:`JSON` for plain data).

        Returns
        -------
        object
            The result; :attr:`uses` says whether it was reused.
        """
        why = "fresh" if self.fresh else "new inputs"
        if not self.fresh:
            there = self._path(kind, key).exists()
            found = self.read(kind, key)
            if there and found is None:
                why = "unreadable entry"
            if found is not None:
                header, payload = found
                try:
                    value = decode(payload)
                except Exception:  # an entry its decoder cannot take: compute it again
                    why = "unreadable entry"
                else:
                    origin = str(header.get("run", ""))
                    if self.run and origin == self.run:
                        # computed by this very run (the same analysis asked for twice): no
                        # reuse from a run, and nothing a gate may call reused
                        self.uses.append(Use(kind, label, False, self.run, key, "this run"))
                    else:
                        self.uses.append(Use(kind, label, True, origin, key))
                    return value
        value = compute()
        try:
            data = encode(value)
        except Exception:  # a result that cannot be stored is still the result
            data = b""
        if len(data) > self.max_bytes // 2:
            # Kept, it would push out the other entries and then itself: not written at all
            # (no encode-fsync-delete on every run), and the run says why it is computed.
            why, data = "too large", b""
        if data:
            with contextlib.suppress(OSError):
                self.write(kind, key, data, label)
        self.uses.append(Use(kind, label, False, self.run, key, why))
        return value

    def entries(self) -> list[tuple[Path, int, float]]:
        """Return every entry with its size and its last use (mtime), oldest use first."""
        found: list[tuple[Path, int, float]] = []
        if not self.folder.is_dir():
            return found
        for kind in self.folder.iterdir():
            if not kind.is_dir():
                continue
            for entry in kind.iterdir():
                if entry.name.startswith("."):  # a write under way
                    continue
                with contextlib.suppress(OSError):
                    st = entry.stat()
                    found.append((entry, st.st_size, st.st_mtime))
        return sorted(found, key=lambda e: e[2])

    def prune(self, max_bytes: int | None = None) -> list[Path]:
        """Remove the entries used longest ago until the cache is within its limit; return them.

        Another run may remove the same entries at the same time: a missing file is no error,
        and a reader that loses an entry computes it again. The temporary files of writes that
        never finished (a killed run), older than :data:`LEFTOVER_AGE_S`, go as well.
        """
        if self.folder.is_dir():
            for folder in [self.folder, *(d for d in self.folder.iterdir() if d.is_dir())]:
                clean_leftovers(folder, max_age=LEFTOVER_AGE_S)
        limit = self.max_bytes if max_bytes is None else max_bytes
        entries = self.entries()
        total = sum(size for _, size, _ in entries)
        removed = []
        for path, size, _ in entries:
            if total <= limit:
                break
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            total -= size
            removed.append(path)
        return removed

    def summary(self) -> dict[str, list[str]]:
        """Return what was reused and what computed so far, as lines for people."""
        return {"reused": [u.describe() for u in self.uses if u.reused],
                "computed": [u.describe() for u in self.uses if not u.reused]}


def file_digest(path: str | os.PathLike[str], folder: str | os.PathLike[str] | None = None, *,
                memo: dict[str, tuple[tuple[int, int, int], str]] | None = None) -> str:
    """Return the SHA-256 of a file, hashing it again only when it may have changed.

    A file whose size, modification time (nanoseconds) and inode are those recorded when it
    was last hashed (in ``folder/files.json``, shared by the workspace's runs) keeps its digest;
    any other is read and hashed again, and the record updated.

    Parameters
    ----------
    path : path
        The file.
    folder : path, optional
        The cache folder holding the records; None: hash every time.
    memo : dict, optional
        This process's records (saves reading ``files.json`` again).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "a.csv").write_bytes(b"x" + bytes([10]) + b"1" + bytes([10]))
    >>> file_digest(tmp / "a.csv", tmp)[:12]
    'daff832f8020'
    """
    p = Path(path).resolve()
    st = p.stat()
    state = (st.st_size, st.st_mtime_ns, st.st_ino)
    name = str(p)
    if memo is not None and name in memo and memo[name][0] == state:
        return memo[name][1]
    # Read, changed and written back whole: two runs at once (aipo run --jobs 2) may lose each
    # other's new records. Only a file hashed again comes of it, never a wrong digest (a
    # record is kept only with the size, mtime and inode it was hashed at).
    records: dict[str, Any] = {}
    store = Path(folder) / _FILES if folder is not None else None
    if store is not None:
        with contextlib.suppress(OSError, ValueError):
            records = json.loads(store.read_text(encoding="utf-8"))
    known = records.get(name)
    if isinstance(known, list) and len(known) == 4 and tuple(known[:3]) == state:
        sha = str(known[3])
    else:
        sha = _hash_file(p)
        if store is not None:
            records[name] = [*state, sha]
            with contextlib.suppress(OSError):
                store.parent.mkdir(parents=True, exist_ok=True)
                atomic_write(store, json.dumps(records, sort_keys=True).encode("utf-8"))
    if memo is not None:
        memo[name] = (state, sha)
    return sha


#: What a workspace's ``.gitignore`` says to keep the cache (copies of the sources' rows) out.
GITIGNORE = "reports/cache/"


def ignore_in_git(workspace: str | os.PathLike[str]) -> Path:
    """Make the workspace's ``.gitignore`` keep the cache out of git; return its path.

    The cache holds copies of the sources' rows (personal data, for many sources), which
    ``git add .`` would otherwise commit. An existing ``.gitignore`` gets the line added (once);
    anything else in it stays.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> ws = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (ws / ".gitignore").write_text("*.pyc" + chr(10))
    >>> lines = ignore_in_git(ws).read_text().splitlines()
    >>> lines == ignore_in_git(ws).read_text().splitlines()  # once
    True
    >>> lines[0], lines[-1]
    ('*.pyc', 'reports/cache/')
    """
    path = Path(workspace) / ".gitignore"
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if GITIGNORE not in {line.strip().lstrip("/") for line in text.splitlines()}:
        if text and not text.endswith("\n"):
            text += "\n"
        text += ("# aipo's analysis cache: copies of the data sources' rows, never committed\n"
                 f"{GITIGNORE}\n")
        atomic_write(path, text.encode("utf-8"))
    return path


# The cache of the workspace a notebook's phase opened (one workspace per kernel).
_ACTIVE: list[Cache] = []


def activate(workspace: str | os.PathLike[str], *, run: str | None = None,
             fresh: bool | None = None, max_bytes: int | None = None) -> Cache:
    """Open the workspace's cache for this process's analyses; return it.

    ``run``, ``fresh`` and ``max_bytes`` default to what ``aipo run`` hands its kernels in the
    environment (:data:`ENV_RUN`, :data:`ENV_FRESH`, :data:`ENV_MAX_MB`).
    """
    if run is None:
        run = os.environ.get(ENV_RUN, "")
    if fresh is None:
        fresh = os.environ.get(ENV_FRESH, "") not in ("", "0")
    if max_bytes is None:
        max_bytes = DEFAULT_MAX_BYTES
        with contextlib.suppress(ValueError):
            max_bytes = int(float(os.environ.get(ENV_MAX_MB, "")) * 2**20)
    cache = Cache(workspace, run=run, fresh=fresh, max_bytes=max_bytes)
    _ACTIVE[:] = [cache]
    return cache


def active() -> Cache | None:
    """Return the cache a phase opened in this process, None outside a phase."""
    return _ACTIVE[0] if _ACTIVE else None


def deactivate() -> None:
    """Stop caching in this process (the next :func:`activate` opens one again)."""
    _ACTIVE.clear()
