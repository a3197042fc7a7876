"""The AI-product panel in real JupyterLab in Chromium: there after pip install, shows the
workspace's verdict, and runs a phase whose new gates it then shows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import lab
import pytest

pytestmark = pytest.mark.browser

RUN_MS = 600_000  # a phase run on a loaded two-core machine


def test_jupyter_lists_the_panel_enabled() -> None:
    out = subprocess.run([sys.executable, "-m", "jupyter", "labextension", "list"],
                         capture_output=True, text=True, check=True)
    line = next(x for x in (out.stdout + out.stderr).splitlines() if "aipo-kit-panel" in x)
    assert "enabled" in line and "OK" in line


def test_the_panel_shows_the_verdict_and_runs_a_phase(page, lab_server: lab.LabServer,
                                                      panel_ws: Path) -> None:
    name = f"{panel_ws.name}/notebooks/01_discovery.ipynb"
    page.goto(lab_server.notebook_url(name))
    tab = page.locator('li[data-id="aipo-panel"]')
    tab.wait_for(timeout=lab.KERNEL_IDLE_MS)
    assert page.js_errors == []
    tab.click()
    panel = page.locator("#aipo-panel")
    panel.locator("h2", has_text="Ticket summaries").wait_for(timeout=lab.KERNEL_IDLE_MS)
    verdict = panel.locator(".aipo-verdict")
    assert verdict.get_attribute("data-verdict") in ("pass", "warn", "fail")
    assert verdict.locator("strong").inner_text() in ("PASS", "WARN", "FAIL")
    assert "No run yet" in panel.inner_text()
    lab.screenshot(panel, "panel-before-run")

    panel.get_by_role("button", name="Run discovery").click()
    output = panel.locator(".aipo-panel-output")
    page.wait_for_function(
        "() => /\\(exit [01]\\)/.test(document.querySelector('.aipo-panel-output').textContent)",
        timeout=RUN_MS)
    assert "aipo run --phase discovery" in output.inner_text()
    panel.get_by_text("Evidence from run").wait_for(timeout=lab.KERNEL_IDLE_MS)
    gates = panel.locator(".aipo-gate")
    assert gates.count() >= 1
    # a gate opens the phase notebook that recorded it
    gates.first.locator("button").click()
    page.wait_for_function(
        "(p) => window.jupyterapp.shell.currentWidget.context.path === p",
        arg=name, timeout=lab.ROUND_TRIP_MS)
    lab.screenshot(panel, "panel-after-run")
    assert page.js_errors == []

    # aipo.yaml changed outside the panel (another tab, git, an editor): it follows by itself
    yaml = panel_ws / "aipo.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8").replace(
        "name: Ticket summaries", "name: Ticket summaries v2", 1), encoding="utf-8")
    # within the 4 s the panel waits between looks, plus its refresh (which renders the
    # documents, as the first load did: the same budget)
    panel.locator("h2", has_text="Ticket summaries v2").wait_for(timeout=lab.KERNEL_IDLE_MS)
    assert page.js_errors == []
