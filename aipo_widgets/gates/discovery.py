"""The gates of discovery (days 1-30): a problem worth solving, with data we may use.

Every hypothesis has a metric, baseline and target; baselines are measured from data with
intervals; every data source has a clear right to use it (licence or terms, origin, who
confirmed it: "unclear data rights" is a classic reason AI products stall); every personal-data
source has a lawful basis and personal data is where the data map says; no prohibited practice;
the DPIA decision is recorded; no open critical risk; the business case is drafted and its
expected NPV positive. The data-quality checks are gated by
:func:`aipo_widgets.analysis.sources.quality_gates`.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
...     "value_hypotheses": [{"id": "H1", "statement": "s", "metric": None}]})
>>> [(g.name, g.verdict) for g in hypothesis_gates(ws)]
[('H1 has a metric, baseline and target', 'fail')]
>>> [(g.name, g.verdict) for g in business_case_gates(None)]
[('business case drafted', 'warn')]
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from aipo_widgets.analysis.business_case import BusinessCaseResult
from aipo_widgets.analysis.cached import mark
from aipo_widgets.analysis.compliance import Classification, art9_problems
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.analysis.pii_cached import scan_frame
from aipo_widgets.analysis.risk import Register
from aipo_widgets.evidence import Gate, Verdict

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.schema import Workspace

__all__ = [
    "baseline_gates",
    "business_case_gates",
    "compliance_gates",
    "data_rights_gates",
    "hypothesis_gates",
    "lawful_basis_gates",
    "pii_scan",
    "risk_gates",
    "special_category_gates",
    "tree_gates",
]


def hypothesis_gates(ws: Workspace) -> list[Gate]:
    """Every value hypothesis names a metric of the tree, a baseline and a target."""
    gates = []
    for i, h in enumerate(ws.value_hypotheses):
        missing = [k for k in ("metric", "baseline", "target") if getattr(h, k) is None]
        if h.metric is not None and h.baseline is None:
            try:
                if ws.metric(h.metric).baseline is not None:
                    missing.remove("baseline")
            except KeyError:
                pass
        gates.append(Gate(
            f"{h.id} has a metric, baseline and target", "fail" if missing else "pass",
            figure=", ".join(missing) if missing else "complete", threshold="all three",
            detail=("missing: " + ", ".join(missing) + ". Without a baseline there is no "
                    "benefit to show.") if missing else "",
            source=f"value_hypotheses[{i}]"))
    if not ws.value_hypotheses:
        gates.append(Gate("value hypotheses stated", "fail", figure=0, threshold=">= 1",
                          detail="state what the product should change, for whom, measured "
                          "how", source="value_hypotheses"))
    return gates


def baseline_gates(measured: pd.DataFrame) -> list[Gate]:
    """Gate the baselines measured in data, and whether ``aipo.yaml`` agrees with them."""
    gates = []
    for row in measured.itertuples():
        ci = (row.ci_low, row.ci_high) if row.ci_low is not None else None
        if row.declared is None:
            gates.append(Gate(f"baseline of {row.metric} measured", "warn",
                              figure=round(row.value, 4), ci=ci, threshold="in aipo.yaml",
                              detail=f"set metric_tree baseline of {row.metric} to "
                              f"{row.value:.4g} (measured in {row.source})",
                              source=f"metric_tree.nodes[{row.metric}]"))
        else:
            ok = row.agrees
            gates.append(Gate(
                f"baseline of {row.metric} measured", "pass" if ok else "warn",
                figure=round(row.value, 4), ci=ci, threshold=f"aipo.yaml: {row.declared:g}",
                detail="" if ok else (f"aipo.yaml says {row.declared:g}, the data say "
                                      f"{row.value:.4g} [{row.ci_low:.4g}, {row.ci_high:.4g}]"),
                source=f"metric_tree.nodes[{row.metric}]"))
    return gates


def pii_scan(ws: Workspace, frames: Mapping[str, pd.DataFrame], *, sample: int | None = 2000,
             seed: int = 0) -> tuple[pd.DataFrame, list[Gate]]:
    """Scan every loaded source for personal data and check it against the data map.

    A source where personal data is found but ``personal_data`` is false fails: the data map is
    wrong, and with it the legal basis and the DPIA screening.

    Returns
    -------
    table, gates
        One row per flagged column (masked examples only) and one gate per source.
    """
    import pandas as pd

    rows, gates = [], []
    for src in ws.data_map.sources:
        frame = frames.get(src.id)
        if frame is None:
            continue
        # Through the workspace's cache when a phase opened one (same frame, sample and seed).
        report, use = scan_frame(frame, sample=sample or None, seed=seed, label=src.id)
        flagged = [c for c in report.columns if c.personal_data]
        for col in flagged:
            d = col.to_dict()
            rows.append({"source": src.id, **{k: d[k] for k in d if k != "examples"},
                         "examples": "; ".join(d.get("examples", [])[:2])})
        found = bool(flagged)
        if found and not src.personal_data:
            gate = Gate(f"personal data in {src.id} declared", "fail",
                        figure=", ".join(c.column for c in flagged), threshold="declared",
                        detail="personal data found but personal_data is false: fix the data "
                        "map (lawful basis, DPIA screening)",
                        source=f"data_map.sources[{src.id}].personal_data")
        else:
            gate = Gate(f"personal data in {src.id} declared", "pass",
                        figure=", ".join(c.column for c in flagged) or "none found",
                        threshold="declared", source=f"data_map.sources[{src.id}]")
        gates.extend(mark([gate], [use]))
    table = pd.DataFrame(rows)
    return table, gates


def lawful_basis_gates(ws: Workspace) -> list[Gate]:
    """Every personal-data source has a GDPR Art 6 lawful basis (Art 9 needs a condition too)."""
    gates = []
    for src in ws.data_map.sources:
        if not src.personal_data:
            continue
        ok = src.lawful_basis is not None
        detail = "" if ok else "set lawful_basis (GDPR Art 6(1)) before the data is processed"
        if ok and src.special_categories:
            detail = ("special categories: an Art 9(2) condition is needed in addition to "
                      f"{src.lawful_basis}")
        gates.append(Gate(f"lawful basis for {src.id}", "pass" if ok else "fail",
                          figure=src.lawful_basis or "none", threshold="GDPR Art 6(1)",
                          detail=detail, source=f"data_map.sources[{src.id}].lawful_basis"))
    return gates


def data_rights_gates(ws: Workspace) -> list[Gate]:
    """Every data source says under what licence or terms, from where, and who confirmed it.

    Per source: ``usage_rights`` restricted or unknown fails (the product may not use it as
    planned); a missing licence, origin, ``usage_rights`` or ``rights_confirmed_by`` warns
    "unclear data rights", naming the fields to add; all four given and confirmed passes.

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "data_map": {"sources": [
    ...         {"id": "tickets", "name": "Tickets", "licence": "internal data",
    ...          "origin": "our helpdesk", "usage_rights": "confirmed",
    ...          "rights_confirmed_by": "Legal, 2026-03-02"},
    ...         {"id": "crawl", "name": "Web crawl", "usage_rights": "unknown"},
    ...         {"id": "vendor", "name": "Vendor list", "licence": "contract 17"}]}})
    >>> [(g.name, g.verdict) for g in data_rights_gates(ws)]  # doctest: +NORMALIZE_WHITESPACE
    [('data rights for tickets', 'pass'), ('data rights for crawl', 'fail'),
     ('data rights for vendor', 'warn')]
    """
    gates = []
    for src in ws.data_map.sources:
        where = f"data_map.sources[{src.id}]"
        missing = [k for k in ("licence", "origin", "usage_rights", "rights_confirmed_by")
                   if not getattr(src, k)]
        if src.usage_rights in ("restricted", "unknown"):
            why = ("the licence or terms do not allow this use (restricted)"
                   if src.usage_rights == "restricted" else "nobody knows whether the licence or "
                   "terms allow this use (unknown)")
            gates.append(Gate(
                f"data rights for {src.id}", "fail", figure=src.usage_rights,
                threshold="confirmed", detail=f"{why}: get written permission, a licence or a "
                "legal basis for this purpose, or drop the source; then set usage_rights: "
                "confirmed with rights_confirmed_by", source=f"{where}.usage_rights"))
        elif missing:
            gates.append(Gate(
                f"data rights for {src.id}", "warn", figure="unclear data rights",
                threshold="licence, origin, confirmed by whom",
                detail=f"add {', '.join(missing)} to {where} in aipo.yaml: under what licence "
                "or terms the data may be used, where it comes from, and who confirmed the "
                "right to use it for this product", source=where))
        else:
            gates.append(Gate(
                f"data rights for {src.id}", "pass", figure=src.licence,
                threshold="licence, origin, confirmed by whom",
                detail=f"from {src.origin}; confirmed by {src.rights_confirmed_by}",
                source=where))
    return gates


def compliance_gates(ws: Workspace, classification: Classification) -> list[Gate]:
    """No prohibited practice; the DPIA decision recorded; legal sign-off where required."""
    gates = []
    tier = classification.tier
    gates.append(Gate(
        "no prohibited practice (AI Act Art 5)", "fail" if tier == "prohibited" else "pass",
        figure=classification.tier_label, threshold="not prohibited",
        detail="stop: redesign or abandon the use" if tier == "prohibited" else "",
        source="compliance.ai_act"))
    dpia = ws.compliance.gdpr.dpia.decision
    likely = getattr(classification.gdpr, "dpia", None)
    gates.append(Gate(
        "DPIA decision recorded", "fail" if dpia == "undecided" else "pass", figure=dpia,
        threshold="required, not_required or done",
        detail=("record the decision in compliance.gdpr.dpia (with the DPO's advice); the "
                f"screening says: {likely}") if dpia == "undecided" else "",
        source="compliance.gdpr.dpia"))
    if classification.legal_signoff_required:
        signed = bool(ws.compliance.ai_act.signed_off_by)
        gates.append(Gate("legal sign-off of the AI Act classification",
                          "pass" if signed else "warn",
                          figure=ws.compliance.ai_act.signed_off_by or "not signed",
                          threshold="signed", detail="; ".join(classification.signoff_reasons),
                          source="compliance.ai_act.signed_off_by"))
    if classification.open_questions:
        gates.append(Gate("AI Act questionnaire answered", "warn",
                          figure=len(classification.open_questions), threshold="0 open",
                          detail="open: " + ", ".join(q.id for q in
                                                      classification.open_questions[:6]),
                          source="compliance.ai_act.answers"))
    gates += special_category_gates(classification)
    return gates


def special_category_gates(classification: Classification) -> list[Gate]:
    """Check that special categories (GDPR Art 9) are covered and people told and heard.

    A source declaring health data (say) warns until it has its Art 9(2) condition, a risk in
    the register and a DPIA the screening does not contradict; the information duties (Art 13,
    14) and the right to object (Art 21) warn until the answers say they are met.
    """
    gates = []
    gdpr = classification.gdpr
    sensitive = [s.id for s in gdpr.sources if s.special_categories]
    if sensitive:
        gaps = art9_problems(gdpr)
        gates.append(Gate(
            "special categories covered (GDPR Art 9)", "warn" if gaps else "pass",
            figure=len(gaps), threshold="condition, risk and DPIA for " + ", ".join(sensitive),
            detail="; ".join(f"{p.path}: {p.message}" for p in gaps[:3]),
            source="data_map.sources"))
    for duty in gdpr.duties:
        gates.append(Gate(
            f"{duty.article} met", "pass" if duty.met else "warn",
            figure="yes" if duty.met else "not recorded", threshold="yes",
            detail="" if duty.met else f"{duty.text} ({duty.why})",
            source="compliance.gdpr.answers"))
    return gates


def risk_gates(register: Register) -> list[Gate]:
    """Overdue reviews and range compression warn; an open critical residual risk fails."""
    gates = []
    critical = [r for r in register.ranked() if r.residual.band == "critical"]
    gates.append(Gate("no open critical residual risk", "fail" if critical else "pass",
                      figure=len(critical), threshold="0",
                      detail=("mitigate or stop: " + ", ".join(r.id for r in critical))
                      if critical else "", source="risks"))
    overdue = register.overdue()
    gates.append(Gate("risk reviews up to date", "warn" if overdue else "pass",
                      figure=len(overdue), threshold="0 overdue",
                      detail=", ".join(f"{r.id} ({r.days_overdue} days)" for r in overdue),
                      source="risks"))
    compressed = register.range_compression()
    if compressed:
        gates.append(Gate("risk matrix resolves the risks", "warn", figure=len(compressed),
                          threshold="no cell with 10x different expected losses",
                          detail="; ".join(f"cell {f.cell}: {', '.join(f.ids)} differ "
                                           f"{f.ratio:.0f}x" for f in compressed),
                          source="risks"))
    return gates


def tree_gates(tree: Tree) -> list[Gate]:
    """Check that every input metric of the tree has a guardrail or counter metric."""
    warnings = tree.warnings()
    guard = [w for w in warnings if "guardrail" in w.message or "counter" in w.message]
    return [Gate("every input metric has a guardrail", "warn" if guard else "pass",
                 figure=len(guard), threshold="0 unguarded inputs",
                 detail="; ".join(w.message for w in guard[:4]), source="metric_tree")]


def business_case_gates(result: BusinessCaseResult | None) -> list[Gate]:
    """Gate the business case: drafted, expected NPV, the chance it is positive, exit criteria.

    Parameters
    ----------
    result : BusinessCaseResult or None
        The analysed business case; None when ``aipo.yaml`` has no ``business_case`` section,
        which warns (a product may start without one, not go live).
    """
    if result is None:
        return [Gate("business case drafted", "warn", detail="add a business_case section")]
    gates = []
    mc = result.monte_carlo
    enpv = result.expected_npv
    verdict: Verdict = "pass" if enpv > 0 and (mc is None or mc.p_positive >= 0.5) else (
        "warn" if enpv > 0 else "fail")
    gates.append(Gate("business case: expected NPV positive", verdict, figure=round(enpv),
                      threshold="> 0", detail=(f"P(NPV > 0) = {mc.p_positive:.0%}; P10/P90 "
                                               f"{mc.p10:,.0f} / {mc.p90:,.0f}") if mc else "",
                      source="business_case"))
    gates.extend(result.exit_gates)
    return gates
