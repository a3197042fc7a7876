"""The gates of a reviewed (generative) product's evidence: agreement, held-out test, versions.

* **Reviewer agreement** below the workspace's floor fails: labels from reviewers who do not
  agree are not evidence, whatever the shares computed from them say. The same for an
  automated judge's agreement with the people. Disagreements waiting for adjudication warn.
* **Held-out test**: an accepted version accepted on items that an iteration tuned on, or on
  items outside the test part, fails.
* **Candidates compared**: a candidate significantly better than the reference (after Holm's
  correction over every comparison made) warns: the reference may not be the one to accept.
* **Accepted versions**: recorded in ``evaluation.accepted`` once the acceptance passes; in
  operation, a production window that runs another version fails, naming the day it started.
* **Safety**: the attack success rate, over-blocking, PII leaks in outputs and the PII filter's
  misses, each against its limit (on its estimate or the upper end of its interval).

Examples
--------
>>> from aipo_widgets.analysis.safety import rate
>>> from aipo_widgets.model.genai import Limit
>>> g = rate_gate(rate("attack success rate", 2, 40), Limit(max=0.02), "x.attack_success",
...               source="injection_results.csv")
>>> g.verdict, g.figure, g.threshold
('fail', 0.05, '<= 0.02')
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from aipo_widgets._text import format_number
from aipo_widgets.evidence import Gate, Provenance, Verdict

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.analysis.agreement import AgreementResult
    from aipo_widgets.analysis.holdout import HoldoutCheck
    from aipo_widgets.analysis.paired import Comparison
    from aipo_widgets.analysis.safety import Rate
    from aipo_widgets.analysis.sources import Window
    from aipo_widgets.analysis.versions import Unpinned
    from aipo_widgets.model.genai import DoubleReview, JudgeAgreement, Limit
    from aipo_widgets.model.schema import Workspace

__all__ = [
    "accepted_version_gate",
    "adjudication_gate",
    "agreement_gate",
    "comparison_gate",
    "holdout_gate",
    "rate_gate",
    "version_gate",
]

STAT_NAMES = {"krippendorff_alpha": "Krippendorff's alpha", "cohen_kappa": "Cohen's kappa"}


def _num(x: float | None, digits: int = 3) -> str:
    # three significant figures, "—" for a missing one (the kit's number format)
    return format_number(None if x is None else float(x))


def agreement_gate(result: AgreementResult | None, spec: DoubleReview | JudgeAgreement | None,
                   *, name: str = "reviewer agreement", path: str = "evaluation.double_review",
                   source: str = "", problem: str = "") -> Gate:
    """Compare the agreement (its bound) with the workspace's floor.

    Examples
    --------
    >>> agreement_gate(None, None).verdict
    'warn'
    """
    if spec is None:
        return Gate(name, "warn", source=path, provenance=Provenance.missing(path),
                    detail=f"no {path.split('.')[-1].replace('_', ' ')} declared ({path}): each "
                           "label rests on one reviewer, and nobody knows how far another "
                           "would agree")
    if result is None:
        return Gate(name, "fail", source=path, provenance=Provenance.missing(
            f"data_map.sources[{spec.source}]"),
            detail=problem or f"the reviews of {spec.source} could not be read")
    stat = STAT_NAMES.get(result.statistic, result.statistic)
    figure = result.bound(spec.bound)
    note = ("items both the people and the judge labelled" if path.endswith("judge")
            else f"items reviewed twice or more ({result.reviews:,} reviews)")
    prov = Provenance.measured(source or spec.source, rows=result.items, note=note)
    ci = ((result.ci_low, result.ci_high) if result.ci_low is not None
          and result.ci_high is not None else None)
    interval = (f" (95 % interval {_num(result.ci_low)} to {_num(result.ci_high)})"
                if ci else "")
    what = f"{stat} {_num(result.value)}{interval} on {result.items:,} items"
    if figure is None or figure != figure:
        return Gate(f"{name} ({stat})", "fail", threshold=f">= {spec.min_agreement:g}",
                    source=path, provenance=prov,
                    detail=f"{what}: no value (too few items reviewed twice, or every review "
                           "gave the same label)")
    verdict: Verdict = "pass" if figure >= spec.min_agreement else "fail"
    on = "the lower end of its interval" if spec.bound == "ci_low" else "the estimate"
    detail = (f"{what}; raw agreement {_num(result.observed, 2)}; {on} against the floor"
              + ("" if verdict == "pass" else
                 ": the reviewers do not agree enough for their labels to be evidence; "
                 "sharpen the review guideline, calibrate on the disagreements, review again"))
    return Gate(f"{name} ({stat})", verdict, figure=round(float(figure), 4),
                threshold=f">= {spec.min_agreement:g}", ci=ci, detail=detail, source=path,
                provenance=prov, extra={"statistic": result.statistic})


def adjudication_gate(final: pd.DataFrame, *, path: str = "evaluation.double_review") -> Gate:
    """Warn while disagreements wait for the adjudicator; pass when every item has a label."""
    pending = int((final.decided_by == "pending").sum())
    decided = int((final.decided_by == "adjudication").sum())
    disagreed = int((~final.agreed).sum())
    verdict: Verdict = "warn" if pending else "pass"
    return Gate("disagreements adjudicated", verdict, figure=pending, threshold="0 pending",
                source=f"{path}.adjudication",
                detail=f"{disagreed:,} items with disagreeing reviews; {decided:,} decided by "
                       f"the adjudicator, {pending:,} pending"
                       + (": decide them in the adjudication file" if pending else ""))


def holdout_gate(check: HoldoutCheck | None, *, declared: bool, problem: str = "") -> Gate:
    """Fail an acceptance on items an iteration tuned on, or outside the held-out test part."""
    name = "accepted on held-out items only"
    path = "evaluation.split"
    if not declared:
        return Gate(name, "warn", source=path, provenance=Provenance.missing(path),
                    detail="no development / test split declared (evaluation.split): the "
                           "acceptance may rest on the items the prompt was tuned on")
    if check is None:
        return Gate(name, "fail", source=path, provenance=Provenance.missing(
            "evaluation.candidates (the experiment log's item and purpose columns)"),
            detail=problem or "the experiment log does not say which items each iteration saw")
    if check.accepted_items == 0:
        return Gate(name, "fail", source=path, figure=0, threshold="0 tuned items",
                    detail=f"no acceptance run of {check.accepted} in the experiment log "
                           "(calls with purpose accept)")
    bad = len(check.overlap) + len(check.outside_test)
    verdict: Verdict = "fail" if bad else "pass"
    parts = []
    if check.overlap:
        parts.append(f"{len(check.overlap):,} of the {check.accepted_items:,} items "
                     f"{check.accepted} was accepted on were seen while tuning (e.g. "
                     f"{', '.join(check.overlap[:3])})")
    if check.outside_test:
        parts.append(f"{len(check.outside_test):,} are not in the test part (e.g. "
                     f"{', '.join(check.outside_test[:3])})")
    detail = ("; ".join(parts) + ": accept on the held-out test items only") if parts else (
        f"{check.accepted} accepted on {check.accepted_items:,} test items that none of the "
        f"iterations saw (they tuned on {check.tuned_items:,} development items)")
    return Gate(name, verdict, figure=bad, threshold="0 tuned or development items",
                detail=detail, source=path,
                provenance=Provenance.measured("experiment log", rows=check.accepted_items,
                                               note="acceptance calls"))


def comparison_gate(comparison: Comparison, ws: Workspace) -> Gate:
    """Warn when a candidate beats the reference significantly (Holm-corrected)."""
    better = []
    for row in comparison.differences.itertuples():
        if row.p_holm is None or row.p_holm != row.p_holm or row.p_holm >= comparison.alpha:
            continue
        try:
            lower = str(ws.metric(str(row.metric)).direction) == "lower"
        except KeyError:
            lower = "rate" in str(row.metric) or "error" in str(row.metric)
        if (row.difference < 0) == lower:
            better.append(f"{row.candidate} on {row.metric} ({_num(row.difference)}, Holm p "
                          f"{_num(row.p_holm, 2)})")
    verdict: Verdict = "warn" if better else "pass"
    detail = (f"{comparison.comparisons} comparisons with {comparison.reference}, "
              f"Holm-corrected at {comparison.alpha:g}: "
              + ("significantly better: " + "; ".join(better) if better
                 else "no candidate is significantly better"))
    return Gate("candidates compared with the reference", verdict,
                figure=comparison.comparisons, threshold="no candidate significantly better",
                detail=detail, source="evaluation.candidates")


def accepted_version_gate(ws: Workspace, acceptance: Iterable[Gate], candidate: str | None
                          ) -> Gate:
    """Say whether the versions that passed the acceptance are recorded as the accepted ones."""
    name = "accepted versions recorded"
    path = "evaluation.accepted"
    gates = list(acceptance)
    # a criterion within its warning margin still passes the acceptance; a failed one not
    passed = bool(gates) and all(g.verdict != "fail" for g in gates)
    accepted = ws.evaluation.accepted
    if not passed:
        return Gate(name, "warn", source=path, detail="the acceptance has not passed: nothing "
                    "to record yet" + (f" (recorded: {accepted.name})" if accepted else ""))
    if accepted is None:
        return Gate(name, "warn", source=path, figure=candidate,
                    detail=f"the acceptance passed for {candidate or 'the candidate'}; record "
                           "the versions in evaluation.accepted (phase.pin_accepted()), so "
                           "that operation can check production runs them")
    if candidate is not None and accepted.name != candidate:
        return Gate(name, "fail", source=path, figure=accepted.name, threshold=candidate,
                    detail=f"evaluation.accepted names {accepted.name}, but the acceptance "
                           f"ran on {candidate}")
    return Gate(name, "pass", source=path, figure=accepted.name,
                detail=f"{accepted.name} accepted"
                       + (f" on {accepted.accepted_on}" if accepted.accepted_on else ""))


def version_gate(found: Unpinned | None, window: Window | None, ws: Workspace, *,
                 problem: str = "") -> Gate:
    """Fail when the production window runs another version than the accepted one."""
    name = "production runs the accepted versions"
    path = "evaluation.accepted"
    accepted = ws.evaluation.accepted
    if accepted is None:
        return Gate(name, "warn", source=path, provenance=Provenance.missing(path),
                    detail="no accepted versions recorded (evaluation.accepted): nothing to "
                           "check production against")
    if found is None or window is None:
        return Gate(name, "warn", source=path,
                    provenance=Provenance.missing(problem or "the production window"),
                    detail=problem or "no production window to check")
    prov = window.provenance(found.total, "calls with a version")
    extra: dict[str, Any] = {"window": {"source": window.source,
                                        "start": window.start.isoformat(),
                                        "end": window.end.isoformat(), "rows": found.total},
                             "versions": found.runs.to_dict("records")}
    if found.total == 0:
        # no call ran any version: nothing measured, so nothing passes
        return Gate(name, "warn", threshold=f"only {accepted.name}", source=path,
                    provenance=Provenance.missing(f"calls in {window.describe()}"), extra=extra,
                    detail=f"no calls in the window ({window.describe()}): nothing shows "
                           f"which versions production runs")
    if found.rows:
        return Gate(name, "fail", figure=found.rows, threshold=f"only {accepted.name}",
                    source=path, provenance=prov, extra=extra,
                    detail=f"{', '.join(found.versions)} runs since {found.first_day} "
                           f"({found.rows:,} of {found.total:,} calls in {window.describe()}), "
                           f"not the accepted {accepted.name}: evaluate it on the gold set's "
                           "test items before it serves, or roll back")
    return Gate(name, "pass", figure=0, threshold=f"only {accepted.name}", source=path,
                provenance=prov, extra=extra,
                detail=f"all {found.total:,} calls in {window.describe()} ran {accepted.name}")


def rate_gate(r: Rate | None, limit: Limit | None, path: str, *, source: str = "",
              problem: str = "") -> Gate:
    """Compare a safety rate (its estimate or upper bound) with its limit."""
    name = r.name if r is not None else path.rsplit(".", 1)[-1].replace("_", " ")
    if r is None or r.n == 0:
        return Gate(name, "warn", source=path, provenance=Provenance.missing(source or path),
                    detail=problem or "nothing measured: no cases or outputs to count")
    prov = Provenance.measured(source or path, rows=r.n)
    ci = (r.ci_low, r.ci_high) if r.ci_low is not None and r.ci_high is not None else None
    text = (f"{r.detail}: {_num(r.value)} (95 % interval {_num(r.ci_low)} to "
            f"{_num(r.ci_high)})")
    if limit is None:
        # a figure with no criterion has passed nothing (as agreement_gate with no floor)
        return Gate(name, "warn", figure=round(float(r.value or 0), 4), ci=ci, source=path,
                    provenance=prov,
                    detail=f"{text}; no limit in aipo.yaml: add {path} (e.g. max: 0.02)")
    figure = r.bound(limit.bound)
    assert figure is not None  # n > 0
    verdict: Verdict = "pass" if figure <= limit.max else "fail"
    on = " (upper end of the interval)" if limit.bound == "ci_high" else ""
    return Gate(name, verdict, figure=round(float(figure), 4), threshold=f"<= {limit.max:g}",
                ci=ci, source=path, provenance=prov, detail=f"{text}{on}")
