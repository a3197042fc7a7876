"""Agreement between reviewers against scikit-learn and a textbook Krippendorff's alpha."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import cohen_kappa_score

from aipo_widgets.analysis.agreement import (
    adjudicate,
    against_reference,
    agreement,
    cohen_kappa,
    krippendorff_alpha,
)

LABELS = ["correct", "minor_error", "hallucination"]


def reference_alpha(units: list[list[str | None]]) -> float:
    """Nominal alpha from Krippendorff's coincidence-matrix definition, written out by hand.

    o_ck = sum over units u of (number of ordered pairs (i, j), i != j, of values with
    value_i = c and value_j = k in u) / (m_u - 1), over units with m_u >= 2 values;
    n_c = sum_k o_ck; n = sum_c n_c;
    alpha = 1 - (n - 1) * sum_{c != k} o_ck / sum_{c != k} n_c * n_k.
    """
    values = sorted({v for u in units for v in u if v is not None})
    o = {(c, k): 0.0 for c in values for k in values}
    for unit in units:
        vals = [v for v in unit if v is not None]
        m = len(vals)
        if m < 2:
            continue
        for i, j in itertools.permutations(range(m), 2):
            o[vals[i], vals[j]] += 1 / (m - 1)
    nc = {c: sum(o[c, k] for k in values) for c in values}
    n = sum(nc.values())
    observed = sum(o[c, k] for c in values for k in values if c != k)
    expected = sum(nc[c] * nc[k] for c in values for k in values if c != k)
    return 1 - (n - 1) * observed / expected


def _reviews(seed: int, items: int = 300, reviewers: int = 5, per_item=(1, 2, 3),
             accuracy: float = 0.8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    rows = []
    for it in range(items):
        truth = rng.choice(3, p=[0.8, 0.15, 0.05])
        who = rng.choice(reviewers, rng.choice(per_item), replace=False)
        for r in who:
            label = truth if rng.random() < accuracy else rng.integers(3)
            rows.append({"item": f"I{it}", "reviewer": f"R{r}", "label": LABELS[label]})
    return pd.DataFrame(rows)


def _units(frame: pd.DataFrame) -> list[list[str | None]]:
    wide = frame.pivot(index="item", columns="reviewer", values="label")
    return [[None if pd.isna(v) else v for v in row] for row in wide.to_numpy()]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_alpha_with_several_reviewers_and_missing_reviews_is_the_textbook_alpha(seed):
    reviews = _reviews(seed)
    res = agreement(reviews, item="item", reviewer="reviewer", label="label", n_boot=0)
    assert res.value == pytest.approx(reference_alpha(_units(reviews)), abs=1e-12)
    assert krippendorff_alpha(pd.DataFrame(_units(reviews)).to_numpy()) == pytest.approx(
        res.value, abs=1e-12)
    assert res.kappa is None  # items with three reviews: kappa is not defined
    assert res.items == int((reviews.groupby("item").size() >= 2).sum())
    assert "reviewed once" in res.notes[0]


def test_kappa_of_two_reviews_per_item_is_sklearns():
    reviews = _reviews(4, per_item=(2,), accuracy=0.7)
    res = agreement(reviews, item="item", reviewer="reviewer", label="label",
                    statistic="cohen_kappa", n_boot=300, seed=1)
    slots = reviews.groupby("item", sort=True)["label"].agg(list)
    first, second = [v[0] for v in slots], [v[1] for v in slots]
    assert res.statistic == "cohen_kappa"
    assert res.value == pytest.approx(cohen_kappa_score(first, second), abs=1e-12)
    assert cohen_kappa(first, second) == pytest.approx(cohen_kappa_score(first, second))
    assert res.ci_low < res.value < res.ci_high
    # alpha and kappa are close on the same two-review data (they differ in the chance term)
    assert abs(res.alpha - res.kappa) < 0.02


def test_the_bootstrap_interval_covers_and_narrows_with_more_items():
    small = agreement(_reviews(5, items=80, per_item=(2,)), item="item", reviewer="reviewer",
                      label="label", n_boot=400)
    large = agreement(_reviews(5, items=1200, per_item=(2,)), item="item",
                      reviewer="reviewer", label="label", n_boot=400)
    for res in (small, large):
        assert res.ci_low <= res.value <= res.ci_high
    assert large.ci_high - large.ci_low < (small.ci_high - small.ci_low) * 0.6
    assert "bootstrap" in large.ci_method


def test_confusion_counts_each_pair_once_and_the_diagonal_is_agreement():
    reviews = _reviews(6, items=200, per_item=(2,))
    res = agreement(reviews, item="item", reviewer="reviewer", label="label", n_boot=0)
    assert res.confusion.to_numpy().sum() == res.items  # one pair per two-review item
    assert np.trace(res.confusion.to_numpy()) / res.items == pytest.approx(res.observed)
    assert set(res.by_reviewer.reviewer) == set(reviews.reviewer)
    assert res.to_dict()["confusion"]


def test_perfect_agreement_is_one_and_a_constant_label_has_no_alpha():
    reviews = pd.DataFrame({"item": [1, 1, 2, 2, 3, 3], "reviewer": list("ABABAB"),
                            "label": ["x", "x", "y", "y", "x", "x"]})
    assert agreement(reviews, item="item", reviewer="reviewer", label="label",
                     n_boot=0).value == pytest.approx(1.0)
    constant = reviews.assign(label="x")
    assert np.isnan(agreement(constant, item="item", reviewer="reviewer", label="label",
                              n_boot=0).value)


def test_adjudication_takes_the_decision_for_disagreements_only():
    reviews = pd.DataFrame({"item": [1, 1, 2, 2, 3], "reviewer": list("ABABA"),
                            "label": ["x", "y", "x", "x", "y"]})
    pending = adjudicate(reviews, item="item", reviewer="reviewer", label="label")
    assert pending.decided_by.tolist() == ["pending", "agreement", "single review"]
    decided = adjudicate(reviews, item="item", reviewer="reviewer", label="label",
                         decisions=pd.DataFrame({"item": [1], "label": ["y"]}))
    assert decided.final_label.tolist() == ["y", "x", "y"]
    assert decided.decided_by.tolist()[0] == "adjudication"


def test_a_judge_against_the_final_labels_is_kappa_on_shared_items():
    human = pd.DataFrame({"id": range(100), "final": ["ok"] * 70 + ["bad"] * 30})
    judge_labels = ["ok"] * 65 + ["bad"] * 5 + ["bad"] * 25 + ["ok"] * 5
    judge = pd.DataFrame({"id": range(100), "judge": judge_labels})
    res = against_reference(human, judge, item="id", label="final", reference_label="judge",
                            n_boot=200)
    assert res.kappa == pytest.approx(cohen_kappa_score(human.final, judge.judge))
    assert res.items == 100 and res.ci_low < res.kappa < res.ci_high


@settings(max_examples=40, deadline=None)
@given(st.lists(st.lists(st.one_of(st.none(), st.sampled_from("abc")), min_size=3,
                         max_size=3), min_size=2, max_size=25))
def test_alpha_matches_the_reference_on_any_table(units):
    pairable = [[v for v in u if v is not None] for u in units]
    values = {v for u in pairable if len(u) >= 2 for v in u}
    if len(values) < 2:
        return  # alpha is undefined without two values among pairable units
    assert krippendorff_alpha(units) == pytest.approx(reference_alpha(units), abs=1e-9)
