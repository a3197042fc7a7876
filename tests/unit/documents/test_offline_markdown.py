"""Markdown from the workspace loads nothing remote, in documents, reports and PDFs (issue 14)."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from pathlib import Path

import nbformat
import pytest

from aipo_widgets._text import markdown_html
from aipo_widgets.documents.output import find_chromium, html_to_pdf, markdown_to_html
from aipo_widgets.pipeline.report import notebook_to_html


@pytest.mark.parametrize("text", [
    "![x](http://127.0.0.1:9/p.png)",
    "![x](//evil.test/p.png)",
    '![x](https://evil.test/p.png "title")',
    "![x][ref]\n\n[ref]: http://evil.test/p.png",
])
def test_no_remote_image(text: str) -> None:
    html = markdown_html(text)
    assert "<img" not in html and "image not loaded: x" in html


def test_an_embedded_image_stays() -> None:
    html = markdown_html("![dot](data:image/png;base64,iVBORw0KGgo=)")
    assert '<img src="data:image/png;base64,iVBORw0KGgo="' in html


@pytest.mark.parametrize(("text", "shown"), [
    ("[Approve](http://evil.test/phish)", "Approve (http://evil.test/phish)"),
    ("[Approve][r]\n\n[r]: https://evil.test/", "Approve (https://evil.test/)"),
    ("<https://evil.test/a>", "https://evil.test/a"),
    ("[mail](mailto:a@b.test)", "mail (mailto:a@b.test)"),
    ("[x](//evil.test/)", "x (//evil.test/)"),
])
def test_outside_links_become_plain_text_with_the_address(text: str, shown: str) -> None:
    html = markdown_html(text)
    assert "<a " not in html and shown in html


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(1)",
                                 "data:text/html,<script>x</script>", "vbscript:msgbox(1)"])
def test_script_links_keep_only_their_text(url: str) -> None:
    html = markdown_html(f"[click]({url})")
    assert "<a " not in html and "click" in html and "script:" not in html.lower()


def test_local_links_stay_links() -> None:
    assert '<a href="model_card.html">card</a>' in markdown_html("[card](model_card.html)")
    assert '<a href="#risks">risks</a>' in markdown_html("[risks](#risks)")


def test_documents_and_reports_forbid_remote_loads() -> None:
    page = markdown_to_html("![x](http://evil.test/p.png)", "Model card")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert "http://evil.test/p.png" in page and 'src="http' not in page
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={
        "text/markdown": "![x](http://evil.test/p.png) [Approve](http://evil.test/phish)",
        "text/plain": "md"})]
    nb.cells.append(cell)
    report = notebook_to_html(nb)
    assert 'src="http://evil.test' not in report and 'href="http://evil.test' not in report
    assert "Approve (http://evil.test/phish)" in report
    assert "Content-Security-Policy" in report


@pytest.fixture
def beacon() -> Iterator[tuple[str, list[str]]]:
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", hits
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.skipif(find_chromium() is None, reason="needs Chromium")
def test_printing_a_pdf_makes_no_network_request(tmp_path: Path,
                                                 beacon: tuple[str, list[str]]) -> None:
    url, hits = beacon
    page = markdown_to_html(f"# Card\n\n![x]({url}/md.png) [a]({url}/link)", "Card")
    # Even HTML that slipped past the Markdown rule: the CSP and Chromium's networking stop it.
    leaked = page.replace("</body>", f'<img src="{url}/raw.png"><iframe src="{url}/frame">'
                          "</iframe></body>")
    html_file = tmp_path / "card.html"
    html_file.write_text(leaked, encoding="utf-8")
    no_csp = tmp_path / "nocsp.html"
    no_csp.write_text(f'<html><body><img src="{url}/nocsp.png"></body></html>', encoding="utf-8")
    html_to_pdf(html_file, tmp_path / "card.pdf")
    html_to_pdf(no_csp, tmp_path / "nocsp.pdf")  # networking off on its own
    assert (tmp_path / "card.pdf").stat().st_size > 0
    assert hits == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["card.html", "card.pdf", "nocsp.html",
                                                          "nocsp.pdf"]
