"""An OpenAI-compatible chat server on 127.0.0.1 for tests that run calmreply as a separate process.

It answers every /chat/completions call with the same content, after `first_delay_s` (the model's
time to first token), streamed a few characters at a time with a short pause between chunks when the
request asks for a stream. No network, no key.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAI:
    def __init__(self, content: str, *, chunk_chars: int = 6, pause_s: float = 0.02, first_delay_s: float = 0.0) -> None:
        self.content = content
        self.first_delay_s = first_delay_s
        self.chunk_chars = chunk_chars
        self.pause_s = pause_s
        self.requests: list[dict[str, Any]] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self.thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_: object) -> None:
                pass

            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers.get("content-length", 0))) or b"{}")
                fake.requests.append(body)
                time.sleep(fake.first_delay_s)  # the model's time to its first token
                model = body.get("model", "fake")
                usage = {"prompt_tokens": 50, "completion_tokens": len(fake.content) // 4, "total_tokens": 50 + len(fake.content) // 4}
                if not body.get("stream"):
                    self._json(
                        {
                            "id": "cmpl-1",
                            "object": "chat.completion",
                            "created": int(time.time()),
                            "model": model,
                            "choices": [{"index": 0, "message": {"role": "assistant", "content": fake.content}, "finish_reason": "stop"}],
                            "usage": usage,
                        }
                    )
                    return
                self.send_response(200)
                self.send_header("content-type", "text/event-stream")
                self.end_headers()
                base = {"id": "cmpl-1", "object": "chat.completion.chunk", "created": int(time.time()), "model": model}
                text = fake.content
                for i in range(0, len(text), fake.chunk_chars):
                    delta: dict[str, Any] = {"content": text[i : i + fake.chunk_chars]}
                    if i == 0:
                        delta["role"] = "assistant"
                    self._event({**base, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
                    time.sleep(fake.pause_s)
                self._event({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
                if (body.get("stream_options") or {}).get("include_usage"):
                    self._event({**base, "choices": [], "usage": usage})
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()

            def _event(self, data: dict[str, Any]) -> None:
                self.wfile.write(f"data: {json.dumps(data)}\n\n".encode())
                self.wfile.flush()

            def _json(self, data: dict[str, Any]) -> None:
                raw = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler
