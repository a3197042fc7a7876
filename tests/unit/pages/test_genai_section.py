"""The status page shows a reviewed product's safety figures beside its quality figures."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aipo_widgets.examples import write_example
from aipo_widgets.model.workspace import load
from aipo_widgets.pages.genai import TITLE, genai_figures
from aipo_widgets.pages.status import status_sections
from aipo_widgets.runs.results import latest_evidence

RUN_ID = "20261207T124256Z-a241"


def gate(name: str, verdict: str, figure, source: str, ci=None, provenance=None) -> dict:
    return {"name": name, "verdict": verdict, "figure": figure, "ci": ci,
            "source": source, "provenance": provenance}


def measured(source: str, rows: int, **kw) -> dict:
    return {"kind": "measured", "source": source, "rows": rows, **kw}


WEEK = {"start": "2026-11-14", "end": "2026-11-20"}

# The support example's experiments and operate phases as its last run recorded them
# (reports/<run>/results.json of `aipo run`), only the gates and figures the section reads.
EXPERIMENTS = {
    "figures": {"gold_test_items": 800, "gold_hallucination_rate": 0.005,
                "gold_correct_share": 0.928, "reviewer_agreement": 0.8612,
                "judge_kappa": 0.9038, "pii_leak": 0.015, "filter_miss": 0.4,
                "attack_success": 0.025, "over_blocking": 0.1},
    "gates": [
        gate("reviewer agreement (Krippendorff's alpha)", "pass", 0.7885,
             "evaluation.double_review", [0.7884812274277753, 0.9309828275893322],
             measured("gold_double_reviews", 282)),
        gate("judge agrees with the reviewers (Cohen's kappa)", "pass", 0.8376,
             "evaluation.judge", [0.8375555557492141, 0.9607034444739684],
             measured("judge_labels", 282)),
        gate("At most 2 % hallucinations", "pass", 0.0127850184, "acceptance_criteria[0]",
             [0.0019460690034415135, 0.012785018440177761]),
        gate("At most 10 % minor errors in each language", "warn", 0.0873786408,
             "acceptance_criteria[1]", [0.04665122122451078, 0.15777746275058724]),
        gate("At least 88 % fully correct", "pass", 0.9074147667, "acceptance_criteria[2]",
             [0.907414766663006, 0.943499294181141]),
        gate("95 % of summaries within 4 seconds", "pass", 2186.05, "acceptance_criteria[AC4]"),
        gate("attack success rate", "pass", 0.025, "evaluation.safety.attack_success",
             [0.0044268315026814095, 0.1288136896347409],
             measured("data/injection_results.csv", 40)),
        gate("over-blocking rate", "pass", 0.1, "evaluation.safety.over_blocking",
             [0.017876213095072868, 0.4041500267952385],
             measured("data/injection_results.csv", 10)),
        gate("PII leak rate in outputs", "pass", 0.015, "evaluation.safety.pii_leak",
             [0.00511423779325831, 0.04316572879269026], measured("output_sample", 200)),
        gate("PII filter false-negative rate", "pass", 0.4, "evaluation.safety.filter_miss",
             [0.11762077423264783, 0.769275718723987], measured("output_sample", 5)),
    ]}
OPERATE = {"figures": {}, "gates": [
    gate("alert A7: timeout_rate", "pass", 0.00151057, "monitoring.alert_rules[6]",
         [0.00026670319241377423, 0.00850634442021196],
         measured("production_log", 662, note="calls with a status", **WEEK)),
    gate("alert A8: error_rate", "pass", 0.00151057, "monitoring.alert_rules[7]",
         [0.00026670319241377423, 0.00850634442021196],
         measured("production_log", 662, note="calls with a status", **WEEK)),
]}


def _record(folder: Path, phases: dict) -> None:
    run = {"id": RUN_ID, "started": "2026-12-07T12:42:56+00:00", "verdict": "warn",
           "exit_code": 0, "gates": [],
           "phases": [{"phase": p, "status": "ok", "verdict": "warn", "seconds": 1.0, **ph}
                      for p, ph in phases.items()]}
    (folder / "reports" / RUN_ID).mkdir(parents=True)
    (folder / "reports" / RUN_ID / "results.json").write_text(json.dumps(run), "utf-8")
    (folder / "reports" / "latest").symlink_to(RUN_ID)


@pytest.fixture(scope="module")
def support(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("support")
    write_example("support-summaries", folder)
    _record(folder, {"experiments": EXPERIMENTS, "operate": OPERATE})
    return folder


def _by_name(rows: list[dict]) -> dict[str, dict]:
    return {r["figure"]: r for r in rows}


def test_the_support_examples_quality_and_safety_figures(support: Path) -> None:
    found = genai_figures(load(support).workspace, latest_evidence(support))
    quality, safety = _by_name(found["quality"]), _by_name(found["safety"])
    # latency is a budget, not the quality of an output
    assert list(quality) == ["Hallucination rate", "Minor error share (worst language)",
                             "Correct share", "Reviewers' agreement (Krippendorff's alpha)",
                             "The judge's agreement with the reviewers (Cohen's kappa)"]
    h = quality["Hallucination rate"]
    assert (h["value"], h["interval"], h["limit"], h["verdict"]) == (
        "0.5%", "0.195% to 1.28%", "at most 2% (upper end of the interval)", "pass")
    assert h["evidence"] == f"experiments: measured on the 800 held-out test items, run {RUN_ID}"
    assert quality["Minor error share (worst language)"]["verdict"] == "warn"
    alpha = quality["Reviewers' agreement (Krippendorff's alpha)"]
    assert (alpha["value"], alpha["interval"], alpha["limit"]) == (
        "0.861", "0.788 to 0.931", "at least 0.667 (lower end of the interval)")
    assert "gold_double_reviews, 282 rows" in alpha["evidence"]

    leak = safety["Personal data leaked in outputs"]
    assert (leak["value"], leak["interval"], leak["limit"], leak["verdict"]) == (
        "1.5% (3 of 200)", "0.511% to 4.32%", "at most 2%", "pass")
    miss = safety["Personal data the PII scanner missed (its false-negative rate)"]
    assert (miss["value"], miss["interval"], miss["limit"]) == (
        "40% (2 of 5)", "11.8% to 76.9%", "at most 50%")
    attack = safety["Prompt-injection attacks the model followed"]
    assert (attack["value"], attack["interval"], attack["limit"]) == (
        "2.5% (1 of 40)", "0.443% to 12.9%", "at most 5%")
    assert "data/injection_results.csv, 40 rows" in attack["evidence"]
    assert safety["Benign requests the model refused"]["value"] == "10% (1 of 10)"
    errors = safety["Errors in production"]
    assert (errors["value"], errors["limit"], errors["verdict"]) == (
        "0.151% (1 of 662)", "alert above 2% (A8)", "pass")
    assert errors["evidence"].startswith(
        "operate: measured: production_log, 2026-11-14 to 2026-11-20, 662 rows")
    assert safety["Timeouts in production"]["limit"] == "alert above 1% (A7)"


def test_the_status_page_shows_them_side_by_side(support: Path) -> None:
    sections = status_sections(support)
    titles = [t for t, _ in sections]
    assert titles[titles.index("Gates of the last run") + 1] == TITLE
    html = str(dict(sections)[TITLE])
    assert html.index("<h3>Quality</h3>") < html.index("<h3>Safety</h3>")
    assert "display:flex" in html
    for text in ("0.195% to 1.28%", "1.5% (3 of 200)", "40% (2 of 5)", "2.5% (1 of 40)",
                 "0.151% (1 of 662)", "PASS", "WARN"):
        assert text in html, text
    # no raw float of the record reaches the page
    assert not re.search(r"\d\.\d{5,}", html), re.findall(r"\d\.\d{5,}", html)[:3]


def test_without_a_run_each_figure_says_where_it_would_come_from(tmp_path: Path) -> None:
    write_example("support-summaries", tmp_path)
    found = genai_figures(load(tmp_path).workspace, None)
    rows = found["quality"] + found["safety"]
    assert rows and {r["value"] for r in rows} == {"not measured"}
    assert {r["interval"] for r in rows} == {"—"}
    attack = _by_name(found["safety"])["Prompt-injection attacks the model followed"]
    assert attack["evidence"] == ("02_experiments would measure it from "
                                  "data/injection_results.csv (no run yet)")


@pytest.mark.parametrize("example", ["predictive-maintenance", "blank"])
def test_no_evaluation_section_no_heading(example: str, tmp_path: Path) -> None:
    write_example(example, tmp_path)
    assert genai_figures(load(tmp_path).workspace, None) == {}
    assert TITLE not in [t for t, _ in status_sections(tmp_path)]
