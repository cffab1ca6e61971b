"""Error responses: every 4xx has the same JSON shape, {error, details: [{field, reason}]}, and the OpenAPI
schema documents that shape (not FastAPI's `{"detail": ...}`) for every 4xx an operation can return."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from api.cpu import CpuBudgetExceeded
from api.db.repository import DraftNotFound, IdempotencyConflict
from api.schemas import ErrorDetail, ErrorResponse
from prompts import UnknownPromptVersion

_ERROR_REF = {"$ref": "#/components/schemas/ErrorResponse"}
# What an operation with a request body may also answer, whatever its route declares.
_BODY_ERRORS = {
    "400": "The body could not be read (e.g. it is not UTF-8).",
    "422": "The body or a parameter is invalid: not JSON, wrong type, out of range, control characters, non-finite numbers.",
}


_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")


class UnknownRule(ValueError):
    pass


def error_response(status: int, error: str, details: list[ErrorDetail], headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status, content=ErrorResponse(error=error, details=details).model_dump(), headers=headers)


def _field(loc: tuple[int | str, ...]) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def _detail(error: dict[str, Any]) -> ErrorDetail:
    if error.get("type") == "json_invalid":  # loc is ("body", position): name the body, say where and why
        reason = f"invalid JSON at position {error['loc'][-1]}: {error.get('ctx', {}).get('error', 'decode error')}"
        return ErrorDetail(field="body", reason=reason)
    return ErrorDetail(field=_field(tuple(error.get("loc", ()))), reason=error.get("msg", "invalid"))


def _error_code(status: int) -> str:
    """422 -> invalid_request like every validation error; otherwise the status phrase: 404 -> not_found."""
    if status == 422:
        return "invalid_request"
    try:
        return HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_")
    except ValueError:
        return "error"


def _allowed_methods(request: Request) -> str:
    """Every method some route serves at this path. Starlette names only the first route's (POST, not GET
    and POST, for /v1/drafts), so each method is tried against the routes, as the router itself would."""
    routes = request.app.router.routes
    served = [m for m in _METHODS if any(r.matches({**request.scope, "method": m})[0] is Match.FULL for r in routes)]
    return ", ".join(served)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return error_response(422, "invalid_request", [_detail(e) for e in exc.errors()])

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        """Unknown path (404), wrong method (405), unreadable body (400): the same shape as every other 4xx."""
        reason = exc.detail if isinstance(exc.detail, str) else HTTPStatus(exc.status_code).phrase
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            headers["Allow"] = _allowed_methods(request)
        return error_response(exc.status_code, _error_code(exc.status_code), [ErrorDetail(reason=reason)], headers)

    @app.exception_handler(DraftNotFound)
    async def _not_found(_: Request, exc: DraftNotFound) -> JSONResponse:
        return error_response(404, "draft_not_found", [ErrorDetail(field="draft_id", reason=f"no draft with id {exc}")])

    @app.exception_handler(IdempotencyConflict)
    async def _conflict(_: Request, exc: IdempotencyConflict) -> JSONResponse:
        reason = "this Idempotency-Key was already used with a different request body"
        return error_response(409, "idempotency_conflict", [ErrorDetail(field="Idempotency-Key", reason=reason)])

    @app.exception_handler(UnknownPromptVersion)
    async def _prompt(_: Request, exc: UnknownPromptVersion) -> JSONResponse:
        return error_response(422, "invalid_request", [ErrorDetail(field="prompt_version", reason=str(exc))])

    @app.exception_handler(CpuBudgetExceeded)
    async def _cpu(_: Request, exc: CpuBudgetExceeded) -> JSONResponse:
        return error_response(503, "cpu_budget_exceeded", [ErrorDetail(field="body", reason=str(exc))])

    @app.exception_handler(UnknownRule)
    async def _rule(_: Request, exc: UnknownRule) -> JSONResponse:
        return error_response(422, "invalid_request", [ErrorDetail(field="rules", reason=str(exc))])

    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]


def _openapi(app: FastAPI) -> dict[str, Any]:
    """FastAPI's schema, with its default 422 shape (HTTPValidationError) replaced by ErrorResponse and the
    400 and 422 every body-taking operation can give documented."""
    if app.openapi_schema is not None:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    error_schema = ErrorResponse.model_json_schema(ref_template="#/components/schemas/{model}")
    for name, sub in {**error_schema.pop("$defs", {}), "ErrorResponse": error_schema}.items():
        components.setdefault(name, sub)
    for path in schema.get("paths", {}).values():
        for operation in path.values():
            responses = operation.setdefault("responses", {})
            if "requestBody" in operation:
                for status, description in _BODY_ERRORS.items():
                    responses.setdefault(status, {"description": description})
            for status, response in responses.items():
                if status.startswith("4"):
                    response["content"] = {"application/json": {"schema": _ERROR_REF}}
    for unused in ("HTTPValidationError", "ValidationError"):
        components.pop(unused, None)
    app.openapi_schema = schema
    return schema
