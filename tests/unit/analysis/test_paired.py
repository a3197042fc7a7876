"""Paired comparison of candidates against statsmodels: McNemar, Holm, the paired bootstrap."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from statsmodels.stats.contingency_tables import mcnemar as sm_mcnemar
from statsmodels.stats.multitest import multipletests

from aipo_widgets.analysis.paired import compare_candidates, holm, mcnemar, paired_bootstrap


def _table(a, b):
    a, b = np.asarray(a, bool), np.asarray(b, bool)
    return [[int((a & b).sum()), int((a & ~b).sum())], [int((~a & b).sum()),
                                                        int((~a & ~b).sum())]]


@pytest.mark.parametrize(("n", "flip", "exact"), [(60, 0.1, True), (800, 0.08, False),
                                                  (40, 0.0, True)])
def test_mcnemar_is_statsmodels(n, flip, exact):
    rng = np.random.default_rng(n)
    a = rng.random(n) < 0.85
    b = np.where(rng.random(n) < flip, ~a, a)
    ours = mcnemar(a, b)
    theirs = sm_mcnemar(_table(a, b), exact=exact, correction=True)
    assert ours.method.startswith("exact") == exact
    assert ours.p_value == pytest.approx(theirs.pvalue, abs=1e-12)
    assert ours.statistic == pytest.approx(theirs.statistic, abs=1e-12)


def test_holm_is_statsmodels():
    rng = np.random.default_rng(0)
    cases = [[0.01, 0.04, 0.03], [0.5], [0.02, 0.02, 0.9, 0.001]]
    cases += [list(rng.random(rng.integers(1, 9)) ** 3) for _ in range(40)]
    for p in cases:
        assert holm(p) == pytest.approx(list(multipletests(p, method="holm")[1]), abs=1e-12)


def test_the_paired_bootstrap_is_narrower_than_unpaired_and_matches_the_paired_t_interval():
    from statsmodels.stats.weightstats import DescrStatsW

    rng = np.random.default_rng(3)
    base = rng.lognormal(7.5, 0.4, 600)
    a, b = base * 1.0, base * 0.9 + rng.normal(0, 30, 600)
    d = paired_bootstrap(a, b, n_boot=4000, seed=1)
    t_low, t_high = DescrStatsW(b - a).tconfint_mean()
    assert d.difference == pytest.approx((b - a).mean())
    assert d.ci_low == pytest.approx(t_low, rel=0.08) and d.ci_high == pytest.approx(t_high,
                                                                                   rel=0.08)
    # the same values unpaired: the interval of the difference of two independent means
    unpaired = 1.96 * np.sqrt(a.var(ddof=1) / 600 + b.var(ddof=1) / 600)
    assert (d.ci_high - d.ci_low) / 2 < unpaired / 5
    p95 = paired_bootstrap(a, b, stat="p95", n_boot=500)
    assert p95.difference == pytest.approx(np.quantile(b, 0.95) - np.quantile(a, 0.95))
    assert p95.ci_low <= p95.difference <= p95.ci_high


def _calls() -> pd.DataFrame:
    rng = np.random.default_rng(9)
    items = [f"T{i}" for i in range(400)]
    rows = []
    for version, p_ok, cost, ms in (("v1", 0.80, 0.018, 9000), ("v2", 0.88, 0.002, 3000),
                                    ("v3", 0.93, 0.001, 2200)):
        for it in items:
            rows.append({"prompt_version": version, "model": "m", "ticket_id": it,
                         "label": "correct" if rng.random() < p_ok else "minor_error",
                         "cost_eur": cost * rng.lognormal(0, 0.1),
                         "latency_ms": ms * rng.lognormal(0, 0.2)})
    return pd.DataFrame(rows)


def test_compare_candidates_pairs_items_and_counts_its_comparisons():
    calls = _calls()
    # v2 saw only 300 of the items: compared with v3 on those 300
    calls = calls[~((calls.prompt_version == "v2") & calls.ticket_id.isin(
        [f"T{i}" for i in range(300, 400)]))]
    res = compare_candidates(calls, candidate=["prompt_version", "model"], item="ticket_id",
                             outcomes={"correct_share": ("label", ["correct"])},
                             reference="v3 / m", cost="cost_eur", latency="latency_ms",
                             n_boot=300)
    assert res.comparisons == 2 and res.candidates == ["v1 / m", "v2 / m"]
    correct = res.differences[res.differences.metric == "correct_share"].set_index("candidate")
    assert correct.loc["v2 / m", "items"] == 300 and correct.loc["v1 / m", "items"] == 400
    assert correct.loc["v1 / m", "difference"] < 0  # v1 is worse than the reference
    raw = correct.p_value.tolist()
    assert correct.p_holm.tolist() == pytest.approx(holm(raw))
    assert (correct.p_holm >= correct.p_value).all()
    cost = res.differences[res.differences.metric == "cost_per_call"].set_index("candidate")
    assert cost.loc["v1 / m", "ci_low"] > 0  # v1 costs more than v3, clearly
    assert "2 tests, Holm-corrected" in res.notes[0]
    assert res.to_dict()["table"][0]["candidate"] == "v1 / m"
