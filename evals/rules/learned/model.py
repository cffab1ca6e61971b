"""The learned layer of a rule check: a sentence model and a reply model, both logistic regressions.

- The sentence model scores each body sentence in the rule's scope for "this is where the rule is
  broken". It was trained on the labelled corpus, where every failing label carries the words at fault.
- The reply model combines the best sentence scores, the lexicon check's verdict and a few facts
  about the request (fault, policy, channel) into the verdict.

Weights are JSON files in `weights/`, written by `python -m evals.rules.learned.train`, and loaded
once per process. Scoring is a sum of dictionary look-ups: pure, deterministic and fast.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from evals.rules.checks.feelings import opens_with_acknowledgement
from evals.rules.checks.promises import named_in_policy
from evals.rules.learned.features import SentenceView, context_features, sentence_features, views
from evals.rules.model import CheckContext, Span, Verdict

WEIGHTS_DIR = Path(__file__).with_name("weights")
FIRST_ONLY = frozenset({"emotion-first"})
"""Rules judged on the opening only: the first two body sentences."""
ANCHORS: dict[str, frozenset[str]] = {
    "no-unauthorized-promises": frozenset({"c:remedy", "c:guarantee", "w:<money>"}),
    "unconditional-apology": frozenset({"c:apology", "c:hedge"}),
}
"""Features a sentence needs before the model may hold it responsible for the rule: a promise out of policy
names a remedy, an amount or a guarantee; a hedged apology has an apology or a hedge in it. Without an
anchor the model learns that "I'll keep helping" is a promise because promises often start with "I'll",
and that "I understand how frustrating this has been" is a missing apology even beside "I'm sorry about
the fault with your kettle". (A reply with no apology at all is the lexicon's finding, not a sentence's.)"""
PASS_IS_FACT = frozenset({"solution-or-ask"})
"""Rules whose lexicon pass is a fact the model may not overrule: a remedy we commit to or a question put
to the customer is there or it is not. (On dev the layer never caught a miss here; it only added false
alarms, such as failing "I've unlocked your account, so you can log in now.")"""


@dataclass(frozen=True)
class Linear:
    bias: float
    weights: dict[str, float]

    def logit(self, feats: list[str] | dict[str, float]) -> float:
        if isinstance(feats, dict):
            return self.bias + sum(self.weights.get(k, 0.0) * v for k, v in feats.items())
        return self.bias + sum(self.weights.get(f, 0.0) for f in feats)


@dataclass(frozen=True)
class RuleModel:
    rule_id: str
    sentence: Linear
    reply: Linear
    threshold: float
    veto: float = 0.0
    """A lexicon failure stands unless the model's probability is below this (0: it always stands). The
    lexicon is precise on facts (a remedy outside policy, capitals, a hedge phrase); the model adds the
    failures it misses and may overrule a lexicon failure only when it is confident the reply is fine."""

    def scope(self, reply: str) -> tuple[SentenceView, ...]:
        all_views = views(reply)
        return all_views[:2] if self.rule_id in FIRST_ONLY else all_views

    def anchored(self, feats: list[str]) -> bool:
        """Can this sentence (its features) break the rule at all? See ANCHORS."""
        anchors = ANCHORS.get(self.rule_id)
        return anchors is None or not anchors.isdisjoint(feats)

    def sentence_logits(self, scoped: Sequence[SentenceView], ctx: CheckContext) -> list[float]:
        """Each sentence's score for 'the rule is broken here'; a sentence with no anchor scores as missing, and
        so does one whose offer the policy allows under its own name for it ("I've added a £15 voucher" under a
        voucher allowance): the company's words are a fact the sentence model never saw."""
        cleared = [s.start for s in named_in_policy(ctx)] if self.rule_id == "no-unauthorized-promises" else []
        out = []
        for view in scoped:
            feats = sentence_features(view)
            held = self.anchored(feats) and not any(view.sentence.start <= c < view.sentence.end for c in cleared)
            out.append(self.sentence.logit(feats) if held else MISSING)
        return out

    def reply_features(self, ctx: CheckContext, lexicon: Verdict, logits: list[float]) -> dict[str, float]:
        ranked = sorted(logits, reverse=True) or [MISSING]
        feats: dict[str, float] = {
            "lexicon_fail": 0.0 if lexicon.passed else 1.0,
            "lexicon_spans": min(len(lexicon.spans), 3) / 3,
            "max_sentence": _clip(ranked[0]),
            "second_sentence": _clip(ranked[1] if len(ranked) > 1 else MISSING),
            "first_sentence": _clip(logits[0] if logits else MISSING),
            "sentences": min(len(logits), 12) / 12,
        }
        feats.update({f: 1.0 for f in context_features(ctx)})
        return feats

    def judge(self, ctx: CheckContext, lexicon: Verdict) -> Verdict:
        if lexicon.passed and self.rule_id in PASS_IS_FACT:
            return lexicon
        if lexicon.passed and self.rule_id == "emotion-first" and opens_with_acknowledgement(ctx.reply):
            return lexicon  # the opening acknowledges the feeling: what the next sentence says is another rule's business
        scoped = self.scope(ctx.reply)
        logits = self.sentence_logits(scoped, ctx)
        p = _sigmoid(self.reply.logit(self.reply_features(ctx, lexicon, logits)))
        if not lexicon.passed and p >= self.veto:
            if lexicon.spans or not scoped:
                return lexicon
            return Verdict(False, lexicon.message, (self._worst(ctx.reply, scoped, logits),))
        if p < self.threshold:
            return Verdict(True, lexicon.message if lexicon.passed else "reads as fine in context")
        if not lexicon.passed and lexicon.spans:
            return Verdict(False, lexicon.message, lexicon.spans)
        if not scoped:
            return Verdict(False, lexicon.message if not lexicon.passed else "the reply has no body to judge")
        message = lexicon.message if not lexicon.passed else "this sentence reads as breaking the rule"
        return Verdict(False, message, (self._worst(ctx.reply, scoped, logits),))

    @staticmethod
    def _worst(reply: str, scoped: tuple[SentenceView, ...], logits: list[float]) -> Span:
        """The sentence the model holds most responsible: where a missing step or follow-up should have been."""
        s = scoped[max(range(len(scoped)), key=lambda i: logits[i])].sentence
        return Span(start=s.start, end=s.end, text=reply[s.start : s.end])


MISSING = -3.0
"""The sentence score that stands in for a sentence the reply does not have (a one-line chat reply)."""


def _clip(logit: float) -> float:
    return max(min(logit, 10.0), -10.0) / 5


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-max(min(x, 50.0), -50.0)))


def _linear(raw: dict[str, object]) -> Linear:
    weights = raw["weights"]
    assert isinstance(weights, dict)
    return Linear(float(raw["bias"]), {str(k): float(v) for k, v in weights.items()})  # type: ignore[arg-type]


@cache
def rule_model(rule_id: str) -> RuleModel | None:
    """The shipped model for a rule, or None when the rule has none (it is then judged by its lexicon check)."""
    path = WEIGHTS_DIR / f"{rule_id}.json"
    if not path.exists():
        return None
    raw = json.loads(path.read_text(encoding="utf-8"))
    return RuleModel(rule_id, _linear(raw["sentence"]), _linear(raw["reply"]), float(raw["threshold"]), float(raw["veto"]))
