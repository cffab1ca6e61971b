"""`Authorization: Bearer <key>` on every /v1 route, each route needing one scope.

401 = no key, a malformed, unknown or revoked one; 403 = a valid key without the route's scope;
429 = the key's rate limit, with Retry-After. CALMREPLY_AUTH=off skips keys and limits, and is
refused unless the server listens on a loopback address only.
"""

from __future__ import annotations

import ipaddress
from datetime import UTC, datetime
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.concurrency import run_in_threadpool
from fastapi.params import Depends as DependsParam
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.config import Settings
from api.schemas import ErrorResponse
from api.security.keys import ApiKey, Scope

bearer = HTTPBearer(
    auto_error=False,
    description="An API key from `calmreply keys create --name NAME --scopes ...`. Each operation lists the scope it needs; "
    "`admin` holds every scope.",
)
# What a request runs as when CALMREPLY_AUTH=off (local use only).
LOCAL = ApiKey(id="local", name="auth off", scopes=frozenset({Scope.admin}), created_at=datetime(1970, 1, 1, tzinfo=UTC))
AUTH_ERRORS: dict[int | str, dict[str, object]] = {
    401: {"model": ErrorResponse, "description": "no API key, or a malformed, unknown or revoked one"},
    403: {"model": ErrorResponse, "description": "the key lacks this operation's scope"},
    429: {"model": ErrorResponse, "description": "the key's rate limit; wait Retry-After seconds"},
}


class Unauthorized(Exception):
    pass


class Forbidden(Exception):
    def __init__(self, scope: Scope) -> None:
        super().__init__(scope)
        self.scope = scope


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__(retry_after)
        self.retry_after = retry_after


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def auth_off_refusal(settings: Settings) -> str | None:
    """Why the server must not start with these settings, or None when it may."""
    if settings.auth == "on" or (settings.bind_host is not None and is_loopback(settings.bind_host)):
        return None
    where = f"on {settings.bind_host}" if settings.bind_host else "without CALMREPLY_BIND_HOST (start it with `calmreply serve`)"
    return (
        f"calmreply: refusing to start with CALMREPLY_AUTH=off {where}: without keys anyone who can reach the port reads "
        "every draft and spends your model budget. CALMREPLY_AUTH=off is allowed only on 127.0.0.1. Either bind to "
        "127.0.0.1, or set CALMREPLY_AUTH=on and create a key: calmreply keys create --name NAME --scopes drafts:write,drafts:read"
    )


def require(scope: Scope) -> DependsParam:
    """A route dependency: the request's key, which must hold `scope`."""

    async def authorize(request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> ApiKey:
        state = request.app.state
        if state.settings.auth == "off":
            return LOCAL
        if credentials is None:
            raise Unauthorized("send the API key as `Authorization: Bearer <key>`")
        key: ApiKey | None = await run_in_threadpool(state.keys.verify, credentials.credentials)
        if key is None:
            raise Unauthorized("unknown, malformed or revoked API key")
        if not key.allows(scope):
            raise Forbidden(scope)
        wait = state.rate_limiter.retry_after(key.id)
        if wait is not None:
            raise RateLimited(wait)
        return key

    dependency: DependsParam = Security(authorize, scopes=[scope.value])  # the scope shows in the OpenAPI spec
    return dependency
