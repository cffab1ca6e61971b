"""Negation by the parse: is a word inside the scope of a "not" / "never"?

The cheap window test in text.py reads "If they are not back within 12 hours my lawyer will be
contacting you" as a negated lawyer, because no comma separates the two clauses. The parser
knows better: a negation governs a word only when it attaches to the word or to one of the
word's heads ("I'm not going to sue" negates "sue" through "going").
"""
from __future__ import annotations

from api.analysis.paraphrase import nlp

_NEGATORS = frozenset({"not", "n't", "never", "no", "nobody", "nothing", "without"})


def negated_in_parse(sentence: str, offset: int) -> bool:
    """True when the word at character `offset` of `sentence` is negated."""
    doc = nlp()(sentence)
    target = next((t for t in doc if t.idx <= offset < t.idx + max(len(t.text), 1)), None)
    if target is None:
        return False
    heads = {target.i, *(a.i for a in target.ancestors)}
    for tok in doc:
        if tok.lower_ in _NEGATORS and tok.dep_ in ("neg", "det", "advmod", "nsubj", "nsubjpass", "dobj", "prep", "preconj") and tok.head.i in heads:
            return True
    return False
