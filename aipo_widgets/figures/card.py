"""The decision card: the product's one verdict as a person reads it in ten seconds.

The card opens the status page, the one-file report, each portfolio row and ``aipo status``.
It says what is decided (the verdict in words), which decision is due, whose it is and by when,
and at most three reasons, each linked to the gate that holds its evidence; everything else
that did not pass is grouped as "blocks the decision" (the same phase, the same weight as the
three) or "housekeeping". Figures are formatted with the workspace's units and currency; the
field names (phase, gate, where the figure came from) are in a tooltip, not in the text.

:func:`decision_card` builds the card's plain data once, from the verdict's plain data
(``OverallVerdict.to_dict()``), the evidence it was computed from and the workspace's units
(:func:`card_units`); :func:`card_html` and :func:`card_text` draw that data, so every surface
says the same. :func:`reason_phrase` is the short phrase of one gate, which the gates layer
also uses for the verdict's headline.

Examples
--------
>>> units = {"currency": "EUR", "metrics": {"precision": {"name": "Precision", "unit": "share"}}}
>>> gate = {"name": "alert A5: precision", "verdict": "warn", "figure": 0.0449,
...         "threshold": "precision < 0.1", "extra": {"metric": "precision"},
...         "provenance": {"kind": "measured", "source": "production_window", "rows": 668}}
>>> reason_phrase(gate, units)
'Precision: 4.49% < 10%'
>>> v = {"verdict": "warn", "phase": "operate", "decision": "retrain", "owner": "Stefan",
...      "question": "Keep it running, retrain it, or pull the kill switch?", "due": None,
...      "headline": "Retrain needed: Precision: 4.49% < 10%", "run": "r7",
...      "blocking": [{"phase": "operate", "name": "alert A5: precision", "verdict": "warn"}],
...      "housekeeping": []}
>>> run = {"id": "r7", "started": "2026-11-22T08:00:00",
...        "phases": [{"phase": "operate", "gates": [gate]}]}
>>> card = decision_card(v, run, units, product="Pumps")
>>> card["label"], card["reasons"][0]["text"], card["reasons"][0]["anchor"]
('Retrain needed', 'Precision: 4.49% < 10%', 'gate-operate-alert-a5-precision')
>>> for line in card_text(card):
...     print(line)
Pumps, phase operate: Keep it running, retrain it, or pull the kill switch? (Stefan)
  WARN: Retrain needed: Precision: 4.49% < 10%
  Owner Stefan; no decision date set; evidence: run r7 of 2026-11-22
  Why:
    1. [WARN] Precision: 4.49% < 10% (operate > alert A5: precision; measured: production_window, 668 rows, run r7)
"""  # noqa: E501

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping
from typing import Any

from aipo_widgets._text import MISSING, format_number
from aipo_widgets.figures.tokens import VERDICT
from aipo_widgets.figures.verdict import provenance_text, verdict_data, verdict_word

__all__ = ["card_html", "card_text", "card_units", "decision_card", "gate_anchor",
           "gate_title", "reason_phrase", "section_anchor"]

_RANK = {"pass": 0, "skipped": 0, "warn": 1, "fail": 2, "error": 3}

#: The gates that state the decision of their phase: a reason of theirs reads as its detail.
_DECISION_GATES = {"continue to rollout", "go / no-go", "retrain"}


# --------------------------------------------------------------------------------------------
# words: units, titles, phrases


def card_units(ws: Any) -> dict[str, Any]:
    """Return the units the card formats figures with: the currency and each metric's unit.

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace (its metric tree and business case).

    Returns
    -------
    dict
        ``{"currency": str, "metrics": {key: {"name": str, "unit": str}}}``, keyed by each
        node's id and by its evaluation metric (``label_share:minor_error``).

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "J"}, "metric_tree": {
    ...     "nodes": [{"id": "csat", "name": "Customer satisfaction", "unit": "1-5"}]}})
    >>> card_units(ws)["metrics"]["csat"]
    {'name': 'Customer satisfaction', 'unit': '1-5'}
    """
    metrics: dict[str, dict[str, str]] = {}
    for node in ws.metric_tree.nodes:
        entry = {"name": node.name, "unit": node.unit}
        metrics[node.id] = entry
        if node.eval_metric:
            metrics.setdefault(node.eval_metric, entry)
    currency = ws.business_case.currency if ws.business_case is not None else ""
    return {"currency": currency, "metrics": metrics}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:80]


def gate_anchor(phase: str, name: str) -> str:
    """Return the HTML id of a gate's row on the status page (the card's reasons link there).

    Examples
    --------
    >>> gate_anchor("rollout", "go / no-go")
    'gate-rollout-go-no-go'
    """
    return f"gate-{_slug(phase)}-{_slug(name)}"


def section_anchor(title: str) -> str:
    """Return the HTML id of a section of the status page.

    Examples
    --------
    >>> section_anchor("Gates of the last run")
    'section-gates-of-the-last-run'
    """
    return f"section-{_slug(title)}"


def _value(value: Any, unit: str, units: Mapping[str, Any]) -> str:
    """Format a figure in its unit: a share as a percentage, money in the workspace currency."""
    if unit == "share" and isinstance(value, (int, float)) and not isinstance(value, bool):
        return format_number(value * 100, "%")
    if unit == "currency":
        unit = str(units.get("currency") or "")
    return format_number(value, unit)


def _metric_names(text: str, units: Mapping[str, Any]) -> str:
    """Say a text's metric keys (``label_share:minor_error``) and group tuples in words."""
    metrics = units.get("metrics") or {}
    for key in sorted(metrics, key=len, reverse=True):
        if key in text and ("_" in key or ":" in key):
            text = re.sub(rf"(?<![\w:]){re.escape(key)}(?![\w:])",
                          str(metrics[key]["name"]), text)
    # ('fr', 'chat') -> fr / chat
    return re.sub(r"\(\s*'([^']*)'((?:\s*,\s*'[^']*')+)\s*\)",
                  lambda m: " / ".join([m.group(1), *re.findall(r"'([^']*)'", m.group(2))]),
                  text)


def gate_title(gate: Mapping[str, Any], units: Mapping[str, Any]) -> str:
    """Return a gate's name in plain words: metric keys as their names, no tuple repr.

    Examples
    --------
    >>> units = {"metrics": {"label_share:minor_error": {"name": "Minor error share",
    ...                                                  "unit": "share"}}}
    >>> gate_title({"name": "label_share:minor_error difference between groups"}, units)
    'Minor error share difference between groups'
    >>> gate_title({"name": "groups with insufficient n"}, units)
    'groups with insufficient n'
    """
    return _metric_names(str(gate.get("name", "")), units)


_THRESHOLD = re.compile(
    r"^(?P<left>.*?)\s*(?P<op><=|>=|<|>|==)\s*(?P<value>-?\d[\d,]*(?:\.\d+)?(?:e-?\d+)?)"
    r"\s*(?P<unit>[A-Za-z%/]+)?(?P<rest>.*)$")
_NOT_MEASURED = ("missing", "typed", "carried")


def _relation(figure: float, value: float) -> str:
    return "<" if figure < value else ">" if figure > value else "="


def _first_clause(text: str) -> str:
    return _shorten(text.split("; ")[0].strip())


def _shorten(text: str, n: int = 90) -> str:
    return text if len(text) <= n else text[: n - 1].rsplit(" ", 1)[0] + "…"


def reason_phrase(gate: Mapping[str, Any], units: Mapping[str, Any] | None = None) -> str:
    """Return a gate as a short phrase in plain words, its figure formatted in its unit.

    A figure with a numeric threshold reads as the figure against the threshold ("Precision
    4.49% < 10%"); a figure that was not measured says so; a gate that states a decision reads
    as the first clause of its detail ("the data set has drifted"); a text figure follows the
    gate's name ("milestone M7: 7 days overdue").

    Parameters
    ----------
    gate : dict
        The gate as ``results.json`` holds it (name, figure, threshold, detail, extra,
        provenance).
    units : dict, optional
        :func:`card_units` of the workspace.

    Examples
    --------
    >>> reason_phrase({"name": "data drift against the frozen reference", "figure": 0.5,
    ...                "threshold": "share of drifted columns < 0.3",
    ...                "detail": "3 of 6 columns drifted (50% >= 30%); production_window"})
    'drift in 3 of 6 inputs (50% > 30%)'
    >>> reason_phrase({"name": "milestone M7: Tests attached", "figure": "7 days overdue"})
    'Tests attached (M7): 7 days overdue'
    >>> reason_phrase({"name": "cost per use within budget", "figure": None,
    ...                "provenance": {"kind": "missing"}})
    'cost per use within budget: not measured'
    >>> reason_phrase({"name": "retrain", "figure": "retrain now",
    ...                "detail": "the data set has drifted; the cut-off is old"})
    'the data set has drifted'
    >>> reason_phrase({"name": "g0", "detail": "reason 0"})
    'reason 0'
    """
    units = units or {}
    name = str(gate.get("name", ""))
    title = gate_title(gate, units).rstrip(".")
    figure = gate.get("figure")
    detail = _metric_names(str(gate.get("detail") or ""), units)
    clause = _first_clause(detail) if detail else ""
    kind = (gate.get("provenance") or {}).get("kind")
    numeric = isinstance(figure, (int, float)) and not isinstance(figure, bool)
    if name in _DECISION_GATES or name == "plan on schedule" or (
            name.startswith("kill switch") and not numeric):
        return clause or f"{title}: {figure}"
    if (kind in _NOT_MEASURED and not numeric) or (figure is None and kind == "missing"):
        return f"{title}: not measured"
    if kind in _NOT_MEASURED:
        return f"{title}: {_value(figure, '', units)} typed in aipo.yaml, not measured"
    milestone = re.match(r"milestone (\S+): (.+)", name)
    if milestone and figure not in (None, ""):
        return f"{milestone.group(2)} ({milestone.group(1)}): {figure}"
    signoff = re.match(r"sign-off: (.+) on the (?:document|gate|decision) (.+)", name)
    if signoff and figure not in (None, ""):
        return f"{signoff.group(1)} {figure} ({signoff.group(2).replace('_', ' ')})"
    if numeric and isinstance(figure, (int, float)):
        return _numeric_phrase(gate, float(figure), title, clause, units)
    if figure not in (None, ""):
        return f"{title}: {_shorten(str(figure), 60)}"
    return clause or title


_KNOWN_UNITS = ("%", "ms", "EUR", "USD", "GBP", "CHF")


def _numeric_phrase(gate: Mapping[str, Any], figure: float, title: str, clause: str,
                    units: Mapping[str, Any]) -> str:
    """Say a measured figure against its threshold, in its unit, where the two compare."""
    metrics = units.get("metrics") or {}
    name = str(gate.get("name", ""))
    match = _THRESHOLD.match(str(gate.get("threshold") or ""))
    metric = str((gate.get("extra") or {}).get("metric") or "")
    left = match.group("left").strip() if match else ""
    node = metrics.get(metric) or metrics.get(left) or next(
        (n for n in metrics.values() if n.get("name") and str(n["name"]) in title), None)
    label = (str(node["name"]) if node and metric and name.startswith(
        ("alert", "kill switch", "teams exit", "ga entry")) else title)
    unit = str(node["unit"]) if node else ""
    word = match.group("unit") if match else None
    if word in ("in", "on", "of", "per", "for", "at", "by"):  # words of the rest, no unit
        word = None
    if not unit and match and (word == "%" or left.startswith("share")):
        unit = "%" if word == "%" else "share"
    if not unit and word in _KNOWN_UNITS:
        unit = str(word)
    drifted = re.match(r"(\d+) of (\d+) columns drifted", clause)
    # A threshold in another unit than the figure ("30 rows of the rarest class" against a
    # share) does not compare: say the detail instead.
    comparable = match is not None and (word is None or word in _KNOWN_UNITS
                                        or word == (node or {}).get("unit"))
    if match is not None and comparable:
        value = float(match.group("value").replace(",", ""))
        against = f"{_value(figure, unit, units)} {_relation(figure, value)} " \
                  f"{_value(value, unit, units)}"
        if drifted:
            return f"drift in {drifted.group(1)} of {drifted.group(2)} inputs ({against})"
        if re.match(r"^\d[\d,]* of \d", clause):
            return f"{label}: {clause}"
        return f"{label}: {against}"
    if drifted:
        return f"drift in {drifted.group(1)} of {drifted.group(2)} inputs"
    if clause:
        return f"{label}: {_shorten(clause, 70)}"
    return f"{label}: {_value(figure, unit, units)}"


# --------------------------------------------------------------------------------------------
# the card's data


def _gates_by_key(evidence: Mapping[str, Any] | None) -> dict[tuple[str, str], Mapping]:
    """Return the evidence's gates by (phase, name), the run's own gates under theirs."""
    out: dict[tuple[str, str], Mapping[str, Any]] = {}
    run_id = str((evidence or {}).get("id") or "")
    for ph in (evidence or {}).get("phases", []) or []:
        for g in ph.get("gates") or []:
            out[(str(ph.get("phase")), str(g.get("name")))] = {
                **g, "_run": ph.get("run_id") or run_id}
    for g in (evidence or {}).get("gates", []) or []:
        out.setdefault((str(g.get("phase") or "workspace"), str(g.get("name"))),
                       {**g, "_run": run_id})
    return out


def _reason(r: Mapping[str, Any], gates: Mapping[tuple[str, str], Mapping[str, Any]],
            units: Mapping[str, Any]) -> dict[str, Any]:
    phase, name = str(r.get("phase", "")), str(r.get("name", ""))
    gate = gates.get((phase, name)) or {"name": name, "detail": r.get("detail", ""),
                                        "verdict": r.get("verdict")}
    evidence = str(r.get("evidence") or "") or provenance_text(gate.get("provenance"),
                                                                str(gate.get("_run") or ""))
    where = f"{phase} > {name}"
    return {"verdict": str(r.get("verdict") or gate.get("verdict") or "warn"),
            "text": str(r.get("summary") or "") or reason_phrase(gate, units),
            "title": gate_title(gate, units), "phase": phase, "gate": name,
            "anchor": gate_anchor(phase, name), "evidence": evidence,
            "fields": where + (f"; {evidence}" if evidence else "")}


def decision_card(verdict: Any, evidence: Mapping[str, Any] | None = None,
                  units: Mapping[str, Any] | None = None, *, product: str = "") -> dict:
    """Return the decision card's plain data, from the verdict and the evidence it came from.

    Parameters
    ----------
    verdict : OverallVerdict or dict
        The product's one verdict (``OverallVerdict.to_dict()`` or ``product_verdict`` of
        ``results.json``).
    evidence : dict, optional
        The evidence the verdict was computed from (the gates' figures, thresholds and
        provenance; ``aipo_widgets.runs.results.latest_evidence``).
    units : dict, optional
        :func:`card_units` of the workspace.
    product : str
        The product's name.

    Returns
    -------
    dict
        ``verdict``, ``word``, ``colour`` and ``ink`` (presentation tokens), ``product``,
        ``phase``, ``decision``, ``question``, ``label`` (the verdict in a few words),
        ``headline`` (with its reasons), ``owner``, ``due`` (ISO date or None), ``run``,
        ``as_of`` (the evidence's date), ``reasons`` (at most three), ``blocks`` (the others
        of the same weight in the current phase) and ``housekeeping``; each reason has
        ``verdict``, ``text``, ``title``, ``phase``, ``gate``, ``anchor``, ``evidence`` and
        ``fields`` (the field names, for a tooltip).
    """
    v = verdict_data(verdict)
    units = units or {}
    gates = _gates_by_key(evidence)
    reasons = [_reason(r, gates, units) for r in v.get("blocking") or []]
    level = min((_RANK.get(r["verdict"], 1) for r in reasons), default=1)
    blocks: list[dict[str, Any]] = []
    housekeeping: list[dict[str, Any]] = []
    for r in v.get("housekeeping") or []:
        item = _reason(r, gates, units)
        same = item["phase"] == v.get("phase") and _RANK.get(item["verdict"], 1) >= level
        (blocks if same else housekeeping).append(item)
    key = str(v.get("verdict"))
    token = VERDICT.get(key, VERDICT["error"])
    headline = str(v.get("headline") or "")
    started = str((evidence or {}).get("started") or "")
    return {"verdict": key, "word": verdict_word(key), "colour": token["colour"],
            "ink": token["ink"], "product": product, "phase": str(v.get("phase", "")),
            "decision": str(v.get("decision", "")), "question": str(v.get("question", "")),
            "label": headline.split(": ", 1)[0], "headline": headline,
            "owner": str(v.get("owner") or ""),
            "due": str(v["due"])[:10] if v.get("due") else None,
            "run": str(v.get("run") or ""), "as_of": started[:10] or None,
            "reasons": reasons, "blocks": blocks, "housekeeping": housekeeping}


# --------------------------------------------------------------------------------------------
# the card drawn: text and HTML


def _who(card: Mapping[str, Any]) -> str:
    return card["owner"] + (f" by {card['due']}" if card.get("due") else "")


def card_text(card: Mapping[str, Any], *, others: bool = True) -> list[str]:
    """Return the card as lines of text (``aipo status``).

    Parameters
    ----------
    card : dict
        :func:`decision_card`.
    others : bool, default True
        List the other points (blocks the decision, housekeeping), one a line.
    """
    head = (f"{card['product']}, phase {card['phase']}" if card.get("product")
            else f"phase {card['phase']}")
    who = _who(card)
    lines = [f"{head}: {card['question']}" + (f" ({who})" if who else ""),
             f"  {card['word']}: {card['headline']}"]
    meta = [f"Owner {card['owner'] or MISSING}",
            f"decision due by {card['due']}" if card.get("due") else "no decision date set"]
    if card.get("run"):
        meta.append(f"evidence: run {card['run']}"
                    + (f" of {card['as_of']}" if card.get("as_of") else ""))
    lines.append("  " + "; ".join(meta))
    if card["reasons"]:
        lines.append("  Why:")
    for i, r in enumerate(card["reasons"], 1):
        lines.append(f"    {i}. [{verdict_word(r['verdict'])}] {r['text']} ({r['fields']})")
    for title, items in (("Blocks the decision", card["blocks"]),
                         ("Housekeeping", card["housekeeping"])):
        if not items:
            continue
        lines.append(f"  {title} ({len(items)}):")
        if others:
            lines += [f"    - [{verdict_word(r['verdict'])}] {r['text']} ({r['phase']})"
                      for r in items]
    return lines


def _chip(verdict: str) -> str:
    token = VERDICT.get(verdict, VERDICT["error"])
    name = "--aipo-verdict-" + (verdict if verdict in VERDICT else "error")
    return (f'<span class="aipo-verdict-reason" style="background:var({name}, '
            f'{token["colour"]});color:var({name}-ink, {token["ink"]});padding:0 .35em;'
            f'border-radius:3px;font-size:.8em;font-weight:600">{verdict_word(verdict)}</span>')


def _item(r: Mapping[str, Any], esc: Callable[[Any], str], link: str | None) -> str:
    href = html.escape(link + "#" + r["anchor"]) if link is not None else ""
    text = esc(r["text"])
    return (f'<li title="{esc(r["fields"])}" data-gate="{esc(r["gate"])}">{_chip(r["verdict"])} '
            + (f'<a class="aipo-card-link" href="{href}">{text}</a>' if href else text)
            + "</li>")


def card_html(card: Mapping[str, Any], *, escape: Callable[[Any], str] | None = None,
              link: str | None = "", heading: bool = False) -> str:
    """Return the card as one self-contained HTML block (the status page, the report).

    Parameters
    ----------
    card : dict
        :func:`decision_card`.
    escape : callable, optional
        Turns a text into HTML (default :func:`html.escape`; the pages pass their own, which
        masks personal data first).
    link : str or None, default ""
        Prefix of each reason's link to its gate's row (``""``: this page); None: no links.
    heading : bool, default False
        Open the card with the product's name.

    Returns
    -------
    str
        A ``<section class="aipo-card aipo-verdict-box">`` with ``data-verdict``,
        ``data-decision`` and ``data-phase`` attributes; the verdict's word in
        ``.aipo-verdict``, the headline in ``.aipo-verdict-headline``.

    Examples
    --------
    >>> card = decision_card({"verdict": "pass", "phase": "rollout", "decision": "go",
    ...     "question": "Go to the next stage, or not?", "headline": "Go to the next stage",
    ...     "owner": "Jana", "due": "2026-10-31", "run": "", "blocking": [],
    ...     "housekeeping": []})
    >>> html_ = card_html(card)
    >>> 'data-verdict="pass" data-decision="go"' in html_, ">PASS</span>" in html_
    (True, True)
    """
    esc = escape or (lambda value: html.escape(str(value)))
    key = card["verdict"]
    name = "--aipo-verdict-" + (key if key in VERDICT else "error")
    colour = f"var({name}, {card['colour']})"
    ink = f"var({name}-ink, {card['ink']})"
    due = (f"<b>{esc(card['due'])}</b>" if card.get("due")
           else '<span title="the 90-day plan sets no date for this phase">no date set</span>')
    facts = [("Decision due", esc(card["question"])), ("Owner", esc(card["owner"]) or MISSING),
             ("By", due)]
    if card.get("run"):
        facts.append(("Evidence", (esc(card["as_of"]) + ", " if card.get("as_of") else "")
                      + f"run {esc(card['run'])}"))
    reasons = "".join(_item(r, esc, link) for r in card["reasons"])
    groups = []
    for cls, title, items in (("blocks", "Blocks the decision", card["blocks"]),
                              ("housekeeping", "Housekeeping", card["housekeeping"])):
        if items:
            groups.append(
                f'<details class="aipo-card-{cls}"><summary>{title} ({len(items)})</summary>'
                '<ul>' + "".join(_item(r, esc, link) for r in items)
                + "</ul></details>")
    return (
        f'<section class="aipo-card aipo-verdict-box" id="aipo-decision" '
        f'data-verdict="{html.escape(key)}" data-decision="{html.escape(card["decision"])}" '
        f'data-phase="{html.escape(card["phase"])}" style="border-left:6px solid {colour}">'
        + (f'<p class="aipo-card-product">{esc(card["product"])}</p>' if heading else "")
        + f'<p class="aipo-card-head"><span class="aipo-verdict" style="background:{colour};'
        f'color:{ink}">{esc(card["word"])}</span> '
        f'<b class="aipo-verdict-headline">{esc(card["headline"])}</b></p>'
        + '<p class="aipo-card-facts">'
        + "".join(f'<span class="aipo-card-fact"><span class="aipo-card-key">{k}:</span> {v}'
                  "</span>" for k, v in facts) + "</p>"
        + (f'<ol class="aipo-card-reasons">{reasons}</ol>' if reasons else "")
        + (f'<div class="aipo-card-more">{"".join(groups)}</div>' if groups else "")
        + "</section>")
