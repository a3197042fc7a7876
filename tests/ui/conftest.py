"""Fixtures of the browser tests: one JupyterLab server per session, a fresh page per test.

Skipped, with the reason, when /usr/bin/chromium or Playwright is missing. Screenshots go to
``test-artifacts/`` (git-ignored).
"""

from __future__ import annotations

import shutil
import sys
import uuid
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import lab

_MISSING = lab.browser_missing()


@pytest.fixture(scope="session")
def lab_server(tmp_path_factory: pytest.TempPathFactory):
    if _MISSING:
        pytest.skip(_MISSING)
    server = lab.LabServer(tmp_path_factory.mktemp("lab")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(lab_server: lab.LabServer, playwright_session):
    b = lab.launch_browser(playwright_session)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def page(browser, lab_server: lab.LabServer, request: pytest.FixtureRequest):
    context = browser.new_context(viewport={"width": 1500, "height": 1100})
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.js_errors = errors  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        failed = getattr(request.node, "rep_call", None)
        if failed is not None and failed.failed:
            lab.ARTIFACTS.mkdir(exist_ok=True)
            pg.screenshot(path=str(lab.ARTIFACTS / f"FAILED-{request.node.name}.png"),
                          full_page=True)
        context.close()
        # One kernel per test notebook: stop it now rather than at the end of the session.
        lab_server.shutdown_kernels()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)


@pytest.fixture
def example_ws(lab_server: lab.LabServer) -> Path:
    """A fresh copy of the support-summaries example inside the server's root."""
    from aipo_widgets.examples import write_example

    folder = lab_server.root / f"ws-{uuid.uuid4().hex[:8]}"
    write_example("support-summaries", folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)



@pytest.fixture
def maintenance_ws(lab_server: lab.LabServer) -> Path:
    """A fresh copy of the predictive-maintenance example (with its gold set)."""
    from aipo_widgets.examples import write_example

    folder = lab_server.root / f"pm-{uuid.uuid4().hex[:8]}"
    write_example("predictive-maintenance", folder)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def panel_ws(lab_server: lab.LabServer) -> Path:
    """A workspace made as a person makes one, with its phase notebooks, in the server's root."""
    import subprocess
    import sys
    import uuid

    folder = lab_server.root / f"panel-{uuid.uuid4().hex[:8]}"
    subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "init", str(folder), "--example",
                    "support-summaries"], check=True, capture_output=True)
    return folder
