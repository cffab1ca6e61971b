"""Lexicon helpers shared by the analysis detectors: pattern building, spans, sentences, negation, quotes."""

from __future__ import annotations

import re
import string
from bisect import bisect_left, bisect_right
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from api.analysis.model import Evidence

_FOLD_TABLE = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)


@lru_cache(maxsize=64)
def fold(text: str) -> str:
    """ASCII lower-casing that keeps every offset (str.lower() can change lengths outside ASCII)."""
    return text.translate(_FOLD_TABLE)


REPORT = "report"
"""A pattern's group of this name, when it takes part, is what the match reports as its whole span: the pattern
may consume more (a look-back written as a match, so each position is tried once), the hit is only that part."""


class Hit:
    """A match found in folded text, reporting groups from the original text so evidence keeps its case."""

    __slots__ = ("_m", "_text")

    def __init__(self, m: re.Match[str], text: str) -> None:
        self._m = m
        self._text = text

    def _group(self, group: int | str) -> int | str:
        if group == 0 and REPORT in self._m.re.groupindex and self._m.start(REPORT) >= 0:
            return REPORT
        return group

    def start(self, group: int | str = 0) -> int:
        return self._m.start(self._group(group))

    def end(self, group: int | str = 0) -> int:
        return self._m.end(self._group(group))

    def span(self, group: int | str = 0) -> tuple[int, int]:
        return self._m.span(self._group(group))

    def group(self, group: int | str = 0) -> str | None:
        start, end = self._m.span(self._group(group))
        return None if start < 0 else self._text[start:end]

    def groupdict(self) -> dict[str, str | None]:
        return {name: self.group(name) for name in self._m.re.groupindex}


def _lower_literals(pattern: str) -> str:
    """Lower-case a pattern's letters but not its escapes (\\S stays \\S) or named-group syntax."""
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" or pattern.startswith("(?P", i):
            step = 2 if pattern[i] == "\\" else 3
            out.append(pattern[i : i + step])
            i += step
        else:
            out.append(pattern[i].lower())
            i += 1
    return "".join(out)


class Lexicon:
    """A compiled pattern that matches case-insensitively by scanning the folded text without re.IGNORECASE,
    which is about three times faster in Python's re; with `case` it matches the original text as written."""

    def __init__(self, pattern: str, case: bool = False) -> None:
        self.case = case
        self._re = re.compile(pattern if case else _lower_literals(pattern), re.ASCII)

    def _subject(self, text: str) -> str:
        return text if self.case else fold(text)

    def finditer(self, text: str, pos: int = 0, endpos: int | None = None) -> Iterator[Hit]:
        subject = self._subject(text)
        for m in self._re.finditer(subject, pos, len(text) if endpos is None else endpos):
            yield Hit(m, text)

    def search(self, text: str, pos: int = 0, endpos: int | None = None) -> Hit | None:
        subject = self._subject(text)
        m = self._re.search(subject, pos, len(text) if endpos is None else endpos)
        return Hit(m, text) if m else None

    def match(self, text: str, pos: int = 0, endpos: int | None = None) -> Hit | None:
        m = self._re.match(self._subject(text), pos, len(text) if endpos is None else endpos)
        return Hit(m, text) if m else None

    def count(self, text: str) -> int:
        return sum(1 for _ in self.finditer(text))


def rx(*alternatives: str, case: bool = False) -> Lexicon:
    """One Lexicon from alternatives; case-insensitive unless `case` (acronyms like ICO, names, 'SYSTEM:').

    Alternatives that start at a word boundary share one boundary test, up front: Python's re would otherwise try
    each of them at every character, and the lexicons are long.
    """
    bounded = [a[2:] for a in alternatives if a.startswith(r"\b")]
    others = [a for a in alternatives if not a.startswith(r"\b")]
    parts = ([r"\b(?:" + "|".join(f"(?:{a})" for a in bounded) + ")"] if bounded else []) + [f"(?:{a})" for a in others]
    return Lexicon("|".join(parts), case)


@dataclass(frozen=True)
class Span:
    """A half-open character range [start, end) into the analysed text."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, m: Hit | re.Match[str]) -> Span:
        return cls(m.start(), m.end(), m.group(0) or "")

    def evidence(self) -> Evidence:
        return Evidence(start=self.start, end=self.end, text=self.text)


_SENTENCE_END = re.compile(r"[.!?\n]")
_QUOTE_CHAR = re.compile('["“”]')


@dataclass(frozen=True)
class _Marks:
    """Where a text's sentence ends, line ends and double quotes are, so a question about one position is a
    binary search, not a scan: detectors ask for every match, and a scan per match is quadratic on a long line."""

    ends: list[int]
    newlines: list[int]
    quotes: list[int]


@lru_cache(maxsize=64)
def _marks(text: str) -> _Marks:
    return _Marks(
        [m.start() for m in _SENTENCE_END.finditer(text)],
        [m.start() for m in re.finditer("\n", text)],
        [m.start() for m in _QUOTE_CHAR.finditer(text)],
    )


def sentence_bounds(text: str, pos: int) -> tuple[int, int]:
    """[start, end) of the sentence containing character `pos`: from after the last . ! ? or newline before
    `pos` to just after the first one at or after it."""
    ends = _marks(text).ends
    i = bisect_left(ends, pos)
    left = ends[i - 1] + 1 if i else 0
    right = ends[i] + 1 if i < len(ends) else len(text)
    return left, right


def line_bounds(text: str, pos: int) -> tuple[int, int]:
    """[start, end) of the line containing character `pos`, without its newline."""
    newlines = _marks(text).newlines
    i = bisect_left(newlines, pos)
    return (newlines[i - 1] + 1 if i else 0), (newlines[i] if i < len(newlines) else len(text))


class Regions:
    """Half-open character ranges, asked whether they hold a position in logarithmic time (a text can hold
    thousands of flagged regions, and as many matches to test against them)."""

    def __init__(self, ranges: list[tuple[int, int]]) -> None:
        merged: list[tuple[int, int]] = []
        for start, end in sorted(ranges):
            if merged and start <= merged[-1][1]:
                merged[-1] = (merged[-1][0], max(merged[-1][1], end))
            else:
                merged.append((start, end))
        self._starts = [start for start, _ in merged]
        self._ends = [end for _, end in merged]

    def __contains__(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]

    def overlaps(self, start: int, end: int) -> bool:
        """Some range shares a character with [start, end)."""
        i = bisect_left(self._ends, start + 1)
        return i < len(self._starts) and self._starts[i] < end


def sentence_around(text: str, pos: int) -> Span:
    """The sentence containing character `pos`."""
    left, right = sentence_bounds(text, pos)
    return Span(left, right, text[left:right])


_NEGATION = re.compile(r"\b(?:not|never|no|nor|without|nobody|no-one|none)\b|\bno\s+one\b|n[’']t\b", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(
    r"[,.;:!?\n()\[\]]|\b(?:but|if|whether|that|unless|or|otherwise|then|so|because|and|until|when|once)\b"
    r"|\b(?:i|we|he|she|they)(?:[’'](?:m|ll|ve|d|re|s))?\b",
    re.IGNORECASE,
)
NEGATION_WINDOW = 60
"""How far back (characters) a negation cue can sit before the trigger."""


_NOT_A_NEGATION = re.compile(
    r"\b(?:don'?t|do\s+not)\s+(?:make|force|push)\s+me\b|\bwon'?t\s+hesitate\b|\bnot\s+(?:afraid|joking|kidding|hesitate)\b"
    r"|\bno\s+(?:choice|option|idea)\b",
    re.IGNORECASE,
)
"""Negative words that do not negate what follows: "don't make me go to the regulator" is still a threat."""


def negated(text: str, start: int) -> bool:
    """True when a negation cue governs the clause that ends at `start`.

    The clause starts after the last punctuation, conjunction or new subject pronoun, so in
    "If I don't hear back I will sue" the "don't" belongs to another clause and does not negate "sue",
    while in "I don't want to sue anyone" it does.
    """
    left = text[max(0, start - NEGATION_WINDOW) : start]
    cut = 0
    for m in _CLAUSE_BREAK.finditer(left):
        cut = m.end()
    return bool(_NEGATION.search(_NOT_A_NEGATION.sub(" ", left[cut:])))


def quoted(text: str, start: int) -> bool:
    """True when `start` sits inside double quotes on its line: a label or reported speech, not the writer's claim."""
    marks = _marks(text)
    i = bisect_left(marks.newlines, start)
    line_start = marks.newlines[i - 1] + 1 if i else 0
    return (bisect_left(marks.quotes, start) - bisect_left(marks.quotes, line_start)) % 2 == 1


def first(pattern: Lexicon, text: str) -> Span | None:
    m = pattern.search(text)
    return Span.of(m) if m else None
