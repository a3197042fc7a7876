"""What a classification returns: the steps, obligations, open questions and the GDPR overlay."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

from aipo_widgets.errors import Problem


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
        The role that bears it (ours: each of our roles that does, e.g. "provider, deployer").
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
class GDPRDuty:
    """A duty towards the people whose data is processed (information, objection).

    Attributes
    ----------
    article, text, why : str
        The article, the duty in words, and what triggers it.
    met : bool
        Whether the answers say it is met (unanswered: not met).
    """

    article: str
    text: str
    why: str
    met: bool

    def to_dict(self) -> dict:
        """Return the duty as a JSON-ready dict."""
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
    duties : list of GDPRDuty
        Information duties (Art 13, 14) and the right to object (Art 21), where they apply.
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
    duties: list[GDPRDuty] = field(default_factory=list)

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
