"""The decision card on both examples: the verdict in words, who decides what by when, and why.

The evidence is the examples' own: the gates that did not pass in a real ``aipo run`` of each
(card_examples.json, their figures, thresholds, details and provenance as the phase notebooks
recorded them), under the examples' aipo.yaml (their units, metric names and risks).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from aipo_widgets.cli import main
from aipo_widgets.examples import write_example
from aipo_widgets.figures.card import card_text, card_units, decision_card
from aipo_widgets.model.workspace import load
from aipo_widgets.pages import portfolio, status
from aipo_widgets.runs.ledger import Ledger
from aipo_widgets.runs.results import latest_evidence, product_verdict

EVIDENCE = json.loads((Path(__file__).parent / "card_examples.json").read_text("utf-8"))
RUN_ID = "20261207T113152Z-card"

# What a person must not read on a card: engineering names, reprs, raw floats, missing values.
RAW = [r"\bNone\b", r"\bnan\b", r"\bNaN\b", r"label_share:", r"\('\w+', '\w+'\)",
       r"\d\.\d{4,}", r"\d \bshare\b", r"\d 1-5\b"]


def _write_run(folder: Path, name: str, run_id: str = RUN_ID, started: str = "2026-11-22T08:00",
               root_value: float | None = None) -> dict:
    phases = []
    for i, ph in enumerate(EVIDENCE[name], 1):
        verdicts = [g["verdict"] for g in ph["gates"]] or ["pass"]
        phases.append({"phase": ph["phase"], "notebook": f"0{i}_{ph['phase']}.ipynb",
                       "status": "ok", "seconds": 1.0, "gates": ph["gates"],
                       "verdict": max(verdicts, key=["pass", "warn", "fail"].index),
                       "figures": {"root_value": root_value} if ph["phase"] == "operate"
                       and root_value is not None else {}})
    run = {"id": run_id, "started": started, "verdict": "warn", "exit_code": 0, "gates": [],
           "phases": phases}
    (folder / "reports" / run_id).mkdir(parents=True)
    (folder / "reports" / run_id / "results.json").write_text(json.dumps(run), "utf-8")
    latest = folder / "reports" / "latest"
    if latest.is_symlink():
        latest.unlink()
    latest.symlink_to(run_id)
    with Ledger(folder / "reports" / "ledger.sqlite") as ledger:
        ledger.add_run(run)
    return run


@pytest.fixture(scope="module")
def examples(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("card")
    for name in EVIDENCE:
        write_example(name, root / name)
    # The maintenance product ran twice: its root metric has a trend.
    _write_run(root / "predictive-maintenance", "predictive-maintenance",
               run_id="20261115T080000Z-card", started="2026-11-15T08:00", root_value=842000.0)
    _write_run(root / "predictive-maintenance", "predictive-maintenance", root_value=905012.4)
    _write_run(root / "support-summaries", "support-summaries")
    return root


def card_of(folder: Path) -> dict:
    ws = load(folder).workspace
    return decision_card(product_verdict(folder, ws), latest_evidence(folder), card_units(ws),
                         product=ws.product.name)


def _no_raw_text(texts: list[str]) -> None:
    for text in texts:
        for pattern in RAW:
            assert not re.search(pattern, text), (pattern, text)


def test_the_maintenance_card_reads_retrain_needed_with_its_reasons(examples):
    card = card_of(examples / "predictive-maintenance")
    assert (card["verdict"], card["decision"], card["label"]) == ("warn", "retrain",
                                                                  "Retrain needed")
    assert card["owner"] == "Stefan Brückner" and card["due"] is None  # operate has no day
    reasons = [r["text"] for r in card["reasons"]]
    assert reasons == ["Model retrained on data up to go-live (M5): 16 days overdue",
                       "drift in 3 of 6 inputs (50% > 30%)",
                       "False alarms per month: 921 alarms > 300 alarms"]
    assert card["headline"] == "Retrain needed: " + "; ".join(reasons)
    # The other points of the decision, in plain words and the workspace's units.
    blocks = [r["text"] for r in card["blocks"]]
    assert "Precision at the threshold: 4.49% < 10%" in blocks
    assert "cost per use within budget: not measured" in blocks
    assert all(r["phase"] == "operate" for r in card["blocks"])
    assert {r["phase"] for r in card["housekeeping"]} == {"discovery", "experiments", "rollout"}
    # Each reason links to its gate's row; its field names are in the tooltip.
    drift = card["reasons"][1]
    assert drift["anchor"] == "gate-operate-data-drift-against-the-frozen-reference"
    assert drift["fields"].startswith("operate > data drift against the frozen reference; "
                                      "measured: production_window, 2026-11-16 to 2026-11-22")
    _no_raw_text([r["text"] for r in card["reasons"] + card["blocks"] + card["housekeeping"]])


def test_the_support_card_names_the_decision_its_owner_and_date(examples):
    card = card_of(examples / "support-summaries")
    assert (card["verdict"], card["decision"]) == ("warn", "go")
    assert card["label"] == "Go to the next stage, with conditions"
    assert (card["question"], card["owner"], card["due"]) == (
        "Go to the next stage, or not?", "Jana Keller", "2026-10-31")
    assert [r["text"] for r in card["reasons"]] == [
        "the rollout decision was due on day 90 (2026-10-31), 20 days ago",
        "Prompt-injection test results attached to the go-live checklist (M7): 7 days overdue",
        "works council approved with conditions (rollout plan)"]
    everything = [r["text"] for r in card["blocks"] + card["housekeeping"]]
    # Metric keys and group tuples in words: 'Minor error share', 'fr / chat'.
    assert ("At most 10 % minor errors in each language (German, English, French): "
            "8.24% < 10%") in everything
    assert "groups with insufficient n: not ranked: fr / chat" in everything
    assert "pilot effect: Handling time saved in the pilot: 27.4% > 25%" in everything
    _no_raw_text([*everything, card["headline"]])


def test_the_card_in_html_links_each_reason_to_its_gate_on_the_page(examples):
    folder = examples / "predictive-maintenance"
    sections = dict(status.status_sections(folder))
    header, gates = sections[""], sections["Gates of the last run"]
    # The card comes right under the product's name, before anything else.
    assert header.index('<section class="aipo-card') < header.index('class="aipo-meta"')
    for r in card_of(folder)["reasons"] + card_of(folder)["blocks"]:
        assert f'href="#{r["anchor"]}"' in header
        assert f'id="{r["anchor"]}"' in gates, r["gate"]
    assert header.count('class="aipo-verdict"') == 1  # one verdict word on the page
    assert "Blocks the decision (5)" in header and "Housekeeping (10)" in header
    assert "no date set" in header
    text = re.sub(r"<[^>]+>", " ", re.sub(r'\s(title|style|href|id|data-\w+)="[^"]*"', "",
                                          header))
    _no_raw_text([text])


def test_aipo_status_opens_with_the_card(examples, capsys):
    folder = examples / "support-summaries"
    assert main(["status", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    card = card_text(card_of(folder))
    assert out[:len(card)] == card
    assert out[0] == ("Ticket summaries, phase rollout: Go to the next stage, or not? "
                      "(Jana Keller by 2026-10-31)")
    assert out[2] == f"  Owner Jana Keller; decision due by 2026-10-31; evidence: run {RUN_ID}" \
                     " of 2026-11-22"
    assert out[3] == "  Why:"
    assert out[4].startswith("    1. [WARN] the rollout decision was due on day 90 "
                             "(2026-10-31), 20 days ago (rollout > plan on schedule; ")
    assert any(re.fullmatch(r"  Blocks the decision \(\d+\):", line) for line in card)
    assert any(re.fullmatch(r"  Housekeeping \(\d+\):", line) for line in card)
    _no_raw_text(card[1:2] + [line for line in card if line.startswith("    - ")])


def test_portfolio_rows_say_the_card_in_one_line_most_urgent_first(examples):
    docs = examples / "support-summaries" / "reports" / "docs"
    docs.mkdir(parents=True, exist_ok=True)
    (docs / "docs.json").write_text(json.dumps({"share": 0.88, "run_id": "older"}), "utf-8")
    rows = {r["folder"]: r for r in portfolio.portfolio_rows(examples)}
    pm, ss = rows["predictive-maintenance"], rows["support-summaries"]
    assert pm["label"].startswith("Retrain needed: ") and pm["due"] is None
    assert (ss["question"], ss["owner"], ss["due"]) == ("Go to the next stage, or not?",
                                                        "Jana Keller", "2026-10-31")
    # Counts of the evidence, superseded gates left out.
    assert (pm["failures"], ss["failures"]) == (0, 0)
    assert pm["warnings"] == sum(len(ph["gates"]) for ph in EVIDENCE["predictive-maintenance"]) - 1
    # The top risk by its title, not "R1 (medium)".
    assert not re.fullmatch(r"R\d+ \(\w+\)", pm["top risk"])
    assert re.fullmatch(r".{12,} \((low|medium|high|critical), R\d+\)", pm["top risk"])
    # The documents' state: how complete, and whether they cite the last run.
    assert (ss["documents"], pm["documents"]) == ("88% complete; out of date", "not written")
    # The root metric's values across runs, in its unit.
    assert pm["root metric"]["values"] == [842000.0, 905012.4]
    table = portfolio.portfolio_html(examples, rows=list(rows.values()))
    assert "842,000 → 905,012 EUR (2 runs)" in table
    # Most urgent first: the decision due soonest before the one without a date.
    order = re.findall(r'href="\?workspace=([\w-]+)"', table)
    assert order == ["support-summaries", "predictive-maintenance"]


def test_failures_come_first_then_the_decision_due_soonest_then_warnings():
    rows = [{"folder": "ok", "product": "ok", "verdict": "pass", "due": None, "warnings": 0},
            {"folder": "late", "product": "late", "verdict": "warn", "due": "2026-12-20",
             "warnings": 1},
            {"folder": "soon", "product": "soon", "verdict": "pass", "due": "2026-12-10",
             "warnings": 0},
            {"folder": "broken", "product": "broken", "verdict": "error"},
            {"folder": "noisy", "product": "noisy", "verdict": "warn", "due": None,
             "warnings": 9},
            {"folder": "quiet", "product": "quiet", "verdict": "warn", "due": None,
             "warnings": 2},
            {"folder": "blocked", "product": "blocked", "verdict": "fail", "due": "2027-01-01",
             "warnings": 0}]
    assert [r["folder"] for r in portfolio.by_urgency(rows)] == [
        "blocked", "broken", "soon", "late", "noisy", "quiet", "ok"]
