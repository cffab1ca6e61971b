"""Builds the messages sent to the model, from the prompt template, the rule registry and the request.

The complaint and history are fenced as data; the agent's `instructions` are trusted and placed
outside the fence. Any fence markers inside the complaint are neutralised so the data cannot
close the fence early.
"""
from __future__ import annotations

import json

from api.analysis.model import Analysis
from api.schemas import DraftRequest, RuleResult, Sections
from evals.rules import CONFLICTS, RULES, Channel
from prompts import PromptTemplate

CHANNEL_STYLE = {
    Channel.email: "an email: complete sentences, short paragraphs",
    Channel.chat: "a live chat: short messages, one idea each",
    Channel.phone: "a phone call: what the agent says aloud, short spoken sentences",
}


def rules_block() -> str:
    return "\n".join(f"- [{r.id}] ({r.severity}) {r.instruction}" for r in RULES)


def conflicts_block() -> str:
    return "\n".join(f"- {c.topic}: {c.resolution}" for c in CONFLICTS)


def _fence(text: str) -> str:
    return text.replace("<complaint>", "‹complaint›").replace("</complaint>", "‹/complaint›")


def _complaint_with_history(req: DraftRequest) -> str:
    if not req.history:
        return _fence(req.complaint)
    earlier = "\n".join(f"[{t.role}] {_fence(t.text)}" for t in req.history)
    return f"Earlier turns:\n{earlier}\n\nLatest customer message:\n{_fence(req.complaint)}"


def _analysis_summary(analysis: Analysis) -> str:
    return json.dumps(
        {
            "emotions": [e.name for e in analysis.emotions],
            "intensity": analysis.intensity,
            "problems": [g.summary for g in analysis.grievances],
            "asks": [a.kind for a in analysis.asks],
            "register": analysis.customer_register,
            "escalation_flags": [f.kind for f in analysis.flags],
            "customer_deadline": analysis.deadline,
        }
    )


def build_messages(template: PromptTemplate, req: DraftRequest, analysis: Analysis) -> list[dict[str, str]]:
    policy = req.policy
    if policy is None:
        remedies = "no policy given: commit to fixing the problem and ask what they would like; promise no money"
    elif policy.allowed_remedies is None:
        remedies = "any reasonable remedy"
    else:
        remedies = ", ".join(r.value for r in policy.allowed_remedies) or "none: ask what they want"
    if policy is not None and policy.max_amount is not None:
        remedies += f" (at most {policy.max_amount:g} {policy.currency})"
    fault = {True: "yes", False: "no (apologize for the experience, don't invent a fault)", None: "unknown: err toward taking the blame"}[req.company_at_fault]
    system = template.system.substitute(
        rules=rules_block(), conflicts=conflicts_block(), schema=json.dumps(Sections.model_json_schema())
    )
    user = template.user.substitute(
        channel=req.channel.value,
        channel_style=CHANNEL_STYLE[req.channel],
        customer_name=req.customer_name or "unknown",
        company_name=req.company_name or "our company",
        fault=fault,
        remedies=remedies,
        context=req.context or "none given",
        instructions=req.instructions or "none",
        analysis=_analysis_summary(analysis),
        complaint=_complaint_with_history(req),
    )
    return [{"role": "system", "content": system}, {"role": "user", "content": user}]


def reask_messages(
    template: PromptTemplate, messages: list[dict[str, str]], previous_output: str, problems: list[str]
) -> list[dict[str, str]]:
    """Instructor-style re-ask: the model's last answer plus what was wrong with it. Returns a new list."""
    content = template.reask.substitute(violations="\n".join(f"- {p}" for p in problems))
    return [*messages, {"role": "assistant", "content": previous_output}, {"role": "user", "content": content}]


def describe_violations(results: list[RuleResult]) -> list[str]:
    out = []
    for r in results:
        where = "; ".join(f'"{s.text}"' for s in r.spans[:3])
        out.append(f"[{r.rule_id}] {r.message}" + (f" Offending words: {where}." if where else "") + (f" Fix: {r.fix_hint}" if r.fix_hint else ""))
    return out
