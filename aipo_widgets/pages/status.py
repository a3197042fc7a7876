"""The status page of one product: its verdict, gates, metric tree, risks, business case, ...

Legal, the works council and management do not open notebooks; they open a page. The Voila app
``voila_apps/status.ipynb`` is one line: it calls :func:`show_status`, which builds the page
from the workspace, its last run and the run ledger (:func:`status_sections`), one section at a
time, so that one broken part shows its error and the rest still shows.

What a visitor can and cannot do:

- **Read only.** The widgets are created with ``read_only=True`` (enforced in Python, so a
  forged widget message changes nothing) and are bound to an in-memory copy of the workspace
  model, not to ``aipo.yaml``: there is no file for them to save to. The run ledger is opened
  read-only. A page writes nothing into the served folder.
- **No raw personal data.** Every text of the workspace shown on a page (names, problem
  statement, risk and backlog titles, gate details) passes the PII scanner first
  (:mod:`aipo_widgets.pages.markup`); e-mail addresses, phone numbers, IBANs, card numbers and
  IP addresses appear as ``<EMAIL>``, ...

Speed: in a pre-started Voila kernel the page is built before its visitor arrives and shown
when they do, rebuilt if the workspace changed meanwhile (:mod:`aipo_widgets.pages.voila`).

The same functions render the no-server export (``aipo report``): the page is executed once and
converted to a single offline HTML file, with pictures in place of the widgets.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import html
import json
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aipo_widgets.analysis.backlog import score_workspace
from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.analysis.risk import Register
from aipo_widgets.documents.signing import governance
from aipo_widgets.errors import AipoError
from aipo_widgets.figures.business_case import business_case_svg, npv_svg
from aipo_widgets.figures.card import (
    card_html,
    card_units,
    decision_card,
    gate_anchor,
    section_anchor,
)
from aipo_widgets.figures.timeline import timeline_svg
from aipo_widgets.figures.trends import NO_RUN, trends_svg
from aipo_widgets.figures.verdict import provenance_text, superseded_text
from aipo_widgets.gates.plan import timeline
from aipo_widgets.gates.verdict import OverallVerdict, overall_verdict, supersede
from aipo_widgets.model.workspace import load
from aipo_widgets.pages.documents import documents_html
from aipo_widgets.pages.genai import TITLE as GENAI_TITLE
from aipo_widgets.pages.genai import genai_figures, genai_html
from aipo_widgets.pages.markup import (
    CSS,
    badge,
    html_escape_table,
    masked_workspace,
    note,
    script,
    shown,
    sparkline,
)
from aipo_widgets.pages.trends import trend_series
from aipo_widgets.pages.voila import (
    await_visitor,
    expect_visitor,
    fingerprint,
    served_relative,
    served_root,
)
from aipo_widgets.runs.results import latest_evidence
from aipo_widgets.widgets import MetricTreeWidget, RiskMatrixWidget

log = logging.getLogger(__name__)


# --------------------------------------------------------------------------------------------
# the last run


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


#: "What needs attention" lists the worst first (figures/problems.py ranks fail before warn).
_WORST_FIRST = {"error": 0, "fail": 1, "warn": 2}


def _anchored(row: dict, phase: str) -> dict:
    """Return a row of "What needs attention" with the anchor the decision card links to."""
    return {**row, "gate": f'<span id="{gate_anchor(phase, str(row["gate"]))}"></span>'
                           + shown(row["gate"])}


def page_verdict(ws: Any, run: dict | None) -> OverallVerdict:
    """Return the product's one verdict for a page (what ``aipo status`` and the reports say).

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace (its phase decides which decision is due).
    run : dict or None
        The evidence of the last run (:func:`aipo_widgets.runs.results.latest_evidence`).

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "Jana"}})
    >>> page_verdict(ws, None).headline
    'No evidence for the discovery decision: no run yet'
    """
    return overall_verdict(ws, run)


# --------------------------------------------------------------------------------------------
# the sections


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
    # The newest run, with the phases it did not run taken from earlier runs: after a run of
    # the operate phase alone the page must not say "on track" and forget the others.
    run = latest_evidence(root)
    # A gate whose figure a later phase measured shows that figure, not its old warning.
    run = supersede(run)
    as_of = dt.date.today()
    sections: list[tuple[str, Any]] = []

    def section(title: str, build: Callable[[], Any]) -> None:
        try:
            sections.append((title, build()))
        except AipoError as exc:
            sections.append((title, note("Cannot show this: "
                                          + shown(served_relative(str(exc.problems[0]), root)))))
        except Exception as exc:  # one section's bug must not take the page down
            log.exception("section %r of the status page failed", title)
            sections.append((title, note("Cannot show this: "
                                          + shown(served_relative(f"{type(exc).__name__}: {exc}",
                                                            root)))))

    verdict = page_verdict(ws, run)

    def header() -> str:
        p = ws.product
        when = run["started"][:10] if run else "never"
        # The decision card first, right under the name: what is decided, by whom, by when
        # and why, above the fold of a laptop screen; the problem statement after it.
        card = decision_card(verdict, run, card_units(ws), product=p.name)
        return (
            f"<h1>{shown(p.name)}</h1>"
            + card_html(card, escape=shown)
            + f'<p class="aipo-meta">Owner: {shown(p.owner)} &middot; phase: '
            f"{shown(p.phase)} &middot; page as of {as_of} &middot; last run: "
            f"{html.escape(when)}</p>"
            + (f"<p>{shown(p.problem)}</p>" if p.problem else "")
            + "".join(note(f"{shown(ph['phase'])}: from run {shown(ph['run_id'])} (the last "
                            "run did not run it, or it raised there)")
                      for ph in (run or {}).get("phases", []) if ph.get("run_id"))
        )

    section("", header)

    def gates_table() -> str:
        if run is None:
            return note("No run yet.")
        trends = _trends(root)
        summary, attention, everything = [], [], []
        for ph in run["phases"]:
            counts = {v: sum(g["verdict"] == v and not g.get("superseded_by")
                             for g in ph["gates"]) for v in ("pass", "warn", "fail")}
            state = "error" if ph["status"] == "error" else ph["verdict"]
            summary.append({"phase": ph["phase"] + (f" (run {ph['run_id']})"
                                                     if ph.get("run_id") else ""),
                            "verdict": badge(state),
                            "passed": counts["pass"], "warnings": counts["warn"],
                            "failed": counts["fail"],
                            "superseded": sum(bool(g.get("superseded_by")) for g in ph["gates"]),
                            "seconds": ph["seconds"]})
            if ph["status"] == "error":
                attention.append({"phase": ph["phase"], "verdict": badge("error"),
                                  "rank": _WORST_FIRST["error"], "gate": "the notebook raised",
                                  "figure": served_relative(str(ph["error"]), root),
                                  "threshold": "", "why": "", "trend": ""})
            for g in ph["gates"]:
                later = superseded_text(g)
                row = {"phase": ph["phase"],
                       "verdict": badge("superseded" if later else g["verdict"]),
                       "gate": g["name"], "figure": g.get("figure"),
                       "evidence": later or provenance_text(g.get("provenance"),
                                                            ph.get("run_id") or run["id"]),
                       "threshold": g.get("threshold"),
                       "why": f"{later}; before: {g.get('detail')}" if later else g.get("detail"),
                       "trend": sparkline(trends.get(g["name"], []))}
                everything.append(row)
                if g["verdict"] != "pass" and not later:
                    attention.append({**_anchored(row, ph["phase"]),
                                      "rank": _WORST_FIRST.get(g["verdict"], 3)})
        # The run's own gates (a phase notebook of the kit missing from the workspace, say).
        for g in run.get("gates", []):
            row = {"phase": g.get("phase") or "run", "verdict": badge(g["verdict"]),
                   "gate": g["name"], "figure": g.get("figure"),
                   "evidence": provenance_text(g.get("provenance"), run["id"]),
                   "threshold": g.get("threshold"), "why": g.get("detail"), "trend": ""}
            everything.append(row)
            if g["verdict"] != "pass":
                attention.append({**_anchored(row, str(g.get("phase") or "workspace")),
                                  "rank": _WORST_FIRST.get(g["verdict"], 3)})
        # Worst first, as the run's output, summary.md and 'aipo status --problems' list them;
        # stable, so the run's order holds within a verdict.
        attention.sort(key=lambda r: r["rank"])
        cols = ["phase", "verdict", "gate", "figure", "evidence", "threshold", "why", "trend"]
        return (html_escape_table(summary, raw={"verdict"})
                + "<h3>What needs attention</h3>"
                + html_escape_table(attention, cols, raw={"verdict", "trend", "gate"},
                                    empty="Nothing: every gate passes.")
                + f"<details><summary>All {len(everything)} gates</summary>"
                + html_escape_table(everything, cols, raw={"verdict", "trend"})
                + "</details>")

    section("Gates of the last run", gates_table)

    # A reviewed (generative) product: the quality of its outputs beside their safety, each
    # figure with its interval, limit and provenance. Other products get no such heading.
    if genai_figures(ws, None):
        section(GENAI_TITLE, lambda: genai_html(genai_figures(ws, run)))

    def plan() -> str:
        # the timeline from the masked workspace (what the page shows); the sign-offs' states
        # from the workspace as written (their digests cover what was signed)
        view = timeline(ws, as_of, evidence=run).to_view()
        waiting = governance(root, wf.workspace, as_of=as_of, evidence=run).waiting
        rows = "".join(f"<li>{shown(s.label)}: {shown(s.text())}</li>" for s in waiting)
        return (f'<div class="aipo-figure">{timeline_svg(view)}</div>'
                + (f"<p>Sign-offs the decision waits for:</p><ul>{rows}</ul>" if rows
                   else note("No sign-off is waited for.")))

    section("Plan and sign-offs", plan)

    def trends() -> str:
        # what a manager follows from run to run: is the value coming, is the case holding
        series = trend_series(root, ws)
        if not series:
            # words, not an empty picture (its heading would repeat the section's)
            return note(NO_RUN if run is None else
                        "No North Star, business case or metric with a target to follow yet: "
                        "the runs recorded none of their figures.")
        return (f'<div class="aipo-figure">{trends_svg(series)}</div>'
                + (note("One run so far: each aipo run adds a point.")
                   if series and max(len(s["points"]) for s in series) == 1 else ""))

    section("Trends across runs", trends)

    def tree() -> Any:

        return MetricTreeWidget(ws, read_only=True)

    section("Metric tree: baseline, target, progress", tree)

    def risks() -> list:

        register = Register.from_workspace(ws, as_of=as_of)
        top = [{"risk": r.id, "title": ws.risk(r.id).title, "residual": r.residual.band,
                "score": r.residual.score, "owner": ws.risk(r.id).owner,
                "treatment": ws.risk(r.id).treatment}
               for r in register.ranked()[:5]]
        return [RiskMatrixWidget(ws, read_only=True, as_of=as_of),
                html_escape_table(top, empty="No risks yet.")]

    section("Risks: matrix and the top five", risks)

    def backlog() -> str:

        result = score_workspace(ws)
        rows = [{"rank": i.rank, "item": i.id, "title": i.title, "type": i.type,
                 "score": i.score, "status": i.gate} for i in result.ranked()[:8]]
        return html_escape_table(rows, empty="No backlog items yet.")

    section("Backlog: the top of the ranking", backlog)

    def business_case() -> str:

        if ws.business_case is None:
            return note("No business case yet.")
        # The draws of the discovery notebook (same n and seed: the same P(NPV > 0)). 0.1 s,
        # spent while the page is prepared ahead of its visitor.
        case = analyse(ws.business_case, n=5000)
        cur = ws.business_case.currency
        rows = [{"scenario": s.scenario, f"NPV ({cur})": round(s.npv),
                 "payback (months)": s.payback_months, "ROI": s.roi}
                for s in case.scenarios.values()]
        mc = case.monte_carlo
        text = (f'<p>Chance that the NPV is positive: <b>{mc.p_positive:.0%}</b> (P10 '
                f"{mc.p10:,.0f}, P50 {mc.p50:,.0f}, P90 {mc.p90:,.0f} {html.escape(cur)})."
                "</p>") if mc else ""
        if mc and mc.correlations:  # what the spread assumes about drivers moving together
            pairs = "; ".join(f"{shown(' and '.join(c['drivers']))} {c['rho']:+.2f}"
                              for c in mc.correlations)
            text += note(f"Drawn with rank correlations between drivers: {pairs}.")
        measured = [(ph["phase"], ph["figures"]["expected_npv"]) for ph in (run or {}).get(
            "phases", []) if isinstance(ph.get("figures", {}).get("expected_npv"), (int, float))]
        if measured:  # what the portfolio shows: the last phase's figure, with measured values
            phase, npv = measured[-1]
            text += (f"<p>Expected NPV in the last run ({html.escape(phase)} phase, with the "
                     f"values measured so far): <b>{npv:,.0f} {html.escape(cur)}</b>.</p>")
        view = case.to_view()
        pictures = (f'<div class="aipo-figure">{business_case_svg(view)}</div>'
                    f'<div class="aipo-figure">{npv_svg(view)}</div>')
        return text + pictures + html_escape_table(rows, empty="No scenarios.")

    section("Business case", business_case)

    def rollout() -> str:
        stages = ws.rollout.stages
        rows = [{"stage": s.name, "audience": s.audience, "share": s.share,
                 "status": s.status,
                 "exit criteria": "; ".join(c.description or f"{c.metric} {c.operator} "
                                            f"{c.value:g}" for c in s.exit_criteria)}
                for s in stages]
        return html_escape_table(rows, empty="No rollout stages yet.")

    section("Rollout: stages and exit criteria", rollout)

    def monitoring() -> str:
        if run is None:
            return note("No run yet.")
        operate = next((ph for ph in run["phases"] if ph["phase"] == "operate"), None)
        if operate is None:
            return note("Not in operation yet (04_operate has not run).")
        rows = [{"verdict": badge(g["verdict"]), "check": g["name"], "figure": g.get("figure"),
                 "evidence": provenance_text(g.get("provenance"),
                                             operate.get("run_id") or run["id"]),
                 "threshold": g.get("threshold"), "why": g.get("detail")}
                for g in operate["gates"]]
        return html_escape_table(rows, raw={"verdict"}, empty="No monitoring checks ran.")

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
        return head + html_escape_table(rows, empty="No obligations apply.")

    section("EU AI Act: tier and obligations", ai_act)
    section("Documents", lambda: documents_html(root, run))
    return sections


# --------------------------------------------------------------------------------------------
# showing the page, built ahead of its visitor


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
                f"<p>{shown(served_relative(str(exc.problems[0]), label_root))}</p>"]
    parts: list[Any] = []
    for title, content in sections:
        if title:
            parts.append(f'<h2 id="{section_anchor(title)}">{html.escape(title)}</h2>')
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
    show_status_of(target, target.parent)


def show_status_of(target: Path, label_root: Path, *, back: bool = False) -> None:
    """Display the status page of ``target``, built ahead of its visitor where Voila preheats.

    Parameters
    ----------
    target : pathlib.Path
        The workspace folder.
    label_root : pathlib.Path
        The served folder: messages name files relative to it.
    back : bool, default False
        Add a link back to the portfolio (the page was opened from it).
    """
    page = _prepare_status(target, label_root)
    await_visitor("status")
    if fingerprint(target) != page.key:
        _close(page.parts)
        page = _prepare_status(target, label_root)
    head = [CSS]
    if back:
        head.append('<p><a class="aipo-nav" href="?">&larr; portfolio</a></p>' + script("nav.js"))
    _display([*head, *page.parts])
