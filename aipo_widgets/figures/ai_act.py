"""The AI Act classification as a static SVG picture, drawn from its plain data.

:func:`ai_act_svg` draws the view :func:`aipo_widgets.analysis.ai_act_view.ai_act_view` returns
(the same one the questionnaire widget syncs to the browser): the tier, why, our obligations with
the dates they apply from, and the open questions.

Examples
--------
>>> result = {"tier": "minimal", "tier_label": "Minimal risk", "provisional": True,
...           "route": [], "transparency": [], "tier_applies_from": None, "as_of": "2026-11-01",
...           "legal_signoff_required": False, "signoff_missing": False,
...           "obligations": [], "open_questions": ["is_ai_system"]}
>>> view = {"result": result, "signed_off_by": None, "rulebook": "2024/1689"}
>>> ai_act_svg(view).startswith("<svg")
True
>>> ai_act_alt(view)
'EU AI Act: Minimal risk (provisional); 0 obligations, 1 open questions'
"""

from __future__ import annotations

from typing import Any

from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import PALETTE, TEXT, TIER, TIER_COLOURS

__all__ = ["TIER_COLOURS", "ai_act_alt", "ai_act_svg"]

#: How an unknown tier is drawn (the rulebook is newer than the tokens).
_OTHER_TIER = {"colour": "#999", "ink": "#fff"}


def ai_act_alt(data: dict) -> str:
    """Return a one-sentence text alternative for the picture."""
    r = data["result"]
    prov = " (provisional)" if r["provisional"] else ""
    return (f"EU AI Act: {r['tier_label']}{prov}; {len(r['obligations'])} obligations, "
            f"{len(r['open_questions'])} open questions")


def ai_act_svg(data: dict[str, Any], *, title: str = "EU AI Act classification") -> str:
    """Draw the classification: tier, why, our obligations with their dates, open questions.

    Parameters
    ----------
    data : dict
        What to draw: :func:`aipo_widgets.analysis.ai_act_view.ai_act_view`.
    title : str
        Heading.

    Returns
    -------
    str
        A complete SVG document, 760 pixels wide.
    """
    r = data["result"]
    obligations = r["obligations"][:14]
    height = 150 + 18 * len(obligations) + (18 if len(r["obligations"]) > 14 else 0) + 40
    doc = Svg(760, height, title=ai_act_alt(data))
    doc.text(8, 22, title, size=15, weight="bold")
    tier = TIER.get(r["tier"], _OTHER_TIER)
    doc.rect(8, 34, 300, 34, fill=tier["colour"], rx=4)
    doc.text(18, 57, r["tier_label"] + (" (provisional)" if r["provisional"] else ""), size=14,
             weight="bold", fill=tier["ink"])
    facts = []
    if r["route"]:
        facts.append("route: " + ", ".join(r["route"]))
    if r["transparency"]:
        facts.append("Art 50: " + ", ".join(r["transparency"]))
    if r["tier_applies_from"]:
        facts.append(f"applies from {r['tier_applies_from']}")
    facts.append(f"as of {r['as_of']}")
    doc.text(320, 50, clip("; ".join(facts), 70), size=11, fill="#333")
    sign = ("legal sign-off required" + (": missing" if r["signoff_missing"] else
                                          f": signed off by {data['signed_off_by']}"))
    doc.text(320, 66, sign if r["legal_signoff_required"] else "no legal sign-off required",
             size=11, fill=TEXT["warning"] if r["signoff_missing"] else "#333")
    doc.text(8, 96, f"Our obligations ({len(r['obligations'])})", size=12, weight="bold")
    for j, o in enumerate(obligations):
        y = 116 + 18 * j
        mark = "now" if o["applies_now"] else f"from {o['applies_from']}"
        doc.text(8, y, clip(o["article"], 18), size=10, fill="#555")
        doc.text(130, y, clip(o["text"], 80), size=11)
        doc.text(752, y, mark, size=10, anchor="end", fill=PALETTE["blue"] if o["applies_now"]
                 else "#555")
    y = 116 + 18 * len(obligations)
    if len(r["obligations"]) > 14:
        doc.text(8, y, f"… and {len(r['obligations']) - 14} more", size=10, fill="#555")
        y += 18
    doc.text(8, y + 14, f"Open questions: {len(r['open_questions'])}; rulebook: "
             f"{data['rulebook']}", size=10, fill="#555")
    return doc.to_string()
