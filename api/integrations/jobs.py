"""The helpdesk job table: what is waiting, running, retrying, done or dead. Every change is one transaction.

The table, not the queue, is the truth. huey carries job ids to the workers; a worker first *claims* its
job with one conditional UPDATE, so a job that two workers were handed (a replayed enqueue, a recovery
sweep) runs once. A claim holds a lease: a worker killed mid-job leaves a running job whose lease runs
out, and the sweep hands it to another worker.
"""

from __future__ import annotations

import builtins
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, Field
from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker

from api.db.models import HelpdeskJobRow
from api.integrations.message import HelpdeskMessage

JobState = Literal["queued", "running", "retrying", "done", "dead"]
_RUNNABLE = ("queued", "retrying")
_CLOCK_SLACK = timedelta(seconds=1)  # huey's eta and our next_attempt_at come from two clock reads


def utcnow() -> datetime:
    return datetime.now(UTC)


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone; every stored time is UTC."""
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None else moment


class JobNotFound(LookupError):
    pass


class JobNotDead(ValueError):
    pass


class JobPublic(BaseModel):
    id: str
    source: Literal["chatwoot", "zammad"]
    external_id: str = Field(description="The helpdesk's message or article id.")
    conversation_id: int = Field(description="Chatwoot conversation or Zammad ticket.")
    state: JobState
    attempts: int
    last_error: str | None = Field(description="Why the last attempt failed, e.g. the helpdesk's HTTP status.")
    draft_id: str | None = Field(description="The stored draft (GET /v1/drafts/{id}).")
    note_id: str | None = Field(description="The note's id in the helpdesk, once posted.")
    worker: str | None = Field(description="host:pid of the worker that ran the last attempt.")
    next_attempt_at: datetime | None
    created_at: datetime
    updated_at: datetime


class JobList(BaseModel):
    items: list[JobPublic]
    limit: int


@dataclass(frozen=True)
class Failure:
    """What became of a failed attempt: dead, or retried in `retry_in_s` seconds."""

    state: JobState
    retry_in_s: float | None


def _public(row: HelpdeskJobRow) -> JobPublic:
    return JobPublic(
        id=row.id,
        source=row.source,  # type: ignore[arg-type]
        external_id=row.external_id,
        conversation_id=int(row.message.get("conversation_id", 0)),
        state=row.state,  # type: ignore[arg-type]
        attempts=row.attempts,
        last_error=row.last_error,
        draft_id=row.draft_id,
        note_id=row.note_id,
        worker=row.worker,
        next_attempt_at=_utc(row.next_attempt_at),
        created_at=_utc(row.created_at),  # type: ignore[arg-type]
        updated_at=_utc(row.updated_at),  # type: ignore[arg-type]
    )


@dataclass(frozen=True)
class ClaimedJob:
    id: str
    message: HelpdeskMessage
    attempts: int
    draft_id: str | None
    posting_since: datetime | None


class JobStore:
    def __init__(self, sessions: sessionmaker) -> None:
        self.sessions = sessions

    def create(self, message: HelpdeskMessage) -> tuple[JobPublic, bool]:
        """Store a queued job; (job, created). A message already stored returns its job with created=False."""
        now = utcnow()
        row = HelpdeskJobRow(
            id=uuid.uuid4().hex,
            source=message.source,
            external_id=message.external_id,
            state="queued",
            message=message.model_dump(mode="json"),
            attempts=0,
            created_at=now,
            updated_at=now,
        )
        try:
            with self.sessions.begin() as session:
                session.add(row)
        except IntegrityError:
            existing = self.find(message.source, message.external_id)
            if existing is None:
                raise
            return existing, False
        return _public(row), True

    def find(self, source: str, external_id: str) -> JobPublic | None:
        with self.sessions() as session:
            row = session.scalar(select(HelpdeskJobRow).where(HelpdeskJobRow.source == source, HelpdeskJobRow.external_id == external_id))
            return _public(row) if row is not None else None

    def get(self, job_id: str) -> JobPublic:
        with self.sessions() as session:
            row = session.get(HelpdeskJobRow, job_id)
            if row is None:
                raise JobNotFound(job_id)
            return _public(row)

    def list(self, state: JobState | None = None, limit: int = 50) -> JobList:
        query = select(HelpdeskJobRow).order_by(HelpdeskJobRow.updated_at.desc(), HelpdeskJobRow.id.desc()).limit(limit)
        if state is not None:
            query = query.where(HelpdeskJobRow.state == state)
        with self.sessions() as session:
            return JobList(items=[_public(r) for r in session.scalars(query)], limit=limit)

    def claim(self, job_id: str, worker: str, lease_s: float) -> ClaimedJob | None:
        """Take the job if it is runnable now (or its last worker's lease ran out); None if another has it or it is over."""
        now = utcnow()
        table = HelpdeskJobRow
        runnable = or_(
            and_(table.state.in_(_RUNNABLE), or_(table.next_attempt_at.is_(None), table.next_attempt_at <= now + _CLOCK_SLACK)),
            and_(table.state == "running", table.lease_until < now),
        )
        with self.sessions.begin() as session:
            taken = session.execute(
                update(table)
                .where(table.id == job_id, runnable)
                .values(
                    state="running",
                    attempts=table.attempts + 1,
                    worker=worker[:100],
                    lease_until=now + timedelta(seconds=lease_s),
                    updated_at=now,
                )
            ).rowcount
            if taken != 1:
                return None
            row = session.get(table, job_id)
            assert row is not None
            return ClaimedJob(
                id=row.id,
                message=HelpdeskMessage.model_validate(row.message),
                attempts=row.attempts,
                draft_id=row.draft_id,
                posting_since=_utc(row.posting_since),
            )

    def _set(self, job_id: str, **values: object) -> None:
        with self.sessions.begin() as session:
            session.execute(update(HelpdeskJobRow).where(HelpdeskJobRow.id == job_id).values(updated_at=utcnow(), **values))

    def set_draft(self, job_id: str, draft_id: str) -> None:
        self._set(job_id, draft_id=draft_id)

    def mark_posting(self, job_id: str) -> None:
        """Said before the note is posted: a later attempt then first looks for a note this one may have made."""
        self._set(job_id, posting_since=utcnow())

    def done(self, job_id: str, note_id: str, forget_text: bool = False) -> None:
        """`forget_text` (CALMREPLY_STORE_PII=false): the customer's words leave the job once it is done;
        the stored draft keeps them only as placeholders."""
        values: dict[str, object] = {}
        if forget_text:
            with self.sessions() as session:
                row = session.get(HelpdeskJobRow, job_id)
                if row is not None:
                    values["message"] = {**row.message, "text": "", "customer_name": None, "history": None}
        self._set(job_id, state="done", note_id=note_id[:64], last_error=None, lease_until=None, next_attempt_at=None, **values)

    def fail(
        self, job_id: str, error: str, transient: bool, attempts: int, max_attempts: int, backoff_s: float, backoff_max_s: float
    ) -> Failure:
        """A transient failure with attempts left is retried after base * 2^(attempt-1) seconds (capped); else dead."""
        if not transient or attempts >= max_attempts:
            self._set(job_id, state="dead", last_error=error[:2000], lease_until=None, next_attempt_at=None)
            return Failure("dead", None)
        delay = min(backoff_max_s, backoff_s * 2 ** (attempts - 1))
        self._set(job_id, state="retrying", last_error=error[:2000], lease_until=None, next_attempt_at=utcnow() + timedelta(seconds=delay))
        return Failure("retrying", delay)

    def revive(self, job_id: str) -> JobPublic:
        """A dead job queued again with a fresh count of attempts (after the helpdesk or the token was fixed)."""
        with self.sessions.begin() as session:
            row = session.get(HelpdeskJobRow, job_id)
            if row is None:
                raise JobNotFound(job_id)
            if row.state != "dead":
                raise JobNotDead(f"job {job_id} is {row.state}, not dead")
            row.state, row.attempts, row.next_attempt_at, row.updated_at = "queued", 0, None, utcnow()
            session.flush()
            return _public(row)

    def stranded(self, older_than_s: float, limit: int = 500) -> builtins.list[str]:
        """Jobs no worker is on: queued or due for retry a while ago, or running past their lease (the worker died)."""
        now = utcnow()
        before = now - timedelta(seconds=older_than_s)
        table = HelpdeskJobRow
        query = (
            select(table.id)
            .where(
                or_(
                    and_(table.state == "queued", table.updated_at < before),
                    and_(table.state == "retrying", table.next_attempt_at < before),
                    and_(table.state == "running", table.lease_until < now),
                )
            )
            .order_by(table.updated_at)
            .limit(limit)
        )
        with self.sessions() as session:
            return list(session.scalars(query))
