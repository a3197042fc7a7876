"""Offline HTML from an executed notebook: small, self-contained, pictures instead of widgets.

nbconvert's lab template loads require.js, MathJax and the widget manager from CDNs; offline,
widget areas come out empty. The kit's ``aipo`` template (in ``nbconvert/aipo/``) drops those
scripts, and the exporter prefers static outputs (PNG, SVG images in HTML) to the widget view,
so every widget shows as the picture its ``_repr_mimebundle_`` carries. Code cells are hidden
unless asked for.

Examples
--------
>>> import nbformat
>>> nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Discovery")])
>>> html = notebook_to_html(nb)
>>> "<h1" in html and "cdn" not in html.lower()
True
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

_TEMPLATES = Path(__file__).parent / "nbconvert"

# Static first: what a report can show without a running kernel or a widget manager.
DISPLAY_PRIORITY = [
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "text/html",
    "text/markdown",
    "application/pdf",
    "text/latex",
    "application/vnd.jupyter.widget-view+json",
    "text/plain",
]


def notebook_to_html(notebook: Any, *, show_code: bool = False, title: str | None = None) -> str:
    """Convert a notebook (an nbformat node) to one self-contained, offline HTML page.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The (executed) notebook. It is not modified.
    show_code : bool, default False
        Keep the code cells; by default only their outputs are shown.
    title : str, optional
        Page title (default: the notebook's file name, as nbconvert sets it).

    Returns
    -------
    str
        The HTML page.
    """
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(notebook)
    # Saved widget state only makes nbconvert add the CDN widget manager; the pictures remain.
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "parameters" in tags:
            # Parameters are recorded in results.json; the page is for people.
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    exporter = HTMLExporter(
        template_name="aipo",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.display_data_priority = list(DISPLAY_PRIORITY)
    resources = {"metadata": {"name": title}} if title else None
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body
