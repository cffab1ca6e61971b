"""Lexicon helpers shared by the analysis detectors: pattern building, spans, sentences, negation, quotes."""
from __future__ import annotations

import re
from dataclasses import dataclass

from api.analysis.model import Evidence


def rx(*alternatives: str, case: bool = False) -> re.Pattern[str]:
    """Compile alternatives into one pattern; case-insensitive unless `case` (needed for acronyms like ICO, DAN)."""
    return re.compile("|".join(f"(?:{a})" for a in alternatives), 0 if case else re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) into the analysed text."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, m: re.Match[str]) -> Span:
        return cls(m.start(), m.end(), m.group(0))

    def evidence(self) -> Evidence:
        return Evidence(start=self.start, end=self.end, text=self.text)


_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”’)\]]*|\n|$)")


def sentences(text: str) -> list[Span]:
    """Sentences (or lines) with offsets into `text`, whitespace trimmed."""
    out: list[Span] = []
    for m in _SENTENCE.finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        start = m.start() + (len(raw) - len(raw.lstrip()))
        out.append(Span(start, start + len(stripped), stripped))
    return out


def sentence_around(text: str, pos: int) -> Span:
    """The sentence containing character `pos` (cheap: scans outward to the nearest sentence ends)."""
    left = max(text.rfind(c, 0, pos) for c in ".!?\n") + 1
    ends = [i for i in (text.find(c, pos) for c in ".!?\n") if i != -1]
    right = min(ends) + 1 if ends else len(text)
    return Span(left, right, text[left:right])


_NEGATION = re.compile(r"\b(?:not|never|no|nor|without)\b|n[’']t\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(
    r"[,.;:!?\n()\[\]]|\b(?:but|if|whether|that|unless|or|otherwise|then|so|because|and|until|when|once)\b"
    r"|\b(?:i|we|he|she|they)(?:[’'](?:m|ll|ve|d|re|s))?\b",
    re.IGNORECASE,
)
NEGATION_WINDOW = 60
"""How far back (characters) a negation cue can sit before the trigger."""


def negated(text: str, start: int) -> bool:
    """True when a negation cue governs the clause that ends at `start`.

    The clause starts after the last punctuation, conjunction or new subject pronoun, so in
    "If I don't hear back I will sue" the "don't" belongs to another clause and does not negate "sue",
    while in "I don't want to sue anyone" it does.
    """
    left = text[max(0, start - NEGATION_WINDOW):start]
    cut = 0
    for m in _CLAUSE_BREAK.finditer(left):
        cut = m.end()
    return bool(_NEGATION.search(left[cut:]))


_QUOTES = '"“”'


def quoted(text: str, start: int) -> bool:
    """True when `start` sits inside double quotes on its line: a label or reported speech, not the writer's claim."""
    line_start = text.rfind("\n", 0, start) + 1
    return sum(text.count(q, line_start, start) for q in _QUOTES) % 2 == 1


def first(pattern: re.Pattern[str], text: str) -> Span | None:
    m = pattern.search(text)
    return Span.of(m) if m else None
