"""Answers that contradict each other, and the check ``aipo validate`` runs on the answers.

Each answer may be valid on its own and the set still be impossible: an Annex III point ticked
under an area the answers say does not apply (the point is silently ignored and the system
classified as not Annex III), an Art 5 practice ticked for something answered as "not an AI
system" (Art 5 only concerns AI systems, so the practice would go unnoticed), emotion recognition
or biometric categorisation (Art 50(3)) with no Annex III biometrics area although emotion
recognition is Annex III 1(c) and categorisation by sensitive attributes 1(b).  Only definite
answers are compared: an unanswered or "unsure" question takes the stricter branch anyway.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aipo_widgets.analysis.compliance.answers import Answers, as_compliance, as_data_map
from aipo_widgets.analysis.compliance.rulebook import (
    AREA_QUESTION,
    ART5,
    Rulebook,
    load_rulebook,
)
from aipo_widgets.errors import Problem
from aipo_widgets.model import schema as spec

_BASE = "compliance.ai_act.answers"


def _definite(answers: Answers, qid: str) -> Any:
    value, state = answers.state(qid)
    return value if state == "answered" else None


def _ticked(answers: Answers, qid: str) -> list[str]:
    """Return the points a definite Annex III area answer ticks (``["2"]`` for area 2)."""
    value = _definite(answers, qid)
    if qid == AREA_QUESTION["critical_infrastructure"]:
        return ["2"] if value is True else []
    return [p for p in value if p != "none"] if isinstance(value, list) else []


def contradictions(answers: Answers) -> list[Problem]:
    """Return the answers that contradict each other, at the answer to change, with the fix.

    Parameters
    ----------
    answers : Answers
        The normalised answers of a workspace.

    Returns
    -------
    list of Problem
        Code ``contradiction``; the path names the answer the fix is about.

    Examples
    --------
    >>> rb = load_rulebook()
    >>> a = Answers(rb, as_compliance({"ai_act": {"answers": {
    ...     "annex3_areas": ["none"], "annex3_employment": ["4a"]}}}), as_data_map(None))
    >>> [(p.path, p.fix) for p in contradictions(a)]  # doctest: +NORMALIZE_WHITESPACE
    [('compliance.ai_act.answers.annex3_employment',
      "add 'employment' to annex3_areas, or answer annex3_employment: [none]")]
    """
    problems: list[Problem] = []
    areas = _definite(answers, "annex3_areas")
    if isinstance(areas, list):
        listed = [a for a in areas if a != "none"]
        for area, qid in AREA_QUESTION.items():
            points = _ticked(answers, qid)
            if not points or area in listed:
                continue
            said = "says none" if not listed else "lists only " + ", ".join(listed)
            undo = "false" if area == "critical_infrastructure" else "[none]"
            problems.append(Problem(
                f"'{qid}' ticks Annex III {', '.join(points)} but annex3_areas {said}: the "
                "point is ignored and the system is classified as not Annex III",
                path=f"{_BASE}.{qid}",
                fix=f"add '{area}' to annex3_areas, or answer {qid}: {undo}",
                code="contradiction"))
    practices = [q for q in ART5 if _definite(answers, q) is True]
    if _definite(answers, "is_ai_system") is False and practices:
        problems.append(Problem(
            "'is_ai_system' is answered no, yet " + ", ".join(practices) + " is ticked: Art 5 "
            "applies only to AI systems, so the practice would go unchecked",
            path=f"{_BASE}.is_ai_system",
            fix="check the answer against Art 3(1) and the Commission's guidelines on the AI "
            "system definition; if the system does what the practice describes it is most "
            "likely an AI system (answer true), otherwise untick the practice",
            code="contradiction"))
    emotion = _definite(answers, "emotion_or_biometric_categorisation") is True
    biometric_points = set(_ticked(answers, AREA_QUESTION["biometrics"]))
    covered_by_art5 = _definite(answers, "art5_f_emotion_workplace_education") is True or (
        _definite(answers, "art5_g_biometric_categorisation") is True)
    if emotion and isinstance(areas, list) and "biometrics" not in areas \
            and not covered_by_art5 and not biometric_points:
        problems.append(Problem(
            "'emotion_or_biometric_categorisation' is answered yes but annex3_areas does not "
            "list biometrics: emotion recognition is high-risk under Annex III 1(c), "
            "biometric categorisation by sensitive or protected attributes under 1(b); as "
            "answered the system is classified limited risk",
            path=f"{_BASE}.annex3_areas",
            fix="add 'biometrics' to annex3_areas and answer annex3_biometrics: [1c] (emotion "
            "recognition) or [1b]; if it only categorises by attributes that are not "
            "sensitive, answer annex3_biometrics: [none] and say why in ai_act.notes",
            code="contradiction"))
    problems.extend(_role_contradictions(answers))
    return problems


def _role_contradictions(answers: Answers) -> list[Problem]:
    """Return the declared role's conflicts with the role questions (Art 3(3)-(8))."""
    declared = answers.declared_role
    if _definite(answers, "role_develops") is True and declared != "provider":
        uses = _definite(answers, "role_uses") is True
        return [Problem(
            f"the role is '{declared}' but role_develops is answered yes: developing the AI "
            "system (also on another company's model) and putting it into service under our "
            "name makes us its provider (Art 3(3)), with the provider's duties such as marking "
            "generated content (Art 50(2))" + ("; we are its deployer too" if uses else ""),
            path="compliance.ai_act.role",
            fix="set role: provider (the answers keep the deployer role where role_uses is "
            "yes), or correct role_develops",
            code="contradiction")]
    return []


def check_answers(
    compliance: spec.Compliance | Mapping | None = None,
    data_map: spec.DataMap | Mapping | None = None,
    *,
    rulebook: Rulebook | str | Path | None = None,
) -> list[Problem]:
    """Return the problems with the answers: unknown ids, bad values, contradictions.

    ``aipo validate`` reports these with the file and line of each answer.

    Examples
    --------
    >>> [p.fix for p in check_answers({"ai_act": {"answers": {"is_ai_sytem": True}}})]
    ["did you mean 'is_ai_system'?"]
    >>> [p.code for p in check_answers({"ai_act": {"answers": {
    ...     "is_ai_system": False, "art5_c_social_scoring": True}}})]
    ['contradiction']
    """
    rb = rulebook if isinstance(rulebook, Rulebook) else load_rulebook(rulebook)
    answers = Answers(rb, as_compliance(compliance), as_data_map(data_map))
    return [*answers.problems, *contradictions(answers)]
