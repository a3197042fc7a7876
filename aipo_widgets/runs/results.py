"""How a phase notebook hands its gates and key figures to the pipeline.

A notebook calls :func:`record` once (or more) with its gates and figures. The call displays an
output with the kit's own MIME type carrying the data as JSON, plus a readable table for people.
``aipo run`` reads that MIME type back from the executed notebook, so the executed notebook is
itself the evidence: an auditor can trace every figure in ``results.json`` to the cell that
produced it. Nothing is printed and no side file is needed, so phases can run in parallel.

Examples
--------
>>> from aipo_widgets.evidence import Gate
>>> out = Results("discovery", [Gate("baseline measured", "pass", figure=18.4)], {"n": 3120})
>>> bundle = out._repr_mimebundle_()
>>> sorted(bundle)
['application/vnd.aipo.results+json', 'text/html', 'text/plain']
>>> bundle[RESULTS_MIME]["gates"][0]["verdict"]
'pass'
"""

from __future__ import annotations

import html
import json
import math
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aipo_widgets._text import format_number
from aipo_widgets.evidence import Gate, worst
from aipo_widgets.figures.problems import PhaseProblems, problems
from aipo_widgets.figures.tokens import VERDICT
from aipo_widgets.figures.verdict import provenance_text
from aipo_widgets.gates.verdict import OverallVerdict, overall_verdict, supersede
from aipo_widgets.model.schema import Workspace
from aipo_widgets.runs.ledger import unreadable

RESULTS_MIME = "application/vnd.aipo.results+json"

# Colour-blind-safe (Okabe-Ito) with a text label: colour is never the only signal.
_VERDICT_STYLE = {k: (VERDICT[k]["colour"], VERDICT[k]["label"]) for k in ("pass", "warn", "fail")}


def _jsonable(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return _jsonable(value.item())
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def _where(gate: Gate) -> str:
    """Say where a gate's figure came from (its provenance, in the words every surface uses)."""
    return provenance_text(gate.provenance.to_dict() if gate.provenance else None)


@dataclass
class Results:
    """The gates and figures a phase notebook hands to the pipeline.

    Parameters
    ----------
    phase : str
        The phase, e.g. ``"discovery"``.
    gates : list of Gate
        The phase's gates.
    figures : dict
        Key figures by name (numbers or short texts), e.g. ``{"baseline_handle_time_min": 18.4}``.
    cache : list of dict
        The analyses reused from the workspace's cache or computed (kind, label, reused, run).
    """

    phase: str
    gates: list[Gate] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    cache: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Return the JSON payload read back by ``aipo run``."""
        gates = []
        for g in self.gates:
            d = g.to_dict()
            d["phase"] = d.get("phase") or self.phase
            gates.append(_jsonable(d))
        return {"phase": self.phase, "verdict": worst(self.gates), "gates": gates,
                "figures": _jsonable(self.figures), "cache": _jsonable(self.cache)}

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return {
            RESULTS_MIME: self.to_dict(),
            "text/html": self._html(),
            "text/plain": self._text(),
        }

    def _text(self) -> str:
        lines = [f"{self.phase}: {worst(self.gates).upper()}"]
        for g in self.gates:
            where = _where(g)
            lines.append(f"  [{g.verdict.upper()}] {g.name}: {format_number(g.figure)}"
                         + (f" (threshold {format_number(g.threshold)})" if g.threshold is not None
                         else "") + (f" [{where}]" if where else ""))
        return "\n".join(lines)

    def _html(self) -> str:
        rows = []
        for g in self.gates:
            colour, label = _VERDICT_STYLE[g.verdict]
            ci = f" [{format_number(g.ci[0])}, {format_number(g.ci[1])}]" if g.ci else ""
            rows.append(
                "<tr>"
                f"<td><span style='background:{colour};color:#fff;padding:1px 6px;"
                f"border-radius:3px;font-weight:600'>{label}</span></td>"
                f"<td>{html.escape(g.name)}</td>"
                f"<td>{html.escape(format_number(g.figure))}{html.escape(ci)}</td>"
                f"<td>{html.escape(_where(g))}</td>"
                f"<td>{html.escape(format_number(g.threshold))}</td>"
                f"<td>{html.escape(g.detail)}</td></tr>"
            )
        colour, label = _VERDICT_STYLE[worst(self.gates)]
        return (
            f"<div class='aipo-results'><p><b>Gates of {html.escape(self.phase)}:</b> "
            f"<span style='color:{colour};font-weight:700'>{label}</span></p>"
            "<table><thead><tr><th>verdict</th><th>gate</th><th>figure</th><th>evidence</th>"
            "<th>threshold</th>"
            "<th>why</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
        )




def record(phase: str, gates: Iterable[Gate] = (), figures: Mapping[str, Any] | None = None,
           *, cache: Iterable[Mapping[str, Any]] = (), display: bool = True) -> Results | None:
    """Record a phase's gates and key figures for ``aipo run`` (and show them).

    Parameters
    ----------
    phase : str
        The phase, e.g. ``"discovery"``.
    gates : iterable of Gate
        The gates of the phase.
    figures : mapping, optional
        Key figures by name.
    cache : iterable of dict
        The analyses the phase asked the workspace's cache for, reused or computed
        (:meth:`aipo_widgets.model.cache.Use.to_dict`).
    display : bool, default True
        Display the results in the notebook (this is what hands them to the pipeline).

    Returns
    -------
    Results or None
        What was recorded when ``display=False``; None otherwise, so that a call at the end of
        a cell does not show (and record) the results a second time.
    """
    results = Results(phase, list(gates), dict(figures or {}), [dict(u) for u in cache])
    if not display:
        return results
    from IPython.display import display as _display

    _display(results)
    return None


def read_results(notebook: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Return every results payload recorded in an executed notebook, in cell order.

    Parameters
    ----------
    notebook : mapping
        The notebook as loaded by ``nbformat`` (or its JSON).
    """
    found = []
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []) or []:
            data = output.get("data") or {}
            if RESULTS_MIME in data:
                payload = data[RESULTS_MIME]
                if isinstance(payload, str):
                    payload = json.loads(payload)
                found.append(payload)
    return found


def latest_run(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Return the ``results.json`` of the newest run of a workspace, or None.

    Raises
    ------
    aipo_widgets.errors.DataError
        When that file is not a run's results (truncated, corrupt): it names the file and the
        fix.
    """
    reports = Path(folder) / "reports"
    latest = reports / "latest"
    if not latest.exists() and (reports / "latest.txt").exists():
        latest = reports / (reports / "latest.txt").read_text().strip()
    results = latest / "results.json"
    if not results.exists():
        return None
    try:
        run = json.loads(results.read_text(encoding="utf-8"))
    except ValueError as exc:  # truncated, not UTF-8 (restored from a CI cache, a copy)
        raise unreadable(results.resolve(), exc) from exc
    if not isinstance(run, dict):
        found = ValueError(f"a JSON {type(run).__name__}, not a run's results")
        raise unreadable(results.resolve(), found)
    return run


def latest_evidence(folder: str | os.PathLike[str]) -> dict[str, Any] | None:
    """Return the newest run with the phases it did not run (or that raised in it) filled in.

    A run of some phases only (``--phase``) would otherwise hide the others' results: the
    documents would lose their evidence and the status page would show "on track" after a run
    of the operate phase alone. Each phase taken from an earlier run carries that run's id as
    ``run_id``, and ``merged_from`` lists those runs; ``id`` stays the newest run's.

    Returns
    -------
    dict or None
        As :func:`latest_run`, None when there is no run.
    """
    run = latest_run(folder)
    return None if run is None else _with_earlier_phases(Path(folder) / "reports", run)


def with_earlier_phases(folder: str | os.PathLike[str], run: dict[str, Any]) -> dict[str, Any]:
    """Return ``run`` with the phases it did not run (or that raised in it) from earlier runs.

    What :func:`latest_evidence` does for the newest run, for a run not yet written (``aipo
    run`` computes the product's verdict before it writes ``results.json``).
    """
    return _with_earlier_phases(Path(folder) / "reports", run)


def _with_earlier_phases(reports: Path, run: dict[str, Any]) -> dict[str, Any]:
    """Fill the phases a run left out or that raised in it from the newest earlier runs."""
    done = {ph.get("phase") for ph in run.get("phases", []) if ph.get("status") != "error"}
    phases = [ph for ph in run.get("phases", []) if ph.get("phase") in done]
    borrowed: list[str] = []
    # Run ids start with their UTC start time, so the names sort oldest first.
    for results in sorted(reports.glob("*/results.json"), reverse=True):
        if results.parent.name == run.get("id") or results.parent.is_symlink():
            continue
        try:
            earlier = json.loads(results.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a broken earlier run is no evidence
        if str(earlier.get("started", "")) > str(run.get("started", "")):
            continue
        for ph in earlier.get("phases", []):
            if ph.get("phase") not in done and ph.get("status") != "error":
                phases.append({**ph, "run_id": earlier.get("id")})
                done.add(ph.get("phase"))
                if earlier.get("id") not in borrowed:
                    borrowed.append(earlier.get("id"))
    if not borrowed:
        return run
    phases.sort(key=lambda ph: str(ph.get("notebook") or ph.get("phase")))
    return {**run, "phases": phases, "merged_from": borrowed}


def product_verdict(folder: str | os.PathLike[str], ws: Workspace, *,
                    strict: bool | None = None) -> OverallVerdict:
    """Return the product's one verdict from its newest evidence (what every surface shows).

    The phases the newest run did not run come from earlier runs (:func:`latest_evidence`);
    warnings block where the newest run was strict, unless ``strict`` says otherwise.
    """
    return overall_verdict(ws, latest_evidence(folder), strict=strict)


def run_problems(folder: str | os.PathLike[str], run: Mapping[str, Any]) -> list[PhaseProblems]:
    """Return what did not pass in a run, per phase and worst first, as every surface lists it.

    A gate whose figure a later phase measured (in this run or an earlier one) is superseded:
    counted, not listed (:func:`aipo_widgets.gates.verdict.supersede`). A phase that raised is
    its notebook's error, not an earlier run's gates. Among phases as bad as each other, the
    product's current phase (whose decision is due) comes first.

    Parameters
    ----------
    folder : path
        The workspace folder (its earlier runs are read for the later measurements).
    run : dict
        The run, as ``results.json`` holds it.

    Returns
    -------
    list of aipo_widgets.figures.problems.PhaseProblems
    """
    evidence = supersede(with_earlier_phases(folder, dict(run))) or {}
    marked = {ph.get("phase"): ph for ph in evidence.get("phases", []) if not ph.get("run_id")}
    phases = [ph if ph.get("status") == "error" else {**ph, **marked.get(ph.get("phase"), {})}
              for ph in run.get("phases", [])]
    current = str((run.get("product_verdict") or {}).get("phase") or "")
    return problems({**run, "phases": phases}, current=current)
