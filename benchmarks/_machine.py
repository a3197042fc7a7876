"""What a benchmark figure depends on, printed by every benchmark so a rerun shows it.

The kit's figures move with the CPU (AVX-512 sorting in numpy), the core count, the load on a
shared machine and the library versions; a reader comparing a rerun needs all of them.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import sys
import time
from collections.abc import Callable, Iterable

LIBRARIES = ("numpy", "pandas", "scikit-learn", "scipy", "fairlearn", "evidently",
             "presidio-analyzer", "duckdb")


def cpu_model() -> tuple[str, list[str]]:
    """The CPU's model name and the vector flags that change numpy's speed."""
    model, flags = platform.processor() or "unknown", []
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key.strip() == "model name":
                    model = value.strip()
                elif key.strip() == "flags":
                    have = set(value.split())
                    flags = [f for f in ("avx2", "avx512f", "avx512bw") if f in have]
                    break
    except OSError:
        pass
    return model, flags


def versions(names: Iterable[str] = LIBRARIES) -> str:
    found = []
    for name in names:
        try:
            found.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    return ", ".join(found)


def describe(extra: Iterable[str] = ()) -> str:
    """Lines naming the machine, its load and the libraries, for the top of a benchmark's output."""
    model, flags = cpu_model()
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join([
        f"machine: {model}; vector flags: {', '.join(flags) or 'none of avx2/avx512'}; "
        f"{os.cpu_count()} cores; load average (1, 5, 15 min) {load}",
        f"python {sys.version.split()[0]}; {versions([*LIBRARIES, *extra])}",
    ])


def wall_and_cpu(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall time and this process's CPU time (all threads) of one call, in seconds."""
    c0, t0 = time.process_time(), time.perf_counter()
    fn()
    return time.perf_counter() - t0, time.process_time() - c0


def check_one_core(label: str, wall: float, cpu: float, slack: float = 0.10) -> bool:
    """Print CPU beside wall for an ``n_jobs=1`` call; False when it used more than one core."""
    ok = cpu <= wall * (1 + slack)
    print(f"  {label}: wall {wall:.3f} s, CPU {cpu:.3f} s (CPU/wall {cpu / wall:.2f}; "
          f"{'one core' if ok else 'MORE THAN ONE CORE'}, limit {1 + slack:.2f})")
    return ok
