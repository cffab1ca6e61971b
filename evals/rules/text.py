"""Text helpers for checks: sentences with offsets, regex spans, word n-grams."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from evals.rules.model import Span

_SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"')\]]*|\n|$)")
_GREETING = re.compile(
    r"^\s*(hi|hello|hey|dear|good (morning|afternoon|evening)|greetings)\b[^.!?\n]{0,50}[,!.:]?\s*$"
    r"|^\s*(thank(s| you)( so much)? for (calling|reaching out|contacting|getting in touch|writing|your (message|email|call|patience))"
    r"|this is \w+|you'?re through to)",
    re.I,
)
_SIGNOFF = re.compile(
    r"^\s*(best|kind|warm)?\s*(regards|wishes|thanks|sincerely|cheers|take care)\b[^.!?\n]{0,40}$"
    r"|^\s*[-–—]?\s*[A-Z][a-z]+( [A-Z][a-z]+)?\s*(,|$)",
)
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9'’]*")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str

    def span(self) -> Span:
        return Span(start=self.start, end=self.end, text=self.text)


def sentences(text: str) -> list[Sentence]:
    """Split into sentences/lines, keeping character offsets into `text` (whitespace trimmed)."""
    out: list[Sentence] = []
    for m in _SENTENCE.finditer(text):
        raw = m.group(0)
        stripped = raw.strip()
        if not WORD.search(stripped):
            continue
        start = m.start() + (len(raw) - len(raw.lstrip()))
        out.append(Sentence(start, start + len(stripped), stripped))
    return out


def is_greeting(sentence: Sentence) -> bool:
    return bool(_GREETING.search(sentence.text))


def is_signoff(sentence: Sentence) -> bool:
    return bool(_SIGNOFF.search(sentence.text)) and len(sentence.text) < 40


def body_sentences(text: str) -> list[Sentence]:
    """Sentences with greetings and call-centre openers removed."""
    return [s for s in sentences(text) if not is_greeting(s)]


def find_spans(pattern: re.Pattern[str], text: str) -> list[Span]:
    return [Span(start=m.start(), end=m.end(), text=m.group(0)) for m in pattern.finditer(text)]


def find_all(patterns: Iterable[re.Pattern[str]], text: str) -> list[Span]:
    spans = [s for p in patterns for s in find_spans(p, text)]
    return merge_spans(spans)


def merge_spans(spans: list[Span]) -> list[Span]:
    """Sort and merge overlapping spans (their text is re-read from the longer one's bounds)."""
    out: list[Span] = []
    for s in sorted(spans, key=lambda s: (s.start, -s.end)):
        if out and s.start < out[-1].end:
            last = out[-1]
            if s.end > last.end:
                joined = last.text + s.text[last.end - s.start :]
                out[-1] = Span(start=last.start, end=s.end, text=joined)
            continue
        out.append(s)
    return out


def words_with_offsets(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0).lower().replace("’", "'"), m.start(), m.end()) for m in WORD.finditer(text)]


def rx(*alternatives: str) -> re.Pattern[str]:
    """Compile word-bounded, case-insensitive alternatives."""
    return re.compile("|".join(f"(?:{a})" for a in alternatives), re.I)
