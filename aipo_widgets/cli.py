"""The ``aipo`` command: make, check and describe AI product workspaces.

Every error a person can cause is printed as one line per problem (file, line, column, field,
fix) without a traceback, and the command exits with status 2. Later commands (run, status,
serve, docs, report) plug into the same parser.

Examples
--------
>>> main(["schema", "--help"])  # doctest: +SKIP
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from aipo_widgets import __version__
from aipo_widgets._text import suggest
from aipo_widgets.analysis.compliance import art9_problems, check_answers, classify_workspace
from aipo_widgets.analysis.formula_checks import formula_problems
from aipo_widgets.analysis.monitored import unmeasurable
from aipo_widgets.analysis.sources import missing_files
from aipo_widgets.documents.output import completeness_table, write_documents
from aipo_widgets.documents.render import render_folder
from aipo_widgets.documents.signing import governance, resolve_artefact, signed_contents
from aipo_widgets.errors import AipoError, Problem, UsageError, WorkspaceError
from aipo_widgets.examples import EXAMPLES, write_example
from aipo_widgets.figures.card import card_text, card_units, decision_card
from aipo_widgets.figures.problems import problems_text
from aipo_widgets.figures.timeline import timeline_text
from aipo_widgets.figures.units import figure_units
from aipo_widgets.figures.verdict import verdict_text
from aipo_widgets.model.artefacts import parse_artefact
from aipo_widgets.model.atomic import atomic_write, atomic_write_text
from aipo_widgets.model.cache import ignore_in_git
from aipo_widgets.model.schema import json_schema
from aipo_widgets.model.signoffs import ROLE_LABELS, ROLES, SignOff, role_from_text
from aipo_widgets.model.source_access import FORMATS
from aipo_widgets.model.source_columns import ROLE_FIELDS
from aipo_widgets.model.workspace import load, resolve
from aipo_widgets.pipeline.ci import kit_requirement, workflow_text
from aipo_widgets.pipeline.github import report_to_github
from aipo_widgets.pipeline.guided import SOURCE_ROLES as _SOURCE_ROLES
from aipo_widgets.pipeline.guided import add_source, ask_start
from aipo_widgets.pipeline.notify import deliveries_text, last_failures, notify
from aipo_widgets.pipeline.report import export_page
from aipo_widgets.pipeline.runner import (
    main_progress,
    parse_parameters,
    run_workspace,
)
from aipo_widgets.pipeline.serve import plan, serve
from aipo_widgets.pipeline.status_text import gate_lines, problem_lines, trend_lines
from aipo_widgets.resources import notebook_templates
from aipo_widgets.runs.results import (
    latest_evidence,
    latest_run,
    product_verdict,
    run_problems,
)

EXIT_OK = 0
EXIT_USAGE = 2
# What a shell reports for a command stopped by SIGPIPE (128 + 13): the output was cut short,
# which none of the other exit codes means (1 would read as "a gate failed" for aipo run).
EXIT_BROKEN_PIPE = 141
# A fault of the kit itself: the command could not complete, as when a phase notebook raised
# (aipo run's 3). Never 1, which aipo run uses for "a gate failed": CI must not read a crash
# as a verdict.
EXIT_CRASH = 3


class _Parser(argparse.ArgumentParser):
    """An argparse parser whose usage errors say how to get help."""

    def error(self, message: str) -> NoReturn:  # pragma: no cover - exercised through main()
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n"
                              f"Run '{self.prog} --help' for the options.\n")


# --------------------------------------------------------------------------------------------
# commands


def _cmd_init(args: argparse.Namespace) -> int:

    target = Path(args.dir)
    guided = args.interactive or any(getattr(args, k) is not None for k in _GUIDED_FLAGS)
    if args.example not in EXAMPLES:
        raise UsageError([Problem(
            f"unknown example '{args.example}'", path="--example",
            fix=f"choose one of: {', '.join(EXAMPLES)}",
        )])
    if target.exists() and not target.is_dir():
        raise UsageError([Problem(f"{target} exists and is not a folder", file=str(target),
                                  fix="choose a new folder name")])
    if guided:
        # A guided start may go where the person's data already is; it never overwrites.
        taken = [p for p in (target / "aipo.yaml", target / "notebooks", target / ".github")
                 if p.exists()]
        if taken:
            raise UsageError([Problem(
                f"{taken[0]} exists; nothing was written", file=str(taken[0]),
                fix="choose a new folder, or add sources to the workspace there with "
                    "'aipo add source'")])
    elif target.is_dir() and any(target.iterdir()):
        raise UsageError([Problem(
            f"{target} is not empty; nothing was written", file=str(target),
            fix="choose a new or empty folder, so nothing of yours is overwritten",
        )])
    answers = ask_start({k: getattr(args, k) for k in _GUIDED_FLAGS}, folder=target.resolve()) \
        if guided else None
    created: list[Path] = [p for p in (target, *(target / s for s in ("data", "reports")))
                           if not p.exists()]
    created += [target / "notebooks", target / ".github", target / "aipo.yaml"]
    try:
        target.mkdir(parents=True, exist_ok=True)
        for sub in ("data", "notebooks", "reports"):
            (target / sub).mkdir(exist_ok=sub != "notebooks")
        if answers is None:
            written = write_example(args.example, target)
        else:
            atomic_write_text(target / "aipo.yaml", answers.text())
            written = [target / "aipo.yaml"]
        for nb in notebook_templates():
            dest = target / "notebooks" / nb.name
            dest.write_bytes(nb.read_bytes())
            written.append(dest)
        workflow = target / ".github" / "workflows" / "aipo.yml"
        workflow.parent.mkdir(parents=True)
        requirement = kit_requirement()
        workflow.write_text(workflow_text(requirement), encoding="utf-8")
        written.append(workflow)
        if not (target / ".gitignore").exists():
            created.append(target / ".gitignore")
        written.append(ignore_in_git(target))  # the cache copies the sources' rows
        if answers is not None and answers.source:
            print(f"\nInspecting {answers.source}...")
            add_source(target, answers.source_id, answers.source,
                       engine="postgres" if answers.source.startswith("postgres") else "duckdb",
                       role=answers.source_role)
    except BaseException:
        # A half-made workspace is worse than none: take back what this call made, and only
        # that (a guided start may stand beside the person's own files).
        for path in reversed(created):
            _remove_tree(path, keep_root=False) if path.is_dir() else path.unlink(
                missing_ok=True)
        raise
    what = "your answers" if answers is not None else f"example '{args.example}'"
    print(f"Created workspace {target} from {what} ({len(written)} files).")
    print(f"CI: {workflow.relative_to(target)} installs {requirement!r} (AIPO_KIT in the file: "
          "change it if you install the kit from elsewhere).")
    print(f"Next: aipo validate {target}")
    return EXIT_OK


_GUIDED_FLAGS = ("name", "owner", "role", "start_date", "source", "source_id", "source_role")


def _cmd_add_source(args: argparse.Namespace) -> int:
    if args.table and args.query:
        raise UsageError([Problem("--table and --query both given", path="--query",
                                  fix="read a table or a query, not both")])
    engine = args.engine or ("postgres" if args.location.startswith(("postgresql://",
                                                                    "postgres://"))
                             else "duckdb")
    add_source(args.dir, args.name, args.location, engine=engine, table=args.table or "",
               query=args.query or "", password_env=args.password_env or "",
               file_format=args.format, role=args.role, title=args.title or "",
               maps=args.map or (), dry_run=args.dry_run)
    return EXIT_OK


def _remove_tree(root: Path, *, keep_root: bool) -> None:
    import shutil

    if not root.exists():
        return
    if keep_root:
        for child in root.iterdir():
            if child.is_dir():
                shutil.rmtree(child, ignore_errors=True)
            else:
                child.unlink(missing_ok=True)
    else:
        shutil.rmtree(root, ignore_errors=True)


def _cmd_validate(args: argparse.Namespace) -> int:

    try:
        wf = load(args.path)
    except WorkspaceError as exc:
        if args.json:
            print(json.dumps({"valid": False, "problems": [p.to_dict() for p in exc.problems]},
                             indent=2))
            return EXIT_USAGE
        raise
    ws = wf.workspace
    # The questionnaire's answers are free-form in the schema: the rulebook checks their ids,
    # values and contradictions here, with the line of each answer.
    answer_problems = wf.locate(check_answers(ws.compliance, ws.data_map))
    # Every formula parsed and its names resolved now, rather than failing inside a phase.
    answer_problems += wf.locate(formula_problems(ws))
    if answer_problems:
        if args.json:
            print(json.dumps({"valid": False, "file": str(wf.path),
                              "problems": [p.to_dict() for p in answer_problems]}, indent=2))
            return EXIT_USAGE
        raise WorkspaceError(answer_problems)

    warnings = wf.locate(missing_files(wf.folder, ws.data_map.sources))
    # Special categories (GDPR Art 9) without their condition, a risk or a DPIA: valid, but said.
    warnings += wf.locate(art9_problems(classify_workspace(ws).gdpr))
    # An alert rule or kill-switch condition no declared source can measure would only ever
    # warn 'not measured' in the operate phase: valid, but said now.
    warnings += wf.locate(unmeasurable(ws))
    counts = {
        "metrics": len(ws.metric_tree.nodes),
        "risks": len(ws.risks),
        "backlog items": len(ws.backlog),
        "data sources": len(ws.data_map.sources),
        "criteria": len(ws.acceptance_criteria),
    }
    if args.json:
        print(json.dumps({"valid": True, "file": str(wf.path), "product": ws.product.name,
                          "counts": counts, "problems": [],
                          "warnings": [p.to_dict() for p in warnings]}, indent=2))
    else:
        summary = ", ".join(f"{n} {k}" for k, n in counts.items())
        print(f"{wf.path}: valid ({ws.product.name}, phase {ws.product.phase}; {summary})")
        for p in warnings:
            print(f"warning: {p}")
    return EXIT_OK


def _cmd_schema(args: argparse.Namespace) -> int:

    text = json.dumps(json_schema(), indent=2)
    if args.output:
        atomic_write_text(Path(args.output), text + "\n")
        print(f"Wrote {args.output}")
    else:
        print(text)
    return EXIT_OK


def _jobs(text: str) -> int | None:
    """Read ``--jobs``: a whole number of at least 1, or ``auto`` (None)."""
    if text == "auto":
        return None
    try:
        return int(text)
    except ValueError:
        msg = f"expected a whole number or 'auto', got {text!r}"
        raise argparse.ArgumentTypeError(msg) from None


def _near(path: Path) -> Path:
    """Return ``path`` relative to the current folder when it lies below it (shorter to read)."""
    try:
        return path.relative_to(Path.cwd())
    except ValueError:
        return path


#: Warnings ``aipo run`` lists on the terminal; the others are counted (summary.md has all).
RUN_WARNINGS_SHOWN = 15


def _cmd_run(args: argparse.Namespace) -> int:

    params = parse_parameters(args.param or [])
    run = run_workspace(args.dir, phases=args.phase or (), parameters=params, jobs=args.jobs,
                        strict=args.strict, show_code=args.show_code, fresh=args.fresh,
                        progress=None if args.quiet else main_progress)
    folder = Path(run.folder)
    reports = _near(folder / "reports" / run.id)
    print(f"{run.verdict.upper()}: run {run.id} -> {reports} (exit {run.exit_code})")
    _print_verdict(folder, strict=args.strict)
    _notify(folder, strict=args.strict)
    # Every failure and, up to a limit, every warning with its reason, worst first per phase.
    wf = load(folder)
    payload = run.to_dict()
    groups = run_problems(folder, payload)
    if args.strict and any(g.warnings for g in groups):
        print("Strict: warnings fail this run.")
    for line in problems_text(groups, units=figure_units(wf.workspace),
                              limit=RUN_WARNINGS_SHOWN, more=f"all in {reports / 'summary.md'}"):
        print(line)
    for ph in run.phases:
        if ph.status == "error":
            print(f"  {ph.phase}: the executed notebook with the error: {reports / ph.notebook}")
    # In GitHub Actions: the job summary and an annotation per problem (nothing elsewhere).
    for line in report_to_github(payload, groups, wf):
        print(line)
    return run.exit_code


def _notify(folder: Path, *, strict: bool = False) -> None:
    """Tell the channels in aipo.yaml what changed; a channel that is down never fails the run."""
    ws = load(folder).workspace
    if not ws.notifications.configured:
        return
    deliveries = notify(folder, ws.notifications, product=ws.product.name,
                        verdict=product_verdict(folder, ws, strict=strict),
                        run=latest_run(folder))
    for line in deliveries_text(deliveries):
        print(line)


def _print_verdict(folder: Path, *, strict: bool | None = None) -> None:
    """Print the product's one verdict: the decision due, by whom and when, and why."""
    ws = load(folder).workspace
    for line in verdict_text(product_verdict(folder, ws, strict=strict),
                             product=ws.product.name):
        print(line)


def _print_card(folder: Path) -> None:
    """Print the decision card: the verdict in words, who decides what by when, and why."""
    ws = load(folder).workspace
    card = decision_card(product_verdict(folder, ws), latest_evidence(folder), card_units(ws),
                         product=ws.product.name)
    for line in card_text(card):
        print(line)


_SIGNOFF_WORDS = {"approved": "approved", "conditions": "CONDITIONS", "rejected": "REJECTED",
                  "stale": "STALE", "missing": "WAITING", "unverifiable": "UNCHECKED"}


def _print_plan(folder: Path) -> None:
    """Print the timeline of the 90 days with today's marker, and where the sign-offs stand."""
    g = governance(folder, load(folder).workspace)
    for line in timeline_text(g.timeline.to_view()):
        print(line)
    shown = [s for s in g.states if s.gated or not s.required or s.state != "missing"]
    if shown:
        print("Sign-offs:")
    for s in shown:
        mark = _SIGNOFF_WORDS.get(s.state, s.state)
        if s.state == "missing":
            said = f"waiting {s.waiting_days} days" if s.waiting_days else "not signed"
        else:
            said = f"{s.signed_by}, {s.signed_on}" + ("; changed since" if s.state == "stale"
                                                       else "")
            if s.conditions:
                said += f"; conditions: {s.conditions}"
        needed = f"needed before {s.needed_by}" if s.required else "not required"
        print(f"  {mark:<10} {ROLE_LABELS.get(s.role, s.role)} on {s.label} ({needed}): {said}")
    later = [s for s in g.states if s.required and not s.gated and s.state == "missing"]
    if later:
        print("  later: " + "; ".join(f"{ROLE_LABELS.get(s.role, s.role)} on {s.label} "
                                     f"(before {s.needed_by})" for s in later))


def _cmd_status(args: argparse.Namespace) -> int:

    folder = resolve(args.dir).parent
    if args.trend is not None:
        for line in trend_lines(folder, args.trend, as_json=args.json):
            print(line)
        return EXIT_OK
    run = latest_run(folder)
    if run is None:
        raise UsageError([Problem(f"{folder} has no runs yet", file=str(folder),
                                  fix=f"run 'aipo run {folder}' first")])
    if args.json:
        print(json.dumps(run, indent=2))
        return EXIT_OK
    _print_card(folder)
    for d in last_failures(folder):
        print(f"  notifications: {d.channel} failed at {d.at[:16]}: {d.error}")
    if args.problems:  # only what does not pass
        lines = problem_lines(folder, run)
    else:
        _print_plan(folder)
        lines = gate_lines(folder, run)
    for line in lines:
        print(line)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:

    out = export_page(args.path, args.html)
    size = out.stat().st_size
    print(f"Wrote {out} ({size / 1e6:.2f} MB): one file, no server or internet needed.")
    return EXIT_OK


def _cmd_serve(args: argparse.Namespace) -> int:

    the_plan = plan(args.path, port=args.port, host=args.host, token=args.token,
                    no_token=args.no_token, max_kernels=args.max_kernels,
                    saved_page=not args.live_only)
    return serve(the_plan)


def _cmd_docs(args: argparse.Namespace) -> int:
    as_of = None
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            raise UsageError([Problem(f"'{args.as_of}' is not a date", path="--as-of",
                                      fix="write it as YYYY-MM-DD")]) from None
    folder = resolve(args.dir).parent
    out = Path(args.out) if args.out else folder / "reports" / "docs"
    docs = render_folder(folder, as_of=as_of, only=args.only, links_from=out)
    written = write_documents(docs, out, args.format)
    print(f"Wrote {len(docs.rendered)} document(s) to {out} ({args.format}), evidence from run "
          f"{docs.run_id or 'none (run aipo run first)'}:")
    print(completeness_table(docs))
    if args.only:
        print("(the documentation gate is computed without --only, over every applicable "
              "document)")
    else:
        gate = docs.gate()
        print(f"{gate.name}: {gate.verdict.upper()} {gate.figure:.0%} (threshold "
              f"{gate.threshold}); {gate.detail}")
    print(f"Index: {written[-2]}")
    return EXIT_OK


def _date_arg(text: str | None, flag: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError([Problem(f"'{text}' is not a date", path=flag,
                                  fix="write it as YYYY-MM-DD")]) from None


def _cmd_signoff(args: argparse.Namespace) -> int:
    wf = load(args.dir)
    ws, folder = wf.workspace, wf.folder
    try:
        parse_artefact(args.artefact)
    except ValueError as exc:
        raise UsageError([Problem(str(exc), path="ARTEFACT",
                                  fix="see 'aipo signoff --help' for the forms")]) from None
    role = role_from_text(args.role)
    if role is None:
        raise UsageError([Problem(f"unknown role '{args.role}'", path="--role",
                                  fix=suggest(args.role.replace(" ", "_"), ROLES,
                                              label="roles"))])
    if args.verdict == "conditions" and not args.conditions:
        raise UsageError([Problem("--verdict conditions needs the conditions", path="--conditions",
                                  fix="add --conditions 'what must hold'")])
    on = _date_arg(args.date, "--date") or dt.date.today()
    evidence = latest_evidence(folder)
    ref = resolve_artefact(ws, args.artefact, evidence=evidence)
    content = signed_contents(ws, [ref], folder=folder, as_of=on, evidence=evidence)[ref]
    if content is None:
        raise UsageError([Problem(f"cannot find {parse_artefact(ref).label} to sign",
                                  path="ARTEFACT", fix="check the name in 'aipo status'")])
    digest = hashlib.sha256(content).hexdigest()
    record = SignOff(artefact=ref, role=role, name=args.name, date=on, verdict=args.verdict,
                     conditions=args.conditions or "", note=args.note or "", sha256=digest)
    wf.workspace.signoffs.append(record)
    wf.save()
    # A copy of exactly what was signed: sha256sum over it gives the digest in aipo.yaml.
    art = parse_artefact(ref)
    suffix = ".md" if art.kind == "doc" else ".json"
    copy = folder / "reports" / "signed" / f"{digest}{suffix}"
    copy.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(copy, content)
    print(f"{args.verdict.upper()}: {art.label}, signed by {args.name} as "
          f"{ROLE_LABELS[role]} on {on.isoformat()}")
    print(f"  sha256 {digest} (what was signed: {_near(copy)})")
    print(f"  written to {_near(wf.path)}; commit it, so the history shows who signed: "
          f"git commit -m 'sign-off: {ROLE_LABELS[role]} on {art.name}' {_near(wf.path)}")
    return EXIT_OK


# --------------------------------------------------------------------------------------------
# parser

Command = Callable[[argparse.Namespace], int]


def build_parser() -> argparse.ArgumentParser:
    """Return the ``aipo`` argument parser with every command."""
    parser = _Parser(
        prog="aipo",
        description="The AI product owner's kit: one folder per AI product, aipo.yaml as its "
        "source of truth, gated phase notebooks, stakeholder pages.",
    )
    parser.add_argument("--version", action="version", version=f"aipo {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("init", help="create a workspace folder from an example or blank",
                       description="Create a workspace: aipo.yaml, data/, notebooks/ and "
                       "reports/. Refuses a folder that is not empty.")
    p.add_argument("dir", help="the new workspace folder (must not exist or be empty)")
    p.add_argument("--example", default="blank", metavar="NAME",
                   help="start from: " + ", ".join(f"{k} ({v})" for k, v in EXAMPLES.items()))
    p.add_argument("--interactive", action="store_true",
                   help="ask the day-1 questions and write a commented aipo.yaml (the folder "
                   "may hold your data; nothing is overwritten); each question has a flag below")
    p.add_argument("--name", help="the product's name")
    p.add_argument("--owner", help="the AI product owner accountable for it")
    p.add_argument("--role", help="our role under the EU AI Act (provider, deployer, ...)")
    p.add_argument("--start-date", metavar="YYYY-MM-DD", help="day 1 of the 90 days")
    p.add_argument("--source", metavar="LOCATION",
                   help="the first data source: files or a postgresql:// URL ('' for none)")
    p.add_argument("--source-id", metavar="ID", help="its id (default: from its file name)")
    p.add_argument("--source-role", metavar="ROLE",
                   help="what the kit uses it for: baseline, gold, production, ... (default "
                   "other)")
    p.set_defaults(func=_cmd_init)

    p = sub.add_parser("add", help="add to a workspace: a data source",
                       description="Add to a workspace's aipo.yaml, keeping the rest of the "
                       "file as it is.")
    add = p.add_subparsers(dest="what", metavar="WHAT", parser_class=_Parser, required=True)
    p = add.add_parser(
        "source", help="inspect a data source and add it with its column mapping",
        description="Open a data source in its engine (files through DuckDB; a PostgreSQL "
        "table or query; files through Spark), say its columns, types, rows, dates and the "
        "personal data found in a sample, propose which column plays each of the kit's roles, "
        "and append the entry to data_map.sources with that as comments. The write is "
        "atomic, the rest of aipo.yaml is kept byte for byte, and an id in use is refused.",
        epilog="Roles for --map: " + ", ".join(ROLE_FIELDS) + " (also timestamp, prediction, "
        "group).")
    p.add_argument("name", metavar="NAME", help="the source's id in aipo.yaml")
    p.add_argument("location", metavar="LOCATION",
                   help="a CSV, Parquet or JSON file, a glob or a folder (relative to the "
                   "workspace or here), or a postgresql:// URL without the password")
    p.add_argument("--dir", default=".", help="the workspace folder (default: here)")
    p.add_argument("--engine", choices=("duckdb", "postgres", "spark"),
                   help="default: postgres for a postgresql:// URL, else duckdb")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--table", help="databases: the table, e.g. public.orders")
    group.add_argument("--query", help="databases: a SELECT query instead of a table")
    p.add_argument("--password-env", metavar="VAR",
                   help="databases: the environment variable holding the password")
    p.add_argument("--format", choices=FORMATS,
                   help="files: the format when the names do not say it (otlp: OpenTelemetry "
                   "traces)")
    p.add_argument("--role", default="other", choices=_SOURCE_ROLES,
                   help="what the kit uses it for (default other)")
    p.add_argument("--title", help="its name as people know it (default: from NAME)")
    p.add_argument("--map", action="append", metavar="COLUMN=ROLE",
                   help="the role of a column (repeatable), e.g. --map created_at=time; "
                   "replaces the proposal for that role")
    p.add_argument("--dry-run", action="store_true", help="say what would be added; write "
                   "nothing")
    p.set_defaults(func=_cmd_add_source)

    p = sub.add_parser("validate", help="check aipo.yaml and list every problem",
                       description="Validate a workspace's aipo.yaml: schema, types, ranges "
                       "and cross-references. Exit 0 when valid, 2 with all problems otherwise.")
    p.add_argument("path", help="a workspace folder or its aipo.yaml")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=_cmd_validate)

    p = sub.add_parser("schema", help="print the JSON Schema of aipo.yaml (for editors)",
                       description="Print the JSON Schema of aipo.yaml, schema version 1. Point "
                       "your editor's YAML language server at it to validate as you type.")
    p.add_argument("-o", "--output", help="write to this file instead of printing")
    p.set_defaults(func=_cmd_schema)

    p = sub.add_parser("run", help="run the phase notebooks headlessly; fail when a gate fails",
                       description="Execute the workspace's phase notebooks with Papermill and "
                       "write reports/<run-id>/ (executed notebooks, offline HTML, results.json, "
                       "summary.md). Exit 0: no gate failed; 1: a gate failed; 2: usage or "
                       "workspace error (nothing run); 3: a notebook raised.")
    p.add_argument("dir", help="the workspace folder")
    p.add_argument("--phase", action="append", metavar="NAME",
                   help="run only this phase (repeatable), e.g. discovery or 01_discovery")
    p.add_argument("-p", "--param", action="append", metavar="KEY=VALUE",
                   help="a parameter the phase notebooks declare, e.g. n_boot=2000 "
                   "(repeatable; names and types are checked before anything runs)")
    p.add_argument("--jobs", type=_jobs, default=None, metavar="N",
                   help="phases run in parallel (default auto: one per CPU core, at most one "
                   "per phase; 1 runs them one after the other)")
    p.add_argument("--strict", action="store_true", help="warnings fail the run too")
    p.add_argument("--show-code", action="store_true", help="keep code cells in the HTML")
    p.add_argument("--fresh", action="store_true",
                   help="recompute every analysis instead of reusing the results of earlier "
                   "runs on unchanged inputs (reports/cache; AIPO_CACHE_MAX_MB bounds it)")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress lines")
    p.set_defaults(func=_cmd_run)

    p = sub.add_parser("status", help="show the last run's gates, or figures across runs",
                       description="Print the product's verdict and the gates of the "
                       "workspace's last run (what does not pass first); with --problems only "
                       "what does not pass; with --trend every key figure across the runs of "
                       "the ledger, with --trend NAME one figure or gate run by run.")
    p.add_argument("dir", help="the workspace folder")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.add_argument("--problems", action="store_true",
                   help="only the failures and warnings, per phase, worst first")
    p.add_argument("--trend", metavar="NAME", nargs="?", const="",
                   help="key figures across runs with a sparkline; with NAME one figure or gate")
    p.set_defaults(func=_cmd_status)

    p = sub.add_parser("serve", help="serve the read-only stakeholder page(s) with Voila",
                       description="Serve a workspace's status page, or the portfolio of a "
                       "folder of workspaces, read-only with standalone Voila. Binds "
                       "127.0.0.1 and generates a token unless told otherwise.")
    p.add_argument("path", help="a workspace folder, or a folder of workspaces")
    p.add_argument("--port", type=int, help="port (default: a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default 127.0.0.1; others need a token)")
    group = p.add_mutually_exclusive_group()
    group.add_argument("--token", help="access token (default: a new random one)")
    group.add_argument("--no-token", action="store_true",
                       help="no token (only on a loopback address)")
    p.add_argument("--max-kernels", type=int, default=8, metavar="N",
                   help="most pages served at once, each with its kernel (default 8); beyond, "
                   "visitors get a 'busy, retry' page")
    p.add_argument("--live-only", action="store_true",
                   help="always the live page; by default / answers at once with the page "
                   "last rendered (kept in .aipo-page/, rendered again when the workspace "
                   "changes) and links the live page")
    p.set_defaults(func=_cmd_serve)

    p = sub.add_parser("report", help="write the stakeholder page as one offline HTML file",
                       description="Render a workspace's status page (or a folder's portfolio) "
                       "to one self-contained HTML file: no server, no internet.")
    p.add_argument("path", help="a workspace folder, or a folder of workspaces")
    p.add_argument("--html", required=True, metavar="OUT.html", help="the file to write")
    p.set_defaults(func=_cmd_report)

    p = sub.add_parser("docs", help="render the playbooks and compliance documents that apply",
                       description="Render the documents that apply to the workspace (AI Act "
                       "technical documentation when high-risk, FRIA and DPIA when required, "
                       "model card, playbooks, checklists, impact report) from aipo.yaml and "
                       "the last run, each with its gaps; print their completeness.")
    p.add_argument("dir", help="the workspace folder")
    p.add_argument("--out", metavar="DIR", help="output folder (default: DIR/reports/docs)")
    p.add_argument("--format", choices=("md", "html", "pdf"), default="md",
                   help="md (default), self-contained html, or pdf (needs Chromium)")
    p.add_argument("--only", nargs="+", action="extend", metavar="NAME",
                   help="render just these documents, whether they apply or not")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", help="the documents' date (default today)")
    p.set_defaults(func=_cmd_docs)

    p = sub.add_parser(
        "signoff", help="record a sign-off of a document, gate or decision in aipo.yaml",
        description="Record that a person in a role approved (or rejected) a document, a gate "
        "or a decision, with the SHA-256 of exactly what was signed: when that changes, the "
        "sign-off shows as stale. Writes aipo.yaml atomically, comments kept; commit it so the "
        "history shows who signed. A copy of what was signed goes to reports/signed/.",
        epilog="ARTEFACT is doc:NAME (a document of 'aipo docs', e.g. doc:dpia), "
        "gate:[PHASE:]NAME (a gate of the latest run, e.g. 'gate:rollout:go / no-go') or "
        "decision:ID (e.g. decision:D5). Roles: " + ", ".join(ROLES) + ".")
    p.add_argument("artefact", metavar="ARTEFACT", help="what is signed (see below)")
    p.add_argument("dir", nargs="?", default=".", help="the workspace folder (default: here)")
    p.add_argument("--role", required=True, help="the signer's role, e.g. works_council or dpo")
    p.add_argument("--name", required=True, help="the signer's name")
    p.add_argument("--verdict", choices=("approved", "rejected", "conditions"),
                   default="approved", help="default approved")
    p.add_argument("--conditions", help="the conditions (with --verdict conditions)")
    p.add_argument("--note", help="anything else the signer wants on record")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="the day of the sign-off (default today)")
    p.set_defaults(func=_cmd_signoff)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``aipo`` command and return its exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default: ``sys.argv[1:]``).

    Returns
    -------
    int
        0 on success, 1 when ``aipo run`` found a gate failed, 2 for an error a person can fix
        (printed without a traceback), 3 when the command could not complete (a phase raised,
        or a fault of the kit), 141
        (as for SIGPIPE) when the reader of stdout stopped reading early.
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version and usage errors
        return int(exc.code or 0) if not isinstance(exc.code, str) else EXIT_USAGE
    if not getattr(args, "func", None):
        parser.print_help()
        return EXIT_USAGE
    try:
        code = args.func(args)
        # Flushed here, so a reader that left early (`aipo schema | head`) is noticed below
        # rather than at interpreter exit, where it would print a traceback.
        sys.stdout.flush()
        return code
    except BrokenPipeError:  # before OSError, of which it is one
        return _reader_left()
    except AipoError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        n = len(exc.problems)
        if n > 1:
            print(f"{n} problems.", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except OSError as exc:  # a folder without write permission, a full disk, ...
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"error: {where}{exc.strerror or exc}", file=sys.stderr)
        return EXIT_USAGE
    except Exception as exc:  # a bug in the kit: no verdict, and a short word on what to do
        return _crashed(exc)


def _crashed(exc: BaseException) -> int:
    """Report a fault of the kit itself and return :data:`EXIT_CRASH`.

    The traceback is shown only when ``AIPO_DEBUG`` is set; the one line says what happened.
    """
    import os
    import traceback

    if os.environ.get("AIPO_DEBUG"):
        traceback.print_exception(exc, file=sys.stderr)
    print(f"internal error: {type(exc).__name__}: {str(exc)[:300]}", file=sys.stderr)
    print("This is a fault of the kit, not of your workspace's verdict (exit "
          f"{EXIT_CRASH}). Run again with AIPO_DEBUG=1 for the details and report them with "
          "the file that caused it.", file=sys.stderr)
    return EXIT_CRASH


def _reader_left() -> int:
    """Exit quietly when whoever read stdout has stopped reading (``aipo schema | head``).

    Python's documented way (the note on SIGPIPE in the ``signal`` module): point stdout at
    devnull, so the interpreter's final flush of what is still buffered fails no more.
    """
    import contextlib
    import os

    # (OSError, ValueError): a stdout without a file descriptor has nothing left to flush.
    with contextlib.suppress(OSError, ValueError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    return EXIT_BROKEN_PIPE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
