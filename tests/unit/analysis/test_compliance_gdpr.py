"""Special categories per data source, cross-checked; information duties and the right to object."""

from __future__ import annotations

import datetime as dt
import typing

from aipo_widgets.analysis.compliance import (
    ART5_QUESTIONS,
    art9_problems,
    classify,
    load_rulebook,
)
from aipo_widgets.model.data_map import Art9Condition
from aipo_widgets.model.schema import Risk

AS_OF = dt.date(2026, 11, 26)
AI_ACT = {"ai_act": {"role": "provider", "answers": {
    "is_ai_system": True, "eu_nexus": True, "exclusions": ["none"], "open_source_release": False,
    **dict.fromkeys(ART5_QUESTIONS, False), "gpai_model_provider": False,
    "annex1_relation": "neither", "annex3_areas": ["none"], "interacts_with_persons": False,
    "generates_synthetic_content": False, "emotion_or_biometric_categorisation": False,
    "deep_fake": False, "public_interest_text": False}}}
SCREENED = {"personal_data": True, "solely_automated_decision": False, "dpia_35_3_a": False,
            "dpia_35_3_b": False, "dpia_35_3_c": False, "edpb_evaluation_scoring": False,
            "edpb_systematic_monitoring": False, "edpb_sensitive_data": True,
            "edpb_large_scale": True, "edpb_matching_datasets": False,
            "edpb_vulnerable_subjects": False, "edpb_prevents_right_or_service": False,
            "information_provided": True}
HEALTH_RISK = Risk.model_validate({"id": "R8", "title": "Health details reach the model",
                                   "category": "data", "likelihood": 4, "impact": 3})


def tickets(**fields):
    return {"id": "tickets", "name": "Tickets", "personal_data": True,
            "lawful_basis": "contract", "special_categories": ["health"], **fields}


def run(source, gdpr=None, dpia="done", risks=(HEALTH_RISK,)):
    c = {**AI_ACT, "gdpr": {"answers": {**SCREENED, **(gdpr or {})},
                            "dpia": {"decision": dpia}}}
    return classify(c, {"sources": [source]}, as_of=AS_OF,
                    risks=None if risks is None else list(risks))


def codes(c):
    return [p.code for p in c.problems]


def test_a_covered_health_source_has_no_problem():
    c = run(tickets(art9_condition="explicit_consent", risks=["R8"]))
    assert c.problems == [] and art9_problems(c.gdpr) == []
    assert c.gdpr.sources[0].art9_condition == "explicit_consent"
    assert "art9_condition" not in [q.id for q in c.open_questions]


def test_the_source_names_its_art9_condition():
    c = run(tickets(risks=["R8"]))
    (p,) = art9_problems(c.gdpr)
    assert p.code == "art9_condition_missing"
    assert p.path == "data_map.sources[0].art9_condition"
    assert "art9_condition" in [q.id for q in c.open_questions]
    assert Art9Condition.__args__ == tuple(  # type: ignore[attr-defined]
        load_rulebook().questions["art9_condition"].option_values())
    assert typing.get_args(Art9Condition)[-1] == "none"


def test_health_source_without_a_risk():
    c = run(tickets(art9_condition="explicit_consent"), risks=[])
    (p,) = art9_problems(c.gdpr)
    assert p.code == "art9_no_risk" and p.path == "data_map.sources[0].risks"
    assert "health" in p.message
    # A risk that cites GDPR Art 9 covers it; without a register nothing is checked.
    cited = HEALTH_RISK.model_copy(update={"articles": ["GDPR Art 9"]})
    assert run(tickets(art9_condition="explicit_consent"), risks=[cited]).problems == []
    assert run(tickets(art9_condition="explicit_consent"), risks=None).problems == []


def test_health_source_without_a_dpia():
    c = run(tickets(art9_condition="explicit_consent", risks=["R8"]), dpia="not_required",
            gdpr={"edpb_large_scale": False})
    (p,) = art9_problems(c.gdpr)
    assert p.code == "dpia" and "special categories in tickets" in p.message


def test_dpia_screening_that_denies_the_special_categories():
    c = run(tickets(art9_condition="explicit_consent", risks=["R8"]),
            gdpr={"edpb_sensitive_data": False})
    (p,) = art9_problems(c.gdpr)
    assert p.code == "art9_dpia_screening"
    assert p.path == "compliance.gdpr.answers.edpb_sensitive_data"
    undecided = run(tickets(art9_condition="explicit_consent", risks=["R8"]), dpia="undecided")
    assert "compliance.gdpr.answers.dpia_35_3_b" in [p.path for p in art9_problems(
        undecided.gdpr)]


def test_information_duty_art_13_14():
    c = run(tickets(art9_condition="explicit_consent", risks=["R8"]),
            gdpr={"information_provided": None})
    assert codes(c) == ["information_missing"]
    (duty,) = c.gdpr.duties
    assert duty.article == "GDPR Art 13, Art 14" and duty.met is False
    assert "information_provided" in [q.id for q in c.open_questions]


def test_right_to_object_where_legitimate_interests_are_relied_on():
    li = {"id": "logs", "name": "Logs", "personal_data": True,
          "lawful_basis": "legitimate_interests"}
    c = run(li, gdpr={"public_authority": False})
    assert codes(c) == ["objection_missing"]
    assert c.problems[0].path == "compliance.gdpr.answers.objection_process"
    assert [d.article for d in c.gdpr.duties] == ["GDPR Art 13, Art 14",
                                                 "GDPR Art 21(1), 21(4)"]
    assert "objection_process" in [q.id for q in c.open_questions]
    ok = run(li, gdpr={"public_authority": False, "objection_process": True})
    assert ok.problems == [] and all(d.met for d in ok.gdpr.duties)
    # A contract basis gives no general right to object.
    assert [d.article for d in run(tickets(art9_condition="explicit_consent",
                                           risks=["R8"])).gdpr.duties] == ["GDPR Art 13, Art 14"]
