"""NaN and infinity are refused in every numeric field of aipo.yaml (issue 14, finding 3)."""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError
from ruamel.yaml import YAML

import aipo_widgets.examples as examples_pkg
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.workspace import validate_text


def numeric_places(data: Any, loc: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from numeric_places(v, (*loc, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            yield from numeric_places(v, (*loc, i))
    elif isinstance(data, (int, float)) and not isinstance(data, bool):
        yield loc


@pytest.mark.parametrize("example", ["support_summaries", "predictive_maintenance"])
def test_every_numeric_field_of_the_examples_refuses_nan_and_infinity(example: str) -> None:
    text = (Path(examples_pkg.__file__).parent / example / "aipo.yaml").read_text("utf-8")
    document = YAML(typ="safe").load(text)
    seen: set[tuple[Any, ...]] = set()
    accepted = []
    for loc in numeric_places(document):
        shape = tuple("[]" if isinstance(p, int) else p for p in loc)
        if shape in seen:
            continue
        seen.add(shape)
        for bad in (math.nan, math.inf, -math.inf):
            changed = copy.deepcopy(document)
            node = changed
            for part in loc[:-1]:
                node = node[part]
            node[loc[-1]] = bad
            try:
                Workspace.model_validate(changed)
            except ValidationError:
                continue
            accepted.append((shape, bad))
    assert len(seen) > 40
    assert accepted == []


@pytest.mark.parametrize("bad", [".nan", ".inf", "-.inf", ".NaN", "-.Inf"])
def test_a_non_finite_threshold_is_refused_with_its_line(bad: str) -> None:
    text = ("product:\n  name: x\n  owner: y\nacceptance_criteria:\n"
            "  - id: A1\n    metric: recall\n    operator: '>='\n    value: " + bad + "\n")
    _, problems = validate_text(text)
    assert [(p.line, p.path) for p in problems] == [(8, "acceptance_criteria[0].value")]
    assert "must be a finite number" in problems[0].message
    assert "NaN and infinity" in problems[0].fix
