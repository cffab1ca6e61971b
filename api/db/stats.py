"""Usage and spend per model and source, in one grouped query."""
from __future__ import annotations

from dataclasses import dataclass

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


def usage(sessions: sessionmaker[Session]) -> list[UsageRow]:
    query = (
        select(DraftRow.model, DraftRow.source, func.count(), func.sum(DraftRow.total_tokens), func.sum(DraftRow.cost_usd))
        .group_by(DraftRow.model, DraftRow.source)
        .order_by(DraftRow.model, DraftRow.source)
    )
    with sessions() as session:
        return [UsageRow(m, s, n, int(tokens or 0), cost) for m, s, n, tokens, cost in session.execute(query)]
