"""What the charts share: rounded axis ticks, value labels in words, a panel with its axes.

The pictures of :mod:`aipo_widgets.figures` draw numbers a person reads: ticks fall on round
values (1, 2 or 5 times a power of ten, the steps of Heckbert's "nice numbers", Graphics Gems
1990), every label goes through :func:`aipo_widgets._text.format_number`, shares are shown as
percentages, and a chart with nothing to draw says so in words (:func:`empty_svg`).

Examples
--------
>>> nice_ticks(0, 0.27)
[0.0, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3]
>>> nice_ticks(-1_234_567, 2_345_678, 4)
[-2000000.0, 0.0, 2000000.0, 4000000.0]
>>> label(0.25, percent=True), label(1234567.8, "EUR"), label(None)
('25%', '1,234,568 EUR', '—')
>>> empty_svg("Drift per column", "No drift measured: no production window.").count("<text")
2
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from aipo_widgets._text import format_number
from aipo_widgets.figures._svg import Svg, clip

__all__ = ["GRID", "INK", "MUTED", "Panel", "empty_svg", "finite", "label", "nice_ticks"]

#: Gridlines, axis text and secondary text: greys that read on white (contrast >= 4.5:1 for
#: text).
GRID, INK, MUTED = "#e3e3e3", "#1a1a1a", "#555555"


def finite(value: object) -> float | None:
    """Return ``value`` as a float when it is a finite number, else None (bools are not numbers).

    Examples
    --------
    >>> finite(3), finite(float("nan")), finite(None), finite(True), finite("x")
    (3.0, None, None, None, None)
    """
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def _nice(x: float, *, round_up: bool) -> float:
    exp = math.floor(math.log10(x))
    f = x / 10 ** exp
    steps = (1, 2, 5, 10)
    nf = next((s for s in steps if f <= s), 10) if round_up else next(
        (s for s in steps if f < s * 1.5), 10)
    return nf * 10 ** exp


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """Return about ``n`` round tick values covering ``[lo, hi]`` (the first <= lo, last >= hi).

    Parameters
    ----------
    lo, hi : float
        The data range (``lo == hi`` gives a range around it).
    n : int, default 5
        About how many ticks.

    Returns
    -------
    list of float
        Ascending; every one a multiple of 1, 2 or 5 times a power of ten.
    """
    if hi < lo:
        lo, hi = hi, lo
    if hi - lo <= max(abs(lo), abs(hi)) * 1e-9:  # equal but for float noise
        lo = hi
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    step = _nice(_nice(hi - lo, round_up=False) / max(n - 1, 1), round_up=False)
    first, last = math.floor(lo / step + 1e-9), math.ceil(hi / step - 1e-9)
    digits = max(0, -math.floor(math.log10(step)) + 1)
    return [round(k * step, digits) + 0.0 for k in range(first, last + 1)]


def label(value: object, unit: str = "", *, percent: bool = False, signed: bool = False) -> str:
    """Format a value for a chart: :func:`format_number`, a share as a percentage.

    Parameters
    ----------
    value : float or None
        The value; None, NaN and infinity show as the missing sign.
    unit : str
        The unit written after the number (a currency, "ms").
    percent : bool
        The value is a share (0.25 shows as "25%").
    signed : bool
        Show a plus sign on positive values (an effect, a change).

    Examples
    --------
    >>> label(-0.1234, percent=True, signed=True), label(0.05, percent=True, signed=True)
    ('-12.3%', '+5%')
    """
    v = finite(value)
    if v is None:
        return format_number(None)
    text = format_number(v * 100, "%") if percent else format_number(v, unit)
    return ("+" + text) if signed and v > 0 else text


def empty_svg(title: str, message: str, *, width: int = 720, height: int = 90) -> str:
    """Return a picture that says in words why there is nothing to draw.

    Parameters
    ----------
    title : str
        The chart's heading.
    message : str
        What is missing and how to get it.
    """
    doc = Svg(width, height, title=f"{title}: {message}")
    doc.text(8, 22, title, size=15, weight="bold")
    doc.text(8, 50, clip(message, int(width / 6.5)), size=12, fill=MUTED)
    return doc.to_string()


def _span(lo: float, hi: float) -> tuple[float, float]:
    """Return a range to draw: ``(lo, hi)``, or around a single value as its ticks round it."""
    if hi > lo:
        return lo, hi
    ticks = nice_ticks(lo, hi)
    return ticks[0], ticks[-1]


class Panel:
    """A plotting area inside a picture: scales from data to pixels, axes and gridlines.

    Parameters
    ----------
    doc : Svg
        The picture drawn on.
    box : tuple of float
        ``(left, top, right, bottom)`` of the plotting area in pixels.
    x, y : tuple of float
        The data ranges ``(lo, hi)``; y is widened to round ticks by :meth:`y_axis`.
    """

    def __init__(self, doc: Svg, box: tuple[float, float, float, float],
                 x: tuple[float, float], y: tuple[float, float]):
        self.doc = doc
        self.left, self.top, self.right, self.bottom = box
        self.x_lo, self.x_hi = _span(*x)
        self.y_lo, self.y_hi = _span(*y)

    def sx(self, v: float) -> float:
        """Return the pixel column of a data x."""
        return self.left + (v - self.x_lo) / (self.x_hi - self.x_lo) * (self.right - self.left)

    def sy(self, v: float) -> float:
        """Return the pixel row of a data y."""
        return self.bottom - (v - self.y_lo) / (self.y_hi - self.y_lo) * (self.bottom - self.top)

    def y_axis(self, fmt: Callable[[float], str], *, n: int = 5, size: float = 10,
               within: tuple[float, float] | None = None) -> None:
        """Round the y range to nice ticks and draw them with gridlines, labelled by ``fmt``.

        ``within``: the values the axis can take (a share: 0 to 1); ticks outside are dropped.
        """
        ticks = nice_ticks(self.y_lo, self.y_hi, n)
        if within is not None:
            kept = [t for t in ticks if within[0] <= t <= within[1]]
            ticks = kept if len(kept) >= 2 else ticks
        self.y_lo, self.y_hi = ticks[0], ticks[-1]
        for t in ticks:
            y = self.sy(t)
            self.doc.line(self.left, y, self.right, y, stroke=GRID)
            self.doc.text(self.left - 4, y + 3.5, fmt(t), size=size, anchor="end", fill=MUTED)

    def x_axis(self, fmt: Callable[[float], str], *, n: int = 5, size: float = 10,
               ticks: Sequence[float] | None = None) -> None:
        """Round the x range to nice ticks (or use ``ticks``) and label them under the panel."""
        if ticks is None:
            found = nice_ticks(self.x_lo, self.x_hi, n)
            self.x_lo, self.x_hi = found[0], found[-1]
            ticks = found
        for t in ticks:
            x = self.sx(t)
            self.doc.line(x, self.top, x, self.bottom, stroke=GRID)
            self.doc.text(x, self.bottom + 13, fmt(t), size=size, anchor="middle", fill=MUTED)
        self.doc.line(self.left, self.bottom, self.right, self.bottom, stroke="#888")
