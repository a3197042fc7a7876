"""The stakeholder page at once: the last rendered page, served before any kernel runs.

A Voila page shows nothing until its kernel has built it (28-36 s for a cold server on a busy
two-core machine). ``aipo serve`` therefore keeps the page rendered as one file, the same
offline HTML as ``aipo report --html``, in ``.aipo-page/`` of the served folder, and answers
``/`` with it (behind the same token, with the same Content-Security-Policy); a banner says
which run it shows and how old it is, and links the live page (``?live=1``), which Voila
builds as before.

The file is rendered again, in the background of ``aipo serve`` (:class:`Keeper`, which
runs ``python -m aipo_widgets.pipeline.report ROOT``), when what the page is built from
changed: :func:`fingerprint` of every workspace (``aipo.yaml``, the last run, the ledger,
the documents, the date). Until then the old page is served, and its banner says that newer
results are being rendered.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import os
import signal
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from aipo_widgets.model.workspace import FILENAME, workspaces_in
from aipo_widgets.pages.voila import fingerprint as workspace_fingerprint

#: The folder, inside the served folder, that holds the rendered page and what it was made of.
FOLDER = ".aipo-page"
PAGE = "page.html"
META = "page.json"


def fingerprint(root: str | os.PathLike) -> str:
    """Return a digest of everything the page of ``root`` (workspace or portfolio) shows.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> ws = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (ws / "aipo.yaml").write_text("a")
    >>> before = fingerprint(ws)
    >>> _ = (ws / "aipo.yaml").write_text("ab")
    >>> fingerprint(ws) == before
    False
    """
    root = Path(root)
    folders = [root] if (root / FILENAME).is_file() else workspaces_in(root)
    parts = [f"{f.name}={workspace_fingerprint(f)}" for f in folders]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:20]


def last_run(workspace: Path) -> str | None:
    """Return the id of a workspace's last run (``reports/latest``), or None."""
    reports = workspace / "reports"
    latest = reports / "latest"
    if latest.is_symlink():
        return os.readlink(latest).rstrip("/").rsplit("/", 1)[-1]
    try:
        return (reports / "latest.txt").read_text(encoding="utf-8").strip() or None
    except OSError:
        return None


def read_meta(root: str | os.PathLike) -> dict[str, Any] | None:
    """Return what the stored page was made of (``page.json``), or None without a page."""
    folder = Path(root) / FOLDER
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return meta if isinstance(meta, dict) and (folder / PAGE).is_file() else None


def store(root: str | os.PathLike, page_html: str, digest: str,
          now: dt.datetime | None = None) -> Path:
    """Keep ``page_html`` as the page of ``root``, made from the state ``digest`` names.

    The page is written first and its description last, each by an atomic rename, so a visitor
    never gets half a file.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> ws = pathlib.Path(tempfile.mkdtemp())
    >>> _ = store(ws, "<html><body><p>hi</p></body></html>", "abc")
    >>> read_meta(ws)["fingerprint"]
    'abc'
    """
    root = Path(root)
    folder = root / FOLDER
    folder.mkdir(exist_ok=True)
    now = now or dt.datetime.now(dt.timezone.utc)
    run = last_run(root) if (root / FILENAME).is_file() else None
    meta = {"fingerprint": digest, "rendered": now.isoformat(timespec="seconds"), "run": run,
            "portfolio": not (root / FILENAME).is_file()}
    for name, text in ((PAGE, page_html), (META, json.dumps(meta))):
        tmp = folder / f".{name}.{os.getpid()}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, folder / name)
    return folder / PAGE


def age(seconds: float) -> str:
    """Return how old something is, in words.

    Examples
    --------
    >>> age(20), age(300), age(7200), age(3 * 86400)
    ('less than a minute', '5 min', '2 h', '3 days')
    """
    if seconds < 60:
        return "less than a minute"
    if seconds < 3600:
        return f"{int(seconds // 60)} min"
    if seconds < 2 * 86400:
        return f"{int(seconds // 3600)} h"
    return f"{int(seconds // 86400)} days"


def banner(meta: dict[str, Any], *, stale: bool, now: dt.datetime | None = None) -> str:
    """Return the banner on top of the stored page: what it shows, how old, the live page.

    Examples
    --------
    >>> now = dt.datetime(2026, 12, 7, 13, 0, tzinfo=dt.timezone.utc)
    >>> b = banner({"rendered": "2026-12-07T12:55:00+00:00", "run": "r7"}, stale=False, now=now)
    >>> "As of run r7" in b and "5 min ago" in b and 'href="?live=1"' in b
    True
    """
    now = now or dt.datetime.now(dt.timezone.utc)
    try:
        rendered = dt.datetime.fromisoformat(str(meta.get("rendered")))
        when = (f"rendered {rendered:%Y-%m-%d %H:%M} UTC, "
                f"{age((now - rendered).total_seconds())} ago")
    except (TypeError, ValueError):
        when = "rendered at an unknown time"
    run = meta.get("run")
    what = (f"As of run {html.escape(str(run))}" if run
            else "As of the products' last runs" if meta.get("portfolio")
            else "No run yet")
    note = (" Newer results exist; this page is being rendered again (reload in a minute)."
            if stale else "")
    return ('<div id="aipo-asof" role="status" style="font: 14px system-ui, sans-serif; '
            'background: #eef3fb; border-bottom: 1px solid #b8c7e0; padding: 6px 12px">'
            f'{what} ({when}), a saved page.{note} '
            '<a href="?live=1">Open the live page</a> (takes a while to load).</div>')


def static_page(root: str | os.PathLike, now: dt.datetime | None = None) -> str | None:
    """Return the stored page of ``root`` with its banner, or None when there is none.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> ws = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (ws / "aipo.yaml").write_text("a")
    >>> static_page(ws) is None
    True
    >>> _ = store(ws, "<html><body><p>card</p></body></html>", fingerprint(ws))
    >>> page = static_page(ws)
    >>> page.index('id="aipo-asof"') < page.index("card"), "Newer results" in page
    (True, False)
    """
    meta = read_meta(root)
    if meta is None:
        return None
    try:
        text = (Path(root) / FOLDER / PAGE).read_text(encoding="utf-8")
    except OSError:
        return None
    top = banner(meta, stale=meta.get("fingerprint") != fingerprint(root), now=now)
    at = text.find("<body")
    at = text.find(">", at) + 1 if at >= 0 else 0
    return text[:at] + top + text[at:]


class Keeper:
    """Keep the saved page of ``root`` current, from a background thread of ``aipo serve``.

    Every ``interval`` seconds the fingerprint is compared with the saved page's; when they
    differ (or there is no page yet), ``argv`` is run to render it again: a process in a
    session of its own (the page notebook runs in a kernel), stopped with the server.
    A failure is reported through ``report`` and retried when the workspace changes again.
    """

    def __init__(self, root: str | os.PathLike, argv: list[str], *, interval: float = 15.0,
                 report: Callable[[str], None] = print):
        self.root, self.argv, self.interval, self.report = Path(root), argv, interval, report
        self._stop = threading.Event()
        self._proc: subprocess.Popen[str] | None = None
        self._failed: str | None = None  # the fingerprint whose rendering failed
        self._thread = threading.Thread(target=self._run, name="aipo-page", daemon=True)

    def start(self) -> Keeper:
        """Start the background thread; return self."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop the thread and a rendering under way (its kernel leaves with it)."""
        self._stop.set()
        proc = self._proc
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=5)
        self._thread.join(timeout=5)

    def due(self) -> bool:
        """Return True when the saved page is missing or out of date (and not failing)."""
        digest = fingerprint(self.root)
        meta = read_meta(self.root)
        return digest != self._failed and (meta is None or meta.get("fingerprint") != digest)

    def _run(self) -> None:
        while not self._stop.is_set():
            if self.due():
                digest = fingerprint(self.root)
                self._proc = subprocess.Popen(self.argv, stdout=subprocess.DEVNULL,
                                              stderr=subprocess.PIPE, text=True,
                                              start_new_session=True)
                _, err = self._proc.communicate()
                if self._proc.returncode != 0 and not self._stop.is_set():
                    self._failed = digest
                    last = (err or "").strip().splitlines()[-1:] or ["no message"]
                    self.report(f"The saved page could not be rendered: {last[0]}")
            self._stop.wait(self.interval)
