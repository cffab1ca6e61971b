"""What complaint analysis returns. Pure data; see api.analysis.analyze for how it is computed."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

EmotionName = Literal["anger", "frustration", "disappointment", "anxiety", "sadness", "betrayal", "exhaustion", "sarcasm"]
Intensity = Literal["calm", "mild", "moderate", "furious"]
FlagKind = Literal["legal_threat", "authority_threat", "media_threat", "safety", "data_loss", "vulnerable_customer", "prompt_injection"]
Topic = Literal["outage", "billing", "delivery", "quality", "service", "staff", "account_access", "data", "booking", "safety", "other"]
AskKind = Literal[
    "refund",
    "partial_refund",
    "replacement",
    "repair",
    "account_credit",
    "discount",
    "expedited_shipping",
    "technician_visit",
    "fee_waiver",
    "rebooking",
    "cancellation",
    "compensation",
    "explanation",
    "apology",
    "callback",
    "manager",
    "fix",
    "deadline",
]


class Evidence(BaseModel):
    """Where in the complaint a finding comes from (character offsets into the complaint text)."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str


class Emotion(BaseModel):
    name: EmotionName
    intensity: float = Field(ge=0, le=1)
    evidence: list[Evidence] = Field(default_factory=list)


class Grievance(BaseModel):
    topic: Topic
    summary: str = Field(description="Short paraphrase in our words, e.g. 'your websites being offline'; never a copy of the complaint.")
    subject: str | None = Field(default=None, description="The thing affected, e.g. 'website', 'order #4521', 'flight BA117'.")
    evidence: Evidence | None = None


class Problem(BaseModel):
    """The customer's problem in the agent's voice, grounded in the message."""

    summary: str = Field(description="Noun-phrase form in second person, 4-15 words, e.g. 'your battery running out in half the time'.")
    clause: str = Field(
        default="", description="The same as a finite clause ('your battery runs out in half the time'); empty for noun phrases."
    )
    evidence: Evidence | None = Field(default=None, description="Where in the latest message; null when only an earlier turn names it.")
    details: list[str] = Field(
        default_factory=list, description="Things the message names that the summary leaves out, e.g. 'the drip tray'."
    )


class Ask(BaseModel):
    kind: AskKind
    detail: str | None = Field(default=None, description="e.g. an amount or deadline the customer named: '$200', 'within 24 hours'.")
    evidence: Evidence | None = None


class Flag(BaseModel):
    kind: FlagKind
    reason: str
    evidence: Evidence | None = None


Intent = Literal["complaint", "question", "thanks", "follow_up", "abuse", "other"]


class Analysis(BaseModel):
    intent: Intent = Field(default="complaint", description="What kind of message this is; the reply's mode follows it.")
    intent_confidence: float = Field(default=1.0, ge=0, le=1)
    problems: list[Problem] = Field(
        default_factory=list, description="Up to three problems, most important first, paraphrased from the message."
    )
    question_topic: str | None = Field(
        default=None,
        description="For a question: what it asks, as an indirect question in the agent's voice, e.g. 'how you change your mobile number', 'whether you can take a folding bike on the 07:42'.",
    )
    emotions: list[Emotion]
    intensity: Intensity
    intensity_score: float = Field(ge=0, le=1)
    grievances: list[Grievance]
    asks: list[Ask]
    fault: Literal["company", "customer", "unclear"]
    fault_reason: str
    customer_register: Literal["technical", "non_technical"] = Field(
        description="Technical customers get specifics; others plain language."
    )
    flags: list[Flag]
    deadline: str | None = Field(default=None, description="A deadline the customer set, e.g. 'within 24 hours'.")
    repeat_contact: bool = Field(default=False, description="The customer says they already complained before.")

    @property
    def escalate(self) -> bool:
        return any(f.kind != "prompt_injection" for f in self.flags)

    @property
    def injection(self) -> bool:
        return any(f.kind == "prompt_injection" for f in self.flags)
