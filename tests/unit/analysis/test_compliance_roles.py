"""The role section of the questionnaire: the answers give our roles and so our obligations."""

from __future__ import annotations

import datetime as dt

from aipo_widgets.analysis.compliance import ART5_QUESTIONS, check_answers, classify

AS_OF = dt.date(2026, 11, 26)
MINIMAL = {
    "is_ai_system": True, "eu_nexus": True, "exclusions": ["none"],
    "open_source_release": False, **dict.fromkeys(ART5_QUESTIONS, False),
    "gpai_model_provider": False, "annex1_relation": "neither", "annex3_areas": ["none"],
    "interacts_with_persons": False, "generates_synthetic_content": False,
    "emotion_or_biometric_categorisation": False, "deep_fake": False,
    "public_interest_text": False,
}
SUMMARISER = {"generates_synthetic_content": True, "synthetic_standard_editing_only": False,
              "placed_on_market_before_2026_08_02": False}
BUILT_ON_A_VENDOR_MODEL = {"role_develops": True, "role_builds_on_gpai": True,
                           "role_uses": True}


def case(role="deployer", **answers):
    return {"ai_act": {"role": role, "answers": {**MINIMAL, **answers}},
            "gdpr": {"answers": {"personal_data": False}}}


def ids(obligations):
    return [o.id for o in obligations]


def articles(c):
    return [a["article"] for a in c.articles]


def test_feature_on_a_vendor_model_under_our_name_makes_us_its_provider():
    c = classify(case("provider", **SUMMARISER, **BUILT_ON_A_VENDOR_MODEL), as_of=AS_OF)
    assert c.problems == []
    assert c.tier == "limited" and c.roles == ["provider", "deployer"]
    # The Art 50(2) marking of generated text is ours, not the vendor's.
    assert "art50_2_marking" in ids(c.obligations)
    assert "art50_2_marking" not in ids(c.other_obligations)
    assert {"Art 3(3)", "Art 3(4)", "Art 3(68), Art 53(1)(b)"} <= set(articles(c))
    d3 = next(s for s in c.steps if s.step == "D3")
    assert d3.questions["role_develops"] is True and "also deployer" in d3.rule
    assert not c.provisional


def test_the_answers_change_the_obligations_of_a_declared_deployer():
    before = classify(case("deployer", **SUMMARISER), as_of=AS_OF)
    assert ids(before.obligations) == ["art4_ai_literacy"]
    after = classify(case("deployer", **SUMMARISER, role_develops=True), as_of=AS_OF)
    assert "art50_2_marking" in ids(after.obligations)
    assert after.roles == ["deployer", "provider"]
    (p,) = [p for p in after.problems if p.code == "contradiction"]
    assert p.path == "compliance.ai_act.role" and "Art 3(3)" in p.message
    assert p.fix.startswith("set role: provider")
    assert p in check_answers(case("deployer", **SUMMARISER, role_develops=True))


def test_unanswered_role_questions_leave_the_declared_role_and_are_open():
    c = classify(case("deployer", **SUMMARISER), as_of=AS_OF)
    assert c.roles == ["deployer"] and not c.provisional
    open_ids = [q.id for q in c.open_questions]
    assert {"role_develops", "role_uses", "role_importer"} <= set(open_ids)
    assert "role_builds_on_gpai" not in open_ids  # asked once role_develops is yes or unsure


def test_importer_answer_brings_the_importer_checks():
    high_risk = {"annex3_areas": ["education"], "annex3_education": ["3b"], "profiling": True,
                 "art25_own_name": False, "art25_substantial_modification": False,
                 "art25_changed_purpose": False, "deployer_type": "private",
                 "used_at_workplace": False, "decisions_about_persons": False,
                 "legal_or_significant_effects": False}
    c = classify(case("deployer", **high_risk, role_importer=True), as_of=AS_OF)
    assert c.roles == ["deployer", "importer"]
    assert "art23_importer" in ids(c.obligations)
    assert "art26_1_use_per_instructions" in ids(c.obligations)


def test_product_manufacturer_of_an_annex_i_section_a_product_is_the_provider_art_25_3():
    lift = {"annex1_relation": "safety_component", "annex1_legislation": "lifts",
            "annex1_third_party_assessment": True, "annex1_solely_non_safety": False,
            "annex1_assessment_not_for_safety": False}
    c = classify(case("product_manufacturer", **lift, role_product_manufacturer=True),
                 as_of=AS_OF)
    assert c.tier == "high_risk" and c.roles == ["product_manufacturer", "provider"]
    assert "Art 25(3)" in articles(c)
    assert {"art9_rms", "art43_conformity_assessment"} <= set(ids(c.obligations))
    assert "Art 25 role shift to provider" in c.signoff_reasons
