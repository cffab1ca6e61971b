"""GET /healthz: the process is up and the database answers."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import StoreDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(store: StoreDep) -> JSONResponse:
    try:
        with store.sessions() as session:
            session.execute(text("SELECT 1"))
    except Exception as exc:  # report, don't crash: a load balancer reads the status code
        return JSONResponse(status_code=503, content={"status": "unavailable", "database": str(exc)[:200]})
    return JSONResponse(content={"status": "ok", "database": "ok"})
