"""The static renderers: pictures of the core objects for display(), reports and GitHub."""

from __future__ import annotations

import subprocess
import sys

import pytest
from widget_messages import svg_of, texts

from aipo_widgets._text import format_number
from aipo_widgets.analysis.backlog import score_workspace
from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.analysis.risk import Register
from aipo_widgets.examples import example_yaml
from aipo_widgets.figures import img_html, metric_tree_alt, metric_tree_svg
from aipo_widgets.model.workspace import validate_text


@pytest.fixture(scope="module")
def ws():
    wf, problems = validate_text(example_yaml("support-summaries").decode())
    assert not problems
    return wf.workspace


@pytest.mark.parametrize(("make", "words"), [
    (lambda ws: Register.from_workspace(ws), ["Risk matrix (residual)", "R1"]),
    (lambda ws: Tree(ws.metric_tree), ["Metric tree", "Cost per long ticket"]),
    (lambda ws: score_workspace(ws, classification="limited"),
     ["Backlog by Value, risk, feasibility", "B8"]),
    (lambda ws: analyse(ws.business_case, n=500), ["NPV and payback", "realistic"]),
])
def test_every_core_object_has_a_picture(ws, make, words):
    bundle = make(ws)._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    found = texts(svg_of(bundle))
    for w in words:
        assert w in found
    assert bundle["text/plain"]


def test_the_picture_is_drawn_from_the_view(ws):
    # The figure gets plain data only: the same picture from the object and from its view.
    tree = Tree(ws.metric_tree)
    view = tree.to_view(sensitivity=False)
    assert tree._repr_mimebundle_()["text/html"] == img_html(
        metric_tree_svg(view), alt=metric_tree_alt(view))


def test_alt_text_and_escaping():
    html = img_html('<svg xmlns="http://www.w3.org/2000/svg"><title>a</title></svg>',
                    alt='R&D "risk" <1>')
    assert 'alt="R&amp;D &quot;risk&quot; &lt;1&gt;"' in html


@pytest.mark.parametrize(("value", "unit", "text"), [
    (0, "", "0"), (0.000123456, "", "0.000123"), (12.25, "min", "12.2 min"),
    (-1234.5, "EUR", "-1,234 EUR"), (99.95, "%", "100%"), (float("nan"), "", "—"),
])
def test_numbers_read_the_same_in_widget_and_picture(value, unit, text):
    assert format_number(value, unit) == text


def test_importing_the_renderers_is_cheap():
    code = ("import sys, aipo_widgets.figures; "
            "print(sorted(m for m in ('pandas', 'matplotlib', 'scipy', 'sklearn') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
