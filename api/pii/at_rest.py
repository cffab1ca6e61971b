"""What a draft stores: everything as is, or with CALMREPLY_STORE_PII=false the request, the prompts
and the raw model output with the placeholders the model saw. The reply is kept whole: it is what
the agent sends."""

from __future__ import annotations

from dataclasses import replace

from api.config import Settings
from api.pii.redact import redact_request
from api.pipeline import DraftOutcome
from api.schemas import DraftRequest


def for_storage(settings: Settings, req: DraftRequest, outcome: DraftOutcome) -> tuple[DraftRequest, DraftOutcome]:
    if settings.store_pii:
        return req, outcome
    stored, pii = redact_request(req)
    calls = [
        replace(c, messages=pii.redact_messages(c.messages), response=None if c.response is None else pii.redact(c.response))
        for c in outcome.calls
    ]
    return stored, replace(outcome, calls=calls)
