"""The example workspaces that ship with the kit, and the code that writes them.

Each example is a folder in this package with an ``aipo.yaml`` (copied byte for byte, comments
included) and, for the two products, a ``data`` module that generates the example's data
deterministically (a fixed seed), so ``aipo init --example NAME`` needs no network and the
repository holds no large files.

``support-summaries``
    An LLM drafts summaries of long support tickets; the goal is 25 % less handling time at
    equal quality.  Tickets with personal data, a reviewed gold set, experiment and production
    logs of the LLM calls, a randomised pilot.
``predictive-maintenance``
    A classifier warns of machine failures a week ahead; failures are rare, a missed one is
    expensive, a false alarm cheap.  Sensor windows, a gold set, a pilot against a control
    plant, and a production window that drifts.
``blank``
    A minimal valid workspace with every section shown as a commented-out example.

Examples
--------
>>> import tempfile, pathlib
>>> sorted(EXAMPLES)
['blank', 'predictive-maintenance', 'support-summaries']
>>> target = pathlib.Path(tempfile.mkdtemp()) / "my-product"
>>> [p.name for p in write_example("blank", target)]
['aipo.yaml']
"""

from __future__ import annotations

import importlib
from importlib.resources import files
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from aipo_widgets.errors import Problem, UsageError

if TYPE_CHECKING:
    import pandas as pd

EXAMPLES: dict[str, str] = {
    "support-summaries": "LLM summaries of long support tickets: a quarter less handling time "
                         "at equal quality, PII in the texts, a pilot with human review",
    "predictive-maintenance": "failure warnings for 580 machines: rare failures, expensive "
                              "misses, a conservative threshold, drift and retraining",
    "blank": "a minimal workspace with every section shown as a commented-out example",
}

# Example name -> package folder holding aipo.yaml and, where there is data, data.py.
_FOLDERS = {
    "support-summaries": "support_summaries",
    "predictive-maintenance": "predictive_maintenance",
    "blank": "blank",
}


def _check_name(name: str) -> str:
    if name not in _FOLDERS:
        msg = f"unknown example {name!r}; expected one of: {', '.join(EXAMPLES)}"
        raise UsageError([Problem(msg, path="name", fix=f"choose one of: {', '.join(EXAMPLES)}",
                                  code="unknown_example")])
    return _FOLDERS[name]


def example_yaml(name: str) -> bytes:
    """Return the shipped ``aipo.yaml`` of an example, as bytes.

    Parameters
    ----------
    name : str
        One of :data:`EXAMPLES`.

    Returns
    -------
    bytes
        The file exactly as shipped (comments included).

    Raises
    ------
    UsageError
        If there is no example of that name.

    Examples
    --------
    >>> example_yaml("blank").startswith(b"#")
    True
    """
    folder = _check_name(name)
    return (files("aipo_widgets.examples") / folder / "aipo.yaml").read_bytes()


def _data_module(folder: str) -> ModuleType | None:
    if not (files("aipo_widgets.examples") / folder / "data.py").is_file():
        return None
    return importlib.import_module(f"aipo_widgets.examples.{folder}.data")


def generate_frames(name: str) -> dict[str, pd.DataFrame]:
    """Generate an example's data tables in memory (the same as :func:`write_example` writes).

    Parameters
    ----------
    name : str
        One of :data:`EXAMPLES`.

    Returns
    -------
    dict of str to pandas.DataFrame
        Table name -> table; each is written as ``data/<name>.csv``.  Empty for ``blank``.

    Raises
    ------
    UsageError
        If there is no example of that name.

    Examples
    --------
    >>> generate_frames("blank")
    {}
    """
    module = _data_module(_check_name(name))
    return {} if module is None else module.generate()


def write_example(name: str, target: Path) -> list[Path]:
    """Write an example workspace's ``aipo.yaml`` and data files into a folder.

    Nothing outside ``target`` is written and no existing file is overwritten: if one of the
    files to be written is already there, nothing is written at all.  The folder and its
    ``data/`` subfolder are created when missing.

    Parameters
    ----------
    name : str
        One of :data:`EXAMPLES`: ``"support-summaries"``, ``"predictive-maintenance"`` or
        ``"blank"``.
    target : pathlib.Path
        The workspace folder.

    Returns
    -------
    list of pathlib.Path
        The files written: ``target/aipo.yaml`` first, then ``target/data/*.csv``.

    Raises
    ------
    UsageError
        If there is no example of that name, or if a file to be written already exists.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> target = pathlib.Path(tempfile.mkdtemp())
    >>> written = write_example("blank", target)
    >>> written == [target / "aipo.yaml"]
    True
    >>> write_example("blank", target)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    aipo_widgets.errors.UsageError: ...aipo.yaml already exists; nothing was written...
    """
    target = Path(target)
    text = example_yaml(name)
    module = _data_module(_FOLDERS[name])
    tables = () if module is None else module.TABLES
    planned = [target / "aipo.yaml", *(target / "data" / f"{table}.csv" for table in tables)]
    existing = [p for p in planned if p.exists()]
    if existing:
        raise UsageError([
            Problem(f"{p} already exists; nothing was written", file=str(p),
                    fix="write the example into a new or empty folder", code="file_exists")
            for p in existing
        ])
    # Generated before anything is written, so an error leaves the folder as it was.
    frames = {} if module is None else module.generate()
    target.mkdir(parents=True, exist_ok=True)
    if frames:
        (target / "data").mkdir(exist_ok=True)
    written = []
    # Mode "x" refuses to replace a file that appeared since the check above.
    with open(planned[0], "xb") as fh:
        fh.write(text)
    written.append(planned[0])
    for path, table in zip(planned[1:], tables, strict=True):
        frame = frames[table]
        with open(path, "x", encoding="utf-8", newline="") as fh:
            frame.to_csv(fh, index=False, lineterminator="\n")
        written.append(path)
    return written
