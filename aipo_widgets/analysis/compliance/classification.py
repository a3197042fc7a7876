"""Classify an AI system under the AI Act for our role, and list the relevant questions.

The public entry points of the compliance package: :func:`classify` (and
:func:`classify_workspace`) walk the decision list and collect the obligations, open questions,
assumptions and problems into a :class:`~aipo_widgets.analysis.compliance.results.Classification`;
:func:`relevant_questions` is what the questionnaire widget shows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from aipo_widgets.analysis.compliance.answers import as_compliance, as_data_map
from aipo_widgets.analysis.compliance.consistency import contradictions
from aipo_widgets.analysis.compliance.decision import Decision, relevant
from aipo_widgets.analysis.compliance.obligations import obligations_for, tier_date
from aipo_widgets.analysis.compliance.results import Classification, OpenQuestion
from aipo_widgets.analysis.compliance.rulebook import (
    STEP_ORDER,
    Question,
    Rulebook,
    load_rulebook,
)
from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.model import schema as spec


def classify(
    compliance: spec.Compliance | Mapping | None = None,
    data_map: spec.DataMap | Mapping | None = None,
    *,
    as_of: dt.date | None = None,
    rulebook: Rulebook | str | Path | None = None,
    risks: Sequence[spec.Risk] | None = None,
) -> Classification:
    """Classify the AI system under the AI Act for our role and run the GDPR checks.

    Parameters
    ----------
    compliance : aipo_widgets.model.schema.Compliance or dict, optional
        The workspace's ``compliance`` section (answers, role, DPIA decision, as-of date).
    data_map : aipo_widgets.model.schema.DataMap or dict, optional
        The workspace's ``data_map`` (for the GDPR checks).
    as_of : date, optional
        The date obligations are judged on; default ``compliance.as_of``, else today.
    rulebook : Rulebook or path, optional
        Default: the shipped ``data/ai_act.yaml``.
    risks : list of aipo_widgets.model.schema.Risk, optional
        The risk register: a data source with special categories (GDPR Art 9) needs a risk
        (not checked when not given).

    Returns
    -------
    Classification

    Raises
    ------
    WorkspaceError
        If ``compliance`` or ``data_map`` does not validate, or the rulebook is malformed.
    UsageError
        For arguments of the wrong type.

    Examples
    --------
    >>> c = classify({"ai_act": {"answers": {"is_ai_system": False}}},
    ...              as_of=dt.date(2026, 11, 26))
    >>> c.tier, c.articles[0]["article"], c.provisional
    ('out_of_scope', 'Art 3(1)', False)
    >>> blank = classify(as_of=dt.date(2026, 11, 26))
    >>> blank.tier, blank.provisional, blank.would_be_tier, len(blank.open_questions) > 10
    ('prohibited', True, 'high_risk', True)
    """
    rb = rulebook if isinstance(rulebook, Rulebook) else load_rulebook(rulebook)
    c = as_compliance(compliance)
    dm = as_data_map(data_map)
    if as_of is not None and not isinstance(as_of, dt.date):
        raise UsageError([Problem(f"as_of must be a date, got {as_of!r}", code="bad_argument")])
    as_of = as_of or c.as_of or dt.date.today()
    d = Decision(rb, c, dm, risks)
    open_qs = []
    for q in relevant(d):
        value, state = d.answers.state(q.id)
        if q.id == "personal_data" and d.gdpr.personal_data and any(
            s.personal_data for s in dm.sources
        ):
            continue  # the data map answers it
        if state != "answered":
            open_qs.append(OpenQuestion(q.id, q.section, q.step, q.text, q.article, state,
                                        q.stricter))
    assumptions = []
    for qid, value in d.w.assumed.items():
        q = rb.questions[qid]
        state = d.answers.state(qid)[1]
        assumptions.append(f"{qid} ({q.article}) is {state}: the stricter branch assumes "
                           f"{_words(value)}")
    provisional = any(
        qid in d.w.assumed for s in d.steps if s.step != "D12" for qid in s.questions
    )
    ours, others = obligations_for(rb, d, as_of)
    tier_entry = tier_date(rb, d)
    reasons = []
    if d.tier in ("prohibited", "high_risk"):
        reasons.append(f"tier is {d.tier}")
    if d.derogation:
        reasons.append("the Art 6(3) derogation is relied on (Art 6(4) assessment)")
    if provisional:
        reasons.append("the classification rests on assumed answers (unanswered or unsure)")
    if d.art25_shift:
        reasons.append("Art 25 role shift to provider")
    problems = [*d.answers.problems, *contradictions(d.answers), *d.gdpr.problems]
    return Classification(
        tier=d.tier, tier_label=rb.tiers.get(d.tier, d.tier), provisional=provisional,
        would_be_tier=d.would_be, route=d.route,
        annex_iii_points=d.points if (d.tier in ("high_risk", "not_high_risk_by_derogation")
                                      or d.would_be) else [],
        annex_i=d.annex_i, art5_points=d.art5, transparency=d.transparency, gpai=d.gpai,
        role=c.ai_act.role, roles=d.roles, articles=d.articles,
        steps=sorted(d.steps, key=lambda st: STEP_ORDER.index(st.step)),
        obligations=ours, other_obligations=others,
        tier_applies_from=tier_entry.date if tier_entry else None,
        tier_applies_now=bool(tier_entry and as_of >= tier_entry.date),
        as_of=as_of, open_questions=open_qs, assumptions=assumptions, problems=problems,
        legal_signoff_required=bool(reasons), signoff_reasons=reasons,
        signed_off_by=c.ai_act.signed_off_by, signed_off_on=c.ai_act.signed_off_on,
        gdpr=d.gdpr, rulebook=f"{Path(rb.path).name} (reviewed {rb.reviewed})",
    )


def _words(value: Any) -> str:
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if value == "any":
        return "a match"
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def classify_workspace(ws: spec.Workspace, as_of: dt.date | None = None) -> Classification:
    """Classify a workspace (its ``compliance`` and ``data_map`` sections).

    Examples
    --------
    >>> ws = spec.Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    >>> classify_workspace(ws, as_of=dt.date(2026, 11, 26)).tier
    'prohibited'
    """
    return classify(ws.compliance, ws.data_map, as_of=as_of, risks=ws.risks)


def relevant_questions(
    compliance: spec.Compliance | Mapping | None = None,
    data_map: spec.DataMap | Mapping | None = None,
    *,
    section: Literal["ai_act", "gdpr"] | None = None,
    rulebook: Rulebook | str | Path | None = None,
) -> list[Question]:
    """Return the questions relevant given the answers so far, in questionnaire order.

    A follow-up question appears once the question it depends on is answered yes or "unsure"
    (a carve-out after its practice, the exact Annex III point after its area, the Art 6(3)
    questions after an Annex III match); questions after a definite stop (not an AI system,
    out of scope, excluded, a definite Art 5 practice) disappear.  The questionnaire widget
    shows these and nothing else.

    Examples
    --------
    >>> [q.id for q in relevant_questions()][:4]
    ['is_ai_system', 'eu_nexus', 'exclusions', 'open_source_release']
    >>> "annex3_employment" in [q.id for q in relevant_questions(
    ...     {"ai_act": {"answers": {"annex3_areas": ["employment"]}}})]
    True
    >>> [q.id for q in relevant_questions({"ai_act": {"answers": {"is_ai_system": False}}},
    ...                                   section="ai_act")]
    ['is_ai_system']
    """
    rb = rulebook if isinstance(rulebook, Rulebook) else load_rulebook(rulebook)
    d = Decision(rb, as_compliance(compliance), as_data_map(data_map))
    return [q for q in relevant(d) if section is None or q.section == section]
