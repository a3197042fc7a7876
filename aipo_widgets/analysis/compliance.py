"""EU AI Act classification and GDPR checks: tier, route, articles, obligations with dates.

The questionnaire, its help texts with their articles, its order and branching, the
obligations table and the dates with their legal basis live in one data file,
``aipo_widgets/analysis/data/ai_act.yaml`` (the *rulebook*); the dates have already changed once
(Regulation (EU) 2026/1744) and will change again.  This module holds the decision logic: the
decision list D0-D12 of the domain notes (DOMAIN.md section 1.9), evaluated per AI system and
for our role.

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

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from aipo_widgets._text import suggest
from aipo_widgets.errors import Problem, UsageError, WorkspaceError
from aipo_widgets.model import schema as spec

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
    "check_answers",
    "classify",
    "classify_workspace",
    "load_rulebook",
    "questions",
    "relevant_questions",
]

Tier = Literal[
    "prohibited", "high_risk", "not_high_risk_by_derogation", "limited", "minimal",
    "out_of_scope",
]
TIERS: tuple[Tier, ...] = (
    "prohibited", "high_risk", "not_high_risk_by_derogation", "limited", "minimal",
    "out_of_scope",
)
DATA_FILE = Path(__file__).parent / "data" / "ai_act.yaml"

#: The Art 5(1) screening questions, with their carve-out question (or None) and the point.
_ART5 = {
    "art5_a_manipulation": (None, "a"),
    "art5_b_vulnerabilities": (None, "b"),
    "art5_ba_intimate_imagery": ("art5_ba_carve_out", "ba"),
    "art5_bb_csam": (None, "bb"),
    "art5_c_social_scoring": (None, "c"),
    "art5_d_crime_prediction": ("art5_d_supports_human_assessment", "d"),
    "art5_e_face_scraping": (None, "e"),
    "art5_f_emotion_workplace_education": ("art5_f_medical_or_safety", "f"),
    "art5_g_biometric_categorisation": ("art5_g_labelling_or_law_enforcement", "g"),
    "art5_h_realtime_rbi_law_enforcement": ("art5_h_authorised_exception", "h"),
}
#: Ids of the ten Art 5(1) screening questions (handy for answering them all at once).
ART5_QUESTIONS: tuple[str, ...] = tuple(_ART5)
_NEW_PROHIBITIONS = {"ba", "bb"}
_AREA_QUESTION = {
    "biometrics": "annex3_biometrics",
    "critical_infrastructure": "annex3_critical_infrastructure",
    "education": "annex3_education",
    "employment": "annex3_employment",
    "essential_services": "annex3_essential_services",
    "law_enforcement": "annex3_law_enforcement",
    "migration": "annex3_migration",
    "justice_democracy": "annex3_justice_democracy",
}
_AREA_NUMBER = {
    "biometrics": "1", "critical_infrastructure": "2", "education": "3", "employment": "4",
    "essential_services": "5", "law_enforcement": "6", "migration": "7",
    "justice_democracy": "8",
}
_POINT_EXCLUSION = {
    "1a": ("annex3_1a_verification_only", "biometric verification only"),
    "5b": ("annex3_5b_fraud_detection", "financial fraud detection"),
    "7d": ("annex3_7d_travel_documents", "travel-document verification"),
    "8b": ("annex3_8b_not_exposed", "a tool nobody is directly exposed to"),
}
_STEP_ORDER = [f"D{i}" for i in range(13)]
_UNSURE = {"unsure", "unknown", "not sure", "?"}
_YES = {"yes", "true", "y"}
_NO = {"no", "false", "n"}
_ART9_PREFIX = "art9_condition."


# --------------------------------------------------------------------------------------------
# The rulebook (the data file)


@dataclass(frozen=True)
class Option:
    """One option of a choice or multi question."""

    value: str
    label: str
    article: str = ""


@dataclass(frozen=True)
class Question:
    """One question of the questionnaire, as the data file defines it.

    Attributes
    ----------
    id : str
        The answer key in ``compliance.ai_act.answers`` or ``compliance.gdpr.answers``.
    section : {"ai_act", "gdpr"}
        Which answers dict it belongs in.
    step : str
        Its step of the decision list (D0-D12).
    type : {"bool", "choice", "multi"}
        How it is answered.
    text, help, article : str
        What the widget shows.
    options : tuple of Option
        For choice and multi questions.
    ask_if : dict or None
        When it is relevant (see the data file's header).
    stricter : Any
        The answer assumed when unanswered or "unsure".
    """

    id: str
    section: str
    step: str
    type: str
    text: str
    help: str
    article: str
    options: tuple[Option, ...]
    ask_if: dict | None
    stricter: Any

    def option_values(self) -> list[str]:
        """Return the allowed option values (empty for a bool question)."""
        return [o.value for o in self.options]

    def to_dict(self) -> dict:
        """Return the question as a JSON-ready dict."""
        return asdict(self)


@dataclass(frozen=True)
class DateEntry:
    """A date from which something applies, with its legal basis."""

    key: str
    date: dt.date
    basis: str


@dataclass(frozen=True)
class Rulebook:
    """The parsed data file: questions, dates, obligations, labels."""

    path: str
    regulation: str
    reviewed: str
    dates: dict[str, DateEntry]
    questions: dict[str, Question]
    obligations: tuple[dict, ...]
    tiers: dict[str, str]
    steps: dict[str, str]
    annex_i_legislation: dict[str, dict]

    def question(self, qid: str) -> Question:
        """Return a question by id (UsageError with a suggestion if there is none)."""
        if qid not in self.questions:
            raise UsageError([Problem(f"there is no question '{qid}'",
                                      fix=suggest(qid, list(self.questions), cutoff=0.5),
                                      code="unknown_question")])
        return self.questions[qid]


def _rulebook_error(path: Path, message: str) -> WorkspaceError:
    return WorkspaceError([Problem(message, file=str(path), code="rulebook")])


@lru_cache(maxsize=8)
def _load(path_str: str) -> Rulebook:
    from ruamel.yaml import YAML

    path = Path(path_str)
    try:
        data = YAML(typ="safe", pure=True).load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _rulebook_error(path, f"cannot read the rulebook: {exc}") from None
    except Exception as exc:  # ruamel's YAMLError and friends
        raise _rulebook_error(path, f"the rulebook is not valid YAML: {exc}") from None
    if not isinstance(data, dict) or data.get("schema") != 1:
        raise _rulebook_error(path, "the rulebook must be a mapping with 'schema: 1'")
    dates = {}
    for key, entry in data["dates"].items():
        try:
            dates[key] = DateEntry(key, dt.date.fromisoformat(str(entry["date"])),
                                   str(entry["basis"]))
        except (KeyError, ValueError, TypeError):
            raise _rulebook_error(path, f"dates.{key} needs 'date' (YYYY-MM-DD) and 'basis'"
                                  ) from None
    legislation = dict(data.get("annex_i_legislation", {}))
    qs: dict[str, Question] = {}
    for section, key in (("ai_act", "questions"), ("gdpr", "gdpr_questions")):
        for q in data[key]:
            if q.get("options_from"):
                opts = tuple(Option(k, v["label"]) for k, v in data[q["options_from"]].items())
            else:
                opts = tuple(Option(str(o["value"]), str(o["label"]), str(o.get("article", "")))
                             for o in q.get("options", []))
            if q["id"] in qs:
                raise _rulebook_error(path, f"question id '{q['id']}' appears twice")
            if q["type"] not in ("bool", "choice", "multi"):
                raise _rulebook_error(path, f"question '{q['id']}' has unknown type {q['type']}")
            qs[q["id"]] = Question(
                id=q["id"], section=section, step=q["step"], type=q["type"],
                text=str(q["text"]), help=str(q.get("help", "")), article=str(q["article"]),
                options=opts, ask_if=q.get("ask_if"), stricter=q.get("stricter"),
            )
    for ob in data["obligations"]:
        if ob["from"] not in dates and ob["from"] not in ("route", "art5"):
            raise _rulebook_error(path, f"obligation '{ob['id']}' names unknown date "
                                  f"'{ob['from']}'")
    return Rulebook(
        path=str(path), regulation=str(data["regulation"]), reviewed=str(data["reviewed"]),
        dates=dates, questions=qs, obligations=tuple(data["obligations"]),
        tiers=dict(data["tiers"]), steps=dict(data["steps"]), annex_i_legislation=legislation,
    )


def load_rulebook(path: str | Path | None = None) -> Rulebook:
    """Load the questionnaire's data file (cached).

    Parameters
    ----------
    path : path, optional
        Another rulebook, e.g. an organisation's reviewed copy; default: the shipped one.

    Returns
    -------
    Rulebook

    Raises
    ------
    WorkspaceError
        If the file cannot be read or is malformed.

    Examples
    --------
    >>> rb = load_rulebook()
    >>> rb.dates["annex_iii"].date, rb.dates["annex_i"].date
    (datetime.date(2027, 12, 2), datetime.date(2028, 8, 2))
    >>> rb.questions["annex3_employment"].option_values()
    ['4a', '4b', 'none']
    """
    return _load(str(Path(path) if path is not None else DATA_FILE))


def questions(section: Literal["ai_act", "gdpr"] | None = None) -> list[Question]:
    """Return every question of the shipped rulebook in order (optionally of one section).

    Examples
    --------
    >>> [q.id for q in questions("ai_act")][:3]
    ['is_ai_system', 'eu_nexus', 'exclusions']
    """
    return [q for q in load_rulebook().questions.values()
            if section is None or q.section == section]


# --------------------------------------------------------------------------------------------
# Answers


def _normalise(q: Question, raw: Any, path: str) -> tuple[Any, str, list[Problem]]:
    """Return (value, state, problems); state is answered, unsure or unanswered."""
    if raw is None:
        return None, "unanswered", []
    if isinstance(raw, str) and raw.strip().lower() in _UNSURE:
        return "unsure", "unsure", []
    if q.type == "bool":
        if isinstance(raw, bool):
            return raw, "answered", []
        if isinstance(raw, str) and raw.strip().lower() in _YES | _NO:
            return raw.strip().lower() in _YES, "answered", []
        return None, "unanswered", [
            Problem(f"'{q.id}' takes yes/no (true/false) or 'unsure', got {raw!r}", path=path,
                    fix="answer true, false or 'unsure'", code="bad_answer")
        ]
    values = q.option_values()
    if q.type == "choice":
        if isinstance(raw, str) and raw in values:
            return raw, "answered", []
        return None, "unanswered", [
            Problem(f"'{q.id}' takes one of {', '.join(values)} or 'unsure', got {raw!r}",
                    path=path, fix=suggest(str(raw), values, cutoff=0.5), code="bad_answer")
        ]
    # multi
    items = [raw] if isinstance(raw, str) else raw
    if not isinstance(items, list) or not all(isinstance(v, str) for v in items):
        return None, "unanswered", [
            Problem(f"'{q.id}' takes a list of {', '.join(values)}, or 'unsure', got {raw!r}",
                    path=path, fix="write a list, e.g. [" + values[0] + "]", code="bad_answer")
        ]
    problems = [
        Problem(f"'{q.id}' has no option {v!r}", path=path, fix=suggest(v, values, cutoff=0.5),
                code="bad_answer")
        for v in items if v not in values
    ]
    good = [v for v in items if v in values]
    if "none" in good and len(good) > 1:
        problems.append(Problem(f"'{q.id}' lists 'none' together with other options", path=path,
                                fix="remove 'none' or the others; 'none' is ignored",
                                code="bad_answer"))
        good = [v for v in good if v != "none"]
    if not good:
        return None, "unanswered", problems
    return list(dict.fromkeys(good)), "answered", problems


def _as_compliance(compliance: spec.Compliance | Mapping | None) -> spec.Compliance:
    if compliance is None:
        return spec.Compliance()
    if isinstance(compliance, spec.Compliance):
        return compliance
    if isinstance(compliance, Mapping):
        try:
            return spec.Compliance.model_validate(dict(compliance))
        except Exception as exc:  # pydantic.ValidationError
            raise WorkspaceError([Problem(str(exc), path="compliance", code="invalid")]
                                 ) from None
    raise UsageError([Problem(f"compliance must be spec.Compliance or a dict, got "
                              f"{type(compliance).__name__}", code="bad_argument")])


def _as_data_map(data_map: spec.DataMap | Mapping | None) -> spec.DataMap:
    if data_map is None:
        return spec.DataMap()
    if isinstance(data_map, spec.DataMap):
        return data_map
    if isinstance(data_map, Mapping):
        try:
            return spec.DataMap.model_validate(dict(data_map))
        except Exception as exc:  # pydantic.ValidationError
            raise WorkspaceError([Problem(str(exc), path="data_map", code="invalid")]) from None
    raise UsageError([Problem(f"data_map must be spec.DataMap or a dict, got "
                              f"{type(data_map).__name__}", code="bad_argument")])


class _Answers:
    """Normalised answers of both sections, with the problems found reading them."""

    def __init__(self, rb: Rulebook, c: spec.Compliance, dm: spec.DataMap):
        self.rb = rb
        self.values: dict[str, tuple[Any, str]] = {}
        self.raw: dict[str, Any] = {}
        self.problems: list[Problem] = []
        self.art9_by_source: dict[str, tuple[Any, str]] = {}
        source_ids = [s.id for s in dm.sources]
        for section, answers, base in (
            ("ai_act", c.ai_act.answers, "compliance.ai_act.answers"),
            ("gdpr", c.gdpr.answers, "compliance.gdpr.answers"),
        ):
            known = [q.id for q in rb.questions.values() if q.section == section]
            for key, raw in answers.items():
                path = f"{base}.{key}"
                if section == "gdpr" and key.startswith(_ART9_PREFIX):
                    sid = key[len(_ART9_PREFIX):]
                    if sid not in source_ids:
                        self.problems.append(
                            Problem(f"'{key}' names data source '{sid}', which is not in "
                                    "data_map.sources", path=path,
                                    fix=suggest(sid, source_ids, cutoff=0.5),
                                    code="unknown_answer")
                        )
                        continue
                    v, state, probs = _normalise(rb.questions["art9_condition"], raw, path)
                    self.problems.extend(probs)
                    self.art9_by_source[sid] = (v, state)
                    continue
                q = rb.questions.get(key)
                if q is None or q.section != section:
                    if q is not None:
                        other = "compliance.gdpr.answers" if q.section == "gdpr" else \
                            "compliance.ai_act.answers"
                        fix = f"it is a {q.section} question: move it to {other}"
                    else:
                        fix = suggest(key, known, cutoff=0.5)
                    self.problems.append(
                        Problem(f"unknown question id '{key}'; the answer is not used",
                                path=path, fix=fix, code="unknown_answer")
                    )
                    continue
                v, state, probs = _normalise(q, raw, path)
                self.problems.extend(probs)
                self.values[key] = (v, state)
                self.raw[key] = raw

    def state(self, qid: str) -> tuple[Any, str]:
        return self.values.get(qid, (None, "unanswered"))


class _Walk:
    """Reads answers for the decision list and records what it used and assumed."""

    def __init__(self, answers: _Answers):
        self.a = answers
        self.used: dict[str, Any] = {}
        self.assumed: dict[str, Any] = {}

    def get(self, qid: str) -> Any:
        q = self.a.rb.questions[qid]
        value, state = self.a.state(qid)
        if state == "answered":
            self.used[qid] = value
            return value
        eff = q.stricter
        self.used[qid] = eff
        self.assumed[qid] = eff
        return eff

    def definite(self, qid: str) -> bool:
        return self.a.state(qid)[1] == "answered"

    def explicit(self, qid: str) -> Any:
        """Return the answer if given (None otherwise), recording nothing."""
        value, state = self.a.state(qid)
        return value if state == "answered" else None


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class Step:
    """One step of the decision list as it was evaluated.

    Attributes
    ----------
    step : str
        D0-D12.
    title : str
        From the data file.
    outcome : str
        What it decided, in a word or two.
    rule : str
        Why, in a sentence.
    questions : dict
        The questions it read and the answer used for each (assumed ones included).
    assumed : list of str
        Those answered by the stricter-branch assumption.
    """

    step: str
    title: str
    outcome: str
    rule: str
    questions: dict[str, Any] = field(default_factory=dict)
    assumed: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        """Return the step as a JSON-ready dict."""
        return asdict(self)


@dataclass
class Obligation:
    """An obligation that follows from the classification.

    Attributes
    ----------
    id, article, text : str
        From the data file.
    holder : str
        The role that bears it.
    applies_from : date
        When it applies.
    applies_now : bool
        Whether it applies on the as-of date.
    date_basis : str
        The legal basis of the date (and, where marked, that it is an interpretation).
    why : list of str
        The findings that triggered it.
    """

    id: str
    article: str
    text: str
    holder: str
    applies_from: dt.date
    applies_now: bool
    date_basis: str
    why: list[str]

    def to_dict(self) -> dict:
        """Return the obligation as a JSON-ready dict (date as ISO string)."""
        d = asdict(self)
        d["applies_from"] = self.applies_from.isoformat()
        return d


@dataclass
class OpenQuestion:
    """A relevant question without a definite answer.

    Attributes
    ----------
    id, section, step, text, article : str
        The question.
    reason : {"unanswered", "unsure"}
        Why it is open.
    assumed : Any
        The stricter-branch answer used meanwhile.
    """

    id: str
    section: str
    step: str
    text: str
    article: str
    reason: str
    assumed: Any

    def to_dict(self) -> dict:
        """Return the open question as a JSON-ready dict."""
        return asdict(self)


@dataclass
class SourceCheck:
    """GDPR checks of one data source with personal data."""

    id: str
    name: str
    lawful_basis: str | None
    special_categories: list[str]
    art9_condition: str | None
    problems: list[str]

    def to_dict(self) -> dict:
        """Return the check as a JSON-ready dict."""
        return asdict(self)


@dataclass
class GDPRResult:
    """The GDPR overlay (step D12).

    Attributes
    ----------
    personal_data : bool
        Whether personal data is processed (data map, or the answer, or assumed).
    sources : list of SourceCheck
        One per data source with personal data.
    art22_applies : bool
        Solely automated decisions with legal or similarly significant effects.
    art22_exception : str or None
        The Art 22(2) exception relied on.
    dpia : {"not_applicable", "required", "likely_required", "consider", "not_indicated"}
        ``required``: an Art 35(3) case; ``likely_required``: two or more WP248 criteria;
        ``consider``: one; ``not_indicated``: none.
    dpia_triggers : list of str
        The Art 35(3) points met.
    edpb_criteria : list of str
        The WP248 criteria met (derived ones marked "(derived)").
    dpia_decision : str
        The workspace's recorded decision (``gdpr.dpia.decision``).
    problems : list of Problem
        What must be fixed, with paths into the workspace.
    """

    personal_data: bool
    sources: list[SourceCheck]
    art22_applies: bool
    art22_exception: str | None
    dpia: str
    dpia_triggers: list[str]
    edpb_criteria: list[str]
    dpia_decision: str
    problems: list[Problem]

    def to_dict(self) -> dict:
        """Return the GDPR result as a JSON-ready dict."""
        d = asdict(self)
        d["problems"] = [p.to_dict() for p in self.problems]
        return d


@dataclass
class Classification:
    """The classification of one AI system for our role, with everything that follows from it.

    Attributes
    ----------
    tier : str
        One of :data:`TIERS`.
    tier_label : str
        In words.
    provisional : bool
        Some answer on the decision path was assumed (stricter branch).
    would_be_tier : str or None
        For a prohibited tier: the tier the rest of the answers give (what the system would be
        once the Art 5 finding is designed away).
    route : list of str
        ``annex_i`` and/or ``annex_iii`` for a high-risk system (or the Annex III route a
        derogation was used on).
    annex_iii_points : list of str
        E.g. ``["4a"]``; ``"4?"`` where the area is known but not the point, ``"?"`` where not
        even the area is.
    annex_i : dict or None
        The Annex I legislation and section, where that route applies.
    art5_points : list of str
        Art 5(1) points hit, e.g. ``["f"]``.
    transparency : list of str
        Art 50 duties triggered: ``50(1)``, ``50(2)``, ``50(3)``, ``50(4) deep fake``,
        ``50(4) text``.
    gpai : str or None
        ``"gpai"`` or ``"gpai_systemic"`` when we place a GPAI model on the market.
    role : str
        Our declared role.
    roles : list of str
        Our roles after the Art 25 shift (e.g. deployer and provider).
    articles : list of dict
        Each article relied on, with the reason.
    steps : list of Step
        The decision list as evaluated.
    obligations : list of Obligation
        Ours, by role.
    other_obligations : list of Obligation
        The other operators' (e.g. the provider's), for reference.
    tier_applies_from : date or None
        When the tier's core rules apply to this system.
    tier_applies_now : bool
        Whether they do on the as-of date.
    as_of : date
        The date "applies now" is judged on.
    open_questions : list of OpenQuestion
        Relevant questions without a definite answer.
    assumptions : list of str
        Every stricter-branch assumption, in words.
    problems : list of Problem
        Unknown answer ids (with a did-you-mean), invalid answers, conflicts, GDPR gaps.
    legal_signoff_required : bool
        Prohibited or high-risk, the Art 6(3) derogation used, or the result provisional.
    signoff_reasons : list of str
        Why.
    signed_off_by, signed_off_on
        From the workspace, if someone signed off.
    gdpr : GDPRResult
        Step D12.
    rulebook : str
        Which data file and its review month.
    """

    tier: str
    tier_label: str
    provisional: bool
    would_be_tier: str | None
    route: list[str]
    annex_iii_points: list[str]
    annex_i: dict | None
    art5_points: list[str]
    transparency: list[str]
    gpai: str | None
    role: str
    roles: list[str]
    articles: list[dict]
    steps: list[Step]
    obligations: list[Obligation]
    other_obligations: list[Obligation]
    tier_applies_from: dt.date | None
    tier_applies_now: bool
    as_of: dt.date
    open_questions: list[OpenQuestion]
    assumptions: list[str]
    problems: list[Problem]
    legal_signoff_required: bool
    signoff_reasons: list[str]
    signed_off_by: str
    signed_off_on: dt.date | None
    gdpr: GDPRResult
    rulebook: str

    @property
    def signoff_missing(self) -> bool:
        """A sign-off is required and nobody has signed."""
        return self.legal_signoff_required and not self.signed_off_by

    def due_now(self) -> list[Obligation]:
        """Return our obligations that apply on the as-of date."""
        return [o for o in self.obligations if o.applies_now]

    def obligations_frame(self):
        """Return our obligations as a pandas DataFrame (one row each)."""
        import pandas as pd

        return pd.DataFrame([o.to_dict() for o in self.obligations])

    def to_dict(self) -> dict:
        """Return the classification as a JSON-ready dict."""
        return {
            "tier": self.tier,
            "tier_label": self.tier_label,
            "provisional": self.provisional,
            "would_be_tier": self.would_be_tier,
            "route": self.route,
            "annex_iii_points": self.annex_iii_points,
            "annex_i": self.annex_i,
            "art5_points": self.art5_points,
            "transparency": self.transparency,
            "gpai": self.gpai,
            "role": self.role,
            "roles": self.roles,
            "articles": self.articles,
            "steps": [s.to_dict() for s in self.steps],
            "obligations": [o.to_dict() for o in self.obligations],
            "other_obligations": [o.to_dict() for o in self.other_obligations],
            "tier_applies_from": self.tier_applies_from.isoformat()
            if self.tier_applies_from else None,
            "tier_applies_now": self.tier_applies_now,
            "as_of": self.as_of.isoformat(),
            "open_questions": [q.to_dict() for q in self.open_questions],
            "assumptions": self.assumptions,
            "problems": [p.to_dict() for p in self.problems],
            "legal_signoff_required": self.legal_signoff_required,
            "signoff_reasons": self.signoff_reasons,
            "signoff_missing": self.signoff_missing,
            "signed_off_by": self.signed_off_by,
            "signed_off_on": self.signed_off_on.isoformat() if self.signed_off_on else None,
            "gdpr": self.gdpr.to_dict(),
            "rulebook": self.rulebook,
        }


# --------------------------------------------------------------------------------------------
# The decision list


class _Decision:
    """Evaluates D0-D12 once; classify() and relevant_questions() both read it."""

    def __init__(self, rb: Rulebook, c: spec.Compliance, dm: spec.DataMap):
        self.rb = rb
        self.c = c
        self.dm = dm
        self.answers = _Answers(rb, c, dm)
        self.w = _Walk(self.answers)
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
        self.addons: set[str] = set()
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
        for qid, (carve, point) in _ART5.items():
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
                           + (" (from 2 Dec 2026)" if p in _NEW_PROHIBITIONS else ""))
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
                q = _AREA_QUESTION[area]
                qids.append(q)
                n = _AREA_NUMBER[area]
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
                    if p in _POINT_EXCLUSION:
                        ex_q, words = _POINT_EXCLUSION[p]
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
                self._cite(_point_article(p), "intended purpose in Annex III")
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
            self._cite(_point_article(p), "intended purpose in Annex III")
        self._step("D8", "high_risk (Annex III)", "no Art 6(3) condition, or a significant risk "
                   "of harm remains", d8)

    def _art25(self, high_risk: bool) -> None:
        qids = ["art25_own_name", "art25_substantial_modification", "art25_changed_purpose"]
        if self.c.ai_act.role == "provider" or not high_risk:
            self._step("D3", self.c.ai_act.role, "declared role"
                       + ("" if high_risk else "; Art 25(1) only concerns high-risk systems"), [])
            return
        shifts = [q for q in qids if self.w.get(q) is True]
        if shifts:
            self.roles = list(dict.fromkeys([*self.roles, "provider"]))
            letters = {"art25_own_name": "a", "art25_substantial_modification": "b",
                       "art25_changed_purpose": "c"}
            for q in shifts:
                self._cite(f"Art 25(1)({letters[q]})", "we become the provider of the "
                           "high-risk system")
            self._step("D3", "provider (Art 25)", "role shift under Art 25(1)("
                       + "), (".join(letters[q] for q in shifts) + ")", qids)
        else:
            self._step("D3", self.c.ai_act.role, "no Art 25(1) shift", qids)

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
        a = self.answers
        w = self.w
        dm = self.dm
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
            self.w.used["personal_data"] = True
        else:
            personal = w.get("personal_data") is True
        self.personal = personal
        self.special = any(s.special_categories for _, s in sources)
        self.criminal = any("criminal" in s.special_categories for _, s in sources)
        self.legit = any(s.lawful_basis == "legitimate_interests" for _, s in sources)
        checks: list[SourceCheck] = []
        art22 = False
        exception = None
        triggers: list[str] = []
        criteria: list[str] = []
        outcome = "not_applicable"
        if personal:
            public = w.get("public_authority") is True if self.legit else False
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
                    if s.id in a.art9_by_source and a.art9_by_source[s.id][1] == "answered":
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
                            path=f"compliance.gdpr.answers.{_ART9_PREFIX}{s.id}",
                            fix="name the Art 9(2) condition (in addition to the Art 6 basis)",
                            code="art9_condition_missing"))
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
                if self.special and not all(
                    c.art9_condition in ("explicit_consent", "substantial_public_interest")
                    for c in checks if any(x != "criminal" for x in c.special_categories)
                ):
                    problems.append(Problem("Art 22(4): if the automated decisions use the "
                                            "special categories, they need Art 9(2)(a) explicit "
                                            "consent or 9(2)(g) substantial public interest",
                                            path="data_map.sources",
                                            fix="change the condition or keep special "
                                            "categories out of the decision",
                                            code="art22_special_categories"))
            # DPIA
            for letter in "abc":
                if w.get(f"dpia_35_3_{letter}") is True:
                    triggers.append(f"35(3)({letter})")
            derived = {
                "edpb_sensitive_data": self.special or self.criminal,
                "edpb_automated_decision": art22,
            }
            for q in self.rb.questions.values():
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
            decision = self.c.gdpr.dpia.decision
            if outcome in ("required", "likely_required") and decision in ("undecided",
                                                                           "not_required"):
                why = (", ".join(triggers) if triggers
                       else f"{len(criteria)} WP248 criteria")
                problems.append(Problem(
                    f"a DPIA is {outcome.replace('_', ' ')} ({why}) but the recorded decision is "
                    f"'{decision}'", path="compliance.gdpr.dpia.decision",
                    fix="carry out the DPIA before processing, or document with the DPO why it "
                    "is not needed", code="dpia"))
        self.gdpr = GDPRResult(
            personal_data=personal, sources=checks, art22_applies=art22,
            art22_exception=exception if art22 else None, dpia=outcome,
            dpia_triggers=triggers, edpb_criteria=criteria,
            dpia_decision=self.c.gdpr.dpia.decision, problems=problems,
        )
        self.art22 = art22
        rule = ("no personal data" if not personal else
                f"{len(checks)} personal-data source(s); DPIA {outcome.replace('_', ' ')}"
                + ("; Art 22 applies" if art22 else ""))
        self.steps.append(Step("D12", self.rb.steps.get("D12", "D12"),
                               "GDPR applies" if personal else "GDPR not engaged", rule,
                               {}, []))

    # -- facts for ask_if -----------------------------------------------------------------------

    def facts(self) -> dict[str, bool]:
        high = self.tier == "high_risk" or self.would_be == "high_risk"
        return {
            "not_provider": self.c.ai_act.role != "provider",
            "deployer": "deployer" in self.roles,
            "high_risk": high,
            "high_risk_annex_iii": high and "annex_iii" in self.route,
            "annex3_match": bool(self.points) or self.derogation,
            "art6_3_condition": self.has_6_3_condition,
            "personal_data": getattr(self, "personal", False),
            "special_categories": getattr(self, "special", False),
            "criminal_data": getattr(self, "criminal", False),
            "uses_legitimate_interests": getattr(self, "legit", False),
            "art22_applies": getattr(self, "art22", False),
        }


def _point_article(p: str) -> str:
    if p == "?":
        return "Annex III (area not answered)"
    if p.endswith("?"):
        return f"Annex III {p[0]} (point not answered)"
    if len(p) == 1:
        return f"Annex III {p}"
    return f"Annex III {p[0]}({p[1:]})"


def _holds(cond: Any, answers: _Answers, facts: Mapping[str, bool]) -> bool:
    if cond is None:
        return True
    if "all" in cond:
        return all(_holds(c, answers, facts) for c in cond["all"])
    if "any" in cond:
        return any(_holds(c, answers, facts) for c in cond["any"])
    if "not" in cond:
        return not _holds(cond["not"], answers, facts)
    if "fact" in cond:
        return bool(facts.get(cond["fact"], False))
    value, state = answers.state(cond["answer"])
    if "in" in cond:
        wanted = cond["in"]
        if state == "unanswered":
            return None in wanted
        if state == "unsure":
            return "unsure" in wanted
        return value in wanted
    if "includes" in cond:
        if state == "unsure":
            return True
        return state == "answered" and isinstance(value, list) and any(
            v in value for v in cond["includes"])
    msg = f"unknown ask_if condition {cond!r} in the rulebook"
    raise WorkspaceError([Problem(msg, code="rulebook")])


def _relevant(d: _Decision) -> list[Question]:
    facts = d.facts()
    stop_index = _STEP_ORDER.index(d.stop) if d.stop else len(_STEP_ORDER)
    out = []
    for q in d.rb.questions.values():
        if q.section == "ai_act" and _STEP_ORDER.index(q.step) > stop_index:
            continue
        if _holds(q.ask_if, d.answers, facts):
            out.append(q)
    return out


# --------------------------------------------------------------------------------------------
# Public functions


def _flags(d: _Decision) -> set[str]:
    f: set[str] = set()
    tier = d.tier
    if tier != "out_of_scope":
        f.add("in_scope")
    if tier == "prohibited":
        return {"prohibited"}
    if tier == "high_risk":
        f.add("high_risk")
        section_b_only = (
            d.route == ["annex_i"] and d.annex_i is not None and d.annex_i["section"] == "B"
        )
        if section_b_only:
            f.add("high_risk_annex_i_section_b")
        else:
            f.add("high_risk_direct")
        if "annex_iii" in d.route:
            f.add("high_risk_annex_iii")
        f |= d.addons
    if tier == "not_high_risk_by_derogation":
        f.add("derogation")
    if tier == "minimal":
        f.add("minimal")
    if tier != "out_of_scope":
        mapping = {"50(1)": "art50_1", "50(2)": "art50_2", "50(3)": "art50_3",
                   "50(4) deep fake": "art50_4_deep_fake", "50(4) text": "art50_4_text"}
        f |= {mapping[t] for t in d.transparency}
        f.add("legacy_generator" if d.legacy_generator else "not_legacy_generator")
        f |= d.gpai_flags
    if d.gdpr.personal_data:
        f.add("personal_data")
    return f


def _route_date(rb: Rulebook, d: _Decision) -> DateEntry:
    keys = ["annex_iii" if r == "annex_iii" else "annex_i" for r in d.route] or ["annex_iii"]
    return min((rb.dates[k] for k in keys), key=lambda e: e.date)


def _art5_date(rb: Rulebook, d: _Decision) -> DateEntry:
    keys = ["new_prohibitions" if p in _NEW_PROHIBITIONS else "prohibitions" for p in d.art5]
    return min((rb.dates[k] for k in keys or ["prohibitions"]), key=lambda e: e.date)


def _obligations(rb: Rulebook, d: _Decision, as_of: dt.date
                 ) -> tuple[list[Obligation], list[Obligation]]:
    flags = _flags(d)
    ours: list[Obligation] = []
    others: list[Obligation] = []
    for ob in rb.obligations:
        if not all(w in flags for w in ob["when"]):
            continue
        if ob["from"] == "route":
            entry = _route_date(rb, d)
        elif ob["from"] == "art5":
            entry = _art5_date(rb, d)
        else:
            entry = rb.dates[ob["from"]]
        basis = entry.basis + (f"; {ob['basis_note']}" if ob.get("basis_note") else "")
        for holder in ob["holders"]:
            o = Obligation(ob["id"], str(ob["article"]), str(ob["text"]), holder, entry.date,
                           as_of >= entry.date, basis, list(ob["when"]))
            (ours if holder in d.roles else others).append(o)
    # One entry per obligation for the others (a duty shared by several roles shows once).
    # Duties we bear ourselves (e.g. Art 4 for every operator) are not repeated there.
    mine = {o.id for o in ours}
    unique: dict[str, Obligation] = {}
    for o in others:
        if o.id not in mine:
            unique.setdefault(o.id, o)
    return ours, list(unique.values())


def _tier_date(rb: Rulebook, d: _Decision) -> DateEntry | None:
    t = d.tier
    if t == "prohibited":
        return _art5_date(rb, d)
    if t == "high_risk":
        return _route_date(rb, d)
    if t == "not_high_risk_by_derogation":
        return rb.dates["annex_iii"]
    if t == "limited":
        if d.transparency == ["50(2)"] and d.legacy_generator:
            return rb.dates["art50_2_legacy"]
        return rb.dates["general"]
    if t == "minimal":
        return rb.dates["prohibitions"]  # Art 4 AI literacy
    return None


def classify(
    compliance: spec.Compliance | Mapping | None = None,
    data_map: spec.DataMap | Mapping | None = None,
    *,
    as_of: dt.date | None = None,
    rulebook: Rulebook | str | Path | None = None,
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
    c = _as_compliance(compliance)
    dm = _as_data_map(data_map)
    if as_of is not None and not isinstance(as_of, dt.date):
        raise UsageError([Problem(f"as_of must be a date, got {as_of!r}", code="bad_argument")])
    as_of = as_of or c.as_of or dt.date.today()
    d = _Decision(rb, c, dm)
    relevant = _relevant(d)
    open_qs = []
    for q in relevant:
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
    ours, others = _obligations(rb, d, as_of)
    tier_entry = _tier_date(rb, d)
    reasons = []
    if d.tier in ("prohibited", "high_risk"):
        reasons.append(f"tier is {d.tier}")
    if d.derogation:
        reasons.append("the Art 6(3) derogation is relied on (Art 6(4) assessment)")
    if provisional:
        reasons.append("the classification rests on assumed answers (unanswered or unsure)")
    if "provider" in d.roles and c.ai_act.role != "provider":
        reasons.append("Art 25 role shift to provider")
    problems = list(d.answers.problems) + list(d.gdpr.problems)
    return Classification(
        tier=d.tier, tier_label=rb.tiers.get(d.tier, d.tier), provisional=provisional,
        would_be_tier=d.would_be, route=d.route,
        annex_iii_points=d.points if (d.tier in ("high_risk", "not_high_risk_by_derogation")
                                      or d.would_be) else [],
        annex_i=d.annex_i, art5_points=d.art5, transparency=d.transparency, gpai=d.gpai,
        role=c.ai_act.role, roles=d.roles, articles=d.articles,
        steps=sorted(d.steps, key=lambda st: _STEP_ORDER.index(st.step)),
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
    return classify(ws.compliance, ws.data_map, as_of=as_of)


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
    d = _Decision(rb, _as_compliance(compliance), _as_data_map(data_map))
    return [q for q in _relevant(d) if section is None or q.section == section]


def check_answers(
    compliance: spec.Compliance | Mapping | None = None,
    data_map: spec.DataMap | Mapping | None = None,
    *,
    rulebook: Rulebook | str | Path | None = None,
) -> list[Problem]:
    """Return the problems with the answers: unknown ids (with a did-you-mean), bad values.

    Examples
    --------
    >>> [p.fix for p in check_answers({"ai_act": {"answers": {"is_ai_sytem": True}}})]
    ["did you mean 'is_ai_system'?"]
    """
    rb = rulebook if isinstance(rulebook, Rulebook) else load_rulebook(rulebook)
    return list(_Answers(rb, _as_compliance(compliance), _as_data_map(data_map)).problems)
