"""no-unauthorized-promises: offer only what the request's policy allows; no absolute guarantees."""

from __future__ import annotations

import re

from evals.rules.model import CheckContext, Span, Verdict
from evals.rules.policy import LabelledRemedy, Policy, Remedy
from evals.rules.remedies import MONEY, Offer, find_offers, offered_amounts
from evals.rules.text import find_all, in_original, normalize, rx

GUARANTEES = [
    rx(
        r"\b(will|'ll) never happen again\b",
        r"\bnever (ever )?happen(s)? again\b",
        r"\bwon'?t (ever )?happen again\b",
        r"\b(i|we)( can| personally| absolutely| fully| 100%| will)* guarantee\b",
        r"\bguarantee (that|you|it|this|your|the|we|our|a|an)\b",
        r"\b(is|are|'s|'re|it's|you're|be) (\w+ )?guaranteed\b",
        r"\bguaranteed (to|that|you|by|within|before)\b",
        r"\b100 ?% (sure|certain|guarantee)\w*",
        r"\b(you have|you've got) my (word|promise)\b",
        r"\b(i|we) promise (you )?(this|it|that) (will never|won'?t)\b",
        r"\bnever again\b",
        r"\b(will not|shall not|will never|is never going to|isn't going to|is not going to|won't ever) (ever )?(happen|occur|recur|be repeated)( again)?\b",
        r"\bwon'?t (occur|recur|be repeated)\b",
    ),
]


_NEGATED = rx(
    r"\b(can't|cannot|can not|won't|will not|unable to|not able to|couldn't|don't|do not|doesn't|does not|didn't|isn't|aren't|wasn't|no one can|nobody can|not|never|without|no)\b[^.!?;]{0,15}$"
)


def guarantees(text: str) -> list[Span]:
    """Absolute guarantees, unless negated ("we can't guarantee a slot" promises nothing)."""
    norm = normalize(text)
    return in_original((s for s in find_all(GUARANTEES, norm) if not _NEGATED.search(norm[max(0, s.start - 40) : s.start])), text)


_CODE_AMOUNT = re.compile(r"\b(?:usd|gbp|eur|inr|php|ngn|zar|aud|cad|sgd|kes|rs\.?)\s?\d|\bR\s?\d[\d,]*\b|[₱₹₦]\s?\d", re.I)
_NAMED_PART = re.compile(
    r"\brefund\w*\s+(?:you\s+)?(?:for\s+)?(?:the|this|that|your|last|this\s+month's|last\s+month's)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:supplement|fee|charge|surcharge|deposit|difference|excess|portion|part|share|night|nights|fare|upgrade|delivery|postage|"
    r"shipping|premium|month|rent|booking fee|call-?out)\b",
    re.I,
)
"""A named part of what was paid: "I will refund the sea-view supplement", "refunding this month's R650 fee"."""
_WHOLE = re.compile(r"\b(full|in full|entire|whole|all of|everything|every penny|100%)\b", re.I)
_MONEY_ARRIVES = re.compile(r"credit(?:ed|s)?", re.I)
_COVERED_BY = {Remedy.account_credit: Remedy.compensation}
"""Goodwill money added to the account is a goodwill payment: a compensation allowance covers it."""
DOING_THE_JOB = frozenset({Remedy.repair, Remedy.technician_visit, Remedy.expedited_shipping, Remedy.cancellation})
"""Fixing what is broken, sending someone, shipping faster and closing an account the customer wants
closed are the company doing its job, as for a request with no policy: a policy limits money, goodwill
extras, replacement goods and new bookings. (Labelled replies agree: of such actions outside the
allowed list in the train and dev replies, 23 are in good replies; of the 5 in failing replies only one
is the failure's evidence, and what fails there is the money: "we'll pay to repair the line, up to $600".)"""


def _allowed(offer: Offer, policy: Policy) -> bool:
    kinds = [*offer.kinds, *(_COVERED_BY[k] for k in offer.kinds if k in _COVERED_BY)]
    return (
        any(k in DOING_THE_JOB or policy.allows(k) for k in kinds)
        or _stated_part(offer, policy)
        or any(r.kind is None and r.named_in(offer.sentence.text) for r in policy.labelled)
    )


def _governing(offer: Offer, policy: Policy) -> list[LabelledRemedy]:
    """The company's remedies an offer is made under: those its clause names, else those of its kind
    (unless the bare kind is allowed too, when the policy's own limit governs)."""
    named = [r for r in policy.labelled if r.named_in(offer.sentence.text)]
    if named:
        return named
    bare = any(k in (policy.allowed_remedies or ()) for k in offer.kinds)
    return [] if bare else [r for r in policy.labelled if r.kind in offer.kinds]


def _limit(span: Span, offers: list[Offer], policy: Policy) -> tuple[float | None, str]:
    """(the largest amount allowed at `span`, how to name that limit): a labelled remedy's own max_amount
    bounds the amounts offered with it; the policy's max_amount bounds the rest."""
    entries = [r for o in offers if o.sentence.start <= span.start < o.sentence.end for r in _governing(o, policy)]
    if not entries:
        return policy.max_amount, f"the policy limit of {policy.max_amount:g} {policy.currency}" if policy.max_amount is not None else ""
    limits = [(r.max_amount if r.max_amount is not None else policy.max_amount, r) for r in entries]
    bounded = [(limit, r) for limit, r in limits if limit is not None]
    if len(bounded) < len(limits):
        return None, ""
    limit, entry = max(bounded, key=lambda lr: lr[0])
    return limit, f"the limit of {limit:g} {entry.currency or policy.currency} for {entry.label}"


def _stated_part(offer: Offer, policy: Policy) -> bool:
    """ "I've refunded the EUR 90 supplement" refunds a stated part of what was paid: a partial refund, which
    the policy's limit bounds. So does a refund of a named part ("the sea-view supplement", "this month's
    rent") that is not called full."""
    text = offer.sentence.text
    return (
        offer.remedy is Remedy.refund
        and policy.allows(Remedy.partial_refund)
        and not _WHOLE.search(text)
        and bool(MONEY.search(text) or _CODE_AMOUNT.search(text) or _NAMED_PART.search(text))
    )


_ALTERNATIVE = re.compile(r"\bor (as |in )?(an? )?(\w+ )?$", re.I)
"""'the £39.96 back on your card, or as credit in the game': the credit is a second offer, not how the first arrives."""


def _how_money_arrives(offer: Offer, offers: list[Offer], policy: Policy) -> bool:
    """ "₹5,000 as compensation, credited by Thursday", "your bank may show it as two credits": the word
    "credit" says how an allowed payment reaches the customer, not an account credit of its own."""
    before = offer.sentence.text[: offer.span.start - offer.sentence.start]
    return (
        offer.remedy is Remedy.account_credit
        and bool(_MONEY_ARRIVES.fullmatch(offer.span.text))
        and not _ALTERNATIVE.search(before)
        and any(
            o is not offer and o.sentence.start == offer.sentence.start and o.remedy in MONETARY and _allowed(o, policy) for o in offers
        )
    )


MONETARY = frozenset({Remedy.refund, Remedy.partial_refund, Remedy.account_credit, Remedy.discount, Remedy.compensation, Remedy.fee_waiver})
"""With no policy nothing that costs money is authorised; fixing the service, replacing or rebooking still is."""


def named_in_policy(ctx: CheckContext) -> list[Span]:
    """Offers made under a remedy the policy names in the company's own words ("a £15 voucher" under a
    voucher allowance) and allows: the learned layer cannot know those words, so it may not hold them against
    the sentence."""
    if ctx.policy is None or not ctx.policy.labelled:
        return []
    policy = ctx.policy
    offers = find_offers(ctx.reply)
    return [o.span for o in offers if any(r.named_in(o.sentence.text) for r in policy.labelled) and _allowed(o, policy)]


def check_no_unauthorized_promises(ctx: CheckContext) -> Verdict:
    problems: list[str] = []
    spans: list[Span] = guarantees(ctx.reply)
    if spans:
        problems.append("an absolute guarantee nobody can keep")
    policy = ctx.policy
    if policy is None:
        money = [o for o in find_offers(ctx.reply) if o.remedy in MONETARY]
        amounts = offered_amounts(ctx.reply)
        if money or amounts:
            problems.append("money offered with no policy authorising it")
            spans.extend([o.span for o in money] + [span for _, span in amounts])
    else:
        offers = find_offers(ctx.reply)
        banned = [o for o in offers if not _allowed(o, policy) and not _how_money_arrives(o, offers, policy)]
        if banned:
            kinds = sorted({o.remedy.value for o in banned})
            problems.append(f"remedies outside policy ({', '.join(kinds)})")
            spans.extend(o.span for o in banned)
        if policy.max_amount is not None or any(r.max_amount is not None for r in policy.labelled):
            over: dict[str, list[Span]] = {}
            for amount, span in offered_amounts(ctx.reply):
                limit, name = _limit(span, offers, policy)
                if limit is not None and amount > limit:
                    over.setdefault(name, []).append(span)
            for name, over_spans in over.items():
                problems.append(f"amounts above {name}")
                spans.extend(over_spans)

    if problems:
        return Verdict(
            False,
            "Promises more than policy allows: " + "; ".join(problems) + ".",
            tuple(sorted({(s.start, s.end): s for s in spans}.values(), key=lambda s: s.start)),
        )
    return Verdict(True, "Stays within policy.")
