"""The gates of issue 17: a version change fails operate, a tuned acceptance fails, agreement."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from aipo_widgets.analysis.agreement import agreement
from aipo_widgets.analysis.genai_evidence import (
    candidate_comparison,
    gold_split,
    holdout,
    production_versions,
)
from aipo_widgets.analysis.monitored import Windows, production_source
from aipo_widgets.analysis.safety import rate
from aipo_widgets.evidence import Gate
from aipo_widgets.gates.genai import (
    accepted_version_gate,
    agreement_gate,
    comparison_gate,
    holdout_gate,
    rate_gate,
    version_gate,
)
from aipo_widgets.model.genai import DoubleReview, Limit
from aipo_widgets.model.schema import Workspace


def _ws(**evaluation) -> Workspace:
    return Workspace.model_validate({
        "product": {"name": "x", "owner": "y"},
        "data_map": {"sources": [
            {"id": "prod", "name": "P", "role": "production", "location": "prod.csv",
             "time_column": "created_at"},
            {"id": "gold", "name": "G", "role": "gold", "location": "gold.csv",
             "id_column": "ticket_id", "label_column": "label"},
            {"id": "log", "name": "L", "role": "experiment_log", "location": "log.csv",
             "cost_column": "cost", "latency_column": "ms"}]},
        "evaluation": evaluation})


ACCEPTED = {"versions": {"prompt_version": "v3", "model": "medium-2026-05"},
            "accepted_on": "2026-09-18"}


def _log(tmp_path, versions: list[str]) -> None:
    days = [dt.date(2026, 11, 10) + dt.timedelta(d) for d in range(len(versions))]
    pd.DataFrame({"created_at": [f"{d}T09:00:00" for d in days for _ in range(10)],
                  "prompt_version": [v for v in versions for _ in range(10)],
                  "model": "medium-2026-05"}).to_csv(tmp_path / "prod.csv", index=False)


def _version_gate(tmp_path, as_of: dt.date) -> Gate:
    ws = _ws(accepted=ACCEPTED)
    found, window, problem = production_versions(ws, Windows(tmp_path, as_of),
                                                 production_source(ws), 7)
    return version_gate(found, window, ws, problem=problem)


def test_a_version_change_in_the_production_log_fails_the_operate_gate(tmp_path):
    _log(tmp_path, ["v3"] * 7 + ["v3.1"] * 3)  # 2026-11-10 .. 19; v3.1 from 2026-11-17
    gate = _version_gate(tmp_path, dt.date(2026, 11, 19))
    assert gate.verdict == "fail"
    assert "v3.1 / medium-2026-05 runs since 2026-11-17" in gate.detail
    assert gate.figure == 30 and gate.extra["window"]["start"] == "2026-11-13"
    # a window before the change passes, on its measured rows
    before = _version_gate(tmp_path, dt.date(2026, 11, 16))
    assert before.verdict == "pass" and before.provenance.rows == 70


def test_no_accepted_version_or_no_version_column_never_passes(tmp_path):
    _log(tmp_path, ["v3"] * 7)
    ws = _ws()
    found, window, problem = production_versions(ws, Windows(tmp_path, dt.date(2026, 11, 16)),
                                                 production_source(ws), 7)
    assert version_gate(found, window, ws, problem=problem).verdict == "warn"
    pd.read_csv(tmp_path / "prod.csv").drop(columns="model").to_csv(tmp_path / "prod.csv",
                                                                    index=False)
    gate = _version_gate(tmp_path, dt.date(2026, 11, 16))
    assert gate.verdict == "warn" and "no column model" in gate.detail


def _gold_and_log(tmp_path, *, tune_on_test: bool):
    gold = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(40)], "label": "correct"})
    split = pd.DataFrame({"ticket_id": gold.ticket_id,
                          "split": ["dev"] * 20 + ["test"] * 20})
    split.to_csv(tmp_path / "split.csv", index=False)
    tuned = gold.ticket_id[20:] if tune_on_test else gold.ticket_id[:20]
    rows = [{"prompt_version": v, "model": "m", "ticket_id": t, "purpose": "tune",
             "label": "correct", "cost": 0.001, "ms": 2000} for v in ("v1", "v2")
            for t in tuned]
    rows += [{"prompt_version": v, "model": "m", "ticket_id": t, "purpose": "accept",
              "label": "correct" if (v == "v3" or i % 3) else "minor_error", "cost": 0.001,
              "ms": 2000} for v in ("v1", "v3") for i, t in enumerate(gold.ticket_id[20:])]
    ws = _ws(split={"source": "gold", "file": "split.csv"},
             candidates={"source": "log", "item_column": "ticket_id",
                         "outcome_column": "label",
                         "outcomes": {"correct_share": ["correct"]}},
             accepted={"versions": {"prompt_version": "v3", "model": "m"}})
    return ws, gold, {"log": pd.DataFrame(rows)}


@pytest.mark.parametrize("tune_on_test", [True, False])
def test_an_acceptance_on_tuned_items_fails(tmp_path, tune_on_test):
    ws, gold, frames = _gold_and_log(tmp_path, tune_on_test=tune_on_test)
    split, problem = gold_split(tmp_path, ws, gold)
    assert problem == ""
    check, why = holdout(ws, frames, split)
    gate = holdout_gate(check, declared=True, problem=why)
    if tune_on_test:
        assert gate.verdict == "fail"
        assert "20 of the 20 items v3 / m was accepted on were seen while tuning" in gate.detail
    else:
        assert gate.verdict == "pass" and gate.figure == 0
    comparison, _ = candidate_comparison(ws, frames, split, n_boot=200)
    assert comparison.reference == "v3 / m" and comparison.comparisons == 1
    assert comparison_gate(comparison, ws).verdict == "pass"  # v1 is worse, not better


def test_no_split_warns_and_a_split_missing_items_says_which(tmp_path):
    ws, gold, _ = _gold_and_log(tmp_path, tune_on_test=False)
    assert holdout_gate(None, declared=False).verdict == "warn"
    pd.read_csv(tmp_path / "split.csv").head(30).to_csv(tmp_path / "split.csv", index=False)
    split, problem = gold_split(tmp_path, ws, gold)
    assert split is None and "10 gold items are in neither part" in problem


def test_agreement_below_the_floor_fails_and_above_passes():
    agree = pd.DataFrame({"item": [i for i in range(60) for _ in (0, 1)],
                          "reviewer": ["A", "B"] * 60,
                          "label": [x for i in range(60) for x in
                                    (("ok", "ok") if i % 5 else ("bad", "bad"))]})
    noisy = agree.assign(label=[("ok" if (i // 2) % 3 else "bad") if i % 2 else lab
                                for i, lab in enumerate(agree.label)])
    spec = DoubleReview(source="double", min_agreement=0.667)
    good = agreement_gate(agreement(agree, item="item", reviewer="reviewer", label="label",
                                    n_boot=200), spec)
    bad = agreement_gate(agreement(noisy, item="item", reviewer="reviewer", label="label",
                                   n_boot=200), spec)
    assert good.verdict == "pass" and good.provenance.rows == 60
    assert bad.verdict == "fail" and "do not agree enough" in bad.detail
    assert agreement_gate(None, spec, problem="gone").verdict == "fail"


def test_rates_gate_on_their_bound_and_acceptance_records_versions():
    r = rate("attack success rate", 0, 40)
    assert rate_gate(r, Limit(max=0.05), "s").verdict == "pass"
    assert rate_gate(r, Limit(max=0.05, bound="ci_high"), "s").verdict == "fail"
    assert rate_gate(rate("x", 0, 0), Limit(max=0.05), "s").verdict == "warn"
    # a measured rate with no criterion is no pass
    unlimited = rate_gate(r, None, "evaluation.safety.attack_success")
    assert unlimited.verdict == "warn" and unlimited.figure == 0
    assert ("no limit in aipo.yaml: add evaluation.safety.attack_success"
            in unlimited.detail), unlimited.detail
    ws = _ws()
    passed = [Gate("AC1", "pass")]
    assert accepted_version_gate(ws, passed, "v3 / m").verdict == "warn"
    ws = _ws(accepted={"versions": {"prompt_version": "v3", "model": "m"}})
    assert accepted_version_gate(ws, passed, "v3 / m").verdict == "pass"
    assert accepted_version_gate(ws, passed, "v4 / m").verdict == "fail"
    assert accepted_version_gate(ws, [Gate("AC1", "fail")], "v3 / m").verdict == "warn"
    assert accepted_version_gate(ws, [Gate("AC2", "warn")], "v3 / m").verdict == "pass"


def test_the_schema_refuses_a_split_given_two_ways_and_unknown_sources():
    from aipo_widgets.model.references import check_references

    with pytest.raises(ValueError, match="either file"):
        _ws(split={"source": "gold", "file": "s.csv", "test_share": 0.5})
    problems = check_references(_ws(double_review={"source": "nowhere"}))
    assert any("nowhere" in str(p) for p in problems)


def test_a_judge_is_compared_with_the_gold_labels_and_the_adjudicated_ones():
    from sklearn.metrics import cohen_kappa_score

    from aipo_widgets.analysis.genai_evidence import judge_agreement

    gold = pd.DataFrame({"ticket_id": [f"T{i}" for i in range(40)],
                         "label": ["correct"] * 30 + ["minor_error"] * 10})
    final = pd.DataFrame({"ticket_id": ["T0"], "reviews": [2], "labels": ["a / b"],
                          "agreed": [False], "final_label": ["minor_error"],
                          "decided_by": ["adjudication"]})
    judge = pd.DataFrame({"ticket_id": gold.ticket_id,
                          "judge_label": ["correct"] * 28 + ["minor_error"] * 12})
    ws = Workspace.model_validate({
        "product": {"name": "x", "owner": "y"},
        "data_map": {"sources": [
            {"id": "gold", "name": "G", "role": "gold", "id_column": "ticket_id",
             "label_column": "label"},
            {"id": "judge", "name": "J", "id_column": "ticket_id"}]},
        "evaluation": {"judge": {"source": "judge", "min_agreement": 0.5}}})
    res, problem = judge_agreement(ws, {"judge": judge}, final, gold=gold, n_boot=100)
    people = ["minor_error"] + ["correct"] * 29 + ["minor_error"] * 10  # T0 adjudicated
    assert problem == "" and res.items == 40
    assert res.kappa == pytest.approx(cohen_kappa_score(people, judge.judge_label))
    gate = agreement_gate(res, ws.evaluation.judge, name="judge agrees with the reviewers",
                          path="evaluation.judge")
    assert gate.provenance.note == "items both the people and the judge labelled"


def test_a_production_window_without_calls_warns_and_names_the_window(tmp_path):
    _log(tmp_path, ["v3"] * 7)  # 2026-11-10 .. 16: nothing in the week to 2026-12-30
    gate = _version_gate(tmp_path, dt.date(2026, 12, 30))
    assert gate.verdict == "warn", gate
    assert "no calls in the window" in gate.detail and "2026-12-2" in gate.detail
