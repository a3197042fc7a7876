"""The legal reporting clocks of an incident that apply to a product (``playbooks/clocks.yaml``).

The incident playbook lists them: AI Act Art 73 (serious incidents of a high-risk system),
GDPR Arts 33 and 34 (personal data breaches), NIS2 Art 23 (significant incidents of essential
and important entities), each with its deadline, who reports to whom, and since when it applies.
"""

from __future__ import annotations

import datetime as dt
import functools
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from aipo_widgets.resources import resource_dir


@dataclass
class Clock:
    """A legal reporting clock that applies to this product.

    Attributes
    ----------
    id, regime, case, deadline, action, to, basis : str
        From ``playbooks/clocks.yaml``.
    hours : int or None
        The deadline in hours, where it is a fixed number of hours.
    applies_from : date
        When the clock applies to this product.
    applies_now : bool
        Whether it does on the as-of date.
    why : str
        Why it applies to this product.
    """

    id: str
    regime: str
    case: str
    deadline: str
    hours: int | None
    action: str
    to: str
    basis: str
    applies_from: dt.date
    applies_now: bool
    why: str

    def to_dict(self) -> dict:
        """Return the clock as a JSON-ready dict."""
        d = asdict(self)
        d["applies_from"] = self.applies_from.isoformat()
        return d


@functools.lru_cache(maxsize=4)
def _clock_data(path: str) -> dict:
    from ruamel.yaml import YAML

    return YAML(typ="safe").load(Path(path).read_text(encoding="utf-8"))


def clocks_file() -> Path:
    """Return the path of the clocks data file (``playbooks/clocks.yaml``)."""
    return resource_dir("playbooks") / "clocks.yaml"


def incident_clocks(ws: Any, classification: Any) -> list[Clock]:
    """Return the reporting clocks that apply to this product, with the dates they apply from.

    AI Act Art 73 clocks apply where the classification carries the serious-incident
    obligation (a high-risk system), from that obligation's date; GDPR Arts 33 and 34 where
    personal data is processed; NIS2 Art 23 where ``compliance.nis2`` is true.

    Parameters
    ----------
    ws : aipo_widgets.model.schema.Workspace
        The workspace.
    classification : aipo_widgets.analysis.compliance.Classification
        Its classification (for the tier, the obligations and the as-of date).

    Returns
    -------
    list of Clock

    Examples
    --------
    >>> import datetime as dt
    >>> from aipo_widgets.analysis.compliance import classify_workspace
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "compliance": {"nis2": True, "gdpr": {"answers": {"personal_data": False}}}})
    >>> [c.deadline for c in incident_clocks(ws, classify_workspace(ws, dt.date(2026, 11, 26)))
    ...  if c.regime == "NIS2"]
    ['24 hours', '72 hours', '1 month']
    """
    data = _clock_data(str(clocks_file()))
    c = classification
    art73 = [o for o in [*c.obligations, *c.other_obligations]
             if o.id == "art73_serious_incidents"]
    holder_note = ""
    if art73 and "provider" not in c.roles:
        holder_note = ("; the provider reports, we inform the provider immediately (Art 26(5)) "
                       "and report ourselves only if the provider cannot be reached")
    out = []
    for raw in data["clocks"]:
        when = raw["when"]
        if when == "ai_act_serious_incident":
            if not art73:
                continue
            start, now = art73[0].applies_from, art73[0].applies_now
            why = (f"{c.tier_label} ({', '.join(c.route) or 'route unknown'}); applies from "
                   f"{start.isoformat()} ({art73[0].date_basis}){holder_note}")
        elif when == "personal_data":
            if not c.gdpr.personal_data:
                continue
            start = dt.date.fromisoformat(str(raw["from"]))
            now = c.as_of >= start
            why = "the product processes personal data (data map)"
        elif when == "nis2":
            if not ws.compliance.nis2:
                continue
            start = dt.date.fromisoformat(str(raw["from"]))
            now = c.as_of >= start
            why = "compliance.nis2 is true (essential or important entity)"
        else:  # pragma: no cover - the data file is ours
            msg = f"clocks.yaml: unknown 'when' {when!r}"
            raise ValueError(msg)
        out.append(Clock(raw["id"], raw["regime"], " ".join(str(raw["case"]).split()),
                         raw["deadline"], raw.get("hours"), " ".join(str(raw["action"]).split()),
                         raw["to"], raw["basis"], start, now, why))
    return out
