"""What a sign-off or a milestone points at: a document, a gate or a decision of the workspace.

An artefact is written as one short text with its kind first, so that it reads the same in
``aipo.yaml``, on the command line (``aipo signoff doc:dpia ...``) and on the pages:

``doc:NAME``
    A document ``aipo docs`` renders, e.g. ``doc:dpia``, ``doc:rollout_plan``.
``gate:NAME`` or ``gate:PHASE:NAME``
    A gate of the latest run, e.g. ``gate:rollout:go / no-go``; the phase is needed only when
    two phases have a gate of that name. A gate's name may itself hold a colon
    (``gate:operate:alert A1: hallucinations``): only a phase name is read as the phase.
``decision:ID``
    An entry of the decision log, e.g. ``decision:D5``.

Examples
--------
>>> parse_artefact("gate:rollout:go / no-go")
Artefact(kind='gate', name='go / no-go', phase='rollout')
>>> parse_artefact("gate:alert A1: hallucinations").phase is None
True
>>> parse_artefact("doc:dpia").label
'the document dpia'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

from aipo_widgets.model.fields import Phase

__all__ = ["KINDS", "Artefact", "ArtefactRef", "parse_artefact"]

Kind = Literal["doc", "gate", "decision"]
#: The kinds of artefact, as written before the colon.
KINDS: tuple[Kind, ...] = ("doc", "gate", "decision")
_KIND_OF: dict[str, Kind] = {k: k for k in KINDS}
_PHASES = {p.value for p in Phase}
_EXAMPLES = "doc:dpia, gate:rollout:go / no-go or decision:D5"


@dataclass(frozen=True)
class Artefact:
    """A parsed artefact reference.

    Attributes
    ----------
    kind : {"doc", "gate", "decision"}
        What is referred to.
    name : str
        The document's name, the gate's name or the decision's id.
    phase : str or None
        For a gate: the phase it belongs to, where the reference names one.
    """

    kind: Kind
    name: str
    phase: str | None = None

    @property
    def ref(self) -> str:
        """The reference as written in ``aipo.yaml``."""
        if self.kind == "gate" and self.phase:
            return f"gate:{self.phase}:{self.name}"
        return f"{self.kind}:{self.name}"

    @property
    def label(self) -> str:
        """The artefact in words, for messages and pages."""
        what = {"doc": "the document", "gate": "the gate", "decision": "decision"}[self.kind]
        where = f" ({self.phase})" if self.phase else ""
        return f"{what} {self.name}{where}"


def parse_artefact(text: str) -> Artefact:
    """Read an artefact reference (see the module's docstring).

    Raises
    ------
    ValueError
        When the text has no known kind or no name, saying how to write one.

    Examples
    --------
    >>> parse_artefact("decision:D5")
    Artefact(kind='decision', name='D5', phase=None)
    >>> parse_artefact("dpia")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: 'dpia' does not say what it is: write doc:dpia, ...
    """
    head, sep, rest = str(text).partition(":")
    kind = _KIND_OF.get(head.strip())
    rest = rest.strip()
    if not sep or kind is None:
        msg = f"{text!r} does not say what it is: write {_EXAMPLES}"
        raise ValueError(msg)
    if not rest:
        msg = f"{text!r} names no {head.strip()}: write {_EXAMPLES}"
        raise ValueError(msg)
    phase = None
    if kind == "gate":
        head, sep2, tail = rest.partition(":")
        if sep2 and head.strip() in _PHASES and tail.strip():
            phase, rest = head.strip(), tail.strip()
    return Artefact(kind, rest, phase)


def _checked(text: object) -> object:
    # Before pydantic's own pattern check, so that a person reads how to write one rather
    # than the pattern; the pattern stays in the JSON Schema for editors.
    if not isinstance(text, str):
        return text
    try:
        return parse_artefact(text).ref
    except ValueError as exc:
        raise PydanticCustomError("artefact", str(exc), {}) from None


ArtefactRef = Annotated[
    str,
    Field(
        min_length=3,
        pattern=r"^(doc|gate|decision):.+$",
        description="A document, gate or decision: doc:NAME, gate:[PHASE:]NAME or "
        "decision:ID, e.g. doc:dpia, gate:rollout:go / no-go, decision:D5.",
    ),
    BeforeValidator(_checked),
]
