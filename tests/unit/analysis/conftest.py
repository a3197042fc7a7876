"""The analysis tests' shared PostgreSQL server: one per test run, started on first use."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pg_server import Server, start, stop


@pytest.fixture(scope="session")
def pg_server() -> Iterator[Server]:
    """A real PostgreSQL server on a free local port (skips, saying why, when there is none)."""
    try:
        server = start()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        stop(server)
