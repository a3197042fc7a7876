"""The stakeholder pages in Chromium: every section, no errors, nothing fetched from elsewhere.

The status page of each example (support-summaries served as a workspace, predictive-maintenance
opened from the portfolio), the portfolio of both plus a broken workspace, and its links.
Screenshots of each page go to test-artifacts/.
"""

from __future__ import annotations

import re

import pytest
import served

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _check_status_page(page, product: str, shot: str,
                       sections: tuple[str, ...] = served.SECTIONS) -> None:
    served.wait_for_sections(page, sections)
    assert page.locator(".aipo-page h1").first.inner_text() == product
    headings = page.locator(".aipo-page h2").all_inner_texts()
    assert headings == list(sections)  # every section, in the page's order
    # Both widgets rendered their read-only view with content, not an empty box.
    tree, risk = page.locator(".aipo.aipo-tree"), page.locator(".aipo.aipo-risk")
    for widget in (tree, risk):
        widget.wait_for(state="visible")
        assert "aipo-ro" in widget.get_attribute("class")
    page.wait_for_function("document.querySelectorAll('.aipo-risk .aipo-chip').length > 0")
    assert page.locator(".aipo-risk .aipo-chip").count() >= 3
    assert page.get_by_text("Cannot show this").count() == 0
    # The verdict is there as a word, not only a colour.
    assert page.locator(".aipo-verdict").inner_text().split(":")[0] in ("PASS", "WARN", "FAIL")
    page.wait_for_timeout(300)  # late console messages
    rec = page.recorder
    assert rec.console_errors() == []
    assert rec.foreign_requests() == []
    served.screenshot(page, shot)


def test_status_page_support_summaries(page, status_server):
    page.goto(status_server.url(), timeout=served.PAGE_MS)
    _check_status_page(page, "Ticket summaries", "voila-status-support-summaries",
                       served.SUPPORT_SECTIONS)
    # No source code anywhere in the rendered page.
    text = page.content()
    assert "show_status" not in text and "from aipo_widgets" not in text
    # The documents 'aipo docs' wrote: a completeness table whose links open each document.
    card = page.locator("details#aipo-doc-model_card")
    assert card.get_attribute("open") is None
    page.locator("a.aipo-doc-link", has_text="Model card").click()
    page.wait_for_function("document.querySelector('details#aipo-doc-model_card').open")
    body = card.locator(".aipo-doc-body")
    assert body.is_visible()
    assert "2. Intended use" in body.inner_text()
    # Citations name the executed notebook they come from; the server shows no files.
    assert body.locator(".aipo-cite").count() > 0
    assert body.locator("a[href]").count() == 0
    assert page.locator(".aipo-page").get_by_text("Out of date").count() == 0
    served.screenshot(page, "voila-status-documents")


def test_status_page_predictive_maintenance(page, portfolio_server):
    page.goto(portfolio_server.url("workspace=predictive-maintenance"), timeout=served.PAGE_MS)
    served.wait_for_sections(page)
    product = page.locator(".aipo-page h1").first.inner_text()
    assert product and product != "Not found"
    _check_status_page(page, product, "voila-status-predictive-maintenance")
    assert page.get_by_text("No documents yet").count() == 1  # no 'aipo docs' here
    # The card says what the drift means for the decision, first thing on the page.
    headline = page.locator(".aipo-card .aipo-verdict-headline").inner_text()
    assert headline.startswith("Retrain needed: "), headline


def test_portfolio_rows_error_row_and_links(page, portfolio_server):
    page.goto(portfolio_server.url(), timeout=served.PAGE_MS)
    table = page.locator("#aipo-portfolio")
    table.wait_for(timeout=served.PAGE_MS)
    rows = table.locator("tbody tr")
    assert rows.count() == 3
    texts = rows.all_inner_texts()
    broken = next(t for t in texts if "broken" in t)
    # The broken workspace shows its error (the field and the fix), not a traceback.
    assert "ERROR" in broken and "likelihood" in broken
    assert "Traceback" not in page.content()
    good = [t for t in texts if t is not broken]
    assert all("ERROR" not in t for t in good)
    assert any("Ticket summaries" in t for t in good)
    # How complete each product's documents are ('aipo docs' ran for one of them).
    assert any(re.search(r"\b\d+% complete\b", t) for t in good)
    assert any("not written" in t for t in good)
    served.screenshot(page, "voila-portfolio")
    rec = page.recorder
    assert rec.console_errors() == [] and rec.foreign_requests() == []

    # Sorting by a header click (and back) reorders the rows.
    header = table.locator("th", has_text="product")
    header.click()
    first = rows.first.inner_text()
    header.click()
    assert rows.first.inner_text() != first

    # Each link opens that product's status page.
    link = table.locator("a", has_text="Ticket summaries")
    assert link.get_attribute("href") == "?workspace=support-summaries"
    link.click()
    served.wait_for_sections(page)
    assert page.locator(".aipo-page h1").first.inner_text() == "Ticket summaries"
    assert "workspace=support-summaries" in page.url
    # And the way back.
    page.get_by_role("link", name="portfolio").click()
    page.locator("#aipo-portfolio").wait_for(timeout=served.PAGE_MS)
    assert page.locator("#aipo-portfolio tbody tr").count() == 3
    assert rec.console_errors() == [] and rec.foreign_requests() == []


def test_portfolio_link_of_broken_workspace_shows_its_error(page, portfolio_server):
    page.goto(portfolio_server.url("workspace=broken"), timeout=served.PAGE_MS)
    page.get_by_text("Cannot show this product").wait_for(timeout=served.PAGE_MS)
    text = page.locator(".aipo-page").all_inner_texts()
    assert any("likelihood" in t for t in text)
    assert str(portfolio_server.plan.root) not in page.content()  # no server paths shown


_RAW = re.compile(r"\bNone\b|\bNaN\b|\bnan\b|\d\.\d{4,}|label_share:|\('\w+', '\w+'\)")


def test_decision_card_above_the_fold_in_words_without_edit_controls(page, status_server):
    page.goto(status_server.url(), timeout=served.PAGE_MS)
    served.wait_for_sections(page)
    card = page.locator(".aipo-card")
    for width in (1000, 1440):
        page.set_viewport_size({"width": width, "height": 800})
        page.evaluate("window.scrollTo(0, 0)")
        box = card.bounding_box()
        # The whole card (verdict, decision due, owner, date, reasons) on the first screen.
        assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= 800, box
        assert box["x"] + box["width"] <= width
        served.screenshot(page, f"voila-status-card-{width}")
    assert card.locator(".aipo-verdict").inner_text() in ("PASS", "WARN", "FAIL")
    assert card.locator(".aipo-card-facts").inner_text().count("Jana Keller") == 1
    reasons = card.locator(".aipo-card-reasons li")
    assert 1 <= reasons.count() <= 3
    # Each reason links to its gate's row on the page, its field names in the tooltip.
    first = reasons.first
    assert first.get_attribute("title").startswith("rollout > ")
    href = first.locator("a").get_attribute("href")
    assert page.locator(href).count() == 1
    text = card.text_content()  # the folded groups too
    assert not _RAW.search(text), _RAW.search(text)
    # A read-only page offers no what-if or expand-all buttons.
    tree = page.locator(".aipo.aipo-tree")
    assert tree.get_by_role("button", name="What-if").count() == 0
    assert tree.get_by_role("button", name="Expand all").count() == 0
