"""The phase notebooks: papermill's contract, stored clean, and run end to end on both examples."""

from __future__ import annotations

import ast
import importlib.util
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import papermill
import pytest

from aipo_widgets.pipeline.runner import run_workspace
from aipo_widgets.resources import notebook_templates
from tests.conftest import ROOT

PHASES = ["01_discovery", "02_experiments", "03_rollout", "04_operate"]
EXAMPLES = ["support-summaries", "predictive-maintenance"]


def test_every_phase_has_a_template() -> None:
    assert [p.stem for p in notebook_templates()] == PHASES


@pytest.mark.parametrize("name", PHASES)
def test_papermill_contract(name: str) -> None:
    path = ROOT / "templates" / "notebooks" / f"{name}.ipynb"
    nb = nbformat.read(path, as_version=4)
    tagged = [c for c in nb.cells if "parameters" in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    params = papermill.inspect_notebook(str(path))
    for required in ("workspace", "as_of", "strict", "n_boot"):
        assert required in params
    for p in params.values():
        assert p["help"], f"{name}: parameter {p['name']} has no help"
        assert p["inferred_type_name"] != "None"
    assert nb.cells[0].cell_type == "markdown" and "What this step is for" in nb.cells[0].source


@pytest.mark.parametrize("name", PHASES)
def test_templates_are_stored_without_outputs(name: str) -> None:
    nb = nbformat.read(ROOT / "templates" / "notebooks" / f"{name}.ipynb", as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None


def load_builder():
    """Return ``tools/build_notebooks.py`` as a module (it lives outside the package)."""
    spec = importlib.util.spec_from_file_location("build_notebooks",
                                                  ROOT / "tools" / "build_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_template_has_its_source() -> None:
    builder = load_builder()
    assert [p.stem for p in builder.sources()] == PHASES


def test_templates_are_built_from_their_sources() -> None:
    assert load_builder().stale() == [], "run python tools/build_notebooks.py"


def test_a_changed_source_makes_its_notebook_stale(tmp_path: Path) -> None:
    builder = load_builder()
    src, out = tmp_path / "src", tmp_path / "out"
    shutil.copytree(ROOT / "templates" / "notebooks" / "src", src)
    out.mkdir()
    for name in PHASES:
        shutil.copy(ROOT / "templates" / "notebooks" / f"{name}.ipynb", out)
    assert builder.stale(out, src) == []
    text = (src / "03_rollout.py").read_text()
    (src / "03_rollout.py").write_text(text.replace("## 5. Go / no-go", "## 5. Go or no-go"))
    (out / "04_operate.ipynb").unlink()
    assert builder.stale(out, src) == ["03_rollout.ipynb", "04_operate.ipynb"]


def test_building_twice_gives_the_same_notebook() -> None:
    builder = load_builder()
    for source in builder.sources():
        first, second = builder.build(source), builder.build(source)
        assert first == second
        assert [c["id"] for c in first.cells] == [f"c{i:02d}" for i in range(len(first.cells))]
        assert set(first.metadata) == {"kernelspec", "language_info"}


@pytest.mark.parametrize("name", PHASES)
def test_a_template_imports_the_kit_only_through_its_phase_facade(name: str) -> None:
    source = ROOT / "templates" / "notebooks" / "src" / f"{name}.py"
    imported = set()
    for node in ast.walk(ast.parse(source.read_text())):
        if isinstance(node, ast.Import):
            imported |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add(node.module)
    kit = {m for m in imported if m.split(".")[0] == "aipo_widgets"}
    assert kit == {f"aipo_widgets.notebook.{name[3:]}"}, kit


def test_ruff_lints_the_notebook_sources() -> None:
    ruff = shutil.which("ruff") or str(Path(sys.executable).parent / "ruff")
    if not Path(ruff).exists():
        pytest.skip("ruff is not installed")
    proc = subprocess.run([ruff, "check", "--show-files", "."], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    listed = {Path(line.strip()).resolve() for line in proc.stdout.splitlines() if line.strip()}
    for name in PHASES:
        assert (ROOT / "templates" / "notebooks" / "src" / f"{name}.py").resolve() in listed


@pytest.fixture(scope="module", params=EXAMPLES)
def example_run(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    from aipo_widgets.cli import main

    folder = tmp_path_factory.mktemp("ex") / request.param
    assert main(["init", str(folder), "--example", request.param]) == 0
    run = run_workspace(folder, jobs=2, parameters={"n_boot": 200})
    return request.param, folder, run


@pytest.mark.slow
def test_aipo_run_passes_on_the_examples(example_run) -> None:
    name, folder, run = example_run
    errors = [(p.phase, p.error) for p in run.phases if p.status == "error"]
    assert not errors, errors
    assert run.exit_code == 0, run.failed_gates
    assert [p.phase for p in run.phases] == ["discovery", "experiments", "rollout", "operate"]
    out = folder / "reports" / run.id
    for phase in PHASES:
        html = (out / f"{phase}.html").read_text()
        assert len(html.encode()) < 1_000_000, f"{phase}.html is too big"
        assert not re.search(r"<script[^>]+src=\"https?://", html)
        assert "Traceback" not in html
    results = json.loads((out / "results.json").read_text())
    assert all(ph["gates"] for ph in results["phases"])
    if name == "predictive-maintenance":
        operate = next(ph for ph in results["phases"] if ph["phase"] == "operate")
        drift = next(g for g in operate["gates"] if g["name"].startswith("data drift"))
        assert drift["verdict"] == "warn" and drift["figure"] >= 0.3  # the drift is detected
    if name == "support-summaries":  # the evidence of a generative product (issue 17)
        gates = {g["name"]: g for ph in results["phases"] for g in ph["gates"]}
        agree = gates["reviewer agreement (Krippendorff's alpha)"]
        assert agree["verdict"] == "pass" and agree["ci"][0] >= 0.667
        assert gates["accepted on held-out items only"]["verdict"] == "pass"
        assert gates["candidates compared with the reference"]["figure"] == 4
        assert gates["accepted versions recorded"]["verdict"] == "pass"
        for safety in ("attack success rate", "over-blocking rate", "PII leak rate in outputs",
                       "PII filter false-negative rate"):
            assert gates[safety]["verdict"] == "pass" and gates[safety]["ci"], safety
        version = gates["production runs the accepted versions"]
        assert version["verdict"] == "pass" and version["provenance"]["kind"] == "measured"
        experiments = next(ph for ph in results["phases"] if ph["phase"] == "experiments")
        assert experiments["figures"]["gold_test_items"] == 800


@pytest.mark.slow
def test_html_shows_widgets_as_pictures(example_run) -> None:
    _, folder, run = example_run
    html = (folder / "reports" / run.id / "01_discovery.html").read_text()
    # The tree, the matrix and the backlog come out as images, not empty widget boxes.
    images = re.findall(r'<img alt="([^"]*)" class="aipo-static" src="data:image/', html)
    assert [alt.split(":")[0] for alt in images] == [
        "Metric tree", "Risk matrix (residual)", "Business case over 36 months",
        "NPV distribution over 5,000 Monte Carlo draws",
        "Backlog ranked by Value, risk, feasibility"]
    assert "application/vnd.jupyter.widget-view+json" not in html
    assert 'class="jupyter-widgets' not in html


# A cell that shows a raw value instead of a formatted one.
RAW_CELL = re.compile(r"<t[dh][^>]*>\s*(NaN|nan|None|True|False|NaT|<NA>)\s*</t[dh]>")
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?(?:e[+-]\d+)?")


def significant_digits(number: str) -> int:
    """Count the significant digits a formatted number shows (its integer digits all count)."""
    mantissa = number.lstrip("-").split("e")[0].replace(",", "")
    whole, _, decimals = mantissa.partition(".")
    if not decimals:
        return 0  # an integer keeps every digit
    return len((whole + decimals).lstrip("0"))


def check_report(html: str, digits: int) -> None:
    """A phase report reads like a report: summary and contents first, formatted tables."""
    body = html[html.index("<body"):]
    assert 'class="aipo-toc"' in body, "the report has no contents"
    verdict, toc, title = (body.index("aipo-verdict-box"), body.index('class="aipo-toc"'),
                           body.index("<h1"))
    assert verdict < toc < title, "the report opens with its summary, then its contents"
    ids = set(re.findall(r'id="([^"]+)"', body))
    for target in re.findall(r"href=['\"]#(aipo-[^'\"]+)['\"]", body):
        assert target in ids, f"a link of the summary or contents goes nowhere: #{target}"
    assert 'class="dataframe"' not in body, "a table in pandas' own repr"
    assert not RAW_CELL.search(body), RAW_CELL.search(body).group(0)
    for table in re.findall(r'<table class="aipo-table".*?</table>', body, re.S):
        first = re.findall(r"<tr><td[^>]*>([^<]*)</td>", table)
        assert first[:3] != ["0", "1", "2"], "a kit table shows the row index"
        for cell in re.findall(r'<td style="[^"]*text-align:right[^"]*">([^<]*)</td>', table):
            for number in NUMBER.findall(cell):
                assert significant_digits(number) <= digits, f"{cell!r} has too many digits"


@pytest.mark.slow
def test_reports_open_with_their_summary_and_show_kit_tables(example_run) -> None:
    from aipo_widgets.figures.tokens import NUMBER as NUMBER_TOKENS

    _, folder, run = example_run
    for phase in PHASES:
        html = (folder / "reports" / run.id / f"{phase}.html").read_text()
        check_report(html, NUMBER_TOKENS["digits"])


@pytest.mark.slow
def test_each_phase_report_draws_its_evidence(example_run) -> None:
    # The plots where tables alone were: the pictures' text alternatives name what they show.
    name, folder, run = example_run
    out = folder / "reports" / run.id

    def alts(phase: str) -> list[str]:
        html = (out / f"{phase}.html").read_text()
        return re.findall(r'<img alt="([^"]*)" class="aipo-static" src="data:image/', html)

    experiments = alts("02_experiments")
    for start in ("Fairness per group", "Business case over", "NPV distribution over"):
        assert any(a.startswith(start) for a in experiments), (start, experiments)
    rollout = alts("03_rollout")
    assert any(a.startswith("Pilot effect against its target") for a in rollout), rollout
    if name == "support-summaries":
        assert any(a.startswith("Cost per use against latency") for a in experiments)
    else:  # the maintenance product drifts in operation
        assert any(a.startswith("Drift per column: 3 of") for a in alts("04_operate"))


@pytest.mark.slow
def test_failing_acceptance_criterion_fails_the_run(tmp_path: Path) -> None:
    from aipo_widgets.cli import main

    folder = tmp_path / "pm"
    assert main(["init", str(folder), "--example", "predictive-maintenance"]) == 0
    yaml = folder / "aipo.yaml"
    text = yaml.read_text()
    assert "    value: 0.6\n" in text
    yaml.write_text(text.replace("    value: 0.6\n", "    value: 0.95\n", 1))
    proc = subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "run", str(folder),
                           "--phase", "experiments", "-p", "n_boot=200"],
                          capture_output=True, text=True, timeout=600)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    # the run names the failed criterion under its phase, with its figure and reason
    out = proc.stdout
    assert "experiments: 2 failures" in out
    failed = out[out.index("experiments: 2 failures"):]
    assert "FAIL At least 60 % of the pre-failure windows flagged" in failed
    assert "does not meet >= 0.95" in failed


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES)
def test_nbval_lax_on_the_examples(example: str, tmp_path: Path) -> None:
    from aipo_widgets.cli import main

    folder = tmp_path / example
    assert main(["init", str(folder), "--example", example]) == 0
    notebooks = sorted(str(p) for p in (folder / "notebooks").glob("*.ipynb"))
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--nbval-lax", *notebooks],
                          capture_output=True, text=True, timeout=900, cwd=folder)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert re.search(r"\d+ passed", proc.stdout)


def _without_reuse(gate: dict) -> dict:
    """A gate as computed, without what says that its analysis was reused."""
    gate = json.loads(json.dumps(gate))
    gate.get("extra", {}).pop("reused", None)
    prov = gate.get("provenance") or {}
    if "note" in prov:
        prov["note"] = re.sub(r"(; )?reused from run \S+, inputs unchanged", "", prov["note"])
        if not prov["note"]:
            del prov["note"]
    return gate


@pytest.mark.slow
def test_a_phase_run_again_reuses_its_analyses_with_the_same_gates(example_run) -> None:
    name, folder, run = example_run
    if name != "support-summaries":
        pytest.skip("one example is enough: the support example's discovery scans five sources")
    first = next(p for p in run.phases if p.phase == "discovery")
    assert first.cache and not any(u["reused"] for u in first.cache if u["kind"] == "pii")
    lines: list[str] = []
    again = run_workspace(folder, phases=["discovery"], parameters={"n_boot": 200},
                          progress=lines.append)
    (second,) = again.phases
    kinds = {u["kind"] for u in second.cache}
    assert {"source", "pii", "business_case"} <= kinds
    assert all(u["reused"] and u["run"] == run.id for u in second.cache), second.cache
    assert any(f"reused from run {run.id}: read of tickets" in line for line in lines), lines
    # every gate as before; those resting on a reused analysis say so in their provenance
    assert [_without_reuse(g) for g in second.gates] == [_without_reuse(g) for g in first.gates]
    assert second.figures == first.figures
    pii = next(g for g in second.gates if g["name"] == "personal data in tickets declared")
    assert pii["extra"]["reused"] == {"run": run.id, "analyses": ["PII scan of tickets"]}
    summary = (folder / "reports" / again.id / "summary.md").read_text()
    assert f"discovery: reused from run {run.id}: read of tickets" in summary
