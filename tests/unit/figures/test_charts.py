"""The evidence charts: drift per column, the business case's spread, intervals, budgets, trends.

Each picture is valid SVG, draws one mark per datum, writes its numbers formatted (rounded
ticks, no raw float) and says in words when it has nothing to draw.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest

from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.analysis.drift import drift
from aipo_widgets.analysis.fairness import group_metrics
from aipo_widgets.examples import example_yaml
from aipo_widgets.figures import (
    cost_latency_svg,
    drift_svg,
    fairness_svg,
    intervals_svg,
    npv_svg,
    pilot_svg,
    trends_svg,
)
from aipo_widgets.figures._axes import nice_ticks
from aipo_widgets.figures.business_case import business_case_svg
from aipo_widgets.model.schema import DataSource
from aipo_widgets.model.workspace import validate_text
from aipo_widgets.notebook.experiments import budget_view

SVG = "{http://www.w3.org/2000/svg}"
NUMBER = re.compile(r"\d[\d,]*\.\d+")


def raw_float(text: str) -> bool:
    """Whether ``text`` holds a number with more than three significant digits after its point."""
    for m in NUMBER.finditer(text):
        digits = m.group().replace(",", "").replace(".", "").lstrip("0")
        if len(digits) > 3:
            return True
    return False


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def marks(root: ET.Element, tag: str, cls: str) -> int:
    return sum(1 for e in root.iter(f"{SVG}{tag}") if e.get("class") == cls)


def assert_formatted(root: ET.Element) -> None:
    for t in texts(root):
        assert not raw_float(t), t
        assert "nan" not in t.lower().split() and "None" not in t, t


@pytest.fixture(scope="module")
def support():
    wf, problems = validate_text(example_yaml("support-summaries").decode())
    assert not problems
    return wf.workspace


@pytest.mark.parametrize(("lo", "hi"), [(0, 0.27), (-1234567, 2345678), (0.0001, 0.00042),
                                        (5, 5), (13.57, 13.569999999999999), (-3, -1)])
def test_ticks_are_round_and_cover_the_range(lo, hi):
    ticks = nice_ticks(lo, hi)
    assert ticks[0] <= min(lo, hi) and ticks[-1] >= max(lo, hi)
    assert 2 <= len(ticks) <= 9
    step = ticks[1] - ticks[0]
    mantissa = step / 10 ** np.floor(np.log10(step))
    assert round(mantissa, 6) in (1, 2, 5, 10)


def test_drift_draws_each_columns_bins_with_its_verdict():
    rng = np.random.default_rng(1)
    ref = pd.DataFrame({"temperature": rng.normal(60, 5, 2000),
                        "site": rng.choice(["north", "south"], 2000)})
    cur = pd.DataFrame({"temperature": rng.normal(66, 5, 800),
                        "site": rng.choice(["north", "south", "<unseen & new>"], 800,
                                           p=[0.5, 0.499, 0.001])})
    report = drift(ref, cur).to_dict()
    root = parse(drift_svg(report, history={"temperature": [0.0123456, 0.05]}))
    bins = sum(len(c["bins"]) for c in report["columns"])
    assert marks(root, "rect", "ref") == marks(root, "rect", "cur") == bins
    found = texts(root)
    assert "temperature" in found and "DRIFT" in found and "ok" in found
    assert any(t.startswith("PSI over runs: 0.0123, 0.05, now ") for t in found)
    assert_formatted(root)
    # the drifted column comes first
    assert found.index("temperature") < found.index("site")


def test_drift_without_columns_says_so():
    root = parse(drift_svg({"columns": []}))
    assert any("No column was compared" in t for t in texts(root))


def test_business_case_band_and_npv_distribution(support):
    case = analyse(support.business_case, n=2000)
    view = case.to_view()
    band = view["monte_carlo"]["band"]
    assert len(band["p10"]) == len(view["scenarios"]["realistic"]["cumulative"])
    assert all(a <= b <= c for a, b, c in zip(band["p10"], band["p50"], band["p90"],
                                              strict=True))
    root = parse(business_case_svg(view))
    assert sum(1 for _ in root.iter(f"{SVG}polygon")) == 1
    assert "Monte Carlo P10 to P90" in texts(root)
    assert_formatted(root)
    hist = view["monte_carlo"]["histogram"]
    assert sum(hist["counts"]) == 2000
    root = parse(npv_svg(view))
    assert marks(root, "rect", "bin") == len(hist["counts"])
    found = texts(root)
    for key in ("P10", "P50", "P90"):
        assert any(t.startswith(f"{key} ") and t.endswith(" EUR") for t in found), key
    assert_formatted(root)
    no_mc = case.to_view(monte_carlo=False)
    assert "No Monte Carlo simulation" in " ".join(texts(parse(npv_svg(no_mc))))
    assert sum(1 for _ in parse(business_case_svg(no_mc)).iter(f"{SVG}polygon")) == 0


def test_fairness_draws_a_dot_and_interval_per_group_and_the_gap_limit():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, 600)
    s = np.clip(0.3 * y + rng.random(600) * 0.7, 0, 1)
    g = np.where(rng.random(600) < 0.5, "a", np.where(rng.random(600) < 0.9, "b", "tiny"))
    gm = group_metrics(label=y, score=s, groups=g, metrics=["recall", "precision"], n_boot=100,
                       seed=0, min_group_size=40)
    root = parse(fairness_svg(gm.to_dict(), metrics=["recall"], max_difference=0.1,
                              names={"recall": "Failures caught"}))
    assert marks(root, "circle", "estimate") == 3
    assert marks(root, "line", "interval") == 3
    found = texts(root)
    assert "gap limit: lowest group + 10 points" in found
    assert "Failures caught (recall)" in found  # the metric in words, its name beside
    assert any("too few to rank" in t for t in found)
    assert_formatted(root)
    assert "No group to compare" in " ".join(texts(parse(fairness_svg({"by_group": {}}))))


def test_intervals_with_missing_values_say_not_measured():
    root = parse(intervals_svg([{"title": "x", "rows": [
        {"label": "g", "value": None, "low": None, "high": None}]}], title="t"))
    assert marks(root, "circle", "estimate") == 0
    assert "not measured" in texts(root)


def test_pilot_effect_against_its_target():
    root = parse(pilot_svg([{"name": "Handling time", "value": 0.2741234, "low": 0.2389,
                             "high": 0.30912, "target": 0.25, "note": "controlled"}]))
    assert marks(root, "circle", "estimate") == 1 and marks(root, "line", "interval") == 1
    found = texts(root)
    assert "target 25%" in found and "+27.4%  (+23.9% to +30.9%)" in found
    assert_formatted(root)
    assert "No pilot effect measured" in " ".join(texts(parse(pilot_svg([]))))


def test_cost_latency_from_the_experiment_logs_variants(support):
    table = pd.DataFrame({"variant": ["v1", "v2"], "model": ["large", "small"],
                          "calls": [100, 120], "cost_per_use": [0.0177123, 0.000872],
                          "latency_p50_ms": [9000.0, 1500.0],
                          "latency_p95_ms": [15462.3, 2162.0],
                          "last_run": pd.to_datetime(["2026-03-01", "2026-05-01"])})
    source = DataSource.model_validate({"id": "log", "name": "log", "role": "experiment_log",
                                        "group_columns": ["variant", "model"]})
    view = budget_view(support, table, source)
    assert view["latency"] == "latency_p95_ms" and view["variants"][-1]["latest"]
    root = parse(cost_latency_svg(view))
    assert marks(root, "circle", "variant") == 2
    found = texts(root)
    assert "1  v1 / large" in found and "over budget" in found and "under test" in found
    assert any(t.startswith("cost budget ") and t.endswith(" EUR") for t in found)
    assert_formatted(root)
    empty = cost_latency_svg({"currency": "EUR", "variants": [{"name": "v1"}]})
    assert "No cost and latency per variant" in " ".join(texts(parse(empty)))


def test_trends_label_their_values():
    series = [{"name": "Expected NPV", "unit": "EUR", "points": [
        {"label": f"run {i}", "value": v} for i, v in enumerate([1.2e6, 9.768203333333334e5,
                                                                  1.5e6])]},
              {"name": "nothing yet", "points": [{"label": "r", "value": None}]}]
    root = parse(trends_svg(series))
    assert marks(root, "circle", "point") == 3
    found = texts(root)
    assert {"1,200,000 EUR", "976,820 EUR", "1,500,000 EUR"} <= set(found)
    assert "nothing yet" not in found
    assert_formatted(root)
    many = [{"name": "psi", "points": [{"label": str(i), "value": i / 100} for i in range(20)]}]
    labelled = [t for t in texts(parse(trends_svg(many))) if t in {f"{i / 100:g}"
                                                                    for i in range(20)}]
    assert len(labelled) <= 6  # first, last, lowest, highest (and the ticks)
    assert "No run recorded yet" in " ".join(texts(parse(trends_svg([]))))
