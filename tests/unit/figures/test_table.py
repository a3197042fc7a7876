"""The one formatting layer: cell values, and the kit's tables instead of pandas' repr."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest

from aipo_widgets._text import MISSING, format_value
from aipo_widgets.figures.table import Table, cells, table_html, table_text, with_units


@pytest.mark.parametrize(("value", "unit", "text"), [
    (13.569999999999999, "", "13.6"),
    (4.231577e-164, "", "4.23e-164"),
    (1708996.4, "EUR", "1,708,996 EUR"),
    (329037, "EUR", "329,037 EUR"),
    (0.696575, "share", "69.7%"),
    (0.2712, "share", "27.1%"),
    (4.271, "1-5", "4.27 (1-5)"),
    (None, "EUR", MISSING),
    (float("nan"), "", MISSING),
    (pd.NA, "", MISSING),
    (pd.NaT, "", MISSING),
    (np.float64(0.924167), "", "0.924"),
    (np.int64(2600), "", "2,600"),
    (np.bool_(True), "", "✓"),
    (True, "", "✓"),
    (False, "", "✗"),
    (dt.date(2026, 5, 1), "", "2026-05-01"),
    (pd.Timestamp("2026-09-03"), "", "2026-09-03"),
    (dt.datetime(2026, 9, 3, 14, 5), "", "2026-09-03 14:05"),
    ({"CARD": 16, "EMAIL": 1766}, "", "CARD: 16, EMAIL: 1,766"),
    (["a", None], "", f"a, {MISSING}"),
    ("as typed", "", "as typed"),
])
def test_a_value_reads_the_same_on_every_surface(value, unit, text):
    assert format_value(value, unit) == text


def _cases() -> pd.DataFrame:
    return pd.DataFrame({
        "scenario": ["conservative", "realistic", "optimistic"],
        "NPV": [329037.2, 1710249.0, None],
        "ROI": [0.696575, 4.312168, np.nan],
        "ci": [(0.00573, 0.017398), None, (1, 2)],
        "agrees": [True, False, None],
    })


def test_a_table_has_no_index_and_formats_every_cell():
    headers, kinds, rows = cells(_cases(), units={"NPV": "EUR", "ROI": "share"})
    assert headers == ["scenario", "NPV", "ROI", "ci", "agrees"]
    assert kinds == ["text", "number", "number", "text", "bool"]
    assert rows[0] == ["conservative", "329,037 EUR", "69.7%", "[0.00573, 0.0174]", "✓"]
    assert rows[2] == ["optimistic", MISSING, MISSING, "[1, 2]", MISSING]
    assert rows[1][-1] == "✗"


def test_text_is_aligned_left_numbers_right_in_html():
    html = table_html(_cases(), units={"NPV": "EUR"})
    heads = re.findall(r'<th style="[^"]*text-align:(\w+)', html)
    assert heads == ["left", "right", "right", "left", "center"]
    first = re.search(r"<tbody><tr>(.*?)</tr>", html).group(1)
    assert re.findall(r"text-align:(\w+)", first) == heads
    for bad in ("NaN", "None", "True", "False", "<th></th>", ">0<", "1710249.0"):
        assert bad not in html, bad
    assert "overflow-x:auto" in html  # a wide table scrolls in its box, not the page


def test_a_meaningful_index_becomes_the_first_column():
    frame = pd.Series({"reopen_rate": 0.054381, "csat": 4.259819}, name="latest window")
    frame = with_units(frame.to_frame(), row_units={"reopen_rate": "share", "csat": "1-5"},
                       row_unit_columns=["latest window"])
    assert cells(frame)[2] == [["reopen_rate", "5.44%"], ["csat", "4.26 (1-5)"]]
    lines = table_text(frame).splitlines()
    assert [line.split() for line in lines] == [["latest", "window"], ["reopen_rate", "5.44%"],
                                                ["csat", "4.26", "(1-5)"]]
    assert len({len(line) for line in lines}) == 1  # numbers aligned right, to one edge


def test_row_units_apply_only_to_the_named_columns():
    frame = pd.DataFrame({"metric": ["reopen_rate"], "value": [0.0635], "n": [2600]})
    rows = cells(frame, row_units={"reopen_rate": "share"}, row_key="metric",
                 row_unit_columns=["value"])[2]
    assert rows == [["reopen_rate", "6.35%", "2,600"]]


def test_the_options_travel_with_the_frame_and_an_empty_table_says_why():
    frame = with_units(pd.DataFrame(columns=["id"]), empty="No alert rules yet.")
    assert table_html(frame) == '<p class="aipo-table-empty"><em>No alert rules yet.</em></p>'
    assert table_text(frame) == "No alert rules yet."


def test_a_long_table_is_cut_with_a_count():
    frame = pd.DataFrame({"n": range(100)})
    html = table_html(frame, max_rows=10)
    assert html.count("<tr>") == 11 and "90 more rows not shown (100 in all)" in html


def test_a_table_object_displays_html_and_text():
    bundle = Table(_cases(), {"units": {"NPV": "EUR"}})._repr_mimebundle_()
    assert "329,037 EUR" in bundle["text/html"] and "329,037 EUR" in bundle["text/plain"]
    assert "NaN" not in bundle["text/plain"] and "None" not in bundle["text/plain"]
