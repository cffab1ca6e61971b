"""POST /v1/drafts, GET /v1/drafts/{id}, POST /v1/drafts/{id}/feedback."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Header, Path, Query, Response, status
from fastapi.concurrency import run_in_threadpool

from api.db.paging import InvalidCursor, decode_cursor
from api.deps import DrafterDep, StoreDep
from api.errors import error_response
from api.pii.at_rest import for_storage
from api.pipeline import guard, request_fingerprint
from api.routes.draft_stream import MEDIA_TYPE, replay, stream_draft, wants_stream
from api.schemas import (
    CONTROL_FREE,
    DraftList,
    DraftPublic,
    DraftRequest,
    ErrorDetail,
    ErrorResponse,
    FeedbackPublic,
    FeedbackRequest,
    Source,
)
from api.security.auth import AUTH_ERRORS, require
from api.security.keys import Scope
from api.security.model_access import check_model
from evals.rules import RULES_BY_ID
from prompts import load_prompt

router = APIRouter(prefix="/v1/drafts", tags=["drafts"])
_ERRORS: dict[int | str, dict[str, Any]] = {
    **AUTH_ERRORS,
    404: {"model": ErrorResponse},
    409: {"model": ErrorResponse},
    422: {"model": ErrorResponse},
}
_LIST_ERRORS: dict[int | str, dict[str, Any]] = {**AUTH_ERRORS, 422: {"model": ErrorResponse}}
# Visible characters at both ends, no control characters: never blank, never padded.
IDEMPOTENCY_KEY = r"^[^\s\x00-\x1f\x7f](?:[^\x00-\x1f\x7f]*[^\s\x00-\x1f\x7f])?$"
# Any id that is not stored is a 404; one no database could hold (a NUL: PostgreSQL refuses it) a 422.
DraftId = Annotated[str, Path(max_length=100, pattern=CONTROL_FREE)]
# Offset paging skips rows one by one; past this, page with `cursor` (constant time at any depth).
MAX_OFFSET = 10_000


_STREAM_DOC: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "Replayed: the draft stored under this Idempotency-Key. With `Accept: text/event-stream`: "
        "server-sent events `analysis`, `delta` ({attempt, text, reset}), `checks` ({passed, checks}), `done` (the "
        "stored draft, as in the 201 body); `error` after a failure mid-stream.",
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/DraftPublic"}},
            MEDIA_TYPE: {
                "schema": {"type": "string"},
                "example": 'event: analysis\ndata: {"intent":"complaint",...}\n\n'
                'event: delta\ndata: {"attempt":1,"text":"I can only imagine","reset":false}\n\n',
            },
        },
    },
}


@router.post(
    "",
    response_model=DraftPublic,
    status_code=status.HTTP_201_CREATED,
    responses={**_ERRORS, **_STREAM_DOC},
    dependencies=[require(Scope.drafts_write)],
)
async def create_draft(
    req: DraftRequest,
    response: Response,
    drafter: DrafterDep,
    store: StoreDep,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=255, pattern=IDEMPOTENCY_KEY)] = None,
    accept: Annotated[str | None, Header(include_in_schema=False)] = None,
) -> DraftPublic:
    """Draft a reply to a complaint. Repeating a request with the same Idempotency-Key returns the stored draft (200).
    Ask for `text/event-stream` to receive the analysis and the model's text as they come; the draft is stored
    even if the client goes away mid-stream."""
    check_model(drafter.settings, req.model)  # a model off the allow-list -> 422 before any spend
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
    stored_req, stored_outcome = for_storage(drafter.settings, req, outcome)
    draft, created = await run_in_threadpool(store.save, stored_req, fingerprint, stored_outcome, idempotency_key)
    if not created:
        response.status_code = status.HTTP_200_OK
        response.headers["Idempotent-Replayed"] = "true"
    response.headers["Location"] = f"/v1/drafts/{draft.id}"
    return draft


@router.get("", response_model=DraftList, responses=_LIST_ERRORS, dependencies=[require(Scope.drafts_read)])
def list_drafts(
    store: StoreDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description=f"Rows to skip, at most {MAX_OFFSET:,}; deeper, use `cursor`.")] = 0,
    cursor: Annotated[str | None, Query(max_length=200, description="`next_cursor` of the previous page (keyset paging).")] = None,
    source: Annotated[Source | None, Query(description="Only drafts from this path, e.g. 'fallback'.")] = None,
    model: Annotated[str | None, Query(max_length=200, pattern=CONTROL_FREE)] = None,
    outcome: Annotated[
        Literal["sent", "edited", "discarded", "none"] | None,
        Query(description="Only drafts whose latest feedback has this outcome; 'none': no feedback yet."),
    ] = None,
    failed_rule: Annotated[
        str | None,
        Query(
            max_length=60,
            description="Only drafts that failed this rule (an id from GET /v1/rules).",
            json_schema_extra={"enum": sorted(RULES_BY_ID)},
        ),
    ] = None,
) -> DraftList:
    """Stored drafts, newest first: which model wrote them, how, and which rules they broke. Page with
    `next_cursor` (any depth, same cost) or with `offset` (bounded). Every filter applies in the database,
    to the whole list, not to one page."""
    if failed_rule is not None and failed_rule not in RULES_BY_ID:
        reason = f"unknown rule id; one of: {', '.join(sorted(RULES_BY_ID))}"
        return error_response(422, "invalid_request", [ErrorDetail(field="failed_rule", reason=reason)])  # type: ignore[return-value]
    try:
        after = decode_cursor(cursor) if cursor is not None else None
    except InvalidCursor as exc:
        return error_response(422, "invalid_request", [ErrorDetail(field="cursor", reason=str(exc))])  # type: ignore[return-value]
    return store.list_drafts(limit=limit, offset=offset, after=after, source=source, model=model, outcome=outcome, failed_rule=failed_rule)


@router.get("/{draft_id}", response_model=DraftPublic, responses=_ERRORS, dependencies=[require(Scope.drafts_read)])
def get_draft(draft_id: DraftId, store: StoreDep) -> DraftPublic:
    return store.get(draft_id)


@router.post(
    "/{draft_id}/feedback",
    response_model=FeedbackPublic,
    status_code=status.HTTP_201_CREATED,
    responses=_ERRORS,
    dependencies=[require(Scope.drafts_write)],
)
def add_feedback(draft_id: DraftId, fb: FeedbackRequest, store: StoreDep) -> FeedbackPublic:
    """Record what the agent did with the draft; the final text is checked against the same rules."""
    draft = store.get(draft_id)
    final_checks = None
    if fb.final_text is not None:
        original = DraftRequest.model_validate(store.request_of(draft_id))
        final_checks = guard(fb.final_text, original, draft.analysis)
    return store.add_feedback(draft.id, fb, final_checks)
