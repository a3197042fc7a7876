"""Atomic, locked writes: a crash leaves the old file or the new one, never a torn one."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def digest(data: bytes) -> str:
    """Return the SHA-256 of a file's bytes (what a save compares to detect a conflict)."""
    return hashlib.sha256(data).hexdigest()


@contextlib.contextmanager
def file_lock(path: Path) -> Iterator[None]:
    """Serialise saves by the kit's own processes (editors and git are checked by hash)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the hash check still guards edits
        yield
        return
    lock_path = path.parent / f".{path.name}.lock"
    with open(lock_path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temporary file in the same folder, fsync, rename.

    A crash at any moment leaves either the old file or the new one, never a mix. The file's
    permissions are kept.

    Parameters
    ----------
    path : pathlib.Path
        The file to replace (or create).
    data : bytes
        Its new content.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    # Make the rename itself durable.
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` as UTF-8 to ``path`` atomically (see :func:`atomic_write`).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp()) / "results.json"
    >>> atomic_write_text(target, "{}")
    >>> target.read_text(), [p.name for p in target.parent.iterdir()]
    ('{}', ['results.json'])
    """
    atomic_write(Path(path), text.encode("utf-8"))


#: How old a temporary file of :func:`atomic_write` must be before it counts as left over by
#: a killed save (a live save renames its file within milliseconds).
LEFTOVER_AGE_S = 60.0


def clean_leftovers(folder: str | os.PathLike[str], *, max_age: float = LEFTOVER_AGE_S
                    ) -> list[Path]:
    """Remove the temporary files a killed save left in ``folder`` and return them.

    :func:`atomic_write` names them ``.<file>.<random>.tmp``; one older than ``max_age`` seconds
    belongs to a save that never finished (``kill -9``, a power cut). Anything else is left.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (folder / ".aipo.yaml.x1y2.tmp").write_text("half a file")
    >>> [p.name for p in clean_leftovers(folder, max_age=0)]
    ['.aipo.yaml.x1y2.tmp']
    """
    removed: list[Path] = []
    now = time.time()
    try:
        candidates = list(Path(folder).glob(".*.tmp"))
    except OSError:
        return removed
    for p in candidates:
        with contextlib.suppress(OSError):
            if p.is_file() and not p.is_symlink() and now - p.stat().st_mtime >= max_age:
                p.unlink()
                removed.append(p)
    return removed
