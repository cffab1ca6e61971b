"""Figures from draft facts. Pure functions: the same rows always give the same figures."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Literal

from api.stats.facts import DraftFacts
from api.stats.schemas import (
    Acceptance,
    BrokenRules,
    EditDistance,
    Escalations,
    Figures,
    HistogramBin,
    ModelPromptFigures,
    PeriodFigures,
    RuleCount,
)

Interval = Literal["day", "week"]

EDIT_BINS: tuple[tuple[int, int | None], ...] = ((0, 0), (1, 10), (11, 50), (51, 200), (201, 500), (501, None))
"""Edit-distance bins: untouched, a word or two, a sentence, a paragraph, a rewrite, more."""

NOT_ESCALATION = frozenset({"prompt_injection"})
"""A flag that is about the message, not the customer: it needs no human."""


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _acceptance(rows: Sequence[DraftFacts]) -> Acceptance:
    outcomes = Counter(r.outcome for r in rows if r.outcome is not None)
    finished = sum(outcomes.values())
    return Acceptance(
        finished=finished,
        sent=outcomes["sent"],
        edited=outcomes["edited"],
        discarded=outcomes["discarded"],
        sent_rate=_rate(outcomes["sent"], finished),
        edited_rate=_rate(outcomes["edited"], finished),
        discarded_rate=_rate(outcomes["discarded"], finished),
    )


def _bin_label(low: int, high: int | None) -> str:
    if high is None:
        return f"{low}+"
    return str(low) if low == high else f"{low}-{high}"


def _edit_distance(rows: Sequence[DraftFacts]) -> EditDistance:
    distances = [r.edit_distance for r in rows if r.edit_distance is not None and r.outcome != "discarded"]
    bins = [
        HistogramBin(
            label=_bin_label(low, high), min=low, max=high, count=sum(1 for d in distances if d >= low and (high is None or d <= high))
        )
        for low, high in EDIT_BINS
    ]
    return EditDistance(
        count=len(distances),
        mean=round(statistics.fmean(distances), 2) if distances else None,
        median=float(statistics.median(distances)) if distances else None,
        bins=bins,
    )


def _rule_counts(failure_sets: list[tuple[str, ...]]) -> list[RuleCount]:
    counts = Counter(rule for failures in failure_sets for rule in set(failures))
    return [
        RuleCount(rule_id=rule, count=n, rate=_rate(n, len(failure_sets)) or 0.0)
        for rule, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    ]


def _broken_rules(rows: Sequence[DraftFacts]) -> BrokenRules:
    suggested = [r.suggested_failures for r in rows]
    sent = [r.sent_failures for r in rows if r.sent_failures is not None]
    return BrokenRules(suggested_texts=len(suggested), suggested=_rule_counts(suggested), sent_texts=len(sent), sent=_rule_counts(sent))


def _escalations(rows: Sequence[DraftFacts]) -> Escalations:
    escalated = sum(1 for r in rows if set(r.flags) - NOT_ESCALATION)
    by_flag = Counter(flag for r in rows for flag in set(r.flags))
    return Escalations(count=escalated, rate=_rate(escalated, len(rows)), by_flag=dict(sorted(by_flag.items())))


def figures(rows: Sequence[DraftFacts]) -> Figures:
    fallbacks = sum(1 for r in rows if r.source == "fallback")
    return Figures(
        drafts=len(rows),
        acceptance=_acceptance(rows),
        edit_distance=_edit_distance(rows),
        rules=_broken_rules(rows),
        fallback_count=fallbacks,
        fallback_rate=_rate(fallbacks, len(rows)),
        escalations=_escalations(rows),
    )


def by_model_prompt(rows: Iterable[DraftFacts]) -> list[ModelPromptFigures]:
    groups: dict[tuple[str, str], list[DraftFacts]] = {}
    for r in rows:
        groups.setdefault((r.model, r.prompt_version), []).append(r)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [ModelPromptFigures(model=m, prompt_version=p, **figures(g).model_dump()) for (m, p), g in ordered]


def period_start(moment: datetime, interval: Interval) -> date:
    day = moment.astimezone(UTC).date() if moment.tzinfo else moment.date()
    return day - timedelta(days=day.weekday()) if interval == "week" else day


def over_time(rows: Iterable[DraftFacts], interval: Interval) -> list[PeriodFigures]:
    periods: dict[date, list[DraftFacts]] = {}
    for r in rows:
        periods.setdefault(period_start(r.created_at, interval), []).append(r)
    return [PeriodFigures(period=p.isoformat(), **figures(g).model_dump()) for p, g in sorted(periods.items())]
