"""The page-building functions without a server: paths, masking, freshness, caching."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
import re
import urllib.parse
from pathlib import Path

import pytest
import served

from aipo_widgets.errors import UsageError
from aipo_widgets.pages import documents, markup, status, voila
from aipo_widgets.pages import portfolio as portfolio_page

ESCAPES = ["../..", "..", ".", "", "/etc", "/", "%2e%2e", "..%2Fbroken", "../portfolio/a",
           "a/../b", "a/..", "./a", "a/", "a/data", "~", "~root", "a\x00", "C:\\Windows",
           "\\\\server\\share", "." * 300, "a" * 5000, "A", " a", "a ", "evil", ".hidden",
           "%252e%252e"]


@pytest.fixture
def portfolio(tmp_path: Path) -> Path:
    root = tmp_path / "portfolio"
    for name in ("a", "b", ".hidden"):
        (root / name).mkdir(parents=True)
        (root / name / "aipo.yaml").write_text("product: {name: X, owner: Y}\n")
    (root / "a" / "data").mkdir()
    (root / "a" / "data" / "aipo.yaml").write_text("product: {name: X, owner: Y}\n")
    (root / "plain").mkdir()  # a folder without aipo.yaml
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "aipo.yaml").write_text("product: {name: Secret, owner: Z}\n")
    return root


@pytest.mark.parametrize("name", ESCAPES)
def test_resolve_in_refuses_everything_but_a_listed_name(portfolio, name):
    for value in (name, urllib.parse.unquote(name)):
        with pytest.raises(UsageError, match="not a folder of the served portfolio"):
            voila.resolve_in(portfolio, value)


def test_resolve_in_accepts_listed_names_only(portfolio):
    assert voila.resolve_in(portfolio, "a") == portfolio / "a"
    assert voila.resolve_in(portfolio, "b") == portfolio / "b"
    with pytest.raises(UsageError):
        voila.resolve_in(portfolio, "plain")  # no aipo.yaml: not a workspace


def test_query_string_decoding_cannot_smuggle_a_path(portfolio, monkeypatch):
    for raw in ("workspace=%2e%2e", "workspace=..%2f..", "workspace=%2Fetc",
                "workspace=a&workspace=..", "workspace=%61"):
        monkeypatch.setenv("QUERY_STRING", raw)
        name = voila.query_parameter("workspace")
        if name == "a":  # %61 is "a", a listed workspace
            assert voila.resolve_in(portfolio, name) == portfolio / "a"
            continue
        with pytest.raises(UsageError):
            voila.resolve_in(portfolio, name)


def test_masking_reaches_every_text_of_the_page_model(small_ws):
    from aipo_widgets.model.workspace import load

    text = (small_ws / "aipo.yaml").read_text()
    text = text.replace("name: Ticket summaries", "name: Tickets of jana@example.com")
    text = text.replace("title: Summary invents facts",
                        "title: Refund to DE89 3704 0044 0532 0130 00")
    (small_ws / "aipo.yaml").write_text(text)
    ws = load(small_ws).workspace
    masked = markup.masked_workspace(ws)
    dumped = masked.model_dump_json()
    assert "jana@example.com" not in dumped and "DE89" not in dumped
    assert masked.product.name == "Tickets of <EMAIL>"
    assert masked.risks[0].title == "Refund to <IBAN>"
    # Everything else is the same model.
    assert masked.risks[1] == ws.risks[1] and masked.metric_tree == ws.metric_tree


def test_tables_mask_and_escape():
    html = markup.html_escape_table([{"who": "<script>x</script> +49 30 1234567"}])
    assert "<script>" not in html and "&lt;PHONE&gt;" in html and "1234567" not in html


def test_fingerprint_follows_the_files_the_page_reads(tmp_path):
    ws = tmp_path / "ws"
    (ws / "reports" / "r1").mkdir(parents=True)
    (ws / "aipo.yaml").write_text("a")
    first = voila.fingerprint(ws)
    assert voila.fingerprint(ws) == first
    (ws / "reports" / "r1" / "results.json").write_text("{}")
    (ws / "reports" / "latest").symlink_to("r1")
    second = voila.fingerprint(ws)
    assert second != first
    (ws / "reports" / "r2").mkdir()
    (ws / "reports" / "r2" / "results.json").write_text("{}")
    (ws / "reports" / "latest").unlink()
    (ws / "reports" / "latest").symlink_to("r2")
    assert voila.fingerprint(ws) != second  # a new run, same sizes


def test_portfolio_rows_are_cached_by_fingerprint(tmp_path, monkeypatch, small_text):
    root = tmp_path / "p"
    for name in ("one", "two"):
        (root / name).mkdir(parents=True)
        (root / name / "aipo.yaml").write_text(small_text)
    served.write_broken(root / "zz-broken")
    cache = tmp_path / "cache"
    monkeypatch.setenv("AIPO_PAGE_CACHE", str(cache))
    portfolio_page._ROWS.clear()
    rows = portfolio_page.portfolio_rows(root)
    assert [r["folder"] for r in rows] == ["one", "two", "zz-broken"]
    assert rows[2]["verdict"] == "error" and "likelihood" in rows[2]["label"]
    assert str(root) not in rows[2]["label"]  # messages name files relative to the portfolio
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert len(list(cache.glob("*.json"))) == 3
    # A new kernel (empty memory) reads the rows from the cache, not the workspaces.
    portfolio_page._ROWS.clear()
    calls = []
    monkeypatch.setattr(portfolio_page, "_row",
                        lambda folder, base: calls.append(folder.name) or {})
    assert portfolio_page.portfolio_rows(root) == rows and calls == []
    # A changed workspace is read again, the others are not.
    text = (root / "two" / "aipo.yaml").read_text().replace("Ticket summaries", "Renamed")
    (root / "two" / "aipo.yaml").write_text(text)
    portfolio_page._ROWS.clear()
    portfolio_page.portfolio_rows(root)
    assert calls == ["two"]
    # So is one whose documents were written again.
    assert rows[0]["documents"] == "not written"
    (root / "one" / "reports" / "docs").mkdir(parents=True)
    (root / "one" / "reports" / "docs" / "docs.json").write_text('{"share": 0.5}')
    calls.clear()
    portfolio_page._ROWS.clear()
    portfolio_page.portfolio_rows(root)
    assert calls == ["one"]
    monkeypatch.undo()
    assert portfolio_page._row(root / "one", root)["documents"] == "50% complete"


def test_cache_folder_of_someone_else_is_not_used(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    os.chmod(shared, 0o777)
    monkeypatch.setenv("AIPO_PAGE_CACHE", str(shared))
    assert portfolio_page._cache_dir() is None
    link = tmp_path / "link"
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    link.symlink_to(private)
    monkeypatch.setenv("AIPO_PAGE_CACHE", str(link))
    assert portfolio_page._cache_dir() is None


def test_status_sections_of_a_workspace_without_run(small_ws):
    sections = status.status_sections(small_ws)
    titles = [t for t, _ in sections if t]
    assert titles == list(served.SECTIONS)
    header = sections[0][1]
    assert "Ticket summaries" in header and "no run yet" in header


def test_documents_section_lists_links_and_flags_stale_documents(small_ws):
    from aipo_widgets.documents.output import write_documents
    from aipo_widgets.documents.render import render_documents
    from aipo_widgets.model.workspace import load

    docs = render_documents(load(small_ws).workspace, as_of=dt.date(2026, 11, 26),
                            only=["model_card", "kill_switch_and_fallback"])
    write_documents(docs, small_ws / "reports" / "docs", "html")
    html = documents.documents_html(small_ws, None)
    assert '<a class="aipo-doc-link" href="#aipo-doc-model_card">Model card</a>' in html
    assert '<details class="aipo-doc" id="aipo-doc-model_card">' in html
    assert '<strong class="gap" title="aipo.yaml: ' in html  # gaps stand out, as in the files
    assert "Not yet written: " in html and "[gap: " not in html
    # Under the page's h2 "Documents", a document's own headings start at h3.
    assert "<h3>Model card: " in html and "<h1>" not in html and "<h2>" not in html
    assert "Out of date" not in html  # no run: nothing to be out of date against
    stale = documents.documents_html(small_ws, {"id": "20261201T000000Z-abcd"})
    assert "Out of date" in stale and "20261201T000000Z-abcd" in stale
    # A document whose file went missing is listed as missing, not shown blank.
    (small_ws / "reports" / "docs" / "model_card.md").unlink()
    missing = documents.documents_html(small_ws, None)
    assert "aipo-doc-model_card" not in missing and "model_card.md missing" in missing
    # A broken docs.json is this section's error, with the file and the fix.
    (small_ws / "reports" / "docs" / "docs.json").write_text("{")
    with pytest.raises(UsageError, match=r"reports/docs/docs\.json cannot be read"):
        documents.documents_html(small_ws, None)


def test_documents_section_masks_personal_data(small_ws):
    docs_dir = small_ws / "reports" / "docs"
    docs_dir.mkdir(parents=True)
    (docs_dir / "model_card.md").write_text("# Card\n\nOwner: jana@example.com <script>x</script>"
                                            "\n\n[run 1](../run-1/01_discovery.html)\n")
    (docs_dir / "docs.json").write_text(json.dumps({
        "as_of": "2026-11-26", "run_id": "run-1", "share": 0.5, "gate": {"verdict": "fail"},
        "sources": {"model_card": "model_card.md"},
        "documents": [{"name": "model_card", "title": "Model card", "applies": True,
                       "rendered": True, "filled": 1, "total": 2, "share": 0.5, "gaps": []}]}))
    html = documents.documents_html(small_ws, {"id": "run-1"})
    assert "jana@example.com" not in html and "&lt;EMAIL&gt;" in html
    assert "<script>x" not in html
    assert ('<span class="aipo-cite" title="reports/run-1/01_discovery.html">run 1</span>'
            in html)


def test_documents_written_from_another_aipo_yaml_are_flagged(small_ws):
    from aipo_widgets.documents.output import write_documents
    from aipo_widgets.documents.render import render_folder

    docs = render_folder(small_ws, as_of=dt.date(2026, 11, 26), only=["model_card"])
    write_documents(docs, small_ws / "reports" / "docs", "md")
    assert "Out of date" not in documents.documents_html(small_ws, None)
    yaml = small_ws / "aipo.yaml"
    yaml.write_text(yaml.read_text() + "\n# a comment changes the file\n")
    assert "aipo.yaml changed since they were written" in documents.documents_html(small_ws, None)


def test_the_runs_own_gates_need_attention_on_the_page(small_ws):
    """A run-level gate (a kit phase notebook missing) shows with the phases' gates."""
    run_dir = small_ws / "reports" / "r1"
    run_dir.mkdir(parents=True)
    missing = {"name": "kit phase notebooks present", "verdict": "fail", "figure": "3 of 4",
               "threshold": "all 4", "detail": "notebooks/03_rollout.ipynb is missing",
               "phase": "workspace"}
    (run_dir / "results.json").write_text(json.dumps({
        "id": "r1", "started": "2026-11-26T08:00:00+00:00", "verdict": "fail",
        "phases": [], "gates": [missing]}))
    (small_ws / "reports" / "latest").symlink_to("r1")
    sections = dict(status.status_sections(small_ws))
    assert "notebooks/03_rollout.ipynb is missing" in sections["Gates of the last run"]
    header = sections[""]  # the verdict's reasons, and the verdict fails as CI does
    assert 'data-verdict="fail"' in header
    # the decision card's reason, linked to the gate's row (its field names in the tooltip)
    assert 'data-gate="kit phase notebooks present"' in header
    assert 'href="#gate-workspace-kit-phase-notebooks-present"' in header
    assert 'id="gate-workspace-kit-phase-notebooks-present"' in sections["Gates of the last run"]


def test_business_case_says_which_drivers_move_together(tmp_path):
    from aipo_widgets.examples import write_example

    write_example("support-summaries", tmp_path)
    section = dict(status.status_sections(tmp_path))["Business case"]
    assert "Drawn with rank correlations between drivers: adoption_max and minutes_saved" in section


def test_a_partial_run_does_not_hide_the_other_phases(small_ws):
    """After `aipo run --phase operate`, the page still shows the others, from their last run."""
    reports = small_ws / "reports"
    full = {"id": "20261125T080000Z-aaaa", "started": "2026-11-25T08:00:00+00:00",
            "verdict": "warn", "gates": [],
            "phases": [{"phase": "experiments", "notebook": "02_experiments.ipynb",
                        "status": "ok", "verdict": "warn", "seconds": 3.0, "figures": {},
                        "gates": [{"name": "class balance", "verdict": "warn", "figure": 0.01,
                                   "threshold": ">= 0.05", "detail": "rarest class 1 %"}]}]}
    partial = {"id": "20261126T080000Z-bbbb", "started": "2026-11-26T08:00:00+00:00",
               "verdict": "pass", "gates": [],
               "phases": [{"phase": "operate", "notebook": "04_operate.ipynb", "status": "ok",
                           "verdict": "pass", "seconds": 2.0, "figures": {},
                           "gates": [{"name": "drift", "verdict": "pass", "figure": 0.02}]}]}
    for run in (full, partial):
        (reports / run["id"]).mkdir(parents=True)
        (reports / run["id"] / "results.json").write_text(json.dumps(run))
    (reports / "latest").symlink_to(partial["id"])
    sections = dict(status.status_sections(small_ws))
    header, gates = sections[""], sections["Gates of the last run"]
    assert 'data-verdict="warn"' in header and ">WARN<" in header  # not a green "on track"
    assert "experiments: from run 20261125T080000Z-aaaa" in header
    assert "class balance" in gates and "experiments (run 20261125T080000Z-aaaa)" in gates


def test_page_colours_come_from_the_presentation_tokens():
    from aipo_widgets.figures import tokens

    # Every custom property the pages use is defined in the page's style.
    page = (markup.CSS + markup.badge("fail") + markup.badge("pass")
            + markup.verdict_style("warn") + markup.verdict_style("error"))
    defined = set(re.findall(r"(--aipo-[\w-]+)\s*:", markup.CSS))
    used = set(re.findall(r"var\((--aipo-[\w-]+)", page))
    assert used and used - defined == set()
    assert "--aipo-verdict-fail: " + tokens.VERDICT["fail"]["colour"] in markup.CSS
    # No meaningful colour is copied by hand into the pages or the documents' style.
    chromatic = {c.lower() for name, c in tokens.PALETTE.items() if name not in ("black", "grey")}
    chromatic |= {v["colour"] for s in ("band", "tier") for v in tokens.TOKENS[s].values()}
    chromatic |= set(tokens.TEXT.values())
    package = Path(markup.__file__).parents[1]
    files = [*package.glob("pages/*.py"), *package.glob("pages/static/*"),
             package / "documents" / "output.py"]
    found = {f"{p.relative_to(package)}: {c}" for p in files
             for c in re.findall(r"#[0-9a-fA-F]{6}\b", p.read_text(encoding="utf-8"))
             if c.lower() in chromatic}
    assert found == set()
    # A sparkline is an image: it gets the token's value, not a custom property.
    data = re.search(r"base64,([^\"]+)", markup.sparkline([1, 2]))[1]
    assert f'stroke="{tokens.CHART["series"]}"' in base64.b64decode(data).decode()
