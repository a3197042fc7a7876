"""Drift per column as small multiples: reference against current, with the figures and verdict.

:func:`drift_svg` draws the plain data of
:meth:`aipo_widgets.analysis.drift.DriftReport.to_dict`: one panel per column, the share of
rows in each bin of the reference (blue) beside the current window (orange), the column's PSI
and KS (or chi-square) figure and its verdict in a word; the drifted columns first. Where the
run ledger holds the column's PSI of earlier runs, the panel lists them, oldest first.
Evidently's data-drift report shows the same per column (https://docs.evidentlyai.com/).

Examples
--------
>>> col = {"column": "temp", "kind": "numeric", "psi": 0.31, "ks": 0.2, "chi2_pvalue": None,
...        "bins": ["[-inf, 1)", "[1, 2)", "[2, inf)"], "edges": [1.0, 2.0],
...        "ref_counts": [30, 40, 30], "cur_counts": [10, 30, 60], "verdict": "drift",
...        "rule": "PSI 0.31 >= 0.25"}
>>> report = {"verdict": "drift", "n_drifted": 1, "share_drifted": 1.0, "columns": [col]}
>>> svg = drift_svg(report, history={"temp": [0.02, 0.05]})
>>> svg.count('class="ref"'), svg.count('class="cur"')
(3, 3)
>>> drift_alt(report)
'Drift per column: 1 of 1 columns drifted (temp).'
>>> "No column was compared" in drift_svg({"columns": []})
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from aipo_widgets.figures._axes import MUTED, Panel, empty_svg, finite, label
from aipo_widgets.figures._svg import Svg, clip, esc
from aipo_widgets.figures.tokens import PALETTE, TEXT

__all__ = ["CURRENT", "REFERENCE", "drift_alt", "drift_svg"]

#: The two windows: told apart by colour (Okabe-Ito blue and orange) and by position (the
#: reference's bar always left of the current one), and named in the legend.
REFERENCE, CURRENT = PALETTE["blue"], PALETTE["orange"]
_WORD = {"ok": ("ok", TEXT["good"]), "warn": ("WARN", TEXT["warning"]),
         "drift": ("DRIFT", TEXT["warning"])}
_ORDER = {"drift": 0, "warn": 1, "ok": 2}
_PER_ROW, _PANEL_W, _PANEL_H, _TOP = 3, 256, 178, 58
#: Panels drawn at most (the worst columns); the rest are counted in words.
MAX_PANELS = 12


def drift_alt(report: Mapping[str, Any]) -> str:
    """Return a one-sentence text alternative: how many columns drifted, and which."""
    cols = list(report.get("columns") or [])
    drifted = [c["column"] for c in cols if c.get("verdict") == "drift"]
    warned = [c["column"] for c in cols if c.get("verdict") == "warn"]
    text = f"Drift per column: {len(drifted)} of {len(cols)} columns drifted"
    text += f" ({', '.join(drifted)})" if drifted else ""
    if warned:
        text += f"; warnings on {', '.join(warned)}"
    return text + "."


def _figures(c: Mapping[str, Any]) -> str:
    parts = [f"PSI {label(c.get('psi'))}"]
    if c.get("kind") == "numeric":
        parts.append(f"KS {label(c.get('ks'))}")
    elif finite(c.get("chi2_pvalue")) is not None:
        parts.append(f"chi² p {label(c.get('chi2_pvalue'))}")
    return ", ".join(parts)


def _panel(doc: Svg, c: Mapping[str, Any], x0: float, y0: float,
           history: Sequence[float]) -> None:
    word, ink = _WORD.get(str(c.get("verdict")), (str(c.get("verdict")), MUTED))
    doc.text(x0, y0 + 12, clip(str(c["column"]), 24), size=12, weight="bold")
    doc.text(x0 + _PANEL_W - 16, y0 + 12, word, size=11, anchor="end", fill=ink, weight="bold")
    doc.text(x0, y0 + 27, _figures(c), size=10, fill=MUTED)
    ref, cur = list(c.get("ref_counts") or []), list(c.get("cur_counts") or [])
    n_ref, n_cur = sum(ref), sum(cur)
    bins = list(c.get("bins") or [])
    if not bins or not n_ref or not n_cur:
        doc.text(x0, y0 + 60, "no counts to draw", size=10, fill=MUTED)
        return
    p_ref = [k / n_ref for k in ref]
    p_cur = [k / n_cur for k in cur]
    panel = Panel(doc, (x0 + 34, y0 + 36, x0 + _PANEL_W - 16, y0 + 126),
                  (0, len(bins)), (0, max(p_ref + p_cur)))
    panel.y_axis(lambda v: label(v, percent=True), n=3, size=9)
    slot = (panel.right - panel.left) / len(bins)
    bar = max(slot * 0.4, 1)
    for i, name in enumerate(bins):
        x = panel.sx(i) + slot * 0.1
        for share, count, colour, kind, dx in ((p_ref[i], ref[i], REFERENCE, "ref", 0),
                                               (p_cur[i], cur[i], CURRENT, "cur", bar)):
            top = panel.sy(share)
            which = "reference" if kind == "ref" else "current"
            doc.add(f'<rect class="{kind}" x="{x + dx:.1f}" y="{top:.1f}" width="{bar:.1f}" '
                    f'height="{panel.bottom - top:.1f}" fill="{colour}"><title>{esc(name)}: '
                    f"{which} {label(share, percent=True)} ({count:,} rows)</title></rect>")
    doc.line(panel.left, panel.bottom, panel.right, panel.bottom, stroke="#888")
    edges = c.get("edges")
    if c.get("kind") == "numeric" and edges:
        # the inner edges sit between the bins: the first and the last, at their place
        for i in sorted({0, len(edges) - 1}):
            doc.text(panel.sx(i + 1), panel.bottom + 12, label(edges[i]), size=9,
                     anchor="middle", fill=MUTED)
    else:
        width = max(int(slot / 5.5), 1)
        for i, name in enumerate(bins[:8]):
            doc.text(panel.sx(i + 0.5), panel.bottom + 12, clip(str(name), width), size=9,
                     anchor="middle", fill=MUTED)
    earlier = [label(v) for v in history[-4:]]
    if earlier:
        doc.text(x0, y0 + 156, clip("PSI over runs: " + ", ".join(earlier) + ", now "
                                    + label(c.get("psi")), 44), size=9, fill=MUTED)


def drift_svg(report: Mapping[str, Any], *, history: Mapping[str, Sequence[float]] | None = None,
              title: str = "Drift per column: reference against the current window") -> str:
    """Draw each column's reference and current distributions, with its figures and verdict.

    Parameters
    ----------
    report : dict
        :meth:`aipo_widgets.analysis.drift.DriftReport.to_dict`.
    history : dict of str to list of float, optional
        Column -> its PSI in earlier runs, oldest first (the run ledger's ``psi_<column>``).
    title : str
        Heading.

    Returns
    -------
    str
        A complete SVG document, three panels a row (about 780 pixels wide); a picture that
        says so when no column was compared.
    """
    cols = sorted(report.get("columns") or [],
                  key=lambda c: (_ORDER.get(str(c.get("verdict")), 3),
                                 -(finite(c.get("psi")) or 0.0)))
    if not cols:
        return empty_svg(title, "No column was compared: no drift report in this run.")
    shown = cols[:MAX_PANELS]
    rows = -(-len(shown) // _PER_ROW)
    width = 16 + _PER_ROW * _PANEL_W
    height = _TOP + rows * _PANEL_H + (18 if len(cols) > len(shown) else 0)
    doc = Svg(width, height, title=drift_alt(report))
    doc.text(8, 22, title, size=15, weight="bold")
    summary = (f"{report.get('n_drifted', 0)} of {len(cols)} columns drifted; share of rows "
               "per bin:")
    doc.text(8, 42, summary, size=11, fill=MUTED)
    lx = 8 + 7 * len(summary) + 10
    for j, (name, colour) in enumerate((("reference", REFERENCE), ("current window", CURRENT))):
        doc.rect(lx + j * 100, 33, 10, 10, fill=colour)
        doc.text(lx + j * 100 + 14, 42, name, size=11)
    for k, c in enumerate(shown):
        _panel(doc, c, 8 + (k % _PER_ROW) * _PANEL_W, _TOP + (k // _PER_ROW) * _PANEL_H,
               list((history or {}).get(str(c["column"]), [])))
    if len(cols) > len(shown):
        rest = cols[len(shown):]
        doc.text(8, height - 6, f"and {len(rest)} more columns not drawn: "
                 + clip(", ".join(f"{c['column']} ({c.get('verdict')})" for c in rest), 90),
                 size=10, fill=MUTED)
    return doc.to_string()
