"""GET /v1/rules: the registry, with sources and how conflicts between the documents are resolved."""
from __future__ import annotations

from fastapi import APIRouter

from api.schemas import ConflictPublic, RulePublic, RulesResponse, SourceQuotePublic
from evals.rules import CONFLICTS, RULES

router = APIRouter(prefix="/v1/rules", tags=["rules"])


def rules_response() -> RulesResponse:
    return RulesResponse(
        rules=[
            RulePublic(
                id=r.id, title=r.title, severity=r.severity, instruction=r.instruction, explanation=r.explanation,
                fix_hint=r.fix_hint, sources=[SourceQuotePublic(doc=s.doc, quote=s.quote) for s in r.sources],
            )
            for r in RULES
        ],
        conflicts=[
            ConflictPublic(
                topic=c.topic, positions=[SourceQuotePublic(doc=s.doc, quote=s.quote) for s in c.positions],
                resolution=c.resolution, reason=c.reason, rule_ids=list(c.rule_ids),
            )
            for c in CONFLICTS
        ],
    )


@router.get("", response_model=RulesResponse)
async def list_rules() -> RulesResponse:
    return rules_response()
