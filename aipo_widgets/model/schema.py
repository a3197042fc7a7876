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
from enum import Enum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

SCHEMA_VERSION = 1

# --------------------------------------------------------------------------------------------
# Shared field types


def _likert5(value: Any) -> int:
    # One message for every way a 1..5 rating can be wrong, so a person reads
    # "must be an integer from 1 to 5, got 7" rather than pydantic's generic text.
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise PydanticCustomError(
                "likert5", "must be an integer from 1 to 5, got {value}", {"value": repr(value)}
            )
    if not 1 <= value <= 5:
        raise PydanticCustomError(
            "likert5", "must be an integer from 1 to 5, got {value}", {"value": value}
        )
    return value


# The range is also declared with Field so that the JSON Schema (``aipo schema``) carries it and an
# editor flags 'likelihood: 7' as the person types; the before-validator runs first and keeps
# its own message, so the Field bounds never produce pydantic's generic text.
Rating5 = Annotated[int, Field(ge=1, le=5), BeforeValidator(_likert5)]
Id = Annotated[
    str,
    Field(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z][A-Za-z0-9_.\-]*$",
        description="A short identifier: a letter, then letters, digits, '_', '-' or '.'.",
    ),
]
Share = Annotated[float, Field(ge=0, le=1)]
Operator = Literal[">=", ">", "<=", "<", "=="]


class _Model(BaseModel):
    # Unknown keys are typos far more often than intent: reject them, with a suggestion.
    model_config = ConfigDict(
        extra="forbid",
        validate_assignment=True,
        use_enum_values=True,
        populate_by_name=True,
    )


class MetricDesignation(str, Enum):
    """What a metric is for in the tree (North Star framework and guardrail practice)."""

    north_star = "north_star"
    input = "input"
    driver = "driver"
    guardrail = "guardrail"
    counter = "counter"
    proxy = "proxy"
    health = "health"


class Direction(str, Enum):
    """Whether a higher or a lower value is better."""

    higher = "higher"
    lower = "lower"


class LawfulBasis(str, Enum):
    """GDPR Art 6(1) lawful bases."""

    consent = "consent"
    contract = "contract"
    legal_obligation = "legal_obligation"
    vital_interests = "vital_interests"
    public_task = "public_task"
    legitimate_interests = "legitimate_interests"


class SpecialCategory(str, Enum):
    """GDPR Art 9(1) special categories of personal data (and Art 10 criminal data)."""

    racial_or_ethnic_origin = "racial_or_ethnic_origin"
    political_opinions = "political_opinions"
    religious_or_philosophical_beliefs = "religious_or_philosophical_beliefs"
    trade_union_membership = "trade_union_membership"
    genetic = "genetic"
    biometric = "biometric"
    health = "health"
    sex_life_or_orientation = "sex_life_or_orientation"
    criminal = "criminal"


class RiskCategory(str, Enum):
    """Where a risk comes from."""

    data = "data"
    model = "model"
    system = "system"
    human_oversight = "human_oversight"
    third_party = "third_party"
    security = "security"
    legal_compliance = "legal_compliance"
    operational_cost = "operational_cost"


class HarmDimension(str, Enum):
    """Whom or what a risk would harm."""

    health_safety = "health_safety"
    fundamental_rights = "fundamental_rights"
    privacy = "privacy"
    financial = "financial"
    reputational = "reputational"
    environmental = "environmental"
    operational = "operational"


class Treatment(str, Enum):
    """ISO 31000 style risk treatment."""

    avoid = "avoid"
    reduce = "reduce"
    transfer = "transfer"
    accept = "accept"


class BacklogType(str, Enum):
    """The kinds of work in an AI product's mixed backlog."""

    product = "product"
    data = "data"
    model = "model"
    evaluation = "evaluation"
    risk = "risk"


class Phase(str, Enum):
    """The phases of the first 90 days, then operation."""

    discovery = "discovery"
    experiments = "experiments"
    rollout = "rollout"
    operate = "operate"


# --------------------------------------------------------------------------------------------
# product


class Stakeholder(_Model):
    """A person or body to be consulted or informed."""

    role: str = Field(description="Their role, e.g. 'works council', 'DPO', 'head of support'.")
    name: str = Field("", description="Name or team.")
    interest: str = Field("", description="What they care about in this product.")


class Product(_Model):
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


# --------------------------------------------------------------------------------------------
# value hypotheses, metric tree, acceptance criteria, budgets


class ValueHypothesis(_Model):
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


class Measure(_Model):
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


class MetricNode(_Model):
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


class MetricTree(_Model):
    """The metric tree: business outcome at the root, model metrics and guardrails below."""

    root: Id | None = Field(None, description="Id of the root node (North Star or business KPI).")
    nodes: list[MetricNode] = Field(default_factory=list, description="All nodes of the tree.")


class Condition(_Model):
    """A comparison of a metric with a value, used by criteria, alerts and the kill switch."""

    id: Id = Field(description="Unique id.")
    metric: Id = Field(description="The metric-tree node compared.")
    operator: Operator = Field(description="How the figure is compared with the value.")
    value: float = Field(description="The value compared with.")
    description: str = Field("", description="The rule in words.")


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


class Budgets(_Model):
    """Cost and latency budgets: both decide whether the product can scale."""

    currency: str = Field("EUR", description="Currency of the amounts.")
    cost_per_use: float | None = Field(None, ge=0, description="Maximum cost per use (one call).")
    latency_p50_ms: float | None = Field(None, ge=0, description="Maximum median latency in ms.")
    latency_p95_ms: float | None = Field(None, ge=0, description="Maximum p95 latency in ms.")
    monthly_cost: float | None = Field(None, ge=0, description="Maximum running cost per month.")


# --------------------------------------------------------------------------------------------
# data map


class QualityCheck(_Model):
    """A data-quality rule on one column of a data source."""

    # The JSON Schema states what _fields_fit_kind checks, so that an editor flags a range
    # check without bounds as the person types, not only 'aipo validate'.
    model_config = ConfigDict(json_schema_extra={"allOf": [
        {
            "if": {"properties": {"kind": {"const": "range"}}, "required": ["kind"]},
            "then": {"anyOf": [
                {"properties": {"min": {"type": "number"}}, "required": ["min"]},
                {"properties": {"max": {"type": "number"}}, "required": ["max"]},
            ]},
        },
        {
            "if": {"properties": {"kind": {"const": "allowed_values"}}, "required": ["kind"]},
            "then": {"properties": {"values": {"minItems": 1}}, "required": ["values"]},
        },
    ]})

    id: Id = Field(description="Unique id.")
    source: Id = Field(description="The data source checked.")
    column: str = Field(description="The column checked.")
    kind: Literal["completeness", "unique", "range", "allowed_values"] = Field(
        description="completeness: share non-missing >= min_share; unique: no duplicates; "
        "range: values within [min, max]; allowed_values: values in the list."
    )
    min_share: Share | None = Field(None, description="For completeness: minimum share present.")
    min: float | None = Field(None, description="For range: smallest allowed value.")
    max: float | None = Field(None, description="For range: largest allowed value.")
    values: list[str] = Field(default_factory=list, description="For allowed_values.")

    @model_validator(mode="after")
    def _fields_fit_kind(self) -> QualityCheck:
        if self.kind == "range" and self.min is None and self.max is None:
            raise PydanticCustomError(
                "check_fields", "a range check needs min, max or both", {}
            )
        if self.kind == "allowed_values" and not self.values:
            raise PydanticCustomError(
                "check_fields", "an allowed_values check needs a non-empty 'values' list", {}
            )
        return self


class DataSource(_Model):
    """A data source the product uses, with its owner, legal basis and handling."""

    id: Id = Field(description="Unique id.")
    name: str = Field(description="Name people know it by.")
    owner: str = Field("", description="Who grants access and answers for its quality.")
    location: str = Field(
        "", description="Path relative to the workspace (CSV or Parquet) or a system name."
    )
    role: Literal[
        "baseline", "gold", "training", "pilot", "production", "experiment_log", "reference",
        "other",
    ] = Field("other", description="What the kit uses it for.")
    description: str = Field("", description="What it holds.")
    personal_data: bool = Field(
        False, description="Whether it holds personal data (GDPR Art 4(1))."
    )
    special_categories: list[SpecialCategory] = Field(
        default_factory=list, description="GDPR Art 9 categories it holds, if any."
    )
    lawful_basis: LawfulBasis | None = Field(
        None, description="GDPR Art 6(1) basis for processing it (required for personal data)."
    )
    purpose: str = Field("", description="Purpose of processing; the original one if reused.")
    licence: str = Field("", description="Licence or contract under which it may be used.")
    retention: str = Field("", description="How long it is kept, e.g. '24 months'.")
    pseudonymised: bool = Field(False, description="Whether identifiers are replaced.")
    text_columns: list[str] = Field(
        default_factory=list, description="Free-text columns to scan for personal data."
    )
    where: dict[str, str | int | float | bool] = Field(
        default_factory=dict,
        description="Only the rows of the file where each column equals its value, e.g. "
        "{period: baseline} when one file holds several periods.",
    )
    id_column: str | None = Field(None, description="Column identifying a row (ticket, window).")
    label_column: str | None = Field(
        None, description="Ground truth: the label or the human review label (gold sets)."
    )
    score_column: str | None = Field(
        None, description="The model's score (probability) or prediction."
    )
    group_columns: list[str] = Field(
        default_factory=list, description="Columns that define groups for fairness checks."
    )
    time_column: str | None = Field(None, description="Timestamp or date of a row.")
    arm_column: str | None = Field(
        None, description="Pilots: the column assigning each row to control or treatment."
    )
    covariate_column: str | None = Field(
        None, description="Pilots: a pre-period value of the metric, for variance reduction."
    )
    cost_column: str | None = Field(None, description="Cost of the call or row, in currency.")
    latency_column: str | None = Field(None, description="Latency of the call, in ms.")


class DataMap(_Model):
    """The data reality: sources, their legal clarity, and quality checks."""

    sources: list[DataSource] = Field(default_factory=list, description="The data sources.")
    quality_checks: list[QualityCheck] = Field(
        default_factory=list, description="Quality rules, each on a column of a source."
    )


# --------------------------------------------------------------------------------------------
# compliance

Answer = bool | str | float | list[str] | None
Role = Literal["provider", "deployer", "importer", "distributor", "authorised_representative"]


class AIActAnswers(_Model):
    """Answers to the EU AI Act questionnaire (question ids from the kit's data file)."""

    role: Role = Field("deployer", description="Our role for this AI system (AI Act Art 3).")
    answers: dict[str, Answer] = Field(
        default_factory=dict,
        description="Question id -> answer (true/false, 'unsure', or a choice). Unanswered and "
        "'unsure' take the stricter branch.",
    )
    notes: str = Field("", description="Reasoning and references, for the legal sign-off.")
    signed_off_by: str = Field("", description="Who signed the classification off, if anyone.")
    signed_off_on: dt.date | None = Field(None, description="When it was signed off.")


class DPIA(_Model):
    """The data protection impact assessment decision (GDPR Art 35)."""

    decision: Literal["undecided", "required", "not_required", "done"] = Field(
        "undecided", description="Whether a DPIA is required, and whether it is done."
    )
    date: dt.date | None = Field(None, description="When the decision was made.")
    by: str = Field("", description="Who decided (usually with the DPO's advice).")
    reference: str = Field("", description="Where the DPIA or the reasoning is filed.")


class GDPRAnswers(_Model):
    """GDPR answers beyond the data map."""

    controller: str = Field("", description="The controller (GDPR Art 4(7)).")
    dpo: str = Field("", description="The data protection officer consulted.")
    answers: dict[str, Answer] = Field(
        default_factory=dict, description="Question id -> answer (DPIA criteria, Art 22, ...)."
    )
    dpia: DPIA = Field(default_factory=DPIA, description="The DPIA decision.")


class Compliance(_Model):
    """Legal clarity: EU AI Act classification and GDPR."""

    as_of: dt.date | None = Field(None, description="Date at which obligations are assessed.")
    ai_act: AIActAnswers = Field(default_factory=AIActAnswers, description="EU AI Act answers.")
    gdpr: GDPRAnswers = Field(default_factory=GDPRAnswers, description="GDPR answers.")
    nis2: bool = Field(False, description="Whether the operator falls under NIS2 (Art 23 clocks).")


# --------------------------------------------------------------------------------------------
# risks


class Risk(_Model):
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


class BacklogItem(_Model):
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


class Driver(_Model):
    """An assumption of the business case, per scenario, with a range for Monte Carlo."""

    unit: str = Field("", description="Unit of the driver.")
    description: str = Field("", description="What it is and where the number comes from.")
    conservative: float = Field(description="Value in the conservative scenario.")
    realistic: float = Field(description="Value in the realistic scenario.")
    optimistic: float = Field(description="Value in the optimistic scenario.")
    low: float | None = Field(None, description="Low end of the range (default: conservative).")
    likely: float | None = Field(None, description="Most likely value (default: realistic).")
    high: float | None = Field(None, description="High end of the range (default: optimistic).")
    measured: float | None = Field(None, description="Measured value, once a pilot gives one.")


class Adoption(_Model):
    """How use ramps up after launch."""

    driver: Id = Field(description="The driver holding the adoption reached (a share, 0-1).")
    ramp_months: int = Field(6, ge=0, description="Months until that adoption is reached.")
    start_month: int = Field(1, ge=0, description="The month the product goes live.")


def _two_drivers(value: Any) -> Any:
    # One plain message for a pair that is not a pair, instead of pydantic's list-length text.
    if isinstance(value, (list, tuple)) and (len(value) != 2 or value[0] == value[1]):
        shown = ", ".join(map(str, value)) or "none"
        raise PydanticCustomError(
            "correlation_pair",
            "must name two different drivers, like [adoption_max, minutes_saved]; got {got}",
            {"got": shown},
        )
    return value


def _rank_correlation(value: Any) -> Any:
    # -1 and 1 would make one driver a copy (or mirror) of the other, and the copula's matrix
    # singular; say so in the message, since the loader has no other place for the fix.
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value  # pydantic's own "must be a number" message follows
    if not -1 < value < 1:
        raise PydanticCustomError(
            "rank_correlation",
            "must be a rank correlation strictly between -1 and 1, got {value}: use e.g. 0.9 "
            "for drivers that move almost together (+-1 would make one a copy of the other)",
            {"value": value},
        )
    return value


class Correlation(_Model):
    """A rank correlation between two uncertain drivers, used by the Monte Carlo."""

    drivers: Annotated[list[Id], Field(min_length=2, max_length=2),
                       BeforeValidator(_two_drivers)] = Field(
        description="The two drivers, e.g. [adoption_max, minutes_saved]. Both need a range "
        "(low < high, or different scenario values)."
    )
    rho: Annotated[float, Field(gt=-1, lt=1), BeforeValidator(_rank_correlation)] = Field(
        description="Spearman rank correlation of the two drivers' draws, strictly between -1 "
        "and 1: 0.3 weak, 0.6 strong, negative when one tends to be high as the other is low."
    )
    description: str = Field("", description="Why they move together, and the evidence.")


class BusinessCase(_Model):
    """Monthly cash flows from drivers, per scenario; NPV, payback and exit criteria."""

    currency: str = Field("EUR", description="Currency.")
    horizon_months: int = Field(36, ge=1, le=240, description="Months covered.")
    discount_rate: float = Field(0.08, ge=-0.99, le=10, description="Annual discount rate.")
    drivers: dict[Id, Driver] = Field(
        default_factory=dict,
        description="The assumptions.",
        # pydantic states the id pattern as patternProperties only, which lets any other key
        # through the JSON Schema; 'aipo validate' refuses such a key, so the schema must too.
        json_schema_extra={"additionalProperties": False},
    )
    adoption: Adoption | None = Field(None, description="Adoption ramp; 'adoption' in formulas.")
    one_off_cost: str = Field(
        "0", description="Formula over drivers: cost at month 0 (build, data, integration)."
    )
    monthly_benefit: str = Field("0", description="Formula over drivers and 'adoption'.")
    monthly_cost: str = Field("0", description="Formula over drivers and 'adoption'.")
    scenario_weights: dict[Literal["conservative", "realistic", "optimistic"], Share] = Field(
        default_factory=lambda: {"conservative": 0.25, "realistic": 0.5, "optimistic": 0.25},
        description="Weights of the scenarios for the expected NPV (sum to 1).",
    )
    exit_criteria: list[Condition] = Field(
        default_factory=list,
        description="Stop rules on measured values, e.g. time saved after the pilot < 15 %. "
        "'metric' names a driver or a metric-tree node.",
    )
    correlations: list[Correlation] = Field(
        default_factory=list,
        description="Rank correlations between uncertain drivers for the Monte Carlo, e.g. "
        "[{drivers: [adoption_max, minutes_saved], rho: 0.6}]. Drivers not named are drawn "
        "independently. Each driver keeps its own (low, likely, high) triangular distribution; "
        "the pairs are joined by a Gaussian copula, so together they must be consistent (a "
        "positive definite matrix) and each pair may appear once.",
    )

    @field_validator("scenario_weights")
    @classmethod
    def _weights_sum_to_one(cls, v: dict) -> dict:
        if v and abs(sum(v.values()) - 1) > 1e-6:
            raise PydanticCustomError(
                "weights", "scenario weights must sum to 1, got {total}",
                {"total": round(sum(v.values()), 6)},
            )
        return v


# --------------------------------------------------------------------------------------------
# rollout, monitoring, kill switch, decisions


class RolloutStage(_Model):
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


class Rollout(_Model):
    """The phased rollout plan."""

    stages: list[RolloutStage] = Field(default_factory=list, description="Stages, in order.")
    communication: str = Field("", description="How users and affected people are told.")
    training: str = Field("", description="How users are trained.")


class DriftSettings(_Model):
    """How drift is checked."""

    reference: Id | None = Field(None, description="Data source frozen as the drift reference.")
    current: Id | None = Field(None, description="Data source with the production window.")
    columns: list[str] = Field(default_factory=list, description="Columns checked (empty: all).")
    categorical: list[str] = Field(default_factory=list, description="Categorical columns.")
    psi_warn: float = Field(0.1, ge=0, description="PSI from which a column warns.")
    psi_alert: float = Field(0.25, ge=0, description="PSI from which a column has drifted.")
    drifted_share_alert: Share = Field(
        0.3, description="Share of drifted columns from which the data set has drifted."
    )


class AlertRule(Condition):
    """An alert on a monitored metric."""

    severity: Literal["info", "warning", "critical"] = Field("warning", description="Severity.")
    window: str = Field("1d", description="Window the metric is computed over, e.g. '1d', '7d'.")
    action: str = Field("", description="What the on-call person does.")


class Retrain(_Model):
    """When the model is retrained."""

    interval_days: int | None = Field(None, ge=1, description="Planned retrain interval.")
    on_drift: bool = Field(True, description="Retrain early when the data set drifts.")
    min_new_labels: int = Field(0, ge=0, description="Labels needed before a retrain.")


class Monitoring(_Model):
    """Monitoring from day one: windows, drift, alerts, retraining."""

    window_days: int = Field(7, ge=1, description="Length of a monitoring window.")
    drift: DriftSettings = Field(default_factory=DriftSettings, description="Drift checks.")
    alert_rules: list[AlertRule] = Field(default_factory=list, description="Alert rules.")
    retrain: Retrain = Field(default_factory=Retrain, description="Retrain policy.")
    log_retention_months: int = Field(
        6, ge=0, description="Months logs are kept (AI Act Art 26(6): at least 6 for high-risk)."
    )


class KillSwitch(_Model):
    """When to switch the AI off, and what runs instead."""

    conditions: list[Condition] = Field(
        default_factory=list, description="Any condition met switches the AI off."
    )
    fallback: str = Field("", description="What happens instead (the process without AI).")
    owner: str = Field("", description="Who may pull the switch.")
    steps: list[str] = Field(default_factory=list, description="How to pull it, step by step.")
    max_minutes_to_off: int | None = Field(
        None, ge=0, description="Time from decision to the AI being off."
    )
    tested_on: dt.date | None = Field(None, description="When the switch was last tested.")


class Decision(_Model):
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


class ThresholdCosts(_Model):
    """The costs of a classifier's decisions, for choosing its threshold.

    Each value is a number, or the id of a metric-tree node whose current (or baseline) value
    is used, so that the threshold follows the business numbers in one place.
    """

    c_fn: CostValue = Field(description="Cost of a missed positive (false negative).")
    c_fp: CostValue = Field(description="Cost of a false alarm (false positive).")
    c_tp: CostValue = Field(0.0, description="Cost of a true positive (negative: a benefit).")
    c_tn: CostValue = Field(0.0, description="Cost of a true negative.")
    review_cost: CostValue = Field(0.0, description="Cost of handling each flagged item.")
    volume_per_month: CostValue | None = Field(
        None, description="Items scored per month, for the expected cost per month."
    )


class Settings(_Model):
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


# --------------------------------------------------------------------------------------------
# the workspace


class Workspace(_Model):
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
    data_map: DataMap = Field(default_factory=DataMap, description="Data sources and checks.")
    compliance: Compliance = Field(default_factory=Compliance, description="AI Act and GDPR.")
    risks: list[Risk] = Field(default_factory=list, description="The risk register.")
    backlog: list[BacklogItem] = Field(default_factory=list, description="The mixed backlog.")
    business_case: BusinessCase | None = Field(None, description="The business case.")
    rollout: Rollout = Field(default_factory=Rollout, description="The phased rollout plan.")
    monitoring: Monitoring = Field(default_factory=Monitoring, description="Monitoring plan.")
    kill_switch: KillSwitch = Field(default_factory=KillSwitch, description="Kill switch.")
    decisions: list[Decision] = Field(default_factory=list, description="Dated decision log.")
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


def json_schema() -> dict:
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
