"""ThresholdExplorer: slide a classifier's threshold over the cost curve and record the choice.

The curve, the confusion counts, precision, recall and the expected cost per period at about
200 thresholds, and the cost-optimal point, come from :mod:`aipo_widgets.analysis.thresholds`; the
recall of each group at the selected threshold from :mod:`aipo_widgets.analysis.fairness`. The
slider picks one of the computed points (the browser computes nothing). "Use this threshold" writes
a dated decision with the threshold and the costs assumed into the workspace's decision log.

Costs default to the workspace's ``settings.threshold_costs`` (numbers, or metric-tree nodes
whose values are used); the threshold in force is the latest decision that set one.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "Kim"}})
>>> w = ThresholdExplorer(ws, y_true=[0, 0, 1, 0, 1, 1, 0, 1],
...                       scores=[0.1, 0.2, 0.3, 0.35, 0.5, 0.7, 0.75, 0.9],
...                       costs={"c_fn": 5, "c_fp": 1})
>>> w.view["optimum"]["threshold"]
0.3
>>> w.handle_operation({"op": "decide", "index": w.view["curve"]["optimum"]})
True
>>> d = ws.decisions[-1]
>>> d.id, d.threshold, d.costs
('D1', 0.3, {'c_fn': 5.0, 'c_fp': 1.0})
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from aipo_widgets import figures as render
from aipo_widgets._text import format_number
from aipo_widgets.analysis.decisions import current_threshold, threshold_costs
from aipo_widgets.analysis.threshold_view import COST_KEYS, group_recall, threshold_view
from aipo_widgets.errors import UsageError
from aipo_widgets.model.schema import Decision
from aipo_widgets.widgets._base import AipoWidget, operation, require, static_asset

__all__ = ["ThresholdExplorer"]


class ThresholdExplorer(AipoWidget):
    """Choose a classifier's operating threshold on the cost curve.

    Parameters
    ----------
    workspace : WorkspaceFile, Workspace, str or os.PathLike
        The workspace whose decision log records the choice.
    y_true, scores : array-like or str
        True classes and model scores (or columns of ``data``), e.g. of the gold set.
    data : DataFrame, optional
        The frame ``y_true``, ``scores`` and ``groups`` name columns of.
    groups : str or array-like, optional
        Group column for the per-group recall at the selected threshold.
    costs : dict, optional
        ``c_fn``, ``c_fp`` and optionally ``c_tp``, ``c_tn``, ``review_cost`` per item and
        ``prevented_share`` (default: ``settings.threshold_costs``).
    volume_per_period : float, optional
        Items per period (default: ``settings.threshold_costs.volume_per_month`` for months).
    period : str, default "month"
        Name of the period.
    pos_label : object, optional
        The positive class.
    points : int, default 200
        About this many thresholds on the curve.
    prevalence : float, optional
        The share of positives in production, for an enriched gold set (costs and precision
        reweighted to it).
    min_group_size : int, default 30
        Groups with fewer rows are shown but not ranked.
    decided_by : str, optional
        Who is recorded as deciding (default: the product owner).
    read_only : bool, default False
        Explore without recording (enforced in Python).
    **kwargs
        Other public traits (``title``, ``layout``).
    """

    _label = "Threshold explorer"
    _reads: ClassVar[frozenset[str]] = frozenset({"decisions", "settings", "metric_tree"})
    _writes: ClassVar[frozenset[str]] = frozenset({"decisions"})
    _init_args: ClassVar[frozenset[str]] = frozenset({
        "y_true", "scores", "data", "groups", "costs", "volume_per_period", "period",
        "pos_label", "points", "min_group_size", "decided_by", "prevalence"})
    _esm = static_asset("_common.js", "threshold.js")
    _css = static_asset("_common.css", "threshold.css")

    def _configure(self, y_true: Any = None, scores: Any = None, data: Any = None,
                   groups: Any = None, costs: dict | None = None,
                   volume_per_period: float | None = None, period: str = "month",
                   pos_label: Any = None, points: int = 200, min_group_size: int = 30,
                   decided_by: str = "", prevalence: float | None = None) -> None:
        missing = [n for n, v in (("y_true", y_true), ("scores", scores)) if v is None]
        if missing:
            msg = f"ThresholdExplorer() needs {' and '.join(missing)} (labels and scores)"
            raise TypeError(msg)
        if costs is not None:
            unknown = sorted(set(costs) - set(COST_KEYS))
            if unknown or not {"c_fn", "c_fp"} <= set(costs):
                msg = (f"costs must have c_fn and c_fp and may have c_tp, c_tn, review_cost, "
                       f"prevented_share; "
                       f"got {sorted(costs)}")
                raise TypeError(msg)
        self._inputs = {"y_true": y_true, "scores": scores, "data": data,
                        "pos_label": pos_label}
        self._groups, self._min_group_size = groups, min_group_size
        self._costs_arg, self._volume_arg = costs, volume_per_period
        self._period, self._points, self._decided_by = period, points, decided_by
        self._prevalence = prevalence
        self._curve_cache: tuple[Any, dict] | None = None

    def _costs(self) -> tuple[dict, float | None]:
        if self._costs_arg is not None:
            return dict(self._costs_arg), self._volume_arg

        resolved = threshold_costs(self.workspace)
        if resolved is None:
            msg = ("no costs: pass costs={'c_fn': ..., 'c_fp': ...} or set "
                   "settings.threshold_costs in aipo.yaml")
            raise UsageError(msg)
        volume = self._volume_arg
        if volume is None and self._period == "month":
            volume = resolved.get("volume_per_month")
        costs = {k: v for k, v in resolved.items()
                 if k in COST_KEYS and v is not None}
        return costs, volume

    def _compute_view(self) -> dict:

        costs, volume = self._costs()
        key = (tuple(sorted(costs.items())), volume)
        if self._curve_cache is None or self._curve_cache[0] != key:
            data = threshold_view(
                **self._inputs, costs=costs, volume_per_period=volume, period=self._period,
                points=self._points, prevalence=self._prevalence)
            self._curve_cache = (key, data)
        data = self._curve_cache[1]
        return {**data, "decided": current_threshold(self.workspace),
                "currency": _currency(self.workspace),
                "has_groups": self._groups is not None,
                "group_column": self._groups if isinstance(self._groups, str) else "group"}

    def _index(self, msg: dict) -> int:
        k = require(msg, "index", int)
        n = len(self.view["curve"]["threshold"])
        if not 0 <= k < n:
            err = f"index must be from 0 to {n - 1}, got {k}"
            raise UsageError(err)
        return k

    @operation("groups", kind="query")
    def _op_groups(self, msg: dict) -> dict:
        """Recall per group at the threshold of point ``index``."""
        k = self._index(msg)
        if self._groups is None:
            return {"groups": None, "index": k}
        t = self.view["curve"]["threshold"][k]
        result = group_recall(
            self._inputs["y_true"], self._inputs["scores"], self._groups, t,
            data=self._inputs["data"], pos_label=self._inputs["pos_label"],
            min_group_size=self._min_group_size)
        return {"groups": result, "index": k}

    def group_recall(self, index: int | None = None) -> dict | None:
        """Return the recall per group at curve point ``index`` (default: the optimum)."""
        k = self.view["curve"]["optimum"] if index is None else index
        return self._op_groups({"index": k})["groups"]

    @operation("decide")
    def _op_decide(self, msg: dict) -> None:
        """Record the threshold of point ``index`` in the decision log, with the costs."""
        k = self._index(msg)
        v = self.view
        c = v["curve"]
        t = c["threshold"][k]
        if t is None:
            err = ("this point flags nothing, which is not a threshold; to switch the "
                   "predictions off, use the kill switch")
            raise UsageError(err)
        ws = self.workspace
        used = {d.id for d in ws.decisions}
        n = len(ws.decisions) + 1
        while f"D{n}" in used:
            n += 1
        per = (f"{format_number(c['per_period'][k])} per {v['period']}" if c["per_period"]
               else f"{format_number(c['per_item'][k])} per item")
        o = c["optimum"]
        opt = (f"{format_number(c['per_period'][o])} per {v['period']}" if c["per_period"]
               else f"{format_number(c['per_item'][o])} per item")
        costs = {key: float(val) for key, val in v["costs"].items()
                 if val or key in ("c_fn", "c_fp")}
        rationale = (
            f"Chosen on the cost curve of {v['n']:,} labelled items ({v['n_pos']:,} positive): "
            f"recall {format_number(c['recall'][k])}, "
            f"precision {format_number(c['precision'][k])}, "
            f"{c['flagged'][k]:.1%} flagged, expected cost {per}; the cost optimum is {opt} "
            f"at {format_number(c['threshold'][o])}. Costs per item: "
            + ", ".join(f"{key} {format_number(val)}" for key, val in costs.items()) + "."
        )
        if v["volume_per_period"]:
            rationale += f" Volume: {format_number(v['volume_per_period'])} per {v['period']}."
        if v.get("prevalence") is not None:
            rationale += (f" Reweighted to the production prevalence "
                          f"{format_number(v['prevalence'])} (an enriched gold set).")
        ws.decisions.append(Decision(
            id=f"D{n}", date=dt.date.today(), title=f"Threshold {t:g}",
            decision=f"Flag items scoring {t:g} or more.", rationale=rationale,
            by=self._decided_by or ws.product.owner, phase=ws.product.phase, threshold=t,
            costs=costs,
        ))

    def _static_svg(self) -> str:
        v = self.view or self._compute_view()
        title = self.title if self.title != self._label else "Threshold and expected cost"
        return render.threshold_svg(v, decided=v.get("decided"), title=title)

    def _static_alt(self) -> str:
        return render.threshold_alt(self.view or self._compute_view())


def _currency(ws: Any) -> str:
    """Return the workspace's currency (business case, then budgets) for the costs' labels."""
    for section in (ws.business_case, ws.budgets):
        cur = getattr(section, "currency", None) if section is not None else None
        if cur:
            return str(cur)
    return ""
