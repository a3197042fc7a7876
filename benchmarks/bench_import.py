"""Benchmark: the cost of ``import aipo_widgets`` and of starting the ``aipo`` command.

Target (issue 6): ``import aipo_widgets`` stays under 1.5x ``import pandas``. Heavy modules
(pandas, scipy, scikit-learn, matplotlib, the Jupyter stack) are imported by the modules that
need them, never by the package itself (docs/CONTRIBUTING.md).

Every figure comes from a fresh interpreter (``python -c ...``), so nothing is cached in
``sys.modules``; the contenders are interleaved within each repetition, so each sees the same
load on this shared machine, and medians are reported. Two figures per contender:

* *import*: the ``import`` statement alone, timed with ``time.perf_counter`` inside the new
  interpreter (the interpreter's own start-up excluded); the target's ratio uses this figure;
* *wall*: the whole ``python -c`` process as a person or CI waits for it (start-up included).

``aipo --help`` runs the installed console script: its wall time is the floor of every ``aipo``
call. ``python -X importtime`` then names the modules that cost the most.

Run::

    .venv/bin/python benchmarks/bench_import.py              # 15 repetitions
    .venv/bin/python benchmarks/bench_import.py --repeat 5   # quicker
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from _machine import describe

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.5

# Modules that must not be imported by ``import aipo_widgets`` (nor by the CLI's start-up).
HEAVY = ["pandas", "numpy", "scipy", "sklearn", "matplotlib", "pydantic", "ruamel",
         "IPython", "ipywidgets", "anywidget", "ipykernel", "papermill", "nbconvert",
         "nbformat", "jupyter_client", "jinja2"]

TIMED = ("import time, sys\n"
         "t0 = time.perf_counter()\n"
         "import {module}\n"
         "t1 = time.perf_counter()\n"
         "print(t1 - t0)\n")


def python() -> str:
    """The interpreter to measure: this one (run the script with the project's venv)."""
    return sys.executable


def env() -> dict[str, str]:
    """A clean environment: no coverage start-up hook, matplotlib's cache in a temp folder."""
    e = {k: v for k, v in os.environ.items()
         if not k.startswith(("COVERAGE_", "PYTHONPROFILE"))}
    e.pop("PYTHONSTARTUP", None)
    return e


def run_import(module: str) -> tuple[float, float]:
    """Import ``module`` in a fresh interpreter; return (import seconds, wall seconds)."""
    t0 = time.perf_counter()
    out = subprocess.run([python(), "-c", TIMED.format(module=module)], capture_output=True,
                         text=True, env=env(), cwd=ROOT, check=True)
    wall = time.perf_counter() - t0
    return float(out.stdout.strip().splitlines()[-1]), wall


def run_wall(cmd: list[str]) -> float:
    """Run a command to its end; return its wall time in seconds."""
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, env=env(), cwd=ROOT, check=True)
    return time.perf_counter() - t0


def aipo_command() -> list[str]:
    """The installed ``aipo`` console script beside this interpreter (as a user runs it)."""
    script = Path(python()).with_name("aipo")
    if script.exists():
        return [str(script)]
    found = shutil.which("aipo")
    if found:
        return [found]
    return [python(), "-c", "import sys; from aipo_widgets.cli import main; sys.exit(main())"]


def heavy_loaded(module: str) -> list[str]:
    """Which of the heavy modules are in ``sys.modules`` after importing ``module``."""
    code = (f"import sys; import {module}; "
            f"print(' '.join(m for m in {HEAVY!r} if m in sys.modules))")
    out = subprocess.run([python(), "-c", code], capture_output=True, text=True, env=env(),
                         cwd=ROOT, check=True)
    return out.stdout.split()


def importtime(module: str, top: int) -> list[tuple[int, int, str]]:
    """``python -X importtime``: (self us, cumulative us, module), the costliest by self time."""
    out = subprocess.run([python(), "-X", "importtime", "-c", f"import {module}"],
                         capture_output=True, text=True, env=env(), cwd=ROOT, check=True)
    rows = []
    for line in out.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cum_us, name = line.removeprefix("import time:").split("|")
        rows.append((int(self_us), int(cum_us), name.rstrip()))
    rows.sort(reverse=True)
    return rows[:top]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=15, help="repetitions (fresh interpreters)")
    ap.add_argument("--top", type=int, default=12, help="rows of the -X importtime table")
    args = ap.parse_args()
    print(describe())

    print("import benchmark: fresh interpreters, contenders interleaved, medians")
    print(f"python {sys.version.split()[0]} ({python()}), {os.cpu_count()} cores, "
          f"{args.repeat} repetitions")
    print(f"load average (1, 5, 15 min) at start: {os.getloadavg()}")

    modules = {"pandas": "pandas", "aipo_widgets": "aipo_widgets",
               "aipo_widgets.cli": "aipo_widgets.cli"}
    imp: dict[str, list[float]] = {k: [] for k in modules}
    wall: dict[str, list[float]] = {k: [] for k in [*modules, "python -c pass", "aipo --help"]}
    aipo = aipo_command()
    # Warm the file-system cache once, so the first repetition is not an outlier.
    for m in modules.values():
        run_import(m)
    run_wall([*aipo, "--help"])
    for _ in range(args.repeat):
        wall["python -c pass"].append(run_wall([python(), "-c", "pass"]))
        for name, mod in modules.items():
            i, w = run_import(mod)
            imp[name].append(i)
            wall[name].append(w)
        wall["aipo --help"].append(run_wall([*aipo, "--help"]))

    med = statistics.median
    print()
    print(f"{'contender':<22} {'import (median)':>16} {'min':>9} {'wall (median)':>14} {'min':>9}")
    for name in wall:
        i = f"{med(imp[name]) * 1e3:13.1f} ms {min(imp[name]) * 1e3:6.1f} ms" if name in imp \
            else f"{'':>16} {'':>9}"
        print(f"{name:<22} {i} {med(wall[name]) * 1e3:11.1f} ms {min(wall[name]) * 1e3:6.1f} ms")

    ratio = med(imp["aipo_widgets"]) / med(imp["pandas"])
    wall_ratio = med(wall["aipo_widgets"]) / med(wall["pandas"])
    ok = ratio < TARGET
    print()
    print(f"import aipo_widgets / import pandas: {ratio:.3f}x "
          f"(target < {TARGET}x: {'met' if ok else 'MISSED'}); "
          f"whole processes: {wall_ratio:.3f}x")
    cli_over = med(wall["aipo --help"]) - med(wall["python -c pass"])
    print(f"aipo --help: {med(wall['aipo --help']) * 1e3:.0f} ms wall, "
          f"{cli_over * 1e3:.0f} ms above a bare interpreter "
          f"(import aipo_widgets.cli: {med(imp['aipo_widgets.cli']) * 1e3:.1f} ms)")
    print(f"load average (1, 5, 15 min) at end: {os.getloadavg()}")

    print()
    for mod in ("aipo_widgets", "aipo_widgets.cli"):
        loaded = heavy_loaded(mod)
        print(f"heavy modules loaded by 'import {mod}': {', '.join(loaded) or 'none'}")
    for mod in ("aipo_widgets", "aipo_widgets.cli"):
        print()
        print(f"python -X importtime -c 'import {mod}': top {args.top} by self time")
        print(f"{'self':>9} {'cumulative':>11}  module")
        for self_us, cum_us, name in importtime(mod, args.top):
            print(f"{self_us / 1e3:7.1f}ms {cum_us / 1e3:9.1f}ms  {name}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
