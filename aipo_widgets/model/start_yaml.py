"""Writing ``aipo.yaml`` for a person: the guided first file, and a data source added to it.

``aipo init DIR --interactive`` fills :data:`GUIDED` (a short, commented workspace) with the
answers through ruamel.yaml's round-trip loader, so every value is quoted as YAML needs it and
the comments stay beside the fields they explain. ``aipo add source`` appends a commented
``data_map.sources`` entry to an existing file with :func:`append_source`; everything else in the
file comes back as it was.

Examples
--------
>>> import datetime as dt
>>> text = guided_text(name="Ticket summaries", owner="Jana: PO", role="provider",
...                    start_date=dt.date(2026, 9, 1))
>>> for line in text.splitlines():
...     if line.startswith(("  name", "  owner", "    role")):
...         print(line)
  name: Ticket summaries  # the name stakeholders know it by
  owner: 'Jana: PO'  # the AI product owner accountable for it
    role: provider  # provider, deployer, importer, ... (see above)
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Mapping, Sequence
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.model.yaml_io import new_yaml

__all__ = ["DATA_HEADER", "GUIDED", "append_source", "guided_text"]

#: The first ``aipo.yaml`` of a guided start; :func:`guided_text` fills in the answers.
GUIDED = """\
# aipo.yaml: the single source of truth for one AI product (written by aipo init --interactive).
#
# `aipo validate .` checks it and names every problem with its line; `aipo schema` prints the
# JSON Schema, so an editor with a YAML language server explains each field as you type.
# The sections not written yet (value hypotheses, the metric tree, acceptance criteria,
# budgets, risks, the backlog, the rollout, monitoring, the plan) are shown as commented-out
# examples in a blank workspace: `aipo init ANOTHER-FOLDER --example blank`.
schema_version: 1

# ------------------------------------------------------------------------------------------
# What the product is, for whom, and who owns it.
product:
  name: My AI product  # the name stakeholders know it by
  owner: Your Name  # the AI product owner accountable for it
  phase: discovery  # discovery, experiments, rollout or operate
  start_date: 2026-09-01  # day 1 of the 90 days
  # problem: >-
  #   The problem it solves, in the business's words, with the number that hurts.
  # users: [support agents]
  # intended_purpose: What it is for, where and for whom (AI Act Art 3(12)).

# ------------------------------------------------------------------------------------------
# Legal clarity. Our role under the EU AI Act decides which obligations are ours: provider
# (we develop it, or have it developed, and put it into service under our own name, Art 3(3))
# or deployer (we use it under our authority, Art 3(4)); rarer: importer, distributor,
# authorised_representative, product_manufacturer. The discovery phase asks the rest.
compliance:
  ai_act:
    role: deployer  # provider, deployer, importer, ... (see above)
    # answers: {is_ai_system: true, role_develops: false, role_uses: true}
"""
#: The comment above ``data_map`` when :func:`append_source` writes the section.
DATA_HEADER = """
------------------------------------------------------------------------------------------
The data reality: where each source lives, which engine reads it and which of its columns
plays which of the kit's roles. `aipo add source NAME LOCATION` inspects a source and adds it."""


def guided_text(*, name: str, owner: str, role: str, start_date: dt.date,
                with_source: bool = False) -> str:
    """Return the guided first ``aipo.yaml`` with the answers filled in.

    Parameters
    ----------
    name, owner : str
        The product's name and its owner.
    role : str
        Our role under the AI Act (``compliance.ai_act.role``).
    start_date : datetime.date
        Day 1 of the 90 days.
    with_source : bool
        Whether a source follows (:func:`append_source` then writes the data map's header);
        without, the header ends the file and says how to add one.
    """
    y = new_yaml()
    document = y.load(GUIDED)
    product = document["product"]
    for key, value in (("name", name), ("owner", owner), ("start_date", start_date)):
        _set(product, key, value, column=2)
    _set(document["compliance"]["ai_act"], "role", role, column=4)
    buf = io.StringIO()
    y.dump(document, buf)
    text = buf.getvalue()
    if with_source:
        return text
    return text + "".join(f"# {line}\n" if line else "\n" for line in DATA_HEADER.split("\n"))


def _flow(value: Any) -> Any:
    """Return a list as a one-line list (``[a, b]``); any other value as it is."""
    if not isinstance(value, list):
        return value
    seq = CommentedSeq(value)
    seq.fa.set_flow_style()
    return seq


def _set(mapping: Any, key: str, value: Any, *, column: int, note: str = "") -> None:
    """Set a value and keep its line's comment two spaces after it (not at its old column)."""
    mapping[key] = value
    token = mapping.ca.items.get(key)
    if note:
        said = note
    elif not token or len(token) < 3 or token[2] is None:
        return
    else:
        said = token[2].value.strip()
        token[2] = None
    buf = io.StringIO()
    new_yaml().dump({key: value}, buf)
    shown = buf.getvalue().splitlines()[0]
    mapping.yaml_add_eol_comment(said, key, column=column + len(shown) + 2)


def append_source(document: Any, entry: Mapping[str, Any], *, comments: Sequence[str] = (),
                  notes: Mapping[str, str] | None = None,
                  indent: tuple[int, int, int] = (2, 4, 2)) -> None:
    r"""Append a data source to a round-trip ``aipo.yaml`` document, with its comments.

    Parameters
    ----------
    document : ruamel.yaml CommentedMap
        The loaded file (:meth:`aipo_widgets.model.workspace.WorkspaceFile.edit` hands it over).
    entry : mapping
        The source's fields in the order they are written; a ``columns`` mapping is written in
        flow style, on one line.
    comments : sequence of str
        Comment lines written above the entry (what the inspection found, what to fill in).
    notes : mapping of str to str, optional
        A comment at the end of a field's line.
    indent : (mapping, sequence, offset)
        The file's indentation, so the comments line up with the entry.

    Raises
    ------
    UsageError
        When a source with the same id is declared already (nothing is changed).

    Examples
    --------
    >>> y = new_yaml()
    >>> doc = y.load("product: {name: P, owner: O}\n")
    >>> append_source(doc, {"id": "log", "name": "Log", "location": "log.csv",
    ...                     "columns": {"time": "created_at"}}, comments=["1,000 rows"],
    ...               notes={"location": "read by DuckDB"})
    >>> y.dump(doc, buf := io.StringIO()); print(buf.getvalue(), end="")
    product: {name: P, owner: O}
    <BLANKLINE>
    # ------------------------------------------------------------------------------------------
    # The data reality: where each source lives, which engine reads it and which of its columns
    # plays which of the kit's roles. `aipo add source NAME LOCATION` inspects a source and adds it.
    data_map:
      sources:
        # 1,000 rows
        - id: log
          name: Log
          location: log.csv  # read by DuckDB
          columns: {time: created_at}
    """
    if "data_map" not in document or document["data_map"] is None:
        document["data_map"] = CommentedMap()
        document.yaml_set_comment_before_after_key("data_map", before=DATA_HEADER)
    data_map = document["data_map"]
    if "sources" not in data_map or data_map["sources"] is None:
        data_map.insert(0, "sources", CommentedSeq())
    sources = data_map["sources"]
    for i, existing in enumerate(sources):
        if isinstance(existing, Mapping) and existing.get("id") == entry["id"]:
            raise UsageError([Problem(
                f"a data source '{entry['id']}' is declared already; nothing was written",
                path=f"data_map.sources[{i}].id",
                fix="choose another NAME, or edit or remove that entry first")])
    item = CommentedMap()
    for key, value in entry.items():
        if isinstance(value, Mapping):
            value = CommentedMap({k: _flow(v) for k, v in value.items()})
            if len(str(dict(value))) <= 72:  # one line while it fits in 100 columns
                value.fa.set_flow_style()
        item[key] = _flow(value)
    mapping, _, offset = indent
    for key, note in (notes or {}).items():
        if key in item:
            # two spaces after the value, as a person writes it ('- ' and the key before it)
            _set(item, key, item[key], column=mapping + offset + 2, note=note)
    if isinstance(sources, CommentedSeq):
        sources.fa.set_block_style()  # 'sources: []' grows into a list of entries
    sources.append(item)
    if comments:
        # the '- ' of an entry stands `offset` in from its key, one mapping level down
        sources.yaml_set_comment_before_after_key(len(sources) - 1, before="\n".join(comments),
                                                  indent=mapping + offset)
