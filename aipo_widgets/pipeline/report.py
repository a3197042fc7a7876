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
import html as _html
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aipo_widgets._text import format_number, markdown_html
from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.figures.verdict import (
    provenance_text,
    superseded_text,
    verdict_html,
    verdict_word,
)
from aipo_widgets.model.atomic import atomic_write_text
from aipo_widgets.model.workspace import load
from aipo_widgets.pipeline.kernels import kernel_options
from aipo_widgets.pipeline.serve import plan
from aipo_widgets.resources import resource_dir

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


#: Where a phase report's lead goes until the run knows the product's verdict (see
#: :func:`fill_lead`): a phase's report is written while the next phase runs.
LEAD_PLACEHOLDER = "<!-- aipo:lead -->"


def notebook_to_html(notebook: Any, *, show_code: bool = False, title: str | None = None,
                     lead: str = "") -> str:
    """Convert a notebook (an nbformat node) to one self-contained, offline HTML page.

    Parameters
    ----------
    notebook : nbformat.NotebookNode
        The (executed) notebook. It is not modified.
    show_code : bool, default False
        Keep the code cells; by default only their outputs are shown.
    title : str, optional
        Page title (default: the notebook's file name, as nbconvert sets it).
    lead : str, optional
        HTML shown first, above the notebook's own cells: the product's verdict and the phase's
        gates, so a reader sees the decision before the workings (``aipo run`` passes
        :data:`LEAD_PLACEHOLDER` and fills it in with :func:`fill_lead` when the run is done).

    Returns
    -------
    str
        The HTML page.
    """
    from nbconvert import HTMLExporter
    from traitlets.config import Config

    nb = copy.deepcopy(notebook)
    offline_markdown(nb)
    # Saved widget state only makes nbconvert add the CDN widget manager; the pictures remain.
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        tags = cell.get("metadata", {}).get("tags", [])
        if "injected-parameters" in tags or "parameters" in tags:
            # Parameters are recorded in results.json; the page is for people.
            cell.metadata.setdefault("transient", {})["remove_source"] = True
    if lead:
        import nbformat

        first = nbformat.v4.new_code_cell("")
        first.outputs = [nbformat.v4.new_output("display_data", data={
            "text/html": f'<div class="aipo-lead">{lead}</div>', "text/plain": "verdict"})]
        first.metadata["transient"] = {"remove_source": True}
        nb.cells.insert(0, first)
    exporter = HTMLExporter(
        # The filters that pick an output's format read the priority from the configuration
        # (an attribute set on the exporter is read by nothing).
        config=Config({"NbConvertBase": {"display_data_priority": list(DISPLAY_PRIORITY)}}),
        template_name="aipo",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=not show_code,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    resources = {"metadata": {"name": title}} if title else None
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


def offline_markdown(nb: Any) -> None:
    """Render the notebook's Markdown outputs with the kit's one rule, in place.

    A Markdown output carries workspace text; nbconvert's own renderer would keep its remote
    images and links. Each becomes HTML by :func:`aipo_widgets._text.markdown_html`: nothing
    remote is loaded, links to outside show as plain text with their address.
    """
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data")
            if data and "text/markdown" in data:
                text = data.pop("text/markdown")
                text = "".join(text) if isinstance(text, list) else str(text)
                data["text/html"] = markdown_html(text)


def phase_lead(verdict: Any, phase: Mapping[str, Any], run: str = "") -> str:
    """Return what a phase's report shows first: the product's verdict, then the phase's gates.

    Parameters
    ----------
    verdict : OverallVerdict or dict
        The product's one verdict (the same block the pages and documents show).
    phase : dict
        The phase as ``results.json`` holds it (``phase``, ``verdict``, ``gates``).
    run : str
        The run the phase was recorded in (named by each measured figure).

    Examples
    --------
    >>> v = {"verdict": "pass", "phase": "rollout", "decision": "go", "question": "Go?",
    ...      "headline": "Go to the next stage", "owner": "Jana", "due": None, "run": "r1",
    ...      "blocking": [], "housekeeping": []}
    >>> lead = phase_lead(v, {"phase": "rollout", "verdict": "warn", "gates": [
    ...     {"name": "alerts", "verdict": "warn", "figure": 2, "detail": "one missing"}]})
    >>> "Go to the next stage" in lead and "1 warning" in lead
    True
    """
    gates = list(phase.get("gates") or [])
    counts = {v: sum(g.get("verdict") == v and not g.get("superseded_by") for g in gates)
              for v in ("pass", "warn", "fail")}
    later = sum(bool(g.get("superseded_by")) for g in gates)
    said = (f"{counts['pass']} passed, {counts['warn']} warning"
            f"{'' if counts['warn'] == 1 else 's'}, {counts['fail']} failed"
            + (f", {later} superseded by a later phase's measurement" if later else ""))
    rows = []
    for g in gates:
        if g.get("verdict") == "pass":
            continue
        by = superseded_text(g)
        rows.append(
            f"<tr><td><b>{'SUPERSEDED' if by else verdict_word(str(g.get('verdict')))}</b></td>"
            f"<td>{_html.escape(str(g.get('name', '')))}</td>"
            f"<td>{_html.escape(format_number(g.get('figure')))}</td>"
            f"<td>{_html.escape(format_number(g.get('threshold')))}</td>"
            f"<td>{_html.escape(str(g.get('detail') or ''))}</td>"
            f"<td>{_html.escape(by or provenance_text(g.get('provenance'), run))}</td></tr>")
    table = ("<table class='aipo-lead-gates'><thead><tr><th>verdict</th><th>gate</th>"
             "<th>figure</th><th>threshold</th><th>why</th><th>evidence</th></tr></thead>"
             "<tbody>" + "".join(rows) + "</tbody></table>") if rows else ""
    name = _html.escape(str(phase.get("phase", "")))
    return (verdict_html(verdict, heading="The product's verdict")
            + f"<p><b>Gates of the {name} phase: "
            f"{verdict_word(str(phase.get('verdict', 'pass')))}</b> ({said}; the full table is "
            "at the end of this report)</p>" + table)


def fill_lead(path: str | os.PathLike, lead: str) -> int:
    """Put ``lead`` where :data:`LEAD_PLACEHOLDER` is in the HTML file at ``path``.

    Returns
    -------
    int
        The file's size in bytes afterwards.
    """
    file = Path(path)
    text = file.read_text(encoding="utf-8").replace(LEAD_PLACEHOLDER, lead, 1)
    atomic_write_text(file, text)
    return len(text.encode("utf-8"))


def export_page(path: str | os.PathLike, out: str | os.PathLike) -> Path:
    """Render the stakeholder page of a workspace (or portfolio) to one offline HTML file.

    The page notebook from ``voila_apps/`` is executed once, headlessly, and converted with
    the widgets as pictures: the file needs no server and no internet (for e-mail and
    intranets).

    Parameters
    ----------
    path : path
        A workspace folder (status page) or a folder of workspaces (portfolio).
    out : path
        The HTML file to write.

    Returns
    -------
    pathlib.Path
        The file written.

    Raises
    ------
    aipo_widgets.errors.AipoError
        For a path that is no workspace or portfolio, an output name without ``.html``, or a
        workspace whose ``aipo.yaml`` is invalid (every problem, as ``aipo validate`` lists
        them). A portfolio is written even with a broken product: its row shows the error.
    """
    import tempfile

    import nbformat
    import papermill

    the_plan = plan(path, no_token=True)  # checks the path; nothing is served
    target = Path(out)
    if target.suffix.lower() not in (".html", ".htm"):
        raise UsageError([Problem(f"{target} does not end in .html", path="--html",
                                  fix="name the output file e.g. status.html")])
    if the_plan.page == "status":
        # The page of a broken workspace only says it is broken; writing it and exiting 0
        # would tell CI all is well, where validate, run and docs exit 2.
        load(the_plan.root)
    source = resource_dir("voila_apps") / f"{the_plan.page}.ipynb"
    old = os.environ.get("AIPO_SERVE_ROOT")
    os.environ["AIPO_SERVE_ROOT"] = str(the_plan.root)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            executed = Path(tmp) / source.name
            # The kernel starts in ``tmp`` without this process changing folder (as aipo run).
            papermill.execute_notebook(str(source), str(executed), progress_bar=False,
                                       resources={"metadata": {"path": tmp}},
                                       log_output=False, kernel_name="python3",
                                       **kernel_options())  # Unix sockets, as aipo run
            nb = nbformat.read(executed, as_version=4)
    finally:
        if old is None:
            os.environ.pop("AIPO_SERVE_ROOT", None)
        else:
            os.environ["AIPO_SERVE_ROOT"] = old
    title = "AI product portfolio" if the_plan.page == "portfolio" else "AI product status"
    html = notebook_to_html(nb, title=title)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, html)
    return target
