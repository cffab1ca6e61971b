"""Escalation flags said in other words: a learned layer over word classes, after the phrase and concept rules.

The phrase rules and concept entries catch the usual wordings precisely; measured on messages nobody tuned
them on, they missed three in ten flags ("I'm doing a full thread with screenshots", "Happy to let a judge
decide", "the pedal went most of the way to the floor"). Another phrase would catch the next one no better.
This layer scores each sentence per flag kind with a logistic regression over how many words of each class
in `data/flag_word_classes.json` it has, and over pairs of classes (a child with an injury, data that is
gone, a public place with a verb of publishing). The weights are trained by `api/analysis/train_flags.py`
on the tuning messages' labelled evidence and ship as `models/flags.json`.
"""

from __future__ import annotations

import json
import re
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from api.analysis.negation import negated_in_parse
from api.analysis.social import blank_noise
from api.analysis.text import Span
from evals.rules.text import sentences

CLASSES_PATH = Path(__file__).with_name("data") / "flag_word_classes.json"
MODEL_PATH = Path(__file__).with_name("models") / "flags.json"
LEARNED_KINDS = ("legal_threat", "authority_threat", "media_threat", "safety", "vulnerable_customer", "data_loss")
_WORD = re.compile(r"[a-z0-9][a-z0-9'&-]*")
SINGLE_CLASS_THRESHOLD = 0.99
ANCHORS: dict[str, frozenset[str]] = {
    "legal_threat": frozenset({"legal"}),
    "authority_threat": frozenset({"authority"}),
    "media_threat": frozenset({"public"}),
    "safety": frozenset({"body_harm", "danger", "food", "medical_care"}),
    "vulnerable_customer": frozenset({"vulnerable", "medical_care", "child"}),
    "data_loss": frozenset({"data"}),
}
"""The classes a kind's evidence must come from. The weights are free to learn that "I'll ... by Friday"
goes with threats; without this, a sentence with intent words and a court in it ("I'll be asking for the
shop's notes as evidence") was read as a threat to go to the press, with "notes" as its evidence."""


@dataclass(frozen=True)
class WordClasses:
    idioms: tuple[str, ...]
    """phrases blanked before matching"""
    exact: dict[str, frozenset[str]]
    """word -> classes it names exactly"""
    prefixes: dict[str, tuple[tuple[str, str], ...]]
    """first four letters -> (term, class) for terms of 4+ letters, which also match as prefixes"""
    phrases: tuple[tuple[str, str], ...]
    """(phrase, class) for entries with a space"""


@lru_cache(maxsize=1)
def word_classes() -> WordClasses:
    raw = json.loads(CLASSES_PATH.read_text(encoding="utf-8"))
    exact: dict[str, set[str]] = {}
    prefixes: dict[str, list[tuple[str, str]]] = {}
    phrases: list[tuple[str, str]] = []
    for name, words in raw.items():
        if name.startswith("_"):
            continue
        for term in words:
            if " " in term:
                phrases.append((term, name))
                continue
            only_exact = term.endswith("$")
            term = term.rstrip("$")
            exact.setdefault(term, set()).add(name)
            if len(term) >= 4 and not only_exact:
                prefixes.setdefault(term[:4], []).append((term, name))
    return WordClasses(
        tuple(raw.get("_idioms", ())),
        {w: frozenset(c) for w, c in exact.items()},
        {k: tuple(v) for k, v in prefixes.items()},
        tuple(phrases),
    )


def class_hits(text: str) -> dict[str, list[tuple[int, int]]]:
    """Class name -> character spans of its words in `text` (lower-cased matching). A word matches a
    term exactly or, for terms of 4+ letters, as a prefix; lookups are by dictionary, so this is linear."""
    lower = text.lower().replace("’", "'")
    classes = word_classes()
    for idiom in classes.idioms:
        lower = lower.replace(idiom, " " * len(idiom))
    hits: dict[str, list[tuple[int, int]]] = {}
    for m in _WORD.finditer(lower):
        word = m.group(0)
        names = set(classes.exact.get(word, ()))
        names.update(name for term, name in classes.prefixes.get(word[:4], ()) if word.startswith(term))
        for name in names:
            hits.setdefault(name, []).append((m.start(), m.end()))
    for phrase, name in classes.phrases:
        start = lower.find(phrase)
        if start >= 0:
            hits.setdefault(name, []).append((start, start + len(phrase)))
    return hits


def features(text: str) -> dict[str, float]:
    """Named feature values of one sentence."""
    hits = class_hits(text)
    present = sorted(name for name in hits if name not in ("negator", "intend"))
    f: dict[str, float] = {name: float(min(len(spans), 3)) for name, spans in hits.items()}
    for a, b in combinations(present, 2):
        f[f"{a}*{b}"] = 1.0
    for name in present:
        if "intend" in hits:
            f[f"{name}*intend"] = 1.0
        if "negator" in hits:
            f[f"{name}*negator"] = 1.0
    f["question"] = float(text.rstrip().endswith("?"))
    return f


@dataclass(frozen=True)
class FlagModel:
    weights: dict[str, dict[str, float]]
    intercepts: dict[str, float]
    threshold: float

    def probability(self, kind: str, feats: dict[str, float]) -> float:
        import math

        z = self.intercepts[kind] + sum(self.weights[kind].get(n, 0.0) * v for n, v in feats.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


@lru_cache(maxsize=1)
def model() -> FlagModel:
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return FlagModel(weights=raw["weights"], intercepts=raw["intercepts"], threshold=float(raw["threshold"]))


def learned_flags(text: str, skip: set[str], dismissed: Mapping[str, list[tuple[int, int]]] | None = None) -> dict[str, tuple[str, Span]]:
    """Flag kind -> (reason, evidence) for kinds not in `skip` that a sentence of `text` scores above the
    threshold for. The evidence is the sentence's word of the kind's most telling class. A sentence where a
    phrase rule of the kind saw its trigger and a guard `dismissed` it is left to that rule."""
    dismissed_at = {kind: sorted(start for start, _ in spans) for kind, spans in (dismissed or {}).items()}
    m = model()
    found: dict[str, tuple[str, Span]] = {}
    clean = blank_noise(text)
    for sentence in sentences(clean):
        feats = features(sentence.text)
        if not feats:
            continue
        # One class alone ("a review on Trustpilot", "my phone died") needs more confidence than two together.
        paired = any("*" in name and "negator" not in name for name in feats)
        threshold = m.threshold if paired else SINGLE_CLASS_THRESHOLD
        for kind in LEARNED_KINDS:
            if kind in skip or kind in found:
                continue
            turned_down = dismissed_at.get(kind, [])
            i = bisect_left(turned_down, sentence.start)
            if i < len(turned_down) and turned_down[i] < sentence.end:
                continue
            hits = class_hits(sentence.text)
            anchored = [n for n in hits if n in ANCHORS[kind]]
            if not anchored or m.probability(kind, feats) < threshold:
                continue
            best = max(anchored, key=lambda n: m.weights[kind].get(n, 0.0))
            start, end = hits[best][0]
            if "negator" in hits and negated_in_parse(sentence.text, start):
                continue  # "I'm not going to take legal action": the parse, not the classes, reads negation
            start, end = sentence.start + start, sentence.start + end
            found[kind] = ("said in other words (learned)", Span(start, end, text[start:end]))
    return found
