"""The core objects display as pictures without widgets (notebook, nbconvert HTML, Voila)."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from aipo_widgets.analysis.backlog import score_workspace
from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.analysis.risk import Register
from aipo_widgets.examples import example_yaml
from aipo_widgets.model.schema import Workspace


@pytest.fixture(scope="module")
def ws(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    from ruamel.yaml import YAML

    text = example_yaml("support-summaries")
    if isinstance(text, Path):
        text = text.read_text()
    return Workspace.model_validate(YAML(typ="safe").load(text))


@pytest.mark.parametrize("make", [
    lambda ws: Register.from_workspace(ws),
    lambda ws: Tree(ws.metric_tree),
    lambda ws: score_workspace(ws),
    lambda ws: analyse(ws.business_case, n=200),
], ids=["register", "tree", "backlog", "business_case"])
def test_core_objects_display_as_images(ws: Workspace, make) -> None:
    bundle = make(ws)._repr_mimebundle_()
    html = bundle["text/html"]
    assert html.startswith('<img src="data:image/svg+xml;base64,') or 'src="data:image/' in html
    payload = html.split("base64,", 1)[1].split('"', 1)[0]
    assert base64.b64decode(payload).lstrip().startswith(b"<svg")
    assert bundle["text/plain"]
