"""The body of ``aipo status``: the last run's gates, only its problems, or figures across runs.

The header (the product's verdict, the plan and sign-offs) is the CLI's; this module returns
the lines below it, from the run's ``results.json``, the earlier runs and the run ledger:

* :func:`gate_lines`: every gate of the run, per phase, what does not pass first, figures with
  their units, superseded gates with the later measurement;
* :func:`problem_lines`: only what does not pass (``--problems``);
* :func:`trend_lines`: every key figure across runs with a sparkline (``--trend``), or one
  figure or gate run by run (``--trend NAME``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from aipo_widgets._text import format_number, suggest
from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.figures.problems import problems_text
from aipo_widgets.figures.trend_text import sparkline_text, trend_table
from aipo_widgets.figures.units import figure_units, format_value, unit_of
from aipo_widgets.figures.verdict import superseded_text
from aipo_widgets.gates.verdict import supersede
from aipo_widgets.model.workspace import load
from aipo_widgets.pipeline.runner import gate_line
from aipo_widgets.runs.ledger import Ledger
from aipo_widgets.runs.results import latest_evidence, run_problems

__all__ = ["gate_lines", "problem_lines", "raised_text", "trend_lines"]

# The order gates are listed in: what blocks first.
_WORST = {"fail": 0, "warn": 1, "pass": 2}


def raised_text(error: str, cell: int | None, notebook: Path) -> str:
    """Say what a phase notebook raised, in which cell, and where the executed copy is."""
    where = f"in cell [{cell}] " if cell is not None else ""
    return f"{error} ({where}see {notebook})"


def problem_lines(folder: Path, run: Mapping[str, Any]) -> list[str]:
    """Return what does not pass in the run, per phase and worst first, reasons whole."""
    units = figure_units(load(folder).workspace)
    reports = folder / "reports" / str(run["id"])
    lines = [f"Run {run['id']} ({str(run['started'])[:16].replace('T', ' ')}): "
             f"{str(run['verdict']).upper()}, exit {run['exit_code']}"]
    lines += problems_text(run_problems(folder, run), units=units)
    lines += [f"  {ph['phase']}: the executed notebook with the error: "
              f"{reports / ph['notebook']}" for ph in run["phases"] if ph["status"] == "error"]
    lines += [f"  {ph['phase']}: not in this run; {ph['verdict'].upper()} in run "
              f"{ph['run_id']} (aipo status {folder} shows its gates)"
              for ph in (latest_evidence(folder) or {}).get("phases", [])
              if ph.get("run_id") and ph.get("verdict") != "pass"]
    return lines


def gate_lines(folder: Path, run: Mapping[str, Any]) -> list[str]:
    """Return every gate of the run, per phase, what does not pass first, with units."""
    units = figure_units(load(folder).workspace)
    reports = folder / "reports" / str(run["id"])
    merged = latest_evidence(folder) or {}
    lines = [f"Run {run['id']} ({str(run['started'])[:19]}): {str(run['verdict']).upper()}, "
             f"exit {run['exit_code']}"]
    # A gate whose figure a later phase measured (in this run or an earlier one) is superseded.
    later = {(ph["phase"], g["name"]): superseded_text(g)
             for ph in (supersede(merged) or {}).get("phases", [])
             for g in ph["gates"] if g.get("superseded_by")}
    for g in run.get("gates", []):  # about the run itself (older results.json have none)
        lines.append(f"  {g['phase']}: [{g['verdict'].upper()}] "
                     f"{gate_line(g, run['id'], units)}")
    for ph in run["phases"]:
        state = "ERROR" if ph["status"] == "error" else ph["verdict"].upper()
        lines.append(f"  {ph['phase']}: {state} ({format_number(ph['seconds'])} s)")
        if ph["status"] == "error":
            lines.append("    " + raised_text(ph["error"], ph.get("error_cell"),
                                              reports / ph["notebook"]))
        # What does not pass first, failures before warnings; the passes after them.
        for g in sorted(ph["gates"], key=lambda g: (
                (ph["phase"], g["name"]) in later, _WORST.get(g["verdict"], len(_WORST)))):
            if (ph["phase"], g["name"]) in later:
                lines.append(f"    [SUPERSEDED] {g['name']}: {later[ph['phase'], g['name']]}")
            else:
                lines.append(f"    [{g['verdict'].upper():4}] {gate_line(g, run['id'], units)}")
    # A run of some phases only: say where the others stand, so a green partial run does not
    # read as the product's state.
    lines += [f"  {ph['phase']}: not in this run; {ph['verdict'].upper()} in run "
              f"{ph['run_id']}, where the status page and aipo docs take it from"
              for ph in merged.get("phases", []) if ph.get("run_id")]
    return lines


def trend_lines(folder: Path, name: str, *, as_json: bool = False) -> list[str]:
    """Return every key figure across runs (``name`` empty), or one figure or gate by run.

    Raises
    ------
    aipo_widgets.errors.UsageError
        Without a ledger, or for a name the ledger does not hold (with the closest ones).
    """
    db = folder / "reports" / "ledger.sqlite"
    if not db.exists():
        raise UsageError([Problem("no runs yet", file=str(db), fix=f"aipo run {folder}")])
    units = figure_units(load(folder).workspace)
    with Ledger(db) as ledger:
        if not name:
            series = ledger.series()
            if as_json:
                return [json.dumps({k: [{"run": r, "started": s, "value": v} for r, s, v in pts]
                                    for k, pts in series.items()}, indent=2)]
            table = trend_table({k: [v for _, _, v in pts] for k, pts in series.items()}, units)
            if not table:
                return ["No key figures with numbers in the ledger yet."]
            return [f"Key figures across {len(ledger.runs())} run(s), oldest to newest "
                    "(aipo status DIR --trend NAME for one run by run):",
                    *(f"  {line}" for line in table)]
        points = ledger.trend(name)
        if not points:
            raise UsageError([Problem(
                f"no figure or gate named '{name}' in the ledger", path="--trend",
                fix=suggest(name, ledger.names(), n=3,
                            none="see 'aipo status DIR --trend' for the names"),
            )])
    if as_json:
        return [json.dumps([{"run": r, "started": s, "phase": p, "value": v}
                            for r, s, p, v in points], indent=2)]
    unit = unit_of(name, units)
    lines = [f"{s[:16].replace('T', ' ')}  {r}  {p:<12} {format_value(v, unit)}"
             for r, s, p, v in points]
    spark = sparkline_text([v for *_, v in points], width=60)
    if spark:
        lines.append(f"{name}: {spark}  ({len(points)} value(s), oldest first)")
    return lines
