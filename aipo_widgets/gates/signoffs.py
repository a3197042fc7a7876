"""Who must sign what off, whether they have, and whether what they signed is still what is there.

Which roles must sign which artefact follows from the workspace (:func:`required_signoffs`):

* ``doc:dpia``, the data protection officer, before experiments: where a DPIA applies (the
  controller seeks the DPO's advice, GDPR Art 35(2));
* ``doc:incident_playbook``, the data protection officer, before rollout: where personal data
  is processed (breach notification, GDPR Art 33, 34, 39);
* ``doc:rollout_plan``, the works council, before rollout: where workers are affected
  (co-determination, BetrVG 87(1) no. 6; AI Act Art 26(7));
* ``doc:ai_act_technical_documentation``, legal, before rollout: high-risk (AI Act Art 11, 16);
* ``doc:fria``, legal, before rollout: where Art 27 applies;
* ``doc:go_live_checklist``, security, before operation: personal data, high-risk or NIS2
  (GDPR Art 32, AI Act Art 15, NIS2 Art 21);
* ``doc:go_live_checklist``, management, before operation: every product (go-live);
* ``doc:impact_report``, management, in operation: the keep, retrain or stop decision;

plus the accountable role of every ``raci`` entry. *Needed by* a phase means: signed before the
product enters it. A sign-off is *stale* when the digest of its artefact now differs from the
one it recorded: the thing changed after it was signed.

:func:`signoff_states` puts each requirement (and each sign-off nobody required) in a state:
approved, conditions, rejected, stale, missing, or unverifiable (the artefact cannot be found
now); :func:`signoff_gates` makes gates of those the current decision depends on:

* approved and current passes; approved with conditions warns with the conditions; rejected
  fails; stale warns ("signed on ..., changed since");
* missing warns while the decision that needs it is not yet overdue ("waiting for: works
  council, since 12 days"), and fails once it is overdue by more than ``plan.grace_days``, or
  when the product already entered the phase it was needed for.

The digests themselves are computed by whoever can see the artefact (a document is rendered by
:mod:`aipo_widgets.documents.signing`); this module reads gates and decisions.

Examples
--------
>>> import datetime as dt
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({
...     "product": {"name": "x", "owner": "Jana", "phase": "experiments",
...                 "start_date": "2026-09-01", "workers_affected": True}})
>>> reqs = required_signoffs(ws)
>>> [(r.artefact, r.role, r.needed_by) for r in reqs]  # doctest: +NORMALIZE_WHITESPACE
[('doc:rollout_plan', 'works_council', 'rollout'),
 ('doc:go_live_checklist', 'management', 'operate')]
>>> states = signoff_states(ws, reqs, {"doc:rollout_plan": "ab" * 32}, dt.date(2026, 10, 20))
>>> states[0].text()
'waiting for: works council, since 19 days'
>>> [(g.name, g.verdict) for g in signoff_gates(ws, states, dt.date(2026, 10, 20))]
[('sign-off: works council on the document rollout_plan', 'warn')]
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from aipo_widgets.evidence import Gate, Provenance, Verdict
from aipo_widgets.gates.plan import PHASE_DAYS, find_gate
from aipo_widgets.model.artefacts import parse_artefact
from aipo_widgets.model.schema import Workspace
from aipo_widgets.model.signoffs import ROLE_LABELS, SignOff, digest_of

__all__ = [
    "Requirement",
    "SignOffState",
    "artefact_digest",
    "decision_content",
    "decision_digest",
    "gate_content",
    "gate_digest",
    "required_signoffs",
    "same_artefact",
    "signoff_gates",
    "signoff_states",
    "workers_affected",
]

_ORDER = {p: i for i, p in enumerate(PHASE_DAYS)}
# The phase whose decision leads into each phase.
_BEFORE = {"experiments": "discovery", "rollout": "experiments", "operate": "rollout",
           "discovery": "discovery"}
_WORKS_COUNCIL = ("works council", "workers' representatives", "betriebsrat", "staff council")


@dataclass(frozen=True)
class Requirement:
    """A sign-off the workspace calls for.

    Attributes
    ----------
    artefact : str
        What must be signed (``doc:dpia``, ...).
    role : str
        Who must sign it.
    needed_by : str
        The phase it must be signed before the product enters.
    why : str
        The rule, with its source.
    source : {"kit", "raci"}
        The kit's rule, or the workspace's RACI.
    """

    artefact: str
    role: str
    needed_by: str
    why: str
    source: str = "kit"


def workers_affected(ws: Workspace) -> bool:
    """Whether the product affects how employees work (so the works council signs).

    ``product.workers_affected`` when it is set; otherwise yes when the AI Act answers say it is
    used at the workplace, or a works council (or staff council) is among the stakeholders.

    Examples
    --------
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y",
    ...     "stakeholders": [{"role": "Works council", "name": "Betriebsrat"}]}})
    >>> workers_affected(ws)
    True
    """
    said = ws.product.workers_affected
    if said is not None:
        return said
    if ws.compliance.ai_act.answers.get("used_at_workplace") is True:
        return True
    return any(any(w in s.role.lower() for w in _WORKS_COUNCIL) for s in ws.product.stakeholders)


def required_signoffs(ws: Workspace, classification: Any = None, *,
                      applicable: Mapping[str, bool] | None = None) -> list[Requirement]:
    """Return the sign-offs the workspace calls for (the table in the module's docstring).

    Parameters
    ----------
    ws : Workspace
        The workspace.
    classification : aipo_widgets.analysis.compliance.Classification, optional
        Its AI Act and GDPR classification (tier, personal data); without it, personal data is
        read from the data map and the tier is taken as not high-risk.
    applicable : mapping, optional
        Document name -> whether the workspace calls for it (``aipo docs``' rules); the DPIA,
        the technical documentation and the FRIA are required only where they apply.

    Returns
    -------
    list of Requirement
        The kit's rules first, then the RACI's accountable roles; each artefact and role once.
    """
    applies = dict(applicable or {})
    personal = (bool(getattr(getattr(classification, "gdpr", None), "personal_data", False))
                or any(s.personal_data for s in ws.data_map.sources))
    high_risk = getattr(classification, "tier", "") == "high_risk"
    reqs: list[Requirement] = []
    if applies.get("dpia"):
        reqs.append(Requirement("doc:dpia", "data_protection_officer", "experiments",
                                "a DPIA applies; the controller seeks the DPO's advice on it "
                                "(GDPR Art 35(2))"))
    if personal:
        reqs.append(Requirement("doc:incident_playbook", "data_protection_officer", "rollout",
                                "personal data: breaches are notified within 72 hours and the "
                                "DPO is involved (GDPR Art 33, 34, 39)"))
    if workers_affected(ws):
        reqs.append(Requirement("doc:rollout_plan", "works_council", "rollout",
                                "workers are affected: co-determination before the system is "
                                "introduced (BetrVG 87(1) no. 6; AI Act Art 26(7))"))
    if applies.get("ai_act_technical_documentation"):
        reqs.append(Requirement("doc:ai_act_technical_documentation", "legal", "rollout",
                                "high-risk: technical documentation before it is put into "
                                "service (AI Act Art 11, 16)"))
    if applies.get("fria"):
        reqs.append(Requirement("doc:fria", "legal", "rollout",
                                "a fundamental-rights impact assessment before first use "
                                "(AI Act Art 27)"))
    if personal or high_risk or ws.compliance.nis2:
        reqs.append(Requirement("doc:go_live_checklist", "security", "operate",
                                "security of processing reviewed before go-live (GDPR Art 32; "
                                "AI Act Art 15; NIS2 Art 21)"))
    reqs.append(Requirement("doc:go_live_checklist", "management", "operate",
                            "the go-live decision"))
    if ws.product.phase == "operate":
        reqs.append(Requirement("doc:impact_report", "management", "operate",
                                "in operation: the keep, retrain or stop decision rests on the "
                                "impact report"))
    for r in ws.raci:
        if r.accountable and not any(same_artefact(q.artefact, r.artefact)
                                     and q.role == r.accountable for q in reqs):
            reqs.append(Requirement(r.artefact, r.accountable, str(r.needed_by),
                                    "accountable in the RACI", source="raci"))
    return reqs


def same_artefact(a: str, b: str) -> bool:
    """Whether two references name the same artefact (a gate's phase may be left out).

    Examples
    --------
    >>> same_artefact("gate:go / no-go", "gate:rollout:go / no-go")
    True
    >>> same_artefact("gate:operate:x", "gate:rollout:x")
    False
    """
    x, y = parse_artefact(a), parse_artefact(b)
    return (x.kind, x.name) == (y.kind, y.name) and (
        x.phase is None or y.phase is None or x.phase == y.phase)


def gate_content(gate: Mapping[str, Any]) -> dict[str, Any]:
    """Return what signing a gate signs: its figure and evidence.

    The gate's name, phase, verdict, figure, threshold and interval, and where its figure came
    from (provenance without the run id); not its detail text, which may count days.
    """
    prov = {k: v for k, v in (gate.get("provenance") or {}).items() if k != "run"}
    return {"name": gate.get("name"), "phase": gate.get("phase"),
            "verdict": gate.get("verdict"), "figure": gate.get("figure"),
            "threshold": gate.get("threshold"), "ci": gate.get("ci"), "provenance": prov}


def gate_digest(gate: Mapping[str, Any]) -> str:
    """Return the digest of a gate's :func:`gate_content`.

    Examples
    --------
    >>> g = {"name": "go / no-go", "phase": "rollout", "verdict": "pass", "figure": "go",
    ...      "threshold": "no failed gate", "detail": "go"}
    >>> gate_digest(g) == gate_digest({**g, "detail": "go, checked again"})
    True
    >>> gate_digest(g) == gate_digest({**g, "verdict": "warn"})
    False
    """
    return digest_of(gate_content(gate))


def decision_content(ws: Workspace, decision_id: str) -> dict[str, Any] | None:
    """Return a decision-log entry as ``aipo.yaml`` holds it (what signing it signs), or None."""
    for d in ws.decisions:
        if d.id == decision_id:
            return d.model_dump(mode="json")
    return None


def decision_digest(ws: Workspace, decision_id: str) -> str | None:
    """Return the digest of a decision's :func:`decision_content`, or None."""
    content = decision_content(ws, decision_id)
    return None if content is None else digest_of(content)


def artefact_digest(ws: Workspace, ref: str, evidence: Mapping[str, Any] | None) -> str | None:
    """Return the digest of a gate or decision now (None for a document, or when not found)."""
    art = parse_artefact(ref)
    if art.kind == "decision":
        return decision_digest(ws, art.name)
    if art.kind == "gate":
        gate = find_gate(evidence, art.name, art.phase)
        return gate_digest(gate) if gate else None
    return None


@dataclass
class SignOffState:
    """Where one sign-off stands.

    Attributes
    ----------
    state : {"approved", "conditions", "rejected", "stale", "missing", "unverifiable"}
        ``unverifiable``: signed, but the artefact cannot be found now to compare.
    required : bool
        Whether the workspace calls for it (else someone signed of their own accord).
    gated : bool
        Whether the current decision depends on it (it is needed by the next phase or an
        earlier one).
    since : datetime.date or None
        For a missing one: since when it is waited for (the first day of the phase before
        the one it is needed by, on the plan's calendar).
    due : datetime.date or None
        The day the decision that needs it is due (None in operation or without a start date).
    """

    artefact: str
    role: str
    needed_by: str
    why: str
    required: bool
    state: str
    gated: bool
    signed_by: str = ""
    signed_on: dt.date | None = None
    conditions: str = ""
    note: str = ""
    since: dt.date | None = None
    waiting_days: int | None = None
    due: dt.date | None = None
    digest: str | None = None

    @property
    def label(self) -> str:
        """The artefact in words."""
        return parse_artefact(self.artefact).label

    def text(self) -> str:
        """Return the state in one line, e.g. "waiting for: works council, since 12 days"."""
        who = ROLE_LABELS.get(self.role, self.role)
        if self.state == "missing":
            since = f", since {self.waiting_days} days" if self.waiting_days else ""
            return f"waiting for: {who}{since}"
        on = self.signed_on.isoformat() if self.signed_on else ""
        if self.state == "stale":
            return f"stale: {who} signed on {on}; it changed since"
        if self.state == "unverifiable":
            return f"{who} signed on {on}; cannot check: not found now"
        words = {"approved": "approved", "conditions": "approved with conditions",
                 "rejected": "rejected"}[self.state]
        return f"{words} by {who} ({self.signed_by}, {on})"

    def to_dict(self) -> dict[str, Any]:
        """Return the state as a JSON-ready dict (with ``text`` and ``label``)."""
        d = asdict(self)
        for key in ("signed_on", "since", "due"):
            d[key] = d[key].isoformat() if d[key] else None
        d["text"], d["label"] = self.text(), self.label
        return d


def _latest(records: Sequence[SignOff], artefact: str, role: str) -> SignOff | None:
    found = [(s.date, i, s) for i, s in enumerate(records)
             if s.role == role and same_artefact(s.artefact, artefact)]
    return max(found, key=lambda t: (t[0], t[1]))[2] if found else None


def _due(ws: Workspace, needed_by: str) -> dt.date | None:
    """Return the day the decision leading into ``needed_by`` is due (previous phase's last)."""
    start = ws.product.start_date
    first = PHASE_DAYS[needed_by][0]
    if start is None or first <= 1:
        return None
    return start + dt.timedelta(days=first - 2)


def signoff_states(ws: Workspace, requirements: Sequence[Requirement],
                   digests: Mapping[str, str | None], as_of: dt.date, *,
                   digest_on: Callable[[str, dt.date], str | None] | None = None
                   ) -> list[SignOffState]:
    """Return each required sign-off's state, then those of sign-offs nobody required.

    Parameters
    ----------
    ws : Workspace
        The workspace (its sign-offs, phase and start date).
    requirements : sequence of Requirement
        From :func:`required_signoffs`.
    digests : mapping
        Artefact reference -> its digest now (None when it cannot be found, e.g. a gate not in
        the latest run). An artefact missing from the mapping counts as not found.
    as_of : datetime.date
        Today.
    digest_on : callable, optional
        ``digest_on(ref, day)``: a document's digest rendered as of ``day``. A document
        shows dates and ages relative to the day it is rendered, so a sign-off is compared with
        the document as of the day it was signed: it turns stale when the workspace changes,
        not when the calendar does. Without it, ``digests`` (as of ``as_of``) are used.
    """
    current = _ORDER[str(ws.product.phase)]
    start = ws.product.start_date

    def digest_now(ref: str) -> str | None:
        for key, value in digests.items():
            if same_artefact(key, ref):
                return value
        return None

    def state_of(ref: str, role: str, needed_by: str, why: str, required: bool,
                 record: SignOff | None) -> SignOffState:
        gated = _ORDER[needed_by] <= current + 1
        due = _due(ws, needed_by)
        now = digest_now(ref)
        s = SignOffState(ref, role, needed_by, why, required, "missing", gated, due=due,
                         digest=now)
        if record is None:
            if start is not None:
                since = start + dt.timedelta(days=PHASE_DAYS[_BEFORE[needed_by]][0] - 1)
                s.since = min(since, as_of)
                s.waiting_days = (as_of - s.since).days
            return s
        if digest_on is not None and record.artefact.startswith("doc:"):
            now = s.digest = digest_on(record.artefact, record.date)
        s.signed_by, s.signed_on = record.name, record.date
        s.conditions, s.note = record.conditions, record.note
        if record.verdict == "rejected":
            s.state = "rejected"
        elif now is None:
            s.state = "unverifiable"
        elif now != record.sha256:
            s.state = "stale"
        else:
            s.state = record.verdict
        return s

    out = [state_of(r.artefact, r.role, r.needed_by, r.why, True,
                    _latest(ws.signoffs, r.artefact, r.role)) for r in requirements]
    for rec in ws.signoffs:
        if any(o.role == rec.role and same_artefact(o.artefact, rec.artefact) for o in out):
            continue
        latest = _latest(ws.signoffs, rec.artefact, rec.role)
        out.append(state_of(rec.artefact, rec.role, str(ws.product.phase), "signed voluntarily",
                            False, latest))
    return out


def signoff_gates(ws: Workspace, states: Sequence[SignOffState], as_of: dt.date) -> list[Gate]:
    """Return the gates of the sign-offs the current decision depends on (see the docstring).

    A sign-off nobody required makes a gate only when it was rejected or went stale.
    """
    grace = ws.plan.grace_days
    current = _ORDER[str(ws.product.phase)]
    gates = []
    for s in states:
        if not s.required and s.state not in ("rejected", "stale"):
            continue
        if s.required and not s.gated:
            continue
        who = ROLE_LABELS.get(s.role, s.role)
        name = f"sign-off: {who} on {s.label}"
        where = "signoffs"
        sign = f"aipo signoff '{s.artefact}' --role {s.role} --name NAME"
        on = s.signed_on.isoformat() if s.signed_on else ""
        verdict: Verdict
        if s.state == "missing":
            entered = _ORDER[s.needed_by] <= current
            late = s.due is not None and (as_of - s.due).days > grace
            verdict = "fail" if entered or late else "warn"
            if entered:
                why = f"needed before {s.needed_by}, which the product has entered"
            elif s.due is not None:
                why = f"needed for the {_BEFORE[s.needed_by]} decision due {s.due}"
                if late:
                    why += f", more than {grace} days ago"
            else:
                why = f"needed before {s.needed_by}"
            detail = f"{s.text()}; {why} ({s.why}); sign with: {sign}"
            figure = f"waiting {s.waiting_days} days" if s.waiting_days else "missing"
        elif s.state == "rejected":
            verdict, figure = "fail", "rejected"
            detail = f"{s.signed_by} ({who}) rejected it on {on}" + (
                f": {s.note}" if s.note else "")
        elif s.state == "stale":
            verdict, figure = "warn", "stale"
            detail = (f"{s.signed_by} signed it on {on}; {s.label} changed since: ask for a "
                      f"new sign-off ({sign})")
        elif s.state == "unverifiable":
            verdict, figure = "warn", "cannot check"
            detail = (f"{s.signed_by} signed it on {on}, but {s.label} is not found now "
                      "(not in the latest run, or no longer applies)")
        elif s.state == "conditions":
            verdict, figure = "warn", "approved with conditions"
            detail = f"{s.signed_by}, {on}: {s.conditions}"
        else:
            verdict, figure = "pass", "approved"
            detail = f"{s.signed_by}, {on}"
        gates.append(Gate(name, verdict, figure=figure,
                          threshold=f"signed before {s.needed_by}", detail=detail,
                          source=where, provenance=Provenance.config(where),
                          extra={"artefact": s.artefact, "role": s.role}))
    return gates

