"""Which clause of a sentence says what went wrong: a trained clause chooser.

A sentence that states the problem often also tells the story around it: "I moved out on 31 March
and closed the account, yet you charged me council tax for April". The hand score that picked a
clause (cue words, less for wishes and modals) chose the customer's own actions as often as what
went wrong: on the consumed blind set c11 the ranker found the right sentence in 45 of 69 messages
and the paraphrase kept the problem's words in 16 of them. This is a logistic regression over the
clause's shape (its subject, dependency, tense, negation, subordinator), its verb's lemma and the
lemmas of its content words, with the hand score as one feature among them. It is trained by
`api/analysis/train_clauses.py` on the clauses of the tuning messages, labelled by whether a clause
carries the concept groups of an expected problem, and ships as `models/clause_chooser.json`.
Scoring is a sparse dot product over a few dozen named features.
"""

from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from api.analysis.problem_ranker import RankerModel, problem_probability

if TYPE_CHECKING:
    from spacy.tokens import Token

MODEL_PATH = Path(__file__).with_name("models") / "clause_chooser.json"
_CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "ADV", "NUM"})
_PERSISTENCE = frozenset({"still", "yet", "again", "never", "twice"})


def subject_kind(subject: Token | None) -> str:
    """Who the clause is about: the customer, the company, a vague pronoun, "there", someone else or nobody."""
    if subject is None:
        return "none"
    word = subject.lower_
    if word in ("i", "we"):
        return "customer"
    if word in ("you", "u", "y'all"):
        return "company"
    if word == "there":
        return "there"
    if word in ("it", "this", "that", "they", "he", "she", "which", "who", "what"):
        return "pronoun"
    return "thing"


def clause_features(tokens: list[Token], verb: Token, subject: Token | None, hand_score: float, position: float) -> dict[str, float]:
    """Named feature values of one candidate clause: `tokens` headed by `verb`, at `position` (0..1) in its sentence."""
    text = " ".join(t.text for t in tokens if not t.is_space)
    children = list(verb.children)
    lemma = (verb.lemma_ or verb.lower_).lower()
    content = {(t.lemma_ or t.lower_).lower() for t in tokens if t.pos_ in _CONTENT_POS and t != verb and not t.is_stop}
    f: dict[str, float] = {
        "hand": max(min(hand_score, 4.0), -6.0) / 2,
        "sentence_ranker": problem_probability(text, 1, 3),
        f"subject:{subject_kind(subject)}": 1.0,
        f"dep:{verb.dep_}": 1.0,
        f"tag:{verb.tag_}": 1.0,
        f"verb:{lemma}": 1.0,
        "negated": float(any(c.dep_ == "neg" for c in children)),
        "passive": float(any(c.dep_ in ("auxpass", "nsubjpass") for c in children)),
        "modal": float(any(c.dep_ == "aux" and c.tag_ == "MD" for c in children)),
        "persistence": float(any(t.lower_ in _PERSISTENCE for t in tokens)),
        "number": float(any(t.like_num or t.is_currency for t in tokens)),
        "content_words": math.log1p(len(content)),
        "position": position,
    }
    for c in children:
        if c.dep_ == "mark":
            f[f"mark:{c.lower_}"] = 1.0
    for word in content:
        f[f"w:{word}"] = 1.0
    return f


@lru_cache(maxsize=1)
def model() -> RankerModel:
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return RankerModel(weights=dict(raw["weights"]), intercept=float(raw["intercept"]))


def clause_probability(features: dict[str, float]) -> float:
    """How likely this clause states the customer's problem (0..1)."""
    return model().probability(features)
