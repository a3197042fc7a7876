"""The phase facades show their evidence as pictures where a table alone was shown."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

import aipo_widgets.notebook.operate as operate_module
import aipo_widgets.notebook.rollout as rollout_module
from aipo_widgets.examples import write_example
from aipo_widgets.notebook._phase import Picture
from aipo_widgets.notebook.operate import Operate
from aipo_widgets.notebook.rollout import Rollout
from aipo_widgets.runs.ledger import Ledger

SVG = "{http://www.w3.org/2000/svg}"


def texts(picture: Picture) -> list[str]:
    return [t.text or "" for t in ET.fromstring(picture.svg).iter(f"{SVG}text")]


@pytest.fixture(scope="module")
def maintenance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("pm") / "pm"
    write_example("predictive-maintenance", folder)
    return folder


def test_operate_draws_drift_with_each_columns_psi_over_runs(maintenance, monkeypatch) -> None:
    with Ledger(maintenance / "reports" / "ledger.sqlite") as ledger:
        ledger.add_run({"id": "r0", "started": "2026-11-01T08:00:00", "phases": [
            {"phase": "operate", "status": "ok", "gates": [],
             "figures": {"psi_temperature": 0.0412345}}]})
    shown: list = []
    monkeypatch.setattr(operate_module, "show", shown.append)
    phase = Operate.open(maintenance)
    frame = phase.drift()
    assert frame is not None
    (picture,) = [p for p in shown if isinstance(p, Picture)]
    assert picture.alt.startswith("Drift per column: 3 of 6 columns drifted")
    found = texts(picture)
    assert any(t.startswith("PSI over runs: 0.0412, now ") for t in found), found
    assert {"DRIFT", "ok"} <= set(found)
    # each column's PSI is recorded, so the next run has its trend
    assert {f"psi_{c}" for c in frame.index} <= set(phase.figures)


def test_rollout_draws_the_pilot_effect_against_its_target(maintenance, monkeypatch) -> None:
    shown: list = []
    monkeypatch.setattr(rollout_module, "show", shown.append)
    phase = Rollout.open(maintenance)
    phase.pilot(n_boot=100)
    (picture,) = [p for p in shown if isinstance(p, Picture)]
    found = texts(picture)
    assert "target 30%" in found
    # one plant per arm: the estimate without an interval, and the picture says why
    assert any("no interval possible" in t for t in found), found
    assert phase.effect_view()[0]["low"] is None
