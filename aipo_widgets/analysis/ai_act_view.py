"""The AI Act questionnaire as plain data: what the widget syncs and the figure draws.

:func:`ai_act_view` asks :mod:`aipo_widgets.analysis.compliance` for the questions relevant given
the answers so far (and nothing else), each with its help text, article and options, the answer
recorded and the stricter answer assumed while it is open; and for the classification: tier,
route, articles, our obligations with the dates they apply from, open questions, assumptions,
the GDPR overlay and whether a legal sign-off is required.  :func:`aipo_widgets.figures.ai_act_svg`
draws it.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
>>> d = ai_act_view(ws)
>>> d["result"]["tier"], d["result"]["provisional"], d["questions"][0]["id"]
('prohibited', True, 'is_ai_system')
"""

from __future__ import annotations

import datetime as dt

from aipo_widgets.analysis.compliance import classify, load_rulebook, relevant_questions
from aipo_widgets.model import schema as spec
from aipo_widgets.model.compliance import ROLES

__all__ = ["ai_act_view"]


def ai_act_view(ws: spec.Workspace, *, as_of: dt.date | None = None) -> dict:
    """Return the relevant questions and the classification as plain data.

    Parameters
    ----------
    ws : Workspace
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
        "roles": list(ROLES),
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
