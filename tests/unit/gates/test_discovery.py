"""The gates of discovery, without a kernel: hypotheses, baselines, data map, compliance, risks,
metric tree and business case."""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import pandas as pd
import pytest

from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.analysis.measure import MEASURED_COLUMNS
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.analysis.risk import Register
from aipo_widgets.gates.discovery import (
    baseline_gates,
    business_case_gates,
    compliance_gates,
    data_rights_gates,
    hypothesis_gates,
    lawful_basis_gates,
    pii_scan,
    risk_gates,
    tree_gates,
)
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import load_workspace

AS_OF = dt.date(2026, 12, 1)


def make_ws(**sections) -> Workspace:
    return Workspace.model_validate({"product": {"name": "x", "owner": "y"}, **sections})


def example(name: str) -> Workspace:
    return load_workspace(str(files("aipo_widgets.examples") / name / "aipo.yaml"))


TREE = {"root": "t", "nodes": [
    {"id": "t", "name": "Handling time", "designation": "input", "baseline": 18.4,
     "target": 13.8},
    {"id": "q", "name": "Quality", "parent": "t", "designation": "guardrail"}]}


# --------------------------------------------------------------------------------------------
# hypotheses and baselines


def test_a_complete_hypothesis_passes_and_takes_the_baseline_from_its_node() -> None:
    ws = make_ws(metric_tree=TREE, value_hypotheses=[
        {"id": "H1", "statement": "s", "metric": "t", "target": 13.8},
        {"id": "H2", "statement": "s", "metric": "t"},
        {"id": "H3", "statement": "s"}])
    gates = hypothesis_gates(ws)
    assert [(g.name, g.verdict, g.figure) for g in gates] == [
        ("H1 has a metric, baseline and target", "pass", "complete"),
        ("H2 has a metric, baseline and target", "fail", "target"),
        ("H3 has a metric, baseline and target", "fail", "metric, baseline, target")]
    assert gates[1].detail.startswith("missing: target.")
    assert [g.source for g in gates] == [f"value_hypotheses[{i}]" for i in range(3)]


def test_no_hypothesis_fails() -> None:
    (gate,) = hypothesis_gates(make_ws())
    assert (gate.name, gate.verdict, gate.figure) == ("value hypotheses stated", "fail", 0)


def measured(**row) -> pd.DataFrame:
    base = {"metric": "t", "name": "Handling time", "unit": "min", "source": "b",
            "stat": "mean", "value": 18.0, "ci_low": 17.0, "ci_high": 19.0, "n": 100,
            "declared": None, "agrees": True}
    return pd.DataFrame([{**base, **row}], columns=MEASURED_COLUMNS)


def test_baseline_measured_but_not_declared_warns_with_the_value_to_set() -> None:
    (gate,) = baseline_gates(measured())
    assert (gate.verdict, gate.figure, gate.ci) == ("warn", 18.0, (17.0, 19.0))
    assert gate.detail == "set metric_tree baseline of t to 18 (measured in b)"


@pytest.mark.parametrize(("declared", "agrees", "verdict"),
                         [(18.4, True, "pass"), (25.0, False, "warn")])
def test_declared_baseline_is_compared_with_the_interval(declared, agrees, verdict) -> None:
    (gate,) = baseline_gates(measured(declared=declared, agrees=agrees))
    assert gate.verdict == verdict
    assert gate.threshold == f"aipo.yaml: {declared:g}"
    assert ("the data say 18 [17, 19]" in gate.detail) is (verdict == "warn")


# --------------------------------------------------------------------------------------------
# the data map


SOURCES = [
    {"id": "tickets", "name": "Tickets", "role": "baseline", "personal_data": False},
    {"id": "crm", "name": "CRM", "role": "baseline", "personal_data": True,
     "lawful_basis": "contract"},
    {"id": "health", "name": "Health notes", "role": "baseline", "personal_data": True,
     "lawful_basis": "consent", "special_categories": ["health"]},
    {"id": "web", "name": "Web log", "role": "baseline", "personal_data": True},
]


def test_personal_data_found_in_a_source_declared_without_it_fails() -> None:
    ws = make_ws(data_map={"sources": SOURCES})
    frames = {"tickets": pd.DataFrame({"text": [f"mail me at jana.keller{i}@example.org"
                                                for i in range(20)]}),
              "crm": pd.DataFrame({"n": range(20)})}
    table, gates = pii_scan(ws, frames, sample=None)
    assert [(g.name, g.verdict) for g in gates] == [
        ("personal data in tickets declared", "fail"), ("personal data in crm declared", "pass")]
    assert gates[0].figure == "text" and gates[1].figure == "none found"
    assert gates[0].source == "data_map.sources[tickets].personal_data"
    assert table["source"].tolist() == ["tickets"]
    assert "jana.keller" not in " ".join(table["examples"])  # masked examples only


def test_every_personal_data_source_needs_a_lawful_basis() -> None:
    gates = lawful_basis_gates(make_ws(data_map={"sources": SOURCES}))
    assert [(g.name, g.verdict) for g in gates] == [
        ("lawful basis for crm", "pass"), ("lawful basis for health", "pass"),
        ("lawful basis for web", "fail")]
    assert "Art 9(2) condition" in gates[1].detail
    assert gates[2].figure == "none"


# --------------------------------------------------------------------------------------------
# compliance, risks, tree, business case


def test_an_unanswered_questionnaire_takes_the_strict_branch() -> None:
    ws = make_ws()
    gates = {g.name: g for g in compliance_gates(ws, classify_workspace(ws, as_of=AS_OF))}
    assert gates["no prohibited practice (AI Act Art 5)"].verdict == "fail"
    assert gates["DPIA decision recorded"].verdict == "fail"
    assert "the screening says" in gates["DPIA decision recorded"].detail
    assert gates["AI Act questionnaire answered"].verdict == "warn"


def test_the_support_example_is_not_prohibited_and_has_its_dpia_decision() -> None:
    ws = example("support_summaries")
    gates = {g.name: g for g in compliance_gates(ws, classify_workspace(ws, as_of=AS_OF))}
    assert gates["no prohibited practice (AI Act Art 5)"].verdict == "pass"
    assert gates["DPIA decision recorded"].verdict == "pass"


def risk(**kw) -> dict:
    return {"id": "R1", "title": "t", "category": "model", "likelihood": 5, "impact": 5,
            "review_date": "2027-01-01", **kw}


def test_an_open_critical_residual_risk_fails_and_an_overdue_review_warns() -> None:
    ws = make_ws(risks=[risk(), risk(id="R2", likelihood=1, impact=1,
                                     review_date="2026-11-01")])
    gates = risk_gates(Register.from_workspace(ws, as_of=AS_OF))
    assert [(g.name, g.verdict, g.figure) for g in gates[:2]] == [
        ("no open critical residual risk", "fail", 1), ("risk reviews up to date", "warn", 1)]
    assert gates[0].detail == "mitigate or stop: R1"
    assert gates[1].detail == "R2 (30 days)"


def test_mitigated_risks_pass() -> None:
    ws = make_ws(risks=[risk(residual_likelihood=1, residual_impact=2)])
    gates = risk_gates(Register.from_workspace(ws, as_of=AS_OF))
    assert [g.verdict for g in gates] == ["pass", "pass"]


def test_an_input_metric_without_guardrail_warns() -> None:
    unguarded = {"root": "t", "nodes": [
        {"id": "t", "name": "Cost", "designation": "north_star"},
        {"id": "h", "name": "Handling time", "parent": "t", "designation": "input"}]}
    (gate,) = tree_gates(Tree(make_ws(metric_tree=unguarded).metric_tree))
    # Two findings: the input has no guardrail, and the tree has none at all.
    assert (gate.verdict, gate.figure) == ("warn", 2)
    assert gate.detail.startswith("input metric 'h' has no guardrail or counter metric")
    guarded = {**unguarded, "nodes": [*unguarded["nodes"][:1],
                                      {**unguarded["nodes"][1], "guardrails": ["q"]},
                                      {"id": "q", "name": "Quality", "parent": "t",
                                       "designation": "guardrail", "threshold": 0.1}]}
    (gate,) = tree_gates(Tree(make_ws(metric_tree=guarded).metric_tree))
    assert (gate.verdict, gate.figure) == ("pass", 0)


def test_business_case_missing_warns_and_a_positive_case_passes() -> None:
    (gate,) = business_case_gates(None)
    assert (gate.name, gate.verdict, gate.detail) == (
        "business case drafted", "warn", "add a business_case section")
    case = analyse(example("support_summaries").business_case, n=500)
    gates = business_case_gates(case)
    assert gates[0].name == "business case: expected NPV positive"
    assert gates[0].verdict == "pass" and gates[0].figure == round(case.expected_npv) > 0
    assert gates[0].detail.startswith(f"P(NPV > 0) = {case.monte_carlo.p_positive:.0%}")
    assert gates[1:] == case.exit_gates


def test_a_negative_business_case_fails() -> None:
    negative = {"drivers": {"x": {"conservative": 1, "realistic": 1, "optimistic": 1}},
                "one_off_cost": "100000", "monthly_benefit": "x", "monthly_cost": "0"}
    case = analyse(make_ws(business_case=negative).business_case, n=100)
    assert business_case_gates(case)[0].verdict == "fail"


# --------------------------------------------------------------------------------------------
# data rights (issue 13, finding 7: "unclear data rights" was never gated)


def test_data_rights_missing_warn_and_restricted_or_unknown_fail() -> None:
    full = {"licence": "CC BY 4.0", "origin": "a public register", "usage_rights": "confirmed",
            "rights_confirmed_by": "Legal, 2026-03-20"}
    ws = make_ws(data_map={"sources": [
        {"id": "ok", "name": "Ok", **full},
        {"id": "bare", "name": "Bare"},
        {"id": "no_origin", "name": "No origin", **{**full, "origin": ""}},
        {"id": "restricted", "name": "Restricted", **{**full, "usage_rights": "restricted"}},
        {"id": "unknown", "name": "Unknown", "usage_rights": "unknown"}]})
    gates = {g.name.removeprefix("data rights for "): g for g in data_rights_gates(ws)}
    assert {k: g.verdict for k, g in gates.items()} == {
        "ok": "pass", "bare": "warn", "no_origin": "warn", "restricted": "fail",
        "unknown": "fail"}
    assert gates["bare"].figure == "unclear data rights"
    assert gates["bare"].detail.startswith(
        "add licence, origin, usage_rights, rights_confirmed_by to data_map.sources[bare]")
    assert "add origin to data_map.sources[no_origin]" in gates["no_origin"].detail
    assert gates["restricted"].source == "data_map.sources[restricted].usage_rights"
    assert "do not allow this use" in gates["restricted"].detail


@pytest.mark.parametrize("name", ["support_summaries", "predictive_maintenance"])
def test_the_examples_declare_their_data_rights(name: str) -> None:
    gates = data_rights_gates(example(name))
    assert gates and all(g.verdict == "pass" for g in gates), [
        (g.name, g.detail) for g in gates if g.verdict != "pass"]
