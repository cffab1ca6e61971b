"""The gullible model behind an OpenAI-compatible HTTP API on 127.0.0.1, so drafts reach it through
litellm's real transport (`openai/gullible` with `api_base=<url>/v1`).

    python -m evals.fakes.gullible_server --port 8765     # standalone
    with serve_gullible() as url: ...                     # in a test or an eval run
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from evals.fakes.gullible import answer

MODEL = "openai/gullible"
API_KEY = "gullible-local"
"""litellm's OpenAI client wants some key; the fake accepts any."""


def completion_body(messages: list[dict[str, str]], model: str) -> dict[str, object]:
    text = answer(messages)
    prompt_tokens = sum(len(m.get("content") or "") for m in messages) // 4
    completion_tokens = len(text) // 4
    return {
        "id": f"chatcmpl-gullible-{time.monotonic_ns()}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": text}}],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "invalid_request_error"}})
            return
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("content-length") or 0)))
            messages = [{"role": m["role"], "content": _text(m.get("content"))} for m in body["messages"]]
        except (ValueError, KeyError, TypeError) as exc:
            self._send(400, {"error": {"message": f"bad request: {exc}", "type": "invalid_request_error"}})
            return
        self._send(200, completion_body(messages, str(body.get("model", "gullible"))))

    def _send(self, status: int, payload: dict[str, object]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # quiet: the eval prints its own figures
        pass


def _text(content: object) -> str:
    """OpenAI content is a string or a list of parts; the fake reads the text parts."""
    if isinstance(content, list):
        return "".join(str(p.get("text", "")) for p in content if isinstance(p, dict))
    return str(content or "")


@contextmanager
def serve_gullible(port: int = 0) -> Iterator[str]:
    """Run the fake on 127.0.0.1 in a background thread; yields its base URL (ending in /v1)."""
    server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="gullible-model", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8765)
    port = parser.parse_args().port
    with serve_gullible(port) as url:
        print(f"gullible model at {url} (litellm model {MODEL!r}, any api key)", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
