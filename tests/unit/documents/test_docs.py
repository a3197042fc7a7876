"""aipo docs: documents from the workspace and the last run, with visible gaps and completeness."""

from __future__ import annotations

import datetime as dt
import json
import re
from importlib.resources import files

import pytest

from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.cli import main
from aipo_widgets.documents.clocks import clocks_file, incident_clocks
from aipo_widgets.documents.output import find_chromium, markdown_to_html, write_documents
from aipo_widgets.documents.render import documentation_gate, render_documents
from aipo_widgets.documents.run_evidence import load_evidence
from aipo_widgets.documents.specs import DOCUMENTS, applicable_documents
from aipo_widgets.errors import UsageError
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import load

AS_OF = dt.date(2026, 11, 26)
EXAMPLES = {"support-summaries": "support_summaries",
            "predictive-maintenance": "predictive_maintenance"}
MARKER = re.compile(r"\*\*\[gap: (.+?)\]\*\*")

# Annex IV of Regulation (EU) 2024/1689 (AI Act Art 11(1)): points 1-9, with the sub-points
# of 1 and 2.
ANNEX_IV = {
    "1": "General description", "2": "Detailed description", "3": "Monitoring, functioning and "
    "control", "4": "Appropriateness of the performance metrics", "5": "Risk management system",
    "6": "Relevant changes", "7": "Harmonised standards", "8": "EU declaration of conformity",
    "9": "Post-market monitoring",
}
ANNEX_IV_SUB = [f"1({c})" for c in "abcdefgh"] + [f"2({c})" for c in "abcdefgh"]

# The reporting clocks, from the articles (AI Act Art 73, GDPR Art 33, NIS2 Art 23):
# id -> (deadline, hours, basis).
CLOCKS = {
    "ai_act_73_2": ("15 days", 360, "Art 73(1), (2)"),
    "ai_act_73_3": ("2 days", 48, "Art 73(3)"),
    "ai_act_73_4": ("10 days", 240, "Art 73(4)"),
    "gdpr_33": ("72 hours", 72, "Art 33(1)"),
    "gdpr_34": ("without undue delay", None, "Art 34(1)"),
    "nis2_23_4_a": ("24 hours", 24, "Art 23(4)(a)"),
    "nis2_23_4_b": ("72 hours", 72, "Art 23(4)(b)"),
    "nis2_23_4_d": ("1 month", None, "Art 23(4)(d)"),
}


def example(name: str) -> Workspace:
    path = files("aipo_widgets.examples") / EXAMPLES[name] / "aipo.yaml"
    return load(str(path)).workspace


def edited(ws: Workspace, change) -> Workspace:
    data = ws.model_dump()
    change(data)
    return Workspace.model_validate(data)


def high_risk(deployer_type: str = "public_authority", area: str = "employment",
              point: str = "4a"):
    def change(data):
        answers = data["compliance"]["ai_act"]["answers"]
        answers.update({"annex3_areas": [area], f"annex3_{area}": [point], "profiling": True,
                        "deployer_type": deployer_type, "annex3_5b_fraud_detection": False})
    return change


def check_gaps_consistent(doc) -> None:
    """Every gap is visible where it is missing and listed at the end, and nothing else is."""
    body, _, closing = doc.markdown.partition("\n## Gaps\n")
    shown = set(MARKER.findall(body)) - {"…"}
    listed = {g.field for g in doc.gaps}
    assert shown == listed, (doc.name, shown ^ listed)
    for g in doc.gaps:
        assert f"`{g.field}`" in closing
    assert f"{len(doc.filled)} of {doc.total} fields filled" in closing
    # Every Markdown table has the same number of cells in each row (no stray '|').
    rows: list[str] = []
    for line in [*doc.markdown.splitlines(), ""]:
        if line.startswith("|"):
            rows.append(line)
            continue
        widths = {len(re.findall(r"(?<!\\)\|", r)) for r in rows}
        assert len(widths) <= 1, (doc.name, rows[:3])
        rows = []


SYNTHETIC_RUN = {
    "id": "20261126T080000Z-abcd", "started": "2026-11-26T08:00:00+00:00", "verdict": "warn",
    "git_commit": None, "exit_code": 0,
    "phases": [
        {"phase": "experiments", "notebook": "02_experiments.ipynb", "html": "02_experiments.html",
         "verdict": "warn", "status": "ok",
         "gates": [
             {"name": "gold set size", "verdict": "pass", "figure": 1200, "threshold": ">= 200",
              "detail": "1200 rows", "ci": None, "source": "", "phase": "experiments"},
             {"name": "At least 88 percent correct", "verdict": "pass", "figure": 0.9078,
              "threshold": ">= 0.88", "detail": "", "ci": [0.9078, 0.9378],
              "source": "acceptance_criteria[2]", "phase": "experiments", "extra": {}},
         ],
         "figures": {"gold_correct_share": 0.924}},
        {"phase": "rollout", "notebook": "03_rollout.ipynb", "html": "03_rollout.html",
         "verdict": "pass", "status": "ok",
         "gates": [{"name": "go / no-go", "verdict": "pass", "figure": "go",
                    "threshold": "no failed gate", "detail": "go", "source": "",
                    "phase": "rollout"}],
         "figures": {}},
    ],
}


# --------------------------------------------------------------------------------------------
# rendering


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_examples_render_every_applicable_document_without_a_run(name):
    ws = example(name)
    docs = render_documents(ws, as_of=AS_OF)
    applies = applicable_documents(ws, classify_workspace(ws, AS_OF))
    assert {d.name for d in docs.rendered} == {n for n, (ok, _) in applies.items() if ok}
    for d in docs.rendered:
        assert d.markdown.startswith(f"# {DOCUMENTS[d.name].title}: {ws.product.name}\n")
        assert f"| Version | {ws.product.version} |" in d.markdown
        assert "no run yet" in d.markdown
        assert "\nNone\n" not in d.markdown and "| None |" not in d.markdown
        check_gaps_consistent(d)
        # Without a run, the evidence is a gap of kind run, never a blank.
        assert all(g.kind == "run" for g in d.evidence_gaps)


def test_every_document_renders_on_a_blank_workspace():
    ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    docs = render_documents(ws, as_of=AS_OF, only=list(DOCUMENTS))
    assert [d.name for d in docs.rendered] == list(DOCUMENTS)
    for d in docs.rendered:
        check_gaps_consistent(d)
        assert d.share < 0.6
    assert "product.intended_purpose" in {g.field for g in docs["model_card"].gaps}


def test_statements_from_the_run_cite_run_phase_and_gate(tmp_path):
    ws = example("support-summaries")
    docs = render_documents(ws, folder=tmp_path, run=SYNTHETIC_RUN, as_of=AS_OF,
                            only=["model_card", "go_live_checklist"])
    rid = SYNTHETIC_RUN["id"]
    card = docs["model_card"].markdown
    cite = f"[run {rid} · experiments · gate “gold set size”](reports/{rid}/02_experiments.html)"
    assert cite in card
    for gate in ("gold set size", "At least 88 percent correct"):
        lines = [ln for ln in card.splitlines() if ln.startswith(f"| {gate} |")]
        assert lines and all(f"run {rid} · experiments · gate “{gate}”" in ln for ln in lines)
    checklist = docs["go_live_checklist"].markdown
    assert f"[run {rid} · rollout · gate “go / no-go”](reports/{rid}/03_rollout.html)" in checklist
    # What the run lacks is a gap of kind run that names the phase.
    assert "run: experiments · fairness gates (differences between groups)" in {
        g.field for g in docs["model_card"].evidence_gaps}
    assert docs["model_card"].evidence_cited


def test_links_are_relative_to_the_output_folder(tmp_path):
    ws = example("support-summaries")
    out = tmp_path / "reports" / "docs"
    docs = render_documents(ws, folder=tmp_path, run=SYNTHETIC_RUN, as_of=AS_OF,
                            only=["model_card"], links_from=out)
    assert f"(../{SYNTHETIC_RUN['id']}/02_experiments.html)" in docs["model_card"].markdown


def test_a_partial_run_borrows_the_phases_it_left_out_from_earlier_runs(tmp_path):
    """`aipo run --phase rollout` must not empty the documents of the experiments' evidence."""
    from aipo_widgets.documents.run_evidence import load_evidence

    reports = tmp_path / "reports"
    full = SYNTHETIC_RUN
    partial = {**full, "id": "20261127T080000Z-ef01", "started": "2026-11-27T08:00:00+00:00",
               "phases": [full["phases"][1]]}  # rollout only
    raised = {**full, "id": "20261128T080000Z-2345", "started": "2026-11-28T08:00:00+00:00",
              "phases": [{**full["phases"][0], "status": "error", "gates": []}]}
    for run in (full, partial, raised):
        (reports / run["id"]).mkdir(parents=True)
        (reports / run["id"] / "results.json").write_text(json.dumps(run))
    (reports / "latest").symlink_to(raised["id"])
    run, _ = load_evidence(tmp_path)
    assert run["id"] == raised["id"]
    assert run["merged_from"] == [partial["id"], full["id"]]
    # Experiments raised in the last run: they come from the full run, rollout from the partial.
    assert [(ph["phase"], ph.get("run_id")) for ph in run["phases"]] == [
        ("experiments", full["id"]), ("rollout", partial["id"])]
    docs = render_documents(example("support-summaries"), folder=tmp_path, run=run,
                            as_of=AS_OF, only=["model_card"], links_from=reports / "docs")
    card = docs["model_card"].markdown
    rid = full["id"]
    assert f"[run {rid} · experiments · gate “gold set size”](../{rid}/02_experiments.html)" in card
    assert f"experiments from `{rid}`" in card  # the header says which phases are borrowed
    # Nothing to borrow: the run is returned as it is.
    (reports / "latest").unlink()
    (reports / "latest").symlink_to(full["id"])
    assert load_evidence(tmp_path)[0] == full


def test_technical_documentation_has_every_annex_iv_heading():
    ws = example("predictive-maintenance")
    docs = render_documents(ws, as_of=AS_OF, only=["ai_act_technical_documentation"])
    td = docs["ai_act_technical_documentation"]
    assert not td.applies  # minimal risk: rendered on request only
    headings = [ln for ln in td.markdown.splitlines() if ln.startswith("#")]
    for number, words in ANNEX_IV.items():
        assert any(h.startswith(f"## {number}. ") and words.lower() in h.lower()
                   for h in headings), (number, words)
    for sub in ANNEX_IV_SUB:
        assert any(h.startswith(f"### {sub} ") for h in headings), sub
    order = [int(h[3]) for h in headings if re.match(r"## \d\. ", h)]
    assert order == list(range(1, 10))
    check_gaps_consistent(td)


def test_removing_a_field_makes_it_a_gap_and_lowers_completeness():
    ws = example("support-summaries")
    before = render_documents(ws, as_of=AS_OF, only=["model_card",
                                                     "ai_act_technical_documentation"])
    assert "product.intended_purpose" not in {g.field for g in before["model_card"].gaps}

    def drop(data):
        data["product"]["intended_purpose"] = ""
        data["risks"][0]["owner"] = ""

    after = render_documents(edited(ws, drop), as_of=AS_OF,
                             only=["model_card", "ai_act_technical_documentation"])
    for name in ("model_card", "ai_act_technical_documentation"):
        b, a = before[name], after[name]
        assert "product.intended_purpose" in {g.field for g in a.gaps}
        assert "**[gap: product.intended_purpose]**" in a.markdown
        assert a.share < b.share
        # Both documents show the purpose and the risk owners: two fields fewer filled.
        assert a.total == b.total and len(a.filled) == len(b.filled) - 2
        assert "risks[R1].owner" in {g.field for g in a.gaps}
    f0, t0 = before.completeness()
    f1, t1 = after.completeness()
    assert t1 == t0 and f1 == f0 - 2


def test_completeness_counts_distinct_fields_by_hand():
    ws = Workspace.model_validate({
        "product": {"name": "x", "owner": "y", "version": "1"},
        "decisions": [{"id": "D1", "date": "2026-01-05", "title": "t", "rationale": "r"}]})
    d = render_documents(ws, as_of=AS_OF, only=["decision_log"])["decision_log"]
    # Header: product.name, version, owner (filled). Decision D1: rationale (filled),
    # decision, by, evidence (gaps). 4 of 7.
    assert sorted(d.filled) == ["decisions[D1].rationale", "product.name", "product.owner",
                                "product.version"]
    assert sorted(g.field for g in d.field_gaps) == [
        "decisions[D1].by", "decisions[D1].decision", "decisions[D1].evidence"]
    assert (len(d.filled), d.total) == (4, 7)
    assert d.share == pytest.approx(4 / 7)


# --------------------------------------------------------------------------------------------
# which documents apply


def test_high_risk_answers_make_fria_and_technical_documentation_apply():
    ws = example("support-summaries")
    public = edited(ws, high_risk("public_authority"))
    c = classify_workspace(public, AS_OF)
    assert c.tier == "high_risk" and c.annex_iii_points == ["4a"]
    docs = render_documents(public, as_of=AS_OF)
    names = {d.name for d in docs.rendered}
    assert {"ai_act_technical_documentation", "fria", "dpia"} <= names
    assert docs["fria"].applies and docs["ai_act_technical_documentation"].applies
    assert "Art 27 applies to us from 2027-12-02" in docs["fria"].reason
    for d in docs.rendered:
        check_gaps_consistent(d)

    private = edited(ws, high_risk("private"))
    a = applicable_documents(private, classify_workspace(private, AS_OF))
    assert a["ai_act_technical_documentation"][0] and not a["fria"][0]

    credit = edited(ws, high_risk("private", "essential_services", "5b"))
    a = applicable_documents(credit, classify_workspace(credit, AS_OF))
    assert a["fria"][0], a["fria"][1]


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_a_minimal_or_limited_product_gets_no_fria_or_technical_documentation(name):
    ws = example(name)
    names = {d.name for d in render_documents(ws, as_of=AS_OF).rendered}
    assert "ai_act_technical_documentation" not in names and "fria" not in names
    # The DPIA follows the GDPR screening: support tickets hold personal data, sensor data not.
    assert ("dpia" in names) == (name == "support-summaries")


def test_discovery_workshop_agenda_comes_from_the_open_questions():
    ws = edited(example("support-summaries"),
                lambda d: d["compliance"]["ai_act"]["answers"].update(
                    {"art5_c_social_scoring": "unsure", "annex3_areas": None}))
    c = classify_workspace(ws, AS_OF)
    assert {"art5_c_social_scoring", "annex3_areas"} <= {q.id for q in c.open_questions}
    text = render_documents(ws, as_of=AS_OF, only=["discovery_workshop"])[
        "discovery_workshop"].markdown
    agenda = text.split("### 3. Legal questions still open")[1].split("### 4.")[0]
    rows = [ln.split(" | ")[0].lstrip("| ") for ln in agenda.splitlines()
            if ln.startswith("| ") and not ln.startswith(("| #", "| ---"))]
    assert rows == [q.id for q in c.open_questions]
    assert f"has {len(c.open_questions)} open question(s)" in agenda
    # Hypotheses not yet supported are on the agenda too.
    assert "**H3** (open)" in text and "**H1**" not in text


def test_unknown_document_name_suggests_the_right_one():
    ws = example("support-summaries")
    with pytest.raises(UsageError, match="did you mean 'model_card'"):
        render_documents(ws, as_of=AS_OF, only=["model_crd"])


# --------------------------------------------------------------------------------------------
# incident clocks


def test_clocks_data_file_matches_the_articles():
    from ruamel.yaml import YAML

    data = YAML(typ="safe").load(clocks_file().read_text(encoding="utf-8"))
    got = {c["id"]: c for c in data["clocks"]}
    assert set(got) == set(CLOCKS)
    for cid, (deadline, hours, basis) in CLOCKS.items():
        assert got[cid]["deadline"] == deadline, cid
        assert got[cid]["hours"] == hours, cid
        assert got[cid]["basis"].endswith(basis), cid


def test_clocks_that_apply_follow_the_product():
    hr = edited(example("support-summaries"), high_risk("public_authority"))
    clocks = incident_clocks(hr, classify_workspace(hr, AS_OF))
    by_id = {c.id: c for c in clocks}
    assert set(by_id) == {"ai_act_73_2", "ai_act_73_3", "ai_act_73_4", "gdpr_33", "gdpr_34"}
    for cid in ("ai_act_73_2", "ai_act_73_3", "ai_act_73_4"):
        # Annex III high-risk regime: 2 Dec 2027 (Art 113(c)(i) as amended).
        assert by_id[cid].applies_from == dt.date(2027, 12, 2)
        assert not by_id[cid].applies_now
    later = incident_clocks(hr, classify_workspace(hr, dt.date(2028, 1, 3)))
    assert all(c.applies_now for c in later)
    assert by_id["gdpr_33"].applies_now and by_id["gdpr_33"].hours == 72

    plain = example("support-summaries")  # limited risk: no Art 73 clock
    assert {c.id for c in incident_clocks(plain, classify_workspace(plain, AS_OF))} == {
        "gdpr_33", "gdpr_34"}
    pm = example("predictive-maintenance")  # no personal data, NIS2 entity
    assert [c.deadline for c in incident_clocks(pm, classify_workspace(pm, AS_OF))] == [
        "24 hours", "72 hours", "1 month"]


def test_incident_playbook_shows_the_clocks_with_their_dates():
    hr = edited(example("support-summaries"), high_risk("public_authority"))
    text = render_documents(hr, as_of=AS_OF, only=["incident_playbook"])[
        "incident_playbook"].markdown
    section = text.split("## 5. Legal reporting clocks")[1].split("## 6.")[0]
    rows = [ln for ln in section.splitlines() if ln.startswith("| AI Act |")]
    assert [re.search(r"\*\*(.+?)\*\*", r).group(1) for r in rows] == [
        "15 days", "2 days", "10 days"]
    assert all("**from 2027-12-02** (not yet on 2026-11-26)" in r for r in rows)
    assert "| GDPR |" in section and "**72 hours**" in section and "NIS2" not in section

    pm = render_documents(example("predictive-maintenance"), as_of=AS_OF,
                          only=["incident_playbook"])["incident_playbook"].markdown
    section = pm.split("## 5. Legal reporting clocks")[1].split("## 6.")[0]
    assert "| AI Act |" not in section and "| GDPR |" not in section
    assert section.count("| NIS2 |") == 3
    assert "do not apply: the system is classified *Minimal risk" in section


# --------------------------------------------------------------------------------------------
# templates


def test_an_undefined_name_in_a_template_is_an_error(tmp_path):
    ws = example("support-summaries")
    (tmp_path / "playbooks").mkdir()
    own = tmp_path / "playbooks" / "model_card.md.j2"
    own.write_text("{{ ws.product.nmae }}\n", encoding="utf-8")
    with pytest.raises(UsageError, match=r"model_card\.md\.j2.*nmae"):
        render_documents(ws, folder=tmp_path, as_of=AS_OF, only=["model_card"])
    own.write_text('{{ need("product.intended_purpse") }}\n', encoding="utf-8")
    with pytest.raises(UsageError, match="did you mean 'intended_purpose'"):
        render_documents(ws, folder=tmp_path, as_of=AS_OF, only=["model_card"])
    own.write_text("{{ nothing_like_this }}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="nothing_like_this"):
        render_documents(ws, folder=tmp_path, as_of=AS_OF, only=["model_card"])


def test_a_workspace_template_takes_precedence(tmp_path):
    ws = example("support-summaries")
    (tmp_path / "playbooks").mkdir()
    (tmp_path / "playbooks" / "model_card.md.j2").write_text(
        "Hardware: on-premise GPU cluster.\n\n{{ need('product.intended_purpose') }}\n",
        encoding="utf-8")
    d = render_documents(ws, folder=tmp_path, as_of=AS_OF, only=["model_card"])["model_card"]
    assert "Hardware: on-premise GPU cluster." in d.markdown
    assert "product.intended_purpose" in d.filled


# --------------------------------------------------------------------------------------------
# the gate


def test_documentation_gate_against_the_workspace_threshold(tmp_path):
    ws = example("support-summaries")
    gate = documentation_gate(ws, tmp_path, as_of=AS_OF)
    docs = render_documents(ws, as_of=AS_OF)
    filled, total = docs.completeness([d for d in docs.rendered if d.applies])
    assert gate.figure == round(filled / total, 4)
    assert gate.verdict == "warn"  # complete enough, but there is no run to cite yet
    assert gate.source == "settings.documentation_completeness_min"

    strict = edited(ws, lambda d: d["settings"].update(documentation_completeness_min=0.99))
    failed = documentation_gate(strict, tmp_path, as_of=AS_OF)
    assert failed.verdict == "fail" and failed.threshold == ">= 0.99"
    assert "fields filled" in failed.detail

    blank = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    assert documentation_gate(blank, tmp_path, as_of=AS_OF).verdict == "fail"


# --------------------------------------------------------------------------------------------
# output and the command


def test_html_is_self_contained_and_escapes_workspace_html():
    page = markdown_to_html("# T\n\n<script>alert(1)</script>\n\nan <img src=x onerror=y> "
                            "owner\n\nVersion: **[gap: product.version]**\n\n"
                            "| a | b |\n| --- | --- |\n| 1 | 2 |\n", "T")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<img" not in page and "&lt;img" in page
    # A gap reads as a sentence for a reader who does not know aipo.yaml; its path in a tooltip.
    assert ('<strong class="gap" title="aipo.yaml: product.version" data-field="product.version">'
            "Not yet written: the version of the product (aipo.yaml, product)</strong>") in page
    assert "[gap: " not in page
    assert "<table>" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)


def test_cli_docs_writes_the_documents_and_prints_the_table(tmp_path, capsys):
    ws_dir = tmp_path / "ws"
    assert main(["init", str(ws_dir), "--example", "predictive-maintenance"]) == 0
    capsys.readouterr()
    assert main(["docs", str(ws_dir), "--as-of", "2026-11-26"]) == 0
    out = capsys.readouterr().out
    docs_dir = ws_dir / "reports" / "docs"
    expected = {n for n, (ok, _) in applicable_documents(
        example("predictive-maintenance"),
        classify_workspace(example("predictive-maintenance"), AS_OF)).items() if ok}
    assert {p.stem for p in docs_dir.glob("*.md")} == expected | {"index"}
    assert "all (distinct fields)" in out and "documentation complete:" in out
    for name in expected:
        assert re.search(rf"^{name}\s+\d+/\d+\s+\d+%", out, re.M), name
    manifest = json.loads((docs_dir / "docs.json").read_text())
    assert manifest["as_of"] == "2026-11-26" and manifest["run_id"] is None
    assert manifest["gate"]["name"] == "documentation complete"

    out_dir = tmp_path / "html"
    assert main(["docs", str(ws_dir), "--format", "html", "--out", str(out_dir),
                 "--only", "ai_act_technical_documentation", "--only", "model_card"]) == 0
    assert sorted(p.name for p in out_dir.iterdir()) == [  # each with its Markdown source
        "ai_act_technical_documentation.html", "ai_act_technical_documentation.md", "docs.json",
        "index.html", "model_card.html", "model_card.md"]
    page = (out_dir / "model_card.html").read_text()
    assert "<style>" in page and "<script" not in page


def test_cli_docs_reports_bad_arguments(tmp_path, capsys):
    ws_dir = tmp_path / "ws"
    main(["init", str(ws_dir), "--example", "blank"])
    capsys.readouterr()
    assert main(["docs", str(ws_dir), "--only", "fra"]) == 2
    assert "did you mean 'fria'" in capsys.readouterr().err
    assert main(["docs", str(ws_dir), "--as-of", "26.11.2026"]) == 2
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["docs", str(tmp_path / "nowhere")]) == 2


def test_pdf_without_chromium_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setenv("AIPO_CHROMIUM", str(tmp_path / "no-such-chromium"))
    docs = render_documents(example("support-summaries"), as_of=AS_OF, only=["model_card"])
    with pytest.raises(UsageError, match="apt-get install chromium"):
        write_documents(docs, tmp_path / "out", "pdf")


@pytest.mark.skipif(find_chromium() is None,
                    reason="no Chromium here (Debian's /usr/bin/chromium or AIPO_CHROMIUM)")
def test_pdf_rendering_through_chromium(tmp_path):
    docs = render_documents(example("support-summaries"), as_of=AS_OF,
                            only=["model_card", "kill_switch_and_fallback"])
    written = write_documents(docs, tmp_path, "pdf", jobs=2)
    pdfs = [p for p in written if p.suffix == ".pdf"]
    assert [p.name for p in pdfs] == ["model_card.pdf", "kill_switch_and_fallback.pdf"]
    for p in pdfs:
        data = p.read_bytes()
        assert data.startswith(b"%PDF-") and len(data) > 10_000
    assert not list(tmp_path.glob("*.html"))[1:]  # only index.html is left


# --------------------------------------------------------------------------------------------
# with real runs of both examples


@pytest.fixture(scope="module")
def ran(tmp_path_factory):
    from aipo_widgets.pipeline.runner import run_workspace

    out = {}
    for name in EXAMPLES:
        folder = tmp_path_factory.mktemp(name.replace("-", "_"))
        assert main(["init", str(folder / "ws"), "--example", name]) == 0
        run_workspace(folder / "ws", jobs=2, parameters={"n_boot": 200})
        out[name] = folder / "ws"
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", list(EXAMPLES))
def test_examples_render_from_their_last_run(ran, name):
    folder = ran[name]
    run, trends = load_evidence(folder)
    docs = render_documents(load(folder).workspace, folder=folder, run=run, trends=trends,
                            as_of=AS_OF, only=list(DOCUMENTS))
    assert len(docs.rendered) == len(DOCUMENTS)
    for d in docs.rendered:
        check_gaps_consistent(d)
        # Every citation names this run, a phase of it and a gate or figure.
        for cite in re.findall(r"\[run ([^\]]+?)\]\(", d.markdown):
            rid, phase, what = cite.split(" · ")
            assert rid == run["id"] and phase in {"discovery", "experiments", "rollout",
                                                  "operate"}
            assert what.startswith(("gate “", "figure `"))
    assert len(docs["model_card"].evidence_cited) >= 4
    assert docs["impact_report"].evidence_cited
    assert "| `" + run["id"] + "` |" in docs["impact_report"].markdown  # the ledger's trend
    applicable = [d for d in docs.rendered if d.applies]
    filled, total = docs.completeness(applicable)
    assert filled / total >= 0.8  # the examples pass their own documentation gate
    gate = documentation_gate(load(folder).workspace, folder, as_of=AS_OF)
    assert gate.verdict in ("pass", "warn") and gate.figure >= 0.8
