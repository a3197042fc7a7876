"""A JupyterLab server and Debian's Chromium for the browser tests and the widget benchmark.

Recipes that work on this kind of machine: `jupyter lab --allow-root` with a token and
every Jupyter folder in a temporary directory, a fresh `/lab/workspaces/<unique>` URL per
notebook, Playwright driving /usr/bin/chromium (never a downloaded browser). The server runs in
its own process group and is stopped by that group's id, kernels included.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"

# Named timeouts (ms), as lonboard's tests/ui keep them in one place.
SERVER_START_S = 60
KERNEL_IDLE_MS = 60_000
WIDGET_MS = 30_000
ROUND_TRIP_MS = 10_000


def browser_missing() -> str | None:
    """Return why the browser tests cannot run here, or None when they can."""
    if not os.path.exists(CHROMIUM):
        return (f"{CHROMIUM} is missing: install Debian's Chromium (sudo apt-get install -y "
                "chromium); `make test` does it when run as root")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[test]'"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LabServer:
    """A JupyterLab server on a temporary root folder.

    Parameters
    ----------
    base : pathlib.Path
        An empty temporary folder; ``base/root`` is the server's root, the rest holds the
        Jupyter, IPython and matplotlib folders.
    """

    def __init__(self, base: Path):
        self.base = base
        self.root = base / "root"
        self.root.mkdir(parents=True, exist_ok=True)
        self.token = secrets.token_hex(16)
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen | None = None
        self.log = base / "lab.log"
        self.python = sys.executable  # the interpreter whose JupyterLab runs

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                         ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                         ("MPLCONFIGDIR", "mpl")]:
            path = self.base / sub
            path.mkdir(parents=True, exist_ok=True)
            env[var] = str(path)
        env["MPLBACKEND"] = "agg"
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep)
        # Silence the news pop-up and the update check (user settings in the temp folder).
        settings = (self.base / "config" / "lab" / "user-settings" / "@jupyterlab"
                    / "apputils-extension")
        settings.mkdir(parents=True, exist_ok=True)
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False}))
        return env

    def start(self) -> LabServer:
        """Start the server and wait until it answers."""
        cmd = [
            self.python, "-m", "jupyterlab", "--no-browser", "--allow-root",
            f"--port={self.port}", "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={self.token}", f"--ServerApp.root_dir={self.root}",
            "--ServerApp.open_browser=False", "--LabApp.expose_app_in_browser=True",
        ]
        # A SIGTERM (timeout, CI cancel) must still stop the server: turn it into SystemExit so
        # finally blocks and atexit run.
        if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
            signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
        atexit.register(self.stop)
        fh = open(self.log, "wb")  # noqa: SIM115 - kept open for the server's life
        self.proc = subprocess.Popen(cmd, env=self.env(), stdout=fh, stderr=subprocess.STDOUT,
                                     start_new_session=True, cwd=self.root)
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"jupyter lab exited: {self.log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{self.url}/api/status?token={self.token}",
                                            timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"jupyter lab did not answer in {SERVER_START_S} s")

    def stop(self) -> None:
        """Stop the server and its kernels (the whole process group)."""
        if self.proc is None:
            return
        if self.proc.poll() is None:
            pgid = os.getpgid(self.proc.pid)
            os.killpg(pgid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(pgid, signal.SIGKILL)
                self.proc.wait(timeout=5)
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGKILL)
        # Kernels run in sessions of their own; the server shuts them down, but one that did
        # not answer is stopped here, found by its connection file in our runtime folder.
        runtime = str(self.base / "runtime")
        for proc in Path("/proc").glob("[0-9]*"):
            try:
                args = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if any(a.decode(errors="replace").startswith(runtime) for a in args):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.kill(int(proc.name), signal.SIGKILL)

    def shutdown_kernels(self) -> None:
        """Shut down every kernel session (after a test: its notebook's kernel is done)."""
        def call(method: str, path: str) -> Any:
            req = urllib.request.Request(f"{self.url}{path}", method=method,
                                         headers={"Authorization": f"token {self.token}"})
            with urllib.request.urlopen(req, timeout=10) as r:
                body = r.read()
            return json.loads(body) if body else None

        with contextlib.suppress(OSError, ValueError):
            for session in call("GET", "/api/sessions") or []:
                with contextlib.suppress(OSError):
                    call("DELETE", f"/api/sessions/{session['id']}")

    def notebook_url(self, name: str) -> str:
        """A fresh-workspace URL that opens ``name`` (relative to the root)."""
        return (f"{self.url}/lab/workspaces/t{uuid.uuid4().hex[:12]}/tree/{name}"
                f"?reset&token={self.token}")


def write_notebook(path: Path, cells: list[str]) -> Path:
    """Write a notebook whose code cells are ``cells`` (Python 3 kernel)."""
    nb = {
        "cells": [
            {"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
             "outputs": [], "source": src}
            for i, src in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                           "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4, "nbformat_minor": 5,
    }
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def launch_browser(playwright: Any) -> Any:
    """Launch Debian's Chromium through Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True)


def open_and_run(page: Any, server: LabServer, name: str, *, widgets: int) -> None:
    """Open a notebook in a fresh workspace, run all cells, wait for ``widgets`` AIPO widgets."""
    page.goto(server.notebook_url(name))
    page.wait_for_function(
        """(name) => {
            const app = window.jupyterapp;
            const w = app && app.shell.currentWidget;
            return !!(w && w.context && w.context.path === name && w.sessionContext
                      && w.sessionContext.session && w.sessionContext.session.kernel
                      && w.sessionContext.session.kernel.connectionStatus === 'connected'
                      && w.sessionContext.session.kernel.status === 'idle');
        }""", arg=name, timeout=KERNEL_IDLE_MS)
    run_all(page)
    page.wait_for_function(
        f"document.querySelectorAll('.aipo').length >= {widgets}", timeout=WIDGET_MS)


def run_all(page: Any) -> None:
    """Run every cell of the current notebook (Run > Run All Cells)."""
    page.evaluate("""async () => {
        const app = window.jupyterapp;
        await app.shell.currentWidget.sessionContext.ready;
        await app.commands.execute('notebook:run-all-cells');
    }""")


def run_code(page: Any, code: str) -> str:
    """Run ``code`` in the current notebook's kernel and return what it printed.

    Used to check the kernel-side objects after an edit in the browser: the same kernel the
    widgets live in, without adding cells to the notebook.
    """
    return page.evaluate("""async (code) => {
        const app = window.jupyterapp;
        const kernel = app.shell.currentWidget.sessionContext.session.kernel;
        let out = '';
        const future = kernel.requestExecute({code, stop_on_error: true, store_history: false});
        future.onIOPub = (msg) => {
            if (msg.header.msg_type === 'stream') out += msg.content.text;
            if (msg.header.msg_type === 'error') out += 'ERROR ' + msg.content.ename + ': '
                + msg.content.evalue;
        };
        await future.done;
        return out;
    }""", code)


def wait_for_file(path: Path, predicate: Any, timeout_s: float = ROUND_TRIP_MS / 1000) -> Any:
    """Poll ``path`` until ``predicate(text)`` is truthy; return the text."""
    deadline = time.monotonic() + timeout_s
    text = None
    while time.monotonic() < deadline:
        if path.exists():
            text = path.read_text(encoding="utf-8")
            if predicate(text):
                return text
        time.sleep(0.05)
    raise AssertionError(f"{path} did not reach the expected state; last content: {text!r}")


def screenshot(locator: Any, name: str) -> Path:
    """Save a screenshot of one element under test-artifacts/ and return its path."""
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    locator.screenshot(path=str(path))
    return path


def widget_notebook(folder: Path, name: str, setup: str, show: str) -> str:
    """Write ``name`` beside the workspace ``folder``: load it, run ``setup``, show ``show``.

    Returns the notebook's path relative to the server root.
    """
    cells = [
        "from aipo_widgets.model.workspace import load\n"
        "import aipo_widgets.widgets as aw\n"
        f"wf = load({folder.name!r})\n" + setup,
        show,
    ]
    write_notebook(folder.parent / name, cells)
    return name


def wait_until(predicate: Any, timeout_s: float = ROUND_TRIP_MS / 1000) -> None:
    """Poll ``predicate()`` until it is truthy (AssertionError after ``timeout_s``)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout_s} s")
