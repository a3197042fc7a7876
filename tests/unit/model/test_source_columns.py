"""A source's column mapping in aipo.yaml: roles onto its own columns, with file:line errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from aipo_widgets.analysis.sources import read_source, read_window
from aipo_widgets.errors import DataError
from aipo_widgets.model.schema import DataSource
from aipo_widgets.model.workspace import validate_text

HEAD = """\
product:
  name: Maintenance  # the product
  owner: Anja Roth
data_map:
  sources:
    - id: prod
      name: Production log
      location: log.csv
"""


def test_roles_map_onto_the_sources_columns_and_the_file_is_saved_as_written() -> None:
    text = HEAD + ("      columns: {time: created_at, score: risk_score, groups: [plant]}"
                   "  # our names\n")
    wf, problems = validate_text(text)
    assert problems == [] and wf is not None
    src = wf.workspace.data_map.sources[0]
    assert (src.time_column, src.score_column, src.group_columns) == (
        "created_at", "risk_score", ["plant"])
    assert wf.dumps() == text


def test_an_unknown_role_points_at_its_line_with_a_close_name() -> None:
    text = HEAD + "      columns:\n        time: created_at\n        scor: risk_score\n"
    _, problems = validate_text(text)
    (p,) = problems
    assert (p.line, p.path) == (11, "data_map.sources[0].columns.scor")
    assert "did you mean 'score'?" in str(p)


def test_a_role_given_twice_must_name_the_same_column() -> None:
    text = HEAD + "      score_column: score\n      columns: {score: risk_score}\n"
    _, problems = validate_text(text)
    assert len(problems) == 1 and "keep one of them" in problems[0].message
    same = HEAD + "      score_column: risk_score\n      columns: {score: risk_score}\n"
    wf, problems = validate_text(same)
    assert problems == [] and wf.dumps() == same


def test_a_mapped_column_missing_from_the_data(tmp_path: Path) -> None:
    pd.DataFrame({"created_at": ["2026-11-20"], "risk_score": [0.2]}).to_csv(
        tmp_path / "log.csv", index=False)
    src = DataSource(id="prod", name="Log", location="log.csv",
                     columns={"time": "created_at", "score": "risk_scor", "label": "failed_7d"})
    with pytest.raises(DataError) as err:
        read_source(tmp_path, src)
    found = {p.path: p.fix for p in err.value.problems}
    assert found == {"data_map.sources[prod].columns.score": "did you mean 'risk_score'?",
                     "data_map.sources[prod].columns.label":
                         "its columns: created_at, risk_score"}
    ok = DataSource(id="prod", name="Log", location="log.csv",
                    columns={"time": "created_at", "score": "risk_score"})
    rows, window = read_window(tmp_path, ok, as_of=pd.Timestamp("2026-11-22").date(), days=7)
    assert window.rows == 1 and rows["risk_score"].tolist() == [0.2]
