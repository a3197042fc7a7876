from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial.distance import jensenshannon
from scipy.stats import chi2_contingency, ks_2samp, wasserstein_distance

from aipo_widgets.analysis.drift import DriftThresholds, drift, prediction_drift
from aipo_widgets.analysis.drift_reference import UNSEEN, Reference
from aipo_widgets.analysis.drift_stats import js_distance, kstwo_sf, psi, smoothed_proportions
from aipo_widgets.errors import AipoError, DataError, UsageError

# ---------------------------------------------------------------------------- helpers


def independent_bins(ref: np.ndarray, cur: np.ndarray, bins: int = 10):
    """Bin counts the textbook way (quantile + searchsorted + bincount), to check the kit."""
    edges = np.unique(np.quantile(ref, np.linspace(0, 1, bins + 1)[1:-1]))
    k = edges.size + 1
    rc = np.bincount(np.searchsorted(edges, ref, side="right"), minlength=k)
    cc = np.bincount(np.searchsorted(edges, cur, side="right"), minlength=k)
    return edges, rc, cc


def hand_psi(rc, cc, alpha=1.0):
    rc = np.asarray(rc, float)
    cc = np.asarray(cc, float)
    p = (rc + alpha) / (rc.sum() + alpha * rc.size)
    q = (cc + alpha) / (cc.sum() + alpha * cc.size)
    return float(np.sum((q - p) * np.log(q / p)))


# ---------------------------------------------------------------------------- psi on proportions


def test_psi_hand_computed_vector():
    # sum (q - p) ln(q / p) for p = 1/4 each, q = .1 .2 .3 .4, worked out term by term
    terms = [
        (-0.15) * math.log(0.4),
        (-0.05) * math.log(0.8),
        0.05 * math.log(1.2),
        0.15 * math.log(1.6),
    ]
    assert psi([0.25] * 4, [0.1, 0.2, 0.3, 0.4]) == pytest.approx(sum(terms), rel=1e-12)
    assert round(psi([0.25] * 4, [0.1, 0.2, 0.3, 0.4]), 4) == 0.2282


def test_psi_is_symmetric_and_zero_for_equal():
    p, q = [0.2, 0.3, 0.5], [0.3, 0.3, 0.4]
    assert psi(p, q) == pytest.approx(psi(q, p))
    assert psi(p, p) == 0.0


@pytest.mark.parametrize(
    ("p", "q", "fragment"),
    [
        ([0.5, 0.5], [1.0, 0.0], "zero proportions"),
        ([0.5, 0.5], [0.2, 0.2], "sum to 1"),
        ([0.5, 0.5], [0.2, 0.3, 0.5], "same number of bins"),
        ([], [], "non-empty"),
        ([0.5, float("nan")], [0.5, 0.5], "finite"),
    ],
)
def test_psi_rejects_bad_vectors(p, q, fragment):
    with pytest.raises(UsageError, match=fragment):
        psi(p, q)


def test_smoothed_proportions_keep_sum_one():
    s = smoothed_proportions([10, 0, 5], alpha=0.5)
    assert s.sum() == pytest.approx(1.0)
    assert s[1] == pytest.approx(0.5 / 16.5)
    with pytest.raises(UsageError, match="alpha"):
        smoothed_proportions([1, 2], alpha=0)


def test_js_distance_matches_scipy():
    p, q = [3, 0, 5, 2], [1, 4, 4, 1]
    assert js_distance(p, q) == pytest.approx(jensenshannon(p, q, base=2), rel=1e-14)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.01, 1.0), min_size=2, max_size=12).flatmap(
        lambda a: st.tuples(
            st.just(a), st.lists(st.floats(0.01, 1.0), min_size=len(a), max_size=len(a))
        )
    )
)
def test_psi_is_non_negative(pair):
    a, b = (np.asarray(x) / np.sum(x) for x in pair)
    assert psi(a, b) >= -1e-15


# ---------------------------------------------------------------------------- numeric columns


@pytest.mark.parametrize(
    ("n_ref", "n_cur", "shift", "decimals"),
    [
        (800, 1200, 0.2, None),  # exact KS p-value (scipy's 'auto' picks exact)
        (3000, 3000, 0.0, 1),  # heavy ties
        (20_000, 15_000, 0.05, None),  # asymptotic p-value
        (30_001, 12_345, 0.3, 2),  # asymptotic, ties, unequal sizes
        (60_000, 60_000, 0.02, None),  # 2.2 <= n D^2 < 370: the vectorised Smirnov series
    ],
)
def test_numeric_statistics_equal_scipy(n_ref, n_cur, shift, decimals):
    rng = np.random.default_rng(n_ref)
    a = rng.normal(10, 2, n_ref)
    b = rng.normal(10 + shift * 2, 2.2, n_cur)
    if decimals is not None:
        a, b = np.round(a, decimals), np.round(b, decimals)
    r = drift(pd.DataFrame({"x": a}), pd.DataFrame({"x": b}))["x"]

    ks = ks_2samp(a, b)  # method="auto"
    assert r.ks == ks.statistic
    assert r.ks_pvalue == pytest.approx(ks.pvalue, rel=1e-12, abs=1e-300)
    assert r.ks_method == ("exact" if max(n_ref, n_cur) <= 10_000 else "asymp")

    w = wasserstein_distance(a, b)
    assert r.wasserstein_raw == pytest.approx(w, rel=1e-12)
    assert r.wasserstein == pytest.approx(w / max(np.std(a), 0.001), rel=1e-12)
    assert r.std_ref == pytest.approx(np.std(a), rel=1e-12)

    edges, rc, cc = independent_bins(a, b)
    assert r.edges == pytest.approx(edges.tolist(), rel=0, abs=0)
    assert r.ref_counts == rc.tolist()
    assert r.cur_counts == cc.tolist()
    assert r.js == pytest.approx(jensenshannon(rc / rc.sum(), cc / cc.sum(), base=2), rel=1e-12)
    assert r.psi == pytest.approx(hand_psi(rc, cc), rel=1e-12)
    assert r.epsilon_cur == pytest.approx(1 / (n_cur + rc.size))


@pytest.mark.parametrize("n", [141, 1000, 30_000])
@pytest.mark.parametrize("z", [0.3, 1.2, 1.49, 1.5, 2.0, 3.0, 5.0, 8.0, 13.0, 19.2])
def test_ks_pvalue_equals_scipy_kstwo(n, z):
    from scipy.stats import kstwo

    d = z / math.sqrt(n)
    assert kstwo_sf(d, n) == pytest.approx(kstwo.sf(d, n), rel=1e-12, abs=1e-300)


@pytest.mark.slow
@pytest.mark.parametrize("n", [500_000, 999_999, 1_000_000, 1_000_001])
@pytest.mark.parametrize("z", [1.49, 3.0, 13.0])
def test_ks_pvalue_equals_scipy_kstwo_at_large_n(n, z):
    from scipy.stats import kstwo

    d = z / math.sqrt(n)
    assert kstwo_sf(d, n) == pytest.approx(kstwo.sf(d, n), rel=1e-12, abs=1e-300)


def test_identical_samples_have_zero_drift():
    a = np.random.default_rng(3).gamma(2.0, size=5000)
    r = drift(pd.DataFrame({"x": a}), pd.DataFrame({"x": a.copy()}))["x"]
    assert (r.psi, r.js, r.ks, r.wasserstein, r.verdict) == (0.0, 0.0, 0.0, 0.0, "ok")
    assert r.ks_pvalue == 1.0


@pytest.mark.filterwarnings("ignore:ks_2samp:RuntimeWarning")
@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=300),
    st.lists(st.floats(-1e6, 1e6, allow_nan=False), min_size=1, max_size=300),
)
def test_properties_against_scipy(xs, ys):
    a, b = np.asarray(xs), np.asarray(ys)
    r = drift(pd.DataFrame({"x": a}), pd.DataFrame({"x": b}))["x"]
    assert r.psi >= 0
    assert 0 <= r.js <= 1 + 1e-12
    assert r.ks == ks_2samp(a, b).statistic
    assert r.wasserstein_raw == pytest.approx(wasserstein_distance(a, b), rel=1e-9, abs=1e-6)
    same = drift(pd.DataFrame({"x": a}), pd.DataFrame({"x": a}))["x"]
    assert same.psi == 0.0 and same.ks == 0.0


def test_ties_merge_quantile_edges():
    # 60 % zeros: several deciles coincide, the edges are deduplicated
    rng = np.random.default_rng(5)
    a = np.where(rng.random(10_000) < 0.6, 0.0, rng.exponential(size=10_000))
    r = drift(pd.DataFrame({"x": a}), pd.DataFrame({"x": a[::-1]}))["x"]
    assert len(r.edges) == len(set(r.edges)) < 9
    assert len(r.bins) == len(r.edges) + 1 == len(r.ref_counts)
    assert sum(r.ref_counts) == 10_000
    assert r.psi == 0.0


def test_new_extremes_land_in_open_outer_bins():
    a = np.arange(1000.0)
    b = np.concatenate([np.arange(1000.0), [-1e9, 1e9]])
    r = drift(pd.DataFrame({"x": a}), pd.DataFrame({"x": b}))["x"]
    assert r.bins[0].startswith("[-inf") and r.bins[-1].endswith("inf)")
    assert r.cur_counts[0] == r.ref_counts[0] + 1
    assert r.cur_counts[-1] == r.ref_counts[-1] + 1


def test_missing_and_infinite_values_are_dropped_and_counted():
    a = pd.Series([1.0, 2.0, np.nan, 3.0, np.inf, 4.0] * 100)
    b = pd.Series([1.0, None, 2.0, -np.inf] * 100, dtype="Float64")
    r = drift(pd.DataFrame({"x": a}), pd.DataFrame({"x": b}))["x"]
    assert (r.n_ref, r.missing_ref, r.n_cur, r.missing_cur) == (400, 200, 200, 200)
    assert r.ks == ks_2samp([1.0, 2.0, 3.0, 4.0] * 100, [1.0, 2.0] * 100).statistic


def test_integer_columns_are_numeric():
    r = drift(pd.DataFrame({"n": np.arange(500)}), pd.DataFrame({"n": np.arange(100, 600)}))
    assert r["n"].kind == "numeric"
    assert r["n"].ks == pytest.approx(0.2)


# ---------------------------------------------------------------------------- categorical columns


def test_categorical_with_unseen_categories():
    ref = pd.DataFrame({"c": ["a"] * 50 + ["b"] * 30 + ["c"] * 20})
    cur = pd.DataFrame({"c": ["a"] * 40 + ["b"] * 30 + ["d"] * 20 + ["e"] * 5 + [None] * 5})
    r = drift(ref, cur)["c"]
    assert r.kind == "categorical"
    assert r.bins == ["a", "b", "c", UNSEEN]
    assert r.ref_counts == [50, 30, 20, 0]
    assert r.cur_counts == [40, 30, 0, 25]
    assert r.unseen == {"d": 20, "e": 5}
    assert r.missing_cur == 5 and r.n_cur == 95
    assert r.psi == pytest.approx(hand_psi([50, 30, 20, 0], [40, 30, 0, 25]), rel=1e-12)
    expected = chi2_contingency([[50, 30, 20, 0], [40, 30, 0, 25]], correction=False)
    assert r.chi2 == pytest.approx(expected.statistic, rel=1e-12)
    assert r.chi2_pvalue == pytest.approx(expected.pvalue, rel=1e-9)
    assert r.chi2_dof == 3
    assert r.verdict == "drift"
    assert r.ks is None and r.wasserstein is None


def test_categorical_bucket_empty_in_both_is_left_out_of_chi_square():
    ref = pd.DataFrame({"c": list("aab") * 10})
    r = drift(ref, ref)["c"]
    assert r.chi2 == 0.0 and r.chi2_pvalue == 1.0 and r.chi2_dof == 1
    single = drift(pd.DataFrame({"c": ["x"] * 5}), pd.DataFrame({"c": ["x"] * 7}))["c"]
    assert single.chi2_dof == 0 and single.chi2_pvalue == 1.0


def test_categories_compare_as_strings_and_bools_are_categorical():
    ref = pd.DataFrame({"flag": [True, False] * 50, "code": pd.Series([1, 2] * 50)})
    cur = pd.DataFrame({"flag": [True] * 100, "code": pd.Series(["1", "2"] * 50)})
    r = drift(ref, cur, categorical=["code"], columns=["flag"])
    assert r["flag"].kind == "categorical"
    assert r["flag"].bins == ["False", "True", UNSEEN]  # equal counts: alphabetical
    assert r["flag"].cur_counts == [0, 100, 0]
    assert r["code"].psi == 0.0


def test_max_categories_pools_rare_reference_categories():
    ref = pd.DataFrame({"c": [f"k{i}" for i in range(10) for _ in range(10 - i)]})
    r = drift(ref, ref, max_categories=3)["c"]
    assert r.bins == ["k0", "k1", "k2", UNSEEN]
    assert r.ref_counts[-1] == r.cur_counts[-1] == sum(range(1, 8))
    assert r.psi == 0.0


# ---------------------------------------------------------------------------- verdicts


def test_verdicts_and_data_set_share():
    rng = np.random.default_rng(9)
    n = 4000
    ref = pd.DataFrame({f"x{i}": rng.normal(size=n) for i in range(4)})
    cur = ref.copy()
    cur["x0"] = rng.normal(1.0, 1, n)  # big shift: drift
    cur["x1"] = rng.normal(0.4, 1, n)  # moderate shift: warn
    rep = drift(ref, cur)
    assert rep["x0"].verdict == "drift"
    assert rep["x1"].verdict == "warn"
    assert rep["x2"].verdict == "ok"
    assert rep.n_drifted == 1 and rep.n_warn == 1
    assert rep.share_drifted == 0.25
    assert rep.verdict == "warn"  # 25 % < 30 %
    assert drift(ref, cur, thresholds={"drift_share": 0.25}).verdict == "drift"
    strict = drift(ref, cur, thresholds=DriftThresholds(warn=0.05, drift=0.1))
    assert strict.n_drifted == 2 and strict.verdict == "drift"
    assert rep.gate().verdict == "warn" and strict.gate().verdict == "fail"
    assert strict.gate().extra["drifted"] == ["x0", "x1"]
    assert drift(ref, ref).gate().verdict == "pass"


def test_js_metric_threshold():
    ref = pd.DataFrame({"x": np.arange(1000.0)})
    cur = pd.DataFrame({"x": np.arange(1000.0) + 300})
    r = drift(ref, cur, thresholds={"js_warn": 0.1, "js_drift": 0.5})["x"]
    assert r.rule.startswith("js ")
    assert r.verdict == ("drift" if r.js >= 0.5 else "warn")


def test_thresholds_validation():
    with pytest.raises(UsageError, match="swap"):
        DriftThresholds(warn=0.3, drift=0.2)
    with pytest.raises(UsageError, match="unknown drift threshold 'psi_alarm'"):
        DriftThresholds.from_mapping({"psi_alarm": 0.2})
    with pytest.raises(UsageError, match="metric"):
        DriftThresholds(metric="ks")
    with pytest.raises(UsageError, match="drift_share"):
        DriftThresholds(drift_share=0)
    assert DriftThresholds.from_mapping({"psi_warn": 0.2, "psi_drift": 0.4}).drift == 0.4
    workspace = {  # monitoring.drift of aipo.yaml, as the spec module dumps it
        "reference": "baseline",
        "current": "prod",
        "columns": [],
        "categorical": ["channel"],
        "psi_warn": 0.15,
        "psi_alert": 0.3,
        "drifted_share_alert": 0.5,
    }
    assert DriftThresholds.from_mapping(workspace) == DriftThresholds(0.15, 0.3, 0.5)
    with pytest.raises(UsageError, match="mapping"):
        DriftThresholds.from_mapping([0.1])


# ---------------------------------------------------------------------------- frozen reference


@pytest.fixture
def frames():
    rng = np.random.default_rng(11)
    n = 25_000
    ref = pd.DataFrame(
        {
            "amount": rng.lognormal(3, 1, n),
            "age": rng.integers(18, 90, n).astype(float),
            "channel": rng.choice(["mail", "phone", "chat"], n, p=[0.5, 0.3, 0.2]),
        }
    )
    ref.loc[::97, "amount"] = np.nan
    cur = pd.DataFrame(
        {
            "amount": rng.lognormal(3.2, 1, 8000),
            "age": rng.integers(18, 95, 8000).astype(float),
            "channel": rng.choice(["mail", "phone", "chat", "bot"], 8000),
        }
    )
    return ref, cur


def test_json_round_trip_gives_identical_results(frames, tmp_path):
    ref, cur = frames
    frozen = Reference.from_frame(ref, sketch_size=2000)
    path = tmp_path / "reference.json"
    frozen.to_json(path)
    again = Reference.load(path)
    a, b = drift(frozen, cur), drift(again, cur)
    assert a.to_dict() == b.to_dict()
    assert json.loads(json.dumps(a.to_dict())) == a.to_dict()
    assert again["amount"].values.tolist() == frozen["amount"].values.tolist()


def test_exact_reference_equals_frame_comparison(frames):
    ref, cur = frames
    frozen = Reference.from_frame(ref, sketch_size=None)
    assert frozen["amount"].exact
    from_frame = drift(ref, cur).to_dict()
    from_ref = drift(Reference.from_json(frozen.to_json()), cur).to_dict()
    assert from_ref == from_frame


def test_sketch_is_within_its_error_bounds(frames):
    ref, cur = frames
    exact = drift(ref, cur)
    sketch = drift(Reference.from_frame(ref, sketch_size=500), cur)
    for col in ("amount", "age"):
        e, s = exact[col], sketch[col]
        assert not s.exact and s.ks_error_bound > 0
        assert abs(s.ks - e.ks) <= s.ks_error_bound + 1e-12
        assert abs(s.wasserstein_raw - e.wasserstein_raw) <= s.w1_error_bound + 1e-9
        # binned statistics do not depend on the sketch
        assert (s.psi, s.js, s.ref_counts) == (e.psi, e.js, e.ref_counts)
    assert sketch["channel"].to_dict() == exact["channel"].to_dict()


def test_reference_keeps_all_values_when_small():
    ref = pd.DataFrame({"x": np.arange(300.0)})
    frozen = Reference.from_frame(ref)
    assert frozen["x"].exact and frozen["x"].values.size == 300
    assert frozen["x"].ks_error_bound == 0.0


def test_reference_columns_subset_and_missing(frames):
    ref, cur = frames
    frozen = Reference.from_frame(ref, ["age", "channel"])
    assert list(frozen.columns) == ["age", "channel"]
    assert [c.column for c in drift(frozen, cur, ["age"]).columns] == ["age"]
    with pytest.raises(DataError, match="'amount' is not in the reference"):
        drift(frozen, cur, ["amount"])
    with pytest.raises(DataError, match="'age' of the reference is missing from the current"):
        drift(frozen, cur.drop(columns="age"))


def test_bad_reference_json():
    with pytest.raises(DataError, match="not valid JSON"):
        Reference.from_json("{nope")
    with pytest.raises(DataError, match="not a drift reference"):
        Reference.from_json('{"a": 1}')
    with pytest.raises(DataError, match="version"):
        Reference.from_json('{"format": "aipo-drift-reference", "version": 99}')
    with pytest.raises(DataError, match="damaged"):
        Reference.from_json('{"format": "aipo-drift-reference", "version": 1, "columns": {}}')
    with pytest.raises(DataError, match="does not exist"):
        Reference.load("/nonexistent/ref.json")


# ---------------------------------------------------------------------------- results


def test_to_frame_and_to_dict(frames):
    ref, cur = frames
    rep = drift(ref, cur)
    df = rep.to_frame()
    assert list(df.index) == ["amount", "age", "channel"]
    assert df.index.name == "column"
    assert {"psi", "js", "ks", "ks_pvalue", "wasserstein", "chi2", "verdict"} <= set(df.columns)
    assert df.loc["amount", "psi"] == rep["amount"].psi
    assert df.loc["amount", "missing_ref"] == len(range(0, 25_000, 97))
    d = json.loads(json.dumps(rep.to_dict(), allow_nan=False))
    assert d["columns"][2]["unseen"] == {"bot": rep["channel"].unseen["bot"]}
    assert d["thresholds"]["drift"] == 0.25
    with pytest.raises(DataError, match="was not compared"):
        rep["nope"]


def test_threads_give_the_same_result(frames):
    ref, cur = frames
    assert drift(ref, cur, n_jobs=2).to_dict() == drift(ref, cur).to_dict()


def test_other_dtypes_are_skipped_and_listed():
    ref = pd.DataFrame({"x": [1.0, 2.0, 3.0], "t": pd.date_range("2026-01-01", periods=3)})
    rep = drift(ref, ref)
    assert [c.column for c in rep.columns] == ["x"]
    assert "t" in rep.skipped
    with pytest.raises(DataError, match="declare it with numeric"):
        drift(ref, ref, ["t"])


# ---------------------------------------------------------------------------- prediction drift


def test_prediction_drift_on_arrays_series_and_frames():
    rng = np.random.default_rng(2)
    s_ref, s_cur = rng.beta(2, 5, 3000), rng.beta(2.5, 5, 3000)
    r1 = prediction_drift(s_ref, s_cur)
    r2 = prediction_drift(pd.Series(s_ref), pd.Series(s_cur))
    r3 = prediction_drift(pd.DataFrame({"p": s_ref}), pd.DataFrame({"p": s_cur}), "p")
    assert r1.to_dict() | {"column": "p"} == r3.to_dict() == r2.to_dict() | {"column": "p"}
    assert r1.ks == ks_2samp(s_ref, s_cur).statistic
    frozen = Reference.from_frame(pd.DataFrame({"score": s_ref}))
    assert prediction_drift(frozen, s_cur).to_dict() == r1.to_dict()
    labels = prediction_drift(["spam", "ham"] * 100, ["spam"] * 140 + ["ham"] * 60)
    assert labels.kind == "categorical" and labels.verdict == "warn"
    as_cat = prediction_drift([0, 1] * 50, [1] * 100, kind="categorical")
    assert as_cat.kind == "categorical"


# ---------------------------------------------------------------------------- bad input


def test_bad_inputs_name_the_column_and_the_fix():
    ok = pd.DataFrame({"x": [1.0, 2.0], "s": ["a", "b"]})
    cases = [
        (
            lambda: drift(ok, ok.drop(columns="x"), ["x"]),
            DataError,
            "'x' is missing from the current frame",
        ),
        (
            lambda: drift(ok.drop(columns="x"), ok, ["x"]),
            DataError,
            "'x' is missing from the reference frame",
        ),
        (lambda: drift(ok.iloc[:0], ok), DataError, "reference frame is empty"),
        (lambda: drift(ok, ok.iloc[:0]), DataError, "current frame is empty"),
        (
            lambda: drift(ok, ok, numeric=["s"]),
            DataError,
            "'s' is declared numeric but has dtype .* pd.to_numeric",
        ),
        (
            lambda: drift(ok, ok.assign(x=["a", "b"]), ["x"]),
            DataError,
            "'x' is numeric in the reference but has dtype",
        ),
        (
            lambda: drift(ok, ok.assign(x=np.nan)),
            DataError,
            "'x' has no finite values in the current frame",
        ),
        (
            lambda: drift(ok.assign(s=None), ok),
            DataError,
            "'s' has no values in the reference frame",
        ),
        (lambda: drift([1, 2], ok), DataError, "must be a pandas DataFrame"),
        (lambda: drift(ok, ok, numeric=["x"], categorical=["x"]), UsageError, "both numeric"),
        (lambda: drift(ok, ok, bins=1), UsageError, "bins must be an integer >= 2"),
        (
            lambda: drift(Reference.from_frame(ok), ok, numeric=["x"]),
            UsageError,
            "cannot be used with a frozen Reference",
        ),
        (lambda: drift(ok, ok, smoothing=0), UsageError, "smoothing"),
        (lambda: drift(ok, pd.DataFrame({"y": [1]})), DataError, "no column in common"),
        (lambda: prediction_drift("abc", [1, 2]), DataError, "array-like"),
        (lambda: prediction_drift([1.0], [1.0], kind="ordinal"), UsageError, "kind"),
    ]
    for call, exc, pattern in cases:
        with pytest.raises(exc, match=pattern):
            call()
        assert issubclass(exc, AipoError)
