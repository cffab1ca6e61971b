"""GET /v1/stats: acceptance, edit distance, broken rules, fallbacks, escalations and spend over stored drafts."""

from __future__ import annotations

import re
from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from pydantic import BeforeValidator

from api.deps import StoreDep
from api.errors import error_response
from api.schemas import ErrorDetail, ErrorResponse
from api.security.auth import AUTH_ERRORS, require
from api.security.keys import Scope
from api.stats.aggregate import Interval, by_model_prompt, figures, over_time
from api.stats.query import load_facts, usage
from api.stats.schemas import StatsFilters, StatsResponse, Usage

router = APIRouter(prefix="/v1/stats", tags=["stats"])
_ERRORS: dict[int | str, dict[str, Any]] = {**AUTH_ERRORS, 422: {"model": ErrorResponse}}


def _iso_8601(value: object) -> object:
    """Only a date or date-time in ISO 8601: "0.5" would otherwise be read as seconds since 1970."""
    if isinstance(value, str) and not _ISO_8601.match(value):
        raise ValueError("an ISO 8601 date or date-time, e.g. 2026-12-01 or 2026-12-01T09:00:00Z")
    return value


_ISO_8601 = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
Moment = Annotated[datetime | None, BeforeValidator(_iso_8601)]


def _utc(moment: datetime | None) -> datetime | None:
    """A bound without a zone is read as UTC, the zone every draft is stored in."""
    if moment is None:
        return None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@router.get("", response_model=StatsResponse, responses=_ERRORS, dependencies=[require(Scope.stats)])
async def get_stats(
    store: StoreDep,
    since: Annotated[Moment, Query(description="Drafts created at or after this moment (ISO 8601; no zone = UTC).")] = None,
    until: Annotated[Moment, Query(description="Drafts created before this moment.")] = None,
    model: Annotated[str | None, Query(max_length=200, description="Only drafts written by this model, e.g. 'playbook'.")] = None,
    interval: Annotated[Interval, Query(description="Period of `over_time`: 'day' or 'week' (weeks start on Monday).")] = "day",
) -> StatsResponse:
    """What agents did with the drafts: how many went out as suggested, edited or discarded; how much they
    were edited; which rules the suggested text and the sent text broke; how often the model fell back to the
    playbook; how many complaints needed escalating; and what the drafts cost. Totals, per model and prompt
    version, and per period."""
    since, until = _utc(since), _utc(until)
    if since is not None and until is not None and until <= since:
        return error_response(422, "invalid_request", [ErrorDetail(field="until", reason="must be after since")])  # type: ignore[return-value]

    def compute() -> StatsResponse:
        rows = list(load_facts(store.sessions, since=since, until=until, model=model))
        spend = usage(store.sessions, since=since, until=until, model=model)
        return StatsResponse(
            filters=StatsFilters(since=since, until=until, model=model, interval=interval),
            total_tokens=sum(u.total_tokens for u in spend),
            cost_usd=sum(u.cost_usd or 0.0 for u in spend),
            usage=[Usage.model_validate(asdict(u)) for u in spend],
            totals=figures(rows),
            by_model_prompt=by_model_prompt(rows),
            over_time=over_time(rows, interval),
        )

    return await run_in_threadpool(compute)
