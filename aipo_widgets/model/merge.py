"""Merging a changed workspace into the YAML document it came from, comments and order kept."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ruamel.yaml.comments import CommentedMap, CommentedSeq

from aipo_widgets.errors import Path


def parse_path(path: str) -> Path:
    """Parse a YAML path such as ``risks[2].likelihood`` into its keys and indices."""
    out: list[str | int] = []
    for chunk in path.replace("[", ".[").split("."):
        if not chunk:
            continue
        if chunk.startswith("["):
            out.append(int(chunk[1:-1]))
        else:
            out.append(chunk)
    return tuple(out)


def same(old: Any, new: Any) -> bool:
    """Tell whether a value read from the file and a model's value are the same to a person."""
    # true == 1 in Python, but not in a person's file.
    if isinstance(old, bool) != isinstance(new, bool):
        return False
    if isinstance(old, (dt.date, dt.datetime)) != isinstance(new, (dt.date, dt.datetime)):
        return False
    try:
        return bool(old == new)
    except Exception:  # pragma: no cover - exotic types
        return False


def merge(old: Any, new: Any, pruned: Any) -> Any:
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
                old[key] = merge(old[key], value, sub_pruned if sub_pruned is not None else value)
            elif isinstance(pruned, dict) and key in pruned:
                old[key] = plain(pruned[key])
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
                merge(by_id[i], v, p) if i in by_id else plain(p)
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
                old[i] = merge(old[i], value, pruned_list[i] if i < len(pruned_list) else value)
            else:
                old.append(plain(pruned_list[i] if i < len(pruned_list) else value))
        while len(old) > len(new):
            del old[len(old) - 1]
        return old
    if isinstance(new, (dict, list)):
        return plain(pruned if pruned is not None else new)
    if same(old, new):
        return old
    return whole(new) if old is None or _is_int(old) else new


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def whole(value: Any) -> Any:
    """Return an integer-valued float as an int (what a person wrote as ``9`` stays ``9``).

    A model field typed ``float`` holds 9.0 after an edit to 9; written back where the file
    had an integer (or nothing) it reads ``9``, not ``9.0``. Other values pass unchanged.

    Examples
    --------
    >>> whole(9.0), whole(0.5), whole(True), whole(1e300)
    (9, 0.5, True, 1e+300)
    """
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


def commented_changes(document: Any, before: Any, after: Any,
                      path: str = "") -> list[tuple[str, str]]:
    r"""Return the changed values that carry a comment on their line in the file.

    A save keeps a comment beside a value it changes (``target: 12.5  # 25 % less``), but the
    comment may no longer be true; a widget names these so a person can check them.

    Parameters
    ----------
    document : ruamel.yaml CommentedMap
        The document as loaded (or last saved).
    before, after : JSON data
        The model as loaded and as it is now (``model_dump(mode="json")``).

    Returns
    -------
    list of (str, str)
        The value's YAML path (list items named by their ``id`` where they have one) and the
        comment's first line.

    Examples
    --------
    >>> from aipo_widgets.model.yaml_io import new_yaml
    >>> doc = new_yaml().load("risks:\n- id: R1\n  likelihood: 2  # after the pilot\n")
    >>> commented_changes(doc, {"risks": [{"id": "R1", "likelihood": 2}]},
    ...                   {"risks": [{"id": "R1", "likelihood": 4}]})
    [('risks[R1].likelihood', '# after the pilot')]
    """
    out: list[tuple[str, str]] = []
    if isinstance(after, dict) and isinstance(before, dict) and isinstance(document, CommentedMap):
        keys = [k for k in after if k in before and k in document and before[k] != after[k]]
        for k in keys:
            sub = f"{path}.{k}" if path else str(k)
            if isinstance(after[k], (dict, list)):
                out += commented_changes(document[k], before[k], after[k], sub)
            else:
                note = _eol_comment(document.ca.items.get(k), 2)
                if note:
                    out.append((sub, note))
    elif (isinstance(after, list) and isinstance(before, list)
          and isinstance(document, CommentedSeq) and len(after) == len(before) == len(document)):
        for i, (b, a) in enumerate(zip(before, after, strict=True)):
            if a == b:
                continue
            named = a.get("id") if isinstance(a, dict) else None
            sub = f"{path}[{named if isinstance(named, str) else i}]"
            if isinstance(a, (dict, list)):
                out += commented_changes(document[i], b, a, sub)
            else:
                note = _eol_comment(document.ca.items.get(i), 0)
                if note:
                    out.append((sub, note))
    return out


def _eol_comment(slot: Any, index: int) -> str:
    token = slot[index] if isinstance(slot, list) and len(slot) > index else None
    text = getattr(token, "value", "") or ""
    first = text.strip().splitlines()[0].strip() if text.strip() else ""
    return first if first.startswith("#") else ""


def _item_id(x: Any) -> Any:
    return x.get("id") if isinstance(x, dict) else None


def plain(value: Any) -> Any:
    """Convert model data to YAML-ready values (enums to their values, tuples to lists)."""
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if hasattr(value, "value") and not isinstance(value, (str, int, float)):
        return value.value
    return value
