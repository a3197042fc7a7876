"""Phase notebooks that `aipo init` copied into a workspace with 0.1.0 keep running for a release.

tests/notebooks/v0_1_0/ holds the 0.1.0 templates as they shipped (git: templates/notebooks/ before
the layout of issue 12). They import the kit by its 0.1.0 paths (aipo_widgets.phases,
aipo_widgets.metric_tree, aipo_widgets.pipeline.record ...): those paths still import, and warn.
"""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path

import papermill
import pytest

from aipo_widgets import _deprecated
from aipo_widgets.runs.results import read_results

OLD = Path(__file__).parent / "v0_1_0"

# Every 0.1.0 path a template imports, with a name it takes from there.
PATHS = {
    "aipo_widgets.phases": "load_frames", "aipo_widgets.workspace": "find",
    "aipo_widgets.metric_tree": "Tree", "aipo_widgets.business_case": "analyse",
    "aipo_widgets.backlog": "score_workspace", "aipo_widgets.risk": "Register",
    "aipo_widgets.compliance": "classify_workspace", "aipo_widgets.sources": "quality_gates",
    "aipo_widgets.acceptance": "check_acceptance", "aipo_widgets.conditions": "condition_gate",
    "aipo_widgets.evaluation": "check_gold_set", "aipo_widgets.fairness": "group_metrics",
    "aipo_widgets.thresholds": "optimal_threshold", "aipo_widgets.drift": "Reference",
    "aipo_widgets.docs": "documentation_gate", "aipo_widgets.pipeline.record": "record",
    "aipo_widgets.gates": "Gate",
}
# 0.1.0 paths that did not move (nothing to warn about).
UNCHANGED = {"aipo_widgets.widgets"}


def _imports(path: Path) -> set[str]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    found = set()
    for cell in nb["cells"]:
        for line in "".join(cell["source"]).splitlines():
            words = line.split()
            if words[:1] == ["from"] and words[1].startswith("aipo_widgets"):
                found |= {f"{words[1]}.{n.strip(',')}" if words[1] == "aipo_widgets"
                          else words[1] for n in words[3:]}
    return found


def test_every_0_1_0_import_path_is_covered():
    used = set().union(*(_imports(p) for p in sorted(OLD.glob("*.ipynb"))))
    assert used == set(PATHS) | UNCHANGED, used ^ (set(PATHS) | UNCHANGED)


@pytest.mark.parametrize("path", sorted(PATHS))
def test_an_old_path_warns_and_hands_out_the_new_object(path):
    import importlib
    import sys

    sys.modules.pop(path, None)
    with pytest.warns(DeprecationWarning, match=f"{path}.* is the 0.1.0 path.*goes in "
                      f"{_deprecated.REMOVED_IN}.*aipo_widgets.notebook"):
        module = importlib.import_module(path)
        obj = getattr(module, PATHS[path])
    assert obj.__module__.startswith("aipo_widgets.") and ".v0_1_0" not in obj.__module__
    assert not obj.__module__.startswith(path + ".") or path == "aipo_widgets.gates"


def test_a_name_that_never_was_there_is_an_attribute_error():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        from aipo_widgets import metric_tree
    with pytest.raises(AttributeError, match=r"moved to aipo_widgets\.analysis\.metric_tree"):
        metric_tree.no_such_name  # noqa: B018


@pytest.mark.slow
@pytest.mark.parametrize(("name", "phase"), [
    ("01_discovery", "discovery"),
    ("02_experiments", "experiments"),
    ("03_rollout", "rollout"),
    ("04_operate", "operate"),
])
def test_a_0_1_0_notebook_runs_and_warns(tmp_path: Path, name: str, phase: str) -> None:
    from aipo_widgets.cli import main

    folder = tmp_path / "support"
    assert main(["init", str(folder), "--example", "support-summaries"]) == 0
    notebook = folder / "notebooks" / f"{name}.ipynb"
    shutil.copyfile(OLD / f"{name}.ipynb", notebook)  # as a 0.1.0 workspace has it
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(str(notebook), str(out), parameters={"n_boot": 100},
                               cwd=str(notebook.parent), progress_bar=False)
    executed = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in executed["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    stderr = "".join("".join(o["text"]) for o in outputs if o.get("name") == "stderr")
    assert "DeprecationWarning: aipo_widgets.phases is the 0.1.0 path" in stderr
    assert "aipo_widgets.notebook" in stderr
    (recorded,) = read_results(executed)  # the last cell's record() reached the pipeline
    assert recorded["phase"] == phase and recorded["gates"]
    if phase == "operate":
        _same_operate_verdicts(folder, recorded["gates"])


def _same_operate_verdicts(folder: Path, recorded: list[dict]) -> None:
    """0.1.0's operate helpers decide as the current template does: on windows, on evidence."""
    from aipo_widgets.notebook.operate import Operate

    now = Operate.open(folder, strict=False)
    now.drift()
    now.latest_window(n_boot=100)
    now.alerts()
    now.retrain()
    kinds = ("alert ", "kill switch ", "cost per use", "latency p", "retrain")
    ours = {g.name: (g.verdict, g.figure) for g in now.gates if g.name.startswith(kinds)}
    theirs = {g["name"]: (g["verdict"], g["figure"]) for g in recorded
              if g["name"].startswith(kinds)}
    assert ours and theirs == ours
