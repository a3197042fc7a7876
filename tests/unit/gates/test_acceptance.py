"""Acceptance criteria as gates: verdicts, bounds, margins, errors and per-group rules."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from aipo_widgets.analysis.evaluation import evaluate_classification, evaluate_review
from aipo_widgets.errors import AipoError, UsageError
from aipo_widgets.gates.acceptance import Criterion, check_acceptance, criterion_from


@pytest.fixture(scope="module")
def ev():
    # recall 0.75, precision 0.75 at 0.5
    return evaluate_classification(
        label=[1, 1, 1, 1, 0, 0, 0, 0],
        score=[0.9, 0.8, 0.7, 0.3, 0.6, 0.2, 0.1, 0.1],
        n_boot=0,
    )


@pytest.fixture(scope="module")
def ev_ci():
    rng = np.random.default_rng(0)
    y = (rng.random(800) < 0.3).astype(int)
    s = np.clip(rng.normal(0.35 + 0.35 * y, 0.2), 0, 1)
    return evaluate_classification(label=y, score=s, n_boot=500, seed=0)


def crit(**kw):
    base = {"id": "c", "metric": "recall", "operator": ">=", "value": 0.7}
    base.update(kw)
    return base


@pytest.mark.parametrize(
    "op, value, margin, verdict",
    [
        (">=", 0.75, None, "pass"),  # equality meets >=
        (">", 0.75, None, "fail"),  # but not >
        (">=", 0.8, None, "fail"),
        (">=", 0.7, 0.1, "warn"),  # passes by 0.05 < 0.1
        (">=", 0.7, 0.05, "pass"),  # passes by exactly the margin
        ("<=", 0.8, None, "pass"),
        ("<", 0.75, None, "fail"),
        ("<=", 0.8, 0.1, "warn"),
        ("==", 0.75, None, "pass"),
    ],
)
def test_verdicts(ev, op, value, margin, verdict):
    g = check_acceptance(ev, [crit(operator=op, value=value, warn_margin=margin)])[0]
    assert g.verdict == verdict
    assert g.figure == 0.75
    assert g.threshold.startswith(f"{op} {value:g}")
    assert g.source == "acceptance_criteria[0]"


def test_bounds_use_the_interval(ev_ci):
    mv = ev_ci.metrics["recall"]
    assert mv.ci_low < mv.value < mv.ci_high
    between = (mv.ci_low + mv.value) / 2
    est = check_acceptance(ev_ci, [crit(value=between)])[0]
    low = check_acceptance(ev_ci, [crit(value=between, bound="ci_low")])[0]
    assert est.verdict == "pass" and low.verdict == "fail"
    assert low.figure == pytest.approx(mv.ci_low)
    assert low.ci == mv.ci
    assert "lower confidence bound" in low.threshold
    high = check_acceptance(ev_ci, [crit(operator="<=", value=mv.ci_high + 0.01,
                                         bound="ci_high")])[0]
    assert high.verdict == "pass"
    json.dumps([g.to_dict() for g in (est, low, high)], allow_nan=False)


def test_unknown_metric_is_an_error_naming_the_criterion_and_alternatives(ev):
    with pytest.raises(AipoError) as e:
        check_acceptance(ev, [crit(id="halluc", metric="hallucination_rate")])
    text = str(e.value)
    assert "'halluc'" in text and "hallucination_rate" in text and "recall" in text
    assert e.value.problems[0].code == "unknown_metric"


def test_interval_bound_without_bootstrap_is_an_error(ev):
    with pytest.raises(AipoError, match="n_boot"):
        check_acceptance(ev, [crit(bound="ci_low")])


def test_all_problems_reported_at_once(ev):
    with pytest.raises(AipoError) as e:
        check_acceptance(ev, [crit(metric="a"), crit(metric="b")])
    assert len(e.value.problems) == 2


@pytest.mark.parametrize(
    "bad, match",
    [
        (crit(operator="=>"), "operator"),
        (crit(value="high"), "value"),
        (crit(bound="lower"), "bound"),
        (crit(warn_margin=-1), "warn_margin"),
        ({"id": "x", "operator": ">=", "value": 1}, "no metric"),
    ],
)
def test_invalid_criteria(ev, bad, match):
    with pytest.raises(UsageError, match=match):
        check_acceptance(ev, [bad])


def test_undefined_figure_fails_never_passes():
    ev = evaluate_classification(label=[0, 1, 0, 1], score=[0.1, 0.2, 0.3, 0.4], n_boot=0)
    g = check_acceptance(ev, [crit(metric="precision", operator="<=", value=1.0)])[0]
    assert g.verdict == "fail" and "undefined" in g.detail


def test_workspace_models_and_metric_tree_mapping(ev):
    spec = pytest.importorskip("aipo_widgets.model.schema")
    c = spec.AcceptanceCriterion(id="rec", metric="recall_node", operator=">=", value=0.7,
                                 description="Recall on the gold set")
    nodes = [spec.MetricNode(id="recall_node", name="Recall", eval_metric="recall")]
    g = check_acceptance(ev, [c], metric_map=nodes)[0]
    assert g.verdict == "pass" and g.name == "Recall on the gold set"
    assert check_acceptance(ev, [c], metric_map={"recall_node": "recall"})[0].verdict == "pass"
    with pytest.raises(AipoError, match="recall_node"):
        check_acceptance(ev, [c])


def test_several_evaluations_and_aliases(ev):
    rev = evaluate_review(label=["ok"] * 95 + ["hallucination"] * 5)
    gates = check_acceptance(
        [ev, rev],
        [crit(metric="tpr"), crit(id="h", metric="hallucination_rate", operator="<=", value=0.1)],
    )
    assert [g.verdict for g in gates] == ["pass", "pass"]
    assert gates[1].extra["metric"] == "label_share:hallucination"
    assert criterion_from(Criterion("a", "recall", ">=", 0.5)).id == "a"


def test_per_group_criteria():
    rng = np.random.default_rng(1)
    n = 900
    region = rng.choice(["north", "south", "east"], n, p=[0.49, 0.49, 0.02])
    y = (rng.random(n) < 0.4).astype(int)
    # the model is worse in the south
    noise = np.where(region == "south", 0.35, 0.15)
    s = np.clip(0.3 + 0.4 * y + rng.normal(0, noise), 0, 1)
    df = pd.DataFrame({"y": y, "s": s, "region": region})
    ev = evaluate_classification(df, label="y", score="s", groups=["region"], n_boot=0)
    gm = ev.by_group["region"]
    south = gm.by_group.loc["south", "recall"]
    north = gm.by_group.loc["north", "recall"]
    assert south < north
    g = check_acceptance(ev, [crit(value=(south + north) / 2, group="region")])[0]
    assert g.verdict == "fail" and "worst group south" in g.detail
    assert "east" in g.detail  # too small to judge, but named
    g2 = check_acceptance(ev, [crit(value=0.1, group="region")])[0]
    assert g2.verdict == "warn"  # every ranked group passes, one group could not be judged
    with pytest.raises(AipoError, match="per-group report"):
        check_acceptance(ev, [crit(group="channel")])
