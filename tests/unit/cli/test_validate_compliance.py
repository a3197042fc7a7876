"""`aipo validate` checks the questionnaire's answers: ids, values, contradictions, with lines."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

AIPO = [sys.executable, "-m", "aipo_widgets.cli"]

COMPLIANCE = """\
compliance:
  ai_act:
    answers:
      is_ai_system: false
      art5_c_social_scoring: true
      annex3_areas: [none]
      annex3_employment: [4a]
      eu_nexsu: true
      deep_fake: maybe
"""


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([*AIPO, *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=120)


def line_of(text: str, needle: str) -> int:
    return next(i for i, ln in enumerate(text.splitlines(), 1) if needle in ln)


def test_validate_reports_answer_problems_with_file_line_and_fix(small_ws: Path) -> None:
    path = small_ws / "aipo.yaml"
    text = path.read_text() + COMPLIANCE
    path.write_text(text)
    proc = run("validate", str(small_ws))
    assert proc.returncode == 2, proc.stdout
    assert "Traceback" not in proc.stderr
    errors = [ln for ln in proc.stderr.splitlines() if ln.startswith("error: ")]
    expected = {
        "compliance.ai_act.answers.eu_nexsu": ("eu_nexsu:", "did you mean 'eu_nexus'?"),
        "compliance.ai_act.answers.deep_fake": ("deep_fake:", "answer true, false or 'unsure'"),
        "compliance.ai_act.answers.is_ai_system": ("is_ai_system:", "Art 3(1)"),
        "compliance.ai_act.answers.annex3_employment": ("annex3_employment:",
                                                        "add 'employment' to annex3_areas"),
    }
    assert len(errors) == len(expected), errors
    for field, (needle, fix) in expected.items():
        (line,) = [e for e in errors if f": {field}: " in e]
        assert f"{path}:{line_of(text, needle)}:" in line, line
        assert fix in line, line


def test_validate_json_lists_answer_problems(small_ws: Path) -> None:
    path = small_ws / "aipo.yaml"
    path.write_text(path.read_text() + COMPLIANCE)
    proc = run("validate", str(small_ws), "--json")
    assert proc.returncode == 2
    result = json.loads(proc.stdout)
    assert result["valid"] is False
    codes = sorted(p["code"] for p in result["problems"])
    assert codes == ["bad_answer", "contradiction", "contradiction", "unknown_answer"]
    assert all(isinstance(p["line"], int) and p["file"] == str(path)
               for p in result["problems"])


HEALTH_SOURCE = """\
data_map:
  sources:
    - id: tickets
      name: Tickets
      personal_data: true
      lawful_basis: contract
      special_categories: [health]
      art9_condition: explicit_consent
"""


def test_validate_warns_of_a_health_source_without_a_risk(small_ws: Path) -> None:
    path = small_ws / "aipo.yaml"
    text = path.read_text() + HEALTH_SOURCE
    path.write_text(text)
    proc = run("validate", str(small_ws))
    assert proc.returncode == 0, proc.stderr  # valid, but said
    warnings = [ln for ln in proc.stdout.splitlines() if ln.startswith("warning: ")]
    (risk,) = [w for w in warnings if "data_map.sources[0].risks" in w]
    assert f"{path}:{line_of(text, '- id: tickets')}:" in risk
    assert "special categories (health, GDPR Art 9)" in risk and "risks" in risk
    # Linked to a risk of the register, the warning goes.
    path.write_text(text + "      risks: [R2]\n")
    proc = run("validate", str(small_ws))
    assert "data_map.sources[0].risks" not in proc.stdout
    # An unknown risk id is an error at its line.
    path.write_text(text + "      risks: [R9]\n")
    proc = run("validate", str(small_ws))
    assert proc.returncode == 2
    assert "data_map.sources[0].risks[0]: names risk 'R9', which is not in risks" in proc.stderr
