"""The GDPR overlay (step D12): lawful basis and Art 9 condition per source, Art 22, the DPIA.

It reads the data map's personal-data sources and the ``compliance.gdpr`` answers; the AI Act
walk (:mod:`aipo_widgets.analysis.compliance.decision`) calls it once the tier is settled, and
the questionnaire's ``ask_if`` conditions read the facts it finds (special categories, Art 22).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aipo_widgets.analysis.compliance.answers import Answers, Walk
from aipo_widgets.analysis.compliance.results import GDPRDuty, GDPRResult, SourceCheck, Step
from aipo_widgets.analysis.compliance.rulebook import Rulebook
from aipo_widgets.errors import Problem
from aipo_widgets.model import schema as spec


@dataclass
class Overlay:
    """What step D12 found: the result, the facts the questionnaire branches on, the step."""

    result: GDPRResult
    facts: dict[str, bool]
    step: Step


def gdpr_overlay(rb: Rulebook, c: spec.Compliance, dm: spec.DataMap, answers: Answers,
                 w: Walk, risks: Sequence[spec.Risk] | None = None) -> Overlay:
    """Run the GDPR checks of step D12 on the data map and the GDPR answers.

    Unanswered questions take their stricter branch through ``w`` (and are recorded there).
    With ``risks`` (the register), a source with special categories must have a risk.
    """
    a = answers
    problems: list[Problem] = []
    sources = [(i, s) for i, s in enumerate(dm.sources) if s.personal_data]
    pd_value, pd_state = a.state("personal_data")
    if sources:
        personal = True
        if pd_state == "answered" and pd_value is False:
            problems.append(Problem(
                "'personal_data' is answered no, but the data map marks "
                + ", ".join(s.id for _, s in sources) + " as personal data",
                path="compliance.gdpr.answers.personal_data",
                fix="correct the answer or the data map", code="conflict"))
        w.used["personal_data"] = True
    else:
        personal = w.get("personal_data") is True
    special = any(s.special_categories for _, s in sources)
    criminal = any("criminal" in s.special_categories for _, s in sources)
    legit = any(s.lawful_basis == "legitimate_interests" for _, s in sources)
    objection = any(s.lawful_basis in ("legitimate_interests", "public_task") for _, s in sources)
    duties: list[GDPRDuty] = []
    checks: list[SourceCheck] = []
    art22 = False
    exception = None
    triggers: list[str] = []
    criteria: list[str] = []
    outcome = "not_applicable"
    if personal:
        public = w.get("public_authority") is True if legit else False
        for i, s in sources:
            msgs = []
            path = f"data_map.sources[{i}]"
            if s.lawful_basis is None:
                msgs.append("personal data without a lawful basis (GDPR Art 6(1))")
                problems.append(Problem(f"data source '{s.id}' holds personal data but has "
                                        "no lawful basis", path=f"{path}.lawful_basis",
                                        fix="set the GDPR Art 6(1) basis, with the DPO",
                                        code="lawful_basis_missing"))
            if s.lawful_basis == "legitimate_interests" and public:
                msgs.append("legitimate interests are not available to a public authority "
                            "performing its tasks")
                problems.append(Problem(f"data source '{s.id}' relies on legitimate "
                                        "interests, which a public authority cannot use for "
                                        "its tasks (GDPR Art 6(1) second subparagraph)",
                                        path=f"{path}.lawful_basis",
                                        fix="use public task (Art 6(1)(e)) or another basis",
                                        code="lawful_basis_invalid"))
            cond = None
            art9 = [c for c in s.special_categories if c != "criminal"]
            if art9:
                if s.art9_condition is not None:
                    cond = s.art9_condition
                elif s.id in a.art9_by_source and a.art9_by_source[s.id][1] == "answered":
                    cond = a.art9_by_source[s.id][0]
                else:
                    cond = w.get("art9_condition")
                    if cond == "unsure":
                        cond = None
                if cond in (None, "none"):
                    msgs.append("special categories without an Art 9(2) condition")
                    problems.append(Problem(
                        f"data source '{s.id}' holds special categories ("
                        + ", ".join(art9) + ") without an Art 9(2) condition",
                        path=f"{path}.art9_condition",
                        fix=f"name the Art 9(2) condition in {path}.art9_condition (in "
                        "addition to the Art 6 basis)",
                        code="art9_condition_missing"))
                problems.extend(_art9_risk(s, path, risks))
                if s.lawful_basis in ("legitimate_interests", "public_task"):
                    msgs.append("right to object (GDPR Art 21(1))")
                if "biometric" in art9:
                    msgs.append("biometric data is a special category when used to uniquely "
                                "identify a person")
            if "criminal" in s.special_categories and w.get("art10_authorised") is not True:
                msgs.append("criminal offence data without official authority or legal "
                            "authorisation (GDPR Art 10)")
                problems.append(Problem(f"data source '{s.id}' holds criminal offence data "
                                        "without an Art 10 authorisation",
                                        path="compliance.gdpr.answers.art10_authorised",
                                        fix="confirm the legal authorisation or drop the data",
                                        code="art10_missing"))
            checks.append(SourceCheck(s.id, s.name, s.lawful_basis, list(s.special_categories),
                                      cond, msgs))
        # Art 22
        if w.get("solely_automated_decision") is True and w.get(
            "legal_or_similar_effect"
        ) is True:
            art22 = True
            exception = w.get("art22_exception")
            if exception in (None, "none", "unsure"):
                problems.append(Problem("solely automated decisions with legal or similarly "
                                        "significant effects need an Art 22(2) exception",
                                        path="compliance.gdpr.answers.art22_exception",
                                        fix="add meaningful human review, or name the "
                                        "exception (contract, law, explicit consent)",
                                        code="art22_no_exception"))
            elif exception in ("contract", "explicit_consent") and w.get(
                "art22_safeguards"
            ) is not True:
                problems.append(Problem("Art 22(3) safeguards are missing: the right to "
                                        "human intervention, to express one's view and to "
                                        "contest the decision",
                                        path="compliance.gdpr.answers.art22_safeguards",
                                        fix="build the human-intervention and appeal path",
                                        code="art22_safeguards"))
            if special and not all(
                chk.art9_condition in ("explicit_consent", "substantial_public_interest")
                for chk in checks if any(x != "criminal" for x in chk.special_categories)
            ):
                problems.append(Problem("Art 22(4): if the automated decisions use the "
                                        "special categories, they need Art 9(2)(a) explicit "
                                        "consent or 9(2)(g) substantial public interest",
                                        path="data_map.sources",
                                        fix="change the condition or keep special "
                                        "categories out of the decision",
                                        code="art22_special_categories"))
        # DPIA
        problems.extend(_dpia_conflicts(a, [s for _, s in sources], c.gdpr.dpia.decision))
        for letter in "abc":
            if w.get(f"dpia_35_3_{letter}") is True:
                triggers.append(f"35(3)({letter})")
        derived = {
            "edpb_sensitive_data": special or criminal,
            "edpb_automated_decision": art22,
        }
        for q in rb.questions.values():
            if not q.id.startswith("edpb_"):
                continue
            explicit = w.explicit(q.id)
            if derived.get(q.id) and explicit is not True:
                criteria.append(f"{q.id} (derived)")
                w.used[q.id] = True
                continue
            if q.id == "edpb_innovative_technology" and explicit is None and (
                a.state("is_ai_system")[0] is not False
            ):
                criteria.append(f"{q.id} (derived: AI system)")
                w.used[q.id] = True
                continue
            if w.get(q.id) is True:
                criteria.append(q.id)
        if triggers:
            outcome = "required"
        elif len(criteria) >= 2:
            outcome = "likely_required"
        elif len(criteria) == 1:
            outcome = "consider"
        else:
            outcome = "not_indicated"
        decision = c.gdpr.dpia.decision
        if outcome in ("required", "likely_required") and decision in ("undecided",
                                                                       "not_required"):
            why = (", ".join(triggers) if triggers
                   else f"{len(criteria)} WP248 criteria")
            sensitive = [s.id for _, s in sources if s.special_categories]
            if sensitive:
                why += "; special categories in " + ", ".join(sensitive)
            problems.append(Problem(
                f"a DPIA is {outcome.replace('_', ' ')} ({why}) but the recorded decision is "
                f"'{decision}'", path="compliance.gdpr.dpia.decision",
                fix="carry out the DPIA before processing, or document with the DPO why it "
                "is not needed", code="dpia"))
        # Information duties (Art 13, 14) and the right to object (Art 21)
        duties = _duties(w, [s for _, s in sources], objection, problems)
    result = GDPRResult(
        personal_data=personal, sources=checks, art22_applies=art22,
        art22_exception=exception if art22 else None, dpia=outcome,
        dpia_triggers=triggers, edpb_criteria=criteria,
        dpia_decision=c.gdpr.dpia.decision, problems=problems, duties=duties,
    )
    rule = ("no personal data" if not personal else
            f"{len(checks)} personal-data source(s); DPIA {outcome.replace('_', ' ')}"
            + ("; Art 22 applies" if art22 else ""))
    step = Step("D12", rb.steps.get("D12", "D12"),
                "GDPR applies" if personal else "GDPR not engaged", rule, {}, [])
    facts = {
        "personal_data": personal,
        "special_categories": special,
        "criminal_data": criminal,
        "uses_legitimate_interests": legit,
        "art22_applies": art22,
        "objection_right": objection,
        # A special-category source without a condition of its own reads the general answer.
        "art9_condition_needed": any(
            s.art9_condition is None
            and a.art9_by_source.get(s.id, (None, "unanswered"))[1] != "answered"
            for _, s in sources if any(x != "criminal" for x in s.special_categories)),
    }
    return Overlay(result, facts, step)


def art9_problems(result: GDPRResult) -> list[Problem]:
    """Return the problems about special categories: no Art 9(2) condition, no risk, no DPIA.

    ``aipo validate`` warns of these and the discovery gate on special categories reads them:
    a source declaring health data (say) must have its condition, a risk in the register and a
    DPIA that the screening answers do not contradict.

    Examples
    --------
    >>> from aipo_widgets.analysis.compliance import classify
    >>> dm = {"sources": [{"id": "tickets", "name": "Tickets", "personal_data": True,
    ...                    "lawful_basis": "contract", "special_categories": ["health"]}]}
    >>> sorted(p.code for p in art9_problems(classify(None, dm, risks=[]).gdpr))
    ['art9_condition_missing', 'art9_no_risk', 'dpia']
    """
    special = any(s.special_categories for s in result.sources)
    return [p for p in result.problems
            if p.code in _ART9_CODES or (special and p.code == "dpia")]


_ART9_CODES = {"art9_condition_missing", "art9_no_risk", "art9_dpia_screening"}


def _art9_risk(s: spec.DataSource, path: str, risks: Sequence[spec.Risk] | None
               ) -> list[Problem]:
    """Return the problem of a special-category source that no risk covers (if risks given)."""
    if risks is None or s.risks:
        return []
    if any("GDPR Art 9" in article for r in risks for article in r.articles):
        return []  # a risk cites Art 9: the register covers it, if not linked by id
    cats = ", ".join(x for x in s.special_categories if x != "criminal")
    return [Problem(
        f"data source '{s.id}' holds special categories ({cats}, GDPR Art 9) but no risk of "
        "the register covers them", path=f"{path}.risks",
        fix="add a risk (what the data could cause if it leaks or reaches the model) and list "
        f"its id in {path}.risks", code="art9_no_risk")]


def _dpia_conflicts(a: Answers, sources: Sequence[spec.DataSource], decision: str
                    ) -> list[Problem]:
    """Return the DPIA screening answers that deny the data map's special categories."""
    sensitive = [s.id for s in sources if any(x != "criminal" for x in s.special_categories)]
    if not sensitive:
        return []
    problems = []
    names = ", ".join(sensitive)
    if a.state("edpb_sensitive_data") == (False, "answered"):
        problems.append(Problem(
            f"'edpb_sensitive_data' is answered no, but {names} hold special categories "
            "(GDPR Art 9): sensitive data is a WP248 criterion",
            path="compliance.gdpr.answers.edpb_sensitive_data",
            fix="answer true (the DPIA screening counts it), or correct the data map",
            code="art9_dpia_screening"))
    if decision in ("undecided", "not_required") and a.state("dpia_35_3_b") == (
        False, "answered"
    ) and a.state("edpb_large_scale") == (True, "answered"):
        problems.append(Problem(
            f"'dpia_35_3_b' is answered no, but {names} hold special categories and the "
            "processing is answered large-scale: Art 35(3)(b) then requires a DPIA",
            path="compliance.gdpr.answers.dpia_35_3_b",
            fix="answer true and carry out the DPIA, or explain with the DPO why the special "
            "categories are not processed on a large scale", code="art9_dpia_screening"))
    return problems


def _duties(w: Walk, sources: Sequence[spec.DataSource], objection: bool,
            problems: list[Problem]) -> list[GDPRDuty]:
    """Return the information duties (Art 13, 14) and the right to object, where it applies."""
    duties = []
    told = w.get("information_provided") is True
    duties.append(GDPRDuty(
        "GDPR Art 13, Art 14", "tell the people concerned of the processing: purposes, legal "
        "basis, recipients (the AI vendor too), retention, their rights",
        "personal data in " + (", ".join(s.id for s in sources) or "the system"), told))
    if not told:
        problems.append(Problem(
            "the people whose data the system processes are not (known to be) informed of it "
            "(GDPR Art 13, 14)", path="compliance.gdpr.answers.information_provided",
            fix="update the privacy notice where the data is collected (the AI purpose, the "
            "vendor as recipient) and answer true", code="information_missing"))
    if objection:
        ok = w.get("objection_process") is True
        basis = [s.id for s in sources if s.lawful_basis in ("legitimate_interests",
                                                             "public_task")]
        duties.append(GDPRDuty(
            "GDPR Art 21(1), 21(4)", "let people object, tell them so explicitly and "
            "separately, and stop processing their data unless compelling grounds override",
            "legitimate interests or public task in " + ", ".join(basis), ok))
        if not ok:
            problems.append(Problem(
                "sources relying on legitimate interests or a public task (" + ", ".join(basis)
                + ") give people a right to object, and no objection process is recorded "
                "(GDPR Art 21)", path="compliance.gdpr.answers.objection_process",
                fix="name the right in the privacy notice, separately, and build a way to "
                "exclude an objecting person's records; then answer true",
                code="objection_missing"))
    return duties
