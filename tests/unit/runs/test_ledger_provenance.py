"""The ledger keeps where each gate's figure came from, and the product's verdict after a run."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from aipo_widgets.evidence import Gate, Provenance
from aipo_widgets.runs.ledger import Ledger
from aipo_widgets.runs.results import Results

MEASURED = {"kind": "measured", "source": "sensor_log", "start": "2026-11-01",
            "end": "2026-11-30", "rows": 17400}


def _run(run_id: str) -> dict:
    return {"id": run_id, "started": "2026-12-01T08:00:00Z", "verdict": "warn",
            "product_verdict": {"verdict": "warn", "decision": "retrain",
                                "headline": "Retrain needed"},
            "phases": [{"phase": "operate", "status": "ok", "verdict": "warn", "seconds": 1,
                        "gates": [{"name": "drift", "verdict": "warn", "figure": 0.33,
                                   "provenance": MEASURED},
                                  {"name": "alarm fatigue", "verdict": "warn", "figure": 148,
                                   "provenance": {"kind": "typed", "source": "x.current"}},
                                  {"name": "owner named", "verdict": "pass"}],
                        "figures": {}}]}


def test_provenance_and_the_product_verdict_round_trip(tmp_path: Path) -> None:
    with Ledger(tmp_path / "ledger.sqlite") as ledger:
        ledger.add_run(_run("r1"))
        gates = ledger.gates("r1")
        (run,) = ledger.runs()
    assert [g["provenance"] for g in gates] == [MEASURED, {"kind": "typed", "source": "x.current"},
                                               None]
    assert run["product_verdict"]["decision"] == "retrain"


def test_a_ledger_written_before_provenance_gets_the_columns(tmp_path: Path) -> None:
    db = tmp_path / "ledger.sqlite"
    con = sqlite3.connect(db)
    con.executescript(
        "CREATE TABLE runs (id TEXT PRIMARY KEY, started TEXT NOT NULL, finished TEXT, "
        "exit_code INTEGER, git_commit TEXT, parameters TEXT, strict INTEGER, verdict TEXT);"
        "CREATE TABLE gates (run_id TEXT NOT NULL, phase TEXT NOT NULL, name TEXT NOT NULL, "
        "verdict TEXT NOT NULL, figure TEXT, threshold TEXT, detail TEXT);"
        "INSERT INTO runs VALUES ('r0', '2026-11-01', NULL, 0, NULL, '{}', 0, 'pass');"
        "INSERT INTO gates VALUES ('r0', 'operate', 'drift', 'pass', '0.1', NULL, '');")
    con.close()
    with Ledger(db) as ledger:
        ledger.add_run(_run("r1"))
        assert ledger.gates("r0")[0]["provenance"] is None
        assert ledger.gates("r1")[0]["provenance"] == MEASURED
        assert ledger.runs()[0]["product_verdict"] is None


def test_a_notebooks_recorded_gates_show_their_provenance() -> None:
    typed = Provenance.typed("metric_tree.nodes[false_alarms_month].current")
    out = Results("operate", [Gate("alarm fatigue", "pass", figure=148, provenance=typed)])
    assert "typed in aipo.yaml at metric_tree.nodes[false_alarms_month].current" in out._html()
    assert "[typed in aipo.yaml at metric_tree" in out._text()
