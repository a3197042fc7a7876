"""The status page shows the plan with today's marker and who the decision waits for."""

from __future__ import annotations

from pathlib import Path

from aipo_widgets.examples import write_example
from aipo_widgets.pages.status import status_sections


def _plan(folder: Path) -> str:
    return str(dict(status_sections(folder))["Plan and sign-offs"])


def test_a_blank_workspace_waits_for_its_data_protection_officer(tmp_path: Path) -> None:
    write_example("blank", tmp_path)
    html = _plan(tmp_path)
    assert "<svg" in html and "Timeline of" in html
    assert "waiting for: data protection officer" in html


def test_an_example_with_its_sign_offs_waits_for_nobody(tmp_path: Path) -> None:
    write_example("predictive-maintenance", tmp_path)
    html = _plan(tmp_path)
    assert "No sign-off is waited for." in html
    assert "M5" in html or "Model retrained" in html  # its late milestone is on the timeline
