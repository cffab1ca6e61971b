"""Text helpers for checks: sentences and clauses with offsets, regex spans, word n-grams."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from evals.rules.model import Span

_BOUNDARY = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s|$)|\n")
_ABBREVIATION = re.compile(r"\b(mr|mrs|ms|mx|dr|prof|st|mt|jr|sr|no|vs|etc|approx|dept|e\.g|i\.e|a\.m|p\.m|u\.s|u\.k|inc|ltd|co)\.$", re.I)
"""Words whose trailing period does not end a sentence ("Dear Mrs. Osei", "5 p.m. tomorrow")."""
_GREETING = re.compile(
    r"^\s*(hi|hiya|hello|hey|dear(est)?|good (morning|afternoon|evening)|greetings|g'?day|respected|namaste|hola)\b[^!?\n]{0,50}[,!.:]*\s*$"
    r"|^\s*(?-i:([A-Z][\w'.-]*\s+|and\s+|&\s+){0,4}[A-Z][\w'.-]*)\s*[,:]\s*$"
    r"|^\s*(thank(s| you)( so much)? for (calling|reaching out|contacting|getting in touch|writing|telling us|letting us know|your (message|email|call|patience))"
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


def _trimmed(text: str, start: int, end: int) -> Sentence | None:
    raw = text[start:end]
    stripped = raw.strip()
    if not WORD.search(stripped):
        return None
    s = start + (len(raw) - len(raw.lstrip()))
    return Sentence(s, s + len(stripped), stripped)


def sentences(text: str) -> list[Sentence]:
    """Split into sentences/lines, keeping character offsets into `text` (whitespace trimmed).

    A sentence ends at a newline or at ., ! or ? followed by whitespace, so decimals ($34.99),
    times (9:40) and domains stay whole; titles and common abbreviations (Mrs., p.m.) do not end one.
    """
    return list(_sentences(text))


@lru_cache(maxsize=512)
def _sentences(text: str) -> tuple[Sentence, ...]:
    out: list[Sentence] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        if m.group(0) != "\n" and m.group(0).startswith(".") and _ABBREVIATION.search(text[max(0, m.start() - 6) : m.start() + 1]):
            continue
        out.extend(_notes_apart(text, start, m.end()))
        start = m.end()
    out.extend(_notes_apart(text, start, len(text)))
    return tuple(out)


_LEADING_NOTE = re.compile(r"\s*\[[^\[\]]*\]")


def _notes_apart(text: str, start: int, end: int) -> list[Sentence]:
    """A phone script's bracketed notes at the start of a sentence ("[Pause] I'd be fed up too.") are
    sentences of their own, so the words the customer hears start where they do."""
    out = []
    while (m := _LEADING_NOTE.match(text, start, end)) is not None and WORD.search(text, m.end(), end):
        note = _trimmed(text, start, m.end())
        if note is not None:
            out.append(note)
        start = m.end()
    sentence = _trimmed(text, start, end)
    if sentence is not None:
        out.append(sentence)
    return out


_CLAUSE_BREAK = re.compile(
    r"\s*;\s*|(?<!\d)\s*[:—–](?!\d)\s*|\s+-\s+"
    r"|,?\s+\b(?=(?:and|but|so|while|whereas|although|though|because|which|once|until|when|then)\b\s+(?:then\s+)?"
    r"(?:i|i'm|i'll|i've|i'd|we|we're|we'll|we've|you|you're|you'll|you've|it|it's|it'll|they|they're|they'll|this|that|there|he|she|the|your|our|their|my|a|an|once|as|if)\b)"
    r"|,\s+(?=(?:i|i'm|i'll|i've|we|we're|we'll|we've|you|you'll|it|it'll|they|they'll|so|but|which)\b)"
    r"|\s+and\s+(?=(?:i|i'm|i'll|i've|we|we'll|we've|we're)\b)",
    re.I,
)


def clauses(sentence: Sentence) -> list[Sentence]:
    """Split a sentence at semicolons, dashes and clause-joining conjunctions that start a new subject.

    Good enough to keep "I've moved your plan at the same $60 price, and I've added a $75 credit"
    as two clauses; it does not try to parse nested structure.
    """
    out: list[Sentence] = []
    start = 0
    text = sentence.text
    for m in _CLAUSE_BREAK.finditer(text):
        part = _trimmed(text, start, m.start())
        if part is not None:
            out.append(Sentence(sentence.start + part.start, sentence.start + part.end, part.text))
        start = m.end()
    part = _trimmed(text, start, len(text))
    if part is not None:
        out.append(Sentence(sentence.start + part.start, sentence.start + part.end, part.text))
    return out


def all_clauses(text: str) -> list[Sentence]:
    return list(_all_clauses(text))


@lru_cache(maxsize=512)
def _all_clauses(text: str) -> tuple[Sentence, ...]:
    return tuple(c for s in _sentences(text) for c in clauses(s))


_APOLOGY_CLAUSE = re.compile(
    r"\b(sorry|apologi[sz]e|apologies|regret)\b"
    r"((?!\s(and|but|so|then|which)\s+(i|we|i'm|i've|i'll|we're|we've|we'll|i have|we have|i will|we will|i am|we are)\b)[^.!?;:,])*",
    re.I,
)
"""An apology word and the rest of its clause, up to punctuation or 'and I've ...' starting a new one."""


@lru_cache(maxsize=1024)
def mask_apologies(text: str) -> str:
    """Blank out what follows an apology word up to the next clause break, keeping offsets.

    "I'm sorry we sent the wrong size today" describes the failure, not a step or a remedy, so
    checks looking for commitments must not read it.
    """
    return _APOLOGY_CLAUSE.sub(lambda m: " " * len(m.group(0)), text)


_SPEAKER = re.compile(r"^\s*(agent|rep|representative|advisor|adviser|staff|you|me|us|say)\s*:\s*\"?", re.I)
"""A phone script's speaker label: "Agent: Good morning, you're through to ..." is still the greeting."""
_CUSTOMER_TURN = re.compile(r"^\s*(customer|caller|client|member)\s*:", re.I)
"""The customer's lines in a scripted call are theirs, not the reply's."""


def is_customer_turn(sentence: Sentence) -> bool:
    return bool(_CUSTOMER_TURN.match(sentence.text))


def unlabelled(text: str) -> str:
    return _SPEAKER.sub("", text, count=1)


_PHONE_OPENER = re.compile(
    r"^\s*(good )?(morning|afternoon|evening)\b[^.!?]{0,60}[.!]?\s*$"
    r"|^[^.!?]{0,40}\b(good (morning|afternoon|evening)|speaking|here)[.!]?\s*$"
    r"|^[^.!?]{0,40}\b(this is|it'?s|my name'?s) [A-Z][\w'-]+( [A-Z][\w'-]+)?[.!]?\s*$"
    r"|^\s*(?-i:(?:[A-Z][\w&'-]*\s*){1,4})[.!]?\s*$",
    re.I,
)
"""Call-centre openers and name lines: "Morning, Guardwell, this is Aoife.", "Eire Rail, Grainne speaking.",
"ClearSight Opticians." (at most a few words, or a time-of-day greeting that says nothing else)."""


def is_greeting(sentence: Sentence) -> bool:
    text = unlabelled(sentence.text)
    return bool(_GREETING.search(text)) or (len(text) <= 70 and bool(_PHONE_OPENER.search(text)))


def is_signoff(sentence: Sentence) -> bool:
    return bool(_SIGNOFF.search(sentence.text)) and len(sentence.text) < 40


_STAGE_DIRECTION = re.compile(r"\[[^\[\]]*\]")
"""Bracketed notes in phone scripts ("[Pause. Let them finish.]") are for the agent, not the customer."""


def is_stage_direction(sentence: Sentence, text: str) -> bool:
    starts, ends = _stage_directions(text)
    i = bisect_right(starts, sentence.start) - 1
    return i >= 0 and sentence.end <= ends[i]


@lru_cache(maxsize=64)
def _stage_directions(text: str) -> tuple[list[int], list[int]]:
    """Starts and ends of the bracketed notes, in order; they cannot nest, so the one that could hold a
    sentence is the last to open at or before it (a binary search, not a scan per sentence)."""
    spans = [m.span() for m in _STAGE_DIRECTION.finditer(text)]
    return [start for start, _ in spans], [end for _, end in spans]


def body_sentences(text: str) -> list[Sentence]:
    """Sentences the customer reads or hears: greetings, call-centre openers and stage directions removed."""
    return [s for s in sentences(text) if not is_greeting(s) and not is_stage_direction(s, text) and not is_customer_turn(s)]


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


_FLAGS = re.I | re.A
"""Case-insensitive, ASCII word classes: about a third faster than Unicode case folding, and the
vocabulary is English (curly quotes and no-break spaces are straightened by `normalize` first)."""


def rx(*alternatives: str) -> re.Pattern[str]:
    """Compile word-bounded, case-insensitive alternatives."""
    return re.compile("|".join(f"(?:{a})" for a in alternatives), _FLAGS)


_QUOTES = str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " ", "\u202f": " ", "\u2009": " "})


@lru_cache(maxsize=1024)
def normalize(text: str) -> str:
    """Straighten curly quotes (and no-break spaces) so patterns written with ' match LLM output; keeps every offset."""
    return text.translate(_QUOTES)


def in_original(spans: Iterable[Span], original: str) -> list[Span]:
    """Re-read span texts from the original reply (spans found on `normalize`d text keep their offsets)."""
    return [Span(start=s.start, end=s.end, text=original[s.start : s.end]) for s in spans]


WORD_START = r"(?<![A-Za-z0-9_])(?=[A-Za-z])"


def word_rx(*alternatives: str) -> re.Pattern[str]:
    """Like `rx`, for alternatives that each start with a word beginning with a letter.

    The leading look-around lets the engine reject every other position at once, which roughly
    halves the time of large vocabulary patterns; use `rx` when an alternative can start with a
    digit, a symbol or mid-word.
    """
    for a in alternatives:
        if any(option.startswith(("'", "’")) for option in _leading_options(a)):
            raise ValueError(f"word_rx alternative can start with an apostrophe, which WORD_START never matches: {a[:60]}")
    return re.compile(WORD_START + "(?:" + "|".join(f"(?:{a})" for a in alternatives) + ")", _FLAGS)


def _leading_options(alternative: str) -> list[str]:
    """The top-level options of the group an alternative opens with ('\\b(will|'ll)...' gives ['will', "'ll"])."""
    body = alternative.removeprefix("\\b")
    if not body.startswith("("):
        return [body]
    depth, options, start = 0, [], 1
    for i, ch in enumerate(body):
        if ch == "(" and (i == 0 or body[i - 1] != "\\"):
            depth += 1
        elif ch == ")" and body[i - 1] != "\\":
            depth -= 1
            if depth == 0:
                options.append(body[start:i])
                break
        elif ch == "|" and depth == 1:
            options.append(body[start:i])
            start = i + 1
    return options
