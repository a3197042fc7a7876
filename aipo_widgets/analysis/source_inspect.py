"""Inspecting a data source before it is declared: its columns, rows, dates and personal data.

``aipo add source`` opens a source in its engine (:func:`inspect_source`), counts its rows,
reads its columns' types, measures its text columns in the engine (distinct values, mean
length), scans a sample of them for personal data, and proposes which of its columns plays
each of the kit's roles (:func:`propose_roles`): by the column's name and type, so a person
confirms or corrects a proposal instead of typing the mapping. A role given by the person
(``--map column=role``) is checked against the source's columns and types
(:func:`check_roles`).

Examples
--------
>>> types = {"created_at": "timestamp", "risk_score": "float64", "failed_7d": "int64",
...          "plant": "string", "notes": "string"}
>>> roles = propose_roles(types, distinct={"plant": 3, "notes": 900},
...                       lengths={"plant": 5, "notes": 80})
>>> for role, column in roles.items():
...     print(role, column)
time created_at
label failed_7d
score risk_score
groups ['plant']
text ['notes']
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aipo_widgets._text import suggest
from aipo_widgets.analysis.pii import scan_frame
from aipo_widgets.analysis.source_engines import day_of, open_source, place, to_frame
from aipo_widgets.errors import DataError, Problem
from aipo_widgets.model.source_columns import ROLE_FIELDS

if TYPE_CHECKING:  # pragma: no cover
    from aipo_widgets.model.schema import DataSource

__all__ = ["ROLE_ALIASES", "Inspection", "check_roles", "inspect_source", "parse_roles",
           "propose_roles"]

#: Other words a person may use for a role in ``--map column=role``.
ROLE_ALIASES = {"timestamp": "time", "date": "time", "prediction": "score", "group": "groups",
                "review_label": "label", "input_tokens": "tokens_in",
                "output_tokens": "tokens_out"}

# Names (lower case, words joined by '_') that suggest a role, exact or as a suffix.
_EXACT = {
    "time": ("timestamp", "time", "ts", "datetime", "date", "created_at", "created",
             "event_time", "start_time", "occurred_at", "logged_at", "day", "period_start"),
    "id": ("id", "uuid", "row_id", "key"),
    "label": ("label", "y", "target", "ground_truth", "truth", "actual", "y_true", "outcome",
              "review_label", "gold_label", "failed", "failure", "is_positive"),
    "score": ("score", "probability", "prob", "proba", "p", "y_score", "confidence",
              "risk_score", "prediction", "predicted", "pred", "y_pred", "predicted_label"),
    "latency": ("latency", "latency_ms", "duration", "duration_ms", "response_time",
                "response_time_ms", "elapsed_ms"),
    "status": ("status", "call_status", "result", "state", "outcome_status"),
    "model": ("model", "model_name", "model_id", "llm_model", "model_version"),
    "tokens_in": ("tokens_in", "input_tokens", "prompt_tokens", "in_tokens"),
    "tokens_out": ("tokens_out", "output_tokens", "completion_tokens", "out_tokens"),
    "cost": ("cost", "cost_eur", "cost_usd", "price", "spend", "call_cost"),
    "arm": ("arm", "variant", "treatment", "experiment_arm"),
}
_SUFFIX = {
    "time": ("_at", "_time", "_timestamp", "_date", "_ts"),
    "id": ("_id",),
    "label": ("_label",),
    "score": ("_score", "_proba", "_prob", "_probability"),
    "latency": ("_latency", "_latency_ms", "_duration_ms"),
    "cost": ("_cost",),
}
_PREFIX = {"label": ("label_", "is_", "failed", "failure", "target_", "gold_")}
_GROUP_NAMES = ("language", "lang", "country", "region", "segment", "channel", "gender", "sex",
                "age_band", "age_group", "plant", "site", "team", "tier", "customer_type",
                "market", "locale", "department", "product_line", "queue")
# Roles whose column must hold numbers, and the time's, which must hold dates or ISO text.
_NUMERIC = ("score", "latency", "tokens_in", "tokens_out", "cost", "covariate")
#: Mean length from which a text column is free text to scan for personal data.
TEXT_LENGTH = 40
#: Most distinct values of a group column.
MAX_GROUPS = 100


def _kind(dtype: str) -> str:
    t = dtype.lower().lstrip("!")
    if t.startswith(("timestamp", "date")):
        return "time"
    if t.startswith(("int", "uint", "float", "decimal")):
        return "number"
    if t.startswith("bool"):
        return "boolean"
    if t.startswith("string"):
        return "text"
    return "other"


def _fits(role: str, dtype: str) -> bool:
    kind = _kind(dtype)
    if role in _NUMERIC:
        return kind == "number"
    if role == "time":
        return kind in ("time", "text")
    if role == "label":
        return kind in ("number", "boolean", "text")
    return kind != "other"


def _normal(name: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", name.lower()).strip("_")


def _exact_elsewhere(column: str, role: str) -> bool:
    return any(_normal(column) in names for r, names in _EXACT.items() if r != role)


def propose_roles(types: Mapping[str, str], *, distinct: Mapping[str, int] | None = None,
                  lengths: Mapping[str, float] | None = None) -> dict[str, Any]:
    """Propose the source's column for each of the kit's roles, by name and type.

    Parameters
    ----------
    types : mapping of str to str
        Each column's type, as Ibis names it (``int64``, ``string``, ``timestamp``...).
    distinct, lengths : mapping, optional
        The number of distinct values and the mean length of the text columns: group columns
        need few values, free text is long.

    Returns
    -------
    dict
        Role to column (``groups`` and ``text``: lists), in the order of
        :data:`~aipo_widgets.model.source_columns.ROLE_FIELDS`; a role with no likely column is
        left out. A timestamp column is preferred for the time, an exact name to a suffix.
    """
    distinct, lengths = distinct or {}, lengths or {}
    taken: set[str] = set()
    found: dict[str, Any] = {}
    for role in ROLE_FIELDS:
        if role in ("groups", "text"):
            continue
        candidates = [c for c in types if c not in taken and _fits(role, types[c])]
        exact = [c for c in candidates if _normal(c) in _EXACT.get(role, ())]
        suffix = [c for c in candidates if c not in exact and not _exact_elsewhere(c, role) and (
            _normal(c).endswith(_SUFFIX.get(role, ("\0",)))
            or _normal(c).startswith(_PREFIX.get(role, ("\0",))))]
        ranked = sorted(exact, key=lambda c: _EXACT[role].index(_normal(c))) + suffix
        if role == "time":  # a real timestamp before a text that might be one
            ranked.sort(key=lambda c: _kind(types[c]) != "time")
        if ranked:
            found[role] = ranked[0]
            taken.add(ranked[0])
    groups = [c for c in types if c not in taken and _kind(types[c]) in ("text", "boolean")
              and _normal(c) in _GROUP_NAMES and 1 < distinct.get(c, 2) <= MAX_GROUPS]
    text = [c for c in types if c not in taken and c not in groups
            and _kind(types[c]) == "text" and lengths.get(c, 0) >= TEXT_LENGTH]
    if groups:
        found["groups"] = groups
    if text:
        found["text"] = text
    return found


def check_roles(source: DataSource, types: Mapping[str, str],
                roles: Mapping[str, Any]) -> list[Problem]:
    """Check that each role's column exists in the source and holds the right type.

    Examples
    --------
    >>> from aipo_widgets.model.schema import DataSource
    >>> src = DataSource(id="log", name="Log", location="log.csv")
    >>> for p in check_roles(src, {"t": "string", "ms": "string"},
    ...                      {"time": "t", "latency": "ms", "score": "p"}):
    ...     print(p.message)
    data source 'log': column 'ms' (latency) holds string, not numbers
    data source 'log' has no column 'p' (score)
    """
    problems = []
    for role, value in roles.items():
        for column in [value] if isinstance(value, str) else list(value):
            where = place(source, f"columns.{role}")
            if column not in types:
                problems.append(Problem(
                    f"data source '{source.id}' has no column '{column}' ({role})", path=where,
                    code="missing_column",
                    fix=suggest(column, list(types), label="its columns", listed=15)))
            elif not _fits(role, types[column]):
                wanted = {"time": "dates, timestamps or ISO text"}.get(
                    role, "numbers" if role in _NUMERIC else "values")
                problems.append(Problem(
                    f"data source '{source.id}': column '{column}' ({role}) holds "
                    f"{types[column]}, not {wanted}", path=where, code="column_type",
                    fix=f"map {role} to a column of {wanted}, or convert the column"))
    return problems


@dataclass(frozen=True)
class Inspection:
    """What :func:`inspect_source` found in a source."""

    source: str
    types: dict[str, str]
    rows: int
    roles: dict[str, Any]
    first_day: dt.date | None = None
    last_day: dt.date | None = None
    personal: dict[str, str] = field(default_factory=dict)
    sampled: int = 0

    def summary(self) -> list[str]:
        """Say what was found, a line each (written as comments above the entry, and printed)."""
        lines = [f"{_rows(self.rows)}, {len(self.types)} columns" + (
            f", dated {self.first_day} to {self.last_day}" if self.first_day else "")]
        shown = ", ".join(f"{c} ({t})" for c, t in self.types.items())
        lines += _wrapped("columns: " + shown)
        if self.personal:
            lines += _wrapped(f"personal data in {_rows(self.sampled)} sampled: " + "; ".join(
                f"{c} ({why})" for c, why in self.personal.items()))
        return lines


def _rows(n: int) -> str:
    """Return ``n`` rows as words: "1 row", "2,000 rows"."""
    return f"{n:,} row" + ("" if n == 1 else "s")


def _wrapped(text: str, width: int = 94) -> list[str]:
    out, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = "  " + word
        else:
            line = f"{line} {word}" if line else word
    return [*out, line]


def inspect_source(folder: str | os.PathLike[str], source: DataSource, *,
                   roles: Mapping[str, Any] | None = None, sample: int = 2000) -> Inspection:
    """Open a source in its engine and say what it holds, with the roles it proposes.

    Parameters
    ----------
    folder : path
        The workspace folder.
    source : aipo_widgets.model.schema.DataSource
        The source as it would be declared.
    roles : mapping, optional
        Roles the person gave; they replace the proposal's for those roles (checked).
    sample : int
        Rows of the text columns scanned for personal data.

    Raises
    ------
    DataError
        When the source cannot be read, or a given role names a column it does not have or
        one of the wrong type.
    """
    with open_source(folder, source) as table:
        types = {name: str(dtype) for name, dtype in table.schema().items()}
        texts = [c for c, t in types.items() if _kind(t) == "text"]
        counts: dict[str, Any] = {"__rows": table.count()}
        for i, c in enumerate(texts):
            counts[f"d{i}"] = table[c].nunique()
            counts[f"l{i}"] = table[c].length().cast("float64").mean().cast("float64")
        found = to_frame(table.aggregate(**counts), source).iloc[0]
        distinct = {c: int(found[f"d{i}"]) for i, c in enumerate(texts)}
        lengths = {c: float(found[f"l{i}"] or 0) for i, c in enumerate(texts)}
        given = dict(roles or {})
        problems = check_roles(source, types, given)
        if problems:
            raise DataError(problems)
        proposed = propose_roles({c: t for c, t in types.items()
                                  if c not in _used(given)}, distinct=distinct, lengths=lengths)
        chosen = {r: given.get(r, proposed.get(r)) for r in ROLE_FIELDS
                  if r in given or r in proposed}
        first = last = None
        if chosen.get("time"):
            day, _ = day_of(table, str(chosen["time"]), source, "columns.time")
            span = to_frame(table.aggregate(first=day.min(), last=day.max()), source).iloc[0]
            first, last = _date(span["first"]), _date(span["last"])
        personal, sampled = {}, 0
        if texts and int(found["__rows"]):
            frame = to_frame(table.select(*texts).limit(sample), source)
            sampled = len(frame)
            report = scan_frame(frame)
            for column in report.flagged:
                got = report[column]
                personal[column] = (", ".join(f"{k} in {_rows(n)}" for k, n in got.kinds.items())
                                    or got.reason)
    return Inspection(source.id, types, int(found["__rows"]), chosen, first, last, personal,
                      sampled)


def _used(roles: Mapping[str, Any]) -> set[str]:
    out: set[str] = set()
    for value in roles.values():
        out.update([value] if isinstance(value, str) else value)
    return out


def _date(value: Any) -> dt.date | None:
    if value is None or value != value:  # NaT and NaN are not equal to themselves
        return None
    return value.date() if hasattr(value, "date") else dt.date.fromisoformat(str(value)[:10])


def parse_roles(pairs: Sequence[str]) -> dict[str, Any]:
    """Read ``--map column=role`` pairs into role to column (groups and text: lists).

    Raises
    ------
    DataError
        When a pair is not ``column=role`` or names an unknown role.

    Examples
    --------
    >>> parse_roles(["created_at=timestamp", "plant=group", "site=groups", "p=score"])
    {'time': 'created_at', 'groups': ['plant', 'site'], 'score': 'p'}
    """
    out: dict[str, Any] = {}
    for pair in pairs:
        column, sep, role = pair.rpartition("=")
        role = ROLE_ALIASES.get(role.strip(), role.strip())
        if not sep or not column.strip():
            raise DataError([Problem(f"'{pair}' is not COLUMN=ROLE", path="--map",
                                     fix="write e.g. --map created_at=time")])
        if role not in ROLE_FIELDS:
            raise DataError([Problem(
                f"'{role}' is not one of the kit's roles", path="--map",
                fix=suggest(role, [*ROLE_FIELDS, *ROLE_ALIASES], label="roles", listed=30))])
        if role in ("groups", "text"):
            out.setdefault(role, []).append(column.strip())
        elif role in out:
            raise DataError([Problem(f"role '{role}' is mapped twice", path="--map",
                                     fix="map each role to one column")])
        else:
            out[role] = column.strip()
    return out
