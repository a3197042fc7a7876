"""``aipo run``: execute a workspace's phase notebooks headlessly, collect gates, write reports.

Each phase notebook in ``notebooks/`` is executed with Papermill (in this process, the kernel in
its own), with the workspace path and the given parameters injected. A run writes
``reports/<run-id>/``: the executed notebooks, their offline HTML, ``results.json`` (every gate
and key figure) and ``summary.md``; ``reports/latest`` points to the newest run, and the run is
added to ``reports/ledger.sqlite``.

Exit codes: 0 when no gate failed (warnings pass unless strict), 1 when a gate failed, 2 for a
usage or workspace error (nothing is run), 3 when a notebook raised (its executed notebook is
kept with the error cell, and the other phases still run).

Where the time goes, and what the runner does about it (``benchmarks/bench_run.py`` measures it):

* a phase's kernel is stopped at once when its last cell has finished (Papermill's graceful
  shutdown made a kernel that had imported pandas, matplotlib and scikit-learn tear its modules
  down for about a second of CPU, four times a run); every output has arrived by then;
* the HTML export runs in a thread of its own, so the next phase's kernel starts meanwhile;
* kernels talk to the runner over Unix sockets in a private folder (IPC transport), not TCP:
  no port is open to other users of the machine, and ipykernel 7 has no plain-text warning
  to print for each kernel (POSIX only; elsewhere Papermill's TCP default stays);
* with ``jobs`` > 1 the phases start longest first (their durations in the previous run), so a
  long phase does not start last and leave the other workers idle;
* the expensive analyses (source reads, PII scans, the business case's Monte Carlo, pilot
  analyses) are kept in the workspace's cache, ``reports/cache``, by the hash of their inputs
  (:mod:`aipo_widgets.model.cache`): a run reuses what is unchanged, says so per phase and per
  gate, and ``fresh`` recomputes everything. The kernels learn the run's id and ``fresh`` from
  their environment.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import secrets
import shutil
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from aipo_widgets._text import format_number, git_commit, suggest
from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.evidence import VERDICTS
from aipo_widgets.figures.problems import PhaseProblems, count_text, problems, problems_markdown
from aipo_widgets.figures.units import figure_units, format_threshold, format_value, gate_unit
from aipo_widgets.figures.verdict import provenance_text, verdict_markdown
from aipo_widgets.gates.verdict import overall_verdict, supersede
from aipo_widgets.model.atomic import atomic_write_text, clean_leftovers
from aipo_widgets.model.cache import ENV_FRESH, ENV_RUN
from aipo_widgets.model.workspace import load
from aipo_widgets.pipeline.kernels import kernel_environment, kernel_options
from aipo_widgets.pipeline.report import LEAD_PLACEHOLDER, fill_lead, notebook_to_html, phase_lead
from aipo_widgets.resources import notebook_templates
from aipo_widgets.runs.ledger import Ledger
from aipo_widgets.runs.results import (
    latest_run,
    read_results,
    run_problems,
    with_earlier_phases,
)

EXIT_OK, EXIT_GATE_FAILED, EXIT_USAGE, EXIT_NOTEBOOK_RAISED = 0, 1, 2, 3

_PHASE_FILE = re.compile(r"^(\d+)_([a-z0-9_]+)\.ipynb$")


@dataclass
class PhaseResult:
    """What one phase notebook produced."""

    phase: str
    notebook: str
    status: str = "ok"  # ok | error
    verdict: str = "pass"
    seconds: float = 0.0
    gates: list[dict] = field(default_factory=list)
    figures: dict[str, Any] = field(default_factory=dict)
    html: str = ""
    html_bytes: int = 0
    error: str = ""
    error_cell: int | None = None
    # The analyses the phase asked the workspace's cache for: kind, label, reused, run, why.
    cache: list[dict] = field(default_factory=list)

    def cache_line(self) -> str:
        """Say in a line what the phase reused (from which runs) and what it computed.

        Examples
        --------
        >>> PhaseResult("discovery", "01_discovery.ipynb", cache=[
        ...     {"label": "PII scan of tickets", "reused": True, "run": "r1"},
        ...     {"label": "PII scan of pilot", "reused": True, "run": "r1"},
        ...     {"label": "IRR of the cash flows", "reused": False, "why": "new inputs"},
        ...     {"label": "IRR of the cash flows", "reused": False, "why": "new inputs"},
        ...     {"label": "IRR of the cash flows", "reused": False, "why": "this run"},
        ... ]).cache_line()
        'reused from run r1: PII scan of tickets, pilot; computed: IRR of the cash flows (x2)'

        A result this run computed and then asked for again (``why`` "this run") is counted
        neither as reuse nor as another computation.
        """
        reused = [u for u in self.cache if u.get("reused")]
        computed = [u for u in self.cache if not u.get("reused") and u.get("why") != "this run"]
        parts = []
        for run in dict.fromkeys(u.get("run") or "" for u in reused):
            origin = f"run {run}" if run else "a notebook session"
            parts.append(f"reused from {origin}: "
                         + _labels([u["label"] for u in reused if (u.get("run") or "") == run]))
        if computed:
            parts.append("computed: " + _labels([u["label"] for u in computed]))
        return "; ".join(parts) or "no cached analysis"


def _labels(labels: list[str]) -> str:
    """Join labels, naming a shared "X of" once and counting repeats: "PII scan of a, b"."""
    out: list[str] = []
    last = ""
    counts = {label: labels.count(label) for label in labels}
    for label in counts:
        if counts[label] > 1:
            label = f"{label} (x{counts[label]})"
        head, sep, tail = label.partition(" of ")
        if sep and head == last:
            out[-1] += f", {tail}"
            continue
        out.append(label)
        last = head if sep else ""
    return ", ".join(out)


@dataclass
class RunResult:
    """What one ``aipo run`` produced."""

    id: str
    folder: str
    started: str
    finished: str = ""
    exit_code: int = 0
    verdict: str = "pass"
    strict: bool = False
    git_commit: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    phases: list[PhaseResult] = field(default_factory=list)
    # Gates about the run itself rather than one phase (a kit phase notebook that is missing);
    # their "phase" is "workspace".
    gates: list[dict] = field(default_factory=list)
    # The product's one verdict after this run (gates.verdict.overall_verdict over this run and
    # the phases it did not run, from earlier runs), as every surface shows it.
    product_verdict: dict[str, Any] | None = None
    # Whether every analysis was recomputed (--fresh), none reused from reports/cache.
    fresh: bool = False

    def to_dict(self) -> dict:
        """Return the ``results.json`` payload."""
        return asdict(self)

    @property
    def failed_gates(self) -> list[dict]:
        """The gates with verdict fail (or warn too, in strict mode)."""
        bad = {"fail", "warn"} if self.strict else {"fail"}
        every = [*self.gates, *(g for ph in self.phases for g in ph.gates)]
        return [g for g in every if g["verdict"] in bad]


def phase_notebooks(folder: Path) -> dict[str, Path]:
    """Return the workspace's phase notebooks by phase name, in order.

    ``notebooks/01_discovery.ipynb`` is the phase ``discovery``.
    """
    found: dict[str, Path] = {}
    nb_dir = folder / "notebooks"
    if nb_dir.is_dir():
        for path in sorted(nb_dir.iterdir()):
            m = _PHASE_FILE.match(path.name)
            if m:
                found[m.group(2)] = path
    return found


def missing_kit_phases(folder: Path, available: dict[str, Path]) -> dict | None:
    """Return a warn gate when the workspace lacks one of the kit's phase notebooks, else None.

    The kit's phases are its notebook templates (discovery, experiments, rollout, operate).
    A deleted ``03_rollout.ipynb`` would otherwise only make the run one phase shorter, and the
    go / no-go gate would drop out of CI without a word.

    Parameters
    ----------
    folder : pathlib.Path
        The workspace folder.
    available : dict
        The workspace's phase notebooks, as :func:`phase_notebooks` returns them.

    Returns
    -------
    dict or None
        The gate (phase ``workspace``), with how to copy the missing templates back.
    """
    import shlex

    kit = {m.group(2): t for t in notebook_templates() if (m := _PHASE_FILE.match(t.name))}
    missing = [t for phase, t in kit.items() if phase not in available]
    if not missing:
        return None
    names = ", ".join(f"notebooks/{t.name}" for t in missing)
    copy = " ".join(shlex.quote(str(p)) for p in [*missing, folder / "notebooks"])
    what = ("is missing, so its phase", "template") if len(missing) == 1 else (
        "are missing, so their phases", "templates")
    return {"name": "kit phase notebooks present", "verdict": "warn", "phase": "workspace",
            "figure": len(kit) - len(missing), "threshold": f"all {len(kit)}",
            "detail": f"{names} {what[0]} and gates did not run; copy the kit's {what[1]} back "
                      f"('aipo init' writes them into new workspaces): cp {copy}"}


def select_phases(available: dict[str, Path], wanted: Sequence[str]) -> dict[str, Path]:
    """Pick phases by name (``discovery``) or file stem (``01_discovery``), keeping their order."""
    if not wanted:
        return dict(available)
    by_key = {**available, **{p.stem: p for p in available.values()}}
    unknown = [w for w in wanted if w not in by_key]
    if unknown:
        raise UsageError([Problem(
            f"no phase notebook '{w}' in notebooks/", path="--phase",
            fix=f"choose from: {', '.join(available) or 'none (run aipo init first)'}",
        ) for w in unknown])
    chosen = {by_key[w] for w in wanted}
    return {name: path for name, path in available.items() if path in chosen}


def parse_parameters(pairs: Sequence[str]) -> dict[str, str]:
    """Parse ``-p key=value`` pairs into text; :func:`check_parameters` gives them their types.

    Examples
    --------
    >>> parse_parameters(["n_boot=200", "as_of=2026-11-26", "name=x y"])
    {'n_boot': '200', 'as_of': '2026-11-26', 'name': 'x y'}
    """
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key.isidentifier():
            raise UsageError([Problem(f"'{pair}' is not key=value", path="-p",
                                      fix="write e.g. -p as_of=2026-11-26")])
        out[key] = raw
    return out


# A parameter holds a date when its help or its name says so (the templates' as_of:
# ``as_of: str = ""  # the assessment date, YYYY-MM-DD; empty: today``).
_DATE_HELP = re.compile(r"\bdates?\b|YYYY-MM-DD", re.IGNORECASE)
_TRUTH = {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}
_EXPECTED = {"int": "a whole number (int)", "float": "a number (float)",
             "bool": "true or false (bool)", "str": "text (str)"}


def check_parameters(notebooks: Iterable[Path], given: dict[str, Any]) -> dict[str, Any]:
    """Check ``-p`` parameters against what the notebooks declare, and give them those types.

    A phase notebook declares its parameters in its ``parameters`` cell, one a line, as
    ``name: type = default  # help``. Papermill would pass an undeclared name on with only a
    log line, and a value of the wrong type would make the notebook raise halfway through; both
    are caught here, before anything runs.

    Parameters
    ----------
    notebooks : iterable of pathlib.Path
        The phase notebooks the run executes.
    given : dict
        Parameter name to value: text from the command line (``"2000"``), or a value of the
        declared type from Python (``2000``).

    Returns
    -------
    dict
        The parameters with their declared types: int, float, bool or str; a date parameter
        (its help or name says date) stays an ISO string, checked to be one. Parameters
        declared without a type are typed as they read (numbers, true/false, else text).

    Raises
    ------
    aipo_widgets.errors.UsageError
        One problem per unknown name (with the closest known ones) or value of the wrong type.

    Examples
    --------
    >>> from aipo_widgets.resources import notebook_templates
    >>> check_parameters(notebook_templates(), {"n_boot": "2000", "as_of": "2026-11-26"})
    {'n_boot': 2000, 'as_of': '2026-11-26'}
    """
    import papermill

    declared: dict[str, tuple[dict, Path]] = {}
    complete = True
    for path in notebooks:
        try:
            found = papermill.inspect_notebook(str(path))
        except Exception:  # not a notebook, say: its phase will report that as its error
            complete = False
            continue
        for name, spec in found.items():
            declared.setdefault(name, (spec, path))
    known = ", ".join(sorted(declared)) or "none (no notebook has a 'parameters' cell)"
    problems, out = [], {}
    for name, value in given.items():
        if name not in declared:
            if complete:
                close = suggest(name, declared, n=3, listed=0)
                hint = close + " " if close.startswith("did you mean") else ""
                problems.append(Problem(
                    f"no phase notebook of this run has a parameter '{name}'", path=f"-p {name}",
                    fix=f"{hint}the notebooks' parameters are: {known}"))
            else:
                out[name] = _scalar(value) if isinstance(value, str) else value
            continue
        spec, path = declared[name]
        try:
            out[name] = _typed(value, spec)
        except ValueError as exc:
            declaration = f"{name}: {spec['inferred_type_name']} = {spec['default']}"
            if spec.get("help"):
                declaration += f"  # {spec['help']}"
            problems.append(Problem(
                f"expected {exc}, got {value!r}", path=f"-p {name}",
                fix=f"{path.name} declares {declaration}"))
    if problems:
        raise UsageError(problems)
    return out


def _typed(value: Any, spec: dict) -> Any:
    """Return ``value`` as the parameter's declared type; ValueError says what was expected."""
    kind = spec["inferred_type_name"]
    if kind in ("int", "float", "bool"):
        return _number_or_truth(value, kind)
    if kind == "str":
        if isinstance(value, dt.date):
            value = value.isoformat()
        if not isinstance(value, str):
            raise ValueError(_EXPECTED["str"])
    elif isinstance(value, str):  # declared without a type (or as a list, ...): read as written
        value = _scalar(value)
    says_date = _DATE_HELP.search(spec.get("help", "")) or "date" in spec["name"].split("_")
    if says_date and isinstance(value, str) and value:  # empty: the notebook's default
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            raise ValueError("a date written YYYY-MM-DD") from None
    return value


def _number_or_truth(value: Any, kind: str) -> int | float | bool:
    if kind == "bool":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in _TRUTH:
            return _TRUTH[value.lower()]
    elif isinstance(value, str):
        with contextlib.suppress(ValueError):
            return int(value) if kind == "int" else float(value)
    elif not isinstance(value, bool) and isinstance(value, int if kind == "int" else (int, float)):
        return value if kind == "int" else float(value)
    raise ValueError(_EXPECTED[kind])


def _scalar(raw: str) -> Any:
    """Type text as it reads: true/false, none, a number, else the text itself."""
    low = raw.lower()
    if low in ("true", "yes"):
        return True
    if low in ("false", "no"):
        return False
    if low in ("null", "none", "~"):
        return None
    for cast in (int, float):
        with contextlib.suppress(ValueError):
            return cast(raw)
    return raw


def _new_run_id(now: dt.datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(2)


def _run_phase(name: str, source: Path, out_dir: Path,
               parameters: dict[str, Any]) -> tuple[PhaseResult, Any]:
    """Execute one phase notebook; return its result and the executed notebook (or None)."""
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    output = out_dir / source.name
    result = PhaseResult(phase=name, notebook=output.name)
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(source), str(output), parameters=parameters,
            # The kernel starts in the notebook's folder. Not Papermill's ``cwd=``: it changes
            # the folder of the whole process, which phases running in threads would race for
            # (one of them restoring another's folder as the process's).
            resources={"metadata": {"path": str(source.parent)}},
            progress_bar=False, log_output=False, kernel_name="python3",
            # Every cell has finished and every output arrived when the kernel is stopped: a
            # graceful shutdown would only make it tear down its modules (about 1 s of CPU).
            shutdown_kernel="immediate", **kernel_options(),
        )
    except PapermillExecutionError as exc:
        result.status = "error"
        result.error = f"{exc.ename}: {exc.evalue}"
        result.error_cell = exc.exec_count
    except Exception as exc:  # a kernel that died, a notebook that is not JSON, ...
        result.status = "error"
        result.error = f"{type(exc).__name__}: {exc}"
    result.seconds = round(time.perf_counter() - started, 2)
    nb = None
    if output.exists():
        nb = nbformat.read(output, as_version=4)
        for payload in read_results(nb):
            result.gates.extend(payload.get("gates", []))
            result.figures.update(payload.get("figures", {}))
            result.cache.extend(payload.get("cache", []))
    for g in result.gates:
        g.setdefault("phase", name)
    ranks = [VERDICTS.index(g["verdict"]) for g in result.gates if g["verdict"] in VERDICTS]
    result.verdict = VERDICTS[max(ranks)] if ranks else "pass"
    if result.status == "error":
        result.verdict = "fail"
    return result, nb


def _export_html(result: PhaseResult, nb: Any, source: Path, out_dir: Path,
                 show_code: bool) -> None:
    """Write the phase's offline HTML page beside its executed notebook."""
    html = notebook_to_html(nb, show_code=show_code, title=f"{result.phase} — {source.stem}",
                            lead=LEAD_PLACEHOLDER)
    html_path = out_dir / (source.stem + ".html")
    atomic_write_text(html_path, html)
    result.html = html_path.name
    result.html_bytes = len(html.encode("utf-8"))


def _longest_first(chosen: dict[str, Path], root: Path) -> list[tuple[str, Path]]:
    """Order phases by their duration in the previous run, longest first (unknown first).

    With fewer workers than phases, starting the longest phase last leaves the other workers
    idle at the end (longest-processing-time-first scheduling).
    """
    previous: dict[str, float] = {}
    with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
        last = latest_run(root)
        previous = {ph["phase"]: float(ph["seconds"]) for ph in (last or {}).get("phases", [])}
    items = list(chosen.items())
    return sorted(items, key=lambda item: -previous.get(item[0], float("inf")))


def _cores() -> int:
    """CPU cores this process may use (a container's or ``taskset``'s limit, not the host's)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # macOS, Windows
        return os.cpu_count() or 1


def run_workspace(
    folder: str | os.PathLike,
    *,
    phases: Sequence[str] = (),
    parameters: dict[str, Any] | None = None,
    jobs: int | None = 1,
    strict: bool = False,
    show_code: bool = False,
    fresh: bool = False,
    progress: Callable[[str], None] | None = None,
) -> RunResult:
    """Execute a workspace's phase notebooks and write the run's reports.

    Parameters
    ----------
    folder : path
        The workspace folder.
    phases : sequence of str
        Phases to run (names or file stems); all by default.
    parameters : dict
        Extra parameters for every notebook (``-p key=value``): each must be declared by one of
        the notebooks run, its value text or of the declared type (see
        :func:`check_parameters`).
    jobs : int or None, default 1
        Phases run at once (phases are independent: each reads the workspace and its data);
        None runs one per CPU core available to this process, at most one per phase.
    strict : bool, default False
        Warnings count as failures.
    show_code : bool, default False
        Keep code cells in the HTML.
    fresh : bool, default False
        Recompute every analysis; by default one whose inputs are unchanged since an earlier
        run is reused from ``reports/cache`` (and its gates say so).
    progress : callable, optional
        Called with a line of progress text per phase.

    Returns
    -------
    RunResult
        Also written to ``reports/<run-id>/results.json``.

    Raises
    ------
    aipo_widgets.errors.AipoError
        For a usage or workspace error; nothing is run then.
    """
    wf = load(folder)  # a broken workspace stops here, before any notebook runs
    root = wf.folder.resolve()
    # What a killed save or run left behind: temporary files beside aipo.yaml, run folders
    # without results (marked as such).
    clean_leftovers(root)
    mark_interrupted_runs(root / "reports")
    available = phase_notebooks(root)
    if not available:
        raise UsageError([Problem(f"no phase notebooks in {root / 'notebooks'}",
                                  fix="create the workspace with 'aipo init' or copy the "
                                      "kit's templates into notebooks/")])
    chosen = select_phases(available, phases)
    # Only a run of every phase can miss one; --phase chose which to run.
    missing = None if phases else missing_kit_phases(root, available)
    # A misspelt or mistyped -p stops here: papermill would ignore the one and the notebook
    # raise on the other, halfway through the run.
    parameters = check_parameters(chosen.values(), parameters) if parameters else {}
    if jobs is None:
        jobs = max(1, min(len(chosen), _cores()))
    if jobs < 1:
        raise UsageError([Problem(f"--jobs must be at least 1, got {jobs}", path="--jobs",
                                  fix="give 1 or more, or auto")])
    params = {"workspace": str(root), "strict": strict, **parameters}
    # A ledger restored broken (a CI cache) stops the run here, not after its notebooks ran;
    # one that is not there yet is made at the run's end (a usage error above writes nothing).
    if (root / "reports" / "ledger.sqlite").exists():
        Ledger(root / "reports" / "ledger.sqlite").close()

    now = dt.datetime.now(dt.timezone.utc)
    run = RunResult(id=_new_run_id(now), folder=str(root), started=now.isoformat(),
                    strict=strict, git_commit=git_commit(root), parameters=params,
                    gates=[missing] if missing else [], fresh=fresh)
    out_dir = root / "reports" / run.id
    out_dir.mkdir(parents=True)
    (out_dir / RUNNING).write_text(f"{os.getpid()}\n", encoding="utf-8")
    try:
        with kernel_environment({ENV_RUN: run.id, ENV_FRESH: "1" if fresh else ""}):
            _execute(run, wf, root, chosen, out_dir, params, jobs, show_code, strict, progress)
    except BaseException as exc:
        _mark_partial(out_dir, f"the run stopped: {type(exc).__name__}: {exc}")
        raise
    (out_dir / RUNNING).unlink(missing_ok=True)
    return run


#: Beside a run's files while it runs: the process id, to tell a run in progress from a killed
#: one.
RUNNING = ".running"
#: What marks a run folder whose run never finished.
PARTIAL = "PARTIAL.txt"


def _mark_partial(out_dir: Path, why: str) -> None:
    with contextlib.suppress(OSError):
        atomic_write_text(out_dir / PARTIAL, f"This run did not finish; its files are partial and "
                          f"no result was recorded.\n{why}\n")
        (out_dir / RUNNING).unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def mark_interrupted_runs(reports: Path) -> list[Path]:
    """Mark the run folders whose run was killed (no ``results.json``) and return them.

    A run writes :data:`RUNNING` with its process id when it starts and removes it when it
    ends; a folder that still has it while that process is gone was left by ``kill -9`` or a
    crash: it gets :data:`PARTIAL` saying so (readers only take folders with ``results.json``).
    """
    marked = []
    for marker in sorted(reports.glob(f"*/{RUNNING}")) if reports.is_dir() else []:
        try:
            pid = int(marker.read_text(encoding="utf-8").split()[0])
        except (OSError, ValueError, IndexError):
            pid = 0
        if pid and pid != os.getpid() and _alive(pid):
            continue
        if pid == os.getpid():
            continue
        _mark_partial(marker.parent, f"process {pid} ended before the run finished (killed?)")
        marked.append(marker.parent)
    return marked


def _execute(run: RunResult, wf: Any, root: Path, chosen: dict[str, Path], out_dir: Path,
             params: dict[str, Any], jobs: int, show_code: bool, strict: bool,
             progress: Callable[[str], None] | None) -> None:
    """Run the chosen phases into ``out_dir`` and fill ``run`` (see :func:`run_workspace`)."""
    say = progress or (lambda line: None)
    say(f"run {run.id}: {len(chosen)} phase(s), jobs={jobs}"
        + (", fresh (every analysis recomputed)" if run.fresh else ""))

    # The HTML export runs beside the next phase (its kernel starts meanwhile).
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="aipo-html") as exporter:
        exports = []

        def one(item: tuple[str, Path]) -> PhaseResult:
            name, path = item
            res, nb = _run_phase(name, path, out_dir, params)
            if nb is not None:
                exports.append(exporter.submit(_export_html, res, nb, path, out_dir,
                                               show_code))
            mark = "ERROR" if res.status == "error" else res.verdict.upper()
            say(f"  {name:<12} {mark:<5} {res.seconds:6.1f}s  {len(res.gates)} gate(s)"
                + (f"  {res.error}" if res.error else ""))
            if res.cache:
                say(f"  {'':<12} {res.cache_line()}")
            return res

        if jobs == 1 or len(chosen) == 1:
            done = [one(item) for item in chosen.items()]
        else:
            with ThreadPoolExecutor(max_workers=jobs) as pool:
                done = list(pool.map(one, _longest_first(chosen, root)))
        for future in exports:
            future.result()
    by_name = {res.phase: res for res in done}
    run.phases = [by_name[name] for name in chosen]

    run.finished = dt.datetime.now(dt.timezone.utc).isoformat()
    ranks = [VERDICTS.index(v) for v in [p.verdict for p in run.phases]
             + [g["verdict"] for g in run.gates]]
    run.verdict = VERDICTS[max(ranks)] if ranks else "pass"
    if any(p.status == "error" for p in run.phases):
        run.exit_code = EXIT_NOTEBOOK_RAISED
    elif run.failed_gates:
        run.exit_code = EXIT_GATE_FAILED
    else:
        run.exit_code = EXIT_OK

    evidence = with_earlier_phases(root, run.to_dict())
    verdict = overall_verdict(wf.workspace, evidence, strict=strict)
    run.product_verdict = verdict.to_dict()
    shown = {ph["phase"]: ph for ph in (supersede(evidence) or {}).get("phases", [])}
    for ph in run.phases:
        # Each phase's report opens with the product's verdict and the phase's gates.
        if ph.html and (out_dir / ph.html).exists():
            lead = phase_lead(verdict, shown.get(ph.phase, asdict(ph)), run.id)
            ph.html_bytes = fill_lead(out_dir / ph.html, lead)
    # results.json last of the run's files and atomically: a folder without it is no run.
    groups = run_problems(root, run.to_dict())
    atomic_write_text(out_dir / "summary.md",
                      summary_markdown(run, groups, figure_units(wf.workspace)))
    atomic_write_text(out_dir / "results.json", json.dumps(run.to_dict(), indent=2) + "\n")
    _point_latest(root / "reports", run.id)
    with Ledger(root / "reports" / "ledger.sqlite") as ledger:
        ledger.add_run(_ledger_payload(run))


def _ledger_payload(run: RunResult) -> dict:
    d = run.to_dict()
    for ph in d["phases"]:
        ph["notebook"] = ph["notebook"]
    return d


def _point_latest(reports: Path, run_id: str) -> None:
    latest = reports / "latest"
    tmp = reports / f".latest-{run_id}"
    try:
        if tmp.is_symlink() or tmp.exists():
            tmp.unlink()
        tmp.symlink_to(run_id, target_is_directory=True)
        os.replace(tmp, latest)
    except OSError:
        # No symlinks here (some Windows setups): a plain file naming the run does the job.
        if latest.is_dir() and not latest.is_symlink():
            shutil.rmtree(latest)
        atomic_write_text(reports / "latest.txt", run_id + "\n")


def summary_markdown(run: RunResult, groups: Sequence[PhaseProblems] | None = None,
                     units: dict[str, str] | None = None) -> str:
    """Return the ``summary.md`` of a run: its verdict, every failure and warning, its phases.

    Parameters
    ----------
    run : RunResult
        The run.
    groups : list of PhaseProblems, optional
        Its failures and warnings (:func:`aipo_widgets.runs.results.run_problems`, which leaves
        out what a later phase measured again); default: every gate that did not pass.
    units : dict, optional
        Units by figure name (:func:`aipo_widgets.figures.units.figure_units`).
    """
    if groups is None:
        groups = problems(run.to_dict())
    lines = [f"# Run {run.id}", ""]
    if run.product_verdict:
        # The product's one verdict first, as every other surface opens with it.
        lines += [verdict_markdown(run.product_verdict), ""]
    fails, warns = sum(g.failures for g in groups), sum(g.warnings for g in groups)
    lines += [f"- workspace: `{run.folder}`",
              f"- gates at worst: **{run.verdict.upper()}** (exit code {run.exit_code}); "
              f"not passing: {count_text(fails, warns)}",
              f"- git commit: {run.git_commit or 'none'}",
              f"- strict: {'yes, warnings fail the run' if run.strict else 'no'}", ""]
    errors = [p for p in run.phases if p.status == "error"]
    if errors:
        lines += ["## Notebooks that raised", ""]
        for p in errors:
            cell = f" in cell [{p.error_cell}]" if p.error_cell is not None else ""
            lines.append(f"- `{p.notebook}`{cell}: {p.error} (executed notebook kept: "
                         f"`{p.notebook}`, page `{p.html}`)")
        lines.append("")
    lines += ["## Failures and warnings", ""]
    links = {p.phase: p.html for p in run.phases if p.html}
    lines += [problems_markdown(groups, units=units, report_link=links, level=3)]
    lines += ["## Phases", "", "| phase | verdict | gates | seconds | report |",
              "| --- | --- | ---: | ---: | --- |"]
    for p in run.phases:
        mark = "error" if p.status == "error" else p.verdict
        lines.append(f"| {p.phase} | {mark} | {len(p.gates)} | {format_number(p.seconds)} | "
                     f"{p.html} |")
    cached = [p for p in run.phases if p.cache]
    if cached:
        lines += ["", "## Analyses reused or computed (reports/cache)", ""]
        lines += [f"- {p.phase}: {p.cache_line()}" for p in cached]
    return "\n".join(lines) + "\n"


def gate_line(gate: dict, run: str = "", units: dict[str, str] | None = None) -> str:
    """Return a gate as one line for people: its name, figure and threshold, and why.

    The figure and threshold are left out when the gate has none (a file that could not be
    read has no figure); where the figure came from follows it (measured where, over which
    window and rows, in which run; typed in ``aipo.yaml``; carried from a run; missing), and
    the detail, which says what to fix, comes last.

    Parameters
    ----------
    gate : dict
        The gate as ``results.json`` holds it.
    run : str
        The run the gate was recorded in (a measured figure names it).
    units : dict, optional
        Units by metric (:func:`aipo_widgets.figures.units.figure_units`): the figure and
        threshold of a gate that reads a metric (``extra.metric``) are shown in its unit.

    Examples
    --------
    >>> gate_line({"name": "correct", "verdict": "warn", "figure": 0.874, "threshold": ">= 0.9",
    ...            "extra": {"metric": "correct_share"}}, units={"correct_share": "share"})
    'correct (figure 87.4%, threshold >= 90%)'
    >>> gate_line({"name": "recall", "verdict": "fail", "figure": 0.8123, "threshold": ">= 0.85",
    ...            "detail": "3 of 16 missed"})
    'recall (figure 0.812, threshold >= 0.85): 3 of 16 missed'
    >>> gate_line({"name": "data source tickets readable", "verdict": "fail", "figure": None,
    ...            "threshold": None, "detail": "data/ticket.csv does not exist"})
    'data source tickets readable: data/ticket.csv does not exist'
    >>> gate_line({"name": "drift", "verdict": "pass", "figure": 0.02, "provenance": {
    ...     "kind": "measured", "source": "sensor_log", "start": "2026-11-01",
    ...     "end": "2026-11-30", "rows": 17400}}, "r7")
    'drift (figure 0.02; measured: sensor_log, 2026-11-01 to 2026-11-30, 17,400 rows, run r7)'
    """
    unit = gate_unit(gate, units or {})
    measured = [f"figure {format_value(gate['figure'], unit)}"] if gate.get(
        "figure") is not None else []
    if gate.get("threshold") is not None:
        measured.append(f"threshold {format_threshold(gate['threshold'], unit)}")
    said = ", ".join(measured)
    where = provenance_text(gate.get("provenance"), run)
    if where:
        said = f"{said}; {where}" if said else where
    text = gate["name"] + (f" ({said})" if said else "")
    return text + (f": {gate['detail']}" if gate.get("detail") else "")


def main_progress(line: str) -> None:
    """Print a progress line to stderr (what the CLI passes as ``progress``)."""
    print(line, file=sys.stderr, flush=True)
