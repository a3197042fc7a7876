"""What the phases' gates share: the missing-data gate and gates as a table."""

from __future__ import annotations

import pandas as pd

from aipo_widgets.evidence import Gate
from aipo_widgets.gates.common import GATE_COLUMNS, data_available_gates, gates_frame


def test_missing_data_fails_with_the_role_to_add() -> None:
    (gate,) = data_available_gates(None, name="production window available", role="production")
    assert (gate.name, gate.verdict, gate.detail) == (
        "production window available", "fail", "add a data source with role: production")


def test_data_present_gives_no_gate() -> None:
    assert data_available_gates(pd.DataFrame({"a": []}), name="x", role="gold") == []


def test_gates_frame_keeps_order_and_columns() -> None:
    gates = [Gate("a", "pass", figure=1.5, threshold="> 1", ci=(1.0, 2.0)),
             Gate("b", "fail", detail="why")]
    frame = gates_frame(gates)
    assert list(frame.columns) == GATE_COLUMNS
    assert frame["name"].tolist() == ["a", "b"]
    assert frame.loc[0, "ci"] == [1.0, 2.0]
    assert frame.loc[1, "detail"] == "why"
    assert gates_frame([]).empty
