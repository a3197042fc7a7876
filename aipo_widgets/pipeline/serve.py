"""``aipo serve``: the stakeholder pages, served read-only by standalone Voila.

A workspace folder gets its status page; a folder of workspaces gets the portfolio page, whose
rows open each product's status page (``?workspace=NAME``). The pages are the notebooks in
``voila_apps/``, shipped with the package.

Why standalone Voila, and these settings (see the kit's security notes):

- Standalone ``voila`` creates kernels that accept only widget (comm) messages: an
  ``execute_request`` sent over the page's websocket is dropped. It is started through this
  module (``python -m aipo_widgets.pipeline.serve``), which first closes a hole of Voila's
  pre-started kernels (see :func:`harden_voila`). Voila as a server extension
  inside ``jupyter server`` has no such list, so it is never used for stakeholders.
- It binds 127.0.0.1 unless told otherwise, and then requires a token: a page reachable from
  the network without a token is refused.
- Kernels are pre-started (a small pool) so a page opens fast, and idle kernels are culled, so
  memory stays flat however many visits there are.
- ``/`` answers at once with the page last rendered (:mod:`aipo_widgets.pipeline.paint`),
  checked by the same token, and starts no kernel; ``?live=1`` (and ``?workspace=``) is the
  live page. ``aipo serve`` renders that saved page again, in the background, when the
  workspace changed.
"""

from __future__ import annotations

import ipaddress
import json
import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.model.workspace import FILENAME, workspaces_in
from aipo_widgets.pipeline import paint
from aipo_widgets.pipeline.kernels import ipc_fits
from aipo_widgets.resources import resource_dir

LOOPBACK_NAMES = {"localhost", "ip6-localhost"}

#: How ``aipo serve`` hands the page token to the Voila process: an environment variable
#: (``/proc/<pid>/environ`` is readable by the same user only), never the command line.
TOKEN_ENV = "AIPO_SERVE_TOKEN"
#: How ``aipo serve`` tells Voila the most pages served at once (each holds a kernel).
MAX_KERNELS_ENV = "AIPO_MAX_PAGE_KERNELS"
#: Set to "1" when ``/`` answers with the saved page (:mod:`aipo_widgets.pipeline.paint`).
SAVED_PAGE_ENV = "AIPO_SAVED_PAGE"

#: What a visitor sees when every page kernel is taken: try again shortly.
BUSY_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="refresh" content="30"><title>Busy</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto">
<h1>The page is busy</h1><p>As many people as the server allows are looking at it right now.
This page tries again in 30 seconds; or reload it in a moment.</p></body></html>
"""

#: The JupyterLab extensions a page loads: the widget managers and anywidget, nothing else
#: (other extensions installed beside the kit have no business on a stakeholder page).
PAGE_EXTENSIONS = [
    "anywidget",
    "@jupyter-widgets/jupyterlab-manager",
    "@voila-dashboards/widgets-manager8",
]

#: The Voila template of the pages (``voila_apps/jupyter/voila/templates/aipo``): Voila's lab
#: template without the style sheets it links from a CDN.
TEMPLATE = "aipo"

#: The browser may load and connect to this server only (anywidget loads widget code from
#: ``blob:`` URLs); should anything still link another machine, the browser refuses it.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self' 'unsafe-inline' 'unsafe-eval' blob:",
    "style-src 'self' 'unsafe-inline' blob:",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
])


@dataclass
class ServePlan:
    """What ``aipo serve`` will start: the command, its environment and the URL to open."""

    argv: list[str]
    env: dict[str, str]
    url: str
    page: str  # "status" or "portfolio"
    root: Path
    token: str | None = None
    notes: list[str] = field(default_factory=list)
    cache: Path | None = None  # the pages' private cache folder (made by the page kernels)

    def cleanup(self) -> None:
        """Remove the pages' cache folder (after the server stopped)."""
        if self.cache is not None:
            shutil.rmtree(self.cache, ignore_errors=True)


def is_loopback(host: str) -> bool:
    """Return True when ``host`` only accepts connections from this machine.

    Examples
    --------
    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def free_port(host: str = "127.0.0.1") -> int:
    """Return a TCP port that is free on ``host`` now."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.bind((host.strip("[]"), 0))
        return s.getsockname()[1]


def _check_port(port: int, host: str) -> None:
    """Refuse a port out of range or in use now (``--port``), with the fix."""
    if not 1 <= port <= 65535:
        raise UsageError([Problem(f"--port must be from 1 to 65535, got {port}", path="--port",
                                  fix="choose another port, or leave --port out for a free one")])
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        # As the server will (tornado): a port a stopped server left in TIME_WAIT is free.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind((host.strip("[]"), port))
        except OSError as exc:
            raise UsageError([Problem(
                f"port {port} cannot be used on {host}: {exc.strerror or exc}", path="--port",
                fix="choose another port, or leave --port out for a free one")]) from None


def plan(path: str | os.PathLike, *, port: int | None = None, host: str = "127.0.0.1",
         token: str | None = None, no_token: bool = False, pool_size: int = 2,
         cull_idle_seconds: int = 120, cull_interval_seconds: int = 30,
         max_kernels: int = 8, saved_page: bool = True) -> ServePlan:
    """Work out how to serve ``path``, refusing unsafe combinations.

    Parameters
    ----------
    path : path
        A workspace folder (status page) or a folder of workspaces (portfolio page).
    port : int, optional
        Port to listen on (default: a free one).
    host : str, default "127.0.0.1"
        Address to bind. Anything but a loopback address needs a token.
    token : str, optional
        The access token (default: a new random one).
    no_token : bool, default False
        Serve without a token (only allowed on a loopback address).
    pool_size : int, default 2
        Kernels kept pre-started.
    cull_idle_seconds : int, default 120
        Kernels idle this long with no page connected are shut down (a page that is open keeps
        its kernel). Every visit has a kernel of its own (about 130 MB), and Voila 0.5.13 fails
        to shut it down when the page is closed (its beacon is refused for a missing XSRF
        cookie), so this is what keeps the server's memory flat.
    cull_interval_seconds : int, default 30
        How often idle kernels are looked for.
    max_kernels : int, default 8
        The most pages served at once, besides the pre-started pool (each holds a kernel of
        about 170 MB); a visitor beyond it gets a "busy, retry" page (503).
    saved_page : bool, default True
        Answer ``/`` with the page last rendered, when there is one (``?live=1`` is the live
        page); False serves the live page only.

    Returns
    -------
    ServePlan
        The command line, environment and URL (nothing is started).

    Raises
    ------
    UsageError
        For a path that is neither a workspace nor a folder of workspaces, or an unsafe setting.
    """
    root = Path(path).resolve()
    if not root.is_dir():
        raise UsageError([Problem(f"{root} is not a folder", file=str(root),
                                  fix="pass a workspace folder or a folder of workspaces")])
    if (root / FILENAME).is_file():
        page = "status"
    elif workspaces_in(root):
        page = "portfolio"
    else:
        raise UsageError([Problem(
            f"{root} holds no aipo.yaml and no workspace folders", file=str(root),
            fix="pass a workspace made by 'aipo init', or the folder that holds several")])
    if token is not None and no_token:
        raise UsageError([Problem("--token and --no-token contradict each other",
                                  path="--no-token", fix="use one of them")])
    if no_token and not is_loopback(host):
        raise UsageError([Problem(
            f"refusing to serve on {host} without a token: anyone on the network could read "
            "the pages", path="--host",
            fix="drop --no-token (a token is generated), or bind 127.0.0.1")])
    if token is not None and len(token) < 16:
        raise UsageError([Problem(
            "the token is too short to be a secret (16 characters at least)", path="--token",
            fix="drop --token to get a random one")])
    if not no_token and token is None:
        token = secrets.token_urlsafe(24)
    if no_token:
        token = None
    bind_host = host if is_loopback(host) else "0.0.0.0"
    if port is not None:
        _check_port(port, bind_host)
    port = port or free_port(bind_host)
    notebook = resource_dir("voila_apps") / f"{page}.ipynb"
    if not notebook.is_file():
        raise UsageError([Problem(f"the kit's {notebook.name} page is missing", file=str(notebook),
                                  fix="reinstall aipo-kit")])
    argv = [
        # Standalone Voila (voila.app), started through this module so that it is hardened
        # first (see run_voila).
        sys.executable, "-m", "aipo_widgets.pipeline.serve", str(notebook),
        "--no-browser",
        f"--port={port}",
        # On the port printed, or not at all: Voila would otherwise move to the next free one
        # while the URL (with its token) still names the one asked for.
        "--Voila.port_retries=0",
        f"--Voila.ip={host}",
        # The token is not on the command line, which every local user can read (ps, /proc):
        # run_voila takes it from the environment (TOKEN_ENV, readable by this user only) and
        # removes it there before any kernel is started.
        *([] if token else ["--token="]),
        "--strip_sources=True",
        "--show_tracebacks=False",
        "--preheat_kernel=True",
        f"--pool_size={pool_size}",
        f"--MappingKernelManager.cull_idle_timeout={cull_idle_seconds}",
        f"--MappingKernelManager.cull_interval={cull_interval_seconds}",
        # A kernel busy that long with no page connected is culled too (a page that hangs).
        "--MappingKernelManager.cull_busy=True",
        # Kernels talk to Voila over Unix sockets, not over TCP ports on 127.0.0.1 that every
        # local user can reach (ipykernel warns about those). The sockets sit beside the
        # connection files, in the private folder Voila makes for them (/tmp/voila_*), unless
        # the temporary folder's name is too long for a socket's path.
        *(["--KernelManager.transport=ipc"] if ipc_fits() else []),
        # Voila's lab template without its CDN links (voila_apps/jupyter/voila/templates/aipo).
        f"--VoilaConfiguration.template={TEMPLATE}",
        *(f"--VoilaConfiguration.extension_allowlist={name}" for name in PAGE_EXTENSIONS),
        "--Voila.tornado_settings=" + json.dumps(
            {"headers": {"Content-Security-Policy": CONTENT_SECURITY_POLICY,
                         "Referrer-Policy": "no-referrer",
                         "X-Content-Type-Options": "nosniff"},
             # jupyter_server's default ping timeout (3 intervals) is longer than tornado
             # allows, which tornado corrects with a warning on every start; say it right.
             "ws_ping_timeout": 30_000}),
    ]
    env = dict(os.environ)
    # Where Voila finds the kit's page template; the other Jupyter folders stay searched.
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(resource_dir("voila_apps") / "jupyter"), env.get("JUPYTER_PATH")) if p)
    env["AIPO_PAGE"] = page
    env.pop(TOKEN_ENV, None)
    if max_kernels < 1:
        raise UsageError([Problem(f"max_kernels must be at least 1, got {max_kernels}",
                                  path="--max-kernels", fix="give 1 or more")])
    env[MAX_KERNELS_ENV] = str(max_kernels)
    env[SAVED_PAGE_ENV] = "1" if saved_page else "0"
    if token:
        env[TOKEN_ENV] = token
    env["AIPO_SERVE_ROOT"] = str(root)
    # Portfolio rows are kept here between visits (each visit has a kernel of its own). A new,
    # unguessable name per server; the kernels create it private (0700) and check that.
    cache = Path(tempfile.gettempdir()) / f"aipo-pages-{secrets.token_hex(8)}"
    env["AIPO_PAGE_CACHE"] = str(cache)
    shown_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    if ":" in shown_host:
        shown_host = f"[{shown_host}]"
    url = f"http://{shown_host}:{port}/" + (f"?token={token}" if token else "")
    return ServePlan(argv=argv, env=env, url=url, page=page, root=root, token=token,
                     cache=cache)


def serve(plan_: ServePlan) -> int:
    """Run Voila in the foreground until Ctrl-C; stop it and its kernels cleanly.

    Unless the plan serves the live page only, a background thread
    (:class:`aipo_widgets.pipeline.paint.Keeper`) renders the page ``/`` answers with, now if
    there is none or it is out of date, and again whenever the workspace changes.

    Voila runs in a process group of its own (so that its kernels can be stopped together):
    Ctrl-C in the terminal reaches only this process, which then stops the group. SIGTERM (a
    supervisor, ``kill``) and SIGHUP (the terminal closed) are handled the same way, so no
    server is left running without its command.

    Returns
    -------
    int
        0 after a clean stop, or Voila's exit status if it stopped by itself.
    """
    proc = subprocess.Popen(plan_.argv, env=plan_.env, start_new_session=True)
    keeper = None
    if plan_.env.get(SAVED_PAGE_ENV) == "1":
        # This process's environment: the renderer gets no token (it serves nothing).
        keeper = paint.Keeper(
            plan_.root, [sys.executable, "-m", "aipo_widgets.pipeline.report", str(plan_.root)],
            report=lambda m: print(m, file=sys.stderr, flush=True))
    if keeper is not None:
        keeper.start()
    previous = _interrupt_on(signal.SIGTERM, signal.SIGHUP)
    what = "status page of" if plan_.page == "status" else "portfolio of"
    try:
        print(f"Serving the {what} {plan_.root}")
        print(f"Open: {plan_.url}")
        print("Read-only. Press Ctrl-C to stop.", flush=True)
        return proc.wait()
    except KeyboardInterrupt:
        stop(proc)
        print("Stopped.", flush=True)
        return 0
    finally:
        if keeper is not None:
            keeper.stop()
        stop(proc)
        plan_.cleanup()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _interrupt_on(*signals: signal.Signals) -> dict:
    """Turn ``signals`` into KeyboardInterrupt; return the previous handlers."""
    previous = {}
    for sig in signals:
        try:
            previous[sig] = signal.signal(sig, _raise_interrupt)
        except ValueError:  # not the main thread: leave the defaults
            break
    return previous


def stop(proc: subprocess.Popen, timeout: float = 10) -> None:
    """Stop a server started by :func:`serve` and everything it started.

    SIGTERM to Voila's process group: Voila shuts its kernels down (each runs in a session of
    its own). If Voila does not stop in time it is killed, and so are the kernels it leaves.
    """
    if proc.poll() is not None:
        return
    kernels = _descendants(proc.pid)
    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
        for pid in kernels:
            try:
                os.killpg(os.getpgid(pid), signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                continue


def _descendants(pid: int) -> list[int]:
    """Return the processes below ``pid`` (Linux /proc; elsewhere an empty list)."""
    proc = Path("/proc")
    if not proc.is_dir():
        return []
    parent: dict[int, int] = {}
    for entry in proc.iterdir():
        if entry.name.isdigit():
            try:
                parent[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
    out, frontier = [], [pid]
    while frontier:
        current = frontier.pop()
        kids = [c for c, p in parent.items() if p == current]
        out.extend(kids)
        frontier.extend(kids)
    return out


def harden_voila() -> None:
    """Close a hole of Voila 0.5.13's pre-started kernels, in the Voila process.

    A pre-started kernel learns its visitor's request (the query string, ``?token=...``
    included) through the websocket ``/voila/query/<kernel id>``, which asks for no token. When
    the visitor comes before the kernel has connected, Voila keeps the request in a table and
    gives it to whoever connects with that kernel id, for as long as the server runs. Here the
    entry is dropped once it has been handed over (to the kernel, which connects first).
    """
    from voila.request_info_handler import RequestInfoSocketHandler

    if getattr(RequestInfoSocketHandler, "_aipo_hardened", False):
        return
    original = RequestInfoSocketHandler.open

    def open_once(self: RequestInfoSocketHandler, kernel_id: str) -> None:
        original(self, kernel_id)
        RequestInfoSocketHandler._cache.pop(kernel_id, None)

    RequestInfoSocketHandler.open = open_once
    RequestInfoSocketHandler._aipo_hardened = True
    _refuse_odd_paths()
    _cap_kernels()


def _drop_token(request: Any) -> None:
    """Remove ``token`` from a request whose token was checked (Voila hands kernels the URL).

    Voila puts the visitor's query string and URL in the page kernel's environment or sends
    them to a pre-started kernel; the token has done its work by then (the visitor holds the
    login cookie), so the kernel gets the rest only.
    """
    from urllib.parse import parse_qsl, urlencode

    if "token" not in (request.query or ""):
        return
    kept = [(k, v) for k, v in parse_qsl(request.query, keep_blank_values=True) if k != "token"]
    request.query = urlencode(kept)
    request.uri = request.path + (f"?{request.query}" if request.query else "")
    for table in (request.query_arguments, request.arguments):
        table.pop("token", None)


def _saved_page(request: Any) -> str | None:
    """Return the saved page for a plain visit of ``/`` (no query left but the token), or None.

    ``?live=1``, ``?workspace=NAME`` and any other query go to the live page, as does every
    visit while no page has been saved.
    """
    if os.environ.get(SAVED_PAGE_ENV) != "1" or (request.query or "") or request.path != "/":
        return None
    root = os.environ.get("AIPO_SERVE_ROOT")
    return paint.static_page(root) if root else None


def _cap_kernels() -> None:
    """Serve at most ``AIPO_MAX_PAGE_KERNELS`` pages at once; beyond, a "busy, retry" page.

    Every visit holds a kernel until it is culled: without a cap, a burst of visits (or one
    visitor reloading) takes the machine's memory. The pre-started pool does not count.
    """
    from voila.handler import VoilaHandler

    original = VoilaHandler.get_generator

    async def capped(self: Any, path: str | None = None) -> Any:
        _drop_token(self.request)  # checked already; the page's kernel gets no copy of it
        saved = _saved_page(self.request)  # needs no kernel: served however busy
        if saved is not None:
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Cache-Control", "no-store")
            yield saved
            return
        limit = int(os.environ.get(MAX_KERNELS_ENV, "0") or 0)
        if limit > 0:
            km = self.kernel_manager
            try:
                running = len(km.list_kernel_ids())
                pool = int(km.get_pool_size(self.notebook_path or path))
            except Exception:  # the server-extension case has no pool: count all
                running, pool = len(km.list_kernel_ids()), 0
            if running - pool >= limit:
                self.set_status(503)
                self.set_header("Retry-After", "30")
                self.set_header("Content-Type", "text/html")
                yield BUSY_PAGE
                return
        async for chunk in original(self, path):
            yield chunk

    VoilaHandler.get_generator = capped


def _not_found_on_error(function: Any) -> Any:
    """Wrap a handler step so that a malformed path is a 404, not a 500 with a traceback."""
    import tornado.web

    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except tornado.web.HTTPError:
            raise
        except Exception:
            raise tornado.web.HTTPError(404) from None

    return guarded


def _refuse_odd_paths() -> None:
    """Answer odd paths with 404 and log any server error in one line, without a traceback.

    ``/voila/templates/..%2f..`` made Voila's template file handler fail (500, a traceback of
    three exceptions in the log at each request) and ``/logout`` has no page in Voila's
    templates (500 too): anyone could flood the log without a token. There is nothing to log
    out of (the token is the only credential): ``/logout`` is a 404.
    """
    import tornado.httputil
    import tornado.web
    from jupyter_server.auth.logout import LogoutHandler
    from voila.static_file_handler import TemplateStaticFileHandler

    TemplateStaticFileHandler.parse_url_path = _not_found_on_error(
        TemplateStaticFileHandler.parse_url_path)
    TemplateStaticFileHandler.get_absolute_path = classmethod(_not_found_on_error(
        TemplateStaticFileHandler.get_absolute_path.__func__))

    def no_logout(self: Any) -> None:
        raise tornado.web.HTTPError(404)

    LogoutHandler.get = no_logout  # type: ignore[method-assign]
    # Voila's templates lack some of jupyter_server's error pages: rendering one failed and
    # tornado logged that failure with a traceback at every such request. A plain page instead.
    from jupyter_server.base.handlers import JupyterHandler

    render_error = JupyterHandler.write_error

    def write_error(self: Any, status_code: int, **kwargs: Any) -> None:
        try:
            render_error(self, status_code, **kwargs)
        except Exception:
            self.clear()
            self.set_status(status_code)
            self.set_header("Content-Type", "text/html")
            reason = tornado.httputil.responses.get(status_code, "Error")
            self.finish(f"<!DOCTYPE html><title>{status_code}</title><h1>{status_code} "
                        f"{reason}</h1>")

    JupyterHandler.write_error = write_error  # type: ignore[method-assign]
    original_log = tornado.web.RequestHandler.log_exception

    def log_one_line(self: tornado.web.RequestHandler, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, tornado.web.HTTPError):
            original_log(self, typ, value, tb)
            return
        logging.getLogger("tornado.application").error(
            "%s %s failed: %s: %s", self.request.method, redact(self.request.uri or ""),
            getattr(typ, "__name__", typ), redact(str(value))[:200])

    tornado.web.RequestHandler.log_exception = log_one_line  # type: ignore[method-assign]


class _Untrusted(logging.Filter):
    """Drop Voila's warning that the page notebook is not trusted.

    Trust (a notebook signed with the user's key) decides whether JupyterLab shows a
    notebook's stored outputs; Voila runs the kit's own page notebook whatever its trust, and
    says so twice at every start.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return "is not trusted" not in record.getMessage()


_TOKEN_IN_TEXT = re.compile(r"(token=|token%3D|[Tt]oken\s+)[^&\s\"'#;,)]+")


def redact(text: str, secrets_: tuple[str, ...] = ()) -> str:
    """Return ``text`` with every token in it replaced by ``[redacted]``.

    Examples
    --------
    >>> redact("404 GET /voila/x?token=s3cr3t&a=1 (127.0.0.1) 1.2ms")
    '404 GET /voila/x?token=[redacted]&a=1 (127.0.0.1) 1.2ms'
    >>> redact("Authorization: token abcdefgh", ("abcdefgh",))
    'Authorization: token [redacted]'
    """
    for secret in secrets_:
        if secret:
            text = text.replace(secret, "[redacted]")
    return _TOKEN_IN_TEXT.sub(lambda m: m.group(1) + "[redacted]", text)


def redact_logs(token: str | None) -> None:
    """Make every log record of this process carry no token (``?token=`` or the token itself).

    Installed as the record factory, so it covers every logger (tornado's access log, Voila's,
    jupyter_server's) however their handlers are set up.
    """
    previous = logging.getLogRecordFactory()
    if getattr(previous, "_aipo_redacting", False):
        return
    known = (token,) if token else ()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: leave it to logging to report
            return record
        clean = redact(message, known)
        if clean != message:
            record.msg, record.args = clean, None
        return record

    factory._aipo_redacting = True  # type: ignore[attr-defined]
    logging.setLogRecordFactory(factory)


def run_voila(argv: list[str]) -> int:
    """Run standalone Voila with ``argv`` after :func:`harden_voila` (the ``-m`` entry).

    The page token comes from the environment (:data:`TOKEN_ENV`) and leaves it before Voila
    starts a kernel; it is never on a command line nor in a log line.
    """
    harden_voila()
    token = os.environ.pop(TOKEN_ENV, None)
    if token:
        argv = [*argv, f"--token={token}"]  # sys.argv of this process, not its command line
    redact_logs(token)
    logging.getLogger("Voila").addFilter(_Untrusted())
    # traitlets 5 calls a whole dict on the command line deprecated; it is still the only way
    # to pass nested settings (the headers) without a config file.
    warnings.filterwarnings("ignore", message="--tornado_settings=",
                            category=DeprecationWarning)
    from voila.app import main

    sys.argv = ["voila", *argv]
    main()
    return 0


if __name__ == "__main__":  # pragma: no cover - the server process of `aipo serve`
    sys.exit(run_voila(sys.argv[1:]))
