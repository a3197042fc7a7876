"""The status page's Documents section: what ``aipo docs`` last wrote, and each document.

The section reads ``reports/docs/`` as ``aipo docs`` leaves it (``docs.json`` and the Markdown
files, see :mod:`aipo_widgets.documents.output`): a completeness table whose links open each
document further down (a collapsed block, personal data masked, HTML escaped), and a warning
when the documents cite another run than the last one or were written from another
``aipo.yaml``. The link behaviour is ``static/documents.js``.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import posixpath
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aipo_widgets.documents.output import markdown_body
from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.pages.markup import badge, html_escape_table, mask_text, note, script, shown

#: Links inside a document lead to files beside it (the executed notebooks of a run): on a page
#: they become their text, with the file named in a tooltip, since the server shows no files.
_FILE_LINK = re.compile(r'<a href="([^"#:][^":]*)">(.*?)</a>', re.S)


def _digest(path: Path) -> str | None:
    """Return the SHA-256 of a file (None when it cannot be read)."""
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def out_of_date(folder: str | os.PathLike, manifest: dict, run_id: str | None) -> list[str]:
    """Say why the documents ``aipo docs`` wrote are out of date (empty: they are not).

    Examples
    --------
    >>> import tempfile
    >>> out_of_date(tempfile.mkdtemp(), {"run_id": "r1"}, "r2")
    ['they cite run r1, the last run is r2']
    """
    why = []
    cited = manifest.get("run_id")
    if run_id is not None and cited != run_id:
        why.append(f"they cite {'run ' + str(cited) if cited else 'no run'}, the last run is "
                   f"{run_id}")
    digest = manifest.get("workspace_digest")
    if digest and digest != _digest(Path(folder) / "aipo.yaml"):
        why.append("aipo.yaml changed since they were written")
    return why


def documents_html(folder: str | os.PathLike, run: dict | None = None) -> str:
    """Return the page's Documents section: what ``aipo docs`` wrote, and each document.

    The completeness table links each rendered document, shown further down in a collapsed
    block (personal data masked, HTML escaped). Documents that cite another run than the last
    one, or were written from another ``aipo.yaml`` than today's, are flagged as out of date.

    Parameters
    ----------
    folder : path
        The workspace folder (documents in ``reports/docs/``, as ``aipo docs`` writes them).
    run : dict, optional
        The last run's ``results.json``.

    Returns
    -------
    str
        HTML.

    Raises
    ------
    UsageError
        When ``reports/docs/docs.json`` cannot be read.

    Examples
    --------
    >>> import tempfile
    >>> documents_html(tempfile.mkdtemp())  # doctest: +ELLIPSIS
    '<p class="aipo-note">No documents yet in reports/docs/: ...aipo docs...</p>'
    """
    docs_dir = Path(folder) / "reports" / "docs"
    where = "reports/docs/docs.json"
    if not (docs_dir / "docs.json").is_file():
        return note("No documents yet in reports/docs/: <code>aipo docs</code> writes the "
                    "technical documentation, model card, playbooks, checklists and impact "
                    "report there from the workspace and its last run, and they appear here.")
    try:
        manifest = json.loads((docs_dir / "docs.json").read_text(encoding="utf-8"))
        documents = list(manifest["documents"])
        sources = manifest.get("sources") or {
            k: v for k, v in manifest.get("files", {}).items() if str(v).endswith(".md")}
        gate = manifest.get("gate") or {}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise UsageError([Problem(f"{where} cannot be read: {exc}", file=where,
                                  fix="run 'aipo docs' again")]) from None
    cited = manifest.get("run_id")
    cites = f"run <code>{shown(cited)}</code>" if cited else "no run"
    commit = (f", workspace commit <code>{shown(str(manifest['commit'])[:12])}</code>"
              if manifest.get("commit") else "")
    share = f"{float(manifest.get('share') or 0):.0%}"
    out = [f"<p>Written by <code>aipo docs</code> as of {shown(manifest.get('as_of'))}, citing "
           f"{cites}{commit}. Completeness {badge(gate.get('verdict', 'warn'))} <b>{share}</b> "
           "of the fields the applicable documents need (threshold "
           f"{shown(gate.get('threshold', ''))}).</p>"]
    stale = []
    if run is not None and cited != run.get("id"):  # out_of_date() says the same in words
        stale.append(f"they cite {cites}, the last run is <code>{shown(run.get('id'))}</code>")
    digest = manifest.get("workspace_digest")
    if digest and digest != _digest(Path(folder) / "aipo.yaml"):
        stale.append("aipo.yaml changed since they were written")
    if stale:
        out.append(note(f"Out of date: {'; '.join(stale)}. Run <code>aipo docs</code> again."))
    rows, bodies = [], []
    for d in documents:
        name, title = str(d.get("name", "")), d.get("title", d.get("name", ""))
        anchor = f"aipo-doc-{re.sub(r'[^A-Za-z0-9_-]', '-', name)}"
        source = sources.get(name)
        text = None
        if d.get("rendered") and source:
            with contextlib.suppress(OSError):
                text = (docs_dir / Path(source).name).read_text(encoding="utf-8")
        rows.append(_document_row(d, f"#{anchor}" if text is not None else None))
        if d.get("rendered") and text is None:
            rows[-1]["applies"] += f" (file {source or name} missing: run 'aipo docs' again)"
        if text is not None:
            gaps = len(d.get("gaps") or [])
            summary = (f"{shown(title)} &middot; {d.get('share', 0):.0%} complete"
                       + (f" &middot; {gaps} gap{'s' if gaps != 1 else ''}" if gaps else ""))
            bodies.append(f'<details class="aipo-doc" id="{anchor}"><summary>{summary}</summary>'
                          f'<div class="aipo-doc-body">{_document_body(text)}</div></details>')
    out.append(html_escape_table(rows, raw={"document"}))
    return "".join(out) + "".join(bodies) + script("documents.js")


def _document_row(d: Mapping[str, Any], link: str | None) -> dict:
    """Return the documents table's row of ``d`` (from ``docs.json``; ``link``: its block)."""
    title = shown(d.get("title", d.get("name", "")))
    rendered = bool(d.get("rendered"))
    return {
        "document": f'<a class="aipo-doc-link" href="{link}">{title}</a>' if link else title,
        "applies": "yes" if d.get("applies") else f"no: {d.get('reason', '')}",
        "fields filled": f"{d.get('filled', 0)}/{d.get('total', 0)}" if rendered else "",
        "share": f"{d.get('share', 0):.0%}" if rendered else "",
        "gaps": len(d.get("gaps") or []) if rendered else "",
        "evidence cited": (f"{d.get('evidence_cited', 0)}/{d.get('evidence_expected', 0)}"
                           if rendered else ""),
    }


def _document_body(markdown: str) -> str:
    """Return a document's Markdown as HTML for the page: masked, escaped, under the h2."""
    body = markdown_body(mask_text(markdown))
    # The document sits under the page's h2 "Documents": its h1 becomes an h3, and so on.
    body = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m[1]}h{min(6, int(m[2]) + 2)}", body)
    return _FILE_LINK.sub(
        lambda m: (f'<span class="aipo-cite" title="'
                   f'{html.escape(posixpath.normpath("reports/docs/" + html.unescape(m[1])))}'
                   f'">{m[2]}</span>'), body)
