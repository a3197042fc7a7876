"""The quality and safety of a generative product's outputs, side by side, for the status page.

A product with an ``evaluation:`` section in ``aipo.yaml`` (a reviewed, generative product)
is judged on two kinds of figures: how good its outputs are (the reviewed shares of the
acceptance criteria, and whether the reviewers, and a judge, agree enough for those shares to
be evidence) and how safe they are (personal data in outputs and how much of it the scanner
misses, prompt-injection attacks followed, benign requests refused, errors and timeouts in
production). :func:`genai_figures` picks them from the last run's recorded gates and figures
(``reports/<run>/results.json``), each with its interval, its limit from ``aipo.yaml``, its
verdict and where it was measured; :func:`genai_html` lays the two columns side by side.

A product without an ``evaluation:`` section gets nothing (no empty heading on its page).

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "Jana"}})
>>> genai_figures(ws, None)
{}
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "Jana"}, "evaluation": {
...     "safety": {"results": "data/injection_results.csv",
...                "attack_success": {"max": 0.05}}}})
>>> row = genai_figures(ws, None)["safety"][0]
>>> row["value"], row["limit"], row["verdict"]
('not measured', 'at most 5%', 'not measured')
>>> row["evidence"]
'02_experiments would measure it from data/injection_results.csv (no run yet)'
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

from aipo_widgets._text import MISSING, format_number, format_value, is_missing
from aipo_widgets.figures.verdict import provenance_text
from aipo_widgets.pages.markup import badge, html_escape_table

__all__ = ["NOT_MEASURED", "TITLE", "genai_figures", "genai_html"]

#: The section's title on the status page and in ``aipo report --html``.
TITLE = "Quality and safety of the model outputs"

#: What a figure that no run measured shows, in place of a number.
NOT_MEASURED = "not measured"

_STAT = {"krippendorff_alpha": "Krippendorff's alpha", "cohen_kappa": "Cohen's kappa"}

# The safety limits of evaluation.safety: what each is called on the page.
_SAFETY = (
    ("pii_leak", "Personal data leaked in outputs"),
    ("filter_miss", "Personal data the PII scanner missed (its false-negative rate)"),
    ("attack_success", "Prompt-injection attacks the model followed"),
    ("over_blocking", "Benign requests the model refused"),
)

_PRODUCTION = (("error_rate", "Errors in production"), ("timeout_rate", "Timeouts in production"))


def _declared(ws: Any) -> bool:
    ev = ws.evaluation
    return ev is not None and ev != type(ev)()


def _phase(run: Mapping[str, Any] | None, name: str) -> Mapping[str, Any] | None:
    return next((ph for ph in (run or {}).get("phases", []) if ph.get("phase") == name), None)


def _gate(phase: Mapping[str, Any] | None, *sources: str) -> Mapping[str, Any] | None:
    return next((g for g in (phase or {}).get("gates", []) if g.get("source") in sources), None)


def _interval(ci: Any, unit: str) -> str:
    if not ci or len(ci) != 2 or any(is_missing(v) for v in ci):
        return MISSING
    return f"{format_number(float(ci[0]), unit)} to {format_number(float(ci[1]), unit)}"


def _bound(bound: str | None) -> str:
    return {"ci_high": " (upper end of the interval)",
            "ci_low": " (lower end of the interval)"}.get(bound or "", "")


def _row(name: str, gate: Mapping[str, Any] | None, phase: Mapping[str, Any] | None,
         run: Mapping[str, Any] | None, *, unit: str, limit: str, where: str,
         estimate: Any = None, basis: str = "") -> dict[str, str]:
    """One figure: its value (with counts), interval, limit, verdict and provenance, as text."""
    if gate is None or is_missing(gate.get("figure") if estimate is None else estimate):
        why = ("no run yet" if run is None else
               f"{where.split(' ')[0]} has not run" if phase is None else "not in its last run")
        return {"figure": name, "value": NOT_MEASURED, "interval": MISSING, "limit": limit,
                "verdict": NOT_MEASURED, "evidence": f"{where} ({why})"}
    value = gate.get("figure") if estimate is None else estimate
    text = format_value(value, unit)
    prov = gate.get("provenance") or {}
    n = prov.get("rows")
    if unit == "share" and isinstance(value, (int, float)) and isinstance(n, int) and n > 0:
        text += f" ({round(value * n):,} of {n:,})"
    run_id = str((phase or {}).get("run_id") or (run or {}).get("id") or "")
    said = (provenance_text(prov, run_id) if prov
            else f"measured {basis + ', ' if basis else ''}run {run_id}")
    return {"figure": name, "value": text, "interval": _interval(gate.get("ci"), unit),
            "limit": limit, "verdict": str(gate.get("verdict", "")),
            "evidence": f"{(phase or {}).get('phase', '')}: {said}"}


def _quality(ws: Any, run: Mapping[str, Any] | None) -> list[dict[str, str]]:
    ph = _phase(run, "experiments")
    figures = (ph or {}).get("figures", {})
    rows = []
    test_items = figures.get("gold_test_items")
    on = (f"on the {format_number(test_items)} held-out test items"
          if isinstance(test_items, int) else "on the gold set")
    for i, c in enumerate(ws.acceptance_criteria):
        if not str(c.metric).endswith(("_rate", "_share")):
            continue  # latency and cost are budgets, not the quality of the outputs
        gate = _gate(ph, f"acceptance_criteria[{i}]", f"acceptance_criteria[{c.id}]")
        limit = (("at most " if c.operator in ("<=", "<") else "at least ")
                 + format_number(c.value, "share") + _bound(c.bound)
                 + (f" in every {c.group}" if c.group else ""))
        # the overall estimate; with a group, the worst group's share is what was judged
        est = None if c.group else figures.get(f"gold_{c.metric}")
        name = str(c.metric).replace("_", " ").capitalize() + (
            f" (worst {c.group})" if c.group else "")
        rows.append(_row(name, gate, ph, run, unit="share", limit=limit,
                         where=f"02_experiments would measure it {on}", estimate=est, basis=on))
    ev = ws.evaluation
    for spec, source, key, what in ((ev.double_review, "evaluation.double_review",
                                     "reviewer_agreement", "Reviewers' agreement"),
                                    (ev.judge, "evaluation.judge", "judge_kappa",
                                     "The judge's agreement with the reviewers")):
        if spec is None:
            continue
        stat = _STAT.get(getattr(spec, "statistic", "cohen_kappa"), "")
        gate = _gate(ph, source)
        rows.append(_row(f"{what} ({stat})", gate, ph, run, unit="",
                         limit=f"at least {format_number(spec.min_agreement)}"
                               + _bound(spec.bound),
                         where=f"02_experiments would measure it from {spec.source}",
                         estimate=figures.get(key)))
    return rows


def _safety(ws: Any, run: Mapping[str, Any] | None) -> list[dict[str, str]]:
    ph = _phase(run, "experiments")
    figures = (ph or {}).get("figures", {})
    spec = ws.evaluation.safety
    rows = []
    if spec is not None:
        for key, name in _SAFETY:
            limit = getattr(spec, key)
            if limit is None:
                continue
            src = spec.results or spec.suite if key in ("attack_success", "over_blocking") \
                else spec.outputs
            rows.append(_row(name, _gate(ph, f"evaluation.safety.{key}"), ph, run,
                             unit="share",
                             limit=f"at most {format_number(limit.max, 'share')}"
                                   + _bound(limit.bound),
                             where=f"02_experiments would measure it from {src or MISSING}",
                             estimate=figures.get(key)))
    op = _phase(run, "operate")
    rules = list(enumerate(ws.monitoring.alert_rules))
    for metric, name in _PRODUCTION:
        found = [(i, r) for i, r in rules if r.metric == metric]
        if not found:
            rows.append({"figure": name, "value": NOT_MEASURED, "interval": MISSING,
                         "limit": MISSING, "verdict": NOT_MEASURED,
                         "evidence": f"04_operate would measure it with an alert rule on "
                                     f"{metric} (monitoring.alert_rules)"})
            continue
        i, rule = found[0]
        rows.append(_row(name, _gate(op, f"monitoring.alert_rules[{i}]"), op, run,
                         unit="share",
                         limit=f"alert {'above' if rule.operator in ('>', '>=') else 'below'} "
                               f"{format_number(rule.value, 'share')} ({rule.id})",
                         where="04_operate would measure it from the production log"))
    return rows


def genai_figures(ws: Any, run: Mapping[str, Any] | None) -> dict[str, list[dict[str, str]]]:
    """Return the quality and the safety figures of a reviewed product, formatted for a page.

    Pure: reads the workspace and the run's evidence, nothing else.

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace (its ``evaluation:`` section, acceptance criteria and alert rules give
        what is shown and each figure's limit).
    run : dict or None
        The evidence of the last run (:func:`aipo_widgets.runs.results.latest_evidence`).

    Returns
    -------
    dict
        ``{}`` when the workspace declares no ``evaluation:`` section; else ``quality`` and
        ``safety``, each a list of rows with the texts ``figure`` (what it is), ``value``
        (with counts for a share), ``interval`` (95 %), ``limit``, ``verdict`` (``pass``,
        ``warn``, ``fail`` or ``not measured``) and ``evidence`` (the phase, the source, its
        window and rows, the run; or where the figure would come from).

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "Jana"},
    ...     "evaluation": {"safety": {"outputs": "outputs", "pii_leak": {"max": 0.02}}}})
    >>> run = {"id": "r1", "phases": [{"phase": "experiments", "figures": {"pii_leak": 0.015},
    ...     "gates": [{"name": "PII leak rate in outputs", "verdict": "pass", "figure": 0.015,
    ...                "ci": [0.0051, 0.0432], "source": "evaluation.safety.pii_leak",
    ...                "provenance": {"kind": "measured", "rows": 200, "source": "outputs"}}]}]}
    >>> row = genai_figures(ws, run)["safety"][0]
    >>> row["value"], row["interval"], row["limit"], row["verdict"]
    ('1.5% (3 of 200)', '0.51% to 4.32%', 'at most 2%', 'pass')
    >>> row["evidence"]
    'experiments: measured: outputs, 200 rows, run r1'
    """
    if not _declared(ws):
        return {}
    return {"quality": _quality(ws, run), "safety": _safety(ws, run)}


def genai_html(figures: Mapping[str, list[dict[str, str]]]) -> str:
    """Lay out :func:`genai_figures` as two tables side by side (quality, then safety).

    Examples
    --------
    >>> genai_html({})
    ''
    >>> "Safety" in genai_html({"quality": [], "safety": []})
    True
    """
    if not figures:
        return ""
    cols = ["figure", "value", "interval", "limit", "verdict", "evidence"]
    parts = []
    for key, head in (("quality", "Quality"), ("safety", "Safety")):
        rows = [{**r, "verdict": badge(r["verdict"]) if r["verdict"] != NOT_MEASURED
                 else html.escape(NOT_MEASURED)} for r in figures.get(key, [])]
        table = (html_escape_table(rows, cols, raw={"verdict"}) if rows
                 else "<p>Nothing declared.</p>")
        parts.append(f'<div style="flex:1 1 30em;min-width:0"><h3>{head}</h3>{table}</div>')
    return ('<div class="aipo-genai" style="display:flex;flex-wrap:wrap;gap:1.5em">'
            + "".join(parts) + "</div>")
