"""The playbook engine: a deterministic, no-LLM drafter that follows the rule registry by construction.

It names the customer's actual problem (from the analysis), picks the apology from the fault,
picks a remedy the policy allows (or asks which one they want), and writes per channel.
"""
from __future__ import annotations

import hashlib
import re

from api.analysis.model import Analysis
from api.playbook import phrases as P
from api.schemas import DraftRequest, Sections
from evals.rules import Policy, Remedy

_ETA = re.compile(r"\b(?:ETA|estimated?(?: time)?|expected(?: back)?(?: by)?)[:\s]+(?P<eta>\d{1,2}[:.]\d\d(?:\s?[ap]m)?|\d{1,2}\s?[ap]m)", re.I)
_URGENT_FLAGS = {"safety", "vulnerable_customer", "data_loss", "legal_threat", "authority_threat", "media_threat"}


def _pick(options: list[str], seed: str) -> str:
    """Deterministic choice that varies between complaints."""
    digest = hashlib.sha256(seed.encode("utf-8")).digest()
    return options[digest[0] % len(options)]


def _allowed(policy: Policy) -> list[Remedy]:
    return [r for r in Remedy if policy.allows(r)]


def _topic(analysis: Analysis) -> str:
    return analysis.grievances[0].topic if analysis.grievances else "other"


def _problem(analysis: Analysis) -> str | None:
    return analysis.grievances[0].summary if analysis.grievances else None


def acknowledgement(analysis: Analysis, seed: str) -> str:
    for flag in ("safety", "data_loss", "vulnerable_customer"):
        if any(f.kind == flag for f in analysis.flags):
            return P.ACKNOWLEDGE_FLAG[flag]
    strongest = max(analysis.emotions, key=lambda e: e.intensity, default=None)
    name = strongest.name if strongest and strongest.name in P.ACKNOWLEDGE else "frustration"
    return _pick(P.ACKNOWLEDGE[name], seed)


def apology(req: DraftRequest, analysis: Analysis, seed: str) -> str:
    if req.company_at_fault is False:
        return _pick(P.APOLOGY_NOT_AT_FAULT, seed)
    problem = _problem(analysis)
    if problem is None:
        return _pick(P.APOLOGY_NO_DETAIL, seed)
    return _pick(P.APOLOGY_AT_FAULT, seed).format(problem=problem)


def restatement(analysis: Analysis) -> str:
    goals = [P.GOAL[g.topic] for g in analysis.grievances[:2]]
    goal = " and ".join(dict.fromkeys(goals)) or P.GOAL["other"]
    deadline = f", {analysis.deadline.lower()}" if analysis.deadline else ""
    return f"As I understand it, what matters most to you is {goal}{deadline}."


def choose_remedies(req: DraftRequest, analysis: Analysis) -> tuple[Remedy | None, list[Remedy]]:
    """(remedy to offer, remedies to offer as a choice); at most one of the two is used.

    Without a policy nothing is authorised, so the engine commits to the fix and asks what the
    customer wants instead of promising a remedy.
    """
    if req.policy is None:
        return None, []
    allowed = _allowed(req.policy)
    requested = [Remedy(a.kind) for a in analysis.asks if a.kind in Remedy.__members__]
    granted = [r for r in requested if r in allowed]
    if granted:
        return granted[0], []
    fits = [r for r in P.TOPIC_REMEDIES[_topic(analysis)] if r in allowed]
    if len(fits) == 1 and not requested:
        return fits[0], []
    return None, (fits or allowed)[:2]


def solution(req: DraftRequest, analysis: Analysis) -> str:
    action = P.TOPIC_ACTION[_topic(analysis)]
    offer, choices = choose_remedies(req, analysis)
    if offer is not None:
        return f"{action} {P.REMEDY_OFFER[offer]}."
    if len(choices) == 2:
        a, b = (P.REMEDY_CHOICE[c] for c in choices)
        return f"{action} To make up for this, would you prefer {a} or {b}?"
    if len(choices) == 1:
        return f"{action} Would {P.REMEDY_CHOICE[choices[0]]} help put this right for you?"
    return f"{action} What would help most to put this right for you?"


def next_steps(req: DraftRequest, analysis: Analysis) -> list[str]:
    urgent = analysis.intensity == "furious" or any(f.kind in _URGENT_FLAGS for f in analysis.flags)
    when = "within the next two hours" if urgent else "by the end of today"
    steps = [f"I will send you a progress update {when}."]
    eta = _ETA.search(req.context or "")
    if eta:
        steps.append(f"Our current estimate for the fix is {eta.group('eta')}, and I will tell you straight away if that changes.")
    offer, _ = choose_remedies(req, analysis)
    if offer is not None:
        steps.append("You will get a written confirmation from me within 24 hours.")
    seen: set[str] = set()
    for flag in analysis.flags:
        step = P.FLAG_STEP.get(flag.kind)
        if step and step not in seen:
            seen.add(step)
            steps.append(step)
    return steps


def draft_sections(req: DraftRequest, analysis: Analysis) -> Sections:
    seed = req.complaint
    channel = req.channel.value
    return Sections(
        acknowledgement=acknowledgement(analysis, seed),
        apology=apology(req, analysis, seed),
        restatement=restatement(analysis),
        solution=solution(req, analysis),
        next_steps=next_steps(req, analysis),
        follow_up=P.FOLLOW_UP[channel],
        closing=P.CLOSING[channel],
    )
