"""Overhead of the litellm `local/` provider over calling xllamacpp's server directly.

Both paths stream the same chat prompt with the same parameters (temperature 0, fixed seed) from
the *same* xllamacpp.Server (api.providers.get_local_server(), so the weights load once):

  direct    Server.handle_chat_completions({..., "stream": True}, callback)
  provider  litellm.completion(model="local/smollm2-135m", ..., stream=True)

Both are warmed up, then run interleaved (alternating which goes first). Before every run a
one-token request with an unrelated prompt replaces the slot's KV cache, so each run pays the full
prompt evaluation (the server would otherwise reuse the previous run's prompt and TTFT would
measure a cache hit).

Metrics per run: TTFT (request start -> first content token), decode tok/s (tokens after the
first / time from first to last token), end-to-end tok/s (tokens / total time), process CPU time.
Wall-clock numbers on a small shared box are noisy; the 'paired' row (median of back-to-back
provider/direct ratios) and the no-op-provider measurement of litellm's own per-chunk cost are the
steadier figures.

    PYTHONPATH=. .venv/bin/python benchmarks/bench_local_provider.py [--runs 5] [--max-tokens 64]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

import litellm  # noqa: E402

from api.providers import (  # noqa: E402
    DEFAULT_LOCAL_MODEL,
    get_local_server,
    local_generation_lock,
    register_local_provider,
    resolve_local_model_path,
)
from api.providers.local import N_CTX  # noqa: E402

N_THREADS = os.cpu_count() or 1  # what the provider gives llama.cpp
_END = object()

SYSTEM = (
    "You are a customer-support agent. Reply to the customer calmly and politely. Acknowledge the "
    "problem, apologise once, explain what happens next and give a concrete timeline. Never blame "
    "the customer, never promise what you cannot deliver, and keep a warm, professional tone."
)
CUSTOMER = (
    "This is the third time I am writing to you. My order #48213 was supposed to arrive last Monday, "
    "the tracking page has said 'in transit' for nine days, and nobody answers the phone. I paid for "
    "express shipping and I needed the package for my daughter's birthday, which was yesterday. I want "
    "a refund of the shipping fee, I want to know where the package is, and frankly I want someone to "
    "explain why your support team keeps sending me the same copy-pasted answer. Write me a detailed reply."
)
MESSAGES = [{"role": "system", "content": SYSTEM}, {"role": "user", "content": CUSTOMER}]
DEFAULT_OUT = ROOT / "benchmarks" / "results" / "local_provider.json"


FLUSH = {"messages": [{"role": "user", "content": "ok"}], "max_tokens": 1, "temperature": 0.0}


def _run(path: str, stream_factory: Any, server: Any) -> dict[str, Any]:
    """One streamed generation. `stream_factory()` starts the request and returns an iterator of text pieces."""
    with local_generation_lock():
        server.handle_chat_completions(FLUSH)  # cold prompt: no reuse of the previous run's KV prefix
    cpu0 = time.process_time()
    t0 = time.perf_counter()
    first = last = None
    tokens = 0
    pieces = []
    for text in stream_factory():
        if not text:
            continue
        now = time.perf_counter()
        if first is None:
            first = now
        last = now
        tokens += 1
        pieces.append(text)
    end = time.perf_counter()
    cpu = time.process_time() - cpu0
    if first is None or last is None:
        raise RuntimeError(f"{path}: no tokens streamed")
    decode_s = last - first
    return {
        "path": path,
        "tokens": tokens,
        "ttft_ms": (first - t0) * 1000,
        "decode_tok_s": (tokens - 1) / decode_s if tokens > 1 and decode_s > 0 else float("nan"),
        "e2e_tok_s": tokens / (end - t0),
        "total_ms": (end - t0) * 1000,
        "cpu_s": cpu,
        "text": "".join(pieces),
    }


class _NullLLM(litellm.CustomLLM):
    """Streams prebuilt chunks instantly: isolates what litellm's stream wrapper costs per chunk."""

    n = 64

    def streaming(self, *args: Any, **kwargs: Any) -> Any:
        for _ in range(self.n):
            yield {"text": "tok", "is_finished": False, "finish_reason": "", "usage": None, "index": 0, "tool_use": None}
        usage = {"prompt_tokens": 1, "completion_tokens": self.n, "total_tokens": self.n + 1}
        yield {"text": "", "is_finished": True, "finish_reason": "length", "usage": usage, "index": 0, "tool_use": None}


def _litellm_stream_cost(n_chunks: int, repeats: int = 20) -> dict[str, float]:
    """Median wall time litellm.completion(stream=True) adds, with a provider that costs nothing."""
    _NullLLM.n = n_chunks
    if not any(e.get("provider") == "bench-null" for e in litellm.custom_provider_map):
        litellm.custom_provider_map.append({"provider": "bench-null", "custom_handler": _NullLLM()})
    setups, per_chunk = [], []
    for _ in range(repeats + 2):
        t0 = time.perf_counter()
        first = None
        for chunk in litellm.completion(model="bench-null/x", messages=MESSAGES, stream=True, temperature=0.0):
            if first is None and chunk.choices and chunk.choices[0].delta.content:
                first = time.perf_counter()
        end = time.perf_counter()
        setups.append((first - t0) * 1000)
        per_chunk.append((end - first) / max(1, n_chunks - 1) * 1e6)
    return {"call_setup_ms": statistics.median(setups[2:]), "per_chunk_us": statistics.median(per_chunk[2:])}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=5, help="timed runs per path (default 5)")
    ap.add_argument("--max-tokens", type=int, default=64, help="max_tokens per run (default 64)")
    ap.add_argument("--warmup", type=int, default=2, help="untimed warm-up runs per path (default 2)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--model", default=DEFAULT_LOCAL_MODEL, help="local model name (default %(default)s)")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON results file (default %(default)s)")
    ap.add_argument(
        "--litellm-streaming-logging",
        action="store_true",
        help="keep litellm's per-chunk success logging on (its default); calmreply's api/llm.py turns it off",
    )
    args = ap.parse_args(argv)

    register_local_provider()
    litellm.suppress_debug_info = True
    litellm.disable_streaming_logging = not args.litellm_streaming_logging
    model_path = resolve_local_model_path(args.model)
    t = time.perf_counter()
    server = get_local_server(args.model)  # the provider's own instance: both paths share it
    load_s = time.perf_counter() - t
    params = {"temperature": 0.0, "seed": args.seed, "max_tokens": args.max_tokens}

    def direct() -> Any:
        pieces: queue.SimpleQueue[Any] = queue.SimpleQueue()

        def on_chunk(chunk: dict[str, Any]) -> bool:
            for choice in chunk.get("choices") or []:
                pieces.put((choice.get("delta") or {}).get("content"))
            return False

        def generate() -> None:
            try:
                with local_generation_lock():  # what the provider holds too; uncontended here
                    server.handle_chat_completions({"messages": MESSAGES, "stream": True, **params}, on_chunk)
            finally:
                pieces.put(_END)

        threading.Thread(target=generate, daemon=True).start()  # as the provider does: generate off the caller's thread
        while (piece := pieces.get()) is not _END:
            yield piece

    def provider() -> Any:
        for chunk in litellm.completion(model=f"local/{args.model}", messages=MESSAGES, stream=True, **params):
            yield chunk.choices[0].delta.content if chunk.choices else None

    paths = {"direct": direct, "provider": provider}
    for _ in range(args.warmup):
        for name, factory in paths.items():
            _run(name, factory, server)

    runs: list[dict[str, Any]] = []
    for i in range(args.runs):
        order = ["direct", "provider"] if i % 2 == 0 else ["provider", "direct"]
        for name in order:
            result = _run(name, paths[name], server)
            result["run"] = i
            runs.append(result)

    summary: dict[str, dict[str, float]] = {}
    for name in paths:
        rs = [r for r in runs if r["path"] == name]
        summary[name] = {
            "median_decode_tok_s": statistics.median(r["decode_tok_s"] for r in rs),
            "median_e2e_tok_s": statistics.median(r["e2e_tok_s"] for r in rs),
            "median_ttft_ms": statistics.median(r["ttft_ms"] for r in rs),
            "median_tokens": statistics.median(r["tokens"] for r in rs),
            "median_cpu_s": statistics.median(r["cpu_s"] for r in rs),
        }
    d, p = summary["direct"], summary["provider"]
    overhead = {
        # positive = the provider is slower
        "decode_tok_s_pct": (d["median_decode_tok_s"] - p["median_decode_tok_s"]) / d["median_decode_tok_s"] * 100,
        "e2e_tok_s_pct": (d["median_e2e_tok_s"] - p["median_e2e_tok_s"]) / d["median_e2e_tok_s"] * 100,
        "ttft_pct": (p["median_ttft_ms"] - d["median_ttft_ms"]) / d["median_ttft_ms"] * 100,
        "ttft_ms": p["median_ttft_ms"] - d["median_ttft_ms"],
        "cpu_pct": (p["median_cpu_s"] - d["median_cpu_s"]) / d["median_cpu_s"] * 100,
    }
    # Paired view: each run index has one direct and one provider run back to back, so their ratio is
    # robust to slow drift in machine load (other processes on a small box).
    pairs = [
        (
            next(r for r in runs if r["run"] == i and r["path"] == "direct"),
            next(r for r in runs if r["run"] == i and r["path"] == "provider"),
        )
        for i in range(args.runs)
    ]
    overhead["paired_median_decode_tok_s_pct"] = statistics.median((1 - pr["decode_tok_s"] / dr["decode_tok_s"]) * 100 for dr, pr in pairs)
    overhead["paired_median_ttft_pct"] = statistics.median((pr["ttft_ms"] / dr["ttft_ms"] - 1) * 100 for dr, pr in pairs)
    same_text = len({r["text"] for r in runs}) == 1
    prompt_tokens = litellm.completion(model=f"local/{args.model}", messages=MESSAGES, max_tokens=1).usage.prompt_tokens
    null_cost = _litellm_stream_cost(args.max_tokens)
    d_tok_ms = 1000 / d["median_decode_tok_s"]

    print(f"model {model_path.name}  load {load_s:.2f}s  n_threads {N_THREADS}  n_ctx {N_CTX}")
    print(
        f"{args.runs} interleaved runs per path after {args.warmup} warm-up, max_tokens={args.max_tokens}, "
        f"temperature 0, seed {args.seed}, {prompt_tokens} prompt tokens, identical output across all runs: {same_text}"
    )
    print()
    print(f"{'path':<10}{'decode tok/s':>14}{'e2e tok/s':>12}{'TTFT ms':>10}{'CPU s':>8}{'tokens':>8}")
    for name in paths:
        s = summary[name]
        print(
            f"{name:<10}{s['median_decode_tok_s']:>14.1f}{s['median_e2e_tok_s']:>12.1f}{s['median_ttft_ms']:>10.1f}"
            f"{s['median_cpu_s']:>8.2f}{s['median_tokens']:>8.0f}"
        )
    print(
        f"{'overhead':<10}{overhead['decode_tok_s_pct']:>13.1f}%{overhead['e2e_tok_s_pct']:>11.1f}%{overhead['ttft_pct']:>9.1f}%"
        f"{overhead['cpu_pct']:>7.1f}%"
    )
    print(f"{'paired':<10}{overhead['paired_median_decode_tok_s_pct']:>13.1f}%{'':>12}{overhead['paired_median_ttft_pct']:>9.1f}%")
    print("(medians; overhead = how much slower the provider is, positive is worse; 'paired' = median of the")
    print(" per-run provider/direct ratios of back-to-back runs, the figure least sensitive to background load)")
    print(
        f"litellm's own streaming cost, measured with a no-op provider: {null_cost['call_setup_ms']:.2f} ms per call, "
        f"{null_cost['per_chunk_us']:.0f} us per chunk = {null_cost['per_chunk_us'] / 10 / d_tok_ms:.1f}% of a "
        f"{d_tok_ms:.1f} ms decode step"
    )

    args.out.parent.mkdir(parents=True, exist_ok=True)
    report = {
        "model": args.model,
        "model_file": model_path.name,
        "load_s": load_s,
        "config": {
            "runs": args.runs,
            "warmup": args.warmup,
            "max_tokens": args.max_tokens,
            "seed": args.seed,
            "temperature": 0.0,
            "n_threads": N_THREADS,
            "n_ctx": N_CTX,
            "kv_cache_reset_each_run": True,
            "litellm_streaming_logging": args.litellm_streaming_logging,
        },
        "machine": {"python": platform.python_version(), "cpu_count": os.cpu_count(), "platform": platform.platform()},
        "summary": summary,
        "overhead": overhead,
        "identical_output": same_text,
        "prompt_tokens": prompt_tokens,
        "litellm_null_provider": null_cost,
        "spread": {
            name: {
                "decode_tok_s_min_max": [
                    min(r["decode_tok_s"] for r in runs if r["path"] == name),
                    max(r["decode_tok_s"] for r in runs if r["path"] == name),
                ],
                "ttft_ms_min_max": [
                    min(r["ttft_ms"] for r in runs if r["path"] == name),
                    max(r["ttft_ms"] for r in runs if r["path"] == name),
                ],
            }
            for name in paths
        },
        "runs": [{k: v for k, v in r.items() if k != "text"} for r in runs],
        "sample_output": runs[0]["text"],
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
