"""The data map of ``aipo.yaml``: the data sources, their legal basis and quality checks."""

from __future__ import annotations

from typing import Literal

from pydantic import (
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from aipo_widgets.model.fields import (
    Id,
    LawfulBasis,
    Share,
    SpecialCategory,
    StrictModel,
)
from aipo_widgets.model.source_access import TRACE_COLUMNS, SourceAccess
from aipo_widgets.model.source_columns import ROLE_FIELDS, ColumnMapping


class QualityCheck(StrictModel):
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


#: The GDPR Art 9(2) conditions, as the questionnaire's ``art9_condition`` question offers them.
Art9Condition = Literal[
    "explicit_consent", "employment_social_security_law", "vital_interests",
    "not_for_profit_body", "made_public", "legal_claims", "substantial_public_interest",
    "health_or_social_care", "public_health", "research_statistics", "none",
]


class DataSource(SourceAccess, ColumnMapping):
    """A data source the product uses, with its owner, legal basis and handling.

    How it is read (engine, location, filter): see
    :class:`~aipo_widgets.model.source_access.SourceAccess`; which of its columns plays which
    role: :class:`~aipo_widgets.model.source_columns.ColumnMapping`.
    """

    id: Id = Field(description="Unique id.")
    name: str = Field(description="Name people know it by.")
    owner: str = Field("", description="Who grants access and answers for its quality.")
    location: str = Field(
        "", description="Files: a path relative to the workspace (a CSV, Parquet, JSON or JSON "
        "Lines file, a glob such as logs/*.parquet, or a folder, partitioned or not); "
        "a name without a suffix that is not a folder is a system name, not read."
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
    art9_condition: Art9Condition | None = Field(
        None, description="The GDPR Art 9(2) condition for its special categories (in addition "
        "to the Art 6(1) lawful basis)."
    )
    risks: list[Id] = Field(
        default_factory=list, description="Risks of the register about this source (what its "
        "special categories could cause, say)."
    )
    lawful_basis: LawfulBasis | None = Field(
        None, description="GDPR Art 6(1) basis for processing it (required for personal data)."
    )
    purpose: str = Field("", description="Purpose of processing; the original one if reused.")
    licence: str = Field(
        "", description="Licence, contract or terms under which it may be used, e.g. 'internal "
        "data', 'CC BY 4.0', 'vendor contract 2025-114 (analytics allowed)'."
    )
    origin: str = Field(
        "", description="Where the data comes from: the system, vendor, public dataset or "
        "people who produced it (provenance)."
    )
    usage_rights: Literal["confirmed", "restricted", "unknown"] | None = Field(
        None, description="Whether the licence, terms or legal basis allow this product's use: "
        "confirmed (say by whom in rights_confirmed_by), restricted (they do not, or only in "
        "part) or unknown. Discovery fails on restricted or unknown and warns while unset."
    )
    rights_confirmed_by: str = Field(
        "", description="Who confirmed the right to use the data for this purpose, and when, "
        "e.g. 'Legal (M. Keil), 2026-03-20'."
    )
    retention: str = Field("", description="How long it is kept, e.g. '24 months'.")
    pseudonymised: bool = Field(False, description="Whether identifiers are replaced.")
    text_columns: list[str] = Field(
        default_factory=list, description="Free-text columns to scan for personal data."
    )
    id_column: str | None = Field(None, description="Column identifying a row (ticket, window).")
    label_column: str | None = Field(
        None, description="Ground truth: the label or the human review label (gold sets)."
    )
    score_column: str | None = Field(
        None, description="The model's score (probability) or prediction."
    )
    positive_label: str | int | bool | None = Field(
        None, description="The label value that counts as a positive (default: 1 or true)."
    )
    production_prevalence: float | None = Field(
        None, description="Gold sets enriched with positives on purpose: the share "
        "of positives in production (e.g. 0.014). Precision, accuracy, F1, PR AUC, the "
        "selection rate and the cost-optimal threshold are then reweighted to it, and shown "
        "beside their values on the gold set's own mix."
    )
    group_columns: list[str] = Field(
        default_factory=list, description="Columns that define groups for fairness checks."
    )
    time_column: str | None = Field(
        None, description="Timestamp or date of a row (ISO text); monitoring windows keep the "
        "rows whose time falls within the window, and new labels count from the data cut-off."
    )
    arm_column: str | None = Field(
        None, description="Pilots: the column assigning each row to control or treatment."
    )
    covariate_column: str | None = Field(
        None, description="Pilots: a pre-period value of the metric, for variance reduction."
    )
    cost_column: str | None = Field(None, description="Cost of the call or row, in currency.")
    latency_column: str | None = Field(None, description="Latency of the call, in ms.")
    status_column: str | None = Field(
        None, description="Outcome of the call (e.g. ok, error, timeout), for the error and "
        "timeout rates."
    )
    ok_values: list[str] = Field(
        default_factory=lambda: ["ok"], description="Status values of a successful call."
    )
    timeout_values: list[str] = Field(
        default_factory=lambda: ["timeout"], description="Status values of a timed-out call."
    )
    model_column: str | None = Field(
        None, description="The model that answered the call, as budgets.prices names it."
    )
    tokens_in_column: str | None = Field(
        None, description="Input (prompt) tokens of the call, for cost from the price table."
    )
    tokens_out_column: str | None = Field(
        None, description="Output (completion) tokens of the call."
    )

    @field_validator("production_prevalence")
    @classmethod
    def _a_share(cls, value: float | None) -> float | None:
        if value is not None and not 0 < value < 1:
            raise PydanticCustomError(
                "production_prevalence",
                "must be the share of positives in production, strictly between 0 and 1 "
                "(0.014 for 1.4 %), got {value}",
                {"value": value},
            )
        return value

    @model_validator(mode="after")
    def _prevalence_of_a_classifiers_gold_set(self) -> DataSource:
        if self.production_prevalence is not None and (
                self.role != "gold" or not self.label_column or not self.score_column):
            raise PydanticCustomError(
                "production_prevalence",
                "production_prevalence reweights a classifier's gold set: it needs role: gold, "
                "a label_column and a score_column (review-label gold sets are not reweighted); "
                "remove it here or complete the gold set's columns",
                {},
            )
        return self

    @model_validator(mode="after")
    def _trace_roles(self) -> DataSource:
        # An OTLP export has the kit's own columns: its roles need no mapping. Set without
        # marking the fields as written, so that aipo.yaml is saved as the person wrote it.
        if self.format == "otlp":
            for role, column in TRACE_COLUMNS.items():
                if getattr(self, ROLE_FIELDS[role]) is None:
                    self.__dict__[ROLE_FIELDS[role]] = column
        return self

    @model_validator(mode="after")
    def _confirmed_by_someone(self) -> DataSource:
        if self.usage_rights == "confirmed" and not self.rights_confirmed_by.strip():
            raise PydanticCustomError(
                "rights_confirmed_by",
                "usage_rights: confirmed needs rights_confirmed_by: who confirmed the right to "
                "use this data for the product, and when (e.g. 'Legal (M. Keil), 2026-03-20'); "
                "if nobody has, write usage_rights: unknown",
                {},
            )
        return self


class DataMap(StrictModel):
    """The data reality: sources, their legal clarity, and quality checks."""

    sources: list[DataSource] = Field(default_factory=list, description="The data sources.")
    quality_checks: list[QualityCheck] = Field(
        default_factory=list, description="Quality rules, each on a column of a source."
    )
