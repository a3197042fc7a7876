"""Write the phase notebook templates in templates/notebooks/ (stored without outputs).

The notebooks are the kit's guided documents. Their source lives here as plain Python data, so
a change is one reviewable diff; run ``python -m aipo_widgets.pipeline.phase_templates`` in the
checkout after editing and commit both. A test checks that the committed notebooks are what this
module writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

# The repository's templates/notebooks/ (this module writes them in a checkout only).
OUT = Path(__file__).resolve().parents[2] / "templates" / "notebooks"

COMMON_PARAMS = '''\
workspace: str = ""  # the workspace folder; empty: the folder above this notebook with aipo.yaml
as_of: str = ""  # the assessment date, YYYY-MM-DD; empty: today
strict: bool = False  # warnings count as failures (aipo run --strict sets this)
n_boot: int = 1000  # bootstrap resamples for the confidence intervals
'''

SETUP = '''\
import datetime as dt

import pandas as pd

from aipo_widgets.analysis import decisions, measure
from aipo_widgets.gates import common, discovery, experiments, operate, rollout
from aipo_widgets.evidence import Gate
from aipo_widgets.runs.results import record
from aipo_widgets.model.workspace import find, load

pd.set_option("display.max_colwidth", 80)
wf = load(find(workspace))
ws, folder = wf.workspace, wf.folder
as_of_date = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
gates: list[Gate] = []
figures: dict = {}
print(f"{ws.product.name} (owner {ws.product.owner}), phase {ws.product.phase}, "
      f"as of {as_of_date}")'''


def md(text: str) -> nbformat.NotebookNode:
    """Return a markdown cell."""
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(text: str, *tags: str) -> nbformat.NotebookNode:
    """Return a code cell with the given tags."""
    cell = nbformat.v4.new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def notebook(cells: list) -> nbformat.NotebookNode:
    """Return a notebook of these cells, with a Python 3 kernel and stable cell ids."""
    nb = nbformat.v4.new_notebook(cells=cells)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"c{i:02d}"  # stable ids: the templates diff cleanly
    return nb


# ------------------------------------------------------------------------------------------
DISCOVERY = [
    md("""
# 01 Discovery (days 1-30)

**What this step is for.** Before any model: what problem, for whom, and how will we know it
worked? This notebook checks the value hypotheses, measures the baseline in the data ("without a
baseline there is no benefit to show"), maps the data and its legal basis, classifies the use
under the EU AI Act and GDPR, and starts the risk register, the business case and the backlog.

**What good looks like.** Every hypothesis names a metric, a baseline and a target; the baseline
is measured, with an interval; every personal-data source has a lawful basis; no prohibited
practice; the DPIA decision is recorded; the data-quality checks pass. The gates at the end say
where the product stands; `aipo run` fails the build when one fails.

Edit `aipo.yaml` (or the widgets below) and re-run the notebook.
"""),
    code(COMMON_PARAMS + 'pii_sample: int = 2000  # rows per source scanned for personal data '
         '(0: all)\n', "parameters"),
    code(SETUP + '''
frames, read_gates = measure.load_frames(folder, ws)
gates += read_gates'''),
    md("""
## 1. Value hypotheses

Each hypothesis is a falsifiable statement with the metric that tests it.
"""),
    code('''
hypotheses = pd.DataFrame([h.model_dump(include={"id", "statement", "metric", "baseline",
                                                 "target", "status"}) for h in ws.value_hypotheses])
gates += discovery.hypothesis_gates(ws)
hypotheses'''),
    md("""
## 2. Baseline, measured in the data

Every metric of the tree with a `measure` is measured in the baseline sources, with a bootstrap
interval, and compared with the baseline written in `aipo.yaml`.
"""),
    code('''
baseline = measure.measure_nodes(ws, frames, "baseline", n_boot=n_boot)
gates += discovery.baseline_gates(baseline)
figures.update({f"baseline_{r.metric}": round(r.value, 6) for r in baseline.itertuples()})
baseline'''),
    md("""
## 3. The metric tree

From the business outcome at the root down to the model metrics, with guardrails beside the
levers. In JupyterLab the tree is editable (baseline, target, current; what-if); elsewhere it is
a picture.
"""),
    code('''
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.widgets import MetricTreeWidget

tree = Tree(ws.metric_tree)
gates += discovery.tree_gates(tree)
MetricTreeWidget(wf)'''),
    md("""
## 4. The data map: sources, personal data, legal basis, quality

Every source is scanned for personal data (e-mail, phone numbers, IBANs, card numbers, IP
addresses; names and addresses need an NER model, which the kit does not download: check free
text for them by hand). A source where personal data is found must say so in the data map.
"""),
    code('''
sources = pd.DataFrame([s.model_dump(include={"id", "name", "role", "owner", "personal_data",
                                              "lawful_basis", "retention"})
                        for s in ws.data_map.sources])
pii_table, pii_gates = discovery.pii_scan(ws, frames, sample=pii_sample or None)
gates += pii_gates + discovery.lawful_basis_gates(ws)
sources'''),
    code('''
pii_table[["source", "column", "rows", "rows_with_pii", "kinds", "examples"]] \\
    if len(pii_table) else "No personal data found by the pattern scan."'''),
    code('''
from aipo_widgets.analysis.sources import quality_gates

quality = quality_gates(ws.data_map.quality_checks, frames)
gates += quality
common.gates_frame(quality)'''),
    md("""
## 5. EU AI Act and GDPR

The questionnaire's answers live in `compliance` in `aipo.yaml`; unanswered or unsure answers
take the stricter branch. The result is the tier, the articles it rests on, and the obligations
with the date each applies from.
"""),
    code('''
from aipo_widgets.analysis.compliance import classify_workspace

classification = classify_workspace(ws, as_of=as_of_date)
gates += discovery.compliance_gates(ws, classification)
figures["ai_act_tier"] = classification.tier
print(f"AI Act: {classification.tier_label}; route {classification.route or 'none'}; "
      f"articles: {', '.join(a['article'] for a in classification.articles)}")
classification.obligations_frame()'''),
    md("""
## 6. Risk register and matrix

Likelihood x impact, inherent and residual, with expected losses where the register has numeric
anchors, so that a coarse matrix cannot hide a large risk behind a small one.
"""),
    code('''
from aipo_widgets.analysis.risk import Register
from aipo_widgets.widgets import RiskMatrixWidget

register = Register.from_workspace(ws, as_of=as_of_date)
gates += discovery.risk_gates(register)
figures["open_risks"] = len(register.ranked())
RiskMatrixWidget(wf)'''),
    md("""
## 7. Business case v0

Monthly cash flows per scenario, NPV, payback and the chance the NPV is positive.
"""),
    code('''
from aipo_widgets.analysis.business_case import analyse

case = analyse(ws.business_case, n=5000) if ws.business_case is not None else None
gates += discovery.business_case_gates(case)
if case is not None:
    figures["expected_npv"] = round(case.expected_npv)
    figures["p_npv_positive"] = case.monte_carlo.p_positive if case.monte_carlo else None
    display(pd.DataFrame([{"scenario": s.scenario, "NPV": round(s.npv),
                           "payback (months)": s.payback_months, "ROI": s.roi}
                          for s in case.scenarios.values()]))'''),
    md("""
## 8. Backlog v0

The mixed backlog (product, data, model, evaluation, risk work), scored by value, risk and
feasibility; items serving a prohibited use are excluded, items blocked by an unmitigated
critical risk are marked.
"""),
    code('''
from aipo_widgets.analysis.backlog import score_workspace
from aipo_widgets.widgets import BacklogWidget

backlog = score_workspace(ws, classification=classification)
figures["backlog_items"] = len(backlog.items)
not_ranked = [f"{i.id} ({i.gate})" for i in backlog.items if i.gate not in ("ok", "done")]
if not_ranked:
    print("Not ranked:", ", ".join(not_ranked))
BacklogWidget(wf)'''),
    md("""
## Gates

The gates of this phase, handed to `aipo run` and the stakeholder pages.
"""),
    code('''record("discovery", gates, figures)'''),
]

EXPERIMENTS = [
    md("""
# 02 Experiments (days 31-60)

**What this step is for.** Prove the value offline before anyone depends on it: a curated gold
set, precise acceptance criteria decided before the results, experiments within cost and
latency budgets, and the courage to stop what does not deliver.

**What good looks like.** The gold set is big enough, balanced enough, free of duplicates and
of leakage into training data, and looks like production; the acceptance criteria pass with
their confidence intervals; a classifier's threshold is chosen for the business cost, not for
accuracy; no group is served much worse than the others; the chosen variant fits the cost and
latency budgets. Then: continue, or stop.
"""),
    code(COMMON_PARAMS
         + "fairness_max_difference: float = 0.1  # largest gap between groups before a warning\n",
         "parameters"),
    code(SETUP + """
frames, read_gates = measure.load_frames(folder, ws)
gates += read_gates
gold_source = measure.first_source(ws, "gold")
gold = frames.get(gold_source.id) if gold_source else None
training_source = measure.first_source(ws, "training")
training = frames.get(training_source.id) if training_source else None
production_source = measure.first_source(ws, "production")
production = frames.get(production_source.id) if production_source else None
gates += common.data_available_gates(gold, name="gold set available", role="gold")"""),
    md("""
## 1. The gold set

Size, class balance, duplicates, missing labels, leakage into the training data, and whether it
looks like production (the gold set as the reference, production as the current data).
"""),
    code("""
from aipo_widgets.analysis.gold_set import check_gold_set

if gold is not None:
    gold_report = check_gold_set(gold, label=gold_source.label_column,
                                 id_column=gold_source.id_column, training=training)
    gates += gold_report.gates
    figures["gold_set_rows"] = gold_report.n_rows
    if production is not None:
        shared = experiments.representativeness_columns(gold, production, gold_source)
        rep_gate, rep_report = experiments.representativeness_gate(gold, production, shared)
        gates.append(rep_gate)
    display(common.gates_frame(gold_report.gates))"""),
    md("""
## 2. Evaluation with confidence intervals

Every metric with a bootstrap (or Wilson) interval: a point estimate alone does not say whether
the gold set is big enough to trust it.
"""),
    code("""
evaluation = None
if gold is not None:
    evaluation = measure.evaluate_gold(ws, gold, gold_source, n_boot=n_boot)
    figures.update({f"gold_{k}": round(v, 6)
                    for k, v in measure.eval_figures(ws, evaluation).items()})
    display(evaluation.table())"""),
    md("""
## 3. Acceptance criteria

Decided before the experiments, in `acceptance_criteria`. A criterion on a gold-set metric is
checked against the evaluation (on the bound of its interval where the criterion says so); one
on an operational metric (latency, cost) is checked on the variant under test in the experiment
log.
"""),
    code("""
log_figures = measure.latest_variant_figures(ws, frames, n_boot=n_boot)
acceptance = experiments.acceptance_gates(ws, evaluation, log_figures)
gates += acceptance
common.gates_frame(acceptance)"""),
    md("""
## 4. The threshold, chosen for the business cost

For a classifier: the threshold of least expected cost on the gold set, given what a missed case
and a false alarm cost (`settings.threshold_costs`), beside Elkan's threshold for calibrated
scores and the threshold decided in the decision log. Generated output has no threshold.
"""),
    code("""
choice = experiments.choose_threshold(ws, gold, gold_source)
if choice is not None:
    best, decided = choice.best, choice.decided
    gates.append(choice.gate)
    figures.update(choice.figures())
    p_star = "undefined" if best.p_star is None else f"{best.p_star:.4g}"
    print(f"cost-optimal threshold {best.threshold:.4g} (recall {best.recall:.3f}, precision "
          f"{best.precision:.3f}); Elkan p* {p_star}; decided {decided}")
    from aipo_widgets.widgets import ThresholdExplorer

    # Slide the threshold; "use this threshold" records the decision in aipo.yaml.
    groups = [g for g in gold_source.group_columns if g in gold.columns]
    display(ThresholdExplorer(wf, y_true=choice.labels, scores=choice.scores, data=gold,
                              groups=groups[0] if groups else None))
else:
    print("No threshold to choose: no classifier score or no settings.threshold_costs.")"""),
    md("""
## 5. Fairness across groups

Each group's metrics beside the others; groups too small to judge are flagged, not ranked.
"""),
    code("""
if gold is not None and gold_source.group_columns:
    fair = measure.group_report(ws, gold, gold_source, n_boot=min(n_boot, 200))
    gates += experiments.fairness_gates(ws, fair, max_difference=fairness_max_difference)
    display(fair.table())"""),
    md("""
## 6. Cost and latency against the budgets

Per variant of the experiment log; the gates are on the variant under test (the latest).
"""),
    code("""
for src in measure.sources_with_role(ws, "experiment_log"):
    if src.id in frames:
        variants, budget = experiments.budget_gates(ws, frames[src.id], src)
        gates += budget
        display(variants)"""),
    md("""
## 7. Continue or stop, and what it does to the backlog and the business case
"""),
    code("""
from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.widgets import BacklogWidget

decision = experiments.continue_or_stop(gates)
gates.append(decision)
print(f"{decision.figure.upper()}: {decision.detail or 'every gate passed'}")
found = measure.eval_figures(ws, evaluation) if evaluation is not None else {}
measured = measure.figures_from(ws, extra={**found, **log_figures})
if ws.business_case is not None:
    case = analyse(ws.business_case, measured=measured, n=5000)
    figures["expected_npv"] = round(case.expected_npv)
    display(pd.DataFrame([{"scenario": s.scenario, "NPV": round(s.npv),
                           "payback (months)": s.payback_months}
                          for s in case.scenarios.values()]))
BacklogWidget(wf)"""),
    md("## Gates"),
    code("""record("experiments", gates, figures)"""),
]

ROLLOUT = [
    md("""
# 03 Rollout (days 61-90)

**What this step is for.** Go live in stages, each with entry and exit criteria, with
monitoring from day one and a way back: alert rules and thresholds, the drift reference frozen,
the kill switch and its fallback, the incident playbook and the go-live checklist.

**What good looks like.** The pilot shows the effect against its control (with a confidence
interval, and a sample-ratio check that the randomisation worked), the guardrails did not
degrade, the active stage's exit criteria are met, every guardrail has an alert, and the kill
switch has conditions, an owner, a fallback and a test. Then the go / no-go, with its reasons.
"""),
    code(COMMON_PARAMS, "parameters"),
    code(SETUP + """
frames, read_gates = measure.load_frames(folder, ws)
gates += read_gates"""),
    md("""
## 1. The pilot against its control

For each hypothesis metric measured in the pilot: the effect of the treatment arm over the
control arm, as a difference and a relative change with intervals (CUPED where the pilot has a
pre-period covariate), the sample-ratio check, and the guardrails.
"""),
    code("""
pilot_figures = {}
for src in measure.sources_with_role(ws, "pilot"):
    if src.id in frames and src.arm_column:
        report = measure.pilot_report(ws, frames[src.id], src, n_boot=min(n_boot, 2000))
        if report is None:
            continue
        gates += report.gates
        eff = report.primary
        pilot_figures[eff.metric] = eff
        print(f"{src.id}: {eff.metric} {eff.mean_control:.4g} (control) -> "
              f"{eff.mean_treatment:.4g} (treatment), {eff.relative:+.1%} "
              f"[{eff.relative_ci[0]:+.1%}, {eff.relative_ci[1]:+.1%}]")
        figures[f"pilot_{eff.metric}_relative"] = round(eff.relative, 6)
gates += rollout.effect_gates(ws, pilot_figures)"""),
    md("""
## 2. The stages: entry and exit criteria

The active stage's exit criteria and the next stage's entry criteria, on the latest evidence:
the production log where the stage already runs in production, else the pilot, else the current
values in `aipo.yaml`; effect metrics come from the pilot analysis above.
"""),
    code("""
measured = pd.concat([measure.measure_nodes(ws, frames, role, n_boot=0)
                      for role in ("pilot", "production")], ignore_index=True)
stage_figures = measure.figures_from(ws, measured, extra=measure.effect_figures(ws, pilot_figures))
stage_gates = rollout.stage_gates(ws, stage_figures)
gates += stage_gates
display(pd.DataFrame([{"stage": s.id, "name": s.name, "audience": s.audience, "share": s.share,
                       "status": s.status, "human review": s.human_review,
                       "min days": s.min_duration_days} for s in ws.rollout.stages]))
common.gates_frame(stage_gates)"""),
    md("""
## 3. Monitoring from day one: alerts, the drift reference, the kill switch

The drift reference is frozen from the reference data now, so that production windows are
compared with what the model was validated on (`04_operate` uses it).
"""),
    code("""
ref_id = ws.monitoring.drift.reference
if ref_id and ref_id in frames:
    reference = measure.drift_reference(ws, frames[ref_id])
    reference_path = folder / "reports" / "drift_reference.json"
    reference_path.parent.mkdir(exist_ok=True)
    reference_path.write_text(reference.to_json(), encoding="utf-8")
    gates.append(rollout.drift_reference_gate(reference, file_name=reference_path.name,
                                              source_id=ref_id))
else:
    gates.append(rollout.drift_reference_gate(None))
gates += rollout.readiness_gates(ws, as_of_date)
pd.DataFrame([a.model_dump(include={"id", "metric", "operator", "value", "severity", "window",
                                    "action"}) for a in ws.monitoring.alert_rules])"""),
    md("""
## 4. The documents: playbooks and the technical documentation

The incident playbook, the kill-switch and fallback plan, the rollout plan, the go-live checklist
(and, where they apply, the AI Act technical documentation, the FRIA and the DPIA) fill
themselves from `aipo.yaml` and the last run; `aipo docs` writes them. Here: are they complete
enough to go live (`settings.documentation_completeness_min`)?
"""),
    code("""
from aipo_widgets.documents.render import documentation_gate

docs_gate = documentation_gate(ws, folder, as_of=as_of_date)
gates.append(docs_gate)
print(f"{docs_gate.name}: {docs_gate.figure} (needs {docs_gate.threshold}). "
      f"{docs_gate.detail}")"""),
    md("""
## 5. Go / no-go

Every gate of this phase, with the reasons for the verdict.
"""),
    code("""
verdict = rollout.go_no_go(gates, strict=strict)
gates.append(verdict)
print(f"{verdict.figure.upper()}: {verdict.detail}")"""),
    code("""record("rollout", gates, figures)"""),
]

OPERATE = [
    md("""
# 04 Operate (after go-live, on a schedule)

**What this step is for.** "Once live, always good" does not hold for AI: data drifts, models
age, costs creep. This notebook takes the latest production window and checks it against the
frozen reference (drift), the labels that have arrived (performance), the budgets (cost per
use), the alert rules and the kill-switch conditions; it recommends a retrain or not, and
reports the value realised against the business case.

**What good looks like.** No kill-switch condition met, no critical alert, drift within its
thresholds or a retrain planned, costs within budget, and value on the way to the business
case.
"""),
    code(COMMON_PARAMS
         + 'last_trained: str = ""  # date of the last training, YYYY-MM-DD; empty: unknown\n',
         "parameters"),
    code(SETUP + """
frames, read_gates = measure.load_frames(folder, ws, roles=["production", "reference"])
gates += read_gates
production_source = measure.first_source(ws, "production")
production = frames.get(production_source.id) if production_source else None
gates += common.data_available_gates(production, name="production window available",
                                     role="production")"""),
    md("""
## 1. Drift against the frozen reference

Per column: PSI (reference-quantile bins), Kolmogorov-Smirnov, Jensen-Shannon and the
normalised Wasserstein distance for numbers; PSI and chi-square for categories. The data set has
drifted when the share of drifted columns passes `monitoring.drift.drifted_share_alert`.
"""),
    code("""
from aipo_widgets.analysis.drift import drift
from aipo_widgets.analysis.drift_reference import Reference

frozen = folder / "reports" / "drift_reference.json"
ref_id = ws.monitoring.drift.reference
drift_report = None
if production is not None and (frozen.exists() or ref_id in frames):
    reference = (Reference.load(frozen) if frozen.exists()
                 else measure.drift_reference(ws, frames[ref_id]))
    drift_report = drift(reference, production, thresholds=measure.drift_thresholds(ws))
    gates.append(operate.drift_gate(drift_report))
    figures["drift_share"] = drift_report.share_drifted
    figures["psi_max"] = max((c.psi for c in drift_report.columns), default=0.0)
    display(drift_report.to_frame())"""),
    md("""
## 2. Performance where labels have arrived; cost and latency
"""),
    code("""
window = {}
if production is not None:
    measured = measure.measure_nodes(ws, {production_source.id: production}, "production",
                                    n_boot=0)
    window.update({r.metric: r.value for r in measured.itertuples()})
    labelled = operate.labelled_rows(production, production_source.label_column)
    if labelled is not None:
        evaluation = measure.evaluate_gold(ws, labelled, production_source, n_boot=n_boot)
        window.update(measure.eval_figures(ws, evaluation))
        figures["labelled_rows"] = int(len(labelled))
        display(evaluation.table())
    if drift_report is not None:
        window["psi_max"] = figures["psi_max"]
    gates += operate.cost_gates(ws, production, production_source)
figures.update({f"window_{k}": round(v, 6) for k, v in window.items()})
pd.Series(window, name="latest window").to_frame()"""),
    md("""
## 3. Alert rules and the kill switch
"""),
    code("""
current = measure.figures_from(ws, extra=window)
alerts = operate.alert_gates(ws, current)
kill = operate.kill_switch_gates(ws, current)
gates += alerts + kill
common.gates_frame(alerts + kill)"""),
    md("""
## 4. Retrain?
"""),
    code("""
trained = dt.date.fromisoformat(last_trained) if last_trained else None
retrain = operate.retrain_recommendation(ws, drift_report, last_trained=trained,
                                        as_of=as_of_date,
                                        new_labels=int(figures.get("labelled_rows", 0)))
gates.append(retrain)
print(f"Retrain: {retrain.figure}. {retrain.detail}")"""),
    md("""
## 5. Impact: realised value against the business case

The metric tree's root as measured now, and the business case recomputed with what was
measured, beside its scenarios: is the value materialising?
"""),
    code("""
from aipo_widgets.analysis.business_case import analyse
from aipo_widgets.analysis.metric_tree import Tree

tree = Tree(ws.metric_tree)
root = tree.status().node(tree.root)
figures["root_value"] = root.value
print(f"{root.name}: {root.value:.4g} {root.unit} (baseline {root.baseline}, "
      f"target {root.target}): {root.status}")
if ws.business_case is not None:
    case = analyse(ws.business_case, measured=current, n=2000)
    gates += case.exit_gates
    display(pd.DataFrame([{"scenario": s.scenario, "NPV": round(s.npv)}
                          for s in case.scenarios.values()]))"""),
    md("## Gates"),
    code("""record("operate", gates, figures)"""),
]

NOTEBOOKS = {
    "01_discovery.ipynb": DISCOVERY,
    "02_experiments.ipynb": EXPERIMENTS,
    "03_rollout.ipynb": ROLLOUT,
    "04_operate.ipynb": OPERATE,
}


def build() -> dict[str, nbformat.NotebookNode]:
    """Return the notebooks by file name."""
    return {name: notebook(cells) for name, cells in NOTEBOOKS.items()}


def main() -> int:
    """Write every template into the checkout's ``templates/notebooks/``."""
    if not (OUT.parents[1] / "pyproject.toml").is_file():
        print("error: run this in the kit's source checkout (templates/notebooks/ is written "
              "there); an installed kit ships the notebooks already", file=sys.stderr)
        return 2
    OUT.mkdir(parents=True, exist_ok=True)
    for name, nb in build().items():
        nbformat.write(nb, OUT / name)
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
