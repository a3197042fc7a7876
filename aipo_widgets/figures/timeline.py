r"""The 90 days as a timeline with today's marker: the phases, the milestones, the stages.

Drawn from the plain data of :meth:`aipo_widgets.gates.plan.Timeline.to_view` (a dict), as
text for ``aipo status`` and as SVG for the status page and the notebooks. Each milestone's
mark says its state in a word as well as a colour: done, late, due, open.

Examples
--------
>>> view = {"product": "x", "phase": "experiments", "start": "2026-09-01",
...         "as_of": "2026-10-06", "day": 36, "day_label": "day 36 of 90", "days": 90,
...         "phases": [{"name": n, "start": s, "end": e, "current": n == "experiments"}
...                    for n, s, e in [("discovery", "2026-09-01", "2026-09-30"),
...                                    ("experiments", "2026-10-01", "2026-10-30"),
...                                    ("rollout", "2026-10-31", "2026-11-29"),
...                                    ("operate", "2026-11-30", None)]],
...         "milestones": [{"id": "M1", "title": "Gold set labelled", "due": "2026-10-01",
...                         "owner": "Ali", "state": "overdue", "days_late": 5,
...                         "blocking": True, "phase": "experiments"}],
...         "stages": [], "done": 0, "total": 1, "grace_days": 3}
>>> print("\n".join(timeline_text(view, width=45)))
Plan: day 36 of 90, phase experiments, 0 of 1 milestones done
  |discovery---|experiments--|rollout-----|ope>
               !
                  ^ today 2026-10-06
  LATE  M1   due 2026-10-01  Gold set labelled (Ali), 5 days overdue, blocking
>>> timeline_svg(view).startswith("<svg")
True
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from aipo_widgets.figures._svg import Svg, clip
from aipo_widgets.figures.tokens import PALETTE

__all__ = ["STATE_WORDS", "timeline_alt", "timeline_svg", "timeline_text"]

#: A milestone's state in a word (colour is never the only signal).
STATE_WORDS = {"done": "done", "overdue": "LATE", "due": "due", "open": "open",
               "dropped": "dropped"}
_MARKS = {"done": "*", "overdue": "!", "due": "o", "open": "o", "dropped": "x"}
# Okabe-Ito, colour-blind safe.
# a milestone's state -> its colour; the state is always written beside it
_COLOURS = {"done": PALETTE["bluish_green"], "overdue": PALETTE["vermillion"],
            "due": PALETTE["orange"], "open": PALETTE["blue"], "dropped": PALETTE["grey"]}
_PHASE_FILL = {"discovery": "#e8f1f8", "experiments": "#eef5ea", "rollout": "#fbf1e1",
               "operate": "#f1eef6"}


def _d(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _span(view: Mapping[str, Any]) -> tuple[dt.date, dt.date] | None:
    """Return the first and last day shown: the 90 days, today and every milestone."""
    start = _d(view.get("start"))
    if start is None:
        return None
    end = start + dt.timedelta(days=int(view.get("days", 90)) - 1)
    days = [end, _d(view["as_of"])] + [_d(m["due"]) for m in view.get("milestones", [])]
    last = max(d for d in days if d is not None)
    # Room after the last day for the operation phase (or what runs late) to show.
    return start, last + dt.timedelta(days=10)


def _milestone_line(m: Mapping[str, Any]) -> str:
    word = STATE_WORDS.get(m["state"], m["state"])
    who = f" ({m['owner']})" if m.get("owner") else ""
    late = ""
    if m["state"] == "overdue":
        late = f", {m['days_late']} days overdue"
    elif m["state"] == "done" and m.get("days_late"):
        late = f", done {m['days_late']} days late"
    block = ", blocking" if m.get("blocking") and m["state"] != "done" else ""
    return f"  {word:<5} {m['id']:<4} due {m['due']}  {m['title']}{who}{late}{block}"


def timeline_text(view: Mapping[str, Any], *, width: int = 72) -> list[str]:
    """Return the timeline as lines of text: a phase bar, milestone marks, today, the list.

    Parameters
    ----------
    view : dict
        :meth:`aipo_widgets.gates.plan.Timeline.to_view`.
    width : int, default 72
        Characters for the bar.
    """
    done = (f"{view.get('done', 0)} of {view['total']} milestones done" if view.get("total")
            else "no milestones in the plan")
    head = f"Plan: {view['day_label']}, phase {view['phase']}, {done}"
    lines = [head]
    span = _span(view)
    if span is not None:
        first, last = span
        total = (last - first).days + 1

        def col(day: dt.date) -> int:
            return min(width - 1, max(0, round((day - first).days * (width - 1) / max(total - 1,
                                                                                        1))))

        bar = [" "] * width
        for ph in view.get("phases", []):
            a = col(_d(ph["start"]) or first)
            b = col(_d(ph["end"]) or last) if ph.get("end") else width - 1
            label = "|" + ph["name"]
            segment = (label + "-" * width)[: max(b - a + 1, 1)]
            if not ph.get("end"):
                segment = segment[:-1] + ">"
            bar[a:a + len(segment)] = list(segment)
        marks = [" "] * width
        for m in view.get("milestones", []):
            c = col(_d(m["due"]) or first)
            # The worst state wins a shared column: a late milestone is never hidden.
            if marks[c] != "!":
                marks[c] = _MARKS.get(m["state"], "o")
        today = col(_d(view["as_of"]) or first)
        lines += ["  " + "".join(bar).rstrip(), "  " + "".join(marks).rstrip(),
                  "  " + " " * today + f"^ today {view['as_of']}"]
        if not "".join(marks).strip():
            del lines[-2]
    lines += [_milestone_line(m) for m in view.get("milestones", [])]
    return lines


def timeline_alt(view: Mapping[str, Any]) -> str:
    """Return the picture's text alternative: the day, the phase and what is overdue."""
    late = [m for m in view.get("milestones", []) if m["state"] == "overdue"]
    text = f"Timeline of {view['product']}: {view['day_label']}, phase {view['phase']}"
    if late:
        text += "; overdue: " + ", ".join(f"{m['id']} {m['title']}" for m in late)
    return text + "."


def timeline_svg(view: Mapping[str, Any], *, width: int = 720) -> str:
    """Return the timeline as SVG: phase bands, milestones by due date, today's marker."""
    milestones = list(view.get("milestones", []))
    height = 96 + 18 * len(milestones)
    doc = Svg(width, height, title=timeline_alt(view))
    doc.text(12, 20, f"{view['product']}: {view['day_label']}, phase {view['phase']}",
             size=13, weight="bold")
    span = _span(view)
    if span is None:
        doc.text(12, 44, "No start date: set product.start_date for the timeline.", size=12)
        return doc.to_string()
    first, last = span
    left, right = 12, width - 12
    total = max((last - first).days, 1)

    def x(day: dt.date) -> float:
        return left + (right - left) * (day - first).days / total

    for ph in view.get("phases", []):
        a = x(_d(ph["start"]) or first)
        end = _d(ph.get("end"))
        b = x(end + dt.timedelta(days=1)) if end else right
        doc.rect(a, 30, b - a, 26, fill=_PHASE_FILL.get(ph["name"], "#eee"),
                 stroke="#1a1a1a" if ph.get("current") else "#cccccc",
                 title=f"{ph['name']}: {ph['start']} to {ph.get('end') or 'open'}")
        doc.text(a + 4, 47, clip(ph["name"], max(int((b - a) / 7), 1)), size=11,
                 weight="bold" if ph.get("current") else "normal")
    for s in view.get("stages", []):
        a, b = x(_d(s["start"]) or first), x(_d(s["end"]) or first)
        doc.rect(a, 58, max(b - a, 2), 5, fill=PALETTE["sky_blue"],
                 title=f"stage {s['name']} ({s['status']}): from {s['start']}, at least "
                       f"until {s['end']}")
    for i, m in enumerate(milestones):
        cx, cy = x(_d(m["due"]) or first), 80 + 18 * i
        colour = _COLOURS.get(m["state"], PALETTE["blue"])
        doc.line(cx, 56, cx, cy - 5, stroke="#bbbbbb", dash="2 2")
        doc.add(f'<path d="M{cx:.1f} {cy - 6:.1f} l6 6 l-6 6 l-6 -6 z" fill="{colour}">'
                f"<title>{m['id']}: {STATE_WORDS.get(m['state'], m['state'])}</title></path>")
        label = f"{m['id']} {STATE_WORDS.get(m['state'], m['state'])}: {m['title']}"
        anchor = "end" if cx > (left + right) / 2 else "start"
        doc.text(cx - 10 if anchor == "end" else cx + 10, cy + 4, clip(label, 60), size=11,
                 anchor=anchor, fill="#1a1a1a")
    tx = x(_d(view["as_of"]) or first)
    doc.line(tx, 26, tx, height - 4, stroke=PALETTE["vermillion"], width=2)
    doc.text(min(tx + 4, right - 80), height - 6, f"today, {view['day_label']}", size=11,
             fill=PALETTE["vermillion"], weight="bold")
    return doc.to_string()
