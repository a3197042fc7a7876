"""What is not passing, as text and Markdown: grouped per phase, worst first, units, no cuts."""

from __future__ import annotations

import re

from aipo_widgets.figures.problems import problems, problems_markdown, problems_text
from aipo_widgets.figures.trend_text import sparkline_text, trend_table
from aipo_widgets.figures.units import format_threshold, format_value, unit_of

LONG = ("rarest class 'hallucination': 12 rows (1.0%), below the minimum of 30 rows: the "
        "interval on its share will be wide. Review more outputs drawn as production comes; do "
        "not add outputs of one label on purpose, which would bias every label's share")


def _run() -> dict:
    warn = [{"name": f"warning {i}", "verdict": "warn", "figure": 1708996 + i,
             "threshold": "<= 1000000", "detail": f"reason {i}",
             "extra": {"metric": "npv"}} for i in range(20)]
    return {"id": "r9", "gates": [{"name": "kit phase notebooks present", "verdict": "warn",
                                   "phase": "workspace", "figure": 2, "threshold": "all 4"}],
            "phases": [
                {"phase": "discovery", "status": "ok", "html": "01_discovery.html",
                 "gates": [{"name": "ok", "verdict": "pass"}, *warn[:15]]},
                {"phase": "experiments", "status": "ok", "gates": [
                    {"name": "class balance", "verdict": "warn", "figure": 0.01,
                     "detail": LONG},
                    {"name": "correct share", "verdict": "fail", "figure": 0.874,
                     "threshold": ">= 0.9", "detail": "below | the criterion",
                     "extra": {"metric": "correct_share"}},
                    {"name": "old stop rule", "verdict": "warn",
                     "superseded_by": {"phase": "operate"}}]},
                {"phase": "rollout", "status": "error", "error": "RuntimeError: boom",
                 "error_cell": 4, "gates": []},
                {"phase": "operate", "status": "ok", "gates": warn[15:]}]}


UNITS = {"npv": "EUR", "correct_share": "share"}


def test_failures_first_then_warnings_per_phase_in_the_products_order() -> None:
    groups = problems(_run())
    assert [(g.phase, g.verdict) for g in groups] == [
        ("experiments", "fail"), ("rollout", "fail"), ("workspace", "warn"),
        ("discovery", "warn"), ("operate", "warn")]
    exp = groups[0]
    # failures before warnings inside a phase; the superseded gate counted, not listed
    assert [g["name"] for g in exp.gates] == ["correct share", "class balance"]
    assert exp.superseded == 1 and exp.failures == 1 and exp.warnings == 1
    assert groups[1].error == "RuntimeError: boom (in cell [4])" and groups[1].failures == 1
    assert groups[3].passed == 1
    # the product's current phase first among the phases as bad as each other
    assert [g.phase for g in problems(_run(), current="operate")][2:] == [
        "operate", "workspace", "discovery"]


def test_terminal_lists_every_failure_and_counts_warnings_past_the_limit() -> None:
    lines = problems_text(problems(_run()), units=UNITS, limit=10, more="all in summary.md")
    text = "\n".join(lines)
    assert lines[0] == "Not passing: 2 failures, 22 warnings"
    assert "    FAIL correct share (figure 87.4%, threshold >= 90%): below | the criterion" in text
    assert "    FAIL the notebook raised: RuntimeError: boom (in cell [4])" in text
    # a reason whole, never cut mid-sentence
    assert f"WARN class balance (figure 0.01): {LONG}" in text
    # figures with separators and units, never 1708996
    assert "figure 1,708,996 EUR, threshold <= 1,000,000 EUR" in text
    assert not re.search(r"\d{5,}", text.replace("1,708,99", ""))
    # 10 warnings listed in all; the rest counted per phase with where they all are
    assert sum(line.startswith("    WARN") for line in lines) == 10
    assert "    ... and 7 more warnings (all in summary.md)" in lines
    assert "    ... and 5 more warnings (all in summary.md)" in lines
    assert "  discovery: 15 warnings (1 passed)" in lines
    assert "  experiments: 1 failure, 1 warning (1 measured again by a later phase)" in lines


def test_markdown_lists_every_problem_escaped_with_the_report_link() -> None:
    md = problems_markdown(problems(_run()), units=UNITS,
                           report_link={"discovery": "01_discovery.html"}, level=3)
    assert md.count("| **WARN** |") == 22 and md.count("| **FAIL** |") == 2
    assert "### experiments: 1 failure, 1 warning" in md
    assert "| **FAIL** | correct share | 87.4% | >= 90% | below \\| the criterion |" in md
    assert "Report: [01\\_discovery.html](01_discovery.html)" in md
    assert LONG.replace("_", "\\_") in md
    for row in (ln for ln in md.splitlines() if ln.startswith("| **")):
        assert len(re.findall(r"(?<!\\)\|", row)) == 6, row  # five cells, pipes escaped


def test_nothing_to_say_when_everything_passed() -> None:
    run = {"id": "r", "phases": [{"phase": "discovery", "gates": [{"name": "a",
                                                                    "verdict": "pass"}]}]}
    assert problems(run) == []
    assert problems_text([]) == ["Not passing: nothing (every gate passed)"]
    assert problems_markdown([]) == "Every gate passed.\n"


def test_units_shares_money_scales_and_thresholds() -> None:
    assert format_value(0.274, "share") == "27.4%"
    assert format_value(9.768203333333334, "EUR") == "9.77 EUR"
    assert format_value(4.231577e-164) == "4.23e-164"
    assert format_threshold(">= 0.25", "share") == ">= 25%"
    assert format_threshold("<= 2000", "ms") == "<= 2,000 ms"
    assert format_threshold("stop if < 0.15", "share") == "stop if < 15%"
    assert format_threshold(">= 30 rows of the rarest class", "share") == (
        ">= 30 rows of the rarest class")  # not one comparison with a number in the unit
    units = {"csat": "1-5", "__currency__": "EUR"}
    assert unit_of("window_csat", units) == "1-5" and unit_of("expected_npv", units) == "EUR"
    assert unit_of("n_risks", units) == ""


def test_sparkline_and_trend_table() -> None:
    assert sparkline_text([3, 1, 2]) == "█▁▅"
    assert sparkline_text(["go", None]) == ""
    assert len(sparkline_text(range(100), width=30)) == 30
    lines = trend_table({"root_value": [9.768203333333334, 9.7, 9.8], "tier": ["limited"]},
                        {"root_value": "EUR"})
    assert len(lines) == 2  # the text figure is left out
    assert re.fullmatch(r"root_value +9\.8 EUR +▆▁█ +3 +9\.7 EUR to 9\.8 EUR", lines[1]), lines
