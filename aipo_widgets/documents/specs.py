"""Which documents the kit writes, and which of them a workspace calls for.

:data:`DOCUMENTS` lists every document (its template ``playbooks/<name>.md.j2``, title and
reader); :func:`applicable_documents` says, from the workspace's AI Act and GDPR
classification, which apply and why (the technical documentation to a high-risk system, the
FRIA where Art 27 applies, the DPIA where the GDPR screening calls for one, the others always).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class DocumentSpec:
    """One document the kit can render.

    Attributes
    ----------
    name : str
        The template's name (``playbooks/<name>.md.j2``) and the output file's stem.
    title : str
        The document's title.
    reader : str
        Who it is for.
    """

    name: str
    title: str
    reader: str


#: Every document, in the order they are listed and rendered.
DOCUMENTS: dict[str, DocumentSpec] = {d.name: d for d in (
    DocumentSpec("discovery_workshop", "Discovery workshop", "the product team and stakeholders"),
    DocumentSpec("decision_log", "Decision log", "auditors, stakeholders"),
    DocumentSpec("model_card", "Model card", "users, reviewers, auditors"),
    DocumentSpec("ai_act_technical_documentation",
                 "Technical documentation (AI Act Art 11, Annex IV)",
                 "market-surveillance authorities, notified bodies, compliance"),
    DocumentSpec("fria", "Fundamental-rights impact assessment (AI Act Art 27)",
                 "the deployer's legal team, the market-surveillance authority"),
    DocumentSpec("dpia", "Data protection impact assessment (GDPR Art 35)",
                 "the data protection officer, the supervisory authority"),
    DocumentSpec("rollout_plan", "Rollout plan", "operations, stakeholders"),
    DocumentSpec("kill_switch_and_fallback", "Kill switch and fallback", "operations, on-call"),
    DocumentSpec("incident_playbook", "Incident playbook", "on-call, legal, the DPO"),
    DocumentSpec("go_live_checklist", "Go-live checklist", "the go / no-go meeting"),
    DocumentSpec("impact_report", "Impact report", "management, finance"),
)}



def applicable_documents(ws: Any, classification: Any) -> dict[str, tuple[bool, str]]:
    """Return, per document, whether the workspace calls for it and why.

    The technical documentation applies to a high-risk system; the FRIA where the
    classification carries the Art 27 duty (public bodies and public-service providers, and
    every deployer of Annex III 5(b) and 5(c) systems); the DPIA where the GDPR screening
    finds it required or likely required, or it is recorded as required or done.  The other
    documents apply to every product.

    Examples
    --------
    >>> import datetime as dt
    >>> from aipo_widgets.analysis.compliance import classify_workspace
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}})
    >>> a = applicable_documents(ws, classify_workspace(ws, dt.date(2026, 11, 26)))
    >>> a["model_card"][0], a["fria"][0]
    (True, False)
    """
    c = classification
    out: dict[str, tuple[bool, str]] = {}
    for name in DOCUMENTS:
        out[name] = (True, "every AI product needs it")
    if c.tier == "high_risk":
        own = "provider" in c.roles
        out["ai_act_technical_documentation"] = (True, (
            f"high-risk ({', '.join(c.route)}): Art 11 and Annex IV, applicable from "
            f"{c.tier_applies_from}" + ("" if own else "; the provider draws it up, we keep "
                                        "what we hold and request the rest")))
    else:
        out["ai_act_technical_documentation"] = (False, f"not high-risk ({c.tier_label})")
    fria = [o for o in c.obligations if o.id == "art27_fria"]
    if fria:
        out["fria"] = (True, f"Art 27 applies to us from {fria[0].applies_from}")
    elif c.tier != "high_risk":
        out["fria"] = (False, "no Art 27 duty: the system is not high-risk")
    else:
        out["fria"] = (False, "no Art 27 duty: we are not a public body or public-service "
                       "provider deploying it, and it is not an Annex III 5(b)/5(c) system")
    g = c.gdpr
    if g.dpia in ("required", "likely_required") or g.dpia_decision in ("required", "done"):
        why = (", ".join(g.dpia_triggers) or f"{len(g.edpb_criteria)} EDPB criteria"
               if g.dpia != "not_applicable" else "")
        out["dpia"] = (True, f"DPIA {g.dpia.replace('_', ' ')}"
                       + (f" ({why})" if why else "")
                       + f"; decision recorded: {g.dpia_decision}")
    elif not g.personal_data:
        out["dpia"] = (False, "no personal data processed")
    else:
        out["dpia"] = (False, f"GDPR screening: DPIA {g.dpia.replace('_', ' ')}")
    return out
