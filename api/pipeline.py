"""The drafting pipeline: analysis -> plan -> generate -> guard -> repair -> fallback.

A draft never fails because a model failed: provider errors, invalid output and persistent
rule violations all end in the playbook engine, and `meta` says what happened.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import ValidationError

from api.analysis import analyze
from api.analysis.model import Analysis
from api.config import Settings
from api.cpu import CpuPool
from api.fallback_reasons import DESCRIPTIONS, FallbackReason
from api.llm import CompletionClient, ProviderError
from api.output_guard import check_output
from api.pii import Redactor, redact_request
from api.playbook import draft_sections
from api.prompting import build_messages, describe_violations, instruction_text, reask_messages
from api.rendering import Names, render
from api.schemas import Attempt, DraftMeta, DraftRequest, Sections, Source, Usage
from api.streaming import DeltaTracker, preview
from evals.rules import CheckContext, RuleResult, blocking_failures, check_reply
from prompts import load_prompt

PLAYBOOK = "playbook"
EventSink = Callable[[str, dict[str, Any]], Awaitable[None]]
"""Hears a streaming draft's events: ('analysis', analysis) and ('delta', {attempt, text, reset})."""
_JSON_OBJECT = re.compile(r"\{.*\}", re.S)


@dataclass
class CallLog:
    """One model call, kept for the database log (prompt and raw response included)."""

    attempt: Attempt
    model: str
    messages: list[dict[str, str]]
    response: str | None


@dataclass
class DraftOutcome:
    reply: str
    sections: Sections
    analysis: Analysis
    checks: list[RuleResult]
    meta: DraftMeta
    calls: list[CallLog] = field(default_factory=list)


def guard(reply: str, req: DraftRequest, analysis: Analysis, prompt_words: str | None = None) -> list[RuleResult]:
    """Every rule on a rendered reply, in the light of what the customer's message is. A model's reply
    (`prompt_words` given: the wording of the prompt it was written from) also passes the output guard:
    no leaked instructions, nothing the message injected, no role or format change, no unauthorised commitment."""
    results = check_reply(
        CheckContext(
            reply=reply,
            complaint=req.complaint,
            company_at_fault=req.company_at_fault,
            policy=req.policy,
            channel=req.channel,
            intent=analysis.intent,
            frustrated=bool(analysis.emotions),
        )
    )
    return results if prompt_words is None else [*results, *check_output(reply, req, analysis, prompt_words)]


def parse_sections(text: str) -> Sections:
    """Validate the model's JSON; tolerate code fences and prose around the object."""
    match = _JSON_OBJECT.search(text)
    if match is None:
        raise ValueError("no JSON object in the output")
    return Sections.model_validate_json(match.group(0))


def _names(req: DraftRequest) -> Names:
    return Names(customer=req.customer_name, agent=req.agent_name, company=req.company_name)


def _history(req: DraftRequest) -> list[tuple[str, str]]:
    return [(t.role, t.text) for t in req.history]


def _total(calls: list[CallLog]) -> Usage:
    return Usage(
        prompt_tokens=sum(c.attempt.usage.prompt_tokens for c in calls),
        completion_tokens=sum(c.attempt.usage.completion_tokens for c in calls),
        total_tokens=sum(c.attempt.usage.total_tokens for c in calls),
    )


class Drafter:
    def __init__(self, settings: Settings, llm: CompletionClient, cpu: CpuPool | None = None) -> None:
        self.settings = settings
        self.llm = llm
        self.cpu = cpu or CpuPool(settings.cpu_workers, settings.cpu_budget_s)

    async def draft(self, req: DraftRequest, emit: EventSink | None = None) -> DraftOutcome:
        """With `emit`, the analysis is told as soon as it is known and the model's text as it writes."""
        started = time.monotonic()
        analysis = await self.cpu.run(analyze, req.complaint, _history(req))
        if emit is not None:
            await emit("analysis", analysis.model_dump(mode="json"))
        model = req.model or self.settings.model
        version = req.prompt_version or self.settings.prompt_version
        template = load_prompt(version)
        if model == PLAYBOOK:
            return await self.cpu.run(self._playbook, req, analysis, model, version, started, "playbook", None, [], None)

        messages = build_messages(template, req, analysis)
        prompt_words = instruction_text(template, req)
        _, pii = redact_request(req, enabled=self.settings.redact_pii)  # the model sees placeholders, the reply real values
        deadline = started + self.settings.request_deadline_s
        tracker = DeltaTracker()
        calls: list[CallLog] = []
        cost = 0.0
        cost_known = False
        reason = FallbackReason.rule_violation
        detail: str | None = None
        for number in range(1, self.settings.max_reasks + 2):
            kind: Literal["generate", "reask"] = "generate" if number == 1 else "reask"
            if number > 1 and time.monotonic() >= deadline:
                detail = f"{DESCRIPTIONS[reason]}; the deadline left no time to re-ask"
                break
            sent = pii.redact_messages(messages)
            try:
                completion = await self.llm.complete(model, sent, Sections, deadline, **_streaming(emit, tracker, number, pii))
            except ProviderError as exc:
                attempt = Attempt(
                    number=number, kind=kind, outcome="provider_error", detail=exc.safe_message, transport_attempts=exc.attempts
                )
                calls.append(CallLog(attempt, model, sent, None))
                reason, detail = exc.reason, exc.safe_message
                break
            if completion.cost_usd is not None:
                cost += completion.cost_usd
                cost_known = True
            base: dict[str, Any] = {
                "number": number,
                "kind": kind,
                "latency_ms": completion.latency_ms,
                "usage": completion.usage,
                "transport_attempts": completion.transport_attempts,
            }
            try:
                sections = pii.restore_model(parse_sections(completion.text))
            except (ValueError, ValidationError) as exc:
                problem = _short_error(exc)
                if completion.finish_reason == "length":
                    problem = f"output cut off at the token limit ({problem}); write shorter fields"
                calls.append(CallLog(Attempt(outcome="invalid_output", detail=problem, **base), model, sent, completion.text))
                reason = FallbackReason.invalid_output if completion.text.strip() else FallbackReason.empty_response
                detail = None
                messages = reask_messages(
                    template, messages, completion.text, [f"The output was not a valid JSON object for the schema: {problem}"]
                )
                continue
            reply = render(sections, req.channel, _names(req))
            checks = await self.cpu.run(guard, reply, req, analysis, prompt_words)
            failures = blocking_failures(checks)
            if not failures:
                calls.append(CallLog(Attempt(outcome="accepted", **base), model, sent, completion.text))
                source: Source = "llm" if number == 1 else "llm_repaired"
                meta = DraftMeta(
                    model=model,
                    source=source,
                    attempts=[c.attempt for c in calls],
                    prompt_version=version,
                    latency_ms=_ms(started),
                    usage=_total(calls),
                    cost_usd=cost if cost_known else None,
                )
                return DraftOutcome(reply, sections, analysis, checks, meta, calls)
            violated = [f.rule_id for f in failures]
            calls.append(CallLog(Attempt(outcome="violations", violations=violated, **base), model, sent, completion.text))
            reason, detail = FallbackReason.rule_violation, None
            messages = reask_messages(template, messages, completion.text, describe_violations(failures))
        return await self.cpu.run(
            self._playbook,
            req,
            analysis,
            model,
            version,
            started,
            "fallback",
            (reason, detail or DESCRIPTIONS[reason]),
            calls,
            cost if cost_known else None,
        )

    def _playbook(
        self,
        req: DraftRequest,
        analysis: Analysis,
        model: str,
        version: str,
        started: float,
        source: Source,
        why: tuple[FallbackReason, str] | None,
        calls: list[CallLog],
        cost: float | None,
    ) -> DraftOutcome:
        sections = draft_sections(req, analysis)
        reply = render(sections, req.channel, _names(req))
        meta = DraftMeta(
            model=model,
            source=source,
            attempts=[c.attempt for c in calls],
            prompt_version=version,
            latency_ms=_ms(started),
            usage=_total(calls),
            cost_usd=cost,
            fallback_reason=why[0] if why else None,
            fallback_detail=why[1] if why else None,
        )
        return DraftOutcome(reply, sections, analysis, guard(reply, req, analysis), meta, calls)


def _streaming(emit: EventSink | None, tracker: DeltaTracker, attempt: int, pii: Redactor) -> dict[str, Any]:
    """The `on_delta` argument that streams an attempt's text to `emit`; nothing when not streaming.
    One tracker spans the attempts, so a re-ask's text arrives as a reset. The model writes placeholders
    for personal data; the agent reads the real values, as in the stored draft."""
    if emit is None:
        return {}

    async def on_delta(raw: str) -> None:
        delta = tracker.update(pii.restore(preview(raw)), attempt=attempt)
        if delta is not None:
            await emit("delta", delta)

    return {"on_delta": on_delta}


def _ms(started: float) -> float:
    return round((time.monotonic() - started) * 1000, 2)


def _short_error(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return "; ".join(f"{'.'.join(map(str, e['loc'])) or 'object'}: {e['msg']}" for e in exc.errors()[:5])
    return str(exc)[:300]


def request_fingerprint(req: DraftRequest) -> str:
    """Stable hash of a request body, for idempotency-key reuse detection."""
    return hashlib.sha256(json.dumps(req.model_dump(mode="json"), sort_keys=True).encode()).hexdigest()
