"""A fake Chatwoot and a fake Zammad: small HTTP servers on 127.0.0.1 that speak the documented endpoints
the connectors call, keep what they are sent, and can be told to fail or to hold a request."""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class FakeHelpdesk:
    """The shared machinery: a server thread, a log of requests, scripted failures and a gate."""

    token: str
    received: list[Received] = field(default_factory=list)
    fail_next: list[int] = field(default_factory=list)  # statuses the next writes answer with, in order
    gate: threading.Event | None = None  # set: writes wait for it (the request is kept first, as a server that saved it)
    writes_arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    next_id: int = 9000
    write_delay_s: float = 0.0  # a slow helpdesk: each write takes this long

    def start(self) -> FakeHelpdesk:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                return None

            def _answer(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                body = json.loads(raw) if raw else None
                status, answer = fake.handle(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                self._answer(status, answer)

            do_GET = do_POST = do_PUT = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def stop(self) -> None:
        if self.gate is not None:
            self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def handle(self, method: str, path: str, headers: dict[str, str], body: Any) -> tuple[int, Any]:
        if not self.authorized(headers):
            return 401, {"error": "unauthorized"}
        write = method in ("POST", "PUT")
        with self.lock:
            failing = self.fail_next.pop(0) if write and self.fail_next else None
            if failing is not None:
                self.received.append(Received(method, path, headers, body))
                return failing, {"error": "scripted failure"}
            self.received.append(Received(method, path, headers, body))
            status, answer = self.route(method, path, body)
        if write:
            time.sleep(self.write_delay_s)
            self.writes_arrived.set()
            if self.gate is not None:
                self.gate.wait(30)
        return status, answer

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id

    def authorized(self, headers: dict[str, str]) -> bool:
        raise NotImplementedError

    def route(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        raise NotImplementedError


_CW_MESSAGES = re.compile(r"^/api/v1/accounts/(\d+)/conversations/(\d+)/messages$")


@dataclass
class FakeChatwoot(FakeHelpdesk):
    """GET and POST /api/v1/accounts/{a}/conversations/{c}/messages, with the `api_access_token` header."""

    conversations: dict[tuple[int, int], list[dict[str, Any]]] = field(default_factory=dict)

    def authorized(self, headers: dict[str, str]) -> bool:
        return headers.get("api_access_token") == self.token

    def route(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        match = _CW_MESSAGES.match(path)
        if match is None:
            return 404, {"error": "not found"}
        messages = self.conversations.setdefault((int(match[1]), int(match[2])), [])
        if method == "GET":
            return 200, {"meta": {}, "payload": list(messages)}
        message = {
            "id": self.new_id(),
            "content": body["content"],
            "private": body.get("private", False),
            "message_type": 1 if body.get("message_type") == "outgoing" else 0,
            "conversation_id": int(match[2]),
        }
        messages.append(message)
        return 200, message

    def notes(self, account: int | None = None, conversation: int | None = None) -> list[dict[str, Any]]:
        return [
            m
            for (a, c), ms in self.conversations.items()
            for m in ms
            if m["private"] and account in (None, a) and conversation in (None, c)
        ]

    def posts(self) -> list[Received]:
        return [r for r in self.received if r.method == "POST"]


_ZM_BY_TICKET = re.compile(r"^/api/v1/ticket_articles/by_ticket/(\d+)$")
_ZM_SHARED = re.compile(r"^/api/v1/tickets/(\d+)/shared_draft$")


@dataclass
class FakeZammad(FakeHelpdesk):
    """GET /api/v1/ticket_articles/by_ticket/{t}, POST /api/v1/ticket_articles, GET and PUT
    /api/v1/tickets/{t}/shared_draft, with `Authorization: Token token=...`."""

    tickets: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    shared_drafts: dict[int, dict[str, Any]] = field(default_factory=dict)

    def authorized(self, headers: dict[str, str]) -> bool:
        return headers.get("authorization") == f"Token token={self.token}"

    def route(self, method: str, path: str, body: Any) -> tuple[int, Any]:
        if (match := _ZM_BY_TICKET.match(path)) and method == "GET":
            return 200, list(self.tickets.get(int(match[1]), []))
        if path == "/api/v1/ticket_articles" and method == "POST":
            article = {"id": self.new_id(), "sender": "Agent", **body}
            self.tickets.setdefault(int(body["ticket_id"]), []).append(article)
            return 201, article
        if match := _ZM_SHARED.match(path):
            ticket = int(match[1])
            if method == "GET":
                draft = self.shared_drafts.get(ticket)
                return 200, {"shared_draft_id": draft["id"] if draft else None, **(draft or {})}
            self.shared_drafts[ticket] = {"id": self.new_id(), **body}
            return 200, self.shared_drafts[ticket]
        return 404, {"error": "not found"}

    def notes(self, ticket: int | None = None) -> list[dict[str, Any]]:
        return [
            a
            for t, articles in self.tickets.items()
            for a in articles
            if a.get("internal") and a.get("type") == "note" and ticket in (None, t)
        ]
