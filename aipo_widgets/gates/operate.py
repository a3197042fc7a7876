"""The gates of operation (after go-live, on a schedule): the product staying good.

Every gate here reads a figure measured on its own window of the production log, ending at the
assessment date (``as_of``): drift on ``monitoring.drift.window_days``, performance, cost and
latency on ``monitoring.window_days``, each alert rule on its ``window`` and each kill-switch
condition on its own (default ``monitoring.window_days``). Each gate names its window (first
and last day) and the rows the figure rests on. A figure resting on fewer rows than
``min_rows`` gives a "too few rows" warning, never a pass; a figure that cannot be measured gives
a "not measured" warning saying where it would come from. Nothing falls back to a value typed
in ``aipo.yaml``.

Drift warns and asks for a retrain decision; a fired critical alert or a met kill-switch
condition fails; the retrain recommendation checks the model's data cut-off against the
interval at ``as_of`` and counts the new labels as the retrain rule defines them.

Examples
--------
>>> import datetime as dt
>>> from aipo_widgets.analysis.sources import Window
>>> from aipo_widgets.analysis.operations import Measurement
>>> from aipo_widgets.model.monitoring import AlertRule
>>> w = Window("log", dt.date(2026, 10, 26), dt.date(2026, 11, 22), rows=2320)
>>> m = Measurement("false alarms per month", 921.0, 668, "alarms with a label",
...                 w.provenance(668, "alarms with a label"))
>>> rule = AlertRule(id="A2", metric="false_alarms_month", operator=">", value=300)
>>> g = windowed_gate(rule, m, min_rows=30, meaning="trigger", trigger_verdict="warn")
>>> g.verdict, g.figure, g.extra["window"]["start"], g.extra["window"]["rows"]
('warn', 921.0, '2026-10-26', 668)
>>> few = windowed_gate(rule, m, min_rows=1000, meaning="trigger")
>>> few.verdict, few.detail.split(" in ")[0]
('warn', 'too few rows: 668 alarms with a label')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from aipo_widgets._text import compare
from aipo_widgets.analysis.drift import DriftReport
from aipo_widgets.analysis.operations import Measurement
from aipo_widgets.evidence import Gate, Provenance, Verdict
from aipo_widgets.model.fields import Condition
from aipo_widgets.model.monitoring import window_days

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.analysis.sources import Window
    from aipo_widgets.model.schema import Workspace

__all__ = [
    "MIN_LABELLED_ROWS",
    "Measure",
    "alert_gates",
    "cost_gates",
    "drift_gate",
    "kill_switch_gates",
    "labelled_rows",
    "performance_gate",
    "retrain_recommendation",
    "window_info",
    "windowed_gate",
]

# Fewer labelled rows in a production window than this are not evaluated: the intervals of
# precision and recall on a handful of labels say nothing (monitoring.min_rows, default 30).
MIN_LABELLED_ROWS = 30

#: Measures a metric on the window of so many days that ends at the assessment date.
Measure = Callable[[str, int], Measurement]


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

    Examples
    --------
    >>> import pandas as pd
    >>> window = pd.DataFrame({"label": [1, None, 0] * 20})
    >>> len(labelled_rows(window, "label")), labelled_rows(window.head(30), "label") is None
    (40, True)
    """
    if label is None or label not in window or window[label].notna().sum() < minimum:
        return None
    return window[window[label].notna()]


def window_info(provenance: Provenance | None) -> dict[str, Any] | None:
    """Return the window a measured figure covers, JSON-ready (None when it was not measured).

    Examples
    --------
    >>> p = Provenance.measured("log", start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 22),
    ...                         rows=580)
    >>> window_info(p)
    {'source': 'log', 'start': '2026-11-16', 'end': '2026-11-22', 'days': 7, 'rows': 580}
    """
    if provenance is None or provenance.kind != "measured" or provenance.end is None:
        return None
    start = provenance.start or provenance.end
    return {"source": provenance.source, "start": start.isoformat(),
            "end": provenance.end.isoformat(), "days": (provenance.end - start).days + 1,
            "rows": provenance.rows}


def _window_words(info: dict[str, Any]) -> str:
    days = "1 day" if info["days"] == 1 else f"{info['days']} days"
    return f"{info['source']} from {info['start']} to {info['end']} ({days})"


def _round(x: float) -> float:
    return float(f"{float(x):.6g}")


def windowed_gate(condition: Any, measurement: Measurement, *, min_rows: int,
                  meaning: Literal["requirement", "trigger"] = "trigger",
                  trigger_verdict: Literal["fail", "warn"] = "fail",
                  name: str | None = None, source: str = "") -> Gate:
    """Check one condition (metric, operator, value) against a figure measured on its window.

    Parameters
    ----------
    condition : Condition
        Has ``id``, ``metric``, ``operator``, ``value`` (and optionally ``description``).
    measurement : Measurement
        The figure, measured on the condition's window (or missing, with where it would come
        from).
    min_rows : int
        The fewest rows the figure must rest on (its denominator); fewer gives "too few rows".
    meaning : {"requirement", "trigger"}
        Whether the condition must hold (a budget) or must not (an alert, the kill switch).
    trigger_verdict : {"fail", "warn"}
        The verdict of a trigger that fired (or of a requirement that does not hold).
    name : str, optional
        The gate's name (default: the condition's description, or its id and rule).
    source : str
        Where the condition is in ``aipo.yaml``.

    Returns
    -------
    Gate
        Pass only when the figure was measured on at least ``min_rows`` rows of its window and
        the condition says so; "too few rows" and "not measured" warn (``--strict`` fails them).
        ``extra["window"]`` holds the window (source, start, end, days, rows).
    """
    rule = f"{condition.metric} {condition.operator} {condition.value:g}"
    label = name or (getattr(condition, "description", "") or f"{condition.id}: {rule}")
    prov = measurement.provenance
    info = window_info(prov)
    extra: dict[str, Any] = {"metric": condition.metric, "window": info,
                             "min_rows": min_rows, "basis": measurement.basis}
    common: dict[str, Any] = {"threshold": rule, "source": source, "extra": extra,
                              "provenance": prov}
    if info is None:
        return Gate(label, "warn", figure=None, detail=prov.describe(), **common)
    where = f"{_window_words(info)}"
    value = measurement.value
    figure = None if value is None else _round(value)
    if measurement.rows < min_rows:
        said = f"{measurement.rows:,} {measurement.basis or 'rows'}"
        return Gate(label, "warn", figure=figure, detail=(
            f"too few rows: {said} in {where}, {min_rows} needed for a verdict"), **common)
    fired = compare(value, condition.operator, condition.value)
    if fired is None:
        return Gate(label, "warn", figure=figure, detail=(
            f"not measured: {condition.metric} has no value in {where} "
            f"({measurement.rows:,} {measurement.basis or 'rows'}) {measurement.detail}"
        ).strip(), **common)
    counted = f"in {where}, {measurement.rows:,} {measurement.basis or 'rows'}"
    verdict: Verdict
    if meaning == "requirement":
        verdict = "pass" if fired else trigger_verdict
        detail = (f"{condition.metric} is {value:.4g} {counted}" if fired
                  else f"{condition.metric} is {value:.4g}, needs {rule}; {counted}")
    else:
        verdict = trigger_verdict if fired else "pass"
        detail = (f"triggered: {condition.metric} is {value:.4g} ({rule}) {counted}" if fired
                  else f"{condition.metric} is {value:.4g} {counted}")
    if measurement.detail:
        detail += f" ({measurement.detail})"
    return Gate(label, verdict, figure=figure, ci=measurement.ci, detail=detail, **common)


def _min_rows(ws: Workspace, own: int | None) -> int:
    return own if own is not None else ws.monitoring.min_rows


def drift_gate(report: DriftReport | None, window: Window | None = None, *,
               min_rows: int = MIN_LABELLED_ROWS, missing: Measurement | None = None) -> Gate:
    """Gate the drift of the drift window: drift warns and asks for a retrain decision.

    Drift alone does not make the product fail: what it does to quality and cost is judged by
    the alert rules and the kill switch; the retrain recommendation says what to do.

    Parameters
    ----------
    report : DriftReport or None
        The drift of the window against the frozen reference; None when there is none.
    window : Window, optional
        The window compared (named in the gate, with its rows).
    min_rows : int
        The fewest rows of the window worth comparing.
    missing : Measurement, optional
        Why there is no report (the reference or the log is missing).
    """
    name = "data drift against the frozen reference"
    prov = None if window is None else window.provenance()
    info = window_info(prov)
    extra: dict[str, Any] = {"window": info, "min_rows": min_rows}
    if report is None or window is None:
        why = missing.provenance if missing is not None else Provenance.missing(
            "a frozen drift reference (monitoring.drift.reference) and the production log "
            "(monitoring.drift.current)")
        if info is not None and window is not None:
            return Gate(name, "warn", detail=f"too few rows: {window.rows:,} rows in "
                        f"{_window_words(info)}, {min_rows} needed for a verdict",
                        extra=extra, provenance=prov, source="monitoring.drift")
        return Gate(name, "warn", detail=why.describe(), provenance=why, extra=extra,
                    source="monitoring.drift")
    if window.rows < min_rows:
        return Gate(name, "warn", figure=round(report.share_drifted, 4),
                    detail=f"too few rows: {window.rows:,} rows in {_window_words(info or {})}, "
                           f"{min_rows} needed for a verdict", extra=extra, provenance=prov,
                    source="monitoring.drift")
    gate = report.gate(name)
    detail = f"{gate.detail}; {window.describe()}".strip("; ")
    verdict = gate.verdict
    if verdict == "fail":
        verdict = "warn"
        detail += "; see the retrain recommendation"
    return Gate(name, verdict, figure=gate.figure, threshold=gate.threshold, detail=detail,
                ci=gate.ci, source="monitoring.drift", extra={**gate.extra, **extra},
                provenance=prov)


def performance_gate(ws: Workspace, measurement: Measurement) -> Gate:
    """Say whether the default window holds enough labelled rows to judge the model on.

    ``measurement`` counts the window's rows whose label has arrived (its ``rows``).
    """
    min_rows = ws.monitoring.min_rows
    name = "performance where labels arrived"
    prov = measurement.provenance
    info = window_info(prov)
    extra: dict[str, Any] = {"window": info, "min_rows": min_rows}
    if info is None:
        return Gate(name, "warn", detail=prov.describe(), provenance=prov, extra=extra,
                    source="monitoring.window_days")
    verdict: Verdict = "pass" if measurement.rows >= min_rows else "warn"
    detail = (f"{measurement.rows:,} rows with a label in {_window_words(info)}"
              + ("" if verdict == "pass" else f": too few rows, {min_rows} needed for a "
                                              "verdict on the model's performance"))
    return Gate(name, verdict, figure=measurement.rows, threshold=f">= {min_rows} labelled rows",
                detail=detail, provenance=prov, extra=extra, source="monitoring.window_days")


def cost_gates(ws: Workspace, measure: Measure) -> list[Gate]:
    """Check cost per use and latency on the default window against the budgets.

    ``measure(metric, days)`` measures ``cost_per_use``, ``latency_p50_ms`` and
    ``latency_p95_ms`` on ``monitoring.window_days``.
    """
    b = ws.budgets
    days = ws.monitoring.window_days
    gates = []
    checks = [("cost per use", "cost_per_use", b.cost_per_use, "budgets.cost_per_use"),
              ("latency p50", "latency_p50_ms", b.latency_p50_ms, "budgets.latency_p50_ms"),
              ("latency p95", "latency_p95_ms", b.latency_p95_ms, "budgets.latency_p95_ms")]
    for name, metric, budget, where in checks:
        if budget is None:
            continue
        budget_rule = Condition(id=metric, metric=metric, operator="<=", value=budget)
        gates.append(windowed_gate(budget_rule, measure(metric, days),
                                   min_rows=ws.monitoring.min_rows, meaning="requirement",
                                   name=f"{name} within budget", source=where))
    return gates


def alert_gates(ws: Workspace, measure: Measure) -> list[Gate]:
    """Alert rules, each on its own window: a fired critical alert fails, a warning warns.

    ``measure(metric, days)`` measures a metric on the window of ``days`` days ending at the
    assessment date.
    """
    gates = []
    for i, rule in enumerate(ws.monitoring.alert_rules):
        g = windowed_gate(rule, measure(rule.metric, window_days(rule.window)),
                          min_rows=_min_rows(ws, rule.min_rows), meaning="trigger",
                          trigger_verdict="fail" if rule.severity == "critical" else "warn",
                          source=f"monitoring.alert_rules[{i}]",
                          name=f"alert {rule.id}: {rule.description or rule.metric}")
        if g.verdict != "pass" and rule.action:
            g.detail = f"{g.detail}. Action: {rule.action}"
        gates.append(g)
    return gates


def kill_switch_gates(ws: Workspace, measure: Measure) -> list[Gate]:
    """Kill-switch conditions, each on its window (default ``monitoring.window_days``).

    Any condition met fails, and the gate names the fallback.
    """
    gates = []
    for i, cond in enumerate(ws.kill_switch.conditions):
        days = window_days(cond.window) if cond.window else ws.monitoring.window_days
        g = windowed_gate(cond, measure(cond.metric, days),
                          min_rows=_min_rows(ws, cond.min_rows), meaning="trigger",
                          source=f"kill_switch.conditions[{i}]",
                          name=f"kill switch {cond.id}: {cond.description or cond.metric}")
        if g.verdict == "fail":
            g.detail += f". Switch off now; fallback: {ws.kill_switch.fallback}"
        gates.append(g)
    return gates


def retrain_recommendation(ws: Workspace, drift_report: DriftReport | None, *,
                           as_of: dt.date, new_labels: Measurement | None = None) -> Gate:
    """Recommend a retrain from drift, the model's data cut-off and the new labels.

    The model's age is counted from ``monitoring.retrain.data_cutoff`` (else ``trained_on``) to
    ``as_of`` and compared with ``interval_days``; ``new_labels`` counts what the rule counts
    (``monitoring.retrain.new_labels``: every label, or only the positives) after the cut-off.

    Parameters
    ----------
    ws : Workspace
        The workspace (``monitoring.retrain``).
    drift_report : DriftReport or None
        The drift of the drift window; None when it was not measured.
    as_of : datetime.date
        The assessment date.
    new_labels : Measurement, optional
        The new labels (or positives) since the cut-off, measured in the production log.

    Returns
    -------
    Gate
        ``retrain now`` or ``wait for labels`` (warn), ``not needed`` (pass, only when every
        input was measured), or a "not measured" warning naming what is missing.
    """
    policy = ws.monitoring.retrain
    since = policy.data_cutoff or policy.trained_on
    since_what = "data cut-off" if policy.data_cutoff else "training date"
    reasons: list[str] = []
    unknown: list[str] = []
    known: list[str] = []
    if policy.on_drift:
        if drift_report is None:
            unknown.append("drift (no drift measured in the drift window)")
        elif drift_report.verdict == "drift":
            reasons.append("the data set has drifted")
    if policy.interval_days:
        if since is None:
            unknown.append("the model's age: add monitoring.retrain.data_cutoff and trained_on")
        else:
            age = (as_of - since).days
            due = since + dt.timedelta(days=policy.interval_days)
            said = (f"the model's {since_what} {since.isoformat()} is {age} days before "
                    f"{as_of.isoformat()} (interval {policy.interval_days} days: due on "
                    f"{due.isoformat()})")
            (reasons if age >= policy.interval_days else known).append(said)
    what = "new positives" if policy.new_labels == "positives" else "new labels"
    needed = policy.min_new_labels
    # Only the criteria the policy declares (no "within - days", no ">= 0 new labels").
    when = ", ".join(([] if not policy.on_drift else ["no drift"])
                     + ([f"within {policy.interval_days} days"] if policy.interval_days else []))
    threshold = "; ".join(filter(None, [when, f">= {needed} {what}" if needed else ""])) or (
        "no criterion declared")
    labels: float | None = None
    prov = new_labels.provenance if new_labels is not None else None
    if new_labels is not None and new_labels.measured:
        labels = new_labels.value
    elif needed:
        where = (new_labels.provenance.describe() if new_labels is not None
                 else "would come from monitoring.retrain.data_cutoff and the production "
                      "log's label_column")
        unknown.append(f"{what} since the {since_what} ("
                       f"{where.removeprefix('not measured: ')})")
    counted = ""
    if labels is not None and new_labels is not None:
        info = window_info(prov)
        counted = f"{labels:,.0f} {what}" + (
            f" in {_window_words(info)}" if info else "")
    extra: dict[str, Any] = {"new_labels": labels, "window": window_info(prov),
                             "since": since.isoformat() if since else None}
    common: dict[str, Any] = {"threshold": threshold, "source": "monitoring.retrain",
                              "extra": extra, "provenance": prov if labels is not None else None}
    if reasons:
        if labels is not None and labels < needed:
            return Gate("retrain", "warn", figure="wait for labels", detail="; ".join(
                [*reasons, f"only {counted}, {needed} needed"]), **common)
        parts = [*reasons, *([counted] if counted else []),
                 *(f"not measured: {u}" for u in unknown)]
        return Gate("retrain", "warn", figure="retrain now", detail="; ".join(parts), **common)
    if unknown:
        return Gate("retrain", "warn", figure="not measured", detail="; ".join(
            [*(f"not measured: {u}" for u in unknown), *known, *([counted] if counted else [])]),
            **common)
    detail = "; ".join(x for x in ("no drift" if policy.on_drift else "", *known, counted) if x)
    return Gate("retrain", "pass", figure="not needed", detail=detail, **common)
