"""Build the shipped phase notebooks from their sources: ``python tools/build_notebooks.py``.

The phase notebooks are written as Python files in jupytext's percent format
(``templates/notebooks/src/NN_phase.py``: ``# %%`` starts a code cell, ``# %% [markdown]`` a
markdown cell, ``# %% tags=["parameters"]`` the cell Papermill replaces), so that ruff lints them
and a change is a readable diff. This tool turns each into the ``.ipynb`` the kit ships
(``templates/notebooks/NN_phase.ipynb``): stored without outputs, with a Python 3 kernel, stable
cell ids (``c00``, ``c01``, ... in order) and no metadata but the cells' tags, so that building
twice gives the same bytes.

Run it after editing a source and commit both; ``--check`` only says which notebooks are out of
date (exit 1), and a test fails when one is. It needs jupytext (the ``test`` extra) and runs in a
checkout only: the installed kit ships the built notebooks.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import jupytext
import nbformat

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "templates" / "notebooks"
SRC = OUT / "src"

KERNELSPEC = {"name": "python3", "display_name": "Python 3", "language": "python"}


def sources(folder: Path = SRC) -> list[Path]:
    """Return the notebook sources, in phase order."""
    return sorted(folder.glob("[0-9][0-9]_*.py"))


def target(source: Path, out: Path = OUT) -> Path:
    """Return the notebook built from a source."""
    return out / f"{source.stem}.ipynb"


def build(source: Path) -> nbformat.NotebookNode:
    """Return the notebook of one percent-format source, as the kit ships it."""
    read = jupytext.read(source, fmt="py:percent")
    cells = []
    for i, cell in enumerate(read.cells):
        tags = list(cell.metadata.get("tags", []))
        if cell.cell_type == "markdown":
            new = nbformat.v4.new_markdown_cell(cell.source)
        elif cell.cell_type == "code":
            new = nbformat.v4.new_code_cell(cell.source)
        else:
            msg = f"{source.name}: cell {i} is a {cell.cell_type} cell; use code or markdown"
            raise SystemExit(msg)
        if tags:
            new.metadata["tags"] = tags
        new["id"] = f"c{i:02d}"  # stable ids: the notebooks diff cleanly
        cells.append(new)
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    return nb


def stale(out: Path = OUT, folder: Path = SRC) -> list[str]:
    """Return the names of the notebooks that differ from what their sources build."""
    names = []
    for source in sources(folder):
        path = target(source, out)
        if not path.is_file() or nbformat.read(path, as_version=4) != build(source):
            names.append(path.name)
    return names


def main(argv: list[str] | None = None) -> int:
    """Build every notebook (or, with ``--check``, list those out of date)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 when a notebook is out of date")
    args = parser.parse_args(argv)
    if not sources():
        print(f"error: no notebook sources in {SRC}", file=sys.stderr)
        return 2
    if args.check:
        names = stale()
        for name in names:
            print(f"{name} is out of date: run python tools/build_notebooks.py",
                  file=sys.stderr)
        return 1 if names else 0
    for source in sources():
        nbformat.write(build(source), target(source))
        print(f"wrote {target(source).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
