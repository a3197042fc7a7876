"""One source of presentation tokens: Python pictures, the widgets' JavaScript and CSS agree."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from aipo_widgets._text import MISSING, format_number
from aipo_widgets.figures import tokens
from aipo_widgets.widgets._base import static_asset

PACKAGE = Path(tokens.__file__).resolve().parents[1]
STATIC = PACKAGE / "widgets" / "static"

# Values where a formatter can go wrong: ties (Python rounds half to even, toFixed and
# toPrecision half up), the branch limits, tiny and huge numbers, integers, signs, units.
CASES = [
    (0, ""), (0.000123456, ""), (12.25, "min"), (-1234.5, "EUR"), (99.95, "%"),
    (float("nan"), ""), (None, ""), (float("inf"), "EUR"), (float("-inf"), ""), (True, ""),
    (False, ""), (-0.0, ""), (1234.5, ""), (1235.5, ""), (100.5, ""), (101.5, ""),
    (999.5, ""), (12.75, ""), (10.25, ""), (-12.25, ""), (1.125, ""), (1.375, ""),
    (0.03125, ""), (0.0125, ""), (0.00001, ""), (1.23456e-7, ""), (5e-5, ""), (1e-4, ""),
    (9.9995, ""), (99.96, ""), (0.1 + 0.2, ""), (2 / 3, "%"), (-1 / 3, ""), (42, "items"),
    (7, ""), (-5, ""), (1234567, ""), (123456789.0, "EUR"), (1e21, ""), (1.5e22, ""),
    (13.8, "%"), (1234567.8, "EUR"), (0.08123, ""), (12345, ""), (-0.000012345, ""),
    # a share is a percentage, a scale unit goes in brackets (units from the metric tree)
    (0.2712, "share"), (0.27, "share"), (0.1 + 0.2, "share"), (1, "share"), (None, "share"),
    (4.271, "1-5"), (7.25, "0-10"), (0.00012, "share"),
]


def _js(value):
    if isinstance(value, float) and value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return value


NODE_RUNNER = """
const vm = require("vm");
const code = require("fs").readFileSync(0, "utf8");
const ctx = {};
vm.createContext(ctx);
vm.runInContext(code + "\\nglobalThis.__fmt = fmt;", ctx);
const special = { NaN: NaN, Infinity: Infinity, "-Infinity": -Infinity };
const cases = JSON.parse(process.argv[1]);
console.log(JSON.stringify(cases.map(([v, u]) => ctx.__fmt(v in special ? special[v] : v, u))));
"""


@pytest.fixture(scope="module")
def js_fmt():
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed (sudo apt-get install -y nodejs)")
    # Exactly what a widget's module starts with: the tokens, then _common.js.
    code = static_asset("_common.js")
    args = json.dumps([[_js(v), u] for v, u in CASES])
    out = subprocess.run([node, "-e", NODE_RUNNER, args], input=code, capture_output=True,
                         text=True, check=True, timeout=60)
    return json.loads(out.stdout)


@pytest.mark.parametrize(("k", "case"), list(enumerate(CASES)), ids=[repr(c) for c in CASES])
def test_python_and_javascript_format_numbers_alike(js_fmt, k, case):
    value, unit = case
    assert js_fmt[k] == format_number(value, unit)


@pytest.mark.parametrize(("value", "unit", "text"), [
    (12.25, "min", "12.2 min"), (1234.5, "", "1,234"), (1235.5, "", "1,236"),
    (0.03125, "", "0.0312"), (1.23456e-7, "", "1.23e-07"), (float("nan"), "", "—"),
])
def test_ties_round_half_to_even_as_python_does(value, unit, text):
    assert format_number(value, unit) == text


def test_the_number_settings_come_from_the_tokens_file():
    raw = json.loads(tokens.TOKENS_FILE.read_text(encoding="utf-8"))
    assert MISSING == raw["number"]["missing"] == tokens.NUMBER["missing"]
    assert format_number(True) == raw["number"]["yes"]
    assert format_number(1234.0) == "1" + raw["number"]["thousands"] + "234"


def test_palette_names_are_resolved_to_colours():
    assert tokens.STATUS["on_track"]["colour"] == tokens.PALETTE["blue"] == "#0072b2"
    colours = [v["colour"] for s in ("verdict", "status", "band", "tier", "scenario")
               for v in tokens.TOKENS[s].values()] + list(tokens.CHART.values())
    assert all(re.fullmatch(r"#[0-9a-f]{6}", c) for c in colours), colours


def test_every_custom_property_the_widgets_use_is_defined():
    css = "\n".join(static_asset(p.name) for p in sorted(STATIC.glob("*.css")))
    defined = set(re.findall(r"(--aipo-[\w-]+)\s*:", css))
    used = set(re.findall(r"var\((--aipo-[\w-]+)", css))
    assert used - defined == set()


def test_colours_are_not_copied_by_hand():
    # The meaningful colours live in tokens.json only; neutral greys may stay where drawn.
    chromatic = {c.lower() for name, c in tokens.PALETTE.items() if name not in ("black", "grey")}
    chromatic |= {v["colour"] for s in ("band", "tier") for v in tokens.TOKENS[s].values()}
    chromatic |= set(tokens.TEXT.values())
    files = [*STATIC.glob("*.js"), *STATIC.glob("*.css"), *PACKAGE.glob("figures/*.py"),
             PACKAGE / "runs" / "results.py"]
    found = {f"{p.relative_to(PACKAGE)}: {c}" for p in files
             for c in re.findall(r"#[0-9a-fA-F]{6}\b", p.read_text(encoding="utf-8"))
             if c.lower() in chromatic and p.name != "tokens.py"}
    assert found == set()


def test_css_variables_for_the_pages():
    css = tokens.css_variables()
    assert css.startswith(":root {")
    for name in ("--aipo-verdict-pass", "--aipo-verdict-fail-ink", "--aipo-status-at-risk",
                 "--aipo-font-family", "--aipo-palette-reddish-purple"):
        assert f"  {name}: " in css
