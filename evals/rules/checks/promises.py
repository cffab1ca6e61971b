"""no-unauthorized-promises: offer only what the request's policy allows; no absolute guarantees."""
from __future__ import annotations

from evals.rules.model import CheckContext, Span, Verdict
from evals.rules.remedies import find_offers, offered_amounts
from evals.rules.text import find_all, in_original, normalize, rx

GUARANTEES = [
    rx(r"\b(will|'ll) never happen again\b", r"\bnever (ever )?happen(s)? again\b", r"\bwon'?t (ever )?happen again\b",
       r"\b(i|we)( can| personally| absolutely| fully| 100%| will)* guarantee\b", r"\bguarantee (that|you|it|this|your|the|we|our|a|an)\b",
       r"\b(is|are|'s|'re|it's|you're|be) (\w+ )?guaranteed\b", r"\bguaranteed (to|that|you|by|within|before)\b", r"\b100 ?% (sure|certain|guarantee)\w*",
       r"\b(you have|you've got) my (word|promise)\b",
       r"\b(i|we) promise (you )?(this|it|that) (will never|won'?t)\b", r"\bnever again\b",
       r"\b(will not|shall not|will never|is never going to|isn't going to|is not going to|won't ever) (ever )?(happen|occur|recur|be repeated)( again)?\b",
       r"\bwon'?t (occur|recur|be repeated)\b"),
]


_NEGATED = rx(r"\b(can't|cannot|can not|won't|will not|unable to|not able to|couldn't|don't|do not|doesn't|does not|didn't|isn't|aren't|wasn't|no one can|nobody can|not|never|without|no)\b[^.!?;]{0,15}$")


def guarantees(text: str) -> list[Span]:
    """Absolute guarantees, unless negated ("we can't guarantee a slot" promises nothing)."""
    norm = normalize(text)
    return in_original((s for s in find_all(GUARANTEES, norm) if not _NEGATED.search(norm[max(0, s.start - 40) : s.start])), text)


def check_no_unauthorized_promises(ctx: CheckContext) -> Verdict:
    problems: list[str] = []
    spans: list[Span] = guarantees(ctx.reply)
    if spans:
        problems.append("an absolute guarantee nobody can keep")
    policy = ctx.policy
    if policy is not None:
        banned = [o for o in find_offers(ctx.reply) if not any(policy.allows(k) for k in o.kinds)]
        if banned:
            kinds = sorted({o.remedy.value for o in banned})
            problems.append(f"remedies outside policy ({', '.join(kinds)})")
            spans.extend(o.span for o in banned)
        if policy.max_amount is not None:
            over = [(amount, span) for amount, span in offered_amounts(ctx.reply) if amount > policy.max_amount]
            if over:
                problems.append(f"amounts above the policy limit of {policy.max_amount:g} {policy.currency}")
                spans.extend(span for _, span in over)
    if problems:
        return Verdict(False, "Promises more than policy allows: " + "; ".join(problems) + ".", tuple(sorted(spans, key=lambda s: s.start)))
    return Verdict(True, "Stays within policy.")
