"""The product's one verdict as every surface shows it: text, HTML and Markdown from plain data.

The verdict is computed once, in the gates layer (:func:`aipo_widgets.gates.verdict.
overall_verdict`); this module only draws it, from its plain data (``OverallVerdict.to_dict()``
or ``results.json``'s ``product_verdict``), so that ``aipo run``/``aipo status``, the status and
portfolio pages, the offline report, each phase's HTML report and the documents say the same
words in the same colour: the verdict's word and colour (presentation tokens), the verdict in
words (the headline), the decision that is due with its owner and date, the phase, and the
reasons with where each reason's figure came from.

Examples
--------
>>> v = {"verdict": "warn", "phase": "operate", "decision": "retrain",
...      "question": "Keep it running, retrain it, or pull the kill switch?",
...      "headline": "Retrain needed: the data set has drifted", "owner": "Jana",
...      "due": None, "run": "r1", "housekeeping": [],
...      "blocking": [{"phase": "operate", "name": "retrain", "verdict": "warn",
...                    "detail": "the data set has drifted", "source": "", "evidence": ""}]}
>>> for line in verdict_text(v, product="Ticket summaries"):
...     print(line)
Ticket summaries, phase operate: Keep it running, retrain it, or pull the kill switch? (Jana)
  WARN: Retrain needed: the data set has drifted
    - operate, retrain [WARN]
>>> 'data-decision="retrain"' in verdict_html(v)
True
>>> verdict_markdown(v).splitlines()[0]
'> **Verdict: WARN. Retrain needed: the data set has drifted**'
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.figures.tokens import VERDICT

__all__ = ["provenance_text", "superseded_text", "verdict_data", "verdict_html",
           "verdict_markdown", "verdict_text", "verdict_word"]


def verdict_data(verdict: Any) -> dict[str, Any]:
    """Return a verdict as plain data (an ``OverallVerdict``, or the dict it writes)."""
    if hasattr(verdict, "to_dict"):
        verdict = verdict.to_dict()
    return dict(verdict)


def verdict_word(verdict: str) -> str:
    """Return the word of a verdict (its presentation token).

    Examples
    --------
    >>> verdict_word("fail"), verdict_word("skipped")
    ('FAIL', 'SKIPPED')
    """
    return VERDICT[verdict]["label"] if verdict in VERDICT else verdict.upper()


def provenance_text(provenance: Mapping[str, Any] | None, run: str = "") -> str:
    """Say where a gate's figure came from, in the words every surface uses.

    Parameters
    ----------
    provenance : dict or None
        The gate's ``provenance`` as ``results.json`` holds it (None: the gate reads no figure
        of its own, or was recorded before figures had provenance).
    run : str
        The run the gate was recorded in (a measured figure names it).

    Examples
    --------
    >>> provenance_text({"kind": "measured", "source": "production_log", "start": "2026-11-01",
    ...                  "end": "2026-11-30", "rows": 4312}, "r7")
    'measured: production_log, 2026-11-01 to 2026-11-30, 4,312 rows, run r7'
    >>> provenance_text({"kind": "typed", "source": "metric_tree.nodes[x].current",
    ...                  "typed_on": "2026-09-01"})
    'typed in aipo.yaml at metric_tree.nodes[x].current (2026-09-01)'
    >>> provenance_text({"kind": "carried", "source": "psi_max", "run": "r3"})
    'carried from run r3'
    >>> provenance_text({"kind": "missing", "note": "the production log"})
    'missing: would come from the production log'
    >>> provenance_text(None)
    ''
    """
    if not provenance:
        return ""
    p = dict(provenance)
    kind = p.get("kind")
    if kind == "measured":
        parts = [str(p["source"])] if p.get("source") else []
        start, end = p.get("start"), p.get("end")
        if start and end:
            parts.append(f"{str(start)[:10]} to {str(end)[:10]}")
        elif end:
            parts.append(f"up to {str(end)[:10]}")
        if p.get("rows") is not None:
            parts.append(f"{format_number(p['rows'])} rows")
        if run:
            parts.append(f"run {run}")
        text = "measured" + (": " + ", ".join(parts) if parts else "")
    elif kind == "typed":
        text = ("typed in aipo.yaml" + (f" at {p['source']}" if p.get("source") else "")
                + (f" ({str(p['typed_on'])[:10]})" if p.get("typed_on") else ""))
    elif kind == "carried":
        text = f"carried from run {p.get('run') or '?'}"
    elif kind == "missing":
        return "missing" + (f": would come from {p['note']}" if p.get("note") else "")
    elif kind == "config":
        text = "aipo.yaml" + (f" at {p['source']}" if p.get("source") else "")
    else:
        return ""
    return text + (f"; {p['note']}" if p.get("note") else "")


def superseded_text(gate: Mapping[str, Any]) -> str:
    """Say which later measurement supersedes a gate ("" when none does).

    Examples
    --------
    >>> superseded_text({"superseded_by": {"phase": "operate", "gate": "X2", "figure": 640.0,
    ...                                    "verdict": "fail", "run": "r2"}})
    'superseded: the operate phase measured 640 (FAIL, run r2)'
    """
    by = gate.get("superseded_by")
    if not by:
        return ""
    run = f", run {by['run']}" if by.get("run") else ""
    return (f"superseded: the {by.get('phase')} phase measured {format_number(by.get('figure'))}"
            f" ({verdict_word(str(by.get('verdict')))}{run})")


def _due(v: Mapping[str, Any]) -> str:
    """Return the owner and the date the decision is due, e.g. "Jana by 2026-10-31"."""
    due = v.get("due")
    return str(v.get("owner") or "") + (f" by {str(due)[:10]}" if due else "")


def _reason_line(r: Mapping[str, Any]) -> str:
    evidence = r.get("evidence") or ""
    return (f"{r.get('phase', '')}, {r.get('name', '')} [{verdict_word(str(r.get('verdict')))}]"
            + (f": {evidence}" if evidence else ""))


def verdict_text(verdict: Any, *, product: str = "", reasons: bool = True) -> list[str]:
    """Return the verdict as lines of text (``aipo run``, ``aipo status``).

    Parameters
    ----------
    verdict : OverallVerdict or dict
        The product's verdict.
    product : str
        The product's name, to open the first line with.
    reasons : bool, default True
        Add a line per reason: its phase and gate, and where its figure came from.
    """
    v = verdict_data(verdict)
    who = _due(v)
    head = f"{product}, phase {v['phase']}" if product else f"phase {v['phase']}"
    lines = [f"{head}: {v['question']}" + (f" ({who})" if who else ""),
             f"  {verdict_word(v['verdict'])}: {v['headline']}"]
    if reasons:
        lines += [f"    - {_reason_line(r)}" for r in v.get("blocking") or []]
        more = len(v.get("housekeeping") or [])
        if more:
            lines.append(f"    and {more} more open point(s) in the gates below")
    return lines


def _colour(verdict: str, part: str) -> str:
    """Return a verdict token as a CSS value: the custom property, the token as fallback."""
    token = VERDICT.get(verdict, VERDICT["error"])
    name = "--aipo-verdict-" + (verdict if verdict in VERDICT else "error")
    if part == "ink":
        return f"var({name}-ink, {token['ink']})"
    return f"var({name}, {token['colour']})"


def verdict_html(verdict: Any, *, escape: Callable[[Any], str] | None = None,
                 heading: str = "") -> str:
    """Return the verdict as one self-contained HTML block (pages, reports, notebooks).

    Colours are the verdict's presentation tokens, as the page's custom properties with the
    token's value as the fallback, so the block looks the same in a page, in an offline report
    and in a notebook. The verdict is always written out: colour is never the only cue.

    Parameters
    ----------
    verdict : OverallVerdict or dict
        The product's verdict.
    escape : callable, optional
        Turns a text into HTML (default :func:`html.escape`; the pages pass their own, which
        masks personal data first).
    heading : str
        A text to open the block with (e.g. the product's name), escaped.

    Returns
    -------
    str
        A ``<section class="aipo-verdict-box">`` with ``data-verdict``, ``data-decision`` and
        ``data-phase`` attributes.
    """
    esc = escape or (lambda value: html.escape(str(value)))
    v = verdict_data(verdict)
    word, key = verdict_word(v["verdict"]), str(v["verdict"])
    who = _due(v)
    meta = (f"Phase <b>{esc(v['phase'])}</b> &middot; decision due: {esc(v['question'])}"
            + (f" &middot; {esc(who)}" if who else "")
            + (f" &middot; evidence: run {esc(v['run'])}" if v.get("run") else ""))
    items = []
    for r in v.get("blocking") or []:
        rv = str(r.get("verdict"))
        evidence = r.get("evidence") or ""
        items.append(
            "<li>"
            f'<span class="aipo-verdict-reason" style="background:{_colour(rv, "colour")};'
            f'color:{_colour(rv, "ink")};padding:0 .4em;border-radius:3px;font-size:.85em">'
            f"{verdict_word(rv)}</span> {esc(r.get('phase', ''))}: <b>{esc(r.get('name', ''))}"
            f"</b>" + (f" &mdash; {esc(r.get('detail'))}" if r.get("detail") else "")
            + (f' <span class="aipo-provenance" style="color:#555">({esc(evidence)})</span>'
               if evidence else "") + "</li>")
    more = len(v.get("housekeeping") or [])
    return (
        f'<section class="aipo-verdict-box" data-verdict="{html.escape(key)}" '
        f'data-decision="{html.escape(str(v.get("decision", "")))}" '
        f'data-phase="{html.escape(str(v["phase"]))}" '
        f'style="border-left:6px solid {_colour(key, "colour")};padding:.4em .9em;'
        f'margin:.6em 0;background:#fafafa">'
        + (f'<p style="margin:0 0 .2em 0;font-weight:600">{esc(heading)}</p>' if heading
           else "")
        + f'<p class="aipo-verdict-due" style="margin:0;color:#444">{meta}</p>'
        f'<p style="margin:.35em 0"><span class="aipo-verdict" style="background:'
        f'{_colour(key, "colour")};color:{_colour(key, "ink")};padding:.15em .6em;'
        f'border-radius:4px;font-weight:700">{word}</span> '
        f'<b class="aipo-verdict-headline">{esc(v["headline"])}</b></p>'
        + (f'<ul class="aipo-verdict-reasons" style="margin:.2em 0">{"".join(items)}</ul>'
           if items else "")
        + (f'<p class="aipo-verdict-more" style="margin:.2em 0;color:#555">and {more} more '
           "open point(s), listed with the gates</p>" if more else "")
        + "</section>")


def _md(text: Any) -> str:
    return re.sub(r"([\\|\[\]*_`<>])", r"\\\1", str(text)).replace("\n", " ")


def verdict_markdown(verdict: Any) -> str:
    """Return the verdict as a Markdown block quote (the documents that state a decision).

    Examples
    --------
    >>> v = {"verdict": "fail", "phase": "rollout", "decision": "no-go",
    ...      "question": "Go to the next stage, or not?", "headline": "No-go: never tested",
    ...      "owner": "Jana", "due": "2026-10-31", "run": "", "blocking": [],
    ...      "housekeeping": []}
    >>> print(verdict_markdown(v))
    > **Verdict: FAIL. No-go: never tested**
    >
    > Phase rollout; decision due: Go to the next stage, or not? (Jana by 2026-10-31)
    """
    v = verdict_data(verdict)
    who = _due(v)
    lines = [f"> **Verdict: {verdict_word(v['verdict'])}. {_md(v['headline'])}**", ">",
             f"> Phase {_md(v['phase'])}; decision due: {_md(v['question'])}"
             + (f" ({_md(who)})" if who else "")
             + (f"; evidence: run `{v['run']}`" if v.get("run") else "")]
    reasons = v.get("blocking") or []
    if reasons:
        lines.append(">")
        lines += [f"> - {_md(_reason_line(r))}" for r in reasons]
    more = len(v.get("housekeeping") or [])
    if more:
        lines += [">", f"> and {more} more open point(s) in the gates of the last run"]
    return "\n".join(lines)
