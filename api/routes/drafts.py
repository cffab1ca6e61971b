"""POST /v1/drafts, GET /v1/drafts/{id}, POST /v1/drafts/{id}/feedback."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response, status
from fastapi.concurrency import run_in_threadpool

from api.deps import DrafterDep, StoreDep
from api.errors import error_response
from api.pipeline import guard, request_fingerprint
from api.routes.draft_stream import MEDIA_TYPE, replay, stream_draft, wants_stream
from api.schemas import DraftList, DraftPublic, DraftRequest, ErrorDetail, ErrorResponse, FeedbackPublic, FeedbackRequest, Source
from prompts import load_prompt

router = APIRouter(prefix="/v1/drafts", tags=["drafts"])
_ERRORS: dict[int | str, dict[str, Any]] = {404: {"model": ErrorResponse}, 409: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}


_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "With `Accept: text/event-stream`: server-sent events `analysis`, `delta` ({attempt, text, reset}), "
          "`checks` ({passed, checks}), `done` (the stored draft, as in the 201 body); `error` after a failure mid-stream.",
          "content": {MEDIA_TYPE: {"schema": {"type": "string"}, "example": 'event: analysis\ndata: {"intent":"complaint",...}\n\n'
                                   'event: delta\ndata: {"attempt":1,"text":"I can only imagine","reset":false}\n\n'}}},
}


@router.post("", response_model=DraftPublic, status_code=status.HTTP_201_CREATED, responses={**_ERRORS, **_STREAM_DOC})
async def create_draft(
    req: DraftRequest,
    response: Response,
    drafter: DrafterDep,
    store: StoreDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=255)] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> DraftPublic:
    """Draft a reply to a complaint. Repeating a request with the same Idempotency-Key returns the stored draft (200).
    Ask for `text/event-stream` to receive the analysis and the model's text as they come; the draft is stored
    even if the client goes away mid-stream."""
    if idempotency_key is not None and not idempotency_key.strip():
        return error_response(422, "invalid_request", [ErrorDetail(field="Idempotency-Key", reason="must not be blank")])  # type: ignore[return-value]
    load_prompt(req.prompt_version or drafter.settings.prompt_version)  # unknown version -> 422 before any work
    fingerprint = request_fingerprint(req)
    if idempotency_key is not None:
        existing = await run_in_threadpool(store.find_by_key, idempotency_key, fingerprint)
        if existing is not None:
            if wants_stream(accept):
                return replay(existing)  # type: ignore[return-value]
            response.status_code = status.HTTP_200_OK
            response.headers["Idempotent-Replayed"] = "true"
            return existing
    if wants_stream(accept):
        return stream_draft(req, fingerprint, idempotency_key, drafter, store)  # type: ignore[return-value]
    outcome = await drafter.draft(req)
    draft, created = await run_in_threadpool(store.save, req, fingerprint, outcome, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/v1/drafts/{draft.id}"
    return draft


@router.get("", response_model=DraftList, responses=_ERRORS)
def list_drafts(
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
    source: Annotated[Source | None, Query(description="Only drafts from this path, e.g. 'fallback'.")] = None,
    model: Annotated[str | None, Query(max_length=200)] = None,
) -> DraftList:
    """Stored drafts, newest first: which model wrote them, how, and which rules they broke."""
    return store.list_drafts(limit=limit, offset=offset, source=source, model=model)


@router.get("/{draft_id}", response_model=DraftPublic, responses=_ERRORS)
def get_draft(draft_id: str, store: StoreDep) -> DraftPublic:
    return store.get(draft_id)


@router.post("/{draft_id}/feedback", response_model=FeedbackPublic, status_code=status.HTTP_201_CREATED, responses=_ERRORS)
def add_feedback(draft_id: str, fb: FeedbackRequest, store: StoreDep) -> FeedbackPublic:
    """Record what the agent did with the draft; the final text is checked against the same rules."""
    draft = store.get(draft_id)
    final_checks = None
    if fb.final_text is not None:
        original = DraftRequest.model_validate(store.request_of(draft_id))
        final_checks = guard(fb.final_text, original, draft.analysis)
    return store.add_feedback(draft.id, fb, final_checks)
