"""EU AI Act classification and GDPR checks: tier, route, articles, obligations with dates.

The questionnaire, its help texts with their articles, its order and branching, the
obligations table and the dates with their legal basis live in one data file,
``aipo_widgets/analysis/data/ai_act.yaml`` (the *rulebook*); the dates have already changed once
(Regulation (EU) 2026/1744) and will change again.  This package holds the decision logic:
a decision list D0-D12 in the Regulation's own order (the AI system definition of Art 3(1),
scope in Art 2, prohibitions in Art 5, high risk in Art 6 with Annexes I and III, transparency
in Art 50, then the GDPR overlay), evaluated per AI system and for our role.

=================== =========================================================================
module              what it holds
=================== =========================================================================
``rulebook``        the data file read and checked: questions, options, dates, obligations
``answers``         the answers normalised and checked (unknown ids, bad values), the
                    stricter branch
``consistency``     answers that contradict each other; what ``aipo validate`` checks
``decision``        the AI Act walk D0-D11 (our roles included) and the relevant questions
``gdpr``            the GDPR overlay D12: lawful basis, Art 9 cross-checks, Art 22, DPIA,
                    information duties and the right to object
``obligations``     the obligations for our roles and the dates they apply from
``results``         what a classification returns
``classification``  :func:`classify`, :func:`classify_workspace`, :func:`relevant_questions`
=================== =========================================================================

==== =====================================================================================
step what is decided
==== =====================================================================================
D0   AI system (Art 3(1))? no: out of scope (GDPR may still apply)
D1   EU nexus (Art 2(1))? no: out of scope
D2   exclusions (Art 2(3), (6), (8), (10)): out of scope; FOSS (Art 2(12)) applied at the end
D4   Art 5 screen, each point with its carve-out: any hit -> **prohibited**
D5   GPAI model axis (Arts 51-55), independent of the tier
D6   Annex I route (Art 6(1) with 6(1a)-(1c)) -> **high_risk**
D7   Annex III areas and points, with their exclusions (1(a) verification, 5(b) fraud
     detection, 7(d) travel documents, 8(b) tools nobody is exposed to)
D8   Art 6(3) filter: profiling -> high-risk; a condition (a)-(d) and no significant risk ->
     **not_high_risk_by_derogation** (document, Art 6(4); register, Art 49(2))
D3   Art 25(1) role shift, once the high-risk question is settled: we become the provider
D9   Art 50 triggers (stack on any tier) -> at least **limited**
D10  otherwise **minimal** (a FOSS system that would be minimal is out of scope, Art 2(12))
D11  deployer add-ons for high-risk: FRIA (Art 27), inform workers (26(7)), inform persons
     (26(11)), explanations (Art 86), registration by public authorities (26(8))
D12  GDPR overlay: lawful basis per personal-data source of the data map, Art 9 condition for
     special categories, Art 10, Art 22 solely automated decisions, DPIA triggers (Art 35(3)
     and the nine WP248/EDPB criteria: two or more -> a DPIA is likely required)
==== =====================================================================================

**Unanswered or "unsure" answers take the stricter branch** (the value each question's
``stricter`` field names: "yes, it is an AI system", "yes, it may be an Art 5 practice", "no
exclusion applies", ...) and the result says so: the assumption is listed, the question is an
open question, the result is ``provisional`` and ``legal_signoff_required`` is set.  A blank
questionnaire is therefore classified *prohibited (provisional)* until the Art 5 screen is
answered - the honest answer to "we have not checked".

Answers come from the workspace's ``compliance`` section: ``ai_act.answers`` (question id ->
true / false / "unsure" / an option / a list of options), ``ai_act.role``, ``gdpr.answers``,
``gdpr.dpia``; the GDPR checks also read ``data_map``.  An answer under an unknown id is a
reported problem with a did-you-mean, never silently ignored.

The result (:class:`Classification`) explains itself: every step with the questions it used, the
answers (and assumptions), the outcome and the rule; the articles relied on; the obligations
for our role, each with the date it applies from, its legal basis and whether it applies on the
as-of date; the obligations of the other operators of the same system for reference; open
questions; problems.  It is a decision aid for the product owner and the lawyer, not legal
advice: ``legal_signoff_required`` says when a lawyer must confirm it.

Examples
--------
>>> import datetime as dt
>>> no = dict.fromkeys(ART5_QUESTIONS, False)
>>> cv_ranking = {"ai_act": {"role": "deployer", "answers": {
...     "is_ai_system": True, "eu_nexus": True, "exclusions": ["none"], **no,
...     "gpai_model_provider": False, "annex1_relation": "neither",
...     "annex3_areas": ["employment"], "annex3_employment": ["4a"], "profiling": True,
...     "interacts_with_persons": False, "generates_synthetic_content": False,
...     "emotion_or_biometric_categorisation": False, "deep_fake": False,
...     "public_interest_text": False, "art25_own_name": False,
...     "art25_substantial_modification": False, "art25_changed_purpose": False,
...     "deployer_type": "private", "used_at_workplace": True, "decisions_about_persons": True,
...     "legal_or_significant_effects": True}}}
>>> c = classify(cv_ranking, as_of=dt.date(2026, 11, 26))
>>> c.tier, c.route, c.annex_iii_points
('high_risk', ['annex_iii'], ['4a'])
>>> c.tier_applies_from, c.tier_applies_now
(datetime.date(2027, 12, 2), False)
>>> [o.id for o in c.obligations if o.id.startswith("art26_7")]
['art26_7_inform_workers']
>>> c.legal_signoff_required
True
"""

from __future__ import annotations

from aipo_widgets.analysis.compliance.classification import (
    classify,
    classify_workspace,
    relevant_questions,
)
from aipo_widgets.analysis.compliance.consistency import check_answers
from aipo_widgets.analysis.compliance.gdpr import art9_problems
from aipo_widgets.analysis.compliance.results import (
    Classification,
    GDPRResult,
    Obligation,
    OpenQuestion,
    Step,
)
from aipo_widgets.analysis.compliance.rulebook import (
    ART5_QUESTIONS,
    TIERS,
    Question,
    Rulebook,
    load_rulebook,
    questions,
)

__all__ = [
    "ART5_QUESTIONS",
    "TIERS",
    "Classification",
    "GDPRResult",
    "Obligation",
    "OpenQuestion",
    "Question",
    "Rulebook",
    "Step",
    "art9_problems",
    "check_answers",
    "classify",
    "classify_workspace",
    "load_rulebook",
    "questions",
    "relevant_questions",
]
