"""Chatwoot: the `message_created` webhook (account webhook or agent bot) and the messages API.

Payload (documented fields): event, id, content, message_type ("incoming" / "outgoing" / ...), private,
sender, conversation {id, status, meta, messages?}, account {id}, inbox {id}. The messages API lists a
conversation's messages with message_type as a number (0 incoming, 1 outgoing, 2 activity, 3 template).
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from api.integrations.http import call
from api.integrations.message import HelpdeskMessage, HistoryTurn
from api.integrations.settings import ChatwootSettings

_INCOMING = ("incoming", 0)
_OUTGOING = ("outgoing", 1)


class _Open(BaseModel):
    """Chatwoot sends many more fields than these; they are kept, not refused. The ones named here have the
    JSON type the schema says (strict: no false for an id, no 0 for a boolean)."""

    model_config = ConfigDict(extra="allow", strict=True)


class ChatwootSender(_Open):
    id: int | None = None
    name: str | None = None
    type: str | None = Field(default=None, description="contact, user or agent_bot")


class ChatwootInbox(_Open):
    id: int | None = None
    name: str | None = None


class ChatwootConversation(_Open):
    id: int
    status: str | None = None
    inbox_id: int | None = None
    channel: str | None = Field(default=None, description="The inbox type, e.g. Channel::Email or Channel::WebWidget.")
    meta: dict[str, Any] | None = None
    messages: list[dict[str, Any]] | None = None


class ChatwootAccount(_Open):
    id: int


class ChatwootWebhook(_Open):
    """A Chatwoot webhook delivery. Only `message_created` events are acted on; the others get 200 `ignored`."""

    event: str = Field(description="message_created is acted on; any other event is ignored.")
    id: int | None = Field(default=None, description="The message id: a replayed delivery makes no second note.")
    content: str | None = None
    message_type: str | int | None = Field(default=None, description="Only 'incoming' messages get a draft.")
    private: bool | None = Field(default=None, description="Private notes never get a draft.")
    content_type: str | None = None
    sender: ChatwootSender | None = None
    conversation: ChatwootConversation | None = None
    account: ChatwootAccount | None = None
    inbox: ChatwootInbox | None = None


def to_message(event: ChatwootWebhook, settings: ChatwootSettings) -> HelpdeskMessage | str:
    """The message to draft a reply to, or why the event is ignored."""
    if event.event != "message_created":
        return f"event {event.event!r} is not message_created"
    if event.message_type not in _INCOMING:
        return f"message_type {event.message_type!r} is not incoming"
    if event.private:
        return "a private note"
    if event.id is None or event.conversation is None or event.account is None:
        return "no message id, conversation or account"
    if not (event.content or "").strip():
        return "no text"
    inbox_id = event.conversation.inbox_id if event.conversation.inbox_id is not None else (event.inbox.id if event.inbox else None)
    channel = settings.channel_of(str(inbox_id) if inbox_id is not None else None, event.conversation.channel)
    return HelpdeskMessage(
        source="chatwoot",
        external_id=f"{event.account.id}:{event.id}",
        message_id=event.id,
        conversation_id=event.conversation.id,
        account_id=event.account.id,
        text=event.content or "",
        customer_name=event.sender.name if event.sender else None,
        channel=channel,
        history=_history(event.conversation.messages or [], event.id),
    )


def _history(messages: list[dict[str, Any]], before: int) -> list[HistoryTurn] | None:
    """Earlier customer and agent turns, oldest first; None when there are none here (then the API is asked)."""
    turns = []
    for m in sorted((m for m in messages if isinstance(m.get("id"), int) and m["id"] < before), key=lambda m: m["id"]):
        if m.get("private") or not isinstance(m.get("content"), str) or not m["content"].strip():
            continue
        if m.get("message_type") in _INCOMING:
            turns.append(HistoryTurn(role="customer", text=m["content"]))
        elif m.get("message_type") in _OUTGOING:
            turns.append(HistoryTurn(role="agent", text=m["content"]))
    return turns or None


class ChatwootClient:
    def __init__(self, settings: ChatwootSettings, timeout_s: float) -> None:
        self.settings = settings
        self.timeout_s = timeout_s

    def _client(self) -> httpx.Client:
        return httpx.Client(timeout=self.timeout_s, headers={"api_access_token": self.settings.token()})

    def _messages_url(self, message: HelpdeskMessage) -> str:
        return f"{self.settings.api_base}/api/v1/accounts/{message.account_id}/conversations/{message.conversation_id}/messages"

    def _list(self, message: HelpdeskMessage) -> list[dict[str, Any]]:
        with self._client() as client:
            body = call(client, "GET", self._messages_url(message))
        items = body.get("payload", []) if isinstance(body, dict) else body
        return [m for m in items or [] if isinstance(m, dict)]

    def history(self, message: HelpdeskMessage) -> list[HistoryTurn]:
        if message.history is not None:
            return message.history
        return _history(self._list(message), message.message_id) or []

    def find_note(self, message: HelpdeskMessage, marker: str) -> str | None:
        """The id of a private note already holding `marker` (a post whose answer was lost), if any."""
        for m in self._list(message):
            if m.get("private") and marker in str(m.get("content") or ""):
                return str(m.get("id"))
        return None

    def post_note(self, message: HelpdeskMessage, text: str) -> str:
        with self._client() as client:
            body = call(client, "POST", self._messages_url(message), json={"content": text, "message_type": "outgoing", "private": True})
        return str(body.get("id")) if isinstance(body, dict) else ""
