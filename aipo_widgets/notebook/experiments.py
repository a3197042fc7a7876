"""The experiments notebook's steps (days 31-60): gold set, acceptance, threshold, fairness.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.examples import write_example
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "blank"
>>> _ = write_example("blank", folder)
>>> phase = Experiments.open(folder, as_of="2026-12-01")
>>> phase.gold_set() is None, [(g.name, g.verdict) for g in phase.gates]
No gold set: name a data source with role 'gold' in the data map (the gate 'gold set available' \
says what is missing).
(True, [('gold set available', 'fail')])
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, cast

from aipo_widgets.analysis import genai_evidence, measure
from aipo_widgets.analysis.evaluation import Evaluation
from aipo_widgets.analysis.gold_set import check_gold_set
from aipo_widgets.figures import cost_latency_alt, cost_latency_svg, fairness_svg
from aipo_widgets.figures.table import with_units
from aipo_widgets.gates import experiments, genai
from aipo_widgets.gates.common import data_available_gates, gates_frame
from aipo_widgets.model.genai import AcceptedVersion
from aipo_widgets.notebook._phase import Phase, Picture, scenarios, show
from aipo_widgets.notebook._scenario import ScenarioStep
from aipo_widgets.widgets import BacklogWidget, ThresholdExplorer

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from aipo_widgets.model.schema import DataSource, Workspace

__all__ = ["Experiments", "budget_view"]


def budget_view(ws: Workspace, variants: pd.DataFrame, source: DataSource) -> dict[str, Any]:
    """Return the variants' cost and latency with the budgets, as the picture draws them.

    The latency drawn is the p95 (the budget users feel), the p50 when the log has no p95 or
    only a p50 budget is set; the variant under test is the last row (the latest by time).
    """
    b = ws.budgets
    lat = ("latency_p50_ms" if "latency_p95_ms" not in variants
           or (b.latency_p95_ms is None and b.latency_p50_ms is not None) else "latency_p95_ms")
    groups = [g for g in source.group_columns if g in variants.columns]
    rows = variants.to_dict(orient="records")
    return {"currency": b.currency, "latency": lat,
            "budgets": {"cost_per_use": b.cost_per_use, "latency_p50_ms": b.latency_p50_ms,
                        "latency_p95_ms": b.latency_p95_ms},
            "variants": [{"name": " / ".join(str(r[g]) for g in groups) or "all calls",
                          "cost_per_use": r.get("cost_per_use"), lat: r.get(lat),
                          "calls": r.get("calls"), "latest": i == len(rows) - 1}
                         for i, r in enumerate(rows)]}


@dataclass
class Experiments(ScenarioStep, Phase):
    """Experiments (days 31-60): the gold set, acceptance, threshold, fairness, budgets."""

    name: ClassVar[str] = "experiments"

    gold_source: DataSource | None = None
    evaluation: Evaluation | None = None
    log_figures: dict[str, float] = field(default_factory=dict)
    split: pd.Series | None = None
    reference: str | None = None  # the candidate the comparison and the acceptance are on

    def prepare(self) -> None:
        """Pick the gold set; fail when there is none."""
        self.gold_source = measure.first_source(self.ws, "gold")
        self.add(data_available_gates(self.gold, name="gold set available", role="gold"))

    @property
    def gold(self) -> pd.DataFrame | None:
        """The gold set, None when there is none."""
        return self.frame(self.gold_source)

    def gold_set(self) -> pd.DataFrame | None:
        """Check the gold set, and whether it looks like production; return its gates."""
        gold, source = self.gold, self.gold_source
        if gold is None or source is None:
            print("No gold set: name a data source with role 'gold' in the data map "
                  "(the gate 'gold set available' says what is missing).")
            return None
        training = self.frame(measure.first_source(self.ws, "training"))
        production = self.frame(measure.first_source(self.ws, "production"))
        # A gold set without label_column: check_gold_set names the column it misses.
        report = check_gold_set(gold, label=cast(str, source.label_column),
                                id_column=source.id_column, training=training,
                                task="classification" if source.score_column else "review",
                                production_prevalence=source.production_prevalence)
        self.add(report.gates)
        self.figures["gold_set_rows"] = report.n_rows
        if production is not None:
            shared = experiments.representativeness_columns(gold, production, source)
            like_production = experiments.production_mix(gold, source)
            self.add(experiments.representativeness_gate(like_production, production,
                                                         shared)[0])
        return gates_frame(report.gates)

    def evaluate(self, *, n_boot: int = 1000) -> pd.DataFrame | None:
        """Evaluate the gold set with confidence intervals; return the metrics.

        With a development / test split (``evaluation.split``), on the held-out test items
        only: the acceptance reads this evaluation.
        """
        if self.gold is None or self.gold_source is None:
            print("Nothing to evaluate: there is no gold set.")
            return None
        gold = self.gold
        if self.ws.evaluation.split is not None:
            self.split, problem = genai_evidence.gold_split(self.folder, self.ws, gold)
            if self.split is None:
                self.add(genai.holdout_gate(None, declared=True, problem=problem))
            else:
                gold = genai_evidence.held_out_rows(self.ws, gold, self.split)
                dev = int((self.split == "dev").sum())
                self.figures.update({"gold_test_items": len(gold), "gold_dev_items": dev})
                print(f"evaluated on the {len(gold):,} held-out test items ({dev:,} "
                      "development items are for the iterations)")
        self.evaluation = measure.evaluate_gold(self.ws, gold, self.gold_source,
                                                n_boot=n_boot)
        self.figures.update({f"gold_{k}": round(v, 6)
                             for k, v in measure.eval_figures(self.ws, self.evaluation).items()})
        if self.evaluation.prevalence is not None:
            # an enriched gold set: its figures are reweighted to production; keep the raw too
            raw = self.evaluation.raw_metrics
            self.figures.update({
                f"gold_{n.id}_gold_mix": round(raw[n.eval_metric].value, 6)
                for n in self.ws.metric_tree.nodes if n.eval_metric in raw})
        return self.evaluation.table()

    def acceptance(self, *, n_boot: int = 1000) -> pd.DataFrame:
        """Check the acceptance criteria (gold set and variant under test); return the gates."""
        self.log_figures = measure.latest_variant_figures(self.ws, self.frames, n_boot=n_boot)
        # Where each operational figure was measured (the variant's rows, its days), or would be.
        logs = {src.id: measure.latest_variant(self.frames[src.id], src)[1]
                for src in measure.sources_with_role(self.ws, "experiment_log")
                if src.id in self.frames}
        provenance = measure.measured_provenance(
            self.ws, logs, measure.measure_nodes(self.ws, logs, "experiment_log", n_boot=0),
            ["experiment_log"])
        found = self.add(experiments.acceptance_gates(self.ws, self.evaluation,
                                                      self.log_figures, provenance))
        return gates_frame(found)

    def threshold(self) -> ThresholdExplorer | None:
        """Choose a classifier's threshold for the business cost; return the explorer."""
        gold, source = self.gold, self.gold_source
        choice = experiments.choose_threshold(self.ws, gold, source)
        if choice is None or gold is None or source is None:
            print("No threshold to choose: no classifier score or no settings.threshold_costs.")
            return None
        best = choice.best
        self.add(choice.gate)
        self.figures.update(choice.figures())
        p_star = "undefined" if best.p_star is None else f"{best.p_star:.4g}"
        print(f"cost-optimal threshold {best.threshold:.4g} (recall {best.recall:.3f}, "
              f"precision {best.precision:.3f}); Elkan p* {p_star}; decided {choice.decided}")
        if best.prevalence is not None:
            print(f"reweighted to the production prevalence {best.prevalence:.4g}: precision "
                  f"on the gold set's own mix {best.raw_precision:.3f}")
        # Slide the threshold; "use this threshold" records the decision in aipo.yaml.
        groups = [g for g in source.group_columns if g in gold.columns]
        return ThresholdExplorer(self.wf, y_true=choice.labels, scores=choice.scores, data=gold,
                                 groups=groups[0] if groups else None,
                                 prevalence=source.production_prevalence)

    def fairness(self, *, max_difference: float = 0.1, n_boot: int = 1000
                 ) -> pd.DataFrame | None:
        """Compare the groups of the gold set; return each group's metrics.

        Each group's intervals take at most 200 bootstrap resamples: several groups times many
        metrics, and the gaps are pointers to look at, not verdicts.
        """
        if self.gold is None or self.gold_source is None or not self.gold_source.group_columns:
            source = self.gold_source
            print("No groups to compare: " + ("there is no gold set." if source is None else
                  f"the gold set's source '{source.id}' names no group_columns."))
            return None
        fair = measure.group_report(self.ws, self.gold, self.gold_source,
                                    n_boot=min(n_boot, 200))
        found = self.add(experiments.fairness_gates(self.ws, fair,
                                                    max_difference=max_difference))
        judged = [m for m in fair.metrics
                  if any(g.name == f"{m} difference between groups" for g in found)]
        names = {n.eval_metric: n.name for n in self.ws.metric_tree.nodes if n.eval_metric}
        svg = fairness_svg(fair.to_dict(), metrics=judged or None,
                           max_difference=max_difference, names=names)
        show(Picture(svg, f"Fairness per group: {', '.join(judged or fair.metrics)}, each "
                          f"group with its {fair.ci:.0%} interval"))
        return fair.table()

    def budgets(self) -> None:
        """Check cost and latency of each experiment log's latest variant; show the variants."""
        logs = [s for s in measure.sources_with_role(self.ws, "experiment_log")
                if s.id in self.frames]
        if not logs:
            print("Nothing to check against the budgets: no experiment log (a data source with "
                  "role 'experiment_log', with cost and latency columns) was read.")
        for src in logs:
            variants, found = experiments.budget_gates(self.ws, self.frames[src.id], src)
            self.add(found)
            view = budget_view(self.ws, variants, src)
            show(Picture(cost_latency_svg(view), cost_latency_alt(view)))
            show(with_units(variants, units={"cost_per_use": self.ws.budgets.currency}))

    def review_agreement(self, *, n_boot: int = 1000) -> pd.DataFrame | None:
        """Agreement between reviewers, adjudication, and a judge's agreement; the confusion."""
        ev = self.ws.evaluation
        if ev == type(ev)():
            print("No evaluation section in aipo.yaml: no double review to check.")
            return None
        result, final, problem = genai_evidence.double_review(self.folder, self.ws,
                                                              self.frames, n_boot=n_boot)
        self.add(genai.agreement_gate(result, ev.double_review, problem=problem))
        if final is not None:
            self.add(genai.adjudication_gate(final))
        if ev.judge is not None:
            judged, why = genai_evidence.judge_agreement(self.ws, self.frames, final,
                                                         gold=self.gold, n_boot=n_boot)
            self.add(genai.agreement_gate(judged, ev.judge, name="judge agrees with the "
                                          "reviewers", path="evaluation.judge", problem=why))
            if judged is not None and judged.value is not None:
                self.figures["judge_kappa"] = round(judged.value, 4)
        if result is None:
            return None
        self.figures.update({"reviewer_agreement": result.to_dict()["value"],
                             "reviewer_agreement_ci_low": result.to_dict()["ci_low"],
                             "double_reviewed_items": result.items})
        show(result.by_reviewer)
        return result.confusion

    def compare(self, *, n_boot: int = 1000) -> pd.DataFrame | None:
        """Compare the candidates on the same test items; check the acceptance was held out."""
        ev = self.ws.evaluation
        if ev.candidates is None:
            print("No candidates declared (evaluation.candidates): nothing to compare.")
            return None
        comparison, problem = genai_evidence.candidate_comparison(
            self.ws, self.frames, self.split, n_boot=n_boot)
        if ev.split is not None:
            check, why = genai_evidence.holdout(self.ws, self.frames, self.split)
            self.add(genai.holdout_gate(check, declared=True, problem=why))
        if comparison is None:
            print(problem)
            return None
        self.reference = comparison.reference
        self.add(genai.comparison_gate(comparison, self.ws))
        accepting = [g for g in self.gates if g.source.startswith("acceptance_criteria")]
        self.add(genai.accepted_version_gate(self.ws, accepting, comparison.reference))
        b = self.ws.budgets
        table = comparison.table.assign(
            within_cost_budget=(comparison.table.get("cost_per_call") <= b.cost_per_use)
            if b.cost_per_use is not None and "cost_per_call" in comparison.table else None,
            within_latency_budget=(comparison.table.get("latency_p95_ms") <= b.latency_p95_ms)
            if b.latency_p95_ms is not None and "latency_p95_ms" in comparison.table else None)
        show(table)
        print("; ".join(comparison.notes))
        self.figures["candidates_compared"] = comparison.comparisons
        return comparison.differences

    def pin_accepted(self, *, evidence: str = "") -> AcceptedVersion | None:
        """Record the reference candidate's versions in ``evaluation.accepted`` (saves aipo.yaml).

        Only once every acceptance criterion passed; operation then checks that production
        runs these versions.
        """
        spec = self.ws.evaluation.candidates
        accepting = [g for g in self.gates if g.source.startswith("acceptance_criteria")]
        if spec is None or self.reference is None or not accepting or any(
                g.verdict == "fail" for g in accepting):
            print("Nothing recorded: the acceptance has not passed on a compared candidate.")
            return None
        values = self.reference.split(" / ")
        accepted = AcceptedVersion(versions=dict(zip(spec.columns, values, strict=True)),
                                   accepted_on=self.as_of, evidence=evidence)
        self.ws.evaluation.accepted = accepted
        self.wf.save()
        return accepted

    def safety(self) -> pd.DataFrame | None:
        """Injection suite, over-blocking, PII leaks in outputs and the filter's misses."""
        spec = self.ws.evaluation.safety
        if spec is None:
            print("No safety evidence declared (evaluation.safety).")
            return None
        found = genai_evidence.safety_evidence(self.folder, self.ws, self.frames)
        problems = found["problems"]
        suite = found["suite"]
        path = "evaluation.safety"
        if spec.suite or spec.results:
            self.add([
                genai.rate_gate(suite.attack_success if suite else None, spec.attack_success,
                                f"{path}.attack_success", source=str(spec.results),
                                problem=problems.get("suite", "")),
                genai.rate_gate(suite.over_blocking if suite else None, spec.over_blocking,
                                f"{path}.over_blocking", source=str(spec.results),
                                problem=problems.get("suite", ""))])
        if spec.outputs:
            self.add(genai.rate_gate(found["pii_leak"], spec.pii_leak, f"{path}.pii_leak",
                                     source=spec.outputs, problem=problems.get("pii_leak", "")))
        if spec.pii_truth_column:
            self.add(genai.rate_gate(found["filter_miss"], spec.filter_miss,
                                     f"{path}.filter_miss", source=spec.outputs or "",
                                     problem=problems.get("filter_miss", "")))
        for key in ("pii_leak", "filter_miss"):
            if found[key] is not None:
                self.figures[key] = found[key].to_dict()["value"]
        if suite is None:
            return None
        self.figures["attack_success"] = suite.attack_success.to_dict()["value"]
        self.figures["over_blocking"] = suite.over_blocking.to_dict()["value"]
        if suite.not_run:
            print(f"not run: {', '.join(suite.not_run)}")
        return suite.by_category

    def decide(self) -> BacklogWidget:
        """Decide continue or stop; show the business case with what was measured."""
        decision = experiments.continue_or_stop(self.gates)
        self.add(decision)
        print(f"{str(decision.figure).upper()}: {decision.detail}")
        found = (measure.eval_figures(self.ws, self.evaluation)
                 if self.evaluation is not None else {})
        measured = measure.figures_from(self.ws, extra={**found, **self.log_figures})
        case = self.analyse_business_case(measured=measured)
        if case is not None:
            self.figures["expected_npv"] = round(case.expected_npv)
            self.show_business_case(case)
            show(scenarios(case, ["NPV", "payback (months)"]))
        return BacklogWidget(self.wf)

