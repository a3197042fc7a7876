"""`aipo validate` parses and checks every formula, with its line and "did you mean" (issue 14)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import aipo_widgets.examples as examples_pkg
from aipo_widgets.cli import main

EXAMPLE = Path(examples_pkg.__file__).parent / "support_summaries" / "aipo.yaml"


def workspace(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    line = text[: text.index(old)].count("\n") + 1
    shutil.copy(EXAMPLE, tmp_path / "aipo.yaml")
    (tmp_path / "aipo.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path, line


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("formula: (handle_time_min + review_min)", "formula: (handle_tme_min + review_min)",
     ["uses 'handle_tme_min', which is not defined", "did you mean 'handle_time_min'?"]),
    ("formula: calls_per_ticket * cost_per_call",
     "formula: \"__import__('os').system('id')\"", ["is not allowed"]),
    ("formula: calls_per_ticket * cost_per_call", "formula: calls_per_ticket *",
     ["is not valid"]),
    ("formula: calls_per_ticket * cost_per_call", "formula: calls_per_ticket.real",
     ["attribute access"]),
    ("one_off_cost: build_cost + training_cost", "one_off_cost: build_cost + trainig_cost",
     ["uses 'trainig_cost'", "did you mean 'training_cost'?"]),
])
def test_validate_reports_a_bad_formula_with_its_line(tmp_path: Path, old: str, new: str,
                                                      expected: list[str],
                                                      capsys: pytest.CaptureFixture) -> None:
    folder, line = workspace(tmp_path, old, new)
    assert main(["validate", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"aipo.yaml:{line}:" in err, err
    for part in expected:
        assert part in err, err
    assert "Traceback" not in err


def test_the_examples_formulas_are_valid(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    shutil.copy(EXAMPLE, tmp_path / "aipo.yaml")
    assert main(["validate", str(tmp_path)]) == 0, capsys.readouterr().err
