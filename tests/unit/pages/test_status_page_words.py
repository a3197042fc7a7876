"""The status page after one run: no "no run" sentence, the worst first, words for empty tables."""

from __future__ import annotations

import json
from pathlib import Path

from aipo_widgets.examples import write_example
from aipo_widgets.pages.status import status_sections
from aipo_widgets.runs.ledger import Ledger

RUN = "20261207T080000Z-abcd"


def _one_run(folder: Path) -> dict[str, str]:
    run = {"id": RUN, "started": "2026-12-07T08:00:00", "verdict": "fail", "phases": [
        {"phase": "discovery", "status": "ok", "verdict": "fail", "seconds": 1.0, "gates": [
            {"name": "a warning first", "verdict": "warn", "detail": "w"},
            {"name": "a pass", "verdict": "pass", "detail": "p"},
            {"name": "a failure later", "verdict": "fail", "detail": "f"}]}]}
    (folder / "reports" / RUN).mkdir(parents=True)
    (folder / "reports" / RUN / "results.json").write_text(json.dumps(run), encoding="utf-8")
    (folder / "reports" / "latest").symlink_to(RUN)
    with Ledger(folder / "reports" / "ledger.sqlite") as ledger:
        ledger.add_run(run)
    return {title: str(body) for title, body in status_sections(folder)}


def test_one_run_of_the_blank_example_reads_right(tmp_path: Path) -> None:
    write_example("blank", tmp_path)
    page = _one_run(tmp_path)
    trends = page["Trends across runs"]
    assert "No run recorded yet" not in trends and "No North Star" in trends, trends
    assert "<svg" not in trends  # no picture whose heading repeats the section's
    gates = page["Gates of the last run"]
    attention = gates[gates.index("What needs attention"):gates.index("<details>")]
    assert attention.index("a failure later") < attention.index("a warning first")
    assert "a pass" not in attention
    for title in ("Risks: matrix and the top five", "Backlog: the top of the ranking",
                  "Rollout: stages and exit criteria"):
        assert ">None.<" not in page[title], (title, page[title])
    assert "No rollout stages yet." in page["Rollout: stages and exit criteria"]
