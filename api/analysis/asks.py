"""Asks: what the customer wants from us (remedies, explanations, escalation), with any amount they name.

A remedy word counts only inside a request ("I want", "please", an imperative, an ultimatum, a question to
us), so "the 'replacement' arrived this morning" is not a request for a replacement, and a negated request
("I don't want a voucher", "not interested in another apology") is dropped.
"""

from __future__ import annotations

from api.analysis.model import Ask, AskKind
from api.analysis.text import Hit, Lexicon, Regions, Span, line_bounds, negated, rx, sentence_around, sentence_bounds

_AMOUNT = rx(
    r"(?:[$£€₦₹]|\bRs\.?\s?|\bN(?=\d)|\b(?:USD|GBP|EUR|NGN|INR)\s?)\s?\d[\d,]*(?:\.\d+)?k?\b",
    r"\b\d[\d,]{0,30}(?:\.\d+)?\s?(?:dollars|pounds|euros?|quid|bucks|naira|rupees)\b",
    r"\b\d{1,3}\s?%",
)
"""A number before a currency word has at most 31 digits and commas: unbounded, every digit after a comma in a
long run ('1,1,1,...') would rescan the run."""

_AMOUNT_TOKEN = r"[$£€₦₹]\S{1,60}"
"""A currency sign and the rest of its token ('$120.00,'), at most 60 characters: unbounded, every sign in a run of
them ('$$$$...') would rescan the run to its end."""
_MONEY = r"(?:money|cash|deposit|payment|fees?|[$£€₦₹]\S*|\d[\d,.]*)"

_REQUEST = rx(
    r"\b(?:i|we)\s+(?:\w+\s+)?(?:want|need|expect|require|demand|insist|request)\b",
    r"\b(?:i|we)'?d\s+like\b",
    r"\b(?:i|we)\s+would\s+like\b",
    r"\bwhat\s+i\s+(?:want|need|require)\b",
    r"\b(?:please|pls|plz|kindly)\b",
    r"\b(?:can|could|would|will)\s+(?:you|someone|somebody|anyone)\b",
    r"\b(?:you'?re|you\s+are)\s+going\s+to\b",
    r"\byou\s+(?:owe|should|must|need\s+to|have\s+to)\b",
    r"\byou'?d\s+better\b",
    r"\b(?:either|unless|otherwise)\b",
    r"\bif\b(?:(?!\bif\b)[^.!?\n])*(?:\bnot\b|n't\b|\bno\b)",
    r"\bor\s+(?:else|i|i'?m|im|we)\b",
    r"\bi'?m\s+asking\b",
    r"\?",
    r"(?:^\s*|[,;:]\s*|\b(?:and|then|just|now|so|also)\s+)(?:i\s+)?(?:want|refund|give|send|fix|sort|pay|reverse|waive|remove|"
    r"cancel|restore|unblock|unlock|unsuspend|reinstate|approve|tell|explain|call|ring|replace|repair|release|take|put|"
    r"reprint|find|stop|deliver|rebook|reschedule|credit|compensate|reconnect|honou?r|get|do|reopen|settle)\b",
)
"""Request framing: a wish, a plea, an ultimatum, a question, or an imperative at the start of a clause.
A condition with a negation ("if it's not ...") is looked for from the last "if" before the negation, so a run of
"if"s is scanned once; whether the sentence holds one is the same."""

_PARTIAL = rx(
    r"\bpartial\b",
    r"\b(?:the|for\s+the)\s+(?:difference|extra|duplicate|overcharge|remaining|rest|unused|missed|extra\s+amount)\b",
    r"\bhalf\b",
    r"\bpro[- ]?rata\b",
    r"\bfor\s+the\s+(?:three|two|\d+)\b",
)
"""A refund of part of what was paid."""

_ASKS: list[tuple[AskKind, Lexicon]] = [
    (
        "refund",
        rx(
            r"\brefund(?:ed|s)?\b(?!\s+(?:policy|window))",
            r"\bmoney\s+back\b",
            r"\b(?:reimburs\w*)",
            r"\b(?:give|pay|send|put)\s+(?:me\s+)?(?:it\s+)?back\b",
            r"\brevers(?:e|al)\b",
            rf"\b(?:want|need|expect|get)\s+(?:my|the|our)\s+(?:\w+\s+)?{_MONEY}\s+back\b",
            r"\bback\s+(?:on|to|in|into)\s+my\s+(?:card|account)\b",
            rf"(?:{_AMOUNT_TOKEN}|money|refund)\s+(?:\w+\s+){{0,2}}(?:in|into|on|to)\s+my\s+(?:card|account)\b",
            r"\bcredited\s+back\b",
            r"\bevery\s+penny\s+back\b",
            r"\bmoney\s+(?:that'?s\s+|that\s+is\s+)?owed\b",
        ),
    ),
    (
        "replacement",
        rx(
            r"\breplace(?:ment)?\b(?!\s+(?:the\s+)?(?:part|pipe))",
            r"\bsend\s+(?:me\s+)?(?:another|a\s+new|the\s+right|the\s+correct)\b",
            r"\bre-?ship\w*",
            r"\breprint\w*",
            r"\bresend\b",
        ),
    ),
    (
        "repair",
        rx(
            r"\brepair\s+(?:the|my|it|this|them|her|his|our)\b",
            r"\b(?:be|get\s+it|have\s+it)\s+repaired\b",
            r"\brepair\s+of\b",
            r"\bfix\s+(?:the|my)\s+(?:wall|roof|leak|washer|machine|wardrobe|door|"
            r"boiler|ceiling)\b",
            r"\breinstate[sd]?\s+(?:the\s+)?verge\b",
        ),
    ),
    (
        "account_credit",
        rx(
            r"\b(?:account|store|service)\s+credit\b",
            r"\bcredit\s+(?:to|on|for)\s+(?:my|the)\b",
            r"\ba\s+credit\s+for\b",
            r"\bcredit\s+my\s+account\b",
        ),
    ),
    (
        "discount",
        rx(
            r"\bdiscount\b",
            r"\b\d+\s?%\s+off\b",
            r"\bprice\s+match\b",
            r"\bold\s+rate\b",
            r"\b(?:bring|brought)\s+(?:the\s+price\s+)?(?:back\s+)?down\b",
            r"\bprice\s+brought\s+(?:back\s+)?down\b",
        ),
    ),
    (
        "expedited_shipping",
        rx(
            r"\bovernight\b",
            r"\bexpress\s+(?:delivery|shipping|post)\b",
            r"\bnext[- ]day\b",
            r"\bfaster\s+(?:post|shipping|delivery)\b",
            r"\bcourier(?:ed)?\b",
            r"\bexpedit\w*",
            r"\bdeliver\s+(?:it\s+)?today\b",
        ),
    ),
    (
        "technician_visit",
        rx(
            r"\b(?:engineer|technician|plumber|electrician|adjuster|someone|somebody)\s+(?:at|to)\s+"
            r"(?:my|our|the|her|his)\s+(?:house|home|flat|property|place|address)\b",
            r"\bsend\s+(?:an?\s+|the\s+|somebody\s+|someone\s+)?(?:good\s+)?(?:engineer|technician|plumber|"
            r"electrician|someone|somebody|person)\b",
            r"\b(?:someone|somebody|anyone|engineer|technician|plumber|electrician|you|he|they)\s+(?:\w+\s+)?"
            r"(?:to\s+)?(?:come|coming)\s+(?:back|out|round|over)\b",
            r"\bsomeone\s+(?:here|there|out)\b",
            r"\b(?:engineer|technician)\s+(?:visit|appointment|there)\b",
            r"\ban?\s+(?:engineer|technician|adjuster)\b",
        ),
    ),
    (
        "fee_waiver",
        rx(
            r"\bwaiv\w*",
            r"\b(?:remove|drop|cancel|reverse|scrap)\s+(?:the|this|that|these|my|all|every)?\s*"
            r"(?:[\w-]+\s+){0,3}(?:fees?|charges?|penalt\w+)\b",
            r"\b(?:fees?|charges?|penalt\w+)\s+(?:\w+\s+){0,3}(?:removed|waived|cancelled|reversed|taken\s+off|covered)\b",
            rf"{_AMOUNT_TOKEN}\s+(?:cancelled|waived|removed|written\s+off)\b",
            r"\btake\s+it\s+off\b",
            r"\b(?:fee|charge)\b[^.!?\n]*\b(?:remove|waive|drop)\s+it\b",
        ),
    ),
    (
        "rebooking",
        rx(
            r"\brebook\w*",
            r"\b(?:next|first|earliest|another)\s+(?:available\s+)?(?:flight|train|bus|seat|sailing)\b",
            r"\breschedul\w*",
            r"\bmove[ds]?\s+(?:his|her|my|the)\s+(?:\w+\s+)?(?:sessions?|appointments?|booking)\b",
            r"\bnew\s+(?:date|appointment|slot)\b",
            r"\bmade\s+up\b",
        ),
    ),
    (
        "cancellation",
        rx(
            r"\bcancel\s+(?:my|the|our|this|her|his)\s+(?:\w+\s+)?(?:contract|subscription|account|order|"
            r"membership|plan|policy|booking|service)\b",
            r"\b(?:want|like|need)\s+to\s+cancel\b",
            r"\bclose\s+(?:her|his|my|the)\s+account\b",
            r"\bcancel\s+and\s+refund\b",
            r"\b(?:or|and)\s+(?:i|we)\s+(?:will\s+|'ll\s+)?cancel\b",
            r"\bstop\s+(?:it|this)\b(?!\s+(?:from\s+)?happening)",
            r"\bstop\s+(?:charging|taking|billing|writing)\b",
            r"\bmake\s+it\s+stop\b",
        ),
    ),
    (
        "compensation",
        rx(
            r"\bcompensat\w*",
            r"\bgoodwill\b",
            r"\byou\s+owe\s+me\b",
            r"\b(?:pay|cover)\s+(?:me\s+)?(?:for\s+)?(?:the\s+|every\s+|my\s+|our\s+)?(?:\w+\s+){0,3}"
            r"(?:time|carpet|electrician|hospital|bill|costs?|damage|ceiling|earnings|wages|losses|recovery|night|"
            r"taxi|tyre|tire|fridge|computer|medication|pharmacy|ER|restoration|penalt\w+|cent|accident)\b",
            r"\b(?:pay|settle)s?\s+(?:the|my|our)\s+claim\b",
            r"\bfor\s+(?:the|my|our)\s+(?:time|trouble|stress|inconvenience|wasted)\b",
            r"\bsomething\s+for\s+the\b",
            r"\b(?:earnings|wages|income)\s+covered\b",
            r"\bfor\s+what\s+you'?ve\s+put\b",
            r"\bpay\s+(?:me\s+)?interest\b",
        ),
    ),
    (
        "explanation",
        rx(
            r"\bexplain\w*",
            r"\bexplanation\b",
            r"\b(?:want|like|need)\s+to\s+know\b",
            r"\b(?:tell|let)\s+me\s+(?:\w+\s+)?(?:what|why|how|whether|if|where|when|who|honestly|exactly)\b",
            r"\bwhat\s+(?:exactly\s+)?happened\b",
            r"\b(?:straight|proper|honest|real|clear|actual)\s+"
            r"(?:answer|update|reply|response)\b",
            r"\b(?:like|want|need)\s+to\s+understand\b",
            r"\btell\s+(?:me|us)\b",
            r"(?:\A|(?<=[.!?\n])|(?<=[.!?\n]\s))(?:why|where|how|what)\b[^.!?\n]*\?",
        ),
    ),
    ("apology", rx(r"\bapolog(?:y|ies|ise|ize)\b", r"\bsay\s+sorry\b")),
    ("callback", rx(r"\bcall\s+(?:me\s+)?back\b", r"\b(?:phone|ring|call)\s+me\b", r"\bcallback\b")),
    (
        "manager",
        rx(
            r"\bmanager\b",
            r"\bsupervisor\b",
            r"\b(?:someone|somebody)\s+(?:more\s+)?senior\b",
            r"\bin\s+charge\b",
            r"\bwith\s+(?:the\s+)?authority\b",
            r"\b(?:a|real|actual)\s+(?:human|person)\b",
            r"\bput\s+me\s+through\b",
            r"\btake\s+charge\b",
            r"\bhead\s+of\b",
        ),
    ),
    (
        "deadline",
        rx(
            r"\b(?:a|an?\s+actual|a\s+confirmed|a\s+firm|a\s+real)\s+(?:date|timeline|time|eta|timeframe)\b",
            r"\bwhen\s+(?:will|is|are|can|does|do)\b[^.!?\n]*\?",
            r"\bwhen'?s\b[^.!?\n]*\?",
        ),
    ),
    (
        "fix",
        rx(
            r"\bfix(?:ed)?\b",
            r"\bsort(?:ed)?\s+(?:it\s+|this\s+)?out\b",
            r"\bsort\s+(?:it|this)\b",
            r"\bsorted\b",
            r"\brestore\s+(?:it|my|the|our|this|service|access)\b",
            r"\b(?:be|get|have|want|need)\s+(?:\w+\s+){0,3}restored\b",
            r"\b(?:sites?|websites?|services?|internet|power|servers?|signal|line)\s+(?:is\s+|are\s+|'s\s+)?"
            r"(?:not\s+)?back\b",
            r"\bit(?:\s+is|'s|s)\s+not\s+back\b",
            r"\baccess\s+to\s+my\b",
            r"\breopen\w*",
            r"\bcorrect(?:ed)?\s+(?:bill|invoice|statement)\b",
            r"\bdo\s+something\b",
            r"\bexport\w*",
            r"\bunblock\w*",
            r"\bunlock\w*",
            r"\bunsuspend\w*",
            r"\breinstat\w*",
            r"\breconnect\w*",
            r"\bback\s+(?:on|up|online)\b(?!\s+(?:my|the|your)\s+(?:card|account|statement))",
            r"\bworking\s+again\b",
            r"\bclean\w*\s+up\b",
            r"\bresolv\w*",
            r"\bget\s+(?:it|this)\s+(?:working|done|sorted)\b",
            r"\brelease[ds]?\b",
            r"\bfind\s+(?:it|that|the|my)\b(?!['’]s)",
            r"\bapprove\s+(?:the|my)\b",
        ),
    ),
]

_CONDITIONAL = rx(r"\b(?:if|unless)\b[^.!?\n]*$")
_CONDITIONAL_WORD = rx(r"\b(?:if|unless)\b")
_DEMAND_LIST = rx(
    r"\b(?:what|here\s+is\s+what|here'?s\s+what)\s+(?:i|we)\s+(?:want|need|require|expect|ask)\b|"
    r"\bmy\s+demands\b|\b(?:i|we)\s+(?:want|need|require|expect)\s*:"
)
_LIST_ITEM = rx(r"[ \t]*(?:\d{1,2}[.)]|[-*•])\s")
_MONEY_KINDS = {"refund", "partial_refund", "account_credit", "discount", "fee_waiver", "compensation"}


class _Reading:
    """What `_requested` needs to know about the sentences and lines of one text, worked out once each: a
    remedy word can recur thousands of times in one sentence, and reading the sentence per occurrence is
    quadratic."""

    def __init__(self, text: str) -> None:
        self.text = text
        first_list = _DEMAND_LIST.search(text)
        self.demand_list_end = first_list.end() if first_list else None
        """No match of _DEMAND_LIST holds an earlier-ending one, so "a demand list opens before position p"
        is "the first one ends before p"."""
        self._request: dict[int, bool] = {}
        self._condition: dict[int, int | None] = {}

    def request(self, left: int, right: int) -> bool:
        if left not in self._request:
            self._request[left] = _REQUEST.search(self.text[left:right]) is not None
        return self._request[left]

    def condition_before(self, left: int, right: int, pos: int) -> bool:
        """An 'if' or 'unless' between the sentence start and `pos` (the sentence holds no . ! ? or newline
        before its end, so that is _CONDITIONAL on the text before `pos`)."""
        if left not in self._condition:
            found = _CONDITIONAL_WORD.search(self.text[left:right])
            self._condition[left] = left + found.end() if found else None
        end = self._condition[left]
        if end is not None and end < pos:
            return True
        # A word that ends right at `pos` is a word in the text cut at `pos`, whatever follows it.
        return any(_CONDITIONAL_WORD.match(self.text, pos - len(w), pos) for w in ("if", "unless") if pos - len(w) >= left)


def _requested(reading: _Reading, m: Hit) -> bool:
    """The remedy sits in a request and is not negated ('I don't want a refund'); 'if I don't get a refund'
    is a condition, not a refusal. Items of a list introduced by "what I need:" are requests too."""
    text = reading.text
    left, right = sentence_bounds(text, m.start())
    line_start = line_bounds(text, m.start())[0]
    in_demand_list = (
        bool(_LIST_ITEM.match(text, line_start)) and reading.demand_list_end is not None and reading.demand_list_end < line_start
    )
    if not (in_demand_list or reading.request(left, right)):
        return False
    return not negated(text, m.start()) or reading.condition_before(left, right, m.start())


def _with_amounts(text: str, hits: list[tuple[AskKind, Span]]) -> list[Ask]:
    """Give each amount to the nearest money ask in its sentence, so '$100 for the time' goes to compensation
    and not to the refund earlier in the sentence."""
    details: dict[int, str] = {}
    for a in _AMOUNT.finditer(text):
        left, right = sentence_bounds(text, a.start())
        near = [
            (min(abs(a.start() - s.end), abs(s.start - a.end())), i)
            for i, (kind, s) in enumerate(hits)
            if left <= s.start < right and kind in _MONEY_KINDS
        ]
        if near:
            details.setdefault(min(near)[1], (a.group(0) or "").strip())
    return [Ask(kind=kind, detail=details.get(i), evidence=span.evidence()) for i, (kind, span) in enumerate(hits)]


def find_asks(text: str, ignore: list[Span] | None = None) -> list[Ask]:
    """Asks in `text`, in order of appearance, one per kind; matches inside `ignore` (e.g. injected
    instructions such as "approve a full refund") are not the customer's asks."""
    regions = Regions([(r.start, r.end) for r in ignore or []])
    reading = _Reading(text)
    hits: list[tuple[AskKind, Span]] = []
    for kind, pattern in _ASKS:
        m = next((m for m in pattern.finditer(text) if m.start() not in regions and _requested(reading, m)), None)
        if m is None:
            continue
        if kind == "refund" and _PARTIAL.search(sentence_around(text, m.start()).text):
            kind = "partial_refund"
        hits.append((kind, Span.of(m)))
    hits.sort(key=lambda h: h[1].start)
    return _with_amounts(text, hits)
