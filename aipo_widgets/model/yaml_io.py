"""Reading YAML safely: the core tags only, no duplicate keys, every problem with its line."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    CollectionEndEvent,
    CollectionStartEvent,
    DocumentEndEvent,
    MappingStartEvent,
    NodeEvent,
    ScalarEvent,
)
from ruamel.yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode
from ruamel.yaml.reader import ReaderError

from aipo_widgets.errors import Path, Problem, format_path
from aipo_widgets.model.yaml_errors import GENERIC_FIX, explain

FILENAME = "aipo.yaml"

# The only tags a workspace file may carry: YAML's core types. Anything else (python/object,
# python/name, custom tags) is refused before construction.
SAFE_TAGS = {
    f"tag:yaml.org,2002:{t}"
    for t in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
}
# The non-specific tag '!' (``! text``): a plain string, as the core schema reads it.
_NON_SPECIFIC = "!"

#: How deep lists and mappings may nest. The deepest example is 6 levels; the loader and the
#: model recurse per level, so a few hundred levels would exhaust Python's stack.
MAX_DEPTH = 32
#: How many values a document may hold with every alias expanded. The examples hold under
#: 3,000; nine levels of nine aliases each ("billion laughs") would be 387 million.
MAX_NODES = 100_000


@dataclass
class Budget:
    r"""The limits of one load and the work it did.

    Parameters
    ----------
    max_depth : int
        The deepest nesting of lists and mappings allowed.
    max_nodes : int
        The most values allowed with every alias expanded.

    Attributes
    ----------
    visited : int
        The nodes the checks looked at: bounded by the length of the text, never by the size of
        the document with its aliases expanded (the tests count it instead of timing a load).

    Examples
    --------
    >>> budget = Budget()
    >>> _, problems = parse("a: &x [1, 2]\nb: [*x, *x, *x]\n", budget=budget)
    >>> problems, budget.visited < 40
    ([], True)
    """

    max_depth: int = MAX_DEPTH
    max_nodes: int = MAX_NODES
    visited: int = 0


def new_yaml() -> YAML:
    """Return a round-trip ruamel.yaml instance set up the kit's way."""
    y = YAML(typ="rt")
    # The kit's own files use this layout; ruamel then dumps them byte for byte as they were.
    y.indent(mapping=2, sequence=4, offset=2)
    y.width = 4096  # never re-wrap a person's long lines
    y.preserve_quotes = True
    y.allow_duplicate_keys = False
    return y


def guess_indent(text: str) -> tuple[int, int, int] | None:
    """Return the (mapping, sequence, offset) indentation a file uses, or None."""
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


def locate(doc: Any, loc: Path, *, key: bool = False) -> tuple[int | None, int | None]:
    """Return the 1-based (line, column) of the deepest node of ``loc`` found in ``doc``."""
    line: int | None = None
    col: int | None = None
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
    if line is None or col is None:
        return None, None
    return line + 1, col + 1


def _walk(node: Node | None) -> Iterator[tuple[Node, Path]]:
    """Yield every node of a composed document once, with its YAML path (keys and indexes).

    An aliased node is one object reached from several places: it is yielded at the first
    place only, so an alias bomb costs the length of its text, not its expansion.
    """
    stack: list[tuple[Node, Path]] = [(node, ())] if node is not None else []
    seen: set[int] = set()
    while stack:
        n, path = stack.pop()
        if id(n) in seen:
            continue
        seen.add(id(n))
        yield n, path
        if isinstance(n, MappingNode):
            for k, v in reversed(n.value):
                # A key that is itself a list or mapping has no name to show: '?' stands in.
                name = str(k.value) if isinstance(k, ScalarNode) else "?"
                stack.extend(((v, (*path, name)), (k, path)))
        elif isinstance(n, SequenceNode):
            stack.extend((v, (*path, i)) for i, v in reversed(list(enumerate(n.value))))


def scan_nodes(node: Node | None, file: str) -> list[Problem]:
    """Return a problem for every tag outside YAML's core types, with its line."""
    problems: list[Problem] = []
    for n, loc in _walk(node):
        path = format_path(loc)
        tag = n.tag
        if tag is not None and tag not in SAFE_TAGS and not str(tag).startswith("?"):
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


def duplicate_keys(node: Node | None, file: str) -> list[Problem]:
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


_PLAIN = (str, int, float, bool, dt.date, type(None))


def _tag_of(value: Any) -> str | None:
    tag = getattr(value, "tag", None)
    tag = getattr(tag, "value", tag)
    return tag if isinstance(tag, str) else None


def _position(pos: Any) -> tuple[int, int]:
    # ruamel has no position for some constructed values (the items of an !!omap): (0, 0).
    if isinstance(pos, (tuple, list)) and len(pos) == 2 and all(isinstance(x, int) for x in pos):
        return pos[0], pos[1]
    return 0, 0


def unsafe_values(document: Any, file: str, budget: Budget | None = None) -> list[Problem]:
    """Return a problem for every explicit non-core tag or non-plain value in the document.

    Every list and mapping is looked at once, however many aliases refer to it.
    """
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[int, int], Path]] = [(document, (0, 0), ())]
    seen: set[int] = set()
    while stack:
        value, (line, col), loc = stack.pop()
        if isinstance(value, (dict, list)):
            if id(value) in seen:
                continue
            seen.add(id(value))
        if budget is not None:
            budget.visited += 1
        tag = _tag_of(value)
        plain = isinstance(value, (CommentedMap, CommentedSeq)) or (
            isinstance(value, _PLAIN) and not hasattr(value, "tag"))
        if (tag is not None and tag not in SAFE_TAGS) or not (plain or tag in SAFE_TAGS):
            what = (f"the tag '{tag}'" if tag else
                    f"a value of type '{type(value).__name__}' (made by a YAML tag)")
            problems.append(Problem(
                f"{what} is not allowed", path=format_path(loc), file=file, line=line + 1,
                column=col + 1, fix="aipo.yaml holds plain data only: remove the tag",
                code="unsafe_tag"))
            continue
        if isinstance(value, CommentedMap):
            stack.extend((v, _position(value.lc.value(k)), (*loc, str(k)))
                         for k, v in value.items())
        elif isinstance(value, CommentedSeq):
            stack.extend((v, _position(value.lc.item(i)), (*loc, i)) for i, v in enumerate(value))
    return problems


def _mark(event: Any, file: str) -> dict[str, Any]:
    return {"file": file, "line": event.start_mark.line + 1, "column": event.start_mark.column + 1}


class _Refused(Exception):
    """Raised inside the parser's event stream to stop a load that went over a limit."""


class _Shape:
    """Checks a document's events as the parser makes them (see :func:`check_structure`)."""

    def __init__(self, file: str, budget: Budget):
        self.file = file
        self.budget = budget
        self.problems: list[Problem] = []
        self.sizes: dict[str, int] = {}  # anchor -> values under it, aliases expanded
        # Each open list or mapping: [values so far, anchor, is a mapping, children, last key].
        self.open: list[list[Any]] = []
        self.path: list[str | int] = []  # where the deepest open list or mapping is
        self.total = 0

    def _refuse(self, message: str, event: Any, path: list[Any], fix: str, code: str) -> None:
        self.problems.append(Problem(message, path=format_path(tuple(path)),
                                     **_mark(event, self.file), fix=fix, code=code))
        raise _Refused

    def _check_tagged(self, event: Any, tag: str, here: list[Any]) -> None:
        """Refuse a value that does not fit the core tag written on it ('!!int x')."""
        try:
            new_yaml().constructor.construct_object(ScalarNode(tag, event.value), deep=True)
        except Exception:  # ruamel raises KeyError, ValueError, ConstructorError, ... here
            short = "!!" + tag.rsplit(":", 1)[-1]
            self.problems.append(Problem(
                f"'{event.value}' is not a valid {short}", path=format_path(tuple(here)),
                **_mark(event, self.file), fix=f"remove the tag '{short}' and write the plain "
                "value", code="bad_tagged_value"))

    def feed(self, event: Any) -> None:
        """Check one event; raise :class:`_Refused` once the document must not be built."""
        self.budget.visited += 1
        open_ = self.open
        if isinstance(event, CollectionEndEvent):
            size, anchor = open_.pop()[:2]
            if open_:
                self.path.pop()
        elif isinstance(event, NodeEvent):
            part: str | int | None = None
            if open_:
                frame = open_[-1]
                if frame[2]:  # a mapping: keys and values alternate
                    if frame[3] % 2 == 0:
                        frame[4] = str(event.value) if isinstance(event, ScalarEvent) else "?"
                    else:
                        part = frame[4]
                else:
                    part = frame[3]
                frame[3] += 1
            here = [*self.path, part] if part is not None else self.path
            tag = getattr(event, "tag", None)
            tag = getattr(tag, "value", tag)
            if tag is not None and tag != _NON_SPECIFIC and str(tag) not in SAFE_TAGS:
                self.problems.append(Problem(
                    f"the tag '{tag}' is not allowed", path=format_path(tuple(here)),
                    **_mark(event, self.file),
                    fix="aipo.yaml holds plain data only: remove the tag", code="unsafe_tag"))
            elif tag is not None and tag != _NON_SPECIFIC and isinstance(event, ScalarEvent):
                self._check_tagged(event, str(tag), here)
            if isinstance(event, CollectionStartEvent):
                if open_:
                    self.path.append(part if part is not None else "?")
                open_.append([1, event.anchor, isinstance(event, MappingStartEvent), 0, "?"])
                if len(open_) > self.budget.max_depth:
                    self._refuse(
                        f"lists and mappings are nested more than {self.budget.max_depth} "
                        "levels deep", event, here[:3],
                        "an aipo.yaml needs a few levels; remove the extra nesting", "too_deep")
                return
            if isinstance(event, AliasEvent):
                size, anchor = self.sizes.get(event.anchor, 1), None
            else:
                size, anchor = 1, event.anchor
        else:
            # The end of the document: nothing is built from a document with a foreign tag.
            if isinstance(event, DocumentEndEvent) and self.problems:
                raise _Refused
            return
        if anchor is not None:
            self.sizes[anchor] = size
        if open_:
            open_[-1][0] += size
        else:
            self.total += size
        if (open_[-1][0] if open_ else self.total) > self.budget.max_nodes:
            self._refuse(
                f"holds more than {self.budget.max_nodes:,} values once its aliases (*name) "
                "are expanded", event, self.path,
                "an alias repeats everything under its anchor (&name); write the values out, "
                "or refer to them by id", "too_many_values")


def check_structure(text: str, file: str = FILENAME, budget: Budget | None = None
                    ) -> list[Problem]:
    r"""Return the problems of a document's shape, found before anything is built from it.

    One pass over the parser's events (which never recurses): a tag outside YAML's core types,
    nesting deeper than ``budget.max_depth`` and more than ``budget.max_nodes`` values with the
    aliases expanded (each anchor's size is counted once and reused by its aliases). Only such
    a document can make the loader recurse past Python's stack or run for minutes, so it is
    refused, with its line. :func:`parse` runs the same checks on the events of its one load.

    Raises
    ------
    ruamel.yaml.error.YAMLError
        When the text is not valid YAML (:func:`parse` explains it).

    Examples
    --------
    >>> [p.code for p in check_structure("a: [[[1]]]\n", budget=Budget(max_depth=3))]
    ['too_deep']
    >>> bomb = "a: &a [1, 1]\nb: &b [*a, *a]\nc: [*b, *b]\n"
    >>> [p.code for p in check_structure(bomb, budget=Budget(max_nodes=12))]
    ['too_many_values']
    """
    shape = _Shape(file, budget if budget is not None else Budget())
    with contextlib.suppress(_Refused):
        for event in new_yaml().parse(text):
            shape.feed(event)
    return shape.problems


def _load_checked(text: str, shape: _Shape) -> Any:
    """Load ``text`` round-trip, every event checked by ``shape`` as the parser makes it.

    The composer asks the parser for each event; a limit reached stops the load there, before
    the composer recurses deeper or the constructor builds anything.
    """
    y = new_yaml()
    parser = y.parser
    next_event = parser.get_event

    def get_event() -> Any:
        event = next_event()
        shape.feed(event)
        return event

    parser.get_event = get_event
    return y.load(text)


def parse(text: str, file: str = FILENAME, budget: Budget | None = None
          ) -> tuple[Any, list[Problem]]:
    """Parse YAML text safely into a round-trip document.

    Parameters
    ----------
    text : str
        The file's content.
    file : str
        The name shown in problems.
    budget : Budget, optional
        The limits of nesting and alias expansion (default :class:`Budget`); its ``visited``
        counts the work done.

    Returns
    -------
    document, problems
        The round-trip document (None when it could not be parsed) and the problems found.
    """
    # Parsed once: every event is checked as the parser makes it (nesting depth, the size with
    # aliases expanded, tags outside the core schema; see _Shape), so a hostile file stops
    # before the composer recurses or anything is built. Only when construction fails (an
    # impossible date) is the text composed again, to say where.
    shape = _Shape(file, budget if budget is not None else Budget())
    try:
        document = _load_checked(text, shape)
    except _Refused:
        return None, shape.problems
    except MarkedYAMLError as exc:
        return None, yaml_problems(exc, text, file)
    except ReaderError as exc:
        pos = max(0, int(exc.position))
        line = text.count("\n", 0, pos) + 1
        col = pos - (text.rfind("\n", 0, pos) + 1) + 1
        return None, [Problem(
            f"not valid YAML: the character {exc.character!r} is not allowed", file=file,
            line=line, column=col, fix="remove control characters", code="yaml",
        )]
    except Exception as exc:  # whatever else construction raises: told, never a traceback
        try:
            located = scan_nodes(new_yaml().compose(text), file)
        except Exception:
            located = []
        return None, located or [Problem(f"not valid YAML: {exc}", file=file, code="yaml")]
    problems = unsafe_values(document, file, shape.budget)
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


def yaml_problems(exc: MarkedYAMLError, text: str, file: str) -> list[Problem]:
    """Return the problems for a YAML syntax error, in plain words with a fix."""
    if isinstance(exc, DuplicateKeyError):
        with contextlib.suppress(YAMLError):
            found = duplicate_keys(new_yaml().compose(text), file)
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
