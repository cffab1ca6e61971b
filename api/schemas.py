"""The HTTP contract: request and response models for /v1/drafts, /v1/checks and /v1/rules."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field

from api.analysis.model import Analysis, Intent
from api.fallback_reasons import FallbackReason, from_stored
from evals.rules import RULES_BY_ID, Channel, Policy, Remedy, RuleResult
from evals.rules.policy import LabelledRemedy
from prompts import available_versions

Source = Literal["llm", "llm_repaired", "playbook", "fallback"]

# Text a caller sends may hold tab, newline and carriage return, but no other C0 control character: a NUL
# would be echoed into the reply (and PostgreSQL cannot store one), an escape code reaches the agent's terminal.
# Such text is rejected (422), not silently stripped, so what is stored is exactly what was sent.
CONTROL_FREE = r"^[^\x00-\x08\x0b\x0c\x0e-\x1f]*$"
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def reject_control_chars(value: str) -> str:
    found = _CONTROL_CHAR.search(value)
    if found:
        raise ValueError(
            f"contains the control character U+{ord(found.group()):04X} at position {found.start()}; "
            "only tab, newline and carriage return are allowed"
        )
    return value


PlainText = Annotated[str, AfterValidator(reject_control_chars), Field(json_schema_extra={"pattern": CONTROL_FREE})]


def _integral_float_to_int(value: object) -> object:
    """JSON Schema's integer includes 2.0; strict int alone would refuse it (and lax int would take "2")."""
    return int(value) if isinstance(value, float) and value.is_integer() else value


# (Constraints go before the validator: after it, pydantic writes them raw, as "ge", into the JSON schema.)
Rating = Annotated[int, Field(strict=True, ge=1, le=5), BeforeValidator(_integral_float_to_int)]
# The route checks these against the registry and the prompts/ folder (naming the field); the schema lists them.
RuleId = Annotated[PlainText, Field(json_schema_extra={"enum": sorted(RULES_BY_ID)})]
PromptVersion = Annotated[PlainText, Field(json_schema_extra={"enum": available_versions()})]


class RequestModel(BaseModel):
    """Base of every request body: unknown fields are an error, and numbers must be finite. Booleans and
    numbers are `strict` field by field (the JSON types the schema names: no "yes" for true, no false for 0);
    not the whole model, since FastAPI validates the decoded dict and strict enums would refuse strings."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Turn(RequestModel):
    role: Literal["customer", "agent"]
    text: PlainText = Field(min_length=1, max_length=20_000)


class DraftRequest(RequestModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "complaint": "None of my websites hosted with you have been reachable since this morning. If my website "
                    "is not back up within 24 hours I will report you to the police.",
                    "channel": "email",
                    "company_at_fault": True,
                    "customer_name": "Emeka",
                    "company_name": "Nairahost",
                    "policy": {"allowed_remedies": ["account_credit", "partial_refund"], "max_amount": 50, "currency": "USD"},
                }
            ]
        },
    )

    complaint: PlainText = Field(min_length=1, max_length=20_000, description="The customer's latest message. Untrusted data.")
    channel: Channel = Channel.email
    company_at_fault: bool | None = Field(
        default=None, strict=True, description="true / false / null = unknown (we err toward taking the blame)."
    )
    customer_name: PlainText | None = Field(default=None, max_length=120)
    agent_name: PlainText | None = Field(default=None, max_length=120)
    company_name: PlainText | None = Field(default=None, max_length=120)
    context: PlainText | None = Field(default=None, max_length=10_000, description="Facts the reply may use (order status, outage ETA).")
    policy: Policy | None = Field(default=None, description="What the reply may offer; null = no constraints on remedy kinds.")
    history: list[Turn] = Field(default_factory=list, max_length=50, description="Earlier turns, oldest first.")
    instructions: PlainText | None = Field(default=None, max_length=4_000, description="The agent's own guidance for this ticket. Trusted.")
    model: PlainText | None = Field(
        default=None, max_length=200, description="'playbook' or a litellm model string; default CALMREPLY_MODEL."
    )
    prompt_version: PromptVersion | None = Field(default=None, max_length=20)


Sentence = Annotated[str, Field(min_length=1, max_length=400)]


class Sections(BaseModel):
    """The parts of a reply, in order. Also the schema the LLM must fill: the length limits keep
    replies plain and give grammar-constrained local models a bound (no runaway strings)."""

    acknowledgement: Sentence
    apology: Annotated[str, Field(max_length=400)] = Field(description="Empty only when nothing went wrong (a thanks, a plain question).")
    restatement: Annotated[str, Field(max_length=400)]
    solution: Annotated[str, Field(max_length=700)]
    next_steps: list[Sentence] = Field(max_length=5)
    follow_up: Annotated[str, Field(max_length=400)]
    closing: Annotated[str, Field(max_length=300)]


class Usage(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class Attempt(BaseModel):
    """One call to the model: what came back and why it was or wasn't used."""

    number: int
    kind: Literal["generate", "reask"]
    outcome: Literal["accepted", "violations", "invalid_output", "provider_error"]
    detail: str | None = None
    violations: list[str] = Field(default_factory=list)
    transport_attempts: int = Field(default=1, description="Provider calls this attempt took, counting transient-error retries.")
    latency_ms: float = 0
    usage: Usage = Field(default_factory=Usage)


class DraftMeta(BaseModel):
    model: str
    source: Source
    attempts: list[Attempt]
    prompt_version: str
    latency_ms: float
    usage: Usage
    cost_usd: float | None = None
    fallback_reason: Annotated[FallbackReason | None, BeforeValidator(from_stored)] = Field(
        default=None, description="Why the draft fell back to the playbook: a stable code (see the README's table)."
    )
    fallback_detail: str | None = Field(
        default=None, description="The same in words: error class, HTTP status, what it means. Never provider text."
    )


class DraftPublic(BaseModel):
    id: str
    created_at: datetime
    reply: str
    sections: Sections
    analysis: Analysis
    checks: list[RuleResult]
    meta: DraftMeta
    feedback: FeedbackPublic | None = None


class DraftSummary(BaseModel):
    """One row of GET /v1/drafts: enough to find the draft, without its full text."""

    id: str
    created_at: datetime
    model: str
    source: Source
    prompt_version: str
    latency_ms: float
    failed_rules: list[str]
    feedback_outcome: Literal["sent", "edited", "discarded"] | None = None


class DraftList(BaseModel):
    items: list[DraftSummary]
    total: int | None = Field(
        description="Drafts matching the filters. Counted on pages asked for without a cursor "
        "(it grows with the table); null on cursor pages, which cost the same at any depth."
    )
    limit: int
    offset: int
    next_cursor: str | None = Field(default=None, description="Pass as `cursor` for the next page; null on the last page.")


class CheckRequest(RequestModel):
    reply: PlainText = Field(min_length=1, max_length=20_000, description="The reply to lint, e.g. an agent's edited draft.")
    complaint: PlainText = Field(default="", max_length=20_000)
    company_at_fault: bool | None = Field(default=None, strict=True)
    policy: Policy | None = None
    channel: Channel = Channel.email
    intent: Intent | None = Field(
        default=None,
        description="What the customer's message is. Omitted: read from `complaint` (a complaint when there is none). "
        "Replies to thanks, plain questions, abuse and other messages need no apology, remedy or next steps.",
    )
    rules: list[RuleId] | None = Field(default=None, description="Rule ids to run; default all.")


class CheckResponse(BaseModel):
    passed: bool = Field(description="No error-severity rule failed.")
    checks: list[RuleResult]


class FeedbackRequest(RequestModel):
    outcome: Literal["sent", "edited", "discarded"]
    final_text: PlainText | None = Field(default=None, max_length=20_000, description="What the agent actually sent.")
    rating: Rating | None = None
    comment: PlainText | None = Field(default=None, max_length=2_000)


class FeedbackPublic(BaseModel):
    outcome: Literal["sent", "edited", "discarded"]
    final_text: str | None
    rating: int | None
    comment: str | None
    edit_distance: int | None = Field(description="Character-level Levenshtein distance between the suggested reply and final_text.")
    final_checks: list[RuleResult] | None = None
    created_at: datetime


class SourceQuotePublic(BaseModel):
    doc: str
    quote: str


class RulePublic(BaseModel):
    id: str
    title: str
    severity: Literal["error", "warning"]
    instruction: str
    explanation: str
    fix_hint: str
    sources: list[SourceQuotePublic]


class ConflictPublic(BaseModel):
    topic: str
    positions: list[SourceQuotePublic]
    resolution: str
    reason: str
    rule_ids: list[str]


class RemedyVocabularyPublic(BaseModel):
    """What `policy.allowed_remedies` accepts."""

    built_in: list[Remedy] = Field(description="Built-in remedy kinds, given as plain strings.")
    custom: str = Field(description="How a company's own labelled remedies are written and checked.")
    doing_the_job: list[Remedy] = Field(
        description=(
            "Kinds that are the company doing its job (fixing what is broken, sending someone, shipping faster, closing "
            "an account the customer wants closed): a reply may offer them whether or not the policy lists them. A "
            "policy limits money, goodwill extras, replacement goods and new bookings."
        )
    )
    example: LabelledRemedy


class RulesResponse(BaseModel):
    rules: list[RulePublic]
    conflicts: list[ConflictPublic]
    remedies: RemedyVocabularyPublic


class ErrorDetail(BaseModel):
    field: str | None = None
    reason: str


class ErrorResponse(BaseModel):
    error: str
    details: list[ErrorDetail] = Field(default_factory=list)


DraftPublic.model_rebuild()
