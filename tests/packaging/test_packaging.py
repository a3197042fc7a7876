"""The wheel carries everything, and the kit works after a plain `pip install .` elsewhere."""

from __future__ import annotations

import json
import os
import re
import site
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out),
         str(ROOT)],
        check=True, capture_output=True, timeout=300,
    )
    (whl,) = out.glob("*.whl")
    return whl


@pytest.mark.slow
def test_wheel_contains_templates_playbooks_apps_examples(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in ("templates/notebooks", "playbooks", "voila_apps"):
        shipped = [f for f in (ROOT / folder).rglob("*") if f.is_file()]
        assert shipped, folder
        for f in shipped:
            inside = "aipo_widgets/_data/" + f.relative_to(ROOT).as_posix()
            assert inside in names, inside
    for example in ("support_summaries", "predictive_maintenance", "blank"):
        assert f"aipo_widgets/examples/{example}/aipo.yaml" in names
    # The front-end files the widgets and the pages read at run time (JavaScript, CSS).
    for folder in ("aipo_widgets/widgets/static", "aipo_widgets/pages/static"):
        shipped = [f for f in (ROOT / folder).iterdir() if f.suffix in (".js", ".css")]
        assert shipped, folder
        for f in shipped:
            assert f.relative_to(ROOT).as_posix() in names, f
    # The AI-product panel's server extension is enabled by installing, with no further step.
    config = "etc/jupyter/jupyter_server_config.d/aipo_widgets.json"
    (entry,) = [n for n in names if n.endswith(".data/data/" + config)]
    enabled = json.loads(zipfile.ZipFile(wheel).read(entry))["ServerApp"]["jpserver_extensions"]
    assert enabled == {"aipo_widgets.pipeline.lab": True}
    # The panel, prebuilt: JupyterLab lists it enabled after pip install, with no build.
    panel = ".data/data/share/jupyter/labextensions/aipo-kit-panel/"
    assert any(n.endswith(panel + "package.json") for n in names)
    assert any(panel + "static/remoteEntry." in n for n in names)
    # PEP 561: type checkers read the kit's own annotations only when the marker ships.
    assert "aipo_widgets/py.typed" in names
    meta = next(n for n in names if n.endswith(".dist-info/METADATA"))
    metadata = zipfile.ZipFile(wheel).read(meta).decode()
    assert "License-Expression: MIT" in metadata
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert any(n.endswith("entry_points.txt") for n in names)


@pytest.mark.slow
def test_plain_install_works_from_another_folder(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    # The dependencies come from this environment (no network needed); the kit itself only
    # from the wheel, installed non-editable.
    (py_lib,) = (venv / "lib").glob("python3*")
    (py_lib / "site-packages" / "deps.pth").write_text(
        "\n".join(site.getsitepackages()) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps",
                    "--target", str(py_lib / "site-packages"), str(wheel)],
                   check=True, timeout=300)
    # pip --target does not write console scripts: call the entry point as `aipo` would.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH",)}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    python = str(venv / "bin" / "python")
    code = "import sys; from aipo_widgets.cli import main; sys.exit(main(sys.argv[1:]))"
    probe = subprocess.run([python, "-c", "import aipo_widgets; print(aipo_widgets.__file__)"],
                           cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert str(venv) in probe.stdout, "the kit must come from the installed wheel"
    proc = subprocess.run([python, "-c", code, "init", "x", "--example", "predictive-maintenance"],
                          cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    proc = subprocess.run([python, "-c", code, "validate", "x"], cwd=elsewhere, env=env,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert (elsewhere / "x" / "data").is_dir()
    templates = subprocess.run(
        [python, "-c", "from aipo_widgets.resources import resource_dir as r; "
         "print(r('templates'), r('playbooks'), r('voila_apps'))"],
        cwd=elsewhere, env=env, capture_output=True, text=True, check=True)
    assert "_data/templates" in templates.stdout and str(ROOT) not in templates.stdout


def test_test_files_have_unique_names():
    # pytest imports test files by basename (rootdir conftest, no packages), so
    # two files of one name stop the whole run at collection.
    tests = Path(__file__).resolve().parents[1]
    seen: dict[str, Path] = {}
    for path in sorted(tests.rglob("test_*.py")):
        assert path.name not in seen, f"{path} and {seen[path.name]} share a name"
        seen[path.name] = path


def test_make_test_type_checks_the_package():
    # `make test` runs mypy over the package (configured in pyproject.toml) before pytest, and
    # the wheel ships py.typed (test_wheel_contains_templates_playbooks_apps_examples).
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\ntest:", 1)[1].split("\n\n", 1)[0]
    assert "-m mypy" in recipe
    assert (ROOT / "aipo_widgets" / "py.typed").is_file()


def test_the_shipped_panel_is_built_from_its_sources():
    # tools/build_labextension.sh records what it built from; a change to labextension/ that
    # was not rebuilt would ship the old panel.
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        from labextension_digest import digest
    finally:
        sys.path.pop(0)
    built = (ROOT / "aipo_widgets" / "labextension" / "source-digest.txt").read_text().strip()
    assert built == digest(), "run tools/build_labextension.sh and commit its output"


def test_the_project_cites_no_research_notes_outside_it():
    # A fact carried over stands with its public source; notes beside the checkout are not
    # part of the project and are gone for anyone who clones it.
    notes = re.compile(r"DOMAIN\.md|ANCHORS\.md|STYLE\.md|JUPYTER-STACK|shared/research")
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True,
                             check=True).stdout.split()
    found = [f"{name}:{i}" for name in tracked
             if not name.startswith("aipo_widgets/labextension/")
             and (ROOT / name).is_file() and name != "tests/packaging/test_packaging.py"
             for i, line in enumerate((ROOT / name).read_text(errors="ignore").splitlines(), 1)
             if notes.search(line)]
    assert found == []
