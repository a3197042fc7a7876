"""``n_jobs`` means cores: the native thread pools are limited inside a kit call, then restored."""

from __future__ import annotations

from threadpoolctl import threadpool_info

from aipo_widgets.analysis._threads import native_threads


def _blas_threads() -> list[int]:
    return [p["num_threads"] for p in threadpool_info() if p["user_api"] == "blas"]


def test_blas_runs_one_thread_inside_and_its_own_count_after() -> None:
    before = _blas_threads()
    assert before, "numpy's BLAS is loaded"
    with native_threads(1):
        assert _blas_threads() == [1] * len(before)
    assert _blas_threads() == before


def test_the_limit_is_restored_when_the_call_raises() -> None:
    before = _blas_threads()
    try:
        with native_threads(1):
            raise KeyError("boom")
    except KeyError:
        pass
    assert _blas_threads() == before
