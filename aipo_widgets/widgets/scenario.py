"""ScenarioWidget: the business case's drivers as inputs, its figures and cash flows live.

Each driver's conservative, realistic and optimistic value (and its Monte Carlo range and
measured value) is an input; every change re-runs
:func:`aipo_widgets.analysis.business_case.analyse` in the kernel: NPV, IRR, ROI, payback and
break-even adoption per scenario, the expected NPV, the tornado and the cumulative cash-flow chart
update at once; the Monte Carlo simulation (P(NPV > 0), percentiles, value of information) follows
a moment later, once the kernel is idle. The rank correlations between drivers
(``business_case.correlations``) are listed with the rho requested and the rho drawn; each
requested rho is an input too, checked by the core (range, and that the pairs still hold together)
before the workspace changes.

Examples
--------
>>> from aipo_widgets.model.schema import Workspace
>>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "business_case": {
...     "horizon_months": 12, "drivers": {
...         "saving": {"conservative": 800, "realistic": 1000, "optimistic": 1200},
...         "build": {"conservative": 9000, "realistic": 8000, "optimistic": 7000}},
...     "one_off_cost": "build", "monthly_benefit": "saving"}})
>>> w = ScenarioWidget(ws, n=2000)
>>> before = w.view["scenarios"]["realistic"]["npv"]
>>> w.handle_operation({"op": "set", "driver": "saving", "field": "realistic", "value": 1500})
True
>>> w.view["scenarios"]["realistic"]["npv"] > before
True
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from aipo_widgets import figures as render
from aipo_widgets.analysis.business_case import analyse, analyse_view
from aipo_widgets.analysis.business_case_view import (
    DRIVER_FIELDS,
    correlations_view,
    monte_carlo_view,
)
from aipo_widgets.errors import Problem, UsageError, WorkspaceError, format_path
from aipo_widgets.model import schema as spec
from aipo_widgets.model.correlations import correlation_problems
from aipo_widgets.widgets._base import AipoWidget, operation, require, static_asset

__all__ = ["ScenarioWidget"]

_SETTINGS = {"horizon_months": int, "discount_rate": float}


class ScenarioWidget(AipoWidget):
    """The workspace's business case, with its drivers editable per scenario.

    Parameters
    ----------
    workspace : WorkspaceFile, Workspace, str or os.PathLike
        The workspace whose ``business_case`` is shown.
    read_only : bool, default False
        Show without editing (enforced in Python).
    n : int, default 10000
        Monte Carlo samples.
    seed : int, default 0
        Monte Carlo seed (the same inputs give the same figures).
    **kwargs
        Other public traits (``title``, ``layout``).
    """

    _label = "Business case scenarios"
    _reads: ClassVar[frozenset[str]] = frozenset({"business_case", "metric_tree"})
    _writes: ClassVar[frozenset[str]] = frozenset({"business_case"})
    _init_args: ClassVar[frozenset[str]] = frozenset({"n", "seed"})
    _esm = static_asset("_common.js", "scenario.js")
    _css = static_asset("_common.css", "scenario.css")

    def _configure(self, n: int = 10_000, seed: int = 0) -> None:
        self._n, self._seed = n, seed
        self._mc_cache: tuple[str, dict] | None = None

    def _case(self) -> Any:
        bc = self.workspace.business_case
        if bc is None:
            err = "the workspace has no business_case section yet; add one to aipo.yaml"
            raise UsageError(err)
        return bc

    def _compute_view(self) -> dict:
        bc = self._case()
        # The simulation (about 0.1 s) follows the answer to an edit; the scenarios do not wait.
        key = bc.model_dump_json()
        if self._mc_cache is not None and self._mc_cache[0] == key:
            return analyse_view(bc, monte_carlo=self._mc_cache[1])
        if self._mc_cache is None:
            data = analyse_view(bc, n=self._n, seed=self._seed)
            self._mc_cache = (key, data["monte_carlo"])
            return data
        data = analyse_view(bc, monte_carlo={**self._mc_cache[1], "stale": True})
        return data

    def refresh(self) -> None:
        """Recompute the view; a stale simulation follows once the kernel is idle."""
        super().refresh()
        if (self.view.get("monte_carlo") or {}).get("stale"):
            self._later("monte_carlo", self._update_simulation)

    def _update_simulation(self) -> None:
        bc = self._case()
        mc = monte_carlo_view(
            analyse(bc, n=self._n, seed=self._seed).monte_carlo)
        assert mc is not None  # analyse() simulates unless told not to
        self._mc_cache = (bc.model_dump_json(), mc)
        # The pairs' drawn rho comes from the simulation too.
        self._set_view({**self.view, "monte_carlo": mc,
                        "correlations": correlations_view(bc, mc)})

    @operation("set")
    def _op_set(self, msg: dict) -> None:
        """Set one value of a driver: ``{"driver", "field", "value"}`` (null clears a range)."""
        bc = self._case()
        name = require(msg, "driver", str)
        if name not in bc.drivers:
            err = f"there is no driver '{name}'; drivers: {', '.join(bc.drivers)}"
            raise UsageError(err)
        field = require(msg, "field", str)
        if field not in DRIVER_FIELDS:
            err = (f"field {field!r} cannot be edited here; editable: "
                   f"{', '.join(DRIVER_FIELDS)}")
            raise UsageError(err)
        required = field in ("conservative", "realistic", "optimistic")
        value = require(msg, "value", float, optional=not required)
        if value is not None and not math.isfinite(value):
            err = f"{field} must be a finite number, got {value}"
            raise UsageError(err)
        setattr(bc.drivers[name], field, value)

    @operation("correlate")
    def _op_correlate(self, msg: dict) -> None:
        """Set the rank correlation of a pair: ``{"drivers": [a, b], "rho"}`` (either order).

        The new rho is checked as the core checks ``aipo.yaml`` (strictly between -1 and 1,
        and the whole set of pairs still a valid correlation matrix); a refused value leaves
        the workspace as it was and the error names the pairs and a set that would work.
        """
        bc = self._case()
        pair = require(msg, "drivers", list)
        if len(pair) != 2 or not all(isinstance(d, str) for d in pair):
            err = f"operation field 'drivers' must name two drivers, got {pair!r}"
            raise UsageError(err)
        index = next((i for i, c in enumerate(bc.correlations)
                      if set(c.drivers) == set(pair)), None)
        if index is None:
            known = "; ".join(" ~ ".join(c.drivers) for c in bc.correlations) or "none"
            err = (f"there is no correlation between {pair[0]} and {pair[1]}; pairs: {known} "
                   "(add a pair to business_case.correlations in aipo.yaml)")
            raise UsageError(err)
        rho = require(msg, "rho", float)
        if not math.isfinite(rho):
            err = f"rho must be a finite number, got {rho}"
            raise UsageError(err)
        # A copy first: the model must not hold a value the core would refuse, even briefly
        # (a sibling widget could draw it).
        changed = spec.Correlation.model_validate({**bc.correlations[index].model_dump(),
                                                   "rho": rho})
        candidate = bc.model_copy(update={"correlations": [
            changed if i == index else c for i, c in enumerate(bc.correlations)]})
        problems = [Problem(text, path=format_path(path), fix=fix, code="correlation")
                    for path, text, fix in correlation_problems(candidate)]
        if problems:
            raise WorkspaceError(problems)
        bc.correlations[index].rho = rho

    @operation("setting")
    def _op_setting(self, msg: dict) -> None:
        """Set ``horizon_months`` or ``discount_rate``."""
        bc = self._case()
        field = require(msg, "field", str)
        if field not in _SETTINGS:
            err = f"field {field!r} cannot be edited here; editable: {', '.join(_SETTINGS)}"
            raise UsageError(err)
        setattr(bc, field, require(msg, "value", _SETTINGS[field]))

    def _static_svg(self) -> str:
        view = self.view or self._compute_view()
        title = self.title if self.title != self._label else "Business case: cumulative cash flow"
        return render.business_case_svg(view, title=title)

    def _static_alt(self) -> str:
        return render.business_case_alt(self.view or self._compute_view())
