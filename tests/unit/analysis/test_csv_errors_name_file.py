"""A non-numeric value in a CSV column: the error names the file and the column (issue 14)."""

from __future__ import annotations

from pathlib import Path

import pytest

from aipo_widgets.analysis._checks import as_numeric
from aipo_widgets.analysis.sources import read_source
from aipo_widgets.errors import DataError
from aipo_widgets.model.schema import DataSource


def test_a_text_in_a_numeric_column_names_file_and_column(tmp_path: Path) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "scores.csv").write_text("id,score\n1,0.4\n2,n/a\n3,0.9\n",
                                                  encoding="utf-8")
    source = DataSource(id="scores", name="Scores", location="data/scores.csv")
    frame = read_source(tmp_path, source)
    kept = frame[frame["id"] > 1]  # filtering keeps where the rows came from
    with pytest.raises(DataError) as err:
        as_numeric(kept["score"], "score")
    text = str(err.value)
    assert "data/scores.csv" in text and "'score'" in text
    assert err.value.problems[0].file == "data/scores.csv"
