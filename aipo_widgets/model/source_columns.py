"""A data source's column mapping: which of its own columns plays each of the kit's roles.

A source of ``aipo.yaml`` keeps its own column names; ``columns`` says which one is the time,
the label, the score and so on, in one place::

    columns: {time: created_at, label: failed_7d, score: risk_score, groups: [plant]}

Each role is the same as the source's ``<role>_column`` field (``groups``: ``group_columns``,
``text``: ``text_columns``); a role given both ways must name the same column. When the source
is read, every column a role names must exist in it
(:func:`aipo_widgets.analysis.sources.read_source` says which do not, and which exist).

Examples
--------
>>> from aipo_widgets.model.schema import DataSource
>>> src = DataSource(id="log", name="Log", columns={"score": "risk_score", "groups": "plant"})
>>> src.score_column, src.group_columns
('risk_score', ['plant'])
>>> "score_column" in src.model_dump(exclude_defaults=True)  # aipo.yaml keeps its own words
False
>>> role_columns(src)
{'columns.score': 'risk_score', 'columns.groups': 'plant'}
"""

from __future__ import annotations

from typing import Any

from pydantic import (
    Field,
    SerializerFunctionWrapHandler,
    field_validator,
    model_serializer,
    model_validator,
)
from pydantic_core import PydanticCustomError

from aipo_widgets.model.fields import StrictModel

__all__ = ["ROLE_FIELDS", "ColumnMapping", "ColumnRoles", "role_columns"]

#: The kit's column roles and the data-source field each one sets.
ROLE_FIELDS = {
    "id": "id_column", "time": "time_column", "label": "label_column",
    "score": "score_column", "arm": "arm_column", "covariate": "covariate_column",
    "cost": "cost_column", "latency": "latency_column", "status": "status_column",
    "model": "model_column", "tokens_in": "tokens_in_column",
    "tokens_out": "tokens_out_column", "groups": "group_columns", "text": "text_columns",
}
_LISTS = ("groups", "text")


class ColumnRoles(StrictModel):
    """The source's own column for each of the kit's roles it has."""

    id: str | None = Field(None, description="Identifies a row (ticket, call, window).")
    time: str | None = Field(None, description="Date or timestamp of a row (windows).")
    label: str | None = Field(None, description="Ground truth or the human review label.")
    score: str | None = Field(None, description="The model's score (probability) or prediction.")
    arm: str | None = Field(None, description="Pilots: control or treatment.")
    covariate: str | None = Field(None, description="Pilots: a pre-period value of the metric.")
    cost: str | None = Field(None, description="Cost of the call or row, in currency.")
    latency: str | None = Field(None, description="Latency of the call, in ms.")
    status: str | None = Field(None, description="Outcome of the call (ok, error, timeout).")
    model: str | None = Field(None, description="The model that answered the call.")
    tokens_in: str | None = Field(None, description="Input (prompt) tokens of the call.")
    tokens_out: str | None = Field(None, description="Output (completion) tokens of the call.")
    groups: list[str] = Field(
        default_factory=list, description="Columns defining groups for fairness checks.")
    text: list[str] = Field(
        default_factory=list, description="Free-text columns to scan for personal data.")

    @field_validator("groups", "text", mode="before")
    @classmethod
    def _one_or_more(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value


class ColumnMapping(StrictModel):
    """The part of a data-map entry that maps the kit's roles onto the source's columns."""

    columns: ColumnRoles | None = Field(
        None, description="The source's own column for each of the kit's roles, e.g. {time: "
        "created_at, label: failed_7d, score: risk_score, groups: [plant]}; the same as the "
        "<role>_column fields, in one place.")

    @model_validator(mode="after")
    def _apply_roles(self) -> ColumnMapping:
        if self.columns is None:
            return self
        for role in self.columns.model_fields_set:
            value = getattr(self.columns, role)
            field = ROLE_FIELDS[role]
            current = getattr(self, field, None)
            if field in self.model_fields_set and current and current != value:
                raise PydanticCustomError(
                    "column_role", "columns.{role} names {value} but {field} names {current}: "
                    "keep one of them", {"role": role, "value": repr(value), "field": field,
                                         "current": repr(current)})
            # Set without validation (and without marking the field as written), so that
            # aipo.yaml is saved as the person wrote it.
            self.__dict__[field] = list(value) if role in _LISTS else value
        return self

    @model_serializer(mode="wrap")
    def _as_written(self, handler: SerializerFunctionWrapHandler) -> Any:
        data = handler(self)
        if isinstance(data, dict):
            # A role's field not written in aipo.yaml holds its default unless it was implied:
            # by columns, or by the source's format (an OTLP export's own columns).
            for field in ROLE_FIELDS.values():
                if field not in self.model_fields_set and field in data and data[field]:
                    del data[field]
        return data


def role_columns(source: Any) -> dict[str, str]:
    """Return the columns a source's roles name, by the field of ``aipo.yaml`` that names each.

    Examples
    --------
    >>> from aipo_widgets.model.schema import DataSource
    >>> role_columns(DataSource(id="a", name="A", time_column="t", group_columns=["g", "h"]))
    {'time_column': 't', 'group_columns[0]': 'g', 'group_columns[1]': 'h'}
    """
    mapped = source.columns.model_fields_set if source.columns is not None else set()
    out: dict[str, str] = {}
    for role, field in ROLE_FIELDS.items():
        value = getattr(source, field, None)
        if not value:
            continue
        where = f"columns.{role}" if role in mapped and field not in source.model_fields_set \
            else field
        if isinstance(value, list):
            for i, column in enumerate(value):
                out[f"{where}[{i}]" if len(value) > 1 or where == field else where] = column
        else:
            out[where] = value
    return out
