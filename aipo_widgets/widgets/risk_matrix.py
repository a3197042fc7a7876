"""RiskMatrixWidget: the risk register as a 5x5 likelihood x impact grid, editable by drag.

The grid is coloured by the workspace's band map (computed by :mod:`aipo_widgets.analysis.risk`),
risks sit in their cells as chips (a count badge when a cell is crowded). Drag a chip to another
cell, or focus it and press the arrow keys (up/down: likelihood, left/right: impact), to re-rate a
risk; toggle between inherent and residual ratings; filter by category; click a chip for its
details (owner, treatment, mitigation, review date, expected loss), which are editable too.
Range-compression and overdue-review flags are shown on the chips and listed beside the grid.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.examples import write_example
>>> from aipo_widgets.model.workspace import load
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "ws"
>>> _ = write_example("support-summaries", folder)
>>> w = RiskMatrixWidget(load(folder))
>>> w.handle_operation({"op": "move", "risk": "R1", "rating": "residual",
...                     "likelihood": 1, "impact": 3})
True
>>> w.workspace.risk("R1").residual_likelihood
1
>>> w.save()
True
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import traitlets

from aipo_widgets import figures as render
from aipo_widgets.analysis.risk import Register
from aipo_widgets.errors import UsageError
from aipo_widgets.widgets._base import AipoWidget, operation, require, static_asset

__all__ = ["RiskMatrixWidget"]

_EDITABLE_TEXT = ("title", "owner", "mitigation", "description")
_EDITABLE_CHOICE = ("treatment", "status", "category")


class RiskMatrixWidget(AipoWidget):
    """The risk register as an editable 5x5 matrix.

    Parameters
    ----------
    workspace : WorkspaceFile, Workspace, str or os.PathLike
        The workspace whose ``risks`` are shown (see :class:`AipoWidget`).
    read_only : bool, default False
        Show without editing (enforced in Python).
    as_of : datetime.date, optional
        Date reviews are checked against (default: ``compliance.as_of``, else today).
    which : {"residual", "inherent"}, default "residual"
        The rating shown first (the browser can toggle; the static picture uses this one).
    **kwargs
        Other public traits (``title``, ``layout``).

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "risks": [
    ...     {"id": "R1", "title": "t", "category": "model", "likelihood": 2, "impact": 3}]})
    >>> w = RiskMatrixWidget(ws, which="inherent")
    >>> [(r["id"], r["inherent"]["band"]) for r in w.view["risks"]]
    [('R1', 'medium')]
    """

    _label = "Risk matrix"
    _reads: ClassVar[frozenset[str]] = frozenset({"risks", "settings", "compliance"})
    _writes: ClassVar[frozenset[str]] = frozenset({"risks"})
    _init_args: ClassVar[frozenset[str]] = frozenset({"as_of"})
    _esm = static_asset("_common.js", "risk_matrix.js")
    _css = static_asset("_common.css", "risk_matrix.css")

    which = traitlets.Enum(["residual", "inherent"], "residual").tag(sync=True)
    """Rating shown first, and in the static picture. Default ``"residual"``."""

    def _configure(self, as_of: dt.date | None = None) -> None:
        if as_of is not None and not isinstance(as_of, dt.date):
            msg = f"as_of must be a datetime.date, got {as_of!r}"
            raise TypeError(msg)
        self._as_of = as_of

    def _compute_view(self) -> dict:
        return Register.from_workspace(self.workspace, as_of=self._as_of).to_view()

    def _risk(self, msg: dict) -> Any:
        rid = require(msg, "risk", str)
        try:
            return self.workspace.risk(rid)
        except KeyError:
            err = f"there is no risk '{rid}' in the workspace"
            raise UsageError(err) from None

    @operation("move")
    def _op_move(self, msg: dict) -> None:
        """Re-rate a risk: ``{"risk", "rating": "inherent"|"residual", "likelihood", "impact"}``."""
        risk = self._risk(msg)
        rating = require(msg, "rating", str)
        li, im = require(msg, "likelihood", int), require(msg, "impact", int)
        for name, v in (("likelihood", li), ("impact", im)):
            if not 1 <= v <= 5:
                err = f"{name} must be an integer from 1 to 5, got {v}"
                raise UsageError(err)
        if rating == "inherent":
            risk.likelihood, risk.impact = li, im
        elif rating == "residual":
            risk.residual_likelihood, risk.residual_impact = li, im
        else:
            err = f"rating must be 'inherent' or 'residual', got {rating!r}"
            raise UsageError(err)

    @operation("set")
    def _op_set(self, msg: dict) -> None:
        """Change one detail of a risk: ``{"risk", "field", "value"}``."""
        risk = self._risk(msg)
        field = require(msg, "field", str)
        if field in _EDITABLE_TEXT or field in _EDITABLE_CHOICE:
            setattr(risk, field, require(msg, "value", str))
        elif field == "review_date":
            value = require(msg, "value", str, optional=True)
            try:
                risk.review_date = dt.date.fromisoformat(value) if value else None
            except ValueError:
                err = f"review_date must be a date like 2026-11-26, got {value!r}"
                raise UsageError(err) from None
        else:
            known = ", ".join((*_EDITABLE_TEXT, *_EDITABLE_CHOICE, "review_date"))
            err = f"field {field!r} cannot be edited here; editable: {known}"
            raise UsageError(err)

    def _static_svg(self) -> str:
        return render.risk_matrix_svg(self.view or self._compute_view(), which=self.which,
                                      title=self.title if self.title != self._label else "")

    def _static_alt(self) -> str:
        return render.risk_matrix_alt(self.view or self._compute_view(), self.which)
