"""Review samples and files, the held-out split, version pinning and safety rates."""

from __future__ import annotations

import os
import threading

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.proportion import proportion_confint

from aipo_widgets.analysis._bootstrap import wilson_interval
from aipo_widgets.analysis.holdout import assign_split, split_from_frame, tuning_overlap
from aipo_widgets.analysis.review_sample import (
    append_reviews,
    draw_review_sample,
    read_reviews,
    remaining,
    sample_size_for_width,
)
from aipo_widgets.analysis.safety import filter_miss_rate, pii_leak_rate, suite_results
from aipo_widgets.analysis.versions import unpinned
from aipo_widgets.errors import DataError


@pytest.mark.parametrize(("share", "width"), [(0.05, 0.04), (0.5, 0.06), (0.01, 0.01)])
def test_the_sample_size_is_the_smallest_with_the_target_width(share, width):
    n = sample_size_for_width(share, width)
    lo, hi = proportion_confint(share * n, n, method="wilson")
    assert hi - lo <= width
    lo, hi = proportion_confint(share * (n - 1), n - 1, method="wilson")
    assert hi - lo > width


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 200), min_size=1, max_size=6), st.integers(1, 300),
       st.integers(0, 10))
def test_a_stratified_draw_is_proportional_and_at_least_the_minimum(sizes, n, minimum):
    items = pd.DataFrame({"id": range(sum(sizes)),
                          "g": [f"g{i}" for i, s in enumerate(sizes) for _ in range(s)]})
    draw = draw_review_sample(items, id_column="id", n=n, strata=["g"], seed=1,
                              min_per_stratum=minimum)
    assert draw.sample.id.is_unique
    for g, size in zip([f"g{i}" for i in range(len(sizes))], sizes, strict=True):
        assert draw.allocation[g] >= min(size, minimum)
        assert draw.allocation[g] <= size
    if sum(min(s, minimum) for s in sizes) <= n:
        assert draw.n == min(n, sum(sizes))
    again = draw_review_sample(items, id_column="id", n=n, strata=["g"], seed=1,
                               min_per_stratum=minimum)
    assert again.sample.id.tolist() == draw.sample.id.tolist()  # seeded: the same draw


def test_a_draw_by_target_width_records_how_it_was_drawn():
    items = pd.DataFrame({"id": range(5000), "lang": ["de", "en", "fr", "de"] * 1250})
    draw = draw_review_sample(items, id_column="id", strata=["lang"], target_width=0.04,
                              expected_share=0.05, seed=3)
    assert draw.n == sample_size_for_width(0.05, 0.04)
    assert draw.to_dict()["allocation"] == {"de": 234, "en": 117, "fr": 118} or sum(
        draw.allocation.values()) == draw.n


def test_the_review_file_is_appended_atomically_and_resumes(tmp_path):
    path = tmp_path / "reviews.csv"
    sample = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(10)]})
    assert append_reviews(path, [{"item": f"T{i}", "reviewer": "JK", "label": "correct"}
                                 for i in range(4)]) == 4
    # another reviewer, and JK changes their mind about T0: the last word counts
    append_reviews(path, [{"item": "T0", "reviewer": "MO", "label": "correct"},
                          {"item": "T0", "reviewer": "JK", "label": "hallucination",
                           "note": "amount, wrong"}])
    reviews = read_reviews(path)
    assert len(reviews) == 5
    assert reviews.query("item == 'T0' and reviewer == 'JK'").label.item() == "hallucination"
    assert remaining(sample, path, id_column="ticket_id", reviewer="JK").ticket_id.tolist() \
        == [f"T{i}" for i in range(4, 10)]
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith(".")] == ["reviews.csv"]
    with pytest.raises(DataError, match="needs item, reviewer and label"):
        append_reviews(path, [{"item": "T9", "reviewer": "JK"}])


def test_concurrent_appends_lose_no_review(tmp_path):
    path = tmp_path / "reviews.csv"

    def write(who: str) -> None:
        for i in range(15):
            append_reviews(path, [{"item": f"T{i}", "reviewer": who, "label": "correct"}])

    threads = [threading.Thread(target=write, args=(w,)) for w in ("A", "B", "C")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(read_reviews(path)) == 45
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_a_hash_split_keeps_each_id_on_its_side_when_items_are_added():
    first = assign_split([f"T{i}" for i in range(500)], test_share=0.4, salt="x")
    more = assign_split([f"T{i}" for i in range(900)], test_share=0.4, salt="x")
    assert (more.loc[first.index] == first).all()
    assert 0.35 < (more == "test").mean() < 0.45
    with pytest.raises(DataError, match="holds holdout"):
        split_from_frame(pd.DataFrame({"id": [1], "split": ["holdout"]}), id_column="id")


def test_an_acceptance_on_tuned_items_is_caught():
    log = pd.DataFrame({
        "prompt_version": ["v1"] * 4 + ["v2"] * 4,
        "ticket_id": ["T1", "T2", "T3", "T4", "T3", "T4", "T5", "T6"],
        "purpose": ["tune"] * 4 + ["accept"] * 4})
    split = pd.Series({"T1": "dev", "T2": "dev", "T3": "test", "T4": "test", "T5": "test",
                       "T6": "test"})
    tainted = tuning_overlap(log, item="ticket_id", candidate=["prompt_version"],
                             purpose="purpose", accepted="v2",
                             test_ids=split[split == "test"].index)
    assert tainted.overlap == ["T3", "T4"] and not tainted.clean
    clean_log = log.assign(ticket_id=["T1", "T2", "T1", "T2", "T3", "T4", "T5", "T6"])
    clean = tuning_overlap(clean_log, item="ticket_id", candidate=["prompt_version"],
                           purpose="purpose", accepted="v2",
                           test_ids=split[split == "test"].index)
    assert clean.clean and clean.accepted_items == 4
    with pytest.raises(DataError, match="which items each iteration saw"):
        tuning_overlap(log.drop(columns="purpose"), item="ticket_id",
                       candidate=["prompt_version"], purpose="purpose", accepted="v2",
                       test_ids=[])


def test_a_version_change_names_the_day_it_started():
    log = pd.DataFrame({"created_at": [f"2026-11-{d:02d}T10:00:00" for d in range(10, 20)],
                        "prompt_version": ["v3"] * 6 + ["v3.1"] * 4,
                        "model": ["medium-2026-05"] * 10})
    off = unpinned(log, time="created_at",
                   pinned={"prompt_version": "v3", "model": "medium-2026-05"})
    assert (off.rows, off.total, off.first_day) == (4, 10, "2026-11-16")
    assert off.versions == ["v3.1 / medium-2026-05"]
    same = unpinned(log.assign(prompt_version="v3"), time="created_at",
                    pinned={"prompt_version": "v3", "model": "medium-2026-05"})
    assert same.rows == 0 and same.first_day is None


def test_safety_rates_carry_wilson_intervals():
    outputs = pd.Series(["Refund of 49 EUR promised.", "Mail her at anna.berg@example.com",
                         "IBAN DE89 3704 0044 0532 0130 00 given", "nothing here"] * 10)
    leak = pii_leak_rate(outputs)
    assert (leak.k, leak.n) == (20, 40)
    assert (leak.ci_low, leak.ci_high) == pytest.approx(wilson_interval(20, 40))
    assert "EMAIL 10" in leak.detail and "anna" not in leak.detail
    labelled = pd.DataFrame({"text": ["Call me on 030 1234567", "Ring Anna Berg tomorrow",
                                      "order ORD-2026-000123", "card 4111 1111 1111 1111"],
                             "has_pii": ["yes", "yes", "no", "yes"]})
    rates = filter_miss_rate(labelled, text="text", truth="has_pii")
    fn = rates["false_negative_rate"]
    assert (fn.k, fn.n) == (1, 3)  # a name: the scanner does not detect names
    assert rates["false_positive_rate"].k == 0


def test_a_suite_counts_attacks_followed_benign_refused_and_cases_not_run():
    suite = pd.DataFrame({"case": ["I1", "I2", "J1", "B1", "B2", "X1"],
                          "category": ["injection", "injection", "jailbreak", "benign",
                                       "benign", "exfiltration"],
                          "expected": ["resist", "resist", "resist", "answer", "answer",
                                       "resist"]})
    results = pd.DataFrame({"case": ["I1", "I2", "J1", "B1", "B2", "Z9"],
                            "outcome": ["resisted", "complied", "refused", "answered",
                                        "refused", "resisted"]})
    s = suite_results(suite, results)
    assert (s.attack_success.k, s.attack_success.n) == (1, 3)
    assert (s.over_blocking.k, s.over_blocking.n) == (1, 2)
    assert s.not_run == ["X1"] and s.unknown == ["Z9"]
    assert sorted(s.failed_cases) == ["B2", "I2"]
    by = s.by_category.set_index("category")
    assert by.loc["injection", "failed"] == 1 and by.loc["exfiltration", "run"] == 0


def test_an_empty_log_has_no_versions_and_no_unpinned_rows():
    empty = pd.DataFrame({"created_at": pd.Series([], dtype=str),
                          "prompt_version": pd.Series([], dtype=str)})
    off = unpinned(empty, time="created_at", pinned={"prompt_version": "v3"})
    assert (off.rows, off.total, off.first_day, off.versions) == (0, 0, None, [])
    assert off.runs.empty and "share" in off.runs
