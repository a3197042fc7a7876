"""How a data source of ``aipo.yaml`` is read: its engine, where it lives, and its row filter.

A source's data stays where it is: files (CSV, Parquet, JSON or JSON Lines; one file, a glob or a
partitioned folder) are read through DuckDB embedded in the kit (the default engine), a
PostgreSQL table or query through its database. The password of a database is never written
in ``aipo.yaml``: the source names the environment variable that holds it.

A source's ``where`` keeps only some of its rows: a value is equality (``period: pilot``), a
mapping is a typed filter (a set, a numeric range, a date range), all pushed into the engine.

Examples
--------
>>> from pydantic import TypeAdapter
>>> TypeAdapter(WhereValue).validate_python({"any_of": ["eu", "uk"]})
RowFilter(any_of=['eu', 'uk'], none_of=[], min=None, max=None, since=None, until=None)
>>> RowFilter(min=0, max=1).describe()
'from 0 to 1'
>>> SourceAccess(engine="postgres", url="postgresql://kit@db.example:5432/shop",
...              password_env="SHOP_DB_PASSWORD", table="public.orders").engine
'postgres'
>>> SourceAccess(engine="postgres", url="postgresql://kit:secret@db:5432/shop", table="t")
Traceback (most recent call last):
...
pydantic_core._pydantic_core.ValidationError: 1 validation error for SourceAccess
...
"""

from __future__ import annotations

import datetime as dt
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from aipo_widgets.model._patterns import ENV_NAME
from aipo_widgets.model.fields import StrictModel

__all__ = ["ENGINES", "FORMATS", "TRACE_COLUMNS", "RowFilter", "Scalar", "SourceAccess",
           "WhereValue"]

#: The engines a source is read through.
ENGINES = ("duckdb", "postgres", "spark")
#: The file formats DuckDB reads without an extension (otlp: OpenTelemetry traces in OTLP JSON).
FORMATS = ("csv", "parquet", "json", "otlp")
#: The columns an ``otlp`` source gives each LLM call, by the role each one plays
#: (:mod:`aipo_widgets.analysis.source_traces`); a role the source maps itself wins.
TRACE_COLUMNS = {"id": "span_id", "time": "start_time", "latency": "latency_ms",
                 "status": "status", "model": "model", "tokens_in": "input_tokens",
                 "tokens_out": "output_tokens"}

Scalar = str | int | float | bool


class RowFilter(StrictModel):
    """A typed filter on one column: a set of values, a numeric range or a date range.

    The conditions given all hold for a row that is kept; bounds are included.
    """

    any_of: list[Scalar] = Field(
        default_factory=list, description="Keep the rows whose value is one of these.")
    none_of: list[Scalar] = Field(
        default_factory=list, description="Drop the rows whose value is one of these.")
    min: float | None = Field(None, description="Keep the rows whose value is at least this.")
    max: float | None = Field(None, description="Keep the rows whose value is at most this.")
    since: dt.date | None = Field(
        None, description="Keep the rows dated on or after this day (YYYY-MM-DD).")
    until: dt.date | None = Field(
        None, description="Keep the rows dated on or before this day (YYYY-MM-DD).")

    @model_validator(mode="after")
    def _something_and_consistent(self) -> RowFilter:
        if not (self.any_of or self.none_of or self.min is not None or self.max is not None
                or self.since or self.until):
            raise PydanticCustomError(
                "row_filter", "a filter needs any_of, none_of, min, max, since or until", {})
        if self.min is not None and self.max is not None and self.min > self.max:
            raise PydanticCustomError("row_filter", "min {min} is above max {max}",
                                      {"min": self.min, "max": self.max})
        if self.since and self.until and self.since > self.until:
            raise PydanticCustomError("row_filter", "since {since} is after until {until}",
                                      {"since": str(self.since), "until": str(self.until)})
        return self

    def describe(self) -> str:
        """Say in words which rows the filter keeps."""
        parts = []
        if self.any_of:
            parts.append("one of " + ", ".join(map(str, self.any_of)))
        if self.none_of:
            parts.append("none of " + ", ".join(map(str, self.none_of)))
        if self.min is not None or self.max is not None:
            lo = "-inf" if self.min is None else f"{self.min:g}"
            hi = "inf" if self.max is None else f"{self.max:g}"
            parts.append(f"from {lo} to {hi}")
        if self.since or self.until:
            parts.append(f"dated {self.since or '...'} to {self.until or '...'}")
        return "; ".join(parts)


WhereValue = Scalar | RowFilter


class SourceAccess(StrictModel):
    """Where a data source lives and which engine reads it (a part of a data-map entry)."""

    engine: Literal["duckdb", "postgres", "spark"] = Field(
        "duckdb", description="duckdb (default): files read by DuckDB embedded in the kit; "
        "postgres: a table or query of a PostgreSQL database (url, table or query); spark: "
        "files (location, also hdfs:// or s3a://), a table of the Spark catalog or a Spark SQL "
        "query, read by pyspark (the aipo-kit[spark] extra; the session is the running one, "
        "else local, or the master in AIPO_SPARK_MASTER).")
    format: Literal["csv", "parquet", "json", "otlp"] | None = Field(
        None, description="Files: csv, parquet or json (JSON or JSON Lines); default: from the "
        "file names' suffix. otlp: OpenTelemetry traces exported as OTLP JSON, one row per LLM "
        "call (GenAI spans) with start_time, latency_ms, status, model, input_tokens, "
        "output_tokens and prompt_version, which the roles use unless columns maps others.")
    url: str = Field(
        "", description="Databases: the connection URL without its password, e.g. "
        "postgresql://reader@db.example:5432/shop.")
    password_env: ENV_NAME = Field(
        "", description="Databases: the environment variable holding the password (its name; "
        "the password itself never goes into aipo.yaml).")
    table: str = Field("", description="Databases: the table, e.g. public.orders.")
    query: str = Field("", description="Databases: a SELECT query instead of a table.")
    where: dict[str, WhereValue] = Field(
        default_factory=dict,
        description="Only the rows where each column equals its value, e.g. {period: "
        "baseline} when one file holds several periods, or meets a filter: {any_of: [..]}, "
        "{none_of: [..]}, {min: .., max: ..} or {since: YYYY-MM-DD, until: YYYY-MM-DD}.",
    )

    @field_validator("url")
    @classmethod
    def _no_password_in_url(cls, value: str) -> str:
        if not value:
            return value
        parts = urlsplit(value)
        if parts.scheme not in ("postgresql", "postgres"):
            raise PydanticCustomError(
                "source_url", "must be a postgresql:// URL, got {scheme}",
                {"scheme": repr(parts.scheme + "://" if parts.scheme else value)})
        if parts.password:
            raise PydanticCustomError(
                "source_url", "holds a password: remove it from the URL and name the "
                "environment variable that holds it in password_env", {})
        return value

    @model_validator(mode="after")
    def _engine_needs(self) -> SourceAccess:
        if self.engine == "postgres":
            if not self.url:
                raise PydanticCustomError(
                    "source_engine", "a postgres source needs its url, e.g. "
                    "postgresql://reader@db.example:5432/shop", {})
            if bool(self.table) == bool(self.query):
                raise PydanticCustomError(
                    "source_engine", "a postgres source needs a table or a query (one of them)",
                    {})
        elif self.engine == "spark":
            if self.url:
                raise PydanticCustomError(
                    "source_engine", "a spark source has no url: the Spark session is the "
                    "running one, else local (or the master in AIPO_SPARK_MASTER)", {})
            if sum(map(bool, (self.table, self.query))) > 1 or (
                    (self.table or self.query) and getattr(self, "location", "")):
                raise PydanticCustomError(
                    "source_engine", "a spark source reads files (location), a table or a "
                    "query: one of them", {})
        elif self.url or self.table or self.query:
            raise PydanticCustomError(
                "source_engine", "url, table and query are for a database: set engine: "
                "postgres, or remove them", {})
        return self
