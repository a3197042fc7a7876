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
    return old if same(old, new) else new


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
