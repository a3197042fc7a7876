"""A NaN or infinite figure or threshold cannot be evaluated, so it never passes (issue 14)."""

from __future__ import annotations

import math

import pytest

from aipo_widgets._text import compare
from aipo_widgets.analysis.drift import DriftThresholds
from aipo_widgets.analysis.evaluation import evaluate_review
from aipo_widgets.errors import UsageError
from aipo_widgets.evidence import Gate
from aipo_widgets.gates.acceptance import Criterion, check_acceptance
from aipo_widgets.gates.conditions import condition_gate
from aipo_widgets.model.schema import Condition

NON_FINITE = [math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("bad", NON_FINITE)
def test_compare_cannot_evaluate_non_finite(bad: float) -> None:
    for op in (">=", ">", "<=", "<", "=="):
        assert compare(bad, op, 0.5) is None
        assert compare(0.5, op, bad) is None


@pytest.mark.parametrize("bad", NON_FINITE)
def test_a_gate_never_passes_on_a_non_finite_figure(bad: float) -> None:
    g = Gate("recall", "pass", figure=bad, threshold=">= 0.8")
    assert g.verdict == "fail" and "cannot be evaluated" in g.detail
    assert Gate("recall", "warn", figure=bad).verdict == "fail"


@pytest.mark.parametrize("threshold", [">= -inf", "<= inf", "> nan", math.inf, "<= +Infinity"])
def test_a_gate_never_passes_on_a_non_finite_threshold(threshold: object) -> None:
    assert Gate("recall", "pass", figure=0.9, threshold=threshold).verdict == "fail"


@pytest.mark.parametrize("threshold", [">= 0.8", "<= 90 days ago", "information shared", None])
def test_finite_gates_keep_their_verdict(threshold: object) -> None:
    assert Gate("recall", "pass", figure=0.9, threshold=threshold).verdict == "pass"


def test_a_kill_switch_with_a_nan_threshold_does_not_pass() -> None:
    kill = Condition.model_construct(id="K1", metric="hallucination_rate", operator=">",
                                     value=math.nan, description="")
    g = condition_gate(kill, {"hallucination_rate": 0.9}, meaning="trigger")
    assert g.verdict == "fail" and "cannot be evaluated" in g.detail


@pytest.mark.parametrize("bad", NON_FINITE)
def test_a_kill_switch_on_a_non_finite_figure_does_not_pass(bad: float) -> None:
    kill = Condition(id="K1", metric="hallucination_rate", operator=">", value=0.05)
    g = condition_gate(kill, {"hallucination_rate": bad}, meaning="trigger", missing="warn")
    assert g.verdict == "fail"


@pytest.mark.parametrize(("op", "bad"), [(">=", -math.inf), ("<=", math.inf), (">=", math.nan)])
def test_a_criterion_with_a_non_finite_threshold_fails(op: str, bad: float) -> None:
    ev = evaluate_review(label=["ok"] * 97 + ["hallucination"] * 3,
                         labels=["ok", "hallucination"])
    with pytest.raises(UsageError, match="finite number"):
        check_acceptance(ev, [{"id": "h", "metric": "hallucination_rate", "operator": op,
                               "value": bad}])
    made = Criterion(id="h", metric="hallucination_rate", operator=op, value=bad)
    g = check_acceptance(ev, [made])[0]
    assert g.verdict == "fail" and "not a finite number" in g.detail


def test_drift_of_a_nan_metric_is_not_ok() -> None:
    verdict, why = DriftThresholds().verdict(math.nan)
    assert verdict != "ok" and "cannot be evaluated" in why
