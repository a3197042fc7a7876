"""Acceptance criteria: what 'good enough' means on the gold set, checked as gates.

A criterion compares one evaluation metric with a value, e.g. "recall >= 0.85 on the lower
confidence bound".  Checking it against an :class:`~aipo_widgets.analysis.evaluation.Evaluation`
gives a :class:`~aipo_widgets.evidence.Gate`:

* ``fail`` when the compared figure does not meet the rule (or is undefined, e.g. precision
  when nothing was predicted positive: an undefined figure never passes);
* ``warn`` when it meets the rule by less than ``warn_margin``;
* ``pass`` otherwise.

The figure compared is the estimate, or with ``bound="ci_low"`` / ``"ci_high"`` a bound of its
confidence interval, which is the stricter reading: "recall >= 0.85 on the lower bound" passes
only when the gold set is large enough to show it.

A criterion naming a metric the evaluation did not compute is an error that names the
criterion and the metrics that are available, never a silent pass.

Criteria are plain dicts, :class:`Criterion` objects, or any object with the attributes ``id``,
``metric``, ``operator``, ``value`` and optionally ``bound``, ``warn_margin``, ``description``
and ``group`` (such as the workspace's :class:`aipo_widgets.model.schema.AcceptanceCriterion`).  In
the workspace, ``metric`` names a metric-tree node; its ``eval_metric`` field names the evaluation
metric, so pass ``metric_map={node_id: eval_metric}`` (or the workspace's metric tree nodes).

Examples
--------
>>> from aipo_widgets.analysis.evaluation import evaluate_classification
>>> ev = evaluate_classification(label=[1, 1, 1, 1, 0, 0, 0, 0],
...                              score=[0.9, 0.8, 0.7, 0.3, 0.6, 0.2, 0.1, 0.1], n_boot=0)
>>> gates = check_acceptance(ev, [
...     {"id": "recall", "metric": "recall", "operator": ">=", "value": 0.7},
...     {"id": "precision", "metric": "precision", "operator": ">=", "value": 0.7,
...      "warn_margin": 0.1},
... ])
>>> [(g.name, g.verdict, g.figure) for g in gates]
[('recall >= 0.7', 'pass', 0.75), ('precision >= 0.7', 'warn', 0.75)]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from aipo_widgets._text import OPERATORS, compare, format_number
from aipo_widgets.analysis.evaluation import Evaluation, MetricValue
from aipo_widgets.errors import AipoError, Problem, UsageError
from aipo_widgets.evidence import Gate, Verdict

__all__ = ["OPERATORS", "Criterion", "check_acceptance", "criteria_defined_gate", "criterion_from"]

_BOUNDS = ("estimate", "ci_low", "ci_high")


@dataclass
class Criterion:
    """One acceptance criterion, normalised.

    Parameters
    ----------
    id : str
        Unique id (used as the gate's source).
    metric : str
        The evaluation metric (e.g. ``recall``, ``hallucination_rate``,
        ``label_share:hallucination``) or a metric-tree node id resolved through ``metric_map``.
    operator : {">=", ">", "<=", "<", "=="}
        How the figure is compared with ``value``.
    value : float
        The value compared with.
    bound : {"estimate", "ci_low", "ci_high"}, default "estimate"
        Which figure to compare: the estimate or a bound of its confidence interval.
    warn_margin : float, optional
        A pass by less than this distance gives 'warn'.
    description : str
        The rule in words (used as the gate's name when given).
    group : str, optional
        Apply the rule to each group of this column (every ranked group must pass); the
        evaluation must have a per-group report for it (``evaluate_*(groups=...)``).
    """

    id: str
    metric: str
    operator: str
    value: float
    bound: str = "estimate"
    warn_margin: float | None = None
    description: str = ""
    group: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict."""
        return asdict(self)


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, Mapping):
        return obj.get(key, default)
    return getattr(obj, key, default)


def _enum_value(v: Any) -> Any:
    return getattr(v, "value", v)


def criterion_from(obj: Any, index: int = 0) -> Criterion:
    """Return a :class:`Criterion` from a dict, a Criterion or an object with the same fields.

    Parameters
    ----------
    obj : dict or object
        The criterion.
    index : int
        Its position in the list (for error messages).

    Returns
    -------
    Criterion

    Raises
    ------
    UsageError
        When a field is missing or invalid; the message names the criterion and the field.

    Examples
    --------
    >>> criterion_from({"id": "r", "metric": "recall", "operator": ">=", "value": 0.8}).bound
    'estimate'
    """
    if isinstance(obj, Criterion):
        return obj
    where = f"acceptance_criteria[{index}]"
    cid = _get(obj, "id") or f"criterion {index}"
    problems = []
    fields = {}
    for key in ("metric", "operator", "value"):
        v = _get(obj, key)
        if v is None:
            problems.append(Problem(f"criterion {cid!r} has no {key}", path=f"{where}.{key}"))
        fields[key] = _enum_value(v)
    op = fields["operator"]
    if op is not None and op not in OPERATORS:
        problems.append(
            Problem(
                f"criterion {cid!r}: operator must be one of {', '.join(OPERATORS)}, got {op!r}",
                path=f"{where}.operator",
            )
        )
    value = fields["value"]
    if value is not None:
        try:
            value = float(value)
            if not math.isfinite(value):
                raise ValueError
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    f"criterion {cid!r}: value must be a finite number, got {fields['value']!r}",
                    path=f"{where}.value",
                )
            )
    bound = _enum_value(_get(obj, "bound", "estimate")) or "estimate"
    if bound not in _BOUNDS:
        problems.append(
            Problem(
                f"criterion {cid!r}: bound must be one of {', '.join(_BOUNDS)}, got {bound!r}",
                path=f"{where}.bound",
            )
        )
    margin = _get(obj, "warn_margin")
    if margin is not None:
        try:
            margin = float(margin)
            if not margin >= 0:
                raise ValueError
        except (TypeError, ValueError):
            problems.append(
                Problem(
                    f"criterion {cid!r}: warn_margin must be a number >= 0, got {margin!r}",
                    path=f"{where}.warn_margin",
                )
            )
    if problems:
        raise UsageError(problems)
    return Criterion(
        id=str(cid),
        metric=str(fields["metric"]),
        operator=str(op),
        value=float(value),
        bound=str(bound),
        warn_margin=margin,
        description=str(_get(obj, "description", "") or ""),
        group=_get(obj, "group"),
    )


def _metric_map(metric_map: Any) -> dict[str, str]:
    """Accept a mapping node id -> eval metric, or metric-tree nodes with ``eval_metric``."""
    if metric_map is None:
        return {}
    if isinstance(metric_map, Mapping):
        return {str(k): str(v) for k, v in metric_map.items() if v}
    nodes = _get(metric_map, "nodes", metric_map)
    out = {}
    for node in nodes:
        em = _get(node, "eval_metric")
        if em:
            out[str(_get(node, "id"))] = str(em)
    return out


def _merge(evaluation: Evaluation | Sequence[Evaluation]) -> list[Evaluation]:
    evs = [evaluation] if isinstance(evaluation, Evaluation) else list(evaluation)
    if not evs or not all(isinstance(e, Evaluation) for e in evs):
        msg = ("evaluation must be an Evaluation (or a list of them) from "
               "aipo_widgets.analysis.evaluation")
        raise UsageError(msg)
    return evs


def _verdict(figure: float, op: str, value: float, margin: float | None
             ) -> tuple[Verdict, float]:
    """Return the verdict and the distance to failing (positive: passing by that much)."""
    ok = compare(figure, op, value)
    if ok is None:  # NaN or infinity: cannot be evaluated, never a pass
        return "fail", math.nan
    dist = figure - value if op in (">=", ">") else value - figure
    if op == "==":
        dist = -abs(figure - value)
    if not ok:
        return "fail", dist
    if margin is not None and op != "==" and dist < margin:
        return "warn", dist
    return "pass", dist


def _one_gate(c: Criterion, name: str, mv: MetricValue, resolved: str, src: str) -> Gate:
    figure = mv.bound(c.bound)
    rule = f"{c.operator} {c.value:g}"
    on = "" if c.bound == "estimate" else f" on the {'lower' if c.bound == 'ci_low' else 'upper'} "
    on += "confidence bound" if on else ""
    extra = {
        "criterion": c.id,
        "metric": resolved,
        "bound": c.bound,
        "estimate": mv.value,
        "n": mv.n,
    }
    if not math.isfinite(c.value):
        return Gate(name, "fail", figure=None, threshold=rule + on, source=src, extra=extra,
                    detail=f"the threshold {c.value:g} is not a finite number; the rule cannot "
                    "be evaluated, write a number")
    if figure is None or (isinstance(figure, float) and math.isnan(figure)):
        detail = (
            f"{resolved} is undefined on this gold set (n = {mv.n})"
            if figure is not None or c.bound == "estimate"
            else f"{resolved} has no usable confidence interval (n = {mv.n})"
        )
        return Gate(
            name,
            "fail",
            figure=None,
            threshold=rule + on,
            detail=detail + "; an undefined figure cannot pass, fix the data or the rule",
            ci=mv.ci,
            source=src,
            extra=extra,
        )
    verdict, dist = _verdict(figure, c.operator, c.value, c.warn_margin)
    fmt = format_number
    ci_txt = "" if mv.ci is None else f" ({fmt(mv.ci_low)} to {fmt(mv.ci_high)})"
    seen = f"{resolved}{on.replace(' on the', ',') if on else ''} = {fmt(figure)}"
    if c.bound != "estimate":
        seen = f"{resolved} = {fmt(mv.value)}{ci_txt}, {c.bound} = {fmt(figure)}"
    else:
        seen += ci_txt
    if verdict == "fail":
        detail = f"{seen} does not meet {rule}"
    elif verdict == "warn":
        detail = f"{seen} meets {rule} by {fmt(dist)}, less than the warn margin {c.warn_margin:g}"
    else:
        detail = f"{seen} meets {rule}"
    return Gate(
        name,
        verdict,
        figure=round(float(figure), 10),
        threshold=rule + on,
        detail=detail,
        ci=mv.ci,
        source=src,
        extra=extra,
    )


def check_acceptance(
    evaluation: Evaluation | Sequence[Evaluation],
    criteria: Iterable[Any],
    *,
    metric_map: Any = None,
    source: str = "acceptance_criteria",
) -> list[Gate]:
    """Check acceptance criteria against one or several evaluations.

    Parameters
    ----------
    evaluation : Evaluation or list of Evaluation
        E.g. a classification evaluation and a review-label evaluation of the same product.
    criteria : iterable
        Dicts, :class:`Criterion` objects or objects with the same attributes (such as
        ``workspace.acceptance_criteria``).
    metric_map : mapping or metric tree, optional
        Metric-tree node id -> evaluation metric name, or the tree's nodes (each with
        ``id`` and ``eval_metric``); a criterion's ``metric`` is looked up here first.
    source : str, default "acceptance_criteria"
        Prefix of each gate's source (the criterion's place in ``aipo.yaml``).

    Returns
    -------
    list of Gate
        One per criterion (per criterion and group for criteria with ``group``), in order.

    Raises
    ------
    AipoError
        A criterion on a metric the evaluation does not have (the message names the criterion,
        the metric and the metrics that are available), an interval bound asked of an
        evaluation without intervals, or a per-group criterion without a per-group report.

    Examples
    --------
    >>> from aipo_widgets.analysis.evaluation import evaluate_review
    >>> ev = evaluate_review(label=["ok"] * 97 + ["hallucination"] * 3,
    ...                      labels=["ok", "hallucination"])
    >>> g = check_acceptance(ev, [{"id": "h", "metric": "hallucination_rate", "operator": "<=",
    ...                            "value": 0.05, "bound": "ci_high"}])[0]
    >>> g.verdict, round(g.figure, 4)
    ('fail', 0.0845)
    """
    evs = _merge(evaluation)
    mapping = _metric_map(metric_map)
    crits = [criterion_from(c, i) for i, c in enumerate(criteria)]
    problems: list[Problem] = []
    resolved: list[tuple[Evaluation, str] | None] = []
    for i, c in enumerate(crits):
        name = mapping.get(c.metric, c.metric)
        hit = None
        for ev in evs:
            canon = ev.resolve(name)
            if canon is not None:
                hit = (ev, canon)
                break
        if hit is None:
            avail = sorted({m for ev in evs for m in ev.available()})
            via = f" (metric-tree node {c.metric!r} -> {name!r})" if name != c.metric else ""
            problems.append(
                Problem(
                    f"criterion {c.id!r} needs the metric {name!r}{via}, which this evaluation "
                    f"did not compute; available: {', '.join(avail)}",
                    path=f"{source}[{i}].metric",
                    fix="evaluate with the scores or labels that give it, or correct the metric",
                    code="unknown_metric",
                )
            )
            resolved.append(None)
            continue
        ev, canon = hit
        if c.bound != "estimate" and ev.metrics[canon].ci is None:
            problems.append(
                Problem(
                    f"criterion {c.id!r} compares the {c.bound} of {canon!r}, but the "
                    "evaluation has no confidence intervals",
                    path=f"{source}[{i}].bound",
                    fix="evaluate with n_boot > 0 (e.g. 1000)",
                    code="no_interval",
                )
            )
        if c.group is not None and not any(c.group in k.split(" x ") for k in ev.by_group):
            problems.append(
                Problem(
                    f"criterion {c.id!r} applies per group of {c.group!r}, but the evaluation "
                    f"has no per-group report for it (has: {', '.join(ev.by_group) or 'none'})",
                    path=f"{source}[{i}].group",
                    fix=f"evaluate with groups=[{c.group!r}]",
                    code="no_group_report",
                )
            )
        resolved.append(hit)
    if problems:
        raise AipoError(problems)

    gates: list[Gate] = []
    for i, (c, hit) in enumerate(zip(crits, resolved, strict=True)):
        assert hit is not None
        ev, canon = hit
        name = c.description or f"{c.metric} {c.operator} {c.value:g}"
        src = f"{source}[{i}]"
        if c.group is None:
            gates.append(_one_gate(c, name, ev.metrics[canon], canon, src))
        else:
            gates.append(_group_gate(c, name, ev, canon, src))
    return gates


def criteria_defined_gate(criteria: Sequence[Any], *,
                          source: str = "acceptance_criteria") -> Gate:
    """Fail when no acceptance criterion is defined: without one nothing says "good enough".

    A phase that checks no criterion must not pass as if every criterion had passed; the
    reason says where to add them (AI Act Art 9(8): testing against prior defined metrics).

    Examples
    --------
    >>> g = criteria_defined_gate([])
    >>> g.verdict, g.source
    ('fail', 'acceptance_criteria')
    >>> criteria_defined_gate([{"id": "AC1"}]).verdict
    'pass'
    """
    n = len(criteria)
    if n:
        return Gate("acceptance criteria defined", "pass", figure=n, threshold=">= 1",
                    source=source)
    return Gate(
        "acceptance criteria defined", "fail", figure=0, threshold=">= 1",
        detail="no acceptance criteria: nothing says what is good enough. Add "
        "acceptance_criteria to aipo.yaml, each a metric of the tree with an operator and a "
        "value, e.g. '- {id: AC1, metric: recall, operator: \">=\", value: 0.8, bound: "
        "ci_low}', decided before the evaluation",
        source=source)


def _group_gate(c: Criterion, name: str, ev: Evaluation, canon: str, src: str) -> Gate:
    """Gate a criterion per group: the worst ranked group decides; small groups give 'warn'."""
    group = c.group
    assert group is not None  # called for a criterion with a group only
    key = group if group in ev.by_group else next(k for k in ev.by_group if group in k)
    gm = ev.by_group[key]
    rows = []
    for gkey in gm.by_group.index:
        lo = None if gm.ci_low is None else float(gm.ci_low.loc[gkey, canon])
        hi = None if gm.ci_high is None else float(gm.ci_high.loc[gkey, canon])
        mv = MetricValue(float(gm.by_group.loc[gkey, canon]), lo, hi, int(gm.n.loc[gkey, canon]))
        rows.append((gkey, bool(gm.sufficient.loc[gkey]), mv))
    if c.bound != "estimate" and gm.ci_low is None:
        msg = (
            f"criterion {c.id!r} compares the {c.bound} per group of {c.group!r}, but the "
            "per-group report has no intervals; evaluate with n_boot > 0"
        )
        raise UsageError(msg)
    judged = [
        (g, _one_gate(c, f"{name} [{g}]", mv, canon, src)) for g, ok, mv in rows if ok
    ]
    small = [str(g) for g, ok, _ in rows if not ok]
    rank = {"pass": 0, "warn": 1, "fail": 2}
    if not judged:
        return Gate(
            name,
            "fail",
            threshold=f"{c.operator} {c.value:g} in every group of {c.group}",
            detail=(
                f"no group of {c.group!r} has at least {gm.min_group_size} rows; the rule "
                "cannot be checked"
            ),
            source=src,
            extra={"criterion": c.id, "metric": canon, "insufficient_n": small},
        )

    def badness(item: tuple[Any, Gate]) -> tuple[int, float]:
        g = item[1]
        fig = g.figure if isinstance(g.figure, float) else math.nan
        dist = fig - c.value if c.operator in (">=", ">") else c.value - fig
        return (rank[g.verdict], -dist if not math.isnan(dist) else math.inf)

    worst_group, worst = max(judged, key=badness)
    verdict = worst.verdict
    failing = [str(g) for g, gate in judged if gate.verdict == "fail"]
    detail = f"worst group {worst_group}: {worst.detail}"
    if failing:
        detail += f"; failing groups: {', '.join(failing)}"
    if small:
        detail += f"; not judged (fewer than {gm.min_group_size} rows): {', '.join(small)}"
        if verdict == "pass":
            verdict = "warn"
    return Gate(
        name,
        verdict,
        figure=worst.figure,
        threshold=f"{worst.threshold} in every group of {c.group}",
        detail=detail,
        ci=worst.ci,
        source=src,
        extra={
            "criterion": c.id,
            "metric": canon,
            "group": c.group,
            "by_group": {str(g): gate.to_dict() for g, gate in judged},
            "insufficient_n": small,
        },
    )
