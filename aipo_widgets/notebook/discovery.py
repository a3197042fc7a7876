"""The discovery notebook's steps (days 1-30): the problem, the baseline, the data, the law.

Examples
--------
>>> import pathlib, tempfile
>>> from aipo_widgets.examples import write_example
>>> folder = pathlib.Path(tempfile.mkdtemp()) / "blank"
>>> _ = write_example("blank", folder)
>>> phase = Discovery.open(folder, as_of="2026-12-01")
>>> phase.hypotheses().empty
True
>>> for g in phase.gates:  # the product is in discovery: its sign-offs are gates here too
...     print(g.verdict, g.name)
warn sign-off: data protection officer on the document dpia
fail value hypotheses stated
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

from aipo_widgets.analysis import measure
from aipo_widgets.analysis.backlog import score_workspace
from aipo_widgets.analysis.cached import mark
from aipo_widgets.analysis.compliance import Classification, classify_workspace
from aipo_widgets.analysis.metric_tree import Tree
from aipo_widgets.analysis.risk import Register
from aipo_widgets.analysis.sources import quality_gates
from aipo_widgets.figures.table import with_units
from aipo_widgets.gates import discovery
from aipo_widgets.gates.common import gates_frame
from aipo_widgets.notebook._phase import Phase, scenarios
from aipo_widgets.notebook._scenario import ScenarioStep
from aipo_widgets.widgets import (
    AIActQuestionnaire,
    BacklogWidget,
    MetricTreeWidget,
    RiskMatrixWidget,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = ["Discovery"]


@dataclass
class Discovery(ScenarioStep, Phase):
    """Discovery (days 1-30): the problem, the baseline, the data and its legal ground."""

    name: ClassVar[str] = "discovery"

    pii: pd.DataFrame | None = None
    classification: Classification | None = None

    def hypotheses(self) -> pd.DataFrame:
        """Gate the value hypotheses; return them as a table."""
        import pandas as pd

        self.add(discovery.hypothesis_gates(self.ws))
        keep = {"id", "statement", "metric", "baseline", "target", "status"}
        frame = pd.DataFrame([h.model_dump(include=keep) for h in self.ws.value_hypotheses])
        return with_units(frame, row_units=self.units, row_key="metric",
                          row_unit_columns=["baseline", "target"],
                          empty="No value hypotheses yet: add them to value_hypotheses in "
                                "aipo.yaml.")

    def baseline(self, *, n_boot: int = 1000) -> pd.DataFrame:
        """Measure the baselines in the baseline data, with intervals, and gate them."""
        measured = measure.measure_nodes(self.ws, self.frames, "baseline", n_boot=n_boot)
        self.add(discovery.baseline_gates(measured))
        self.figures.update({f"baseline_{r.metric}": round(r.value, 6)
                             for r in measured.itertuples()})
        return with_units(measured, row_units=self.units, row_key="metric",
                          row_unit_columns=["value", "ci_low", "ci_high", "declared"],
                          empty="Nothing measured: no metric of the tree has a measure on a "
                                "baseline source that could be read.")

    def metric_tree(self) -> MetricTreeWidget:
        """Gate the tree's guardrails; return the tree as a widget."""
        self.add(discovery.tree_gates(Tree(self.ws.metric_tree)))
        return MetricTreeWidget(self.wf)

    def data_map(self, *, pii_sample: int | None = 2000) -> pd.DataFrame:
        """Scan the sources for personal data, gate data rights and lawful bases; return them."""
        import pandas as pd

        keep = {"id", "name", "role", "owner", "personal_data", "lawful_basis", "licence",
                "origin", "usage_rights", "retention"}
        sources = pd.DataFrame([s.model_dump(include=keep) for s in self.ws.data_map.sources])
        self.pii, found = discovery.pii_scan(self.ws, self.frames, sample=pii_sample or None)
        self.add(found + discovery.data_rights_gates(self.ws)
                 + discovery.lawful_basis_gates(self.ws))
        return sources

    def personal_data(self) -> pd.DataFrame | str:
        """Return the columns where the scan found personal data (masked examples)."""
        if self.pii is None or not len(self.pii):
            return "No personal data found by the pattern scan."
        return self.pii[["source", "column", "rows", "rows_with_pii", "kinds", "examples"]]

    def quality(self) -> pd.DataFrame:
        """Run the data-quality checks of the data map; return their gates."""
        found = self.add(quality_gates(self.ws.data_map.quality_checks, self.frames))
        return gates_frame(found)

    def compliance(self) -> pd.DataFrame:
        """Classify the use under the AI Act and GDPR, gate it; return the obligations."""
        c = self.classification = classify_workspace(self.ws, as_of=self.as_of)
        self.add(discovery.compliance_gates(self.ws, c))
        self.figures["ai_act_tier"] = c.tier
        print(f"AI Act: {c.tier_label}; route {c.route or 'none'}; "
              f"articles: {', '.join(a['article'] for a in c.articles)}")
        return c.obligations_frame()

    def ai_act_questionnaire(self) -> AIActQuestionnaire:
        """Return the EU AI Act questionnaire as a widget: answer, see the tier, save.

        The answers are ``compliance.ai_act.answers`` in ``aipo.yaml``; re-run the notebook
        after saving so that the gates read them. In a report it is one sentence: the
        classification and its obligations are printed just before it.
        """
        return AIActQuestionnaire(self.wf, as_of=self.as_of, picture=False)

    def risks(self) -> RiskMatrixWidget:
        """Gate the risk register; return the risk matrix as a widget."""
        register = Register.from_workspace(self.ws, as_of=self.as_of)
        self.add(discovery.risk_gates(register))
        self.figures["open_risks"] = len(register.ranked())
        # The picture is dated as the gates are: a review the gate calls overdue shows overdue.
        return RiskMatrixWidget(self.wf, as_of=self.as_of)

    def business_case(self) -> pd.DataFrame | None:
        """Analyse and gate the business case; show its pictures and return its scenarios."""
        start = self.used
        case = self.analyse_business_case()
        self.add(mark(discovery.business_case_gates(case), self.uses_since(start)))
        if case is None:
            print("No business case yet: add business_case to aipo.yaml.")
            return None
        self.figures["expected_npv"] = round(case.expected_npv)
        self.figures["p_npv_positive"] = case.monte_carlo.p_positive if case.monte_carlo \
            else None
        self.show_business_case(case)
        return scenarios(case, ["NPV", "payback (months)", "ROI"])

    def backlog(self) -> BacklogWidget:
        """Score the backlog (after the AI Act classification); return it as a widget."""
        if self.classification is None:
            self.classification = classify_workspace(self.ws, as_of=self.as_of)
        backlog = score_workspace(self.ws, classification=self.classification)
        self.figures["backlog_items"] = len(backlog.items)
        not_ranked = [f"{i.id} ({i.gate})" for i in backlog.items if i.gate not in ("ok", "done")]
        if not_ranked:
            print("Not ranked:", ", ".join(not_ranked))
        return BacklogWidget(self.wf)

