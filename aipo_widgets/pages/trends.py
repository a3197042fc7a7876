"""The figures a manager follows across runs: the North Star, the NPV, the key metrics.

:func:`trend_series` reads the run ledger (``reports/ledger.sqlite``, opened read-only) and
returns the series :func:`aipo_widgets.figures.trends.trends_svg` draws, one point per run,
oldest first: the metric tree's root as operation measured it, the expected NPV and the chance
that it is positive, each metric with a target as last measured (in operation's window, else
on the gold set), the share of drifted columns and the largest PSI of a column, each with its
alert line. Only figures with a value are drawn.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "Jana"}})
>>> trend_series(pathlib.Path(tempfile.mkdtemp()), ws)
[]
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from pathlib import Path
from typing import Any

__all__ = ["MAX_SERIES", "trend_series"]

log = logging.getLogger(__name__)

#: Panels at most: the page is read in seconds, not studied.
MAX_SERIES = 8


def _ledger_figures(folder: Path) -> dict[str, dict[str, Any]]:
    """Figure name -> run -> value (the run's last phase to record it), runs oldest first."""
    db = folder / "reports" / "ledger.sqlite"
    if not db.exists():
        return {}
    try:
        con = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True, timeout=5)
        try:
            rows = con.execute(
                "SELECT f.name, r.id, r.started, f.value FROM figures f JOIN runs r "
                "ON r.id = f.run_id ORDER BY r.started, r.id, f.rowid").fetchall()
        finally:
            con.close()
    except sqlite3.Error as exc:  # a trend is a nicety; the page shows without it
        log.warning("cannot read the run ledger %s: %s", db, exc)
        return {}
    out: dict[str, dict[str, Any]] = {}
    for name, run_id, started, value in rows:
        with contextlib.suppress(TypeError, ValueError):
            v = json.loads(value) if value is not None else None
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                out.setdefault(name, {})[f"{(started or '')[:10]} {run_id}"] = float(v)
    return out


def trend_series(folder: Path, ws: Any, *, now: dict[str, Any] | None = None
                 ) -> list[dict[str, Any]]:
    """Return the figures to follow across runs, as series for ``trends_svg``.

    Parameters
    ----------
    folder : pathlib.Path
        The workspace folder (its run ledger).
    ws : aipo_widgets.model.schema.Workspace
        The workspace (names, units and targets of the metrics; the currency).
    now : dict, optional
        The figures of the run under way (a phase's ``figures``, not in the ledger yet): each
        series gets its value as a last point, "this run".

    Returns
    -------
    list of dict
        Each ``name``, ``unit``, ``percent``, ``target`` and ``points`` (``label``: the run's
        day, ``value``), at most :data:`MAX_SERIES`.
    """
    figures = _ledger_figures(folder)
    runs = sorted({run for values in figures.values() for run in values})
    this_run = "~ this run"  # sorts after every run's day
    for key, value in (now or {}).items():
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            figures.setdefault(key, {})[this_run] = float(value)
    if not figures:
        return []
    runs += [this_run] if now else []
    nodes = {n.id: n for n in ws.metric_tree.nodes}
    currency = ws.business_case.currency if ws.business_case is not None else ""
    wanted: list[tuple[str, str, str, bool, float | None]] = []  # figure, name, unit, %, target
    root = nodes.get(ws.metric_tree.root) if ws.metric_tree.root else None
    if root is not None:
        wanted.append(("root_value", root.name, root.unit or "", root.unit == "share",
                       root.target))
    wanted += [("expected_npv", "Expected NPV", currency, False, None),
               ("p_npv_positive", "Chance of a positive NPV", "", True, None)]
    for node in nodes.values():
        if node is root or node.target is None:
            continue
        for key in (f"window_{node.id}", f"gold_{node.id}"):
            if key in figures:
                wanted.append((key, node.name, node.unit or "", node.unit == "share",
                               node.target))
                break
    drift = ws.monitoring.drift
    wanted += [("drift_share", "Share of drifted columns", "", True, drift.drifted_share_alert),
               ("psi_max", "Largest PSI of a column", "", False, drift.psi_alert)]
    series = []
    for key, name, unit, percent, target in wanted:
        values = figures.get(key)
        if not values:
            continue
        series.append({"name": name, "unit": "" if percent else unit, "percent": percent,
                       "target": target,
                       "target_label": "alert at" if key in ("drift_share", "psi_max")
                       else "target",
                       "points": [{"label": "this run" if run == this_run
                                   else run.split(" ")[0], "value": values.get(run)}
                                  for run in runs if run in values]})
    return series[:MAX_SERIES]
