"""Shared fixtures: a small, commented workspace text and isolated Jupyter folders."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

SMALL = """\
# Ticket summaries: a small workspace for the tests.
schema_version: 1
product:
  name: Ticket summaries  # as stakeholders call it
  owner: Jana Keller
  phase: discovery
  start_date: 2026-09-01
metric_tree:
  root: cost_per_ticket
  nodes:
    # The business KPI at the root.
    - id: cost_per_ticket
      name: Cost per ticket
      unit: EUR
      designation: north_star
      direction: lower
      formula: handle_time_min / 60 * hourly_cost
    - id: handle_time_min
      name: Handling time
      unit: min
      designation: input
      direction: lower
      parent: cost_per_ticket
      baseline: 18.4
      target: 13.8
      guardrails: [reopen_rate]
    - id: hourly_cost
      name: Hourly cost
      unit: EUR
      parent: cost_per_ticket
      baseline: 52.0
    - id: reopen_rate
      name: Reopen rate
      designation: guardrail
      direction: lower
      parent: cost_per_ticket
      threshold: 0.08
acceptance_criteria:
  - id: AC1
    metric: handle_time_min
    operator: "<="
    value: 13.8
risks:
  # Keep the worst ones on top.
  - id: R1
    title: Summary invents facts
    category: model
    likelihood: 3  # possible
    impact: 4
  - id: R2
    title: Personal data leaves the EU
    category: legal_compliance
    likelihood: 2
    impact: 5
backlog:
  - id: B1
    title: PII filter before the LLM call
    type: risk
    mitigates: [R2]
"""


@pytest.fixture
def small_text() -> str:
    return SMALL


@pytest.fixture
def small_ws(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "aipo.yaml").write_text(SMALL, encoding="utf-8")
    return folder


@pytest.fixture(autouse=True)
def _isolated_jupyter(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    # Jupyter, IPython and matplotlib write into the home folder unless told otherwise.
    base = tmp_path_factory.getbasetemp() / "jupyter-home"
    for var, sub in [("JUPYTER_CONFIG_DIR", "config"), ("JUPYTER_DATA_DIR", "data"),
                     ("JUPYTER_RUNTIME_DIR", "runtime"), ("IPYTHONDIR", "ipython"),
                     ("MPLCONFIGDIR", "mpl")]:
        path = base / sub
        path.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(var, str(path))
    monkeypatch.setenv("MPLBACKEND", "agg")
    # The suite itself may run in GitHub Actions: its own `aipo run`s must not annotate that job
    # or write its summary (tests that want them set the variables themselves).
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    yield
    os.environ.pop("AIPO_TEST", None)
    # A phase opened in this process leaves its workspace's analysis cache open (in a kernel
    # there is one workspace); the next test starts without one.
    from aipo_widgets.model.cache import deactivate

    deactivate()


@pytest.fixture(autouse=True)
def _no_event_loop_left_by_the_browser_driver(request: pytest.FixtureRequest):
    """Run each test that drives no browser with no event loop marked as running.

    Playwright's sync API keeps its loop marked as running in the main thread between calls,
    so after a browser test ``asyncio.get_running_loop()`` finds it in plain Python tests too,
    and widgets defer work to a loop that never turns (``AipoWidget._later``). Browser tests
    (those using the driver or a browser made from it) keep it: Playwright needs it.
    """
    if {"playwright_session", "browser"} & set(request.fixturenames):
        yield
        return
    loop = asyncio._get_running_loop()
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


@pytest.fixture(scope="session")
def playwright_session():
    """The one Playwright driver of the test session.

    Playwright's sync API cannot run twice at once in one process, so every browser fixture
    (JupyterLab, Voila, reports) launches its Chromium from this shared driver.
    """
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def pg_server():
    """A real PostgreSQL server on a free local port, one per test run (tests/pg_server.py).

    Skips, saying why, when the server binaries are missing (`make test` installs them).
    """
    from pg_server import start, stop

    try:
        server = start()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        stop(server)


@pytest.fixture(scope="session")
def spark_session():
    """One pyspark session in local mode for the whole test run (Spark takes ~40 s to start).

    Skips, saying why, only when Java is missing (`make test` installs Debian's with apt when
    it may, .ci/ensure-java.sh); pyspark itself is in the test extra.
    """
    import shutil
    import subprocess

    java = (os.path.join(os.environ["JAVA_HOME"], "bin", "java")
            if os.environ.get("JAVA_HOME") else shutil.which("java"))
    if not java or subprocess.run([java, "-version"], capture_output=True,
                                  check=False).returncode != 0:
        pytest.skip("Java is missing, so Spark cannot run: sudo apt-get install -y "
                    "default-jre-headless (make test installs it when run as root)")
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("aipo-kit-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.sql.shuffle.partitions", "2")
               .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    try:
        yield session
    finally:
        session.stop()
