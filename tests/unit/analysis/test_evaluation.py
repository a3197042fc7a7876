"""Gold-set evaluation against scikit-learn, statsmodels and hand-computed values."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn import metrics as skm
from statsmodels.stats.proportion import proportion_confint

from aipo_widgets.analysis._bootstrap import Binary, wilson_interval
from aipo_widgets.analysis._checks import factorize_groups, one_group
from aipo_widgets.analysis.evaluation import (
    evaluate,
    evaluate_classification,
    evaluate_regression,
    evaluate_review,
)
from aipo_widgets.analysis.gold_set import check_gold_set
from aipo_widgets.errors import AipoError, DataError, UsageError


def _data(n=600, seed=0, prevalence=0.3, decimals=2):
    rng = np.random.default_rng(seed)
    y = (rng.random(n) < prevalence).astype(int)
    s = np.clip(rng.normal(0.35 + 0.3 * y, 0.2), 0, 1).round(decimals)  # many ties
    return y, s


# ------------------------------------------------------------------------------------------------
# classification metrics against scikit-learn


@pytest.mark.parametrize("threshold", [0.2, 0.5, 0.63])
@pytest.mark.parametrize("seed", [0, 1])
def test_classification_metrics_match_sklearn(threshold, seed):
    y, s = _data(seed=seed)
    ev = evaluate_classification(label=y, score=s, threshold=threshold, n_boot=0)
    p = (s >= threshold).astype(int)
    m = {k: v.value for k, v in ev.metrics.items()}
    assert m["precision"] == pytest.approx(skm.precision_score(y, p))
    assert m["recall"] == pytest.approx(skm.recall_score(y, p))
    assert m["f1"] == pytest.approx(skm.f1_score(y, p))
    assert m["accuracy"] == pytest.approx(skm.accuracy_score(y, p))
    assert m["specificity"] == pytest.approx(skm.recall_score(y, p, pos_label=0))
    assert m["balanced_accuracy"] == pytest.approx(skm.balanced_accuracy_score(y, p))
    assert m["roc_auc"] == pytest.approx(skm.roc_auc_score(y, s), abs=1e-12)
    assert m["pr_auc"] == pytest.approx(skm.average_precision_score(y, s), abs=1e-12)
    assert m["brier"] == pytest.approx(skm.brier_score_loss(y, s))
    tn, fp, fn, tp = skm.confusion_matrix(y, p).ravel()
    assert ev.confusion == {"tn": tn, "fp": fp, "fn": fn, "tp": tp}
    assert m["false_positive_rate"] == pytest.approx(fp / (fp + tn))
    assert m["false_negative_rate"] == pytest.approx(fn / (fn + tp))
    assert m["selection_rate"] == pytest.approx(p.mean())
    assert m["prevalence"] == pytest.approx(y.mean())
    assert ev.metrics["recall"].n == y.sum()
    assert ev.metrics["precision"].n == p.sum()


def test_string_labels_need_pos_label_and_then_match_sklearn():
    y, s = _data(seed=3)
    labels = np.where(y == 1, "fraud", "ok")
    with pytest.raises(UsageError, match="pos_label"):
        evaluate_classification(label=labels, score=s, n_boot=0)
    ev = evaluate_classification(label=labels, score=s, pos_label="fraud", n_boot=0)
    assert ev.metrics["roc_auc"].value == pytest.approx(skm.roc_auc_score(y, s))
    with pytest.raises(UsageError, match="not a class"):
        evaluate_classification(label=labels, score=s, pos_label="spam", n_boot=0)


def test_boolean_labels_and_hard_predictions():
    y, s = _data(seed=4)
    p = s >= 0.5
    df = pd.DataFrame({"y": y.astype(bool), "pred": p})
    ev = evaluate_classification(df, label="y", prediction="pred", n_boot=0)
    assert ev.threshold is None
    assert "roc_auc" not in ev.metrics
    assert ev.metrics["recall"].value == pytest.approx(skm.recall_score(y, p))
    # predictions in the label's own classes
    lab = np.where(y == 1, "yes", "no")
    pr = np.where(p, "yes", "no")
    ev2 = evaluate_classification(label=lab, prediction=pr, pos_label="yes", n_boot=0)
    assert ev2.confusion == ev.confusion
    with pytest.raises(UsageError, match="cannot be computed"):
        evaluate_classification(df, label="y", prediction="pred", metrics=["roc_auc"], n_boot=0)


def test_undefined_precision_is_nan_with_a_note():
    ev = evaluate_classification(label=[0, 1, 0, 1], score=[0.1, 0.2, 0.3, 0.4], n_boot=0)
    assert np.isnan(ev.metrics["precision"].value)
    assert any("precision is undefined" in n for n in ev.notes)


def test_brier_skipped_for_scores_outside_unit_interval():
    y, s = _data(seed=5)
    ev = evaluate_classification(label=y, score=s * 10 - 3, threshold=0, n_boot=0)
    assert "brier" not in ev.metrics and "roc_auc" in ev.metrics
    assert any("brier" in n for n in ev.notes)


# ------------------------------------------------------------------------------------------------
# the bootstrap: per-resample statistics equal scikit-learn on the resampled rows


@pytest.mark.parametrize("with_groups", [False, True])
def test_kernel_on_resampled_counts_equals_sklearn_on_resampled_rows(with_groups):
    y, s = _data(n=300, seed=7, decimals=1)
    g = np.random.default_rng(1).integers(0, 3, len(y))
    grp = factorize_groups(None, g, len(y)) if with_groups else one_group(len(y))
    yb = y.astype(bool)
    names = ["precision", "roc_auc", "pr_auc", "brier"]
    k = Binary(yb, grp, score=s, pred=s >= 0.5, metrics=names)
    rng = np.random.default_rng(0)
    for _ in range(5):
        idx = rng.integers(0, len(y), len(y))
        counts = np.bincount(k.cells[idx], minlength=k.ncell)[None, :]
        out = k.compute(counts)
        for gi in range(grp.size):
            sel = idx[grp.codes[idx] == gi]
            yy, ss = y[sel], s[sel]
            assert out["roc_auc"][0, gi] == pytest.approx(skm.roc_auc_score(yy, ss), abs=1e-12)
            assert out["pr_auc"][0, gi] == pytest.approx(
                skm.average_precision_score(yy, ss), abs=1e-12
            )
            assert out["brier"][0, gi] == pytest.approx(skm.brier_score_loss(yy, ss))
            assert out["precision"][0, gi] == pytest.approx(
                skm.precision_score(yy, ss >= 0.5)
            )


def test_stratified_resamples_keep_class_counts_and_paths_agree():
    y, s = _data(n=2000, seed=8)
    yb = y.astype(bool)
    # many cells: row resampling; hard predictions: few cells, multinomial draws
    for score in (s, None):
        k = Binary(yb, one_group(len(y)), score=score, pred=s >= 0.5,
                    metrics=["recall", "roc_auc"] if score is not None else ["recall"])
        draws = np.concatenate(list(k.draws(np.random.default_rng(0), 300, k.strata("class"))))
        assert draws.shape == (300, k.ncell)
        assert (draws[:, k.K :].sum(axis=1) == yb.sum()).all()
        assert (draws[:, : k.K].sum(axis=1) == (~yb).sum()).all()
        # every resample is unbiased for the cell counts
        np.testing.assert_allclose(draws.mean(axis=0), k.counts, atol=4 * np.sqrt(k.counts.max()))


def test_bootstrap_interval_matches_a_plain_loop_bootstrap():
    y, s = _data(n=1500, seed=9)
    ev = evaluate_classification(label=y, score=s, n_boot=1000, seed=1, stratify=False,
                                 metrics=["recall", "roc_auc"])
    rng = np.random.default_rng(123)
    rec, auc = [], []
    for _ in range(1000):
        i = rng.integers(0, len(y), len(y))
        rec.append(skm.recall_score(y[i], s[i] >= 0.5))
        auc.append(skm.roc_auc_score(y[i], s[i]))
    for name, vals in (("recall", rec), ("roc_auc", auc)):
        lo, hi = np.quantile(vals, [0.025, 0.975])
        mv = ev.metrics[name]
        assert mv.ci_low == pytest.approx(lo, abs=0.015)
        assert mv.ci_high == pytest.approx(hi, abs=0.015)
        assert mv.ci_low <= mv.value <= mv.ci_high


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**31 - 1), n=st.integers(30, 200), boot_seed=st.integers(0, 1000))
def test_bootstrap_is_deterministic_by_seed(seed, n, boot_seed):
    y, s = _data(n=n, seed=seed, prevalence=0.5)
    if y.min() == y.max():
        y[0] = 1 - y[0]
    a = evaluate_classification(label=y, score=s, n_boot=50, seed=boot_seed).to_dict()
    b = evaluate_classification(label=y, score=s, n_boot=50, seed=boot_seed).to_dict()
    assert a == b
    r1 = evaluate_regression(label=s, prediction=s + y, n_boot=50, seed=boot_seed).to_dict()
    r2 = evaluate_regression(label=s, prediction=s + y, n_boot=50, seed=boot_seed).to_dict()
    assert r1 == r2


def test_different_seeds_give_different_intervals():
    y, s = _data(n=500, seed=10)
    a = evaluate_classification(label=y, score=s, n_boot=200, seed=1).metrics["roc_auc"]
    b = evaluate_classification(label=y, score=s, n_boot=200, seed=2).metrics["roc_auc"]
    assert (a.ci_low, a.ci_high) != (b.ci_low, b.ci_high)


def test_rare_positives_still_get_intervals_when_stratified():
    rng = np.random.default_rng(11)
    y = np.zeros(2000, int)
    y[:6] = 1
    s = np.where(y == 1, 0.7, 0.2) + rng.normal(0, 0.15, 2000)
    ev = evaluate_classification(label=y, score=s, n_boot=500, seed=0, metrics=["recall"])
    assert ev.stratified == "class"
    assert ev.metrics["recall"].ci_low is not None


# ------------------------------------------------------------------------------------------------
# regression and review labels


def test_regression_matches_sklearn_and_mape_is_zero_safe():
    rng = np.random.default_rng(12)
    y = rng.gamma(2, 10, 500)
    y[:7] = 0
    p = y + rng.normal(0, 3, 500)
    ev = evaluate_regression(label=y, prediction=p, n_boot=0)
    m = {k: v.value for k, v in ev.metrics.items()}
    assert m["mae"] == pytest.approx(skm.mean_absolute_error(y, p))
    assert m["rmse"] == pytest.approx(np.sqrt(skm.mean_squared_error(y, p)))
    nz = y != 0
    assert m["mape"] == pytest.approx(skm.mean_absolute_percentage_error(y[nz], p[nz]))
    assert ev.metrics["mape"].n == 493
    assert m["bias"] == pytest.approx(np.mean(p - y))
    assert any("7 rows" in n for n in ev.notes)


def test_regression_bootstrap_interval_brackets_estimate():
    rng = np.random.default_rng(13)
    y = rng.normal(50, 10, 400)
    p = y + rng.normal(1, 5, 400)
    ev = evaluate_regression(label=y, prediction=p, n_boot=500, seed=3)
    for mv in ev.metrics.values():
        assert mv.ci_low < mv.value < mv.ci_high


@pytest.mark.parametrize("k,n", [(0, 50), (4, 50), (50, 50), (13, 977)])
def test_wilson_matches_statsmodels(k, n):
    lo, hi = wilson_interval(k, n, 0.9)
    slo, shi = proportion_confint(k, n, alpha=0.1, method="wilson")
    assert lo == pytest.approx(slo, abs=1e-12)
    assert hi == pytest.approx(shi, abs=1e-12)


def test_review_label_shares_and_aliases():
    df = pd.DataFrame({"review": ["ok"] * 90 + ["hallucination"] * 7 + ["incomplete"] * 3})
    ev = evaluate_review(df, label="review", labels=["ok", "hallucination", "incomplete", "pii"])
    assert ev.metric("hallucination_rate").value == pytest.approx(0.07)
    assert ev.metric("label_share:pii").value == 0.0
    lo, hi = proportion_confint(7, 100, method="wilson")
    assert ev.metric("hallucination_rate").ci == pytest.approx((lo, hi))
    assert ev.metric("pii_rate").ci_high > 0
    with pytest.raises(UsageError, match="available"):
        ev.metric("toxicity_rate")
    with pytest.raises(DataError, match="not in labels"):
        evaluate_review(df, label="review", labels=["ok", "hallucination"])


def test_review_flag_columns_and_bootstrap_interval():
    rng = np.random.default_rng(14)
    df = pd.DataFrame({"hallucination": rng.random(300) < 0.1, "pii_leak": rng.random(300) < 0.02})
    ev = evaluate_review(df, label=["hallucination", "pii_leak"])
    assert set(ev.metrics) == {"label_share:hallucination", "label_share:pii_leak"}
    assert ev.metric("pii_leak_rate").value == pytest.approx(df.pii_leak.mean())
    evb = evaluate_review(df, label="hallucination", interval="bootstrap", n_boot=400, seed=0)
    w = ev.metric("hallucination_rate")
    b = evb.metric("hallucination_rate")
    assert b.ci_method.startswith("bootstrap")
    assert b.ci_low == pytest.approx(w.ci_low, abs=0.02)
    assert b.ci_high == pytest.approx(w.ci_high, abs=0.02)


def test_evaluate_chooses_the_task():
    y, s = _data(seed=15)
    assert evaluate(label=y, score=s, n_boot=0).task == "classification"
    assert evaluate(label=y, prediction=(s > 0.5).astype(int), n_boot=0).task == "classification"
    assert evaluate(label=s * 3, prediction=s, n_boot=0).task == "regression"
    assert evaluate(label=["ok", "bad", "ok"]).task == "review"
    with pytest.raises(UsageError, match="task"):
        evaluate(label=y, score=s, task="ranking")


def test_per_group_reports_are_attached():
    y, s = _data(n=400, seed=16)
    df = pd.DataFrame({"y": y, "s": s, "region": np.where(np.arange(400) % 3, "n", "s"),
                       "seg": np.where(np.arange(400) % 2, "a", "b")})
    ev = evaluate_classification(df, label="y", score="s", n_boot=0,
                                 groups=["region", ("region", "seg")])
    assert set(ev.by_group) == {"region", "region x seg"}
    assert ev.by_group["region x seg"].by_group.index.nlevels == 2


def test_to_dict_is_strict_json():
    ev = evaluate_classification(label=[0, 1, 0, 1], score=[0.1, 0.2, 0.3, 0.4], n_boot=0)
    json.dumps(ev.to_dict(), allow_nan=False)
    df = ev.table()
    assert "value" in df.columns and "precision" in df.index


# ------------------------------------------------------------------------------------------------
# bad input: a clear AipoError naming the column or argument, never a numpy traceback


@pytest.mark.parametrize(
    "kwargs, err, match",
    [
        (dict(label="nope", score="s"), DataError, "column 'nope'.*columns are"),
        (dict(label="y", score="s_text"), DataError, "'s_text' must be numeric.*pd.to_numeric"),
        (dict(label="y_nan", score="s"), DataError, "'y_nan' has 1 missing"),
        (dict(label="y_one", score="s"), DataError, "only one class"),
        (dict(label="y3", score="s"), DataError, "3 classes"),
        (dict(label="y", score="s_inf"), DataError, "infinite"),
        (dict(label="y", score="s", n_boot=5), UsageError, "n_boot"),
        (dict(label="y", score="s", ci=95), UsageError, "ci must be"),
        (dict(label="y"), UsageError, "score="),
        (dict(label="y", score="s", prediction="y"), UsageError, "either score or prediction"),
        (dict(label="y", score="s", metrics=["rocauc"]), UsageError, "choose from"),
        (dict(label="y", score="s", threshold=float("nan")), UsageError, "threshold"),
    ],
)
def test_bad_classification_input(kwargs, err, match):
    df = pd.DataFrame(
        {
            "y": [0, 1, 0, 1],
            "y_nan": [0, 1, None, 1],
            "y_one": [1, 1, 1, 1],
            "y3": [0, 1, 2, 1],
            "s": [0.1, 0.9, 0.3, 0.6],
            "s_text": ["low", "high", "low", "high"],
            "s_inf": [0.1, np.inf, 0.2, 0.3],
        }
    )
    with pytest.raises(err, match=match):
        evaluate_classification(df, **kwargs)


def test_more_bad_input():
    with pytest.raises(DataError, match="empty"):
        evaluate_classification(pd.DataFrame({"y": [], "s": []}), label="y", score="s")
    with pytest.raises(DataError, match="different lengths"):
        evaluate_classification(label=[0, 1, 1], score=[0.2, 0.4])
    with pytest.raises(UsageError, match="no data frame"):
        evaluate_classification(label="y", score="s")
    with pytest.raises(UsageError, match="DataFrame"):
        evaluate_classification({"y": [0, 1]}, label="y", score="s")
    with pytest.raises(DataError, match="empty"):
        evaluate_regression(label=[], prediction=[])
    with pytest.raises(DataError, match=r"missing values.*review"):
        evaluate_review(label=["ok", None, "bad"])
    with pytest.raises(DataError, match="neither the label classes"):
        evaluate_classification(label=[0, 1, 0], prediction=["a", "b", "c"])
    with pytest.raises(DataError, match="one-dimensional"):
        evaluate_classification(label=np.zeros((2, 2)), score=[0.1, 0.2])
    # errors are AipoErrors: the CLI prints them without a traceback
    assert issubclass(DataError, AipoError)


# ------------------------------------------------------------------------------------------------
# gold-set checks


def _gold():
    rng = np.random.default_rng(20)
    n = 300
    return pd.DataFrame(
        {
            "id": np.arange(n),
            "text": [f"ticket number {i} about topic {i % 17}" for i in range(n)],
            "f1": rng.integers(0, 1000, n),
            "f2": rng.integers(0, 1000, n),
            "label": (rng.random(n) < 0.2).astype(int),
        }
    )


def test_clean_gold_set_passes():
    rep = check_gold_set(_gold(), id_column="id", text_column="text",
                         feature_columns=["f1", "f2"], min_size=200)
    assert rep.ok
    assert [g.verdict for g in rep.gates] == ["pass"] * 4
    json.dumps(rep.to_dict(), allow_nan=False)


def test_gold_set_problems_are_found():
    gold = _gold()
    gold.loc[5, "label"] = None
    gold.loc[6, "id"] = 7
    # the same text as row 9 once white space and case are normalised
    gold.loc[8, "text"] = "  Ticket number 9   about TOPIC 9 "
    gold.loc[8, "label"] = 1 - gold.loc[9, "label"]
    gold = pd.concat([gold, gold.iloc[[20]]], ignore_index=True)
    rep = check_gold_set(gold, id_column="id", text_column="text", min_size=400,
                         min_minority_count=100)
    v = {g.name: g for g in rep.gates}
    assert v["gold set size"].verdict == "fail"
    assert v["missing labels"].verdict == "fail" and v["missing labels"].figure == 1
    assert v["class balance"].verdict == "warn"
    d = rep.details["duplicates"]
    assert d["rows"] == 1 and d["ids"] == 2 and d["texts"] == 2
    assert d["texts with conflicting labels"] == 1
    assert v["duplicates"].verdict == "fail"
    assert not rep.ok


def test_single_class_gold_set_fails_balance():
    gold = _gold().assign(label=0)
    rep = check_gold_set(gold, min_size=10)
    assert {g.name: g.verdict for g in rep.gates}["class balance"] == "fail"


def test_leakage_by_id_text_and_features():
    gold = _gold()
    train = pd.DataFrame(
        {
            "id": [1000, 1001, 3],
            "text": ["new", "TICKET number 10 about topic 10", "x"],
            "f1": [gold.f1[50], -1, -2],
            "f2": [gold.f2[50], -1, -2],
        }
    )
    rep = check_gold_set(gold, id_column="id", text_column="text", feature_columns=["f1", "f2"],
                         training=train, min_size=10)
    leak = rep.gates[-1]
    assert leak.name == "leakage into training data" and leak.verdict == "fail"
    assert rep.details["leakage"] == {"ids": 1, "texts": 1, "feature rows": 1}
    assert leak.figure == 3
    with pytest.raises(DataError, match="lacks the column"):
        check_gold_set(gold, id_column="id", text_column="text", training=train[["id"]])
    with pytest.raises(UsageError, match="no id_column"):
        check_gold_set(gold, training=train)
    with pytest.raises(DataError, match="'nope'"):
        check_gold_set(gold, id_column="nope")


# ------------------------------------------------------------------------------------------------
# rare events and enriched gold sets (issue 13, finding 6)


def _rare_gold(n_pos: int, n_neg: int) -> pd.DataFrame:
    return pd.DataFrame({"id": np.arange(n_pos + n_neg),
                         "label": np.r_[np.ones(n_pos, int), np.zeros(n_neg, int)]})


def test_a_rare_class_in_the_production_mix_is_not_told_to_add_examples():
    # 98 failures in 6,960 windows (1.4 %), as production has them: enough to judge recall.
    rep = check_gold_set(_rare_gold(98, 6862))
    gate = {g.name: g for g in rep.gates}["class balance"]
    assert gate.verdict == "pass"
    assert "add examples" not in gate.detail
    assert "right if production has the same mix" in gate.detail
    assert "declare production_prevalence" in gate.detail


def test_too_few_rare_cases_explain_enrichment_and_reweighting():
    gate = {g.name: g for g in check_gold_set(_rare_gold(12, 2000)).gates}["class balance"]
    assert gate.verdict == "warn"
    assert "enrich the gold set" in gate.detail
    assert "declare production_prevalence" in gate.detail
    declared = check_gold_set(_rare_gold(60, 240), production_prevalence=0.014)
    gate = {g.name: g for g in declared.gates}["class balance"]
    assert gate.verdict == "pass"
    assert "production has 1.40% positives" in gate.detail and "reweighted" in gate.detail


def test_an_enriched_gold_set_is_reweighted_to_production_and_keeps_the_raw_figures():
    from sklearn.metrics import precision_score

    rng = np.random.default_rng(7)
    y = np.r_[np.ones(300, int), np.zeros(1200, int)]  # 20 % positives, production 2 %
    s = np.clip(rng.normal(np.where(y == 1, 0.65, 0.3), 0.15), 0, 1)
    gold = pd.DataFrame({"label": y, "score": s})
    ev = evaluate_classification(gold, label="label", score="score", threshold=0.5,
                                 n_boot=200, seed=1, prevalence=0.02)
    weights = np.where(y == 1, 0.02 / 0.2, 0.98 / 0.8)
    expected = precision_score(y, s >= 0.5, sample_weight=weights)
    assert ev.metrics["precision"].value == pytest.approx(expected)
    assert ev.raw_metrics["precision"].value == pytest.approx(precision_score(y, s >= 0.5))
    assert ev.raw_metrics["precision"].value > 3 * ev.metrics["precision"].value
    assert ev.metrics["prevalence"].value == pytest.approx(0.02)
    m = ev.metrics["precision"]
    assert m.ci_low is not None and m.ci_low < m.value < m.ci_high
    # recall and ROC AUC do not depend on the mix: the same as unweighted
    plain_ev = evaluate_classification(gold, label="label", score="score", threshold=0.5,
                                       n_boot=200, seed=1)
    for k in ("recall", "roc_auc", "specificity"):
        assert ev.metrics[k].value == plain_ev.metrics[k].value
        assert k not in ev.raw_metrics
    table = ev.table()
    assert table.loc["precision", "gold_mix"] == pytest.approx(plain_ev.metrics["precision"].value)
    assert bool(table.loc["precision", "reweighted"]) and not table.loc["recall", "reweighted"]
    assert ev.prevalence == {"gold": 0.2, "production": 0.02}
    json.dumps(ev.to_dict(), allow_nan=False)


def test_a_review_gold_set_is_never_told_to_enrich():
    reviews = pd.DataFrame({"label": ["ok"] * 1180 + ["hallucination"] * 20})
    gate = {g.name: g for g in check_gold_set(reviews, task="review").gates}["class balance"]
    assert gate.verdict == "warn" and "Review more outputs drawn as production" in gate.detail
    assert "production_prevalence" not in gate.detail and "enrich" not in gate.detail
