"""Reading YAML safely: the core tags only, no duplicate keys, every problem with its line."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import DuplicateKeyError
from ruamel.yaml.error import MarkedYAMLError, YAMLError
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
    """Yield every node of a composed document with its YAML path (keys and list indexes)."""
    stack: list[tuple[Node, Path]] = [(node, ())] if node is not None else []
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


def unsafe_values(document: Any, file: str) -> list[Problem]:
    """Return a problem for every explicit non-core tag or non-plain value in the document."""
    problems: list[Problem] = []
    stack: list[tuple[Any, tuple[int, int], Path]] = [(document, (0, 0), ())]
    while stack:
        value, (line, col), loc = stack.pop()
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
        document = new_yaml().load(text)
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
    except (YAMLError, ValueError, TypeError, OverflowError) as exc:
        try:
            located = scan_nodes(new_yaml().compose(text), file)
        except YAMLError:
            located = []
        return None, located or [Problem(f"not valid YAML: {exc}", file=file, code="yaml")]
    problems = unsafe_values(document, file)
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
