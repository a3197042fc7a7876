"""The rulebook: questions, options, dates and obligations, read from ``data/ai_act.yaml``.

The data file is the one place the questions, their help and articles, the dates with their
legal basis and the obligations table live; this module reads and checks it, and holds the
constants of the decision list (the Art 5 points with their carve-outs, the Annex III areas).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from aipo_widgets._text import suggest
from aipo_widgets.errors import Problem, UsageError, WorkspaceError

Tier = Literal[
    "prohibited", "high_risk", "not_high_risk_by_derogation", "limited", "minimal",
    "out_of_scope",
]
TIERS: tuple[Tier, ...] = (
    "prohibited", "high_risk", "not_high_risk_by_derogation", "limited", "minimal",
    "out_of_scope",
)
DATA_FILE = Path(__file__).parents[1] / "data" / "ai_act.yaml"

#: The Art 5(1) screening questions, with their carve-out question (or None) and the point.
ART5 = {
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
ART5_QUESTIONS: tuple[str, ...] = tuple(ART5)
NEW_PROHIBITIONS = {"ba", "bb"}
AREA_QUESTION = {
    "biometrics": "annex3_biometrics",
    "critical_infrastructure": "annex3_critical_infrastructure",
    "education": "annex3_education",
    "employment": "annex3_employment",
    "essential_services": "annex3_essential_services",
    "law_enforcement": "annex3_law_enforcement",
    "migration": "annex3_migration",
    "justice_democracy": "annex3_justice_democracy",
}
AREA_NUMBER = {
    "biometrics": "1", "critical_infrastructure": "2", "education": "3", "employment": "4",
    "essential_services": "5", "law_enforcement": "6", "migration": "7",
    "justice_democracy": "8",
}
POINT_EXCLUSION = {
    "1a": ("annex3_1a_verification_only", "biometric verification only"),
    "5b": ("annex3_5b_fraud_detection", "financial fraud detection"),
    "7d": ("annex3_7d_travel_documents", "travel-document verification"),
    "8b": ("annex3_8b_not_exposed", "a tool nobody is directly exposed to"),
}
STEP_ORDER = [f"D{i}" for i in range(13)]
ART9_PREFIX = "art9_condition."


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
