"""The rollout notebook's steps (days 61-90): the pilot, the stages, monitoring, go / no-go.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.examples import write_example
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "blank"
>>> _ = write_example("blank", folder)
>>> phase = Rollout.open(folder, as_of="2026-12-01")
>>> phase.pilot()
>>> phase.go_no_go()
GO: go
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from aipo_widgets.analysis import measure
from aipo_widgets.analysis.pilot_effects import Effect
from aipo_widgets.documents.render import documentation_gate
from aipo_widgets.errors import DataError, UsageError
from aipo_widgets.evidence import Gate, Provenance
from aipo_widgets.figures import pilot_svg
from aipo_widgets.figures.table import with_units
from aipo_widgets.gates import rollout
from aipo_widgets.gates.common import gates_frame
from aipo_widgets.model.pilot_design import design_for_source
from aipo_widgets.notebook._phase import Phase, Picture, show

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Rollout"]


@dataclass
class Rollout(Phase):
    """Rollout (days 61-90): the pilot, the stages, monitoring and the go / no-go."""

    name: ClassVar[str] = "rollout"

    effects: dict[str, Effect] = field(default_factory=dict)
    provenance: dict[str, Provenance] = field(default_factory=dict)
    effect_provenance: dict[str, Provenance] = field(default_factory=dict)

    def pilot(self, *, n_boot: int = 2000) -> None:
        """Analyse each pilot as designed against its control; gate the effects on their targets.

        The design is the pilot stage's (``rollout.stages[].pilot``): individually randomised,
        cluster-randomised, before/after with a control or switchback. The effects' bootstrap
        intervals (individually randomised pilots) take at most 2000 resamples.
        """
        provenance = {}
        for src in measure.sources_with_role(self.ws, "pilot"):
            if src.id not in self.frames or not src.arm_column:
                continue
            try:
                report = measure.pilot_report(self.ws, self.frames[src.id], src,
                                              n_boot=min(n_boot, 2000))
            except DataError as exc:
                # The data do not fit the declared design: a failed gate, not a traceback.
                self.add(self._unanalysed(src.id, str(exc)))
                continue
            if report is None:
                continue
            self.add(report.gates)
            eff = report.primary
            self.effects[eff.metric] = eff
            if report.provenance is not None:
                provenance[eff.metric] = report.provenance
                self.provenance[src.id] = report.provenance
                self.effect_provenance[eff.metric] = report.provenance
            print(f"{src.id}: {report.design}")
            if report.provenance is not None:
                print(f"  {report.provenance.describe()}")
            if eff.cells:
                c = eff.cells
                print(f"  {eff.metric}: changed group {c['treatment_before']:.4g} -> "
                      f"{c['treatment_after']:.4g}, control {c['control_before']:.4g} -> "
                      f"{c['control_after']:.4g}")
            interval = (f"[{eff.relative_ci[0]:+.1%}, {eff.relative_ci[1]:+.1%}]"
                        if eff.inference else "(no interval: no inference possible)")
            base, after = (("counterfactual", "changed group after") if eff.cells
                           else ("control", "treatment"))
            print(f"  {eff.metric} {eff.mean_control:.4g} ({base}) -> "
                  f"{eff.mean_treatment:.4g} ({after}), {eff.relative:+.1%} {interval}")
            for note in eff.notes:
                print(f"  note: {note}")
            self.figures[f"pilot_{eff.metric}_relative"] = round(eff.relative, 6)
        self.add(rollout.effect_gates(self.ws, self.effects, provenance))
        self.add(rollout.pilot_stage_gates(self.ws, self.as_of))
        effects = self.effect_view()
        if effects:
            show(Picture(pilot_svg(effects), "Pilot effect against its target: " + "; ".join(
                f"{e['name']} {e['value']:+.1%}, target {e['target']:+.1%}" for e in effects)))

    def effect_view(self) -> list[dict[str, Any]]:
        """Return each pilot effect as its gate judges it: the reduction, its interval, target.

        One per metric-tree node with ``effect_of`` and a target whose metric the pilots
        measured (:func:`aipo_widgets.gates.rollout.effect_gates`).
        """
        out = []
        for node in self.ws.metric_tree.nodes:
            if not node.effect_of or node.target is None:
                continue
            measure_ = self.ws.metric(node.effect_of).measure
            effect = self.effects.get(measure_.column) if measure_ else None
            if effect is None:
                continue
            low, high = (sorted(-float(x) for x in effect.relative_ci) if effect.inference
                         else (None, None))
            out.append({"name": node.name, "value": -float(effect.relative), "low": low,
                        "high": high, "target": float(node.target),
                        "note": effect.design if effect.inference
                        else f"no interval possible ({effect.design})"})
        return out

    def _unanalysed(self, source_id: str, why: str) -> Gate:
        found = design_for_source(self.ws, source_id)
        where = (f"rollout.stages[{found[0]}].pilot" if found
                 else f"data_map.sources[{source_id}]")
        return Gate(f"pilot analysed as designed: {source_id}", "fail", figure="not analysed",
                    threshold="the data fit the design",
                    detail=f"{why}; fix the data or the design at {where}", source=where)

    def pilot_plan(self) -> pd.DataFrame:
        """Show how large each pilot had to be for its design, against what it has.

        Units (and clusters or periods) per arm to detect the effect target at the design's
        power, from the pilot's own control data: the design effect of clusters (from their
        ICC), the before/after correlation of a unit with itself. One cluster per arm is never
        enough, whatever the units.
        """
        import pandas as pd

        rows = []
        for src in measure.sources_with_role(self.ws, "pilot"):
            if src.id not in self.frames or not src.arm_column:
                continue
            try:
                planned = measure.pilot_plan(self.ws, self.frames[src.id], src)
            except (DataError, UsageError):
                continue  # the pilot's analysis above says what is wrong
            if planned is None:
                continue
            plan, has = planned
            self.add(rollout.pilot_size_gate(src.id, plan, has, self.provenance.get(src.id)))
            print(f"{src.id}: {plan.design}, to detect {plan.relative_effect:+.0%} "
                  f"(baseline {plan.baseline_mean:.4g}, sd {plan.baseline_sd:.4g}) with "
                  f"power {plan.power:.0%} at alpha {plan.alpha:g}")
            for note in plan.notes:
                print(f"  note: {note}")
            rows.append({"pilot": src.id, "what": "units per arm",
                         "needed": "{} and {}".format(*plan.units_per_arm),
                         "has": "{} and {}".format(*has["units_per_arm"])})
            needed_clusters = plan.clusters_per_arm
            has_clusters = has.get("clusters_per_arm")
            if needed_clusters or has_clusters:
                rows.append({
                    "pilot": src.id, "what": "clusters per arm",
                    "needed": ("{} and {}".format(*needed_clusters) if needed_clusters
                               else ">= 2 each (10+ for a useful interval)"),
                    "has": "{} and {}".format(*has_clusters) if has_clusters else ""})
            rows.append({"pilot": src.id, "what": "design effect",
                         "needed": f"{plan.design_effect:.3g}",
                         "has": f"ICC {plan.icc:.2g} ({plan.icc_source})"})
        rows += self._plans_before_the_pilot()
        return pd.DataFrame(rows, columns=["pilot", "what", "needed", "has"])

    def _plans_before_the_pilot(self) -> list[dict[str, str]]:
        """Plan the declared pilots whose data are not there yet, from the baseline."""
        rows = []
        baselines = [self.frames[s.id] for s in measure.sources_with_role(self.ws, "baseline")
                     if s.id in self.frames]
        with_data = {found[0] for src in measure.sources_with_role(self.ws, "pilot")
                     if src.id in self.frames
                     and (found := design_for_source(self.ws, src.id)) is not None}
        for index, stage in enumerate(self.ws.rollout.stages):
            design = stage.pilot
            if design is None or stage.status in ("done", "stopped") or index in with_data:
                continue  # decided, or planned from its own data above
            plan = None
            for frame in baselines:
                try:
                    plan = measure.pilot_plan_before(self.ws, frame, design)
                except (DataError, UsageError):
                    plan = None
                if plan is not None:
                    break
            if plan is None:
                continue
            print(f"{stage.id} (not run yet): {plan.design}, to detect "
                  f"{plan.relative_effect:+.0%} with power {plan.power:.0%}, from the baseline")
            for note in plan.notes:
                print(f"  note: {note}")
            rows.append({"pilot": stage.id, "what": "units per arm",
                         "needed": "{} and {}".format(*plan.units_per_arm), "has": "not run yet"})
            if plan.clusters_per_arm:
                rows.append({"pilot": stage.id, "what": "clusters per arm",
                             "needed": "{} and {}".format(*plan.clusters_per_arm),
                             "has": "not run yet"})
            rows.append({"pilot": stage.id, "what": "design effect",
                         "needed": f"{plan.design_effect:.3g}",
                         "has": f"ICC {plan.icc:.2g} ({plan.icc_source})"})
        return rows

    def stages(self) -> pd.DataFrame:
        """Gate the active stage's exit and the next stage's entry; show the stages."""
        import pandas as pd

        frames = dict(self.frames)
        for src in measure.sources_with_role(self.ws, "pilot"):
            if src.id in frames:  # a before/after pilot's baseline rows are not the pilot
                frames[src.id] = measure.pilot_period_rows(self.ws, frames[src.id], src)
        measured = pd.concat([measure.measure_nodes(self.ws, frames, role, n_boot=0)
                              for role in ("pilot", "production")], ignore_index=True)
        effects = measure.effect_figures(self.ws, self.effects)
        figures = measure.figures_from(self.ws, measured, extra=effects)
        # Where each figure came from: measured in the pilot or production data, or where it
        # would come from; a value typed in aipo.yaml is shown as typed and never passes.
        provenance = measure.measured_provenance(
            self.ws, frames, measured, ("pilot", "production"),
            extra=self._effect_node_provenance(effects))
        found = self.add(rollout.stage_gates(self.ws, figures, provenance,
                                             measure.typed_figures(self.ws, provenance)))
        show(with_units(pd.DataFrame([{"stage": s.id, "name": s.name, "audience": s.audience,
                                       "share": s.share, "status": s.status,
                                       "human review": s.human_review,
                                       "min days": s.min_duration_days}
                                      for s in self.ws.rollout.stages]),
                        units={"share": "share"}, empty="No rollout stages in aipo.yaml."))
        return gates_frame(found)

    def _effect_node_provenance(self, effects: dict[str, float]) -> dict[str, Provenance]:
        # A node that is a pilot's effect (effect_of) was measured where that pilot was.
        out = {}
        for node in self.ws.metric_tree.nodes:
            m = self.ws.metric(node.effect_of).measure if node.effect_of else None
            if node.id in effects and m is not None and m.column in self.effect_provenance:
                out[node.id] = self.effect_provenance[m.column]
        return out

    def monitoring(self) -> pd.DataFrame:
        """Freeze the drift reference, gate readiness; return the alert rules."""
        import pandas as pd

        ref_id = self.ws.monitoring.drift.reference
        if ref_id and ref_id in self.frames:
            reference = measure.drift_reference(self.ws, self.frames[ref_id])
            path = self.folder / "reports" / "drift_reference.json"
            path.parent.mkdir(exist_ok=True)
            reference.to_json(path)  # written atomically
            self.add(rollout.drift_reference_gate(reference, file_name=path.name,
                                                  source_id=ref_id))
        else:
            self.add(rollout.drift_reference_gate(None))
        self.add(rollout.readiness_gates(self.ws, self.as_of))
        keep = {"id", "metric", "operator", "value", "severity", "window", "action"}
        rules = pd.DataFrame([a.model_dump(include=keep) for a in self.ws.monitoring.alert_rules])
        return with_units(rules, row_units=self.units, row_key="metric",
                          row_unit_columns=["value"],
                          empty="No alert rules yet: add monitoring.alert_rules to aipo.yaml.")

    def documents(self) -> None:
        """Gate the documents' completeness for going live."""
        (gate,) = self.add(documentation_gate(self.ws, self.folder, as_of=self.as_of))
        print(f"{gate.name}: {gate.figure} (needs {gate.threshold}). {gate.detail}")

    def go_no_go(self) -> None:
        """Decide go / no-go from every gate of the phase, with the reasons."""
        (verdict,) = self.add(rollout.go_no_go(self.gates, strict=self.strict))
        print(f"{str(verdict.figure).upper()}: {verdict.detail}")
