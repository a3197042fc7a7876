"""GitHub Actions: the job summary and annotations of a stored run, read back from the files.

The run is stored as `aipo run` writes it (results.json, reports/latest, the ledger), so no
notebook runs here; test_runner's failing-gate test runs `aipo run` itself with the variables
set and reads the same files back.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aipo_widgets.cli import main
from aipo_widgets.model.workspace import load
from aipo_widgets.pipeline.github import (
    ANNOTATIONS_PER_KIND,
    escape_data,
    escape_property,
    report_to_github,
    workflow_command,
)
from aipo_widgets.runs.ledger import Ledger
from aipo_widgets.runs.results import latest_run, run_problems

RUN_ID = "20261201T080000Z-ab12"


def store_run(ws: Path, run_id: str = RUN_ID, *, started: str = "2026-12-01T08:00:00+00:00",
              npv: float = 1708996.0, warnings: int = 2) -> dict:
    """Write a run as `aipo run` leaves it: its folder, results.json, latest and the ledger."""
    warn = [{"name": f"risk review {i}", "verdict": "warn", "figure": i + 1,
             "threshold": "0 overdue", "detail": f"R1 ({30 + i} days)\nsee 50% of it",
             "source": "risks[R1]"} for i in range(warnings)]
    run = {
        "id": run_id, "folder": str(ws), "started": started, "finished": started,
        "exit_code": 1, "verdict": "fail", "strict": False, "git_commit": None,
        "parameters": {}, "gates": [],
        "product_verdict": {
            "verdict": "fail", "phase": "discovery", "decision": "stop",
            "question": "Continue to experiments, or not?", "headline": "Stop: no baseline",
            "owner": "Jana Keller", "due": None, "run": run_id, "housekeeping": [],
            "blocking": [{"phase": "discovery", "name": "handling time", "verdict": "fail",
                          "detail": "", "source": "", "evidence": ""}]},
        "phases": [
            {"phase": "discovery", "notebook": "01_discovery.ipynb", "status": "ok",
             "verdict": "fail", "seconds": 12.34, "html": "01_discovery.html",
             "figures": {"expected_npv": npv, "open_risks": 2},
             "gates": [
                 {"name": "handling time", "verdict": "fail", "figure": 17.6771,
                  "threshold": "<= 13.8", "detail": "above the criterion, by 3.88 min",
                  "source": "acceptance_criteria[AC1]",
                  "extra": {"metric": "handle_time_min"}},
                 {"name": "baseline measured", "verdict": "pass", "figure": 18.4},
                 *warn]},
            {"phase": "experiments", "notebook": "02_experiments.ipynb", "status": "ok",
             "verdict": "warn", "seconds": 3.0, "html": "02_experiments.html",
             "figures": {"expected_npv": npv},
             "gates": [{"name": "class balance", "verdict": "warn", "figure": 0.01,
                        "detail": "12 rows: the interval on its share will be wide"}]}]}
    folder = ws / "reports" / run_id
    folder.mkdir(parents=True)
    (folder / "results.json").write_text(json.dumps(run), encoding="utf-8")
    latest = ws / "reports" / "latest"
    latest.unlink(missing_ok=True)
    latest.symlink_to(run_id)
    with Ledger(ws / "reports" / "ledger.sqlite") as ledger:
        ledger.add_run(run)
    return run


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


@pytest.fixture
def actions(small_ws: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A GitHub Actions job as the runner sets it up: the repository is the workspace's parent."""
    summary = tmp_path / "step_summary.md"
    summary.write_text("earlier step\n", encoding="utf-8")
    for key, value in {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary),
                       "GITHUB_WORKSPACE": str(small_ws.parent),
                       "GITHUB_SERVER_URL": "https://github.com",
                       "GITHUB_REPOSITORY": "acme/tickets", "GITHUB_RUN_ID": "4242"}.items():
        monkeypatch.setenv(key, value)
    return summary


def test_escaping_follows_githubs_workflow_commands() -> None:
    assert escape_data("100% sure\r\nnext") == "100%25 sure%0D%0Anext"
    assert escape_property("rollout: go, or not%") == "rollout%3A go%2C or not%25"
    # A message may hold ':' and ',' as they are; only a property needs them escaped.
    assert workflow_command("error", "a: b, c", file="x.yaml", line=3, title="t: 1,2") == (
        "::error file=x.yaml,line=3,title=t%3A 1%2C2::a: b, c")
    assert workflow_command("notice", "x") == "::notice::x"


def test_job_summary_and_annotations_point_at_the_rules(small_ws: Path, actions: Path) -> None:
    run = store_run(small_ws)
    lines = report_to_github(run, run_problems(small_ws, run), load(small_ws))
    text = (small_ws / "aipo.yaml").read_text(encoding="utf-8")
    errors = [ln for ln in lines if ln.startswith("::error ")]
    warnings = [ln for ln in lines if ln.startswith("::warning ")]
    assert len(errors) == 1 and len(warnings) == 3
    # The failure points at its acceptance criterion's line in aipo.yaml, relative to the repo.
    assert errors[0] == (
        f"::error file=ws/aipo.yaml,line={line_of(text, 'id: AC1')},title=discovery%3A handling"
        " time::handling time (figure 17.7 min, threshold <= 13.8 min): above the criterion, by "
        "3.88 min")
    # A warning with a line break and a percent sign stays on one line, escaped.
    assert warnings[0] == (
        f"::warning file=ws/aipo.yaml,line={line_of(text, 'id: R1')},title=discovery%3A risk "
        "review 0::risk review 0 (figure 1, threshold 0 overdue): R1 (30 days)%0Asee 50%25 of it")
    # A gate without a rule in aipo.yaml points at its phase notebook.
    assert warnings[2].startswith("::warning file=ws/notebooks/02_experiments.ipynb,title=")
    summary = actions.read_text(encoding="utf-8")
    assert summary.startswith("earlier step\n## aipo: Ticket summaries: FAIL\n")  # appended
    assert "> **Verdict: FAIL. Stop: no baseline**" in summary
    assert "**Not passing: 1 failure, 3 warnings** of 5 gates" in summary
    assert "| discovery | FAIL | 1 | 2 | `ws/reports/20261201T080000Z-ab12/01_discovery.html` |" \
        in summary
    assert "### discovery: 1 failure, 2 warnings (1 passed)" in summary
    assert "| **FAIL** | handling time | 17.7 min | \\<= 13.8 min | above the criterion, by " \
        "3.88 min |" in summary
    assert "| **WARN** | class balance | 0.01 |" in summary
    assert "https://github.com/acme/tickets/actions/runs/4242#artifacts" in summary


def test_annotations_past_githubs_limit_are_counted(small_ws: Path, actions: Path) -> None:
    run = store_run(small_ws, warnings=14)
    lines = report_to_github(run, run_problems(small_ws, run), load(small_ws))
    assert sum(ln.startswith("::warning ") for ln in lines) == ANNOTATIONS_PER_KIND
    assert lines[-1].startswith("::notice title=aipo%3A more problems::5 more warnings than "
                                "GitHub shows")
    assert actions.read_text().count("| **WARN** |") == 15  # the summary has every one


def test_outside_github_actions_nothing_is_written(small_ws: Path, actions: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "false")
    run = store_run(small_ws)
    assert report_to_github(run, run_problems(small_ws, run), load(small_ws)) == []
    assert actions.read_text() == "earlier step\n"


def test_status_problems_shows_only_what_does_not_pass(small_ws: Path,
                                                       capsys: pytest.CaptureFixture) -> None:
    store_run(small_ws)
    assert main(["status", str(small_ws), "--problems"]) == 0
    out = capsys.readouterr().out
    assert "baseline measured" not in out and "PASS" not in out
    body = out[out.index("Not passing"):].splitlines()
    assert body[:3] == [
        "Not passing: 1 failure, 3 warnings",
        "  discovery: 1 failure, 2 warnings (1 passed)",
        "    FAIL handling time (figure 17.7 min, threshold <= 13.8 min): above the criterion, "
        "by 3.88 min"]
    assert "  experiments: 1 warning" in body


def test_status_lists_what_does_not_pass_first_with_formatted_figures(
        small_ws: Path, capsys: pytest.CaptureFixture) -> None:
    store_run(small_ws)
    assert main(["status", str(small_ws)]) == 0
    out = capsys.readouterr().out
    gates = [ln.strip() for ln in out.splitlines() if ln.startswith("    [")]
    assert [g.split("]")[0] for g in gates[:4]] == ["[FAIL", "[WARN", "[WARN", "[PASS"]
    assert "discovery: FAIL (12.3 s)" in out
    assert "17.6771" not in out and "figure 17.7 min" in out


def test_trend_formats_values_and_draws_a_sparkline(small_ws: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    with (small_ws / "aipo.yaml").open("a", encoding="utf-8") as fh:
        fh.write("business_case:\n  currency: EUR\n")
    for i, npv in enumerate([1200000.0, 1500000.0, 1708996.0]):
        store_run(small_ws, f"2026120{i + 1}T080000Z-ab12", npv=npv,
                  started=f"2026-12-0{i + 1}T08:00:00+00:00")
    assert main(["status", str(small_ws), "--trend"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Key figures across 3 run(s)")
    row = next(ln for ln in out.splitlines() if "expected_npv" in ln)
    # one value a run (two phases record it), the currency of the workspace, a sparkline
    assert re.fullmatch(r"  expected_npv +1,708,996 EUR +▁▅█ +3 +1,200,000 EUR to 1,708,996 EUR",
                        row), row
    assert main(["status", str(small_ws), "--trend", "expected_npv"]) == 0
    out = capsys.readouterr().out
    assert "2026-12-03 08:00  20261203T080000Z-ab12  discovery    1,708,996 EUR" in out
    assert "1708996" not in out
    assert out.splitlines()[-1] == "expected_npv: ▁▁▅▅██  (6 value(s), oldest first)"
    assert main(["status", str(small_ws), "--trend", "handling time"]) == 0  # a gate's figure
    assert "17.7" in capsys.readouterr().out
    assert main(["status", str(small_ws), "--trend", "expected_np"]) == 2
    assert "did you mean 'expected_npv'" in capsys.readouterr().err
    assert main(["status", str(small_ws), "--trend", "--json"]) == 0
    series = json.loads(capsys.readouterr().out)
    assert [p["value"] for p in series["expected_npv"]] == [1200000.0, 1500000.0, 1708996.0]


def test_latest_run_is_what_was_stored(small_ws: Path) -> None:
    assert latest_run(small_ws) is None
    store_run(small_ws)
    assert latest_run(small_ws)["id"] == RUN_ID
