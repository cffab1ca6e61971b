"""Helpdesk webhooks in (Chatwoot, Zammad) and the job list out: POST /v1/integrations/{helpdesk}/webhook, /v1/integrations/jobs.

A webhook answers in milliseconds: it verifies the delivery, decides whether the message wants a draft,
stores a job and enqueues it. The draft is written and posted back by a worker (api.integrations.worker).
"""

from __future__ import annotations

import logging
import time
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response, status
from fastapi.concurrency import run_in_threadpool
from fastapi.security import HTTPAuthorizationCredentials
from pydantic import BaseModel, Field

from api.errors import error_response
from api.integrations import chatwoot, zammad
from api.integrations.jobs import JobList, JobPublic, JobState, JobStore
from api.integrations.message import HelpdeskMessage
from api.integrations.signatures import BadSignature, verify_chatwoot, verify_zammad
from api.schemas import ErrorDetail, ErrorResponse
from api.security.auth import AUTH_ERRORS, Unauthorized, bearer, require
from api.security.keys import Scope

router = APIRouter(prefix="/v1/integrations", tags=["integrations"])
log = logging.getLogger("calmreply.jobs")
MAX_BODY = 2 * 1024 * 1024
_WEBHOOK_ERRORS: dict[int | str, dict[str, Any]] = {
    401: {
        "model": ErrorResponse,
        "description": "the signature is missing or wrong (a secret is configured), or, "
        "unsigned, no API key with the drafts:write scope came with it",
    },
    404: {"model": ErrorResponse, "description": "this connector is off: its base URL or token is not configured"},
    413: {"model": ErrorResponse, "description": f"the body is over {MAX_BODY // 1024 // 1024} MiB"},
    422: {"model": ErrorResponse},
}
_JOB_ERRORS: dict[int | str, dict[str, Any]] = {
    **AUTH_ERRORS,
    404: {"model": ErrorResponse},
    409: {"model": ErrorResponse},
    422: {"model": ErrorResponse},
}
JobId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="A job id from the webhook's answer or the job list.")]


class WebhookAnswer(BaseModel):
    status: Literal["queued", "duplicate", "ignored"] = Field(
        description="queued: a job was stored (202); duplicate: this message already has one (a replay, 200); "
        "ignored: nothing to draft, e.g. an outgoing message or a private note (200)."
    )
    job_id: str | None = None
    reason: str | None = Field(default=None, description="Why an event was ignored.")


def _jobs(request: Request) -> JobStore:
    return request.app.state.jobs


async def _body(request: Request) -> bytes:
    body = await request.body()
    if len(body) > MAX_BODY:
        raise _TooLarge()
    return body


class _TooLarge(Exception):
    pass


async def _api_key(request: Request, credentials: HTTPAuthorizationCredentials | None, unsigned_reason: str) -> None:
    """An unsigned delivery is let in by an API key with drafts:write, or by CALMREPLY_AUTH=off without a secret."""
    state = request.app.state
    if credentials is not None and state.settings.auth == "on":
        key = await run_in_threadpool(state.keys.verify, credentials.credentials)
        if key is not None and key.allows(Scope.drafts_write):
            return
        raise Unauthorized("unknown, revoked or under-scoped API key (a webhook needs drafts:write)")
    if state.settings.auth == "off" and unsigned_reason == "":
        return
    raise Unauthorized(unsigned_reason or "sign the webhook (set a secret on both sides) or send an API key with drafts:write")


async def chatwoot_delivery(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    signature: Annotated[
        str | None,
        Header(
            alias="X-Chatwoot-Signature", max_length=200, description="sha256=<hex>: HMAC-SHA256 of '{timestamp}.{body}' with the secret."
        ),
    ] = None,
    timestamp: Annotated[str | None, Header(alias="X-Chatwoot-Timestamp", max_length=20, description="Unix seconds.")] = None,
) -> None:
    settings = request.app.state.settings.chatwoot
    body = await _body(request)
    secret = settings.secret()
    if secret is not None and (signature or timestamp or credentials is None):
        try:
            verify_chatwoot(secret, body, signature, timestamp, time.time(), settings.signature_tolerance_s)
        except BadSignature as exc:
            raise Unauthorized(str(exc)) from None
    else:
        await _api_key(request, credentials, "" if secret is None else "this webhook has a secret: sign it")
    if not settings.enabled:  # after the credentials: an anonymous caller learns nothing about the configuration
        raise _Off("chatwoot")


async def zammad_delivery(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)],
    signature: Annotated[
        str | None,
        Header(alias="X-Hub-Signature", max_length=200, description="sha1=<hex>: HMAC-SHA1 of the body with the signature token."),
    ] = None,
) -> None:
    settings = request.app.state.settings.zammad
    body = await _body(request)
    secret = settings.secret()
    if secret is not None and (signature or credentials is None):
        try:
            verify_zammad(secret, body, signature)
        except BadSignature as exc:
            raise Unauthorized(str(exc)) from None
    else:
        await _api_key(request, credentials, "" if secret is None else "this webhook has a signature token: sign it")
    if not settings.enabled:
        raise _Off("zammad")


class _Off(Exception):
    pass


async def _accept(request: Request, response: Response, message: HelpdeskMessage | str) -> WebhookAnswer:
    if isinstance(message, str):
        return WebhookAnswer(status="ignored", reason=message)
    job, created = await run_in_threadpool(_jobs(request).create, message)
    if not created:
        return WebhookAnswer(status="duplicate", job_id=job.id)
    try:
        await run_in_threadpool(request.app.state.queue.enqueue, job.id)
    except Exception:  # the queue is down: the job is stored, and the sweep enqueues it once the queue is back
        log.exception("helpdesk job %s stored but not enqueued", job.id)
    response.status_code = status.HTTP_202_ACCEPTED
    return WebhookAnswer(status="queued", job_id=job.id)


_ACCEPTED_DOC: dict[int | str, dict[str, Any]] = {
    200: {"description": "Nothing new to do: the event was ignored, or this message already has a job (a replay)."},
    202: {"model": WebhookAnswer, "description": "A job was stored; a worker drafts and posts the note."},
}


@router.post(
    "/chatwoot/webhook",
    response_model=WebhookAnswer,
    responses={**_ACCEPTED_DOC, **_WEBHOOK_ERRORS},
    dependencies=[Depends(chatwoot_delivery)],
)
async def chatwoot_webhook(event: chatwoot.ChatwootWebhook, request: Request, response: Response) -> WebhookAnswer:
    """A Chatwoot account webhook or agent bot: tick `message_created`. Incoming messages that are not private
    get a draft, posted back as a private note; every other event is ignored."""
    return await _accept(request, response, chatwoot.to_message(event, request.app.state.settings.chatwoot))


@router.post(
    "/zammad/webhook", response_model=WebhookAnswer, responses={**_ACCEPTED_DOC, **_WEBHOOK_ERRORS}, dependencies=[Depends(zammad_delivery)]
)
async def zammad_webhook(event: zammad.ZammadWebhook, request: Request, response: Response) -> WebhookAnswer:
    """A Zammad trigger's webhook (default payload). Customer articles that are not internal get a draft, posted
    back as an internal note (or the ticket's shared draft, in groups listed in CALMREPLY_ZAMMAD_SHARED_DRAFT_GROUPS)."""
    return await _accept(request, response, zammad.to_message(event, request.app.state.settings.zammad))


@router.get("/jobs", response_model=JobList, responses=_JOB_ERRORS, dependencies=[require(Scope.admin)])
async def list_jobs(
    request: Request,
    state: Annotated[JobState | None, Query(description="Only jobs in this state; 'dead' is the dead-letter list.")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> JobList:
    """Helpdesk jobs, most recently changed first."""
    return await run_in_threadpool(_jobs(request).list, state, limit)


@router.get("/jobs/{job_id}", response_model=JobPublic, responses=_JOB_ERRORS, dependencies=[require(Scope.admin)])
async def get_job(job_id: JobId, request: Request) -> JobPublic:
    return await run_in_threadpool(_jobs(request).get, job_id)


@router.post("/jobs/{job_id}/retry", response_model=JobPublic, responses=_JOB_ERRORS, dependencies=[require(Scope.admin)])
async def retry_job(job_id: JobId, request: Request) -> JobPublic:
    """Queue a dead job again with a fresh count of attempts (409 if it is not dead)."""
    job = await run_in_threadpool(_jobs(request).revive, job_id)
    await run_in_threadpool(request.app.state.queue.enqueue, job.id)
    return job


def install_integration_handlers(app: Any) -> None:
    from api.integrations.jobs import JobNotDead, JobNotFound

    @app.exception_handler(_Off)
    async def _off(_: Request, exc: _Off) -> Response:
        reason = f"the {exc} connector is off: set CALMREPLY_{str(exc).upper()}_BASE_URL and _API_TOKEN"
        return error_response(404, "connector_off", [ErrorDetail(reason=reason)])

    @app.exception_handler(_TooLarge)
    async def _large(_: Request, exc: _TooLarge) -> Response:
        return error_response(413, "payload_too_large", [ErrorDetail(field="body", reason=f"over {MAX_BODY} bytes")])

    @app.exception_handler(JobNotFound)
    async def _missing(_: Request, exc: JobNotFound) -> Response:
        return error_response(404, "job_not_found", [ErrorDetail(field="job_id", reason=f"no job with id {exc}")])

    @app.exception_handler(JobNotDead)
    async def _alive(_: Request, exc: JobNotDead) -> Response:
        return error_response(409, "job_not_dead", [ErrorDetail(field="job_id", reason=str(exc))])
