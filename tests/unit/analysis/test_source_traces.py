"""LLM calls read from OpenTelemetry traces (OTLP JSON) as the operate phase's production log."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from aipo_widgets.analysis.monitored import Windows, measure_metric
from aipo_widgets.analysis.source_traces import otlp_json
from aipo_widgets.analysis.sources import read_window
from aipo_widgets.cli import main
from aipo_widgets.errors import DataError
from aipo_widgets.model.schema import DataSource, Workspace
from aipo_widgets.model.workspace import load

AS_OF = dt.date(2026, 11, 22)
PRICES = {"model-a": (0.002, 0.006), "model-b": (0.0005, 0.0015)}


def calls() -> list[dict]:
    """48 calls over 8 days (the first day outside a 7-day window), 4 errors, 2 timeouts."""
    rng = np.random.default_rng(7)
    out = []
    for i in range(48):
        start = dt.datetime(2026, 11, 15, 8, 0) + dt.timedelta(hours=4 * i)
        call = {"start": start.isoformat(), "ms": float(rng.integers(300, 4000)),
                "model": "model-a" if i % 3 else "model-b",
                "tokens_in": int(rng.integers(500, 3000)), "tokens_out": int(rng.integers(50, 400)),
                "prompt_version": "v3" if i >= 24 else "v2"}
        if i in (9, 20, 31, 40):
            call["error"] = "openai.APIError"
        if i in (14, 44):
            call["error"], call["ms"] = "TimeoutError", 30000.0
        out.append(call)
    return out


def in_window(rows: list[dict], days: int = 7) -> list[dict]:
    first = AS_OF - dt.timedelta(days=days - 1)
    return [c for c in rows if first <= dt.date.fromisoformat(c["start"][:10]) <= AS_OF]


@pytest.fixture
def traces(tmp_path: Path) -> Path:
    """A folder of two exports: JSON Lines, and one pretty-printed request with an HTTP span."""
    rows = calls()
    folder = tmp_path / "traces"
    folder.mkdir()
    (folder / "part-1.jsonl").write_text(otlp_json(rows[:30], per_request=7))
    request = json.loads(otlp_json(rows[30:], service="summaries"))
    request["resourceSpans"][0]["scopeSpans"][0]["spans"].append({
        "traceId": "f" * 32, "spanId": "e" * 16, "name": "GET /tickets", "kind": 2,
        "startTimeUnixNano": "1795000000000000000", "endTimeUnixNano": "1795000000500000000",
        "attributes": [{"key": "http.request.method", "value": {"stringValue": "GET"}}],
        "status": {}})
    (folder / "part-2.json").write_text(json.dumps(request, indent=2))
    return tmp_path


def source(**kw) -> DataSource:
    return DataSource(**{"id": "llm_calls", "name": "LLM calls", "location": "traces/",
                         "format": "otlp", "role": "production", **kw})


def test_spans_map_onto_the_production_log_columns(traces: Path) -> None:
    rows, window = read_window(traces, source(), as_of=AS_OF, days=7)
    expected = in_window(calls())
    assert window.rows == len(expected) == 42  # the HTTP span and the first day are left out
    assert list(rows.status).count("error") == 4 and list(rows.status).count("timeout") == 2
    assert list(rows.input_tokens) == [c["tokens_in"] for c in expected]
    assert list(rows.output_tokens) == [c["tokens_out"] for c in expected]
    assert np.allclose(rows.latency_ms, [c["ms"] for c in expected])
    assert list(rows.model) == [c["model"] for c in expected]
    assert list(rows.prompt_version) == [c["prompt_version"] for c in expected]
    assert str(rows.start_time.iloc[0]) == expected[0]["start"].replace("T", " ")
    assert set(rows.service) == {"llm-app", "summaries"}
    assert rows.finish_reasons.iloc[0] == "stop"
    # the roles point at those columns unless aipo.yaml maps them itself
    src = source(columns={"latency": "latency_ms", "model": "prompt_version"})
    assert (src.time_column, src.status_column, src.model_column, src.latency_column) == (
        "start_time", "status", "prompt_version", "latency_ms")
    assert "time_column" not in src.model_dump(exclude_defaults=True)


def test_the_operate_figures_from_traces(traces: Path) -> None:
    ws = Workspace.model_validate({
        "product": {"name": "Summaries", "owner": "Jana"},
        "budgets": {"currency": "EUR", "prices": [
            {"model": m, "input_per_1k": i, "output_per_1k": o, "currency": "EUR",
             "valid_from": "2026-01-01"} for m, (i, o) in PRICES.items()]},
        "data_map": {"sources": [source().model_dump(exclude_defaults=True)]}})
    windows = Windows(traces, AS_OF)
    expected = in_window(calls())
    n = len(expected)
    figure = {m: measure_metric(ws, windows, m, days=7) for m in (
        "error_rate", "timeout_rate", "latency_p95_ms", "cost_per_use")}
    assert figure["error_rate"].value == pytest.approx(6 / n)  # timeouts are errors too
    assert figure["timeout_rate"].value == pytest.approx(2 / n)
    assert figure["latency_p95_ms"].value == pytest.approx(
        np.quantile([c["ms"] for c in expected], 0.95))
    cost = [c["tokens_in"] / 1000 * PRICES[c["model"]][0]
            + c["tokens_out"] / 1000 * PRICES[c["model"]][1] for c in expected]
    assert figure["cost_per_use"].value == pytest.approx(np.mean(cost))
    assert figure["cost_per_use"].provenance.describe().startswith(
        f"measured in llm_calls from 2026-11-16 to 2026-11-22 ({n} rows)")


def test_a_file_that_is_not_otlp_json(tmp_path: Path) -> None:
    (tmp_path / "traces").mkdir()
    (tmp_path / "traces" / "broken.jsonl").write_text("{not json\n")
    with pytest.raises(DataError) as err:
        read_window(tmp_path, source(), as_of=AS_OF, days=7)
    problem = err.value.problems[0]
    assert problem.path == "data_map.sources[llm_calls].location"
    assert "Malformed JSON" in problem.message and "broken.jsonl" in problem.message


def test_add_source_reads_a_trace_export(traces: Path, capsys) -> None:
    (traces / "aipo.yaml").write_text("product: {name: P, owner: O}\n")
    assert main(["add", "source", "calls", "traces/", "--dir", str(traces), "--format", "otlp",
                 "--role", "production"]) == 0
    assert "48 rows, 16 columns, dated 2026-11-15 to 2026-11-23" in capsys.readouterr().out
    src = load(traces).workspace.source("calls")
    assert (src.format, src.time_column, src.tokens_in_column, src.latency_column) == (
        "otlp", "start_time", "input_tokens", "latency_ms")
