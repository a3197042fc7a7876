"""The operate notebook's steps (after go-live): drift, the latest window, alerts, retraining.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.examples import write_example
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "blank"
>>> _ = write_example("blank", folder)
>>> phase = Operate.open(folder, as_of="2026-12-01")
>>> phase.drift() is None  # the section says why it shows no table
No drift comparison: not measured: would come from a frozen drift reference: run the rollout \
notebook, or name a reference source in monitoring.drift.reference
True
>>> [(g.name, g.verdict) for g in phase.gates]  # doctest: +NORMALIZE_WHITESPACE
[('production window available', 'fail'),
 ('data drift against the frozen reference', 'warn')]
>>> phase.retrain()
Retrain: not measured. not measured: drift (no drift measured in the drift window)
>>> phase.impact()
No metric-tree root: add metric_tree.root (the North Star) to aipo.yaml.
No business case in aipo.yaml: nothing to compare the realised value with.
>>> phase.gates[-1].detail
'no metric-tree root: name the North Star node in metric_tree.root of aipo.yaml'
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, ClassVar

from aipo_widgets._text import format_number
from aipo_widgets.analysis import genai_evidence, measure, monitored
from aipo_widgets.analysis.drift import DriftReport
from aipo_widgets.analysis.drift_reference import Reference
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.analysis.monitored import Windows
from aipo_widgets.analysis.operations import Measurement
from aipo_widgets.analysis.source_engines import open_source
from aipo_widgets.analysis.sources import index_paths
from aipo_widgets.errors import DataError
from aipo_widgets.evidence import Gate, Provenance, Verdict
from aipo_widgets.figures import drift_alt, drift_svg, trends_alt, trends_svg
from aipo_widgets.figures.table import with_units
from aipo_widgets.gates import genai, operate
from aipo_widgets.gates.common import data_available_gates, gates_frame
from aipo_widgets.notebook._phase import Phase, Picture, scenarios, show
from aipo_widgets.pages.trends import trend_series
from aipo_widgets.runs.ledger import Ledger

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.analysis.sources import Window
    from aipo_widgets.model.schema import DataSource

__all__ = ["Operate"]


@dataclass
class Operate(Phase):
    """Operation (after go-live): drift, the latest window, alerts, retraining, impact.

    Every figure is measured on its own window of the production log ending at ``as_of``
    (:mod:`aipo_widgets.analysis.monitored`); nothing falls back to a value typed in
    ``aipo.yaml``.
    """

    name: ClassVar[str] = "operate"
    # The production log is read window by window (never whole): only the reference here.
    roles: ClassVar[tuple[str, ...] | None] = ("reference",)

    production_source: DataSource | None = None
    drift_report: DriftReport | None = None
    drift_window: Window | None = None
    reference: Reference | None = None
    windows: Windows | None = None
    window: dict[str, float] = field(default_factory=dict)
    current: dict[str, float] = field(default_factory=dict)
    measured: dict[tuple[str, int], Measurement] = field(default_factory=dict)
    _production: pd.DataFrame | None = field(default=None, repr=False)

    def prepare(self) -> None:
        """Pick the production log and read its default window; gate on what the window holds.

        Only the ``monitoring.window_days`` ending at ``as_of`` are read, never the whole log:
        the gate passes on the window's rows (source, first and last day, rows), warns on fewer
        than ``min_rows`` or without a ``time_column``, and fails without a log or an
        unreadable or empty window.
        """
        self.production_source = source = monitored.production_source(self.ws)
        self.windows = Windows(self.folder, self.as_of)
        name = "production window available"
        if source is None or (source.engine == "duckdb" and not source.location):
            self.add(data_available_gates(None, name=name, role="production"))
            return
        if not source.time_column:
            try:  # opening reads no rows: is it there at all?
                with open_source(self.folder, source):
                    pass
            except DataError as exc:
                self._unreadable(source, exc)
                return
            where = f"data_map.sources[{source.id}].time_column"
            self.add(Gate(name, "warn", detail=f"no window can be cut: add {where}",
                          source=f"data_map.sources[{source.id}]",
                          provenance=Provenance.missing(where)))
            return
        days, min_rows = self.ws.monitoring.window_days, self.ws.monitoring.min_rows
        try:
            frame, window = self.windows.read(source, days)
        except DataError as exc:
            self._unreadable(source, exc)
            return
        self._production = frame
        span = f"{source.id} from {window.start} to {window.end} ({days} days)"
        verdict: Verdict = ("pass" if window.rows >= min_rows
                            else "warn" if window.rows else "fail")
        detail = {"pass": f"{window.rows:,} rows in {span}",
                  "warn": f"too few rows: {window.rows:,} in {span}, {min_rows} needed",
                  "fail": f"no rows in {span}: is the log current, or as_of right?"}[verdict]
        self.add(Gate(name, verdict, figure=window.rows, threshold=f">= {min_rows} rows",
                      detail=detail, source=f"data_map.sources[{source.id}]",
                      provenance=window.provenance(),
                      extra={"window": operate.window_info(window.provenance())}))

    def _unreadable(self, source: DataSource, exc: DataError) -> None:
        found = index_paths(self.ws.data_map.sources, exc.problems)
        self.add(Gate(f"data source {source.id} readable", "fail",
                      detail="; ".join(map(str, self.wf.locate(found))),
                      source=f"data_map.sources[{source.id}]"))
        self.add(data_available_gates(None, name="production window available",
                                      role="production"))

    @property
    def production(self) -> pd.DataFrame | None:
        """The production log's default window as read, None when there is none."""
        return self._production

    def measure(self, metric: str, days: int) -> Measurement:
        """Measure ``metric`` on the ``days``-day window ending at ``as_of`` (once)."""
        key = (metric, days)
        if key not in self.measured:
            assert self.windows is not None
            self.measured[key] = monitored.measure_metric(
                self.ws, self.windows, metric, days=days, source=self.production_source,
                reference=self._reference())
        return self.measured[key]

    def _reference(self) -> Reference | None:
        if self.reference is None:
            frozen = self.folder / "reports" / "drift_reference.json"
            ref_id = self.ws.monitoring.drift.reference
            if frozen.exists():
                self.reference = Reference.load(frozen)
            elif ref_id and ref_id in self.frames:
                self.reference = measure.drift_reference(self.ws, self.frames[str(ref_id)])
        return self.reference

    def drift(self) -> pd.DataFrame | None:
        """Compare the drift window with the frozen reference; return the columns."""
        reference = self._reference()
        assert self.windows is not None
        min_rows = self.ws.monitoring.min_rows
        if reference is None:
            nothing = monitored.missing(
                "drift", "a frozen drift reference: run the rollout notebook, or name a "
                "reference source in monitoring.drift.reference")
            (gate,) = self.add(operate.drift_gate(None, missing=nothing, min_rows=min_rows))
            print(f"No drift comparison: {gate.detail}")
            return None
        report, window, gap = monitored.drift_on_window(self.ws, self.windows, reference,
                                                        source=self.production_source)
        self.drift_window = window
        if report is not None and window is not None and window.rows < min_rows:
            report = None  # too few rows for a verdict: the gate says so
        self.drift_report = report
        (gate,) = self.add(operate.drift_gate(report, window, min_rows=min_rows, missing=gap))
        if report is None:
            print(f"No drift comparison: {gate.detail}")
            return None
        self.figures["drift_share"] = report.share_drifted
        self.figures["psi_max"] = max((c.psi for c in report.columns), default=0.0)
        # each column's PSI, for its trend across runs (the ledger keeps the figures)
        self.figures.update({f"psi_{c.column}": round(c.psi, 6) for c in report.columns})
        data = report.to_dict()
        show(Picture(drift_svg(data, history=self._psi_history(report)), drift_alt(data)))
        return report.to_frame()

    def _psi_history(self, report: DriftReport) -> dict[str, list[float]]:
        """Each column's PSI in the earlier runs, oldest first, from the run ledger (if any)."""
        db = self.folder / "reports" / "ledger.sqlite"
        if not db.exists():
            return {}
        try:
            with Ledger(db) as ledger:
                return {c.column: [v for *_, v in ledger.trend(f"psi_{c.column}")
                                   if isinstance(v, (int, float))] for c in report.columns}
        except sqlite3.Error:  # a trend is a nicety: the drift picture shows without it
            return {}

    def latest_window(self, *, n_boot: int = 1000) -> pd.DataFrame:
        """Measure the default window: metrics, performance where labels arrived, cost, latency."""
        import pandas as pd

        source, windows = self.production_source, self.windows
        days = self.ws.monitoring.window_days
        window: dict[str, float] = {}
        frame, win = self._read(days)
        if frame is not None and source is not None and win is not None:
            self.figures["window"] = operate.window_info(win.provenance())
            measured = measure.measure_nodes(self.ws, {source.id: frame}, "production",
                                             n_boot=0)
            window.update({r.metric: r.value for r in measured.itertuples()})
            label = source.label_column
            have = int(frame[label].notna().sum()) if label and label in frame else 0
            labels = Measurement("labelled rows", float(have), have, "rows with a label",
                                 win.provenance(have, "rows with a label"))
            if not label or label not in frame:
                labels = monitored.missing(
                    "labelled rows", f"data_map.sources[{source.id}].label_column")
            self.add(operate.performance_gate(self.ws, labels))
            labelled = operate.labelled_rows(frame, label, minimum=self.ws.monitoring.min_rows)
            if labelled is not None:
                evaluation = measure.evaluate_gold(self.ws, labelled, source, n_boot=n_boot)
                window.update(measure.eval_figures(self.ws, evaluation))
                self.figures["labelled_rows"] = len(labelled)
                show(evaluation.table())
        if windows is not None:
            self.add(operate.cost_gates(self.ws, self.measure))
        self.window = window
        self.figures.update({f"window_{k}": round(v, 6) for k, v in window.items()})
        return with_units(pd.Series(window, name="latest window", dtype=float).to_frame(),
                          row_units=self.units, row_unit_columns=["latest window"],
                          empty="Nothing measured: no production window could be read.")

    def _read(self, days: int) -> tuple[pd.DataFrame | None, Window | None]:
        source = self.production_source
        if (source is None or self.windows is None
                or (source.engine == "duckdb" and not source.location)):
            return None, None
        if not source.time_column:  # the window gate says so
            return None, None
        try:
            return self.windows.read(source, days)
        except DataError:
            return None, None  # the source's readability is its own gate

    def versions(self) -> pd.DataFrame | None:
        """Check that the default window runs the accepted model and prompt versions."""
        assert self.windows is not None
        if self.ws.evaluation.accepted is None:
            print("No accepted versions recorded (evaluation.accepted): nothing to check.")
            return None
        found, window, problem = genai_evidence.production_versions(
            self.ws, self.windows, self.production_source, self.ws.monitoring.window_days)
        self.add(genai.version_gate(found, window, self.ws, problem=problem))
        if found is None:
            return None
        self.figures["unaccepted_version_rows"] = found.rows
        return found.runs

    def alerts(self) -> pd.DataFrame:
        """Check the alert rules and the kill-switch conditions, each on its window."""
        found = self.add(operate.alert_gates(self.ws, self.measure)
                         + operate.kill_switch_gates(self.ws, self.measure))
        # The business case reads only what was measured here (no typed value).
        self.current = measure.figures_from(
            self.ws, extra={**self.window, **{
                m: g.figure for g in found if g.measured and isinstance(g.figure, float)
                for m in [g.extra.get("metric")] if m}})
        return gates_frame(found)

    def retrain(self) -> None:
        """Recommend a retrain or not: drift, the data cut-off against the interval, new labels."""
        assert self.windows is not None
        labels = monitored.new_labels_since(self.ws, self.windows,
                                            source=self.production_source)
        (gate,) = self.add(operate.retrain_recommendation(
            self.ws, self.drift_report, as_of=self.as_of, new_labels=labels))
        if labels.measured:
            self.figures["new_labels"] = labels.value
        print(f"Retrain: {gate.figure}. {gate.detail}")

    def impact(self) -> pd.DataFrame | None:
        """Show the metric tree's root now, and the business case with what was measured."""
        tree = Tree(self.ws.metric_tree)
        if tree.root is None:
            self.add(Gate("impact on the North Star", "warn",
                          detail="no metric-tree root: name the North Star node in "
                                 "metric_tree.root of aipo.yaml",
                          provenance=Provenance.missing("metric_tree.root"),
                          source="metric_tree.root"))
            print("No metric-tree root: add metric_tree.root (the North Star) to aipo.yaml.")
        else:
            self._root_now(tree, tree.root)
        case = self.analyse_business_case(measured=self.current)
        # the North Star and the key figures run by run, this run's last (the run ledger)
        series = trend_series(self.folder, self.ws, now=self.figures)
        if series:
            show(Picture(trends_svg(series), trends_alt(series)))
        if case is None:
            print("No business case in aipo.yaml: nothing to compare the realised value with.")
            return None
        self.add(self._exit_gates(case.exit_gates))
        return scenarios(case, ["NPV"])

    def _root_now(self, tree: Tree, root_id: str) -> None:
        # The root recomputed with the inputs measured in this phase's windows (the default
        # window first); the other inputs stay as typed in aipo.yaml, and the text says which.
        computed = {n.id for n in self.ws.metric_tree.nodes if n.formula}
        now: dict[str, float] = {}
        for (metric, _days), m in sorted(self.measured.items(), key=lambda kv: (
                kv[0][1] != self.ws.monitoring.window_days, kv[0][1])):
            if (m.measured and m.value is not None and metric in tree.nodes
                    and metric not in computed and metric not in now):
                now[metric] = float(m.value)
        for metric, typed_value in self.window.items():
            if metric in tree.nodes and metric not in computed and metric not in now:
                now.setdefault(metric, float(typed_value))
        root = self.ws.metric(root_id)
        value = tree.values(at=now).get(root_id)
        self.figures["root_value"] = value
        self.figures["root_measured_inputs"] = sorted(now)
        typed = sorted(n.id for n in self.ws.metric_tree.nodes
                       if n.id not in computed and n.id not in now and n.current is not None)
        shown = "not known" if value is None else format_number(value, root.unit)
        where = [f"target {format_number(root.target, root.unit)}"
                 if root.target is not None else "",
                 f"baseline {format_number(root.baseline, root.unit)}"
                 if root.baseline is not None else ""]
        print(f"{root.name} now: {shown} ({', '.join(w for w in where if w) or 'no target'})")
        print(f"  measured in this run's windows: {', '.join(sorted(now)) or 'nothing'}")
        if typed:
            print(f"  as typed in aipo.yaml (current): {', '.join(typed)}")

    def _exit_gates(self, gates: list[Gate]) -> list[Gate]:
        # The business case's stop rules, each on the default window where its metric can be
        # measured from the log; a value typed in aipo.yaml (a driver's ``measured``) is shown
        # with that provenance and never passes.
        spec = self.ws.business_case
        assert spec is not None
        days = self.ws.monitoring.window_days
        out = []
        for i, gate in enumerate(gates):
            if i >= len(spec.exit_criteria):
                out.append(gate)
                continue
            cond = spec.exit_criteria[i]
            m = self.measure(cond.metric, days) if self.windows is not None else None
            if m is not None and m.provenance.kind == "measured":
                out.append(operate.windowed_gate(
                    cond, m, min_rows=self.ws.monitoring.min_rows, meaning="trigger",
                    name=gate.name, source=gate.source))
            elif gate.figure is not None:
                out.append(replace(gate, provenance=Provenance.typed(
                    f"business_case.drivers[{cond.metric}].measured")))
            else:
                where = m.provenance if m is not None else Provenance.missing(cond.metric)
                out.append(replace(gate, provenance=where,
                                   detail=f"{gate.detail}; {where.describe()}"))
        return out
