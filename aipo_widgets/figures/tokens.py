"""The kit's presentation tokens: colours, words, font and number format, from ``tokens.json``.

One data file, three readers: the Python pictures read the constants below; each widget's
JavaScript gets the same data as the constant ``AIPO_TOKENS`` (:func:`js_constant`, prepended by
``aipo_widgets.widgets._base.static_asset``), its CSS as custom properties
(:func:`css_variables`, prepended likewise; the stakeholder pages use it too); and the number
formatter :func:`aipo_widgets._text.format_number` (mirrored by ``fmt`` in the widgets'
``_common.js``) reads the ``number`` section. Change a colour or a word in ``tokens.json`` and
every surface follows.

A colour may be given as the name of a palette colour ("blue"); the constants here hold the
hex value. The palette is Okabe and Ito's, told apart with every common colour-vision
deficiency, and every colour that means something is shown with its word.

Examples
--------
>>> STATUS["at_risk"]["colour"], STATUS_LABELS["at_risk"], VERDICT["fail"]["label"]
('#e69f00', '! at risk', 'FAIL')
>>> css = css_variables(".aipo-page")
>>> css.splitlines()[0], "--aipo-status-on-track: #0072b2;" in css
('.aipo-page {', True)
>>> js_constant().startswith("const AIPO_TOKENS = {")
True
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

__all__ = [
    "BAND",
    "BAND_COLOURS",
    "CHART",
    "FONT",
    "NUMBER",
    "PALETTE",
    "SCENARIO",
    "STATUS",
    "STATUS_COLOURS",
    "STATUS_LABELS",
    "TEXT",
    "TIER",
    "TIER_COLOURS",
    "TOKENS",
    "VERDICT",
    "css_variables",
    "js_constant",
]

#: Where the tokens live (package data).
TOKENS_FILE = Path(__file__).with_name("tokens.json")


def _load() -> dict[str, Any]:
    raw = json.loads(TOKENS_FILE.read_text(encoding="utf-8"))
    raw.pop("about", None)  # the file's documentation, not a token
    palette = raw["palette"]

    def resolve(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: resolve(v) for k, v in value.items()}
        return palette.get(value, value) if isinstance(value, str) else value

    return {k: (v if k in ("palette", "number", "font") else resolve(v)) for k, v in raw.items()}


#: Every token, palette names resolved to colours: what the JavaScript receives. Read only.
TOKENS: dict[str, Any] = _load()
#: The Okabe-Ito palette, name -> colour.
PALETTE: dict[str, str] = TOKENS["palette"]
#: Text colours with a meaning (``warning``, ``good``) that read on white.
TEXT: dict[str, str] = TOKENS["text"]
#: A gate's verdict (pass, warn, fail, error) -> ``colour``, ``label``, ``ink`` (its text).
VERDICT: dict[str, dict[str, str]] = TOKENS["verdict"]
#: A metric's status (on_track, at_risk, off_track, no_data) -> ``colour``, ``label``, ``ink``.
STATUS: dict[str, dict[str, str]] = TOKENS["status"]
#: A risk band (low ... critical) -> ``colour``, ``ink``.
BAND: dict[str, dict[str, str]] = TOKENS["band"]
#: An AI Act tier -> ``colour``, ``ink``.
TIER: dict[str, dict[str, str]] = TOKENS["tier"]
#: A business-case scenario -> ``colour``, ``dash`` (SVG) and ``border`` (CSS style).
SCENARIO: dict[str, dict[str, str]] = TOKENS["scenario"]
#: Roles in the charts: ``series``, ``optimum``, ``selected``.
CHART: dict[str, str] = TOKENS["chart"]
#: The font stack of every picture (system fonts only: no web font to fetch).
FONT: str = TOKENS["font"]["family"]
#: The number format (``digits``, ``thousands``, ``missing``, ``yes``, ``no``).
NUMBER: dict[str, Any] = TOKENS["number"]

#: Status -> colour, and status -> the words shown with it.
STATUS_COLOURS = {k: v["colour"] for k, v in STATUS.items()}
STATUS_LABELS = {k: v["label"] for k, v in STATUS.items()}
#: Band -> colour; tier -> colour.
BAND_COLOURS = {k: v["colour"] for k, v in BAND.items()}
TIER_COLOURS = {k: v["colour"] for k, v in TIER.items()}


def _css_name(*parts: str) -> str:
    return "--aipo-" + "-".join(p.replace("_", "-") for p in parts)


def css_variables(selector: str = ":root") -> str:
    """Return the colour tokens and the font as CSS custom properties on ``selector``.

    Names: ``--aipo-palette-<name>``, ``--aipo-text-<name>``, ``--aipo-verdict-<name>``,
    ``--aipo-status-<name>``, ``--aipo-band-<name>``, ``--aipo-tier-<name>`` (each of these
    four with ``-ink``, the colour of text on it), ``--aipo-scenario-<name>`` (with
    ``-border``, a border style), ``--aipo-chart-<role>`` and ``--aipo-font-family``;
    underscores become hyphens (``--aipo-status-on-track``).

    Parameters
    ----------
    selector : str, default ":root"
        Where the properties are defined (the widgets use ``.aipo``; a page ``:root``).

    Returns
    -------
    str
        One CSS rule.

    Examples
    --------
    >>> css = css_variables()
    >>> css.startswith(":root {") and "  --aipo-band-critical-ink: #fff;" in css.splitlines()
    True
    """
    props: list[tuple[str, str]] = []
    props += [(_css_name("palette", k), v) for k, v in PALETTE.items()]
    props += [(_css_name("text", k), v) for k, v in TEXT.items()]
    for section in ("verdict", "status", "band", "tier"):
        for name, t in TOKENS[section].items():
            props += [(_css_name(section, name), t["colour"]),
                      (_css_name(section, name, "ink"), t["ink"])]
    for name, t in SCENARIO.items():
        props += [(_css_name("scenario", name), t["colour"]),
                  (_css_name("scenario", name, "border"), t["border"])]
    props += [(_css_name("chart", k), v) for k, v in CHART.items()]
    props.append((_css_name("font", "family"), FONT))
    return selector + " {\n" + "".join(f"  {k}: {v};\n" for k, v in props) + "}\n"


def js_constant() -> str:
    """Return the tokens as the JavaScript constant ``AIPO_TOKENS`` (one line of JSON).

    The widgets' ``_common.js`` reads it (``fmt``: the number format and the missing sign; the
    status words); ``static/_tokens.d.ts`` types it from ``tokens.json``.

    Examples
    --------
    >>> js_constant()[:40]
    'const AIPO_TOKENS = {"palette": {"black"'
    """
    return f"const AIPO_TOKENS = {json.dumps(TOKENS, ensure_ascii=False)};\n"
