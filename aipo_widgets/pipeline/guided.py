"""A guided start: the questions of ``aipo init --interactive``, and ``aipo add source``.

:func:`ask_start` asks the handful of questions that matter on day 1 (the product's name, its
owner, our role under the AI Act, day 1 of the 90 days, the first data source), each with its
default and a line saying why it matters; an answer given as a flag is not asked, so a script
needs no terminal. Read from a pipe, the answers are the pipe's lines (an empty line or the
end takes the default), and a wrong answer fails at once instead of asking again.

:func:`add_source` inspects a source in its engine
(:func:`aipo_widgets.analysis.source_inspect.inspect_source`) and appends it to ``aipo.yaml``
with the column mapping it proposes and what it found as comments; the rest of the file stays
as it was, the write is atomic, and a source of the same id is never replaced.
"""

from __future__ import annotations

import datetime as dt
import difflib
import glob
import os
import re
import sys
import textwrap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from aipo_widgets.analysis.source_inspect import Inspection, inspect_source, parse_roles
from aipo_widgets.errors import Problem, UsageError
from aipo_widgets.model.compliance import ROLES
from aipo_widgets.model.schema import DataSource
from aipo_widgets.model.source_columns import ROLE_FIELDS
from aipo_widgets.model.start_yaml import append_source, guided_text
from aipo_widgets.model.workspace import load

__all__ = ["SOURCE_ROLES", "Answers", "add_source", "ask_start", "source_location"]

SOURCE_ROLES = ("baseline", "gold", "training", "pilot", "production", "experiment_log",
                 "reference", "other")


@dataclass(frozen=True)
class Answers:
    """The answers of a guided start."""

    name: str
    owner: str
    role: str
    start_date: dt.date
    source: str = ""
    source_id: str = ""
    source_role: str = "other"

    def text(self) -> str:
        """Return the first ``aipo.yaml`` these answers make (without the source)."""
        return guided_text(name=self.name, owner=self.owner, role=self.role,
                           start_date=self.start_date, with_source=bool(self.source))


class _Asker:
    def __init__(self, stdin: IO[str], stdout: IO[str]):
        self.stdin, self.stdout = stdin, stdout
        self.terminal = stdin.isatty()

    def __call__(self, flag: str, question: str, why: str, default: str,
                 check: Callable[[str], str | None]) -> str:
        while True:
            self.stdout.write(f"\n{question}\n  ({why})\n  [{default}]: " if default
                              else f"\n{question}\n  ({why})\n  : ")
            self.stdout.flush()
            line = self.stdin.readline()
            answer = line.strip() or default
            if not self.terminal:  # what a pipe answered, so the transcript reads as a dialogue
                self.stdout.write(f"{answer or '(none)'}\n")
            problem = check(answer)
            if problem is None:
                return answer
            if not self.terminal or not line:
                raise UsageError([Problem(f"{question.rstrip('?')}: {problem}", path=flag,
                                          fix=f"answer again, or give it as {flag}")])
            self.stdout.write(f"  {problem}\n")


def _date_problem(text: str) -> str | None:
    try:
        dt.date.fromisoformat(text)
    except ValueError:
        return f"'{text}' is not a date; write it as YYYY-MM-DD"
    return None


def _id_of(text: str) -> str:
    stem = Path(text.rstrip("/")).name.split(".")[0] or "data"
    ident = re.sub(r"[^A-Za-z0-9_.-]+", "_", stem).strip("_.-") or "data"
    return ident if ident[0].isalpha() else f"s_{ident}"


def _id_problem(text: str) -> str | None:
    if re.fullmatch(r"[A-Za-z][A-Za-z0-9_.\-]{0,63}", text):
        return None
    return f"'{text}' is not an id: a letter, then letters, digits, '_', '.' or '-'"


def ask_start(given: Mapping[str, Any], *, folder: Path, stdin: IO[str] | None = None,
              stdout: IO[str] | None = None) -> Answers:
    """Ask the questions of a guided start that ``given`` (the flags) does not answer.

    Parameters
    ----------
    given : mapping
        Answers from flags: ``name``, ``owner``, ``role``, ``start_date``, ``source``,
        ``source_id``, ``source_role`` (None: ask).
    folder : pathlib.Path
        The new workspace (its name is the product's default name).
    stdin, stdout : text streams, optional
        Where the answers come from and the questions go (default: the process's own).

    Raises
    ------
    UsageError
        When an answer is not valid (a role the AI Act does not know, a date that is not one).
    """
    ask = _Asker(stdin or sys.stdin, stdout or sys.stdout)

    def answer(key: str, flag: str, question: str, why: str, default: str,
               check: Callable[[str], str | None] = lambda s: None if s else "an answer is "
               "needed") -> str:
        value = given.get(key)
        if value is not None:
            problem = check(str(value))
            if problem:
                raise UsageError([Problem(problem, path=flag, fix=f"correct {flag}")])
            return str(value)
        return ask(flag, question, why, default, check)

    name = answer("name", "--name", "What is the product called?",
                  "the name stakeholders know it by; it heads every page and document",
                  folder.name.replace("-", " ").replace("_", " ").strip().capitalize())
    owner = answer("owner", "--owner", "Who owns it?",
                   "the AI product owner accountable for it; the plan and sign-offs name them",
                   "")
    role = answer("role", "--role", "What is our role under the EU AI Act?",
                  "provider: we build it, or have it built, and use it under our name (Art "
                  "3(3)); deployer: we use someone's under our authority (Art 3(4)); or "
                  + ", ".join(r for r in ROLES if r not in ("provider", "deployer")),
                  "deployer", lambda s: None if s in ROLES else (
                      f"'{s}' is not a role; answer one of {', '.join(ROLES)}"))
    start = answer("start_date", "--start-date", "When is day 1 of the 90 days?",
                   "the plan's milestones and the timeline count from it (YYYY-MM-DD)",
                   dt.date.today().isoformat(), _date_problem)
    source = answer("source", "--source", "Where is the first data source?",
                    "a CSV, Parquet or JSON file, a glob or a folder, or a postgresql:// URL; "
                    "'aipo add source' adds more later; empty: none yet", "",
                    lambda s: _where_problem(s, folder))
    source_id = source_role = ""
    if source:
        source_id = answer("source_id", "--source-id", "Its id in aipo.yaml?",
                           "how checks and monitoring name it", _id_of(source), _id_problem)
        source_role = answer("source_role", "--source-role", "What does the kit use it for?",
                             ", ".join(SOURCE_ROLES), "other",
                             lambda s: None if s in SOURCE_ROLES else (
                                 f"'{s}' is not one of {', '.join(SOURCE_ROLES)}"))
    return Answers(name, owner, role, dt.date.fromisoformat(start), source, source_id,
                   source_role or "other")


def _where_problem(location: str, folder: Path) -> str | None:
    if not location or "://" in location:
        return None
    if any(glob.glob(str(base / location)) for base in (Path.cwd(), folder)):
        return None
    return (f"nothing is at {location} (from {Path.cwd()} or from {folder}); give a file, a "
            "glob or a folder that exists")


def source_location(location: str, folder: Path) -> str:
    """Return a files location as ``aipo.yaml`` writes it: relative to the workspace folder.

    A path that exists from the current folder but not from the workspace is rewritten
    relative to the workspace when it lies inside it, absolute otherwise.

    Examples
    --------
    >>> source_location("postgresql://db/shop", Path("ws"))
    'postgresql://db/shop'
    """
    if "://" in location or Path(location).is_absolute():
        return location
    if (folder / location).exists() or not Path(location).exists():
        return location
    here = Path(location).resolve()
    try:
        shown = here.relative_to(folder.resolve()).as_posix()
    except ValueError:
        shown = str(here)
    return shown + ("/" if location.endswith("/") else "")


def add_source(folder: str | os.PathLike[str], source_id: str, location: str, *,
               engine: str = "duckdb", table: str = "", query: str = "",
               password_env: str = "", file_format: str | None = None, role: str = "other",
               title: str = "", maps: Sequence[str] = (), dry_run: bool = False,
               say: Callable[[str], None] = print) -> tuple[str, Inspection]:
    """Inspect a data source and append it to a workspace's ``aipo.yaml``.

    Parameters
    ----------
    folder : path
        The workspace folder or its ``aipo.yaml``.
    source_id : str
        The source's id in ``aipo.yaml``.
    location : str
        Files (relative to the workspace or the current folder) or, for a database, its URL
        without the password.
    engine, table, query, password_env, file_format, role, title
        As the ``data_map.sources`` fields say.
    maps : sequence of str
        ``column=role`` pairs; they replace the proposal for those roles.
    dry_run : bool
        Say what would be written and write nothing.
    say : callable
        Where the summary goes.

    Returns
    -------
    text, inspection
        The new text of ``aipo.yaml`` and what the inspection found.

    Raises
    ------
    AipoError
        When the source cannot be read, a mapped column is missing or of the wrong type, a
        source of that id exists, or the file changed meanwhile; nothing is written.
    """
    wf = load(folder)
    problem = _id_problem(source_id)
    if problem:
        raise UsageError([Problem(problem, path="NAME", fix="choose an id such as orders_2026")])
    entry: dict[str, Any] = {"id": source_id,
                             "name": title or source_id.replace("_", " ").capitalize()}
    if engine == "duckdb" or engine == "spark":
        entry["location"] = source_location(location, wf.folder)
        if engine == "spark":
            entry["engine"] = "spark"
    else:
        entry.update({"engine": engine, "url": location})
        if password_env:
            entry["password_env"] = password_env
        entry.update({"table": table} if table else {"query": query} if query else {})
    if file_format:
        entry["format"] = file_format
    entry["role"] = role
    given = parse_roles(maps)
    try:
        declared = DataSource.model_validate(entry)
    except ValueError as exc:
        raise UsageError([Problem(f"data source '{source_id}': {_first_error(exc)}",
                                  path="NAME LOCATION", fix="see 'aipo add source --help'")]) \
            from None
    found = inspect_source(wf.folder, declared, roles=given)
    roles = {r: v for r, v in found.roles.items() if r in ROLE_FIELDS}
    if roles:
        entry["columns"] = roles
    if found.personal:
        entry["personal_data"] = True
    comments = [f"aipo add source, {dt.date.today().isoformat()}: " + found.summary()[0],
                *found.summary()[1:]]
    proposed = [r for r in roles if r not in given]
    if proposed:
        comments.append("columns proposed by their names and types (check them): "
                        + ", ".join(proposed))
    todo = ["owner", "origin", "licence", "usage_rights"]
    if found.personal:
        todo += ["lawful_basis (GDPR Art 6(1))", "retention"]
    comments.append("still to fill in: " + ", ".join(todo))
    comments = [part for line in comments
                for part in textwrap.wrap(line, 94, subsequent_indent="  ")]
    notes = {"url": "no password here: password_env",
             "personal_data": "found in its columns by aipo add source; say why it is lawful"}
    try:
        text = wf.edit(lambda doc: append_source(doc, entry, comments=comments, notes=notes,
                                                 indent=wf.indent))
    except UsageError as exc:  # an id in use: say where it is declared
        raise UsageError(wf.locate(exc.problems)) from None
    for line in comments:
        say(f"  {line}")
    say("  columns: " + (", ".join(f"{r} -> {v}" for r, v in roles.items()) or
                         "no role proposed; map them with --map COLUMN=ROLE"))
    if dry_run:
        old = wf.path.read_text(encoding="utf-8").splitlines()
        new = text.splitlines()
        for op, _, _, j1, j2 in difflib.SequenceMatcher(a=old, b=new,
                                                        autojunk=False).get_opcodes():
            for line in new[j1:j2] if op != "equal" else ():
                say(f"+ {line}")
        say(f"Nothing written (--dry-run); {wf.path} would get the lines above.")
        return text, found
    wf.save_text(text)
    say(f"Added data source '{source_id}' to {wf.path}. Next: aipo validate {wf.folder}")
    return text, found


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        first = errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        return f"{where}: {first.get('msg', '')}" if where else str(first.get("msg", ""))
    return str(exc)
