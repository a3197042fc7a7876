"""A figure with its unit, as a person reads it: shares as percentages, money with its currency.

The kit's figures travel as plain numbers (``results.json``, the run ledger); their units live in
``aipo.yaml``: each metric-tree node has a ``unit`` (``EUR``, ``min``, ``share``, ``1-5``), the
business case and the budgets a currency. :func:`figure_units` collects them by the names the
phase notebooks record their key figures under (``window_csat`` is the node ``csat`` measured
in the production window), and :func:`format_value` writes a value with its unit, through the
kit's one number format (:func:`aipo_widgets._text.format_value`: a ``share`` as a
percentage, a scale such as ``1-5`` in brackets).

Examples
--------
>>> format_value(0.2740, "share"), format_value(1708996, "EUR"), format_value(4.27, "1-5")
('27.4%', '1,708,996 EUR', '4.27 (1-5)')
>>> format_value(None, "EUR"), format_value("go"), format_value(9.768203333333334)
('—', 'go', '9.77')
>>> format_threshold(">= 0.25", "share"), format_threshold("no failed gate", "share")
('>= 25%', 'no failed gate')
>>> format_threshold("stop if < 0.15", "share"), format_threshold("<= 0.1 in every group", "share")
('stop if < 15%', '<= 10% in every group')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from aipo_widgets._text import format_value as _format_value

__all__ = ["figure_units", "format_threshold", "format_value", "gate_unit", "unit_of"]

#: Units that hold a part of a whole (0.25 is a quarter): shown as a percentage.
SHARE_UNITS = frozenset({"share", "ratio", "fraction", "proportion"})

# A threshold that is one comparison with a number, e.g. ">= 0.25" or "< 1e-3", with words
# before it ("stop if") or a group after it ("in every group of language") at most.
_COMPARISON = re.compile(r"^(\s*(?:[a-z]+ )*)(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)"
                         r"((?: in [\w ]+)?)\s*$")
# What a phase notebook puts before a metric's id when it records where it measured it.
_PREFIXES = ("window_", "gold_", "baseline_", "pilot_", "production_", "current_")


def format_value(value: Any, unit: str = "") -> str:
    """Return a value with its unit for a person: a share as a percentage, a scale in brackets.

    Parameters
    ----------
    value : number, str, bool or None
        The figure (text is returned as it is; None and NaN read as missing).
    unit : str
        Its unit as ``aipo.yaml`` writes it (``share``, ``%``, ``EUR``, ``min``, ``1-5``).

    Returns
    -------
    str

    Examples
    --------
    >>> format_value(0.0824, "share"), format_value(13.5, "%"), format_value(2401.3, "ms")
    ('8.24%', '13.5%', '2,401 ms')
    >>> format_value(12, "min"), format_value(True, "share"), format_value(0.5, "ratio")
    ('12 min', '✓', '50%')
    """
    unit = (unit or "").strip()
    # One rule for every surface (aipo_widgets._text.format_value, mirrored by the widgets'
    # fmt): a share is a percentage there; the other names of a part of a whole map onto it.
    return _format_value(value, "share" if unit.lower() in SHARE_UNITS else unit)


def format_threshold(threshold: Any, unit: str = "") -> str:
    """Return a gate's threshold with the figure's unit where it is one comparison with a number.

    Examples
    --------
    >>> format_threshold(0.85, "share"), format_threshold("<= 2000", "ms"), format_threshold(None)
    ('85%', '<= 2,000 ms', '—')
    """
    if isinstance(threshold, str):
        m = _COMPARISON.match(threshold)
        if not m:
            return threshold
        words, op, text, group = m.groups()
        number = float(text)
        shown = int(number) if number.is_integer() and "." not in text else number
        return f"{words}{op} {format_value(shown, unit)}{group}"
    return format_value(threshold, unit)


def figure_units(workspace: Any) -> dict[str, str]:
    """Return the unit of each figure the workspace names: metric-tree nodes, money, drivers.

    Parameters
    ----------
    workspace : aipo_widgets.model.schema.Workspace or None
        The workspace (None: no units known).

    Returns
    -------
    dict
        Name to unit; look names up with :func:`unit_of`, which also strips the prefixes the
        phase notebooks record figures under.
    """
    units: dict[str, str] = {}
    if workspace is None:
        return units
    tree = getattr(workspace, "metric_tree", None)
    nodes: list[Any] = list(getattr(tree, "nodes", None) or [])
    for node in nodes:
        if getattr(node, "unit", ""):
            units[str(node.id)] = str(node.unit)
            # A gate on the gold set names the evaluation metric (label_share:minor_error).
            if getattr(node, "eval_metric", None):
                units.setdefault(str(node.eval_metric), str(node.unit))
    root = getattr(tree, "root", None)
    roots: list[Any] = [n for n in nodes if (n.id == root if root else n.parent is None)]
    if len(roots) == 1 and roots[0].unit:
        # The operate phase records the tree's root as root_value.
        units.setdefault("root_value", str(roots[0].unit))
    case = getattr(workspace, "business_case", None)
    currency = str(getattr(case, "currency", "") or getattr(
        getattr(workspace, "budgets", None), "currency", "") or "")
    for name, driver in (getattr(case, "drivers", None) or {}).items():
        if getattr(driver, "unit", ""):
            units.setdefault(str(name), str(driver.unit))
    if currency:
        units.setdefault("__currency__", currency)
    return units


def unit_of(name: str, units: Mapping[str, str]) -> str:
    """Return the unit of a recorded figure from its name ("" when none is known).

    Examples
    --------
    >>> u = {"csat": "1-5", "handle_time_min": "min", "__currency__": "EUR"}
    >>> unit_of("window_csat", u), unit_of("expected_npv", u), unit_of("psi_max", u)
    ('1-5', 'EUR', '')
    >>> unit_of("p_npv_positive", u), unit_of("latency_p95_ms", u), unit_of("drift_share", u)
    ('share', 'ms', 'share')
    """
    if name in units:
        return units[name]
    for prefix in _PREFIXES:
        if name.startswith(prefix) and name[len(prefix):] in units:
            return units[name[len(prefix):]]
    words = name.split("_")
    if "npv" in words and words[0] != "p":
        return units.get("__currency__", "")
    if words[0] == "p" or words[-1] in ("share", "rate", "relative"):
        return "share"
    if words[-1] in ("ms", "min", "s", "h", "days"):
        return words[-1]
    return ""


def gate_unit(gate: Mapping[str, Any], units: Mapping[str, str]) -> str:
    """Return the unit of a gate's figure: the metric it reads (``extra.metric``), if any.

    Examples
    --------
    >>> gate_unit({"name": "x", "extra": {"metric": "correct_share"}}, {"correct_share": "share"})
    'share'
    >>> gate_unit({"name": "x"}, {})
    ''
    """
    metric = (gate.get("extra") or {}).get("metric")
    return unit_of(str(metric), units) if metric else ""
