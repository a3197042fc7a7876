"""Every surface states the product's one verdict: aipo status, the page, the reports, the docs."""

from __future__ import annotations

import html
import json
from pathlib import Path

import pytest

from aipo_widgets.cli import main
from aipo_widgets.documents.render import render_folder
from aipo_widgets.examples import write_example
from aipo_widgets.model.workspace import load
from aipo_widgets.pages import portfolio, status
from aipo_widgets.pipeline.report import phase_lead
from aipo_widgets.runs.results import latest_evidence, product_verdict

RUN_ID = "20261201T080000Z-abcd"


def gate(name: str, verdict: str, **kw) -> dict:
    return {"name": name, "verdict": verdict, "figure": kw.pop("figure", None), **kw}


# The evidence of each example in its current phase (support: rollout; maintenance: operate),
# shaped as the phase notebooks record it.
EVIDENCE = {
    "support-summaries": [
        ("experiments", [gate("At least 88 percent correct", "pass", figure=0.91,
                              provenance={"kind": "measured", "source": "gold_set",
                                          "rows": 1200})]),
        ("rollout", [gate("pilot effect: handle time", "pass", figure=0.27),
                     gate("kill switch tested", "warn", figure=102,
                          detail="last tested 102 days ago"),
                     gate("go / no-go", "warn", figure="go",
                          detail="go, with warnings: kill switch tested")]),
    ],
    "predictive-maintenance": [
        ("discovery", [gate("Rethink if false alarms stay above 1,000 a month", "warn",
                            detail="'false_alarms_month' is not measured yet",
                            extra={"metric": "false_alarms_month"},
                            provenance={"kind": "missing", "note": "the alarm log"})]),
        ("rollout", [gate("go / no-go", "warn", figure="go", detail="go, with warnings")]),
        ("operate", [gate("data drift against the frozen reference", "warn", figure=0.33,
                          detail="2 of 6 columns drifted",
                          provenance={"kind": "measured", "source": "sensor_log",
                                      "start": "2026-11-01", "end": "2026-11-30",
                                      "rows": 17400}),
                     gate("retrain", "warn", figure="retrain now",
                          detail="the data set has drifted")]),
    ],
}


def _with_run(folder: Path, name: str) -> dict:
    phases = [{"phase": p, "notebook": f"0{i}_{p}.ipynb", "status": "ok",
               "verdict": max((g["verdict"] for g in gs), key=["pass", "warn", "fail"].index),
               "seconds": 1.0, "figures": {}, "html": f"0{i}_{p}.html", "gates": gs}
              for i, (p, gs) in enumerate(EVIDENCE[name], 1)]
    run = {"id": RUN_ID, "started": "2026-12-01T08:00:00+00:00", "verdict": "warn",
           "exit_code": 0, "gates": [], "phases": phases}
    (folder / "reports" / RUN_ID).mkdir(parents=True)
    (folder / "reports" / RUN_ID / "results.json").write_text(json.dumps(run), "utf-8")
    (folder / "reports" / "latest").symlink_to(RUN_ID)
    return run


@pytest.fixture(scope="module", params=sorted(EVIDENCE))
def example(request, tmp_path_factory) -> tuple[str, Path]:
    folder = tmp_path_factory.mktemp(request.param.replace("-", "_"))
    write_example(request.param, folder)
    _with_run(folder, request.param)
    return request.param, folder


def test_status_page_report_and_docs_state_the_same_verdict(example, capsys):
    name, folder = example
    ws = load(folder).workspace
    v = product_verdict(folder, ws)
    assert v.run == RUN_ID and v.headline
    want = {"support-summaries": ("rollout", "go"),
            "predictive-maintenance": ("operate", "retrain")}[name]
    assert (v.phase, v.decision) == want

    # aipo status opens with it.
    assert main(["status", str(folder)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith(f"{v.question} ({v.owner}" + (f" by {v.due}" if v.due else "") + ")")
    assert out[1] == f"  WARN: {v.headline}"

    # The status page (and so the offline report, which is that page) and the portfolio.
    header = dict(status.status_sections(folder))[""]
    assert f'data-verdict="{v.verdict}" data-decision="{v.decision}"' in header
    assert html.escape(v.headline) in header and html.escape(v.question) in header
    row = portfolio._row(folder, folder.parent)
    assert (row["verdict"], row["label"], row["decision"]) == (v.verdict, v.headline,
                                                               v.decision)

    # Each phase's HTML report opens with the same block.
    evidence = latest_evidence(folder)
    lead = phase_lead(v, evidence["phases"][-1], RUN_ID)
    assert lead.startswith('<section class="aipo-verdict-box" data-verdict="warn" '
                           f'data-decision="{v.decision}"')
    assert html.escape(v.headline) in lead

    # The documents: every header, and the documents that state a decision in full.
    docs = render_folder(folder, only=["go_live_checklist", "rollout_plan", "model_card"])
    for doc in docs.rendered:
        assert "| Verdict | **WARN**: " in doc.markdown, doc.name
    for doc_name in ("go_live_checklist", "rollout_plan"):
        text = docs[doc_name].markdown
        assert "> **Verdict: WARN. " in text
        assert f"decision due: {v.question}" in text


def test_an_operating_product_whose_drift_says_retrain_does_not_read_go(tmp_path):
    write_example("predictive-maintenance", tmp_path)
    _with_run(tmp_path, "predictive-maintenance")
    header = dict(status.status_sections(tmp_path))[""]
    assert "Retrain needed" in header
    assert ">WARN</span>" in header and "WARN: go" not in header and ": go<" not in header


def test_each_gate_shows_where_its_figure_came_from(tmp_path, capsys):
    write_example("predictive-maintenance", tmp_path)
    _with_run(tmp_path, "predictive-maintenance")
    measured = f"measured: sensor_log, 2026-11-01 to 2026-11-30, 17,400 rows, run {RUN_ID}"
    sections = dict(status.status_sections(tmp_path))
    assert measured in sections["Gates of the last run"]
    assert measured in sections["Monitoring: drift, costs, alerts"]
    assert main(["status", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert f"drift against the frozen reference (figure 0.33; {measured}): 2 of 6" in out
    # The decision card's reasons say it in the same words, beside the gate's name.
    assert ("    1. [WARN] drift in 2 of 6 inputs (operate > data drift against the frozen "
            f"reference; {measured})") in out


def test_documents_cite_a_gate_with_where_its_figure_came_from(tmp_path):
    from aipo_widgets.documents.gaps import FieldTracker
    from aipo_widgets.documents.run_evidence import RunView

    write_example("predictive-maintenance", tmp_path)
    run = _with_run(tmp_path, "predictive-maintenance")
    view = RunView(run, FieldTracker(load(tmp_path).workspace), {}, str(tmp_path))
    cite = view.gate("data drift against the frozen reference", "operate").cite
    assert cite == (f"[run {RUN_ID} · operate · gate “data drift against the frozen reference”], "
                    "measured: sensor\\_log, 2026-11-01 to 2026-11-30, 17,400 rows")
    assert view.gate("retrain", "operate").cite.endswith("gate “retrain”]")  # reads no figure
