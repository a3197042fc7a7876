"""The obligations that follow from a classification, for our roles, with the dates they apply.

The obligations table and the dates live in the rulebook; each row names the findings (flags)
that trigger it, the roles that bear it and the date key it applies from (``route``: the
high-risk route's date, ``art5``: the date of the Art 5 point found).
"""

from __future__ import annotations

import datetime as dt

from aipo_widgets.analysis.compliance.decision import Decision
from aipo_widgets.analysis.compliance.results import Obligation
from aipo_widgets.analysis.compliance.rulebook import NEW_PROHIBITIONS, DateEntry, Rulebook


def flags(d: Decision) -> set[str]:
    """Return the findings of the walk the obligations table is keyed on."""
    f: set[str] = set()
    tier = d.tier
    if tier != "out_of_scope":
        f.add("in_scope")
    if tier == "prohibited":
        return {"prohibited"}
    if tier == "high_risk":
        f.add("high_risk")
        section_b_only = (
            d.route == ["annex_i"] and d.annex_i is not None and d.annex_i["section"] == "B"
        )
        if section_b_only:
            f.add("high_risk_annex_i_section_b")
        else:
            f.add("high_risk_direct")
        if "annex_iii" in d.route:
            f.add("high_risk_annex_iii")
        f |= d.addons
    if tier == "not_high_risk_by_derogation":
        f.add("derogation")
    if tier == "minimal":
        f.add("minimal")
    if tier != "out_of_scope":
        mapping = {"50(1)": "art50_1", "50(2)": "art50_2", "50(3)": "art50_3",
                   "50(4) deep fake": "art50_4_deep_fake", "50(4) text": "art50_4_text"}
        f |= {mapping[t] for t in d.transparency}
        f.add("legacy_generator" if d.legacy_generator else "not_legacy_generator")
        f |= d.gpai_flags
    if d.gdpr.personal_data:
        f.add("personal_data")
    return f


def route_date(rb: Rulebook, d: Decision) -> DateEntry:
    """Return the earliest date of the high-risk routes found (Annex III if none)."""
    keys = ["annex_iii" if r == "annex_iii" else "annex_i" for r in d.route] or ["annex_iii"]
    return min((rb.dates[k] for k in keys), key=lambda e: e.date)


def art5_date(rb: Rulebook, d: Decision) -> DateEntry:
    """Return the date the Art 5 points found apply from."""
    keys = ["new_prohibitions" if p in NEW_PROHIBITIONS else "prohibitions" for p in d.art5]
    return min((rb.dates[k] for k in keys or ["prohibitions"]), key=lambda e: e.date)


def obligations_for(rb: Rulebook, d: Decision, as_of: dt.date
                    ) -> tuple[list[Obligation], list[Obligation]]:
    """Return (ours, the other operators') obligations, each dated against ``as_of``."""
    found = flags(d)
    ours: list[Obligation] = []
    others: list[Obligation] = []
    for ob in rb.obligations:
        if not all(w in found for w in ob["when"]):
            continue
        if ob["from"] == "route":
            entry = route_date(rb, d)
        elif ob["from"] == "art5":
            entry = art5_date(rb, d)
        else:
            entry = rb.dates[ob["from"]]
        basis = entry.basis + (f"; {ob['basis_note']}" if ob.get("basis_note") else "")
        mine_holders = [h for h in ob["holders"] if h in d.roles]
        if mine_holders:
            # A duty of several of our roles (Art 4 for provider and deployer) is listed once.
            ours.append(Obligation(ob["id"], str(ob["article"]), str(ob["text"]),
                                   ", ".join(mine_holders), entry.date, as_of >= entry.date,
                                   basis, list(ob["when"])))
        for holder in ob["holders"]:
            if holder not in d.roles:
                others.append(Obligation(ob["id"], str(ob["article"]), str(ob["text"]), holder,
                                         entry.date, as_of >= entry.date, basis,
                                         list(ob["when"])))
    # One entry per obligation for the others (a duty shared by several roles shows once).
    # Duties we bear ourselves (e.g. Art 4 for every operator) are not repeated there.
    mine = {o.id for o in ours}
    unique: dict[str, Obligation] = {}
    for o in others:
        if o.id not in mine:
            unique.setdefault(o.id, o)
    return ours, list(unique.values())


def tier_date(rb: Rulebook, d: Decision) -> DateEntry | None:
    """Return the date the tier's core rules apply from (None when out of scope)."""
    t = d.tier
    if t == "prohibited":
        return art5_date(rb, d)
    if t == "high_risk":
        return route_date(rb, d)
    if t == "not_high_risk_by_derogation":
        return rb.dates["annex_iii"]
    if t == "limited":
        if d.transparency == ["50(2)"] and d.legacy_generator:
            return rb.dates["art50_2_legacy"]
        return rb.dates["general"]
    if t == "minimal":
        return rb.dates["prohibitions"]  # Art 4 AI literacy
    return None
