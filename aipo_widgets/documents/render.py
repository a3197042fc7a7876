"""Rendering the documents of a workspace (``aipo docs``) and the documentation gate.

:func:`render_documents` decides which documents apply (:mod:`~aipo_widgets.documents.specs`),
builds what the templates see (the workspace, its classification and analyses, the incident
clocks, the run's evidence, a :class:`~aipo_widgets.documents.gaps.FieldTracker` per document),
renders them and closes each with its *Gaps* section.  :func:`render_folder` does so for a
workspace folder with its last run; :func:`documentation_gate` is the gate ``03_rollout``
records.  Writing them out (Markdown, HTML, PDF) is :mod:`aipo_widgets.documents.output`.

Examples
--------
>>> import datetime as dt
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "Ticket summaries", "owner": "Jana",
...                                            "version": "v3"}})
>>> docs = render_documents(ws, as_of=dt.date(2026, 11, 26), only=["model_card"])
>>> d = docs["model_card"]
>>> "**[gap: product.intended_purpose]**" in d.markdown
True
>>> "product.intended_purpose" in [g.field for g in d.gaps]
True
>>> 0 < d.share < 1
True
"""

from __future__ import annotations

import datetime as dt
import difflib
import hashlib
import os
import re
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from aipo_widgets import __version__
from aipo_widgets._text import git_commit
from aipo_widgets.analysis.backlog import score_workspace
from aipo_widgets.analysis.business_case import BusinessCaseModel, analyse
from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.analysis.risk import Register
from aipo_widgets.documents.clocks import incident_clocks
from aipo_widgets.documents.document_set import Document, DocumentSet
from aipo_widgets.documents.environment import cell, environment
from aipo_widgets.documents.gaps import FieldTracker
from aipo_widgets.documents.run_evidence import RunView, load_evidence
from aipo_widgets.documents.specs import DOCUMENTS, applicable_documents
from aipo_widgets.errors import AipoError, Problem, UsageError
from aipo_widgets.evidence import Gate
from aipo_widgets.figures.verdict import verdict_markdown, verdict_word
from aipo_widgets.gates.verdict import overall_verdict
from aipo_widgets.model.workspace import load


def _analyses(ws: Any, as_of: dt.date, classification: Any) -> dict[str, Any]:
    """Make the core objects the templates use (None, with the problem, when one fails)."""
    out: dict[str, Any] = {"problems": []}

    def attempt(key: str, make: Callable[[], Any]) -> None:
        try:
            out[key] = make()
        except AipoError as exc:
            out[key] = None
            out["problems"].extend(str(p) for p in exc.problems)

    attempt("register", lambda: Register.from_workspace(ws, as_of))
    if ws.business_case is not None:
        attempt("bc", lambda: analyse(ws.business_case, monte_carlo=False))

        def realised() -> Any:
            model = BusinessCaseModel(ws.business_case)
            values = model.values("realistic")
            measured = {k: d.measured for k, d in ws.business_case.drivers.items()
                        if d.measured is not None}
            return model.cash_flows({**values, **measured}), sorted(measured)

        attempt("bc_realised", realised)
    else:
        out["bc"] = out["bc_realised"] = None
    if ws.metric_tree.nodes:
        attempt("tree", lambda: Tree(ws.metric_tree).status())
    else:
        out["tree"] = None
    if ws.backlog:
        attempt("backlog", lambda: score_workspace(ws, classification=classification))
    else:
        out["backlog"] = None
    return out


def _check_only(only: Sequence[str] | None) -> list[str] | None:
    if not only:
        return None
    unknown = [n for n in only if n not in DOCUMENTS]
    if unknown:
        raise UsageError([Problem(
            f"no document named '{n}'", path="--only",
            fix=(f"did you mean '{close[0]}'? " if (close := difflib.get_close_matches(
                n, list(DOCUMENTS), n=1)) else "") + "choose from: " + ", ".join(DOCUMENTS),
        ) for n in unknown])
    return list(dict.fromkeys(only))


def _gaps_section(doc: Document) -> str:
    lines = ["", "## Gaps", ""]
    gaps = doc.gaps
    share = f"{doc.share:.0%}"
    lines.append(f"{len(doc.filled)} of {doc.total} fields filled ({share}); "
                 f"evidence from the run: {len(doc.evidence_cited)} of "
                 f"{len(doc.evidence_cited) + len(doc.evidence_gaps)} cited.")
    lines.append("")
    if not gaps:
        lines.append("None: every field this document uses is filled.")
        return "\n".join(lines) + "\n"
    lines.append("Fill these (in `aipo.yaml` unless the kind says otherwise), then run "
                 "`aipo docs` again.")
    lines.append("")
    lines.append("| # | field | kind | what to fill |")
    lines.append("| --- | --- | --- | --- |")
    for i, g in enumerate(gaps, 1):
        lines.append(f"| {i} | `{g.field}` | {g.kind} | {cell(g.hint) or 'see the schema'} |")
    return "\n".join(lines) + "\n"


def render_documents(
    ws: Any,
    *,
    folder: str | os.PathLike | None = None,
    run: Mapping[str, Any] | None = None,
    trends: Mapping[str, list] | None = None,
    as_of: dt.date | None = None,
    only: Sequence[str] | None = None,
    commit: str | None = None,
    links_from: str | os.PathLike | None = None,
) -> DocumentSet:
    """Render the documents that apply to a workspace (or those asked for).

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace.
    folder : path, optional
        The workspace folder: its own ``playbooks/`` templates take precedence over the kit's,
        and run links point into its ``reports/``.  The run and the ledger are *not* read here
        (pass them, see :func:`~aipo_widgets.documents.run_evidence.load_evidence`).
    run : mapping, optional
        The last run's ``results.json`` (None: no run yet, the evidence is listed as gaps).
    trends : mapping, optional
        Figure trends from the ledger (for the impact report).
    as_of : date, optional
        The documents' date (default today); obligations and clocks are judged on it.
    only : sequence of str, optional
        Render just these documents, whether they apply or not.
    commit : str, optional
        The workspace's git commit, shown in every header.
    links_from : path, optional
        The folder the documents will be written to, so that run links are relative to it
        (default: relative to the workspace folder).

    Returns
    -------
    DocumentSet

    Raises
    ------
    UsageError
        For an unknown document name, or a template that uses an undefined name (with the
        template file and line).
    """
    import jinja2

    wanted = _check_only(only)
    as_of = as_of or dt.date.today()
    c = classify_workspace(ws, as_of)
    applies = applicable_documents(ws, c)
    analyses = _analyses(ws, as_of, c)
    root = Path(folder) if folder is not None else None
    env = environment([root / "playbooks"] if root is not None else [])

    links: dict[str, str] = {}
    if run:
        reports = (root / "reports" / run["id"]) if root is not None else Path("reports") / run[
            "id"]
        for ph in run.get("phases", []):
            if ph.get("html"):
                # A phase borrowed from an earlier run links into that run's folder.
                target = reports.parent / (ph.get("run_id") or run["id"]) / ph["html"]
                if links_from is not None and root is not None:
                    rel = os.path.relpath(target, Path(links_from))
                elif root is not None:
                    rel = os.path.relpath(target, root)
                else:
                    rel = str(target)
                links[ph["phase"]] = Path(rel).as_posix()
    dir_hint = str(root) if root is not None else "DIR"

    names = wanted or [n for n, (ok, _) in applies.items() if ok]
    # The go-live checklist reports the other documents' completeness: render it last.
    order = sorted(names, key=lambda n: n == "go_live_checklist")
    docs: dict[str, Document] = {n: Document(n, s.title, applies[n][0], applies[n][1])
                                 for n, s in DOCUMENTS.items()}
    clocks = incident_clocks(ws, c)
    # The product's one verdict, as the pages, reports and `aipo status` state it: in every
    # header, and in full at the top of the documents that state a decision.
    verdict = overall_verdict(ws, run, as_of=as_of)
    base = {
        "verdict": verdict, "verdict_block": verdict_markdown(verdict),
        "verdict_word": verdict_word(verdict.verdict),
        "ws": ws, "c": c, "as_of": as_of, "clocks": clocks, "applies": applies,
        "documents": DOCUMENTS, "version": __version__, "dir": dir_hint,
        "trends": dict(trends or {}), "commit": commit, **analyses,
    }
    for name in order:
        tracker = FieldTracker(ws)
        run_view = RunView(run, tracker, links, dir_hint)
        spec_ = DOCUMENTS[name]
        others = [d for d in docs.values() if d.rendered and d.name != name]
        ctx = {**base, "need": tracker.need, "each": tracker.each, "manual": tracker.manual,
               "missing": tracker.missing, "entry": tracker.entry, "run": run_view,
               "doc": spec_, "rendered": others,
               "document_applies": applies[name][0], "document_reason": applies[name][1]}
        template_name = f"{name}.md.j2"
        try:
            header = env.get_template("_header.md.j2").render(ctx)
            template = env.get_template(template_name)
            body = template.render(ctx)
        except jinja2.TemplateNotFound as exc:
            raise UsageError([Problem(f"template {exc.name} not found", fix="reinstall "
                                      "aipo-kit or restore the file in playbooks/")]) from None
        except (jinja2.UndefinedError, jinja2.TemplateSyntaxError) as exc:
            line = getattr(exc, "lineno", None)
            raise UsageError([Problem(
                f"template {template_name}{f' line {line}' if line else ''}: {exc.message}",
                fix="correct the template (a gap must come from need(), each() or run.*)")]
            ) from exc
        d = docs[name]
        d.template = template_name
        d.filled = list(tracker.filled)
        d.gaps = list(tracker.gaps.values())
        d.evidence_cited = list(tracker.evidence)
        text = header.rstrip() + "\n\n" + body.strip() + "\n"
        text = re.sub(r"\n{3,}", "\n\n", text)
        d.markdown = text + _gaps_section(d)
    threshold = ws.settings.documentation_completeness_min
    return DocumentSet(list(docs.values()), ws.product.name, as_of,
                       run.get("id") if run else None, commit, threshold)


def render_folder(folder: str | os.PathLike, *, as_of: dt.date | None = None,
                  only: Sequence[str] | None = None,
                  links_from: str | os.PathLike | None = None) -> DocumentSet:
    """Load a workspace folder with its last run, ledger and git commit, and render its documents.

    Parameters
    ----------
    folder : path
        The workspace folder (or its ``aipo.yaml``).
    as_of, only, links_from
        As in :func:`render_documents`.

    Returns
    -------
    DocumentSet

    Raises
    ------
    WorkspaceError
        When ``aipo.yaml`` is missing or invalid.
    UsageError
        For an unknown document name.

    Examples
    --------
    >>> import datetime as dt, tempfile
    >>> from pathlib import Path
    >>> from aipo_widgets.examples import write_example
    >>> folder = Path(tempfile.mkdtemp())
    >>> _ = write_example("blank", folder)
    >>> docs = render_folder(folder, as_of=dt.date(2026, 11, 26))
    >>> docs.run_id, "ai_act_technical_documentation" in [d.name for d in docs.rendered]
    (None, False)
    """
    wf = load(folder)
    root = wf.folder
    run, trends = load_evidence(root)
    docs = render_documents(wf.workspace, folder=root, run=run, trends=trends, as_of=as_of,
                            only=only, commit=git_commit(root), links_from=links_from)
    docs.workspace_digest = hashlib.sha256(wf.path.read_bytes()).hexdigest()
    return docs


def documentation_gate(ws: Any, folder: str | os.PathLike, *,
                       as_of: dt.date | None = None) -> Gate:
    """Return the documentation-completeness gate of ``03_rollout``.

    Renders every applicable document from the workspace and its last run (as ``aipo docs``
    does, without writing anything) and compares the share of fields filled with
    ``settings.documentation_completeness_min``: fail below it; warn when it is met but
    evidence from the run is missing; pass otherwise.

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace.
    folder : path
        The workspace folder (for its last run and its own templates).
    as_of : date, optional
        Default today.

    Returns
    -------
    Gate
        ``documentation complete``, with the share as the figure and the filled and total
        counts in ``extra``.

    Examples
    --------
    >>> import tempfile
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    >>> g = documentation_gate(ws, tempfile.mkdtemp())
    >>> g.name, g.verdict, g.threshold
    ('documentation complete', 'fail', '>= 0.8')
    """
    run, trends = load_evidence(folder)
    return render_documents(ws, folder=folder, run=run, trends=trends, as_of=as_of).gate()
