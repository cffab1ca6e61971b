"""The security errors in the documented shape {error, details}: 401, 403, 429 (with Retry-After) and model_not_allowed (422)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.errors import error_response
from api.schemas import ErrorDetail
from api.security.auth import Forbidden, RateLimited, Unauthorized
from api.security.model_access import ModelNotAllowed


def install_security_handlers(app: FastAPI) -> None:
    @app.exception_handler(Unauthorized)
    async def _unauthorized(_: Request, exc: Unauthorized) -> JSONResponse:
        response = error_response(401, "unauthorized", [ErrorDetail(field="Authorization", reason=str(exc))])
        response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(Forbidden)
    async def _forbidden(_: Request, exc: Forbidden) -> JSONResponse:
        reason = f"this API key lacks the '{exc.scope.value}' scope"
        response = error_response(403, "forbidden", [ErrorDetail(field="Authorization", reason=reason)])
        response.headers["WWW-Authenticate"] = f'Bearer error="insufficient_scope", scope="{exc.scope.value}"'
        return response

    @app.exception_handler(RateLimited)
    async def _limited(_: Request, exc: RateLimited) -> JSONResponse:
        reason = f"rate limit for this API key reached; retry in {exc.retry_after} s"
        response = error_response(429, "rate_limited", [ErrorDetail(field="Authorization", reason=reason)])
        response.headers["Retry-After"] = str(exc.retry_after)
        return response

    @app.exception_handler(ModelNotAllowed)
    async def _model(_: Request, exc: ModelNotAllowed) -> JSONResponse:
        return error_response(422, "model_not_allowed", [ErrorDetail(field="model", reason=str(exc))])
