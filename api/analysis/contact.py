"""repeat_contact: the customer has already been in touch about this."""

from __future__ import annotations

from api.analysis.text import first, rx

_REPEAT = rx(
    r"\b(?:second|third|fourth|fifth|sixth|\d+(?:st|nd|rd|th))\s+(?:time|email|message|call|attempt|request|letter|chat)\b",
    r"\b(?:already|have|i'?ve|i\s+have|we'?ve)\s+(?:\w+\s+)?(?:called|rung|rang|phoned|emailed|written|contacted|messaged|"
    r"asked|reported|complained|told\s+you|explained|sent\s+you|chased|raised)\b",
    r"\b(?:called|rung|rang|phoned|emailed|asked|told\s+you|contacted|chased|written|wrote)\b[^.!?\n]{0,30}\b(?:twice|"
    r"three\s+times|four\s+times|five\s+times|six\s+times|\d+\s+times|several\s+times|multiple\s+times|many\s+times|"
    r"again|before)\b",
    r"\bstill\s+(?:waiting|nothing|no\s+(?:reply|response|answer|word|update|refund)|haven'?t\s+heard)\b",
    r"\b(?:no\s+one|nobody|no-one)\s+(?:has\s+)?(?:ever\s+)?(?:got|gotten|called|rang|came)\s+back\b",
    r"\bnever\s+(?:heard|got)\s+back\b",
    r"\blast\s+time\b",
    r"\bthe\s+time\s+before\b",
    r"\bonce\s+again\b",
    r"\bfollow(?:ing)?[- ]up\b",
    r"\bchas(?:e|ing)\b",
    r"(?<!happen\s)(?<!happens\s)(?<!happened\s)(?<!happening\s)(?<!never\s)(?<!try\s)(?<!tried\s)\bagain\b",
)
"""Phrasings of a repeated contact; 'never again' and 'happen again' are about the future."""


def is_repeat_contact(complaint: str, earlier_customer_turns: list[str]) -> bool:
    """Earlier customer turns are themselves earlier contact; otherwise the complaint has to say so."""
    return bool(earlier_customer_turns) or first(_REPEAT, complaint) is not None
