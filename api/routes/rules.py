"""GET /v1/rules: the registry, with sources and how conflicts between the documents are resolved."""

from __future__ import annotations

from fastapi import APIRouter

from api.schemas import ConflictPublic, RemedyVocabularyPublic, RulePublic, RulesResponse, SourceQuotePublic
from evals.rules import CONFLICTS, RULES, Remedy
from evals.rules.checks.promises import DOING_THE_JOB
from evals.rules.policy import LabelledRemedy

REMEDY_VOCABULARY = RemedyVocabularyPublic(
    built_in=list(Remedy),
    custom=(
        "An entry of allowed_remedies may be an object {label, kind?, max_amount?, currency?} naming a remedy in the "
        "company's own words. With a kind, the reply's offers of that kind are allowed and the playbook offers the label; "
        "without one, an offer is allowed when its clause uses the label's own words. The entry's max_amount bounds "
        "the amounts offered with it (the policy's max_amount bounds the rest)."
    ),
    doing_the_job=sorted(DOING_THE_JOB),
    example=LabelledRemedy(label="voucher", kind=Remedy.compensation, max_amount=20),
)

router = APIRouter(prefix="/v1/rules", tags=["rules"])


def rules_response() -> RulesResponse:
    return RulesResponse(
        rules=[
            RulePublic(
                id=r.id,
                title=r.title,
                severity=r.severity,
                instruction=r.instruction,
                explanation=r.explanation,
                fix_hint=r.fix_hint,
                sources=[SourceQuotePublic(doc=s.doc, quote=s.quote) for s in r.sources],
            )
            for r in RULES
        ],
        conflicts=[
            ConflictPublic(
                topic=c.topic,
                positions=[SourceQuotePublic(doc=s.doc, quote=s.quote) for s in c.positions],
                resolution=c.resolution,
                reason=c.reason,
                rule_ids=list(c.rule_ids),
            )
            for c in CONFLICTS
        ],
        remedies=REMEDY_VOCABULARY,
    )


@router.get("", response_model=RulesResponse)
async def list_rules() -> RulesResponse:
    return rules_response()
