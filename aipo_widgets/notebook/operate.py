"""The operate notebook's steps (after go-live): drift, the latest window, alerts, retraining.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.examples import write_example
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "blank"
>>> _ = write_example("blank", folder)
>>> phase = Operate.open(folder, as_of="2026-12-01")
>>> phase.drift() is None, [(g.name, g.verdict) for g in phase.gates]
(True, [('production window available', 'fail')])
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, ClassVar, cast

from aipo_widgets.analysis import measure
from aipo_widgets.analysis.drift import DriftReport, drift
from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.gates import operate
from aipo_widgets.gates.common import data_available_gates, gates_frame
from aipo_widgets.notebook._phase import Phase, scenarios, show

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.schema import DataSource

__all__ = ["Operate"]


@dataclass
class Operate(Phase):
    """Operation (after go-live): drift, the latest window, alerts, retraining, impact."""

    name: ClassVar[str] = "operate"
    roles: ClassVar[tuple[str, ...] | None] = ("production", "reference")

    production_source: DataSource | None = None
    drift_report: DriftReport | None = None
    window: dict[str, float] = field(default_factory=dict)
    current: dict[str, float] = field(default_factory=dict)

    def prepare(self) -> None:
        """Pick the production window; fail when there is none."""
        self.production_source = measure.first_source(self.ws, "production")
        self.add(data_available_gates(self.production, name="production window available",
                                      role="production"))

    @property
    def production(self) -> pd.DataFrame | None:
        """The production window, None when there is none."""
        return self.frame(self.production_source)

    def drift(self) -> pd.DataFrame | None:
        """Compare the production window with the frozen reference; return the columns."""
        frozen = self.folder / "reports" / "drift_reference.json"
        ref_id = self.ws.monitoring.drift.reference
        production = self.production
        if production is None or not (frozen.exists() or ref_id in self.frames):
            return None
        reference = (Reference.load(frozen) if frozen.exists()
                     else measure.drift_reference(self.ws, self.frames[str(ref_id)]))
        report = self.drift_report = drift(reference, production,
                                           thresholds=measure.drift_thresholds(self.ws))
        self.add(operate.drift_gate(report))
        self.figures["drift_share"] = report.share_drifted
        self.figures["psi_max"] = max((c.psi for c in report.columns), default=0.0)
        return report.to_frame()

    def latest_window(self, *, n_boot: int = 1000) -> pd.DataFrame:
        """Measure the window: metrics, performance where labels arrived, cost and latency."""
        import pandas as pd

        production, source = self.production, self.production_source
        window: dict[str, float] = {}
        if production is not None and source is not None:
            measured = measure.measure_nodes(self.ws, {source.id: production}, "production",
                                             n_boot=0)
            window.update({r.metric: r.value for r in measured.itertuples()})
            labelled = operate.labelled_rows(production, source.label_column)
            if labelled is not None:
                evaluation = measure.evaluate_gold(self.ws, labelled, source, n_boot=n_boot)
                window.update(measure.eval_figures(self.ws, evaluation))
                self.figures["labelled_rows"] = len(labelled)
                show(evaluation.table())
            if self.drift_report is not None:
                window["psi_max"] = self.figures["psi_max"]
            self.add(operate.cost_gates(self.ws, production, source))
        self.window = window
        self.figures.update({f"window_{k}": round(v, 6) for k, v in window.items()})
        return pd.Series(window, name="latest window").to_frame()

    def alerts(self) -> pd.DataFrame:
        """Check the alert rules and the kill-switch conditions; return their gates."""
        self.current = measure.figures_from(self.ws, extra=self.window)
        found = self.add(operate.alert_gates(self.ws, self.current)
                         + operate.kill_switch_gates(self.ws, self.current))
        return gates_frame(found)

    def retrain(self, *, last_trained: str | dt.date | None = "") -> None:
        """Recommend a retrain or not, from drift, the model's age and the labels."""
        if isinstance(last_trained, str):
            trained = dt.date.fromisoformat(last_trained) if last_trained else None
        else:
            trained = last_trained
        (gate,) = self.add(operate.retrain_recommendation(
            self.ws, self.drift_report, last_trained=trained, as_of=self.as_of,
            new_labels=int(self.figures.get("labelled_rows", 0))))
        print(f"Retrain: {gate.figure}. {gate.detail}")

    def impact(self) -> pd.DataFrame | None:
        """Show the metric tree's root now, and the business case with what was measured."""
        tree = Tree(self.ws.metric_tree)
        # A tree without a root raises KeyError here (issue 13 gives the blank start a gate).
        root = tree.status().node(cast(str, tree.root))
        self.figures["root_value"] = root.value
        print(f"{root.name}: {root.value:.4g} {root.unit} (baseline {root.baseline}, "
              f"target {root.target}): {root.status}")
        case = self.analyse_business_case(measured=self.current)
        if case is None:
            return None
        self.add(case.exit_gates)
        return scenarios(case, ["NPV"])
