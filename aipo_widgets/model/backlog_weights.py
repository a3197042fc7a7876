"""The backlog scoring methods' weights: which a method has, and what values they may take.

``settings.backlog_weights`` in ``aipo.yaml`` adjusts the weights of ``settings.backlog_method``;
``aipo validate`` checks them here (with their line), the scoring uses the same table.

Examples
--------
>>> [p.message for p in backlog_weight_problems("vrf", {"risk": 0.2})]
["'risk' is not a weight of method 'vrf' (its weights: value, risk_aversion, feasibility, effort)"]
>>> backlog_weight_problems("vrf", {"value": 0.5, "risk_aversion": 0.2, "feasibility": 0.3})
[]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aipo_widgets._text import suggest
from aipo_widgets.errors import Problem

__all__ = ["DEFAULT_WEIGHTS", "STABILITY_STEP", "backlog_weight_problems"]

DEFAULT_WEIGHTS: dict[str, dict[str, float]] = {
    "vrf": {"value": 1.0, "risk_aversion": 0.5, "feasibility": 1.0, "effort": 1.0},
    "rice": {"reach": 1.0, "impact": 1.0, "confidence": 1.0, "effort": 1.0},
    "wsjf": {"business_value": 1.0, "time_criticality": 1.0, "risk_reduction": 1.0,
             "job_size": 1.0},
    "wsjf_economic": {"cost_of_delay": 1.0, "duration": 1.0},
    "ice": {"impact": 1.0, "confidence": 1.0, "ease": 1.0},
}


STABILITY_STEP = 0.2


def backlog_weight_problems(method: str, weights: Mapping[str, Any] | None,
                            where: str = "settings.backlog_weights") -> list[Problem]:
    """Return a problem for every weight the method does not have or cannot take."""
    known = DEFAULT_WEIGHTS[method]
    problems = []
    for k, v in (weights or {}).items():
        if k not in known:
            problems.append(Problem(
                f"'{k}' is not a weight of method '{method}' (its weights: {', '.join(known)})",
                path=where, fix=suggest(k, known, cutoff=0.4, listed=0, none="remove it"),
                code="bad_weight"))
        elif isinstance(v, bool) or not isinstance(v, (int, float)) or not v >= 0 or v > 100:
            problems.append(Problem(f"weight '{k}' must be a number from 0 to 100, got {v!r}",
                                    path=f"{where}.{k}", code="bad_weight"))
        elif k == "risk_aversion" and v > 1 / (1 + STABILITY_STEP):
            problems.append(Problem(
                f"risk_aversion must be at most {1 / (1 + STABILITY_STEP):.3f} (so that +20 % "
                f"keeps it below 1 and the highest risk never makes value negative), got {v}",
                path=f"{where}.risk_aversion", code="bad_weight"))
    return problems
