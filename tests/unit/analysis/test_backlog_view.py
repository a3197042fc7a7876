from __future__ import annotations

from aipo_widgets.analysis.backlog import METHODS, RAW_FACTORS
from aipo_widgets.analysis.backlog_view import SHOWN, factor_meta
from aipo_widgets.figures.backlog import METHOD_LABELS, SHORT


def test_the_view_tables_name_every_method_and_factor_of_the_scoring():
    # The view reads them from the figure's tables (the scoring imports the view, not back).
    assert tuple(METHOD_LABELS) == METHODS
    assert tuple(SHOWN) == METHODS
    assert tuple(SHORT) == RAW_FACTORS
    assert tuple(factor_meta()) == RAW_FACTORS
