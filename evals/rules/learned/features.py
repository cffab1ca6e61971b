"""Features for the learned rule checks: sentence n-grams with their place in the reply, and reply facts.

Words are lower-cased and generalised where the exact value carries no meaning for a rule:
amounts become <money>, clock times <time>, other numbers <num>, the customer's own words are
not special. Sentences are the reply's body sentences (greetings, call-centre openers and phone
stage directions removed), so a span means the same thing here as in the lexicon checks.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise
from pathlib import Path

from evals.rules.model import CheckContext
from evals.rules.text import Sentence, is_customer_turn, is_greeting, is_stage_direction, normalize, sentences, unlabelled

_TOKEN = re.compile(r"[$£€₦₹]\s?\d[\d,.]*|\d{1,2}(?::\d\d)?\s?(?:am|pm)\b|\d+(?:[.,:]\d+)*%?|[a-z]+(?:'[a-z]+)?|[!?]", re.I)


CLASSES_PATH = Path(__file__).with_name("word_classes.json")


@lru_cache(maxsize=1)
def _classes() -> tuple[tuple[str, frozenset[str], tuple[str, ...], tuple[str, ...]], ...]:
    """(class, single words, word prefixes for entries of 4+ letters with no space, phrases)."""
    raw = json.loads(CLASSES_PATH.read_text(encoding="utf-8"))
    out = []
    for name, entries in raw.items():
        if name.startswith("_"):
            continue
        words = frozenset(e for e in entries if " " not in e)
        prefixes = tuple(e for e in words if len(e) >= 4)
        phrases = tuple(e for e in entries if " " in e)
        out.append((name, words, prefixes, phrases))
    return tuple(out)


def word_classes(toks: list[str]) -> list[str]:
    """The word classes a sentence's tokens fall in (a class once per sentence)."""
    joined = f" {' '.join(toks)} "
    named = {name for t in set(toks) for name in _token_classes(t)}
    return [name for name, _, _, phrases in _classes() if name in named or any(f" {p} " in joined for p in phrases)]


@lru_cache(maxsize=65_536)
def _token_classes(token: str) -> frozenset[str]:
    """The classes one token names, as a word or by a prefix: looked up once per distinct token."""
    return frozenset(name for name, words, prefixes, _ in _classes() if token in words or token.startswith(prefixes))


def tokens(text: str) -> list[str]:
    out = []
    for m in _TOKEN.finditer(normalize(unlabelled(text))):
        tok = m.group(0).lower()
        if tok[0] in "$£€₦₹":
            tok = "<money>"
        elif tok[0].isdigit():
            tok = "<time>" if tok.endswith(("am", "pm")) or ":" in tok else "<num>"
        out.append(tok)
    return out


@dataclass(frozen=True)
class SentenceView:
    sentence: Sentence
    index: int
    count: int


@lru_cache(maxsize=256)
def views(reply: str) -> tuple[SentenceView, ...]:
    """Body sentences; a greeting that goes on to say something ("Thank you for writing, and I can tell how
    irritated you are") stays, since its second half is what the customer reads first.
    Cached: every rule's learned layer reads the same reply's sentences."""
    body = [
        s
        for s in sentences(reply)
        if not is_stage_direction(s, reply) and not is_customer_turn(s) and not (is_greeting(s) and ", and " not in s.text)
    ]
    return tuple(SentenceView(s, i, len(body)) for i, s in enumerate(body))


def sentence_features(view: SentenceView) -> list[str]:
    """Unigrams, bigrams and the sentence's opening words, each also tagged with 'first sentence' or not."""
    place = "first" if view.index == 0 else "second" if view.index == 1 else "later"
    return list(_sentence_features(view.sentence.text, place))


@lru_cache(maxsize=8192)
def _sentence_features(text: str, place: str) -> tuple[str, ...]:
    """Cached by sentence: eight rules read each sentence, and an agent typing changes one sentence at a time."""
    toks = tokens(text)
    grams = [f"w:{t}" for t in toks] + [f"b:{a}_{b}" for a, b in pairwise(toks)]
    grams += [f"s:{'_'.join(toks[:2])}", f"s1:{toks[0] if toks else ''}"]
    classes = word_classes(toks)
    grams += [f"c:{c}" for c in classes] + [f"cc:{a}+{b}" for i, a in enumerate(classes) for b in classes[i + 1 :]]
    feats = grams + [f"{place}|{g}" for g in grams if not g.startswith("b:")] + [f"place:{place}"]
    if text.isupper():
        feats.append("allcaps")
    return tuple(feats)


def context_features(ctx: CheckContext) -> list[str]:
    fault = {True: "ours", False: "not_ours", None: "unknown"}[ctx.company_at_fault]
    feats = [f"fault:{fault}", f"channel:{ctx.channel.value}", "policy:none" if ctx.policy is None else "policy:set"]
    if ctx.policy is not None and ctx.policy.max_amount is not None:
        feats.append("policy:limit")
    return feats
