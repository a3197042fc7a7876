"""Benchmark: ``aipo run`` of the four phase notebooks against the kernel-start floor.

Targets (issues 6 and 20):

* a *cold* run (``aipo run --fresh``: every analysis computed, nothing reused from
  ``reports/cache``) of all four phases on an example takes at most 3x the time of executing
  four empty notebooks with Papermill in the same process (the *floor*: four kernel starts and
  shutdowns, measured in the same benchmark run), with ``--jobs 2``;
* cold ``--jobs 2`` is at least 1.6x faster than cold ``--jobs 1`` on a 2-core machine;
* a *warm* run (the same command again, nothing changed: the source reads, PII scans and
  Monte Carlo reused from the cache) with ``--jobs 2`` takes at most 1.5x the floor.

Both examples (``support-summaries``, ``predictive-maintenance``) are made with ``aipo init`` in a
temporary folder. ``aipo run`` is called in this process through the CLI's ``main`` (exactly what
the console script does, without the interpreter's start-up); the floor is
``papermill.execute_notebook`` on an empty notebook (its ``parameters`` cell only), four times
in a row, with the same kernel, working folder and kernel stop as ``aipo run`` (``immediate``:
Papermill's default graceful stop now and then waits 3.5 s for an empty kernel, which inflated
the floor to 5.7 s instead of 2.3 s in some repetitions and flattered the ratio). Within each
repetition the floor, ``--jobs 1`` and ``--jobs 2`` run back to back, so they see the same load
on this shared machine; medians over the repetitions are reported with the load average. The
floor ratio is checked for ``--jobs 2``, what ``aipo run`` does by default on two cores (one job
per core) and how the workspace's CI workflow and ``make demo`` call it; the ``--jobs 1`` ratio
is printed beside it. CPU time (this process and its finished children, the kernels, user +
system) is printed too: it barely depends on what other sessions run, so it shows the work
itself.

``--profile`` then says where the time of a ``--jobs 1`` run goes, phase by phase: kernel start
and shutdown (from Papermill's timestamps in the executed notebooks), the imports the notebook
makes (an imports-only copy of each phase executed like the floor, minus the floor), each
section of the notebook (cells grouped under their markdown heading), the HTML export, and the
run's own work outside the phases.

Run::

    .venv/bin/python benchmarks/bench_run.py                   # 5 repetitions, both examples
    .venv/bin/python benchmarks/bench_run.py --repeat 3 --profile
    .venv/bin/python benchmarks/bench_run.py --example support-summaries --repeat 1
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _machine import describe  # noqa: E402

from aipo_widgets import cli  # noqa: E402

EXAMPLES = ["support-summaries", "predictive-maintenance"]
TARGET_FLOOR = 3.0
TARGET_SPEEDUP = 1.6
TARGET_WARM = 1.5
KERNEL = "python3"
SHUTDOWN = "immediate"


@contextlib.contextmanager
def quiet(log: Path) -> Iterator[None]:
    """Send this process's stdout/stderr, and the kernels' (they inherit fd 2), to ``log``."""
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(1), os.dup(2)
    with open(log, "ab") as fh:
        os.dup2(fh.fileno(), 1)
        os.dup2(fh.fileno(), 2)
        try:
            with contextlib.redirect_stdout(io.StringIO()), \
                    contextlib.redirect_stderr(io.StringIO()):
                yield
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])


def notebook(cells: list[str], folder: Path, name: str) -> Path:
    """Write a notebook whose first cell is a ``parameters`` cell, then ``cells``."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell('workspace = ""', metadata={"tags": ["parameters"]})]
    nb.cells += [nbformat.v4.new_code_cell(src) for src in cells]
    nb.metadata.kernelspec = {"name": KERNEL, "display_name": "Python 3", "language": "python"}
    path = folder / name
    nbformat.write(nb, path)
    return path


def execute(path: Path, out: Path, workspace: Path) -> float:
    """Execute one notebook with Papermill in this process, as ``aipo run`` does; seconds."""
    import papermill

    t0 = time.perf_counter()
    papermill.execute_notebook(str(path), str(out), parameters={"workspace": str(workspace)},
                               cwd=str(path.parent), progress_bar=False, log_output=False,
                               kernel_name=KERNEL, shutdown_kernel=SHUTDOWN)
    return time.perf_counter() - t0


def cpu() -> float:
    """CPU seconds of this process and of its finished children (the kernels), user + system.

    Unlike wall time, this hardly depends on what other sessions run on the machine.
    """
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(
        resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def floor(empty: Path, workspace: Path) -> tuple[float, float]:
    """Four empty notebooks in a row, the kernel-start floor of a four-phase run; (wall, CPU)."""
    c0, t0 = cpu(), time.perf_counter()
    for i in range(4):
        execute(empty, empty.with_name(f"floor-out-{i}.ipynb"), workspace)
    return time.perf_counter() - t0, cpu() - c0


def aipo_run(workspace: Path, jobs: int, log: Path, *, fresh: bool = True
             ) -> tuple[float, float, str]:
    """``aipo run WORKSPACE --jobs N [--fresh]`` in this process; (wall s, CPU s, run id)."""
    c0, t0 = cpu(), time.perf_counter()
    with quiet(log):
        code = cli.main(["run", str(workspace), "--jobs", str(jobs),
                         *(["--fresh"] if fresh else [])])
    seconds, cpu_s = time.perf_counter() - t0, cpu() - c0
    if code not in (0, 1):
        raise SystemExit(f"aipo run {workspace} --jobs {jobs} exited {code}; see {log}")
    run_id = os.readlink(workspace / "reports" / "latest")
    return seconds, cpu_s, run_id


def load() -> str:
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


# --------------------------------------------------------------------------------------------
# profile


def _imports(src: str) -> list[str]:
    """The top-level import statements of a cell, as source lines."""
    try:
        tree = ast.parse(src)
    except SyntaxError:
        return []
    return [ast.unparse(n) for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]


def _ts(value: str) -> float:
    import datetime as dt

    return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def sections(executed: Path) -> tuple[float, float, list[tuple[str, float]]]:
    """(kernel start, kernel shutdown, [(section heading, seconds)]) of an executed notebook."""
    nb = json.loads(executed.read_text(encoding="utf-8"))
    meta = nb["metadata"]["papermill"]
    code = [c for c in nb["cells"] if c["cell_type"] == "code"
            and c["metadata"].get("papermill", {}).get("start_time")]
    start = _ts(code[0]["metadata"]["papermill"]["start_time"]) - _ts(meta["start_time"])
    stop = _ts(meta["end_time"]) - _ts(code[-1]["metadata"]["papermill"]["end_time"])
    out: dict[str, float] = {}
    heading = "(before the first heading)"
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            first = "".join(cell["source"]).strip().splitlines()[0]
            heading = first.lstrip("# ").strip()
            continue
        tags = cell["metadata"].get("tags", [])
        label = ("parameters" if "parameters" in tags or "injected-parameters" in tags
                 else heading)
        out[label] = out.get(label, 0.0) + cell["metadata"].get("papermill", {}).get(
            "duration", 0.0) or 0.0
    return start, stop, list(out.items())


def profile(workspace: Path, scratch: Path, empty: Path, repeat: int, log: Path) -> None:
    """Print where the time of a ``--jobs 1`` run goes (medians over ``repeat`` runs)."""
    import nbformat

    from aipo_widgets.pipeline.report import notebook_to_html

    med = statistics.median
    notebooks = sorted((workspace / "notebooks").glob("0*_*.ipynb"))
    # Imports-only copies of the phases: what the kernel must import before any work.
    imports_nb = {}
    for nb_path in notebooks:
        nb = json.loads(nb_path.read_text(encoding="utf-8"))
        lines = [line for c in nb["cells"] if c["cell_type"] == "code"
                 for line in _imports("".join(c["source"]))]
        imports_nb[nb_path.stem] = notebook(list(dict.fromkeys(lines)), scratch,
                                            f"imports-{nb_path.stem}.ipynb")

    runs: list[dict] = []
    for _ in range(repeat):
        with quiet(log):
            empty_s = med([execute(empty, scratch / "e-out.ipynb", workspace) for _ in range(2)])
            imp = {k: execute(p, scratch / "i-out.ipynb", workspace) - empty_s
                   for k, p in imports_nb.items()}
        total, _, run_id = aipo_run(workspace, 1, log)
        folder = workspace / "reports" / run_id
        results = json.loads((folder / "results.json").read_text(encoding="utf-8"))
        per = {}
        for ph in results["phases"]:
            executed = folder / ph["notebook"]
            k_start, k_stop, secs = sections(executed)
            nb = nbformat.read(executed, as_version=4)
            t0 = time.perf_counter()
            notebook_to_html(nb)
            html = time.perf_counter() - t0
            per[executed.stem] = {"phase": ph["seconds"], "start": k_start, "stop": k_stop,
                                  "sections": dict(secs), "imports": imp[executed.stem],
                                  "html": html}
        outside = total - sum(x["phase"] for x in per.values())
        runs.append({"total": total, "empty": empty_s, "phases": per, "outside": outside})

    print(f"\nprofile of 'aipo run {workspace.name} --jobs 1' (medians of {repeat}; "
          f"load {load()})")
    print(f"  one empty notebook (kernel start + shutdown + Papermill): "
          f"{med(r['empty'] for r in runs):.2f} s")
    for stem in runs[0]["phases"]:
        rows = [r["phases"][stem] for r in runs]
        phase = med(x["phase"] for x in rows)
        print(f"  {stem}: {phase:.2f} s in Papermill, then HTML export "
              f"{med(x['html'] for x in rows):.2f} s")
        print(f"    {'kernel start':<58} {med(x['start'] for x in rows):6.2f} s")
        print(f"    {'imports of the notebook (imports-only copy - empty)':<58} "
              f"{med(x['imports'] for x in rows):6.2f} s  (inside the sections below)")
        for label in rows[0]["sections"]:
            sec = med(x["sections"].get(label, 0.0) for x in rows)
            if sec >= 0.05:
                print(f"    {label[:58]:<58} {sec:6.2f} s")
        print(f"    {'kernel shutdown':<58} {med(x['stop'] for x in rows):6.2f} s")
    print(f"  whole run {med(r['total'] for r in runs):.2f} s, of which outside the phases "
          f"{med(r['outside'] for r in runs):.2f} s (the CLI, the workspace check, the last "
          f"HTML export, results, ledger)")


# --------------------------------------------------------------------------------------------


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="repetitions (default 5)")
    ap.add_argument("--example", action="append", choices=EXAMPLES,
                    help="example(s) to run (default: both)")
    ap.add_argument("--profile", action="store_true", help="say where the time goes")
    ap.add_argument("--profile-repeat", type=int, default=3)
    args = ap.parse_args()
    print(describe())
    examples = args.example or EXAMPLES

    import papermill

    print("aipo run benchmark: four phase notebooks against four empty ones (the floor)")
    print(f"python {sys.version.split()[0]}, papermill {papermill.__version__}, "
          f"{os.cpu_count()} cores, {args.repeat} repetitions; load average (1, 5, 15 min) "
          f"at start: {load()}")
    with tempfile.TemporaryDirectory(prefix="aipo-bench-run-") as tmp:
        base = Path(tmp)
        log = base / "kernels.log"
        scratch = base / "scratch"
        scratch.mkdir()
        empty = notebook([], scratch, "empty.ipynb")
        spaces = {}
        for ex in examples:
            spaces[ex] = base / ex
            with quiet(log):
                cli.main(["init", str(spaces[ex]), "--example", ex])
            # One unmeasured run warms the disk cache and the kernel's bytecode (and fills
            # reports/cache, which the cold runs ignore and the warm ones read).
            aipo_run(spaces[ex], 2, log)
        with quiet(log):
            execute(empty, scratch / "warm.ipynb", spaces[examples[0]])

        keys = ("floor", "jobs1", "jobs2", "warm")
        rows = {ex: {k: [] for k in (*keys, "load")} for ex in examples}
        cpus = {ex: {k: [] for k in keys} for ex in examples}
        for rep in range(args.repeat):
            for ex in examples:
                r, c = rows[ex], cpus[ex]
                r["load"].append(os.getloadavg()[0])
                with quiet(log):
                    wall, cpu_s = floor(empty, spaces[ex])
                r["floor"].append(wall)
                c["floor"].append(cpu_s)
                for jobs in (1, 2):  # cold: --fresh
                    wall, cpu_s, _ = aipo_run(spaces[ex], jobs, log)
                    r[f"jobs{jobs}"].append(wall)
                    c[f"jobs{jobs}"].append(cpu_s)
                # warm: the same run again, nothing changed since the cold one
                wall, cpu_s, _ = aipo_run(spaces[ex], 2, log, fresh=False)
                r["warm"].append(wall)
                c["warm"].append(cpu_s)
                print(f"  rep {rep + 1} {ex:<24} floor {r['floor'][-1]:5.2f} s  cold: "
                      f"jobs 1 {r['jobs1'][-1]:6.2f} s  jobs 2 {r['jobs2'][-1]:6.2f} s  warm: "
                      f"jobs 2 {r['warm'][-1]:6.2f} s  (load {r['load'][-1]:.1f})", flush=True)

        med = statistics.median
        verdicts: dict[str, tuple[bool, bool, bool]] = {}
        print()
        print("wall time, medians (in brackets: medians of the per-repetition ratios); cold = "
              "--fresh, warm = --jobs 2 again with nothing changed")
        print(f"{'example':<24} {'floor':>7} {'cold j1':>8} {'cold j2':>8} {'warm j2':>8} "
              f"{'j1/floor':>9} {'j2/floor':>9} {'j1/j2':>6} {'warm/fl':>8}   {'load':>5}")
        for ex, r in rows.items():
            f, j1, j2, w = med(r["floor"]), med(r["jobs1"]), med(r["jobs2"]), med(r["warm"])

            def ratio(a: str, b: str, r: dict = r) -> float:
                return med(x / y for x, y in zip(r[a], r[b], strict=True))

            rf1, rf2, sp, rw = (ratio("jobs1", "floor"), ratio("jobs2", "floor"),
                                ratio("jobs1", "jobs2"), ratio("warm", "floor"))
            print(f"{ex:<24} {f:6.2f}s {j1:7.2f}s {j2:7.2f}s {w:7.2f}s {j1 / f:8.2f}x "
                  f"{j2 / f:8.2f}x {j1 / j2:5.2f}x {w / f:7.2f}x   {med(r['load']):5.1f}")
            print(f"{'':<24} {'':>7} {'':>8} {'':>8} {'':>8} {f'[{rf1:.2f}]':>9} "
                  f"{f'[{rf2:.2f}]':>9} {f'[{sp:.2f}]':>6} {f'[{rw:.2f}]':>8}")
            verdicts[ex] = (rf2 <= TARGET_FLOOR, sp >= TARGET_SPEEDUP, rw <= TARGET_WARM)
        print()
        print("CPU time (this process and the kernels, user + system), medians")
        print(f"{'example':<24} {'floor':>7} {'cold j1':>8} {'cold j2':>8} {'warm j2':>8} "
              f"{'j1/floor':>9} {'j2/floor':>9} {'warm/fl':>8}")
        for ex, c in cpus.items():
            f, j1, j2, w = med(c["floor"]), med(c["jobs1"]), med(c["jobs2"]), med(c["warm"])
            print(f"{ex:<24} {f:6.2f}s {j1:7.2f}s {j2:7.2f}s {w:7.2f}s {j1 / f:8.2f}x "
                  f"{j2 / f:8.2f}x {w / f:7.2f}x")
        print()
        print(f"targets (checked on the medians of the per-repetition ratios, which see the same "
              f"load): cold --jobs 2 <= {TARGET_FLOOR}x the floor (the default on 2 cores and "
              f"how CI and 'make demo' run it); cold --jobs 2 >= {TARGET_SPEEDUP}x faster than "
              f"cold --jobs 1; warm --jobs 2 <= {TARGET_WARM}x the floor")
        word = {True: "met", False: "MISSED"}
        for ex, (floor_ok, speed_ok, warm_ok) in verdicts.items():
            print(f"  {ex:<24} cold/floor: {word[floor_ok]}; speed-up: {word[speed_ok]}; "
                  f"warm/floor: {word[warm_ok]}")
        ok = all(all(v) for v in verdicts.values())
        print(f"load average (1, 5, 15 min) at end: {load()}")

        if args.profile:
            for ex in examples:
                profile(spaces[ex], scratch, empty, args.profile_repeat, log)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
