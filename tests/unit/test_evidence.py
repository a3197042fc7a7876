"""Provenance: a figure that was not measured in its window never backs a passing gate."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aipo_widgets.evidence import KINDS, PASSING_KINDS, Gate, Provenance

provenances = st.builds(
    Provenance,
    kind=st.sampled_from(KINDS),
    source=st.text(max_size=20),
    start=st.none() | st.dates(),
    end=st.none() | st.dates(),
    rows=st.none() | st.integers(0, 10**9),
    run=st.text(max_size=10),
    note=st.text(max_size=30),
)


@given(provenances, st.sampled_from(["pass", "warn", "fail"]))
def test_only_measured_or_config_figures_pass(prov, verdict):
    gate = Gate("g", verdict, figure=1.0, provenance=prov)
    if gate.verdict == "pass":
        assert prov.kind in PASSING_KINDS
    # A warning or a failure is never turned into something milder.
    assert (gate.verdict, verdict) in {("pass", "pass"), ("warn", "pass"), ("warn", "warn"),
                                       ("fail", "fail")}


@given(provenances)
def test_provenance_round_trips_through_json(prov):
    assert Provenance.from_dict(prov.to_dict()) == prov


@pytest.mark.parametrize(("prov", "said"), [
    (Provenance.typed("metric_tree.nodes[3].current"),
     "not measured: typed in aipo.yaml at metric_tree.nodes[3].current"),
    (Provenance.missing("the production log (role: production)"),
     "not measured: would come from the production log (role: production)"),
    (Provenance.carried("psi_max", "r0"), "not measured: carried from run r0"),
])
def test_a_pass_on_an_unmeasured_figure_warns_and_says_why(prov, said):
    gate = Gate("alarm fatigue", "pass", figure=148, threshold="<= 300", provenance=prov,
                detail="148 <= 300")
    assert gate.verdict == "warn"
    assert gate.detail == f"{said}; 148 <= 300"
    assert not gate.measured


def test_measured_gate_names_its_window_and_rows():
    prov = Provenance.measured("production_log", start=dt.date(2026, 11, 24),
                               end=dt.date(2026, 11, 30), rows=210)
    gate = Gate("hallucination rate", "pass", figure=0.01, provenance=prov)
    assert gate.verdict == "pass" and gate.measured
    assert gate.to_dict()["provenance"] == {"kind": "measured", "source": "production_log",
                                            "start": "2026-11-24", "end": "2026-11-30",
                                            "rows": 210}
    assert prov.describe() == ("measured in production_log from 2026-11-24 to 2026-11-30 "
                               "(210 rows)")


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="provenance kind must be one of"):
        Provenance("guessed")
