"""A small rule engine for flags: a trigger pattern plus the guards that keep ordinary mentions from firing."""

from __future__ import annotations

from dataclasses import dataclass

from api.analysis.model import FlagKind
from api.analysis.negation import negated_in_sentence
from api.analysis.text import Hit, Lexicon, Span, negated, quoted, sentence_bounds

LOOKBEHIND = 40
"""Characters before a trigger that `veto_before` inspects."""
LOOKAHEAD = 30
"""Characters after a trigger that `veto_after` inspects."""


@dataclass(frozen=True)
class Rule:
    """One family of phrasings that raises `kind`.

    context: must also occur in the trigger's sentence (or anywhere in the text when `context_in_text`),
        e.g. an action verb for "police" so that "police report attached" does not read as a threat.
    veto_before / veto_after: phrasing right around the trigger that turns it into an ordinary mention
        ("my elderly neighbour", "a lawyer friend"); veto_before is searched in the preceding characters,
        veto_after is matched at the trigger's end.
    """

    kind: FlagKind
    reason: str
    trigger: Lexicon
    context: Lexicon | None = None
    context_in_text: bool = False
    veto_before: Lexicon | None = None
    veto_after: Lexicon | None = None
    negatable: bool = True
    skip_quoted: bool = False

    def find(self, text: str) -> Span | None:
        """The first trigger occurrence in `text` that survives every guard."""
        if self.context_in_text and self.context and not self.context.search(text):
            return None
        in_context: dict[int, bool] = {}
        """Whether `context` occurs in the sentence starting at the key: asked once per sentence, however many
        triggers it holds (asking per trigger is quadratic in a long run-on of them)."""
        for m in self.trigger.finditer(text):
            if self._allowed(text, m, in_context):
                return Span.of(m)
        return None

    def _allowed(self, text: str, m: Hit, in_context: dict[int, bool]) -> bool:
        if self.vetoed(text, m):
            return False
        if self.context and not self.context_in_text:
            left, right = sentence_bounds(text, m.start())
            if left not in in_context:
                in_context[left] = self.context.search(text[left:right]) is not None
            return in_context[left]
        return True

    def vetoed(self, text: str, m: Hit) -> bool:
        """The trigger occurrence is an ordinary mention: negated, quoted, or with veto phrasing around it."""
        start, end = m.span()
        # The window test over-reaches across clauses with no comma between them; the parse decides.
        if self.negatable and negated(text, start) and negated_in_sentence(text, start, *sentence_bounds(text, start)):
            return True
        if self.skip_quoted and quoted(text, start):
            return True
        if self.veto_before and self.veto_before.search(text[max(0, start - LOOKBEHIND) : start]):
            return True
        return bool(self.veto_after and self.veto_after.match(text, end, min(len(text), end + LOOKAHEAD)))


def first_hits(rules: list[Rule], text: str) -> dict[FlagKind, tuple[Rule, Span]]:
    """For each flag kind, the first rule (in list order) that fires on `text` and where."""
    out: dict[FlagKind, tuple[Rule, Span]] = {}
    for rule in rules:
        if rule.kind in out:
            continue
        span = rule.find(text)
        if span is not None:
            out[rule.kind] = (rule, span)
    return out


def dismissed(rules: list[Rule], text: str) -> dict[FlagKind, list[tuple[int, int]]]:
    """For each flag kind, where a trigger occurs that a guard turned down ("police report attached",
    "a lawyer friend", "I'm not going to sue"): later layers must not raise the kind from those words."""
    out: dict[FlagKind, list[tuple[int, int]]] = {}
    for rule in rules:
        for m in rule.trigger.finditer(text):
            if rule.vetoed(text, m):
                out.setdefault(rule.kind, []).append(m.span())
    return out
