"""The stakeholder pages: one product's status, and a portfolio of products.

Legal, the works council and management do not open notebooks; they open a page. The two
Voila apps in ``voila_apps/`` are one line each: they call :func:`show_status` or
:func:`show_portfolio`, which build the page from the workspace, its last run and the run ledger.
Everything on a page is read-only: the widgets are created with ``read_only=True`` (enforced in
Python, so a forged widget message changes nothing), tables hold no raw personal data (values the
PII scanner finds are masked), and paths from the query string cannot leave the served folder.

The same functions render the no-server export (``aipo report``): the page is executed once and
converted to a single offline HTML file, with pictures in place of the widgets.

Examples
--------
>>> html_escape_table([{"a": "x@example.com writes"}])  # doctest: +ELLIPSIS
'<table class="aipo-table">...<td>&lt;EMAIL&gt; writes</td>...</table>'
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import os
import urllib.parse
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from aipo_widgets.errors import AipoError, Problem, UsageError

_VERDICT = {"pass": ("#009E73", "PASS"), "warn": ("#E69F00", "WARN"), "fail": ("#D55E00", "FAIL"),
            "error": ("#CC79A7", "ERROR")}

CSS = """
<style>
.aipo-page { font-family: system-ui, -apple-system, "Segoe UI", sans-serif;
  color: var(--jp-ui-font-color0, #1b1b1b); max-width: 1100px; }
.aipo-page h1 { margin: 0.2em 0; font-size: 1.7em; }
.aipo-page h2 { margin: 1.2em 0 0.4em; font-size: 1.25em; border-bottom: 1px solid #ccc; }
.aipo-meta { color: var(--jp-ui-font-color2, #555); }
.aipo-verdict { display: inline-block; padding: 0.3em 0.8em; border-radius: 4px; color: #fff;
  font-weight: 700; font-size: 1.2em; }
.aipo-badge { display: inline-block; padding: 0 0.45em; border-radius: 3px; color: #fff;
  font-weight: 600; font-size: 0.85em; }
.aipo-table { border-collapse: collapse; font-size: 0.9em; margin: 0.3em 0; }
.aipo-table th, .aipo-table td { text-align: left; padding: 3px 8px;
  border-bottom: 1px solid #ddd; vertical-align: top; }
.aipo-table th { background: var(--jp-layout-color2, #f3f3f3); }
.aipo-note { color: var(--jp-ui-font-color2, #555); font-size: 0.9em; }
</style>
"""


# --------------------------------------------------------------------------------------------
# small HTML helpers (everything escaped; personal data masked)


def _mask(value: Any) -> str:
    from aipo_widgets.pii import mask

    text = "" if value is None else str(value)
    return mask(text) if any(ch.isdigit() for ch in text) or "@" in text else text


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.4g}"
    if isinstance(value, (list, tuple)):
        return ", ".join(_fmt(v) for v in value)
    return str(value)


def badge(verdict: str) -> str:
    """Return a coloured verdict label (colour and text: never colour alone)."""
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
            cells.append(f"<td>{v}</td>" if c in raw else
                         f"<td>{html.escape(_mask(_fmt(v)))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<table class="aipo-table"><thead><tr>{head}</tr></thead><tbody>'
            + "".join(body) + "</tbody></table>")


def sparkline(values: Sequence[float], *, width: int = 90, height: int = 18) -> str:
    """Return a tiny trend line as an ``<img>`` (an SVG data URI, so it survives everywhere).

    Examples
    --------
    >>> sparkline([1, 2, 3]).startswith('<img alt="trend')
    True
    """
    pts = [float(v) for v in values if isinstance(v, (int, float))]
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


# --------------------------------------------------------------------------------------------
# where the page's workspace is


def served_root() -> Path:
    """Return the folder ``aipo serve`` serves (a workspace or a folder of workspaces)."""
    root = os.environ.get("AIPO_SERVE_ROOT") or os.environ.get("AIPO_WORKSPACE") or os.getcwd()
    return Path(root).resolve()


def resolve_in(root: Path, name: str) -> Path:
    """Resolve a workspace name from a query string inside ``root``; never outside it.

    Raises
    ------
    UsageError
        For an absolute path, ``..``, or anything that resolves outside ``root``.

    Examples
    --------
    >>> import pathlib, tempfile
    >>> root = pathlib.Path(tempfile.mkdtemp())
    >>> (root / "a").mkdir()
    >>> resolve_in(root, "a") == (root / "a").resolve()
    True
    >>> resolve_in(root, "../etc")
    Traceback (most recent call last):
    ...
    aipo_widgets.errors.UsageError: workspace '../etc' is not a folder of the served portfolio
    """
    bad = (not name or name.startswith(("/", "\\")) or ".." in Path(name).parts
           or (len(name) > 1 and name[1] == ":"))
    candidate = (root / name).resolve()
    if bad or root.resolve() not in (candidate, *candidate.parents) or candidate == root:
        raise UsageError([Problem(f"workspace '{name}' is not a folder of the served portfolio",
                                  fix="pick a product from the portfolio page")])
    return candidate


def query_parameter(name: str) -> str | None:
    """Return a query-string parameter of the Voila request (None outside Voila)."""
    query = os.environ.get("QUERY_STRING")
    if query is None and os.environ.get("VOILA_PREHEAT") == "True":  # pragma: no cover
        from voila.utils import get_query_string

        query = get_query_string()
    values = urllib.parse.parse_qs(query or "").get(name)
    return values[0] if values else None


# --------------------------------------------------------------------------------------------
# the status page


def _latest(folder: Path) -> dict | None:
    from aipo_widgets.pipeline.runner import latest_run

    return latest_run(folder)


def _trends(folder: Path) -> dict[str, list[float]]:
    from aipo_widgets.pipeline.ledger import Ledger

    db = folder / "reports" / "ledger.sqlite"
    if not db.exists():
        return {}
    out: dict[str, list[float]] = {}
    with Ledger(db) as ledger:
        for name in ledger.names():
            out[name] = [v for _, _, _, v in ledger.trend(name) if isinstance(v, (int, float))]
    return out


def _verdict_of(run: dict | None) -> tuple[str, str, list[str]]:
    if run is None:
        return "warn", "no run yet", ["Nobody has run the phase notebooks: run 'aipo run'."]
    for ph in run["phases"]:
        for g in ph["gates"]:
            if g["name"] == "go / no-go":
                reasons = [g.get("detail") or ""]
                return g["verdict"], str(g.get("figure")), reasons
    failed = [f"{g['phase']}: {g['name']}" for ph in run["phases"] for g in ph["gates"]
              if g["verdict"] == "fail"]
    errors = [f"{ph['phase']}: {ph['error']}" for ph in run["phases"] if ph["status"] == "error"]
    verdict = "fail" if failed or errors else run["verdict"]
    label = {"pass": "on track", "warn": "on track, with warnings", "fail": "blocked"}[verdict]
    return verdict, label, errors + failed


def status_sections(folder: str | os.PathLike) -> list[tuple[str, Any]]:
    """Build the status page of one workspace as (section title, displayable) pairs.

    The displayables are HTML strings or read-only widgets. Each section is built on its own,
    so one broken part (say, a business case formula) shows its error and the rest still shows.
    """
    from aipo_widgets.workspace import load

    wf = load(folder)
    ws = wf.workspace
    root = wf.folder
    run = _latest(root)
    as_of = dt.date.today()
    sections: list[tuple[str, Any]] = []

    def section(title: str, build: Any) -> None:
        try:
            sections.append((title, build()))
        except AipoError as exc:
            sections.append((title, f'<p class="aipo-note">Cannot show this: '
                                    f"{html.escape(str(exc.problems[0]))}</p>"))

    verdict, label, reasons = _verdict_of(run)
    colour, text = _VERDICT[verdict]

    def header() -> str:
        p = ws.product
        when = run["started"][:10] if run else "never"
        return (
            f'<h1>{html.escape(p.name)}</h1>'
            f'<p class="aipo-meta">Owner: {html.escape(p.owner)} &middot; phase: '
            f"{html.escape(str(p.phase))} &middot; page as of {as_of} &middot; last run: "
            f"{html.escape(when)}</p>"
            f"<p>{html.escape(p.problem)}</p>"
            f'<p><span class="aipo-verdict" style="background:{colour}">{text}: '
            f"{html.escape(label)}</span></p>"
            + "".join(f'<p class="aipo-note">{html.escape(r)}</p>' for r in reasons if r)
        )

    section("", header)

    def gates_table() -> str:
        if run is None:
            return '<p class="aipo-note">No run yet.</p>'
        trends = _trends(root)
        summary, attention, everything = [], [], []
        for ph in run["phases"]:
            counts = {v: sum(g["verdict"] == v for g in ph["gates"])
                      for v in ("pass", "warn", "fail")}
            state = "error" if ph["status"] == "error" else ph["verdict"]
            summary.append({"phase": ph["phase"], "verdict": badge(state),
                            "passed": counts["pass"], "warnings": counts["warn"],
                            "failed": counts["fail"], "seconds": ph["seconds"]})
            if ph["status"] == "error":
                attention.append({"phase": ph["phase"], "verdict": badge("error"),
                                  "gate": "the notebook raised", "figure": ph["error"],
                                  "threshold": "", "why": "", "trend": ""})
            for g in ph["gates"]:
                row = {"phase": ph["phase"], "verdict": badge(g["verdict"]),
                       "gate": g["name"], "figure": g.get("figure"),
                       "threshold": g.get("threshold"), "why": g.get("detail"),
                       "trend": sparkline(trends.get(g["name"], []))}
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
        from aipo_widgets.widgets import MetricTreeWidget

        return MetricTreeWidget(wf, read_only=True)

    section("Metric tree: baseline, target, progress", tree)

    def risks() -> list:
        from aipo_widgets.risk import Register
        from aipo_widgets.widgets import RiskMatrixWidget

        register = Register.from_workspace(ws, as_of=as_of)
        top = [{"risk": r.id, "title": ws.risk(r.id).title, "residual": r.residual.band,
                "score": r.residual.score, "owner": ws.risk(r.id).owner,
                "treatment": ws.risk(r.id).treatment}
               for r in register.ranked()[:5]]
        return [RiskMatrixWidget(wf, read_only=True), html_escape_table(top)]

    section("Risks: matrix and the top five", risks)

    def backlog() -> str:
        from aipo_widgets.backlog import score_workspace

        result = score_workspace(ws)
        rows = [{"rank": i.rank, "item": i.id, "title": i.title, "type": i.type,
                 "score": i.score, "status": i.gate} for i in result.ranked()[:8]]
        return html_escape_table(rows)

    section("Backlog: the top of the ranking", backlog)

    def business_case() -> str:
        from aipo_widgets.business_case import analyse

        if ws.business_case is None:
            return '<p class="aipo-note">No business case yet.</p>'
        case = analyse(ws.business_case, n=5000)
        cur = ws.business_case.currency
        rows = [{"scenario": s.scenario, f"NPV ({cur})": round(s.npv),
                 "payback (months)": s.payback_months, "ROI": s.roi}
                for s in case.scenarios.values()]
        mc = case.monte_carlo
        note = (f'<p>Chance that the NPV is positive: <b>{mc.p_positive:.0%}</b> (P10 '
                f"{mc.p10:,.0f}, P50 {mc.p50:,.0f}, P90 {mc.p90:,.0f} {cur}).</p>") if mc else ""
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
            return '<p class="aipo-note">No run yet.</p>'
        operate = next((ph for ph in run["phases"] if ph["phase"] == "operate"), None)
        if operate is None:
            return '<p class="aipo-note">Not in operation yet (04_operate has not run).</p>'
        rows = [{"verdict": badge(g["verdict"]), "check": g["name"], "figure": g.get("figure"),
                 "threshold": g.get("threshold"), "why": g.get("detail")}
                for g in operate["gates"]]
        return html_escape_table(rows, raw={"verdict"})

    section("Monitoring: drift, costs, alerts", monitoring)

    def ai_act() -> str:
        from aipo_widgets.compliance import classify_workspace

        c = classify_workspace(ws, as_of=as_of)
        rows = [{"article": o.article, "obligation": o.text, "holder": o.holder,
                 "applies from": o.applies_from,
                 "status": "applies now" if o.applies_now else "later"}
                for o in c.obligations]
        head = (f"<p>Tier: <b>{html.escape(c.tier_label)}</b>"
                + (" (provisional: open questions)" if c.provisional else "")
                + (f"; legal sign-off: {html.escape(ws.compliance.ai_act.signed_off_by)}"
                   if ws.compliance.ai_act.signed_off_by else "") + "</p>")
        return head + html_escape_table(rows)

    section("EU AI Act: tier and obligations", ai_act)
    return sections


def show_status(folder: str | os.PathLike | None = None) -> None:
    """Display the status page of a workspace (what ``voila_apps/status.ipynb`` calls)."""
    from IPython.display import HTML, display

    target = Path(folder) if folder is not None else served_root()
    display(HTML(CSS))
    try:
        sections = status_sections(target)
    except AipoError as exc:
        display(HTML(f'<div class="aipo-page"><h1>Cannot show this product</h1>'
                     f"<p>{html.escape(str(exc.problems[0]))}</p></div>"))
        return
    for title, content in sections:
        if title:
            display(HTML(f'<div class="aipo-page"><h2>{html.escape(title)}</h2></div>'))
        for part in content if isinstance(content, list) else [content]:
            display(HTML(f'<div class="aipo-page">{part}</div>') if isinstance(part, str)
                    else part)


# --------------------------------------------------------------------------------------------
# the portfolio page


def portfolio_rows(root: str | os.PathLike) -> list[dict]:
    """One row per workspace folder in ``root``; a broken workspace is a row with its error."""
    from aipo_widgets.pipeline.serve import workspaces_in
    from aipo_widgets.workspace import load

    rows = []
    for folder in workspaces_in(Path(root)):
        row: dict[str, Any] = {"folder": folder.name}
        try:
            ws = load(folder).workspace
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
        except AipoError as exc:
            row.update({"product": folder.name, "verdict": "error",
                        "label": str(exc.problems[0])})
        except Exception as exc:  # one product's bug must not take the portfolio down
            row.update({"product": folder.name, "verdict": "error",
                        "label": f"{type(exc).__name__}: {exc}"})
        rows.append(row)
    return rows


def _portfolio_figures(ws: Any, run: dict | None) -> dict:
    from aipo_widgets.compliance import classify_workspace
    from aipo_widgets.risk import Register

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
    out["expected NPV"] = npv
    return out


def portfolio_html(root: str | os.PathLike, *, link: str = "?workspace=") -> str:
    """Return the portfolio table, sortable in the browser, each row linking to its page."""
    rows = portfolio_rows(root)
    shown = []
    for r in rows:
        name = html.escape(r.get("product", r["folder"]))
        href = link + urllib.parse.quote(r["folder"])
        shown.append({**r, "product": f'<a href="{html.escape(href)}">{name}</a>',
                      "verdict": badge(r["verdict"]) + " " + html.escape(r.get("label", ""))})
    columns = ["product", "phase", "verdict", "failing gates", "AI Act tier", "top risk",
               "expected NPV", "last run"]
    table = html_escape_table(shown, columns, raw={"product", "verdict"})
    return table.replace('<table class="aipo-table">',
                         '<table class="aipo-table" id="aipo-portfolio">', 1) + _SORT_SCRIPT


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
    """Display the portfolio, or one product's status page when the request names one."""
    from IPython.display import HTML, display

    base = Path(root) if root is not None else served_root()
    name = query_parameter("workspace")
    if name:
        try:
            target = resolve_in(base, name)
        except UsageError as exc:
            display(HTML(CSS + f'<div class="aipo-page"><h1>Not found</h1><p>'
                         f"{html.escape(str(exc.problems[0]))}</p></div>"))
            return
        display(HTML('<div class="aipo-page"><p><a href="?">&larr; portfolio</a></p></div>'))
        show_status(target)
        return
    display(HTML(CSS + '<div class="aipo-page"><h1>AI product portfolio</h1>'
                 f'<p class="aipo-meta">{html.escape(str(base.name))} &middot; as of '
                 f"{dt.date.today()}</p>" + portfolio_html(base) + "</div>"))
