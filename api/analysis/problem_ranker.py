"""Which sentences of a message say what went wrong: a trained sentence ranker.

The first ranker was a hand-weighted count of cue words; measured on messages nobody tuned it on,
its top sentence named the customer's main problem in 18 of 55 complaints where some sentence did
(43). Hand weights cannot learn that "I bought it in May" is background and "it swelled up
overnight" is the problem. This is a logistic regression over the same cue counts plus position,
shape and word-stem features, trained by `api/analysis/train_ranker.py` on sentences of the
tuning messages, labelled by whether they carry the concept groups of an expected problem. It
ships as `models/problem_ranker.json`; scoring is a sparse dot product over the sentence's words,
so ranking stays linear in the message length.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data")
MODEL_PATH = Path(__file__).with_name("models") / "problem_ranker.json"
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,:]\d+)*")
_NEGATORS = frozenset({"not", "never", "no", "nothing", "nobody", "cannot", "none", "neither", "nor"})
_DESIRES = frozenset(
    {
        "want",
        "wanted",
        "like",
        "need",
        "needed",
        "expect",
        "hope",
        "wish",
        "demand",
        "prefer",
        "deserve",
        "request",
        "insist",
        "please",
        "kindly",
        "would",
        "could",
        "should",
        "can",
        "will",
    }
)
_HYPOTHETICAL = frozenset({"if", "unless", "otherwise", "or", "else", "until"})
_FIRST_PERSON = frozenset({"i", "my", "me", "we", "our", "us", "i'm", "i've", "i'd", "mine"})
_SECOND_PERSON = frozenset({"you", "your", "you've", "you're", "u", "ur"})
_LINKS = frozenset({"and", "but", "so", "also", "plus", "then", "because", "anyway", "btw", "ps"})
_FUNCTION = frozenset(
    {
        "that",
        "this",
        "have",
        "been",
        "were",
        "with",
        "from",
        "what",
        "when",
        "they",
        "them",
        "their",
        "there",
        "your",
        "just",
        "about",
        "would",
        "could",
        "should",
        "will",
        "into",
        "than",
        "then",
    }
)
_REFERENCE = re.compile(r"\b(?=[A-Za-z-]*\d)[A-Za-z0-9-]{5,}\b|#\d+")
_BACKGROUND = frozenset(
    {
        "bought",
        "ordered",
        "purchased",
        "booked",
        "signed",
        "joined",
        "subscribed",
        "rented",
        "hired",
        "installed",
        "moved",
        "opened",
        "upgraded",
        "switched",
        "registered",
        "customer",
        "member",
    }
)
"""Words of the story's setting ("I bought it in May", "I've been a member for years") rather than what went wrong."""
_TIME_WORDS = frozenset({"still", "again", "yet", "since", "ago", "days", "weeks", "months", "hours", "twice", "third"})


def _lexicon(name: str) -> frozenset[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


CUES = _lexicon("problem_cues.txt")
SKIP = _lexicon("problem_skip.txt")


def stem(word: str) -> str:
    """A crude suffix stripper, enough to join "arrived / arrive / arriving"."""
    for suffix in ("ing", "ed", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            base = word[: -len(suffix)]
            return base[:-1] if suffix in ("ing", "ed") and len(base) > 3 and base[-1] == base[-2] else base
    return word


def words_of(text: str) -> list[str]:
    return _WORD.findall(text)


def cue_score(words: list[str]) -> float:
    """The hand-weighted cue count of the first ranker, kept as one feature (and by the intent model)."""
    lowered = [w.lower().strip("'’") for w in words]
    stems = {w[:-1] if w.endswith("s") else w for w in lowered} | set(lowered)
    cue = sum(1 for w in lowered if w in CUES or stem(w) in CUES)
    neg = sum(1 for w in lowered if w in _NEGATORS or w.endswith("n't"))
    skip = len(stems & SKIP)
    mine = sum(1 for w in lowered if w in ("my", "our"))
    if len(words) < 3:
        return 0.0
    return cue + 0.7 * neg + 0.3 * min(mine, 2) - 0.8 * skip - 0.01 * max(0, len(words) - 30)


_GREETING = re.compile(r"^\s*(?:to whom|to whoever|to the|dear|hello|hi|hey|good (?:morning|afternoon|evening|day))\b[^.!?]*,\s*$", re.I)
WANT_LIST_SPAN = 8
"""Sentences after a "What I want:" header that count as its list (numbered items split into two each)."""
_WANT_HEADER = re.compile(r"\b(?:want|asking for|like|expect|need|request)\b[^.!?]*:\s*$", re.I)


@dataclass(frozen=True)
class Context:
    """What a sentence's neighbours say about it: whether it is one of a list of wants ("What I want:
    1. ..."), where a customer often names the problem again in few words ("The £180 refund Mark agreed")."""

    in_wants: bool = False


def contexts(texts: list[str]) -> list[Context]:
    """The Context of each sentence of a message, in order (one pass, linear in the message)."""
    out = []
    wants_from = None
    for i in range(len(texts)):
        if i and _WANT_HEADER.search(texts[i - 1]):
            wants_from = i
        out.append(Context(in_wants=wants_from is not None and i - wants_from < WANT_LIST_SPAN))
    return out


def features(text: str, index: int, count: int, context: Context = Context()) -> dict[str, float]:
    """Named feature values of one sentence, `index` of `count` in its message."""
    words = words_of(text)
    lowered = [w.lower().replace("’", "'") for w in words]
    n = len(lowered)
    letters = [c for c in text if c.isalpha()]
    f: dict[str, float] = {
        "cue_score": max(min(cue_score(words), 8.0), -4.0) / 2,
        "cues": min(sum(1 for w in lowered if w in CUES or stem(w) in CUES), 5),
        "skips": min(sum(1 for w in lowered if w in SKIP or stem(w) in SKIP), 4),
        "negations": min(sum(1 for w in lowered if w in _NEGATORS or w.endswith("n't")), 3),
        "desires": min(sum(1 for w in lowered if w in _DESIRES), 3),
        "hypothetical": float(any(w in _HYPOTHETICAL for w in lowered[:3])),
        "first_person": min(sum(1 for w in lowered if w in _FIRST_PERSON), 4),
        "second_person": min(sum(1 for w in lowered if w in _SECOND_PERSON), 4),
        "time_words": min(sum(1 for w in lowered if w in _TIME_WORDS), 3),
        "numbers": min(sum(1 for w in words if w[0].isdigit()), 3),
        "len_log": math.log1p(n),
        "short": float(n <= 4),
        "long": float(n >= 35),
        "question": float(text.rstrip().endswith("?")),
        "exclaim": float("!" in text),
        "caps": sum(c.isupper() for c in letters) / max(len(letters), 1),
        "first": float(index == 0),
        "last": float(index == count - 1 and count > 1),
        "position": index / max(count - 1, 1),
        "alone": float(count == 1),
        "background": float(any(w in _BACKGROUND for w in lowered)),
        "background_only": float(any(w in _BACKGROUND for w in lowered) and cue_score(words) <= 0),
        "past_tense": min(sum(1 for w in lowered if len(w) > 4 and w.endswith("ed")), 3),
        "content_words": min(sum(1 for w in lowered if len(w) > 3 and w not in _FUNCTION), 12) / 4,
        "opens_with_link": float(bool(lowered) and lowered[0] in _LINKS),
        "reference": float(bool(_REFERENCE.search(text))),
        "greeting": float(bool(_GREETING.match(text))),
        "in_wants": float(context.in_wants),
    }
    return f


@dataclass(frozen=True)
class RankerModel:
    """Weights with the training scale folded in, so a score is one sparse dot product."""

    weights: dict[str, float]
    intercept: float

    def probability(self, feats: dict[str, float]) -> float:
        z = self.intercept + sum(self.weights.get(name, 0.0) * value for name, value in feats.items())
        return 1.0 / (1.0 + math.exp(-max(min(z, 30.0), -30.0)))


@lru_cache(maxsize=1)
def model() -> RankerModel:
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return RankerModel(weights=dict(raw["weights"]), intercept=float(raw["intercept"]))


def problem_probability(text: str, index: int, count: int, context: Context = Context()) -> float:
    """How likely this sentence states the customer's problem (0..1)."""
    return model().probability(features(text, index, count, context))
