"""The ``evaluation`` section of ``aipo.yaml``: the evidence behind a generative product's figures.

Where the gold set's labels come from people (or a judge), the figures are evidence only when
the people agree; where prompts are iterated, only when the acceptance ran on items no iteration
saw; where a vendor's model runs, only while production runs the version that was accepted. The
section declares how the workspace shows each:

``review_labels``
    The labels a reviewer gives (e.g. correct, minor_error, hallucination), in order.
``split``
    The gold set's development and held-out test items, fixed by id: a file listing each id
    with ``dev`` or ``test``, or a share and a salt that assign each id by a hash.
``double_review``
    A data source with one row per review of the items reviewed twice or more, the agreement
    statistic and its floor, and the adjudicator's decisions on disagreements.
``judge``
    A data source with an automated judge's labels (imported; the kit calls no model), and the
    floor of its agreement with the people's final labels.
``candidates``
    The experiment log's columns that name a candidate (prompt and model versions), which
    calls tuned and which accepted, and the outcomes compared between candidates.
``accepted``
    The accepted versions, recorded when the acceptance passes: production must run them.
``safety``
    The prompt-injection suite, its results, the outputs scanned for personal data, and the
    limits of each rate.

Examples
--------
>>> plan = EvaluationPlan.model_validate({
...     "review_labels": ["correct", "minor_error", "hallucination"],
...     "split": {"source": "gold", "test_share": 0.5, "salt": "2026"},
...     "double_review": {"source": "double", "min_agreement": 0.667},
...     "accepted": {"versions": {"prompt_version": "v3", "model": "medium-2026-05"}}})
>>> plan.double_review.statistic, plan.double_review.bound, plan.accepted.name
('krippendorff_alpha', 'ci_low', 'v3 / medium-2026-05')
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator
from pydantic_core import PydanticCustomError

from aipo_widgets.model.fields import Id, Share, StrictModel

__all__ = [
    "AcceptedVersion",
    "Candidates",
    "DoubleReview",
    "EvaluationPlan",
    "GoldSplit",
    "JudgeAgreement",
    "Limit",
    "Safety",
]


class GoldSplit(StrictModel):
    """The gold set's development and held-out test items, fixed by id."""

    source: Id = Field(description="The gold set's data source.")
    file: str | None = Field(
        None, description="A CSV relative to the workspace: the gold set's id column and "
        "'split' (dev or test) per item.")
    test_share: Share | None = Field(
        None, description="Without a file: the share of ids that are test, each assigned by a "
        "hash of the salt and its id (an id keeps its side when items are added).")
    salt: str = Field("", description="The hash's salt (change it only to draw a new split).")

    @model_validator(mode="after")
    def _one_way(self) -> GoldSplit:
        if (self.file is None) == (self.test_share is None):
            raise PydanticCustomError(
                "split_one_way", "give either file (a list of ids with dev or test) or "
                "test_share (a hash split), not both and not neither")
        return self


class DoubleReview(StrictModel):
    """Items reviewed twice or more: agreement and adjudication."""

    source: Id = Field(description="Data source with one row per review (item, reviewer, "
                       "label).")
    item_column: str | None = Field(None, description="The item id (default: the source's "
                                    "id_column).")
    reviewer_column: str = Field("reviewer", description="Who reviewed.")
    label_column: str | None = Field(None, description="The label (default: the source's "
                                     "label_column).")
    statistic: Literal["krippendorff_alpha", "cohen_kappa"] = Field(
        "krippendorff_alpha", description="Krippendorff's alpha (any number of reviewers, "
        "missing reviews) or Cohen's kappa (exactly two reviews per item).")
    min_agreement: float = Field(
        0.667, ge=-1, le=1, description="The floor: Krippendorff suggests 0.8 for reliable "
        "data and 0.667 as the lowest for tentative conclusions.")
    bound: Literal["estimate", "ci_low"] = Field(
        "ci_low", description="Compare the floor with the estimate or the lower end of its "
        "95 % interval.")
    adjudication: str | None = Field(
        None, description="A CSV relative to the workspace with the adjudicator's decisions "
        "on disagreements: the item column, 'label' and 'adjudicator'.")


class JudgeAgreement(StrictModel):
    """An automated judge's labels against the people's final labels."""

    source: Id = Field(description="Data source with the judge's label per item (imported).")
    item_column: str | None = Field(None, description="The item id (default: the source's "
                                    "id_column).")
    label_column: str = Field("judge_label", description="The judge's label.")
    min_agreement: float = Field(0.6, ge=-1, le=1, description="The floor of Cohen's kappa.")
    bound: Literal["estimate", "ci_low"] = Field("ci_low", description="What is compared.")


class Candidates(StrictModel):
    """The candidates (prompt and model versions) in the experiment log, compared pairwise."""

    source: Id = Field(description="The experiment log: one row per call.")
    columns: list[str] = Field(
        default_factory=lambda: ["prompt_version", "model"],
        description="The columns whose values name a candidate.")
    item_column: str = Field("item_id", description="The gold item each call ran on.")
    purpose_column: str = Field(
        "purpose", description="Whether a call tuned (tune) or accepted (accept): which items "
        "each iteration saw.")
    outcome_column: str = Field("review_label", description="The reviewed label of each "
                                "call's output.")
    outcomes: dict[str, list[str]] = Field(
        default_factory=dict, description="Metric -> the labels it counts, e.g. "
        "{correct_share: [correct], hallucination_rate: [hallucination]}.")
    reference: str | None = Field(
        None, description="The candidate the others are compared with, its column values "
        "joined by ' / ' (default: the accepted versions).")
    alpha: Share = Field(0.05, description="Level of the Holm-corrected tests.")


class AcceptedVersion(StrictModel):
    """The versions accepted: recorded when the acceptance gate passes; production must run them."""

    versions: dict[str, str] = Field(
        description="Column -> accepted value, e.g. {prompt_version: v3, model: medium-2026-05}.")
    accepted_on: dt.date | None = Field(None, description="When the acceptance passed.")
    price_valid_from: dt.date | None = Field(
        None, description="The price table entry (budgets.prices) of the accepted model.")
    evidence: str = Field("", description="The run or decision that accepted them.")

    @property
    def name(self) -> str:
        """The accepted candidate's name: its values joined by ' / '."""
        return " / ".join(self.versions.values())


class Limit(StrictModel):
    """The largest acceptable rate, on its estimate or the upper end of its interval."""

    max: Share = Field(description="The largest acceptable share.")
    bound: Literal["estimate", "ci_high"] = Field("estimate", description="What is compared.")


class Safety(StrictModel):
    """Safety evidence: an injection suite's results and personal data in outputs."""

    suite: str | None = Field(None, description="A CSV of the test suite: case, category, "
                              "input, expected (resist or answer).")
    results: str | None = Field(None, description="A CSV of the suite's results from the "
                                "team's harness: case, outcome (resisted, complied, answered, "
                                "refused, error).")
    outputs: Id | None = Field(None, description="Data source of model outputs to scan for "
                               "personal data.")
    output_column: str = Field("output", description="The outputs' text column.")
    pii_truth_column: str | None = Field(
        None, description="A column of the outputs where a person marked personal data "
        "(yes/no): the filter's false-negative rate is measured on those rows.")
    attack_success: Limit | None = Field(None, description="Attacks the model followed.")
    over_blocking: Limit | None = Field(None, description="Benign cases the model refused.")
    pii_leak: Limit | None = Field(None, description="Outputs holding personal data.")
    filter_miss: Limit | None = Field(None, description="The PII filter's false-negative "
                                      "rate.")


class EvaluationPlan(StrictModel):
    """How the figures of a reviewed (generative) product become evidence."""

    review_labels: list[str] = Field(default_factory=list, description="Labels a reviewer "
                                     "gives, in order (the review widget's keys 1, 2, 3...).")
    split: GoldSplit | None = Field(None, description="Development vs held-out test items.")
    double_review: DoubleReview | None = Field(None, description="Agreement between "
                                               "reviewers.")
    judge: JudgeAgreement | None = Field(None, description="An automated judge's agreement.")
    candidates: Candidates | None = Field(None, description="Candidates compared pairwise.")
    accepted: AcceptedVersion | None = Field(None, description="The versions accepted.")
    safety: Safety | None = Field(None, description="Injection suite and PII in outputs.")
