"""``aipo docs`` output: Markdown, self-contained HTML, and PDF through Debian's Chromium.

The documents themselves are made by :mod:`aipo_widgets.documents.render`; this module writes
them. HTML is one file per document with its style inline and nothing loaded from elsewhere
(Markdown through ``mistune``, which nbconvert already depends on; raw HTML in workspace text is
escaped). PDF is printed from that HTML by Chromium in headless mode (``--print-to-pdf``), the
Debian package at ``/usr/bin/chromium`` or one named by ``AIPO_CHROMIUM``; the kit never downloads
a browser.

Next to the documents, ``index.md`` (or ``index.html``) lists them with their completeness, and
``docs.json`` holds the figures for pages and CI.

Examples
--------
>>> html = markdown_to_html("Purpose: **[gap: product.intended_purpose]**", "Model card")
>>> 'class="gap"' in html and "<script" not in html and "://" not in html
True
"""

from __future__ import annotations

import html as html_lib
import json
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from aipo_widgets._text import markdown_html
from aipo_widgets.documents.gaps import gap_sentence
from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.model.atomic import atomic_write_text

FORMATS = ("md", "html", "pdf")
#: A document loads nothing when opened or printed: no scripts, images only embedded ones.
CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:"
#: Chromium prints with networking off: every host unresolvable, every request sent to a
#: closed local port (IP addresses included), and none of its own background traffic.
_OFFLINE_CHROMIUM = [
    "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--disable-domain-reliability",
    "--no-pings", "--dns-prefetch-disable",
]

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1b1b1b;
  max-width: 60rem; margin: 2rem auto; padding: 0 1.5rem; line-height: 1.45; font-size: 15px; }
h1 { font-size: 1.7rem; margin-bottom: 0.4rem; }
h2 { font-size: 1.3rem; margin-top: 2rem; border-bottom: 1px solid #ccc; padding-bottom: 0.2rem; }
h3 { font-size: 1.1rem; margin-top: 1.4rem; }
table { border-collapse: collapse; margin: 0.6rem 0; font-size: 0.88rem; }
th, td { border: 1px solid #d0d0d0; padding: 0.25rem 0.5rem; vertical-align: top;
  text-align: left; }
th { background: #f3f3f3; }
code { background: #f3f3f3; padding: 0 0.2rem; border-radius: 3px; font-size: 0.9em; }
blockquote { border-left: 4px solid #ccc; margin: 0.8rem 0; padding: 0.1rem 1rem;
  color: #444; background: #fafafa; }
strong.gap { background: #ffe3d6; color: #8a2a00; padding: 0 0.25rem; border-radius: 3px;
  font-weight: 600; }
/* A wide table scrolls inside the page's column instead of overflowing it; long words wrap. */
table { display: block; max-width: 100%; overflow-x: auto; }
th, td { overflow-wrap: anywhere; }
a { color: #0b5cad; }
ul.task-list, li.task-list-item { list-style: none; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; }
  tr, li { break-inside: avoid; }
  table { display: table; width: 100%; table-layout: fixed; }
  a { color: inherit; }
}
"""


def markdown_to_html(markdown: str, title: str) -> str:
    """Return one self-contained HTML page for a Markdown document.

    Parameters
    ----------
    markdown : str
        The document (GitHub-style tables and task lists).
    title : str
        The page title.

    Returns
    -------
    str
        The page: inline style, no scripts, nothing loaded from elsewhere; HTML inside the
        Markdown is escaped, and gap markers are highlighted.
    """
    body = markdown_body(markdown)
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP}\">\n"
            f"<title>{html_lib.escape(title)}</title>\n<style>{CSS}</style>\n</head>\n"
            f"<body>\n{body}\n</body>\n</html>\n")


def markdown_body(markdown: str) -> str:
    """Return a document's Markdown as an HTML fragment (what :func:`markdown_to_html` wraps).

    HTML inside the Markdown is escaped; nothing remote is loaded or linked (see
    :func:`aipo_widgets._text.markdown_html`); a gap marker reads as a plain sentence
    (:func:`~aipo_widgets.documents.gaps.gap_sentence`) with ``class="gap"`` and the field's
    path in its tooltip (``title``) and ``data-field``.

    Examples
    --------
    >>> print(markdown_body("Owner: <b>x</b> **[gap: product.owner]**"))
    <p>Owner: &lt;b&gt;x&lt;/b&gt; <strong class="gap" title="aipo.yaml: product.owner" \
data-field="product.owner">Not yet written: the owner of the product (aipo.yaml, product)\
</strong></p>
    <BLANKLINE>
    """
    body = markdown_html(markdown)  # the kit's one rule: nothing remote, nothing to run

    def sentence(found: re.Match[str]) -> str:
        field = html_lib.unescape(found.group(1))
        path = html_lib.escape(field)
        return (f'<strong class="gap" title="aipo.yaml: {path}" data-field="{path}">'
                f"{html_lib.escape(gap_sentence(field), quote=False)}</strong>")

    return _GAP_HTML.sub(sentence, body)


# A gap marker as the Markdown renderer writes it (``**[gap: field]**``).
_GAP_HTML = re.compile(r"<strong>\[gap: (.+?)\]</strong>")


def find_chromium() -> str | None:
    """Return the Chromium executable to print with, or None.

    ``AIPO_CHROMIUM`` wins; then Debian's ``/usr/bin/chromium``; then ``chromium``,
    ``chromium-browser`` or ``google-chrome`` on the PATH.
    """
    env = os.environ.get("AIPO_CHROMIUM")
    if env:
        return env if Path(env).exists() or shutil.which(env) else None
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def html_to_pdf(html_file: Path, pdf_file: Path, *, chromium: str | None = None,
                timeout: float = 120) -> Path:
    """Print an HTML file to PDF with Chromium in headless mode.

    Parameters
    ----------
    html_file, pdf_file : pathlib.Path
        The page and the PDF to write.
    chromium : str, optional
        The executable (default: :func:`find_chromium`).
    timeout : float
        Seconds before giving up.

    Returns
    -------
    pathlib.Path
        The PDF.

    Raises
    ------
    UsageError
        When no Chromium is installed, or it did not write the PDF.
    """
    exe = chromium or find_chromium()
    if exe is None:
        raise UsageError([Problem(
            "PDF needs Chromium, and none was found (/usr/bin/chromium, chromium on the PATH, "
            "or AIPO_CHROMIUM)", path="--format",
            fix="install Debian's package (apt-get install chromium), set AIPO_CHROMIUM to a "
            "Chromium executable, or use --format html and print from a browser")])
    pdf_file = Path(pdf_file).resolve()
    pdf_file.unlink(missing_ok=True)
    # Printed beside the PDF under a temporary name and renamed: never a half-written PDF.
    printed = pdf_file.with_name(f".{pdf_file.name}.{os.getpid()}.tmp")
    with tempfile.TemporaryDirectory(prefix="aipo-chromium-") as profile:
        cmd = [exe, "--headless", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
               "--disable-extensions", "--no-pdf-header-footer", f"--user-data-dir={profile}",
               *_OFFLINE_CHROMIUM, f"--print-to-pdf={printed}",
               Path(html_file).resolve().as_uri()]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.insert(1, "--no-sandbox")  # Chromium refuses to run as root with the sandbox
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            raise UsageError([Problem(f"Chromium did not print {html_file.name} within "
                                      f"{timeout:g} s", fix="try again, or use --format html")]
                             ) from None
    if printed.exists() and printed.stat().st_size > 0:
        os.replace(printed, pdf_file)
    printed.unlink(missing_ok=True)
    if not pdf_file.exists() or pdf_file.stat().st_size == 0:
        tail = (out.stderr or out.stdout).strip().splitlines()[-3:]
        raise UsageError([Problem(f"Chromium ({exe}) did not write {pdf_file.name} (exit "
                                  f"{out.returncode}): {' '.join(tail)}",
                                  fix="check that Chromium starts headless here, or use "
                                  "--format html")])
    return pdf_file


def _index_markdown(docs: Any, files: dict[str, str]) -> str:
    filled, total = docs.completeness()
    gate = docs.gate()
    lines = [f"# Documents: {docs.product}", "",
             f"As of {docs.as_of.isoformat()}; evidence from run "
             f"`{docs.run_id or 'none yet'}`; workspace commit `{docs.commit or 'none'}`.", "",
             f"Completeness of the applicable documents: **{gate.figure:.0%}** ({gate.verdict}, "
             f"threshold {gate.threshold}); {filled} of {total} distinct fields filled over "
             "everything rendered here.", "",
             "| document | applies | fields filled | share | evidence cited | file |",
             "| --- | --- | --- | --- | --- | --- |"]
    for d in docs.rendered:
        ev = f"{len(d.evidence_cited)}/{len(d.evidence_cited) + len(d.evidence_gaps)}"
        lines.append(f"| {d.title} | {'yes' if d.applies else 'on request'} | "
                     f"{len(d.filled)}/{d.total} | {d.share:.0%} | {ev} | "
                     f"[{files[d.name]}]({files[d.name]}) |")
    skipped = [d for d in docs.documents if not d.rendered]
    if skipped:
        lines += ["", "Not rendered:", ""]
        lines += [f"- {d.title}: {d.reason} (render it anyway with `--only {d.name}`)"
                  for d in skipped]
    return "\n".join(lines) + "\n"


def write_documents(docs: Any, out: str | os.PathLike, fmt: str = "md",
                    *, jobs: int = 4) -> list[Path]:
    """Write the rendered documents, an index and ``docs.json`` to a folder.

    Parameters
    ----------
    docs : aipo_widgets.documents.document_set.DocumentSet
        What :func:`aipo_widgets.documents.render.render_documents` returned.
    out : path
        The folder (created when missing). Files of documents not rendered this time are left
        alone.
    fmt : {"md", "html", "pdf"}
        The format of the documents (the index is Markdown, or HTML for html and pdf).
    jobs : int
        PDFs printed at once.

    Returns
    -------
    list of pathlib.Path
        The files written, documents first (each followed by its Markdown source, which is
        written in every format); ``docs.json`` names both (``files``, ``sources``).

    Examples
    --------
    >>> import datetime as dt, tempfile
    >>> from aipo_widgets.documents.render import render_documents
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    >>> docs = render_documents(ws, as_of=dt.date(2026, 11, 26), only=["model_card"])
    >>> [p.name for p in write_documents(docs, tempfile.mkdtemp(), "html")]
    ['model_card.html', 'model_card.md', 'index.html', 'docs.json']
    """
    if fmt not in FORMATS:
        raise UsageError([Problem(f"unknown format {fmt!r}", path="--format",
                                  fix="choose md, html or pdf")])
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    files: dict[str, str] = {}
    pages: list[tuple[Path, Path]] = []
    sources: dict[str, str] = {}
    for d in docs.rendered:
        # The Markdown is the source of every format, and what the status page shows: it is
        # written whatever the format.
        source = out / f"{d.name}.md"
        atomic_write_text(source, d.markdown)
        sources[d.name] = source.name
        if fmt == "md":
            path = source
        else:
            page = out / f"{d.name}.html"
            atomic_write_text(page, markdown_to_html(d.markdown, f"{d.title}: {docs.product}"))
            path = page
            if fmt == "pdf":
                path = out / f"{d.name}.pdf"
                pages.append((page, path))
        files[d.name] = path.name
        written += [path] if path == source else [path, source]
    if pages:
        if find_chromium() is None:
            html_to_pdf(pages[0][0], pages[0][1])  # raises the clear error
        try:
            with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
                list(pool.map(lambda p: html_to_pdf(*p), pages))
        finally:
            for page, _ in pages:
                page.unlink(missing_ok=True)
    index_md = _index_markdown(docs, files)
    if fmt == "md":
        index = out / "index.md"
        atomic_write_text(index, index_md)
    else:
        index = out / "index.html"
        atomic_write_text(index, markdown_to_html(index_md, f"Documents: {docs.product}"))
    written.append(index)
    manifest = docs.to_dict()
    manifest["format"] = fmt
    manifest["files"] = files
    manifest["sources"] = sources
    atomic_write_text(out / "docs.json", json.dumps(manifest, indent=2) + "\n")
    written.append(out / "docs.json")
    return written


def completeness_table(docs: Any) -> str:
    """Return the completeness table as aligned text (what ``aipo docs`` prints).

    Examples
    --------
    >>> import datetime as dt
    >>> from aipo_widgets.documents.render import render_documents
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    >>> print(completeness_table(render_documents(ws, as_of=dt.date(2026, 11, 26),
    ...                                           only=["decision_log"])))
    document               fields filled  share  evidence
    decision_log                2/4         50%       0/1
    all (distinct fields)       2/4         50%       0/1
    """
    rows = docs.table()
    width = max(len("document"), *(len(r["document"]) for r in rows))
    lines = [f"{'document':<{width}}  fields filled  share  evidence"]
    for r in rows:
        mark = "" if r["applies"] else "  (on request)"
        lines.append(f"{r['document']:<{width}}  {r['filled']:>6}/{r['total']:<6}  "
                     f"{r['share']:>5.0%}  {r['evidence']:>8}{mark}")
    return "\n".join(lines)


__all__: Sequence[str] = ("FORMATS", "completeness_table", "find_chromium", "html_to_pdf",
                          "markdown_to_html", "write_documents")
