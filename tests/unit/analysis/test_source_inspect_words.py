"""What 'aipo add source' says of a source reads as English for one row as for many."""

from __future__ import annotations

from pathlib import Path

from aipo_widgets.analysis.source_inspect import inspect_source
from aipo_widgets.model.schema import DataSource


def test_one_row_with_personal_data_is_one_row(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("id,notes\n1,write to jana.keller@example.com please\n",
                                    encoding="utf-8")
    source = DataSource.model_validate({"id": "t", "name": "T", "role": "baseline",
                                        "location": "t.csv"})
    text = "\n".join(inspect_source(tmp_path, source).summary())
    assert "EMAIL in 1 row)" in text and "in 1 row sampled" in text, text
    assert "1 rows" not in text, text
