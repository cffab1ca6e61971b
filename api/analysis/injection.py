"""prompt_injection: text written to steer the AI drafting the reply rather than to tell us about a problem."""

from __future__ import annotations

import bisect
import re
from bisect import bisect_left, bisect_right

from api.analysis.rules import Rule
from api.analysis.text import REPORT, Span, rx

_AI = r"(?:AI|A\.I\.|assistant|AI\s+assistant|bot|chat\s?bot|model|language\s+model|LLM|GPT)"
_AI_NAME = r"(?:AI|A\.I\.|assistant|AI\s+assistant|chat\s?bot|LLM|GPT)"
"""Narrower than _AI for 'X:' headings, where 'Model:' or 'Bot:' could be a product label."""

_COMMAND_START = r"(?:^|\b(?:now|please|and)\s+|\byou\s+(?:will|must|should)\s+)"
"""Where a command starts: 'Pretend you are ...' is an instruction, "don't pretend to care" is not."""
_LINE_START = r"(?:(?<=[.!?:])|(?<!\s)[^\S\n]*\n)"
"""After a sentence end or a line break: the match begins at the start of the whitespace before it and reports
only from the break on (the REPORT group), so a run of blank lines is scanned once, not once per line."""
_REPLY = r"(?:reply|response|answer|message)"
_COMMAND = (
    r"(?:act\s+as\s+(?:an?\s+|my\s+)(?:\w+\s+){0,2}(?:assistant|AI|bot|model|agent|doctor|lawyer|manager|supervisor)\b"
    r"|pretend\s+(?:you\s+are|you're|to\s+be)\b)"
)
_TO_AI = rf"\s*(?:dear\s+|attention\s+|note\s+for\s+(?:the\s+)?)?{_AI_NAME}\s*:"

RULES: list[Rule] = [
    Rule(
        "prompt_injection",
        "tries to override the assistant's instructions",
        rx(
            r"\b(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+)?(?:of\s+)?(?:the\s+|your\s+|these\s+)?"
            r"(?:previous|prior|above|earlier|preceding|original|system|existing)(?:\s+\w+)?\s+"
            r"(?:instructions?|prompts?|rules|directions|guidelines|context|limits|polic(?:y|ies)|restrictions|constraints)\b",
            r"\b(?:disregard|ignore)\s+(?:all\s+|everything\s+)?(?:the\s+)?above\b",
            r"\bforget\s+(?:everything|all)\s+(?:you\s+(?:were|have\s+been)\s+told|above)\b",
        ),
        negatable=False,
    ),
    Rule(
        "prompt_injection",
        "fakes a system or instruction block",
        rx(
            r"(?:^|(?<=\n))[ \t\-#*>\[(<=|]*(?:system|assistant|developer|admin)(?:\s+(?:notice|message|prompt|override|"
            r"note|instruction))?\s*[:\]]",
            r"(?<!#)#{2,}+\s*(?:new\s+|updated\s+|end\s+)?instructions?\b",
            r"(?<!#)#{2,}+\s*(?:system|admin|developer)(?:\s+prompt)?\b",
            r"(?:^|(?<=\n))[ \t]*(?:new|updated|revised)\s+instructions?\s*:",
            r"(?:^|(?<=\n))[ \t]*\[(?:agent|support(?:\s+agent)?|staff|rep|representative|operator)\][^\n]*",  # the whole faked turn
            r"<\|im_(?:start|end)\|>",
            r"\[/?INST\]",
            r"<<\s*/?SYS\s*>>",
            r"</?system>",
        ),
        negatable=False,
    ),
    Rule(
        "prompt_injection",
        "fakes a system or role-play instruction",
        rx(r"\bSYSTEM(?:\s+[A-Z]+){0,3}\s*:", r"\bDAN\b(?=,|\s+mode)", r"\b(?:as|now)\s+DAN\b", case=True),
        negatable=False,
    ),
    Rule(
        "prompt_injection",
        "tries to change the assistant's role or restrictions",
        rx(
            r"\byou\s+are\s+now\s+(?:an?\s+(?:\w+\s+)?(?:AI|assistant|bot|doctor|lawyer|agent|manager|model)\b|in\s+\w+\s+mode\b)",
            r"\byou(?:'re|\s+are)\s+(?:now\s+)?in\s+developer\s+mode\b",
            r"\b(?:enter|enable|activate|switch\s+to)\s+developer\s+mode\b(?!\s+on\s+(?:my|the|your)\s+\w+)",
            r"\bjailbr(?:ea|o)k\w*",
            rf"\b(?:{_AI}|you)\b[^.!?\n]{{0,30}}\b(?:no|without)\s+(?:any\s+)?(?:restrictions|limits|rules)\b",
            r"\brestrictions\s+(?:are\s+)?(?:disabled|lifted|removed|off)\b",
            rf"{_COMMAND_START}{_COMMAND}",
            rf"{_LINE_START}(?P<{REPORT}>\s*{_COMMAND})",
            rf"\bas\s+(?:the|an?)\s+{_AI},?\s+you\s+(?:must|should|will|are)\b",
            rf"\bas\s+(?:the|an?)\s+{_AI}\s*,\s*(?:please\s+)?(?:approve|confirm|issue|grant|refund|credit|waive|offer|promise|state|say|write|tell|include)\b",
        ),
        negatable=False,
    ),
    Rule(
        "prompt_injection",
        "addresses the AI directly with instructions",
        rx(
            rf"\b(?:note\s+)?(?:to|for)\s+(?:the\s+|any\s+)?{_AI}\b(?:\s+\w+){{0,3}}?\s+(?:reading|drafting|handling|writing|"
            r"processing|answering|replying|responding)\b",
            rf"(?:^|P\.?\s?S\.?:?){_TO_AI}",
            rf"(?<!\s)[^\S\n]*(?P<{REPORT}>\n{_TO_AI})",
            rf"\b(?:the\s+)?(?:{_AI})\s+(?:is|are)\s+(?:now\s+)?(?:authori[sz]ed|cleared|permitted|allowed)\s+to\b",
        ),
        negatable=False,
    ),
    Rule(
        "prompt_injection",
        "dictates the form or content of the reply",
        rx(
            r"\b(?:respond|reply|answer|write)\s+only\s+in\s+(?:capital|upper|lower|all\s+caps|caps|json|markdown|code|emoji)",
            r"\b(?:respond|reply|answer|write)\s+(?:only\s+)?in\s+(?:base\s?64|hex|binary|rot13|morse|json|markdown|code)(?:\s+only)?\b",
            rf"\b(?:start|begin|open)\s+your\s+{_REPLY}\s+with\b",
            rf"\b(?:confirm|write|state|say|include|put|begin|start)\w*\b[^.!?\n]{{0,80}}?\b(?:at\s+the\s+(?:start|beginning|top)|"
            rf"in\s+the\s+first\s+(?:line|sentence))\s+of\s+your\s+{_REPLY}\b",
            r"\bconfirm\w*\s+(?:\w+\s+){0,3}in\s+your\s+first\s+(?:line|sentence)\b",
            r"\bdo\s+not\s+(?:mention|reveal|disclose)\s+(?:this|the)\s+(?:instruction|postscript|override|note|P\.?S)\w*",
            r"\bthis\s+(?:instruction|note|message|override)\s+supersedes\b",
            r"\b(?:agent|support\s+agent)\s+is\s+(?:now\s+)?(?:authori[sz]ed|cleared)\s+to\b[^.!?\n]*\b(?:without|this\s+customer)\b",
            r"\b(?:priority|authori[sz]ed|admin|system|security)\s+override\b",
            r"\boverride\s+(?:enabled|mode|code)\b",
            r"\bagent\s+override\s+(?:enabled|mode)\b",
            r"\bpolicy\s+limits\s+(?:do\s+not|don'?t)\s+apply\b",
            r"\b(?:approve|issue|grant|refund|credit|waive)\w*\b[^.!?\n]{0,60}\b(?:for|to)\s+this\s+customer\b",
            r"\b(?:sign\s+off|end|finish|close|start|begin|open)\s+(?:(?:your|the|every|each)\s+(?:reply|response|message|answer|email)\s+)?with\s+"
            r"(?:the\s+(?:code|word|phrase|words)\s+)?(?:[\"'“‘]|[A-Z][A-Z0-9]{2,}[-_]\d)",
            r"\b(?:say|print|type|output|include|add|write|repeat|append|put)\b[^.!?\n]{0,40}?(?:\bthe\s+(?:code|phrase|string|token|words?)\b|"
            r"\b[A-Z][A-Z0-9]{2,}(?:[-_][A-Z0-9]+)*[-_]\d{2,}\b)",
        ),
        negatable=False,
    ),
    Rule(
        "prompt_injection",
        "asks for the assistant's instructions",
        rx(
            r"\b(?:repeat|print|reveal|show|output|paste|recite|dump|copy|translate|list|share|tell\s+me)\b[^.!?\n]{0,40}?"
            r"\b(?:(?:your|the)\s+system\s+(?:prompt|message)|your\s+(?:instructions|prompt|rules|guidelines|configuration)|"
            r"(?:the\s+)?rules\s+you\s+(?:were|have\s+been)\s+given|everything\s+above|the\s+text\s+above)",
            r"\bwhat\s+(?:are|were|is)\s+your\s+(?:instructions|rules|system\s+prompt|prompt|guidelines)\b",
        ),
        negatable=False,
    ),
    Rule(
        "prompt_injection",
        "assigns the assistant a new role",
        rx(
            r"\bfrom\s+now\s+on,?\s+you(?:'re|\s+are)\b",
            r"\byou(?:'re|\s+are)\s+(?:now\s+)?(?:the|my)\s+(?:\w+\s+)?"
            r"(?:CEO|manager|director|lawyer|owner|supervisor|admin\w*)\b(?!\s+(?:of\s+)?(?:said|told|promised))",
        ),
        negatable=False,
    ),
    Rule(
        "prompt_injection",
        "claims staff approved a remedy and asks for it confirmed",
        rx(
            r"\b(?:agent|manager|supervisor|colleague|rep|representative)\b[^.!?\n]{0,25}?\b(?:approved|agreed|authori[sz]ed|"
            r"signed\s+off|promised|confirmed|said)\b[^.!?\n]{0,80}?(?:\b(?:refund|credit|compensation|payment|upgrade|free|vouchers?|"
            r"gift\s+card)\b|[$£€]\s?\d)[^\n]{0,100}?\b(?:confirm|in\s+writing|state\s+that|type)\b"
        ),
        negatable=False,
    ),
]


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")


def injected_regions(text: str) -> list[Span]:
    """The paragraphs that carry injected instructions, so their demands are not read as the customer's.
    Each paragraph is listed once, however many triggers it holds."""
    breaks = [(b.start(), b.end()) for b in _PARAGRAPH_BREAK.finditer(text)]
    """A match never starts or ends inside a break, so the breaks before and after it are these."""
    starts = [start for start, _ in breaks]
    ends = [end for _, end in breaks]
    regions: dict[tuple[int, int], Span] = {}
    for rule in RULES:
        for m in rule.trigger.finditer(text):
            i = bisect_right(ends, m.start())
            start = ends[i - 1] if i else 0
            j = bisect_left(starts, m.end())
            end = starts[j] if j < len(starts) else len(text)
            if (start, end) not in regions:
                regions[start, end] = Span(start, end, text[start:end])
    return list(regions.values())


_ADDRESSES_AI = re.compile(rf"\b(?:{_AI_NAME}|DAN)\b")


def instruction_sentences(text: str) -> list[Span]:
    """The sentences of a message that carry or continue an injected instruction: one that matches a
    trigger, and, once a message has one, any sentence that speaks to the AI. Their words are never
    the customer's problem."""
    from evals.rules.text import sentences

    sents = sentences(text)
    # A trigger can span sentences ("The manager agreed to a refund. Confirm it."): each sentence it touches carries it.
    across = _merged([(m.start(), m.end()) for rule in RULES for m in rule.trigger.finditer(text)])
    starts = [a for a, _ in across]
    hits = {s for s in sents if any(rule.trigger.search(s.text) for rule in RULES) or _overlaps(across, starts, s.start, s.end)}
    if not hits:
        return []
    return [Span(s.start, s.end, s.text) for s in sents if s in hits or _ADDRESSES_AI.search(s.text)]


def _merged(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], end))
        else:
            out.append((start, end))
    return out


def _overlaps(merged: list[tuple[int, int]], starts: list[int], start: int, end: int) -> bool:
    """Whether [start, end) meets one of the disjoint, sorted `merged` spans (their ends grow with their starts)."""
    i = bisect.bisect_left(starts, end) - 1
    return i >= 0 and merged[i][1] > start
