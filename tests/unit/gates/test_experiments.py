"""The gates of the experiments, without a kernel: representativeness, acceptance criteria,
threshold, fairness, budgets and the continue / stop decision."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from aipo_widgets.analysis.evaluation import evaluate_classification
from aipo_widgets.analysis.fairness import group_metrics
from aipo_widgets.analysis.thresholds import optimal_threshold
from aipo_widgets.evidence import Gate, Provenance
from aipo_widgets.gates.experiments import (
    acceptance_gates,
    budget_gates,
    choose_threshold,
    continue_or_stop,
    fairness_gates,
    production_mix,
    representativeness_columns,
    representativeness_gate,
    threshold_gate,
)
from aipo_widgets.model.schema import DataSource, Workspace


def make_ws(**sections) -> Workspace:
    return Workspace.model_validate({"product": {"name": "x", "owner": "y"}, **sections})


GOLD = DataSource(id="gold", name="Gold", role="gold", label_column="y", score_column="s",
                  id_column="id", group_columns=["plant"])
# Hand-computed: with c_fn=10, c_fp=1 flagging score >= 0.4 catches all three positives with
# one false alarm (0.7): cost 1, the least of all thresholds; >= 0.8 misses one: cost 10.
LABELS = [1, 1, 1, 0, 0, 0, 0, 0]
SCORES = [0.9, 0.8, 0.4, 0.7, 0.3, 0.2, 0.1, 0.05]


def gold_frame() -> pd.DataFrame:
    return pd.DataFrame({"id": range(8), "y": LABELS, "s": SCORES, "plant": list("NNNNSSSS"),
                         "words": [10, 12, 9, 11, 10, 12, 9, 11], "text": ["t"] * 8})


# --------------------------------------------------------------------------------------------
# the gold set against production


def test_representativeness_columns_skip_label_score_id_and_text() -> None:
    gold = gold_frame()
    assert representativeness_columns(gold, gold.copy(), GOLD) == ["plant", "words"]
    assert representativeness_columns(gold, gold[["id", "y", "s"]], GOLD) == ["plant"]


def test_a_gold_set_like_production_passes_and_a_shifted_one_does_not() -> None:
    rng = np.random.default_rng(0)
    gold = pd.DataFrame({"words": rng.normal(100, 10, 2000)})
    gate, report = representativeness_gate(gold, pd.DataFrame(
        {"words": rng.normal(100, 10, 2000)}), ["words"])
    assert gate.verdict == "pass" and report is not None
    gate, _ = representativeness_gate(gold, pd.DataFrame(
        {"words": rng.normal(130, 10, 2000)}), ["words"])
    assert gate.verdict != "pass"
    assert gate.detail.endswith("extend the gold set with recent production cases before "
                                "trusting its figures")


def test_no_shared_column_warns_without_a_report() -> None:
    gate, report = representativeness_gate(pd.DataFrame({"a": [1]}), pd.DataFrame({"b": [1]}),
                                           ["a", "b"])
    assert (gate.verdict, gate.figure, report) == ("warn", "no shared columns", None)


# --------------------------------------------------------------------------------------------
# acceptance criteria

TREE = {"root": "rec", "nodes": [
    {"id": "rec", "name": "Recall", "eval_metric": "recall"},
    {"id": "lat", "name": "Latency", "parent": "rec"}]}
CRITERIA = [{"id": "AC1", "metric": "rec", "operator": ">=", "value": 0.7},
            {"id": "AC2", "metric": "lat", "operator": "<=", "value": 100}]


def test_criteria_on_the_gold_set_and_on_the_variant_under_test() -> None:
    ws = make_ws(metric_tree=TREE, acceptance_criteria=CRITERIA)
    evaluation = evaluate_classification(label=LABELS, score=SCORES, threshold=0.4, n_boot=0)
    defined, *gates = acceptance_gates(ws, evaluation, {"lat": 120.0})
    assert (defined.name, defined.verdict, defined.figure) == (
        "acceptance criteria defined", "pass", 2)
    assert [(g.verdict, g.figure) for g in gates] == [("pass", 1.0), ("fail", 120.0)]
    assert gates[1].source == "acceptance_criteria[AC2]"
    assert gates[1].detail == "lat is 120, needs lat <= 100"


def test_without_a_gold_set_only_the_operational_criteria_are_checked() -> None:
    ws = make_ws(metric_tree=TREE, acceptance_criteria=CRITERIA)
    _, gate = acceptance_gates(ws, None, {})
    assert (gate.source, gate.verdict, gate.detail) == (
        "acceptance_criteria[AC2]", "fail", "lat was not measured")


def test_an_operational_criterion_says_where_its_figure_was_or_would_be_measured() -> None:
    # Issue 13: the figure's provenance travels with the gate; a missing one names its source.
    from aipo_widgets.analysis.measure import measured_provenance

    tree = {**TREE, "nodes": [TREE["nodes"][0], {**TREE["nodes"][1],
                                                  "measure": {"column": "ms"}}]}
    ws = make_ws(metric_tree=tree, acceptance_criteria=CRITERIA)
    missing = measured_provenance(ws, {}, None, ["experiment_log"])
    _, gate = acceptance_gates(ws, None, {}, missing)
    assert gate.verdict == "fail" and gate.provenance.kind == "missing"
    assert "column 'ms' of a data source with role experiment_log" in gate.detail
    seen = Provenance.measured("log", rows=40)
    _, gate = acceptance_gates(ws, None, {"lat": 90.0}, {"lat": seen})
    assert (gate.verdict, gate.provenance) == ("pass", seen)


def test_no_acceptance_criteria_fails_the_experiments_and_says_where_to_add_them() -> None:
    # Before issue 13 a workspace without criteria checked nothing, and nothing failed.
    ws = make_ws(metric_tree=TREE)
    evaluation = evaluate_classification(label=LABELS, score=SCORES, threshold=0.4, n_boot=0)
    (gate,) = acceptance_gates(ws, evaluation, {})
    assert (gate.name, gate.verdict, gate.source) == (
        "acceptance criteria defined", "fail", "acceptance_criteria")
    assert "Add acceptance_criteria to aipo.yaml" in gate.detail
    decision = continue_or_stop([Gate("gold set available", "pass"), gate])
    assert (decision.verdict, decision.figure) == ("fail", "stop or rework")


# --------------------------------------------------------------------------------------------
# the threshold


COSTS = {"threshold_costs": {"c_fn": 10, "c_fp": 1}}


def test_the_decided_threshold_is_compared_with_the_cost_optimum() -> None:
    ws = make_ws(settings=COSTS, decisions=[
        {"id": "D1", "date": "2026-10-01", "title": "t", "threshold": 0.8}])
    choice = choose_threshold(ws, gold_frame(), GOLD)
    assert choice is not None
    assert (choice.best.threshold, choice.best.total_cost, choice.decided) == (0.4, 1.0, 0.8)
    assert (choice.gate.verdict, choice.gate.figure) == ("warn", 9.0)  # (10 - 1) / 1
    assert choice.figures() == {"optimal_threshold": 0.4, "decided_threshold": 0.8,
                                "elkan_p_star": choice.best.p_star}
    assert choice.labels.tolist() == LABELS and choice.scores.tolist() == SCORES


def test_an_enriched_gold_set_moves_the_optimum_to_the_production_mix() -> None:
    # The gold set has 3 positives in 8; production 5 %. A positive then weighs 0.05·8/3, a
    # negative 0.95·8/5 = 1.52: flagging >= 0.4 costs one false alarm, 1.52; flagging >= 0.8
    # misses one positive, 10·0.05·8/3 = 1.33, now the cheaper one.
    enriched = GOLD.model_copy(update={"production_prevalence": 0.05})
    ws = make_ws(settings=COSTS, decisions=[
        {"id": "D1", "date": "2026-10-01", "title": "t", "threshold": 0.8}])
    choice = choose_threshold(ws, gold_frame(), enriched)
    assert choice is not None
    assert choice.best.threshold == 0.8
    assert choice.best.total_cost == pytest.approx(10 * 0.05 * 8 / 3)
    assert (choice.best.precision, choice.best.raw_precision) == (1.0, 1.0)
    assert (choice.gate.verdict, choice.gate.figure) == ("pass", 0.0)


def test_threshold_gate_passes_near_the_optimum_and_warns_without_a_decision() -> None:
    best = optimal_threshold(LABELS, SCORES, c_fn=10, c_fp=1)
    costs = {"c_fn": 10.0, "c_fp": 1.0}
    assert threshold_gate(best, 0.35, LABELS, SCORES, costs).verdict == "pass"
    gate = threshold_gate(best, None, LABELS, SCORES, costs)
    assert (gate.name, gate.verdict, gate.figure) == ("operating threshold decided", "warn", 0.4)


@pytest.mark.parametrize("case", ["no costs", "no score", "no gold"])
def test_nothing_to_choose(case: str) -> None:
    ws = make_ws() if case == "no costs" else make_ws(settings=COSTS)
    source = GOLD.model_copy(update={"score_column": None}) if case == "no score" else GOLD
    gold = None if case == "no gold" else gold_frame()
    assert choose_threshold(ws, gold, source) is None


# --------------------------------------------------------------------------------------------
# fairness


def test_a_gap_between_groups_warns_and_says_how_to_make_it_hard() -> None:
    n = 200
    frame = pd.DataFrame({"plant": ["N"] * n + ["S"] * n, "y": [1, 0] * n,
                          # recall 1 in plant N, 0.5 in plant S
                          "s": [0.9, 0.1] * (n // 2) + [0.9, 0.1] * (n // 4)
                          + [0.2, 0.1] * (n // 4)})
    fair = group_metrics(frame, groups="plant", label="y", score="s")
    ws = make_ws(metric_tree=TREE, acceptance_criteria=CRITERIA)
    assert fair.gates(max_difference=0.1, metrics=["recall"])[0].verdict == "fail"
    # Only the metric the acceptance criteria use is judged, and a gap warns.
    (gate,) = fairness_gates(ws, fair, max_difference=0.1)
    assert (gate.name, gate.verdict, gate.figure) == (
        "recall difference between groups", "warn", 0.5)
    assert gate.detail.endswith("add an acceptance criterion with 'group:' so that each "
                                "group must pass")
    # Without criteria on the gold set every metric is judged.
    assert len(fairness_gates(make_ws(), fair)) == len(fair.metrics)


# --------------------------------------------------------------------------------------------
# budgets and the decision


def test_budgets_are_checked_on_the_latest_variant() -> None:
    log = pd.DataFrame({"model": ["small", "small", "large", "large"], "at": [1, 2, 3, 4],
                        "eur": [0.01, 0.01, 0.05, 0.03], "ms": [100, 300, 200, 400]})
    source = DataSource(id="log", name="Log", role="experiment_log", group_columns=["model"],
                        time_column="at", cost_column="eur", latency_column="ms")
    ws = make_ws(budgets={"cost_per_use": 0.02, "latency_p50_ms": 500})
    table, gates = budget_gates(ws, log, source)
    assert table["model"].tolist() == ["small", "large"]  # ordered by last run
    assert table["calls"].tolist() == [2, 2]
    assert [(g.name, g.verdict, g.figure) for g in gates] == [
        ("cost per use within budget (large)", "fail", 0.04),
        ("latency p50 ms within budget (large)", "pass", 300.0)]


@pytest.mark.parametrize(("verdicts", "expected"), [
    (["pass", "pass"], ("pass", "continue to rollout", "every gate passed (2)")),
    # Warnings are counted: never "every gate passed" above a list of warnings (issue 13, 8).
    (["pass", "warn"], ("warn", "continue to rollout", "continue, with 1 warning: g1")),
    (["warn", "fail"], ("fail", "stop or rework", "failed: g1; and 1 warning: g0")),
])
def test_continue_or_stop(verdicts, expected) -> None:
    decision = continue_or_stop([Gate(f"g{i}", v) for i, v in enumerate(verdicts)])
    assert (decision.verdict, decision.figure, decision.detail) == expected


def test_an_enriched_gold_set_is_compared_with_production_at_the_production_mix() -> None:
    # Positives score higher on 'signal': an enriched gold set (half positives) looks shifted
    # against production (2 % positives) unless it is compared at the production mix.
    rng = np.random.default_rng(1)
    y = np.r_[np.ones(1000, int), np.zeros(1000, int)]
    gold = pd.DataFrame({"y": y, "signal": rng.normal(np.where(y == 1, 3.0, 0.0), 1)})
    py = (rng.random(5000) < 0.02).astype(int)
    production = pd.DataFrame({"signal": rng.normal(np.where(py == 1, 3.0, 0.0), 1)})
    source = DataSource(id="g", name="Gold", role="gold", label_column="y", score_column="s",
                        production_prevalence=0.02)
    raw, _ = representativeness_gate(gold, production, ["signal"])
    mixed = production_mix(gold, source)
    assert int(mixed["y"].sum()) == 20 and len(mixed) == 1020
    fair, _ = representativeness_gate(mixed, production, ["signal"])
    assert raw.verdict != "pass" and fair.verdict == "pass"
    plain = DataSource(id="g", name="Gold", role="gold", label_column="y")
    assert production_mix(gold, plain) is gold
