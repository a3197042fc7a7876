"""The offline report prefers static outputs, as report.DISPLAY_PRIORITY says."""

from __future__ import annotations

import nbformat

from aipo_widgets.pipeline.report import notebook_to_html


def _notebook(data: dict) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("show()")])
    nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data=data)]
    return nb


def test_a_picture_is_preferred_to_html() -> None:
    # nbconvert's own priority would show the HTML here.
    html = notebook_to_html(_notebook({"text/html": "<p>HTML-VERSION</p>",
                                       "image/png": "iVBORw0KGgo=", "text/plain": "plain"}))
    assert "iVBORw0KGgo=" in html
    assert "HTML-VERSION" not in html


def test_a_widget_without_saved_state_shows_its_html_picture() -> None:
    view = {"version_major": 2, "version_minor": 0, "model_id": "abc"}
    html = notebook_to_html(_notebook({"application/vnd.jupyter.widget-view+json": view,
                                       "text/html": "<p>PICTURE</p>", "text/plain": "plain"}))
    assert "PICTURE" in html
