"""One llama.cpp backend in a process of its own, driven by benchmarks/bench_local_backend.py.

    python benchmarks/local_backend_worker.py {xllamacpp|llama-cpp-python} MODEL.gguf

Reads one JSON request per line on stdin ({"messages", "max_tokens", "temperature", "seed",
"response_format"?}), streams it from a cold prompt (no KV reuse of the previous request) and
writes one JSON line per request to stdout: the text, the number of streamed pieces, finish
reason, token count, time to first token, decode and total time, and the process's resident
memory. The first line written is {"ready", "load_s"} (load_s: the model load alone, not the
imports). A backend error is reported as {"error": "..."} and the worker goes on. Each backend
runs with the settings calmreply uses (n_ctx 4096, all cores): the xllamacpp one imports them
from api.providers.local, the llama-cpp-python one repeats what that module set before the
switch (it runs in a separate venv without calmreply's dependencies).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
N_CTX = 4096
LOAD_S: list[float] = []  # the model load alone, without the imports


def _rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


Runner = Callable[[dict[str, Any], Callable[[str], None]], tuple[str | None, dict[str, Any]]]


def _xllamacpp_runner(model: Path) -> Runner:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
    import xllamacpp

    from api.providers.local import _server_params  # the provider's own settings

    params = _server_params(model)
    started = time.perf_counter()
    server = xllamacpp.Server(params)
    LOAD_S.append(time.perf_counter() - started)

    def run(request: dict[str, Any], on_text: Callable[[str], None]) -> tuple[str | None, dict[str, Any]]:
        body = {**request, "stream": True, "stream_options": {"include_usage": True}, "cache_prompt": False}
        finish: list[str | None] = [None]
        usage: dict[str, Any] = {}
        errors: list[Any] = []

        def on_chunk(chunk: dict[str, Any]) -> bool:  # xllamacpp swallows exceptions raised here
            if "error" in chunk:
                errors.append(chunk["error"])
                return True
            for choice in chunk.get("choices") or []:
                if (choice.get("delta") or {}).get("content"):
                    on_text(choice["delta"]["content"])
                finish[0] = choice.get("finish_reason") or finish[0]
            usage.update(chunk.get("usage") or {})
            return False

        server.handle_chat_completions(body, on_chunk)
        if errors:
            raise RuntimeError(errors[0])
        return finish[0], usage

    return run


def _llama_cpp_python_runner(model: Path) -> Runner:
    import llama_cpp

    threads = os.cpu_count() or 1
    started = time.perf_counter()
    llama = llama_cpp.Llama(model_path=str(model), n_ctx=N_CTX, n_threads=threads, n_threads_batch=threads, verbose=False)
    LOAD_S.append(time.perf_counter() - started)

    def run(request: dict[str, Any], on_text: Callable[[str], None]) -> tuple[str | None, dict[str, Any]]:
        llama.reset()  # cold prompt
        finish = None
        tokens = 0
        kwargs = {k: v for k, v in request.items() if k != "messages"}
        for chunk in llama.create_chat_completion(messages=request["messages"], stream=True, **kwargs):
            choice = chunk["choices"][0]
            if choice["delta"].get("content") is not None:
                tokens += 1  # llama-cpp-python streams one chunk per sampled token
                if choice["delta"]["content"]:
                    on_text(choice["delta"]["content"])
            finish = choice.get("finish_reason") or finish
        return finish, {"completion_tokens": tokens}

    return run


def main() -> int:
    backend, model = sys.argv[1], Path(sys.argv[2])
    run = _xllamacpp_runner(model) if backend == "xllamacpp" else _llama_cpp_python_runner(model)
    print(json.dumps({"ready": backend, "load_s": LOAD_S[0], "rss_mib": _rss_mib()}), flush=True)
    for line in sys.stdin:
        request = json.loads(line)
        pieces: list[str] = []
        first: list[float] = []
        t0 = time.perf_counter()

        def on_text(text: str, first: list[float] = first, pieces: list[str] = pieces) -> None:
            if not first:
                first.append(time.perf_counter())
            pieces.append(text)

        try:
            finish, usage = run(request, on_text)
        except Exception as exc:  # reported, counted by the driver
            print(json.dumps({"error": f"{type(exc).__name__}: {exc}", "rss_mib": _rss_mib()}), flush=True)
            continue
        end = time.perf_counter()
        print(
            json.dumps(
                {
                    "text": "".join(pieces),
                    "pieces": len(pieces),
                    "finish_reason": finish,
                    "completion_tokens": usage.get("completion_tokens"),
                    "ttft_ms": (first[0] - t0) * 1000 if first else None,
                    "decode_s": end - first[0] if first else None,
                    "total_ms": (end - t0) * 1000,
                    "rss_mib": _rss_mib(),
                }
            ),
            flush=True,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
