"""MetricTreeWidget: the metric tree, from the North Star down to model metrics and guardrails.

A collapsible tree; each node shows its value, baseline, target and unit, a progress bar from
baseline to target and a status (colour and words), all computed by
:mod:`aipo_widgets.analysis.metric_tree`. Baseline, target, current value and a guardrail's
threshold are edited in place. *What-if* mode changes measured values without saving them and shows
every formula node's new value (computed by the core in the kernel); the sensitivity ranking of the
root's levers sits beside the tree.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.examples import write_example
>>> from aipo_widgets.model.workspace import load
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "ws"
>>> _ = write_example("support-summaries", folder)
>>> w = MetricTreeWidget(load(folder))
>>> w.handle_operation({"op": "set", "node": "handle_time_min", "field": "target",
...                     "value": 12.5})
True
>>> w.workspace.metric("handle_time_min").target
12.5
>>> reply = w.what_if({"handle_time_min": 10.0})
>>> round(reply["after"]["cost_per_ticket"], 2) < round(reply["before"]["cost_per_ticket"], 2)
True
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

from aipo_widgets import figures as render
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.errors import UsageError
from aipo_widgets.widgets._base import AipoWidget, operation, require, static_asset

__all__ = ["MetricTreeWidget"]

_NUMBER_FIELDS = ("baseline", "target", "current", "threshold")


class MetricTreeWidget(AipoWidget):
    """The workspace's metric tree, editable, with what-if and sensitivity.

    Parameters
    ----------
    workspace : WorkspaceFile, Workspace, str or os.PathLike
        The workspace whose ``metric_tree`` is shown (see :class:`AipoWidget`).
    read_only : bool, default False
        Show without editing (enforced in Python). What-if stays available: it changes
        nothing.
    expected_progress : float, default 1.0
        Progress from which a node is on track (see
        :class:`aipo_widgets.analysis.metric_tree.Tree`).
    guardrail_margin : float, default 0.05
        Distance to a guardrail's threshold within which it is at risk.
    **kwargs
        Other public traits (``title``, ``layout``).

    Examples
    --------
    >>> from aipo_widgets.model.schema import Workspace
    >>> ws = Workspace.model_validate({"product": {"name": "x", "owner": "y"},
    ...     "metric_tree": {"nodes": [{"id": "acc", "name": "Accuracy", "baseline": 0.8,
    ...                                "target": 0.9, "current": 0.85}]}})
    >>> w = MetricTreeWidget(ws)
    >>> [(n["id"], n["status"], round(n["progress"], 3)) for n in w.view["nodes"]]
    [('acc', 'at_risk', 0.5)]
    """

    _label = "Metric tree"
    _reads: ClassVar[frozenset[str]] = frozenset({"metric_tree"})
    _writes: ClassVar[frozenset[str]] = frozenset({"metric_tree"})
    _init_args: ClassVar[frozenset[str]] = frozenset({"expected_progress", "guardrail_margin"})
    _esm = static_asset("_common.js", "metric_tree.js")
    _css = static_asset("_common.css", "metric_tree.css")

    def _configure(self, expected_progress: float = 1.0, guardrail_margin: float = 0.05) -> None:
        self._settings = {"expected_progress": expected_progress,
                          "guardrail_margin": guardrail_margin}
        self._tree_cache: tuple[Any, Any] | None = None
        self._sens_cache: tuple[Any, dict] | None = None

    def _tree(self):
        """Return the core's Tree, rebuilt only when the structure changed (formulas, parents).

        The Tree reads the nodes' numbers from the workspace models when it computes, so an
        edited baseline, target or current value needs no rebuild.
        """
        mt = self.workspace.metric_tree
        key = (id(mt), mt.root, tuple((id(n), n.id, n.parent, n.formula) for n in mt.nodes))
        if self._tree_cache is None or self._tree_cache[0] != key:
            self._tree_cache = (key, Tree(mt, **self._settings))
        return self._tree_cache[1]

    def _sensitivity_key(self) -> tuple:
        mt = self.workspace.metric_tree
        return (self._tree_cache[0] if self._tree_cache else None,
                tuple((n.current, n.direction) for n in mt.nodes))

    def _compute_view(self) -> dict:
        if not self.workspace.metric_tree.nodes:
            return {"root": None, "nodes": [], "counts": {}, "warnings": [],
                    "sensitivity": {"items": [], "error": "the workspace has no metric tree"}}
        tree = self._tree()
        # The sensitivity ranking (three evaluations per input) depends on current values
        # only: reuse it after a target or baseline edit, recompute it after the answer.
        cached = self._sens_cache
        if cached is not None and cached[0] == self._sensitivity_key():
            return tree.to_view(sensitivity=cached[1])
        if cached is None:
            sens = tree.sensitivity_view()
            self._sens_cache = (self._sensitivity_key(), sens)
            return tree.to_view(sensitivity=sens)
        return tree.to_view(sensitivity={**cached[1], "stale": True})

    def refresh(self) -> None:
        """Recompute the view; a stale sensitivity ranking follows once the kernel is idle."""
        super().refresh()
        if (self.view.get("sensitivity") or {}).get("stale"):
            self._later("sensitivity", self._update_sensitivity)

    def _update_sensitivity(self) -> None:
        tree = self._tree()
        sens = tree.sensitivity_view()
        self._sens_cache = (self._sensitivity_key(), sens)
        self._set_view({**self.view, "sensitivity": sens})

    def _node(self, msg: dict) -> Any:
        nid = require(msg, "node", str)
        try:
            return self.workspace.metric(nid)
        except KeyError:
            err = f"there is no metric '{nid}' in the tree"
            raise UsageError(err) from None

    @operation("set")
    def _op_set(self, msg: dict) -> None:
        """Set a node's number: ``{"node", "field": baseline|target|current|threshold, "value"}``.

        ``value`` null clears it. A formula node's current value is computed, so it is refused.
        """
        node = self._node(msg)
        field = require(msg, "field", str)
        if field not in _NUMBER_FIELDS:
            err = f"field {field!r} cannot be edited here; editable: {', '.join(_NUMBER_FIELDS)}"
            raise UsageError(err)
        value = require(msg, "value", float, optional=True)
        if value is not None and not math.isfinite(value):
            err = f"{field} must be a finite number, got {value}"
            raise UsageError(err)
        if field == "current" and node.formula:
            err = (f"'{node.id}' is computed by its formula ({node.formula}); change the "
                   "values of its inputs instead")
            raise UsageError(err)
        setattr(node, field, value)

    def what_if(self, changes: dict[str, float]) -> dict:
        """Return every node's value before and after setting measured nodes to new values.

        Nothing is changed: this is what the widget's what-if mode asks the kernel.

        Parameters
        ----------
        changes : dict of str to float
            Measured node id -> value.

        Returns
        -------
        dict
            ``before``, ``after`` (node id -> value), ``root_before``, ``root_after``, and the
            ``status`` each node would have.
        """
        result = self._tree().what_if(changes)
        return result.to_dict()

    @operation("whatif", kind="query")
    def _op_whatif(self, msg: dict) -> dict:
        changes = require(msg, "changes", dict)
        clean: dict[str, float] = {}
        for k, v in changes.items():
            clean[str(k)] = require({"value": v}, "value", float)
        if not clean:
            return {"whatif": None}
        return {"whatif": self.what_if(clean)}

    def _static_svg(self) -> str:
        title = self.title if self.title != self._label else "Metric tree"
        return render.metric_tree_svg(self.view or self._compute_view(), title=title)

    def _static_alt(self) -> str:
        view = self.view or self._compute_view()
        return render.metric_tree_alt(view) if view.get("nodes") else "Metric tree: empty"
