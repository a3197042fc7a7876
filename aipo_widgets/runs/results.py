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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aipo_widgets.evidence import Gate, worst

RESULTS_MIME = "application/vnd.aipo.results+json"

_VERDICT_STYLE = {
    # Colour-blind-safe (Okabe-Ito) with a text label: colour is never the only signal.
    "pass": ("#009E73", "PASS"),
    "warn": ("#E69F00", "WARN"),
    "fail": ("#D55E00", "FAIL"),
}


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
    """

    phase: str
    gates: list[Gate] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict:
        """Return the JSON payload read back by ``aipo run``."""
        gates = []
        for g in self.gates:
            d = g.to_dict()
            d["phase"] = d.get("phase") or self.phase
            gates.append(_jsonable(d))
        return {"phase": self.phase, "verdict": worst(self.gates), "gates": gates,
                "figures": _jsonable(self.figures)}

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict:
        return {
            RESULTS_MIME: self.to_dict(),
            "text/html": self._html(),
            "text/plain": self._text(),
        }

    def _text(self) -> str:
        lines = [f"{self.phase}: {worst(self.gates).upper()}"]
        for g in self.gates:
            lines.append(f"  [{g.verdict.upper()}] {g.name}: {_fmt(g.figure)}"
                         + (f" (threshold {_fmt(g.threshold)})" if g.threshold is not None else ""))
        return "\n".join(lines)

    def _html(self) -> str:
        rows = []
        for g in self.gates:
            colour, label = _VERDICT_STYLE[g.verdict]
            ci = f" [{_fmt(g.ci[0])}, {_fmt(g.ci[1])}]" if g.ci else ""
            rows.append(
                "<tr>"
                f"<td><span style='background:{colour};color:#fff;padding:1px 6px;"
                f"border-radius:3px;font-weight:600'>{label}</span></td>"
                f"<td>{html.escape(g.name)}</td>"
                f"<td>{html.escape(_fmt(g.figure))}{html.escape(ci)}</td>"
                f"<td>{html.escape(_fmt(g.threshold))}</td>"
                f"<td>{html.escape(g.detail)}</td></tr>"
            )
        colour, label = _VERDICT_STYLE[worst(self.gates)]
        return (
            f"<div class='aipo-results'><p><b>Gates of {html.escape(self.phase)}:</b> "
            f"<span style='color:{colour};font-weight:700'>{label}</span></p>"
            "<table><thead><tr><th>verdict</th><th>gate</th><th>figure</th><th>threshold</th>"
            "<th>why</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table></div>"
        )


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def record(phase: str, gates: Iterable[Gate] = (), figures: Mapping[str, Any] | None = None,
           *, display: bool = True) -> Results | None:
    """Record a phase's gates and key figures for ``aipo run`` (and show them).

    Parameters
    ----------
    phase : str
        The phase, e.g. ``"discovery"``.
    gates : iterable of Gate
        The gates of the phase.
    figures : mapping, optional
        Key figures by name.
    display : bool, default True
        Display the results in the notebook (this is what hands them to the pipeline).

    Returns
    -------
    Results or None
        What was recorded when ``display=False``; None otherwise, so that a call at the end of
        a cell does not show (and record) the results a second time.
    """
    results = Results(phase, list(gates), dict(figures or {}))
    if not display:
        return results
    from IPython.display import display as _display

    _display(results)
    return None


def read_results(notebook: Mapping) -> list[dict]:
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
