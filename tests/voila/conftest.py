"""Fixtures of the stakeholder-page tests: example workspaces with a run, one server per page.

One Voila server serves the status page of the support-summaries example, one serves the
portfolio of a folder holding both examples and a broken workspace; both live for the session
and are stopped by their process group in a finalizer. Browser tests are skipped, with the
reason, when /usr/bin/chromium or Playwright is missing.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import served

MISSING = served.browser_missing()


@pytest.fixture(scope="session")
def voila_base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session folder for Jupyter folders and server logs."""
    return tmp_path_factory.mktemp("voila")


@pytest.fixture(scope="session")
def finished_examples(request: pytest.FixtureRequest, voila_base: Path) -> Path:
    """Both examples with a finished ``aipo run`` (cached between sessions)."""
    store = getattr(request.config, "cache", None)  # None under -p no:cacheprovider
    cache = (Path(store.mkdir("aipo-voila-examples")) if store is not None
             else voila_base / "examples")
    env = served.jupyter_env(voila_base / "run-home")
    return served.run_examples(cache, env)


@pytest.fixture(scope="session")
def portfolio_root(finished_examples: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of workspaces: both examples (with their last run) and a broken one."""
    root = tmp_path_factory.mktemp("portfolio")
    for name in served.EXAMPLES:
        served.copy_workspace(finished_examples / name, root / name)
    served.write_broken(root / "broken")
    return root


def _serve(path: Path, base: Path, **kwargs):
    # Every visit leaves a kernel behind (Voila cannot shut it down when the page is left):
    # cull them soon, or a session of tests holds dozens.
    kwargs = {"cull_idle_seconds": 20, "cull_interval_seconds": 10, **kwargs}
    server = served.PageServer(path, base, **kwargs)
    server.start()
    return server


@pytest.fixture(scope="session")
def status_server(portfolio_root: Path, voila_base: Path):
    """``aipo serve`` on the support-summaries workspace (the status page)."""
    server = _serve(portfolio_root / "support-summaries", voila_base / "status")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def portfolio_server(portfolio_root: Path, voila_base: Path):
    """``aipo serve`` on the folder of workspaces (the portfolio page)."""
    server = _serve(portfolio_root, voila_base / "portfolio")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def browser(request: pytest.FixtureRequest):
    if MISSING:
        pytest.skip(MISSING)
    # One Playwright per process: share the session's when tests/conftest.py provides it
    # (tests/ui uses it too), else start one here.
    try:
        shared = request.getfixturevalue("playwright_session")
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        b = served.launch_browser(shared)
        try:
            yield b
        finally:
            b.close()
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = served.launch_browser(p)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A fresh browser context and page; its console, errors and requests are recorded."""
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    pg = context.new_page()
    pg.recorder = served.Recorder(pg)  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        rep = getattr(request.node, "rep_call", None)
        if rep is not None and rep.failed:
            served.screenshot(pg, f"FAILED-voila-{request.node.name}")
        context.close()


@pytest.hookimpl(hookwrapper=True, tryfirst=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    setattr(item, f"rep_{rep.when}", rep)
