"""Property: a figure with no measurement (typed only, or missing) never yields a passing gate.

Across the gates modules that read a figure: conditions (rollout stage criteria, acceptance
criteria on the experiment log), operate's windowed gates (alerts, kill switch, budgets, stop
rules), the business case's stop rules on a driver's typed ``measured``, and the evidence rule
itself (issue 13).
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.analysis.measure import measured_provenance, typed_figures
from aipo_widgets.analysis.operations import Measurement
from aipo_widgets.evidence import Gate, Provenance
from aipo_widgets.gates.conditions import condition_gate
from aipo_widgets.gates.operate import windowed_gate
from aipo_widgets.gates.rollout import stage_gates
from aipo_widgets.model.fields import Condition
from aipo_widgets.model.schema import BusinessCase, Workspace

OPERATORS = st.sampled_from([">=", ">", "<=", "<", "=="])
NUMBERS = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
NOT_MEASURED = st.one_of(
    st.builds(Provenance.typed, st.just("metric_tree.nodes[m].current"),
              typed_on=st.none() | st.dates()),
    st.builds(Provenance.missing, st.text(max_size=20)),
    st.builds(Provenance.carried, st.just("m"), st.text(min_size=1, max_size=10)),
)


def condition(op: str, value: float) -> Condition:
    return Condition(id="C1", metric="m", operator=op, value=value)


@settings(max_examples=200, deadline=None)
@given(op=OPERATORS, value=NUMBERS, typed_value=st.none() | NUMBERS,
       meaning=st.sampled_from(["requirement", "trigger"]),
       missing=st.sampled_from(["warn", "fail"]))
def test_a_condition_on_a_typed_or_missing_figure_never_passes(
        op: str, value: float, typed_value: float | None, meaning: str, missing: str) -> None:
    typed = ({} if typed_value is None
             else {"m": (typed_value, Provenance.typed("metric_tree.nodes[m].current"))})
    gate = condition_gate(condition(op, value), {}, typed=typed, meaning=meaning,
                          missing=missing, provenance={"m": Provenance.missing("log")})
    assert gate.verdict != "pass"
    assert gate.detail  # it says why


@settings(max_examples=200, deadline=None)
@given(op=OPERATORS, value=NUMBERS, current=st.none() | NUMBERS)
def test_a_rollout_criterion_typed_in_aipo_yaml_never_passes(
        op: str, value: float, current: float | None) -> None:
    node = {"id": "m", "name": "M", "unit": "%", "measure": {"column": "m"}}
    if current is not None:
        node["current"] = current
    crit = [{"id": "X1", "metric": "m", "operator": op, "value": value}]
    ws = Workspace.model_validate({
        "product": {"name": "x", "owner": "y"},
        "metric_tree": {"root": "m", "nodes": [node]},
        "rollout": {"stages": [{"id": "p", "name": "Pilot", "status": "active",
                                "exit_criteria": crit},
                               {"id": "g", "name": "GA", "status": "planned",
                                "entry_criteria": crit}]}})
    prov = measured_provenance(ws, {}, None, ["pilot", "production"])
    gates = stage_gates(ws, {}, prov, typed_figures(ws, prov))
    assert gates and all(g.verdict != "pass" for g in gates)
    assert all("column 'm'" in g.detail for g in gates)  # where it would come from


@settings(max_examples=200, deadline=None)
@given(op=OPERATORS, value=NUMBERS, figure=st.none() | NUMBERS, rows=st.integers(0, 10_000),
       prov=NOT_MEASURED, meaning=st.sampled_from(["requirement", "trigger"]))
def test_a_windowed_gate_without_a_measured_window_never_passes(
        op: str, value: float, figure: float | None, rows: int, prov: Provenance,
        meaning: str) -> None:
    m = Measurement("m", figure, rows, "rows", prov)
    gate = windowed_gate(condition(op, value), m, min_rows=0, meaning=meaning)
    assert gate.verdict != "pass"


@settings(max_examples=100, deadline=None)
@given(op=OPERATORS, value=NUMBERS, figure=NUMBERS, rows=st.integers(0, 10_000),
       min_rows=st.integers(1, 10_000))
def test_a_windowed_gate_on_too_few_rows_never_passes(
        op: str, value: float, figure: float, rows: int, min_rows: int) -> None:
    prov = Provenance.measured("log", start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 30),
                               rows=rows)
    gate = windowed_gate(condition(op, value), Measurement("m", figure, rows, "rows", prov),
                         min_rows=min_rows)
    if rows < min_rows:
        assert gate.verdict != "pass"


@settings(max_examples=50, deadline=None)
@given(op=OPERATORS, value=NUMBERS, typed_value=NUMBERS)
def test_a_stop_rule_on_a_drivers_typed_value_never_passes(
        op: str, value: float, typed_value: float) -> None:
    bc = BusinessCase.model_validate({
        "horizon_months": 12, "discount_rate": 0.08,
        "drivers": {"d": {"conservative": 1, "realistic": 2, "optimistic": 3,
                          "measured": typed_value}},
        "monthly_benefit": "d * 100", "monthly_cost": "10", "one_off_cost": "100",
        "exit_criteria": [{"id": "S1", "metric": "d", "operator": op, "value": value}]})
    (gate,) = analyse(bc, monte_carlo=False).exit_gates
    assert gate.verdict != "pass"
    assert gate.provenance is not None and gate.provenance.kind == "typed"


@settings(max_examples=200, deadline=None)
@given(verdict=st.sampled_from(["pass", "warn", "fail"]), prov=NOT_MEASURED,
       figure=st.none() | NUMBERS)
def test_the_evidence_rule_turns_every_unmeasured_pass_into_a_warning(
        verdict: str, prov: Provenance, figure: float | None) -> None:
    gate = Gate("g", verdict, figure=figure, provenance=prov)  # type: ignore[arg-type]
    assert gate.verdict != "pass"
    assert gate.with_verdict("pass").verdict != "pass"
