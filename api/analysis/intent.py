"""What kind of message this is: complaint, question, thanks, follow-up, abuse, or other.

A multinomial logistic regression over a few dozen features: counts of cue words from
`data/intent_cues.json`, how many sentences name a failure (the same ranking the problem
paraphrase uses), question marks, length, capitals, and whether the thread already has an
agent turn. The weights are trained by `api/analysis/train_intent.py` on labelled messages
written for this project and ship as `models/intent.json`; scoring is a dot product, so it is
pure, deterministic and takes microseconds.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from api.analysis.paraphrase import rank_sentences
from api.analysis.problem_ranker import CUES
from api.analysis.social import blank_noise

Intent = Literal["complaint", "question", "thanks", "follow_up", "abuse", "other"]
INTENTS: tuple[Intent, ...] = ("complaint", "question", "thanks", "follow_up", "abuse", "other")
MODEL_PATH = Path(__file__).with_name("models") / "intent.json"
CUES_PATH = Path(__file__).with_name("data") / "intent_cues.json"
_WORD = re.compile(r"[a-z][a-z'*]*")


@lru_cache(maxsize=1)
def _cues() -> dict[str, tuple[str, ...]]:
    raw = json.loads(CUES_PATH.read_text(encoding="utf-8"))
    return {name: tuple(words) for name, words in raw.items() if not name.startswith("_")}


def _count(words: list[str], joined: str, phrases: tuple[str, ...]) -> int:
    single = {p for p in phrases if " " not in p}
    multi = [p for p in phrases if " " in p]
    return sum(1 for w in words if w in single) + sum(1 for p in multi if f" {p} " in joined)


def features(message: str, history: list[tuple[str, str]] | None = None) -> dict[str, float]:
    """Named feature values for one message (the model's input)."""
    clean = blank_noise(message)
    lower = clean.lower().replace("’", "'")
    words = _WORD.findall(lower)
    joined = f" {' '.join(words)} "
    n = max(len(words), 1)
    cues = _cues()
    problem_sentences = [c for c in rank_sentences(clean) if c.score > 0.5]
    letters = [c for c in clean if c.isalpha()]
    caps = sum(c.isupper() for c in letters) / max(len(letters), 1)
    turns = history or []
    f: dict[str, float] = {
        "bias_len_log": math.log1p(n),
        "short": float(n <= 8),
        "long": float(n >= 80),
        "question_marks": min(clean.count("?"), 3),
        "ends_question": float(clean.rstrip().endswith("?")),
        "starts_question": float(bool(words) and words[0] in cues["question_start"]),
        "exclaims": min(clean.count("!"), 5) / 5,
        "caps": caps,
        "problem_sentences": min(len(problem_sentences), 5),
        "problem_score": min(sum(c.score for c in problem_sentences), 5),
        "cue_density": sum(1 for w in words if w in CUES) / n * 10,
        "negations": min(sum(1 for w in words if w in ("not", "never", "no", "nothing") or w.endswith("n't")), 5),
        "has_history": float(bool(turns)),
        "agent_turn": float(any(role == "agent" for role, _ in turns)),
        "digits_ref": float(bool(re.search(r"\b(?:#?[A-Z]{0,4}-?\d{4,}|\d{5,})\b", message))),
    }
    for name, phrases in cues.items():
        if name == "question_start":
            continue
        hits = _count(words, joined, phrases)
        f[f"cue_{name}"] = min(hits, 4)
        f[f"cue_{name}_density"] = hits / n * 10
    # A linear model cannot combine features by itself; these pairs are the ones the intents turn on.
    no_problem = float(not problem_sentences)
    f["short_reply_in_thread"] = f["has_history"] * float(n <= 25)
    f["question_without_problem"] = max(f["starts_question"], f["ends_question"]) * no_problem
    f["thanks_without_problem"] = min(f["cue_thanks"], 2) * no_problem
    f["thanks_without_negation"] = min(f["cue_thanks"], 2) * float(f["negations"] == 0)
    f["follow_up_in_thread"] = min(f["cue_follow_up"], 2) * f["has_history"]
    f["abuse_without_problem"] = min(f["cue_abuse"], 2) * no_problem
    return f


_SARCASM_EMOJI = re.compile("[\U0001f643\U0001f644\U0001f612\U0001f611\U0001f921]")
"""Upside-down face, eye-roll, unamused, expressionless, clown (a clap or a skull is as often sincere)."""
_SARCASM = tuple(
    line.strip()
    for line in (Path(__file__).with_name("data") / "sarcasm.txt").read_text(encoding="utf-8").splitlines()
    if line.strip() and not line.startswith("#")
)


def sarcastic(message: str) -> bool:
    """Thanks turned into its opposite: "thanks for nothing", "great, my parcel is in the bin 🙃"."""
    words = _WORD.findall(message.lower().replace("\u2019", "'"))
    joined = " " + " ".join(words) + " "
    return bool(_SARCASM_EMOJI.search(message)) or any(f" {p} " in joined for p in _SARCASM)


@dataclass(frozen=True)
class IntentModel:
    classes: tuple[Intent, ...]
    names: tuple[str, ...]
    coef: tuple[tuple[float, ...], ...]
    intercept: tuple[float, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]

    def probabilities(self, feats: dict[str, float]) -> dict[Intent, float]:
        x = [(feats.get(name, 0.0) - m) / s for name, m, s in zip(self.names, self.mean, self.scale, strict=True)]
        logits = [b + sum(w * v for w, v in zip(row, x, strict=True)) for row, b in zip(self.coef, self.intercept, strict=True)]
        top = max(logits)
        exps = [math.exp(v - top) for v in logits]
        total = sum(exps)
        return {c: e / total for c, e in zip(self.classes, exps, strict=True)}


@lru_cache(maxsize=1)
def model() -> IntentModel:
    raw = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    return IntentModel(
        classes=tuple(raw["classes"]),
        names=tuple(raw["features"]),
        coef=tuple(tuple(r) for r in raw["coef"]),
        intercept=tuple(raw["intercept"]),
        mean=tuple(raw["mean"]),
        scale=tuple(raw["scale"]),
    )


def classify(message: str, history: list[tuple[str, str]] | None = None) -> tuple[Intent, float]:
    """The most likely intent and its probability."""
    feats = features(message, history)
    probs = model().probabilities(feats)
    # Abuse is insults or swearing with nothing to act on, and thanks is thanks or praise said straight: with
    # no such word (or a smiling emoji), a short "wifi down since monday" is something to act on, however
    # terse (the model had read it as abuse, and once as thanks).
    if not feats["cue_abuse"]:
        probs = _without(probs, "abuse")
    if sarcastic(message) and "thanks" in probs:
        # "Thanks for nothing. Third week without hot water." thanks nobody: what reads as thanks is the complaint.
        probs = {**_without(probs, "thanks"), "complaint": probs.get("complaint", 0.0) + probs["thanks"]}
    elif not feats["cue_thanks"] and not _WARM_EMOJI.search(message):
        probs = _without(probs, "thanks")
    best = max(probs, key=lambda c: probs[c])
    return best, round(probs[best], 3)


_WARM_EMOJI = re.compile(
    "[\U0001f600-\U0001f60d\U0001f60a\U0001f642\U0001f970\U0001f64f\U0001f44d\U0001f44f\u2764\U0001f49a-\U0001f49c\U0001f917]"
)
"""Smiles, hearts, thumbs up, clapping and praying hands: thanks said without a word."""


def _without(probs: dict[Intent, float], intent: Intent) -> dict[Intent, float]:
    rest = sum(p for c, p in probs.items() if c != intent)
    return {c: p / rest for c, p in probs.items() if c != intent}
