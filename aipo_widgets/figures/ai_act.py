"""The AI Act questionnaire: the data the widget renders, and a static SVG of the result.

:func:`ai_act_data` asks :mod:`aipo_widgets.analysis.compliance` for the questions relevant given
the answers so far (and nothing else), each with its help text, article and options, the answer
recorded and the stricter answer assumed while it is open; and for the classification: tier,
route, articles, our obligations with the dates they apply from, open questions, assumptions,
the GDPR overlay and whether a legal sign-off is required. :func:`ai_act_svg` draws the result.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
>>> d = ai_act_data(ws)
>>> d["result"]["tier"], d["result"]["provisional"], d["questions"][0]["id"]
('prohibited', True, 'is_ai_system')
>>> ai_act_svg(d).startswith("<svg")
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import PALETTE, TEXT, TIER, TIER_COLOURS
from aipo_widgets.model import schema as spec

__all__ = ["TIER_COLOURS", "ai_act_alt", "ai_act_data", "ai_act_svg"]

#: How an unknown tier is drawn (the rulebook is newer than the tokens).
_OTHER_TIER = {"colour": "#999", "ink": "#fff"}


def _workspace(source: Any) -> spec.Workspace:
    from aipo_widgets.model.workspace import WorkspaceFile

    if isinstance(source, WorkspaceFile):
        return source.workspace
    if isinstance(source, spec.Workspace):
        return source
    msg = f"expected a Workspace or a WorkspaceFile, got {type(source).__name__}"
    raise TypeError(msg)


def ai_act_data(source: Any, *, as_of: dt.date | None = None) -> dict:
    """Return the relevant questions and the classification as plain data.

    Parameters
    ----------
    source : Workspace or WorkspaceFile
        The workspace (its ``compliance`` section and ``data_map``).
    as_of : date, optional
        Date obligations are judged on (default: ``compliance.as_of``, else today).

    Returns
    -------
    dict
        ``questions`` (relevant ones, in order, each with ``answer`` (None when unanswered)
        and ``open``), ``steps`` (step id -> title), ``role`` and ``roles`` (choices),
        ``result`` (the classification, JSON-ready), ``signed_off_by``, ``signed_off_on``.
    """
    from aipo_widgets.analysis.compliance import classify, load_rulebook, relevant_questions

    ws = _workspace(source)
    c = ws.compliance
    rb = load_rulebook()
    result = classify(c, ws.data_map, as_of=as_of or c.as_of)
    open_ids = {q.id: q for q in result.open_questions}
    questions = []
    for q in relevant_questions(c, ws.data_map, rulebook=rb):
        answers = c.ai_act.answers if q.section == "ai_act" else c.gdpr.answers
        oq = open_ids.get(q.id)
        questions.append({
            "id": q.id, "section": q.section, "step": q.step, "type": q.type, "text": q.text,
            "help": q.help, "article": q.article,
            "options": [[o.value, o.label, o.article] for o in q.options],
            "answer": answers.get(q.id),
            "open": oq.reason if oq else "",
            "assumed": oq.assumed if oq else None,
        })
    r = result.to_dict()
    return {
        "questions": questions,
        "steps": dict(rb.steps),
        "role": c.ai_act.role,
        "roles": ["provider", "deployer", "importer", "distributor", "authorised_representative"],
        "result": {k: r[k] for k in (
            "tier", "tier_label", "provisional", "would_be_tier", "route", "annex_iii_points",
            "art5_points", "transparency", "gpai", "roles", "articles", "obligations",
            "tier_applies_from", "tier_applies_now", "as_of", "open_questions", "assumptions",
            "legal_signoff_required", "signoff_reasons", "signoff_missing")},
        "problems": [str(p) for p in result.problems],
        "gdpr": {k: r["gdpr"][k] for k in ("personal_data", "art22_applies", "dpia",
                                            "dpia_triggers", "edpb_criteria", "dpia_decision")},
        "signed_off_by": c.ai_act.signed_off_by,
        "signed_off_on": c.ai_act.signed_off_on.isoformat() if c.ai_act.signed_off_on else None,
        "rulebook": result.rulebook,
    }


def ai_act_alt(data: dict) -> str:
    """Return a one-sentence text alternative for the picture."""
    r = data["result"]
    prov = " (provisional)" if r["provisional"] else ""
    return (f"EU AI Act: {r['tier_label']}{prov}; {len(r['obligations'])} obligations, "
            f"{len(r['open_questions'])} open questions")


def ai_act_svg(source: Any, *, title: str = "EU AI Act classification") -> str:
    """Draw the classification: tier, why, our obligations with their dates, open questions.

    Parameters
    ----------
    source : Workspace, WorkspaceFile or dict
        What to draw; a dict is the output of :func:`ai_act_data`.
    title : str
        Heading.

    Returns
    -------
    str
        A complete SVG document, 760 pixels wide.
    """
    data = source if isinstance(source, dict) else ai_act_data(source)
    r = data["result"]
    obligations = r["obligations"][:14]
    height = 150 + 18 * len(obligations) + (18 if len(r["obligations"]) > 14 else 0) + 40
    doc = Svg(760, height, title=ai_act_alt(data))
    doc.text(8, 22, title, size=15, weight="bold")
    tier = TIER.get(r["tier"], _OTHER_TIER)
    doc.rect(8, 34, 300, 34, fill=tier["colour"], rx=4)
    doc.text(18, 57, r["tier_label"] + (" (provisional)" if r["provisional"] else ""), size=14,
             weight="bold", fill=tier["ink"])
    facts = []
    if r["route"]:
        facts.append("route: " + ", ".join(r["route"]))
    if r["transparency"]:
        facts.append("Art 50: " + ", ".join(r["transparency"]))
    if r["tier_applies_from"]:
        facts.append(f"applies from {r['tier_applies_from']}")
    facts.append(f"as of {r['as_of']}")
    doc.text(320, 50, clip("; ".join(facts), 70), size=11, fill="#333")
    sign = ("legal sign-off required" + (": missing" if r["signoff_missing"] else
                                          f": signed off by {data['signed_off_by']}"))
    doc.text(320, 66, sign if r["legal_signoff_required"] else "no legal sign-off required",
             size=11, fill=TEXT["warning"] if r["signoff_missing"] else "#333")
    doc.text(8, 96, f"Our obligations ({len(r['obligations'])})", size=12, weight="bold")
    for j, o in enumerate(obligations):
        y = 116 + 18 * j
        mark = "now" if o["applies_now"] else f"from {o['applies_from']}"
        doc.text(8, y, clip(o["article"], 18), size=10, fill="#555")
        doc.text(130, y, clip(o["text"], 80), size=11)
        doc.text(752, y, mark, size=10, anchor="end", fill=PALETTE["blue"] if o["applies_now"]
                 else "#555")
    y = 116 + 18 * len(obligations)
    if len(r["obligations"]) > 14:
        doc.text(8, y, f"… and {len(r['obligations']) - 14} more", size=10, fill="#555")
        y += 18
    doc.text(8, y + 14, f"Open questions: {len(r['open_questions'])}; rulebook: "
             f"{data['rulebook']}", size=10, fill="#555")
    return doc.to_string()
