"""The evidence a verdict rests on: gates, and where each figure they read came from.

Every phase notebook ends in gates, CI fails when one fails, and the stakeholder pages show them.
A gate is plain data so that it can be written to ``results.json`` and the run ledger as is.

A gate that reads a figure carries the figure's :class:`Provenance`: *measured* in a data source
over a window (with its rows), *typed* by a person in ``aipo.yaml``, *carried* over from an
earlier run, or *missing*; a check of the workspace file itself (an owner named, a fallback
defined) is *config*. The rule that makes a green page worth trusting lives here, once: a gate
whose figure was not measured in its window never passes. It warns "not measured" instead (and
``--strict`` turns that warning into a failure), saying where the figure would come from.

Examples
--------
>>> g = Gate("recall on gold set", "fail", figure=0.81, threshold=">= 0.85", ci=(0.77, 0.85))
>>> g.verdict, g.ok
('fail', False)
>>> worst([Gate("a", "pass"), Gate("b", "warn")])
'warn'
>>> typed = Provenance.typed("metric_tree.nodes[false_alarms_month].current")
>>> g = Gate("alarm fatigue", "pass", figure=148, threshold="<= 300", provenance=typed)
>>> g.verdict, g.detail
('warn', 'not measured: typed in aipo.yaml at metric_tree.nodes[false_alarms_month].current')
>>> import datetime as dt
>>> seen = Provenance.measured("production_log", start=dt.date(2026, 11, 1),
...                            end=dt.date(2026, 11, 30), rows=4312)
>>> seen.describe()
'measured in production_log from 2026-11-01 to 2026-11-30 (4,312 rows)'
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from typing import Any, Literal

Verdict = Literal["pass", "warn", "fail"]
VERDICTS: tuple[Verdict, ...] = ("pass", "warn", "fail")
_RANK: dict[str, int] = {v: i for i, v in enumerate(VERDICTS)}
# "nan", "inf", "-inf" as a number in a threshold's text (">= -inf"), not inside a word.
_NON_FINITE_TEXT = re.compile(r"(?<![A-Za-z])[-+]?(nan|inf|infinity)(?![A-Za-z])", re.I)


def _not_finite(x: Any) -> bool:
    """Return True for a figure or threshold that is NaN or infinite (as a number or in text)."""
    if isinstance(x, bool):
        return False
    if isinstance(x, (int, float)):
        return not math.isfinite(x)
    if isinstance(x, str):
        return bool(_NON_FINITE_TEXT.search(x))
    return False

Kind = Literal["measured", "typed", "carried", "missing", "config"]
#: The kinds of provenance; only the first and the last may back a passing gate.
KINDS: tuple[Kind, ...] = ("measured", "typed", "carried", "missing", "config")
#: Kinds on which a gate may pass: a figure measured in its window, or the workspace file's own
#: content when that is what the gate checks.
PASSING_KINDS = frozenset({"measured", "config"})


def _date(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Provenance:
    """Where a figure came from.

    Parameters
    ----------
    kind : {"measured", "typed", "carried", "missing", "config"}
        How the figure was obtained.
    source : str
        The data source (measured), the place in ``aipo.yaml`` (typed, config) or the figure's
        name in an earlier run (carried).
    start, end : datetime.date, optional
        The window a measured figure covers (both ends included).
    rows : int, optional
        The rows it was measured on.
    run : str
        The run a carried figure comes from.
    typed_on : datetime.date, optional
        When a typed figure was written down, where ``aipo.yaml`` says.
    note : str
        For a missing figure: where it would come from; otherwise anything else worth saying.
    """

    kind: Kind
    source: str = ""
    start: dt.date | None = None
    end: dt.date | None = None
    rows: int | None = None
    run: str = ""
    typed_on: dt.date | None = None
    note: str = ""

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            msg = f"provenance kind must be one of {', '.join(KINDS)}, got {self.kind!r}"
            raise ValueError(msg)

    @classmethod
    def measured(cls, source: str, *, start: dt.date | None = None, end: dt.date | None = None,
                 rows: int | None = None, note: str = "") -> Provenance:
        """Say that a figure was measured in ``source`` over ``start`` .. ``end``."""
        return cls("measured", source, start=start, end=end, rows=rows, note=note)

    @classmethod
    def typed(cls, path: str, *, typed_on: dt.date | None = None, note: str = "") -> Provenance:
        """Say that a person typed the figure into ``aipo.yaml`` at ``path``."""
        return cls("typed", path, typed_on=typed_on, note=note)

    @classmethod
    def carried(cls, name: str, run: str, *, note: str = "") -> Provenance:
        """Say that the figure was taken over from the earlier run ``run``."""
        return cls("carried", name, run=run, note=note)

    @classmethod
    def missing(cls, where: str) -> Provenance:
        """Say that nobody measured the figure; ``where`` says where it would come from."""
        return cls("missing", note=where)

    @classmethod
    def config(cls, path: str = "") -> Provenance:
        """Say that the gate checks the workspace file's own content at ``path``."""
        return cls("config", path)

    @property
    def passes(self) -> bool:
        """Whether a gate may pass on a figure of this provenance."""
        return self.kind in PASSING_KINDS

    def describe(self) -> str:
        """Say where the figure came from, in words.

        Examples
        --------
        >>> Provenance.missing("the production log's labels (data source role: production)"
        ...                    ).describe()
        "not measured: would come from the production log's labels (data source role: production)"
        >>> Provenance.carried("psi_max", "20261201T0900Z-ab12").describe()
        'carried from run 20261201T0900Z-ab12'
        """
        if self.kind == "measured":
            text = f"measured in {self.source}" if self.source else "measured"
            if self.start and self.end:
                text += f" from {self.start.isoformat()} to {self.end.isoformat()}"
            elif self.end:
                text += f" up to {self.end.isoformat()}"
            if self.rows is not None:
                text += f" ({self.rows:,} rows)"
            return text + (f"; {self.note}" if self.note else "")
        if self.kind == "typed":
            text = f"typed in aipo.yaml at {self.source}"
            if self.typed_on:
                text += f" on {self.typed_on.isoformat()}"
            return text + (f"; {self.note}" if self.note else "")
        if self.kind == "carried":
            return f"carried from run {self.run}" + (f"; {self.note}" if self.note else "")
        if self.kind == "missing":
            return "not measured" + (f": would come from {self.note}" if self.note else "")
        return f"aipo.yaml{' at ' + self.source if self.source else ''}"

    def to_dict(self) -> dict[str, Any]:
        """Return the provenance as a JSON-ready dict (dates as ISO text, empty fields left out)."""
        out: dict[str, Any] = {}
        for key, value in asdict(self).items():
            if value in (None, ""):
                continue
            out[key] = value.isoformat() if isinstance(value, dt.date) else value
        return out

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Provenance:
        """Read what :meth:`to_dict` wrote.

        Examples
        --------
        >>> p = Provenance.measured("log", end=dt.date(2026, 12, 1), rows=10)
        >>> Provenance.from_dict(p.to_dict()) == p
        True
        """
        known = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for key in ("start", "end", "typed_on"):
            if key in known:
                known[key] = _date(known[key])
        return cls(**known)


@dataclass
class Gate:
    """A named check with its verdict.

    Parameters
    ----------
    name : str
        What was checked, in words a stakeholder understands.
    verdict : {"pass", "warn", "fail"}
        The outcome. A ``"pass"`` on a figure whose provenance is typed, carried or missing
        becomes a ``"warn"`` saying so (see the module's docstring). A gate whose figure or
        threshold is NaN or infinite cannot be evaluated: it becomes a ``"fail"`` saying so.
    figure : float, str or None
        The value the check saw (e.g. the recall on the gold set).
    threshold : float, str or None
        What the figure was compared with (e.g. ``">= 0.85"``).
    detail : str
        One sentence on why, and what to do when it is not a pass.
    ci : tuple of float, optional
        Confidence interval of the figure, where there is one.
    source : str
        Where the rule comes from, e.g. ``acceptance_criteria[0]`` in ``aipo.yaml``.
    phase : str
        The phase that produced the gate; filled in by the pipeline.
    extra : dict
        Anything else the gate's readers need (e.g. the metric id it reads).
    provenance : Provenance, optional
        Where the figure came from; None for a gate that reads no figure of its own (a verdict
        over other gates).
    """

    name: str
    verdict: Verdict
    figure: float | str | None = None
    threshold: float | str | None = None
    detail: str = ""
    ci: tuple[float, float] | None = None
    source: str = ""
    phase: str = ""
    extra: dict[str, Any] = field(default_factory=dict)
    provenance: Provenance | None = None

    def __post_init__(self) -> None:
        if self.verdict not in _RANK:
            msg = f"verdict must be one of {', '.join(VERDICTS)}, got {self.verdict!r}"
            raise ValueError(msg)
        if self.verdict == "pass" and self.provenance is not None and not self.provenance.passes:
            # The one place that keeps a typed, stale or missing figure from passing.
            said = self.provenance.describe()
            if not said.startswith("not measured"):
                said = f"not measured: {said}"
            self.verdict = "warn"
            self.detail = f"{said}; {self.detail}" if self.detail else said
        if self.verdict != "fail" and (_not_finite(self.figure) or _not_finite(self.threshold)):
            # The one place that keeps NaN or infinity from passing: a comparison with them
            # cannot be evaluated (NaN >= x is False, x >= -inf always True).
            said = ("cannot be evaluated: the figure or the threshold is not a finite number "
                    f"(figure {self.figure}, threshold {self.threshold})")
            self.verdict = "fail"
            self.detail = f"{said}; {self.detail}" if self.detail else said

    @property
    def ok(self) -> bool:
        """True unless the gate failed."""
        return self.verdict != "fail"

    @property
    def measured(self) -> bool:
        """Whether the gate's figure was measured in its window (or it reads no figure)."""
        return self.provenance is None or self.provenance.passes

    def with_verdict(self, verdict: Verdict, detail: str | None = None) -> Gate:
        """Return a copy with another verdict (the provenance rule applies again)."""
        return replace(self, verdict=verdict, detail=self.detail if detail is None else detail)

    def to_dict(self) -> dict[str, Any]:
        """Return the gate as a JSON-ready dict."""
        d = asdict(self)
        if self.ci is not None:
            d["ci"] = list(self.ci)
        d["provenance"] = None if self.provenance is None else self.provenance.to_dict()
        return d


def mark_reused(gates: Iterable[Gate], run: str, analyses: Iterable[str]) -> list[Gate]:
    """Say on each gate that the analysis behind it was reused from run ``run``, inputs unchanged.

    The gate's ``extra["reused"]`` names the run and the analyses, and a figure's provenance
    says so in its note (its kind stays: the figure was measured, on the same inputs). Gates
    are changed in place and returned.

    Examples
    --------
    >>> g = Gate("drift", "pass", figure=0.02, provenance=Provenance.measured("log", rows=900))
    >>> (g,) = mark_reused([g], "r7", ["drift against the reference"])
    >>> g.provenance.describe()
    'measured in log (900 rows); reused from run r7, inputs unchanged'
    >>> g.extra["reused"]
    {'run': 'r7', 'analyses': ['drift against the reference']}
    """
    said = f"reused from run {run}, inputs unchanged" if run else \
        "reused from a notebook session, inputs unchanged"
    out = list(gates)
    for g in out:
        g.extra["reused"] = {"run": run, "analyses": list(analyses)}
        if g.provenance is not None and said not in g.provenance.note:
            note = f"{g.provenance.note}; {said}" if g.provenance.note else said
            g.provenance = replace(g.provenance, note=note)
    return out


def worst(gates: Iterable[Gate]) -> Verdict:
    """Return the worst verdict of the gates (``"pass"`` when there are none)."""
    ranks = [_RANK[g.verdict] for g in gates]
    return VERDICTS[max(ranks)] if ranks else "pass"


def rank(verdict: str) -> int:
    """Return a verdict's rank (pass 0, warn 1, fail 2), for sorting the worst first."""
    return _RANK[verdict]
