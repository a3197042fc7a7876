"""Cross-references of the plan, the sign-offs, the RACI and the notification channels.

Unique milestone ids, one RACI entry per artefact, unique channel ids, and every decision an
artefact names must be in the decision log. Documents and gates are checked where they can be
(a gate exists only in a run, a document's name is the documents layer's), by
:mod:`aipo_widgets.gates.signoffs` and ``aipo signoff``.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
...     "plan": {"milestones": [{"id": "M1", "title": "t", "phase": "discovery",
...                              "due": "2026-09-01", "evidence": "decision:D9"}]}})
>>> [(path, message) for path, message, fix in governance_problems(ws)]
[(('plan', 'milestones', 0, 'evidence'), "names decision 'D9', which is not in decisions")]
"""

from __future__ import annotations

from collections.abc import Iterator

from aipo_widgets._text import suggest
from aipo_widgets.errors import Path, format_path
from aipo_widgets.model.artefacts import parse_artefact
from aipo_widgets.model.schema import Workspace

__all__ = ["governance_problems"]


def governance_problems(ws: Workspace) -> Iterator[tuple[Path, str, str]]:
    """Yield (path, message, fix) for each dangling reference or duplicate of these sections."""
    decisions = [d.id for d in ws.decisions]

    def decision_ref(ref: str | None, path: Path) -> Iterator[tuple[Path, str, str]]:
        if ref is None:
            return
        art = parse_artefact(ref)
        if art.kind == "decision" and art.name not in decisions:
            yield (path, f"names decision '{art.name}', which is not in decisions",
                   suggest(art.name, decisions, none="add it to the decision log first"))

    yield from _unique([m.id for m in ws.plan.milestones], ("plan", "milestones"), "id")
    for i, m in enumerate(ws.plan.milestones):
        yield from decision_ref(m.evidence, ("plan", "milestones", i, "evidence"))
    yield from _unique([r.artefact for r in ws.raci], ("raci",), "artefact",
                       what="artefact", fix="keep one RACI entry per artefact")
    for i, r in enumerate(ws.raci):
        yield from decision_ref(r.artefact, ("raci", i, "artefact"))
    for i, s in enumerate(ws.signoffs):
        yield from decision_ref(s.artefact, ("signoffs", i, "artefact"))
    channels = [("webhooks", i, c.id) for i, c in enumerate(ws.notifications.webhooks)]
    channels += [("email", i, c.id) for i, c in enumerate(ws.notifications.email)]
    seen: dict[str, Path] = {}
    for kind, i, cid in channels:
        path: Path = ("notifications", kind, i, "id")
        if cid in seen:
            yield (path, f"duplicate channel id '{cid}' (also at {format_path(seen[cid])})",
                   "give each channel its own id")
        else:
            seen[cid] = path


def _unique(values: list[str], where: Path, key: str, *, what: str = "id",
            fix: str = "give each entry its own id") -> Iterator[tuple[Path, str, str]]:
    seen: dict[str, int] = {}
    for i, value in enumerate(values):
        if value in seen:
            yield ((*where, i, key),
                   f"duplicate {what} '{value}' (also at {format_path((*where, seen[value]))})",
                   fix)
        else:
            seen[value] = i
