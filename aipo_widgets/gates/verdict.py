"""The product's one verdict: the decision that is due in its current phase, and why.

Every surface (``aipo status``, the reports, the stakeholder pages, the documents, the sidebar,
notifications) shows this same verdict, computed here from the workspace and the latest evidence
of each phase. The product's current phase (``product.phase`` in ``aipo.yaml``) decides which
decision is due:

============  =====================================================
phase         decision
============  =====================================================
discovery     continue to experiments, or stop
experiments   continue to rollout, or stop
rollout       go to the next stage, or not
operate       keep it running, retrain it, or pull the kill switch
============  =====================================================

The worst gate of that phase outranks everything else: a product in operation whose kill switch
fired reads "Pull the kill switch" whatever discovery said. Gates of other phases that did not
pass are housekeeping, unless a later phase measured what an earlier one could not (then the
earlier "not measured" warning is superseded and dropped).

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "Jana", "phase": "operate"}})
>>> run = {"id": "r1", "phases": [{"phase": "operate", "gates": [
...     {"name": "data drift", "verdict": "warn", "figure": 0.33,
...      "threshold": "share of drifted columns < 0.3", "detail": "2 of 6 columns drifted"},
...     {"name": "retrain", "verdict": "warn", "figure": "retrain now",
...      "detail": "the data set has drifted"}]}]}
>>> v = overall_verdict(ws, run)
>>> v.decision, v.verdict, v.headline
('retrain', 'warn', 'Retrain needed: drift in 2 of 6 inputs (33% > 30%)')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from aipo_widgets.evidence import VERDICTS, Verdict, rank
from aipo_widgets.figures.card import card_units, reason_phrase
from aipo_widgets.figures.verdict import provenance_text
from aipo_widgets.model.schema import Workspace

__all__ = ["PHASES", "QUESTIONS", "OverallVerdict", "Reason", "overall_verdict", "supersede"]

#: The phases in order, with the day of the 90 on which each one's decision is due.
PHASES = ("discovery", "experiments", "rollout", "operate")
_DUE_DAY = {"discovery": 30, "experiments": 60, "rollout": 90}

#: The question each phase's decision answers.
QUESTIONS = {
    "discovery": "Continue to experiments, or stop?",
    "experiments": "Continue to rollout, or stop?",
    "rollout": "Go to the next stage, or not?",
    "operate": "Keep it running, retrain it, or pull the kill switch?",
}

# The gates that state a phase's decision themselves: they are the verdict, not a reason for it.
_DECISION_GATES = {"continue to rollout", "go / no-go", "retrain"}
_MAX_REASONS = 3


@dataclass(frozen=True)
class Reason:
    """One gate behind the verdict, as a person reads it."""

    phase: str
    name: str
    verdict: str
    detail: str = ""
    source: str = ""
    evidence: str = ""
    summary: str = ""

    @classmethod
    def of(cls, phase: str, gate: Mapping[str, Any],
           units: Mapping[str, Any] | None = None) -> Reason:
        """Build a reason from a gate as ``results.json`` holds it.

        ``units`` are the workspace's (:func:`aipo_widgets.figures.card.card_units`): the
        reason's summary formats its figure in them.
        """
        # Where the figure came from, in the words every surface uses; the run it was recorded
        # in is the phase's (``_run``, filled in by _phase_gates).
        evidence = provenance_text(gate.get("provenance"), str(gate.get("_run") or ""))
        return cls(phase=phase, name=str(gate.get("name", "")),
                   verdict=str(gate.get("verdict", "warn")), detail=str(gate.get("detail") or ""),
                   source=str(gate.get("source") or ""), evidence=evidence,
                   summary=reason_phrase(gate, units))

    def text(self) -> str:
        """Return the reason in a few words: its summary, else its detail, else the gate."""
        return self.summary or self.detail or self.name


@dataclass
class OverallVerdict:
    """The product's verdict: what is decided, by whom, by when, and why.

    Attributes
    ----------
    verdict : {"pass", "warn", "fail"}
        How the decision stands: pass (on track), warn (on track with conditions), fail
        (blocked).
    phase : str
        The product's current phase.
    decision : str
        The decision the evidence points to, e.g. ``"go"``, ``"retrain"``, ``"stop"``.
    question : str
        The decision that is due, as a question.
    headline : str
        The verdict in words, e.g. "Retrain needed: the data set has drifted".
    owner : str
        Who decides (the product owner).
    due : datetime.date or None
        By when (the phase's last day of the 90, where ``product.start_date`` is set).
    blocking : list of Reason
        At most three gates of the current phase behind the verdict: its failures, or where
        none failed, its warnings (the conditions the decision comes with).
    housekeeping : list of Reason
        Everything else that did not pass.
    run : str
        The newest run the evidence comes from ("" when there is none).
    """

    verdict: Verdict
    phase: str
    decision: str
    question: str
    headline: str
    owner: str
    due: dt.date | None = None
    blocking: list[Reason] = field(default_factory=list)
    housekeeping: list[Reason] = field(default_factory=list)
    run: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the verdict as a JSON-ready dict."""
        d = asdict(self)
        d["due"] = self.due.isoformat() if self.due else None
        return d


def _phase_gates(run: Mapping[str, Any] | None) -> dict[str, list[Mapping[str, Any]]]:
    out: dict[str, list[Mapping[str, Any]]] = {}
    for ph in (run or {}).get("phases", []) or []:
        if ph.get("status") == "error":
            continue
        recorded = ph.get("run_id") or (run or {}).get("id") or ""
        out.setdefault(str(ph.get("phase")), []).extend(
            {**g, "_run": recorded} for g in ph.get("gates") or [])
    return out


def _measurement(gate: Mapping[str, Any]) -> str | None:
    """Return the metric a gate measured, or None (not measured, or no metric named).

    A gate measured its metric when its figure's provenance says so, or when it names the
    metric, has a number and no provenance (a stop rule evaluated on the phase's own
    measurements); a typed, carried or missing figure is no measurement.
    """
    metric = (gate.get("extra") or {}).get("metric")
    if not metric:
        return None
    kind = (gate.get("provenance") or {}).get("kind")
    figure = gate.get("figure")
    numeric = isinstance(figure, (int, float)) and not isinstance(figure, bool)
    if kind == "measured" or (kind is None and numeric):
        return str(metric)
    return None


def _measured_metrics(gates: Sequence[Mapping[str, Any]]) -> set[str]:
    return {m for g in gates if (m := _measurement(g))}


def _superseded(gate: Mapping[str, Any], measured_later: set[str]) -> bool:
    kind = (gate.get("provenance") or {}).get("kind")
    metric = (gate.get("extra") or {}).get("metric")
    return kind in ("missing", "typed", "carried") and metric in measured_later


def supersede(run: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Mark the gates whose figure a later phase measured: they are superseded, not open.

    Discovery cannot measure a stop rule's figure that only production shows; once the operate
    phase measured it, discovery's "not measured yet" is no longer true. Such a gate (its
    figure missing, typed or carried, its metric named in ``extra.metric``) gets
    ``superseded_by``: the later phase, gate, figure, verdict and run, so that every surface
    shows the later figure instead of the old warning.

    Parameters
    ----------
    run : dict or None
        The evidence (a run with earlier runs' phases filled in).

    Returns
    -------
    dict or None
        A copy of ``run`` with ``superseded_by`` on the superseded gates.

    Examples
    --------
    >>> run = {"id": "r2", "phases": [
    ...     {"phase": "discovery", "gates": [{"name": "X2", "verdict": "warn", "figure": None,
    ...      "extra": {"metric": "fa"}, "provenance": {"kind": "missing"}}]},
    ...     {"phase": "operate", "gates": [{"name": "X2", "verdict": "fail", "figure": 640.0,
    ...      "extra": {"metric": "fa"}}]}]}
    >>> supersede(run)["phases"][0]["gates"][0]["superseded_by"]
    {'phase': 'operate', 'gate': 'X2', 'figure': 640.0, 'verdict': 'fail', 'run': 'r2'}
    """
    if run is None:
        return None
    order = {p: i for i, p in enumerate(PHASES)}
    later: dict[str, tuple[int, str, Mapping[str, Any]]] = {}  # metric -> newest measurement
    for ph in run.get("phases", []) or []:
        if ph.get("status") == "error":
            continue
        rank_ = order.get(str(ph.get("phase")), -1)
        for g in ph.get("gates") or []:
            metric = _measurement(g)
            if metric and rank_ >= later.get(metric, (-1, "", {}))[0]:
                later[metric] = (rank_, str(ph.get("phase")),
                                 {**g, "run": ph.get("run_id") or run.get("id") or ""})
    phases = []
    for ph in run.get("phases", []) or []:
        rank_ = order.get(str(ph.get("phase")), -1)
        gates = []
        for g in ph.get("gates") or []:
            metric = (g.get("extra") or {}).get("metric")
            found = later.get(str(metric)) if metric else None
            if found and found[0] > rank_ and _superseded(g, {str(metric)}):
                by = found[2]
                g = {**g, "superseded_by": {"phase": found[1], "gate": by.get("name"),
                                            "figure": by.get("figure"),
                                            "verdict": by.get("verdict"), "run": by["run"]}}
            gates.append(g)
        phases.append({**ph, "gates": gates})
    return {**run, "phases": phases}


def _not_measured(gate: Mapping[str, Any]) -> bool:
    return (gate.get("provenance") or {}).get("kind") in ("missing", "typed", "carried")


def _worst(gates: Sequence[Mapping[str, Any]]) -> Verdict:
    ranks = [rank(str(g.get("verdict", "pass"))) for g in gates]
    return VERDICTS[max(ranks)] if ranks else "pass"


def _decide(phase: str, gates: Sequence[Mapping[str, Any]], strict: bool) -> tuple[str, str]:
    """Return (decision, label) from the current phase's gates."""
    by_name = {str(g.get("name")): g for g in gates}
    failed = any(g.get("verdict") == "fail" for g in gates)
    blocked = failed or (strict and any(g.get("verdict") == "warn" for g in gates))
    if phase == "operate":
        if any(str(g.get("name", "")).startswith("kill switch") and g.get("verdict") == "fail"
               for g in gates):
            return "pull the kill switch", "Pull the kill switch"
        retrain = by_name.get("retrain")
        if retrain is not None and retrain.get("verdict") != "pass":
            if retrain.get("figure") == "wait for labels":
                return "retrain when labels arrive", "Retrain once enough labels are in"
            if retrain.get("figure") == "not measured":
                # Neither keep nor retrain is supported: the check lacks its dates or drift.
                return "complete the retrain check", "Retrain check not measured"
            return "retrain", "Retrain needed"
        return ("act on alerts", "Action needed") if blocked else ("keep", "Keep it running")
    if phase == "rollout":
        return ("no-go", "No-go") if blocked else ("go", "Go to the next stage")
    if phase == "experiments":
        return (("stop or rework", "Stop or rework") if blocked
                else ("continue", "Continue to rollout"))
    return (("stop or rework", "Stop or rework") if blocked
            else ("continue", "Continue to experiments"))


def overall_verdict(ws: Workspace, run: Mapping[str, Any] | None, *,
                    as_of: dt.date | None = None, strict: bool | None = None) -> OverallVerdict:
    """Return the product's verdict from its workspace and its latest evidence.

    Parameters
    ----------
    ws : Workspace
        The product's workspace (its phase, owner and start date).
    run : dict or None
        The latest evidence: a run as ``results.json`` holds it, with the phases it did not
        run filled in from earlier runs (``aipo_widgets.runs.results.latest_evidence``).
    as_of : datetime.date, optional
        Unused for now except to say when there is no evidence; the due date comes from
        ``product.start_date``.
    strict : bool, optional
        Whether a warning blocks the decision as a failure does (``aipo run --strict``).
        Default: as the run was made (its ``strict``), so that the page, the documents and
        ``aipo status`` decide as the run (CI) did.
    """
    # The phase's name (a default phase is the enum member itself, whose str() is its repr).
    phase = str(getattr(ws.product.phase, "value", ws.product.phase))
    by_phase = _phase_gates(run)
    owner = ws.product.owner
    due = None
    start = ws.product.start_date
    if start is not None and phase in _DUE_DAY:
        due = start + dt.timedelta(days=_DUE_DAY[phase] - 1)
    question = QUESTIONS.get(phase, "")
    run_id = str((run or {}).get("id") or "")
    units = card_units(ws)
    # Gates about the run itself (a kit phase notebook missing): they weigh on every decision,
    # as they fail CI whatever the phase.
    about_run = [{**g, "_run": run_id} for g in (run or {}).get("gates") or []]
    run_reasons = sorted((Reason.of(str(g.get("phase") or "workspace"), g, units)
                          for g in about_run
                          if g.get("verdict") != "pass"), key=lambda r: -rank(r.verdict))
    current = by_phase.get(phase)
    if not current:
        what = "no run yet" if run is None else f"the {phase} phase has not run"
        return OverallVerdict(
            _worst([{"verdict": "warn"}, *about_run]), phase, "no evidence", question,
            f"No evidence for the {phase} decision: {what}", owner, due, run=run_id,
            blocking=[Reason(phase, f"{phase} phase run", "warn",
                             f"run 'aipo run' for the {phase} phase (as of "
                             f"{(as_of or dt.date.today()).isoformat()})"),
                      *run_reasons][:_MAX_REASONS],
            housekeeping=run_reasons[_MAX_REASONS - 1:])
    current = [*current, *about_run]
    if strict is None:
        strict = bool((run or {}).get("strict", False))
    decision, label = _decide(phase, current, strict)
    order = {p: i for i, p in enumerate(PHASES)}
    measured_after = {p: _measured_metrics([g for q, gs in by_phase.items()
                                            if order.get(q, -1) > order.get(p, -1) for g in gs])
                      for p in by_phase}
    # The reasons behind the verdict: the current phase's worst gates (its failures, or, where
    # nothing failed, its warnings: the conditions a "go" comes with).
    own = [g for g in current if g.get("name") not in _DECISION_GATES]
    blocking_level = max([1] + [rank(str(g.get("verdict"))) for g in own])
    # Worst first; of the same weight, what was measured before what was not (a figure that
    # was not measured is a reason to measure it, rarely the reason for the decision).
    blocking = [r for _, r in sorted(
        ((g, Reason.of(str(g.get("phase") or phase), g, units)) for g in current
         if rank(str(g.get("verdict"))) >= blocking_level and g.get("name") not in
         _DECISION_GATES),
        key=lambda gr: (-rank(gr[1].verdict), _not_measured(gr[0])))]
    if decision == "pull the kill switch" or (decision.startswith("retrain") and not blocking):
        # The gate that states the decision names its own reasons first: the fired kill
        # switch; the retrain check where no other gate says why (its reasons are the drift
        # and the alerts that warn, when they do).
        lead = [Reason.of(phase, g, units) for g in current
                if g.get("name") == "retrain" or (str(g.get("name", "")).startswith("kill switch")
                                                  and g.get("verdict") == "fail")]
        blocking = lead + [r for r in blocking if r not in lead]
    housekeeping = [Reason.of(p, g, units) for p, gs in by_phase.items() for g in gs
                    if g.get("verdict") != "pass" and g.get("name") not in _DECISION_GATES
                    and not _superseded(g, measured_after.get(p, set()))
                    and not (p == phase and rank(str(g.get("verdict"))) >= blocking_level)]
    housekeeping += [r for r in run_reasons if r not in blocking]
    verdict = _worst(current)
    if decision.startswith("retrain") and verdict == "pass":
        verdict = "warn"
    shown = blocking[:_MAX_REASONS]
    reasons = "; ".join(r.text() for r in shown)
    if reasons and verdict == "warn" and not decision.startswith("retrain"):
        label += ", with conditions"
    headline = f"{label}: {reasons}" if reasons else label
    return OverallVerdict(verdict, phase, decision, question, headline, owner, due,
                          blocking=shown, housekeeping=blocking[_MAX_REASONS:] + housekeeping,
                          run=run_id)
