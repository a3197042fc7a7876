"""The pages' side of Voila: the served folder, the visitor's request, pre-started kernels.

- **Where the page's workspace is.** :func:`served_root` is the folder ``aipo serve`` serves;
  ``?workspace=NAME`` is accepted only when NAME is one of the workspace folders listed on the
  portfolio (:func:`resolve_in`); anything else (``..``, absolute paths, encoded variants) gets
  "not a folder of the served portfolio". Messages name files relative to the served folder
  (:func:`served_relative`), not by their path on the server.
- **Pre-started kernels.** Voila keeps kernels that have already run the page notebook
  (``--preheat_kernel``). The page is built in advance, the kernel then waits for its visitor
  (:func:`expect_visitor`, :func:`await_visitor`), checks with :func:`fingerprint` that nothing
  it was built from changed meanwhile (the workspace files' size and modification time, the
  date) and shows the prepared page, or builds it again. :func:`query_parameter` reads the
  visitor's query string once it has arrived.
- **A quiet shutdown.** A pool kernel stopped while it waits does not leave a traceback in the
  server's log.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import logging
import os
import urllib.parse
from pathlib import Path
from typing import Any

from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.model.workspace import workspaces_in

# --------------------------------------------------------------------------------------------
# where the page's workspace is


def served_root() -> Path:
    """Return the folder ``aipo serve`` serves (a workspace or a folder of workspaces)."""
    root = os.environ.get("AIPO_SERVE_ROOT") or os.environ.get("AIPO_WORKSPACE") or os.getcwd()
    return Path(root).resolve()


def resolve_in(root: Path, name: str) -> Path:
    """Return the workspace folder ``name`` of the portfolio ``root``, and nothing else.

    ``name`` comes from the query string, that is from the visitor: it is accepted only when it
    is exactly the name of one of the workspace folders directly inside ``root`` (those the
    portfolio lists). Separators, ``..``, absolute paths and encoded forms of them never are.

    Parameters
    ----------
    root : pathlib.Path
        The served folder of workspaces.
    name : str
        The folder name from ``?workspace=``.

    Returns
    -------
    pathlib.Path
        The workspace folder.

    Raises
    ------
    UsageError
        For anything but the name of a listed workspace folder.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "a").mkdir()
    >>> _ = (root / "a" / "aipo.yaml").write_text("product: {name: A, owner: B}")
    >>> resolve_in(root, "a") == root / "a"
    True
    >>> resolve_in(root, "../etc")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    aipo_widgets.errors.UsageError: workspace '../etc' is not a folder of the served portfolio...
    """
    listed = {p.name: p for p in workspaces_in(Path(root))} if Path(root).is_dir() else {}
    if not isinstance(name, str) or name not in listed or "/" in name or "\\" in name:
        shown_name = name if isinstance(name, str) and len(name) <= 80 else "(too long)"
        raise UsageError([Problem(
            f"workspace '{shown_name}' is not a folder of the served portfolio",
            fix="pick a product from the portfolio page")])
    return listed[name]


def served_relative(text: str, root: Path) -> str:
    """Name files relative to the served folder in messages (no server paths on a page).

    Examples
    --------
    >>> import pathlib
    >>> served_relative("/srv/p/a/aipo.yaml line 3: bad", pathlib.Path("/srv/p"))
    'a/aipo.yaml line 3: bad'
    """
    for base in {str(root), str(root.resolve())}:
        text = text.replace(base + os.sep, "").replace(base, ".")
    return text


# --------------------------------------------------------------------------------------------
# the visitor of a pre-started kernel


_VISITOR: dict[str, Any] = {"arrived": False, "listener": None}


def _preheating() -> bool:
    return os.environ.get("VOILA_PREHEAT") == "True" and not _VISITOR["arrived"]


def expect_visitor() -> None:
    """In a pre-started Voila kernel, start listening for the visitor before preparing.

    Voila hands the request (its query string) to the kernel over a websocket of its own; if
    the kernel is not connected yet when the visitor arrives, Voila keeps the request, token
    included, in a table that anyone who knows the kernel id can read without a token, and
    never clears it. Connecting first, then preparing, leaves no such window.
    """
    if not _preheating() or _VISITOR["listener"] is not None:
        return
    import threading

    from voila.utils import wait_for_request

    _quiet_kernel_shutdown()

    listener = threading.Thread(target=wait_for_request, name="aipo-visitor", daemon=True)
    listener.start()
    _VISITOR["listener"] = listener


class _ClosedSocket(logging.Filter):
    """Drop ipykernel's report of a reply it could not send because its socket was closed."""

    def filter(self, record: logging.LogRecord) -> bool:
        import zmq

        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, zmq.ZMQError) and exc.errno == zmq.ENOTSOCK)


def _quiet_kernel_shutdown() -> None:
    """Keep a pool kernel's shutdown out of the server's log as a traceback.

    A pool kernel waits for its visitor inside its one cell. When the server stops first, the
    wait ends, the cell finishes, and ipykernel logs a traceback because the reply's socket has
    just been closed: nothing is lost (there is nobody to reply to), so only that one report
    is dropped.
    """
    try:
        from ipykernel.kernelapp import IPKernelApp
    except ImportError:  # pragma: no cover - ipykernel comes with Voila
        return
    if IPKernelApp.initialized() and getattr(IPKernelApp.instance(), "kernel", None):
        IPKernelApp.instance().kernel.log.addFilter(_ClosedSocket())


def await_visitor(prepared: str = "page") -> None:
    """In a pre-started Voila kernel, wait until a visitor requests the page; else return.

    Voila's pool kernels run the page notebook before anybody asks for it; the request's
    query string is known only after this returns. Called once; later calls return at once.
    The kernel says in the server's log that it is ready (``aipo page ready: ...``).

    Parameters
    ----------
    prepared : str
        What was built ahead, for the log line.
    """
    if not _preheating():
        return
    expect_visitor()
    # fd 2 is the server's log; sys.stderr would go to the page.
    with contextlib.suppress(OSError):
        os.write(2, f"[aipo] page ready: {prepared} prepared in kernel "
                    f"{os.environ.get('VOILA_KERNEL_ID', '?')}\n".encode())
    _VISITOR["listener"].join()
    _VISITOR["arrived"] = True
    if "QUERY_STRING" not in os.environ:  # Voila could not hand over the request
        with contextlib.suppress(OSError):
            os.write(2, b"[aipo] no request info from Voila: the query string is unknown\n")


def query_parameter(name: str) -> str | None:
    """Return a query-string parameter of the Voila request (None outside Voila).

    In a pre-started kernel this waits for the visitor first (see :func:`await_visitor`).

    Examples
    --------
    >>> os.environ["QUERY_STRING"] = "workspace=%2e%2e&token=x"
    >>> query_parameter("workspace"), query_parameter("other")
    ('..', None)
    >>> del os.environ["QUERY_STRING"]
    """
    await_visitor()
    values = urllib.parse.parse_qs(os.environ.get("QUERY_STRING") or "").get(name)
    return values[0] if values else None


# --------------------------------------------------------------------------------------------
# is a page built ahead still current?


def fingerprint(folder: str | os.PathLike) -> str:
    """Return a short digest of what a workspace's page is built from, and of the date.

    It changes when ``aipo.yaml``, the last run (``reports/latest``), the ledger or the
    documents (``reports/docs/docs.json``) change (size, modification time or the file
    itself), and at midnight.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (f / "aipo.yaml").write_text("a")
    >>> before = fingerprint(f)
    >>> _ = (f / "aipo.yaml").write_text("ab")
    >>> fingerprint(f) == before
    False
    """
    folder = Path(folder)
    parts: list[Any] = [dt.date.today().isoformat()]
    reports = folder / "reports"
    for path in (folder / "aipo.yaml", reports / "latest" / "results.json",
                 reports / "ledger.sqlite", reports / "ledger.sqlite-wal",
                 reports / "docs" / "docs.json"):
        try:
            st = path.stat()
            parts.append((os.path.realpath(path), st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            parts.append(None)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]
