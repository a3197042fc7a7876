"""Conditions (metric, operator, value) evaluated against measured figures, as gates.

Rollout entry and exit criteria, alert rules, kill-switch conditions and business-case exit
criteria all have the same shape in ``aipo.yaml``: a metric-tree node (or a driver), an operator
and a value. :func:`condition_gate` compares one with a measured figure. What a condition's
outcome *means* differs, and is the caller's choice via ``meaning``:

- ``"requirement"`` (criteria): the gate passes when the comparison holds;
- ``"trigger"`` (alerts, kill switch, stop rules): the gate fails (or warns) when it holds.

A figure that was not measured is never a silent pass: the gate says so (``warn`` for an
optional requirement, ``fail`` by default). A value only typed in ``aipo.yaml`` (``typed``) is
evaluated and shown with that provenance, so it never passes either: the gate warns "not
measured" and says where the figure would come from (:mod:`aipo_widgets.evidence`).

Examples
--------
>>> from aipo_widgets.model.schema import Condition
>>> c = Condition(id="X1", metric="recall", operator=">=", value=0.9)
>>> condition_gate(c, {"recall": 0.93}).verdict
'pass'
>>> condition_gate(c, {"recall": 0.85}).verdict
'fail'
>>> condition_gate(c, {}).detail
'recall was not measured'
>>> kill = Condition(id="K1", metric="hallucination_rate", operator=">", value=0.05)
>>> condition_gate(kill, {"hallucination_rate": 0.01}, meaning="trigger").verdict
'pass'
>>> from aipo_widgets.evidence import Provenance
>>> typed = {"recall": (0.93, Provenance.typed("metric_tree.nodes[recall].current",
...                                            note="would be measured in the pilot log"))}
>>> g = condition_gate(c, {}, typed=typed)
>>> g.verdict, g.figure
('warn', 0.93)
>>> g.detail.split("; ")[0]
'not measured: typed in aipo.yaml at metric_tree.nodes[recall].current'
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Literal

from aipo_widgets._text import compare
from aipo_widgets.evidence import Gate, Provenance, Verdict


def condition_gate(
    condition: Any,
    figures: Mapping[str, float | None],
    *,
    meaning: Literal["requirement", "trigger"] = "requirement",
    name: str | None = None,
    missing: Literal["fail", "warn"] = "fail",
    trigger_verdict: Literal["fail", "warn"] = "fail",
    source: str = "",
    provenance: Mapping[str, Provenance] | None = None,
    typed: Mapping[str, tuple[float, Provenance]] | None = None,
) -> Gate:
    """Evaluate one condition against measured figures.

    Parameters
    ----------
    condition : aipo_widgets.model.schema.Condition or compatible
        Has ``id``, ``metric``, ``operator``, ``value`` and optionally ``description``.
    figures : mapping
        Metric id -> measured value.
    meaning : {"requirement", "trigger"}
        Whether the condition must hold (criteria) or must not (alerts, kill switch).
    name : str, optional
        The gate's name (default: the condition's description, or id and rule).
    missing : {"fail", "warn"}
        The verdict when the figure was not measured.
    trigger_verdict : {"fail", "warn"}
        The verdict of a trigger that fired (e.g. ``warn`` for a warning-level alert).
    source : str
        Where the condition is in ``aipo.yaml``.
    provenance : mapping, optional
        Metric id -> where its figure came from (a measured figure's source, window and rows;
        for a metric not measured, :meth:`Provenance.missing` saying where it would come from).
    typed : mapping, optional
        Metric id -> (value, its typed provenance): what ``aipo.yaml`` says where nothing was
        measured. It is evaluated and shown, and never passes.
    """
    rule = f"{condition.metric} {condition.operator} {condition.value:g}"
    label = name or (condition.description or f"{condition.id}: {rule}")
    figure = figures.get(condition.metric)
    prov = (provenance or {}).get(condition.metric)
    if figure is None and condition.metric in (typed or {}):
        figure, prov = (typed or {})[condition.metric]
    extra = {"metric": condition.metric}
    fired = compare(figure, condition.operator, condition.value)
    if fired is None or figure is None:
        # Not measured, or a figure or threshold that is not a finite number: it cannot be
        # evaluated, and a condition that cannot be evaluated never passes.
        if figure is None:
            said = f"{condition.metric} was not measured"
            where = prov.note if prov is not None and prov.kind == "missing" else ""
            if where:
                said += f": it would come from {where}"
            return Gate(label, missing, figure=None, threshold=rule, source=source,
                        detail=said, extra=extra, provenance=Provenance.missing(where))
        return Gate(label, "fail", figure=None, threshold=rule, source=source,
                    extra=extra, provenance=prov,
                    detail=f"cannot be evaluated: {condition.metric} is {figure} and the "
                    f"threshold {condition.value}; NaN and infinity cannot be compared")
    verdict: Verdict
    if meaning == "requirement":
        verdict = "pass" if fired else "fail"
        detail = "" if fired else f"{condition.metric} is {figure:.4g}, needs {rule}"
    else:
        verdict = trigger_verdict if fired else "pass"
        detail = f"triggered: {condition.metric} is {figure:.4g} ({rule})" if fired else ""
    if verdict != "pass" and prov is not None and not prov.passes:
        # A typed value that fails or fires says so too (a pass on it becomes a warning).
        detail = f"{detail}; {prov.describe()}" if detail else prov.describe()
    return Gate(label, verdict, figure=_round(figure), threshold=rule, source=source,
                detail=detail, extra=extra, provenance=prov)


def condition_gates(conditions: Iterable[Any], figures: Mapping[str, float | None],
                    *, where: str = "", **kwargs: Any) -> list[Gate]:
    """Evaluate several conditions; ``where`` is their list's path in ``aipo.yaml``."""
    return [condition_gate(c, figures, source=f"{where}[{i}]" if where else "", **kwargs)
            for i, c in enumerate(conditions)]


def _round(x: float) -> float:
    return float(f"{float(x):.6g}")
