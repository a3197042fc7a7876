"""Kernels for runs and pages: on Unix sockets in a private folder where the path fits.

A kernel's connection file holds the key that signs every message; on a shared machine neither
it nor an open TCP port should be reachable by other local users.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import tempfile
import weakref
from collections.abc import Iterator
from typing import Any

__all__ = ["SOCKET_PATH_MAX", "clean_kernel_folders", "ipc_fits", "kernel_environment",
           "kernel_options"]

#: The prefix of a kernel's private folder below TMPDIR, and the file naming its owner.
FOLDER_PREFIX = "aipo-kernel-"
OWNER_FILE = "owner.pid"

#: Longest path of a Unix socket (sun_path holds 108 bytes with its terminating NUL).
SOCKET_PATH_MAX = 107


def ipc_fits(extra: int = 70) -> bool:
    """Tell whether kernel sockets fit below the temporary folder (``TMPDIR``).

    ``extra`` is what is added below it: Voila's ``voila_XXXXXXXX`` folder and
    ``kernel-<uuid>-ipc-<n>`` make about 70 characters.
    """
    return os.name == "posix" and len(tempfile.gettempdir()) + extra <= SOCKET_PATH_MAX


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: alive
        return True
    return True


def clean_kernel_folders(tmp: str | None = None) -> list[str]:
    """Remove the private kernel folders whose owning process is gone; return them.

    A process killed with ``kill -9`` cannot remove its kernels' folders (the connection file
    and the sockets). Each folder names its owner's process id in :data:`OWNER_FILE`; one of
    this user whose owner is no longer running is removed. Other users' folders, folders
    without an owner file and live ones are left alone.
    """
    removed: list[str] = []
    base = tmp or tempfile.gettempdir()
    try:
        names = [n for n in os.listdir(base) if n.startswith(FOLDER_PREFIX)]
    except OSError:
        return removed
    for name in names:
        folder = os.path.join(base, name)
        try:
            if os.lstat(folder).st_uid != os.getuid():
                continue
            with open(os.path.join(folder, OWNER_FILE), encoding="utf-8") as fh:
                pid = int(fh.read().strip() or 0)
        except (OSError, ValueError, AttributeError):
            continue
        if pid and pid != os.getpid() and not _alive(pid):
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    return removed


@functools.cache
def kernel_options() -> dict[str, Any]:
    """Return the Papermill options that start a kernel on Unix sockets in a private folder.

    Papermill hands extra options to nbclient, whose ``kernel_manager_class`` starts the kernel.
    The connection file (it holds the key that signs every message) and the sockets live in a
    new folder only this user may enter (``mkdtemp``: mode 0700); the folder is removed when
    the kernel is shut down, or at the latest when its manager is collected.

    Returns
    -------
    dict
        ``{"kernel_manager_class": ...}`` on POSIX, empty elsewhere (no Unix sockets) and
        where the temporary folder's path is too long for a socket's.
    """
    # A folder "aipo-kernel-XXXXXXXX/kernel-N" below TMPDIR: about 32 characters. Where TMPDIR
    # is too long for a socket's path (or there are no Unix sockets), Papermill's TCP stays.
    if not ipc_fits(extra=32):
        return {}
    clean_kernel_folders()  # those of a run or export killed earlier
    from jupyter_client import AsyncKernelManager

    class IpcKernelManager(AsyncKernelManager):
        """An async kernel manager whose kernel listens on Unix sockets, not TCP ports."""

        def __init__(self, **kwargs: Any) -> None:
            # A short path: a Unix socket's path may not exceed about 100 bytes.
            folder = tempfile.mkdtemp(prefix=FOLDER_PREFIX)
            self._remove_folder = weakref.finalize(self, shutil.rmtree, folder, True)
            with open(os.path.join(folder, OWNER_FILE), "w", encoding="utf-8") as fh:
                fh.write(f"{os.getpid()}\n")
            super().__init__(**{"transport": "ipc", "ip": os.path.join(folder, "kernel"),
                                "connection_file": os.path.join(folder, "kernel.json"),
                                **kwargs})

        async def _async_cleanup_resources(self, restart: bool = False) -> None:
            await super()._async_cleanup_resources(restart=restart)
            if not restart:  # a restarted kernel reuses the folder's connection file
                self._remove_folder()

        cleanup_resources = _async_cleanup_resources

    return {"kernel_manager_class": IpcKernelManager}


@contextlib.contextmanager
def kernel_environment(values: dict[str, str]) -> Iterator[None]:
    """Set environment variables for the kernels started meanwhile; restore them after.

    A kernel inherits this process's environment: ``aipo run`` tells its kernels the run's id
    and whether it is fresh this way (:mod:`aipo_widgets.model.cache`).

    Examples
    --------
    >>> with kernel_environment({"AIPO_EXAMPLE_VAR": "1"}):
    ...     os.environ["AIPO_EXAMPLE_VAR"]
    '1'
    >>> "AIPO_EXAMPLE_VAR" in os.environ
    False
    """
    saved = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                del os.environ[k]
            else:
                os.environ[k] = v
