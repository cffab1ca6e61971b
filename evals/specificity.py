"""Does a reply name the customer's actual problem? Concept-group matching with light stemming.

An expected problem is a list of concept groups, each a few words any of which expresses that
concept (`[["crib", "cot"], ["slat"], ["arm", "trapped"]]`). A reply names the problem when at
least min(2, number of groups) groups have a word in it (2 is `min_groups`). Words are compared
after light stemming, so a paraphrase ("the cot slat came loose and trapped her arm") counts
while a template ("the problem you've described") does not. Pure functions; no model, no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# A number with separators ("4,000", "12.50") is one token; otherwise runs of letters/digits, keeping
# inner apostrophes ("company's", "you've"). Hyphens split, so "add-on" matches "add on".
_TOKEN = re.compile(r"\d+(?:[.,]\d+)+|[^\W_]+(?:['’][^\W_]+)*")
_SUFFIXES = ("ing", "ed", "es", "s", "ly")
_VOWELS = frozenset("aeiou")
PREFIX_LEN = 5
PREFIX_MIN_WORD = 6


@dataclass(frozen=True)
class Token:
    """One word of a text: character offsets into the original text, the word and its stem."""

    start: int
    end: int
    word: str
    stem: str


@dataclass(frozen=True)
class GroupMatch:
    """One concept group and the reply spans (start, end, text) that express it; no spans = missed."""

    terms: tuple[str, ...]
    spans: tuple[tuple[int, int, str], ...]

    @property
    def matched(self) -> bool:
        return bool(self.spans)


@dataclass(frozen=True)
class ProblemMatch:
    summary: str
    groups: tuple[GroupMatch, ...]
    min_groups: int = 2

    @property
    def needed(self) -> int:
        return min(self.min_groups, len(self.groups))

    @property
    def hits(self) -> int:
        return sum(g.matched for g in self.groups)

    @property
    def passed(self) -> bool | None:
        """None when the problem lists no concept groups: there is nothing to match."""
        return None if not self.groups else self.hits >= self.needed


def normalize(word: str) -> str:
    """Lower-case, curly apostrophe to straight, possessive "'s" dropped ("Company's" -> "company"),
    thousands separators dropped ("4,000" -> "4000")."""
    word = word.lower().replace("’", "'").replace(",", "")
    return word[:-2] if word.endswith("'s") else word


def stem(word: str) -> str:
    """A light, symmetric stem of a normalized word: one suffix (ing/ed/es/s/ly) off when at least
    three letters remain ("ly" needs four, so "reply" stays), then a final "e" off, "y" to "i" and a
    doubled final consonant undoubled, so "charged"/"charge", "delayed"/"delay", "trapped"/"trap"
    and "deliveries"/"delivery" meet. Words with digits are left as they are."""
    if not word.isalpha():
        return word
    for suffix in _SUFFIXES:
        keep = 4 if suffix == "ly" else 3
        if word.endswith(suffix) and len(word) - len(suffix) >= keep and not (suffix == "s" and word.endswith("ss")):
            word = word[: -len(suffix)]
            break
    if len(word) > 3 and word.endswith("e"):
        word = word[:-1]
    if word.endswith("y"):
        word = word[:-1] + "i"
    if len(word) > 3 and word[-1] == word[-2] and word[-1] not in _VOWELS:
        word = word[:-1]
    return word


def tokenize(text: str) -> list[Token]:
    """The words of `text` with offsets into `text` itself (matched on the original, so offsets stay
    right even where lower-casing would change a string's length)."""
    tokens = []
    for m in _TOKEN.finditer(text):
        word = normalize(m.group())
        if word:
            tokens.append(Token(m.start(), m.end(), word, stem(word)))
    return tokens


def same_word(a: Token, b: Token) -> bool:
    """Equal stems, or two alphabetic words of 6+ letters sharing their first five ("families"/"family")."""
    if a.stem == b.stem:
        return True
    long_words = len(a.word) >= PREFIX_MIN_WORD and len(b.word) >= PREFIX_MIN_WORD
    return long_words and a.word.isalpha() and b.word.isalpha() and a.word[:PREFIX_LEN] == b.word[:PREFIX_LEN]


def _term_spans(reply: str, words: list[Token], term: str) -> list[tuple[int, int, str]]:
    """Every place the (possibly multi-word) term occurs in the reply, as consecutive matching words."""
    parts = tokenize(term)
    if not parts:
        return []
    spans = []
    for i in range(len(words) - len(parts) + 1):
        if all(same_word(words[i + k], p) for k, p in enumerate(parts)):
            start, end = words[i].start, words[i + len(parts) - 1].end
            spans.append((start, end, reply[start:end]))
    return spans


def match_problem(reply: str, terms: list[list[str]], summary: str = "", min_groups: int = 2) -> ProblemMatch:
    """Which of a problem's concept groups the reply expresses, and where; it is named when
    min(min_groups, number of groups) of them are."""
    words = tokenize(reply)
    groups = []
    for group in terms:
        spans = {span for term in group for span in _term_spans(reply, words, term)}
        groups.append(GroupMatch(tuple(group), tuple(sorted(spans))))
    return ProblemMatch(summary, tuple(groups), min_groups)
