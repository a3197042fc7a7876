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

import contextlib
import datetime as dt
import difflib
import hashlib
import io
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from aipo_widgets.errors import ConflictError, Problem, WorkspaceError, format_path
from aipo_widgets.model.references import check_references
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.yaml_errors import GENERIC_FIX, explain

FILENAME = "aipo.yaml"

# The only tags a workspace file may carry: YAML's core types. Anything else (python/object,
# python/name, custom tags) is refused before construction.
_SAFE_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}


def resolve(path: str | os.PathLike) -> Path:
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


def find(start: str | os.PathLike = "") -> Path:
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


def _yaml() -> YAML:
    y = YAML(typ="rt")
    # The kit's own files use this layout; ruamel then dumps them byte for byte as they were.
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # never re-wrap a person's long lines
    y.preserve_quotes = True
    y.allow_duplicate_keys = False
    return y


def _guess_indent(text: str) -> tuple[int, int, int] | None:
    # The indentation of the first nested mapping and of the first block sequence, so that a
    # person's own layout survives a save. Only a line directly under a "key:" line that opens a
    # block tells the indentation; lines inside list items do not.
    mapping = seq = offset = None
    opener = None  # indent of the previous line if it was "key:" opening a block
    for raw in text.splitlines():
        line = raw.rstrip()
        stripped = line.lstrip(" ")
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(line) - len(stripped)
        is_item = stripped.startswith("- ") or stripped == "-"
        if opener is not None:
            if is_item and seq is None:
                offset = indent - opener
                seq = offset + len(stripped) - len(stripped[1:].lstrip(" "))
            elif not is_item and mapping is None and indent > opener:
                mapping = indent - opener
        key_part = stripped.split(" #", 1)[0].rstrip()
        opener = indent if (not is_item and key_part.endswith(":")) else None
        if mapping is not None and seq is not None:
            break
    if mapping is None and seq is None:
        return None
    return (mapping or 2, seq or 4, offset if offset is not None else 2)


# --------------------------------------------------------------------------------------------
# positions and messages


def _locate(doc: Any, loc: tuple, *, key: bool = False) -> tuple[int | None, int | None]:
    """Return the 1-based (line, column) of the deepest node of ``loc`` found in ``doc``."""
    line = col = None
    node = doc
    if isinstance(doc, (CommentedMap, CommentedSeq)) and hasattr(doc, "lc"):
        line, col = doc.lc.line, doc.lc.col
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(node, CommentedMap) and isinstance(part, str) and part in node:
            pos = node.lc.key(part) if (key and last) else node.lc.value(part)
            line, col = pos
            node = node[part]
        elif isinstance(node, CommentedSeq) and isinstance(part, int) and 0 <= part < len(node):
            line, col = node.lc.item(part)
            node = node[part]
        else:
            break
    if line is None:
        return None, None
    return line + 1, col + 1


def _shown(value: Any) -> str:
    if isinstance(value, str):
        text = repr(str(value))
    elif isinstance(value, (dict, CommentedMap)):
        text = "a mapping"
    elif isinstance(value, (list, CommentedSeq)):
        text = "a list"
    elif value is None:
        text = "nothing (null)"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """Return the pydantic model class that owns the field at ``loc[-1]``."""
    model: Any = Workspace
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return None
        model = _inner_model(field.annotation)
        if model is None:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()) or ():
        found = _inner_model(arg)
        if found is not None:
            return found
    return None


def _friendly(err: dict) -> tuple[str, str]:
    """Turn one pydantic error into (message, fix) in a product owner's words."""
    kind = err["type"]
    value = err.get("input")
    ctx = err.get("ctx") or {}
    loc = tuple(err["loc"])
    got = f", got {_shown(value)}"
    if kind == "missing":
        return "is required", f"add '{loc[-1]}:' here" if loc else ""
    if kind == "extra_forbidden":
        model = _model_at(loc)
        known = list(model.model_fields) if model else []
        close = difflib.get_close_matches(str(loc[-1]), known, n=1)
        fix = f"did you mean '{close[0]}'?" if close else (
            f"allowed here: {', '.join(known)}" if known else "remove it"
        )
        return f"unknown field '{loc[-1]}'", fix
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx.get('expected', '?')}{got}", ""
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number{got}", ""
    if kind in ("float_parsing", "float_type", "finite_number"):
        return f"must be a number{got}", ""
    if kind in ("bool_parsing", "bool_type"):
        return f"must be true or false{got}", ""
    if kind in ("string_type",):
        return f"must be a text{got}", "put it in quotes if it looks like a number or date"
    if kind in ("list_type", "tuple_type"):
        return f"must be a list{got}", "write one '- item' per line"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"must be a mapping of 'key: value' lines{got}", ""
    if kind in ("date_type", "date_parsing", "date_from_datetime_parsing",
                "date_from_datetime_inexact"):
        return f"must be a date like 2026-11-26{got}", ""
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}{got}", ""
    if kind == "greater_than":
        return f"must be more than {ctx.get('gt')}{got}", ""
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}{got}", ""
    if kind == "less_than":
        return f"must be less than {ctx.get('lt')}{got}", ""
    if kind in ("too_short", "too_long"):
        n = len(value) if isinstance(value, (list, tuple)) else "?"
        lo, hi = ctx.get("min_length"), ctx.get("max_length")
        want = (f"exactly {lo}" if lo is not None and lo == hi else
                f"at least {lo}" if kind == "too_short" else f"at most {hi}")
        return f"must have {want} entries, has {n}", "add or remove entries"
    if kind == "likert5":
        return (err.get("msg", kind), "likelihood: 1 rare .. 5 almost certain; impact: 1 "
                "insignificant .. 5 catastrophic")
    if kind == "string_too_short":
        return "must not be empty", ""
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters{got}", ""
    if kind == "string_pattern_mismatch":
        return (
            f"must be an id: a letter, then letters, digits, '_', '-' or '.'{got}",
            "no spaces",
        )
    if kind == "literal_error" or kind == "union_tag_invalid":
        return err["msg"] + got, ""
    # Custom errors from the spec (likert5, weights, check_fields) carry their own message.
    msg = err.get("msg", kind)
    msg = msg.removeprefix("Value error, ")
    return msg, ""


def _problems_from_validation(exc: ValidationError, doc: Any, file: str) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[str] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        # Errors inside a union (e.g. an answer that is neither text, number, true/false nor
        # a list) come once per member type; keep the path up to the data and report once.
        data_loc = _data_loc(doc, loc)
        path = format_path(data_loc)
        if err["type"] in ("missing", "extra_forbidden"):
            data_loc = loc
            path = format_path(loc)
        if path in seen:
            continue
        seen.add(path)
        if len(data_loc) < len(loc) and err["type"] not in ("missing", "extra_forbidden"):
            message, fix = f"has a value of the wrong kind: {_shown(err.get('input'))}", ""
        else:
            message, fix = _friendly(err)
        line, col = _locate(doc, data_loc, key=err["type"] == "extra_forbidden")
        problems.append(Problem(message, path=path, file=file, line=line, column=col, fix=fix,
                                code=err["type"]))
    return problems


def _data_loc(doc: Any, loc: tuple) -> tuple:
    """Cut a pydantic location down to the part that exists in the YAML document."""
    node = doc
    out = []
    for part in loc:
        in_map = isinstance(node, dict) and part in node
        in_seq = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_map or in_seq:
            node = node[part]
        else:
            # Validator-internal parts (union members, function names) stop here.
            break
        out.append(part)
    return tuple(out)


def _walk(node: Node | None) -> Iterator[tuple[Node, tuple]]:
    """Yield every node of a composed document with its YAML path (keys and list indexes)."""
    stack: list[tuple[Node, tuple]] = [(node, ())] if node is not None else []
    while stack:
        n, path = stack.pop()
        yield n, path
        if isinstance(n, MappingNode):
            for k, v in reversed(n.value):
                # A key that is itself a list or mapping has no name to show: '?' stands in.
                name = str(k.value) if isinstance(k, ScalarNode) else "?"
                stack.extend(((v, (*path, name)), (k, path)))
        elif isinstance(n, SequenceNode):
            stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(n.value))))


def _scan_nodes(node: Node | None, file: str) -> list[Problem]:
    problems: list[Problem] = []
    for n, loc in _walk(node):
        path = format_path(loc)
        tag = n.tag.value if hasattr(n.tag, "value") else n.tag
        if tag is not None and tag not in _SAFE_TAGS and not str(tag).startswith("?"):
            problems.append(Problem(
                f"the tag '{tag}' is not allowed", path=path,
                file=file, line=n.start_mark.line + 1, column=n.start_mark.column + 1,
                fix="aipo.yaml holds plain data only: remove the tag", code="unsafe_tag",
            ))
        elif tag == "tag:yaml.org,2002:timestamp" and isinstance(n, ScalarNode):
            # An impossible date (month 13) would abort the whole load: report it in place.
            try:
                dt.date.fromisoformat(str(n.value)[:10])
            except ValueError as exc:
                problems.append(Problem(
                    f"is not a valid date: {n.value}, {exc}", path=path, file=file,
                    line=n.start_mark.line + 1, column=n.start_mark.column + 1,
                    fix="write an existing date as YYYY-MM-DD, e.g. 2026-11-26", code="date",
                ))
    return problems


def _duplicate_keys(node: Node | None, file: str) -> list[Problem]:
    """Return a problem for every repeated key of every mapping, naming both lines.

    ruamel stops at the first duplicate and does not say where the first occurrence is; the
    composed document has both, so a person can fix every duplicate in one pass.
    """
    problems: list[Problem] = []
    for n, loc in _walk(node):
        if not isinstance(n, MappingNode):
            continue
        first: dict[str, Node] = {}
        for k, _ in n.value:
            if not isinstance(k, ScalarNode):
                continue
            name = str(k.value)
            if name not in first:
                first[name] = k
                continue
            line0 = first[name].start_mark.line + 1
            line = k.start_mark.line + 1
            problems.append(Problem(
                f"duplicate key '{name}': it is already on line {line0}",
                path=format_path((*loc, name)), file=file, line=line,
                column=k.start_mark.column + 1,
                fix=f"remove or rename one of the two: line {line0} or line {line}",
                code="duplicate_key",
            ))
    return problems


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
        self._hash = _digest(text.encode("utf-8"))
        self._snapshot = workspace.model_dump(mode="json")
        self._indent = _guess_indent(text) or (2, 4, 2)

    @property
    def folder(self) -> Path:
        """The workspace folder."""
        return self.path.parent

    def locate(self, problems: Iterable[Problem]) -> list[Problem]:
        """Return ``problems`` with this file's name and the line and column of their path.

        For findings about the workspace made after loading it (a missing data file, say), so
        that they point into ``aipo.yaml`` like its validation problems do.
        """
        return [_with_file(p, str(self.path), self._document) for p in problems]

    @property
    def changed(self) -> bool:
        """True when the model differs from what was loaded or last saved."""
        return self.workspace.model_dump(mode="json") != self._snapshot

    def dumps(self) -> str:
        """Return the YAML text the current model would be saved as.

        The model's content is merged into the loaded document, so comments, key order and
        quoting are kept; for an unchanged model of a file in the kit's layout this is the file
        byte for byte.
        """
        data = self.workspace.model_dump(mode="python")
        pruned = self.workspace.model_dump(mode="python", exclude_defaults=True)
        document = _merge(self._document, data, pruned)
        y = _yaml()
        mapping, seq, offset = self._indent
        y.indent(mapping=mapping, sequence=seq, offset=offset)
        buf = io.StringIO()
        y.dump(document, buf)
        return buf.getvalue()

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
            raise WorkspaceError(_problems_from_validation(exc, dumped, str(self.path))) from None
        problems = check_references(checked)
        if problems:
            raise WorkspaceError([_with_file(p, str(self.path)) for p in problems])
        text = self.dumps()
        with _lock(self.path):
            on_disk = self.path.read_bytes() if self.path.exists() else b""
            if not force and _digest(on_disk) != self._hash:
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
            atomic_write(self.path, text.encode("utf-8"))
        self._text = text
        self._hash = _digest(text.encode("utf-8"))
        self._snapshot = self.workspace.model_dump(mode="json")
        return True

    def reload(self) -> WorkspaceFile:
        """Return a fresh load of the same file (after a conflict, say)."""
        return load(self.path)


def _with_file(p: Problem, file: str, document: Any = None) -> Problem:
    line = col = None
    if document is not None and p.path:
        line, col = _locate(document, _parse_path(p.path))
    return Problem(p.message, path=p.path, file=file, line=line, column=col, fix=p.fix,
                   code=p.code)


def _parse_path(path: str) -> tuple:
    out: list[str | int] = []
    for chunk in path.replace("[", ".[").split("."):
        if not chunk:
            continue
        if chunk.startswith("["):
            out.append(int(chunk[1:-1]))
        else:
            out.append(chunk)
    return tuple(out)


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _same(old: Any, new: Any) -> bool:
    # true == 1 in Python, but not in a person's file.
    if isinstance(old, bool) != isinstance(new, bool):
        return False
    if isinstance(old, (dt.date, dt.datetime)) != isinstance(new, (dt.date, dt.datetime)):
        return False
    try:
        return bool(old == new)
    except Exception:  # pragma: no cover - exotic types
        return False


def _merge(old: Any, new: Any, pruned: Any) -> Any:
    """Merge ``new`` (the model's data) into ``old`` (the loaded document), keeping comments.

    ``pruned`` is the same data without default values: keys a person never wrote are added only
    when they hold something other than the default.
    """
    if isinstance(new, dict) and isinstance(old, CommentedMap):
        for key in [k for k in old if k not in new]:
            del old[key]
        for key, value in new.items():
            sub_pruned = pruned.get(key) if isinstance(pruned, dict) else value
            if key in old:
                old[key] = _merge(old[key], value, sub_pruned if sub_pruned is not None else value)
            elif isinstance(pruned, dict) and key in pruned:
                old[key] = _plain(pruned[key])
        return old
    if isinstance(new, list) and isinstance(old, CommentedSeq):
        pruned_list = pruned if isinstance(pruned, list) else new
        old_ids = [_item_id(x) for x in old]
        new_ids = [_item_id(x) for x in new]
        if all(old_ids) and all(new_ids) and old_ids != new_ids:
            # Items were added, removed or reordered: keep each surviving item's own node (and
            # its comments); entries whose position changed may lose their comment.
            by_id = dict(zip(old_ids, old, strict=True))
            merged = [
                _merge(by_id[i], v, p) if i in by_id else _plain(p)
                for i, v, p in zip(new_ids, new, pruned_list, strict=True)
            ]
            if new_ids[: len(old_ids)] == old_ids:  # pure append: keep the sequence object
                for item in merged[len(old):]:
                    old.append(item)
                return old
            while len(old):
                old.pop()
            old.extend(merged)
            return old
        for i, value in enumerate(new):
            if i < len(old):
                old[i] = _merge(old[i], value, pruned_list[i] if i < len(pruned_list) else value)
            else:
                old.append(_plain(pruned_list[i] if i < len(pruned_list) else value))
        while len(old) > len(new):
            del old[len(old) - 1]
        return old
    if isinstance(new, (dict, list)):
        return _plain(pruned if pruned is not None else new)
    return old if _same(old, new) else new


def _item_id(x: Any) -> Any:
    return x.get("id") if isinstance(x, dict) else None


def _plain(value: Any) -> Any:
    """Convert model data to YAML-ready values (enums to their values, tuples to lists)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if hasattr(value, "value") and not isinstance(value, (str, int, float)):
        return value.value
    return value


@contextlib.contextmanager
def _lock(path: Path):
    """Serialise saves by the kit's own processes (editors and git are checked by hash)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: the hash check still guards edits
        yield
        return
    lock_path = path.parent / f".{path.name}.lock"
    with open(lock_path, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def atomic_write(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically: temporary file in the same folder, fsync, rename.

    A crash at any moment leaves either the old file or the new one, never a mix. The file's
    permissions are kept.

    Parameters
    ----------
    path : pathlib.Path
        The file to replace (or create).
    data : bytes
        Its new content.
    """
    path = Path(path)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(FileNotFoundError):
            os.chmod(tmp, path.stat().st_mode & 0o7777)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
    # Make the rename itself durable.
    with contextlib.suppress(OSError):
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


# --------------------------------------------------------------------------------------------
# loading


_PLAIN = (str, int, float, bool, dt.date, type(None))


def _tag_of(value: Any) -> str | None:
    tag = getattr(value, "tag", None)
    tag = getattr(tag, "value", tag)
    return tag if isinstance(tag, str) else None


def _unsafe_values(document: Any, file: str) -> list[Problem]:
    """Return a problem for every explicit non-core tag or non-plain value in the document."""
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[int, int], tuple]] = [(document, (0, 0), ())]
    while stack:
        value, (line, col), loc = stack.pop()
        tag = _tag_of(value)
        plain = isinstance(value, (CommentedMap, CommentedSeq)) or (
            isinstance(value, _PLAIN) and not hasattr(value, "tag"))
        if (tag is not None and tag not in _SAFE_TAGS) or not (plain or tag in _SAFE_TAGS):
            what = (f"the tag '{tag}'" if tag else
                    f"a value of type '{type(value).__name__}' (made by a YAML tag)")
            problems.append(Problem(
                f"{what} is not allowed", path=format_path(loc), file=file, line=line + 1,
                column=col + 1, fix="aipo.yaml holds plain data only: remove the tag",
                code="unsafe_tag"))
            continue
        if isinstance(value, CommentedMap):
            stack.extend((v, value.lc.value(k), (*loc, str(k))) for k, v in value.items())
        elif isinstance(value, CommentedSeq):
            stack.extend((v, value.lc.item(i), (*loc, i)) for i, v in enumerate(value))
    return problems


def parse(text: str, file: str = FILENAME) -> tuple[Any, list[Problem]]:
    """Parse YAML text safely into a round-trip document.

    Parameters
    ----------
    text : str
        The file's content.
    file : str
        The name shown in problems.

    Returns
    -------
    document, problems
        The round-trip document (None when it could not be parsed) and the problems found.
    """
    # Parsed once: ruamel's round-trip constructor never runs code for a tag (an unknown tag
    # becomes a tagged map, list or scalar), so the tags are checked on the loaded document.
    # Only when construction fails (an impossible date) is the text composed again, to say
    # where.
    try:
        document = _yaml().load(text)
    except MarkedYAMLError as exc:
        return None, _yaml_problems(exc, text, file)
    except ReaderError as exc:
        pos = max(0, int(exc.position))
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        return None, [Problem(
            f"not valid YAML: the character {exc.character!r} is not allowed", file=file,
            line=line, column=col, fix="remove control characters", code="yaml",
        )]
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        try:
            located = _scan_nodes(_yaml().compose(text), file)
        except YAMLError:
            located = []
        return None, located or [Problem(f"not valid YAML: {exc}", file=file, code="yaml")]
    problems = _unsafe_values(document, file)
    if problems:
        return None, problems
    if document is None:
        return None, [Problem("the file is empty", file=file, line=1, column=1,
                              fix="start from 'aipo init' or add a 'product:' section",
                              code="empty")]
    if not isinstance(document, CommentedMap):
        return None, [Problem("the file must be a mapping of sections (product:, risks:, ...)",
                              file=file, line=1, column=1, code="not_mapping")]
    return document, []


def _yaml_problems(exc: MarkedYAMLError, text: str, file: str) -> list[Problem]:
    """Return the problems for a YAML syntax error, in plain words with a fix."""
    if isinstance(exc, DuplicateKeyError):
        with contextlib.suppress(YAMLError):
            found = _duplicate_keys(_yaml().compose(text), file)
            if found:
                return found
    raw = exc.problem or exc.context or "not valid YAML"
    mark = exc.problem_mark or exc.context_mark
    explained = explain(exc, text)
    if explained is not None:
        message, fix, row, col = explained
        # The parser's own words stay at the end, for a person who knows YAML.
        return [Problem(f"not valid YAML: {message} (parser: {raw})", file=file, line=row + 1,
                        column=col + 1, fix=fix, code="yaml")]
    fix = "remove or rename one of the two" if isinstance(exc, DuplicateKeyError) else (
        GENERIC_FIX)
    if mark is None:
        return [Problem(f"not valid YAML: {raw}", file=file, fix=fix, code="yaml")]
    return [Problem(f"not valid YAML: {raw}", file=file, line=mark.line + 1,
                    column=mark.column + 1, fix=fix, code="yaml")]


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
        return None, _problems_from_validation(exc, document, file)
    except (ValueError, TypeError, RecursionError) as exc:  # pragma: no cover - defensive
        return None, [Problem(f"cannot be read as a workspace: {exc}", file=file)]
    refs = [_with_file(p, file, document) for p in check_references(ws)]
    if refs:
        return None, refs
    return WorkspaceFile(Path(file), text, document, ws), []


def load(path: str | os.PathLike) -> WorkspaceFile:
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


def load_workspace(path: str | os.PathLike) -> Workspace:
    """Load a workspace and return just the model (for read-only use)."""
    return load(path).workspace


def workspaces_in(folder: Path) -> list[Path]:
    """Return the workspace folders directly inside ``folder`` (those with an ``aipo.yaml``).

    Hidden folders (``.git``, ``.trash``) are not workspaces of a portfolio.
    """
    return sorted(p for p in folder.iterdir()
                  if not p.name.startswith(".") and p.is_dir() and (p / FILENAME).is_file())
