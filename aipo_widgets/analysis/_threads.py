"""``n_jobs`` means cores: native thread pools limited for the length of one call.

numpy's BLAS (OpenBLAS in the wheels) starts one worker thread per core and lets them spin
for a while after each call; a kit function asked for one core would otherwise burn two. The
kit parallelises by columns in its own threads, so BLAS gets one thread per kit thread and a
call with ``n_jobs=n`` uses at most ``n`` cores. The limit is process-wide while it holds and
restored afterwards.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager

from threadpoolctl import ThreadpoolController


@functools.cache
def _controller() -> ThreadpoolController:
    # Inspecting the loaded libraries costs milliseconds: done once per process.
    return ThreadpoolController()


@contextmanager
def native_threads(limit: int = 1) -> Iterator[None]:
    """Limit BLAS and OpenMP thread pools to ``limit`` threads inside the block.

    Examples
    --------
    >>> import numpy as np
    >>> with native_threads(1):
    ...     float(np.dot(np.ones(3), np.ones(3)))
    3.0
    """
    with _controller().limit(limits=limit):
        yield
