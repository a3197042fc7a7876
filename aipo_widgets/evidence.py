"""Gates: named checks with a verdict, the figure seen and the threshold.

Every phase notebook ends in gates, CI fails when one fails, and the stakeholder pages show them.
A gate is plain data so that it can be written to ``results.json`` and the run ledger as is.

Examples
--------
>>> g = Gate("recall on gold set", "fail", figure=0.81, threshold=">= 0.85", ci=(0.77, 0.85))
>>> g.verdict, g.ok
('fail', False)
>>> worst([Gate("a", "pass"), Gate("b", "warn")])
'warn'
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Literal

Verdict = Literal["pass", "warn", "fail"]
VERDICTS: tuple[Verdict, ...] = ("pass", "warn", "fail")
_RANK = {v: i for i, v in enumerate(VERDICTS)}


@dataclass
class Gate:
    """A named check with its verdict.

    Parameters
    ----------
    name : str
        What was checked, in words a stakeholder understands.
    verdict : {"pass", "warn", "fail"}
        The outcome.
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
    """

    name: str
    verdict: Verdict
    figure: float | str | None = None
    threshold: float | str | None = None
    detail: str = ""
    ci: tuple[float, float] | None = None
    source: str = ""
    phase: str = ""
    extra: dict = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.verdict not in _RANK:
            msg = f"verdict must be one of {', '.join(VERDICTS)}, got {self.verdict!r}"
            raise ValueError(msg)

    @property
    def ok(self) -> bool:
        """True unless the gate failed."""
        return self.verdict != "fail"

    def to_dict(self) -> dict:
        """Return the gate as a JSON-ready dict."""
        d = asdict(self)
        if self.ci is not None:
            d["ci"] = list(self.ci)
        return d


def worst(gates: Iterable[Gate]) -> Verdict:
    """Return the worst verdict of the gates (``"pass"`` when there are none)."""
    ranks = [_RANK[g.verdict] for g in gates]
    return VERDICTS[max(ranks)] if ranks else "pass"
