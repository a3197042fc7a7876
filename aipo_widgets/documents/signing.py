r"""The plan and the sign-offs of a workspace folder now: digests, states, gates, one view.

What a sign-off on a document signs is *what the document says from aipo.yaml*: the document
rendered without a run's evidence, with the lines that change on every rendering masked (the
rendering date, the workspace commit, the kit's version, the run cited in the header). So a
sign-off goes stale when the workspace content the document shows changes (a new data source
in the DPIA, a new stage in the rollout plan, a template of the kit that now says more), not
when a new run measures the same things again or a day passes. Evidence from runs is signed
through its gates (``gate:...``), whose digest covers their figure and provenance.

:func:`governance` is what ``aipo status``, the status page, the sidebar and the phase
notebooks show: the timeline of the 90 days, every sign-off's state, and the gates the product's
current decision depends on (:mod:`aipo_widgets.gates.plan`, :mod:`aipo_widgets.gates.signoffs`).

Examples
--------
>>> text = ("# DPIA\n\n| Product | x |\n| --- | --- |\n| As of | 2026-12-07 |\n\n"
...         "Reviewed on 2026-12-07.\n")
>>> later = text.replace("2026-12-07", "2026-12-20")
>>> document_digest(text, "2026-12-07") == document_digest(later, "2026-12-20")
True
>>> print(signable_text(text, "2026-12-07"))
# DPIA
<BLANKLINE>
| Product | x |
| --- | --- |
<BLANKLINE>
Reviewed on <as of>.
<BLANKLINE>
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aipo_widgets._text import suggest
from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.documents.render import render_documents
from aipo_widgets.documents.specs import DOCUMENTS, applicable_documents
from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.evidence import Gate
from aipo_widgets.gates.plan import Timeline, find_gate, plan_gates, timeline
from aipo_widgets.gates.signoffs import (
    Requirement,
    SignOffState,
    decision_content,
    gate_content,
    required_signoffs,
    signoff_gates,
    signoff_states,
)
from aipo_widgets.model.artefacts import parse_artefact
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.signoffs import canonical_json
from aipo_widgets.model.workspace import load
from aipo_widgets.runs.results import latest_evidence

__all__ = [
    "Governance",
    "current_digests",
    "document_digest",
    "governance",
    "governance_gates",
    "resolve_artefact",
    "signable_text",
    "signed_contents",
]

# Header rows that change with every rendering, not with what the document says.
_VOLATILE_ROWS = re.compile(r"^\| (As of|Workspace commit|Evidence|Verdict|Made by) \|.*$\n?",
                            re.MULTILINE)
# The product's verdict at the top of a decision's document: it changes with the evidence and
# the product's phase, not with what the document says from aipo.yaml.
_VERDICT_BLOCK = re.compile(r"^> \*\*Verdict: .*$\n?(?:^>.*$\n?)*", re.MULTILINE)
_RUN_ID = re.compile(r"\b\d{8}T\d{6}Z-[0-9a-f]{4}\b")


def signable_text(markdown: str, as_of: dt.date | str) -> str:
    """Return the part of a rendered document a sign-off covers (see the module's docstring)."""
    text = _VERDICT_BLOCK.sub("", _VOLATILE_ROWS.sub("", markdown))
    text = _RUN_ID.sub("<run>", text)
    return text.replace(str(as_of), "<as of>")


def document_digest(markdown: str, as_of: dt.date | str) -> str:
    """Return the SHA-256 of what a sign-off on this rendered document covers (UTF-8 text)."""
    return hashlib.sha256(signable_text(markdown, as_of).encode("utf-8")).hexdigest()


def _render_for_signing(ws: Workspace, folder: Path | None, names: Iterable[str],
                        as_of: dt.date) -> dict[str, str]:
    """Render documents from the workspace alone (no run, no commit): name -> signable text."""
    names = [n for n in dict.fromkeys(names) if n in DOCUMENTS]
    if not names:
        return {}
    docs = render_documents(ws, folder=folder, run=None, as_of=as_of, only=names)
    texts = {n: signable_text(docs[n].markdown, as_of) for n in names}
    if folder is not None and folder.is_absolute() and len(folder.parts) > 1:
        # where the workspace lies is no part of what was signed (a clone elsewhere, CI)
        texts = {n: t.replace(str(folder), "<workspace>") for n, t in texts.items()}
    return texts


def signed_contents(ws: Workspace, refs: Iterable[str], *, folder: str | os.PathLike | None,
                    as_of: dt.date, evidence: Mapping[str, Any] | None = None
                    ) -> dict[str, bytes | None]:
    """Return what a sign-off on each artefact covers now, as bytes (None where not found).

    A document's signable Markdown (see :func:`signable_text`), a gate's
    :func:`~aipo_widgets.gates.signoffs.gate_content` or a decision's entry as canonical JSON:
    ``sha256sum`` over these bytes gives the digest a sign-off records.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    refs : iterable of str
        Artefact references (``doc:dpia``, ``gate:rollout:go / no-go``, ``decision:D5``).
    folder : path, optional
        The workspace folder (its own ``playbooks/`` templates take precedence).
    as_of : datetime.date
        The rendering date (masked).
    evidence : dict, optional
        The latest run, for gates.
    """
    refs = list(dict.fromkeys(refs))
    docs = [parse_artefact(r).name for r in refs if parse_artefact(r).kind == "doc"]
    # Rendered from the absolute path, masked as that: '.' (the CLI's default), a relative or an
    # absolute spelling of one folder give one digest (a bare '.' masked would eat every full stop).
    texts = _render_for_signing(ws, Path(folder).resolve() if folder else None, docs, as_of)
    out: dict[str, bytes | None] = {}
    for ref in refs:
        art = parse_artefact(ref)
        content: Any = None
        if art.kind == "doc":
            out[ref] = texts[art.name].encode("utf-8") if art.name in texts else None
            continue
        if art.kind == "decision":
            content = decision_content(ws, art.name)
        else:
            gate = find_gate(evidence, art.name, art.phase)
            content = gate_content(gate) if gate else None
        out[ref] = None if content is None else canonical_json(content).encode("utf-8")
    return out


def current_digests(ws: Workspace, refs: Iterable[str], *, folder: str | os.PathLike | None,
                    as_of: dt.date, evidence: Mapping[str, Any] | None = None
                    ) -> dict[str, str | None]:
    """Return the SHA-256 of each artefact's :func:`signed_contents` (None where not found)."""
    contents = signed_contents(ws, refs, folder=folder, as_of=as_of, evidence=evidence)
    return {ref: None if b is None else hashlib.sha256(b).hexdigest()
            for ref, b in contents.items()}


@dataclass
class Governance:
    """The plan and the sign-offs of a workspace as of a date.

    Attributes
    ----------
    timeline : Timeline
        The 90 days on the calendar, with the milestones.
    requirements : list of Requirement
        The sign-offs the workspace calls for.
    states : list of SignOffState
        Where each stands (required ones first).
    gates : list of Gate
        The plan's and the sign-offs' gates (those the current decision depends on).
    """

    timeline: Timeline
    requirements: list[Requirement] = field(default_factory=list)
    states: list[SignOffState] = field(default_factory=list)
    gates: list[Gate] = field(default_factory=list)

    @property
    def waiting(self) -> list[SignOffState]:
        """The sign-offs the current decision waits for: missing, stale or rejected."""
        return [s for s in self.states if s.gated and s.required
                and s.state in ("missing", "stale", "rejected", "unverifiable")]

    def to_view(self) -> dict[str, Any]:
        """Return plain JSON-ready data: the timeline, the sign-offs and the gates."""
        return {"timeline": self.timeline.to_view(),
                "signoffs": [s.to_dict() for s in self.states],
                "waiting": [s.to_dict() for s in self.waiting],
                "gates": [g.to_dict() for g in self.gates]}


def governance(folder: str | os.PathLike, ws: Workspace | None = None, *,
               as_of: dt.date | None = None,
               evidence: Mapping[str, Any] | None = None) -> Governance:
    """Return the plan and the sign-offs of a workspace folder as of a date.

    Parameters
    ----------
    folder : path
        The workspace folder.
    ws : Workspace, optional
        The workspace, when it is already loaded.
    as_of : datetime.date, optional
        Default today.
    evidence : dict, optional
        The latest run with earlier phases filled in (default: read from ``reports/``).

    Examples
    --------
    >>> import tempfile
    >>> from aipo_widgets.examples import write_example
    >>> folder = tempfile.mkdtemp()
    >>> _ = write_example("blank", folder)
    >>> g = governance(folder, as_of=dt.date(2026, 12, 7))
    >>> g.timeline.day_label, [s.text() for s in g.waiting]
    ('no start date', ['waiting for: data protection officer'])
    """
    root = Path(folder).resolve()
    ws = ws if ws is not None else load(root).workspace
    as_of = as_of or dt.date.today()
    if evidence is None:
        evidence = latest_evidence(root)
    c = classify_workspace(ws, as_of)
    applies = {name: ok for name, (ok, _why) in applicable_documents(ws, c).items()}
    reqs = required_signoffs(ws, c, applicable=applies)
    # Only what someone must sign, or has signed, is rendered and hashed.
    refs = [r.artefact for r in reqs] + [s.artefact for s in ws.signoffs]
    wanted = [r for r in refs if parse_artefact(r).kind != "doc"
              or applies.get(parse_artefact(r).name, False)
              or any(s.artefact == r for s in ws.signoffs)]
    digests = current_digests(ws, wanted, folder=root, as_of=as_of, evidence=evidence)
    rendered: dict[tuple[str, dt.date], str | None] = {}

    def digest_on(ref: str, day: dt.date) -> str | None:
        # the document as it reads on the day it was signed (see signoff_states)
        if (ref, day) not in rendered:
            rendered[ref, day] = current_digests(ws, [ref], folder=root, as_of=day,
                                                 evidence=evidence)[ref]
        return rendered[ref, day]

    states = signoff_states(ws, reqs, digests, as_of, digest_on=digest_on)
    gates = plan_gates(ws, as_of, evidence=evidence) + signoff_gates(ws, states, as_of)
    return Governance(timeline(ws, as_of, evidence=evidence), reqs, states, gates)


def governance_gates(folder: str | os.PathLike, ws: Workspace, phase: str, *,
                     as_of: dt.date) -> list[Gate]:
    """Return the plan's and sign-offs' gates for a phase notebook.

    They belong to the product's current phase: the notebook of any other phase gets none,
    so that each gate is recorded once per run, where the verdict reads it.
    """
    if str(ws.product.phase) != phase:
        return []
    return governance(folder, ws, as_of=as_of).gates


def resolve_artefact(ws: Workspace, ref: str, *, evidence: Mapping[str, Any] | None) -> str:
    """Return the reference of an artefact that can be signed now, with a gate's phase.

    Raises
    ------
    UsageError
        For an unknown document, decision or gate, or a gate name two phases have (then the
        phase must be named).
    """
    art = parse_artefact(ref)
    if art.kind == "doc":
        if art.name not in DOCUMENTS:
            raise UsageError([Problem(f"no document '{art.name}'", path="ARTEFACT",
                                      fix=suggest(art.name, DOCUMENTS, label="documents"))])
        return art.ref
    if art.kind == "decision":
        if decision_content(ws, art.name) is None:
            raise UsageError([Problem(
                f"no decision '{art.name}' in the decision log (decisions)", path="ARTEFACT",
                fix=suggest(art.name, [d.id for d in ws.decisions], label="decisions"))])
        return art.ref
    phases = [ph.get("phase") for ph in (evidence or {}).get("phases", []) or []
              if (not art.phase or ph.get("phase") == art.phase)
              and any(g.get("name") == art.name for g in ph.get("gates") or [])]
    if not phases:
        raise UsageError([Problem(
            f"no gate '{art.name}' in the latest run", path="ARTEFACT",
            fix="run 'aipo run' first, or check the name (and phase: gate:PHASE:NAME) in "
                "'aipo status'")])
    if len(set(phases)) > 1:
        raise UsageError([Problem(
            f"the gate '{art.name}' is in several phases ({', '.join(map(str, phases))})",
            path="ARTEFACT", fix=f"name the phase, e.g. gate:{phases[-1]}:{art.name}")])
    return f"gate:{phases[0]}:{art.name}"
