"""The discovery gate on special categories (GDPR Art 9) and the duties towards people."""

from __future__ import annotations

import datetime as dt

from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.gates.discovery import compliance_gates, special_category_gates
from aipo_widgets.model.schema import Workspace


def workspace(**source) -> Workspace:
    return Workspace.model_validate({
        "product": {"name": "x", "owner": "y"},
        "risks": [{"id": "R8", "title": "Health details reach the model", "category": "data",
                   "likelihood": 4, "impact": 3}],
        "data_map": {"sources": [{"id": "tickets", "name": "Tickets", "personal_data": True,
                                  "lawful_basis": "contract", "special_categories": ["health"],
                                  **source}]},
        "compliance": {"gdpr": {"answers": {"information_provided": True},
                                "dpia": {"decision": "done"}}},
    })


def gates(ws: Workspace) -> dict[str, object]:
    c = classify_workspace(ws, as_of=dt.date(2026, 11, 26))
    return {g.name: g for g in special_category_gates(c)}


def test_health_source_without_risk_or_condition_warns():
    g = gates(workspace())["special categories covered (GDPR Art 9)"]
    assert g.verdict == "warn" and g.figure == 2
    assert "data_map.sources[0].art9_condition" in g.detail
    assert "data_map.sources[0].risks" in g.detail


def test_covered_health_source_passes_and_is_in_the_compliance_gates():
    ws = workspace(art9_condition="explicit_consent", risks=["R8"])
    assert gates(ws)["special categories covered (GDPR Art 9)"].verdict == "pass"
    assert gates(ws)["GDPR Art 13, Art 14 met"].verdict == "pass"
    names = [g.name for g in compliance_gates(ws, classify_workspace(ws))]
    assert "special categories covered (GDPR Art 9)" in names


def test_information_duty_not_recorded_warns():
    ws = workspace(art9_condition="explicit_consent", risks=["R8"])
    ws.compliance.gdpr.answers.pop("information_provided")
    g = gates(ws)["GDPR Art 13, Art 14 met"]
    assert g.verdict == "warn" and g.figure == "not recorded"
