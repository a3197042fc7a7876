"""``aipo serve`` at the server level: the page, its token, its refusals, a clean stop.

The servers are started from the plan ``aipo serve`` makes (``aipo_widgets.pipeline.serve``),
so these tests exercise the same command line, environment and settings a user gets.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import served

from aipo_widgets.figures.card import section_anchor
from aipo_widgets.pipeline.serve import plan

pytestmark = pytest.mark.slow


def test_status_page_served_with_content_and_without_sources(status_server):
    status, body, headers = status_server.fetch()
    assert status == 200, body[:500]
    shown = served.outputs_html(body)
    text = served.visible_text(shown)
    assert "Ticket summaries" in text  # the product's name from aipo.yaml
    for title in served.SUPPORT_SECTIONS:
        # each section is a heading with its anchor, which the decision card's reasons link to
        assert f'<h2 id="{section_anchor(title)}">{html.escape(title)}</h2>' in shown, title
    # Both widgets are there (as widget views) and nothing on the page is an error.
    views = [o for o in served.cell_outputs(body)
             if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(views) == 2
    assert not [o for o in served.cell_outputs(body) if o.get("output_type") == "error"]
    assert "Cannot show" not in text
    # Sources are stripped: no code of the page notebook reaches the visitor.
    for code in ("show_status", "from aipo_widgets", "import "):
        assert code not in body, code
    assert headers.get("Cache-Control", "").startswith("no-cache")
    # Nothing on the page is fetched from another machine: Voila's lab template links its
    # icon font's style sheets from a CDN, the kit's page template drops them.
    assert not re.search(r"""<(?:link|script)\b[^>]*(?:href|src)=["']?(?:https?:)?//""", body)
    assert not re.search(r"""import\(\s*["']https?://""", body)  # no dormant CDN loader


def test_page_settings_are_the_locked_down_ones(status_server):
    argv = " ".join(status_server.plan.argv)
    # Standalone Voila (voila.app, hardened first), never the server extension.
    assert " -m aipo_widgets.pipeline.serve " in argv
    assert "Voilà is running at" in status_server.log_text()
    for flag in ("--strip_sources=True", "--show_tracebacks=False", "--Voila.ip=127.0.0.1",
                 "--preheat_kernel=True", "--MappingKernelManager.cull_idle_timeout=",
                 "--KernelManager.transport=ipc", "--VoilaConfiguration.template=aipo"):
        assert flag in argv, flag
    assert status_server.token and len(status_server.token) >= 16


def test_without_token_redirects_to_login_with_token_renders(status_server):
    status, _, headers = status_server.fetch(token=False, follow=False)
    assert status == 302
    assert headers["Location"].startswith("/login")
    # A wrong token is no token.
    status, _, headers = status_server.fetch("token=" + "x" * 32, token=False, follow=False)
    assert status == 302 and headers["Location"].startswith("/login")
    status, body, _ = status_server.fetch()
    assert status == 200 and "Ticket summaries" in served.outputs_html(body)


def test_api_of_the_server_is_closed(status_server):
    # Standalone Voila refuses the Jupyter REST API: no contents, no kernels, no terminals.
    import urllib.error
    import urllib.request

    for api in ("/api/contents", "/api/kernels", "/api/terminals", "/api/sessions"):
        url = f"{status_server.base_url}{api}?token={status_server.token}"
        try:
            with urllib.request.urlopen(url, timeout=10) as r:
                code = r.status
        except urllib.error.HTTPError as exc:
            code = exc.code
        assert code in (403, 404), (api, code)


# --------------------------------------------------------------------------------------------
# the command line


def _aipo(*args: str, env: dict | None = None, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aipo_widgets.cli", *args], env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_serve_refuses_network_host_without_token(portfolio_root, voila_base):
    env = served.jupyter_env(voila_base / "cli")
    r = _aipo("serve", str(portfolio_root / "support-summaries"), "--host", "0.0.0.0",
              "--no-token", env=env)
    assert r.returncode == 2
    assert "refusing to serve on 0.0.0.0 without a token" in r.stderr
    assert "Traceback" not in r.stderr
    assert "Serving" not in r.stdout  # nothing was started


def test_serve_refuses_missing_path(tmp_path, voila_base):
    env = served.jupyter_env(voila_base / "cli")
    r = _aipo("serve", str(tmp_path / "nowhere"), env=env)
    assert r.returncode == 2
    assert "is not a folder" in r.stderr and "Traceback" not in r.stderr
    empty = tmp_path / "empty"
    empty.mkdir()
    r = _aipo("serve", str(empty), env=env)
    assert r.returncode == 2 and "holds no aipo.yaml" in r.stderr


def test_plan_refusals_and_defaults(portfolio_root):
    ws = portfolio_root / "support-summaries"
    from aipo_widgets.errors import UsageError

    with pytest.raises(UsageError, match="without a token"):
        plan(ws, host="0.0.0.0", no_token=True)
    with pytest.raises(UsageError, match="too short"):
        plan(ws, token="short")
    p = plan(ws, host="0.0.0.0")  # a network address is allowed with a generated token
    assert p.token and f"token={p.token}" in p.url
    assert plan(portfolio_root).page == "portfolio" and plan(ws).page == "status"
    assert plan(ws, no_token=True).token is None
    # --port: in range and free, or refused (Voila would move to another port while the URL
    # printed, token included, names the one asked for).
    with pytest.raises(UsageError, match="from 1 to 65535, got 99999"):
        plan(ws, port=99999)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        with pytest.raises(UsageError, match=f"port {taken.getsockname()[1]} cannot be used"):
            plan(ws, port=taken.getsockname()[1])
    assert "--Voila.port_retries=0" in plan(ws).argv


def test_kernels_use_unix_sockets_only_where_their_path_fits(portfolio_root, monkeypatch):
    import tempfile

    ws = portfolio_root / "support-summaries"
    assert "--KernelManager.transport=ipc" in plan(ws).argv
    monkeypatch.setattr(tempfile, "tempdir", "/tmp/" + "x" * 60)  # a long TMPDIR
    assert "--KernelManager.transport=ipc" not in plan(ws).argv  # TCP then, as Voila's default


def _start_cli(path: Path, env: dict) -> tuple[subprocess.Popen, int, list[int]]:
    """Start ``aipo serve`` in a subprocess; return it, its port, and its server processes."""
    from aipo_widgets.pipeline.serve import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "aipo_widgets.cli", "serve", str(path), "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True)
    lines = []
    deadline = time.monotonic() + served.SERVER_START_S
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        lines.append(line)
        if line.startswith("Open: ") or not line:
            break
    assert lines[-1].startswith(f"Open: http://127.0.0.1:{port}/?token="), lines
    # Wait until it serves and the kernels of the pool run: voila + 2 kernels below the CLI.
    kids: list[int] = []
    while time.monotonic() < deadline:
        kids = served.descendants(proc.pid)
        if not served.port_free(port) and len(kids) >= 3:
            break
        time.sleep(0.3)
    assert len(kids) >= 3, kids
    return proc, port, kids


def _gone(pids: list[int], timeout: float = 10) -> list[int]:
    deadline = time.monotonic() + timeout
    alive = pids
    while alive and time.monotonic() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}").exists() and not _zombie(p)]
        time.sleep(0.2)
    return alive


def _zombie(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_serve_stops_cleanly_on_signal(sig, portfolio_root, voila_base, tmp_path):
    env = served.jupyter_env(voila_base / f"cli-{sig.name}")
    # A copy: aipo serve renders its saved page (.aipo-page/) into the folder it serves, and the
    # shared servers of the other tests must keep serving the live page.
    ws = served.copy_workspace(portfolio_root / "support-summaries", tmp_path / "ws")
    proc, port, kids = _start_cli(ws, env)
    try:
        # Both pool kernels have built the page and wait for a visitor: stopping them then
        # once printed a traceback each.
        seen = []
        deadline = time.monotonic() + served.SERVER_START_S
        while sum("page ready" in line for line in seen) < 2 and time.monotonic() < deadline:
            seen.append(proc.stdout.readline())
        # Ctrl-C in a terminal signals the foreground group; Voila runs in a session of its
        # own, so the CLI must stop it (and a SIGTERM from a supervisor must do the same).
        proc.send_signal(sig)
        rest, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, rest
        assert "Stopped." in rest
        assert served.port_free(port)
        assert _gone(kids) == [], "voila or a kernel outlived aipo serve"
        # What the person running it sees is the server's own lines, no noise: no traceback,
        # no warning about TCP kernels (they use Unix sockets), trust or deprecated options.
        log = "".join(seen) + rest
        for noise in ("Traceback", "Error", "without encryption", "not trusted",
                      "DeprecationWarning", "websocket_ping_timeout"):
            assert noise not in log, (noise, log)
    finally:
        for pid in [proc.pid, *kids]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        proc.wait()


def test_the_token_is_in_no_process_list_and_no_log_line(status_server):
    token = status_server.token
    pids = status_server.pids()
    assert pids
    for pid in pids:  # ps shows every local user these
        with contextlib.suppress(OSError):
            assert token.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes(), pid
    for pid in pids[1:]:  # the kernels do not inherit it either
        with contextlib.suppress(OSError):
            assert token.encode() not in Path(f"/proc/{pid}/environ").read_bytes(), pid
    import urllib.error
    import urllib.request

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    for path in ("voila/templates/..%2f..", "voila/templates/x", "logout", "no-such-page"):
        for query in (f"?token={token}", "?token=" + "w" * 32, ""):
            try:
                with opener.open(f"{status_server.base_url}/{path}{query}", timeout=10) as r:
                    status = r.status
            except urllib.error.HTTPError as exc:
                status = exc.code
            # Without the token: to the login page (302) or refused; with it: not found.
            assert status in (302, 403, 404), (path, query, status)
    status_server.fetch()  # a page view with the token
    log = status_server.log_text()
    assert token not in log
    assert "Traceback" not in log
