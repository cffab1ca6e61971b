"""Reads and writes drafts, their model calls and feedback. Each write is one transaction."""
from __future__ import annotations

import uuid
from datetime import datetime, timezone

from rapidfuzz.distance import Levenshtein
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from api.db.models import DraftRow, FeedbackRow, LLMCallRow
from api.pipeline import DraftOutcome
from api.schemas import DraftList, DraftPublic, DraftRequest, DraftSummary, FeedbackPublic, FeedbackRequest
from evals.rules import RuleResult


class IdempotencyConflict(Exception):
    """The Idempotency-Key was already used with a different request body."""


class DraftNotFound(Exception):
    pass


class DraftStore:
    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    def find_by_key(self, key: str, fingerprint: str) -> DraftPublic | None:
        with self.sessions() as session:
            row = session.scalar(select(DraftRow).where(DraftRow.idempotency_key == key))
            if row is None:
                return None
            if row.request_hash != fingerprint:
                raise IdempotencyConflict(key)
            return _public(row)

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
            meta=outcome.meta.model_dump(mode="json"),
            latency_ms=outcome.meta.latency_ms,
            total_tokens=outcome.meta.usage.total_tokens,
            cost_usd=outcome.meta.cost_usd,
        )
        row.calls = [
            LLMCallRow(
                number=c.attempt.number, kind=c.attempt.kind, model=c.model, messages=c.messages, response=c.response,
                outcome=c.attempt.outcome, detail=c.attempt.detail, latency_ms=c.attempt.latency_ms,
                prompt_tokens=c.attempt.usage.prompt_tokens, completion_tokens=c.attempt.usage.completion_tokens,
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

    def list_drafts(self, *, limit: int, offset: int, source: str | None = None, model: str | None = None) -> DraftList:
        """Newest first, optionally filtered by source (llm, fallback, ...) or model."""
        query = select(DraftRow)
        if source is not None:
            query = query.where(DraftRow.source == source)
        if model is not None:
            query = query.where(DraftRow.model == model)
        with self.sessions() as session:
            total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
            rows = session.scalars(query.order_by(DraftRow.created_at.desc(), DraftRow.id).limit(limit).offset(offset)).all()
            items = [
                DraftSummary.model_validate({
                    "id": r.id, "created_at": _utc(r.created_at), "model": r.model, "source": r.source,
                    "prompt_version": r.prompt_version, "latency_ms": r.latency_ms,
                    "failed_rules": [c["rule_id"] for c in r.checks if not c["passed"]],
                    "feedback_outcome": r.feedback[-1].outcome if r.feedback else None,
                })
                for r in rows
            ]
        return DraftList(items=items, total=total, limit=limit, offset=offset)

    def request_of(self, draft_id: str) -> dict:
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
                outcome=fb.outcome, final_text=fb.final_text, rating=fb.rating, comment=fb.comment, edit_distance=distance,
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
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=timezone.utc)


def _feedback_public(row: FeedbackRow) -> FeedbackPublic:
    return FeedbackPublic.model_validate({
        "outcome": row.outcome, "final_text": row.final_text, "rating": row.rating, "comment": row.comment,
        "edit_distance": row.edit_distance, "final_checks": row.final_checks, "created_at": _utc(row.created_at),
    })


def _public(row: DraftRow) -> DraftPublic:
    latest = row.feedback[-1] if row.feedback else None
    return DraftPublic.model_validate({
        "id": row.id, "created_at": _utc(row.created_at), "reply": row.reply, "sections": row.sections, "analysis": row.analysis,
        "checks": row.checks, "meta": row.meta, "feedback": _feedback_public(latest) if latest else None,
    })
