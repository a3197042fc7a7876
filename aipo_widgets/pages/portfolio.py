"""The portfolio page: one row per product of a folder of workspaces, each linking to its page.

``voila_apps/portfolio.ipynb`` calls :func:`show_portfolio`. A row is the product's decision
card in one line: its phase, verdict in words, the decision due with its owner and date, how
many gates fail and warn, the top risk by its title, the trend of its root metric (values, from
the run ledger), the AI Act tier, expected NPV, how complete its documents are and when it last
ran; a broken workspace is a row with its error. The rows come most urgent first
(:func:`by_urgency`: failures, then the decision due soonest, then warnings); the table sorts
by a click on a header too (``static/sort.js``). ``?workspace=NAME`` opens that product's
status page, for listed workspace folders only (:func:`aipo_widgets.pages.voila.resolve_in`).

Rows are kept per workspace, keyed by its fingerprint (:func:`aipo_widgets.pages.voila.
fingerprint`), in this process and in the server's cache folder (``AIPO_PAGE_CACHE``), so that a
portfolio of a hundred products is read once, not on every visit.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import html
import json
import logging
import os
import random
import sqlite3
import stat
import tempfile
import urllib.parse
from pathlib import Path
from typing import Any

from aipo_widgets import __version__
from aipo_widgets._text import MISSING, format_number
from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.analysis.risk import Register
from aipo_widgets.errors import AipoError, UsageError
from aipo_widgets.gates.verdict import supersede
from aipo_widgets.model.workspace import load, workspaces_in
from aipo_widgets.pages.documents import out_of_date
from aipo_widgets.pages.markup import (
    CSS,
    badge,
    html_escape_table,
    masked_workspace,
    script,
    shown,
    sparkline,
)
from aipo_widgets.pages.status import page_verdict, show_status_of
from aipo_widgets.pages.voila import (
    await_visitor,
    expect_visitor,
    fingerprint,
    query_parameter,
    resolve_in,
    served_relative,
    served_root,
)
from aipo_widgets.runs.results import latest_evidence

log = logging.getLogger(__name__)


_ROW_COLUMNS = ["product", "phase", "verdict", "decision due", "failures", "warnings",
                "top risk", "root metric", "AI Act tier", "expected NPV", "documents",
                "last run"]


def _count(run: dict | None, verdict: str) -> int:
    """Gates of the evidence with that verdict, superseded ones left out (as the page does)."""
    return sum(g.get("verdict") == verdict and not g.get("superseded_by")
               for ph in (supersede(run) or {}).get("phases", []) for g in ph.get("gates") or [])


def _row(folder: Path, root: Path) -> dict:
    """One portfolio row (plain data, JSON-able)."""
    row: dict[str, Any] = {"folder": folder.name}
    try:
        ws = masked_workspace(load(folder).workspace)
        run = latest_evidence(folder)
        v = page_verdict(ws, run)
        row.update({
            "product": ws.product.name, "owner": ws.product.owner,
            "phase": str(getattr(ws.product.phase, "value", ws.product.phase)),
            "verdict": v.verdict, "label": v.headline, "decision": v.decision,
            "question": v.question, "due": v.due.isoformat() if v.due else None,
            "failures": _count(run, "fail"), "warnings": _count(run, "warn"),
            "last run": run["started"][:16].replace("T", " ") if run else "never",
        })
        row["root metric"] = _root_trend(folder, ws)
        row.update(_portfolio_figures(ws, run))
        row["documents"] = _documents_share(folder, run["id"] if run else None)
    except AipoError as exc:
        row.update({"product": folder.name, "verdict": "error",
                    "label": served_relative(str(exc.problems[0]), root)})
    except Exception as exc:  # one product's bug must not take the portfolio down
        log.exception("portfolio row of %s failed", folder.name)
        row.update({"product": folder.name, "verdict": "error",
                    "label": served_relative(f"{type(exc).__name__}: {exc}", root)})
    return row


def _documents_share(folder: Path, run_id: str | None = None) -> str:
    """How complete the documents ``aipo docs`` last wrote are, and whether they are current."""
    try:
        manifest = json.loads((folder / "reports" / "docs" / "docs.json").read_text("utf-8"))
        share = f"{float(manifest['share']):.0%} complete"
        return share + ("; out of date" if out_of_date(folder, manifest, run_id) else "")
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
    # The top risk by its title, with its residual band: "R1 (medium)" says nothing.
    out["top risk"] = (f"{ws.risk(ranked[0].id).title} ({ranked[0].residual.band}, "
                       f"{ranked[0].id})" if ranked else "none")
    npv = None
    for ph in (run or {}).get("phases", []):
        npv = ph.get("figures", {}).get("expected_npv", npv)
    currency = ws.business_case.currency if ws.business_case is not None else ""
    out["expected NPV"] = format_number(npv, currency) if isinstance(npv, (int, float)) \
        else MISSING
    return out


def _root_trend(folder: Path, ws: Any) -> dict:
    """Return the root metric across runs, oldest first, from the ledger opened read-only.

    ``{"name", "unit", "values"}``: the values each run measured (``root_value`` of the operate
    phase); none before the product is in operation.
    """
    tree = ws.metric_tree
    node = next((n for n in tree.nodes if n.id == tree.root), None)
    out: dict[str, Any] = {"name": node.name if node else "", "unit": node.unit if node else "",
                           "values": []}
    db = folder / "reports" / "ledger.sqlite"
    if node is None or not db.exists():
        return out
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            rows = con.execute(
                "SELECT f.value FROM figures f JOIN runs r ON r.id = f.run_id "
                "WHERE f.name = 'root_value' ORDER BY r.started, r.id").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:  # a trend is a nicety; the row shows without it
        log.warning("cannot read the run ledger %s: %s", db, exc)
        return out
    for (text,) in rows:
        with contextlib.suppress(TypeError, ValueError):
            value = json.loads(text)
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                out["values"].append(value)
    return out


def _trend_html(trend: Any) -> str:
    """Return the root metric's trend: its values (first, last) beside a line of every run."""
    if not isinstance(trend, dict) or not trend.get("values"):
        return MISSING
    values, unit = trend["values"], str(trend.get("unit") or "")
    text = format_number(values[-1], unit)
    if len(values) > 1:
        text = f"{format_number(values[0])} → {text} ({len(values)} runs)"
    return (f'<span title="{shown(trend.get("name", ""))}, per run: '
            f'{shown(", ".join(format_number(v) for v in values))}">{shown(text)}</span> '
            + sparkline(values))


def _verdict_cell(r: dict) -> str:
    """Return the verdict's word, then its words: the decision in bold, the reasons after."""
    label, _, reasons = str(r.get("label", "")).partition(": ")
    if r["verdict"] == "error":  # the workspace's error, as one message
        return f'<span data-verdict="error">{badge("error")} {shown(r.get("label", ""))}</span>'
    return (f'<span data-verdict="{html.escape(str(r["verdict"]))}">{badge(r["verdict"])} '
            f"<b>{shown(label)}</b>" + (f": {shown(reasons)}" if reasons else "") + "</span>")


_URGENCY = {"error": 0, "fail": 0, "warn": 1, "pass": 2}


def by_urgency(rows: list[dict]) -> list[dict]:
    """Return portfolio rows most urgent first.

    Failures (and broken workspaces) first, then the decision due soonest (no date last),
    then warnings (a warning verdict before a pass, more warnings first), then by name.

    Examples
    --------
    >>> rows = [{"product": "a", "verdict": "pass", "due": "2026-01-01", "warnings": 0},
    ...         {"product": "b", "verdict": "warn", "due": None, "warnings": 3},
    ...         {"product": "c", "verdict": "fail", "due": None, "warnings": 0},
    ...         {"product": "d", "verdict": "warn", "due": "2026-02-01", "warnings": 1}]
    >>> [r["product"] for r in by_urgency(rows)]
    ['c', 'a', 'd', 'b']
    """
    def key(r: dict) -> tuple:
        rank = _URGENCY.get(str(r.get("verdict")), 1)
        return (min(rank, 1), str(r.get("due") or "9999-99-99"), rank,
                -int(r.get("warnings") or 0), str(r.get("product", r.get("folder", ""))))

    return sorted(rows, key=key)


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
    for r in by_urgency(rows):
        name = shown(r.get("product", r["folder"]))
        href = link + urllib.parse.quote(r["folder"])
        due = (shown(r.get("question", "")) + "<br>" + shown(r.get("owner", ""))
               + (f" by <b>{shown(r['due'])}</b>" if r.get("due") else "")
               if r.get("question") else "")
        out.append({**r,
                    "product": f'<a class="aipo-nav" href="{html.escape(href)}">{name}</a>',
                    "verdict": _verdict_cell(r),
                    "decision due": due,
                    "root metric": _trend_html(r.get("root metric"))})
    table = html_escape_table(out, _ROW_COLUMNS,
                              raw={"product", "verdict", "decision due", "root metric"})
    return (table.replace('<table class="aipo-table">',
                          '<table class="aipo-table" id="aipo-portfolio">', 1)
            + script("sort.js") + script("nav.js"))


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
                         f"{shown(exc.problems[0])}</p></div>" + script("nav.js")))
            return
        show_status_of(target, base, back=True)
        return
    rows = portfolio_rows(base)
    display(HTML(CSS + '<div class="aipo-page"><h1>AI product portfolio</h1>'
                 f'<p class="aipo-meta">{shown(base.name)} &middot; {len(rows)} products '
                 f"&middot; as of {dt.date.today()}</p>"
                 + portfolio_html(base, rows=rows) + "</div>"))
