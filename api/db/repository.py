"""Reads and writes drafts, their model calls and feedback. Each write is one transaction."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from rapidfuzz.distance import Levenshtein
from sqlalchemy import exists, func, select, tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, load_only, selectinload, sessionmaker

from api.db.models import DraftRow, FeedbackRow, LLMCallRow
from api.db.paging import encode_cursor
from api.pipeline import DraftOutcome
from api.schemas import DraftList, DraftPublic, DraftRequest, DraftSummary, FeedbackPublic, FeedbackRequest
from evals.rules import RuleResult

_SUMMARY_COLUMNS = (DraftRow.created_at, DraftRow.model, DraftRow.source, DraftRow.prompt_version, DraftRow.latency_ms, DraftRow.checks)


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used with a different request body."""


class DraftNotFound(Exception):
    pass


class DraftStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def find_by_key(self, key: str, fingerprint: str) -> DraftPublic | None:
        with self.sessions() as session:
            row = session.scalar(select(DraftRow).where(DraftRow.idempotency_key == key))
            if row is None:
                return None
            if row.request_hash != fingerprint:
                raise IdempotencyConflict(key)
            return _public(row)

    def id_for_key(self, key: str) -> str | None:
        """The id of the draft stored under this idempotency key, whatever its request."""
        with self.sessions() as session:
            return session.scalar(select(DraftRow.id).where(DraftRow.idempotency_key == key))

    def save(self, req: DraftRequest, fingerprint: str, outcome: DraftOutcome, key: str | None) -> tuple[DraftPublic, bool]:
        """Store a draft with its model calls. Returns (draft, created); a concurrent request with the
        same idempotency key that won the race is returned instead, with created=False."""
        row = DraftRow(
            id=uuid.uuid4().hex,
            idempotency_key=key,
            request_hash=fingerprint,
            request=req.model_dump(mode="json"),
            model=outcome.meta.model,
            source=outcome.meta.source,
            prompt_version=outcome.meta.prompt_version,
            reply=outcome.reply,
            sections=outcome.sections.model_dump(mode="json"),
            analysis=outcome.analysis.model_dump(mode="json"),
            checks=[c.model_dump(mode="json") for c in outcome.checks],
            failed_rules=failed_rules_text([c.rule_id for c in outcome.checks if not c.passed]),
            meta=outcome.meta.model_dump(mode="json"),
            latency_ms=outcome.meta.latency_ms,
            total_tokens=outcome.meta.usage.total_tokens,
            cost_usd=outcome.meta.cost_usd,
        )
        row.calls = [
            LLMCallRow(
                number=c.attempt.number,
                kind=c.attempt.kind,
                model=c.model,
                messages=c.messages,
                response=c.response,
                outcome=c.attempt.outcome,
                detail=c.attempt.detail,
                latency_ms=c.attempt.latency_ms,
                prompt_tokens=c.attempt.usage.prompt_tokens,
                completion_tokens=c.attempt.usage.completion_tokens,
            )
            for c in outcome.calls
        ]
        try:
            with self.sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            if key is None:
                raise
            existing = self.find_by_key(key, fingerprint)
            if existing is None:
                raise
            return existing, False
        return self.get(row.id), True

    def get(self, draft_id: str) -> DraftPublic:
        with self.sessions() as session:
            row = session.get(DraftRow, draft_id)
            if row is None:
                raise DraftNotFound(draft_id)
            return _public(row)

    def list_drafts(
        self,
        *,
        limit: int,
        offset: int = 0,
        after: tuple[datetime, str] | None = None,
        source: str | None = None,
        model: str | None = None,
        outcome: str | None = None,
        failed_rule: str | None = None,
    ) -> DraftList:
        """Newest first (created_at, then id, both descending, the order the ix_drafts_*created_at_id indexes
        hold, so no sort), optionally filtered by source (llm, fallback, ...), model, the latest feedback's
        outcome ("none": no feedback yet) or a failed rule, starting `offset` rows
        down or right after the row a cursor names. At most three statements whatever the page size: the
        count, the page, and the feedback of the page's drafts (selectinload). A cursor page skips the count,
        which grows with the table: it costs the same at any depth."""
        filters = []
        if source is not None:
            filters.append(DraftRow.source == source)
        if model is not None:
            filters.append(DraftRow.model == model)
        if outcome == "none":
            filters.append(~exists().where(FeedbackRow.draft_id == DraftRow.id))
        elif outcome is not None:
            latest = select(FeedbackRow.outcome).where(FeedbackRow.draft_id == DraftRow.id).order_by(FeedbackRow.id.desc()).limit(1)
            filters.append(latest.scalar_subquery() == outcome)
        if failed_rule is not None:
            filters.append(DraftRow.failed_rules.contains(f" {failed_rule} ", autoescape=True))
        page_filters = list(filters)
        if after is not None:
            page_filters.append(tuple_(DraftRow.created_at, DraftRow.id) < tuple_(*after))
        query = (
            select(DraftRow)
            .where(*page_filters)
            .order_by(DraftRow.created_at.desc(), DraftRow.id.desc())
            .limit(limit + 1)  # one more than the page: is there a next page?
            .offset(offset)
            .options(load_only(*_SUMMARY_COLUMNS), selectinload(DraftRow.feedback).load_only(FeedbackRow.outcome))
        )
        with self.sessions() as session:
            total = None if after is not None else session.scalar(select(func.count()).select_from(DraftRow).where(*filters))
            rows = session.scalars(query).all()
            items = [_summary(r) for r in rows[:limit]]
        next_cursor = encode_cursor(rows[limit - 1].created_at, rows[limit - 1].id) if len(rows) > limit else None
        return DraftList(items=items, total=total, limit=limit, offset=offset, next_cursor=next_cursor)

    def request_of(self, draft_id: str) -> dict[str, Any]:
        with self.sessions() as session:
            row = session.get(DraftRow, draft_id)
            if row is None:
                raise DraftNotFound(draft_id)
            return row.request

    def add_feedback(self, draft_id: str, fb: FeedbackRequest, final_checks: list[RuleResult] | None) -> FeedbackPublic:
        with self.sessions.begin() as session:
            row = session.get(DraftRow, draft_id)
            if row is None:
                raise DraftNotFound(draft_id)
            distance = Levenshtein.distance(row.reply, fb.final_text) if fb.final_text is not None else None
            feedback = FeedbackRow(
                outcome=fb.outcome,
                final_text=fb.final_text,
                rating=fb.rating,
                comment=fb.comment,
                edit_distance=distance,
                final_checks=[c.model_dump(mode="json") for c in final_checks] if final_checks is not None else None,
            )
            row.feedback.append(feedback)
            session.flush()
            return _feedback_public(feedback)

    def calls(self, draft_id: str) -> list[LLMCallRow]:
        with self.sessions() as session:
            return list(session.scalars(select(LLMCallRow).where(LLMCallRow.draft_id == draft_id).order_by(LLMCallRow.number)))


def _utc(moment: datetime) -> datetime:
    """SQLite hands timestamps back without a zone; every stored time is UTC."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def failed_rules_text(rule_ids: list[str]) -> str:
    """ " rule-a rule-b ", padded so that a search for " rule-a " matches whole ids only."""
    return f" {' '.join(rule_ids)} " if rule_ids else ""


def _summary(row: DraftRow) -> DraftSummary:
    return DraftSummary.model_validate(
        {
            "id": row.id,
            "created_at": _utc(row.created_at),
            "model": row.model,
            "source": row.source,
            "prompt_version": row.prompt_version,
            "latency_ms": row.latency_ms,
            "failed_rules": [c["rule_id"] for c in row.checks if not c["passed"]],
            "feedback_outcome": row.feedback[-1].outcome if row.feedback else None,
        }
    )


def _feedback_public(row: FeedbackRow) -> FeedbackPublic:
    return FeedbackPublic.model_validate(
        {
            "outcome": row.outcome,
            "final_text": row.final_text,
            "rating": row.rating,
            "comment": row.comment,
            "edit_distance": row.edit_distance,
            "final_checks": row.final_checks,
            "created_at": _utc(row.created_at),
        }
    )


def _public(row: DraftRow) -> DraftPublic:
    latest = row.feedback[-1] if row.feedback else None
    return DraftPublic.model_validate(
        {
            "id": row.id,
            "created_at": _utc(row.created_at),
            "reply": row.reply,
            "sections": row.sections,
            "analysis": row.analysis,
            "checks": row.checks,
            "meta": row.meta,
            "feedback": _feedback_public(latest) if latest else None,
        }
    )
