"""POST /v1/drafts with `Accept: text/event-stream`: the draft as server-sent events.

Events, in order: `analysis` (the complaint's analysis), `delta` (the reply's text as the model
writes it, `{attempt, text, reset}`; one event with the whole reply for the playbook or a fallback),
`checks` (`{passed, checks}` for the final reply), `done` (the stored draft, the JSON response's body).
A failure after the stream has begun arrives as an `error` event with the usual error body.

The draft is made and stored by a task of its own, so a client that goes away mid-stream still
leaves a stored draft (find it with GET /v1/drafts, or replay it with the same Idempotency-Key).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi.concurrency import run_in_threadpool
from fastapi.responses import StreamingResponse

from api.db.repository import DraftStore
from api.pii.at_rest import for_storage
from api.pipeline import Drafter
from api.schemas import DraftPublic, DraftRequest, ErrorDetail, ErrorResponse
from evals.rules import RuleResult, blocking_failures

MEDIA_TYPE = "text/event-stream"
_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
_RUNNING: set[asyncio.Task[None]] = set()
"""Drafts still being made: held so a task outlives the client that asked for it."""
log = logging.getLogger(__name__)


def wants_stream(accept: str | None) -> bool:
    return bool(accept) and MEDIA_TYPE in accept.lower()  # type: ignore[union-attr]


def sse(event: str, data: Any) -> bytes:
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'), ensure_ascii=False)}\n\n".encode()


def _checks(checks: list[RuleResult]) -> dict[str, Any]:
    return {"passed": not blocking_failures(checks), "checks": [c.model_dump(mode="json") for c in checks]}


def _stored_events(draft: DraftPublic) -> list[bytes]:
    return [
        sse("analysis", draft.analysis.model_dump(mode="json")),
        sse("delta", {"attempt": None, "text": draft.reply, "reset": True}),
        sse("checks", _checks(draft.checks)),
        sse("done", draft.model_dump(mode="json")),
    ]


def replay(draft: DraftPublic) -> StreamingResponse:
    """An Idempotency-Key seen before: the stored draft's events, at once."""

    async def events() -> AsyncIterator[bytes]:
        for event in _stored_events(draft):
            yield event

    return StreamingResponse(events(), media_type=MEDIA_TYPE, headers={**_HEADERS, "Idempotent-Replayed": "true"})


def stream_draft(req: DraftRequest, fingerprint: str, key: str | None, drafter: Drafter, store: DraftStore) -> StreamingResponse:
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    async def emit(event: str, data: dict[str, Any]) -> None:
        queue.put_nowait(sse(event, data))

    async def work() -> None:
        try:
            outcome = await drafter.draft(req, emit)
            if outcome.meta.source in ("playbook", "fallback"):
                await emit("delta", {"attempt": None, "text": outcome.reply, "reset": True})
            await emit("checks", _checks(outcome.checks))
            stored_req, stored_outcome = for_storage(drafter.settings, req, outcome)
            draft, _ = await run_in_threadpool(store.save, stored_req, fingerprint, stored_outcome, key)
            await emit("done", draft.model_dump(mode="json"))
        except Exception as exc:  # the status line has gone out: report in the stream, log the rest
            log.exception("streaming draft failed")
            body = ErrorResponse(error="internal_error", details=[ErrorDetail(reason=f"{type(exc).__name__}; see the server log")])
            await emit("error", body.model_dump())
        finally:
            queue.put_nowait(None)

    task = asyncio.create_task(work())
    _RUNNING.add(task)
    task.add_done_callback(_RUNNING.discard)

    async def events() -> AsyncIterator[bytes]:
        while (item := await queue.get()) is not None:
            yield item

    return StreamingResponse(events(), media_type=MEDIA_TYPE, headers=_HEADERS)
