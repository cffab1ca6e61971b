"""Finds remedies a reply offers (refund, replacement, ...) and money amounts it promises.

Shared by `solution-or-ask` (is any remedy offered?) and `no-unauthorized-promises`
(is each offered remedy allowed by policy?). A remedy word counts as an offer only in a clause
that offers it: a question giving the customer a choice ("Would you like a refund or a
replacement?") counts; a negation ("I can't refund"), a restatement of the customer's demand
("you asked for a refund"), an apology for the past ("sorry your refund took so long"), a step
the customer must take ("you'll need to contact Apple to restore it"), a topic to discuss
("the next steps for repairs") and a mention of a remedy already given ("once the credit has
landed") do not. Fixing the company's own service (restoring a site, reconnecting power) is
doing the job, not a policy remedy: `solution-or-ask` counts it through its commitment check.
"""

from __future__ import annotations

import re
from bisect import bisect_right, insort
from dataclasses import dataclass
from functools import lru_cache

from evals.rules.model import Span
from evals.rules.policy import Remedy
from evals.rules.text import Sentence, all_clauses, mask_apologies, normalize, rx, sentences, word_rx

REMEDY_PATTERNS: dict[Remedy, re.Pattern[str]] = {
    Remedy.partial_refund: word_rx(
        r"\bpartial(ly)? refund\w*",
        r"\brefund(ed|ing)? (half|part|\d+ ?%)",
        r"\bhalf (of )?(your|the) (money|fee|cost|price) back",
        r"\brefund(ed|ing)? (you )?(the |a )?[$£€₦₹]?[\d,.]*\s*(difference|excess|overcharge|extra)\b",
        r"\brefund(ed|ing)? (you )?((up to|only|just|around|about|roughly) )?(the sum of )?[$£€₦₹][\d,.]+ (of|from|toward|towards) ",
    ),
    Remedy.refund: word_rx(
        r"\brefund(s|ed|ing)?\b",
        r"\bmoney back\b",
        r"\breimburs\w*",
        r"\brevers(e|ed|ing) (the|that|this|your) (\w+ )?(charge|payment|transaction|debit)s?",
        r"\b(put|paid|pay|paying|going) (the )?[$£€₦₹][\d,.]+ back\b(?! (as|in the form of) (a |an )?(\w+ )?credit)",
        r"\b(is|are|will be|\w+'ll be|has gone|have gone|\w+'s gone) (going |paid )?back (on|onto|to) your (card|account)\b",
        r"(?<=\d )back (on|onto|to|into) your (card|account|bank)\b",
        r"\bpay(ing)? (you )?back\b",
    ),
    Remedy.replacement: word_rx(
        r"\breplacements?\b",
        r"\breplac(e|ed|ing) (it|them|(the|your) (\w+ )?(item|order|product|phone|handset|device|unit|laptop|set|parcel|package|goods|card|part|machine|appliance|charger|tv|television|tablet|console|purchase)s?)\b",
        r"\bsen(d|t|ding) (you )?(out )?(a |an )?(new|fresh|another|brand-new|second|correct|right) (?!([\w-]+ )?(links?|codes?|passwords?|pins?|e-?mails?|texts?|messages?|invoices?|statements?|bills?|labels?|"
        r"cop(y|ies)|letters?|forms?|quotes?|receipts?|documents?|passcodes?|otps?|tokens?|urls?|confirmations?)\b)",
        r"\breship\w*",
        r"\bre-?sen(d|t|ding) (it|them|the (item|order|parcel|package|goods)|your (item|order|parcel|package))\b",
    ),
    Remedy.repair: word_rx(
        r"\brepair(s|ed|ing)?\b",
        r"\bfix(ed|ing)? (the|your) (\w+ )?(leak|boiler|heater|roof|fence|wall|walkway|door|window|fitting|pipe|sink|car|bike|screen|phone|laptop|machine|appliance|pavers?|floor|tap)\b",
    ),
    Remedy.account_credit: word_rx(
        r"\b((account|service|bill|billing|store|loyalty|goodwill) )?credit(ed|s|ing)?\b(?! (cards?|check|score|union|limit|rating|history|reports?|agenc\w+|bureaus?|files?|references?|records?))",
        r"\badd(ed|ing)? [$£€₦₹][\d,.]+ (back )?to your (\w+ ){0,2}(account|balance|wallet)\b",
        r"\b(add(ed|ing)?|load(ed|ing)?|top(ped)? up|put) ([\d,]+|an? extra|extra) (bonus |free |extra )?([\w-]+ ){0,2}(to|into|on|onto) your (\w+ ){0,2}(account|balance|wallet)\b",
        r"\b(add|load|top(ped)? up|put|giv|gave|award|credit)\w* (you )?([\d,]+|an? extra|extra|bonus) (bonus |free |extra )?(loyalty |reward |rewards |bonus )?(points|miles|coins|tokens|credits|diamonds|gems|stars|avios)\b",
    ),
    Remedy.discount: rx(r"\bdiscount\w*", r"\b\d+ ?% off\b", r"\bcoupon\w*", r"\bpromo(tional)? code\b", r"\bprice (lock|freeze|match)\b"),
    Remedy.expedited_shipping: word_rx(
        r"\b(expedit\w*|express|overnight|next[- ]day|priority) (shipping|delivery|courier|post)\b(?! (charge|fee|cost|price|surcharge|option)s?\b)",
        r"\bupgrad\w* (the |your )?(shipping|delivery)\b",
        r"\bby (express|overnight courier|next-day courier)\b",
    ),
    Remedy.technician_visit: word_rx(
        r"\btechnician\b(?!['’]s)",
        r"\bengineer (visit|to (your|visit|come))",
        r"\b(home|site) visit\b",
        r"\bsen(d|t|ding) (an? |our |the )?(\w+ )?(engineer|plumber|electrician|fitter|someone|crew|adjuster|inspector|painter|installer)s? (round|over|out|back|to)\b",
        r"\bre-?book\w* (the|an|a|your|our) (engineer|technician|plumber|electrician|installer|fitter|visit|crew)\b",
        r"\b(engineer|plumber|electrician|crew|adjuster|inspector|installer|someone) (will|'ll|is going to) (be (with you|at your|there|out|round|on site)|inspect|visit|come)\b",
    ),
    Remedy.fee_waiver: word_rx(
        r"\bwaiv(e|ed|ing|er)\b",
        r"\b(remove|removed|reverse|reversed|cancel|cancelled|canceled|drop|dropped) (the|that|this|your|those|these) ([\w-]+ ){0,2}(fee|charge|penalty|penalties|charges|fees)\b",
    ),
    Remedy.rebooking: word_rx(
        r"\bre-?book\w*",
        r"\bre-?deliver\w*",
        r"\bbook you (on|onto|into) (the next|another|a later|an earlier|tonight's|tomorrow's)\b",
        r"\breschedul\w*",
        r"\bmove(d)? you (to|into|onto) (a|an|the|tonight's|tomorrow's) (\w+ ){0,2}(flight|room|slot|appointment|session|seat|train)\b",
    ),
    Remedy.cancellation: word_rx(
        r"\bcancel(led|ed|ling|ing)? (your|the) (\w+ )?(contract|subscription|plan|membership|policy|booking|account)\b",
        r"\b(end|release you from) (your|the) contract\b",
        r"\bwithout (an? |any )?(early )?(termination|cancellation) (fee|charge|penalty)",
        r"\bclos(e|ed|ing) (the|your) account\b",
    ),
    Remedy.compensation: word_rx(
        r"\bcompensat\w*",
        r"(?<!as a )(?<!as )(?<!by way of a )\bgoodwill (payment|gesture)\b",
        r"\bgesture of goodwill\b(?<!as a gesture of goodwill)",
        r"\bsettl(e|ed|ing) (the|your|this|that) ([\w£$€₦₹,.-]+ ){0,3}claims?\b",
        r"\bpay(ing)? out\b",
        r"\bpayout\b",
        r"\bvoucher\w*",
        r"\bgift (card|certificate)s?\b(?! balance)",
        r"\b(giv\w*|gave|add\w*|throw\w* in|threw in|offer\w*|includ\w*|treat\w* you to|with (a|an)|arrang\w*|provid\w*|send\w*|sent|set you up with|sort\w* you out with|get you|got you)\b[^.!?;]{0,30}?\bfree\b(?! (of charge|to|for|and|in|with)\b)(?=\s+[a-z])",
        r"\bcomplimentary\b",
        r"\bupgrad(e|ed|ing) (you|your (room|seat|ticket|flight|plan|booking|car|membership|cabin|package|stay|fare)s?)\b(?! (shipping|delivery))",
        r"\b(plus|also|and) (a|an|one) (free|complimentary)\b",
        r"\b(free|complimentary|no-cost) upgrade\b",
        r"\b(pay|paying|paid|cover|covering|covered|foot|footing|pick up|picking up) (for )?(the|your) ([\w$£€₦₹.,'-]+ ){0,3}(bills?|costs?|fares?|invoices?|expenses?|receipts?|taxi|hotel|meals?)\b",
        r"\bon the house\b",
        r"\bthrow(ing)? in\b",
    ),
}
MONEY_OFF = rx(
    r"\b(tak(e|en|ing)|knock(ed|ing)?) (?P<hit>[$£€₦₹][\d,.]+ off)\b",
    r"(?P<hit2>[$£€₦₹][\d,.]+ off (your|the|that|this) (\w+ )?(bill|invoice|balance|order|total|price|fee|premium))",
    r"(?P<hit3>\b(reduc|lower|cut|bring)\w* (down )?(the|your|that|this) ([\w-]+ )?(charge|fee|bill|price|invoice|premium|cost|deduction|balance|amount)s? (down )?by [$£€₦₹][\d,.]+)",
)
"""'$50 off the bill' is a discount, a partial refund or a fee waiver depending on who names it."""

_CURRENCY = re.compile(r"[$£€₦₹]")
MONEY = re.compile(
    r"(?P<sym>[$£€₦₹])\s?(?P<n1>\d[\d,]*(\.\d+)?)|(?P<n2>\d[\d,]{0,30}(\.\d+)?)\s?(?P<cur>usd|gbp|eur|ngn|inr|aud|cad|dollars?|pounds?|euros?|naira|rupees?)\b",
    re.I,
)
"""An amount before a currency word ('40 dollars') has at most 31 digits and commas: it can start at any digit,
and unbounded, every digit of a long run would rescan the run."""
_NEGATION = word_rx(
    r"\b(can't|cannot|can not|unable to|not able to|won't|will not|don't|do not|isn't|is not|aren't|not eligible|no longer|not in a position|no|never|not)\b[^.!?;]{0,40}$"
)
_RESTATEMENT = rx(
    r"\b(you('ve| have| had)? (asked|asking|want|wanted|requested|demanded|mentioned|said|were promised|were told|were offered|paid|were charged|were billed|expected|"
    r"bought|booked|ordered|chose|selected|purchased|upgraded to)|(after|when|despite|for|by) (paying|buying|booking|ordering|choosing|selecting) (extra )?(for )?|"
    r"you'?d like|your (request|demand)|asked for|(?<!\bi )(?<!'ve )(?<!\bwe )(?<!'ll )promis(ed|ing)|"
    r"waiting (on|for)|still (no|haven't|hasn't|not)|hasn't (arrived|come|been)|haven't (received|had|got)|never (got|received))\b[^.!?;]{0,50}$"
)
_CUSTOMER_STEP = rx(
    r"\byou('ll| will| would|'d)? (need|have|want|be able) to\b[^.!?;]*$",
    r"\byou (can|could|may|might|should|must)\b(?! (choose|pick|select|have|get|opt|expect|keep|see|look forward))[^.!?;]*$",
    r"\b(ask|contact|call|tell) (them|the \w+|your \w+)\b[^.!?;]*$",
)
_TOPIC = rx(
    r"\b(go(ing)? (over|through)|talk(ing)? (about|through)|discuss\w*|explain\w*|next steps|questions? about|information (on|about)|details (on|of|about)|to hear)\b[^.!?;]*$"
)
_REFERENCE_BEFORE = rx(
    r"\b(check(ing)?|confirm(ing)?|track(ing)?|verify(ing)?|monitor(ing)?|once|until|whether|make sure)( that)?( (the|your|both|all|this|that|these|those))?( \w+)?\s*$"
)
_INQUIRY_BEFORE = rx(
    r"\b(whether|if) (you|we)( (can|could|might|would|will|are|'re|still|'d|qualify|be))* (get|have|receive|claim|qualify for|be (eligible|entitled) (for|to)|"
    r"eligible for|entitled to|offer( you)?|give you|arrange)( (a|an|the|any|some|your))?( \w+)?\s*$"
)
"""'I'm finding out whether you can get a partial refund': asking about a remedy, not offering it."""
_REFERENCE_AFTER = rx(
    r"^\w*\s+(reference|status|number|request|amount)\b",
    r"^\w*\s+(has|have|had|is|are|was|were)( (now|already|finally))? (landed|arrived|reached|come through|gone through|cleared|shown|showing|posted|appeared|hit|been (received|applied)|taken|taking|delayed|stuck|pending)\b",
    r"^\w*\s+(never|hasn't|didn't|did not|has not) (triggered|arrived|came|come|went|gone|reached|showed|shown|happened|landed)\b",
)
_NAMES_A_CHARGE = re.compile(
    r"[-\s]+(fees?|charges?|costs?|bills?|invoices?|surcharges?|polic(y|ies)|forms?|windows?|deadlines?|process|department|team|desk|rules?|terms)\b",
    re.I,
)
"""'the $12 redelivery fee', 'our refund policy': the remedy word names a charge or a process, it offers nothing."""
_CHARGE_BEFORE = rx(
    r"([$£€₦₹][\d,.]+\s+of (the|your)|\byou('d| would| will|'ll)? (pay|owe|be charged|be billed)|"
    r"\b(costs?|costing|priced at|retails? (at|for)|normally|usually|list price( of)?)|"
    r"\b(leaving|leaves|left|remaining|outstanding|still owing|bringing (it|this|that|the \w+|your \w+) (down )?to|(reduc|lower|cut)\w* (it|this|that|the \w+|your \w+) to)( (just|only|a balance of|a total of))?|\b(balance|bill|invoice|total|premium|price|cost|fare) (of|is|was|will be|comes to)|\b(over|above|under|below|more than|less than|at least|minimum( of)?|orders? of)|\boff (the|your|a|an))\s*$"
)
_CHARGE_AFTER = rx(r"^\s*((a|per|/) ?(month|year|week|night|mo|yr)\b|(price|quote|plan|monthly|annual|deposit|premium|invoice|bill)\b)")
_GIVEN_BEFORE = rx(
    r"\b(refund\w*|reimburs\w*|repay\w*|return\w*|pay\w* back|cover\w*|compensat\w*)( you)?( back)?( (of|for|on))?"
    r"( (the|your|a|an|that|this|those|these))?( (full|entire|whole))?\s*$"
)
"""'a full refund of the $800 deposit': the amount right after a refund is what is given back, even if it names a deposit or a bill."""
GIVE_MONEY = word_rx(
    r"\b(pay(ing)? (you|for)|paid (you|for)|cover(ing)?|approv\w*|add(ed|ing)?(?! insult)|credit\w*|giv(e|en|ing)|gave|tak(e|en|ing)|refund\w*|waiv\w*|reimburs\w*|compensat\w*|put|send(ing)?|transferr?\w*)\b"
)


@dataclass(frozen=True)
class Offer:
    remedy: Remedy
    span: Span
    sentence: Sentence
    also: tuple[Remedy, ...] = ()
    """Other names policy may use for the same offer ('$50 off the bill' is a discount or a partial refund)."""

    @property
    def kinds(self) -> tuple[Remedy, ...]:
        return (self.remedy, *self.also)


_OFFER_FRAME = rx(
    r"\b(i|we|me|us|i'm|i've|i'll|i'd|we're|we've|we'll|we'd|let me|let us|ive|im|weve)\b",
    r"\b(our|my)\b[^!?;]*\b(will|'ll|can|could|is|are|has|have|had)\b",
    r"\b(is|are|was|were|been|be|being|'s)\s+(now |already |also |just |fully |all )*$",
    r"\bthere('s| is| are| will be)\b|\bon (its|their) way\b",
    r"\b(you('ll| will| would|'d| can| could| may)?|you're|you've) (also |now |then )?(get|getting|receive|receiving|have|see|be (given|offered|sent|getting)|qualify|be entitled|be eligible)\b",
    r"\b(here's|here is|enjoy|accept|please (accept|enjoy|take|find))\b",
    r"\b(would|do|did) you (like|prefer|want|rather)\b",
    r"^\W*(would|could|shall|should|can|may|how about|what about)\b",
    r"\b(the|your|a|an) (\w+ ){0,2}(team|engineer|technician|manager|specialist|colleague|store|office|department|branch|crew|fitter|courier|driver|staff)s?\b[^!?;]*\b(will|'ll|can|is going to|are going to|has|have|is|are)\b",
    r"^\W*[a-z]+ed\b",
)
"""Who gives the remedy: we do ("I've refunded", "we can offer", "let me send"), the customer receives it
("you'll get a full refund"), it is handed over ("here's a voucher", "would you like a replacement?"),
or someone of ours does it; a clause that opens on the remedy ("Refunded your fare in full",
"A full refund is on its way") is judged by what follows it."""
_RESULT_AFTER = rx(
    r"^\S*\s+((has|have|had|is|are|was|were|will|'ll|'s)( now| already| also| just)? (been |be |being )?(approved|issued|processed|sent|added|applied|arranged|booked|"
    r"on (its|their) way|going|heading|coming|credited|paid|made|set up|raised|confirmed|waived|scheduled|dispatched|posted|authorised|authorized|granted|yours|"
    r"ordered|reserved|booked|due|ready|waiting)|"
    r"(of|for) )",
)

WINDOW = 400
"""How far an offer's clause is read before and after it (real clauses are well under 300 characters): a
run-on clause of 20,000 characters with an offer word every few words would otherwise be reread per word."""


def _is_offer(text: str, start: int, end: int, clause: Sentence) -> bool:
    before = text[max(clause.start, start - WINDOW) : start]
    after = text[end : min(clause.end, end + WINDOW)]
    if not text[start:end].strip():
        return False
    if not (_OFFER_FRAME.search(before) or _RESULT_AFTER.search(after) or _opens_clause(before, text[start:end])):
        return False  # a mention, not an offer: "refunds are only available within 30 days", "Repair Centre"
    return not (
        _NEGATION.search(before)
        or _RESTATEMENT.search(before)
        or _CUSTOMER_STEP.search(before)
        or _TOPIC.search(before)
        or _REFERENCE_BEFORE.search(before)
        or _INQUIRY_BEFORE.search(before)
        or _REFERENCE_AFTER.search(after)
        or _NAMES_A_CHARGE.match(after)
    )


def _opens_clause(before: str, remedy: str) -> bool:
    """A list item of what was done ("- Refunded your fare in full") or a free extra ("Free delivery on
    your next order"): nothing else before the remedy word. "Refunds are only available ..." is neither."""
    if re.fullmatch(r"[\W\d]*(and |also |plus )?", before, re.I):
        return remedy.lower().endswith("ed") or remedy.lower().startswith("back ")  # "- €30 back on your card today"
    return bool(re.fullmatch(r"[\W\d]*((a|an|your|one|plus|and|also)\s+)*(free|complimentary|extra)\s+", before, re.I))


def _at(parts: list[Sentence], starts: list[int], pos: int) -> Sentence | None:
    """The part (clauses or sentences, in order, not overlapping; `starts` their starts) that holds `pos`."""
    i = bisect_right(starts, pos) - 1
    return parts[i] if i >= 0 and pos < parts[i].end else None


def mentions_remedy(text: str) -> bool:
    """Any remedy word or amount, offered or not: words read back from a message must carry none, or a
    quoted demand ("approve a $300 refund") would read as our offer."""
    return bool(MONEY.search(text)) or any(p.search(text) for p in REMEDY_PATTERNS.values())


def find_offers(text: str) -> list[Offer]:
    """Remedies the reply offers, most specific kind first (a partial refund is not also a refund)."""
    return list(_find_offers(text))


@lru_cache(maxsize=512)
def _find_offers(text: str) -> tuple[Offer, ...]:
    masked = mask_apologies(normalize(text))
    clauses = all_clauses(masked)
    clause_starts = [c.start for c in clauses]
    sents = _Sentences(masked)
    offers: list[Offer] = []
    taken: list[tuple[int, int]] = []
    """Spans already offered, in order and not overlapping."""

    def add(remedy: Remedy, start: int, end: int, also: tuple[Remedy, ...] = ()) -> None:
        i = bisect_right(taken, (start, end))
        if (i and taken[i - 1][1] > start) or (i < len(taken) and taken[i][0] < end):
            return
        clause = _at(clauses, clause_starts, start)
        if clause is None or not _is_offer(masked, start, end, clause):
            return
        insort(taken, (start, end))
        offers.append(Offer(remedy, Span(start=start, end=end, text=text[start:end]), clause, also))

    for m in MONEY_OFF.finditer(masked) if _CURRENCY.search(masked) else ():
        group = next(g for g in ("hit", "hit2", "hit3") if m.group(g))
        add(Remedy.discount, m.start(group), m.end(group), (Remedy.partial_refund, Remedy.fee_waiver))
    for remedy, pattern in REMEDY_PATTERNS.items():
        for m in pattern.finditer(masked):
            add(remedy, m.start(), m.end(), _aliases(remedy, masked, m.start(), sents))
    return tuple(sorted(offers, key=lambda o: o.span.start))


_SPARE_PART = rx(
    r"replacement ([\w-]+ )?(parts?|pumps?|components?|screens?|batter(y|ies)|valves?|fuses?|filters?|motors?|compressors?|fittings?|hoses?|belts?|"
    r"seals?|hinges?|handles?|elements?|thermostats?|boards?|panels?|switch(es)?|cables?|bulbs?|tiles?|glass|pane)\b"
)
"""'He'll bring the replacement pump with him': a part fitted in a repair, not replacement goods."""
_REPLACEMENT_BOOKING = rx(r"replacement (appointment|slot|session|lesson|class|date|booking|flight|train|seat|ticket|visit)s?\b")
"""'two replacement hygiene appointments': a new booking, not replacement goods."""
_TOWARDS = rx(r"\b(towards?|to cover|cover(ing)?|pay(ing)? for|settle|cost of)( (the|a|your|any))?\s*$")
"""'£150 towards replacing them': the money is the offer, and the customer does the replacing."""
_VISIT_TO_FIX = rx(r"\b(fix|repair|remove|replace|restore|mend|patch|clean|redo|finish)\w*\b")
_PERSON_SENT = rx(r"\b(technician|engineer|plumber|electrician|fitter|crew|painter|installer|someone)s?\b")


_COVER_COST = rx(r"(pay|paying|paid|cover|covering|covered|foot|footing|pick up|picking up) ")
_BARE_AMOUNT = rx(
    r"refund(ed|ing)?( you)? [$£€₦₹][\d,.]+(?! (deposit|fare|fee|charge|ticket|order|bill|invoice|payment|subscription|booking)s?\b)"
)
"""'I've refunded $34.50 for the missing items': an amount with no 'the/your' is part of what was paid."""
_IN_FULL = rx(r"\b(in full|full|entire|whole|complete|everything|all of)\b")
_REDUCTION = rx(r"\b(reduc|lower|cut|knock|bring)\w* [^.!?;]{0,30}\bby [$£€₦₹][\d,.]+|[$£€₦₹][\d,.]+ off\b|\b(the )?difference\b")
_REFUND_CONTEXT = rx(r"\b(refund\w*|deposit|reimburs\w*|money back|repay\w*)\b")
_CREDITED_BACK = rx(r"\bcredited\b(?=[^.!?;]{0,20}\b(back|to your (card|bank|original)|shortly|within|in \d))|\b(be|been) credited\b")


class _Sentences:
    """The sentences of a text, found by position in logarithmic time, with each pattern's search of each
    sentence done once (a sentence can hold thousands of remedy words)."""

    def __init__(self, text: str) -> None:
        self.parts = sentences(text)
        self.starts = [s.start for s in self.parts]
        self._found: dict[tuple[int, int], bool] = {}

    def at(self, pos: int) -> Sentence | None:
        return _at(self.parts, self.starts, pos)

    def has(self, pattern: re.Pattern[str], sentence: Sentence) -> bool:
        key = (id(pattern), sentence.start)
        if key not in self._found:
            self._found[key] = pattern.search(sentence.text) is not None
        return self._found[key]


def _aliases(remedy: Remedy, text: str, pos: int, sents: _Sentences) -> tuple[Remedy, ...]:
    """Other remedy names policy may use for the same offer.

    Sending someone to fix a thing is both a repair and a technician visit; a refund of part of a
    charge ("I've reduced it by £30, which will be refunded") is a partial refund; money "credited"
    back to the card as the refund lands is the refund, not an account credit; reimbursing the
    customer's costs is compensation as well as a refund."""
    sentence = sents.at(pos)
    if sentence is None:
        return ()
    if remedy is Remedy.compensation and _COVER_COST.match(text, pos):
        return (Remedy.refund,)
    if remedy is Remedy.refund and (text[pos : pos + 8].lower() == "reimburs" or text[pos : pos + 3].lower() == "pay"):
        return (Remedy.compensation,)  # reimbursing or paying back the customer's costs (a taxi, a hotel) is compensation too
    if remedy is Remedy.refund and sents.has(_REDUCTION, sentence):
        return (Remedy.partial_refund, Remedy.fee_waiver)
    if remedy is Remedy.refund and _BARE_AMOUNT.match(text, pos) and not sents.has(_IN_FULL, sentence):
        return (Remedy.partial_refund,)
    if remedy is Remedy.technician_visit and text[pos : pos + 6].lower() in ("rebook", "re-boo"):
        return (Remedy.rebooking,)
    if remedy is Remedy.account_credit and sents.has(_REFUND_CONTEXT, sentence) and _CREDITED_BACK.match(text, pos):
        return (Remedy.refund,)
    if remedy is Remedy.replacement and _REPLACEMENT_BOOKING.match(text, pos):
        return (Remedy.rebooking,)
    if remedy is Remedy.replacement and _TOWARDS.search(text, max(sentence.start, pos - 40), pos):
        return (Remedy.compensation, Remedy.refund)
    if remedy is Remedy.replacement and _SPARE_PART.match(text, pos):
        return (Remedy.repair, Remedy.technician_visit)
    if remedy is Remedy.technician_visit and sents.has(_VISIT_TO_FIX, sentence):
        return (Remedy.repair,)
    if remedy is Remedy.repair and sents.has(_PERSON_SENT, sentence):
        return (Remedy.technician_visit,)
    return ()


def offered_amounts(text: str) -> list[tuple[float, Span]]:
    """Money amounts the reply gives the customer: in a clause that offers a remedy or pays money,
    and not a price, a threshold or what the customer still owes ("so you'd pay $100")."""
    masked = mask_apologies(normalize(text))
    offer_clauses = {o.sentence for o in find_offers(text)}
    out: list[tuple[float, Span]] = []
    for clause in all_clauses(masked):
        if clause not in offer_clauses and not _gives_money(clause.text):
            continue
        for m in MONEY.finditer(clause.text):
            before = clause.text[max(0, m.start() - WINDOW) : m.start()]
            after = clause.text[m.end() : m.end() + WINDOW]
            if not _GIVEN_BEFORE.search(before) and (_CHARGE_BEFORE.search(before) or _CHARGE_AFTER.search(after)):
                continue
            number = (m.group("n1") or m.group("n2")).replace(",", "")
            start = clause.start + m.start()
            out.append((float(number), Span(start=start, end=start + len(m.group(0)), text=text[start : start + len(m.group(0))])))
    return sorted(out, key=lambda a: a[1].start)


def _gives_money(clause: str) -> bool:
    m = GIVE_MONEY.search(clause)
    return bool(m and not _NEGATION.search(clause[: m.start()]) and not _CUSTOMER_STEP.search(clause[: m.start()]))
