"""The AI-product panel's server extension, in the session's real JupyterLab server.

Enabled by installing the kit (no configuration here): the handlers answer with the
workspace's verdict, run the kit's commands, and refuse unauthenticated, cross-site and
out-of-root requests.
"""

from __future__ import annotations

import http.cookiejar
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import lab
import pytest


def _call(server: lab.LabServer, method: str, path: str, body: Any = None, *,
          token: bool = True, opener: Any = None) -> tuple[int, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"token {server.token}"
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{server.url}{path}", data=data, method=method,
                                 headers=headers)
    try:
        with (opener or urllib.request.build_opener()).open(req, timeout=120) as r:
            return r.status, json.loads(r.read() or b"null")
    except urllib.error.HTTPError as exc:
        return exc.code, None


def _wait(server: lab.LabServer, job: str, timeout_s: float = 600) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        status, state = _call(server, "GET", f"/aipo/api/jobs/{job}")
        assert status == 200
        if state["done"]:
            return state
        time.sleep(0.5)
    raise AssertionError(f"job {job} did not finish in {timeout_s} s")


def _rel(server: lab.LabServer, path: Path) -> str:
    return urllib.parse.quote(str(path.relative_to(server.root)))


def test_the_panel_data_names_the_product_and_its_verdict(lab_server: lab.LabServer,
                                                          panel_ws: Path) -> None:
    nb = _rel(lab_server, panel_ws / "notebooks" / "01_discovery.ipynb")
    status, state = _call(lab_server, "GET", f"/aipo/api/workspace?path={nb}")
    assert status == 200
    assert state["workspace"] == panel_ws.name
    assert state["product"]["name"] == "Ticket summaries"
    assert state["verdict"]["verdict"] in ("pass", "warn", "fail")
    assert state["day"].startswith(("day ", "no start date"))
    # a folder without a workspace answers, with nothing to show
    status, none = _call(lab_server, "GET", "/aipo/api/workspace?path=")
    assert (status, none) == (200, {"workspace": None})


def test_unauthenticated_cross_site_and_outside_requests_are_refused(
        lab_server: lab.LabServer, panel_ws: Path) -> None:
    ws = _rel(lab_server, panel_ws)
    assert _call(lab_server, "GET", f"/aipo/api/workspace?path={ws}", token=False)[0] == 403
    assert _call(lab_server, "POST", "/aipo/api/jobs", {"path": ws, "command": "validate"},
                 token=False)[0] == 403
    assert _call(lab_server, "GET", "/aipo/api/workspace?path=../..")[0] == 403
    # a browser session (login cookie) whose POST lacks the XSRF token: a cross-site request
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{lab_server.url}/lab?token={lab_server.token}", timeout=60).read()
    assert any(c.name == "_xsrf" for c in jar)
    status, _ = _call(lab_server, "POST", "/aipo/api/jobs", {"path": ws, "command": "validate"},
                      token=False, opener=opener)
    assert status == 403
    assert _call(lab_server, "POST", "/aipo/api/jobs", {"path": ws, "command": "rm -rf"})[0] \
        == 400


def test_validate_and_a_phase_run_from_the_panel(lab_server: lab.LabServer,
                                                 panel_ws: Path) -> None:
    ws = str(panel_ws.relative_to(lab_server.root))
    status, job = _call(lab_server, "POST", "/aipo/api/jobs", {"path": ws, "command": "validate"})
    assert status == 202
    done = _wait(lab_server, job["job"])
    assert done["exit_code"] == 0, done["lines"]
    assert any("valid" in line for line in done["lines"])

    before = _call(lab_server, "GET", f"/aipo/api/workspace?path={urllib.parse.quote(ws)}")[1]
    status, job = _call(lab_server, "POST", "/aipo/api/jobs",
                        {"path": ws, "command": "run", "phase": "discovery"})
    assert status == 202
    # one command at a time on a workspace
    assert _call(lab_server, "POST", "/aipo/api/jobs", {"path": ws, "command": "docs"})[0] == 409
    done = _wait(lab_server, job["job"])
    assert done["exit_code"] in (0, 1), done["lines"]
    assert any(line.startswith("run ") for line in done["lines"])
    after = _call(lab_server, "GET", f"/aipo/api/workspace?path={urllib.parse.quote(ws)}")[1]
    assert before["run"] is None or after["run"]["id"] != before["run"]["id"]
    assert after["run"] is not None
    assert any(g["phase"] == "discovery" and g["notebook"] == "notebooks/01_discovery.ipynb"
               for g in after["gates"]), after["gates"]


@pytest.mark.parametrize("phase", ["../x", "a b"])
def test_a_phase_is_a_name(lab_server: lab.LabServer, panel_ws: Path, phase: str) -> None:
    ws = str(panel_ws.relative_to(lab_server.root))
    assert _call(lab_server, "POST", "/aipo/api/jobs",
                 {"path": ws, "command": "run", "phase": phase})[0] == 400
