"""The plan of the 90 days against the calendar: the day of the 90, milestones, overdue ones.

Day 1 is ``product.start_date``; the discovery decision is due on day 30, the experiments
decision on day 60, the rollout decision on day 90, and operation follows. :func:`timeline`
places every milestone and rollout stage on that calendar as of a date (plain data for the
pages, ``aipo status`` and the sidebar); :func:`plan_gates` turns it into gates:

* ``plan on schedule``: the day of the 90 and the milestones done; warns when the product is
  still in a phase whose decision was due more than ``plan.grace_days`` ago;
* one gate per open milestone past its due date: a warning, or a failure once a *blocking*
  milestone is overdue by more than ``plan.grace_days``;
* a done milestone whose evidence (a gate) fails in the latest run warns: done on paper only.

The gates check the workspace file itself against the date, so their provenance is ``config``.

Examples
--------
>>> import datetime as dt
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({
...     "product": {"name": "x", "owner": "Jana", "phase": "experiments",
...                 "start_date": "2026-09-01"},
...     "plan": {"grace_days": 3, "milestones": [
...         {"id": "M1", "title": "Gold set labelled", "phase": "experiments",
...          "due": "2026-10-01", "owner": "Ali", "blocking": True}]}})
>>> day_of_90(ws.product.start_date, dt.date(2026, 10, 6))
36
>>> for g in plan_gates(ws, dt.date(2026, 10, 6)):
...     print(g.name, g.verdict, g.figure, sep=" | ")
plan on schedule | pass | day 36 of 90
milestone M1: Gold set labelled | fail | 5 days overdue
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

from aipo_widgets.evidence import Gate, Provenance, Verdict
from aipo_widgets.model.artefacts import parse_artefact
from aipo_widgets.model.schema import Workspace

__all__ = [
    "DAYS",
    "PHASE_DAYS",
    "MilestoneState",
    "Timeline",
    "day_of_90",
    "find_gate",
    "phase_window",
    "plan_gates",
    "timeline",
]

#: The length of the plan, in days.
DAYS = 90
#: The first and last day of each phase of the 90 (operation has no last day).
PHASE_DAYS: dict[str, tuple[int, int | None]] = {
    "discovery": (1, 30), "experiments": (31, 60), "rollout": (61, 90), "operate": (91, None),
}
_ORDER = {p: i for i, p in enumerate(PHASE_DAYS)}


def day_of_90(start: dt.date | None, as_of: dt.date) -> int | None:
    """Return the day of the plan ``as_of`` falls on (day 1 is ``start``), or None.

    Days before the start are 0 or negative; days after the 90 keep counting (day 127).

    Examples
    --------
    >>> day_of_90(dt.date(2026, 8, 3), dt.date(2026, 8, 3)), day_of_90(None, dt.date.today())
    (1, None)
    """
    return None if start is None else (as_of - start).days + 1


def phase_window(start: dt.date, phase: str) -> tuple[dt.date, dt.date | None]:
    """Return the first and last day of a phase on the calendar (last None for operation).

    Examples
    --------
    >>> phase_window(dt.date(2026, 8, 3), "rollout")
    (datetime.date(2026, 10, 2), datetime.date(2026, 10, 31))
    """
    first, last = PHASE_DAYS[phase]
    return (start + dt.timedelta(days=first - 1),
            None if last is None else start + dt.timedelta(days=last - 1))


def find_gate(evidence: Mapping[str, Any] | None, name: str,
              phase: str | None = None) -> dict[str, Any] | None:
    """Return the gate of that name (and phase) in a run as ``results.json`` holds it, or None.

    Examples
    --------
    >>> run = {"phases": [{"phase": "rollout", "gates": [{"name": "go / no-go"}]}]}
    >>> find_gate(run, "go / no-go")["name"], find_gate(run, "go / no-go", "operate")
    ('go / no-go', None)
    """
    for ph in (evidence or {}).get("phases", []) or []:
        if ph.get("status") == "error" or (phase and ph.get("phase") != phase):
            continue
        for g in ph.get("gates") or []:
            if g.get("name") == name:
                return {**g, "phase": g.get("phase") or ph.get("phase")}
    return None


@dataclass
class MilestoneState:
    """Where one milestone stands on a date.

    Attributes
    ----------
    state : {"done", "dropped", "overdue", "due", "open"}
        ``due`` is an open milestone due within the next 7 days.
    days_late : int
        Days past the due date (open milestones), or how late it was done (done ones); 0 when
        on time.
    evidence_verdict : str or None
        The verdict of the evidencing gate in the latest run, where the evidence is a gate.
    """

    id: str
    title: str
    phase: str
    due: dt.date
    owner: str
    status: str
    blocking: bool
    evidence: str | None
    done_on: dt.date | None
    state: str
    days_late: int
    evidence_verdict: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Return the state as a JSON-ready dict."""
        d = asdict(self)
        d["due"] = self.due.isoformat()
        d["done_on"] = self.done_on.isoformat() if self.done_on else None
        return d


@dataclass
class Timeline:
    """The product's 90 days on the calendar, as of a date (plain data, see :meth:`to_view`).

    Attributes
    ----------
    day : int or None
        The day of the 90 ``as_of`` falls on (None without a start date).
    phases : list of dict
        Each phase's name, first and last day (dates), and whether it is the current one.
    milestones : list of MilestoneState
        By due date.
    stages : list of dict
        The rollout stages with a start: id, name, status, start and earliest end.
    """

    product: str
    phase: str
    start: dt.date | None
    as_of: dt.date
    day: int | None
    grace_days: int
    phases: list[dict[str, Any]] = field(default_factory=list)
    milestones: list[MilestoneState] = field(default_factory=list)
    stages: list[dict[str, Any]] = field(default_factory=list)

    @property
    def day_label(self) -> str:
        """The day in words: "day 47 of 90", "day 127 (37 after the 90)", "not started"."""
        if self.day is None:
            return "no start date"
        if self.day < 1:
            return f"starts in {1 - self.day} days"
        if self.day <= DAYS:
            return f"day {self.day} of {DAYS}"
        return f"day {self.day} ({self.day - DAYS} after the {DAYS})"

    @property
    def overdue(self) -> list[MilestoneState]:
        """The open milestones past their due date, the most overdue first."""
        return sorted((m for m in self.milestones if m.state == "overdue"),
                      key=lambda m: -m.days_late)

    @property
    def next_open(self) -> MilestoneState | None:
        """The open milestone due next (not yet overdue), or None."""
        upcoming = [m for m in self.milestones if m.state in ("due", "open")]
        return upcoming[0] if upcoming else None

    def to_view(self) -> dict[str, Any]:
        """Return the timeline as plain JSON-ready data (for figures, pages and the sidebar)."""
        def iso(d: dt.date | None) -> str | None:
            return d.isoformat() if d else None

        return {
            "product": self.product, "phase": self.phase, "start": iso(self.start),
            "as_of": self.as_of.isoformat(), "day": self.day, "day_label": self.day_label,
            "days": DAYS, "grace_days": self.grace_days,
            "phases": [{**p, "start": iso(p["start"]), "end": iso(p["end"])}
                       for p in self.phases],
            "milestones": [m.to_dict() for m in self.milestones],
            "stages": [{**s, "start": iso(s["start"]), "end": iso(s["end"])}
                       for s in self.stages],
            "done": sum(m.state == "done" for m in self.milestones),
            "total": sum(m.state != "dropped" for m in self.milestones),
        }


def _state(m: Any, as_of: dt.date) -> tuple[str, int]:
    if m.status == "dropped":
        return "dropped", 0
    if m.status == "done":
        late = (m.done_on - m.due).days if m.done_on else 0
        return "done", max(late, 0)
    late = (as_of - m.due).days
    if late > 0:
        return "overdue", late
    return ("due" if late >= -7 else "open"), 0


def timeline(ws: Workspace, as_of: dt.date, *,
             evidence: Mapping[str, Any] | None = None) -> Timeline:
    """Place the workspace's plan on the calendar as of a date.

    Parameters
    ----------
    ws : Workspace
        The workspace (its start date, phase, plan and rollout stages).
    as_of : datetime.date
        Today, for the plan.
    evidence : dict, optional
        The latest run (as ``results.json`` holds it, with earlier phases filled in): the
        verdicts of the gates that evidence milestones are read from it.

    Returns
    -------
    Timeline
    """
    start = ws.product.start_date
    phases = []
    if start is not None:
        for name in PHASE_DAYS:
            first, last = phase_window(start, name)
            phases.append({"name": name, "start": first, "end": last,
                           "current": name == ws.product.phase})
    milestones = []
    for m in sorted(ws.plan.milestones, key=lambda m: (m.due, m.id)):
        state, late = _state(m, as_of)
        verdict = None
        if m.evidence:
            art = parse_artefact(m.evidence)
            if art.kind == "gate":
                gate = find_gate(evidence, art.name, art.phase)
                verdict = gate.get("verdict") if gate else None
        milestones.append(MilestoneState(
            m.id, m.title, str(m.phase), m.due, m.owner, m.status, m.blocking, m.evidence,
            m.done_on, state, late, verdict))
    stages = []
    for s in ws.rollout.stages:
        if s.start is None:
            continue
        stages.append({"id": s.id, "name": s.name, "status": s.status, "start": s.start,
                       "end": s.start + dt.timedelta(days=s.min_duration_days)})
    return Timeline(ws.product.name, str(ws.product.phase), start, as_of,
                    day_of_90(start, as_of), ws.plan.grace_days, phases, milestones, stages)


def plan_gates(ws: Workspace, as_of: dt.date, *,
               evidence: Mapping[str, Any] | None = None) -> list[Gate]:
    """Return the plan's gates as of a date (see the module's docstring).

    Parameters
    ----------
    ws : Workspace
        The workspace.
    as_of : datetime.date
        The date the plan is judged on.
    evidence : dict, optional
        The latest run, for milestones evidenced by a gate.

    Returns
    -------
    list of Gate
        ``plan on schedule`` first, then one gate per overdue milestone and per done milestone
        whose evidencing gate fails. A workspace without a start date and milestones gets none.
    """
    t = timeline(ws, as_of, evidence=evidence)
    if t.start is None and not t.milestones:
        return []
    grace = t.grace_days
    gates = [_schedule_gate(ws, t)]
    for m in t.overdue:
        where = f"plan.milestones[{m.id}]"
        blocked = m.blocking and m.days_late > grace
        who = f"owner {m.owner}" if m.owner else "no owner named"
        if blocked:
            why = (f"blocking, {m.days_late} days overdue, more than the {grace} days of grace; "
                   f"{who}: reach it, or move its due date with a reason")
        elif m.blocking:
            why = (f"blocking: fails after {grace} days of grace "
                   f"({(m.due + dt.timedelta(days=grace + 1)).isoformat()}); {who}")
        else:
            why = f"{who}: reach it, drop it, or move its due date"
        gates.append(Gate(f"milestone {m.id}: {m.title}", "fail" if blocked else "warn",
                          figure=f"{m.days_late} days overdue",
                          threshold=f"due {m.due.isoformat()}", detail=why, source=where,
                          provenance=Provenance.config(where),
                          extra={"milestone": m.id, "owner": m.owner}))
    for m in t.milestones:
        if m.state == "done" and m.evidence_verdict == "fail":
            where = f"plan.milestones[{m.id}]"
            gates.append(Gate(
                f"milestone {m.id}: {m.title}", "warn", figure="done, evidence fails",
                threshold=f"{m.evidence} passes",
                detail=f"marked done, but {parse_artefact(m.evidence or '').label} fails in the "
                       "latest run", source=where, provenance=Provenance.config(where),
                extra={"milestone": m.id, "owner": m.owner}))
    return gates


def _schedule_gate(ws: Workspace, t: Timeline) -> Gate:
    done, total = sum(m.state == "done" for m in t.milestones), sum(
        m.state != "dropped" for m in t.milestones)
    parts = [f"{done} of {total} milestones done"] if total else ["no milestones in the plan"]
    if t.overdue:
        parts.append(f"{len(t.overdue)} overdue ({', '.join(m.id for m in t.overdue)})")
    nxt = t.next_open
    if nxt is not None:
        parts.append(f"next: {nxt.id} {nxt.title}, due {nxt.due.isoformat()}"
                     + (f" ({nxt.owner})" if nxt.owner else ""))
    verdict: Verdict = "pass"
    if t.start is None:
        verdict = "warn"
        parts.insert(0, "no product.start_date: the plan has no day 1")
    else:
        last = PHASE_DAYS[t.phase][1]
        if last is not None and t.day is not None and t.day > last + t.grace_days:
            end = phase_window(t.start, t.phase)[1]
            assert end is not None
            verdict = "warn"
            parts.insert(0, f"the {t.phase} decision was due on day {last} "
                            f"({end.isoformat()}), {t.day - last} days ago")
    return Gate("plan on schedule", verdict, figure=t.day_label,
                threshold=f"{t.phase} decision by day {PHASE_DAYS[t.phase][1]}"
                if PHASE_DAYS[t.phase][1] else "in operation",
                detail="; ".join(parts), source="plan",
                provenance=Provenance.config("product.start_date"),
                extra={"day": t.day})
