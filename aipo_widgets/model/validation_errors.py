"""Pydantic's validation errors as problems a person can fix: field, line, plain words."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails
from ruamel.yaml.comments import CommentedMap, CommentedSeq

from aipo_widgets._text import suggest
from aipo_widgets.errors import Path, Problem, format_path
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.yaml_io import locate


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


def _model_at(loc: Path) -> type[BaseModel] | None:
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


def _friendly(err: ErrorDetails) -> tuple[str, str]:
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
        fix = suggest(str(loc[-1]), known, none="remove it", listed=len(known),
                      label="allowed here")
        return f"unknown field '{loc[-1]}'", fix
    if kind in ("literal_error", "enum"):
        return f"must be one of {ctx.get('expected', '?')}{got}", ""
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return f"must be a whole number{got}", ""
    if kind == "finite_number":
        return (f"must be a finite number{got}",
                "NaN and infinity cannot be compared with a figure: write a number")
    if kind in ("float_parsing", "float_type"):
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


def problems_from_validation(exc: ValidationError, doc: Any, file: str) -> list[Problem]:
    """Return one problem per validation error, with its YAML path, line and a plain fix."""
    problems: list[Problem] = []
    seen: set[str] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        # Errors inside a union (e.g. an answer that is neither text, number, true/false nor
        # a list) come once per member type; keep the path up to the data and report once.
        where = data_loc(doc, loc)
        path = format_path(where)
        if err["type"] in ("missing", "extra_forbidden"):
            where = loc
            path = format_path(loc)
        if path in seen:
            continue
        seen.add(path)
        if len(where) < len(loc) and err["type"] not in ("missing", "extra_forbidden"):
            message, fix = f"has a value of the wrong kind: {_shown(err.get('input'))}", ""
        else:
            message, fix = _friendly(err)
        line, col = locate(doc, where, key=err["type"] == "extra_forbidden")
        problems.append(Problem(message, path=path, file=file, line=line, column=col, fix=fix,
                                code=err["type"]))
    return problems


def data_loc(doc: Any, loc: Path) -> Path:
    """Cut a pydantic location down to the part that exists in the YAML document."""
    node = doc
    out: list[str | int] = []
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
