"""An OpenAI-compatible chat-completions server on 127.0.0.1 that misbehaves on cue.

Tests and benchmarks point litellm at it (`api_base`, or OPENAI_API_BASE for a calmreply server
in another process), so every fault travels through litellm's own HTTP transport. It speaks
HTTP/1.1 on a raw asyncio socket, not through a web framework, because the faults it plays are
below what a framework lets a handler do: drop the connection, send fewer bytes than
Content-Length, or trickle a body one byte at a time.

The request's `model` field is the script, so concurrent requests never share state:
`"429:1,ok@t7"` answers the first request for that exact model string with a 429 carrying
`Retry-After: 1`, and every later one with a good reply. The part after `@` only makes the
counter key unique. Steps are listed in STEPS.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from tests.fakes import GOOD_SECTIONS, VIOLATING_SECTIONS

LEAKED_KEY = f"test-key-{secrets.token_hex(8)}"
"""The key the tests configure and the fake's 401 quotes back, as real providers do; made per run, never real."""
LEAKED_PASSWORD = secrets.token_hex(6)
"""A password in a URL the fake's 401 quotes back."""

TRICKLE_INTERVAL_S = 0.5
STALL_S = 600.0


@dataclass(frozen=True)
class Received:
    """One request as the server saw it."""

    model: str
    at: float  # time.monotonic()
    headers: dict[str, str]


def _completion(model: str, content: str, finish_reason: str = "stop") -> bytes:
    return json.dumps(
        {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [{"index": 0, "finish_reason": finish_reason, "message": {"role": "assistant", "content": content}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 50, "total_tokens": 150},
        }
    ).encode()


def _error(message: str, kind: str) -> bytes:
    return json.dumps({"error": {"message": message, "type": kind, "code": None}}).encode()


_REASONS = {
    200: "OK",
    401: "Unauthorized",
    429: "Too Many Requests",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def _head(status: int, length: int, content_type: str = "application/json", extra: dict[str, str] | None = None) -> bytes:
    lines = [
        f"HTTP/1.1 {status} {_REASONS.get(status, 'Status')}",
        f"Content-Type: {content_type}",
        f"Content-Length: {length}",
        "Connection: keep-alive",
    ]
    lines += [f"{k}: {v}" for k, v in (extra or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


Writer = asyncio.StreamWriter
Step = Callable[[Writer, str, str], Awaitable[bool]]  # (writer, model, argument) -> keep the connection open?


async def _send(w: Writer, status: int, body: bytes, content_type: str = "application/json", extra: dict[str, str] | None = None) -> bool:
    w.write(_head(status, len(body), content_type, extra) + body)
    await w.drain()
    return True


async def _ok(w: Writer, model: str, _: str) -> bool:
    return await _send(w, 200, _completion(model, json.dumps(GOOD_SECTIONS)))


async def _violating(w: Writer, model: str, _: str) -> bool:
    return await _send(w, 200, _completion(model, json.dumps(VIOLATING_SECTIONS)))


async def _not_json_content(w: Writer, model: str, _: str) -> bool:
    return await _send(w, 200, _completion(model, "Sure! Here is a calm reply for your customer."))


async def _empty(w: Writer, model: str, _: str) -> bool:
    return await _send(w, 200, _completion(model, ""))


async def _unauthorized(w: Writer, model: str, _: str) -> bool:
    # What a real provider says about a bad key, key included: calmreply must never echo it.
    return await _send(
        w,
        401,
        _error(
            f"Incorrect API key provided: {LEAKED_KEY}. You can find your API key at "
            f"https://user:{LEAKED_PASSWORD}@platform.example/account",
            "invalid_request_error",
        ),
    )


async def _rate_limited(w: Writer, model: str, arg: str) -> bool:
    return await _send(w, 429, _error("Rate limit reached", "requests"), extra={"Retry-After": arg} if arg else None)


async def _server_error(w: Writer, model: str, arg: str) -> bool:
    code = int(arg or 500)
    return await _send(w, code, _error(f"fake upstream failure {code}", "server_error"))


async def _malformed(w: Writer, model: str, _: str) -> bool:
    return await _send(w, 200, b'{"id": "chatcmpl-fake", "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hi')


async def _empty_body(w: Writer, model: str, _: str) -> bool:
    return await _send(w, 200, b"")


async def _html(w: Writer, model: str, _: str) -> bool:
    body = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1>nginx</body></html>"
    return await _send(w, 200, body, content_type="text/html")


async def _truncated(w: Writer, model: str, _: str) -> bool:
    body = _completion(model, json.dumps(GOOD_SECTIONS))
    w.write(_head(200, len(body)) + body[: len(body) // 2])
    await w.drain()
    return False  # close with half the promised bytes sent


async def _drop(w: Writer, model: str, _: str) -> bool:
    return False  # close without a byte of response


async def _stall(w: Writer, model: str, _: str) -> bool:
    await asyncio.sleep(STALL_S)  # no headers: the client's timeout is the only way out
    return False


async def _trickle(w: Writer, model: str, arg: str) -> bool:
    """Headers at once, then a valid body one byte every TRICKLE_INTERVAL_S: no single read ever times out."""
    body = _completion(model, json.dumps(GOOD_SECTIONS))
    w.write(_head(200, len(body)))
    await w.drain()
    for i in range(len(body)):
        w.write(body[i : i + 1])
        await w.drain()
        await asyncio.sleep(float(arg or TRICKLE_INTERVAL_S))
    return True


async def _slow(w: Writer, model: str, arg: str) -> bool:
    """A good reply after `arg` seconds."""
    await asyncio.sleep(float(arg))
    return await _ok(w, model, "")


STEPS: dict[str, Step] = {
    "ok": _ok,
    "violating": _violating,
    "not_json": _not_json_content,
    "empty": _empty,
    "401": _unauthorized,
    "429": _rate_limited,
    "500": _server_error,
    "503": _server_error,
    "malformed": _malformed,
    "empty_body": _empty_body,
    "html": _html,
    "truncated": _truncated,
    "drop": _drop,
    "stall": _stall,
    "trickle": _trickle,
    "slow": _slow,
}


def _parse_step(token: str) -> tuple[Step, str]:
    name, _, arg = token.partition(":")
    if name in ("500", "503") and not arg:
        arg = name
    return STEPS[name], arg


@dataclass
class FakeOpenAIServer:
    """Runs on its own event loop in a daemon thread, so sync tests, async tests and other
    processes can all reach it. Use as a context manager; `base_url` is the OpenAI api_base."""

    host: str = "127.0.0.1"
    port: int = 0
    received: list[Received] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def requests_for(self, model: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.model == model]

    def __enter__(self) -> FakeOpenAIServer:
        self._loop = asyncio.new_event_loop()
        started = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(started,), daemon=True, name="fake-openai")
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("fake OpenAI server did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)

    def _run(self, started: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._serve(started))
        self._loop.close()

    async def _serve(self, started: threading.Event) -> None:
        self._stop = asyncio.Event()
        connections: set[asyncio.Task[None]] = set()

        async def on_connect(reader: asyncio.StreamReader, writer: Writer) -> None:
            task = asyncio.current_task()
            assert task is not None
            connections.add(task)
            try:
                await self._connection(reader, writer)
            except asyncio.CancelledError:
                pass  # the server is shutting down
            finally:
                connections.discard(task)

        server = await asyncio.start_server(on_connect, self.host, self.port)
        self.port = server.sockets[0].getsockname()[1]
        started.set()
        await self._stop.wait()
        server.close()
        for task in list(connections):
            task.cancel()
        await asyncio.gather(*connections, return_exceptions=True)

    async def _connection(self, reader: asyncio.StreamReader, writer: Writer) -> None:
        try:
            keep_open = True
            while keep_open:
                request = await _read_request(reader)
                if request is None:
                    break
                headers, body = request
                keep_open = await self._answer(writer, headers, body)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client hung up, which is what a deadline does
        finally:
            writer.close()

    async def _answer(self, writer: Writer, headers: dict[str, str], body: bytes) -> bool:
        try:
            model = str(json.loads(body).get("model", "ok"))
        except ValueError:
            return await _send(writer, 400, _error("body is not JSON", "invalid_request_error"))
        with self._lock:
            self.received.append(Received(model, time.monotonic(), headers))
            n = self._counts[model]
            self._counts[model] += 1
        tokens = model.split("@", 1)[0].split(",")
        step, arg = _parse_step(tokens[min(n, len(tokens) - 1)])
        return await step(writer, model, arg)


async def _read_request(reader: asyncio.StreamReader) -> tuple[dict[str, str], bytes] | None:
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
    body = await reader.readexactly(int(headers.get("content-length", "0")))
    return headers, body


def main(argv: list[str]) -> int:
    """`python -m tests.openai_server [port]`: serve until interrupted (for manual probing)."""
    with FakeOpenAIServer(port=int(argv[0]) if argv else 0) as server:
        print(server.base_url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
