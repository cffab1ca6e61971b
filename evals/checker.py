"""Measures each rule's check against the hand-labeled reply corpus (evals/corpus/*.jsonl).

The positive class is a violation: precision = of the replies the check flags, how many a
human labeled as failing; recall = of the replies labeled failing, how many the check flags.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel

from evals.rules import RULES, CheckContext, Policy, check_reply
from evals.rules.model import Channel

CORPUS_DIR = Path(__file__).parent / "corpus"


class LabeledReply(BaseModel):
    id: str
    industry: str
    channel: Channel
    complaint: str
    company_at_fault: bool | None
    policy: Policy | None
    reply: str
    labels: dict[str, str]
    evidence: dict[str, str] = {}
    rationale: str = ""

    def context(self) -> CheckContext:
        return CheckContext(
            reply=self.reply, complaint=self.complaint, company_at_fault=self.company_at_fault, policy=self.policy, channel=self.channel
        )


@dataclass
class RuleScore:
    rule_id: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    misses: list[str] = field(default_factory=list)
    false_alarms: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def support(self) -> int:
        return self.tp + self.fn


Split = Literal["train", "dev", "blind"]
SPLITS: tuple[Split, ...] = ("train", "dev", "blind")
ERROR_RULES = frozenset(rule.id for rule in RULES if rule.severity == "error")


def split_of(path: Path) -> Split:
    """The first corpus (labeled_replies_*) and round2/train_* train the learned checks; round2/dev_* measures
    progress; round2/blind_* is the locked blind test, written by writers whose work is in no other split."""
    name = path.name
    return "blind" if name.startswith("blind_") else "dev" if name.startswith("dev_") else "train"


def corpus_files(directory: Path = CORPUS_DIR, split: Split | None = None) -> list[Path]:
    files = sorted(directory.glob("*.jsonl")) + sorted(directory.glob("round2/*.jsonl"))
    return [f for f in files if split is None or split_of(f) == split]


def load_corpus(directory: Path = CORPUS_DIR, split: Split | None = "train") -> list[LabeledReply]:
    """Labelled replies of one split (default: the first corpus and round-2 train files); None for all."""
    items: list[LabeledReply] = []
    for path in corpus_files(directory, split):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                items.append(LabeledReply.model_validate_json(line))
    return items


@dataclass(frozen=True)
class GuardScore:
    """What an LLM user feels: good replies the guard blocks, and rule-breaking replies it lets through."""

    replies: int
    agreement: float
    """Share of replies whose ten verdicts all match the labels."""
    good: int
    false_blocks: int
    bad: int
    misses: int

    @property
    def false_block_rate(self) -> float:
        return self.false_blocks / self.good if self.good else 0.0

    @property
    def miss_rate(self) -> float:
        return self.misses / self.bad if self.bad else 0.0


def score_guard(corpus: list[LabeledReply]) -> GuardScore:
    agree = good = bad = false_blocks = misses = 0
    for item in corpus:
        results = {r.rule_id: r for r in check_reply(item.context())}
        agree += all(results[r].passed == (label == "pass") for r, label in item.labels.items() if r in results)
        human_bad = any(item.labels.get(r) == "fail" for r in ERROR_RULES)
        blocked = any(not results[r].passed for r in ERROR_RULES)
        if human_bad:
            bad += 1
            misses += not blocked
        else:
            good += 1
            false_blocks += blocked
    return GuardScore(len(corpus), agree / len(corpus) if corpus else 0.0, good, false_blocks, bad, misses)


def score_checks(corpus: list[LabeledReply]) -> dict[str, RuleScore]:
    scores = {rule.id: RuleScore(rule.id) for rule in RULES}
    for item in corpus:
        for result in check_reply(item.context()):
            label = item.labels.get(result.rule_id)
            if label is None:
                continue
            s = scores[result.rule_id]
            human_fail, flagged = label == "fail", not result.passed
            if human_fail and flagged:
                s.tp += 1
            elif human_fail:
                s.fn += 1
                s.misses.append(item.id)
            elif flagged:
                s.fp += 1
                s.false_alarms.append(item.id)
            else:
                s.tn += 1
    return scores


def scores_as_json(scores: dict[str, RuleScore]) -> str:
    return json.dumps(
        {
            rid: {
                "precision": round(s.precision, 4),
                "recall": round(s.recall, 4),
                "f1": round(s.f1, 4),
                "support": s.support,
                "tp": s.tp,
                "fp": s.fp,
                "fn": s.fn,
                "tn": s.tn,
                "misses": s.misses,
                "false_alarms": s.false_alarms,
            }
            for rid, s in scores.items()
        },
        indent=2,
    )
