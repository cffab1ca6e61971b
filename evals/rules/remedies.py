"""Finds remedies a reply offers (refund, replacement, ...) and money amounts it promises.

Shared by `solution-or-ask` (is any remedy offered?) and `no-unauthorized-promises`
(is each offered remedy allowed by policy?). A remedy word only counts as an offer when it
is not negated ("I can't refund") and not a restatement of the customer's demand
("you asked for a refund").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from evals.rules.model import Span
from evals.rules.policy import Remedy
from evals.rules.text import Sentence, rx, sentences

REMEDY_PATTERNS: dict[Remedy, re.Pattern[str]] = {
    Remedy.partial_refund: rx(
        r"\bpartial(ly)? refund\w*", r"\brefund(ed|ing)? (half|part|\d+ ?%)", r"\bhalf (of )?(your|the) (money|fee|cost|price) back"
    ),
    Remedy.refund: rx(r"\brefund(s|ed|ing)?\b", r"\bmoney back\b", r"\breimburs\w*", r"\breverse (the|that|this) (charge|payment|transaction)s?"),
    Remedy.replacement: rx(r"\breplac(e|ed|ement|ing)\b", r"\bsend (you )?(out )?(a )?(new|fresh|another)\b", r"\breship\w*", r"\bre-?send\b", r"\bre-?deliver\w*"),
    Remedy.repair: rx(r"\brepair\w*", r"\bfix(ed|ing)? (it|the|your|this)\b", r"\brestor(e|ed|ing)\b", r"\breconnect\w*", r"\breinstat\w*", r"\brecover(ed|ing)? (your|the|all)\b"),
    Remedy.account_credit: rx(r"\b(account|service|bill|billing|store|loyalty|goodwill)? ?credit(ed|s)?\b(?! card)(?! check)(?! score)"),
    Remedy.discount: rx(r"\bdiscount\w*", r"\b\d+ ?% off\b", r"\bcoupon\w*", r"\bpromo(tional)? code\b"),
    Remedy.expedited_shipping: rx(r"\b(expedit\w*|express|overnight|next[- ]day|priority) (shipping|delivery|courier|post)\b", r"\bupgrad\w* (the |your )?(shipping|delivery)\b"),
    Remedy.technician_visit: rx(r"\btechnician\b", r"\bengineer (visit|to (your|visit|come))", r"\bsend (an? |our )?(engineer|plumber|electrician|fitter|someone|crew) (round|over|out|to)\b", r"\b(home|site) visit\b"),
    Remedy.fee_waiver: rx(r"\bwaiv(e|ed|ing|er)\b", r"\b(remove|removed|reverse|reversed|cancel|cancelled|canceled|drop|dropped) (the|that|this|your) ([a-z]+ )?(fee|charge|penalty)s?\b"),
    Remedy.rebooking: rx(r"\bre-?book\w*", r"\bbook you (on|onto|into) (the next|another|a later|an earlier)\b", r"\breschedul\w*"),
    Remedy.cancellation: rx(r"\bcancel(led|ed|ling|ing)? (your|the) (contract|subscription|plan|membership|policy|booking|account)\b", r"\b(end|release you from) (your|the) contract\b", r"\bwithout (an? |any )?(early )?(termination|cancellation) (fee|charge|penalty)"),
    Remedy.compensation: rx(r"\bcompensat\w*", r"\bgoodwill (payment|gesture)\b", r"\bvoucher\w*", r"\bgift (card|certificate)\w*"),
}

MONEY = re.compile(
    r"(?P<sym>[$£€₦₹])\s?(?P<n1>\d[\d,]*(\.\d+)?)|(?P<n2>\d[\d,]*(\.\d+)?)\s?(?P<cur>usd|gbp|eur|ngn|inr|aud|cad|dollars?|pounds?|euros?|naira|rupees?)\b",
    re.I,
)
_NEGATION = rx(r"\b(can't|cannot|can not|unable to|not able to|won't|will not|don't|do not|isn't|is not|aren't|not eligible|no longer|not in a position|no)\b[^.!?;]{0,40}$")
_RESTATEMENT = rx(r"\b(you (asked|asking|want|wanted|requested|demanded|mentioned|said|were promised|paid|were charged|were billed)|you'?d like|your (request|demand)|asked for|waiting (on|for)|still (haven't|hasn't|not)|hasn't (arrived|come|been)|haven't (received|had|got))\b[^.!?;]{0,50}$")
_CHARGE_CONTEXT = rx(r"\b(charged|billed|paid|cost|costs|overcharged|deducted|taken|price|bill of|invoice|owe)\b")


@dataclass(frozen=True)
class Offer:
    remedy: Remedy
    span: Span
    sentence: Sentence


def _is_offer(text: str, start: int, sentence: Sentence) -> bool:
    before = text[sentence.start : start]
    return not (_NEGATION.search(before) or _RESTATEMENT.search(before))


def find_offers(text: str) -> list[Offer]:
    """Remedies the reply offers, most specific kind first (a partial refund is not also a refund)."""
    offers: list[Offer] = []
    taken: list[tuple[int, int]] = []
    sents = sentences(text)
    for remedy, pattern in REMEDY_PATTERNS.items():
        for m in pattern.finditer(text):
            if any(m.start() < e and s < m.end() for s, e in taken):
                continue
            sentence = next((s for s in sents if s.start <= m.start() < s.end), None)
            if sentence is None or not _is_offer(text, m.start(), sentence):
                continue
            taken.append((m.start(), m.end()))
            offers.append(Offer(remedy, Span(start=m.start(), end=m.end(), text=m.group(0)), sentence))
    return sorted(offers, key=lambda o: o.span.start)


def offered_amounts(text: str) -> list[tuple[float, Span]]:
    """Money amounts in sentences that offer a remedy, excluding amounts that describe a charge."""
    out: list[tuple[float, Span]] = []
    offer_sentences = {o.sentence for o in find_offers(text)}
    for sentence in offer_sentences:
        for m in MONEY.finditer(sentence.text):
            before = sentence.text[max(0, m.start() - 30) : m.start()]
            if _CHARGE_CONTEXT.search(before):
                continue
            number = (m.group("n1") or m.group("n2")).replace(",", "")
            start = sentence.start + m.start()
            out.append((float(number), Span(start=start, end=start + len(m.group(0)), text=m.group(0))))
    return sorted(out, key=lambda a: a[1].start)
