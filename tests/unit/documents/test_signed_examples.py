"""A sign-off holds while what was signed holds: not the calendar, not the folder, turn it stale.

The examples carry their stakeholders' sign-offs (recorded with ``aipo signoff``); a document
shows dates and ages relative to the day it is rendered and the folder it lies in, so a
sign-off is checked against the document as it read on the day it was signed.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from aipo_widgets.documents.signing import current_digests, governance
from aipo_widgets.examples import write_example
from aipo_widgets.model.workspace import load


@pytest.mark.parametrize("example", ["support-summaries", "predictive-maintenance"])
def test_the_examples_sign_offs_hold_on_any_day_in_any_folder(example: str,
                                                              tmp_path: Path) -> None:
    folder = tmp_path / "somewhere" / "else"
    write_example(example, folder)
    for day in (dt.date(2026, 11, 22), dt.date(2027, 3, 1)):
        states = {(s.artefact, s.role): s.state for s in governance(folder, as_of=day).states}
        assert states, example
        assert set(states.values()) <= {"approved", "conditions"}, states


def test_a_change_to_what_was_signed_turns_it_stale(tmp_path: Path) -> None:
    write_example("support-summaries", tmp_path)
    path = tmp_path / "aipo.yaml"
    text = path.read_text(encoding="utf-8")
    old = "Draft a short, structured summary"
    assert old in text
    path.write_text(text.replace(old, "Draft a long summary", 1), encoding="utf-8")
    states = {(s.artefact, s.role): s.state
              for s in governance(tmp_path, as_of=dt.date(2026, 11, 20)).states}
    assert states["doc:dpia", "data_protection_officer"] == "stale"


def test_a_sign_off_holds_whether_the_folder_is_written_relative_or_absolute(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # 'aipo signoff' and 'aipo status' default to '.': every full stop is no folder name.
    folder = tmp_path / "ws"
    write_example("support-summaries", folder)
    ws = load(folder).workspace
    refs = ["doc:model_card", "doc:dpia"]
    day = dt.date(2026, 12, 7)
    absolute = current_digests(ws, refs, folder=folder, as_of=day)
    monkeypatch.chdir(folder)
    assert current_digests(ws, refs, folder=".", as_of=day) == absolute
    states = {(s.artefact, s.role): s.state for s in governance(".", as_of=day).states}
    assert states and set(states.values()) <= {"approved", "conditions"}, states
    monkeypatch.chdir(tmp_path)
    assert current_digests(ws, refs, folder="ws", as_of=day) == absolute
