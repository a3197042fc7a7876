"""Backlog scoring for a mixed AI backlog: gates first, then a score, then how robust the rank is.

An AI product's backlog mixes product, data, model, evaluation and risk work.  :func:`score`
ranks it in three stages, and its result shows every raw factor next to the score so that
nobody has to trust a single number.

1. **Gates** (lexicographic, before any scoring):

   * *excluded*: every item when the product's AI Act tier is ``prohibited`` (Art 5: redesign
     or abandon; no work on it is ranked), and the items named in ``excluded_ids`` (work that
     would serve a prohibited use, as decided in the compliance review - the free-text
     ``use_case`` field is deliberately not enough to exclude anything);
   * *blocked*: items whose ``blocked_by`` names a risk with a **critical residual band** that
     is not closed - ranked after every unblocked item, with the reason; an item that also
     ``mitigates`` that risk is the mitigation and is not blocked;
   * *done* / *dropped* items leave the ranking (``include_done=True`` keeps them);
   * *incomplete*: an item that lacks a factor the method needs gets a problem naming the
     factor, and no rank, instead of a crash.

2. **Scores** (``settings.backlog_method``; weights of 1 give the textbook formula):

   ``vrf`` (default: value, risk, feasibility)
       Risk here is **harm** (what could go wrong for people or the business if the item is
       done), not the uncertainty worth retiring early of Mike Cohn's value/risk quadrant (*Agile
       Estimating and Planning*, 2005).  The rule
       "high value with moderate risk takes precedence" becomes a risk-adjusted value that a
       moderate risk only dents::

           RAV      = value^w_value * confidence * (1 - risk_aversion * risk / 10)
           priority = RAV * (feasibility / 10)^w_feasibility / effort^w_effort

       with value, risk, feasibility on 0-10, confidence 0-1 (missing: 0.5, Intercom's "low",
       and the item says so), effort in person-months and ``risk_aversion`` (lambda) 0.5 by
       default, so the highest harm halves the value.  Example: value 9, risk 5, confidence
       0.8, feasibility 7, effort 2 gives RAV 5.4 and priority 1.89; it outranks value 5 with
       risk 1 (RAV 3.8).  Cohn's "avoid" quadrant is kept as a rule: an item of **high harm
       risk (>= 7) and low value (< 4)** is ranked after every other item of its gate.
   ``rice`` (Intercom)
       ``reach * impact * confidence / effort``; impact 3/2/1/0.5/0.25, confidence 1/0.8/0.5,
       effort in person-months (at least 0.5).  2000 x 2 x 0.8 / 4 = 800.
   ``wsjf`` (SAFe)
       ``(business_value + time_criticality + risk_reduction) / job_size`` on the modified
       Fibonacci scale 1, 2, 3, 5, 8, 13, 20; (8 + 5 + 3) / 5 = 3.2.  The weights multiply the
       three cost-of-delay terms.
   ``wsjf_economic`` (Reinertsen's CD3)
       ``cost_of_delay_per_week / duration_weeks``: money per week of delay per week of work,
       which, unlike SAFe's relative sum, can be traded against money.
   ``ice``
       The **product** variant ``impact * confidence * ease`` (range 1-1000; the average
       variant exists too), with impact = ``value``, confidence = ``confidence * 10`` and ease =
       ``ease``, since the workspace stores value on 0-10 and confidence as a share.

   For the multiplicative methods a weight is an exponent on its factor; for ``wsjf`` it
   multiplies its cost-of-delay term.

3. **Rank stability**: every weight is moved by -20 % and +20 %, one at a time, and each item's
   rank recomputed.  ``max_rank_shift`` is the largest move of the item's rank; the item is
   ``robust`` when it never moves (``tolerance=0``) and ``fragile`` otherwise, with the weight
   that moved it most.

Ranks are competition ranks (equal scores share a rank: 1, 2, 2, 4).

Examples
--------
>>> from aipo_widgets.model.schema import BacklogItem
>>> items = [
...     BacklogItem(id="B1", title="PII filter", type="risk", value=9, risk=5, feasibility=7,
...                 confidence=0.8, effort=2),
...     BacklogItem(id="B2", title="Tone tweaks", type="product", value=5, risk=1,
...                 feasibility=7, confidence=0.8, effort=2),
...     BacklogItem(id="B3", title="Auto-reply", type="product", value=3, risk=8,
...                 feasibility=9, confidence=1.0, effort=0.5),
... ]
>>> r = score(items)
>>> for i in r.items:
...     print(i.rank, i.id, round(i.score, 3), round(i.intermediates["rav"], 3), i.quadrant)
1 B1 1.89 5.4 high value, moderate risk
2 B2 1.33 3.8 medium value, low risk
3 B3 3.24 1.8 low value, high risk (avoid)
>>> list(r.table.columns[:8])
['rank', 'id', 'title', 'type', 'gate', 'score', 'rav', 'quadrant']
>>> [(i.id, i.stability) for i in r.items]
[('B1', 'robust'), ('B2', 'robust'), ('B3', 'robust')]
>>> score([BacklogItem(id="R", title="t", type="product", reach=2000, impact=2,
...                    confidence=0.8, effort=4)], "rice").items[0].score
800.0
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from aipo_widgets.analysis.backlog_view import backlog_view
from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.analysis.risk import BandMap, Register
from aipo_widgets.errors import Problem, UsageError, WorkspaceError
from aipo_widgets.figures import mimebundle
from aipo_widgets.figures.backlog import backlog_alt, backlog_svg
from aipo_widgets.model import schema as spec
from aipo_widgets.model.backlog_weights import (
    DEFAULT_WEIGHTS,
    STABILITY_STEP,
    backlog_weight_problems,
)

__all__ = [
    "DEFAULT_WEIGHTS",
    "FIBONACCI",
    "METHODS",
    "BacklogResult",
    "ItemScore",
    "score",
    "score_workspace",
]

Method = Literal["vrf", "rice", "wsjf", "wsjf_economic", "ice"]
METHODS: tuple[Method, ...] = ("vrf", "rice", "wsjf", "wsjf_economic", "ice")
#: SAFe's modified Fibonacci scale for the WSJF terms.
FIBONACCI = (1, 2, 3, 5, 8, 13, 20)
INTERCOM_IMPACT = (3, 2, 1, 0.5, 0.25)
INTERCOM_CONFIDENCE = (1.0, 0.8, 0.5)
DEFAULT_CONFIDENCE = 0.5
FORMULAS = {
    "vrf": "value^w_value * confidence * (1 - risk_aversion * risk/10) * (feasibility/10)"
           "^w_feasibility / effort^w_effort",
    "rice": "reach^w * impact^w * confidence^w / effort^w (Intercom)",
    "wsjf": "(w * business_value + w * time_criticality + w * risk_reduction) / job_size^w "
            "(SAFe)",
    "wsjf_economic": "cost_of_delay_per_week^w / duration_weeks^w (Reinertsen CD3)",
    "ice": "impact^w * confidence^w * ease^w, product variant; impact = value, confidence = "
           "confidence * 10",
}
# Factors each method needs (confidence is optional where it has a default).
_REQUIRED = {
    "vrf": ("value", "risk", "feasibility", "effort"),
    "rice": ("reach", "impact", "effort"),
    "wsjf": ("business_value", "time_criticality", "risk_reduction", "job_size"),
    "wsjf_economic": ("cost_of_delay_per_week", "duration_weeks"),
    "ice": ("value", "confidence", "ease"),
}
RAW_FACTORS = (
    "value", "risk", "feasibility", "confidence", "effort", "reach", "impact", "ease",
    "business_value", "time_criticality", "risk_reduction", "job_size",
    "cost_of_delay_per_week", "duration_weeks",
)


# --------------------------------------------------------------------------------------------
# Results


@dataclass
class ItemScore:
    """One backlog item's gate, score, rank and stability, with every raw factor.

    Attributes
    ----------
    id, title, type, status : str
        From the workspace.
    factors : dict
        Every raw factor of the item (None where not set).
    intermediates : dict
        What the score was built from, e.g. ``rav`` and ``cost_of_delay``.
    score : float or None
        None for excluded or incomplete items.
    rank : int or None
        Competition rank among the ranked items; None when not ranked.
    gate : {"ok", "blocked", "excluded", "incomplete", "done"}
        The gate outcome.
    reasons : list of str
        Why the gate fired, and anything assumed (e.g. a default confidence).
    quadrant : str
        For ``vrf``: the value band and the risk band, e.g. "high value, moderate risk".
    max_rank_shift : int or None
        The largest rank move under +-20 % weight changes.
    stability : {"robust", "fragile", ""}
        ``robust`` when the rank never moved beyond the tolerance.
    most_sensitive_to : str
        The weight change that moved it most, e.g. ``"effort x1.2"``.
    """

    id: str
    title: str
    type: str
    status: str
    factors: dict[str, float | None]
    intermediates: dict[str, float] = field(default_factory=dict)
    score: float | None = None
    rank: int | None = None
    gate: str = "ok"
    reasons: list[str] = field(default_factory=list)
    quadrant: str = ""
    max_rank_shift: int | None = None
    stability: str = ""
    most_sensitive_to: str = ""

    def to_dict(self) -> dict:
        """Return the item as a JSON-ready dict."""
        return asdict(self)


@dataclass
class BacklogResult:
    """A scored backlog.

    Attributes
    ----------
    method : str
        One of :data:`METHODS`.
    formula : str
        The formula in words.
    weights : dict
        The weights used.
    items : list of ItemScore
        Ranked items first (by rank), then blocked ones, then the rest.
    problems : list of Problem
        Missing factors, unknown risk ids, bad weights - one per item and factor.
    notes : list of str
        Findings about the whole backlog (the tier's consequence, scale checks).
    tier : str or None
        The product's AI Act tier the gates used.
    tolerance : int
        The rank shift still called robust.
    perturbations : list of str
        The weight changes tried, e.g. ``"effort x0.8"``.
    rank_table : dict
        Item id -> {perturbation -> rank}.
    """

    method: str
    formula: str
    weights: dict[str, float]
    items: list[ItemScore]
    problems: list[Problem]
    notes: list[str]
    tier: str | None
    tolerance: int
    perturbations: list[str]
    rank_table: dict[str, dict[str, int]]

    def _repr_mimebundle_(self, include: object = None, exclude: object = None) -> dict:
        # A picture wherever it is displayed (notebook, nbconvert HTML, Voila), without widgets.
        view = self.to_view()
        return mimebundle(backlog_svg(view), alt=backlog_alt(view))

    def to_view(self, workspace: spec.Workspace | None = None) -> dict:
        """Return the scored backlog as column-oriented plain data (see :func:`backlog_view`).

        ``workspace`` (the one scored) puts the items in workspace order with their links.
        """
        return backlog_view(self, workspace=workspace)

    def item(self, item_id: str) -> ItemScore:
        """Return one item's score (KeyError if there is none)."""
        for i in self.items:
            if i.id == item_id:
                return i
        raise KeyError(item_id)

    def ranked(self) -> list[ItemScore]:
        """Return the ranked items (unblocked first, then blocked), by rank."""
        return [i for i in self.items if i.rank is not None]

    @property
    def table(self):
        """Return one row per item: rank, gate, score, intermediates and every raw factor."""
        import pandas as pd

        rows = []
        for i in self.items:
            row: dict[str, Any] = {"rank": i.rank, "id": i.id, "title": i.title, "type": i.type,
                                   "gate": i.gate, "score": i.score}
            row |= i.intermediates
            row |= {"quadrant": i.quadrant} if self.method == "vrf" else {}
            row |= i.factors
            row |= {"max_rank_shift": i.max_rank_shift, "stability": i.stability,
                    "most_sensitive_to": i.most_sensitive_to, "reasons": "; ".join(i.reasons)}
            rows.append(row)
        frame = pd.DataFrame(rows)
        if "rank" in frame:
            frame["rank"] = frame["rank"].astype("Int64")
        return frame

    def stability_frame(self):
        """Return each ranked item's rank under every weight change (rows: items)."""
        import pandas as pd

        return pd.DataFrame.from_dict(self.rank_table, orient="index")

    def to_dict(self) -> dict:
        """Return the result as a JSON-ready dict."""
        return {
            "method": self.method,
            "formula": self.formula,
            "weights": dict(self.weights),
            "tier": self.tier,
            "tolerance": self.tolerance,
            "perturbations": list(self.perturbations),
            "items": [i.to_dict() for i in self.items],
            "rank_table": self.rank_table,
            "problems": [p.to_dict() for p in self.problems],
            "notes": list(self.notes),
        }


# --------------------------------------------------------------------------------------------
# Scoring


def _band(x: float) -> str:
    return "low" if x < 4 else ("high" if x >= 7 else "moderate")


def _quadrant(v: float | None, r: float | None) -> tuple[str, bool]:
    if v is None or r is None:
        return "", False
    vb = _band(v).replace("moderate", "medium")
    rb = _band(r)
    avoid = vb == "low" and rb == "high"
    return f"{vb} value, {rb} risk" + (" (avoid)" if avoid else ""), avoid


def _compute(method: str, f: Mapping[str, float], w: Mapping[str, float]
             ) -> tuple[float, dict[str, float]]:
    if method == "vrf":
        conf = f["confidence"]
        rav = f["value"] ** w["value"] * conf * (1 - w["risk_aversion"] * f["risk"] / 10)
        prio = rav * (f["feasibility"] / 10) ** w["feasibility"] / f["effort"] ** w["effort"]
        return prio, {"rav": rav}
    if method == "rice":
        s = (f["reach"] ** w["reach"] * f["impact"] ** w["impact"]
             * f["confidence"] ** w["confidence"] / f["effort"] ** w["effort"])
        return s, {}
    if method == "wsjf":
        cod = (w["business_value"] * f["business_value"] + w["time_criticality"]
               * f["time_criticality"] + w["risk_reduction"] * f["risk_reduction"])
        return cod / f["job_size"] ** w["job_size"], {"cost_of_delay": cod}
    if method == "wsjf_economic":
        return (f["cost_of_delay_per_week"] ** w["cost_of_delay"]
                / f["duration_weeks"] ** w["duration"]), {}
    # ice
    i, c, e = f["value"], f["confidence"] * 10, f["ease"]
    return i ** w["impact"] * c ** w["confidence"] * e ** w["ease"], {
        "ice_impact": i, "ice_confidence": c}


def _ranks(keys: Mapping[str, tuple]) -> dict[str, int]:
    # Competition ranking: 1 + the number of items with a strictly better key.
    ordered = sorted(keys.values())
    out = {}
    for k, key in keys.items():
        lo, hi = 0, len(ordered)
        while lo < hi:  # bisect_left on tuples
            mid = (lo + hi) // 2
            if ordered[mid] < key:
                lo = mid + 1
            else:
                hi = mid
        out[k] = lo + 1
    return out


def _check_weights(method: str, weights: Mapping[str, float] | None) -> dict[str, float]:
    problems = backlog_weight_problems(method, weights)
    if problems:
        raise UsageError(problems)
    w = dict(DEFAULT_WEIGHTS[method])
    w.update({k: float(v) for k, v in (weights or {}).items()})
    return w


def _tier_of(tier: Any) -> tuple[str | None, str]:
    if tier is None:
        return None, ""
    if isinstance(tier, str):
        return tier, ""
    t = getattr(tier, "tier", None)
    if not isinstance(t, str):
        raise UsageError([Problem("tier must be a tier name or a compliance.Classification, got "
                                  f"{type(tier).__name__}", code="bad_argument")])
    detail = ""
    points = getattr(tier, "art5_points", [])
    if points:
        detail = " (Art 5(1)(" + "), (".join(points) + "))"
    if getattr(tier, "provisional", False):
        detail += ", provisional: rests on unanswered or unsure answers"
    return t, detail


def _risk_bands(risks: Any, band_map: Any) -> dict[str, tuple[str, str]]:
    """Risk id -> (residual band, status)."""
    if risks is None:
        return {}
    reg = risks if isinstance(risks, Register) else Register(
        risks, band_map, as_of=None)
    return {r.id: (r.residual.band, r.status) for r in reg.results}


def score(
    items: Iterable[spec.BacklogItem | dict],
    method: Method | None = None,
    *,
    weights: Mapping[str, float] | None = None,
    tier: Any = None,
    excluded_ids: Iterable[str] = (),
    risks: Any = None,
    band_map: Any = None,
    include_done: bool = False,
    tolerance: int = 0,
    stability: bool = True,
) -> BacklogResult:
    """Gate, score and rank a backlog, and test how robust each rank is.

    Parameters
    ----------
    items : iterable of aipo_widgets.model.schema.BacklogItem or dict
        The ``backlog`` section of the workspace.
    method : {"vrf", "rice", "wsjf", "wsjf_economic", "ice"}, default "vrf"
        The scoring method (see the module documentation).
    weights : mapping, optional
        Weights of the method (``settings.backlog_weights``); missing ones take the defaults.
    tier : str or aipo_widgets.analysis.compliance.Classification, optional
        The product's AI Act tier; ``prohibited`` excludes every item.
    excluded_ids : iterable of str
        Items that would serve a prohibited use, as decided in the compliance review.
    risks : list of aipo_widgets.model.schema.Risk or aipo_widgets.analysis.risk.Register, optional
        The risk register; items blocked by an open critical residual risk are blocked.
    band_map : optional
        The band map for ``risks`` when given as a list (default bands otherwise).
    include_done : bool, default False
        Keep done and dropped items in the ranking.
    tolerance : int, default 0
        The largest rank shift still labelled ``robust``.
    stability : bool, default True
        Test the ranks' stability.  It re-ranks the backlog twice per weight, two thirds of the
        time of a call; ``False`` leaves ``stability`` empty and ``perturbations`` and
        ``rank_table`` without perturbations, for callers that want the ranks first (the
        backlog widget sends them at once and the stability a moment later).

    Returns
    -------
    BacklogResult

    Raises
    ------
    UsageError
        For an unknown method, bad weights or arguments.
    WorkspaceError
        If an item does not validate or ids repeat.

    Examples
    --------
    >>> from aipo_widgets.model.schema import BacklogItem, Risk
    >>> risks = [Risk(id="R1", title="Leak", category="security", likelihood=5, impact=5)]
    >>> items = [BacklogItem(id="A", title="Ship", type="product", business_value=8,
    ...                      time_criticality=5, risk_reduction=3, job_size=5,
    ...                      blocked_by=["R1"]),
    ...          BacklogItem(id="B", title="Eval", type="evaluation", business_value=2,
    ...                      time_criticality=1, risk_reduction=1, job_size=2)]
    >>> r = score(items, "wsjf", risks=risks)
    >>> [(i.id, i.score, i.rank, i.gate) for i in r.items]
    [('B', 2.0, 1, 'ok'), ('A', 3.2, 2, 'blocked')]
    >>> r.item("A").reasons
    ['blocked by R1 (residual band critical, status open) until it is mitigated']

    The same ranks without the stability test:

    >>> quick = score(items, "wsjf", risks=risks, stability=False)
    >>> [(i.id, i.rank, i.stability) for i in quick.items], quick.perturbations
    ([('B', 1, ''), ('A', 2, '')], [])
    """
    method = method or "vrf"
    if method not in METHODS:
        raise UsageError([Problem(f"unknown backlog method {method!r}",
                                  fix="use one of " + ", ".join(METHODS), code="bad_argument")])
    if isinstance(tolerance, bool) or not isinstance(tolerance, int) or tolerance < 0:
        raise UsageError([Problem(f"tolerance must be a non-negative integer, got {tolerance!r}",
                                  code="bad_argument")])
    w = _check_weights(method, weights)
    parsed: list[spec.BacklogItem] = []
    problems: list[Problem] = []
    for i, it in enumerate(items):
        if isinstance(it, spec.BacklogItem):
            parsed.append(it)
            continue
        try:
            parsed.append(spec.BacklogItem.model_validate(it))
        except Exception as exc:  # pydantic.ValidationError
            problems.append(Problem(str(exc), path=f"backlog[{i}]", code="invalid"))
    seen: set[str] = set()
    for i, it in enumerate(parsed):
        if it.id in seen:
            problems.append(Problem(f"duplicate backlog id '{it.id}'", path=f"backlog[{i}].id",
                                    code="duplicate"))
        seen.add(it.id)
    if problems:
        raise WorkspaceError(problems)
    tier_name, tier_detail = _tier_of(tier)
    excluded = set(excluded_ids)
    unknown_excl = sorted(excluded - seen)
    for x in unknown_excl:
        problems.append(Problem(f"excluded_ids names '{x}', which is not a backlog item",
                                code="unknown_reference"))
    bands = _risk_bands(risks, band_map)
    notes: list[str] = []
    if tier_name == "high_risk":
        notes.append("the product is high-risk under the AI Act: effort estimates must include "
                     "the compliance work (provider Arts 9-17 and 43-49, or deployer Arts 26-27, "
                     "FRIA and DPIA)")

    results: list[ItemScore] = []
    factors_of: dict[str, dict[str, float]] = {}
    avoid: dict[str, bool] = {}
    for i, it in enumerate(parsed):
        factors = {k: getattr(it, k) for k in RAW_FACTORS}
        res = ItemScore(it.id, it.title, it.type, it.status, factors)
        results.append(res)
        # gates
        if tier_name == "prohibited":
            res.gate = "excluded"
            res.reasons.append(f"the product's AI Act tier is prohibited{tier_detail}: redesign "
                               "or abandon the use case; no work on it is ranked")
        elif it.id in excluded:
            res.gate = "excluded"
            res.reasons.append("serves a prohibited use (excluded in the compliance review)")
        elif it.status in ("done", "dropped") and not include_done:
            res.gate = "done"
            res.reasons.append(f"status is {it.status}")
        for j, rid in enumerate(it.blocked_by):
            if risks is not None and rid not in bands:
                problems.append(Problem(f"item '{it.id}' is blocked by risk '{rid}', which is "
                                        "not in the register", path=f"backlog[{i}].blocked_by[{j}]",
                                        code="unknown_reference"))
                continue
            band, status = bands.get(rid, ("", ""))
            if band == "critical" and status != "closed" and res.gate == "ok":
                if rid in it.mitigates:
                    res.reasons.append(f"mitigates {rid}, which blocks it: treated as the "
                                       "mitigation, not blocked")
                else:
                    res.gate = "blocked"
                    res.reasons.append(f"blocked by {rid} (residual band critical, status "
                                       f"{status}) until it is mitigated")
        if res.gate in ("excluded", "done"):
            continue
        # factors
        missing = [k for k in _REQUIRED[method] if factors[k] is None]
        if missing:
            res.gate = "incomplete"
            res.reasons.append("missing " + ", ".join(missing))
            problems.append(Problem(
                f"item '{it.id}' lacks {', '.join(missing)} for method '{method}'",
                path=f"backlog[{i}]", fix="estimate " + " and ".join(missing) + ", or choose "
                "another method", code="missing_factor"))
            continue
        used = {k: float(factors[k]) for k in _REQUIRED[method]}
        if method in ("vrf", "rice"):
            if factors["confidence"] is None:
                used["confidence"] = DEFAULT_CONFIDENCE
                res.reasons.append(f"confidence not set: {DEFAULT_CONFIDENCE} assumed "
                                   "(Intercom's 'low')")
            else:
                used["confidence"] = float(factors["confidence"])
        if method == "ice" and used["value"] == 0:
            res.reasons.append("ICE impact (value) is 0, so the score is 0")
        _scale_notes(method, it, res)
        factors_of[it.id] = used
        if method == "vrf":
            res.quadrant, avoid[it.id] = _quadrant(it.value, it.risk)
            if avoid[it.id]:
                res.reasons.append("high harm risk with low value (Cohn's 'avoid'): ranked after "
                                   "the other items of its gate")

    def ranks_with(wts: Mapping[str, float]) -> tuple[dict[str, int], dict[str, float]]:
        scores = {}
        keys = {}
        for r in results:
            if r.id not in factors_of or r.gate not in ("ok", "blocked"):
                continue
            s, _ = _compute(method, factors_of[r.id], wts)
            scores[r.id] = s
            keys[r.id] = (r.gate == "blocked", avoid.get(r.id, False), -s)
        return _ranks(keys), scores

    base_ranks, base_scores = ranks_with(w)
    for r in results:
        if r.id in base_scores:
            s, inter = _compute(method, factors_of[r.id], w)
            r.score = s
            r.intermediates = inter
            r.rank = base_ranks[r.id]
    # stability
    perturbations: list[str] = []
    table: dict[str, dict[str, int]] = {k: {"base": v} for k, v in base_ranks.items()}
    shift: dict[str, tuple[int, str]] = dict.fromkeys(base_ranks, (0, ""))
    for k in w if stability else ():
        for factor in (1 - STABILITY_STEP, 1 + STABILITY_STEP):
            label = f"{k} x{factor:g}"
            perturbations.append(label)
            ranks, _ = ranks_with({**w, k: w[k] * factor})
            for iid, rk in ranks.items():
                table[iid][label] = rk
                d = abs(rk - base_ranks[iid])
                if d > shift[iid][0]:
                    shift[iid] = (d, label)
    for r in results if stability else ():
        if r.id in shift:
            r.max_rank_shift, r.most_sensitive_to = shift[r.id]
            r.stability = "robust" if r.max_rank_shift <= tolerance else "fragile"
    order = {"ok": 0, "blocked": 1, "incomplete": 2, "done": 3, "excluded": 4}
    results.sort(key=lambda r: (r.rank is None, r.rank or 0, order[r.gate]))
    if tier_name == "prohibited":
        notes.append(f"the product's AI Act tier is prohibited{tier_detail}: every item is "
                     "excluded")
    return BacklogResult(
        method=method, formula=FORMULAS[method], weights=w, items=results, problems=problems,
        notes=notes, tier=tier_name, tolerance=tolerance, perturbations=perturbations,
        rank_table=table,
    )


def _scale_notes(method: str, it: spec.BacklogItem, res: ItemScore) -> None:
    if method == "rice":
        if it.impact not in INTERCOM_IMPACT:
            res.reasons.append(f"impact {it.impact:g} is not on Intercom's scale "
                               "(3, 2, 1, 0.5, 0.25)")
        if it.confidence is not None and it.confidence not in INTERCOM_CONFIDENCE:
            res.reasons.append(f"confidence {it.confidence:g} is not on Intercom's scale "
                               "(1, 0.8, 0.5)")
        if it.effort is not None and it.effort < 0.5:
            res.reasons.append("effort below Intercom's minimum of 0.5 person-months")
    if method == "wsjf":
        off = [k for k in ("business_value", "time_criticality", "risk_reduction", "job_size")
               if getattr(it, k) not in FIBONACCI]
        if off:
            res.reasons.append(", ".join(off) + " not on SAFe's scale (1, 2, 3, 5, 8, 13, 20)")


def score_workspace(
    ws: spec.Workspace,
    method: Method | None = None,
    *,
    classification: Any = None,
    excluded_ids: Sequence[str] = (),
    tolerance: int = 0,
    stability: bool = True,
) -> BacklogResult:
    """Score a workspace's backlog with its settings, risk register and AI Act tier.

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace.
    method : str, optional
        Default ``settings.backlog_method``.
    classification : aipo_widgets.analysis.compliance.Classification, optional
        Default: :func:`aipo_widgets.analysis.compliance.classify_workspace` of the workspace.
    excluded_ids : sequence of str
        Items serving a prohibited use.
    tolerance, stability
        As in :func:`score`.

    Examples
    --------
    >>> ws = spec.Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "backlog": [{"id": "B1", "title": "t", "type": "data", "value": 5, "risk": 2,
    ...                  "feasibility": 8, "effort": 1, "confidence": 1}]})
    >>> r = score_workspace(ws, classification="minimal")
    >>> r.method, r.items[0].score
    ('vrf', 3.6)
    """
    if classification is None:
        classification = classify_workspace(ws)
    register = Register(ws.risks, BandMap.from_settings(ws.settings), ws.compliance.as_of)
    return score(
        ws.backlog, method or ws.settings.backlog_method,
        weights=ws.settings.backlog_weights or None, tier=classification,
        excluded_ids=excluded_ids, risks=register, tolerance=tolerance, stability=stability,
    )
