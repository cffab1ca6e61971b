"""Error responses: every 4xx has the same JSON shape, {error, details: [{field, reason}]}."""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from api.cpu import CpuBudgetExceeded
from api.db.repository import DraftNotFound, IdempotencyConflict
from api.schemas import ErrorDetail, ErrorResponse
from prompts import UnknownPromptVersion


class UnknownRule(ValueError):
    pass


def error_response(status: int, error: str, details: list[ErrorDetail]) -> JSONResponse:
    return JSONResponse(status_code=status, content=ErrorResponse(error=error, details=details).model_dump())


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path", "header")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        details = [ErrorDetail(field=_field(tuple(e.get("loc", ()))), reason=e.get("msg", "invalid")) for e in exc.errors()]
        return error_response(422, "invalid_request", details)

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
