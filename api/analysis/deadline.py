"""The deadline a customer sets ("within 24 hours", "by Friday"), told apart from deadlines they only report."""

from __future__ import annotations

from api.analysis.text import Span, quoted, rx, sentence_bounds

_NUM = (
    r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|twenty-four|"
    r"forty-eight|seventy-two|thirty)"
)
_UNIT = r"(?:business\s+|working\s+|calendar\s+)?(?:hours?|days?|weeks?|months?|minutes?|mins?)"
_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_WHEN = (
    rf"(?:the\s+)?(?:end\s+of\s+(?:the\s+)?(?:day|week|month|business)|close\s+of\s+business|EOD|COB|"
    rf"tomorrow(?:\s+(?:morning|afternoon|evening|night))?|tonight|today|noon|midday|midnight|"
    rf"(?:this|next)\s+(?:week|weekend|{_DAY})|the\s+weekend|{_DAY}(?:\s+(?:morning|afternoon|evening))?|"
    rf"\d{{1,2}}(?::\d\d)?\s*(?:am|pm)(?:\s+(?:today|tomorrow))?|the\s+\d{{1,2}}(?:st|nd|rd|th)|then)"
)

_EXPLICIT = rx(
    rf"\bwithin\s+(?:the\s+)?(?:next\s+)?(?:{_NUM}\s+)?{_UNIT}\b",
    rf"\bin\s+(?:the\s+next\s+)?{_NUM}\s+hours?\b",
    rf"\b(?:by|before|no\s+later\s+than)\s+{_WHEN}\b",
)
_WEAK = rx(
    rf"\buntil\s+{_WHEN}\b",
    r"\b(?:today|tonight|this\s+(?:afternoon|evening|morning|week)|right\s+now|immediately|asap|straight\s+away)\b(?!['’]s)",
)

_DEMAND = rx(
    r"\b(?:if|unless|otherwise|or\s+(?:else|i|we)|i\s+want|i\s+need|we\s+need|we\s+want|i\s+expect|i\s+require|"
    r"i'?d\s+like|i\s+would\s+like|i\s+demand|giv(?:e|ing)\s+you|must|please|kindly|i\s+insist|you'?d\s+better|"
    r"you\s+(?:need|have)\s+to)\b",
    r"^\s*(?:\w+\s+){0,2}?(?:fix|sort|send|refund|reverse|restore|unblock|deliver|return|give|get|call|reply)\b",
)
_REPORTED = rx(
    r"\b(?:you|they|he|she|it|agent|email|website|app|letter)\s+(?:said|says|say|told|promised)\b",
    r"\b(?:promis\w*|charter|policy|supposed\s+to|meant\s+to|guaranteed|aim\s+to|will\s+be\s+resolved|"
    r"was\s+told|were\s+told|your\s+(?:website|email|letter|app|terms))\b",
)

EXPLICIT_SCORE = 1
DEMAND_BONUS = 2
REPORTED_PENALTY = 3
THRESHOLD = 2
"""A deadline needs a demand around it ('I need it back within 24 hours', 'if it isn't fixed by Friday'):
'within two hours of this, they had ...' or 'I was told 5-7 days' is narrative. Explicit phrasing beats 'today'."""


def find_deadline(text: str) -> Span | None:
    """The best-supported deadline the writer sets: explicit phrasing in a demand, not quoted or reported."""
    best: tuple[int, int, Span] | None = None
    support: dict[int, int] = {}
    """What the sentence starting at the key adds to a deadline in it: read once per sentence, however many
    deadlines it holds (reading it again per deadline is quadratic in a long run of them)."""
    for pattern, base in ((_EXPLICIT, EXPLICIT_SCORE), (_WEAK, 0)):
        for m in pattern.finditer(text):
            if quoted(text, m.start()):
                continue
            left, right = sentence_bounds(text, m.start())
            if left not in support:
                sentence = text[left:right]
                support[left] = (DEMAND_BONUS if _DEMAND.search(sentence) else 0) - (REPORTED_PENALTY if _REPORTED.search(sentence) else 0)
            score = base + support[left]
            if score >= THRESHOLD and (best is None or (score, -m.start()) > best[:2]):
                best = (score, -m.start(), Span.of(m))
    return best[2] if best else None
