"""The evidence of the last run as templates see it, each piece with its citation.

:func:`load_evidence` reads the last run's ``results.json`` (phases it left out come from the
newest earlier run that ran them) and the figures' trends from the run ledger.  In a template,
``run.gate(...)``, ``run.gates(...)`` and ``run.figure(...)`` (a :class:`RunView`) return that
evidence with ``.cite`` (run id, phase, gate or figure, linked to the executed notebook); what
the run does not have is a gap of kind ``run``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from aipo_widgets.documents.gaps import FieldTracker, Gap, GapList, GapMarker, is_gap
from aipo_widgets.figures.verdict import provenance_text
from aipo_widgets.runs.ledger import Ledger
from aipo_widgets.runs.results import latest_evidence


def _md_escape(text: Any) -> str:
    return re.sub(r"([\\|\[\]*_`<>])", r"\\\1", str(text)).replace("\n", " ")


class _Evidence:
    """A gate or figure of the last run, with its citation."""

    def __init__(self, kind: str, data: Mapping[str, Any], run: RunView):
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
        cited = f"[{text}]({link})" if link else f"[{text}]"
        # Where a gate's figure came from (measured where and over which window, typed, carried,
        # missing), in the words the pages and reports use; the run is named already.
        where = provenance_text(self._data.get("provenance")) if self.kind == "gate" else ""
        return f"{cited}, {_md_escape(where)}" if where else cited

    def __str__(self) -> str:
        return str(self._data.get("figure" if self.kind == "gate" else "value"))


class RunView:
    """The last run's evidence as templates see it (``run`` in a template).

    Parameters
    ----------
    data : mapping or None
        The evidence (:func:`load_evidence`), None before the first run.
    fields : FieldTracker
        Where cited evidence and missing evidence (gaps of kind ``run``) are recorded.
    links : mapping of str to str
        Per phase, the link to its executed notebook's HTML.
    folder_hint : str
        The workspace folder as the gaps' hints name it (``aipo run DIR``).
    """

    def __init__(self, data: Mapping[str, Any] | None, fields: FieldTracker,
                 links: Mapping[str, str], folder_hint: str):
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
        if is_gap(found):
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
        probe = RunView(self._data, FieldTracker(self._fields.ws), self._links, self._hint)
        return not is_gap(probe.gates(phase, **kw))


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
