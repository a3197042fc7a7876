"""The ``signoffs`` and ``raci`` sections of ``aipo.yaml``: who approved what, and who must.

A sign-off records a person in a role (the data protection officer, the works council, legal,
security, management, the product owner) approving, rejecting or approving with conditions an
artefact (a document, a gate or a decision, see :mod:`aipo_widgets.model.artefacts`) on a date,
with the SHA-256 of exactly what was signed: the rendered document, the gate's figure and
evidence, or the decision's entry. When that thing changes, the sign-off is *stale*
(:mod:`aipo_widgets.gates.signoffs` compares the digests). ``aipo signoff`` writes these entries,
so that the git history shows who committed each one.

The RACI says, per artefact, who is responsible, accountable, consulted and informed; the
accountable role signs it off before the product enters the phase ``needed_by``. The kit adds the
sign-offs the workspace itself calls for (the DPO for a DPIA, the works council where workers
are affected, ...; see :mod:`aipo_widgets.gates.signoffs`).

Examples
--------
>>> s = SignOff.model_validate({"artefact": "doc:dpia", "role": "data_protection_officer",
...     "name": "Tomasz Wójcik", "date": "2026-09-18", "verdict": "approved",
...     "sha256": "ab" * 32})
>>> s.verdict, ROLE_LABELS[s.role]
('approved', 'data protection officer')
>>> role_from_text("Works council")
'works_council'
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any, Literal, get_args

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from aipo_widgets.model._patterns import SHA256
from aipo_widgets.model.artefacts import ArtefactRef
from aipo_widgets.model.fields import Phase, StrictModel

__all__ = [
    "ROLES",
    "ROLE_LABELS",
    "RaciEntry",
    "SignOff",
    "SignOffRole",
    "SignOffVerdict",
    "canonical_json",
    "digest_of",
    "role_from_text",
]

SignOffRole = Literal[
    "data_protection_officer", "works_council", "legal", "security", "management",
    "product_owner",
]
#: The roles that sign, in the order pages list them.
ROLES: tuple[SignOffRole, ...] = get_args(SignOffRole)
_ROLE_OF: dict[str, SignOffRole] = {r: r for r in ROLES}
#: Each role in words.
ROLE_LABELS: dict[str, str] = {
    "data_protection_officer": "data protection officer",
    "works_council": "works council",
    "legal": "legal",
    "security": "security",
    "management": "management",
    "product_owner": "product owner",
}
# Other ways people write a role (on the command line, say).
_ALIASES = {"dpo": "data_protection_officer", "betriebsrat": "works_council",
            "po": "product_owner", "ciso": "security", "it_security": "security"}

SignOffVerdict = Literal["approved", "rejected", "conditions"]


def role_from_text(text: str) -> SignOffRole | None:
    """Return the role a person's wording means, or None.

    Examples
    --------
    >>> role_from_text("DPO"), role_from_text("data-protection officer"), role_from_text("x")
    ('data_protection_officer', 'data_protection_officer', None)
    """
    key = "_".join(str(text).strip().lower().replace("-", " ").split())
    return _ROLE_OF.get(_ALIASES.get(key, key))


def canonical_json(data: Any) -> str:
    """Return plain data as canonical JSON: sorted keys, no spaces, dates as ISO text.

    Examples
    --------
    >>> canonical_json({"b": 1, "a": "ä"})
    '{"a":"ä","b":1}'
    """
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      default=str)


def digest_of(data: Any) -> str:
    """Return the SHA-256 of plain data written as :func:`canonical_json` (UTF-8).

    The same content gives the same digest whatever the key order; ``sha256sum`` over the
    canonical JSON text gives the same digest.

    Examples
    --------
    >>> digest_of({"b": 1, "a": [1.5, "x"]}) == digest_of({"a": [1.5, "x"], "b": 1})
    True
    >>> len(digest_of("anything"))
    64
    """
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()


class SignOff(StrictModel):
    """One sign-off: who approved (or rejected) what, when, and the digest of what was signed."""

    artefact: ArtefactRef = Field(
        description="What was signed: doc:NAME, gate:[PHASE:]NAME or decision:ID."
    )
    role: SignOffRole = Field(description="The role the person signed in.")
    name: str = Field(min_length=1, description="Who signed.")
    date: dt.date = Field(description="When.")
    verdict: SignOffVerdict = Field(
        description="approved, rejected, or conditions (approved with conditions)."
    )
    conditions: str = Field("", description="The conditions (verdict conditions).")
    note: str = Field("", description="Anything else the signer wrote.")
    sha256: SHA256 = Field(
        description="SHA-256 of what was signed (aipo signoff computes it): when the "
        "artefact's digest differs, the sign-off is stale.",
    )

    @model_validator(mode="after")
    def _conditions_stated(self) -> SignOff:
        if self.verdict == "conditions" and not self.conditions.strip():
            raise PydanticCustomError(
                "signoff_conditions",
                "verdict is conditions but no conditions are written; state them in "
                "conditions", {})
        return self


class RaciEntry(StrictModel):
    """Who is responsible, accountable, consulted and informed for one artefact."""

    artefact: ArtefactRef = Field(
        description="The document, gate or decision: doc:NAME, gate:[PHASE:]NAME or "
        "decision:ID."
    )
    responsible: list[SignOffRole] = Field(
        default_factory=list, description="Who does the work."
    )
    accountable: SignOffRole | None = Field(
        None, description="Who answers for it, and signs it off."
    )
    consulted: list[SignOffRole] = Field(
        default_factory=list, description="Who is asked before it is final."
    )
    informed: list[SignOffRole] = Field(
        default_factory=list, description="Who is told once it is final."
    )
    needed_by: Phase = Field(
        Phase.rollout,
        description="The accountable role signs before the product enters this phase.",
    )
