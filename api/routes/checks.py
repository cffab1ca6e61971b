"""POST /v1/checks: lint any reply (an agent's edited draft) against the rule registry."""

from __future__ import annotations

from fastapi import APIRouter

from api.analysis import message_kind
from api.deps import CpuDep
from api.errors import UnknownRule
from api.schemas import CheckRequest, CheckResponse, ErrorResponse
from api.security.auth import AUTH_ERRORS, require
from api.security.keys import Scope
from evals.rules import RULES_BY_ID, CheckContext, blocking_failures, check_reply

router = APIRouter(prefix="/v1/checks", tags=["checks"])


def lint(req: CheckRequest) -> CheckResponse:
    """Every requested rule on the reply, in the light of what the customer's message is (CPU-bound, pure)."""
    intent, frustrated = message_kind(req.complaint, req.intent)
    ctx = CheckContext(
        reply=req.reply,
        complaint=req.complaint,
        company_at_fault=req.company_at_fault,
        policy=req.policy,
        channel=req.channel,
        intent=intent,
        frustrated=frustrated,
    )
    results = check_reply(ctx, req.rules)
    return CheckResponse(passed=not blocking_failures(results), checks=results)


@router.post(
    "",
    response_model=CheckResponse,
    responses={**AUTH_ERRORS, 422: {"model": ErrorResponse}, 503: {"model": ErrorResponse}},
    dependencies=[require(Scope.checks)],
)
async def run_checks(req: CheckRequest, cpu: CpuDep) -> CheckResponse:
    """Spans are character offsets into the submitted `reply`."""
    unknown = [r for r in req.rules or [] if r not in RULES_BY_ID]
    if unknown:
        raise UnknownRule(f"unknown rule id(s): {', '.join(unknown)}; see GET /v1/rules")
    return await cpu.run(lint, req)
