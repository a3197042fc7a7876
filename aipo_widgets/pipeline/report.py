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
import hashlib
import html as _html
import os
import re
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
from aipo_widgets.pipeline import paint
from aipo_widgets.pipeline.kernels import kernel_options
from aipo_widgets.pipeline.serve import plan
from aipo_widgets.resources import resource_dir
from aipo_widgets.runs.ledger import Ledger
from aipo_widgets.runs.results import RESULTS_MIME, latest_evidence

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

#: The anchor of a report's gates table (the phase's recorded results, at its end).
GATES_ANCHOR = "aipo-gates"

#: The key of a recorded results output's metadata that says which cell added each gate
#: (``{"aipo": {"cells": [execution count per gate]}}``, written by the notebook facade).
CELLS_KEY = "aipo"

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")


def gate_anchor(name: str) -> str:
    """Return the anchor of a gate's section in a phase report (the same for the same name).

    Examples
    --------
    >>> gate_anchor("recall") == gate_anchor("recall") != gate_anchor("precision")
    True
    >>> gate_anchor("recall")
    'aipo-gate-cd473cc272'
    """
    return "aipo-gate-" + hashlib.sha1(name.encode("utf-8")).hexdigest()[:10]


def _sections(nb: Any) -> list[dict[str, Any]]:
    """Return the notebook's sections: heading cell, level, title, cells, gates, outputs."""
    sections: list[dict[str, Any]] = []
    for i, cell in enumerate(nb.cells):
        lines = str(cell.get("source", "")).strip().splitlines() if cell.cell_type == "markdown" \
            else []
        head = _HEADING.match(lines[0]) if lines else None
        if head is not None:
            sections.append({"cell": i, "level": len(head.group(1)),
                             "title": re.sub(r"[`*_]", "", head.group(2)), "counts": [],
                             "gates": [], "shown": False, "code": False})
            continue
        if not sections or cell.cell_type != "code":
            continue
        current = sections[-1]
        current["counts"].append(cell.get("execution_count"))
        current["code"] = True
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and str(output.get("text", "")).strip():
                current["shown"] = True
            elif output.get("output_type") in ("display_data", "execute_result", "error"):
                data = output.get("data") or {}
                if RESULTS_MIME in data:
                    current["results"] = output
                if any(k != "text/plain" or str(v).strip() for k, v in data.items()) \
                        or output.get("output_type") == "error":
                    current["shown"] = True
    return sections


def _place_gates(sections: list[dict[str, Any]]) -> None:
    """Put each recorded gate in the section whose cell added it (else with the gates table)."""
    by_count = {c: s for s in sections for c in s["counts"] if c is not None}
    for s in sections:
        output = s.get("results")
        if output is None:
            continue
        payload = output["data"][RESULTS_MIME]
        gates = payload.get("gates", []) if isinstance(payload, Mapping) else []
        cells = ((output.get("metadata") or {}).get(CELLS_KEY) or {}).get("cells") or []
        for k, gate in enumerate(gates):
            count = cells[k] if k < len(cells) else None
            home = by_count.get(count)
            if home is None or home["level"] < 2:
                home = s  # added when the phase opened: listed with the gates
            home["gates"].append(gate)


def _toc(sections: list[dict[str, Any]]) -> str:
    """Return the report's table of contents: each section, with its warnings and failures."""
    items = []
    for s in sections:
        if s["level"] < 2:
            continue
        bad = {v: sum(g.get("verdict") == v for g in s["gates"]) for v in ("fail", "warn")}
        said = ", ".join(f"{n} {'failed' if v == 'fail' else 'warning' + ('s' if n > 1 else '')}"
                         for v, n in bad.items() if n)
        note = f" <span class='aipo-toc-note'>({_html.escape(said)})</span>" if said else ""
        if not s["shown"] and s["code"]:
            note += " <span class='aipo-toc-note'>(nothing to show)</span>"
        items.append(f"<li><a href='#{s['anchor']}'>{_html.escape(s['title'])}</a>{note}</li>")
    if not items:
        return ""
    # A list without numbers: the headings carry their own ("1. The gold set").
    return ("<nav class='aipo-toc'><p><b>Contents</b></p><ul>" + "".join(items)
            + "</ul></nav>")


def _outline(nb: Any) -> str:
    """Anchor the notebook's sections and gates, note empty sections; return the contents.

    Each heading gets an anchor (``aipo-section-N``), each gate one in the section whose cell
    added it (:func:`gate_anchor`), the section of the recorded gates :data:`GATES_ANCHOR`; a
    section whose steps showed nothing says so, instead of a heading over a blank.
    """
    import nbformat

    sections = _sections(nb)
    _place_gates(sections)
    placed: set[str] = set()
    for k, s in enumerate(sections):
        s["anchor"] = GATES_ANCHOR if "results" in s else f"aipo-section-{k + 1}"
        anchors = [s["anchor"]] + [a for a in (gate_anchor(str(g.get("name", "")))
                                               for g in s["gates"]) if a not in placed]
        placed.update(anchors)
        cell = nb.cells[s["cell"]]
        cell.source = "".join(f'<a id="{a}" class="aipo-anchor"></a>' for a in anchors) \
            + "\n\n" + str(cell.source)
    for s in reversed(sections):
        if s["code"] and not s["shown"]:
            note = nbformat.v4.new_markdown_cell(
                "*Nothing to show here in this run: this step displayed no table, figure or "
                "message. Its gates, if any, are in the summary at the top and in the gates "
                "table at the end.*")
            ends = [t["cell"] for t in sections if t["cell"] > s["cell"]]
            nb.cells.insert(min(ends, default=len(nb.cells)), note)
    return _toc(sections)


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

        # The summary, then the contents: a report reads like a report, not like a notebook.
        toc = _outline(nb)
        first = nbformat.v4.new_code_cell("")
        first.outputs = [nbformat.v4.new_output("display_data", data={
            "text/html": f'<div class="aipo-lead">{lead}</div>{toc}', "text/plain": "verdict"})]
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
        name = str(g.get("name", ""))
        rows.append(
            f"<tr><td><b>{'SUPERSEDED' if by else verdict_word(str(g.get('verdict')))}</b></td>"
            f"<td><a href='#{gate_anchor(name)}'>{_html.escape(name)}</a></td>"
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
            f"<a href='#{GATES_ANCHOR}'>at the end of this report</a>; each gate's name "
            "links to the section that checked it)</p>" + table)


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
        them), or whose ledger or last ``results.json`` cannot be read. A portfolio is
        written even with a broken product: its row shows the error.
    """
    target = Path(out)
    if target.suffix.lower() not in (".html", ".htm"):
        raise UsageError([Problem(f"{target} does not end in .html", path="--html",
                                  fix="name the output file e.g. status.html")])
    html = render_page(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write_text(target, html)
    return target


def render_page(path: str | os.PathLike) -> str:
    """Return the stakeholder page of a workspace (or portfolio) as one offline HTML text.

    What :func:`export_page` writes; raises as it does.
    """
    import tempfile

    import nbformat
    import papermill

    the_plan = plan(path, no_token=True)  # checks the path; nothing is served
    if the_plan.page == "status":
        # The page of a broken workspace only says it is broken; writing it and exiting 0
        # would tell CI all is well, where validate, run and docs exit 2.
        load(the_plan.root)
        # So are broken run files (a CI cache restored them): named here, with their fix.
        latest_evidence(the_plan.root)
        if (the_plan.root / "reports" / "ledger.sqlite").exists():
            Ledger(the_plan.root / "reports" / "ledger.sqlite").close()
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
    return notebook_to_html(nb, title=title)


def refresh_page(path: str | os.PathLike) -> bool:
    """Render the page ``aipo serve`` shows at once again, if what it shows changed.

    The page is kept in the served folder (:mod:`aipo_widgets.pipeline.paint`) with the
    fingerprint of the state it was rendered from; nothing is done while that still holds.

    Returns
    -------
    bool
        True when the page was rendered (again).
    """
    root = Path(path).resolve()
    digest = paint.fingerprint(root)
    meta = paint.read_meta(root)
    if meta is not None and meta.get("fingerprint") == digest:
        return False
    paint.store(root, render_page(root), digest)
    return True


if __name__ == "__main__":  # pragma: no cover - the renderer aipo serve runs (paint.Keeper)
    import sys

    refresh_page(sys.argv[1])
