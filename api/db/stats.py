"""Usage and spend per model and source, in one grouped query."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from api.db.models import DraftRow


@dataclass(frozen=True)
class UsageRow:
    model: str
    source: str
    drafts: int
    total_tokens: int
    cost_usd: float | None


def usage(sessions: sessionmaker[Session], *, since: datetime | None = None, until: datetime | None = None,
          model: str | None = None) -> list[UsageRow]:
    """Drafts created in [since, until), optionally of one model, grouped by model and source."""
    query = (
        select(DraftRow.model, DraftRow.source, func.count(), func.sum(DraftRow.total_tokens), func.sum(DraftRow.cost_usd))
        .group_by(DraftRow.model, DraftRow.source)
        .order_by(DraftRow.model, DraftRow.source)
    )
    if since is not None:
        query = query.where(DraftRow.created_at >= since)
    if until is not None:
        query = query.where(DraftRow.created_at < until)
    if model is not None:
        query = query.where(DraftRow.model == model)
    with sessions() as session:
        return [UsageRow(m, s, n, int(tokens or 0), cost) for m, s, n, tokens, cost in session.execute(query)]
