"""The layers of docs/CONTRIBUTING.md hold: imports point down, no cycles, no lazy kit imports.

`lint-imports` checks the layer contracts of pyproject.toml (imports inside functions count);
the cycle check looks inside each layer too, where the layers contract cannot.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "aipo_widgets"

# Modules that still import the kit's own modules inside functions (none: issue 12 is done).
# The one exception: the plan's and the sign-offs' gates render documents (Jinja, every
# template) for the product's current phase only; a phase notebook the product is not in must
# not pay that import (tests/unit/notebook/test_notebook.py keeps each phase's imports lean).
STILL_LAZY: set[str] = {"notebook/_phase.py"}


def _cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Return the strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.find_modules_directly_imported_by(v):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


# Cycles still to break (none).
KNOWN_CYCLES: list[list[str]] = []


def test_no_import_cycles():
    graph = grimp.build_graph("aipo_widgets", include_external_packages=False)
    assert sorted(_cycles(graph)) == sorted(KNOWN_CYCLES)


def test_layer_contracts_hold():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is part of the test extra: pip install -e '.[test]'"
    out = subprocess.run([lint, "--no-cache"], capture_output=True, text=True,
                         cwd=PACKAGE.parent)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-2000:]


def _lazy_kit_imports(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top = {id(node) for node in tree.body}
    top |= {id(n) for node in tree.body if isinstance(node, ast.If) for n in node.body}
    return [node.lineno for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and id(node) not in top
            and (node.level or (node.module or "").startswith("aipo_widgets"))]


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(
    p.relative_to(PACKAGE)))
def test_kit_modules_are_imported_at_the_top(path):
    # A lazy import of the kit's own module hides a cycle and turns an import error into a
    # run-time error; only heavy third-party modules are imported where they are used.
    name = path.relative_to(PACKAGE).as_posix()
    lines = _lazy_kit_imports(path)
    if name in STILL_LAZY:
        assert lines, f"{name} has no lazy kit import any more: take it off STILL_LAZY"
    else:
        assert lines == [], f"{name} imports the kit inside a function at lines {lines}"


# A module holds one concept; past 800 lines it holds several (issue 12). Each exception says why.
MAX_LINES = 800
OVERSIZE_ALLOWED = {
    # One synthetic data set written as one story (tickets, summaries, labels, drift, incidents);
    # it is data, read top to bottom, not code that other modules call.
    "examples/support_summaries/data.py": "the example's data generator",
}


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize("path", sorted(PACKAGE.rglob("*.py")), ids=lambda p: str(
    p.relative_to(PACKAGE)))
def test_modules_stay_under_800_lines(path):
    name = path.relative_to(PACKAGE).as_posix()
    n = _lines(path)
    if name in OVERSIZE_ALLOWED:
        assert n > MAX_LINES, f"{name} has {n} lines now: take it off OVERSIZE_ALLOWED"
    else:
        assert n <= MAX_LINES, (f"{name} has {n} lines (> {MAX_LINES}): split it by what it "
                                "holds, or add it to OVERSIZE_ALLOWED with the reason")


def test_oversize_allowlist_names_existing_modules():
    missing = [name for name in OVERSIZE_ALLOWED if not (PACKAGE / name).is_file()]
    assert missing == [], f"OVERSIZE_ALLOWED names modules that are gone: {missing}"


def test_the_kit_does_not_import_gate_by_its_0_1_0_path():
    # `from aipo_widgets.gates import Gate` is 0.1.0's path (it warns); the kit imports
    # evidence.Gate. The layers contract keeps the other 0.1.0 modules out of the kit.
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.ImportFrom) and node.module == "aipo_widgets.gates"
                    and any(a.name == "Gate" for a in node.names)):
                found.append(f"{path.relative_to(PACKAGE)}:{node.lineno}")
    assert found == []
