"""A helpdesk message in calmreply's terms, as a job stores it: what to draft from and where to post the note."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas import DraftRequest, Turn
from evals.rules import Channel, Policy

Source = Literal["chatwoot", "zammad"]
MAX_TEXT = 20_000  # DraftRequest's limit on a complaint and on each turn
MAX_HISTORY = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class HistoryTurn(BaseModel):
    role: Literal["customer", "agent"]
    text: str


class HelpdeskMessage(BaseModel):
    source: Source
    external_id: str = Field(description="The helpdesk's id of the message or article: the job's idempotency key.")
    message_id: int
    conversation_id: int = Field(description="Chatwoot conversation id or Zammad ticket id.")
    account_id: int | None = Field(default=None, description="Chatwoot account id.")
    group_id: int | None = Field(default=None, description="Zammad group id.")
    text: str
    customer_name: str | None = None
    channel: Channel
    history: list[HistoryTurn] | None = Field(default=None, description="Earlier turns from the payload; None: ask the helpdesk.")


def clean_text(text: str) -> str:
    """Helpdesk text made fit for a DraftRequest: no control characters, within the length limit."""
    return _CONTROL.sub(" ", text).strip()[:MAX_TEXT]


def draft_request(
    message: HelpdeskMessage, history: list[HistoryTurn], company_name: str | None, policy: Policy | None, model: str | None
) -> DraftRequest:
    turns = [Turn(role=t.role, text=clean_text(t.text)) for t in history if clean_text(t.text)][-MAX_HISTORY:]
    name = clean_text(message.customer_name or "")[:120] or None
    return DraftRequest(
        complaint=clean_text(message.text),
        channel=message.channel,
        customer_name=name,
        company_name=company_name,
        policy=policy,
        history=turns,
        model=model,
    )
