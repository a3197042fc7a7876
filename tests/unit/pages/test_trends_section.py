"""The status page follows the figures that decide across runs, from the run ledger."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from aipo_widgets.examples import write_example
from aipo_widgets.model.workspace import load
from aipo_widgets.pages.status import status_sections
from aipo_widgets.pages.trends import trend_series
from aipo_widgets.runs.ledger import Ledger

SVG = "{http://www.w3.org/2000/svg}"


def _run(run_id: str, day: str, figures: dict) -> dict:
    return {"id": run_id, "started": f"{day}T08:00:00", "verdict": "warn",
            "phases": [{"phase": "discovery", "status": "ok", "verdict": "warn", "gates": [],
                        "figures": {"expected_npv": figures.pop("expected_npv")}},
                       {"phase": "operate", "status": "ok", "verdict": "warn", "gates": [],
                        "figures": figures}]}


def test_the_root_npv_and_key_figures_across_runs(tmp_path: Path) -> None:
    write_example("predictive-maintenance", tmp_path)
    ws = load(tmp_path).workspace
    with Ledger(tmp_path / "reports" / "ledger.sqlite") as ledger:
        ledger.add_run(_run("r1", "2026-11-02", {"expected_npv": 13561630.4, "root_value":
                                                 1071342.123456, "drift_share": 0.5,
                                                 "window_precision": 0.048123}))
        ledger.add_run(_run("r2", "2026-11-09", {"expected_npv": 12000000.0, "root_value":
                                                 950000.0, "drift_share": 0.1666666,
                                                 "window_precision": 0.12}))
    series = trend_series(tmp_path, ws)
    names = [s["name"] for s in series]
    root = ws.metric(ws.metric_tree.root)
    assert names[:2] == [root.name, "Expected NPV"]
    assert "Share of drifted columns" in names
    assert all(len(s["points"]) == 2 for s in series)
    assert series[0]["target"] == root.target
    html = str(dict(status_sections(tmp_path))["Trends across runs"])
    svg = ET.fromstring(html[html.index("<svg"):html.index("</svg>") + 6])
    texts = [t.text for t in svg.iter(f"{SVG}text")]
    assert "13,561,630 EUR" in texts and "12,000,000 EUR" in texts
    assert "50%" in texts and "16.7%" in texts
    assert f"target {root.target:,.0f} EUR" in texts and "alert at 30%" in texts
    assert "1,071,342 EUR" in texts or "1,071,342" in " ".join(t or "" for t in texts)
    assert "One run so far" not in html


def test_no_ledger_says_so(tmp_path: Path) -> None:
    write_example("blank", tmp_path)
    html = str(dict(status_sections(tmp_path))["Trends across runs"])
    assert "No run recorded yet" in html
