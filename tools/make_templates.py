"""Write the phase notebook templates in templates/notebooks/ (stored without outputs).

The notebooks are the kit's guided documents. Their source lives here as plain Python data, so
a change is one reviewable diff; run ``python tools/make_templates.py`` after editing and commit
both. A test checks that the committed notebooks are what this script writes.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

OUT = Path(__file__).resolve().parent.parent / "templates" / "notebooks"

COMMON_PARAMS = '''\
workspace: str = ""  # the workspace folder; empty: the folder above this notebook with aipo.yaml
as_of: str = ""  # the assessment date, YYYY-MM-DD; empty: today
strict: bool = False  # warnings count as failures (aipo run --strict sets this)
n_boot: int = 1000  # bootstrap resamples for the confidence intervals
'''

SETUP = '''\
import datetime as dt

import pandas as pd

from aipo_widgets import phases
from aipo_widgets.gates import Gate
from aipo_widgets.pipeline.record import record
from aipo_widgets.workspace import find, load

pd.set_option("display.max_colwidth", 80)
wf = load(find(workspace))
ws, folder = wf.workspace, wf.folder
as_of_date = dt.date.fromisoformat(as_of) if as_of else dt.date.today()
gates: list[Gate] = []
figures: dict = {}
print(f"{ws.product.name} (owner {ws.product.owner}), phase {ws.product.phase}, "
      f"as of {as_of_date}")'''


def md(text: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_markdown_cell(text.strip("\n"))


def code(text: str, *tags: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(text.strip("\n"))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def notebook(cells: list) -> nbformat.NotebookNode:
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
frames, read_gates = phases.load_frames(folder, ws)
gates += read_gates'''),
    md("""
## 1. Value hypotheses

Each hypothesis is a falsifiable statement with the metric that tests it.
"""),
    code('''
hypotheses = pd.DataFrame([h.model_dump(include={"id", "statement", "metric", "baseline",
                                                 "target", "status"}) for h in ws.value_hypotheses])
gates += phases.hypothesis_gates(ws)
hypotheses'''),
    md("""
## 2. Baseline, measured in the data

Every metric of the tree with a `measure` is measured in the baseline sources, with a bootstrap
interval, and compared with the baseline written in `aipo.yaml`.
"""),
    code('''
baseline = phases.measure_nodes(ws, frames, "baseline", n_boot=n_boot)
gates += phases.baseline_gates(baseline)
figures.update({f"baseline_{r.metric}": round(r.value, 6) for r in baseline.itertuples()})
baseline'''),
    md("""
## 3. The metric tree

From the business outcome at the root down to the model metrics, with guardrails beside the
levers. In JupyterLab the tree is editable (baseline, target, current; what-if); elsewhere it is
a picture.
"""),
    code('''
from aipo_widgets.metric_tree import Tree
from aipo_widgets.widgets import MetricTreeWidget

tree = Tree(ws.metric_tree)
gates += phases.tree_gates(tree)
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
pii_table, pii_gates = phases.pii_scan(ws, frames, sample=pii_sample or None)
gates += pii_gates + phases.lawful_basis_gates(ws)
sources'''),
    code('''
pii_table[["source", "column", "rows", "rows_with_pii", "kinds", "examples"]] \\
    if len(pii_table) else "No personal data found by the pattern scan."'''),
    code('''
from aipo_widgets.data import quality_gates

quality = quality_gates(ws.data_map.quality_checks, frames)
gates += quality
pd.DataFrame([{"check": g.name, "verdict": g.verdict, "figure": g.figure, "why": g.detail}
              for g in quality])'''),
    md("""
## 5. EU AI Act and GDPR

The questionnaire's answers live in `compliance` in `aipo.yaml`; unanswered or unsure answers
take the stricter branch. The result is the tier, the articles it rests on, and the obligations
with the date each applies from.
"""),
    code('''
from aipo_widgets.compliance import classify_workspace

classification = classify_workspace(ws, as_of=as_of_date)
gates += phases.compliance_gates(ws, classification)
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
from aipo_widgets.risk import Register
from aipo_widgets.widgets import RiskMatrixWidget

register = Register.from_workspace(ws, as_of=as_of_date)
gates += phases.risk_gates(register)
figures["open_risks"] = len(register.ranked())
RiskMatrixWidget(wf)'''),
    md("""
## 7. Business case v0

Monthly cash flows per scenario, NPV, payback and the chance the NPV is positive.
"""),
    code('''
from aipo_widgets.business_case import analyse

if ws.business_case is None:
    gates.append(Gate("business case drafted", "warn", detail="add a business_case section"))
else:
    case = analyse(ws.business_case, n=5000)
    gates += phases.business_case_gates(case)
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
from aipo_widgets.backlog import score_workspace

backlog = score_workspace(ws, classification=classification)
backlog.table.head(10)'''),
    md("""
## Gates

The gates of this phase, handed to `aipo run` and the stakeholder pages.
"""),
    code('''record("discovery", gates, figures)'''),
]

NOTEBOOKS = {"01_discovery.ipynb": DISCOVERY}


def build() -> dict[str, nbformat.NotebookNode]:
    """Return the notebooks by file name."""
    return {name: notebook(cells) for name, cells in NOTEBOOKS.items()}


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, nb in build().items():
        nbformat.write(nb, OUT / name)
        print(f"wrote {OUT / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
