"""Data types shared by every rule: what a check sees and what it returns."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Literal

from pydantic import BaseModel, Field

from evals.rules.policy import Policy
from evals.rules.suggestions import suggest

Severity = Literal["error", "warning"]


class Channel(str, Enum):
    email = "email"
    chat = "chat"
    phone = "phone"


class Span(BaseModel):
    """A half-open character range [start, end) into the checked reply, with its text."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str
    suggestion: str | None = Field(
        default=None, description="Text that fixes the span when put in its place; null when no safe fix is known."
    )


class RuleResult(BaseModel):
    rule_id: str
    title: str
    severity: Severity
    passed: bool
    message: str
    spans: list[Span] = Field(default_factory=list)
    fix_hint: str | None = None


Intent = Literal["complaint", "question", "thanks", "follow_up", "abuse", "other"]


@dataclass(frozen=True)
class CheckContext:
    """Everything a rule may look at. Checks are pure functions of this."""

    reply: str
    complaint: str = ""
    company_at_fault: bool | None = None
    policy: Policy | None = None
    channel: Channel = Channel.email
    intent: Intent = "complaint"
    """What the customer's message is; a thanks or a plain question does not need an apology or a remedy."""
    frustrated: bool = True
    """The message shows a negative feeling: a question asked in frustration still gets the acknowledgement."""


@dataclass(frozen=True)
class Verdict:
    """What a check function returns before the registry dresses it as a RuleResult."""

    passed: bool
    message: str
    spans: tuple[Span, ...] = ()


def _learned(rule_id: str):  # type: ignore[no-untyped-def]
    """The rule's learned layer, if it ships one (imported late: the learned package imports this module)."""
    from evals.rules.learned.model import rule_model

    return rule_model(rule_id)


def _with_suggestions(rule_id: str, spans: tuple[Span, ...]) -> list[Span]:
    return [s.model_copy(update={"suggestion": suggest(rule_id, s.text)}) for s in spans]


@dataclass(frozen=True)
class SourceQuote:
    doc: str
    quote: str


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    severity: Severity
    instruction: str
    """Imperative sentence used verbatim in the generation prompt."""
    explanation: str
    fix_hint: str
    sources: tuple[SourceQuote, ...]
    check: Callable[[CheckContext], Verdict] = field(repr=False)
    applies_to: frozenset[str] = frozenset({"complaint", "follow_up", "question", "thanks", "abuse", "other"})
    """Intents of the customer's message this rule applies to."""
    when_frustrated: frozenset[str] = frozenset()
    """Further intents it applies to when the message shows frustration."""

    def applies(self, ctx: CheckContext) -> bool:
        return ctx.intent in self.applies_to or (ctx.frustrated and ctx.intent in self.when_frustrated)

    def run(self, ctx: CheckContext) -> RuleResult:
        if not self.applies(ctx):
            return RuleResult(
                rule_id=self.id,
                title=self.title,
                severity=self.severity,
                passed=True,
                message=f"not required in a reply to a {ctx.intent.replace('_', '-')} message",
            )
        verdict = self.check(ctx)
        learned = _learned(self.id)
        if learned is not None:
            verdict = learned.judge(ctx, verdict)
        return RuleResult(
            rule_id=self.id,
            title=self.title,
            severity=self.severity,
            passed=verdict.passed,
            message=verdict.message,
            spans=list(verdict.spans) if verdict.passed else _with_suggestions(self.id, verdict.spans),
            fix_hint=None if verdict.passed else self.fix_hint,
        )
