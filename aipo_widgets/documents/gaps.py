"""Gaps, never blanks: what a template gets for an empty field, and the record of fields used.

Templates do not print workspace fields directly; they ask for them through a
:class:`FieldTracker` (one per rendered document):

* ``need("product.intended_purpose")``: the field's value, or, when it is empty (``None``,
  ``""``, ``[]``, ``{}``), a :class:`GapMarker` that prints ``**[gap: product.intended_purpose]**``
  and is listed in the document's closing *Gaps* section with what to fill (the field's own
  description from the schema).  A path that is not a field of the schema is a template error,
  not a gap.
* ``each("risks")``: the list's entries as proxies that know their path (``risks[R1]``), with
  ``entry.need("owner")`` for their own fields; an empty list prints as a gap (:class:`GapList`).
* ``manual(key, what)``: content no field of ``aipo.yaml`` holds: always a gap of kind ``manual``.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "X", "owner": "Jana"}})
>>> fields = FieldTracker(ws)
>>> fields.need("product.owner"), str(fields.need("product.intended_purpose"))
('Jana', '**[gap: product.intended_purpose]**')
>>> list(fields.filled), list(fields.gaps)
(['product.owner'], ['product.intended_purpose'])
"""

from __future__ import annotations

import difflib
import re
import typing
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal, TypeGuard

from aipo_widgets.model.schema import Workspace

#: Where a gap is filled: in ``aipo.yaml``, by running the phase notebooks, or by hand.
GapKind = Literal["workspace", "run", "manual"]


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
        """Return the marker itself (``need("x").items()`` still prints the gap)."""
        return self


class GapList(list):
    """An empty list that prints as a gap's marker (what ``each`` returns for an empty list)."""

    def __init__(self, gap: Gap):
        super().__init__()
        self.gap = gap

    def __str__(self) -> str:
        return self.gap.marker

    __repr__ = __str__


# What a list's entries are called, for a reader who does not know the aipo.yaml paths.
_ENTRY_WORDS = {
    "metric_tree.nodes": "the metric", "risks": "the risk", "data_map.sources": "the data source",
    "value_hypotheses": "the hypothesis", "rollout.stages": "the rollout stage",
    "acceptance_criteria": "the acceptance criterion", "backlog": "the backlog item",
    "monitoring.alert_rules": "the alert rule", "decision_log": "the decision",
    "signoffs": "the sign-off", "stakeholders": "the stakeholder",
}
_ENTRY = re.compile(r"^(?P<list>[\w.]+)\[(?P<id>[^\]]+)\](?:\.(?P<rest>.+))?$")


def _words(name: str) -> str:
    return name.replace("_", " ").replace(".", " ").strip()


def gap_sentence(field: str) -> str:
    """Say in plain words what a gap is, for a reader who does not know ``aipo.yaml``.

    The field's path stays available beside it (the documents put it in a tooltip).

    Examples
    --------
    >>> gap_sentence("metric_tree.nodes[correct_share].description")
    "Not yet written: the description of the metric 'Correct share' (aipo.yaml, metric_tree)"
    >>> gap_sentence("product.intended_purpose")
    'Not yet written: the intended purpose of the product (aipo.yaml, product)'
    >>> gap_sentence("risks")
    'Not yet written: the risks (aipo.yaml, risks)'
    >>> gap_sentence("run: experiments gate 'gold set size'")
    "Not yet measured: experiments gate 'gold set size' (run the phase notebooks: aipo run)"
    >>> gap_sentence("compliance.gdpr.dpia.date")
    "Not yet written: 'date' in compliance › gdpr › dpia (aipo.yaml, compliance)"
    >>> gap_sentence("data_map.sources (role: gold)")
    'Not yet written: the sources of the data map (role: gold) (aipo.yaml, data_map)'
    >>> gap_sentence("…")  # the marker as a document's header explains it
    'Not yet written: …'
    """
    if field.strip() in ("…", "...", ""):
        return "Not yet written: …"
    if field.startswith("run:"):
        return (f"Not yet measured: {field[4:].strip()} (run the phase notebooks: aipo run)")
    # A path, perhaps with what it is for in brackets: "data_map.sources (role: gold)".
    path, _, note = field.partition(" (")
    note = f" ({note}" if note else ""
    if field.startswith("manual:") or " " in path:
        what = field.split(":", 1)[1].strip() if field.startswith("manual:") else field
        return f"To be written by hand: {what}"
    entry = _ENTRY.match(path)
    if entry is not None:
        listed = entry.group("list")
        thing = _ENTRY_WORDS.get(listed, f"the entry of {_words(listed)}")
        name = entry.group("id").replace("_", " ")
        whose = f"{thing} '{name[:1].upper() + name[1:]}'"
        rest = entry.group("rest")
        what = f"the {_words(rest)} of {whose}" if rest else whose
        return f"Not yet written: {what}{note} (aipo.yaml, {listed.split('.')[0]})"
    parts = path.split(".")
    head = parts[0]
    if len(parts) > 2:  # compliance.gdpr.dpia.date: 'date' in compliance › gdpr › dpia
        what = f"'{_words(parts[-1])}' in {' › '.join(_words(x) for x in parts[:-1])}"
    elif len(parts) == 2:
        what = f"the {_words(parts[1])} of the {_words(head)}"
    else:
        what = f"the {_words(head)}"
    return f"Not yet written: {what}{note} (aipo.yaml, {head})"


def is_gap(value: Any) -> TypeGuard[GapMarker | GapList]:
    """Return whether ``value`` is what a template got for something missing.

    Examples
    --------
    >>> is_gap(GapMarker(Gap("x", ""))), is_gap("")
    (True, False)
    """
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


class FieldTracker:
    """Records which fields a document used, filled or not (one per rendering).

    Its ``need``, ``each``, ``manual``, ``missing`` and ``entry`` are what the templates call;
    the run's evidence (:class:`aipo_widgets.documents.run_evidence.RunView`) records here too.

    Attributes
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace the fields are read from.
    filled : dict of str to None
        The fields found filled, in the order met (a dict as an ordered set).
    gaps : dict of str to Gap
        The gaps, by field, in the order met.
    evidence : dict of str to None
        The run evidence found and cited.
    """

    def __init__(self, ws: Any):
        self.ws = ws
        self.filled: dict[str, None] = {}
        self.gaps: dict[str, Gap] = {}
        self.evidence: dict[str, None] = {}

    # -- recording ------------------------------------------------------------------------------

    def hit(self, key: str, kind: GapKind = "workspace") -> None:
        """Record ``key`` as filled (as cited evidence for kind ``run``)."""
        if kind == "run":
            self.evidence.setdefault(key, None)
        else:
            self.filled.setdefault(key, None)

    def miss(self, key: str, hint: str, kind: GapKind = "workspace") -> Gap:
        """Record ``key`` as a gap (once; the first hint stays) and return the gap."""
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

    def __init__(self, obj: Any, path: str, key: str, model_cls: Any, fields: FieldTracker):
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


def _entries(value: Any, path: str, model_cls: Any, fields: FieldTracker) -> list[_Entry]:
    if isinstance(value, Mapping):
        return [_Entry(v, f"{path}[{k}]", str(k), model_cls, fields) for k, v in value.items()]
    out = []
    for i, v in enumerate(value):
        key = getattr(v, "id", None) or str(i)
        out.append(_Entry(v, f"{path}[{key}]", str(key), model_cls, fields))
    return out

