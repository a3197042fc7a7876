"""A phase report opens with its summary and contents; gates link to their sections."""

from __future__ import annotations

import nbformat

from aipo_widgets.pipeline.report import (
    GATES_ANCHOR,
    LEAD_PLACEHOLDER,
    gate_anchor,
    notebook_to_html,
    phase_lead,
)
from aipo_widgets.runs.results import RESULTS_MIME

GATES = [{"name": "gold set available", "verdict": "pass", "figure": 1},
         {"name": "class balance", "verdict": "warn", "figure": 0.01},
         {"name": "recall", "verdict": "fail", "figure": 0.8}]


def _code(count: int, outputs: list) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("step()")
    cell.execution_count = count
    cell.outputs = outputs
    return cell


def _notebook() -> nbformat.NotebookNode:
    md = nbformat.v4.new_markdown_cell
    out = nbformat.v4.new_output
    results = out("display_data", data={RESULTS_MIME: {"phase": "experiments", "gates": GATES},
                                        "text/html": "<p>gates table</p>", "text/plain": "g"},
                  metadata={"aipo": {"cells": [1, 2, 3]}})
    return nbformat.v4.new_notebook(cells=[
        md("# 02 Experiments"), _code(1, []),
        md("## 1. The gold set"), _code(2, [out("stream", name="stdout", text="1200 rows\n")]),
        md("## 2. Evaluation"), _code(3, [out("display_data", data={"text/html": "<p>t</p>"})]),
        md("## 6. Cost and latency"), _code(4, []),
        md("## Gates"), _code(5, [results]),
    ])


def _body() -> str:
    html = notebook_to_html(_notebook(), lead=LEAD_PLACEHOLDER)
    return html[html.index("<body"):].replace("'", '"')


def test_the_report_opens_with_the_summary_then_the_contents():
    html = _body()
    lead, toc, first_heading = (html.index(LEAD_PLACEHOLDER), html.index("aipo-toc"),
                                html.index("02 Experiments"))
    assert lead < toc < first_heading
    contents = html[toc:html.index("</nav>", toc)]
    assert "The gold set" in contents and "(1 warning)" in contents
    assert "Evaluation" in contents and "(1 failed)" in contents
    assert "Cost and latency" in contents and "(nothing to show)" in contents
    assert f'href="#{GATES_ANCHOR}"' in contents


def test_each_gate_is_anchored_in_the_section_that_checked_it():
    html = _body()
    after = html.index("</nav>")
    title, gold, evaluation = (html.index(t, after) for t in (
        "02 Experiments", "1. The gold set", "2. Evaluation"))
    # The anchor opens the section's heading: a link scrolls to the heading.
    assert title < html.index(f'id="{gate_anchor("class balance")}"') < gold
    assert gold < html.index(f'id="{gate_anchor("recall")}"') < evaluation
    # added when the phase opened (before any section): with the gates table
    assert html.index(f'id="{gate_anchor("gold set available")}"') > html.index(
        f'id="{GATES_ANCHOR}"')


def test_an_empty_section_says_why_it_is_empty():
    html = _body()
    start = html.index("6. Cost and latency", html.index("</nav>"))
    assert "Nothing to show here in this run" in html[start:html.index(">Gates<", start)]


def test_the_leads_warnings_and_failures_link_to_their_sections():
    verdict = {"verdict": "fail", "phase": "experiments", "decision": "stop",
               "question": "Continue?", "headline": "Stop", "owner": "Jana", "due": None,
               "run": "r1", "blocking": [], "housekeeping": []}
    lead = phase_lead(verdict, {"phase": "experiments", "verdict": "fail", "gates": GATES})
    assert f"<a href='#{gate_anchor('recall')}'>recall</a>" in lead
    assert f"<a href='#{gate_anchor('class balance')}'>class balance</a>" in lead
    assert gate_anchor("gold set available") not in lead  # passes are not listed first
    assert "1 passed, 1 warning, 1 failed" in lead
