"""`aipo run` and `aipo status` on a workspace with small phase notebooks."""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from aipo_widgets.figures.verdict import verdict_markdown
from aipo_widgets.pipeline.runner import run_workspace

PARAMS = """\
workspace: str = ".."  # the workspace folder (aipo run injects its absolute path)
strict: bool = False  # warnings count as failures
fail_gate: bool = False  # make the gate fail (for the tests)
raise_error: bool = False  # make the notebook raise (for the tests)
as_of: str = ""  # the assessment date, YYYY-MM-DD; empty: today
n_boot: int = 1000  # bootstrap resamples
"""

BODY = """\
from aipo_widgets.evidence import Gate
from aipo_widgets.runs.results import record
from aipo_widgets.model.workspace import load
ws = load(workspace).workspace
if raise_error:
    raise RuntimeError("boom in {phase}")
n_risks = len(ws.risks)
gates = [Gate("risks registered", "fail" if fail_gate else "pass", figure=n_risks,
              threshold=">= 1")]
if fail_gate:  # a gate without figure or threshold, whose detail says what to fix
    gates.append(Gate("data source tickets readable", "fail",
                      detail="data/ticket.csv does not exist (check data_map.sources location)"))
import os
record("{phase}", gates, {{"n_risks": n_risks, "cwd": os.getcwd()}})
"""


def make_notebook(path: Path, phase: str) -> None:
    params = nbformat.v4.new_code_cell(PARAMS)
    params.metadata["tags"] = ["parameters"]
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell(f"# {phase}\nWhat this phase is for."),
        params,
        nbformat.v4.new_code_cell(BODY.format(phase=phase)),
    ])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, path)


@pytest.fixture
def ws_with_phases(small_ws: Path) -> Path:
    nbs = small_ws / "notebooks"
    nbs.mkdir()
    make_notebook(nbs / "01_discovery.ipynb", "discovery")
    make_notebook(nbs / "02_experiments.ipynb", "experiments")
    return small_ws


@pytest.mark.slow
def test_run_writes_reports_and_ledger(ws_with_phases: Path, monkeypatch) -> None:
    lines: list[str] = []
    here = Path.cwd()
    # The process's folder is shared by the phases' threads: it must never move (Papermill
    # "restores" it to where it already is, harmless).
    moved: list[str] = []
    monkeypatch.setattr(os, "chdir", lambda path: moved.append(str(path)))
    run = run_workspace(ws_with_phases, jobs=None, progress=lines.append)  # the CLI's default
    # warn, not pass: the workspace has two of the kit's four phase notebooks (exit 0 still)
    assert run.exit_code == 0 and run.verdict == "warn"
    assert [g["name"] for g in run.gates] == ["kit phase notebooks present"]
    assert all(ph.verdict == "pass" for ph in run.phases)
    # auto: one job per core this process may use, at most one per phase (two here)
    assert f"jobs={min(2, len(os.sched_getaffinity(0)))}" in lines[0]
    out = ws_with_phases / "reports" / run.id
    for name in ("01_discovery.ipynb", "01_discovery.html", "02_experiments.ipynb",
                 "02_experiments.html", "results.json", "summary.md"):
        assert (out / name).is_file(), name
    assert (ws_with_phases / "reports" / "latest").resolve() == out.resolve()
    # The run's own warning is listed with the phases' problems, with its reason.
    assert "### workspace: 1 warning" in (out / "summary.md").read_text()
    results = json.loads((out / "results.json").read_text())
    # The product's one verdict is kept with the run and opens its summary and phase reports.
    verdict = results["product_verdict"]
    assert verdict["phase"] == "discovery" and verdict["run"] == run.id
    summary = (out / "summary.md").read_text()
    # WARN: the missing kit phases weigh on the verdict as on the run.
    first = summary.split("\n")[2]
    assert first.startswith("> **Verdict: WARN. Continue to experiments, with conditions: ")
    assert first == verdict_markdown(verdict).split("\n")[0]
    lead = (out / "01_discovery.html").read_text()
    assert "aipo:lead" not in lead
    assert lead.index('class="aipo-verdict-box"') < lead.index("risks registered")
    gates = [g for ph in results["phases"] for g in ph["gates"]]
    assert [g["phase"] for g in gates] == ["discovery", "experiments"]
    assert gates[0]["figure"] == 2 and results["phases"][0]["figures"]["n_risks"] == 2
    # Each kernel ran in the notebooks' folder; this process stayed where it was (phases in
    # threads must not move it: Papermill's cwd= would).
    assert {ph["figures"]["cwd"] for ph in results["phases"]} == {
        str((ws_with_phases / "notebooks").resolve())}
    assert Path.cwd() == here and set(moved) <= {str(here)}, moved
    html = (out / "01_discovery.html").read_text()
    assert "risks registered" in html
    assert not re.search(r"<script[^>]+src=\"https?://", html)  # offline
    assert "from aipo_widgets" not in html  # code hidden by default
    assert len(html.encode()) < 1_000_000
    with sqlite3.connect(ws_with_phases / "reports" / "ledger.sqlite") as db:
        assert db.execute("SELECT count(*) FROM runs").fetchone() == (1,)
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


@pytest.mark.slow
def test_a_missing_kit_phase_is_a_warning_that_strict_fails(ws_with_phases: Path,
                                                            tmp_path: Path) -> None:
    from aipo_widgets.resources import resource_dir

    tmp = tmp_path / "tmp"  # where the kernels' private folders go
    tmp.mkdir()
    proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "run", str(ws_with_phases),
                           "--strict", "--jobs", "2"], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "TMPDIR": str(tmp)})
    assert proc.returncode == 1, proc.stderr  # not 0: CI would lose the rollout's go / no-go
    # Two kernels at once on Unix sockets: no TCP warning, and their folders are gone.
    assert "IPKernelApp" not in proc.stderr and "without encryption" not in proc.stderr
    assert not list(tmp.glob("aipo-kernel-*"))
    # the gate's line in the list of what did not pass, not the verdict's
    line = next(ln for ln in proc.stdout.splitlines() if ln.startswith("    WARN kit phase"))
    assert "Strict: warnings fail this run." in proc.stdout
    assert "  workspace: 1 warning" in proc.stdout.splitlines()
    assert line.startswith("    WARN kit phase notebooks present (figure 2, threshold "
                           "all 4): notebooks/03_rollout.ipynb, notebooks/04_operate.ipynb are "
                           "missing, so their phases and gates did not run")
    templates = resource_dir("templates") / "notebooks"
    assert (f"cp {templates / '03_rollout.ipynb'} {templates / '04_operate.ipynb'} "
            f"{ws_with_phases / 'notebooks'}") in line
    results = json.loads((ws_with_phases / "reports" / "latest" / "results.json").read_text())
    assert [(g["phase"], g["verdict"]) for g in results["gates"]] == [("workspace", "warn")]
    summary = (ws_with_phases / "reports" / "latest" / "summary.md").read_text()
    assert "| **WARN** | kit phase notebooks present | 2 | all 4 |" in summary
    proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "status",
                           str(ws_with_phases)], capture_output=True, text=True, timeout=120)
    assert "workspace: [WARN] kit phase notebooks present" in proc.stdout


@pytest.mark.slow
def test_failing_gate_exits_1_and_names_it(ws_with_phases: Path, tmp_path: Path) -> None:
    # In a GitHub Actions job (the variables as the runner sets them), with a job summary that
    # an earlier step wrote to.
    step_summary = tmp_path / "step_summary.md"
    step_summary.write_text("earlier step\n", encoding="utf-8")
    actions = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(step_summary),
               "GITHUB_WORKSPACE": str(ws_with_phases.parent)}
    proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "run", str(ws_with_phases),
                           "--phase", "discovery", "-p", "fail_gate=true"],
                          capture_output=True, text=True, timeout=300,
                          env={**os.environ, **actions})
    assert proc.returncode == 1, proc.stderr
    out = proc.stdout.splitlines()
    # grouped per phase, failures with their figures and reasons
    assert "Not passing: 2 failures" in out and "  discovery: 2 failures" in out
    assert "    FAIL risks registered (figure 2, threshold >= 1)" in out
    # why the gate failed, not "(figure None, threshold None)"
    assert ("    FAIL data source tickets readable: data/ticket.csv does not exist "
            "(check data_map.sources location)") in out
    assert "None" not in proc.stdout
    # GitHub's annotations: at the notebook (these gates name no rule in aipo.yaml)
    assert "::error file=ws/notebooks/01_discovery.ipynb,title=discovery%3A risks registered::" \
        "risks registered (figure 2, threshold >= 1)" in out
    assert sum(ln.startswith("::error ") for ln in out) == 2
    job = step_summary.read_text(encoding="utf-8")
    assert job.startswith("earlier step\n## aipo: Ticket summaries: FAIL\n")
    assert "**Not passing: 2 failures** of 2 gates" in job
    assert "| **FAIL** | data source tickets readable | — | — | data/ticket.csv does not " \
        "exist (check data\\_map.sources location) |" in job
    assert "discovery" in proc.stderr and "s " in proc.stderr  # progress with elapsed time
    assert "IPKernelApp" not in proc.stderr  # ipykernel 7 warns of a kernel on plain TCP
    summary = (ws_with_phases / "reports" / "latest" / "summary.md").read_text()
    assert "| **FAIL** | risks registered | 2 | >= 1 |" in summary
    assert "data/ticket.csv does not exist" in summary
    assert "n/a" not in summary
    proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "status",
                           str(ws_with_phases)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert ("[FAIL] data source tickets readable: data/ticket.csv does not exist "
            "(check data_map.sources location)") in proc.stdout
    assert "None" not in proc.stdout


@pytest.mark.slow
def test_raising_notebook_exits_3_and_other_phases_run(ws_with_phases: Path) -> None:
    nb_path = ws_with_phases / "notebooks" / "01_discovery.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells[1].source = nb.cells[1].source.replace("raise_error: bool = False",
                                                    "raise_error: bool = True")
    nbformat.write(nb, nb_path)
    run = run_workspace(ws_with_phases, jobs=2)
    assert run.exit_code == 3
    disc, exp = run.phases
    assert disc.status == "error" and "boom in discovery" in disc.error
    assert exp.status == "ok" and exp.verdict == "pass"
    kept = nbformat.read(ws_with_phases / "reports" / run.id / "01_discovery.ipynb", 4)
    assert any(o.get("output_type") == "error" for c in kept.cells for o in c.get("outputs", []))
    summary = (ws_with_phases / "reports" / run.id / "summary.md").read_text()
    assert "Notebooks that raised" in summary and "cell [" in summary
    proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "status",
                           str(ws_with_phases)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    # not just ERROR: what was raised, in which cell, and where the executed notebook is
    line = next(ln for ln in proc.stdout.splitlines() if "boom" in ln)
    assert "RuntimeError: boom in discovery (in cell [" in line
    assert str(ws_with_phases / "reports" / run.id / "01_discovery.ipynb") in line


@pytest.mark.slow
def test_ledger_grows_and_status_trend_reads_it(ws_with_phases: Path) -> None:
    first = run_workspace(ws_with_phases, phases=["02_experiments"])
    for _ in range(2):
        run_workspace(ws_with_phases, phases=["01_discovery"])
    proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "status",
                           str(ws_with_phases), "--trend", "n_risks", "--json"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    points = json.loads(proc.stdout)
    assert [p["value"] for p in points] == [2, 2, 2]  # one per run
    proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "status",
                           str(ws_with_phases), "--trend", "n_risk"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "did you mean 'n_risks'" in proc.stderr
    proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "status",
                           str(ws_with_phases)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0
    assert "[PASS] risks registered (figure 2, threshold >= 1)" in proc.stdout
    # The last run was of discovery only: status says where experiments stand.
    assert (f"experiments: not in this run; PASS in run {first.id}, where the status page "
            "and aipo docs take it from") in proc.stdout


def test_broken_workspace_runs_nothing(ws_with_phases: Path) -> None:
    yaml = ws_with_phases / "aipo.yaml"
    yaml.write_text(yaml.read_text().replace("likelihood: 3", "likelihood: 9"))
    proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "run", str(ws_with_phases)],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "must be an integer from 1 to 5, got 9" in proc.stderr
    assert not (ws_with_phases / "reports").exists()


def test_unknown_phase_and_bad_parameter(ws_with_phases: Path) -> None:
    for args, text in ([["--phase", "rolout"], "no phase notebook 'rolout'"],
                       [["-p", "oops"], "'oops' is not key=value"],
                       [["--jobs", "0"], "--jobs must be at least 1"],
                       [["--jobs", "two"], "expected a whole number or 'auto', got 'two'"],
                       # -p names and values are checked against the parameters cells
                       [["-p", "n_bot=2000"], "-p n_bot: no phase notebook of this run has a "
                        "parameter 'n_bot' (did you mean 'n_boot'? the notebooks' parameters "
                        "are: as_of, fail_gate, n_boot, raise_error, strict, workspace)"],
                       [["-p", "nonexistent_param=3"], "parameter 'nonexistent_param'"],
                       [["-p", "n_boot=abc"], "-p n_boot: expected a whole number (int), got "
                        "'abc' (01_discovery.ipynb declares n_boot: int = 1000  # bootstrap"],
                       [["-p", "as_of=notadate"], "-p as_of: expected a date written "
                        "YYYY-MM-DD, got 'notadate'"],
                       [["-p", "fail_gate=maybe"], "expected true or false (bool)"]):
        proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "run",
                               str(ws_with_phases), *args],
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 2, args
        assert text in proc.stderr
        assert "Traceback" not in proc.stderr
    assert not (ws_with_phases / "reports").exists()
    shutil.rmtree(ws_with_phases / "notebooks")


def test_parameters_get_the_types_the_kit_notebooks_declare() -> None:
    from aipo_widgets.errors import UsageError
    from aipo_widgets.pipeline.runner import check_parameters, parse_parameters
    from aipo_widgets.resources import notebook_templates

    given = parse_parameters(["n_boot=2000", "fairness_max_difference=0.2", "strict=yes",
                              "as_of=2026-11-26"])
    assert check_parameters(notebook_templates(), given) == {
        "n_boot": 2000, "fairness_max_difference": 0.2, "strict": True,
        "as_of": "2026-11-26"}
    # an empty date is the notebooks' default (settings.as_of, else today)
    assert check_parameters(notebook_templates(), parse_parameters(["as_of="])) == {"as_of": ""}
    # from Python, values of the declared type pass as they are
    assert check_parameters(notebook_templates(), {"n_boot": 200}) == {"n_boot": 200}
    with pytest.raises(UsageError) as err:
        check_parameters(notebook_templates(), {"as_of": "2026-13-01", "n_boot": 2.5,
                                                "pii_sampel": "10"})
    assert [p.path for p in err.value.problems] == ["-p as_of", "-p n_boot",
                                                    "-p pii_sampel"]
    assert "did you mean 'pii_sample'?" in str(err.value.problems[2])


@pytest.mark.slow
def test_kernels_listen_on_unix_sockets_in_a_private_folder(ws_with_phases: Path) -> None:
    nb_path = ws_with_phases / "notebooks" / "01_discovery.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(
        "import os\n"
        "from ipykernel.kernelapp import IPKernelApp\n"
        "app = IPKernelApp.instance()\n"
        "folder = os.path.dirname(app.connection_file)\n"
        "print(app.transport, oct(os.stat(folder).st_mode & 0o777), folder)"))
    nbformat.write(nb, nb_path)
    run = run_workspace(ws_with_phases, phases=["discovery"])
    assert run.exit_code == 0
    kept = nbformat.read(ws_with_phases / "reports" / run.id / "01_discovery.ipynb", 4)
    transport, mode, folder = kept.cells[-1].outputs[0]["text"].split()
    assert (transport, mode) == ("ipc", "0o700")
    assert not Path(folder).exists()  # removed with the kernel


def test_kernels_fall_back_to_tcp_when_a_socket_path_would_be_too_long(monkeypatch) -> None:
    import tempfile

    from aipo_widgets.pipeline.kernels import kernel_options

    kernel_options.cache_clear()
    try:
        assert "kernel_manager_class" in kernel_options()
        kernel_options.cache_clear()
        monkeypatch.setattr(tempfile, "tempdir", "/tmp/" + "x" * 80)
        assert kernel_options() == {}  # Papermill's TCP default: a socket path has 107 bytes
    finally:
        kernel_options.cache_clear()
