"""The gates of operation (after go-live, on a schedule): the product staying good.

Drift against the frozen reference warns and asks for a retrain decision; the alert rules and the
kill-switch conditions are checked on the latest window (a fired critical alert or any met
kill-switch condition fails); cost per use and latency stay within the budgets; the retrain
recommendation weighs drift, the model's age and the labels available.

Examples
--------
>>> import pandas as pd
>>> window = pd.DataFrame({"label": [1, None, 0] * 20})
>>> len(labelled_rows(window, "label")), labelled_rows(window.head(30), "label") is None
(40, True)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

from aipo_widgets.analysis.drift import DriftReport
from aipo_widgets.evidence import Gate
from aipo_widgets.gates.conditions import condition_gate

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.schema import DataSource, Workspace

__all__ = [
    "MIN_LABELLED_ROWS",
    "alert_gates",
    "cost_gates",
    "drift_gate",
    "kill_switch_gates",
    "labelled_rows",
    "retrain_recommendation",
]

# Fewer labelled rows in a production window than this are not evaluated: the intervals of
# precision and recall on a handful of labels say nothing.
MIN_LABELLED_ROWS = 30


def labelled_rows(window: pd.DataFrame, label: str | None, *,
                  minimum: int = MIN_LABELLED_ROWS) -> pd.DataFrame | None:
    """Return the rows of a production window whose label has arrived, if there are enough.

    Parameters
    ----------
    window : DataFrame
        The production window.
    label : str or None
        The source's ``label_column``.
    minimum : int, default 30
        The fewest labelled rows worth evaluating.

    Returns
    -------
    DataFrame or None
        The labelled rows; None when the column is missing or has fewer than ``minimum`` labels.
    """
    if label is None or label not in window or window[label].notna().sum() < minimum:
        return None
    return window[window[label].notna()]


def drift_gate(report: DriftReport) -> Gate:
    """Gate a production window's drift: drift warns and asks for a retrain decision.

    Drift alone does not make the product fail: what it does to quality and cost is judged by
    the alert rules and the kill switch; the retrain recommendation below says what to do.
    """
    gate = report.gate("data drift against the frozen reference")
    if gate.verdict == "fail":
        gate.verdict = "warn"
        gate.detail = f"{gate.detail}; see the retrain recommendation".strip("; ")
    return gate


def cost_gates(ws: Workspace, frame: pd.DataFrame, source: DataSource) -> list[Gate]:
    """Check cost per use and latency of a production window against the budgets."""
    b = ws.budgets
    gates = []
    checks = [("cost per use", source.cost_column, "mean", b.cost_per_use, f" {b.currency}"),
              ("latency p50", source.latency_column, "median", b.latency_p50_ms, " ms"),
              ("latency p95", source.latency_column, "p95", b.latency_p95_ms, " ms")]
    for name, column, stat, budget, unit in checks:
        if budget is None or not column or column not in frame:
            continue
        values = frame[column].dropna()
        figure = float(values.quantile(0.95) if stat == "p95" else getattr(values, stat)())
        gates.append(Gate(f"{name} within budget", "pass" if figure <= budget else "fail",
                          figure=round(figure, 6), threshold=f"<= {budget:g}{unit}",
                          source=f"budgets.{name.replace(' ', '_')}"))
    return gates


def alert_gates(ws: Workspace, figures: Mapping[str, float | None]) -> list[Gate]:
    """Alert rules on the latest window: a fired critical alert fails, a warning warns."""
    gates = []
    for i, rule in enumerate(ws.monitoring.alert_rules):
        g = condition_gate(rule, figures, meaning="trigger", missing="warn",
                           trigger_verdict="fail" if rule.severity == "critical" else "warn",
                           source=f"monitoring.alert_rules[{i}]",
                           name=f"alert {rule.id}: {rule.description or rule.metric}")
        if g.verdict != "pass" and rule.action:
            g.detail = f"{g.detail}. Action: {rule.action}"
        gates.append(g)
    return gates


def kill_switch_gates(ws: Workspace, figures: Mapping[str, float | None]) -> list[Gate]:
    """Kill-switch conditions on the latest window: any condition met fails."""
    gates = []
    for i, cond in enumerate(ws.kill_switch.conditions):
        g = condition_gate(cond, figures, meaning="trigger", missing="warn",
                           source=f"kill_switch.conditions[{i}]",
                           name=f"kill switch {cond.id}: {cond.description or cond.metric}")
        if g.verdict == "fail":
            g.detail += f". Switch off now; fallback: {ws.kill_switch.fallback}"
        gates.append(g)
    return gates
def retrain_recommendation(ws: Workspace, drift_report: DriftReport | None, *,
                           last_trained: dt.date | None, as_of: dt.date,
                           new_labels: int = 0) -> Gate:
    """Recommend a retrain from drift, the planned interval and the labels available."""
    policy = ws.monitoring.retrain
    reasons = []
    if drift_report is not None and policy.on_drift and drift_report.verdict == "drift":
        reasons.append("the data set has drifted")
    if policy.interval_days and last_trained is not None:
        age = (as_of - last_trained).days
        if age >= policy.interval_days:
            reasons.append(f"the model is {age} days old (interval {policy.interval_days})")
    enough = new_labels >= policy.min_new_labels
    if reasons and not enough:
        return Gate("retrain", "warn", figure="wait for labels",
                    threshold=f">= {policy.min_new_labels} new labels",
                    detail="; ".join(reasons) + f"; only {new_labels} new labels",
                    source="monitoring.retrain")
    return Gate("retrain", "warn" if reasons else "pass",
                figure="retrain now" if reasons else "not needed",
                threshold="no drift, within interval", detail="; ".join(reasons),
                source="monitoring.retrain")
