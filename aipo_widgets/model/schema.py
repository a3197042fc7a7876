"""The workspace file ``aipo.yaml``, schema version 1: its pydantic models.

One workspace is one AI product. ``aipo.yaml`` is the single source of truth for it: hand-edited,
reviewed in git, read by the notebooks, widgets and pages, and written back by the widgets.  This
module holds the models only; reading and writing (with comments kept and line numbers in the
errors) is in :mod:`aipo_widgets.model.workspace`.

Every field has a description, so ``aipo schema`` gives editors with a YAML language server a
schema that documents and validates the file as a person types.  Enumerations follow the domain
research (metric designations, GDPR lawful bases, risk categories, backlog item types, ...).

Cross-references (unique ids, metrics named by criteria, risks named by backlog items, sources
named by checks) are checked by :mod:`aipo_widgets.model.references`.

Examples
--------
>>> ws = Workspace.model_validate({"product": {"name": "Ticket summaries", "owner": "Jana"}})
>>> ws.schema_version, ws.product.name, ws.risks
(1, 'Ticket summaries', [])
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import (
    BeforeValidator,
    ConfigDict,
    Field,
)
from pydantic_core import PydanticCustomError

from aipo_widgets.model.budgets import Budgets, Price
from aipo_widgets.model.business_case import Adoption, BusinessCase, Correlation, Driver
from aipo_widgets.model.compliance import DPIA, AIActAnswers, Compliance, GDPRAnswers
from aipo_widgets.model.data_map import DataMap, DataSource, QualityCheck
from aipo_widgets.model.fields import (
    BacklogType,
    Condition,
    Direction,
    HarmDimension,
    Id,
    MetricDesignation,
    Phase,
    Rating5,
    RiskCategory,
    Share,
    StrictModel,
    Treatment,
)
from aipo_widgets.model.genai import EvaluationPlan
from aipo_widgets.model.monitoring import (
    AlertRule,
    DriftSettings,
    KillCondition,
    KillSwitch,
    Monitoring,
    Retrain,
)
from aipo_widgets.model.notifications import EmailChannel, Notifications, Webhook
from aipo_widgets.model.pilot_design import PilotDesign
from aipo_widgets.model.plan import Milestone, Plan
from aipo_widgets.model.signoffs import RaciEntry, SignOff

# The sections kept in modules of their own are part of the schema, importable from here.
__all__ = [
    "DPIA",
    "SCHEMA_VERSION",
    "AIActAnswers",
    "AcceptanceCriterion",
    "Adoption",
    "AlertRule",
    "BacklogItem",
    "BacklogType",
    "Budgets",
    "BusinessCase",
    "Compliance",
    "Condition",
    "Correlation",
    "DataMap",
    "DataSource",
    "Decision",
    "DriftSettings",
    "Driver",
    "EmailChannel",
    "EvaluationPlan",
    "GDPRAnswers",
    "KillCondition",
    "KillSwitch",
    "Measure",
    "MetricNode",
    "MetricTree",
    "Milestone",
    "Monitoring",
    "Notifications",
    "Phase",
    "PilotDesign",
    "Plan",
    "Price",
    "Product",
    "QualityCheck",
    "RaciEntry",
    "Retrain",
    "Risk",
    "Rollout",
    "RolloutStage",
    "Settings",
    "SignOff",
    "Stakeholder",
    "ThresholdCosts",
    "Treatment",
    "ValueHypothesis",
    "Webhook",
    "Workspace",
    "json_schema",
]

SCHEMA_VERSION = 1

# --------------------------------------------------------------------------------------------
# Shared field types


# --------------------------------------------------------------------------------------------
# product


class Stakeholder(StrictModel):
    """A person or body to be consulted or informed."""

    role: str = Field(description="Their role, e.g. 'works council', 'DPO', 'head of support'.")
    name: str = Field("", description="Name or team.")
    interest: str = Field("", description="What they care about in this product.")


class Product(StrictModel):
    """What the product is, for whom, and who owns it."""

    name: str = Field(min_length=1, description="The product's name as stakeholders know it.")
    owner: str = Field(min_length=1, description="The AI product owner accountable for it.")
    id: Id | None = Field(None, description="Short id, used in the portfolio and in file names.")
    problem: str = Field("", description="The problem it solves, in the business's words.")
    users: list[str] = Field(default_factory=list, description="Who uses its output.")
    affected_persons: list[str] = Field(
        default_factory=list, description="Who is affected by its output without using it."
    )
    intended_purpose: str = Field(
        "", description="The intended purpose (AI Act Art 3(12)): what it is for, and where."
    )
    out_of_scope: list[str] = Field(
        default_factory=list, description="Uses it is not meant for (model card, Annex IV)."
    )
    phase: Phase = Field(Phase.discovery, description="The phase the product is in now.")
    start_date: dt.date | None = Field(None, description="Day 1 of the 90 days.")
    version: str = Field("", description="Version of the AI system described here.")
    model: str = Field("", description="The model or service used, e.g. a vendor LLM and version.")
    provider: str = Field("", description="Who provides the AI system (AI Act role context).")
    stakeholders: list[Stakeholder] = Field(
        default_factory=list, description="People and bodies to consult or inform."
    )
    workers_affected: bool | None = Field(
        None,
        description="Whether it changes how employees work or could monitor them (works "
        "council co-determination, e.g. BetrVG 87(1) no. 6; AI Act Art 26(7)): then the works "
        "council signs the rollout plan. Unset: yes when the AI Act answers say it is used at "
        "the workplace or a works council is among the stakeholders.",
    )


# --------------------------------------------------------------------------------------------
# value hypotheses, metric tree, acceptance criteria, budgets


class ValueHypothesis(StrictModel):
    """A falsifiable statement of value, with the metric that tests it."""

    id: Id = Field(description="Unique id, e.g. H1.")
    statement: str = Field(description="We believe that ... will ... measured by ...")
    metric: Id | None = Field(None, description="The metric-tree node that measures it.")
    baseline: float | None = Field(None, description="The metric's value before the product.")
    target: float | None = Field(None, description="The value that confirms the hypothesis.")
    measured_by: str = Field("", description="How and where it is measured, and over what period.")
    status: Literal["open", "supported", "refuted"] = Field(
        "open", description="Where the evidence stands."
    )


class Measure(StrictModel):
    """How a metric is measured from data: a statistic of one column.

    Without a source, each phase measures it in its own data where the column exists: the
    baseline sources in discovery, the pilot in rollout, the production log in operation.
    """

    source: Id | None = Field(
        None, description="Measure only in this data source (its 'where' filter applies)."
    )
    column: str = Field(description="The column measured.")
    stat: Literal["mean", "median", "p95", "sum", "share", "count"] = Field(
        "mean", description="mean, median, p95, sum, share (of true/1 values) or count of rows."
    )
    per: str | None = Field(
        None,
        description="Compute the statistic per value of this column (e.g. month), then take "
        "the mean over those values: 'failures per month' is column failures, stat sum, "
        "per month.",
    )


class MetricNode(StrictModel):
    """One node of the metric tree: from the North Star down to model metrics and guardrails."""

    id: Id = Field(description="Unique id; formulas refer to other nodes by it.")
    name: str = Field(description="Name a stakeholder understands.")
    unit: str = Field("", description="Unit, e.g. 'EUR', 'min', '%', 'ms'.")
    designation: MetricDesignation = Field(
        MetricDesignation.driver, description="The node's role in the tree."
    )
    direction: Direction = Field(Direction.higher, description="Whether higher or lower is better.")
    parent: Id | None = Field(
        None, description="The node this one sits under (none for the root)."
    )
    formula: str | None = Field(
        None,
        description=(
            "Arithmetic over other node ids (+ - * / **, min, max, abs), e.g. "
            "'handle_time_min / 60 * hourly_cost'. The node's value is computed from it."
        ),
    )
    owner: str = Field("", description="Who is accountable for this number.")
    baseline: float | None = Field(None, description="Value before the product.")
    target: float | None = Field(None, description="Value to reach.")
    current: float | None = Field(None, description="Latest measured value.")
    source: str = Field("", description="Where the number comes from (query, data source, manual).")
    cadence: str = Field("", description="How often it is measured, e.g. 'weekly'.")
    measure: Measure | None = Field(
        None, description="How the value is measured from data, where it can be."
    )
    effect_of: Id | None = Field(
        None,
        description="For a pilot's effect: the metric whose relative reduction "
        "(1 - treatment / control) in the pilot this node is.",
    )
    eval_metric: str | None = Field(
        None,
        description=(
            "The gold-set evaluation metric that measures this node, e.g. 'recall' or "
            "'label_share:hallucination'."
        ),
    )
    guardrails: list[Id] = Field(
        default_factory=list,
        description="Guardrail or counter metrics that must not degrade when this one improves.",
    )
    threshold: float | None = Field(
        None, description="For guardrails: the value that must not be crossed."
    )
    description: str = Field("", description="What the metric means and why it is in the tree.")


class MetricTree(StrictModel):
    """The metric tree: business outcome at the root, model metrics and guardrails below."""

    root: Id | None = Field(None, description="Id of the root node (North Star or business KPI).")
    nodes: list[MetricNode] = Field(default_factory=list, description="All nodes of the tree.")


class AcceptanceCriterion(Condition):
    """What 'good enough' means on the gold set, decided before the experiments."""

    bound: Literal["estimate", "ci_low", "ci_high"] = Field(
        "estimate",
        description="Compare the estimate, or a bound of its confidence interval (stricter).",
    )
    warn_margin: float | None = Field(
        None, ge=0, description="Within this distance of failing gives a warning."
    )
    group: str | None = Field(
        None, description="Apply per group of this column (each group must pass)."
    )


# --------------------------------------------------------------------------------------------
# data map


# --------------------------------------------------------------------------------------------
# compliance


# --------------------------------------------------------------------------------------------
# risks


class Risk(StrictModel):
    """One entry of the risk register."""

    id: Id = Field(description="Unique id, e.g. R1.")
    title: str = Field(description="The risk in a few words.")
    description: str = Field("", description="Cause, event and consequence.")
    category: RiskCategory = Field(description="Where the risk comes from.")
    harm: list[HarmDimension] = Field(default_factory=list, description="What it would harm.")
    likelihood: Rating5 = Field(description="Inherent likelihood, 1 (rare) to 5 (almost certain).")
    impact: Rating5 = Field(description="Inherent impact, 1 (insignificant) to 5 (catastrophic).")
    residual_likelihood: Rating5 | None = Field(None, description="Likelihood after mitigation.")
    residual_impact: Rating5 | None = Field(None, description="Impact after mitigation.")
    treatment: Treatment = Field(Treatment.reduce, description="How the risk is treated.")
    mitigation: str = Field("", description="What is done about it.")
    owner: str = Field("", description="Who owns the risk.")
    review_date: dt.date | None = Field(None, description="When it is next reviewed.")
    status: Literal["open", "mitigating", "accepted", "closed"] = Field(
        "open", description="Where it stands."
    )
    probability_per_year: Share | None = Field(
        None, description="Numeric anchor: probability of occurring within a year."
    )
    impact_eur: float | None = Field(None, ge=0, description="Numeric anchor: loss if it occurs.")
    residual_probability_per_year: Share | None = Field(
        None, description="Probability per year after mitigation."
    )
    residual_impact_eur: float | None = Field(None, ge=0, description="Loss after mitigation.")
    articles: list[str] = Field(
        default_factory=list, description="Legal articles it relates to, e.g. 'AI Act Art 14'."
    )


# --------------------------------------------------------------------------------------------
# backlog


class BacklogItem(StrictModel):
    """One item of the mixed backlog, with the raw factors every scoring method uses."""

    id: Id = Field(description="Unique id, e.g. B1.")
    title: str = Field(description="What is to be done.")
    type: BacklogType = Field(description="product, data, model, evaluation or risk work.")
    description: str = Field("", description="Details and the definition of done.")
    status: Literal["todo", "doing", "done", "dropped"] = Field("todo", description="Progress.")
    owner: str = Field("", description="Who does it.")
    value: float | None = Field(None, ge=0, le=10, description="Business value, 0-10.")
    risk: float | None = Field(
        None, ge=0, le=10, description="Harm risk of doing it (not uncertainty), 0-10."
    )
    feasibility: float | None = Field(None, ge=0, le=10, description="Feasibility, 0-10.")
    confidence: Share | None = Field(None, description="Confidence in the estimates, 0-1.")
    effort: float | None = Field(None, gt=0, description="Effort in person-months.")
    reach: float | None = Field(None, ge=0, description="RICE reach per quarter.")
    impact: float | None = Field(
        None, ge=0, description="RICE impact: 3 massive, 2 high, 1 medium, 0.5 low, 0.25 minimal."
    )
    ease: float | None = Field(None, ge=1, le=10, description="ICE ease, 1-10.")
    business_value: float | None = Field(None, ge=0, description="WSJF user-business value.")
    time_criticality: float | None = Field(None, ge=0, description="WSJF time criticality.")
    risk_reduction: float | None = Field(
        None, ge=0, description="WSJF risk reduction / opportunity enablement."
    )
    job_size: float | None = Field(None, gt=0, description="WSJF job size.")
    cost_of_delay_per_week: float | None = Field(
        None, ge=0, description="Economic WSJF: cost of delay in money per week."
    )
    duration_weeks: float | None = Field(None, gt=0, description="Economic WSJF: duration.")
    mitigates: list[Id] = Field(default_factory=list, description="Risks this item mitigates.")
    blocked_by: list[Id] = Field(
        default_factory=list, description="Risks that block this item until mitigated."
    )
    use_case: str = Field("", description="The use it serves, if other than the product's own.")


# --------------------------------------------------------------------------------------------
# business case


# --------------------------------------------------------------------------------------------
# rollout, monitoring, kill switch, decisions


class RolloutStage(StrictModel):
    """One stage of a phased rollout."""

    id: Id = Field(description="Unique id, e.g. shadow, pilot, ga.")
    name: str = Field(description="Name of the stage.")
    audience: str = Field("", description="Who gets the product in this stage.")
    share: Share | None = Field(None, description="Share of traffic or users, 0-1.")
    min_duration_days: int = Field(0, ge=0, description="Minimum days before leaving the stage.")
    human_review: bool = Field(False, description="Whether every output is reviewed by a person.")
    entry_criteria: list[Condition] = Field(default_factory=list, description="To enter.")
    exit_criteria: list[Condition] = Field(default_factory=list, description="To move on.")
    status: Literal["planned", "active", "done", "stopped"] = Field("planned", description="State.")
    start: dt.date | None = Field(None, description="When the stage started.")
    pilot: PilotDesign | None = Field(
        None,
        description="For a stage that is a controlled pilot: its design (how the arms were "
        "formed), which decides how it is analysed.",
    )
    decide_by: dt.date | None = Field(
        None,
        description="The day by which the pilot's go / stop / extend decision is due. Every "
        "pilot stage needs one; past it without a decision (status done or stopped), the "
        "rollout gates warn ('pilot purgatory').",
    )

    @property
    def is_pilot(self) -> bool:
        """Whether the stage is a pilot: it declares a design, or its id or name says pilot."""
        return self.pilot is not None or "pilot" in f"{self.id} {self.name}".lower()


class Rollout(StrictModel):
    """The phased rollout plan."""

    stages: list[RolloutStage] = Field(default_factory=list, description="Stages, in order.")
    communication: str = Field("", description="How users and affected people are told.")
    training: str = Field("", description="How users are trained.")


class Decision(StrictModel):
    """An entry of the dated decision log."""

    id: Id = Field(description="Unique id, e.g. D1.")
    date: dt.date = Field(description="When it was decided.")
    title: str = Field(description="What was decided, in a line.")
    decision: str = Field("", description="The decision in full.")
    rationale: str = Field("", description="Why, with the evidence.")
    by: str = Field("", description="Who decided.")
    phase: Phase | None = Field(None, description="Phase in which it was taken.")
    evidence: str = Field("", description="Run id, gate or document the decision rests on.")
    related: list[Id] = Field(default_factory=list, description="Ids of related items.")
    threshold: float | None = Field(
        None, description="The operating threshold decided, for a decision that sets one."
    )
    costs: dict[str, float] = Field(
        default_factory=dict,
        description="The costs assumed for the decision, e.g. {c_fn: 40000, c_fp: 500}.",
    )


CostValue = float | Id


def _share_or_name(value: Any) -> Any:
    # A number outside [0, 1] would otherwise read "a value of the wrong kind" (float | Id).
    if isinstance(value, (int, float)) and not isinstance(value, bool) and not 0 <= value <= 1:
        raise PydanticCustomError(
            "prevented_share",
            "must be a share between 0 and 1 (of the caught positives, how many are "
            "prevented: 0.8 for 80 %), or the id of a metric or driver holding it; got {value}",
            {"value": value},
        )
    return value


class ThresholdCosts(StrictModel):
    """The costs of a classifier's decisions, for choosing its threshold.

    Each value is a number, or the id of a metric-tree node whose current (or baseline) value
    is used, or of a business-case driver (its measured, else realistic value), so that the
    threshold follows the business numbers in one place.
    """

    c_fn: CostValue = Field(description="Cost of a missed positive (false negative).")
    c_fp: CostValue = Field(description="Cost of a false alarm (false positive), beyond the "
                            "review cost.")
    c_tp: CostValue = Field(0.0, description="Cost of a caught positive whose outcome is "
                            "prevented, e.g. a planned repair (negative: a benefit).")
    c_tn: CostValue = Field(0.0, description="Cost of a true negative.")
    review_cost: CostValue = Field(0.0, description="Cost of handling each flagged item, true "
                                   "or false, e.g. an inspection.")
    prevented_share: Annotated[float | Id, BeforeValidator(_share_or_name)] = Field(
        1.0, description="Share of the caught positives whose outcome is actually prevented "
        "(they cost c_tp); the others still cost c_fn. 1 = every alert prevents the outcome.")
    volume_per_month: CostValue | None = Field(
        None, description="Items scored per month, for the expected cost per month."
    )


class Settings(StrictModel):
    """Settings of the kit's methods for this workspace."""

    threshold_costs: ThresholdCosts | None = Field(
        None, description="Costs of a classifier's decisions (predictive products)."
    )

    risk_bands: Annotated[
        list[Annotated[list[Literal["low", "medium", "high", "critical"]],
                       Field(min_length=5, max_length=5)]],
        Field(min_length=5, max_length=5),
    ] | None = Field(
        None,
        description="5x5 band map, rows = likelihood 1..5, columns = impact 1..5; bands must "
        "not fall as likelihood or impact grows (Cox's rules, checked by aipo validate). "
        "Default: by score, low 1-4, medium 5-9, high 10-16, critical 20-25.",
    )
    backlog_method: Literal["vrf", "rice", "wsjf", "wsjf_economic", "ice"] = Field(
        "vrf", description="Default backlog scoring method (vrf = value, risk, feasibility)."
    )
    backlog_weights: dict[str, float] = Field(
        default_factory=dict, description="Weights for the value/risk/feasibility method."
    )
    documentation_completeness_min: Share = Field(
        0.8, description="Minimum share of documentation fields filled for go-live."
    )
    as_of: dt.date | None = Field(
        None,
        description="The assessment date of runs that give none (aipo run -p as_of=...); empty: "
        "the day of the run. Set it only to replay an assessment or to freeze an example whose "
        "data ends on a known day: every window then ends on this date.",
    )


# --------------------------------------------------------------------------------------------
# the workspace


class Workspace(StrictModel):
    """The whole ``aipo.yaml``: one AI product."""

    model_config = ConfigDict(title="AIPO workspace (aipo.yaml), schema version 1")

    schema_version: Literal[1] = Field(
        1, description="Version of this file's schema. Only 1 exists."
    )
    product: Product = Field(description="What the product is and who owns it.")
    value_hypotheses: list[ValueHypothesis] = Field(
        default_factory=list, description="Value hypotheses and how each is measured."
    )
    metric_tree: MetricTree = Field(
        default_factory=MetricTree, description="Business and model metrics with guardrails."
    )
    acceptance_criteria: list[AcceptanceCriterion] = Field(
        default_factory=list, description="What 'good enough' means on the gold set."
    )
    budgets: Budgets = Field(default_factory=Budgets, description="Cost and latency budgets.")
    evaluation: EvaluationPlan = Field(
        default_factory=EvaluationPlan, description="How reviewed figures become evidence: "
        "held-out split, reviewer agreement, candidates compared, accepted versions, safety."
    )
    data_map: DataMap = Field(default_factory=DataMap, description="Data sources and checks.")
    compliance: Compliance = Field(default_factory=Compliance, description="AI Act and GDPR.")
    risks: list[Risk] = Field(default_factory=list, description="The risk register.")
    backlog: list[BacklogItem] = Field(default_factory=list, description="The mixed backlog.")
    business_case: BusinessCase | None = Field(None, description="The business case.")
    rollout: Rollout = Field(default_factory=Rollout, description="The phased rollout plan.")
    monitoring: Monitoring = Field(default_factory=Monitoring, description="Monitoring plan.")
    kill_switch: KillSwitch = Field(default_factory=KillSwitch, description="Kill switch.")
    decisions: list[Decision] = Field(default_factory=list, description="Dated decision log.")
    plan: Plan = Field(default_factory=Plan, description="Milestones of the 90 days.")
    signoffs: list[SignOff] = Field(
        default_factory=list, description="Who signed what off, with the digest of what was "
        "signed (aipo signoff writes them)."
    )
    raci: list[RaciEntry] = Field(
        default_factory=list, description="Who is responsible, accountable, consulted and "
        "informed, per document, gate or decision."
    )
    notifications: Notifications = Field(
        default_factory=Notifications, description="Where alerts are delivered."
    )
    settings: Settings = Field(default_factory=Settings, description="Method settings.")

    # Convenience look-ups; cheap enough to compute on demand.
    def metric(self, node_id: str) -> MetricNode:
        """Return the metric-tree node with this id (KeyError if there is none)."""
        for node in self.metric_tree.nodes:
            if node.id == node_id:
                return node
        raise KeyError(node_id)

    def source(self, source_id: str) -> DataSource:
        """Return the data source with this id (KeyError if there is none)."""
        for src in self.data_map.sources:
            if src.id == source_id:
                return src
        raise KeyError(source_id)

    def risk(self, risk_id: str) -> Risk:
        """Return the risk with this id (KeyError if there is none)."""
        for r in self.risks:
            if r.id == risk_id:
                return r
        raise KeyError(risk_id)


    # Personal data needs a lawful basis: that is a gate in discovery, not a schema error,
    # because a workspace in its first week legitimately has open questions.


def json_schema() -> dict[str, Any]:
    """Return the JSON Schema of ``aipo.yaml`` (what ``aipo schema`` prints).

    Examples
    --------
    >>> s = json_schema()
    >>> s["title"], "product" in s["required"]
    ('AIPO workspace (aipo.yaml), schema version 1', True)
    """
    schema = Workspace.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://aipo-kit.invalid/schema/aipo.v1.json"
    return schema
