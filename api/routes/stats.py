"""GET /v1/stats: how many drafts each model wrote, by which path, and what they cost."""
from __future__ import annotations

from dataclasses import asdict

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, Field

from api.db.stats import usage
from api.deps import StoreDep
from api.schemas import Source
from api.security.auth import AUTH_ERRORS, require
from api.security.keys import Scope

router = APIRouter(prefix="/v1/stats", tags=["stats"])


class UsagePublic(BaseModel):
    model: str
    source: Source
    drafts: int
    total_tokens: int
    cost_usd: float | None = Field(description="Sum of the known provider costs; null when no call reported one.")


class StatsResponse(BaseModel):
    drafts: int
    total_tokens: int
    cost_usd: float
    usage: list[UsagePublic]


@router.get("", response_model=StatsResponse, responses=AUTH_ERRORS, dependencies=[require(Scope.stats)])
async def stats(store: StoreDep) -> StatsResponse:
    rows = await run_in_threadpool(usage, store.sessions)
    return StatsResponse(
        drafts=sum(r.drafts for r in rows), total_tokens=sum(r.total_tokens for r in rows),
        cost_usd=sum(r.cost_usd or 0.0 for r in rows),
        usage=[UsagePublic.model_validate(asdict(r)) for r in rows],
    )
