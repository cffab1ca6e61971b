"""Escalation flags by meaning: co-occurring concept words in one sentence, not negated.

Phrase rules (threats.py, harm.py) catch the usual wording; people also say "my brother-in-law
is a solicitor and he's seen the emails" or "the charger was too hot to touch and smelled of
burning". An entry in `data/flag_concepts.json` lists groups of words; a sentence with a word
from every group raises the flag, unless the parser finds the words negated ("I'm not going to
post this anywhere"). Evidence is the word of the first group.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from api.analysis.negation import negated_in_sentence
from api.analysis.social import blank_noise
from api.analysis.text import Span
from evals.rules.text import sentences

CONCEPTS_PATH = Path(__file__).with_name("data") / "flag_concepts.json"
_WORD = re.compile(r"[a-z][a-z'-]*")


@dataclass(frozen=True)
class Concept:
    kind: str
    reason: str
    groups: tuple[tuple[str, ...], ...]


@lru_cache(maxsize=1)
def concepts() -> tuple[Concept, ...]:
    raw = json.loads(CONCEPTS_PATH.read_text(encoding="utf-8"))
    return tuple(
        Concept(kind, entry["reason"], tuple(tuple(g) for g in entry["groups"]))
        for kind, entries in raw.items()
        if not kind.startswith("_")
        for entry in entries
    )


def _matches(word: str, term: str) -> bool:
    return word == term or (len(term) >= 4 and word.startswith(term))


@lru_cache(maxsize=65_536)
def _groups_of(word: str) -> tuple[tuple[int, int], ...]:
    """(concept index, group index) of every group with a term `word` matches: worked out once per word, so
    a sentence is read once rather than once per group."""
    return tuple(
        (ci, gi)
        for ci, concept in enumerate(concepts())
        for gi, group in enumerate(concept.groups)
        if any(_matches(word, term) for term in group)
    )


def _firsts(words: list[tuple[str, int, int]]) -> dict[tuple[int, int], tuple[int, int]]:
    """(concept index, group index) -> span of the first word of the group."""
    firsts: dict[tuple[int, int], tuple[int, int]] = {}
    for word, start, end in words:
        for key in _groups_of(word):
            firsts.setdefault(key, (start, end))
    return firsts


def concept_flags(text: str, skip: set[str]) -> dict[str, tuple[str, Span]]:
    """Flag kind -> (reason, evidence) for kinds not in `skip` that some sentence of `text` expresses."""
    found: dict[str, tuple[str, Span]] = {}
    clean = blank_noise(text).lower()
    for sentence in sentences(clean):
        words = [(m.group(0), sentence.start + m.start(), sentence.start + m.end()) for m in _WORD.finditer(sentence.text)]
        firsts = _firsts(words)
        for ci, concept in enumerate(concepts()):
            if concept.kind in skip or concept.kind in found:
                continue
            hits = [firsts.get((ci, gi)) for gi in range(len(concept.groups))]
            if any(h is None for h in hits):
                continue
            anchor = hits[0]
            assert anchor is not None
            if negated_in_sentence(text, anchor[0], sentence.start, sentence.end):
                continue
            found[concept.kind] = (concept.reason, Span(anchor[0], anchor[1], text[anchor[0] : anchor[1]]))
    return found
