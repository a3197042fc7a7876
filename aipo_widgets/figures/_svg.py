"""Small helpers for hand-built SVG: escaping, text, the data-URL ``<img>`` wrapper.

Hand-built SVG keeps the static pictures cheap (no matplotlib import, a few milliseconds for
hundreds of shapes) and identical wherever they are shown: a notebook opened untrusted, an
nbconvert HTML report, GitHub, a PDF.

Examples
--------
>>> doc = Svg(120, 40, title="A box")
>>> doc.rect(0, 0, 120, 40, fill="#eee")
>>> doc.text(60, 24, "R&D", anchor="middle")
>>> s = doc.to_string()
>>> s.startswith("<svg") and "R&amp;D" in s and "<title>A box</title>" in s
True
>>> img_html(s, alt="A box").startswith('<img src="data:image/svg+xml;base64,')
True
"""

from __future__ import annotations

import base64
import html

from aipo_widgets.figures.tokens import FONT

__all__ = ["FONT", "Svg", "clip", "esc", "img_html", "mimebundle"]


def esc(text: object) -> str:
    """Escape a value for SVG text and attribute content.

    Examples
    --------
    >>> esc('a < b & "c"')
    'a &lt; b &amp; &quot;c&quot;'
    """
    return html.escape(str(text), quote=True)


def clip(text: str, n: int) -> str:
    """Shorten ``text`` to at most ``n`` characters, with an ellipsis when cut.

    Examples
    --------
    >>> clip("Summary invents facts", 10)
    'Summary i…'
    """
    return text if len(text) <= n else text[: max(0, n - 1)] + "…"




class Svg:
    """An SVG document built element by element.

    Parameters
    ----------
    width, height : float
        Size in CSS pixels (also the view box).
    title : str
        Accessible title (``<title>``); screen readers and the ``alt`` of the ``<img>`` use it.
    background : str, default "#ffffff"
        Fill of the whole picture: a picture must stay readable on a dark page too.
    """

    def __init__(self, width: float, height: float, *, title: str, background: str = "#ffffff"):
        self.width = width
        self.height = height
        self.title = title
        self._parts: list[str] = []
        if background:
            self.rect(0, 0, width, height, fill=background)

    def add(self, raw: str) -> None:
        """Append raw SVG markup (already escaped)."""
        self._parts.append(raw)

    def rect(self, x: float, y: float, w: float, h: float, *, fill: str, stroke: str = "",
             rx: float = 0, title: str = "") -> None:
        """Draw a rectangle; ``title`` becomes its tooltip."""
        stroke_attr = f' stroke="{esc(stroke)}"' if stroke else ""
        head = (
            f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" height="{max(h, 0):.1f}" '
            f'rx="{rx}" fill="{esc(fill)}"{stroke_attr}'
        )
        self._parts.append(f"{head}><title>{esc(title)}</title></rect>" if title else f"{head}/>")

    def line(self, x1: float, y1: float, x2: float, y2: float, *, stroke: str = "#555",
             width: float = 1, dash: str = "") -> None:
        """Draw a line."""
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        self._parts.append(
            f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
            f'stroke="{esc(stroke)}" stroke-width="{width}"{dash_attr}/>'
        )

    def polyline(self, points: list[tuple[float, float]], *, stroke: str, width: float = 1.5,
                 dash: str = "") -> None:
        """Draw an open line through ``points``."""
        if not points:
            return
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        self._parts.append(
            f'<polyline points="{pts}" fill="none" stroke="{esc(stroke)}" '
            f'stroke-width="{width}"{dash_attr}/>'
        )

    def polygon(self, points: list[tuple[float, float]], *, fill: str, opacity: float = 1,
                title: str = "") -> None:
        """Fill the closed shape through ``points`` (a band between two lines, say)."""
        if not points:
            return
        pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        head = f'<polygon points="{pts}" fill="{esc(fill)}" fill-opacity="{opacity:g}"'
        self._parts.append(f"{head}><title>{esc(title)}</title></polygon>" if title
                           else f"{head}/>")

    def circle(self, cx: float, cy: float, r: float, *, fill: str, stroke: str = "",
               title: str = "") -> None:
        """Draw a circle; ``title`` becomes its tooltip."""
        stroke_attr = f' stroke="{esc(stroke)}"' if stroke else ""
        head = f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="{r}" fill="{esc(fill)}"{stroke_attr}'
        self._parts.append(f"{head}><title>{esc(title)}</title></circle>" if title
                           else f"{head}/>")

    def text(self, x: float, y: float, text: str, *, size: float = 12, anchor: str = "start",
             fill: str = "#1a1a1a", weight: str = "normal", rotate: float = 0) -> None:
        """Write a line of text (escaped)."""
        transform = f' transform="rotate({rotate} {x:.1f} {y:.1f})"' if rotate else ""
        self._parts.append(
            f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" '
            f'fill="{esc(fill)}" font-weight="{weight}"{transform}>{esc(text)}</text>'
        )

    def to_string(self) -> str:
        """Return the whole document."""
        head = (
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:.0f}" '
            f'height="{self.height:.0f}" viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
            f'font-family="{esc(FONT)}" role="img" aria-label="{esc(self.title)}">'
            f"<title>{esc(self.title)}</title>"
        )
        return head + "".join(self._parts) + "</svg>"


def img_html(svg: str, *, alt: str) -> str:
    """Wrap an SVG document as an ``<img>`` with a base64 data URL.

    JupyterLab strips inline ``<svg>`` from untrusted output (a notebook run by papermill, one
    opened from someone else); an image with a data URL survives, and so does its ``alt`` text.

    Parameters
    ----------
    svg : str
        A complete SVG document.
    alt : str
        The text alternative: what the picture shows, in a sentence.

    Returns
    -------
    str
        One ``<img>`` element.
    """
    data = base64.b64encode(svg.encode("utf-8")).decode("ascii")
    return (
        f'<img src="data:image/svg+xml;base64,{data}" alt="{esc(alt)}" '
        f'style="max-width:100%;height:auto" class="aipo-static"/>'
    )


def mimebundle(svg: str, *, alt: str, text: str = "") -> dict[str, str]:
    """Return a display bundle for a static picture: ``text/html`` (the image) and text.

    Core objects call this from ``_repr_mimebundle_`` so that ``display(obj)`` shows a picture
    in a notebook, an HTML report and on GitHub alike.

    Parameters
    ----------
    svg : str
        A complete SVG document.
    alt : str
        The text alternative.
    text : str, default ""
        The ``text/plain`` part (default: ``alt``).

    Examples
    --------
    >>> b = mimebundle(Svg(10, 10, title="dot").to_string(), alt="a dot")
    >>> sorted(b)
    ['text/html', 'text/plain']
    """
    return {"text/html": img_html(svg, alt=alt), "text/plain": text or alt}
