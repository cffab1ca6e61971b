"""Zammad: the trigger webhook (`ticket` and `article`) and the ticket articles API.

A trigger sends the ticket and the article that fired it. Articles have `sender` (Customer, Agent,
System), `internal`, `type` (email, phone, web, note, ...), and an HTML or plain `body`. The note goes
back as an internal article; in groups with shared drafts it goes into the ticket's shared draft instead.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field

from api.integrations.http import call
from api.integrations.message import HelpdeskMessage, HistoryTurn
from api.integrations.settings import ZammadSettings


class _Open(BaseModel):
    """Zammad sends many more fields than these; they are kept. The named ones are strictly typed."""

    model_config = ConfigDict(extra="allow", strict=True)


class ZammadCustomer(_Open):
    firstname: str | None = None
    lastname: str | None = None


class ZammadTicket(_Open):
    id: int
    group_id: int | None = None
    customer: ZammadCustomer | None = None


class ZammadArticle(_Open):
    model_config = ConfigDict(extra="allow", strict=True, populate_by_name=True)

    id: int
    ticket_id: int | None = None
    body: str | None = None
    content_type: str | None = Field(default=None, description="text/html or text/plain")
    internal: bool | None = Field(default=None, description="Internal articles never get a draft.")
    sender: str | None = Field(default=None, description="Only articles from the Customer get a draft.")
    type: str | None = None
    from_: str | None = Field(default=None, alias="from")


class ZammadWebhook(_Open):
    """A Zammad trigger webhook with the default payload. A delivery without an article gets 200 `ignored`."""

    ticket: ZammadTicket
    article: ZammadArticle | None = None


class _Text(HTMLParser):
    _BREAKS = frozenset({"br", "p", "div", "li", "tr", "blockquote", "h1", "h2", "h3"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self._BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def body_text(body: str, content_type: str | None) -> str:
    if content_type != "text/html":
        return body
    parser = _Text()
    parser.feed(body)
    return re.sub(r"\n{3,}", "\n\n", re.sub(r"[ \t]+", " ", "".join(parser.parts))).strip()


def _name(ticket: ZammadTicket, article: ZammadArticle) -> str | None:
    if ticket.customer and (ticket.customer.firstname or ticket.customer.lastname):
        return " ".join(p for p in (ticket.customer.firstname, ticket.customer.lastname) if p)
    if article.from_:
        return re.sub(r"\s*<[^>]*>\s*", "", article.from_).strip().strip('"') or None
    return None


def to_message(event: ZammadWebhook, settings: ZammadSettings) -> HelpdeskMessage | str:
    article = event.article
    if article is None:
        return "no article"
    if article.sender != "Customer":
        return f"article from {article.sender!r}, not the Customer"
    if article.internal:
        return "an internal article"
    text = body_text(article.body or "", article.content_type)
    if not text.strip():
        return "no text"
    return HelpdeskMessage(
        source="zammad",
        external_id=str(article.id),
        message_id=article.id,
        conversation_id=event.ticket.id,
        group_id=event.ticket.group_id,
        text=text,
        customer_name=_name(event.ticket, article),
        channel=settings.channel_of(article.type),
        history=None,
    )


class ZammadClient:
    def __init__(self, settings: ZammadSettings, timeout_s: float) -> None:
        self.settings = settings
        self.timeout_s = timeout_s

    def _client(self) -> httpx.Client:
        return httpx.Client(timeout=self.timeout_s, headers={"Authorization": f"Token token={self.settings.token()}"})

    def _articles(self, message: HelpdeskMessage) -> list[dict[str, Any]]:
        with self._client() as client:
            body = call(client, "GET", f"{self.settings.api_base}/api/v1/ticket_articles/by_ticket/{message.conversation_id}")
        return [a for a in body or [] if isinstance(a, dict)]

    def history(self, message: HelpdeskMessage) -> list[HistoryTurn]:
        turns = []
        for a in sorted(
            (a for a in self._articles(message) if isinstance(a.get("id"), int) and a["id"] < message.message_id), key=lambda a: a["id"]
        ):
            role = {"Customer": "customer", "Agent": "agent"}.get(str(a.get("sender")))
            text = body_text(str(a.get("body") or ""), a.get("content_type"))
            if role is not None and not a.get("internal") and text.strip():
                turns.append(HistoryTurn(role=role, text=text))  # type: ignore[arg-type]
        return turns

    def uses_shared_draft(self, message: HelpdeskMessage) -> bool:
        return message.group_id is not None and message.group_id in self.settings.shared_draft_groups

    def find_note(self, message: HelpdeskMessage, marker: str) -> str | None:
        for a in self._articles(message):
            if a.get("internal") and marker in str(a.get("body") or ""):
                return str(a.get("id"))
        return None

    def post_note(self, message: HelpdeskMessage, body: str) -> str:
        with self._client() as client:
            answer = call(
                client,
                "POST",
                f"{self.settings.api_base}/api/v1/ticket_articles",
                json={
                    "ticket_id": message.conversation_id,
                    "subject": "calmreply draft",
                    "body": body,
                    "content_type": "text/html",
                    "type": "note",
                    "internal": True,
                },
            )
        return str(answer.get("id")) if isinstance(answer, dict) else ""

    def put_shared_draft(self, message: HelpdeskMessage, reply_html: str, article_type: str) -> str | None:
        """Put the reply in the ticket's shared draft; None (nothing written) when an agent's draft is already there."""
        url = f"{self.settings.api_base}/api/v1/tickets/{message.conversation_id}/shared_draft"
        with self._client() as client:
            current = call(client, "GET", url) or {}
            existing = current.get("shared_draft_id") if isinstance(current, dict) else None
            ours = isinstance(current, dict) and (current.get("new_article") or {}).get("body") == reply_html
            if existing is not None and not ours:
                return None
            call(
                client,
                "PUT",
                url,
                json={
                    "form_id": f"calmreply-{message.external_id}",
                    "new_article": {"body": reply_html, "content_type": "text/html", "type": article_type, "internal": False},
                    "ticket_attributes": {},
                },
            )
        return f"shared_draft:{existing or message.conversation_id}"


def reply_type(message: HelpdeskMessage) -> str:
    """The article type a shared draft's reply goes out as: by email unless the channel is phone."""
    return "phone" if message.channel.value == "phone" else "email"
