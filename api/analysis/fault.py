"""Who caused the problem, as far as the customer's own words show: their admission beats our apparent fault."""

from __future__ import annotations

from typing import Literal

from api.analysis.text import first, negated, rx

Fault = Literal["company", "customer", "unclear"]

_ADMISSION = rx(
    r"\b(?:i|we)\s+(?:must|might|may)\s+have\s+(?:typed|entered|put|written|selected|picked|clicked|booked|chosen|"
    r"ordered|missed|forgotten)\b",
    r"\b(?:i|we)\s+(?:typed|entered|put|wrote|write|selected|picked|booked|chose|ordered|gave)\s+(?:it|the\s+\w+|one\s+\w+|"
    r"a\s+\w+)?\s*(?:\w+\s+)?(?:wrong|incorrect(?:ly)?|by\s+mistake)\b",
    r"\bmy\s+(?:own\s+)?(?:mistake|fault|error|bad)\b",
    r"\b(?:i|we)\s+(?:accidentally|mistakenly)\b",
    r"\b(?:i|we)\s+(?:forgot|misread|misunderstood|overlooked)\b",
    r"\b(?:i|we)\s+missed\s+(?:my|our|the)\s+(?:flight|train|bus|appointment|payment)\b",
    r"\b(?:i|we)\s+clicked\b[^.!?\n]{0,60}\bthinking\b",
    r"\b(?:i|we)\s+tried\b[^.!?\n]{0,40}\bmyself\b",
)
"""The customer says they caused it: a typo, a wrong click, a missed flight."""
_MEANT = rx(r"\bI\s+meant\s+[A-Z]", case=True)
"""'the booking says MARCH, I meant MAY': the customer chose the wrong option."""

_COMPANY = rx(
    r"\byou(?:'ve|\s+have)?\s+(?:\w+\s+)?(?:charged|billed|debited)\b[^.!?\n]{0,40}\b(?:twice|two\s+times|double)\b",
    r"\b(?:double|duplicate)\s+(?:charge|payment)s?\b|\b(?:two|both)\s+charges\b",
    r"\byour\s+(?:outage(?!\s+(?:map|checker|page))|mistake|error|fault|system\s+(?:went|is|was)\s+down|"
    r"servers?\s+(?:have|has|are|were|went))\b",
    r"\b(?:it'?s|that'?s|this\s+is)\s+your\s+(?:fault|mistake|error|problem)\b",
    r"\byou(?:'ve|\s+have)?\s+(?:lost|cancelled|canceled|deleted|erased|broke|damaged|froze|suspended|"
    r"sent\s+(?:me\s+)?(?:the\s+)?wrong|"
    r"sent\s+(?:me\s+)?another|overcharged|forgot|shut\s+off|switched\s+off|cut\s+off|printed|moved|retired|kept|"
    r"left|closed|reported|denied|posted|managed\s+to)\b",
    r"\byour\s+(?:\w+\s+)?(?:staff|technician|engineer|driver|crew|cleaner|electrician|contractors?|agent|salesperson|"
    r"adjuster|rep|kitchen|warehouse|platform|software|app|portal|system|chef|server|pharmacy|store|team)\b[^.!?\n]{0,40}"
    r"\b(?:left|broke|never|didn'?t|did\s+not|failed|told|sent|gave|lost|deleted|showed|issued|dug|submitted|printed|"
    r"crashed|went\s+down|suspended|swallowed|wrote|confirmed)\b",
    r"\b(?:nobody|no\s+one)\s+(?:came|showed|turned\s+up)\b|\bnever\s+(?:came|arrived|showed\s+up|turned\s+up)\b",
    r"\b(?:down|offline|dead)\s+since\b",
    r"\b(?:is|are|was|were|been|went|gone)\s+(?:down|offline|dead)\b",
    r"\boutage\b(?!\s+(?:map|checker|page|status))",
    r"\b(?:charged|billed|debited|deducted|taken)\b[^.!?\n]{0,40}\b(?:twice|two\s+times|double)\b",
    r"\b(?:you|they)\s+cancell?ed\b",
    r"\b(?:was|got|been|were)\s+cancell?ed\b(?!\s+by\s+me)",
    r"\b(?:someone|somebody)\s+else'?s\b",
    r"\b(?:didn'?t|did\s+not|never)\s+(?:arrive|come|show\s+up|turn\s+up|call\s+back)\b",
    r"\b(?:\d+|two|three)\s+(?:min(?:ute)?s?|hours?)\s+late\b",
    r"\bnobody\s+(?:ever\s+)?(?:follows\s+up|calls\s+back|got\s+back)\b",
    r"\bwrong\s+(?:size|item|colour|color|dose|boots|order)\b",
    r"\bstill\s+(?:not\s+(?:arrived|received|delivered)|waiting)\b",
)
"""Something the company did or failed to do."""


def judge_fault(turns: list[str]) -> tuple[Fault, str]:
    """Fault and the reason, from the customer's turns (latest first)."""
    for text in turns:
        span = first(_ADMISSION, text) or first(_MEANT, text)
        if span is not None and not negated(text, span.start):
            return "customer", f'the customer says they caused it ("{span.text}")'
    for text in turns:
        span = first(_COMPANY, text)
        if span is not None:
            return "company", f'the complaint describes our failure ("{span.text}")'
    return "unclear", "the complaint does not show who caused the problem"
