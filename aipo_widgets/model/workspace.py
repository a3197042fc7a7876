r"""Reading and writing ``aipo.yaml``: safe, round-trip, atomic and conflict-checked.

A workspace is a folder with an ``aipo.yaml`` (see :mod:`aipo_widgets.model.schema` for its schema).
This module is the only place that reads or writes that file:

- **Safe.** Only the plain YAML types are accepted. ``!!python/object`` and every other explicit
  tag is refused before anything is constructed; duplicate keys are refused too.
- **Every problem at once, with its place.** Bad YAML, a wrong type, an out-of-range value, an
  unknown field or a dangling reference each become a :class:`~aipo_widgets.errors.Problem` with
  file, line, column and YAML path, e.g.
  ``aipo.yaml:41:17: risks[2].likelihood: must be an integer from 1 to 5, got 7``.
- **Round trip.** The file is read with ruamel.yaml's round-trip loader; a save merges the
  model's changes into that document, so comments, key order and quoting survive, and saving an
  unchanged workspace leaves the file untouched.
- **Atomic and conflict-checked.** A save writes a temporary file in the same folder, fsyncs it
  and renames it over the old one, so a crash leaves the old or the new file, never a torn one.
  It refuses to overwrite a file whose content changed on disk since it was loaded (someone
  else's edit, a ``git pull``): nobody's edit is lost silently.

Examples
--------
>>> import tempfile, pathlib
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "aipo.yaml").write_text(
...     "# my product\nproduct:\n  name: Ticket summaries  # what people call it\n"
...     "  owner: Jana\n")
>>> wf = load(folder)
>>> wf.workspace.product.owner = "Jana Keller"
>>> wf.save()
True
>>> print((folder / "aipo.yaml").read_text(), end="")
# my product
product:
  name: Ticket summaries  # what people call it
  owner: Jana Keller
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from aipo_widgets.errors import ConflictError, Problem, WorkspaceError
from aipo_widgets.model.atomic import atomic_write, clean_leftovers, digest, file_lock
from aipo_widgets.model.merge import commented_changes, merge, parse_path
from aipo_widgets.model.references import check_references
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.validation_errors import problems_from_validation
from aipo_widgets.model.yaml_io import (
    FILENAME,
    guess_indent,
    locate,
    new_yaml,
    parse,
)

__all__ = [
    "FILENAME",
    "WorkspaceFile",
    "find",
    "load",
    "load_workspace",
    "resolve",
    "validate_text",
    "workspaces_in",
]


def resolve(path: str | os.PathLike[str]) -> Path:
    """Return the ``aipo.yaml`` path for a workspace folder or a path to the file itself.

    Parameters
    ----------
    path : str or os.PathLike
        A workspace folder or its ``aipo.yaml``.

    Raises
    ------
    WorkspaceError
        If there is no such folder or file.
    """
    p = Path(path)
    if p.is_dir():
        p = p / FILENAME
    if not p.is_file():
        where = p.parent if p.name == FILENAME else p
        msg = f"no workspace here: {p} does not exist"
        fix = (
            f"create one with 'aipo init {where}'" if not where.exists() or where.is_dir()
            else "pass a workspace folder or its aipo.yaml"
        )
        raise WorkspaceError([Problem(msg, file=str(p), fix=fix, code="missing_file")])
    return p


def find(start: str | os.PathLike[str] = "") -> Path:
    """Find the workspace a notebook belongs to.

    Parameters
    ----------
    start : path, default ""
        A workspace folder or ``aipo.yaml`` to use as is; when empty, the current folder and its
        parents are searched for an ``aipo.yaml`` (a phase notebook sits in the workspace's
        ``notebooks/`` folder, or a template opened from JupyterLab's launcher in the folder
        the file browser shows).

    Returns
    -------
    pathlib.Path
        The ``aipo.yaml`` file.

    Raises
    ------
    WorkspaceError
        When none is found, saying which parameter to set.
    """
    if str(start):
        return resolve(start)
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / FILENAME).is_file():
            return folder / FILENAME
    msg = f"no {FILENAME} in {here} or any folder above it"
    fix = ("set the notebook's 'workspace' parameter to your product's folder, e.g. "
           "workspace = '/home/me/my-product', or create one with 'aipo init'")
    raise WorkspaceError([Problem(msg, fix=fix, code="missing_file")])


# --------------------------------------------------------------------------------------------
# positions and messages


# --------------------------------------------------------------------------------------------
# the loaded file


class WorkspaceFile:
    """A loaded ``aipo.yaml``: the validated model plus what is needed to save it faithfully.

    Use :func:`load` to make one. Change :attr:`workspace` (the pydantic model) and call
    :meth:`save`.

    Attributes
    ----------
    path : pathlib.Path
        The file.
    workspace : aipo_widgets.model.schema.Workspace
        The validated content. Assignments are validated; list edits are validated at save.
    folder : pathlib.Path
        The workspace folder (where ``data/``, ``notebooks/`` and ``reports/`` are).
    """

    def __init__(self, path: Path, text: str, document: Any, workspace: Workspace):
        self.path = path
        self.workspace = workspace
        self._document = document
        self._text = text
        self._hash = digest(text.encode("utf-8"))
        self._snapshot = workspace.model_dump(mode="json")
        self._indent = guess_indent(text) or (2, 4, 2)

    @property
    def folder(self) -> Path:
        """The workspace folder."""
        return self.path.parent

    @property
    def indent(self) -> tuple[int, int, int]:
        """The file's indentation: mapping, sequence and the dash's offset (ruamel's terms)."""
        return self._indent

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """Return ``problems`` with this file's name and the line and column of their path.

        For findings about the workspace made after loading it (a missing data file, say), so
        that they point into ``aipo.yaml`` like its validation problems do.
        """
        return [_with_file(p, str(self.path), self._document) for p in problems]

    def line_of(self, path: str) -> int | None:
        r"""Return the 1-based line of a place named as the gates name their ``source``.

        A list item is named by its index or by its ``id`` (``plan.milestones[M7]``), a mapping
        entry by its key (``business_case.drivers[adoption_max]``); ``[]`` (every item) stops at
        the list. The deepest part found gives the line; None when not even the first is there.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> risk = ("  - id: {}\n    title: t\n    category: model\n    likelihood: 2\n"
        ...         "    impact: 3\n")
        >>> _ = (folder / "aipo.yaml").write_text(
        ...     "product:\n  name: X\n  owner: Jana\nrisks:\n" + risk.format("R1")
        ...     + risk.format("R2"))
        >>> wf = load(folder)
        >>> wf.line_of("risks[R2].impact"), wf.line_of("risks[0]"), wf.line_of("risks[]")
        (14, 5, 5)
        >>> wf.line_of("monitoring.alert_rules") is None
        True
        """
        node, line = self._document, None
        for part in re.findall(r"\[[^\]]*\]|[^.\[\]]+", path):
            key: Any = part[1:-1] if part.startswith("[") else part
            if key == "":
                break
            pos: Any = None
            if isinstance(node, CommentedMap) and key in node:
                pos, node = node.lc.value(key), node[key]
            elif isinstance(node, CommentedSeq):
                index = int(key) if key.isdigit() else next(
                    (i for i, item in enumerate(node)
                     if isinstance(item, dict) and str(item.get("id")) == key), None)
                if index is None or index >= len(node):
                    break
                pos, node = node.lc.item(index), node[index]
            else:
                break
            line = pos[0] + 1
        return line

    @property
    def changed(self) -> bool:
        """True when the model differs from what was loaded or last saved."""
        return self.workspace.model_dump(mode="json") != self._snapshot

    def commented_changes(self) -> list[tuple[str, str]]:
        r"""Return the unsaved changes to values that have a comment on their line in the file.

        A save keeps such a comment (``target: 12.5  # 25 % less``), though it may no longer
        be true: widgets name these after a save so that a person checks them.

        Returns
        -------
        list of (str, str)
            YAML path (list items by ``id``) and the comment.

        Examples
        --------
        >>> import tempfile, pathlib
        >>> folder = pathlib.Path(tempfile.mkdtemp())
        >>> _ = (folder / "aipo.yaml").write_text(
        ...     "product:\n  name: Demo  # working title\n  owner: Jana\n")
        >>> wf = load(folder)
        >>> wf.workspace.product.name = "Ticket summaries"
        >>> wf.commented_changes()
        [('product.name', '# working title')]
        """
        return commented_changes(self._document, self._snapshot,
                                 self.workspace.model_dump(mode="json"))

    def dumps(self) -> str:
        """Return the YAML text the current model would be saved as.

        The model's content is merged into the loaded document, so comments, key order and
        quoting are kept; for an unchanged model of a file in the kit's layout this is the file
        byte for byte.
        """
        data = self.workspace.model_dump(mode="python")
        pruned = self.workspace.model_dump(mode="python", exclude_defaults=True)
        document = merge(self._document, data, pruned)
        return self._dump(document)

    def save(self, *, force: bool = False) -> bool:
        """Write the model back to the file, atomically.

        Parameters
        ----------
        force : bool, default False
            Overwrite even if the file changed on disk since it was loaded. Only for a person
            who has seen both versions.

        Returns
        -------
        bool
            True if the file was written, False if nothing had changed.

        Raises
        ------
        WorkspaceError
            If the model is not valid (e.g. a list edit left a dangling reference); nothing is
            written.
        ConflictError
            If the file changed on disk since it was loaded; nothing is written.
        """
        if not self.changed:
            return False
        # List edits bypass pydantic's assignment validation: validate the whole model first.
        dumped = self.workspace.model_dump(mode="python")
        try:
            checked = Workspace.model_validate(dumped)
        except ValidationError as exc:
            raise WorkspaceError(problems_from_validation(exc, dumped, str(self.path))) from None
        problems = check_references(checked)
        if problems:
            raise WorkspaceError([_with_file(p, str(self.path)) for p in problems])
        self._write(self.dumps(), force=force)
        self._snapshot = self.workspace.model_dump(mode="json")
        return True

    def edit(self, change: Callable[[Any], None]) -> str:
        """Return the file's text after ``change`` edits a fresh round-trip copy of it.

        For additions the model cannot say with their comments (``aipo add source`` writes a
        commented entry): ``change`` receives the ruamel.yaml document of the file as loaded,
        and the rest of the file comes back as it was.
        """
        document = new_yaml().load(self._text)
        change(document)
        return self._dump(document)

    def _dump(self, document: Any) -> str:
        """Write a ruamel.yaml document as text in the file's own indentation."""
        y = new_yaml()
        mapping, seq, offset = self._indent
        y.indent(mapping=mapping, sequence=seq, offset=offset)
        buf = io.StringIO()
        y.dump(document, buf)
        return buf.getvalue()

    def save_text(self, text: str) -> None:
        """Validate ``text`` as this workspace and write it, atomically and conflict-checked.

        Raises
        ------
        WorkspaceError
            If ``text`` is not a valid workspace (its problems, with their lines); nothing is
            written.
        ConflictError
            If the file changed on disk since it was loaded; nothing is written.
        """
        checked, problems = validate_text(text, str(self.path))
        if problems:
            raise WorkspaceError(problems)
        assert checked is not None
        self._write(text, force=False)
        self.workspace, self._document = checked.workspace, checked._document
        self._snapshot = self.workspace.model_dump(mode="json")

    def _write(self, text: str, *, force: bool) -> None:
        with file_lock(self.path):
            on_disk = self.path.read_bytes() if self.path.exists() else b""
            if not force and digest(on_disk) != self._hash:
                msg = (
                    f"{self.path} changed on disk since it was loaded; your changes were not "
                    "saved"
                )
                fix = (
                    "reload the workspace (aipo_widgets.model.workspace.load), apply your change "
                    "again and save; or save(force=True) to overwrite the other change"
                )
                raise ConflictError([Problem(msg, file=str(self.path), fix=fix,
                                             code="conflict")])
            clean_leftovers(self.path.parent)  # of a save killed earlier (kill -9)
            atomic_write(self.path, text.encode("utf-8"))
        self._text = text
        self._hash = digest(text.encode("utf-8"))

    def reload(self) -> WorkspaceFile:
        """Return a fresh load of the same file (after a conflict, say)."""
        return load(self.path)


def _with_file(p: Problem, file: str, document: Any = None) -> Problem:
    line = col = None
    if document is not None and p.path:
        line, col = locate(document, parse_path(p.path))
    return Problem(p.message, path=p.path, file=file, line=line, column=col, fix=p.fix,
                   code=p.code)


# --------------------------------------------------------------------------------------------
# loading


def validate_text(text: str, file: str = FILENAME) -> tuple[WorkspaceFile | None, list[Problem]]:
    """Validate YAML text as a workspace; never raises for bad content.

    Returns
    -------
    workspace_file, problems
        The loaded file (None if there are problems) and every problem found.
    """
    document, problems = parse(text, file)
    if problems:
        return None, problems
    try:
        ws = Workspace.model_validate(document)
    except ValidationError as exc:
        return None, problems_from_validation(exc, document, file)
    except (ValueError, TypeError, RecursionError) as exc:  # pragma: no cover - defensive
        return None, [Problem(f"cannot be read as a workspace: {exc}", file=file)]
    refs = [_with_file(p, file, document) for p in check_references(ws)]
    if refs:
        return None, refs
    return WorkspaceFile(Path(file), text, document, ws), []


def load(path: str | os.PathLike[str]) -> WorkspaceFile:
    """Load and validate a workspace.

    Parameters
    ----------
    path : str or os.PathLike
        A workspace folder or its ``aipo.yaml``.

    Returns
    -------
    WorkspaceFile
        The validated workspace, ready to be changed and saved.

    Raises
    ------
    WorkspaceError
        With every problem found (file, line, column, path, fix).
    """
    file = resolve(path)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise WorkspaceError([Problem(f"cannot read the file: {exc.strerror}", file=str(file),
                                      code="unreadable")]) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise WorkspaceError([Problem("is not UTF-8 text", file=str(file), line=line,
                                      fix="save the file as UTF-8", code="encoding")]) from None
    wf, problems = validate_text(text, str(file))
    if problems:
        raise WorkspaceError(problems)
    assert wf is not None
    wf.path = file
    return wf


def load_workspace(path: str | os.PathLike[str]) -> Workspace:
    """Load a workspace and return just the model (for read-only use)."""
    return load(path).workspace


def workspaces_in(folder: Path) -> list[Path]:
    """Return the workspace folders directly inside ``folder`` (those with an ``aipo.yaml``).

    Hidden folders (``.git``, ``.trash``) are not workspaces of a portfolio.
    """
    return sorted(p for p in folder.iterdir()
                  if not p.name.startswith(".") and p.is_dir() and (p / FILENAME).is_file())
