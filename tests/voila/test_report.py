"""``aipo report PATH --html OUT.html``: the stakeholder page as one offline file.

The file must need nothing but itself: no script or style sheet from the web, the widgets as
images, every section there, and it must open in Chromium with the network switched off.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import served

pytestmark = pytest.mark.slow


def _report(path: Path, out: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "aipo_widgets.cli", "report", str(path),
                           "--html", str(out)], env=env, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def status_report(portfolio_root, tmp_path_factory, voila_base) -> Path:
    out = tmp_path_factory.mktemp("report") / "status.html"
    r = _report(portfolio_root / "support-summaries", out, served.jupyter_env(voila_base / "rep"))
    assert r.returncode == 0, r.stderr[-3000:]
    assert "one file" in r.stdout
    return out


def test_report_is_one_self_contained_file(status_report):
    folder = status_report.parent
    assert [p.name for p in folder.iterdir()] == ["status.html"]  # nothing beside it
    html = status_report.read_text(encoding="utf-8")
    # Nothing is loaded from elsewhere: no remote script, style sheet, image, font or frame.
    remote = re.findall(r"""<(?:script|link|img|iframe|source|video|audio)\b[^>]*?"""
                        r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html, re.I)
    assert remote == []
    assert not re.search(r"@import\s+url\(\s*['\"]?(https?:)?//", html)
    assert not re.search(r"url\(\s*['\"]?(https?:)?//", html)
    # The widgets are there as pictures, with words for screen readers.
    imgs = re.findall(r'<img[^>]*src="data:image/[^"]+"[^>]*>', html)
    alts = [re.search(r'alt="([^"]*)"', i).group(1) for i in imgs if 'alt="' in i]
    assert any(a.startswith("Metric tree") for a in alts), alts
    assert any(a.startswith("Risk matrix") for a in alts), alts
    assert any(a.startswith("trend over 2 runs") for a in alts), alts  # from the ledger
    for title in served.SECTIONS:
        assert f"{title}</h2>" in html, title
    assert "Ticket summaries" in html
    # No code and no widget-manager machinery.
    for code in ("show_status", "from aipo_widgets", "application/vnd.jupyter.widget-state"):
        assert code not in html, code
    assert len(html) < 2_000_000


@pytest.mark.browser
def test_report_opens_offline_in_chromium(status_report, browser):
    context = browser.new_context(offline=True, viewport={"width": 1300, "height": 1000})
    asked: list[str] = []

    def only_the_file(route) -> None:
        asked.append(route.request.url)
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_file)
    page = context.new_page()
    rec = served.Recorder(page)
    try:
        page.goto(status_report.resolve().as_uri())
        page.wait_for_load_state("load")
        headings = page.locator("h2").all_inner_texts()
        for title in served.SECTIONS:
            assert any(h.strip().rstrip("¶").strip() == title for h in headings), title
        # Every picture is drawn (a broken image has no natural width).
        broken = page.evaluate(
            "[...document.images].filter(i => !i.complete || i.naturalWidth === 0)"
            ".map(i => i.alt)")
        assert broken == []
        pictures = page.locator('img[alt^="Metric tree"], img[alt^="Risk matrix"]')
        assert pictures.count() == 2
        for i in range(2):
            assert pictures.nth(i).bounding_box()["width"] > 200
        # The documents open from their links in the file as on the served page.
        page.locator("a.aipo-doc-link", has_text="Model card").click()
        page.wait_for_function("document.querySelector('details#aipo-doc-model_card').open")
        assert "2. Intended use" in page.locator("#aipo-doc-model_card").inner_text()
        assert [u for u in asked if not u.startswith(("file:", "data:"))] == []
        assert [u for u in rec.requests if not u.startswith(("file:", "data:"))] == []
        assert rec.console_errors() == []
        served.screenshot(page, "report-status-offline")
    finally:
        context.close()


def test_report_of_a_portfolio(portfolio_root, tmp_path, voila_base):
    out = tmp_path / "portfolio.html"
    r = _report(portfolio_root, out, served.jupyter_env(voila_base / "rep"))
    assert r.returncode == 0, r.stderr[-3000:]
    html = out.read_text(encoding="utf-8")
    assert html.count("<tr>") >= 4  # a header and three rows
    assert "Ticket summaries" in html and "broken" in html
    assert str(portfolio_root) not in html


def test_report_refuses_a_wrong_output_name(portfolio_root, tmp_path, voila_base):
    r = _report(portfolio_root / "support-summaries", tmp_path / "out.pdf",
                served.jupyter_env(voila_base / "rep"))
    assert r.returncode == 2 and "does not end in .html" in r.stderr
    assert "Traceback" not in r.stderr


def test_serve_answers_at_once_with_the_saved_page(status_report, portfolio_root, tmp_path,
                                                   voila_base):
    """``aipo serve``'s ``/``: the page last rendered (this report), no kernel, its age said."""
    import datetime as dt

    from aipo_widgets.pipeline import paint

    ws = served.copy_workspace(portfolio_root / "support-summaries", tmp_path / "ws")
    five_min_ago = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)
    paint.store(ws, status_report.read_text(encoding="utf-8"), paint.fingerprint(ws),
                now=five_min_ago)
    server = served.PageServer(ws, voila_base / "saved", pool_size=0)  # no kernel pre-started
    server.start(wait_pool=False)
    try:
        status, body, headers = server.fetch()
        assert status == 200
        assert 'id="aipo-decision"' in body  # the last run's decision card
        assert f"As of run {paint.last_run(ws)}" in body and "5 min ago" in body
        assert 'href="?live=1"' in body and "Newer results" not in body
        assert "default-src 'self'" in headers["Content-Security-Policy"]
        assert server.pids() == [server.proc.pid]  # served without starting a kernel
        # The same token as the live page: none, or a wrong one, gets no page.
        for token in (False, True):
            if token:
                server.token = "wrong-" + server.token
            code, other, _ = server.fetch(token=token, follow=False)
            assert code in (302, 403) and "aipo-decision" not in other, code
        # The workspace changed since: the page says so until it is rendered again.
        with (ws / "aipo.yaml").open("a", encoding="utf-8") as fh:
            fh.write("\n# edited\n")
        server.token = server.plan.token
        assert "Newer results exist" in server.fetch()[1]
    finally:
        server.stop()
