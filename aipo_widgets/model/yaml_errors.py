r"""YAML syntax errors of ``aipo.yaml`` in a product owner's words, each with a fix.

ruamel's parser says what it expected and what it found ("expected <block end>, but found
'<block mapping start>'"); a person editing a file needs to know which line to change and how:
a line indented differently from its siblings (and the columns that would fit), a tab, a missing
':' after a key, a ': ' inside a value, an unclosed quote or bracket (where it opens, not where
the file ends), and so on. :mod:`aipo_widgets.model.workspace` turns what :func:`explain` returns
into the problem lines of ``aipo validate``; the parser's own words stay at the end for experts.

Examples
--------
>>> from ruamel.yaml import YAML
>>> from ruamel.yaml.error import MarkedYAMLError
>>> text = "product:\n  name: x\n   owner: y\n"
>>> try:
...     YAML(typ="rt").load(text)
... except MarkedYAMLError as exc:
...     message, fix, row, col = explain(exc, text)
>>> row + 1, col + 1
(3, 4)
>>> print(message)
'owner:' is indented more than 'name:' on line 2, so YAML reads it as part of that line's value
>>> fix
"align it with 'name:' at 2 spaces; or, to nest it under 'name:', remove the value after 'name:'"
"""

from __future__ import annotations

import re

from ruamel.yaml.error import MarkedYAMLError

__all__ = ["GENERIC_FIX", "explain"]


GENERIC_FIX = (
    "check the indentation and the ':' after each key; quote texts containing ': ' or '#'"
)
# The line breaks ruamel counts, so that its 0-based line numbers index this list.
_LINE_BREAK = re.compile(r"\r\n|[\n\r\x85\u2028\u2029]")


def _key_colon(line: str) -> int | None:
    """Return the index of the first ':' that ends a key on ``line`` (None if there is none).

    Quoted texts and comments are skipped: their ':' do not end a key.
    """
    quote = None
    for i, ch in enumerate(line):
        if quote:
            if ch == quote:
                quote = None
        elif ch in "'\"" and (i == 0 or line[i - 1] in " \t[{,:-"):
            quote = ch
        elif ch == "#" and (i == 0 or line[i - 1] in " \t"):
            return None
        elif ch == ":" and (i + 1 == len(line) or line[i + 1] in " \t"):
            return i
    return None


def _is_content(line: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and not stripped.startswith("#")


def _token(line: str) -> str:
    """Return the first thing on a line as a person names it: 'owner:', '-' or a word."""
    stripped = line.strip()
    if stripped == "-" or stripped.startswith("- "):
        return "-"
    colon = _key_colon(stripped)
    if colon is not None:
        return stripped[: colon + 1]
    return stripped.split()[0] if stripped.split() else stripped


def _levels(lines: list[str], row: int) -> list[tuple[int, int, str]]:
    """Return the indentation levels open above ``lines[row]``: (column, row, token), deepest first.

    Walking up, each line indented less than everything below it opens a level; a '- key:' line
    opens two (the item's keys and the dash).
    """
    levels: list[tuple[int, int, str]] = []
    limit = None
    for r in range(row - 1, -1, -1):
        line = lines[r]
        if not _is_content(line):
            continue
        indent = len(line) - len(line.lstrip(" "))
        if limit is not None and indent >= limit:
            continue
        stripped = line[indent:]
        if stripped.startswith("- ") and _key_colon(stripped[2:].lstrip(" ")) is not None:
            content = len(line) - len(stripped[1:].lstrip(" "))
            if limit is None or content < limit:
                levels.append((content, r, _token(line[content:])))
        levels.append((indent, r, _token(stripped)))
        limit = indent
        if indent == 0:
            break
    return levels


def _spaces(n: int) -> str:
    return f"{n} space{'s' if n != 1 else ''}"


def _misaligned(lines: list[str], row: int) -> tuple[str, str]:
    """Explain a line whose indentation fits none of the blocks above it, with where it fits."""
    line = lines[row]
    indent = len(line) - len(line.lstrip(" "))
    token = _token(line)
    dash = token == "-"
    # A '- ' item lines up with the dashes above it, a 'key:' with the keys.
    fits = [lv for lv in _levels(lines, row) if (lv[2] == "-") == dash]
    deeper = [lv for lv in fits if lv[0] > indent][:1]
    shallower = [lv for lv in fits if lv[0] <= indent][:1]
    options = [f"{_spaces(c)} like '{t}' on line {r + 1}" for c, r, t in deeper + shallower]
    what = "the '- ' item" if dash else f"'{token}'"
    message = f"{what} is indented differently from the lines above it ({_spaces(indent)})"
    if options:
        fix = "align it with its siblings: " + ", or ".join(options)
    else:
        fix = "align it with its siblings (the lines at the same level above it)"
    if not dash and any(c == indent and t == "-" for c, _, t in _levels(lines, row)):
        fix += "; or start a new list item with '- '"
    return message, fix


def _key_of(line: str) -> tuple[str, int]:
    """Return the key a line names ('id:' of '- id: x', else its first token) and its column."""
    stripped = line.lstrip(" ")
    indent = len(line) - len(stripped)
    if stripped.startswith("- ") and _key_colon(stripped[2:].lstrip(" ")) is not None:
        content = stripped[1:].lstrip(" ")
        return _token(content), len(line) - len(content)
    return _token(stripped), indent


def _continued(lines: list[str], row: int, col: int) -> tuple[str, str, int, int]:
    """Explain "mapping values are not allowed here": a ':' that YAML reads inside a value."""
    line = lines[row]
    first = _key_colon(line)
    if first is not None and first < col:
        # A second ': ' on the line: the value itself holds ': '.
        key = line[:first].strip().removeprefix("- ")
        value = line[first + 1:].strip()
        quote = "'" if "'" not in value else '"'
        return (f"the value of '{key}' contains ': '",
                f"put the value in quotes: {key}: {quote}{value}{quote}", row, col)
    # Otherwise this line continues a value begun above: walk up past the lines without a
    # key to the line where that value starts.
    start = opener = None
    for r in range(row - 1, -1, -1):
        if not _is_content(lines[r]):
            continue
        stripped = lines[r].strip()
        if _key_colon(stripped) is not None or stripped.startswith("- "):
            opener = r
            break
        start = r
    if start is not None and (opener is None or not _has_value(lines[opener])):
        # e.g. "  name x" under "product:": the line lacks its ':', so it and the lines below
        # it became one text.
        words = lines[start].strip().split(None, 1)
        example = f"{words[0]}: {words[1]}" if len(words) == 2 else f"{words[0]}:"
        indent = len(lines[start]) - len(lines[start].lstrip(" "))
        return (f"'{lines[start].strip()}' has no ':' after its key, so YAML reads it and "
                f"line {row + 1} as one text", f"write '{example}'", start, indent)
    if opener is None:
        return "a ':' where YAML does not expect one", GENERIC_FIX, row, col
    key, indent = _key_of(lines[opener])
    return (f"'{_token(line)}' is indented more than '{key}' on line {opener + 1}, so YAML "
            "reads it as part of that line's value",
            f"align it with '{key}' at {_spaces(indent)}; or, to nest it under '{key}', remove "
            f"the value after '{key}'", row, len(line) - len(line.lstrip(" ")))


def _has_value(line: str) -> bool:
    """Return True when a 'key:' or '- ' line carries a value on the same line."""
    stripped = line.strip()
    if stripped.startswith("- ") or stripped == "-":
        stripped = stripped[1:].lstrip(" ")
        if _key_colon(stripped) is None:
            return bool(stripped) and not stripped.startswith("#")
    colon = _key_colon(stripped)
    rest = stripped[colon + 1:] if colon is not None else stripped
    rest = rest.strip()
    return bool(rest) and not rest.startswith("#")


def _above(lines: list[str], row: int) -> str:
    """Return the nearest line above ``row`` with content ("" at the top)."""
    for r in range(row - 1, -1, -1):
        if _is_content(lines[r]):
            return lines[r]
    return ""


def explain(exc: MarkedYAMLError, text: str) -> tuple[str, str, int, int] | None:
    """Put a ruamel parser or scanner error into a product owner's words.

    Returns
    -------
    (message, fix, row, column) or None
        0-based position where the person should look (the opening of an unclosed quote or
        bracket rather than the end of the file); None when the error is not a common one.
    """
    problem = exc.problem or ""
    context = exc.context or ""
    mark = exc.problem_mark
    cmark = exc.context_mark
    if mark is None:
        return None
    lines = _LINE_BREAK.split(text)
    row, col = mark.line, mark.column
    line = lines[row] if row < len(lines) else ""
    before = line[:col]
    found_match = re.search(r"found '(.*)'$", problem)
    found = found_match.group(1) if found_match else ""

    if "found character '\\t'" in problem:
        if not before.strip():
            return ("a tab is used for indentation",
                    "indent with spaces only: YAML does not allow tabs there", row, col)
        return "a tab is used where YAML expects a space", "replace the tab with a space", row, col
    char = re.match(r"found character '(.)' that cannot start any token", problem)
    if char:
        return (f"a value cannot start with '{char.group(1)}'",
                "put the value in quotes", row, col)
    if "while scanning an alias" in context or "while scanning an anchor" in context:
        sign = "*" if "alias" in context else "&"
        return (f"a value cannot start with '{sign}' followed by a space",
                "put the value in quotes", row, col)
    if "quoted scalar" in context and "end of stream" in problem and cmark is not None:
        crow, ccol = cmark.line, cmark.column
        q = lines[crow][ccol] if crow < len(lines) and ccol < len(lines[crow]) else "'"
        fix = f"end the text with {q} on the same line"
        if q == "'":
            fix += "; inside '...' write '' for an apostrophe, e.g. 'it''s'"
        return f"the quote {q} opened here is never closed", fix, crow, ccol
    escape = re.match(r"found unknown escape character '(.*)'", problem)
    if escape:
        return (f"'\\{escape.group(1)}' is not a valid escape inside \"...\"",
                "use single quotes instead, or write \\\\ for a backslash", row, col - 1)
    if "while parsing a flow" in context and problem.startswith("expected ',' or ") and cmark:
        bracket = "[" if "sequence" in context else "{"
        closer = "]" if bracket == "[" else "}"
        if mark.line != cmark.line:
            return (f"the '{bracket}' opened here is not closed",
                    f"close it with '{closer}' on the same line, or put a text starting with "
                    f"'{bracket}' in quotes", cmark.line, cmark.column)
        return (f"something other than ',' or '{closer}' inside '{bracket}...'",
                f"separate the items with ', ' and quote items containing ':', '#' or "
                f"'{closer}'", row, col)
    if "while scanning a simple key" in context and "expected ':'" in problem and cmark:
        crow = cmark.line
        key = lines[crow].strip() if crow < len(lines) else ""
        return (f"a ':' is missing after '{key}'",
                f"write '{key}: ...' with a ':' after the key, or indent the line under the "
                "key it belongs to", crow, cmark.column)
    if problem == "mapping values are not allowed here":
        return _continued(lines, row, col)
    if "while scanning a block scalar" in context:
        return ("text on the same line as '|' or '>'",
                "start the text on the next line, indented under the key", row, col)
    if problem.startswith("expected <block end>") or problem.startswith("expected the node"):
        at_line_start = not before.strip()
        if found in ("]", "}"):
            return (f"an unmatched '{found}'",
                    f"remove it, or put a text containing '{found}' in quotes", row, col)
        if found == "-" and "block mapping" in context:
            return ("a '- ' list item among 'key: value' lines",
                    "put the list under its key: a 'key:' line above it with the items "
                    "indented under it; or align the item with the '- ' items above it",
                    row, col)
        if at_line_start and row < len(lines):
            message, fix = _misaligned(lines, row)
            return message, fix, row, col
        if before.rstrip()[-1:] in ("]", "}"):
            closer = before.rstrip()[-1]
            return (f"text after the closing '{closer}'",
                    "remove it, or put the whole value in quotes", row, col)
        if before.rstrip()[-1:] in ("'", '"'):
            return ("text after the closing quote",
                    "quote the whole value; inside '...' write '' for an apostrophe, e.g. "
                    "'it''s'; a quote opened on an earlier line may end here", row, col)
        if found == ",":
            return ("a ',' outside '[...]'",
                    "put a list in '[...]' or a text containing ',' in quotes", row, col)
        return None
    if problem.startswith("expected '<document start>'"):
        # The first line is indented and a later one is not: YAML cannot tell the levels apart.
        first = next((r for r, text_line in enumerate(lines) if _is_content(text_line)), None)
        if first is not None and lines[first][:1] == " ":
            return (f"'{_token(lines[first])}' on line {first + 1} is indented, but the "
                    "sections of aipo.yaml start at the beginning of a line",
                    "remove the spaces before it", first, 0)
        return None
    alias = re.match(r"found undefined alias '(.*)'", problem)
    if alias:
        name = alias.group(1)
        return (f"'*{name}' refers to an anchor '&{name}' that is not defined",
                "put a text starting with '*' in quotes", row, col)
    if "found another document" in problem:
        return ("a second YAML document starts here ('---' or '...')",
                "an aipo.yaml holds one document: remove the separator line and merge what "
                "follows into the sections above", row, col)
    return None
