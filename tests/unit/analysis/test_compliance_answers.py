"""Answers that contradict each other are reported, at the answer to change, with the fix."""

from __future__ import annotations

import datetime as dt

import pytest

from aipo_widgets.analysis.compliance import ART5_QUESTIONS, check_answers, classify

AS_OF = dt.date(2026, 11, 26)
NO5 = dict.fromkeys(ART5_QUESTIONS, False)
MINIMAL = {
    "is_ai_system": True, "eu_nexus": True, "exclusions": ["none"],
    "open_source_release": False, **NO5, "gpai_model_provider": False,
    "annex1_relation": "neither", "annex3_areas": ["none"], "interacts_with_persons": False,
    "generates_synthetic_content": False, "emotion_or_biometric_categorisation": False,
    "deep_fake": False, "public_interest_text": False,
}


def answers(**changed):
    return {"ai_act": {"answers": {**MINIMAL, **changed}},
            "gdpr": {"answers": {"personal_data": False}}}


def contradictions(c):
    return [p for p in check_answers(c) if p.code == "contradiction"]


def test_consistent_answers_have_no_contradiction():
    assert check_answers(answers()) == []
    assert contradictions(answers(annex3_areas=["employment"], annex3_employment=["4a"])) == []
    # An unsure area takes the stricter branch: nothing to contradict.
    assert contradictions(answers(annex3_areas="unsure", annex3_employment=["4a"])) == []


@pytest.mark.parametrize(("areas", "qid", "value", "said"), [
    (["none"], "annex3_employment", ["4a"], "says none"),
    (["education"], "annex3_employment", ["4b"], "lists only education"),
    (["none"], "annex3_critical_infrastructure", True, "says none"),
])
def test_annex_iii_point_under_an_area_not_listed(areas, qid, value, said):
    c = answers(annex3_areas=areas, **{qid: value})
    (p,) = contradictions(c)
    assert p.path == f"compliance.ai_act.answers.{qid}"
    assert said in p.message and "ignored" in p.message
    area = qid.removeprefix("annex3_")
    assert p.fix.startswith(f"add '{area}' to annex3_areas")
    # The classification carries the same problem, so the notebook shows it too.
    assert p in classify(c, as_of=AS_OF).problems


def test_not_an_ai_system_with_an_art5_practice():
    c = answers(is_ai_system=False, art5_c_social_scoring=True, art5_a_manipulation=True)
    (p,) = contradictions(c)
    assert p.path == "compliance.ai_act.answers.is_ai_system"
    assert "art5_a_manipulation, art5_c_social_scoring" in p.message
    assert "Art 3(1)" in p.fix
    assert contradictions(answers(is_ai_system=False)) == []


def test_emotion_recognition_without_annex_iii_biometrics():
    c = answers(emotion_or_biometric_categorisation=True)
    (p,) = contradictions(c)
    assert p.path == "compliance.ai_act.answers.annex3_areas"
    assert "Annex III 1(c)" in p.message
    assert "annex3_biometrics: [1c]" in p.fix
    # As the answers stand the kit says limited: the contradiction is what flags it.
    assert classify(c, as_of=AS_OF).tier == "limited"
    fixed = answers(emotion_or_biometric_categorisation=True, annex3_areas=["biometrics"],
                    annex3_biometrics=["1c"])
    assert contradictions(fixed) == []
    # Emotion recognition at work is an Art 5(1)(f) question, already answered there.
    assert contradictions(answers(emotion_or_biometric_categorisation=True,
                                  art5_f_emotion_workplace_education=True)) == []
