"""Tests of the AI Act classification and the GDPR overlay, on realistic use cases.

Each case states the tier and the article a lawyer would give, and the date logic around the
as-of date 26 Nov 2026 (after Art 50 applies on 2 Aug 2026, before the new Art 5 points apply on
2 Dec 2026, before Annex III high-risk rules apply on 2 Dec 2027 and Annex I ones on 2 Aug 2028).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from aipo_widgets.analysis.compliance import (
    ART5_QUESTIONS,
    TIERS,
    check_answers,
    classify,
    classify_workspace,
    load_rulebook,
    questions,
    relevant_questions,
)
from aipo_widgets.errors import UsageError, WorkspaceError
from aipo_widgets.model import schema as spec

AS_OF = dt.date(2026, 11, 26)
NO5 = dict.fromkeys(ART5_QUESTIONS, False)
MINIMAL = {
    "is_ai_system": True, "eu_nexus": True, "exclusions": ["none"],
    "open_source_release": False, **NO5, "gpai_model_provider": False,
    "annex1_relation": "neither", "annex3_areas": ["none"], "interacts_with_persons": False,
    "generates_synthetic_content": False, "emotion_or_biometric_categorisation": False,
    "deep_fake": False, "public_interest_text": False,
}
NO25 = {"art25_own_name": False, "art25_substantial_modification": False,
        "art25_changed_purpose": False}
NO_PD = {"personal_data": False}


def case(role="deployer", gdpr=None, dpia="undecided", as_of=None, **answers):
    return {
        "as_of": as_of,
        "ai_act": {"role": role, "answers": {**MINIMAL, **answers}},
        "gdpr": {"answers": NO_PD if gdpr is None else gdpr, "dpia": {"decision": dpia}},
    }


def run(c, data_map=None, as_of=AS_OF):
    return classify(c, data_map, as_of=as_of)


def articles(c):
    return [a["article"] for a in c.articles]


def ob_ids(c):
    return [o.id for o in c.obligations]


def ob(c, oid):
    return next(o for o in c.obligations if o.id == oid)


# --------------------------------------------------------------------------------------------
# The rulebook


def test_rulebook_dates_match_the_amended_art_113():
    rb = load_rulebook()
    want = {
        "prohibitions": dt.date(2025, 2, 2), "gpai": dt.date(2025, 8, 2),
        "general": dt.date(2026, 8, 2), "new_prohibitions": dt.date(2026, 12, 2),
        "art50_2_legacy": dt.date(2026, 12, 2), "gpai_legacy": dt.date(2027, 8, 2),
        "annex_iii": dt.date(2027, 12, 2), "annex_i": dt.date(2028, 8, 2),
    }
    assert {k: rb.dates[k].date for k in want} == want
    assert "2026/1744" in rb.dates["annex_iii"].basis and "Art 113(c)(i)" in rb.dates[
        "annex_iii"].basis
    assert "Art 111(4)" in rb.dates["art50_2_legacy"].basis


def test_rulebook_is_consistent():
    rb = load_rulebook()
    facts = {"not_provider", "deployer", "high_risk", "high_risk_annex_iii", "annex3_match",
             "art6_3_condition", "personal_data", "special_categories", "criminal_data",
             "uses_legitimate_interests", "art22_applies", "objection_right",
             "art9_condition_needed"}

    def walk(cond, qid):
        if cond is None:
            return
        for key in ("all", "any"):
            for c in cond.get(key, []):
                walk(c, qid)
        if "not" in cond:
            walk(cond["not"], qid)
        if "fact" in cond:
            assert cond["fact"] in facts, (qid, cond)
        if "answer" in cond:
            assert cond["answer"] in rb.questions, (qid, cond)
            order = list(rb.questions)
            assert order.index(cond["answer"]) < order.index(qid), "ask_if must look back"

    for q in rb.questions.values():
        assert q.text and q.article and q.step.startswith("D")
        walk(q.ask_if, q.id)
        if q.type == "bool":
            assert isinstance(q.stricter, bool), q.id
        elif q.type == "choice":
            assert q.stricter in q.option_values(), q.id
        else:
            assert q.stricter == "any" or set(q.stricter) <= set(q.option_values()), q.id
    flags = {"in_scope", "prohibited", "high_risk_direct", "high_risk_annex_iii",
             "high_risk_annex_i_section_b", "derogation", "minimal", "art50_1", "art50_2",
             "art50_3", "art50_4_deep_fake", "art50_4_text", "legacy_generator",
             "not_legacy_generator", "gpai_model", "gpai_documentation", "gpai_systemic",
             "gpai_non_eu", "gpai_legacy", "not_gpai_legacy", "fria", "inform_workers",
             "inform_persons", "art86", "public_authority", "personal_data"}
    for o in rb.obligations:
        assert set(o["when"]) <= flags, o["id"]
        assert set(o["holders"]) <= {"provider", "deployer", "importer", "distributor",
                                     "authorised_representative"}


def test_questions_and_sections():
    ids = [q.id for q in questions()]
    assert len(ids) == len(set(ids))
    assert {q.section for q in questions("gdpr")} == {"gdpr"}
    assert questions("ai_act")[0].id == "is_ai_system"
    rb = load_rulebook()
    assert rb.question("annex3_areas").type == "multi"
    with pytest.raises(UsageError, match="did you mean 'profiling'"):
        rb.question("profilng")


def test_malformed_rulebook(tmp_path):
    bad = tmp_path / "rb.yaml"
    bad.write_text("schema: 2\n")
    with pytest.raises(WorkspaceError, match="schema: 1"):
        load_rulebook(bad)
    with pytest.raises(WorkspaceError, match="cannot read"):
        load_rulebook(tmp_path / "missing.yaml")


# --------------------------------------------------------------------------------------------
# Twenty-plus realistic use cases


def test_cv_ranking_deployer_is_annex_iii_4a_high_risk():
    c = run(case(annex3_areas=["employment"], annex3_employment=["4a"], profiling=True,
                 deployer_type="private", used_at_workplace=True, decisions_about_persons=True,
                 legal_or_significant_effects=True, **NO25))
    assert (c.tier, c.route, c.annex_iii_points) == ("high_risk", ["annex_iii"], ["4a"])
    assert "Annex III 4(a)" in articles(c) and "Art 6(3) last subparagraph" in articles(c)
    assert not c.provisional and c.legal_signoff_required and c.signoff_missing
    ids = ob_ids(c)
    assert {"art26_1_use_per_instructions", "art26_6_logs", "art26_7_inform_workers",
            "art26_11_inform_persons", "art86_explanation"} <= set(ids)
    assert "art27_fria" not in ids  # a private employer is outside Art 27
    assert "art9_rms" not in ids and "art9_rms" in [o.id for o in c.other_obligations]
    assert c.tier_applies_from == dt.date(2027, 12, 2) and not c.tier_applies_now
    assert ob(c, "art26_6_logs").applies_from == dt.date(2027, 12, 2)
    assert ob(c, "art4_ai_literacy").applies_now
    assert [o.id for o in c.due_now()] == ["art4_ai_literacy"]
    later = run(case(annex3_areas=["employment"], annex3_employment=["4a"], profiling=True,
                     deployer_type="private", used_at_workplace=True, **NO25),
                as_of=dt.date(2027, 12, 2))
    assert later.tier_applies_now and ob(later, "art26_7_inform_workers").applies_now


def test_credit_scoring_bank_deployer_needs_a_fria():
    c = run(case(annex3_areas=["essential_services"], annex3_essential_services=["5b"],
                 annex3_5b_fraud_detection=False, profiling=True, deployer_type="private",
                 used_at_workplace=False, decisions_about_persons=True,
                 legal_or_significant_effects=True, **NO25))
    assert c.tier == "high_risk" and c.annex_iii_points == ["5b"]
    assert "Annex III 5(b)" in articles(c) and "Art 27" in articles(c)
    assert ob(c, "art27_fria").applies_from == dt.date(2027, 12, 2)
    assert "art26_7_inform_workers" not in ob_ids(c)


def test_customer_chatbot_provider_is_limited_art_50_1_and_50_2():
    c = run(case(role="provider", interacts_with_persons=True, interaction_obvious=False,
                 generates_synthetic_content=True, synthetic_standard_editing_only=False,
                 placed_on_market_before_2026_08_02=False))
    assert c.tier == "limited" and c.transparency == ["50(1)", "50(2)"]
    assert {"Art 50(1)", "Art 50(2)"} <= set(articles(c))
    assert ob(c, "art50_1_ai_interaction_notice").applies_from == dt.date(2026, 8, 2)
    assert ob(c, "art50_1_ai_interaction_notice").applies_now
    assert c.tier_applies_now and not c.legal_signoff_required


def test_customer_chatbot_deployer_sees_the_providers_duties_as_reference():
    c = run(case(role="deployer", interacts_with_persons=True, interaction_obvious=False,
                 generates_synthetic_content=True, synthetic_standard_editing_only=False,
                 placed_on_market_before_2026_08_02=False))
    assert c.tier == "limited"
    assert ob_ids(c) == ["art4_ai_literacy"]
    assert {o.id for o in c.other_obligations} == {"art50_1_ai_interaction_notice",
                                                   "art50_2_marking"}


def test_legacy_generator_marking_from_2_dec_2026():
    c = run(case(role="provider", generates_synthetic_content=True,
                 synthetic_standard_editing_only=False, placed_on_market_before_2026_08_02=True))
    o = ob(c, "art50_2_marking_legacy")
    assert o.applies_from == dt.date(2026, 12, 2) and not o.applies_now
    assert "art50_2_marking" not in ob_ids(c)
    assert c.tier_applies_from == dt.date(2026, 12, 2)


def test_emotion_recognition_of_call_centre_agents_is_prohibited_5_1_f():
    c = run(case(art5_f_emotion_workplace_education=True, art5_f_medical_or_safety=False))
    assert c.tier == "prohibited" and c.art5_points == ["f"] and not c.provisional
    assert "Art 5(1)(f)" in articles(c)
    assert ob_ids(c) == ["art5_stop_deployer"]
    assert ob(c, "art5_stop_deployer").applies_from == dt.date(2025, 2, 2)
    assert c.tier_applies_now and c.legal_signoff_required
    assert [s.step for s in c.steps] == ["D0", "D1", "D2", "D4", "D12"]
    rel = [q.id for q in relevant_questions(case(art5_f_emotion_workplace_education=True,
                                                 art5_f_medical_or_safety=False))]
    assert "annex3_areas" not in rel and "art5_f_medical_or_safety" in rel


def test_fatigue_detection_for_safety_is_not_prohibited_but_annex_iii_1c():
    c = run(case(art5_f_emotion_workplace_education=True, art5_f_medical_or_safety=True,
                 annex3_areas=["none"], profiling=False, art6_3_conditions=["none"],
                 deployer_type="private", used_at_workplace=True, **NO25))
    assert c.tier == "high_risk" and "1c" in c.annex_iii_points
    assert "50(3)" in c.transparency  # emotion recognition: inform the people exposed


def test_payment_fraud_detection_is_excluded_from_5b_and_minimal():
    c = run(case(annex3_areas=["essential_services"], annex3_essential_services=["5b"],
                 annex3_5b_fraud_detection=True))
    assert c.tier == "minimal" and c.annex_iii_points == []
    assert "Annex III 5(b)" in articles(c)
    assert next(a for a in c.articles if a["article"] == "Annex III 5(b)")["reason"] == \
        "excluded: financial fraud detection"
    assert "profiling" not in [q.id for q in relevant_questions(case(
        annex3_areas=["essential_services"], annex3_essential_services=["5b"],
        annex3_5b_fraud_detection=True))]


def test_predictive_maintenance_quality_control_is_not_a_safety_component_6_1a():
    c = run(case(annex1_relation="safety_component", annex1_legislation="machinery",
                 annex1_third_party_assessment=True, annex1_solely_non_safety=True,
                 annex1_failure_endangers_safety=False))
    assert c.tier == "minimal" and "Art 6(1a)" in articles(c)


def test_robot_collision_avoidance_is_annex_i_machinery_section_b():
    c = run(case(role="provider", annex1_relation="safety_component",
                 annex1_legislation="machinery", annex1_third_party_assessment=True,
                 annex1_solely_non_safety=False, annex1_assessment_not_for_safety=False))
    assert c.tier == "high_risk" and c.route == ["annex_i"]
    assert c.annex_i["section"] == "B" and "Art 2(2)" in articles(c)
    assert ob_ids(c) == ["art4_ai_literacy", "annex_i_sectoral"]
    assert c.tier_applies_from == dt.date(2028, 8, 2)


def test_medical_device_triage_software_is_annex_i_section_a():
    c = run(case(role="provider", annex1_relation="product", annex1_legislation="medical_devices",
                 annex1_third_party_assessment=True, annex1_assessment_not_for_safety=False))
    assert (c.tier, c.route) == ("high_risk", ["annex_i"])
    assert c.annex_i == {"legislation": "medical_devices", "section": "A", "relation": "product",
                         "label": "Medical devices (Regulation (EU) 2017/745, MDR)"}
    assert ob(c, "art9_rms").applies_from == dt.date(2028, 8, 2)
    assert ob(c, "art43_conformity_assessment").applies_from == dt.date(2028, 8, 2)
    assert "interpretation" in ob(c, "art73_serious_incidents").date_basis
    assert "art49_registration" not in ob_ids(c)  # Art 49(1) registration: Annex III systems


def test_emergency_triage_device_is_both_routes_and_takes_the_earlier_date():
    c = run(case(role="provider", annex1_relation="product", annex1_legislation="medical_devices",
                 annex1_third_party_assessment=True, annex1_assessment_not_for_safety=False,
                 annex3_areas=["essential_services"], annex3_essential_services=["5d"],
                 profiling=True))
    assert c.route == ["annex_i", "annex_iii"] and c.annex_iii_points == ["5d"]
    assert c.tier_applies_from == dt.date(2027, 12, 2)


def test_self_certified_product_is_not_annex_i():
    c = run(case(annex1_relation="product", annex1_legislation="toys",
                 annex1_third_party_assessment=False))
    assert c.tier == "minimal"


def test_radio_equipment_assessed_only_for_spectrum_is_not_annex_i_6_1c():
    c = run(case(annex1_relation="product", annex1_legislation="radio_equipment",
                 annex1_third_party_assessment=True, annex1_assessment_not_for_safety=True))
    assert c.tier == "minimal" and "Art 6(1c)" in articles(c)


def test_exam_proctoring_is_annex_iii_3d():
    c = run(case(role="provider", annex3_areas=["education"], annex3_education=["3d"],
                 profiling=True))
    assert c.tier == "high_risk" and c.annex_iii_points == ["3d"]
    assert "Annex III 3(d)" in articles(c)
    assert ob(c, "art49_registration").applies_from == dt.date(2027, 12, 2)


def test_real_time_face_recognition_by_police_is_prohibited_5_1_h():
    c = run(case(art5_h_realtime_rbi_law_enforcement=True, art5_h_authorised_exception=False))
    assert c.tier == "prohibited" and c.art5_points == ["h"]
    assert "Art 5(1)(h)" in articles(c)


def test_authorised_police_rbi_is_annex_iii_1a_with_fria_and_registration():
    c = run(case(art5_h_realtime_rbi_law_enforcement=True, art5_h_authorised_exception=True,
                 annex3_areas=["law_enforcement"], annex3_law_enforcement=["none"],
                 profiling=False, art6_3_conditions=["none"], deployer_type="public_authority",
                 used_at_workplace=False, decisions_about_persons=True,
                 legal_or_significant_effects=True, **NO25))
    assert c.tier == "high_risk" and "1a" in c.annex_iii_points
    ids = ob_ids(c)
    assert {"art27_fria", "art26_8_registration", "art86_explanation"} <= set(ids)


def test_municipal_social_scoring_is_prohibited_5_1_c():
    c = run(case(art5_c_social_scoring=True))
    assert c.tier == "prohibited" and "Art 5(1)(c)" in articles(c)


def test_deep_fake_generator_for_marketing_deployer_must_disclose_50_4():
    c = run(case(generates_synthetic_content=True, synthetic_standard_editing_only=False,
                 placed_on_market_before_2026_08_02=False, deep_fake=True,
                 deep_fake_artistic=False))
    assert c.tier == "limited" and "50(4) deep fake" in c.transparency
    assert ob(c, "art50_4_deep_fake").applies_now
    assert "art50_2_marking" in [o.id for o in c.other_obligations]


def test_life_and_health_insurance_pricing_is_5c_with_fria():
    c = run(case(annex3_areas=["essential_services"], annex3_essential_services=["5c"],
                 profiling=True, deployer_type="private", used_at_workplace=False,
                 decisions_about_persons=True, legal_or_significant_effects=True, **NO25))
    assert c.tier == "high_risk" and "Annex III 5(c)" in articles(c)
    assert "art27_fria" in ob_ids(c)


def test_car_insurance_pricing_is_not_annex_iii_but_needs_a_dpia():
    gdpr = {"personal_data": True, "solely_automated_decision": False,
            "dpia_35_3_a": False, "dpia_35_3_b": False, "dpia_35_3_c": False,
            "edpb_evaluation_scoring": True, "edpb_automated_decision": False,
            "edpb_systematic_monitoring": False, "edpb_sensitive_data": False,
            "edpb_large_scale": True, "edpb_matching_datasets": False,
            "edpb_vulnerable_subjects": False, "edpb_innovative_technology": False,
            "edpb_prevents_right_or_service": False, "information_provided": True}
    dm = {"sources": [{"id": "policies", "name": "Policies", "personal_data": True,
                       "lawful_basis": "contract"}]}
    c = run(case(annex3_areas=["essential_services"], annex3_essential_services=["none"],
                 gdpr=gdpr), dm)
    assert c.tier == "minimal"
    assert c.gdpr.dpia == "likely_required"
    assert c.gdpr.edpb_criteria == ["edpb_evaluation_scoring", "edpb_large_scale"]
    assert [p.code for p in c.problems] == ["dpia"]
    done = run(case(annex3_areas=["essential_services"], annex3_essential_services=["none"],
                    gdpr=gdpr, dpia="done"), dm)
    assert done.problems == []


def test_support_ticket_summaries_deployer_is_limited_with_gdpr_checks():
    gdpr = {"personal_data": True, "solely_automated_decision": False, "dpia_35_3_a": False,
            "dpia_35_3_b": False, "dpia_35_3_c": False, "edpb_evaluation_scoring": False,
            "edpb_systematic_monitoring": False, "edpb_large_scale": True,
            "edpb_matching_datasets": False, "edpb_vulnerable_subjects": False,
            "edpb_prevents_right_or_service": False}
    dm = {"sources": [
        {"id": "tickets", "name": "Tickets", "personal_data": True,
         "lawful_basis": "legitimate_interests"},
        {"id": "kb", "name": "Knowledge base"},
        {"id": "crm", "name": "CRM export", "personal_data": True},
    ]}
    c = run(case(generates_synthetic_content=True, synthetic_standard_editing_only=False,
                 placed_on_market_before_2026_08_02=False, gdpr=gdpr), dm)
    assert c.tier == "limited" and ob_ids(c) == ["art4_ai_literacy"]
    assert c.gdpr.personal_data and [s.id for s in c.gdpr.sources] == ["tickets", "crm"]
    missing = [p for p in c.problems if p.code == "lawful_basis_missing"]
    assert [p.path for p in missing] == ["data_map.sources[2].lawful_basis"]
    # large scale + AI as innovative technology (derived) = two criteria
    assert c.gdpr.dpia == "likely_required"
    assert "edpb_innovative_technology (derived: AI system)" in c.gdpr.edpb_criteria
    # the legitimate-interests question is asked (a source relies on it) and is open
    assert "public_authority" in [q.id for q in c.open_questions]


def test_spam_filter_and_route_optimisation_are_minimal():
    for c in (run(case()), run(case(role="provider"))):
        assert c.tier == "minimal" and not c.provisional
        assert ob_ids(c) == ["art4_ai_literacy", "art95_voluntary_codes"]
        assert "Art 95" in articles(c)
        assert not c.legal_signoff_required


def test_public_benefits_eligibility_by_an_authority_is_5a_with_fria_registration_art86():
    c = run(case(annex3_areas=["essential_services"], annex3_essential_services=["5a"],
                 profiling=True, deployer_type="public_authority", used_at_workplace=False,
                 decisions_about_persons=True, legal_or_significant_effects=True, **NO25))
    assert c.tier == "high_risk" and c.annex_iii_points == ["5a"]
    assert {"art27_fria", "art26_8_registration", "art86_explanation",
            "art26_11_inform_persons"} <= set(ob_ids(c))


def test_biometric_login_verification_is_excluded_from_1a_but_gdpr_art9_applies():
    gdpr = {"personal_data": True, "solely_automated_decision": False, "dpia_35_3_a": False,
            "dpia_35_3_b": False, "dpia_35_3_c": False, "edpb_evaluation_scoring": False,
            "edpb_systematic_monitoring": False, "edpb_large_scale": False,
            "edpb_matching_datasets": False, "edpb_vulnerable_subjects": False,
            "edpb_prevents_right_or_service": False, "information_provided": True}
    dm = {"sources": [{"id": "faces", "name": "Face templates", "personal_data": True,
                       "lawful_basis": "consent", "special_categories": ["biometric"]}]}
    answers = {"annex3_areas": ["biometrics"], "annex3_biometrics": ["1a"],
               "annex3_1a_verification_only": True}
    c = run(case(gdpr=gdpr, **answers), dm)
    assert c.tier == "minimal"
    assert next(a for a in c.articles if a["article"] == "Annex III 1(a)")["reason"] == \
        "excluded: biometric verification only"
    assert [p.code for p in c.problems if p.code != "dpia"] == ["art9_condition_missing"]
    assert c.gdpr.dpia == "likely_required"  # sensitive data + innovative technology
    ok = run(case(gdpr={**gdpr, "art9_condition": "explicit_consent"}, dpia="done", **answers),
             dm)
    assert ok.problems == [] and ok.gdpr.sources[0].art9_condition == "explicit_consent"
    per_source = run(case(gdpr={**gdpr, "art9_condition.faces": "explicit_consent"},
                          dpia="done", **answers), dm)
    assert per_source.problems == []


def test_gig_worker_task_allocation_is_4b_and_workers_are_informed():
    c = run(case(annex3_areas=["employment"], annex3_employment=["4b"], profiling=True,
                 deployer_type="private", used_at_workplace=True, decisions_about_persons=True,
                 legal_or_significant_effects=True, **NO25))
    assert c.tier == "high_risk" and "Annex III 4(b)" in articles(c)
    assert "art26_7_inform_workers" in ob_ids(c)


def test_cv_parsing_as_narrow_procedural_task_uses_the_6_3_derogation():
    c = run(case(role="provider", annex3_areas=["employment"], annex3_employment=["4a"],
                 profiling=False, art6_3_conditions=["narrow_procedural"],
                 art6_3_no_significant_risk=True))
    assert c.tier == "not_high_risk_by_derogation" and c.route == ["annex_iii"]
    assert {"Art 6(3)(a)", "Art 6(4), Art 49(2)"} <= set(articles(c))
    assert set(ob_ids(c)) == {"art4_ai_literacy", "art6_4_document_assessment",
                              "art49_2_registration"}
    assert c.legal_signoff_required and "derogation" in c.signoff_reasons[0]
    assert c.tier_applies_from == dt.date(2027, 12, 2)


def test_candidate_ranking_that_profiles_cannot_use_the_derogation():
    c = run(case(role="provider", annex3_areas=["employment"], annex3_employment=["4a"],
                 profiling=True, art6_3_conditions=["preparatory"],
                 art6_3_no_significant_risk=True))
    assert c.tier == "high_risk"
    rel = [q.id for q in relevant_questions(case(role="provider", annex3_areas=["employment"],
                                                 annex3_employment=["4a"], profiling=True))]
    assert "art6_3_conditions" not in rel


def test_derogation_needs_no_significant_risk_too():
    c = run(case(role="provider", annex3_areas=["employment"], annex3_employment=["4a"],
                 profiling=False, art6_3_conditions=["preparatory"],
                 art6_3_no_significant_risk=False))
    assert c.tier == "high_risk"


def test_gpai_model_with_systemic_risk():
    c = run(case(role="provider", gpai_model_provider=True, gpai_systemic_risk=True,
                 gpai_open_source=True, gpai_provider_outside_eu=True,
                 gpai_placed_before_2025_08_02=False))
    assert c.gpai == "gpai_systemic" and c.tier == "minimal"
    ids = set(ob_ids(c))
    assert {"art53_1_ab_documentation", "art53_1_cd_copyright_summary",
            "art54_authorised_representative", "art52_notification",
            "art55_systemic_risk"} <= ids
    assert ob(c, "art55_systemic_risk").applies_from == dt.date(2025, 8, 2)


def test_open_source_gpai_without_systemic_risk_drops_53_1_a_b_and_legacy_date():
    c = run(case(role="provider", gpai_model_provider=True, gpai_systemic_risk=False,
                 gpai_open_source=True, gpai_provider_outside_eu=False,
                 gpai_placed_before_2025_08_02=True))
    ids = set(ob_ids(c))
    assert "art53_1_ab_documentation" not in ids
    assert ob(c, "art53_legacy").applies_from == dt.date(2027, 8, 2)


def test_rule_based_scorecard_is_not_an_ai_system():
    c = run(case(is_ai_system=False))
    assert c.tier == "out_of_scope" and articles(c) == ["Art 3(1)"]
    assert c.obligations == [] and not c.provisional
    assert [q.id for q in relevant_questions(case(is_ai_system=False), section="ai_act")] == [
        "is_ai_system"]


def test_military_use_is_excluded_2_3():
    c = run(case(exclusions=["military_defence_national_security"]))
    assert c.tier == "out_of_scope" and articles(c) == ["Art 2(3)"]


def test_no_eu_nexus_is_out_of_scope():
    assert run(case(eu_nexus=False)).tier == "out_of_scope"


def test_open_source_minimal_system_is_out_of_scope_but_not_an_open_source_chatbot():
    assert run(case(open_source_release=True)).tier == "out_of_scope"
    c = run(case(role="provider", open_source_release=True, interacts_with_persons=True,
                 interaction_obvious=False))
    assert c.tier == "limited"


def test_election_micro_targeting_is_8b_but_campaign_logistics_is_not():
    hi = run(case(annex3_areas=["justice_democracy"], annex3_justice_democracy=["8b"],
                  annex3_8b_not_exposed=False, profiling=True, role="provider"))
    assert hi.tier == "high_risk" and "Annex III 8(b)" in articles(hi)
    lo = run(case(annex3_areas=["justice_democracy"], annex3_justice_democracy=["8b"],
                  annex3_8b_not_exposed=True))
    assert lo.tier == "minimal"


def test_deployer_rebranding_a_high_risk_system_becomes_provider_art_25():
    c = run(case(annex3_areas=["employment"], annex3_employment=["4a"], profiling=True,
                 deployer_type="private", used_at_workplace=True, decisions_about_persons=True,
                 legal_or_significant_effects=True, art25_own_name=True,
                 art25_substantial_modification=False, art25_changed_purpose=False))
    assert c.roles == ["deployer", "provider"]
    assert "Art 25(1)(a)" in articles(c)
    assert {"art9_rms", "art26_1_use_per_instructions"} <= set(ob_ids(c))
    assert "Art 25 role shift to provider" in c.signoff_reasons


def test_non_consensual_intimate_deepfakes_prohibited_from_2_dec_2026():
    c = run(case(role="provider", art5_ba_intimate_imagery=True, art5_ba_carve_out=False))
    assert c.tier == "prohibited" and c.art5_points == ["ba"]
    o = ob(c, "art5_stop_provider")
    assert o.applies_from == dt.date(2026, 12, 2) and not o.applies_now
    assert not c.tier_applies_now
    assert run(case(role="provider", art5_ba_intimate_imagery=True, art5_ba_carve_out=False),
               as_of=dt.date(2026, 12, 2)).tier_applies_now


def test_customer_emotion_recognition_is_annex_iii_1c_and_50_3():
    c = run(case(annex3_areas=["biometrics"], annex3_biometrics=["1c"], profiling=False,
                 art6_3_conditions=["none"], deployer_type="private", used_at_workplace=False,
                 decisions_about_persons=False, legal_or_significant_effects=False, **NO25))
    assert c.tier == "high_risk" and c.annex_iii_points == ["1c"]
    assert "50(3)" in c.transparency and "art50_3_inform_exposed" in ob_ids(c)


def test_critical_infrastructure_has_no_fria_and_no_art_86():
    c = run(case(annex3_areas=["critical_infrastructure"], annex3_critical_infrastructure=True,
                 profiling=False, art6_3_conditions=["none"], deployer_type="public_authority",
                 used_at_workplace=False, decisions_about_persons=True,
                 legal_or_significant_effects=True, **NO25))
    assert c.tier == "high_risk" and c.annex_iii_points == ["2"]
    ids = set(ob_ids(c))
    assert "art27_fria" not in ids and "art86_explanation" not in ids
    assert "art26_8_registration" in ids


def test_importer_of_a_high_risk_system():
    c = run(case(role="importer", annex3_areas=["education"], annex3_education=["3b"],
                 profiling=True, **NO25))
    assert c.tier == "high_risk"
    assert set(ob_ids(c)) == {"art23_importer"}


# --------------------------------------------------------------------------------------------
# Unanswered and unsure answers take the stricter branch


def test_blank_questionnaire_is_provisionally_prohibited():
    c = run({})
    assert c.tier == "prohibited" and c.provisional
    assert set(c.art5_points) == {"a", "b", "ba", "bb", "c", "d", "e", "f", "g", "h"}
    assert c.would_be_tier == "high_risk"
    assert c.legal_signoff_required
    assert any("is unanswered: the stricter branch assumes yes" in a for a in c.assumptions)
    open_ids = [q.id for q in c.open_questions]
    assert open_ids[:3] == ["is_ai_system", "eu_nexus", "exclusions"]
    assert all(q.reason == "unanswered" for q in c.open_questions)
    # Art 5 tier applies since 2 Feb 2025 (the earliest of the points hit)
    assert c.tier_applies_from == dt.date(2025, 2, 2)


def test_unsure_annex_iii_point_is_treated_as_a_match_and_said_so():
    c = run(case(annex3_areas=["employment"], annex3_employment="unsure", profiling=False,
                 art6_3_conditions=["none"], deployer_type="private", used_at_workplace=True,
                 decisions_about_persons=True, legal_or_significant_effects=True, **NO25))
    assert c.tier == "high_risk" and c.annex_iii_points == ["4?"]
    assert c.provisional
    assert any(q.id == "annex3_employment" and q.reason == "unsure" for q in c.open_questions)
    assert any(a.startswith("annex3_employment (Annex III 4) is unsure") for a in c.assumptions)
    assert "Annex III 4 (point not answered)" in articles(c)


def test_unsure_art5_point_continues_the_analysis():
    c = run(case(art5_a_manipulation="unsure"))
    assert c.tier == "prohibited" and c.provisional and c.would_be_tier == "minimal"
    assert "annex3_areas" in [q.id for q in relevant_questions(case(art5_a_manipulation="unsure"))]


def test_unsure_carve_out_is_no_carve_out():
    c = run(case(art5_d_crime_prediction=True, art5_d_supports_human_assessment="unsure"))
    assert c.tier == "prohibited" and c.provisional


def test_yes_no_strings_are_accepted():
    c = run(case(is_ai_system="no"))
    assert c.tier == "out_of_scope"
    c = run(case(art5_c_social_scoring="Yes"))
    assert c.tier == "prohibited" and not c.provisional


# --------------------------------------------------------------------------------------------
# Relevance (what the questionnaire widget shows)


def test_relevance_is_progressive():
    rel = [q.id for q in relevant_questions({}, section="ai_act")]
    assert "art5_f_medical_or_safety" not in rel  # its practice is not answered yet
    assert "annex3_employment" not in rel and "profiling" in rel  # assumed Annex III match
    rel = [q.id for q in relevant_questions({"ai_act": {"answers": {
        "art5_f_emotion_workplace_education": "unsure", "annex3_areas": ["employment",
                                                                         "education"]}}})]
    assert "art5_f_medical_or_safety" in rel
    assert rel.index("annex3_education") < rel.index("annex3_employment")
    rel = [q.id for q in relevant_questions(case(role="provider"))]
    assert "deployer_type" not in rel and "art25_own_name" not in rel
    rel = [q.id for q in relevant_questions(case(annex3_areas=["employment"],
                                                 annex3_employment=["4a"], profiling=True))]
    assert {"deployer_type", "art25_own_name", "decisions_about_persons"} <= set(rel)


def test_gdpr_relevance_follows_the_data_map():
    dm = {"sources": [{"id": "s", "name": "S", "personal_data": True,
                       "special_categories": ["health", "criminal"],
                       "lawful_basis": "legitimate_interests"}]}
    rel = [q.id for q in relevant_questions(case(gdpr={}), dm, section="gdpr")]
    assert {"art9_condition", "art10_authorised", "public_authority"} <= set(rel)
    rel = [q.id for q in relevant_questions(case(gdpr={"personal_data": False}),
                                            section="gdpr")]
    assert rel == ["personal_data"]


# --------------------------------------------------------------------------------------------
# GDPR overlay


def test_art22_solely_automated_decision_needs_exception_and_safeguards():
    base = {"personal_data": True, "solely_automated_decision": True,
            "legal_or_similar_effect": True}
    c = run(case(gdpr={**base, "art22_exception": "none"}))
    assert c.gdpr.art22_applies and "art22_no_exception" in [p.code for p in c.problems]
    c = run(case(gdpr={**base, "art22_exception": "contract", "art22_safeguards": False}))
    assert "art22_safeguards" in [p.code for p in c.problems]
    c = run(case(gdpr={**base, "art22_exception": "law"}))
    assert not {"art22_no_exception", "art22_safeguards"} & {p.code for p in c.problems}
    assert "edpb_automated_decision (derived)" in c.gdpr.edpb_criteria
    c = run(case(gdpr={**base, "legal_or_similar_effect": False}))
    assert not c.gdpr.art22_applies


def test_art22_4_special_categories():
    dm = {"sources": [{"id": "h", "name": "Health", "personal_data": True,
                       "lawful_basis": "contract", "special_categories": ["health"]}]}
    gdpr = {"personal_data": True, "solely_automated_decision": True,
            "legal_or_similar_effect": True, "art22_exception": "law",
            "art9_condition": "health_or_social_care"}
    assert "art22_special_categories" in [p.code for p in run(case(gdpr=gdpr), dm).problems]
    gdpr["art9_condition"] = "explicit_consent"
    assert "art22_special_categories" not in [p.code for p in run(case(gdpr=gdpr), dm).problems]


def test_dpia_required_by_35_3_and_counts():
    c = run(case(gdpr={"personal_data": True, "solely_automated_decision": False,
                       "dpia_35_3_a": False, "dpia_35_3_b": True, "dpia_35_3_c": False}))
    assert c.gdpr.dpia == "required" and c.gdpr.dpia_triggers == ["35(3)(b)"]
    none = {f"edpb_{k}": False for k in (
        "evaluation_scoring", "automated_decision", "systematic_monitoring", "sensitive_data",
        "large_scale", "matching_datasets", "vulnerable_subjects", "innovative_technology",
        "prevents_right_or_service")}
    quiet = {"personal_data": True, "solely_automated_decision": False, "dpia_35_3_a": False,
             "dpia_35_3_b": False, "dpia_35_3_c": False, **none}
    assert run(case(gdpr=quiet)).gdpr.dpia == "not_indicated"
    assert run(case(gdpr={**quiet, "edpb_large_scale": True})).gdpr.dpia == "consider"
    two = run(case(gdpr={**quiet, "edpb_large_scale": True, "edpb_vulnerable_subjects": True}))
    assert two.gdpr.dpia == "likely_required"
    assert run(case(gdpr={**quiet, "edpb_large_scale": True, "edpb_vulnerable_subjects": True},
                    dpia="not_required")).problems[0].code == "dpia"
    assert run(case(gdpr={"personal_data": False})).gdpr.dpia == "not_applicable"


def test_public_authority_cannot_rely_on_legitimate_interests():
    dm = {"sources": [{"id": "s", "name": "S", "personal_data": True,
                       "lawful_basis": "legitimate_interests"}]}
    c = run(case(gdpr={"personal_data": True, "public_authority": True}), dm)
    assert "lawful_basis_invalid" in [p.code for p in c.problems]


def test_criminal_data_needs_art_10():
    dm = {"sources": [{"id": "s", "name": "S", "personal_data": True, "lawful_basis": "contract",
                       "special_categories": ["criminal"]}]}
    codes = [p.code for p in run(case(gdpr={"personal_data": True}), dm).problems]
    assert "art10_missing" in codes and "art9_condition_missing" not in codes


def test_data_map_conflict_with_answer():
    dm = {"sources": [{"id": "s", "name": "S", "personal_data": True, "lawful_basis": "contract"}]}
    c = run(case(gdpr={"personal_data": False}), dm)
    assert c.gdpr.personal_data and "conflict" in [p.code for p in c.problems]


# --------------------------------------------------------------------------------------------
# Problems with the answers


def test_unknown_answer_ids_are_reported_with_did_you_mean():
    probs = check_answers({"ai_act": {"answers": {"is_ai_sytem": True, "profiling": True,
                                                  "personal_data": True, "zzz": 1}},
                           "gdpr": {"answers": {"annex3_areas": ["none"],
                                                "art9_condition.nope": "explicit_consent"}}})
    by_path = {p.path: p for p in probs}
    assert by_path["compliance.ai_act.answers.is_ai_sytem"].fix == "did you mean 'is_ai_system'?"
    assert "move it to compliance.gdpr.answers" in by_path[
        "compliance.ai_act.answers.personal_data"].fix
    assert "move it to compliance.ai_act.answers" in by_path[
        "compliance.gdpr.answers.annex3_areas"].fix
    assert "compliance.ai_act.answers.zzz" in by_path
    assert "not in data_map.sources" in by_path[
        "compliance.gdpr.answers.art9_condition.nope"].message
    assert all(p.code == "unknown_answer" for p in probs)
    c = run(case(is_ai_sytem=False))
    assert c.tier == "minimal"  # the typo is not used ...
    assert c.problems[0].code == "unknown_answer"  # ... and it is reported


@pytest.mark.parametrize(
    ("qid", "value", "fragment"),
    [
        ("is_ai_system", "maybe", "takes yes/no"),
        ("is_ai_system", 1, "takes yes/no"),
        ("annex1_relation", "prodct", "did you mean 'product'"),
        ("annex3_areas", ["employmnt"], "did you mean 'employment'"),
        ("annex3_areas", 3.0, "takes a list"),
        ("annex3_areas", ["none", "employment"], "'none' together"),
    ],
)
def test_bad_answer_values(qid, value, fragment):
    probs = check_answers({"ai_act": {"answers": {qid: value}}})
    assert probs and fragment in str(probs[0]) and probs[0].code == "bad_answer"


def test_bad_arguments():
    with pytest.raises(UsageError):
        classify(42)  # type: ignore[arg-type]
    with pytest.raises(UsageError):
        classify({}, as_of="2026-01-01")  # type: ignore[arg-type]
    with pytest.raises(WorkspaceError):
        classify({"ai_act": {"role": "owner"}})
    with pytest.raises(WorkspaceError):
        classify({}, {"sources": [{"id": "x"}]})


# --------------------------------------------------------------------------------------------
# Output and round trip


def test_workspace_round_trip_and_json():
    comp = case(annex3_areas=["employment"], annex3_employment=["4a"], profiling=True,
                deployer_type="private", used_at_workplace=True, decisions_about_persons=True,
                legal_or_significant_effects=True, **NO25, as_of="2026-11-26")
    ws = spec.Workspace.model_validate({"product": {"name": "x", "owner": "y"},
                                        "compliance": comp})
    assert spec.Workspace.model_validate(ws.model_dump()) == ws
    assert spec.Compliance.model_validate(ws.compliance.model_dump()) == ws.compliance
    c = classify_workspace(ws)
    assert c.as_of == AS_OF and c.tier == "high_risk"
    d = c.to_dict()
    json.dumps(d)
    assert d["tier"] == "high_risk" and d["signoff_missing"] is True
    assert d["steps"][0]["step"] == "D0"
    df = c.obligations_frame()
    assert {"id", "article", "holder", "applies_from", "applies_now"} <= set(df.columns)
    assert set(TIERS) == {"prohibited", "high_risk", "not_high_risk_by_derogation", "limited",
                          "minimal", "out_of_scope"}


def test_signed_off_classification():
    comp = case(annex3_areas=["employment"], annex3_employment=["4a"], profiling=True,
                deployer_type="private", used_at_workplace=True, decisions_about_persons=True,
                legal_or_significant_effects=True, **NO25)
    comp["ai_act"] |= {"signed_off_by": "Dr. Weber (legal)", "signed_off_on": "2026-11-20"}
    c = run(comp)
    assert c.legal_signoff_required and not c.signoff_missing
    assert c.signed_off_on == dt.date(2026, 11, 20)


def test_every_step_records_its_questions():
    c = run(case(annex3_areas=["employment"], annex3_employment=["4a"], profiling=True,
                 deployer_type="private", used_at_workplace=True, decisions_about_persons=True,
                 legal_or_significant_effects=True, **NO25))
    d7 = next(s for s in c.steps if s.step == "D7")
    assert d7.questions == {"annex3_areas": ["employment"], "annex3_employment": ["4a"]}
    assert [s.step for s in c.steps] == ["D0", "D1", "D2", "D3", "D4", "D5", "D6", "D7", "D8",
                                         "D9", "D11", "D12"]
