"""What is not passing in a run, for people: failures and warnings per phase, worst first.

``aipo run``, ``aipo status --problems``, ``summary.md`` and the GitHub job summary list the same
problems in the same order, from the run's plain data (``results.json``): the phases with a
failure first, then those with warnings, each phase's failures before its warnings; a notebook
that raised is a failure of its phase. Figures and thresholds carry their units
(:mod:`aipo_widgets.figures.units`); reasons are shown whole, never cut.

A gate that a later phase measured again (``superseded_by``, set by
:func:`aipo_widgets.gates.verdict.supersede`) is no problem of its own any more: it is counted,
not listed.

Examples
--------
>>> run = {"id": "r1", "gates": [], "phases": [
...     {"phase": "discovery", "status": "ok", "gates": [
...         {"name": "baseline", "verdict": "pass", "figure": 18.4},
...         {"name": "risks reviewed", "verdict": "warn", "figure": 1, "threshold": "0 overdue",
...          "detail": "R3 (36 days)"}]},
...     {"phase": "experiments", "status": "ok", "gates": [
...         {"name": "correct share", "verdict": "fail", "figure": 0.874, "threshold": ">= 0.9",
...          "detail": "below the criterion", "extra": {"metric": "correct_share"}}]}]}
>>> groups = problems(run)
>>> [(g.phase, g.verdict, len(g.gates), g.passed) for g in groups]
[('experiments', 'fail', 1, 0), ('discovery', 'warn', 1, 1)]
>>> for line in problems_text(groups, units={"correct_share": "share"}):
...     print(line)
Not passing: 1 failure, 1 warning
  experiments: 1 failure
    FAIL correct share (figure 87.4%, threshold >= 90%): below the criterion
  discovery: 1 warning (1 passed)
    WARN risks reviewed (figure 1, threshold 0 overdue): R3 (36 days)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from aipo_widgets._text import MISSING
from aipo_widgets.figures.units import format_threshold, format_value, gate_unit
from aipo_widgets.figures.verdict import provenance_text, verdict_word

__all__ = ["PhaseProblems", "count_text", "gate_reason", "gate_sentence", "problems",
           "problems_markdown", "problems_text"]

_RANK = {"fail": 0, "warn": 1}
# Phases in the order of the product's life; a phase the kit does not know sorts after them.
_PHASES = ("workspace", "discovery", "experiments", "rollout", "operate")


@dataclass
class PhaseProblems:
    """The failures and warnings of one phase of a run.

    Attributes
    ----------
    phase : str
        The phase (``workspace`` for the run's own gates).
    verdict : {"fail", "warn"}
        The worst of them.
    gates : list of dict
        The gates that did not pass, failures first, as ``results.json`` holds them.
    error : str
        What the phase's notebook raised ("" when it ran through), with its cell.
    passed : int
        The phase's gates that passed.
    superseded : int
        Gates not passing that a later phase measured again (not listed).
    html : str
        The phase's report, beside ``results.json`` ("" when none was written).
    notebook : str
        The phase's notebook file, e.g. ``01_discovery.ipynb`` ("" for the run's own gates).
    """

    phase: str
    verdict: str
    gates: list[dict[str, Any]] = field(default_factory=list)
    error: str = ""
    passed: int = 0
    superseded: int = 0
    html: str = ""
    notebook: str = ""

    @property
    def failures(self) -> int:
        """Failing gates, a notebook that raised counted as one."""
        return sum(g.get("verdict") == "fail" for g in self.gates) + bool(self.error)

    @property
    def warnings(self) -> int:
        """Gates that warned."""
        return sum(g.get("verdict") == "warn" for g in self.gates)


def problems(run: Mapping[str, Any] | None, *, current: str = "") -> list[PhaseProblems]:
    """Return a run's failures and warnings, grouped per phase, worst first.

    Parameters
    ----------
    run : dict or None
        The run as ``results.json`` holds it (or :func:`aipo_widgets.gates.verdict.supersede`
        returns it).
    current : str
        The product's current phase, whose decision is due: among phases as bad as each other
        it comes first (a terminal or GitHub shows only so many).

    Returns
    -------
    list of PhaseProblems
        Phases with a failure first, then with warnings, each in the order of the product's
        life; phases where everything passed are left out.
    """
    if not run:
        return []
    out: list[PhaseProblems] = []
    phases: list[Mapping[str, Any]] = list(run.get("phases") or [])
    run_gates = list(run.get("gates") or [])
    if run_gates:
        phases = [{"phase": "workspace", "status": "ok", "gates": run_gates}, *phases]
    for ph in phases:
        bad, passed, superseded = [], 0, 0
        for g in ph.get("gates") or []:
            verdict = g.get("verdict")
            if verdict not in _RANK:
                passed += verdict == "pass"
            elif g.get("superseded_by"):
                superseded += 1
            else:
                bad.append(dict(g))
        error = ""
        if ph.get("status") == "error":
            cell = ph.get("error_cell")
            error = str(ph.get("error") or "the notebook raised") + (
                f" (in cell [{cell}])" if cell is not None else "")
        if not bad and not error:
            continue
        bad.sort(key=lambda g: _RANK[g["verdict"]])  # stable: the notebook's order otherwise
        worst = "fail" if error or any(g["verdict"] == "fail" for g in bad) else "warn"
        out.append(PhaseProblems(str(ph.get("phase", "")), worst, bad, error, passed,
                                 superseded, str(ph.get("html") or ""),
                                 str(ph.get("notebook") or "")))
    order = {p: i for i, p in enumerate(_PHASES)}
    out.sort(key=lambda p: (_RANK[p.verdict], p.phase != current,
                            order.get(p.phase, len(order))))
    return out


def count_text(failures: int, warnings: int) -> str:
    """Say how many failures and warnings, in words.

    Examples
    --------
    >>> count_text(2, 1), count_text(0, 39), count_text(0, 0)
    ('2 failures, 1 warning', '39 warnings', 'nothing')
    """
    parts = [f"{n} {word}{'' if n == 1 else 's'}"
             for n, word in ((failures, "failure"), (warnings, "warning")) if n]
    return ", ".join(parts) or "nothing"


def gate_reason(gate: Mapping[str, Any]) -> str:
    """Return why a gate did not pass: its detail, and where its figure came from if not measured.

    A figure that was typed, carried or missing is part of the reason (a gate passes only on a
    measured figure); a measured one is evidence, not a reason, and is left to the reports.

    Examples
    --------
    >>> gate_reason({"detail": "R3 (36 days)", "provenance": {"kind": "typed"}})
    'R3 (36 days); typed in aipo.yaml'
    >>> gate_reason({"detail": "not measured: would come from the log; why",
    ...              "provenance": {"kind": "missing", "note": "the log"}})
    'not measured: would come from the log; why'
    """
    detail = str(gate.get("detail") or "").strip()
    prov = gate.get("provenance") or {}
    # Where a measured figure or a setting came from is evidence, not the reason.
    where = "" if prov.get("kind") in ("measured", "config") else provenance_text(prov)
    # The gate may have said it already, in its own words ("not measured: would come from X").
    said = where.split(": ", 1)[-1]
    if where and said not in detail:
        detail = f"{detail}; {where}" if detail else where
    return detail


def gate_sentence(gate: Mapping[str, Any], units: Mapping[str, str] | None = None) -> str:
    """Return a gate as one line: its name, figure and threshold with their unit, and why.

    Examples
    --------
    >>> gate_sentence({"name": "p95 latency", "verdict": "fail", "figure": 2401.3,
    ...                "threshold": "<= 2000", "detail": "over budget",
    ...                "extra": {"metric": "latency_p95_ms"}}, {"latency_p95_ms": "ms"})
    'p95 latency (figure 2,401 ms, threshold <= 2,000 ms): over budget'
    >>> gate_sentence({"name": "data readable", "verdict": "fail", "detail": "no file"})
    'data readable: no file'
    """
    unit = gate_unit(gate, units or {})
    said = [f"{label} {text}" for label, text in (
        ("figure", format_value(gate.get("figure"), unit) if gate.get("figure") is not None
         else ""),
        ("threshold", format_threshold(gate.get("threshold"), unit)
         if gate.get("threshold") is not None else "")) if text and text != MISSING]
    text = str(gate.get("name", "")) + (f" ({', '.join(said)})" if said else "")
    reason = gate_reason(gate)
    return text + (f": {reason}" if reason else "")


def problems_text(groups: Sequence[PhaseProblems], *, units: Mapping[str, str] | None = None,
                  limit: int | None = None, more: str = "") -> list[str]:
    r"""Return the problems as lines for a terminal, grouped per phase, worst first.

    Parameters
    ----------
    groups : list of PhaseProblems
        What :func:`problems` returns.
    units : dict, optional
        Units by figure name (:func:`aipo_widgets.figures.units.figure_units`).
    limit : int, optional
        List at most this many warnings in all (failures are always listed); the others are
        counted per phase, with ``more`` saying where they are all listed.
    more : str
        Where the rest is listed, e.g. "see reports/latest/summary.md".

    Examples
    --------
    >>> g = [PhaseProblems("operate", "warn", [{"name": f"w{i}", "verdict": "warn"}
    ...                                        for i in range(3)])]
    >>> print("\n".join(problems_text(g, limit=1, more="all in summary.md")))
    Not passing: 3 warnings
      operate: 3 warnings
        WARN w0
        ... and 2 more warnings (all in summary.md)
    """
    if not groups:
        return ["Not passing: nothing (every gate passed)"]
    fails = sum(g.failures for g in groups)
    warns = sum(g.warnings for g in groups)
    lines = [f"Not passing: {count_text(fails, warns)}"]
    budget = limit
    for group in groups:
        notes = [f"{group.passed} passed"] if group.passed else []
        if group.superseded:
            notes.append(f"{group.superseded} measured again by a later phase")
        note = f" ({'; '.join(notes)})" if notes else ""
        lines.append(f"  {group.phase}: {count_text(group.failures, group.warnings)}{note}")
        if group.error:
            lines.append(f"    FAIL the notebook raised: {group.error}")
        left = 0
        for g in group.gates:
            if g["verdict"] == "warn" and budget is not None:
                if budget <= 0:
                    left += 1
                    continue
                budget -= 1
            lines.append(f"    {verdict_word(g['verdict'])} {gate_sentence(g, units)}")
        if left:
            lines.append(f"    ... and {left} more warning{'' if left == 1 else 's'}"
                         + (f" ({more})" if more else ""))
    return lines


def _cell(text: Any) -> str:
    """Return text safe inside a Markdown table cell (pipes, brackets and breaks escaped)."""
    out = str(text)
    for ch in "\\|[]*_`<":
        out = out.replace(ch, "\\" + ch)
    return out.replace("\r", " ").replace("\n", " ")


def problems_markdown(groups: Sequence[PhaseProblems], *, units: Mapping[str, str] | None = None,
                      report_link: Mapping[str, str] | None = None, level: int = 2) -> str:
    r"""Return the problems as Markdown: one table per phase, every problem, worst first.

    Parameters
    ----------
    groups : list of PhaseProblems
        What :func:`problems` returns.
    units : dict, optional
        Units by figure name.
    report_link : dict, optional
        Phase to the link of its report (a relative path or an address), shown beside its
        heading.
    level : int, default 2
        The heading level of each phase.

    Examples
    --------
    >>> g = [PhaseProblems("rollout", "fail", [{"name": "go / no-go", "verdict": "fail",
    ...                                         "figure": "no-go", "detail": "a | b"}])]
    >>> print(problems_markdown(g, report_link={"rollout": "03_rollout.html"}))
    ## rollout: 1 failure
    <BLANKLINE>
    Report: [03\_rollout.html](03_rollout.html)
    <BLANKLINE>
    | | gate | figure | threshold | why |
    | --- | --- | ---: | --- | --- |
    | **FAIL** | go / no-go | no-go | — | a \| b |
    <BLANKLINE>
    """
    if not groups:
        return "Every gate passed.\n"
    out: list[str] = []
    hashes = "#" * level
    for group in groups:
        notes = [f"{group.passed} passed"] if group.passed else []
        if group.superseded:
            notes.append(f"{group.superseded} measured again by a later phase")
        note = f" ({'; '.join(notes)})" if notes else ""
        out += [f"{hashes} {group.phase}: {count_text(group.failures, group.warnings)}{note}", ""]
        link = (report_link or {}).get(group.phase)
        if link:
            out += [f"Report: [{_cell(link.rsplit('/', 1)[-1])}]({link})", ""]
        out += ["| | gate | figure | threshold | why |", "| --- | --- | ---: | --- | --- |"]
        if group.error:
            out.append(f"| **FAIL** | the notebook raised | | | {_cell(group.error)} |")
        for g in group.gates:
            unit = gate_unit(g, units or {})
            out.append(f"| **{verdict_word(g['verdict'])}** | {_cell(g.get('name', ''))} | "
                       f"{_cell(format_value(g.get('figure'), unit))} | "
                       f"{_cell(format_threshold(g.get('threshold'), unit))} | "
                       f"{_cell(gate_reason(g) or MISSING)} |")
        out.append("")
    return "\n".join(out)
