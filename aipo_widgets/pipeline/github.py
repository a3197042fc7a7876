r"""What ``aipo run`` tells GitHub Actions: a job summary and an annotation per problem.

In a GitHub Actions job (``GITHUB_ACTIONS=true``) a run appends Markdown to the file named by
``GITHUB_STEP_SUMMARY`` (the product's one verdict, the failures and warnings per phase, where
the reports are) and prints a workflow command per failure (``::error``) and warning
(``::warning``), pointing at the line of ``aipo.yaml`` that the gate's rule comes from, or else
at the phase notebook. Both follow GitHub's documentation of workflow commands
(https://docs.github.com/en/actions/reference/workflow-commands-for-github-actions):

* a message escapes ``%``, carriage return and line feed as ``%25``, ``%0D`` and ``%0A``; a
  property (file, title) also ``:`` and ``,`` as ``%3A`` and ``%2C`` (the escaping of the
  ``@actions/core`` toolkit, ``command.ts``);
* GitHub shows at most 10 error and 10 warning annotations per step, and a step's summary up to
  1 MiB: the rest is counted, and the job summary lists every problem.

Examples
--------
>>> escape_data("50% done\nnext"), escape_property("a: b, c")
('50%25 done%0Anext', 'a%3A b%2C c')
>>> workflow_command("warning", "R3 (36 days)", file="aipo.yaml", line=12,
...                  title="discovery: risks")
'::warning file=aipo.yaml,line=12,title=discovery%3A risks::R3 (36 days)'
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from aipo_widgets.figures.problems import (
    PhaseProblems,
    count_text,
    gate_sentence,
    problems_markdown,
)
from aipo_widgets.figures.units import figure_units
from aipo_widgets.figures.verdict import verdict_markdown, verdict_word
from aipo_widgets.model.workspace import WorkspaceFile

__all__ = ["ANNOTATIONS_PER_KIND", "annotation_lines", "escape_data", "escape_property",
           "in_github_actions", "job_summary", "report_to_github", "workflow_command"]

#: GitHub shows at most this many error annotations, and as many warnings, per step.
ANNOTATIONS_PER_KIND = 10
#: A step's job summary may hold up to 1 MiB; past this the per-phase tables are left out.
SUMMARY_BYTES = 1_000_000


def in_github_actions(env: Mapping[str, str] | None = None) -> bool:
    """Tell whether this process runs in a GitHub Actions job (``GITHUB_ACTIONS=true``)."""
    return (os.environ if env is None else env).get("GITHUB_ACTIONS") == "true"


def escape_data(text: Any) -> str:
    """Escape a workflow command's message: ``%``, CR and LF."""
    return str(text).replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: Any) -> str:
    """Escape a workflow command's property value: as a message, and ``:`` and ``,`` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def workflow_command(kind: str, message: str, **properties: Any) -> str:
    """Return one workflow command, e.g. ``::error file=aipo.yaml,line=3,title=...::message``.

    Properties that are None or empty are left out.
    """
    props = ",".join(f"{key}={escape_property(value)}" for key, value in properties.items()
                     if value is not None and value != "")
    return f"::{kind}{' ' + props if props else ''}::{escape_data(message)}"


def _in_repository(path: Path, env: Mapping[str, str]) -> str:
    """Return ``path`` as GitHub wants it in an annotation: relative to the repository."""
    base = Path(env.get("GITHUB_WORKSPACE") or os.getcwd()).resolve()
    try:
        return Path(path).resolve().relative_to(base).as_posix()
    except ValueError:
        return Path(path).as_posix()


def annotation_lines(groups: Sequence[PhaseProblems], wf: WorkspaceFile, *,
                env: Mapping[str, str] | None = None,
                limit: int = ANNOTATIONS_PER_KIND) -> list[str]:
    """Return a workflow command per failure (``::error``) and warning (``::warning``).

    Each points at the line of ``aipo.yaml`` its gate's rule comes from (the gate's
    ``source``), else at the phase notebook; past ``limit`` of a kind, one ``::notice`` counts
    the rest.

    Parameters
    ----------
    groups : list of PhaseProblems
        What :func:`aipo_widgets.runs.results.run_problems` returns, worst first.
    wf : WorkspaceFile
        The workspace, to find the lines of the rules.
    env : mapping, optional
        The environment (default ``os.environ``): ``GITHUB_WORKSPACE`` is the repository's
        folder the paths are relative to.
    limit : int
        Annotations of each kind.

    Returns
    -------
    list of str
    """
    env = os.environ if env is None else env
    yaml_file = _in_repository(wf.path, env)
    notebooks = wf.folder / "notebooks"
    units = figure_units(wf.workspace)
    out: list[str] = []
    shown = {"error": 0, "warning": 0}
    left = {"error": 0, "warning": 0}
    for group in groups:
        where_nb = (_in_repository(notebooks / group.notebook, env) if group.notebook
                    else yaml_file)
        items: list[tuple[str, str, str, str, int | None]] = []
        if group.error:
            items.append(("error", f"{group.phase}: the notebook raised", group.error, where_nb,
                          None))
        for g in group.gates:
            line = wf.line_of(str(g.get("source") or "")) if g.get("source") else None
            kind = "error" if g.get("verdict") == "fail" else "warning"
            items.append((kind, f"{group.phase}: {g.get('name', '')}", gate_sentence(g, units),
                          yaml_file if line else where_nb, line))
        for kind, title, message, file, line in items:
            if shown[kind] >= limit:
                left[kind] += 1
                continue
            shown[kind] += 1
            out.append(workflow_command(kind, message, file=file, line=line, title=title))
    more = [f"{n} more {'failures' if kind == 'error' else 'warnings'}"
            for kind, n in left.items() if n]
    if more:
        out.append(workflow_command(
            "notice", f"{' and '.join(more)} than GitHub shows as annotations: every one is "
            "in the job summary and in summary.md", title="aipo: more problems"))
    return out


def _actions_run_url(env: Mapping[str, str]) -> str:
    """Return the address of this workflow run ("" outside GitHub Actions)."""
    server, repo, run = (env.get("GITHUB_SERVER_URL", "https://github.com"),
                         env.get("GITHUB_REPOSITORY"), env.get("GITHUB_RUN_ID"))
    return f"{server}/{repo}/actions/runs/{run}" if repo and run else ""


def job_summary(run: Mapping[str, Any], groups: Sequence[PhaseProblems], wf: WorkspaceFile,
                *, env: Mapping[str, str] | None = None) -> str:
    """Return the job summary of a run: its verdict, what did not pass, where the reports are.

    Parameters
    ----------
    run : dict
        The run, as ``results.json`` holds it.
    groups : list of PhaseProblems
        Its problems (:func:`aipo_widgets.runs.results.run_problems`).
    wf : WorkspaceFile
        The workspace (its product's name, its units).
    env : mapping, optional
        The environment (default ``os.environ``), for the address of the workflow run.

    Returns
    -------
    str
        Markdown.
    """
    env = os.environ if env is None else env
    ws = wf.workspace
    units = figure_units(ws)
    fails = sum(g.failures for g in groups)
    warns = sum(g.warnings for g in groups)
    total = sum(len(ph.get("gates") or []) for ph in run.get("phases", [])) + len(
        run.get("gates") or [])
    word = verdict_word(str(run.get("verdict", "pass")))
    out = [f"## aipo: {ws.product.name}: {word}", ""]
    if run.get("product_verdict"):
        out += [verdict_markdown(run["product_verdict"]), ""]
    strict = " (strict: warnings fail the run)" if run.get("strict") else ""
    out += [f"**Not passing: {count_text(fails, warns)}** of {total} gates; run "
            f"`{run.get('id')}`, exit code {run.get('exit_code')}{strict}.", ""]
    reports = _in_repository(wf.folder / "reports" / str(run.get("id")), env)
    out += ["| phase | verdict | failures | warnings | report |",
            "| --- | --- | ---: | ---: | --- |"]
    by_phase = {g.phase: g for g in groups}
    for ph in run.get("phases", []):
        g = by_phase.get(ph.get("phase"))
        mark = "ERROR" if ph.get("status") == "error" else verdict_word(str(ph.get("verdict")))
        out.append(f"| {ph.get('phase')} | {mark} | {g.failures if g else 0} | "
                   f"{g.warnings if g else 0} | `{reports}/{ph.get('html') or ''}` |")
    out.append("")
    body = problems_markdown(groups, units=units, level=3)
    if len("\n".join(out).encode()) + len(body.encode()) > SUMMARY_BYTES - 4000:
        body = ("The failures and warnings are too many for a job summary: see "
                f"`{reports}/summary.md` in the artifacts.\n")
    out += [body]
    url = _actions_run_url(env)
    where = f"[the artifacts of this run]({url}#artifacts)" if url else "the artifacts"
    out += ["### Reports", "",
            f"In {where}: `{reports}/summary.md` (this list), the phase reports "
            f"(`{reports}/*.html`, offline), the documents (`aipo docs`) and the stakeholder "
            "page (`aipo report --html`) where the workflow builds them.", ""]
    return "\n".join(out)


def report_to_github(run: Mapping[str, Any], groups: Sequence[PhaseProblems],
                     wf: WorkspaceFile, *, env: Mapping[str, str] | None = None) -> list[str]:
    """In a GitHub Actions job, append the job summary and return the annotations to print.

    Outside GitHub Actions this does nothing and returns ``[]``. A summary file that cannot be
    written costs the summary, never the run: the annotations are returned all the same.

    Returns
    -------
    list of str
        The workflow commands to print on stdout (where the runner reads them).
    """
    env = os.environ if env is None else env
    if not in_github_actions(env):
        return []
    lines = annotation_lines(groups, wf, env=env)
    target = env.get("GITHUB_STEP_SUMMARY")
    if target:
        text = job_summary(run, groups, wf, env=env)
        try:
            with open(target, "a", encoding="utf-8") as fh:
                fh.write(text + "\n")
        except OSError as exc:
            lines.append(workflow_command("warning", f"cannot write the job summary: {exc}",
                                          title="aipo"))
    return lines
