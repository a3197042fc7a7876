"""`aipo validate` warns, with file:line, when an alert rule or a kill-switch condition names a
metric that no declared source can measure (issue 13: it would only ever warn 'not measured')."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import aipo_widgets.examples as examples_pkg
from aipo_widgets.cli import main

EXAMPLES = Path(examples_pkg.__file__).parent


def copy(tmp_path: Path, name: str, old: str = "", new: str = "") -> tuple[Path, int]:
    src = EXAMPLES / name / "aipo.yaml"
    text = src.read_text(encoding="utf-8")
    line = 0
    if old:
        assert old in text
        line = text[: text.index(old)].count("\n") + 2
        text = text.replace(old, old + new, 1)
    shutil.copy(src, tmp_path / "aipo.yaml")
    (tmp_path / "aipo.yaml").write_text(text, encoding="utf-8")
    return tmp_path, line


@pytest.mark.parametrize("name", ["support_summaries", "predictive_maintenance"])
def test_the_examples_rules_are_all_measurable(tmp_path: Path, name: str,
                                               capsys: pytest.CaptureFixture) -> None:
    folder, _ = copy(tmp_path, name)
    assert main(["validate", str(folder)]) == 0
    assert "cannot be measured" not in capsys.readouterr().out


def test_an_alert_on_an_unmeasurable_metric_is_a_warning_with_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    folder, line = copy(tmp_path, "support_summaries", "  alert_rules:\n",
                        "    - {id: AX, metric: handle_time_reduction, operator: '<', "
                        "value: 0.1}\n")
    assert main(["validate", str(folder)]) == 0  # valid: a warning, not an error
    out = capsys.readouterr().out
    (warning,) = [w for w in out.splitlines() if "cannot be measured" in w]
    assert warning.startswith(f"warning: {folder / 'aipo.yaml'}:{line}:")
    assert "alert rule AX" in warning and "handle_time_reduction" in warning
    assert "metric_tree node 'handle_time_reduction'.measure" in warning  # what to declare


def test_a_kill_switch_condition_without_the_columns_it_needs_is_said(
        tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from aipo_widgets.analysis.monitored import production_source, unmeasurable
    from aipo_widgets.model.workspace import load

    folder, _ = copy(tmp_path, "support_summaries")
    ws = load(folder).workspace
    src = production_source(ws)
    src.status_column = None
    ws.kill_switch.conditions.append(ws.kill_switch.conditions[0].model_copy(
        update={"id": "KX", "metric": "timeout_rate"}))
    (problem,) = [p for p in unmeasurable(ws) if "KX" in p.message]
    assert problem.path.startswith("kill_switch.conditions[") and problem.path.endswith(".metric")
    assert f"data_map.sources[{src.id}].status_column" in problem.fix
