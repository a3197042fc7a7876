"""What JupyterLab's AI-product panel shows for one workspace, as plain JSON-ready data.

The panel (the kit's JupyterLab extension) decides nothing: it shows what ``aipo status`` says,
from the same functions. One call gathers the product, its phase and day of the 90, the
milestone timeline, the overall verdict, the gates of the newest evidence that did not pass
(each with the phase notebook that recorded it), the documents with their completeness and
sign-off state, and the sign-offs the current decision waits for.

Examples
--------
>>> import tempfile
>>> from aipo_widgets.examples import write_example
>>> folder = tempfile.mkdtemp()
>>> _ = write_example("blank", folder)
>>> state = sidebar_state(folder, as_of=dt.date(2026, 12, 7))
>>> state["product"]["phase"], state["verdict"]["verdict"], state["run"]
('discovery', 'warn', None)
>>> [s["text"] for s in state["waiting"]]
['waiting for: data protection officer']
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

from aipo_widgets.documents.render import render_folder
from aipo_widgets.documents.signing import governance
from aipo_widgets.figures.tokens import VERDICT
from aipo_widgets.figures.verdict import provenance_text
from aipo_widgets.gates.verdict import PHASES, overall_verdict, supersede
from aipo_widgets.model.workspace import load
from aipo_widgets.runs.results import latest_evidence, latest_run

__all__ = ["sidebar_state"]


def _notebooks(folder: Path) -> dict[str, str]:
    """Phase -> the workspace's notebook for it (``notebooks/01_discovery.ipynb``)."""
    found = {}
    for nb in sorted((folder / "notebooks").glob("*.ipynb")):
        phase = nb.stem.split("_", 1)[-1]
        if phase in PHASES and phase not in found:
            found[phase] = f"notebooks/{nb.name}"
    return found


def _open_gates(evidence: dict[str, Any] | None, notebooks: dict[str, str]) -> list[dict]:
    gates = []
    for phase in (evidence or {}).get("phases") or []:
        name = phase.get("phase", "")
        for g in phase.get("gates") or []:
            # A gate whose figure a later phase measured is no open point (gates.verdict).
            if g.get("verdict") == "pass" or g.get("superseded_by"):
                continue
            gates.append({"phase": name, "name": g.get("name", ""), "verdict": g.get("verdict"),
                          "detail": g.get("detail") or "", "source": g.get("source") or "",
                          "evidence": provenance_text(
                              g.get("provenance"),
                              str(phase.get("run_id") or (evidence or {}).get("id") or "")),
                          "notebook": notebooks.get(name, "")})
    order = {"error": 0, "fail": 1, "warn": 2}
    gates.sort(key=lambda g: order.get(str(g["verdict"]), 3))
    return gates


def _documents(folder: Path, as_of: dt.date, stale: set[str]) -> list[dict[str, Any]]:
    docs = render_folder(folder, as_of=as_of)
    out = []
    for d in docs.documents:
        if not d.applies:
            continue
        out.append({"name": d.name, "title": d.title, "share": round(d.share, 3),
                    "filled": len(d.filled), "total": d.total, "gaps": len(d.gaps),
                    "signoff_stale": d.name in stale})
    return out


def sidebar_state(folder: str | os.PathLike[str], *, as_of: dt.date | None = None
                  ) -> dict[str, Any]:
    """Return everything the panel shows for the workspace in ``folder``.

    Parameters
    ----------
    folder : path
        The workspace folder (holding ``aipo.yaml``).
    as_of : datetime.date, optional
        The day the plan is read on (default today, as ``aipo status``).

    Returns
    -------
    dict
        ``product`` (name, phase, owner), ``day`` ("day 47 of 90"), ``timeline`` (the plan's
        view), ``verdict`` (the overall verdict), ``gates`` (not passing, worst first, with
        their evidence and notebook), ``documents``, ``signoffs`` and ``waiting`` (the
        sign-offs the decision waits for), ``run`` (id and start of the newest run, or None).
    """
    root = Path(folder)
    ws = load(root).workspace
    as_of = as_of or dt.date.today()
    evidence = latest_evidence(root)
    gov = governance(root, ws, as_of=as_of, evidence=evidence)
    verdict = overall_verdict(ws, evidence)
    run = latest_run(root)
    view = gov.to_view()
    stale = {s.artefact.removeprefix("doc:") for s in gov.states
             if s.state == "stale" and s.artefact.startswith("doc:")}
    return {
        "folder": str(root),
        "product": {"name": ws.product.name, "phase": getattr(ws.product.phase, "value",
                                                               ws.product.phase),
                    "owner": ws.product.owner},
        "day": gov.timeline.day_label,
        "timeline": view["timeline"],
        "verdict": {**verdict.to_dict(), "colour": VERDICT[verdict.verdict]["colour"]},
        "gates": _open_gates(supersede(evidence), _notebooks(root)),
        "documents": _documents(root, as_of, stale),
        "signoffs": view["signoffs"],
        "waiting": view["waiting"],
        "run": {"id": run["id"], "started": run.get("started", "")} if run else None,
    }
