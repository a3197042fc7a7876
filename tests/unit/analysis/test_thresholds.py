"""Cost-optimal thresholds: exact equality with brute force, floors, curves, Elkan's p*."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from sklearn.metrics import confusion_matrix, precision_recall_curve

from aipo_widgets.analysis.threshold_curves import (
    cost_curve,
    threshold_for_precision,
    threshold_for_recall,
)
from aipo_widgets.analysis.thresholds import (
    Costs,
    elkan_threshold,
    expected_cost,
    optimal_threshold,
)
from aipo_widgets.errors import DataError, UsageError


def brute_force(y, s, c_fn, c_fp, c_tp=0.0, c_tn=0.0, review=0.0):
    """Every distinct score and +inf; least cost, ties to the highest threshold."""
    y = np.asarray(y, bool)
    s = np.asarray(s, float)
    best = None
    for t in [*np.unique(s).tolist(), math.inf]:
        flag = s >= t
        tp = float(np.sum(flag & y))
        fp = float(np.sum(flag & ~y))
        fn = float(np.sum(~flag & y))
        tn = float(np.sum(~flag & ~y))
        # the same expression, in the same order, as Costs.total
        cost = c_tp * tp + c_fp * fp + c_fn * fn + c_tn * tn + review * (tp + fp)
        if best is None or cost < best[0] or (cost == best[0] and t > best[1]):
            best = (cost, t, {"tn": int(tn), "fp": int(fp), "fn": int(fn), "tp": int(tp)})
    return best


cost_value = st.floats(-50, 50, allow_nan=False, allow_infinity=False).map(lambda v: round(v, 2))


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(st.tuples(st.booleans(), st.integers(0, 12)), min_size=2, max_size=60),
    c_fn=cost_value,
    c_fp=cost_value,
    c_tp=cost_value,
    c_tn=cost_value,
    review=st.floats(0, 10).map(lambda v: round(v, 2)),
    scale=st.sampled_from([1.0, 0.1, 1 / 3]),
)
def test_optimum_equals_brute_force_exactly(data, c_fn, c_fp, c_tp, c_tn, review, scale):
    y = np.array([d[0] for d in data])
    s = np.array([d[1] for d in data]) * scale  # few distinct values: many ties
    assume(y.any() and (~y).any())
    r = optimal_threshold(y, s, c_fn=c_fn, c_fp=c_fp, c_tp=c_tp, c_tn=c_tn, review_cost=review)
    cost, t, conf = brute_force(y, s, c_fn, c_fp, c_tp, c_tn, review)
    assert r.threshold == t
    assert r.total_cost == cost
    assert r.confusion == conf


@settings(max_examples=100, deadline=None)
@given(
    data=st.lists(st.tuples(st.booleans(), st.integers(0, 8)), min_size=2, max_size=40),
    c_fn=cost_value,
    c_fp=cost_value,
)
def test_curve_minimum_is_the_optimum(data, c_fn, c_fp):
    y = np.array([d[0] for d in data])
    s = np.array([d[1] for d in data]) / 8
    assume(y.any() and (~y).any())
    cc = cost_curve(y, s, c_fn=c_fn, c_fp=c_fp)
    r = optimal_threshold(y, s, c_fn=c_fn, c_fp=c_fp)
    assert cc.thresholds[cc.optimum] == r.threshold
    assert cc.cost[cc.optimum] == r.total_cost
    assert cc.thresholds[-1] == math.inf and len(cc.thresholds) == len(np.unique(s)) + 1


def test_large_random_case_equals_brute_force_with_chunks():
    # more distinct scores than one chunk of the streaming pass would hold at a small chunk size
    rng = np.random.default_rng(0)
    y = rng.random(3000) < 0.1
    s = np.round(rng.normal(0.3 + 0.3 * y, 0.2), 3)
    import aipo_widgets.analysis.thresholds as th

    srt = th._Sorted(y, s)
    chunks = list(srt.distinct(chunk=97))
    assert len(chunks) > 10
    r = optimal_threshold(y, s, c_fn=17.5, c_fp=1.25, review_cost=0.4)
    cost, t, conf = brute_force(y, s, 17.5, 1.25, review=0.4)
    assert (r.threshold, r.total_cost, r.confusion) == (t, cost, conf)


def test_confusion_matches_sklearn_and_result_is_complete():
    rng = np.random.default_rng(1)
    y = (rng.random(2000) < 0.05).astype(int)
    s = np.clip(rng.normal(0.2 + 0.5 * y, 0.15), 0, 1)
    r = optimal_threshold(y, s, c_fn=100, c_fp=5, review_cost=2, volume_per_period=50_000)
    tn, fp, fn, tp = confusion_matrix(y, s >= r.threshold).ravel()
    assert r.confusion == {"tn": tn, "fp": fp, "fn": fn, "tp": tp}
    assert r.matrix == [[tn, fp], [fn, tp]]
    assert r.cost_per_item == pytest.approx(r.total_cost / 2000)
    assert r.cost_per_period == pytest.approx(r.cost_per_item * 50_000)
    assert r.p_star == pytest.approx(7 / (7 + 100 - 2))
    # p* is never cheaper on the same data than the empirical optimum
    assert r.at_p_star["total_cost"] >= r.total_cost
    assert r.baselines["flag_nothing"] == 100 * y.sum()
    assert r.savings_per_period["flag_nothing"] > 0
    json.dumps(r.to_dict(), allow_nan=False)


def test_flag_nothing_when_alarms_are_too_expensive():
    r = optimal_threshold([1, 0, 1, 0], [0.1, 0.2, 0.3, 0.4], c_fn=1, c_fp=100)
    assert math.isinf(r.threshold) and r.confusion["tp"] == 0
    assert r.to_dict()["threshold"] is None and r.to_dict()["flags_nothing"]
    assert any("flagging nothing" in n for n in r.notes)


def test_benefits_as_negative_costs():
    # catching a positive saves 40, reviewing costs 3 per flagged item
    y = [0, 0, 0, 1, 0, 1, 1]
    s = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.9]
    r = optimal_threshold(y, s, c_fn=0, c_fp=0, c_tp=-40, review_cost=3)
    cost, t, _ = brute_force(y, s, 0, 0, -40, 0, 3)
    assert r.threshold == t == 0.4 and r.total_cost == cost == -120 + 3 * 4


@pytest.mark.parametrize(
    "costs, expected",
    [
        (dict(c_fn=5, c_fp=1), 1 / 6),
        (dict(c_fn=1, c_fp=1), 0.5),
        (dict(c_fn=10, c_fp=2, c_tp=1, c_tn=0.5), (2 - 0.5) / (2 - 0.5 + 10 - 1)),
        (dict(c_fn=10, c_fp=1, review_cost=1), 2 / 11),
        (dict(c_fn=5, c_fp=0), 0.0),
        (dict(c_fn=0, c_fp=1), 1.0),
        (dict(c_fn=0, c_fp=0), None),
    ],
)
def test_elkan(costs, expected):
    p = elkan_threshold(**costs)
    assert p == (None if expected is None else pytest.approx(expected))


def _pr_data(seed=2, n=500):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < 0.3).astype(int)
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1).round(2)
    return y, s


@pytest.mark.parametrize("floor", [0.5, 0.7, 0.85])
def test_precision_floor_against_sklearn_curve(floor):
    y, s = _pr_data()
    prec, rec, thr = precision_recall_curve(y, s)
    prec, rec = prec[:-1], rec[:-1]
    ok = prec >= floor
    best_rec = rec[ok].max()
    t_expected = thr[ok & (rec == best_rec)].max()
    op = threshold_for_precision(y, s, floor)
    assert op.feasible and op.threshold == t_expected
    assert op.recall == pytest.approx(best_rec) and op.precision >= floor


@pytest.mark.parametrize("floor", [0.5, 0.8, 0.95])
def test_recall_floor_against_sklearn_curve(floor):
    y, s = _pr_data(seed=3)
    prec, rec, thr = precision_recall_curve(y, s)
    prec, rec = prec[:-1], rec[:-1]
    ok = rec >= floor
    best_prec = prec[ok].max()
    t_expected = thr[ok & (prec == best_prec)].max()
    op = threshold_for_recall(y, s, floor)
    assert op.threshold == t_expected and op.precision == pytest.approx(best_prec)
    json.dumps(op.to_dict(), allow_nan=False)


def test_infeasible_floor_is_reported_not_raised():
    y, s = _pr_data(seed=4)
    op = threshold_for_precision(y, s, 1.0)
    if not op.feasible:
        assert op.threshold is None and op.best_possible < 1.0
    op = threshold_for_precision([0, 1, 0, 1], [0.9, 0.1, 0.8, 0.2], 0.9)
    assert not op.feasible and op.best_possible == 0.5


def test_cost_curve_downsampling_keeps_the_optimum():
    y, s = _pr_data(seed=5, n=5000)
    s = s + np.random.default_rng(0).normal(0, 1e-3, len(s))  # mostly distinct
    full = cost_curve(y, s, c_fn=9, c_fp=1)
    small = cost_curve(y, s, c_fn=9, c_fp=1, k=50)
    assert small.downsampled_from == len(full.thresholds)
    assert len(small.thresholds) <= 51
    assert small.thresholds[small.optimum] == full.thresholds[full.optimum]
    assert small.cost.min() == full.cost.min()
    assert small.thresholds[0] == full.thresholds[0] and math.isinf(small.thresholds[-1])
    f = small.frame()
    assert list(f.columns[:3]) == ["threshold", "tp", "fp"]
    json.dumps(small.to_dict(), allow_nan=False)


def test_expected_cost_and_columns_of_a_frame():
    out = expected_cost({"tn": 80, "fp": 10, "fn": 2, "tp": 8}, c_fn=50, c_fp=5, c_tp=-10)
    assert out == {"total": 70.0, "per_item": 0.7}
    df = pd.DataFrame({"y": ["fail", "ok", "ok", "fail"], "p": [0.8, 0.3, 0.6, 0.4]})
    r = optimal_threshold("y", "p", data=df, pos_label="fail", c_fn=10, c_fp=1)
    assert r.threshold == 0.4


@pytest.mark.parametrize(
    "args, kwargs, err, match",
    [
        (([0, 1], [0.1]), {}, DataError, "different lengths"),
        (([0, 0, 0], [0.1, 0.2, 0.3]), {}, DataError, "only one class"),
        (([0, 1, None], [0.1, 0.2, 0.3]), {}, DataError, "missing"),
        (([0, 1, 1], ["a", "b", "c"]), {}, DataError, "must be numeric"),
        (([0, 1, 1], [0.1, np.nan, 0.3]), {}, DataError, "missing"),
        (([0, 1, 1], [0.1, np.inf, 0.3]), {}, DataError, "infinite"),
        (([], []), {}, DataError, "empty"),
        ((["a", "b"], [0.1, 0.2]), {}, UsageError, "pos_label"),
        (([0, 1], [0.1, 0.2]), {"c_fn": "10"}, UsageError, "c_fn must be a number"),
        (([0, 1], [0.1, 0.2]), {"c_fp": math.inf}, UsageError, "c_fp must be a finite"),
        (([0, 1], [0.1, 0.2]), {"volume_per_period": -5}, UsageError, "volume_per_period"),
        (("y", "s"), {}, UsageError, "no data frame"),
    ],
)
def test_bad_input(args, kwargs, err, match):
    kw = {"c_fn": 5, "c_fp": 1, **kwargs}
    with pytest.raises(err, match=match):
        optimal_threshold(*args, **kw)


def test_bad_floors_and_k():
    with pytest.raises(UsageError, match="share, not a percentage"):
        threshold_for_precision([0, 1], [0.1, 0.2], 80)
    with pytest.raises(UsageError, match="k must be"):
        cost_curve([0, 1], [0.1, 0.2], c_fn=1, c_fp=1, k=1)
    with pytest.raises(UsageError, match="confusion"):
        expected_cost({"tp": 1}, c_fn=1, c_fp=1)
    with pytest.raises(UsageError):
        Costs(c_fn=True, c_fp=1)


# ------------------------------------------------------------------------------------------------
# caught is not prevented (issue 13, finding 5)


def test_a_caught_positive_that_is_not_prevented_still_costs_a_miss():
    # Hand-computed: 2 positives scoring 0.8 and 0.6, 3 negatives scoring 0.7, 0.5, 0.1.
    # A miss costs 100, a caught positive 20 when prevented, an inspection 5 per flag.
    y, s = [1, 0, 1, 0, 0], [0.8, 0.7, 0.6, 0.5, 0.1]
    # Every catch prevented: flag >= 0.6 (2 tp, 1 fp): 2*20 + 3*5 = 55 < flag 0.8: 20+100+5.
    full = optimal_threshold(y, s, c_fn=100, c_fp=0, c_tp=20, review_cost=5)
    assert (full.threshold, full.total_cost) == (0.6, 55.0)
    # A quarter prevented: a catch costs 0.25*20 + 0.75*100 = 80 plus the inspection, so
    # catching saves 15 each; flagging 0.6 costs 2*85 + 5 = 175, flagging 0.8: 85 + 100 = 185,
    # flagging nothing 200.
    part = optimal_threshold(y, s, c_fn=100, c_fp=0, c_tp=20, review_cost=5,
                             prevented_share=0.25)
    assert (part.threshold, part.total_cost) == (0.6, 175.0)
    assert part.costs.caught == 80.0
    assert any("25% of the caught positives" in n for n in part.notes)
    # A tenth prevented and a false alarm costing 10 more: a catch costs 92 + 5 = 97, so
    # flagging 0.6 costs 2*97 + 15 = 209, flagging 0.8 only 97 + 100 = 197, nothing 200.
    tenth = optimal_threshold(y, s, c_fn=100, c_fp=10, c_tp=20, review_cost=5,
                              prevented_share=0.1)
    assert (tenth.threshold, tenth.total_cost) == (0.8, 197.0)
    assert expected_cost(part.confusion, c_fn=100, c_fp=0, c_tp=20, review_cost=5,
                         prevented_share=0.25)["total"] == 175.0


@settings(max_examples=150, deadline=None)
@given(
    data=st.lists(st.tuples(st.booleans(), st.integers(0, 12)), min_size=2, max_size=60),
    c_fn=cost_value,
    c_fp=cost_value,
    c_tp=cost_value,
    share=st.sampled_from([0.0, 0.25, 0.5, 0.8, 1.0]),
)
def test_prevented_share_is_a_mix_of_catch_and_miss(data, c_fn, c_fp, c_tp, share):
    y = np.array([d[0] for d in data])
    s = np.array([d[1] for d in data], dtype=float)
    assume(y.any() and (~y).any())
    r = optimal_threshold(y, s, c_fn=c_fn, c_fp=c_fp, c_tp=c_tp, prevented_share=share)
    caught = share * c_tp + (1 - share) * c_fn
    cost, _, _ = brute_force(y, s, c_fn, c_fp, caught)
    assert r.total_cost == pytest.approx(cost, abs=1e-9)
    curve = cost_curve(y, s, c_fn=c_fn, c_fp=c_fp, c_tp=c_tp, prevented_share=share)
    assert curve.cost.min() == pytest.approx(cost, abs=1e-9)
    # Elkan's p* uses the same caught cost
    assert elkan_threshold(c_fn, c_fp, c_tp, prevented_share=share) == elkan_threshold(
        c_fn, c_fp, caught)


@pytest.mark.parametrize("share", [-0.1, 1.5, "half", True])
def test_prevented_share_must_be_a_share(share):
    with pytest.raises(UsageError, match="prevented_share must be a share between 0 and 1"):
        Costs(c_fn=1, c_fp=1, prevented_share=share)


# ------------------------------------------------------------------------------------------------
# an enriched gold set, reweighted to the production prevalence (issue 13, finding 6)


def _sample(n_pos: int, n_neg: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = np.r_[np.ones(n_pos, bool), np.zeros(n_neg, bool)]
    s = np.clip(rng.normal(np.where(y, 0.6, 0.3), 0.15), 0, 1).round(3)
    return y, s


def test_an_enriched_gold_set_reweighted_finds_the_production_optimum():
    # Production: 2 % positives. The enriched gold set keeps every positive of a production
    # sample and one negative in ten (about 17 % positives).
    y, s = _sample(400, 19_600, seed=3)
    keep = y | (np.arange(len(y)) % 10 == 0)
    costs = dict(c_fn=50.0, c_fp=5.0, review_cost=1.0)
    truth = optimal_threshold(y, s, **costs)
    naive = optimal_threshold(y[keep], s[keep], **costs)
    fixed = optimal_threshold(y[keep], s[keep], **costs, prevalence=0.02)

    def cost_in_production(t: float) -> float:
        flag = s >= t
        conf = {"tp": int((flag & y).sum()), "fp": int((flag & ~y).sum()),
                "fn": int((~flag & y).sum()), "tn": int((~flag & ~y).sum())}
        return expected_cost(conf, **costs)["per_item"]

    # the enriched mix flags far too much: more than twice the optimal cost in production
    assert naive.threshold < truth.threshold
    assert cost_in_production(naive.threshold) > 2 * truth.cost_per_item
    # reweighted, the threshold chosen on the gold set costs within 5 % of the optimum
    assert cost_in_production(fixed.threshold) < 1.05 * truth.cost_per_item
    assert fixed.precision == pytest.approx(truth.precision, abs=0.03)
    assert fixed.raw_precision is not None and fixed.raw_precision > 2 * fixed.precision
    assert fixed.cost_per_item == pytest.approx(truth.cost_per_item, rel=0.1)
    assert any("reweighted to the production prevalence 0.02" in n for n in fixed.notes)
    # the curve and the precision floor use the same weights
    curve = cost_curve(y[keep], s[keep], **costs, prevalence=0.02)
    assert curve.thresholds[curve.optimum] == fixed.threshold
    op = threshold_for_precision(y[keep], s[keep], 0.5, prevalence=0.02)
    assert op.threshold == threshold_for_precision(y, s, 0.5).threshold
    assert threshold_for_precision(y[keep], s[keep], 0.5).threshold < op.threshold
    conf = fixed.confusion
    assert expected_cost(conf, **costs, prevalence=0.02)["total"] == pytest.approx(
        fixed.total_cost)


def test_reweighting_to_the_data_own_prevalence_changes_nothing():
    y, s = _sample(30, 170, seed=5)
    a = optimal_threshold(y, s, c_fn=20, c_fp=1)
    b = optimal_threshold(y, s, c_fn=20, c_fp=1, prevalence=30 / 200)
    assert (a.threshold, a.confusion) == (b.threshold, b.confusion)
    assert b.total_cost == pytest.approx(a.total_cost) and b.precision == pytest.approx(
        a.precision)


@pytest.mark.parametrize("bad", [0, 1, 1.4, "1 %"])
def test_prevalence_must_be_a_share_strictly_inside(bad):
    with pytest.raises(UsageError, match="prevalence must be"):
        optimal_threshold([0, 1], [0.1, 0.9], c_fn=1, c_fp=1, prevalence=bad)
