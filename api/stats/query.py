"""Reads draft facts from the database: only the columns the figures need, streamed in batches."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, load_only, selectinload, sessionmaker

from api.db.models import DraftRow, FeedbackRow
from api.stats.facts import DraftFacts

_Query = TypeVar("_Query", bound="Select[*tuple[Any, ...]]")


def _failures(checks: list[dict[str, Any]] | None) -> tuple[str, ...]:
    return tuple(c["rule_id"] for c in checks or [] if not c.get("passed", True))


def _facts(row: DraftRow) -> DraftFacts:
    suggested = _failures(row.checks)
    latest = row.feedback[-1] if row.feedback else None
    sent: tuple[str, ...] | None = None
    if latest is not None and latest.outcome != "discarded":
        if latest.final_checks is not None:
            sent = _failures(latest.final_checks)
        elif latest.outcome == "sent":
            sent = suggested  # sent as is, with no final text: what went out is the suggestion
    return DraftFacts(
        created_at=row.created_at,
        model=row.model,
        prompt_version=row.prompt_version,
        source=row.source,
        suggested_failures=suggested,
        flags=tuple(f["kind"] for f in (row.analysis or {}).get("flags", [])),
        outcome=latest.outcome if latest else None,
        edit_distance=latest.edit_distance if latest else None,
        sent_failures=sent,
    )


def load_facts(
    sessions: sessionmaker[Session], *, since: datetime | None, until: datetime | None, model: str | None, batch: int = 500
) -> Iterator[DraftFacts]:
    """Drafts created in [since, until), optionally of one model, oldest first. Bounds are UTC-aware."""
    query = (
        select(DraftRow)
        .options(
            load_only(DraftRow.created_at, DraftRow.model, DraftRow.prompt_version, DraftRow.source, DraftRow.checks, DraftRow.analysis),
            selectinload(DraftRow.feedback).load_only(FeedbackRow.outcome, FeedbackRow.edit_distance, FeedbackRow.final_checks),
        )
        .order_by(DraftRow.created_at, DraftRow.id)
    )
    query = _within(query, since, until, model)
    with sessions() as session:
        for row in session.scalars(query.execution_options(yield_per=batch)):
            yield _facts(row)


def _within(query: _Query, since: datetime | None, until: datetime | None, model: str | None) -> _Query:
    """Only drafts created in [since, until), optionally of one model."""
    if since is not None:
        query = query.where(DraftRow.created_at >= since)
    if until is not None:
        query = query.where(DraftRow.created_at < until)
    if model is not None:
        query = query.where(DraftRow.model == model)
    return query


@dataclass(frozen=True)
class UsageRow:
    model: str
    source: str
    drafts: int
    total_tokens: int
    cost_usd: float | None


def usage(sessions: sessionmaker[Session], *, since: datetime | None, until: datetime | None, model: str | None) -> list[UsageRow]:
    """Drafts, tokens and known cost per model and source, in one grouped query."""
    query = (
        select(DraftRow.model, DraftRow.source, func.count(), func.sum(DraftRow.total_tokens), func.sum(DraftRow.cost_usd))
        .group_by(DraftRow.model, DraftRow.source)
        .order_by(DraftRow.model, DraftRow.source)
    )
    with sessions() as session:
        rows = session.execute(_within(query, since, until, model))
        return [UsageRow(m, s, n, int(tokens or 0), cost) for m, s, n, tokens, cost in rows]
