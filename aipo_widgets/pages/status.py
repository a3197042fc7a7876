"""The stakeholder pages: one product's status, and a portfolio of products.

Legal, the works council and management do not open notebooks; they open a page. The two
Voila apps in ``voila_apps/`` are one line each: they call :func:`show_status` or
:func:`show_portfolio`, which build the page from the workspace, its last run and the run ledger.

What a visitor can and cannot do:

- **Read only.** The widgets are created with ``read_only=True`` (enforced in Python, so a
  forged widget message changes nothing) and are bound to an in-memory copy of the workspace
  model, not to ``aipo.yaml``: there is no file for them to save to. The run ledger is opened
  read-only. A page writes nothing into the served folder.
- **No raw personal data.** Every text of the workspace shown on a page (names, problem
  statement, risk and backlog titles, gate details) passes the PII scanner first; e-mail
  addresses, phone numbers, IBANs, card numbers and IP addresses appear as ``<EMAIL>``, ...
- **No way out of the served folder.** ``?workspace=NAME`` is accepted only when NAME is one of
  the workspace folders listed on the portfolio; anything else (``..``, absolute paths,
  encoded variants) gets "not a folder of the served portfolio". Error messages name files
  relative to the served folder, not by their path on the server.

Speed: Voila keeps pre-started kernels that have already run the page notebook
(``--preheat_kernel``). The page is built in advance, the kernel then waits for its visitor,
checks that nothing changed meanwhile (the workspace files' size and modification time, the
date) and shows the prepared page, or builds it again. Portfolio rows are kept per workspace,
keyed by the same fingerprint, in the server's cache folder (``AIPO_PAGE_CACHE``) so that a
portfolio of a hundred products is read once, not on every visit.

The same functions render the no-server export (``aipo report``): the page is executed once and
converted to a single offline HTML file, with pictures in place of the widgets.

Examples
--------
>>> html_escape_table([{"a": "x@example.com writes"}])  # doctest: +ELLIPSIS
'<table class="aipo-table">...<td>&lt;EMAIL&gt; writes</td>...</table>'
"""

from __future__ import annotations

import base64
import contextlib
import datetime as dt
import hashlib
import html
import json
import logging
import os
import random
import re
import stat
import tempfile
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aipo_widgets import __version__
from aipo_widgets._text import format_number
from aipo_widgets.analysis.backlog import score_workspace
from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.analysis.pii import mask
from aipo_widgets.analysis.risk import Register
from aipo_widgets.documents.output import markdown_body
from aipo_widgets.errors import AipoError, Problem, UsageError
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import load, workspaces_in
from aipo_widgets.runs.results import latest_evidence
from aipo_widgets.widgets import MetricTreeWidget, RiskMatrixWidget

log = logging.getLogger(__name__)

_VERDICT = {"pass": ("#009E73", "PASS"), "warn": ("#E69F00", "WARN"), "fail": ("#D55E00", "FAIL"),
            "error": ("#CC79A7", "ERROR")}

# Selectors start at .aipo-page so that they win over JupyterLab's rendered-HTML table rules
# (which right-align cells).
CSS = """
<style>
.aipo-page { font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--jp-ui-font-color0, #1b1b1b); max-width: 1100px; }
.aipo-page h1 { margin: 0.2em 0; font-size: 1.7em; }
.aipo-page h2 { margin: 1.2em 0 0.4em; font-size: 1.25em; border-bottom: 1px solid #ccc; }
.aipo-page .aipo-meta { color: var(--jp-ui-font-color2, #555); }
.aipo-page .aipo-verdict { display: inline-block; padding: 0.3em 0.8em; border-radius: 4px;
  color: #fff; font-weight: 700; font-size: 1.2em; }
.aipo-page .aipo-badge { display: inline-block; padding: 0 0.45em; border-radius: 3px;
  color: #fff; font-weight: 600; font-size: 0.85em; }
.aipo-page .aipo-table { border-collapse: collapse; font-size: 0.9em; margin: 0.3em 0; }
.aipo-page .aipo-table th, .aipo-page .aipo-table td { text-align: left; padding: 3px 8px;
  border-bottom: 1px solid #ddd; vertical-align: top; }
.aipo-page .aipo-table th { background: var(--jp-layout-color2, #f3f3f3); }
.aipo-page .aipo-note { color: var(--jp-ui-font-color2, #555); font-size: 0.9em; }
.aipo-page details.aipo-doc { margin: 0.3em 0; border: 1px solid #ddd; border-radius: 4px;
  padding: 0.2em 0.8em; }
.aipo-page details.aipo-doc > summary { cursor: pointer; font-weight: 600; }
.aipo-page .aipo-doc-body { max-width: 60rem; }
.aipo-page .aipo-doc-body h3 { font-size: 1.3em; }
.aipo-page .aipo-doc-body h4 { font-size: 1.1em; }
.aipo-page .aipo-doc-body h5 { font-size: 1em; }
.aipo-page .aipo-doc-body table { border-collapse: collapse; font-size: 0.88em; }
.aipo-page .aipo-doc-body th, .aipo-page .aipo-doc-body td { text-align: left; padding: 2px 6px;
  border: 1px solid #ddd; vertical-align: top; }
.aipo-page strong.gap { background: #ffe3d6; color: #8a2a00; padding: 0 0.25em;
  border-radius: 3px; }
.aipo-page .aipo-cite { border-bottom: 1px dotted currentColor; }
</style>
"""

# JupyterLab opens every link of an output in a new tab; the page's own links (a product of
# the portfolio, the way back) stay in the same tab. Ctrl- or middle-click still opens a tab.
_NAV_SCRIPT = """
<script>
if (!window.aipoNav) {
  window.aipoNav = true;
  document.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a.aipo-nav");
    if (!a || e.ctrlKey || e.metaKey || e.shiftKey || e.button !== 0) return;
    e.preventDefault(); e.stopPropagation();
    window.location.assign(a.getAttribute("href"));
  }, true);
}
</script>
"""


# --------------------------------------------------------------------------------------------
# small HTML helpers (everything escaped; personal data masked)


def _mask(value: Any) -> str:

    text = "" if value is None else str(value)
    return mask(text) if any(ch.isdigit() for ch in text) or "@" in text else text


def shown(value: Any) -> str:
    """Return a text as it may appear on a page: personal data masked, HTML escaped.

    Examples
    --------
    >>> shown("Mail <b>jana@example.com</b>")
    'Mail &lt;b&gt;&lt;EMAIL&gt;&lt;/b&gt;'
    """
    return html.escape(_mask(value))


def _fmt(value: Any) -> str:
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value)
    return format_number(value)


def badge(verdict: str) -> str:
    """Return a coloured verdict label (colour and text: never colour alone).

    Examples
    --------
    >>> badge("fail")
    '<span class="aipo-badge" style="background:#D55E00">FAIL</span>'
    """
    colour, label = _VERDICT.get(verdict, ("#777", verdict.upper()))
    return f'<span class="aipo-badge" style="background:{colour}">{label}</span>'


def html_escape_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None,
                      *, raw: Iterable[str] = ()) -> str:
    """Return rows as an escaped HTML table; values are masked for personal data.

    Parameters
    ----------
    rows : sequence of mapping
        The rows.
    columns : sequence of str, optional
        The columns, in order (default: the first row's keys).
    raw : iterable of str
        Columns holding HTML made by this module (badges, links), not escaped.

    Returns
    -------
    str
        The table, or a short note when there are no rows.

    Examples
    --------
    >>> html_escape_table([])
    '<p class="aipo-note">None.</p>'
    """
    rows = list(rows)
    if not rows:
        return '<p class="aipo-note">None.</p>'
    cols = list(columns or rows[0].keys())
    raw = set(raw)
    head = "".join(f"<th>{html.escape(c)}</th>" for c in cols)
    body = []
    for row in rows:
        cells = []
        for c in cols:
            v = row.get(c)
            cells.append(f"<td>{v if v is not None else ''}</td>" if c in raw else
                         f"<td>{shown(_fmt(v))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="aipo-table"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>")


def sparkline(values: Sequence[float], *, width: int = 90, height: int = 18) -> str:
    """Return a tiny trend line as an ``<img>`` (an SVG data URI, so it survives everywhere).

    Examples
    --------
    >>> sparkline([1, 2, 3]).startswith('<img alt="trend')
    True
    >>> sparkline([1])
    ''
    """
    pts = [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]
    if len(pts) < 2:
        return ""
    lo, hi = min(pts), max(pts)
    span = (hi - lo) or 1.0
    step = (width - 4) / (len(pts) - 1)
    coords = " ".join(f"{2 + i * step:.1f},{height - 2 - (p - lo) / span * (height - 4):.1f}"
                      for i, p in enumerate(pts))
    svg = (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
           f'<polyline fill="none" stroke="#0072B2" stroke-width="1.5" points="{coords}"/>'
           "</svg>")
    data = base64.b64encode(svg.encode()).decode()
    label = f"trend over {len(pts)} runs: {_fmt(pts[0])} to {_fmt(pts[-1])}"
    return f'<img alt="{html.escape(label)}" title="{html.escape(label)}" ' \
           f'src="data:image/svg+xml;base64,{data}">'


def masked_workspace(ws: Any) -> Any:
    """Return a copy of a workspace model with personal data masked in every text.

    The copy is what a page shows and what its widgets are bound to: it has no file, so
    nothing can be saved from it, and its texts carry ``<EMAIL>``, ``<IBAN>``, ... instead of
    the values the PII scanner finds.

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace as loaded.

    Returns
    -------
    aipo_widgets.model.schema.Workspace
        The masked copy (the same object's values when nothing needed masking).

    Raises
    ------
    UsageError
        When a masked text no longer validates (the page then shows that instead).

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "X", "owner": "Jana",
    ...     "problem": "Call jana@example.com"}})
    >>> masked_workspace(ws).product.problem
    'Call <EMAIL>'
    """
    from pydantic import ValidationError

    def walk(x: Any) -> Any:
        if isinstance(x, dict):
            return {k: walk(v) for k, v in x.items()}
        if isinstance(x, list):
            return [walk(v) for v in x]
        if isinstance(x, str) and (any(ch.isdigit() for ch in x) or "@" in x):
            masked = _mask(x)
            return x if masked == x else masked  # keep enum members and the like as they are
        return x

    data = walk(ws.model_dump(mode="python"))
    try:
        return Workspace.model_validate(data)
    except ValidationError as exc:
        raise UsageError([Problem(
            f"the workspace cannot be shown with its personal data masked: {exc.errors()[0]}",
            fix="move personal data out of aipo.yaml")]) from None


# --------------------------------------------------------------------------------------------
# where the page's workspace is


def served_root() -> Path:
    """Return the folder ``aipo serve`` serves (a workspace or a folder of workspaces)."""
    root = os.environ.get("AIPO_SERVE_ROOT") or os.environ.get("AIPO_WORKSPACE") or os.getcwd()
    return Path(root).resolve()


def resolve_in(root: Path, name: str) -> Path:
    """Return the workspace folder ``name`` of the portfolio ``root``, and nothing else.

    ``name`` comes from the query string, that is from the visitor: it is accepted only when it
    is exactly the name of one of the workspace folders directly inside ``root`` (those the
    portfolio lists). Separators, ``..``, absolute paths and encoded forms of them never are.

    Parameters
    ----------
    root : pathlib.Path
        The served folder of workspaces.
    name : str
        The folder name from ``?workspace=``.

    Returns
    -------
    pathlib.Path
        The workspace folder.

    Raises
    ------
    UsageError
        For anything but the name of a listed workspace folder.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "a").mkdir()
    >>> _ = (root / "a" / "aipo.yaml").write_text("product: {name: A, owner: B}")
    >>> resolve_in(root, "a") == root / "a"
    True
    >>> resolve_in(root, "../etc")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    aipo_widgets.errors.UsageError: workspace '../etc' is not a folder of the served portfolio...
    """
    listed = {p.name: p for p in workspaces_in(Path(root))} if Path(root).is_dir() else {}
    if not isinstance(name, str) or name not in listed or "/" in name or "\\" in name:
        shown_name = name if isinstance(name, str) and len(name) <= 80 else "(too long)"
        raise UsageError([Problem(
            f"workspace '{shown_name}' is not a folder of the served portfolio",
            fix="pick a product from the portfolio page")])
    return listed[name]


_VISITOR: dict[str, Any] = {"arrived": False, "listener": None}


def _preheating() -> bool:
    return os.environ.get("VOILA_PREHEAT") == "True" and not _VISITOR["arrived"]


def expect_visitor() -> None:
    """In a pre-started Voila kernel, start listening for the visitor before preparing.

    Voila hands the request (its query string) to the kernel over a websocket of its own; if
    the kernel is not connected yet when the visitor arrives, Voila keeps the request, token
    included, in a table that anyone who knows the kernel id can read without a token, and
    never clears it. Connecting first, then preparing, leaves no such window.
    """
    if not _preheating() or _VISITOR["listener"] is not None:
        return
    import threading

    from voila.utils import wait_for_request

    _quiet_kernel_shutdown()

    listener = threading.Thread(target=wait_for_request, name="aipo-visitor", daemon=True)
    listener.start()
    _VISITOR["listener"] = listener


class _ClosedSocket(logging.Filter):
    """Drop ipykernel's report of a reply it could not send because its socket was closed."""

    def filter(self, record: logging.LogRecord) -> bool:
        import zmq

        exc = record.exc_info[1] if record.exc_info else None
        return not (isinstance(exc, zmq.ZMQError) and exc.errno == zmq.ENOTSOCK)


def _quiet_kernel_shutdown() -> None:
    """Keep a pool kernel's shutdown out of the server's log as a traceback.

    A pool kernel waits for its visitor inside its one cell. When the server stops first, the
    wait ends, the cell finishes, and ipykernel logs a traceback because the reply's socket has
    just been closed: nothing is lost (there is nobody to reply to), so only that one report
    is dropped.
    """
    try:
        from ipykernel.kernelapp import IPKernelApp
    except ImportError:  # pragma: no cover - ipykernel comes with Voila
        return
    if IPKernelApp.initialized() and getattr(IPKernelApp.instance(), "kernel", None):
        IPKernelApp.instance().kernel.log.addFilter(_ClosedSocket())


def await_visitor(prepared: str = "page") -> None:
    """In a pre-started Voila kernel, wait until a visitor requests the page; else return.

    Voila's pool kernels run the page notebook before anybody asks for it; the request's
    query string is known only after this returns. Called once; later calls return at once.
    The kernel says in the server's log that it is ready (``aipo page ready: ...``).

    Parameters
    ----------
    prepared : str
        What was built ahead, for the log line.
    """
    if not _preheating():
        return
    expect_visitor()
    # fd 2 is the server's log; sys.stderr would go to the page.
    with contextlib.suppress(OSError):
        os.write(2, f"[aipo] page ready: {prepared} prepared in kernel "
                    f"{os.environ.get('VOILA_KERNEL_ID', '?')}\n".encode())
    _VISITOR["listener"].join()
    _VISITOR["arrived"] = True
    if "QUERY_STRING" not in os.environ:  # Voila could not hand over the request
        with contextlib.suppress(OSError):
            os.write(2, b"[aipo] no request info from Voila: the query string is unknown\n")


def query_parameter(name: str) -> str | None:
    """Return a query-string parameter of the Voila request (None outside Voila).

    In a pre-started kernel this waits for the visitor first (see :func:`await_visitor`).

    Examples
    --------
    >>> os.environ["QUERY_STRING"] = "workspace=%2e%2e&token=x"
    >>> query_parameter("workspace"), query_parameter("other")
    ('..', None)
    >>> del os.environ["QUERY_STRING"]
    """
    await_visitor()
    values = urllib.parse.parse_qs(os.environ.get("QUERY_STRING") or "").get(name)
    return values[0] if values else None


def _relative(text: str, root: Path) -> str:
    """Name files relative to the served folder in messages (no server paths on a page)."""
    for base in {str(root), str(root.resolve())}:
        text = text.replace(base + os.sep, "").replace(base, ".")
    return text


def fingerprint(folder: str | os.PathLike) -> str:
    """Return a short digest of what a workspace's page is built from, and of the date.

    It changes when ``aipo.yaml``, the last run (``reports/latest``), the ledger or the
    documents (``reports/docs/docs.json``) change (size, modification time or the file
    itself), and at midnight.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> f = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (f / "aipo.yaml").write_text("a")
    >>> before = fingerprint(f)
    >>> _ = (f / "aipo.yaml").write_text("ab")
    >>> fingerprint(f) == before
    False
    """
    folder = Path(folder)
    parts: list[Any] = [dt.date.today().isoformat()]
    reports = folder / "reports"
    for path in (folder / "aipo.yaml", reports / "latest" / "results.json",
                 reports / "ledger.sqlite", reports / "ledger.sqlite-wal",
                 reports / "docs" / "docs.json"):
        try:
            st = path.stat()
            parts.append((os.path.realpath(path), st.st_size, st.st_mtime_ns, st.st_ino))
        except OSError:
            parts.append(None)
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:20]


# --------------------------------------------------------------------------------------------
# the status page


def _latest(folder: Path) -> dict | None:
    # The newest run, with the phases it did not run taken from earlier runs: after a run of
    # the operate phase alone the page must not say "on track" and forget the others.

    return latest_evidence(folder)


def _trends(folder: Path) -> dict[str, list[float]]:
    """Figures of every gate across runs, oldest first, from the ledger opened read-only."""
    import sqlite3

    db = folder / "reports" / "ledger.sqlite"
    if not db.exists():
        return {}
    out: dict[str, list[float]] = {}
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            rows = con.execute(
                "SELECT g.name, g.figure FROM gates g JOIN runs r ON r.id = g.run_id "
                "ORDER BY r.started, r.id, g.rowid").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:  # a trend is a nicety; the page shows without it
        log.warning("cannot read the run ledger %s: %s", db, exc)
        return {}
    for name, figure in rows:
        with contextlib.suppress(TypeError, ValueError):
            value = json.loads(figure) if figure is not None else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out.setdefault(name, []).append(value)
    return out


def _verdict_of(run: dict | None) -> tuple[str, str, list[str]]:
    if run is None:
        return "warn", "no run yet", ["Nobody has run the phase notebooks: run 'aipo run'."]
    for ph in run["phases"]:
        for g in ph["gates"]:
            if g["name"] == "go / no-go":
                reasons = [g.get("detail") or ""]
                return g["verdict"], str(g.get("figure")), reasons
    failed = [f"{g.get('phase') or ph['phase']}: {g['name']}"
              for ph in [*run["phases"], {"phase": "run", "gates": run.get("gates", [])}]
              for g in ph["gates"] if g["verdict"] == "fail"]
    errors = [f"{ph['phase']}: {ph['error']}" for ph in run["phases"] if ph["status"] == "error"]
    # The worst of the run's and its phases' verdicts (phases may come from earlier runs).
    rank = {"pass": 0, "warn": 1, "fail": 2}
    verdicts = [run["verdict"], *(ph.get("verdict", "pass") for ph in run["phases"]),
                *(g["verdict"] for g in run.get("gates", []))]
    worst = max(verdicts, key=lambda v: rank.get(v, 1))
    verdict = "fail" if failed or errors else worst
    label = {"pass": "on track", "warn": "on track, with warnings", "fail": "blocked"}[verdict]
    return verdict, label, errors + failed


# A link of the documents table opens its document (a collapsed block) and scrolls to it; a
# plain fragment link would not open the block, and JupyterLab sends links to a new tab.
_DOC_SCRIPT = """
<script>
if (!window.aipoDocs) {
  window.aipoDocs = true;
  document.addEventListener("click", (e) => {
    const a = e.target.closest && e.target.closest("a.aipo-doc-link");
    if (!a) return;
    const doc = document.getElementById(a.getAttribute("href").slice(1));
    if (!doc) return;
    e.preventDefault(); e.stopPropagation();
    doc.open = true;
    doc.scrollIntoView({ block: "start" });
  }, true);
}
</script>
"""


def _note(text: str) -> str:
    return f'<p class="aipo-note">{text}</p>'


def status_sections(folder: str | os.PathLike) -> list[tuple[str, Any]]:
    """Build the status page of one workspace as (section title, displayable) pairs.

    The displayables are HTML strings or read-only widgets. Each section is built on its own,
    so one broken part (say, a business case formula) shows its error and the rest still shows.

    Parameters
    ----------
    folder : path
        The workspace folder.

    Returns
    -------
    list of (str, object)
        The header (title ``""``) and the sections, in page order.

    Raises
    ------
    WorkspaceError
        When ``aipo.yaml`` cannot be loaded (the page then shows that message).
    """
    root = Path(folder)
    wf = load(root)
    ws = masked_workspace(wf.workspace)
    run = _latest(root)
    as_of = dt.date.today()
    sections: list[tuple[str, Any]] = []

    def section(title: str, build: Callable[[], Any]) -> None:
        try:
            sections.append((title, build()))
        except AipoError as exc:
            sections.append((title, _note("Cannot show this: "
                                          + shown(_relative(str(exc.problems[0]), root)))))
        except Exception as exc:  # one section's bug must not take the page down
            log.exception("section %r of the status page failed", title)
            sections.append((title, _note("Cannot show this: "
                                          + shown(_relative(f"{type(exc).__name__}: {exc}",
                                                            root)))))

    verdict, label, reasons = _verdict_of(run)
    colour, text = _VERDICT[verdict]

    def header() -> str:
        p = ws.product
        when = run["started"][:10] if run else "never"
        return (
            f"<h1>{shown(p.name)}</h1>"
            f'<p class="aipo-meta">Owner: {shown(p.owner)} &middot; phase: '
            f"{shown(p.phase)} &middot; page as of {as_of} &middot; last run: "
            f"{html.escape(when)}</p>"
            + (f"<p>{shown(p.problem)}</p>" if p.problem else "")
            + f'<p><span class="aipo-verdict" style="background:{colour}">{text}: '
            f"{shown(label)}</span></p>"
            + "".join(_note(shown(r)) for r in reasons if r)
            + "".join(_note(f"{shown(ph['phase'])}: from run {shown(ph['run_id'])} (the last "
                            "run did not run it, or it raised there)")
                      for ph in (run or {}).get("phases", []) if ph.get("run_id"))
        )

    section("", header)

    def gates_table() -> str:
        if run is None:
            return _note("No run yet.")
        trends = _trends(root)
        summary, attention, everything = [], [], []
        for ph in run["phases"]:
            counts = {v: sum(g["verdict"] == v for g in ph["gates"])
                      for v in ("pass", "warn", "fail")}
            state = "error" if ph["status"] == "error" else ph["verdict"]
            summary.append({"phase": ph["phase"] + (f" (run {ph['run_id']})"
                                                     if ph.get("run_id") else ""),
                            "verdict": badge(state),
                            "passed": counts["pass"], "warnings": counts["warn"],
                            "failed": counts["fail"], "seconds": ph["seconds"]})
            if ph["status"] == "error":
                attention.append({"phase": ph["phase"], "verdict": badge("error"),
                                  "gate": "the notebook raised",
                                  "figure": _relative(str(ph["error"]), root),
                                  "threshold": "", "why": "", "trend": ""})
            for g in ph["gates"]:
                row = {"phase": ph["phase"], "verdict": badge(g["verdict"]),
                       "gate": g["name"], "figure": g.get("figure"),
                       "threshold": g.get("threshold"), "why": g.get("detail"),
                       "trend": sparkline(trends.get(g["name"], []))}
                everything.append(row)
                if g["verdict"] != "pass":
                    attention.append(row)
        # The run's own gates (a phase notebook of the kit missing from the workspace, say).
        for g in run.get("gates", []):
            row = {"phase": g.get("phase") or "run", "verdict": badge(g["verdict"]),
                   "gate": g["name"], "figure": g.get("figure"),
                   "threshold": g.get("threshold"), "why": g.get("detail"), "trend": ""}
            everything.append(row)
            if g["verdict"] != "pass":
                attention.append(row)
        cols = ["phase", "verdict", "gate", "figure", "threshold", "why", "trend"]
        return (html_escape_table(summary, raw={"verdict"})
                + "<h3>What needs attention</h3>"
                + html_escape_table(attention, cols, raw={"verdict", "trend"})
                + f"<details><summary>All {len(everything)} gates</summary>"
                + html_escape_table(everything, cols, raw={"verdict", "trend"})
                + "</details>")

    section("Gates of the last run", gates_table)

    def tree() -> Any:

        return MetricTreeWidget(ws, read_only=True)

    section("Metric tree: baseline, target, progress", tree)

    def risks() -> list:

        register = Register.from_workspace(ws, as_of=as_of)
        top = [{"risk": r.id, "title": ws.risk(r.id).title, "residual": r.residual.band,
                "score": r.residual.score, "owner": ws.risk(r.id).owner,
                "treatment": ws.risk(r.id).treatment}
               for r in register.ranked()[:5]]
        return [RiskMatrixWidget(ws, read_only=True, as_of=as_of), html_escape_table(top)]

    section("Risks: matrix and the top five", risks)

    def backlog() -> str:

        result = score_workspace(ws)
        rows = [{"rank": i.rank, "item": i.id, "title": i.title, "type": i.type,
                 "score": i.score, "status": i.gate} for i in result.ranked()[:8]]
        return html_escape_table(rows)

    section("Backlog: the top of the ranking", backlog)

    def business_case() -> str:

        if ws.business_case is None:
            return _note("No business case yet.")
        # The draws of the discovery notebook (same n and seed: the same P(NPV > 0)). 0.1 s,
        # spent while the page is prepared ahead of its visitor.
        case = analyse(ws.business_case, n=5000)
        cur = ws.business_case.currency
        rows = [{"scenario": s.scenario, f"NPV ({cur})": round(s.npv),
                 "payback (months)": s.payback_months, "ROI": s.roi}
                for s in case.scenarios.values()]
        mc = case.monte_carlo
        note = (f'<p>Chance that the NPV is positive: <b>{mc.p_positive:.0%}</b> (P10 '
                f"{mc.p10:,.0f}, P50 {mc.p50:,.0f}, P90 {mc.p90:,.0f} {html.escape(cur)})."
                "</p>") if mc else ""
        if mc and mc.correlations:  # what the spread assumes about drivers moving together
            pairs = "; ".join(f"{shown(' and '.join(c['drivers']))} {c['rho']:+.2f}"
                              for c in mc.correlations)
            note += _note(f"Drawn with rank correlations between drivers: {pairs}.")
        measured = [(ph["phase"], ph["figures"]["expected_npv"]) for ph in (run or {}).get(
            "phases", []) if isinstance(ph.get("figures", {}).get("expected_npv"), (int, float))]
        if measured:  # what the portfolio shows: the last phase's figure, with measured values
            phase, npv = measured[-1]
            note += (f"<p>Expected NPV in the last run ({html.escape(phase)} phase, with the "
                     f"values measured so far): <b>{npv:,.0f} {html.escape(cur)}</b>.</p>")
        return note + html_escape_table(rows)

    section("Business case", business_case)

    def rollout() -> str:
        stages = ws.rollout.stages
        rows = [{"stage": s.name, "audience": s.audience, "share": s.share,
                 "status": s.status,
                 "exit criteria": "; ".join(c.description or f"{c.metric} {c.operator} "
                                            f"{c.value:g}" for c in s.exit_criteria)}
                for s in stages]
        return html_escape_table(rows)

    section("Rollout: stages and exit criteria", rollout)

    def monitoring() -> str:
        if run is None:
            return _note("No run yet.")
        operate = next((ph for ph in run["phases"] if ph["phase"] == "operate"), None)
        if operate is None:
            return _note("Not in operation yet (04_operate has not run).")
        rows = [{"verdict": badge(g["verdict"]), "check": g["name"], "figure": g.get("figure"),
                 "threshold": g.get("threshold"), "why": g.get("detail")}
                for g in operate["gates"]]
        return html_escape_table(rows, raw={"verdict"})

    section("Monitoring: drift, costs, alerts", monitoring)

    def ai_act() -> str:

        c = classify_workspace(ws, as_of=as_of)
        rows = [{"article": o.article, "obligation": o.text, "holder": o.holder,
                 "applies from": o.applies_from,
                 "status": "applies now" if o.applies_now else "later"}
                for o in c.obligations]
        head = (f"<p>Tier: <b>{shown(c.tier_label)}</b>"
                + (" (provisional: open questions)" if c.provisional else "")
                + (f"; legal sign-off: {shown(ws.compliance.ai_act.signed_off_by)}"
                   if ws.compliance.ai_act.signed_off_by else "") + "</p>")
        return head + html_escape_table(rows)

    section("EU AI Act: tier and obligations", ai_act)
    section("Documents", lambda: documents_html(root, run))
    return sections


#: Links inside a document lead to files beside it (the executed notebooks of a run): on a page
#: they become their text, with the file named in a tooltip, since the server shows no files.
_FILE_LINK = re.compile(r'<a href="([^"#:][^":]*)">(.*?)</a>', re.S)


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


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
        return _note("No documents yet in reports/docs/: <code>aipo docs</code> writes the "
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
    if run is not None and cited != run.get("id"):
        stale.append(f"they cite {cites}, the last run is <code>{shown(run.get('id'))}</code>")
    digest = manifest.get("workspace_digest")
    if digest and digest != _digest(Path(folder) / "aipo.yaml"):
        stale.append("aipo.yaml changed since they were written")
    if stale:
        out.append(_note(f"Out of date: {'; '.join(stale)}. Run <code>aipo docs</code> again."))
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
    return "".join(out) + "".join(bodies) + _DOC_SCRIPT


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
    import posixpath

    body = markdown_body(_mask(markdown))
    # The document sits under the page's h2 "Documents": its h1 becomes an h3, and so on.
    body = re.sub(r"<(/?)h([1-6])\b", lambda m: f"<{m[1]}h{min(6, int(m[2]) + 2)}", body)
    return _FILE_LINK.sub(
        lambda m: (f'<span class="aipo-cite" title="'
                   f'{html.escape(posixpath.normpath("reports/docs/" + html.unescape(m[1])))}'
                   f'">{m[2]}</span>'), body)


@dataclass
class _Prepared:
    """A page built ahead of its visitor, with what it was built from."""

    key: str
    parts: list[Any] = field(default_factory=list)  # HTML strings and widgets, in order


def _status_parts(target: Path, label_root: Path) -> list[Any]:
    try:
        sections = status_sections(target)
    except AipoError as exc:
        return [f"<h1>Cannot show this product</h1>"
                f"<p>{shown(_relative(str(exc.problems[0]), label_root))}</p>"]
    parts: list[Any] = []
    for title, content in sections:
        if title:
            parts.append(f"<h2>{html.escape(title)}</h2>")
        parts.extend(content if isinstance(content, list) else [content])
    return parts


def _display(parts: Iterable[Any]) -> None:
    from IPython.display import HTML, display

    # Consecutive HTML parts go out as one output: fewer messages, a faster page.
    pending: list[str] = []

    def flush() -> None:
        if pending:
            display(HTML('<div class="aipo-page">' + "".join(pending) + "</div>"))
            pending.clear()

    for part in parts:
        if isinstance(part, str):
            pending.append(part)
        else:
            flush()
            display(part)
    flush()


def _close(parts: Iterable[Any]) -> None:
    for part in parts:
        if hasattr(part, "close"):
            with contextlib.suppress(Exception):
                part.close()


def _prepare_status(target: Path, label_root: Path) -> _Prepared:
    key = fingerprint(target)
    return _Prepared(key, _status_parts(target, label_root))


def show_status(folder: str | os.PathLike | None = None) -> None:
    """Display the status page of a workspace (what ``voila_apps/status.ipynb`` calls).

    In a pre-started Voila kernel the page is built first, then the kernel waits for its
    visitor and shows it, rebuilt if the workspace, its run or the date changed meanwhile.

    Parameters
    ----------
    folder : path, optional
        The workspace (default: the folder ``aipo serve`` serves).
    """
    expect_visitor()
    target = Path(folder) if folder is not None else served_root()
    _show_status(target, target.parent)


def _show_status(target: Path, label_root: Path, *, back: bool = False) -> None:
    page = _prepare_status(target, label_root)
    await_visitor("status")
    if fingerprint(target) != page.key:
        _close(page.parts)
        page = _prepare_status(target, label_root)
    head = [CSS]
    if back:
        head.append('<p><a class="aipo-nav" href="?">&larr; portfolio</a></p>' + _NAV_SCRIPT)
    _display([*head, *page.parts])


# --------------------------------------------------------------------------------------------
# the portfolio page


_ROW_COLUMNS = ["product", "phase", "verdict", "failing gates", "AI Act tier", "top risk",
                "expected NPV", "documents", "last run"]


def _row(folder: Path, root: Path) -> dict:
    """One portfolio row (plain data, JSON-able)."""
    row: dict[str, Any] = {"folder": folder.name}
    try:
        ws = masked_workspace(load(folder).workspace)
        run = _latest(folder)
        verdict, label, _ = _verdict_of(run)
        row.update({
            "product": ws.product.name, "owner": ws.product.owner,
            "phase": str(ws.product.phase), "verdict": verdict, "label": label,
            "failing gates": sum(g["verdict"] == "fail" for ph in (run or {}).get(
                "phases", []) for g in ph["gates"]),
            "last run": run["started"][:16].replace("T", " ") if run else "never",
        })
        row.update(_portfolio_figures(ws, run))
        row["documents"] = _documents_share(folder)
    except AipoError as exc:
        row.update({"product": folder.name, "verdict": "error",
                    "label": _relative(str(exc.problems[0]), root)})
    except Exception as exc:  # one product's bug must not take the portfolio down
        log.exception("portfolio row of %s failed", folder.name)
        row.update({"product": folder.name, "verdict": "error",
                    "label": _relative(f"{type(exc).__name__}: {exc}", root)})
    return row


def _documents_share(folder: Path) -> str:
    """How complete the documents ``aipo docs`` last wrote are, as a portfolio cell."""
    try:
        manifest = json.loads((folder / "reports" / "docs" / "docs.json").read_text("utf-8"))
        return f"{float(manifest['share']):.0%} complete"
    except FileNotFoundError:
        return "not written"
    except (OSError, ValueError, KeyError, TypeError):
        return "unreadable: run 'aipo docs' again"


def _portfolio_figures(ws: Any, run: dict | None) -> dict:

    out: dict[str, Any] = {}
    try:
        out["AI Act tier"] = classify_workspace(ws).tier_label
    except AipoError:
        out["AI Act tier"] = "unknown"
    ranked = Register.from_workspace(ws).ranked()
    out["top risk"] = (f"{ranked[0].id} ({ranked[0].residual.band})" if ranked else "none")
    npv = None
    for ph in (run or {}).get("phases", []):
        npv = ph.get("figures", {}).get("expected_npv", npv)
    currency = ws.business_case.currency if ws.business_case is not None else ""
    out["expected NPV"] = (f"{npv:,.0f} {currency}".strip()
                           if isinstance(npv, (int, float)) else npv)
    return out


def _cache_dir() -> Path | None:
    """Return the server's page cache (``AIPO_PAGE_CACHE``) if it is a private folder of ours."""
    raw = os.environ.get("AIPO_PAGE_CACHE")
    if not raw:
        return None
    path = Path(raw)
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        st = path.lstat()
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid() or st.st_mode & 0o077:
        log.warning("ignoring the page cache %s: not a private folder of this user", path)
        return None
    return path


def _cached_row(folder: Path, root: Path, cache: Path | None,
                memo: dict[str, tuple[str, dict]]) -> dict:

    key = f"{__version__}:{fingerprint(folder)}"
    hit = memo.get(folder.name)
    if hit is not None and hit[0] == key:
        return hit[1]
    file = (cache / (hashlib.sha256(str(folder).encode()).hexdigest()[:24] + ".json")
            if cache is not None else None)
    if file is not None:
        with contextlib.suppress(OSError, ValueError, KeyError):
            stored = json.loads(file.read_text(encoding="utf-8"))
            if stored["key"] == key:
                memo[folder.name] = (key, stored["row"])
                return stored["row"]
    row = _row(folder, root)
    memo[folder.name] = (key, row)
    if file is not None:
        with contextlib.suppress(OSError, TypeError, ValueError):
            fd, tmp = tempfile.mkstemp(dir=cache, suffix=".tmp")
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"key": key, "row": row}, fh, default=str)
            os.replace(tmp, file)
    return row


_ROWS: dict[str, tuple[str, dict]] = {}


def portfolio_rows(root: str | os.PathLike) -> list[dict]:
    """One row per workspace folder in ``root``; a broken workspace is a row with its error.

    Rows are reused while a workspace's files are unchanged (see :func:`fingerprint`): in this
    process, and across the server's kernels through the cache folder ``AIPO_PAGE_CACHE``.

    Parameters
    ----------
    root : path
        The folder of workspaces.

    Returns
    -------
    list of dict
        Rows in folder order, with the keys of the portfolio table plus ``folder``,
        ``owner`` and ``label`` (the verdict's words, or the error).
    """
    root = Path(root)
    cache = _cache_dir()
    folders = workspaces_in(root)
    if cache is not None and len(folders) > 1:
        # The pool's kernels prepare the page at the same time; in a random order each one
        # finds part of the rows already cached by the others instead of reading them all.
        for folder in random.sample(folders, len(folders)):
            _cached_row(folder, root, cache, _ROWS)
    return [_cached_row(folder, root, cache, _ROWS) for folder in folders]


def portfolio_html(root: str | os.PathLike, *, link: str = "?workspace=",
                   rows: list[dict] | None = None) -> str:
    """Return the portfolio table, sortable in the browser, each row linking to its page.

    Parameters
    ----------
    root : path
        The folder of workspaces.
    link : str, default "?workspace="
        Prefix of each row's link; the folder name is appended.
    rows : list of dict, optional
        Rows from :func:`portfolio_rows` (default: computed).

    Returns
    -------
    str
        The table and its sorting script.
    """
    rows = portfolio_rows(root) if rows is None else rows
    out = []
    for r in rows:
        name = shown(r.get("product", r["folder"]))
        href = link + urllib.parse.quote(r["folder"])
        out.append({**r,
                    "product": f'<a class="aipo-nav" href="{html.escape(href)}">{name}</a>',
                    "verdict": badge(r["verdict"]) + " " + shown(r.get("label", ""))})
    table = html_escape_table(out, _ROW_COLUMNS, raw={"product", "verdict"})
    return (table.replace('<table class="aipo-table">',
                          '<table class="aipo-table" id="aipo-portfolio">', 1)
            + _SORT_SCRIPT + _NAV_SCRIPT)


# Sorting by a click on a header: a few lines of plain JavaScript, no library, no CDN.
_SORT_SCRIPT = """
<script>
(function () {
  const t = document.getElementById("aipo-portfolio");
  if (!t) return;
  t.querySelectorAll("th").forEach((th, i) => {
    th.style.cursor = "pointer"; th.tabIndex = 0; th.title = "sort";
    const sort = () => {
      const rows = Array.from(t.tBodies[0].rows);
      const up = th.dataset.dir !== "up"; th.dataset.dir = up ? "up" : "down";
      rows.sort((a, b) => {
        const x = a.cells[i].innerText, y = b.cells[i].innerText;
        const nx = parseFloat(x.replace(/,/g, "")), ny = parseFloat(y.replace(/,/g, ""));
        const c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : x.localeCompare(y);
        return up ? c : -c;
      });
      rows.forEach(r => t.tBodies[0].appendChild(r));
    };
    th.addEventListener("click", sort);
    th.addEventListener("keydown", e => { if (e.key === "Enter") sort(); });
  });
})();
</script>
"""


def show_portfolio(root: str | os.PathLike | None = None) -> None:
    """Display the portfolio, or one product's status page when the request names one.

    In a pre-started Voila kernel the rows are read first, then the kernel waits for its
    visitor; rows whose workspace changed meanwhile are read again.

    Parameters
    ----------
    root : path, optional
        The folder of workspaces (default: the folder ``aipo serve`` serves).
    """
    from IPython.display import HTML, display

    expect_visitor()
    base = Path(root) if root is not None else served_root()
    portfolio_rows(base)  # ahead of the visitor
    await_visitor("portfolio")
    name = query_parameter("workspace")
    if name:
        try:
            target = resolve_in(base, name)
        except UsageError as exc:
            display(HTML(CSS + '<div class="aipo-page"><p><a class="aipo-nav" href="?">'
                         "&larr; portfolio</a></p><h1>Not found</h1><p>"
                         f"{shown(exc.problems[0])}</p></div>" + _NAV_SCRIPT))
            return
        _show_status(target, base, back=True)
        return
    rows = portfolio_rows(base)
    display(HTML(CSS + '<div class="aipo-page"><h1>AI product portfolio</h1>'
                 f'<p class="aipo-meta">{shown(base.name)} &middot; {len(rows)} products '
                 f"&middot; as of {dt.date.today()}</p>"
                 + portfolio_html(base, rows=rows) + "</div>"))
