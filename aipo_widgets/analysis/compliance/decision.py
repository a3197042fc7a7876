"""The AI Act decision list D0-D11 for one AI system and our role (D12, the GDPR: gdpr.py).

:class:`Decision` walks the steps once, reading answers through the stricter-branch
:class:`~aipo_widgets.analysis.compliance.answers.Walk`, and records each step, the articles
relied on, the tier, route, Annex III points, Art 50 duties and the deployer add-ons;
classify() and relevant_questions() both read it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from aipo_widgets.analysis.compliance.answers import Answers, Walk, holds
from aipo_widgets.analysis.compliance.gdpr import gdpr_overlay
from aipo_widgets.analysis.compliance.results import GDPRResult, Step
from aipo_widgets.analysis.compliance.rulebook import (
    AREA_NUMBER,
    AREA_QUESTION,
    ART5,
    NEW_PROHIBITIONS,
    POINT_EXCLUSION,
    STEP_ORDER,
    Question,
    Rulebook,
)
from aipo_widgets.model import schema as spec

#: The role questions: (question, the role a yes gives, the article, why).
_ROLE_QUESTIONS = (
    ("role_develops", "provider", "Art 3(3)", "we develop the AI system (or have it developed) "
     "and put it into service or place it on the market under our name"),
    ("role_builds_on_gpai", "", "Art 3(68)", "built on another company's GPAI model"),
    ("role_uses", "deployer", "Art 3(4)", "we use the system under our authority"),
    ("role_importer", "importer", "Art 3(6)", "we place a non-EU provider's system on the EU "
     "market"),
    ("role_distributor", "distributor", "Art 3(7)", "we make another's system available on the "
     "EU market"),
    ("role_product_manufacturer", "product_manufacturer", "Art 3(8)", "the AI system is a "
     "safety component of our Annex I product"),
)


class Decision:
    """Evaluates D0-D12 once; classify() and relevant_questions() both read it."""

    def __init__(self, rb: Rulebook, c: spec.Compliance, dm: spec.DataMap,
                 risks: Sequence[spec.Risk] | None = None):
        self.rb = rb
        self.c = c
        self.dm = dm
        self.risks = risks
        self.answers = Answers(rb, c, dm)
        self.w = Walk(self.answers)
        self.steps: list[Step] = []
        self.articles: list[dict] = []
        self.notes: list[str] = []
        self.stop: str | None = None  # step of a definite stop
        self.tier: str = "minimal"
        self.would_be: str | None = None
        self.route: list[str] = []
        self.points: list[str] = []
        self.annex_i: dict | None = None
        self.art5: list[str] = []
        self.transparency: list[str] = []
        self.legacy_generator = False
        self.gpai: str | None = None
        self.gpai_flags: set[str] = set()
        self.derogation = False
        self.has_6_3_condition = False
        self.roles: list[str] = [c.ai_act.role]
        self.role_rule = "declared role"
        self.answer_roles: list[str] = [c.ai_act.role]  # declared and from the role questions
        self.art25_shift = False
        self.addons: set[str] = set()
        self.foss = False
        self.gdpr_facts: dict[str, bool] = {}
        self.gdpr: GDPRResult  # set by _gdpr(), which every path of run() ends with
        self.run()

    # -- helpers --------------------------------------------------------------------------------

    def _step(self, step: str, outcome: str, rule: str, qids: Iterable[str]) -> None:
        qids = list(qids)
        self.steps.append(Step(
            step=step, title=self.rb.steps.get(step, step), outcome=outcome, rule=rule,
            questions={q: self.w.used.get(q) for q in qids if q in self.w.used},
            assumed=[q for q in qids if q in self.w.assumed],
        ))

    def _cite(self, article: str, reason: str) -> None:
        self.articles.append({"article": article, "reason": reason})

    # -- the walk -------------------------------------------------------------------------------

    def run(self) -> None:
        """Walk D0-D12 (called once, by the constructor)."""
        w = self.w
        # D0
        if w.get("is_ai_system") is False:
            self._step("D0", "out_of_scope", "not an AI system in the sense of Art 3(1)",
                       ["is_ai_system"])
            self._cite("Art 3(1)", "not an AI system")
            self._out("D0")
            return
        self._step("D0", "AI system", "an AI system in the sense of Art 3(1)"
                   + (" (assumed)" if "is_ai_system" in w.assumed else ""), ["is_ai_system"])
        # D1
        if w.get("eu_nexus") is False:
            self._step("D1", "out_of_scope", "no EU market, deployer or output (Art 2(1))",
                       ["eu_nexus"])
            self._cite("Art 2(1)", "no EU nexus")
            self._out("D1")
            return
        self._step("D1", "in scope", "EU nexus under Art 2(1)", ["eu_nexus"])
        # D2
        excl = [e for e in (w.get("exclusions") or []) if e != "none"]
        self.foss = w.get("open_source_release") is True
        if excl:
            q = self.rb.questions["exclusions"]
            arts = [o.article for o in q.options if o.value in excl]
            self._step("D2", "out_of_scope", "excluded: " + ", ".join(excl), ["exclusions"])
            for a, e in zip(arts, excl, strict=True):
                self._cite(a, f"exclusion: {e.replace('_', ' ')}")
            self._out("D2")
            return
        self._step("D2", "no exclusion", "no Art 2 exclusion applies"
                   + ("; released as FOSS (Art 2(12) applied at the end)" if self.foss else ""),
                   ["exclusions", "open_source_release"])
        # D3, first part: the roles the answers give (the Art 25 shift needs the tier)
        self._roles()
        # D4 (before the rest: a prohibited practice ends the analysis)
        self._art5()
        definite_prohibited = self.tier == "prohibited" and self.stop == "D4"
        if definite_prohibited:
            self._gdpr()
            return
        prohibited_assumed = self.tier == "prohibited"
        # D5
        self._gpai()
        # D6, D7, D8
        annex_i = self._annex_i()
        self._annex_iii()
        high_risk = annex_i or (bool(self.points) and not self.derogation)
        if high_risk:
            self.route = (["annex_i"] if annex_i else []) + (
                ["annex_iii"] if self.points and not self.derogation else [])
        elif self.derogation:
            self.route = ["annex_iii"]
        # D3 (needs the high-risk answer)
        self._art25(high_risk)
        # D9
        self._art50()
        # tier
        if high_risk:
            tier = "high_risk"
        elif self.derogation:
            tier = "not_high_risk_by_derogation"
        elif self.transparency:
            tier = "limited"
        else:
            tier = "minimal"
        if tier == "minimal" and self.foss:
            self._cite("Art 2(12)", "FOSS system that is neither high-risk nor under Art 5 or 50")
            tier = "out_of_scope"
            self._step("D10", "out_of_scope", "free and open-source, not high-risk, not Art 5 or"
                       " Art 50 (Art 2(12))", ["open_source_release"])
        elif tier == "minimal":
            self._cite("Art 95", "minimal risk: voluntary codes of conduct")
            self._step("D10", "minimal", "no Art 5 practice, not high-risk, no Art 50 trigger",
                       [])
        if prohibited_assumed:
            self.would_be = tier
        else:
            self.tier = tier
        # D11
        if high_risk:
            self._deployer_addons()
        self._gdpr()

    def _out(self, step: str) -> None:
        self.tier = "out_of_scope"
        if all(q not in self.w.assumed for s in self.steps for q in s.questions):
            self.stop = step
        self._gdpr()

    def _art5(self) -> None:
        w = self.w
        hits, definite, qids = [], True, []
        for qid, (carve, point) in ART5.items():
            qids.append(qid)
            hit = w.get(qid) is True
            carved = False
            if hit and carve is not None:
                # The carve-out is read only when the practice is (or may be) present.
                qids.append(carve)
                carved = w.get(carve) is True
            if carved:
                self._carve_out(point)
                continue
            if hit:
                hits.append(point)
                if not w.definite(qid) or (carve is not None and not w.definite(carve)):
                    definite = False
        if hits:
            self.tier = "prohibited"
            self.art5 = hits
            for p in hits:
                self._cite(f"Art 5(1)({p})", "prohibited practice"
                           + (" (from 2 Dec 2026)" if p in NEW_PROHIBITIONS else ""))
            rule = "prohibited practice: Art 5(1)(" + "), (".join(hits) + ")"
            if definite:
                self.stop = "D4"
                rule += "; stop: redesign the use case or abandon it"
            else:
                rule += " - assumed from unanswered or unsure answers; the analysis continues to "\
                        "show the tier otherwise"
            self._step("D4", "prohibited", rule, qids)
        else:
            self._step("D4", "not prohibited", "no Art 5(1) practice", qids)

    def _carve_out(self, point: str) -> None:
        # Carve-outs that move a practice into Annex III rather than out of the Act.
        if point == "h":
            self.points.append("1a")
            self._cite("Art 5(1)(h)(i)-(iii), 5(2)-(7)", "authorised real-time RBI exception; "
                       "the system is Annex III 1(a) high-risk")
        elif point == "f":
            self.points.append("1c")
            self._cite("Art 5(1)(f)", "emotion recognition for medical or safety reasons: not "
                       "prohibited, Annex III 1(c) high-risk")
        elif point == "g":
            self._cite("Art 5(1)(g)", "labelling/filtering of lawfully acquired biometric data "
                       "or law-enforcement categorisation: carve-out applies")
        elif point == "d":
            self._cite("Art 5(1)(d)", "supports a human assessment based on objective facts: "
                       "not prohibited; Annex III 6(d) if used by law enforcement")
        elif point == "ba":
            self._cite("Art 5(1a), 5(1b)", "carve-out of Art 5(1)(ba) applies")

    def _gpai(self) -> None:
        w = self.w
        qids = ["gpai_model_provider"]
        if w.get("gpai_model_provider") is True:
            qids += ["gpai_systemic_risk", "gpai_open_source", "gpai_provider_outside_eu",
                     "gpai_placed_before_2025_08_02"]
            systemic = w.get("gpai_systemic_risk") is True
            foss = w.get("gpai_open_source") is True
            self.gpai = "gpai_systemic" if systemic else "gpai"
            self.gpai_flags.add("gpai_model")
            if systemic:
                self.gpai_flags.add("gpai_systemic")
                self._cite("Arts 51, 52, 55", "GPAI model with systemic risk")
            if not (foss and not systemic):
                self.gpai_flags.add("gpai_documentation")
            if w.get("gpai_provider_outside_eu") is True:
                self.gpai_flags.add("gpai_non_eu")
            self.gpai_flags.add("gpai_legacy" if w.get("gpai_placed_before_2025_08_02") is True
                                else "not_gpai_legacy")
            self._cite("Art 53", "we place a general-purpose AI model on the market")
            self._step("D5", self.gpai, "GPAI model obligations apply in parallel to the "
                       "system's tier", qids)
        else:
            self._step("D5", "no GPAI model", "we do not place a GPAI model on the market", qids)

    def _annex_i(self) -> bool:
        w = self.w
        qids = ["annex1_relation"]
        relation = w.get("annex1_relation")
        if relation == "neither":
            self._step("D6", "not Annex I", "neither an Annex I product nor a safety component",
                       qids)
            return False
        qids += ["annex1_legislation", "annex1_third_party_assessment"]
        legislation = w.get("annex1_legislation")
        if relation == "safety_component":
            qids.append("annex1_solely_non_safety")
            if w.get("annex1_solely_non_safety") is True:
                qids.append("annex1_failure_endangers_safety")
                if w.get("annex1_failure_endangers_safety") is not True:
                    self._cite("Art 6(1a)", "AI used solely for non-safety assistance, "
                               "optimisation, efficiency, automation, convenience or quality "
                               "control is not a safety component")
                    self._step("D6", "not Annex I", "not a safety component (Art 6(1a))", qids)
                    return False
        third_party = w.get("annex1_third_party_assessment") is True
        if third_party:
            qids.append("annex1_assessment_not_for_safety")
            if w.get("annex1_assessment_not_for_safety") is True:
                self._cite("Art 6(1c)", "third-party assessment needed only for reasons other "
                           "than health and safety")
                self._step("D6", "not Annex I", "condition 6(1)(b) not met (Art 6(1c))", qids)
                return False
        if not third_party:
            self._step("D6", "not Annex I", "no third-party conformity assessment "
                       "(Art 6(1)(b) not met)", qids)
            return False
        info = self.rb.annex_i_legislation.get(legislation, {"label": legislation, "section": "A"})
        self.annex_i = {"legislation": legislation, "label": info["label"],
                        "section": info["section"], "relation": relation}
        what = ("itself a product" if relation == "product" else "a safety component of a "
                "product")
        self._cite("Art 6(1), Annex I", f"{what} under {info['label']} with third-party "
                   "conformity assessment")
        if info["section"] == "B":
            self._cite("Art 2(2)", "Annex I Section B: the requirements apply through the "
                       "sectoral act")
        self._step("D6", "high_risk (Annex I)", f"{what} under {info['label']} (Section "
                   f"{info['section']}) that needs third-party conformity assessment", qids)
        return True

    def _annex_iii(self) -> None:
        w = self.w
        qids = ["annex3_areas"]
        areas = w.get("annex3_areas")
        matched: list[str] = list(self.points)  # from Art 5 carve-outs
        excluded: list[str] = []
        if areas == "any":
            matched.append("?")
        else:
            for area in areas or []:
                if area == "none":
                    continue
                q = AREA_QUESTION[area]
                qids.append(q)
                n = AREA_NUMBER[area]
                if area == "critical_infrastructure":
                    if w.get(q) is True:
                        matched.append("2")
                    continue
                pts = w.get(q)
                if pts == "any":
                    matched.append(f"{n}?")
                    continue
                for p in pts or []:
                    if p == "none":
                        continue
                    if p in POINT_EXCLUSION:
                        ex_q, words = POINT_EXCLUSION[p]
                        qids.append(ex_q)
                        if w.get(ex_q) is True:
                            excluded.append(p)
                            self._cite(f"Annex III {p[0]}({p[1]})", f"excluded: {words}")
                            continue
                    matched.append(p)
        self.points = list(dict.fromkeys(matched))
        if not self.points:
            rule = "the intended purpose matches no Annex III point"
            if excluded:
                rule += " (excluded: " + ", ".join(excluded) + ")"
            self._step("D7", "not Annex III", rule, qids)
            return
        self._step("D7", "Annex III", "matches Annex III " + ", ".join(self.points)
                   + (" (the exact point is not answered)" if any("?" in p for p in self.points)
                      else ""), qids)
        # D8
        d8 = ["profiling"]
        if w.get("profiling") is True:
            for p in self.points:
                self._cite(point_article(p), "intended purpose in Annex III")
            self._cite("Art 6(3) last subparagraph", "profiling of natural persons: always "
                       "high-risk")
            self._step("D8", "high_risk (Annex III)", "profiles natural persons, so the Art 6(3) "
                       "derogation is not available", d8)
            return
        d8.append("art6_3_conditions")
        conds = [x for x in (w.get("art6_3_conditions") or []) if x != "none"]
        self.has_6_3_condition = bool(conds)
        if conds:
            d8.append("art6_3_no_significant_risk")
            if w.get("art6_3_no_significant_risk") is True:
                self.derogation = True
                letters = {"narrow_procedural": "a", "improves_human_result": "b",
                           "pattern_deviation": "c", "preparatory": "d"}
                for c in conds:
                    self._cite(f"Art 6(3)({letters[c]})", c.replace("_", " "))
                self._cite("Art 6(4), Art 49(2)", "document the assessment and register")
                self._step("D8", "not_high_risk_by_derogation", "Art 6(3) condition(s) "
                           + ", ".join(conds) + " and no significant risk of harm", d8)
                return
        for p in self.points:
            self._cite(point_article(p), "intended purpose in Annex III")
        self._step("D8", "high_risk (Annex III)", "no Art 6(3) condition, or a significant risk "
                   "of harm remains", d8)

    def _roles(self) -> None:
        """Add the roles the role questions give to the declared one (Art 3(3)-(8))."""
        declared = self.c.ai_act.role
        found: list[str] = []
        for qid, role, article, reason in _ROLE_QUESTIONS:
            value = self.w.explicit(qid)
            if value is None:
                continue
            self.w.used[qid] = value
            if value is True and role:
                found.append(role)
                self._cite(article, reason)
        if self.w.explicit("role_builds_on_gpai") is True and "provider" in found:
            self._cite("Art 3(68), Art 53(1)(b)", "downstream provider: the model's provider "
                       "owes us the Annex XII information")
        self.roles = list(dict.fromkeys([declared, *found]))
        self.answer_roles = list(self.roles)
        added = [r for r in self.roles if r != declared]
        self.role_rule = f"declared role {declared}" + (
            "; from the answers also " + ", ".join(added) if added else "")

    def _art25(self, high_risk: bool) -> None:
        role_qids = [q for q, *_ in _ROLE_QUESTIONS if q in self.w.used]
        if ("product_manufacturer" in self.roles and high_risk and self.annex_i is not None
                and self.annex_i["section"] == "A" and "provider" not in self.roles):
            self.roles.append("provider")
            self.art25_shift = True
            self._cite("Art 25(3)", "product manufacturer of an Annex I Section A product whose "
                       "safety component is the high-risk AI system: considered its provider")
            self.role_rule += "; provider as the product manufacturer (Art 25(3))"
        qids = ["art25_own_name", "art25_substantial_modification", "art25_changed_purpose"]
        if "provider" in self.roles or not high_risk:
            self._step("D3", ", ".join(self.roles), self.role_rule
                       + ("" if high_risk else "; Art 25(1) only concerns high-risk systems"),
                       role_qids)
            return
        shifts = [q for q in qids if self.w.get(q) is True]
        if shifts:
            self.roles = list(dict.fromkeys([*self.roles, "provider"]))
            self.art25_shift = True
            letters = {"art25_own_name": "a", "art25_substantial_modification": "b",
                       "art25_changed_purpose": "c"}
            for q in shifts:
                self._cite(f"Art 25(1)({letters[q]})", "we become the provider of the "
                           "high-risk system")
            self._step("D3", "provider (Art 25)", self.role_rule + "; role shift under Art "
                       "25(1)(" + "), (".join(letters[q] for q in shifts) + ")",
                       role_qids + qids)
        else:
            self._step("D3", ", ".join(self.roles), self.role_rule + "; no Art 25(1) shift",
                       role_qids + qids)

    def _art50(self) -> None:
        w = self.w
        qids = ["interacts_with_persons"]
        if w.get("interacts_with_persons") is True:
            qids.append("interaction_obvious")
            if w.get("interaction_obvious") is not True:
                self.transparency.append("50(1)")
                self._cite("Art 50(1)", "interacts directly with natural persons")
        qids.append("generates_synthetic_content")
        if w.get("generates_synthetic_content") is True:
            qids += ["synthetic_standard_editing_only", "placed_on_market_before_2026_08_02"]
            if w.get("synthetic_standard_editing_only") is not True:
                self.transparency.append("50(2)")
                self.legacy_generator = w.get("placed_on_market_before_2026_08_02") is True
                self._cite("Art 50(2)", "generates synthetic content"
                           + (" (legacy system: Art 111(4))" if self.legacy_generator else ""))
        qids.append("emotion_or_biometric_categorisation")
        if w.get("emotion_or_biometric_categorisation") is True or {"1b", "1c"} & set(
            self.points
        ):
            self.transparency.append("50(3)")
            self._cite("Art 50(3)", "emotion recognition or biometric categorisation")
        qids.append("deep_fake")
        if w.get("deep_fake") is True:
            qids.append("deep_fake_artistic")
            self.transparency.append("50(4) deep fake")
            artistic = w.get("deep_fake_artistic") is True
            self._cite("Art 50(4) first subparagraph", "deep fake"
                       + (" in an evidently artistic work: limited disclosure" if artistic
                          else ""))
        qids.append("public_interest_text")
        if w.get("public_interest_text") is True:
            qids.append("public_interest_text_editorial_control")
            if w.get("public_interest_text_editorial_control") is not True:
                self.transparency.append("50(4) text")
                self._cite("Art 50(4) second subparagraph", "AI text on matters of public "
                           "interest without editorial responsibility")
        if self.transparency:
            self._step("D9", "transparency", "Art " + ", ".join(self.transparency), qids)
        else:
            self._step("D9", "no transparency duty", "no Art 50 trigger", qids)

    def _deployer_addons(self) -> None:
        w = self.w
        if "deployer" not in self.roles:
            return
        qids = ["deployer_type", "used_at_workplace"]
        dtype = w.get("deployer_type")
        annex_iii = "annex_iii" in self.route
        areas = {p[0] for p in self.points}
        beyond_point_2 = annex_iii and bool(areas - {"2"})
        credit_or_insurance = bool({"5b", "5c"} & set(self.points))
        if beyond_point_2 and (dtype in ("public_authority", "public_service_provider")
                               or credit_or_insurance):
            self.addons.add("fria")
            self._cite("Art 27", "fundamental-rights impact assessment: "
                       + ("Annex III 5(b)/5(c) deployer" if credit_or_insurance
                          else "public body or public-service provider"))
        if dtype == "public_authority":
            self.addons.add("public_authority")
            self._cite("Art 26(8), Art 49(3)", "public-authority deployer registers its use")
        if w.get("used_at_workplace") is True:
            self.addons.add("inform_workers")
            self._cite("Art 26(7)", "used at the workplace")
        if annex_iii:
            qids += ["decisions_about_persons", "legal_or_significant_effects"]
            if w.get("decisions_about_persons") is True:
                self.addons.add("inform_persons")
                self._cite("Art 26(11)", "makes or assists decisions about natural persons")
            if beyond_point_2 and w.get("legal_or_significant_effects") is True:
                self.addons.add("art86")
                self._cite("Art 86", "right to explanation of individual decision-making")
        self._step("D11", ", ".join(sorted(self.addons)) or "none",
                   "deployer add-ons for a high-risk system", qids)

    # -- GDPR (D12) -----------------------------------------------------------------------------

    def _gdpr(self) -> None:
        overlay = gdpr_overlay(self.rb, self.c, self.dm, self.answers, self.w, self.risks)
        self.gdpr = overlay.result
        self.gdpr_facts = overlay.facts
        self.steps.append(overlay.step)

    # -- facts for ask_if -----------------------------------------------------------------------

    def facts(self) -> dict[str, bool]:
        """Return the facts the questions' ``ask_if`` conditions read."""
        high = self.tier == "high_risk" or self.would_be == "high_risk"
        return {
            # Before the Art 25 shift: the shift questions are asked of a non-provider.
            "not_provider": "provider" not in self.answer_roles,
            "deployer": "deployer" in self.roles,
            "high_risk": high,
            "high_risk_annex_iii": high and "annex_iii" in self.route,
            "annex3_match": bool(self.points) or self.derogation,
            "art6_3_condition": self.has_6_3_condition,
            **self.gdpr_facts,
        }


def point_article(p: str) -> str:
    """Return the article text of an Annex III point ("4a" -> "Annex III 4(a)")."""
    if p == "?":
        return "Annex III (area not answered)"
    if p.endswith("?"):
        return f"Annex III {p[0]} (point not answered)"
    if len(p) == 1:
        return f"Annex III {p}"
    return f"Annex III {p[0]}({p[1:]})"


def relevant(d: Decision) -> list[Question]:
    """Return the questions relevant after the walk ``d``, in questionnaire order."""
    facts = d.facts()
    stop_index = STEP_ORDER.index(d.stop) if d.stop else len(STEP_ORDER)
    out = []
    for q in d.rb.questions.values():
        if q.section == "ai_act" and STEP_ORDER.index(q.step) > stop_index:
            continue
        if holds(q.ask_if, d.answers, facts):
            out.append(q)
    return out
