"""Negation by the parse: is a word inside the scope of a "not" / "never"?

The cheap window test in text.py reads "If they are not back within 12 hours my lawyer will be
contacting you" as a negated lawyer, because no comma separates the two clauses. The parser
knows better: a negation governs a word only when it attaches to the word or to one of the
word's heads ("I'm not going to sue" negates "sue" through "going").
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from api.analysis.paraphrase import nlp

if TYPE_CHECKING:
    from spacy.tokens import Doc

MAX_PARSE = 1_000
"""Longest piece of a sentence parsed to judge one word (real sentences are a few hundred characters at most):
in a longer run-on the word is judged inside a window of this size, so the parse costs the same for any length."""
_STEP = MAX_PARSE // 2

_NEGATORS = frozenset({"not", "n't", "never", "no", "nobody", "nothing", "without"})


def negated_in_parse(sentence: str, offset: int) -> bool:
    """True when the word at character `offset` of `sentence` is negated."""
    return negated_in_sentence(sentence, offset, 0, len(sentence))


def negated_in_sentence(text: str, pos: int, start: int, end: int) -> bool:
    """True when the word at character `pos` of `text` is negated in the sentence text[start:end]."""
    if end - start > MAX_PARSE:
        # Windows sit on a grid of half their size, so the word is at least a quarter window from either edge
        # and every word of a long run-on shares one of a few parses.
        offset = pos - start
        start += min(max(0, offset // _STEP * _STEP - _STEP // 2), end - start - MAX_PARSE)
        end = start + MAX_PARSE
    offset = pos - start
    doc = _parse(text[start:end])
    target = next((t for t in doc if t.idx <= offset < t.idx + max(len(t.text), 1)), None)
    if target is None:
        return False
    heads = {target.i, *(a.i for a in target.ancestors)}
    for tok in doc:
        if (
            tok.lower_ in _NEGATORS
            and tok.dep_ in ("neg", "det", "advmod", "nsubj", "nsubjpass", "dobj", "prep", "preconj")
            and tok.head.i in heads
        ):
            return True
    return False


@lru_cache(maxsize=256)
def _parse(sentence: str) -> Doc:
    """One parse per distinct sentence: a message can hold many triggers in one sentence, and the same
    sentence again and again."""
    return nlp()(sentence)
