r"""LLM calls from OpenTelemetry traces: OTLP JSON exports read as a production log.

An LLM application instrumented with OpenTelemetry's GenAI semantic conventions records one span
per model call, with ``gen_ai.request.model``, ``gen_ai.usage.input_tokens`` and
``output_tokens``, the finish reasons, its start and end and, when it failed, an error status
and ``error.type`` (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-spans/). The
OpenTelemetry Collector's file exporter writes them as OTLP JSON (one
``ExportTraceServiceRequest`` per line, https://opentelemetry.io/docs/specs/otlp/#json-protobuf-encoding).

A source with ``format: otlp`` is such a file, glob or folder. DuckDB reads it with its built-in
JSON functions (no extension is downloaded) and :func:`read_traces` turns its GenAI spans (spans
without a ``gen_ai.*`` attribute, an HTTP call say, are left out) into one row per call, with
the columns of :data:`~aipo_widgets.model.source_access.TRACE_COLUMNS`, which the source's roles
name unless ``aipo.yaml`` maps them otherwise:

=================  ======================================================================
``start_time``     the span's start (UTC timestamp): the time column
``latency_ms``     end minus start, in milliseconds
``status``         ``ok``; ``error`` (status code ERROR, or an ``error.type``); ``timeout``
                   (an error whose type or message says timeout or timed out)
``model``          ``gen_ai.request.model`` (else ``gen_ai.response.model``)
``input_tokens``   ``gen_ai.usage.input_tokens`` (older: ``prompt_tokens``)
``output_tokens``  ``gen_ai.usage.output_tokens`` (older: ``completion_tokens``)
``prompt_version`` the first of :data:`PROMPT_VERSION_KEYS` the span has
=================  ======================================================================

and ``trace_id``, ``span_id``, ``span_name``, ``service``, ``operation``, ``provider``,
``response_model``, ``finish_reasons`` and ``error_type``.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.analysis.source_engines import open_source, to_frame
>>> from aipo_widgets.model.schema import DataSource
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> calls = [{"start": "2026-11-02T09:00:00", "ms": 850, "model": "gpt-x", "tokens_in": 1200,
...           "tokens_out": 150, "prompt_version": "v3"},
...          {"start": "2026-11-02T09:05:00", "ms": 30000, "model": "gpt-x", "tokens_in": 900,
...           "tokens_out": 0, "error": "TimeoutError"}]
>>> _ = (folder / "calls.jsonl").write_text(otlp_json(calls))
>>> src = DataSource(id="calls", name="Calls", location="calls.jsonl", format="otlp")
>>> with open_source(folder, src) as t:
...     rows = to_frame(t.select("start_time", "latency_ms", "status", "model",
...                              "input_tokens", "prompt_version"))
>>> rows.to_dict("records")[1]["status"], list(rows.latency_ms)
('timeout', [850.0, 30000.0])
>>> src.time_column, src.tokens_in_column, src.status_column
('start_time', 'input_tokens', 'status')
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import ibis.expr.types as ir

__all__ = ["PROMPT_VERSION_KEYS", "otlp_json", "read_traces", "traces_sql"]

#: Span attributes that may hold the prompt's version (the conventions name none yet).
PROMPT_VERSION_KEYS = ("gen_ai.prompt.version", "prompt.version", "prompt_version",
                       "app.prompt.version", "langfuse.prompt.version")
# Largest export request (one JSON line) DuckDB reads: the collector batches many spans in one.
_MAX_OBJECT = 512 * 1024 * 1024


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _value(key: str, attrs: str = "attrs") -> str:
    """Return the SQL of a span attribute's OTLP ``AnyValue`` (JSON; NULL when it has none)."""
    return f"(list_filter({attrs}, lambda a: (a->>'key') = {_quote(key)})[1]->'value')"


def _text(*keys: str, attrs: str = "attrs") -> str:
    parts = [f"coalesce({v}->>'stringValue', {v}->>'intValue', {v}->>'doubleValue', "
             f"{v}->>'boolValue')" for v in (_value(k, attrs) for k in keys)]
    return f"coalesce({', '.join(parts)})" if len(parts) > 1 else parts[0]


def _number(*keys: str) -> str:
    parts = [f"TRY_CAST(coalesce({v}->>'intValue', {v}->>'doubleValue', {v}->>'stringValue') "
             f"AS BIGINT)" for v in (_value(k) for k in keys)]
    return f"coalesce({', '.join(parts)})"


def traces_sql(files: Sequence[str]) -> str:
    """Return DuckDB's query of the GenAI spans in OTLP JSON files, one row per call.

    Examples
    --------
    >>> "read_json_objects(['t.jsonl']" in traces_sql(["t.jsonl"])
    True
    """
    paths = "[" + ", ".join(_quote(f) for f in files) + "]"
    error_type = _text("error.type")
    message = "lower(coalesce(span->'status'->>'message', ''))"
    failed = (f"(coalesce(span->'status'->>'code', '') IN ('2', 'STATUS_CODE_ERROR') "
              f"OR {error_type} IS NOT NULL)")
    timed_out = (f"(lower(coalesce({error_type}, '')) LIKE '%timeout%' OR {message} LIKE "
                 f"'%timeout%' OR {message} LIKE '%timed out%')")
    reasons = _value("gen_ai.response.finish_reasons")
    return f"""
WITH requests AS (
  SELECT json AS doc FROM read_json_objects({paths}, format = 'auto',
                                            maximum_object_size = {_MAX_OBJECT})
), resources AS (
  SELECT unnest(CAST(doc->'resourceSpans' AS JSON[])) AS r FROM requests
), scopes AS (
  SELECT CAST(r->'resource'->'attributes' AS JSON[]) AS res,
         unnest(CAST(r->'scopeSpans' AS JSON[])) AS s FROM resources
), spans AS (
  SELECT res, unnest(CAST(s->'spans' AS JSON[])) AS span FROM scopes
), calls AS (
  SELECT res, span, CAST(span->'attributes' AS JSON[]) AS attrs,
         TRY_CAST(span->>'startTimeUnixNano' AS HUGEINT) AS t0,
         TRY_CAST(span->>'endTimeUnixNano' AS HUGEINT) AS t1
  FROM spans
)
SELECT
  make_timestamp(CAST(t0 // 1000 AS BIGINT)) AS start_time,
  CAST((t1 - t0) AS DOUBLE) / 1e6 AS latency_ms,
  CASE WHEN {failed} THEN (CASE WHEN {timed_out} THEN 'timeout' ELSE 'error' END)
       ELSE 'ok' END AS status,
  {_text("gen_ai.request.model", "gen_ai.response.model")} AS model,
  {_number("gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens")} AS input_tokens,
  {_number("gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens")} AS output_tokens,
  {_text(*PROMPT_VERSION_KEYS)} AS prompt_version,
  span->>'traceId' AS trace_id,
  span->>'spanId' AS span_id,
  span->>'name' AS span_name,
  {_text("service.name", attrs="res")} AS service,
  {_text("gen_ai.operation.name")} AS operation,
  {_text("gen_ai.provider.name", "gen_ai.system")} AS provider,
  {_text("gen_ai.response.model")} AS response_model,
  array_to_string(list_transform(CAST({reasons}->'arrayValue'->'values' AS JSON[]),
                                 lambda v: v->>'stringValue'), ',') AS finish_reasons,
  {error_type} AS error_type
FROM calls
WHERE len(list_filter(attrs, lambda a: starts_with(a->>'key', 'gen_ai.'))) > 0
"""


def read_traces(con: Any, files: Sequence[str]) -> ir.Table:
    """Return the GenAI spans of OTLP JSON files as an Ibis table of a DuckDB connection."""
    return con.sql(traces_sql(files))


def _attr(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}  # int64 is a string in OTLP JSON
    if isinstance(value, float):
        return {"key": key, "value": {"doubleValue": value}}
    if isinstance(value, (list, tuple)):
        return {"key": key, "value": {"arrayValue": {"values": [
            {"stringValue": str(v)} for v in value]}}}
    return {"key": key, "value": {"stringValue": str(value)}}


def _nanos(stamp: str | dt.datetime) -> int:
    when = dt.datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.timezone.utc)
    return round(when.timestamp() * 1_000_000) * 1000


def otlp_json(calls: Iterable[Mapping[str, Any]], *, service: str = "llm-app",
              per_request: int = 100) -> str:
    """Write LLM calls as OTLP JSON Lines, the way the OpenTelemetry Collector exports them.

    For examples and tests: each call (``start`` ISO time, ``ms``, ``model``, ``tokens_in``,
    ``tokens_out``; optional ``prompt_version``, ``error`` (its ``error.type``),
    ``finish_reasons``, ``operation``) becomes a GenAI client span; ``per_request`` spans go
    in one line (an ``ExportTraceServiceRequest``).
    """
    spans = []
    for i, call in enumerate(calls):
        start = _nanos(call["start"])
        attrs = [_attr("gen_ai.operation.name", call.get("operation", "chat")),
                 _attr("gen_ai.provider.name", call.get("provider", "openai")),
                 _attr("gen_ai.request.model", call["model"]),
                 _attr("gen_ai.usage.input_tokens", int(call["tokens_in"])),
                 _attr("gen_ai.usage.output_tokens", int(call["tokens_out"])),
                 _attr("gen_ai.response.finish_reasons",
                       call.get("finish_reasons", ["stop"] if not call.get("error") else []))]
        if call.get("prompt_version"):
            attrs.append(_attr("gen_ai.prompt.version", call["prompt_version"]))
        if call.get("error"):
            attrs.append(_attr("error.type", call["error"]))
        spans.append({
            "traceId": f"{i + 1:032x}", "spanId": f"{i + 1:016x}",
            "name": f"{call.get('operation', 'chat')} {call['model']}", "kind": 3,
            "startTimeUnixNano": str(start),
            "endTimeUnixNano": str(start + round(float(call["ms"]) * 1_000_000)),
            "attributes": attrs,
            "status": ({"code": 2, "message": str(call["error"])} if call.get("error")
                       else {"code": 1})})
    lines = []
    for k in range(0, len(spans), per_request):
        lines.append(json.dumps({"resourceSpans": [{
            "resource": {"attributes": [_attr("service.name", service)]},
            "scopeSpans": [{"scope": {"name": "aipo-kit.example"},
                            "spans": spans[k:k + per_request]}]}]},
            separators=(",", ":")))
    return "\n".join(lines) + "\n"
