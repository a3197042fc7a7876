"""Documents from the evidence: playbooks, AI Act and GDPR drafts filled from the workspace.

The product owner's deliverables (AI Act technical documentation, model card, incident and
kill-switch playbooks, rollout plan, go-live checklist, FRIA and DPIA drafts, impact report,
decision log, discovery workshop) are Jinja2 Markdown templates in ``playbooks/``, filled from
``aipo.yaml`` and the workspace's last run.  This module decides which documents apply, builds
what the templates see, renders them, and says what is missing.

**Gaps, never blanks.**  Templates do not print workspace fields directly; they ask for them:

* ``need("product.intended_purpose")``: the field's value, or, when it is empty (``None``,
  ``""``, ``[]``, ``{}``), a visible marker ``**[gap: product.intended_purpose]**`` that is
  also listed in the document's closing *Gaps* section with what to fill (the field's own
  description from the schema).  A path that is not a field of the schema is a template error,
  not a gap.
* ``each("risks")``: the list's entries as proxies that know their path (``risks[R1]``), with
  ``entry.need("owner")`` for their own fields; an empty list prints as a gap.
* ``run.gate(...)``, ``run.gates(...)``, ``run.figure(...)``: evidence from the last run,
  each with ``.cite`` (run id, phase, gate or figure, linked to the executed notebook); what
  the run does not have is a gap of kind ``run``.
* ``manual(key, what)``: content no field of ``aipo.yaml`` holds (e.g. the harmonised
  standards of Annex IV point 7): always a gap of kind ``manual``, to be written into a copy
  of the template in the workspace's own ``playbooks/`` folder, which takes precedence.

The environment is :class:`jinja2.StrictUndefined`, so a misspelt variable or attribute stops
the rendering instead of printing nothing.

**Completeness** of a document is the share of its fields (``workspace`` and ``manual`` kinds,
each distinct field once) that are filled.  Evidence from the run is counted separately
(``evidence`` cited / expected): a workspace whose first run has not finished yet is not less
complete.  :func:`documentation_gate` compares the share over all applicable documents with
``settings.documentation_completeness_min``.

Examples
--------
>>> import datetime as dt
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "Ticket summaries", "owner": "Jana",
...                                            "version": "v3"}})
>>> docs = render_documents(ws, as_of=dt.date(2026, 11, 26), only=["model_card"])
>>> d = docs["model_card"]
>>> "**[gap: product.intended_purpose]**" in d.markdown
True
>>> "product.intended_purpose" in [g.field for g in d.gaps]
True
>>> 0 < d.share < 1
True
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import os
import re
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from aipo_widgets import __version__
from aipo_widgets._text import git_commit
from aipo_widgets.analysis.backlog import score_workspace
from aipo_widgets.analysis.business_case import BusinessCaseModel, analyse
from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.analysis.risk import Register
from aipo_widgets.errors import AipoError, Problem, UsageError
from aipo_widgets.evidence import Gate
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import load
from aipo_widgets.resources import resource_dir
from aipo_widgets.runs.ledger import Ledger
from aipo_widgets.runs.results import latest_evidence

__all__ = [
    "DOCUMENTS",
    "Clock",
    "Document",
    "DocumentSet",
    "DocumentSpec",
    "Gap",
    "applicable_documents",
    "documentation_gate",
    "incident_clocks",
    "load_evidence",
    "render_documents",
    "render_folder",
]

GapKind = Literal["workspace", "run", "manual"]


# --------------------------------------------------------------------------------------------
# The documents


@dataclass(frozen=True)
class DocumentSpec:
    """One document the kit can render.

    Attributes
    ----------
    name : str
        The template's name (``playbooks/<name>.md.j2``) and the output file's stem.
    title : str
        The document's title.
    reader : str
        Who it is for.
    """

    name: str
    title: str
    reader: str


#: Every document, in the order they are listed and rendered.
DOCUMENTS: dict[str, DocumentSpec] = {d.name: d for d in (
    DocumentSpec("discovery_workshop", "Discovery workshop", "the product team and stakeholders"),
    DocumentSpec("decision_log", "Decision log", "auditors, stakeholders"),
    DocumentSpec("model_card", "Model card", "users, reviewers, auditors"),
    DocumentSpec("ai_act_technical_documentation",
                 "Technical documentation (AI Act Art 11, Annex IV)",
                 "market-surveillance authorities, notified bodies, compliance"),
    DocumentSpec("fria", "Fundamental-rights impact assessment (AI Act Art 27)",
                 "the deployer's legal team, the market-surveillance authority"),
    DocumentSpec("dpia", "Data protection impact assessment (GDPR Art 35)",
                 "the data protection officer, the supervisory authority"),
    DocumentSpec("rollout_plan", "Rollout plan", "operations, stakeholders"),
    DocumentSpec("kill_switch_and_fallback", "Kill switch and fallback", "operations, on-call"),
    DocumentSpec("incident_playbook", "Incident playbook", "on-call, legal, the DPO"),
    DocumentSpec("go_live_checklist", "Go-live checklist", "the go / no-go meeting"),
    DocumentSpec("impact_report", "Impact report", "management, finance"),
)}


# --------------------------------------------------------------------------------------------
# Gaps and results


@dataclass(frozen=True)
class Gap:
    """Something a document needs and does not have.

    Attributes
    ----------
    field : str
        What to fill: a path in ``aipo.yaml`` (``risks[R3].owner``), the evidence a run should
        record (``run: experiments gate 'gold set size'``) or a manual item.
    hint : str
        What it is and how to fill it.
    kind : {"workspace", "run", "manual"}
        Where it is filled: in ``aipo.yaml``, by running the phase notebooks, or by hand in a
        workspace copy of the template.
    """

    field: str
    hint: str
    kind: GapKind = "workspace"

    @property
    def marker(self) -> str:
        """The marker printed where the value would be."""
        return f"**[gap: {self.field}]**"

    def to_dict(self) -> dict:
        """Return the gap as a JSON-ready dict."""
        return asdict(self)


@dataclass
class Document:
    """One rendered (or not applicable) document.

    Attributes
    ----------
    name, title : str
        From :data:`DOCUMENTS`.
    applies : bool
        Whether the workspace calls for it (``--only`` renders the others on request).
    reason : str
        Why it applies or not.
    markdown : str
        The document, header and closing gaps list included ("" when not rendered).
    filled : list of str
        The distinct fields (workspace and manual) that are filled.
    gaps : list of Gap
        Every gap, in the order met (run evidence included).
    evidence_cited : list of str
        The run evidence found and cited.
    template : str
        The template file used.
    """

    name: str
    title: str
    applies: bool
    reason: str
    markdown: str = ""
    filled: list[str] = field(default_factory=list)
    gaps: list[Gap] = field(default_factory=list)
    evidence_cited: list[str] = field(default_factory=list)
    template: str = ""

    @property
    def rendered(self) -> bool:
        """Whether the document was rendered."""
        return bool(self.markdown)

    @property
    def field_gaps(self) -> list[Gap]:
        """The gaps that count against completeness (workspace and manual)."""
        return [g for g in self.gaps if g.kind != "run"]

    @property
    def evidence_gaps(self) -> list[Gap]:
        """The run evidence the document expected and did not find."""
        return [g for g in self.gaps if g.kind == "run"]

    @property
    def total(self) -> int:
        """Number of distinct fields the document uses."""
        return len(self.filled) + len(self.field_gaps)

    @property
    def share(self) -> float:
        """Share of the fields that are filled (1.0 for a document without fields)."""
        return len(self.filled) / self.total if self.total else 1.0

    def to_dict(self) -> dict:
        """Return the document's figures as a JSON-ready dict (without the text)."""
        return {
            "name": self.name, "title": self.title, "applies": self.applies,
            "reason": self.reason, "rendered": self.rendered, "template": self.template,
            "filled": len(self.filled), "total": self.total, "share": self.share,
            "evidence_cited": len(self.evidence_cited),
            "evidence_expected": len(self.evidence_cited) + len(self.evidence_gaps),
            "gaps": [g.to_dict() for g in self.gaps],
        }


@dataclass
class DocumentSet:
    """The documents of one workspace, rendered together.

    Attributes
    ----------
    documents : list of Document
        Every document of :data:`DOCUMENTS`, rendered or not, in that order.
    product : str
        The product's name.
    as_of : date
        The documents' date.
    run_id : str or None
        The run the evidence comes from.
    commit : str or None
        The workspace's git commit, where there is one.
    threshold : float
        ``settings.documentation_completeness_min``.
    workspace_digest : str or None
        SHA-256 of the ``aipo.yaml`` the documents were rendered from (when rendered from a
        folder), so that a reader can tell whether the workspace changed since.
    """

    documents: list[Document]
    product: str
    as_of: dt.date
    run_id: str | None
    commit: str | None
    threshold: float
    workspace_digest: str | None = None

    def __getitem__(self, name: str) -> Document:
        for d in self.documents:
            if d.name == name:
                return d
        raise KeyError(name)

    @property
    def rendered(self) -> list[Document]:
        """The documents that were rendered."""
        return [d for d in self.documents if d.rendered]

    def completeness(self, documents: Iterable[Document] | None = None) -> tuple[int, int]:
        """Return (filled, total) distinct fields over the rendered documents (or those given).

        A field that several documents use counts once.
        """
        docs = list(self.rendered if documents is None else documents)
        filled = {f for d in docs for f in d.filled}
        missing = {g.field for d in docs for g in d.field_gaps} - filled
        return len(filled), len(filled) + len(missing)

    @property
    def share(self) -> float:
        """Share of distinct fields filled over the rendered documents."""
        filled, total = self.completeness()
        return filled / total if total else 1.0

    def table(self) -> list[dict]:
        """Return the completeness table: one row per rendered document, then the total."""
        rows = [{"document": d.name, "filled": len(d.filled), "total": d.total,
                 "share": d.share, "evidence": f"{len(d.evidence_cited)}/"
                 f"{len(d.evidence_cited) + len(d.evidence_gaps)}",
                 "applies": d.applies} for d in self.rendered]
        filled, total = self.completeness()
        cited = sum(len(d.evidence_cited) for d in self.rendered)
        expected = cited + sum(len(d.evidence_gaps) for d in self.rendered)
        rows.append({"document": "all (distinct fields)", "filled": filled, "total": total,
                     "share": filled / total if total else 1.0,
                     "evidence": f"{cited}/{expected}", "applies": True})
        return rows

    def gate(self) -> Gate:
        """Return the documentation-completeness gate over the applicable rendered documents.

        Fails below ``settings.documentation_completeness_min``; warns when the fields are
        complete enough but evidence from the run is missing.
        """
        docs = [d for d in self.rendered if d.applies]
        filled, total = self.completeness(docs)
        share = filled / total if total else 1.0
        worst = sorted(docs, key=lambda d: d.share)[:3]
        lowest = ", ".join(f"{d.name} {d.share:.0%}" for d in worst)
        missing_evidence = sum(len(d.evidence_gaps) for d in docs)
        threshold = f">= {self.threshold:g}"
        if share < self.threshold:
            gaps = sorted({g.field for d in docs for g in d.field_gaps})
            shown = ", ".join(gaps[:6]) + (", ..." if len(gaps) > 6 else "")
            return Gate("documentation complete", "fail", figure=round(share, 4),
                        threshold=threshold,
                        detail=f"{filled} of {total} fields filled (lowest: {lowest}); fill "
                        f"{shown} and run 'aipo docs'", source="settings."
                        "documentation_completeness_min",
                        extra={"filled": filled, "total": total,
                               "documents": [d.name for d in docs]})
        verdict = "warn" if missing_evidence else "pass"
        detail = f"{filled} of {total} fields filled across {len(docs)} documents"
        if missing_evidence:
            detail += (f"; {missing_evidence} piece(s) of run evidence missing (run 'aipo run' "
                       "so the documents can cite it)")
        return Gate("documentation complete", verdict, figure=round(share, 4),
                    threshold=threshold, detail=detail,
                    source="settings.documentation_completeness_min",
                    extra={"filled": filled, "total": total,
                           "documents": [d.name for d in docs]})

    def to_dict(self) -> dict:
        """Return the set's figures as a JSON-ready dict (``docs.json``)."""
        filled, total = self.completeness()
        return {
            "product": self.product, "as_of": self.as_of.isoformat(), "run_id": self.run_id,
            "commit": self.commit, "workspace_digest": self.workspace_digest,
            "threshold": self.threshold, "filled": filled,
            "total": total, "share": self.share, "gate": self.gate().to_dict(),
            "documents": [d.to_dict() for d in self.documents],
        }


# --------------------------------------------------------------------------------------------
# Gap markers and the field tracker


class GapMarker:
    """What a template gets instead of an empty value: prints as the gap's marker.

    It is falsy, iterates as empty, and any attribute of it is itself (so ``need("x").y``
    still prints the marker); filters pass it through unchanged.
    """

    __slots__ = ("gap",)

    def __init__(self, gap: Gap):
        self.gap = gap

    def __str__(self) -> str:
        return self.gap.marker

    __repr__ = __str__

    def __bool__(self) -> bool:
        return False

    def __iter__(self):
        return iter(())

    def __len__(self) -> int:
        return 0

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_") or name.startswith("jinja"):
            raise AttributeError(name)
        return self

    def __call__(self, *args: Any, **kwargs: Any) -> GapMarker:
        return self


class GapList(list):
    """An empty list that prints as a gap's marker (what ``each`` returns for an empty list)."""

    def __init__(self, gap: Gap):
        super().__init__()
        self.gap = gap

    def __str__(self) -> str:
        return self.gap.marker

    __repr__ = __str__


def _is_gap(value: Any) -> bool:
    return isinstance(value, (GapMarker, GapList))


def _empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (list, tuple, dict, set)):
        return not value
    return False


def _inner_model(annotation: Any) -> Any:
    """Return the pydantic model class inside an annotation (Optional, list, dict), if any."""
    from pydantic import BaseModel

    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _field_info(model_cls: Any, name: str, where: str):
    import jinja2

    fields = getattr(model_cls, "model_fields", None)
    if fields is None or name not in fields:
        known = list(fields or ())
        close = difflib.get_close_matches(name, known, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        msg = f"'{where}' is not a field of aipo.yaml{hint}"
        raise jinja2.exceptions.UndefinedError(msg)
    return fields[name]


class _Fields:
    """Records which fields a document used, filled or not (one per rendering)."""

    def __init__(self, ws: Any):
        self.ws = ws
        self.filled: dict[str, None] = {}
        self.gaps: dict[str, Gap] = {}
        self.evidence: dict[str, None] = {}

    # -- recording ------------------------------------------------------------------------------

    def hit(self, key: str, kind: GapKind = "workspace") -> None:
        if kind == "run":
            self.evidence.setdefault(key, None)
        else:
            self.filled.setdefault(key, None)

    def miss(self, key: str, hint: str, kind: GapKind = "workspace") -> Gap:
        gap = self.gaps.get(key)
        if gap is None:
            gap = self.gaps[key] = Gap(key, hint, kind)
        return gap

    # -- what templates call ------------------------------------------------------------------

    def need(self, path: str, hint: str = "") -> Any:
        """Return a workspace field by its dotted path, or a gap marker when it is empty."""
        value, desc = self._resolve(path)
        return self._check(value, path, hint or desc)

    def each(self, path: str, hint: str = "") -> list:
        """Return a list (or dict) field's entries as proxies, or a printing gap when empty."""
        value, desc = self._resolve(path)
        model_cls = self._model_at(path)
        if _empty(value):
            return GapList(self.miss(path, hint or desc))
        return _entries(value, path, model_cls, self)

    def manual(self, key: str, what: str) -> GapMarker:
        """Content no field of aipo.yaml holds: always a gap of kind manual."""
        return GapMarker(self.miss(key, what + " (write it into a copy of this template in the "
                                   "workspace's playbooks/ folder)", "manual"))

    def missing(self, key: str, what: str) -> GapMarker:
        """Something aipo.yaml should hold and does not (e.g. a risk of some category)."""
        return GapMarker(self.miss(key, what))

    def entry(self, path: str, entry_id: str) -> Any:
        """One entry of a list field by its id, as a proxy (a gap when there is none)."""
        value, _ = self._resolve(path)
        for e in _entries(value or [], path, self._model_at(path), self):
            if e.key == entry_id:
                return e
        return GapMarker(self.miss(f"{path}[{entry_id}]", f"no entry '{entry_id}' in {path}"))

    # -- helpers --------------------------------------------------------------------------------

    def _check(self, value: Any, path: str, hint: str) -> Any:
        if _empty(value):
            return GapMarker(self.miss(path, hint))
        self.hit(path)
        return value

    def _walk(self, path: str) -> tuple[Any, Any, str]:

        obj: Any = self.ws
        cls: Any = Workspace
        desc = ""
        seen: list[str] = []
        for part in path.split("."):
            seen.append(part)
            if cls is None:  # inside a dict field: keys are data, not schema
                obj = obj.get(part) if isinstance(obj, Mapping) else None
                continue
            info = _field_info(cls, part, ".".join(seen))
            desc = info.description or ""
            obj = getattr(obj, part, None) if obj is not None else None
            cls = _inner_model(info.annotation)
        return obj, cls, desc

    def _resolve(self, path: str) -> tuple[Any, str]:
        obj, _, desc = self._walk(path)
        return obj, desc

    def _model_at(self, path: str) -> Any:
        return self._walk(path)[1]


class _Entry:
    """A list entry (or dict value) of the workspace that knows its path, for templates."""

    def __init__(self, obj: Any, path: str, key: str, model_cls: Any, fields: _Fields):
        self._obj = obj
        self._path = path
        self.key = key
        self._cls = model_cls
        self._fields = fields

    @property
    def path(self) -> str:
        """The entry's path, e.g. ``risks[R1]``."""
        return self._path

    @property
    def raw(self) -> Any:
        """The underlying model or value."""
        return self._obj

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._obj, name)

    def __str__(self) -> str:
        return str(self._obj)

    def need(self, name: str, hint: str = "") -> Any:
        """Return the entry's field, or a gap marker (``risks[R1].owner``) when it is empty."""
        where = f"{self._path}.{name}"
        info = _field_info(self._cls, name, where)
        return self._fields._check(getattr(self._obj, name, None), where,
                                   hint or info.description or "")

    def each(self, name: str, hint: str = "") -> list:
        """Return the entries of one of the entry's list fields."""
        where = f"{self._path}.{name}"
        info = _field_info(self._cls, name, where)
        value = getattr(self._obj, name, None)
        if _empty(value):
            return GapList(self._fields.miss(where, hint or info.description or ""))
        return _entries(value, where, _inner_model(info.annotation), self._fields)


def _entries(value: Any, path: str, model_cls: Any, fields: _Fields) -> list[_Entry]:
    if isinstance(value, Mapping):
        return [_Entry(v, f"{path}[{k}]", str(k), model_cls, fields) for k, v in value.items()]
    out = []
    for i, v in enumerate(value):
        key = getattr(v, "id", None) or str(i)
        out.append(_Entry(v, f"{path}[{key}]", str(key), model_cls, fields))
    return out


# --------------------------------------------------------------------------------------------
# Run evidence


def _md_escape(text: Any) -> str:
    return re.sub(r"([\\|\[\]*_`<>])", r"\\\1", str(text)).replace("\n", " ")


class _Evidence:
    """A gate or figure of the last run, with its citation."""

    def __init__(self, kind: str, data: Mapping[str, Any], run: _Run):
        self.kind = kind
        self._data = dict(data)
        self._run = run

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        if name in self._data:
            return self._data[name]
        if name in ("figure", "threshold", "ci", "detail", "source", "verdict", "extra"):
            return None
        raise AttributeError(name)

    @property
    def cite(self) -> str:
        """Run id, phase, and the gate or figure, linked to the executed notebook."""
        phase = self._data.get("phase", "")
        label = (f"gate “{_md_escape(self._data['name'])}”" if self.kind == "gate"
                 else f"figure `{self._data['name']}`")
        text = f"run {self._data.get('run_id') or self._run.id} · {phase} · {label}"
        link = self._run.link(phase)
        return f"[{text}]({link})" if link else f"[{text}]"

    def __str__(self) -> str:
        return str(self._data.get("figure" if self.kind == "gate" else "value"))


class _Run:
    """The last run's evidence as templates see it."""

    def __init__(self, data: Mapping[str, Any] | None, fields: _Fields, links: Mapping[str, str],
                 folder_hint: str):
        self._data = data or {}
        self._fields = fields
        self._links = dict(links)
        self._hint = folder_hint

    @property
    def available(self) -> bool:
        """Whether there is a run."""
        return bool(self._data)

    @property
    def id(self) -> str:
        """The run id (or "no run yet")."""
        return self._data.get("id", "no run yet")

    @property
    def started(self) -> str:
        """When the run started (ISO date and time)."""
        return str(self._data.get("started", ""))[:19].replace("T", " ")

    @property
    def verdict(self) -> str:
        """The run's overall verdict."""
        return self._data.get("verdict", "")

    @property
    def commit(self) -> str | None:
        """The git commit the run was made at."""
        return self._data.get("git_commit")

    def phases(self) -> list[dict]:
        """Return the run's phases."""
        return list(self._data.get("phases", []))

    def borrowed(self) -> list[tuple[str, str]]:
        """Return (phase, run id) of the phases taken from earlier runs (see load_evidence)."""
        return [(ph.get("phase", ""), ph["run_id"]) for ph in self._data.get("phases", [])
                if ph.get("run_id")]

    def link(self, phase: str) -> str:
        """Return a link to the executed notebook's HTML of a phase ("" when unknown)."""
        return self._links.get(phase, "")

    def _gates(self, phase: str | None) -> list[dict]:
        out = []
        for ph in self._data.get("phases", []):
            if phase is None or ph.get("phase") == phase:
                for g in ph.get("gates", []):
                    out.append({**g, "phase": g.get("phase") or ph.get("phase"),
                                "run_id": ph.get("run_id")})
        return out

    def _missing(self, what: str, phase: str | None) -> Gap:
        key = f"run: {phase or 'any phase'} · {what}"
        if not self.available:
            hint = f"no run yet: run 'aipo run {self._hint}'"
        else:
            where = f"the {phase} notebook" if phase else "the phase notebooks"
            hint = (f"the last run ({self.id}) has none; check {where} and its inputs, then "
                    f"run 'aipo run {self._hint}'")
        return self._fields.miss(key, hint, "run")

    def gates(self, phase: str | None = None, *, source: str | None = None,
              name: str | None = None, contains: str | None = None,
              startswith: str | Sequence[str] | None = None, names: Sequence[str] | None = None,
              what: str = "") -> list:
        """Return the gates of the last run that match, or a printing gap when none does.

        Parameters
        ----------
        phase : str, optional
            Only this phase's gates.
        source : str, optional
            Gates whose ``source`` starts with this (e.g. ``acceptance_criteria``).
        name, contains, startswith : str, optional
            Gates with exactly this name, with this text in the name, or starting with it (or
            with one of several beginnings).
        names : sequence of str, optional
            Gates with one of these names.
        what : str
            How to name the evidence in the gaps list (default: from the filters).
        """
        found = [g for g in self._gates(phase)
                 if (source is None or str(g.get("source") or "").startswith(source))
                 and (name is None or g.get("name") == name)
                 and (contains is None or contains in g.get("name", ""))
                 and (startswith is None or g.get("name", "").startswith(
                     tuple(startswith) if isinstance(startswith, (list, tuple)) else startswith))
                 and (names is None or g.get("name") in names)]
        label = what or " ".join(x for x in (
            f"gate '{name}'" if name else "", f"gates of {source}" if source else "",
            f"gates '…{contains}…'" if contains else "",
            f"gates '{startswith}…'" if startswith else "") if x) or "gates"
        if not found:
            return GapList(self._missing(label, phase))
        self._fields.hit(f"run: {phase or 'any phase'} · {label}", "run")
        return [_Evidence("gate", g, self) for g in found]

    def gate(self, name: str | None = None, phase: str | None = None, **kw: Any) -> Any:
        """Return the first gate that matches (see :meth:`gates`), or a gap marker."""
        found = self.gates(phase, name=name, **kw)
        if _is_gap(found):
            return GapMarker(found.gap)
        return found[0]

    def figure(self, name: str, phase: str | None = None) -> Any:
        """Return a figure the run recorded, with its citation, or a gap marker."""
        for ph in self._data.get("phases", []):
            if phase is not None and ph.get("phase") != phase:
                continue
            figures = ph.get("figures") or {}
            if name in figures and figures[name] is not None:
                self._fields.hit(f"run: {phase or 'any phase'} · figure {name}", "run")
                return _Evidence("figure", {"name": name, "value": figures[name],
                                            "phase": ph.get("phase"),
                                            "run_id": ph.get("run_id")}, self)
        return GapMarker(self._missing(f"figure {name}", phase))

    def has_figure(self, name: str, phase: str | None = None) -> bool:
        """Whether the run recorded a figure (no gap is recorded)."""
        return any(name in (ph.get("figures") or {}) for ph in self._data.get("phases", [])
                   if phase is None or ph.get("phase") == phase)

    def has_gates(self, phase: str | None = None, **kw: Any) -> bool:
        """Whether some gate matches (no gap is recorded)."""
        probe = _Run(self._data, _Fields(self._fields.ws), self._links, self._hint)
        return not _is_gap(probe.gates(phase, **kw))


# --------------------------------------------------------------------------------------------
# Incident clocks


@dataclass
class Clock:
    """A legal reporting clock that applies to this product.

    Attributes
    ----------
    id, regime, case, deadline, action, to, basis : str
        From ``playbooks/clocks.yaml``.
    hours : int or None
        The deadline in hours, where it is a fixed number of hours.
    applies_from : date
        When the clock applies to this product.
    applies_now : bool
        Whether it does on the as-of date.
    why : str
        Why it applies to this product.
    """

    id: str
    regime: str
    case: str
    deadline: str
    hours: int | None
    action: str
    to: str
    basis: str
    applies_from: dt.date
    applies_now: bool
    why: str

    def to_dict(self) -> dict:
        """Return the clock as a JSON-ready dict."""
        d = asdict(self)
        d["applies_from"] = self.applies_from.isoformat()
        return d


@functools.lru_cache(maxsize=4)
def _clock_data(path: str) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(Path(path).read_text(encoding="utf-8"))


def clocks_file() -> Path:
    """Return the path of the clocks data file (``playbooks/clocks.yaml``)."""
    return resource_dir("playbooks") / "clocks.yaml"


def incident_clocks(ws: Any, classification: Any) -> list[Clock]:
    """Return the reporting clocks that apply to this product, with the dates they apply from.

    AI Act Art 73 clocks apply where the classification carries the serious-incident
    obligation (a high-risk system), from that obligation's date; GDPR Arts 33 and 34 where
    personal data is processed; NIS2 Art 23 where ``compliance.nis2`` is true.

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace.
    classification : aipo_widgets.analysis.compliance.Classification
        Its classification (for the tier, the obligations and the as-of date).

    Returns
    -------
    list of Clock

    Examples
    --------
    >>> import datetime as dt
    >>> from aipo_widgets.analysis.compliance import classify_workspace
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "compliance": {"nis2": True, "gdpr": {"answers": {"personal_data": False}}}})
    >>> [c.deadline for c in incident_clocks(ws, classify_workspace(ws, dt.date(2026, 11, 26)))
    ...  if c.regime == "NIS2"]
    ['24 hours', '72 hours', '1 month']
    """
    data = _clock_data(str(clocks_file()))
    c = classification
    art73 = [o for o in [*c.obligations, *c.other_obligations]
             if o.id == "art73_serious_incidents"]
    holder_note = ""
    if art73 and "provider" not in c.roles:
        holder_note = ("; the provider reports, we inform the provider immediately (Art 26(5)) "
                       "and report ourselves only if the provider cannot be reached")
    out = []
    for raw in data["clocks"]:
        when = raw["when"]
        if when == "ai_act_serious_incident":
            if not art73:
                continue
            start, now = art73[0].applies_from, art73[0].applies_now
            why = (f"{c.tier_label} ({', '.join(c.route) or 'route unknown'}); applies from "
                   f"{start.isoformat()} ({art73[0].date_basis}){holder_note}")
        elif when == "personal_data":
            if not c.gdpr.personal_data:
                continue
            start = dt.date.fromisoformat(str(raw["from"]))
            now = c.as_of >= start
            why = "the product processes personal data (data map)"
        elif when == "nis2":
            if not ws.compliance.nis2:
                continue
            start = dt.date.fromisoformat(str(raw["from"]))
            now = c.as_of >= start
            why = "compliance.nis2 is true (essential or important entity)"
        else:  # pragma: no cover - the data file is ours
            msg = f"clocks.yaml: unknown 'when' {when!r}"
            raise ValueError(msg)
        out.append(Clock(raw["id"], raw["regime"], " ".join(str(raw["case"]).split()),
                         raw["deadline"], raw.get("hours"), " ".join(str(raw["action"]).split()),
                         raw["to"], raw["basis"], start, now, why))
    return out


# --------------------------------------------------------------------------------------------
# Which documents apply


def applicable_documents(ws: Any, classification: Any) -> dict[str, tuple[bool, str]]:
    """Return, per document, whether the workspace calls for it and why.

    The technical documentation applies to a high-risk system; the FRIA where the
    classification carries the Art 27 duty (public bodies and public-service providers, and
    every deployer of Annex III 5(b) and 5(c) systems); the DPIA where the GDPR screening
    finds it required or likely required, or it is recorded as required or done.  The other
    documents apply to every product.

    Examples
    --------
    >>> import datetime as dt
    >>> from aipo_widgets.analysis.compliance import classify_workspace
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    >>> a = applicable_documents(ws, classify_workspace(ws, dt.date(2026, 11, 26)))
    >>> a["model_card"][0], a["fria"][0]
    (True, False)
    """
    c = classification
    out: dict[str, tuple[bool, str]] = {}
    for name in DOCUMENTS:
        out[name] = (True, "every AI product needs it")
    if c.tier == "high_risk":
        own = "provider" in c.roles
        out["ai_act_technical_documentation"] = (True, (
            f"high-risk ({', '.join(c.route)}): Art 11 and Annex IV, applicable from "
            f"{c.tier_applies_from}" + ("" if own else "; the provider draws it up, we keep "
                                        "what we hold and request the rest")))
    else:
        out["ai_act_technical_documentation"] = (False, f"not high-risk ({c.tier_label})")
    fria = [o for o in c.obligations if o.id == "art27_fria"]
    if fria:
        out["fria"] = (True, f"Art 27 applies to us from {fria[0].applies_from}")
    elif c.tier != "high_risk":
        out["fria"] = (False, "no Art 27 duty: the system is not high-risk")
    else:
        out["fria"] = (False, "no Art 27 duty: we are not a public body or public-service "
                       "provider deploying it, and it is not an Annex III 5(b)/5(c) system")
    g = c.gdpr
    if g.dpia in ("required", "likely_required") or g.dpia_decision in ("required", "done"):
        why = (", ".join(g.dpia_triggers) or f"{len(g.edpb_criteria)} EDPB criteria"
               if g.dpia != "not_applicable" else "")
        out["dpia"] = (True, f"DPIA {g.dpia.replace('_', ' ')}"
                       + (f" ({why})" if why else "")
                       + f"; decision recorded: {g.dpia_decision}")
    elif not g.personal_data:
        out["dpia"] = (False, "no personal data processed")
    else:
        out["dpia"] = (False, f"GDPR screening: DPIA {g.dpia.replace('_', ' ')}")
    return out


# --------------------------------------------------------------------------------------------
# Formatting filters (gap-aware)


def _gap_aware(f: Callable) -> Callable:
    pass_arg = getattr(f, "jinja_pass_arg", None)

    @functools.wraps(f)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        value = args[1] if pass_arg is not None and len(args) > 1 else (args[0] if args else None)
        if _is_gap(value):
            return value
        return f(*args, **kwargs)

    return wrapper


def _num(value: Any, digits: int = 4) -> Any:
    if value is None:
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value != value:  # NaN
            return "n/a"
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}g}"
    return value


def _pct(value: Any, digits: int = 1) -> Any:
    if value is None or isinstance(value, str):
        return "n/a" if value is None else value
    return f"{100 * float(value):.{digits}f} %"


def _money(value: Any, currency: str = "EUR") -> Any:
    if value is None:
        return "n/a"
    return f"{currency} {float(value):,.0f}"


def _ci(value: Any, digits: int = 4) -> str:
    if not value:
        return ""
    lo, hi = value
    return f"{_num(float(lo), digits)} to {_num(float(hi), digits)}"


def _cell(value: Any) -> str:
    if _is_gap(value):
        return str(value)
    if isinstance(value, (list, tuple)):
        value = ", ".join(str(v) for v in value)
    text = " ".join(str(value).split())
    return text.replace("|", "\\|")


def _words(value: Any) -> Any:
    if isinstance(value, (list, tuple, set)):
        return ", ".join(str(v) for v in value)
    return value


def _yesno(value: Any) -> str:
    return "yes" if value else "no"


def _date(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return "n/a" if value is None else value


def _finalize(value: Any) -> Any:
    if _is_gap(value):
        return str(value)
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return _num(value)
    return value


# --------------------------------------------------------------------------------------------
# The environment


def _environment(extra_dirs: Sequence[Path] = ()):
    dirs = tuple(str(d) for d in extra_dirs if d.is_dir())
    # Compiling the templates is most of the rendering time: the kit's own environment is
    # kept (Jinja still reloads a template whose file changed); one with a workspace's own
    # templates is made afresh.
    return _make_environment(dirs) if dirs else _shipped_environment()


@functools.lru_cache(maxsize=1)
def _shipped_environment():
    return _make_environment(())


def _make_environment(dirs: tuple[str, ...]):
    import jinja2

    loaders = [jinja2.FileSystemLoader(d) for d in dirs]
    loaders.append(jinja2.FileSystemLoader(str(resource_dir("playbooks"))))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # Markdown, not HTML; the HTML converter escapes
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_finalize,
    )
    for name, f in list(env.filters.items()):
        if name not in ("length", "count", "default", "d"):
            env.filters[name] = _gap_aware(f)
    for name, f in {"num": _num, "pct": _pct, "money": _money, "ci": _ci, "words": _words,
                    "yesno": _yesno, "date": _date}.items():
        env.filters[name] = _gap_aware(f)
    env.filters["cell"] = _cell
    env.tests["matching"] = lambda value, pattern: re.search(pattern, str(value)) is not None
    env.tests["containing"] = lambda value, text: str(text) in str(value)
    return env


# --------------------------------------------------------------------------------------------
# Evidence from the workspace folder


def load_evidence(folder: str | os.PathLike) -> tuple[dict | None, dict[str, list]]:
    """Return the evidence of the runs' ``results.json`` and, per figure, its trend in the ledger.

    The evidence is the last run; a phase that run left out (``aipo run --phase ...``) or that
    raised in it comes from the newest earlier run where it ran to the end, marked with that
    run's id (``run_id`` on the phase), so that a partial run does not empty the documents and
    every citation still names the run its figure comes from.

    Parameters
    ----------
    folder : path
        The workspace folder.

    Returns
    -------
    run, trends
        The evidence (None when there is no run; ``id`` is the last run's, ``merged_from`` the
        earlier runs it borrowed phases from) and ``{figure: [(run_id, started, phase,
        value), ...]}`` from ``reports/ledger.sqlite`` (empty without a ledger).

    Examples
    --------
    >>> import tempfile
    >>> load_evidence(tempfile.mkdtemp())
    (None, {})
    """
    # Reading the run's files is the pipeline's business; the import stays local so that the
    # core imports no pipeline module at load time (as pages.py does).

    folder = Path(folder)
    run = latest_evidence(folder)
    trends: dict[str, list] = {}
    db = folder / "reports" / "ledger.sqlite"
    if run is not None and db.exists():

        with Ledger(db) as ledger:
            for ph in run.get("phases", []):
                for name in ph.get("figures") or {}:
                    trends.setdefault(name, ledger.trend(name))
    return run, trends


# --------------------------------------------------------------------------------------------
# Rendering


def _analyses(ws: Any, as_of: dt.date, classification: Any) -> dict[str, Any]:
    """Make the core objects the templates use (None, with the problem, when one fails)."""
    out: dict[str, Any] = {"problems": []}

    def attempt(key: str, make: Callable[[], Any]) -> None:
        try:
            out[key] = make()
        except AipoError as exc:
            out[key] = None
            out["problems"].extend(str(p) for p in exc.problems)

    attempt("register", lambda: Register.from_workspace(ws, as_of))
    if ws.business_case is not None:

        attempt("bc", lambda: analyse(ws.business_case, monte_carlo=False))

        def realised() -> Any:
            model = BusinessCaseModel(ws.business_case)
            values = model.values("realistic")
            measured = {k: d.measured for k, d in ws.business_case.drivers.items()
                        if d.measured is not None}
            return model.cash_flows({**values, **measured}), sorted(measured)

        attempt("bc_realised", realised)
    else:
        out["bc"] = out["bc_realised"] = None
    if ws.metric_tree.nodes:

        attempt("tree", lambda: Tree(ws.metric_tree).status())
    else:
        out["tree"] = None
    if ws.backlog:

        attempt("backlog", lambda: score_workspace(ws, classification=classification))
    else:
        out["backlog"] = None
    return out


def _check_only(only: Sequence[str] | None) -> list[str] | None:
    if not only:
        return None
    unknown = [n for n in only if n not in DOCUMENTS]
    if unknown:
        raise UsageError([Problem(
            f"no document named '{n}'", path="--only",
            fix=(f"did you mean '{close[0]}'? " if (close := difflib.get_close_matches(
                n, list(DOCUMENTS), n=1)) else "") + "choose from: " + ", ".join(DOCUMENTS),
        ) for n in unknown])
    return list(dict.fromkeys(only))


def _gaps_section(doc: Document) -> str:
    lines = ["", "## Gaps", ""]
    gaps = doc.gaps
    share = f"{doc.share:.0%}"
    lines.append(f"{len(doc.filled)} of {doc.total} fields filled ({share}); "
                 f"evidence from the run: {len(doc.evidence_cited)} of "
                 f"{len(doc.evidence_cited) + len(doc.evidence_gaps)} cited.")
    lines.append("")
    if not gaps:
        lines.append("None: every field this document uses is filled.")
        return "\n".join(lines) + "\n"
    lines.append("Fill these (in `aipo.yaml` unless the kind says otherwise), then run "
                 "`aipo docs` again.")
    lines.append("")
    lines.append("| # | field | kind | what to fill |")
    lines.append("| --- | --- | --- | --- |")
    for i, g in enumerate(gaps, 1):
        lines.append(f"| {i} | `{g.field}` | {g.kind} | {_cell(g.hint) or 'see the schema'} |")
    return "\n".join(lines) + "\n"


def render_documents(
    ws: Any,
    *,
    folder: str | os.PathLike | None = None,
    run: Mapping[str, Any] | None = None,
    trends: Mapping[str, list] | None = None,
    as_of: dt.date | None = None,
    only: Sequence[str] | None = None,
    commit: str | None = None,
    links_from: str | os.PathLike | None = None,
) -> DocumentSet:
    """Render the documents that apply to a workspace (or those asked for).

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace.
    folder : path, optional
        The workspace folder: its own ``playbooks/`` templates take precedence over the kit's,
        and run links point into its ``reports/``.  The run and the ledger are *not* read here
        (pass them, see :func:`load_evidence`).
    run : mapping, optional
        The last run's ``results.json`` (None: no run yet, the evidence is listed as gaps).
    trends : mapping, optional
        Figure trends from the ledger (for the impact report).
    as_of : date, optional
        The documents' date (default today); obligations and clocks are judged on it.
    only : sequence of str, optional
        Render just these documents, whether they apply or not.
    commit : str, optional
        The workspace's git commit, shown in every header.
    links_from : path, optional
        The folder the documents will be written to, so that run links are relative to it
        (default: relative to the workspace folder).

    Returns
    -------
    DocumentSet

    Raises
    ------
    UsageError
        For an unknown document name, or a template that uses an undefined name (with the
        template file and line).
    """
    import jinja2

    wanted = _check_only(only)
    as_of = as_of or dt.date.today()
    c = classify_workspace(ws, as_of)
    applies = applicable_documents(ws, c)
    analyses = _analyses(ws, as_of, c)
    root = Path(folder) if folder is not None else None
    env = _environment([root / "playbooks"] if root is not None else [])

    links: dict[str, str] = {}
    if run:
        reports = (root / "reports" / run["id"]) if root is not None else Path("reports") / run[
            "id"]
        for ph in run.get("phases", []):
            if ph.get("html"):
                # A phase borrowed from an earlier run links into that run's folder.
                target = reports.parent / (ph.get("run_id") or run["id"]) / ph["html"]
                if links_from is not None and root is not None:
                    rel = os.path.relpath(target, Path(links_from))
                elif root is not None:
                    rel = os.path.relpath(target, root)
                else:
                    rel = str(target)
                links[ph["phase"]] = Path(rel).as_posix()
    dir_hint = str(root) if root is not None else "DIR"

    names = wanted or [n for n, (ok, _) in applies.items() if ok]
    # The go-live checklist reports the other documents' completeness: render it last.
    order = sorted(names, key=lambda n: n == "go_live_checklist")
    docs: dict[str, Document] = {n: Document(n, s.title, applies[n][0], applies[n][1])
                                 for n, s in DOCUMENTS.items()}
    clocks = incident_clocks(ws, c)
    base = {
        "ws": ws, "c": c, "as_of": as_of, "clocks": clocks, "applies": applies,
        "documents": DOCUMENTS, "version": __version__, "dir": dir_hint,
        "trends": dict(trends or {}), "commit": commit, **analyses,
    }
    for name in order:
        tracker = _Fields(ws)
        run_view = _Run(run, tracker, links, dir_hint)
        spec_ = DOCUMENTS[name]
        others = [d for d in docs.values() if d.rendered and d.name != name]
        ctx = {**base, "need": tracker.need, "each": tracker.each, "manual": tracker.manual,
               "missing": tracker.missing, "entry": tracker.entry, "run": run_view,
               "doc": spec_, "rendered": others,
               "document_applies": applies[name][0], "document_reason": applies[name][1]}
        template_name = f"{name}.md.j2"
        try:
            header = env.get_template("_header.md.j2").render(ctx)
            template = env.get_template(template_name)
            body = template.render(ctx)
        except jinja2.TemplateNotFound as exc:
            raise UsageError([Problem(f"template {exc.name} not found", fix="reinstall "
                                      "aipo-kit or restore the file in playbooks/")]) from None
        except (jinja2.UndefinedError, jinja2.TemplateSyntaxError) as exc:
            line = getattr(exc, "lineno", None)
            raise UsageError([Problem(
                f"template {template_name}{f' line {line}' if line else ''}: {exc.message}",
                fix="correct the template (a gap must come from need(), each() or run.*)")]
            ) from exc
        d = docs[name]
        d.template = template_name
        d.filled = list(tracker.filled)
        d.gaps = list(tracker.gaps.values())
        d.evidence_cited = list(tracker.evidence)
        text = header.rstrip() + "\n\n" + body.strip() + "\n"
        text = re.sub(r"\n{3,}", "\n\n", text)
        d.markdown = text + _gaps_section(d)
    threshold = ws.settings.documentation_completeness_min
    return DocumentSet(list(docs.values()), ws.product.name, as_of,
                       run.get("id") if run else None, commit, threshold)


def render_folder(folder: str | os.PathLike, *, as_of: dt.date | None = None,
                  only: Sequence[str] | None = None,
                  links_from: str | os.PathLike | None = None) -> DocumentSet:
    """Load a workspace folder with its last run, ledger and git commit, and render its documents.

    Parameters
    ----------
    folder : path
        The workspace folder (or its ``aipo.yaml``).
    as_of, only, links_from
        As in :func:`render_documents`.

    Returns
    -------
    DocumentSet

    Raises
    ------
    WorkspaceError
        When ``aipo.yaml`` is missing or invalid.
    UsageError
        For an unknown document name.

    Examples
    --------
    >>> import datetime as dt, tempfile
    >>> from pathlib import Path
    >>> from aipo_widgets.examples import write_example
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_example("blank", folder)
    >>> docs = render_folder(folder, as_of=dt.date(2026, 11, 26))
    >>> docs.run_id, "ai_act_technical_documentation" in [d.name for d in docs.rendered]
    (None, False)
    """
    import hashlib

    wf = load(folder)
    root = wf.folder
    run, trends = load_evidence(root)
    docs = render_documents(wf.workspace, folder=root, run=run, trends=trends, as_of=as_of,
                            only=only, commit=git_commit(root), links_from=links_from)
    docs.workspace_digest = hashlib.sha256(wf.path.read_bytes()).hexdigest()
    return docs


def documentation_gate(ws: Any, folder: str | os.PathLike, *,
                       as_of: dt.date | None = None) -> Gate:
    """Return the documentation-completeness gate of ``03_rollout``.

    Renders every applicable document from the workspace and its last run (as ``aipo docs``
    does, without writing anything) and compares the share of fields filled with
    ``settings.documentation_completeness_min``: fail below it; warn when it is met but
    evidence from the run is missing; pass otherwise.

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace.
    folder : path
        The workspace folder (for its last run and its own templates).
    as_of : date, optional
        Default today.

    Returns
    -------
    Gate
        ``documentation complete``, with the share as the figure and the filled and total
        counts in ``extra``.

    Examples
    --------
    >>> import tempfile
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    >>> g = documentation_gate(ws, tempfile.mkdtemp())
    >>> g.name, g.verdict, g.threshold
    ('documentation complete', 'fail', '>= 0.8')
    """
    run, trends = load_evidence(folder)
    return render_documents(ws, folder=folder, run=run, trends=trends, as_of=as_of).gate()
