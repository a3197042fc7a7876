"""The `aipo` command as a person uses it: exit codes, messages, never a traceback."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from aipo_widgets import __version__
from aipo_widgets.cli import main

AIPO = [sys.executable, "-m", "aipo_widgets.cli"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([*AIPO, *args], capture_output=True, text=True, cwd=cwd,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=120)


def assert_no_traceback(proc: subprocess.CompletedProcess) -> None:
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_help_lists_every_command_with_its_purpose() -> None:
    proc = run("--help")
    assert proc.returncode == 0
    for command in ("init", "validate", "schema"):
        assert f"    {command}" in proc.stdout
    assert "create a workspace folder" in proc.stdout


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture) -> None:
    assert main([]) == 2
    assert "COMMAND" in capsys.readouterr().out


def test_schema_is_json_schema_with_descriptions(tmp_path: Path) -> None:
    proc = run("schema")
    assert proc.returncode == 0
    schema = json.loads(proc.stdout)
    assert schema["title"].startswith("AIPO workspace")
    risk = schema["$defs"]["Risk"]["properties"]
    assert "description" in risk["likelihood"]
    # every field of every model has a description
    for name, model in schema["$defs"].items():
        for field, spec in model.get("properties", {}).items():
            assert spec.get("description"), f"{name}.{field} has no description"
    out = tmp_path / "aipo.schema.json"
    assert main(["schema", "-o", str(out)]) == 0
    assert json.loads(out.read_text()) == schema


@pytest.mark.parametrize("example", ["support-summaries", "predictive-maintenance", "blank"])
def test_init_then_validate(tmp_path: Path, example: str) -> None:
    target = tmp_path / "x"
    proc = run("init", str(target), "--example", example)
    assert proc.returncode == 0, proc.stderr
    assert (target / "aipo.yaml").is_file()
    for sub in ("data", "notebooks", "reports"):
        assert (target / sub).is_dir()
    assert not any((target / "reports").iterdir())
    assert sorted(p.name for p in (target / "notebooks").glob("*.ipynb")) == [
        "01_discovery.ipynb", "02_experiments.ipynb", "03_rollout.ipynb", "04_operate.ipynb"]
    workflow = (target / ".github" / "workflows" / "aipo.yml").read_text()
    assert "aipo run" in workflow and "--phase operate" in workflow and "cron:" in workflow
    assert f'AIPO_KIT: "aipo-kit=={__version__}"' in workflow  # pinned, see test_ci_workflow
    assert "installs 'aipo-kit==" in proc.stdout
    # the analysis cache copies the sources' rows: never committed by a `git add .`
    assert "reports/cache/" in (target / ".gitignore").read_text().splitlines()
    proc = run("validate", str(target))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("\n") == 1 and ": valid (" in proc.stdout
    proc = run("validate", str(target / "aipo.yaml"), "--json")
    assert json.loads(proc.stdout)["valid"] is True


def test_init_refuses_a_non_empty_folder_and_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    proc = run("init", str(tmp_path), "--example", "blank")
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert "is not empty; nothing was written" in proc.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_init_unknown_example(tmp_path: Path) -> None:
    proc = run("init", str(tmp_path / "y"), "--example", "chatbot")
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert "unknown example 'chatbot'" in proc.stderr and "support-summaries" in proc.stderr
    assert not (tmp_path / "y").exists()


def test_init_into_a_file_path(tmp_path: Path) -> None:
    f = tmp_path / "file"
    f.write_text("x")
    proc = run("init", str(f))
    assert proc.returncode == 2
    assert_no_traceback(proc)


def test_init_without_permission(tmp_path: Path) -> None:
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    proc = run("init", str(locked / "ws"))
    assert proc.returncode == 2
    assert_no_traceback(proc)


def test_validate_prints_every_problem_and_exits_2(small_ws: Path) -> None:
    path = small_ws / "aipo.yaml"
    path.write_text(path.read_text().replace("likelihood: 3", "likelihood: 7")
                    .replace("impact: 4", "impact: high"))
    proc = run("validate", str(small_ws))
    assert proc.returncode == 2
    assert_no_traceback(proc)
    lines = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    assert len(lines) == 2
    assert "risks[0].likelihood: must be an integer from 1 to 5, got 7" in lines[0]
    assert f"{path}:" in lines[0]
    assert "2 problems." in proc.stderr


def test_validate_json_lists_problems(small_ws: Path) -> None:
    path = small_ws / "aipo.yaml"
    path.write_text(path.read_text().replace("likelihood: 3", "likelihood: 7"))
    proc = run("validate", str(small_ws), "--json")
    assert proc.returncode == 2
    result = json.loads(proc.stdout)
    assert result["valid"] is False
    (problem,) = result["problems"]
    assert problem["path"] == "risks[0].likelihood"
    assert isinstance(problem["line"], int) and isinstance(problem["column"], int)


@pytest.mark.parametrize(
    "content",
    ["product: [1\n", "product: !!python/object/apply:os.system ['true']\n", "", "\x00\x01"],
)
def test_validate_bad_files(tmp_path: Path, content: str) -> None:
    (tmp_path / "aipo.yaml").write_text(content)
    proc = run("validate", str(tmp_path))
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert proc.stderr.startswith("error: ")


def test_validate_missing_path(tmp_path: Path) -> None:
    proc = run("validate", str(tmp_path / "nope"))
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert "aipo init" in proc.stderr


def test_unknown_command_and_missing_argument_exit_2() -> None:
    for args in (["frobnicate"], ["validate"], ["init"]):
        proc = run(*args)
        assert proc.returncode == 2
        assert_no_traceback(proc)
        assert "--help" in proc.stderr


def test_reader_leaving_early_is_not_an_error() -> None:
    # `aipo schema | head`: the read end of the pipe is closed before aipo writes to it.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        proc = subprocess.run([*AIPO, "schema"], stdout=write_end, stderr=subprocess.PIPE,
                              text=True, timeout=120)
    finally:
        os.close(write_end)
    assert proc.stderr == ""  # neither "error: Broken pipe" nor a traceback
    assert proc.returncode == 141  # what a shell reports for SIGPIPE, as `yes | head` does


def test_report_of_a_broken_workspace_exits_2_and_writes_nothing(small_ws: Path,
                                                                 tmp_path: Path) -> None:
    path = small_ws / "aipo.yaml"
    path.write_text(path.read_text().replace("likelihood: 3", "likelihood: 7"))
    out = tmp_path / "status.html"
    proc = run("report", str(small_ws), "--html", str(out))
    assert proc.returncode == 2
    assert_no_traceback(proc)
    assert f"{path}:" in proc.stderr  # the problem line, as aipo validate prints it
    assert "risks[0].likelihood: must be an integer from 1 to 5, got 7" in proc.stderr
    assert "Wrote" not in proc.stdout and not out.exists()


def test_validate_warns_about_missing_data_files(tmp_path: Path) -> None:
    target = tmp_path / "x"
    assert run("init", str(target), "--example", "support-summaries").returncode == 0
    (target / "data" / "gold_reviews.csv").unlink()
    proc = run("validate", str(target))
    # Still valid (a production log, say, only exists after go-live), but said, with the line.
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert ": valid (" in lines[0] and len(lines) == 2
    assert re.fullmatch(r"warning: .*aipo\.yaml:\d+:\d+: data_map\.sources\[\d\]\.location: "
                        r"data source 'gold_reviews': data/gold_reviews\.csv does not exist "
                        r"\(yet\) \(put the file there .*\)", lines[1]), lines[1]
    report = json.loads(run("validate", str(target), "--json").stdout)
    assert report["valid"] is True
    assert [w["code"] for w in report["warnings"]] == ["missing_data"]


def test_status_opens_with_the_products_one_verdict(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture) -> None:
    # A product in operation whose drift says "retrain" reads "Retrain needed", not "go".
    (tmp_path / "aipo.yaml").write_text(
        "product: {name: Pumps, owner: Stefan, phase: operate}\n", encoding="utf-8")
    run_dir = tmp_path / "reports" / "20261201T000000Z-abcd"
    run_dir.mkdir(parents=True)
    (tmp_path / "reports" / "latest").symlink_to(run_dir.name)
    results = {"id": run_dir.name, "started": "2026-12-01T00:00:00", "verdict": "warn",
               "exit_code": 0, "gates": [], "phases": [
                   {"phase": "rollout", "status": "ok", "verdict": "pass", "seconds": 1,
                    "gates": [{"name": "go / no-go", "verdict": "pass", "figure": "go"}]},
                   {"phase": "operate", "status": "ok", "verdict": "warn", "seconds": 1,
                    "gates": [{"name": "retrain", "verdict": "warn", "figure": "retrain now",
                               "detail": "the data set has drifted"}]}]}
    (run_dir / "results.json").write_text(json.dumps(results), encoding="utf-8")
    assert main(["status", str(tmp_path)]) == 0
    first, second = capsys.readouterr().out.splitlines()[:2]
    assert first == ("Pumps, phase operate: Keep it running, retrain it, or pull the kill "
                     "switch? (Stefan)")
    assert second == "  WARN: Retrain needed: the data set has drifted"
