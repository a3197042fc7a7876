"""Per-group metrics against fairlearn's MetricFrame and hand-computed values."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from fairlearn.metrics import MetricFrame, selection_rate
from sklearn import metrics as skm
from statsmodels.stats.proportion import proportion_confint

from aipo_widgets.analysis.fairness import group_metrics
from aipo_widgets.errors import DataError, UsageError


def _frame(n=3000, seed=0, groups=("a", "b", "c", "d")):
    rng = np.random.default_rng(seed)
    g = rng.choice(list(groups), n)
    h = rng.choice(["x", "y"], n)
    y = (rng.random(n) < np.where(g == "a", 0.2, 0.4)).astype(int)
    s = np.clip(rng.normal(0.35 + 0.3 * y + 0.05 * (g == "b"), 0.2), 0, 1).round(2)
    return pd.DataFrame({"y": y, "s": s, "p": (s >= 0.5).astype(int), "g": g, "h": h})


SK = {
    "recall": skm.recall_score,
    "precision": skm.precision_score,
    "accuracy": skm.accuracy_score,
    "f1": skm.f1_score,
    "selection_rate": selection_rate,
}


@pytest.mark.parametrize("sens", [["g"], ["g", "h"]])
def test_count_metrics_match_metricframe(sens):
    df = _frame()
    gm = group_metrics(df, label="y", prediction="p", groups=sens if len(sens) > 1 else sens[0],
                       metrics=list(SK), min_group_size=0)
    mf = MetricFrame(metrics=SK, y_true=df.y, y_pred=df.p,
                     sensitive_features=df[sens] if len(sens) > 1 else df[sens[0]])
    pd.testing.assert_frame_equal(gm.by_group, mf.by_group[list(SK)], check_names=False,
                                  check_index_type=False, check_dtype=False)
    pd.testing.assert_series_equal(gm.overall, mf.overall[list(SK)], check_names=False,
                                   check_dtype=False)
    pd.testing.assert_series_equal(gm.difference(), mf.difference(method="between_groups"),
                                   check_names=False, check_dtype=False)
    pd.testing.assert_series_equal(gm.ratio(), mf.ratio(), check_names=False, check_dtype=False)
    pd.testing.assert_series_equal(gm.group_min(), mf.group_min(), check_names=False,
                                   check_dtype=False)
    if len(sens) > 1:
        assert list(gm.by_group.index.names) == sens


def test_score_metrics_match_metricframe():
    df = _frame(seed=1)
    sk = {"roc_auc": skm.roc_auc_score, "pr_auc": skm.average_precision_score,
          "brier": skm.brier_score_loss}
    gm = group_metrics(df, label="y", score="s", groups="g", metrics=list(sk), min_group_size=1)
    mf = MetricFrame(metrics=sk, y_true=df.y, y_pred=df.s, sensitive_features=df.g)
    np.testing.assert_allclose(gm.by_group.to_numpy(), mf.by_group[list(sk)].to_numpy(),
                               rtol=1e-12)
    np.testing.assert_allclose(gm.overall.to_numpy(), mf.overall[list(sk)].to_numpy(), rtol=1e-12)
    np.testing.assert_allclose(gm.difference().to_numpy(), mf.difference().to_numpy(), atol=1e-12)


def test_regression_matches_metricframe():
    df = _frame(seed=2)
    df["t"] = df.s * 10 + 1
    df["e"] = df.t + np.random.default_rng(0).normal(0, 1, len(df))
    gm = group_metrics(df, label="t", prediction="e", groups="g", metrics=["mae"],
                       task="regression", min_group_size=1)
    mf = MetricFrame(metrics={"mae": skm.mean_absolute_error}, y_true=df.t, y_pred=df.e,
                     sensitive_features=df.g)
    np.testing.assert_allclose(gm.by_group["mae"], mf.by_group["mae"], rtol=1e-12)


def test_small_groups_are_flagged_not_ranked():
    df = _frame(n=2000, seed=3)
    df.loc[:4, "g"] = "tiny"  # five rows
    df.loc[5, "g"] = "one"  # one row
    gm = group_metrics(df, label="y", prediction="p", groups="g", metrics=["recall", "accuracy"],
                       min_group_size=30, n_boot=200, seed=0)
    assert set(gm.insufficient) == {"tiny", "one"}
    assert gm.sizes["one"] == 1
    ranked = gm.by_group.drop(index=["tiny", "one"])
    assert gm.difference()["accuracy"] == pytest.approx(
        ranked["accuracy"].max() - ranked["accuracy"].min()
    )
    assert "one" in gm.by_group.index  # shown, with its value
    gates = gm.gates(max_difference=0.5)
    assert gates[-1].name == "groups with insufficient n" and gates[-1].verdict == "warn"
    assert gm.table().loc["one", "insufficient_n"]


def test_gates_on_difference_and_ratio():
    df = _frame(seed=4)
    gm = group_metrics(df, label="y", prediction="p", groups="g",
                       metrics=["selection_rate", "recall"], n_boot=200)
    d, r = gm.difference(), gm.ratio()
    gates = gm.gates(max_difference={"recall": d["recall"] + 0.01},
                     min_ratio=r["selection_rate"] + 0.01, metrics=["selection_rate", "recall"])
    by = {g.name: g for g in gates}
    assert by["recall difference between groups"].verdict == "pass"
    assert by["selection_rate ratio between groups"].verdict == "fail"
    ci = by["recall difference between groups"].ci
    assert ci is not None and ci[0] <= d["recall"] + 0.05
    with pytest.raises(UsageError, match="not in this report"):
        gm.gates(max_difference=0.1, metrics=["roc_auc"])
    json.dumps(gm.to_dict(), allow_nan=False)


def test_bootstrap_intervals_agree_with_metricframe_bootstrap():
    df = _frame(n=1500, seed=5, groups=("a", "b"))
    gm = group_metrics(df, label="y", prediction="p", groups="g", metrics=["recall"],
                       n_boot=400, seed=0, stratify=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        mf = MetricFrame(metrics={"recall": skm.recall_score}, y_true=df.y, y_pred=df.p,
                         sensitive_features=df.g, n_boot=100, ci_quantiles=[0.025, 0.975],
                         random_state=0)
    lo_f, hi_f = mf.by_group_ci
    np.testing.assert_allclose(gm.ci_low["recall"], lo_f["recall"], atol=0.03)
    np.testing.assert_allclose(gm.ci_high["recall"], hi_f["recall"], atol=0.03)
    assert (gm.ci_low["recall"] <= gm.by_group["recall"]).all()
    assert (gm.by_group["recall"] <= gm.ci_high["recall"]).all()
    assert gm.overall_ci.loc["recall", "ci_low"] <= gm.overall["recall"]


def test_bootstrap_is_deterministic_and_stratified_by_group():
    df = _frame(n=800, seed=6)
    kw = dict(label="y", score="s", groups="g", metrics=["roc_auc", "recall"], n_boot=100)
    a = group_metrics(df, seed=3, **kw)
    b = group_metrics(df, seed=3, **kw)
    pd.testing.assert_frame_equal(a.ci_low, b.ci_low)
    assert "stratified by group and class" in a.ci_method


def test_review_shares_per_group_with_wilson():
    df = pd.DataFrame({"review": ["ok"] * 40 + ["hallucination"] * 10 + ["ok"] * 45
                       + ["hallucination"] * 5, "team": ["a"] * 50 + ["b"] * 50})
    gm = group_metrics(df, label="review", groups="team", metrics=["hallucination_rate"])
    assert gm.by_group["label_share:hallucination"].tolist() == [0.2, 0.1]
    lo, hi = proportion_confint(10, 50, method="wilson")
    assert gm.ci_low.loc["a", "label_share:hallucination"] == pytest.approx(lo)
    assert gm.ci_high.loc["a", "label_share:hallucination"] == pytest.approx(hi)
    assert gm.difference()["label_share:hallucination"] == pytest.approx(0.1)
    assert gm.ci_method == "wilson"


def test_fewer_than_two_ranked_groups_gives_nan_difference_and_failing_gate():
    df = _frame(n=200, seed=7)
    gm = group_metrics(df, label="y", prediction="p", groups="g", metrics=["recall"],
                       min_group_size=1000)
    assert np.isnan(gm.difference()["recall"])
    assert any("fewer than two groups" in n for n in gm.notes)
    gate = gm.gates(max_difference=0.1)[0]
    assert gate.verdict == "fail"


def test_bad_group_input():
    df = _frame(n=100, seed=8)
    with pytest.raises(DataError, match=r"'g' has 1 missing.*fillna"):
        group_metrics(df.assign(g=df.g.where(df.index != 3)), label="y", prediction="p",
                      groups="g")
    with pytest.raises(DataError, match="'region'"):
        group_metrics(df, label="y", prediction="p", groups="region")
    with pytest.raises(DataError, match="has 3 values"):
        group_metrics(label=df.y, prediction=df.p, groups=["a", "b", "c"])
    with pytest.raises(UsageError, match="groups is empty"):
        group_metrics(df, label="y", prediction="p", groups=[])
    with pytest.raises(UsageError, match="min_group_size"):
        group_metrics(df, label="y", prediction="p", groups="g", min_group_size=-1)
    with pytest.raises(UsageError, match="probability scores"):
        group_metrics(df, label="y", prediction="p", groups="g", metrics=["roc_auc"])
    with pytest.raises(DataError, match="only one class"):
        group_metrics(df.assign(y=1), label="y", prediction="p", groups="g")


def test_review_labels_per_intersection_get_wilson_intervals() -> None:
    # Review labels (generated output) per group and per intersection of two group columns.
    import pandas as pd

    from aipo_widgets.analysis.fairness import group_metrics

    frame = pd.DataFrame({
        "label": ["ok"] * 90 + ["bad"] * 10 + ["ok"] * 80 + ["bad"] * 20,
        "lang": ["de"] * 100 + ["en"] * 100,
        "channel": (["mail", "chat"] * 100),
    })
    gm = group_metrics(frame, groups=["lang", "channel"], label="label", min_group_size=10)
    table = gm.table()
    assert len(table) == 4
    bad = gm.by_group["label_share:bad"]
    assert set(round(v, 2) for v in bad) == {0.1, 0.2}
    lo, hi = gm.ci_low["label_share:bad"], gm.ci_high["label_share:bad"]
    assert ((lo <= bad) & (bad <= hi)).all()
