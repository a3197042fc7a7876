"""BacklogWidget: the mixed backlog, scored and ranked by the core, with its raw factors editable.

A sortable table of every item with the raw factors of the chosen method (value, risk,
feasibility, confidence, effort for the default; RICE, WSJF, economic WSJF and ICE otherwise),
the live score and rank, the rank-stability indicator (does the rank survive +-20 % on each
weight?), and the gate: blocked by a critical risk, excluded by the AI Act tier, incomplete,
done - each with its reason. Method and weights are the workspace's ``settings``; changing them
re-ranks everything. Scoring is :func:`aipo_widgets.analysis.backlog.score_workspace`; the browser
only renders and sends edits.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.examples import example_yaml
>>> from aipo_widgets.model.workspace import load
>>> folder = pathlib.Path(tempfile.mkdtemp())
>>> _ = (folder / "aipo.yaml").write_bytes(example_yaml("support-summaries"))
>>> w = BacklogWidget(load(folder))
>>> cols = w.view["columns"]
>>> cols["id"][cols["rank"].index(1)]
'B8'
>>> w.handle_operation({"op": "set", "item": "B12", "field": "value", "value": 10})
True
>>> w.handle_operation({"op": "method", "method": "rice"})
True
>>> w.workspace.settings.backlog_method, w.view["factor_columns"]
('rice', ['reach', 'impact', 'confidence', 'effort'])
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any, ClassVar

from aipo_widgets import figures as render
from aipo_widgets.analysis.backlog import (
    DEFAULT_WEIGHTS,
    METHODS,
    RAW_FACTORS,
    score,
    score_workspace,
)
from aipo_widgets.analysis.compliance import classify_workspace
from aipo_widgets.errors import UsageError
from aipo_widgets.widgets._base import AipoWidget, operation, require, static_asset

__all__ = ["BacklogWidget"]

_CHOICES = {"status": ("todo", "doing", "done", "dropped"),
            "type": ("product", "data", "model", "evaluation", "risk")}


class BacklogWidget(AipoWidget):
    """The workspace's backlog as an editable, ranked table.

    Parameters
    ----------
    workspace : WorkspaceFile, Workspace, str or os.PathLike
        The workspace whose ``backlog`` is shown (see :class:`AipoWidget`).
    read_only : bool, default False
        Show without editing (enforced in Python).
    excluded_ids : iterable of str, optional
        Items that would serve a prohibited use (see :func:`aipo_widgets.analysis.backlog.score`).
    tolerance : int, default 0
        The largest rank shift still called robust.
    **kwargs
        Other public traits (``title``, ``layout``).

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"}, "backlog": [
    ...     {"id": "B1", "title": "Gold set", "type": "evaluation", "value": 8, "risk": 1,
    ...      "feasibility": 8, "effort": 1, "confidence": 0.9}]})
    >>> w = BacklogWidget(ws)

    Unanswered AI Act questions take the strict branch, so nothing is ranked yet:

    >>> w.view["tier"], w.view["columns"]["gate"]
    ('prohibited', ['excluded'])
    """

    _label = "Backlog"
    _reads: ClassVar[frozenset[str]] = frozenset({"backlog", "risks", "settings", "compliance"})
    _writes: ClassVar[frozenset[str]] = frozenset({"backlog", "settings"})
    _writes_by_op: ClassVar[dict[str, frozenset[str]]] = {
        "set": frozenset({"backlog"}), "method": frozenset({"settings"}),
        "weights": frozenset({"settings"})}
    _init_args: ClassVar[frozenset[str]] = frozenset({"excluded_ids", "tolerance"})
    _esm = static_asset("_common.js", "backlog.js")
    _css = static_asset("_common.css", "backlog.css")

    def _configure(self, excluded_ids: Iterable[str] = (), tolerance: int = 0) -> None:
        if isinstance(excluded_ids, str):
            msg = "excluded_ids must be a list of item ids, not one string"
            raise TypeError(msg)
        self._excluded = tuple(excluded_ids)
        self._tolerance = tolerance
        self._tier_cache: tuple[str, Any] | None = None
        self._view_cache: tuple[tuple, dict] | None = None

    def _classification(self) -> Any:
        # Classifying the AI Act answers takes ~0.1 s; a factor edit does not change them.

        key = self.workspace.compliance.model_dump_json()
        if self._tier_cache is None or self._tier_cache[0] != key:
            self._tier_cache = (key, classify_workspace(self.workspace))
        return self._tier_cache[1]

    def _inputs_key(self) -> tuple:
        """Return what the scores depend on; a risk moved elsewhere leaves the backlog alone.

        The backlog's gates read only the risks its items name (``blocked_by``); a change to
        any other risk, which the risk matrix reports to every widget on the file, then costs
        nothing here.
        """
        ws = self.workspace
        named = {rid for it in ws.backlog for rid in it.blocked_by}
        return (
            tuple((it.id, it.title, it.type, it.status, *(getattr(it, f) for f in RAW_FACTORS),
                   tuple(it.mitigates), tuple(it.blocked_by)) for it in ws.backlog),
            tuple((r.id, r.likelihood, r.impact, r.residual_likelihood, r.residual_impact,
                   r.status) for r in ws.risks if r.id in named),
            ws.settings.model_dump_json(), ws.compliance.model_dump_json(),
        )

    def _scored(self, *, stability: bool) -> dict:
        result = score_workspace(self.workspace, classification=self._classification(),
                                 excluded_ids=tuple(self._excluded), tolerance=self._tolerance,
                                 stability=stability)
        return result.to_view(self.workspace)

    def _compute_view(self) -> dict:
        key = self._inputs_key()
        if self._view_cache is not None and self._view_cache[0] == key:
            return self._view_cache[1]
        if self._view_cache is None:
            view = self._scored(stability=True)
        else:
            # After an edit, the new scores and ranks go out at once; the stability test (two
            # re-rankings per weight, two thirds of the scoring time of 2,000 items) follows
            # when the kernel is idle (see ``refresh``). Until then each item keeps its
            # previous verdict, marked stale.
            view = self._scored(stability=False)
            old = self._view_cache[1]["columns"]
            where = {iid: k for k, iid in enumerate(old["id"])}
            cols = view["columns"]
            for name in ("stability", "shift", "sensitive_to"):
                cols[name] = [old[name][where[iid]] if iid in where else v
                              for iid, v in zip(cols["id"], cols[name], strict=True)]
            view["stability_stale"] = True
        self._view_cache = (key, view)
        return view

    def refresh(self) -> None:
        """Recompute the view; a stale stability test follows once the kernel is idle."""
        super().refresh()
        if self.view.get("stability_stale"):
            self._later("stability", self._update_stability)

    def _update_stability(self) -> None:
        key = self._inputs_key()
        view = self._scored(stability=True)
        self._view_cache = (key, view)
        self._set_view(view)

    def _item(self, msg: dict) -> Any:
        iid = require(msg, "item", str)
        for it in self.workspace.backlog:
            if it.id == iid:
                return it
        err = f"there is no backlog item '{iid}'"
        raise UsageError(err)

    @operation("set")
    def _op_set(self, msg: dict) -> None:
        """Change one field of an item: ``{"item", "field", "value"}``.

        Raw factors take a number (null clears); ``status`` and ``type`` take one of their
        values.
        """
        item = self._item(msg)
        field = require(msg, "field", str)
        if field in RAW_FACTORS:
            value = require(msg, "value", float, optional=True)
            if value is not None and not math.isfinite(value):
                err = f"{field} must be a finite number, got {value}"
                raise UsageError(err)
        elif field in _CHOICES:
            value = require(msg, "value", str)
            if value not in _CHOICES[field]:
                err = f"{field} must be one of {', '.join(_CHOICES[field])}, got {value!r}"
                raise UsageError(err)
        elif field == "title":
            value = require(msg, "value", str)
        else:
            known = ", ".join((*RAW_FACTORS, *_CHOICES, "title"))
            err = f"field {field!r} cannot be edited here; editable: {known}"
            raise UsageError(err)
        setattr(item, field, value)

    @operation("method")
    def _op_method(self, msg: dict) -> None:
        """Choose the scoring method (``settings.backlog_method``); its weights reset."""
        method = require(msg, "method", str)
        if method not in METHODS:
            err = f"method must be one of {', '.join(METHODS)}, got {method!r}"
            raise UsageError(err)
        settings = self.workspace.settings
        if settings.backlog_method != method:
            settings.backlog_method = method
            # Weights belong to one method; another method's names would be refused.
            settings.backlog_weights = {}

    @operation("weights")
    def _op_weights(self, msg: dict) -> None:
        """Set weights of the current method: ``{"weights": {name: number}}``."""
        new = require(msg, "weights", dict)
        settings = self.workspace.settings
        merged = {**settings.backlog_weights,
                  **{str(k): require({"v": v}, "v", float) for k, v in new.items()}}
        # Let the core check names and ranges before the workspace changes.
        score([], settings.backlog_method, weights=merged)
        # Keep what the file says; add only weights that differ from the method's defaults.
        defaults = DEFAULT_WEIGHTS[settings.backlog_method]
        settings.backlog_weights = {k: v for k, v in merged.items()
                                    if k in settings.backlog_weights or defaults.get(k) != v}

    def _static(self) -> dict:
        view = self.view or self._compute_view()
        # A picture is kept (exports, untrusted notebooks): never draw a stale stability test.
        return self._scored(stability=True) if view.get("stability_stale") else view

    def _static_svg(self) -> str:
        title = self.title if self.title != self._label else ""
        return render.backlog_svg(self._static(), title=title)

    def _static_alt(self) -> str:
        return render.backlog_alt(self._static())
