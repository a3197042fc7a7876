"""Serve the stakeholder pages for the tests and the page benchmark; drive Debian's Chromium.

Recipes that work on this kind of machine: standalone Voila started from the plan of
``aipo serve`` (so the tests exercise exactly what a user starts), every Jupyter folder in a
temporary directory, Playwright driving /usr/bin/chromium (never a downloaded browser). A server
runs in its own process group and is stopped by that group's id, kernels included.

The example workspaces need a last run for their pages to show gates, trends and monitoring.
A run of both examples takes about a minute here, so the finished workspaces are cached (keyed
by a hash of the code and templates a run depends on) and copied for each session.
"""

from __future__ import annotations

import contextlib
import hashlib
import html as html_lib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
EXAMPLES = ("support-summaries", "predictive-maintenance")

# Named timeouts, in one place.
SERVER_START_S = 90
PAGE_MS = 60_000
ROUND_TRIP_S = 10

SECTIONS = (
    "Gates of the last run",
    "Plan and sign-offs",
    "Trends across runs",
    "Metric tree: baseline, target, progress",
    "Risks: matrix and the top five",
    "Backlog: the top of the ranking",
    "Business case",
    "Rollout: stages and exit criteria",
    "Monitoring: drift, costs, alerts",
    "EU AI Act: tier and obligations",
    "Documents",
)

# A reviewed (generative) product's page also shows the quality and safety of its outputs,
# right after the gates; a product without an evaluation section shows no such heading.
GENAI_SECTION = "Quality and safety of the model outputs"
SUPPORT_SECTIONS = (SECTIONS[0], GENAI_SECTION, *SECTIONS[1:])


def browser_missing() -> str | None:
    """Return why the browser tests cannot run here, or None when they can."""
    if not os.path.exists(CHROMIUM):
        return (f"{CHROMIUM} is missing: install Debian's Chromium (apt-get install -y "
                "chromium); `make test` does it when run as root")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed: pip install -e '.[test]'"
    return None


def launch_browser(playwright: Any) -> Any:
    """Launch Debian's Chromium through Playwright."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                      headless=True)


def jupyter_env(base: Path, env: dict[str, str] | None = None) -> dict[str, str]:
    """Return ``env`` (default: this process's) with every Jupyter folder inside ``base``."""
    out = dict(os.environ if env is None else env)
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                     ("MPLCONFIGDIR", "mpl")]:
        path = base / sub
        path.mkdir(parents=True, exist_ok=True)
        out[var] = str(path)
    out["MPLBACKEND"] = "agg"
    out["PYTHONPATH"] = os.pathsep.join([str(ROOT), out.get("PYTHONPATH", "")]).rstrip(
        os.pathsep)
    return out


def group_pids(pgid: int) -> list[int]:
    """Return the ids of the live processes in process group ``pgid`` (from /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        # fields: state ppid pgrp ...; a zombie (Z) is dead already.
        if int(fields[2]) == pgid and fields[0] != "Z":
            pids.append(int(entry.name))
    return pids


def descendants(pid: int) -> list[int]:
    """Return the live descendants of ``pid`` (children, grandchildren, ...) from /proc."""
    parent: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if fields[0] != "Z":
            parent[int(entry.name)] = int(fields[1])
    out: list[int] = []
    frontier = [pid]
    while frontier:
        p = frontier.pop()
        kids = [c for c, pp in parent.items() if pp == p]
        out.extend(kids)
        frontier.extend(kids)
    return out


def rss_bytes(pids: Iterable[int]) -> int:
    """Return the summed resident memory of ``pids`` (from /proc/PID/status)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
    return total


def port_free(port: int, host: str = "127.0.0.1") -> bool:
    """Return True when nothing listens on ``host:port``."""
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex((host, port)) != 0


class PageServer:
    """A stakeholder page served by standalone Voila, started from ``aipo serve``'s plan.

    Parameters
    ----------
    path : pathlib.Path
        A workspace (status page) or a folder of workspaces (portfolio).
    base : pathlib.Path
        A temporary folder for the Jupyter folders and the log.
    **plan_kwargs
        Passed to :func:`aipo_widgets.pipeline.serve.plan` (``pool_size``, ``token``, ...).
    """

    def __init__(self, path: Path, base: Path, **plan_kwargs: Any):
        from aipo_widgets.pipeline.serve import plan

        self.base = Path(base)
        self.base.mkdir(parents=True, exist_ok=True)
        self.plan = plan(path, **plan_kwargs)
        self.pool_size = int(plan_kwargs.get("pool_size", 2))
        self.plan.env = jupyter_env(self.base, self.plan.env)
        self.token = self.plan.token
        self.port = int(self.plan.url.split(":")[2].split("/")[0])
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = self.base / "voila.log"
        self.proc: subprocess.Popen | None = None

    def url(self, query: str = "", *, token: bool = True) -> str:
        """Return the page URL, with ``query`` (e.g. ``"workspace=x"``) and the token."""
        parts = [query] if query else []
        if token and self.token:
            parts.append(f"token={self.token}")
        return f"{self.base_url}/" + ("?" + "&".join(parts) if parts else "")

    def start(self, *, wait_pool: bool = True) -> PageServer:
        """Start Voila and wait until it answers (and its kernel pool is filled)."""
        fh = open(self.log, "wb")  # noqa: SIM115 - kept open for the server's life
        self.proc = subprocess.Popen(self.plan.argv, env=self.plan.env, stdout=fh,
                                     stderr=subprocess.STDOUT, start_new_session=True,
                                     cwd=self.base)
        deadline = time.monotonic() + SERVER_START_S
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"voila exited: {self.log.read_text()[-3000:]}")
            if self._answers() and (not wait_pool or self.pool_filled()):
                return self
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"voila did not start in {SERVER_START_S} s: "
                           f"{self.log.read_text()[-3000:]}")

    def _answers(self) -> bool:
        # /login answers without using a kernel of the pool.
        try:
            with urllib.request.urlopen(f"{self.base_url}/login", timeout=2) as r:
                return r.status == 200
        except (OSError, urllib.error.HTTPError):
            return False

    def pool_filled(self) -> bool:
        """Return True once the pool's kernels have prepared the page and wait for visitors."""
        log = self.log.read_text(errors="replace")
        return log.count("[aipo] page ready") >= self.pool_size

    def wait_ready(self, timeout: float = SERVER_START_S) -> None:
        """Wait until as many kernels are ready as the pool holds (after visits refill it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            log = self.log.read_text(errors="replace")
            if (log.count("[aipo] page ready") - log.count("Using pre-heated kernel")
                    >= self.pool_size):
                return
            time.sleep(0.1)
        raise AssertionError(f"the kernel pool did not refill in {timeout} s")

    def log_text(self) -> str:
        """Return Voila's log so far."""
        return self.log.read_text(errors="replace")

    def pids(self) -> list[int]:
        """Return Voila's process id and those of its kernels (its live descendants)."""
        if self.proc is None or self.proc.poll() is not None:
            return []
        return [self.proc.pid, *descendants(self.proc.pid)]

    def stop(self) -> None:
        """Stop the server by its process group, then any kernel that outlived it.

        Voila's group holds Voila itself; jupyter_client starts each kernel in a session of its
        own, so Voila shuts them down on SIGTERM, and whatever is still alive after that is
        killed by its own process group.
        """
        if self.proc is None:
            return
        pgid = self.proc.pid
        kernels = descendants(pgid)
        if self.proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pgid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pgid, signal.SIGKILL)
        self.plan.cleanup()
        for pid in kernels:
            try:  # still the kernel it was (ids are reused), then by its own group
                if b"ipykernel" not in Path(f"/proc/{pid}/cmdline").read_bytes():
                    continue
                os.killpg(os.getpgid(pid), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                continue

    def fetch(self, query: str = "", *, token: bool = True,
              follow: bool = True) -> tuple[int, str, dict[str, str]]:
        """GET the page; return (status, body, headers). Redirects are followed if asked."""
        url = self.url(query, token=token)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args: Any, **kwargs: Any) -> None:
                return None

        opener = (urllib.request.build_opener() if follow
                  else urllib.request.build_opener(NoRedirect))
        try:
            with opener.open(url, timeout=PAGE_MS / 1000) as r:
                return r.status, r.read().decode("utf-8", "replace"), dict(r.headers)
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace"), dict(exc.headers)


# --------------------------------------------------------------------------------------------
# the page's HTML


_OUTPUT = re.compile(
    r'<script type="application/vnd\.voila\.cell-output\+json">\s*(.*?)\s*</script>', re.S)


def cell_outputs(page_html: str) -> list[dict]:
    """Return the cell outputs Voila 0.5 embeds in a page (JSON in script tags)."""
    return [json.loads(m) for m in _OUTPUT.findall(page_html)]


def outputs_html(page_html: str) -> str:
    """Return the HTML of every output of the page, joined (what a visitor sees)."""
    return "\n".join(o.get("data", {}).get("text/html", "") for o in cell_outputs(page_html))


def kernel_id(page_html: str) -> str:
    """Return the id of the page's kernel from the page config in the HTML."""
    m = re.search(r'"kernelId":\s*"([0-9a-f-]{36})"', page_html)
    if m is None:
        raise AssertionError("no kernel id in the page")
    return m.group(1)


def visible_text(fragment: str) -> str:
    """Return the text of an HTML fragment (tags dropped, entities decoded)."""
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", fragment))


# --------------------------------------------------------------------------------------------
# the example workspaces, with a last run


# change to rebuild the cache after changing run_examples
_RECIPE = "two runs in the ledger; documents of the first example"
_RUN_INPUTS = ("aipo_widgets", "templates", "playbooks")
_NOT_RUN_INPUTS = ("pages", "serve.py", "static")


def run_key() -> str:
    """Return a hash of what an example's run depends on (code, templates, examples)."""
    h = hashlib.sha256(sys.version.encode() + _RECIPE.encode())
    for top in _RUN_INPUTS:
        for path in sorted((ROOT / top).rglob("*")):
            if (path.is_file() and path.suffix in (".py", ".ipynb", ".yaml", ".j2", ".tpl",
                                                   ".json", ".csv")
                    and not set(path.parts) & set(_NOT_RUN_INPUTS)
                    and "__pycache__" not in path.parts):
                h.update(str(path.relative_to(ROOT)).encode())
                h.update(path.read_bytes())
    return h.hexdigest()[:16]


def run_examples(cache: Path, env: dict[str, str]) -> Path:
    """Return a folder holding both examples with a finished run, made once per code version.

    Parameters
    ----------
    cache : pathlib.Path
        Where finished runs are kept between sessions.
    env : dict
        The environment for ``aipo`` (isolated Jupyter folders).
    """
    done = cache / run_key()
    if (done / "ok").is_file():
        return done
    shutil.rmtree(cache, ignore_errors=True)
    work = cache / (run_key() + ".tmp")
    work.mkdir(parents=True)
    aipo = [sys.executable, "-m", "aipo_widgets.cli"]
    procs = []
    for name in EXAMPLES:
        subprocess.run([*aipo, "init", str(work / name), "--example", name], env=env,
                       check=True, capture_output=True)
        procs.append(subprocess.Popen(
            [*aipo, "run", str(work / name), "--jobs", "2", "-p", "n_boot=200", "-q"],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True))
    for name, proc in zip(EXAMPLES, procs, strict=True):
        out, _ = proc.communicate(timeout=600)
        if proc.returncode not in (0, 1):  # 1: a gate failed, still a run with a page
            raise RuntimeError(f"aipo run {name} exited {proc.returncode}: "
                               f"{out.decode(errors='replace')[-3000:]}")
    add_earlier_run(work / EXAMPLES[0])
    # The first example's page lists its documents; the second has none (its note shows).
    subprocess.run([*aipo, "docs", str(work / EXAMPLES[0]), "--format", "html"], env=env,
                   check=True, capture_output=True)
    (work / "ok").write_text("")
    work.rename(done)
    return done


def add_earlier_run(folder: Path) -> None:
    """Record a run a week before the last one in the ledger (10 % lower figures).

    The page draws a trend per gate from the ledger; one real run would leave it empty.
    """
    from aipo_widgets.runs.ledger import Ledger

    last = json.loads((folder / "reports" / "latest" / "results.json").read_text())
    earlier = json.loads(json.dumps(last))
    earlier["id"] = "earlier-" + last["id"]
    earlier["started"] = "2000-01-01T00:00:00Z"  # sorts first
    for ph in earlier["phases"]:
        for g in ph["gates"]:
            if isinstance(g.get("figure"), (int, float)) and not isinstance(g["figure"], bool):
                g["figure"] = g["figure"] * 0.9
    with Ledger(folder / "reports" / "ledger.sqlite") as ledger:
        ledger.add_run(earlier)


def copy_workspace(src: Path, dst: Path) -> Path:
    """Copy a workspace (its ``reports/latest`` link kept as a link)."""
    shutil.copytree(src, dst, symlinks=True)
    return dst


BROKEN_YAML = """\
# A workspace somebody broke: the likelihood is out of range.
schema_version: 1
product:
  name: Broken product
  owner: Nobody
risks:
  - id: R1
    title: Something
    category: model
    likelihood: 9
    impact: 2
"""


def write_broken(folder: Path) -> Path:
    """Write a workspace whose ``aipo.yaml`` does not validate."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "aipo.yaml").write_text(BROKEN_YAML, encoding="utf-8")
    return folder


# --------------------------------------------------------------------------------------------
# a page in the browser


class Recorder:
    """What a browser page did: console errors, page errors, requests.

    Parameters
    ----------
    page : playwright.sync_api.Page
        The page to watch (attach before navigating).
    """

    def __init__(self, page: Any):
        self.console: list[tuple[str, str, str]] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.failed: list[str] = []
        page.on("console", lambda m: self.console.append(
            (m.type, m.text, (m.location or {}).get("url", ""))))
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("request", lambda r: self.requests.append(r.url))
        page.on("requestfailed", lambda r: self.failed.append(r.url))

    def foreign_requests(self) -> list[str]:
        """Requests that left 127.0.0.1 (there must be none)."""
        out = []
        for url in self.requests:
            if url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:",
                               "about:")):
                continue
            out.append(url)
        return out

    def console_errors(self) -> list[str]:
        """Console errors of the page (there must be none)."""
        out = []
        for kind, text, where in self.console:
            if kind != "error":
                continue
            if "/voila/api/shutdown/" in where and "403" in text:
                # Voila 0.5.13's page asks to shut its kernel down when it is left, with a
                # beacon the server refuses ('_xsrf' argument missing): a Voila bug, and the
                # reason idle kernels are culled. Not an error of the page.
                continue
            out.append(f"{text} ({where})" if where else text)
        return out + self.errors


def screenshot(page: Any, name: str) -> Path:
    """Save a screenshot of the whole page under test-artifacts/ and return its path.

    Voila scrolls an inner panel, not the document, so the viewport is stretched to the
    content's height for the picture (and restored).
    """
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    size = page.viewport_size
    height = page.evaluate(
        "Math.max(document.body.scrollHeight,"
        " ...[...document.querySelectorAll('body *')].map(e => e.scrollHeight))")
    if size and height > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": min(int(height) + 40, 16000)})
    try:
        page.screenshot(path=str(path), full_page=True)
    finally:
        if size:
            page.set_viewport_size(size)
    return path


def wait_for_sections(page: Any, titles: Iterable[str] = SECTIONS, *,
                      timeout_ms: int = PAGE_MS) -> None:
    """Wait until every section title is on the page and both widgets have rendered."""
    page.wait_for_function(
        """(titles) => {
            const h = [...document.querySelectorAll('.aipo-page h2')].map(e => e.textContent);
            return titles.every(t => h.includes(t))
                && document.querySelectorAll('.aipo').length >= 2;
        }""", arg=list(titles), timeout=timeout_ms)
