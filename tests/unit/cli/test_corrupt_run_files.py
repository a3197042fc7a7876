"""A run file restored broken (a CI cache, a copy) is named with its fix: exit 2, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipo_widgets.cli import main

FIX = "delete it; the next aipo run writes it again"


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    folder = tmp_path / "ws"  # as aipo init makes it: with its phase notebooks
    assert main(["init", str(folder), "--example", "blank"]) == 0
    return folder


def _error(capsys: pytest.CaptureFixture, code: int) -> str:
    err = capsys.readouterr().err
    assert code == 2, err
    assert "internal error" not in err and "Traceback" not in err
    return err


def test_a_truncated_results_json_is_named_by_status_and_report(
        ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    run = ws / "reports" / "20261207T120000Z-abcd"
    run.mkdir(parents=True)
    (run / "results.json").write_text('{"id": "20261207T120000Z-abcd", "pha', encoding="utf-8")
    (ws / "reports" / "latest").symlink_to(run.name)
    for argv in (["status", str(ws)], ["status", str(ws), "--problems"],
                 ["report", str(ws), "--html", str(tmp_path / "page.html")]):
        err = _error(capsys, main(argv))
        assert f"{run / 'results.json'}: cannot be read" in err and FIX in err, (argv, err)


def test_a_ledger_that_is_no_database_is_named_by_status_run_and_report(
        ws: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    (ws / "reports").mkdir(exist_ok=True)
    ledger = ws / "reports" / "ledger.sqlite"
    ledger.write_text("garbage " * 200, encoding="utf-8")
    for argv in (["status", str(ws), "--trend"], ["run", str(ws)],
                 ["report", str(ws), "--html", str(tmp_path / "page.html")]):
        err = _error(capsys, main(argv))
        assert f"{ledger}: cannot be read: file is not a database" in err and FIX in err, (
            argv, err)
    # the run stopped before any notebook ran: no run folder
    assert sorted(p.name for p in (ws / "reports").iterdir()) == ["ledger.sqlite"]
