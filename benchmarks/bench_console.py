"""The console's two latency targets, on loopback only (issue 9). Run: python benchmarks/bench_console.py

1. Live lint while agents type: N agents (default 20) each send POST /v1/checks with their whole reply
   at every pause in typing (0.3-1.2 s apart, as the console's 300 ms debounce does), against one
   `calmreply serve`. Reports p50/p95 and the p95 against one agent typing alone in the same run.
   Target: p95 <= 30 ms with 20 agents.
2. Time to the first `delta` of a streamed draft for a mocked streaming LLM (an OpenAI-compatible
   fake on 127.0.0.1 with a fixed time to first token), against litellm's bare stream from the same
   fake in the same run. Target: within 10%.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from tests.fake_openai import FakeOpenAI  # noqa: E402
from tests.fakes import GOOD_SECTIONS, as_json  # noqa: E402
from tests.live_server import CalmreplyServer  # noqa: E402

COMPLAINT = (
    "None of my websites hosted with you have been reachable since this morning. My customers cannot reach "
    "my shop. If it is not back up within 24 hours I will report you to the police."
)
TYPED = (
    " I'm sorry if you feel we let you down. Our engineers are restoring every site from last night's backup and "
    "I will send you an update by 2pm today. As I already said, this was not caused by anything you did!!! "
)


@contextmanager
def serve(env: dict[str, str]) -> Iterator[str]:
    with CalmreplyServer({"CALMREPLY_AUTH": "off", "CALMREPLY_BIND_HOST": "127.0.0.1", **env}, repo=ROOT) as live:
        yield live.base_url


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _agents(base: str, reply: str, agents: int, seconds: float) -> list[float]:
    latencies: list[float] = []
    stop = time.monotonic() + seconds

    async def agent(client: httpx.AsyncClient, seed: int) -> None:
        rng = random.Random(seed)
        text = reply
        typed = 0
        await asyncio.sleep(rng.uniform(0, 1.0))
        while time.monotonic() < stop:
            burst = rng.randint(3, 12)
            text += (TYPED * 4)[typed : typed + burst]
            typed = (typed + burst) % (len(TYPED) * 3)
            t0 = time.perf_counter()
            r = await client.post(f"{base}/v1/checks", json={"reply": text, "complaint": COMPLAINT, "company_at_fault": True})
            r.raise_for_status()
            latencies.append((time.perf_counter() - t0) * 1000)
            await asyncio.sleep(rng.uniform(0.3, 1.2))

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(agent(client, i) for i in range(agents)))
    return latencies


def bench_lint(agents: int, seconds: float) -> dict[str, object]:
    with serve({"CALMREPLY_MODEL": "playbook"}) as base:
        reply = httpx.post(
            f"{base}/v1/drafts", json={"complaint": COMPLAINT, "customer_name": "Emeka", "company_at_fault": True}, timeout=60
        ).json()["reply"]
        alone = asyncio.run(_agents(base, reply, 1, seconds / 2))
        crowd = asyncio.run(_agents(base, reply, agents, seconds))
    row = lambda v: {"n": len(v), "p50_ms": round(statistics.median(v), 1), "p95_ms": round(_pct(v, 0.95), 1)}  # noqa: E731
    out = {"one_agent": row(alone), f"{agents}_agents": row(crowd)}
    out["p95_ratio"] = round(_pct(crowd, 0.95) / _pct(alone, 0.95), 2)
    out["target_met"] = _pct(crowd, 0.95) <= 30
    return out


async def _first_bare(base_url: str) -> float:
    import litellm

    t0 = time.perf_counter()
    stream = await litellm.acompletion(
        model="openai/fake-model", api_base=base_url, api_key="sk-fake", messages=[{"role": "user", "content": COMPLAINT}], stream=True
    )
    async for chunk in stream:
        if chunk.choices and chunk.choices[0].delta.content:
            first = (time.perf_counter() - t0) * 1000
            async for _ in stream:
                pass
            return first
    raise RuntimeError("no content")


def _first_calmreply(base: str) -> float:
    body = {"complaint": COMPLAINT, "customer_name": "Emeka", "model": "openai/fake-model"}
    t0 = time.perf_counter()
    first = None
    with httpx.stream("POST", f"{base}/v1/drafts", json=body, headers={"Accept": "text/event-stream"}, timeout=60) as r:
        for line in r.iter_lines():
            if first is None and line == "event: delta":
                first = (time.perf_counter() - t0) * 1000
    if first is None:
        raise RuntimeError("no delta event")
    return first


def bench_first_delta(rounds: int, first_token_s: float) -> dict[str, object]:
    with FakeOpenAI(as_json(GOOD_SECTIONS), pause_s=0.005, first_delay_s=first_token_s) as fake:
        env = {
            "OPENAI_API_BASE": fake.base_url,
            "OPENAI_BASE_URL": fake.base_url,
            "OPENAI_API_KEY": "sk-fake",
            "CALMREPLY_ALLOWED_MODELS": "playbook,openai/fake-model",
        }
        with serve(env) as base:
            _first_calmreply(base)  # warm-up: first imports and the first analysis
            asyncio.run(_first_bare(fake.base_url))
            bare, ours = [], []
            for _ in range(rounds):
                bare.append(asyncio.run(_first_bare(fake.base_url)))
                ours.append(_first_calmreply(base))
    out = {
        "first_token_s": first_token_s,
        "rounds": rounds,
        "bare_litellm_median_ms": round(statistics.median(bare), 1),
        "calmreply_median_ms": round(statistics.median(ours), 1),
    }
    out["ratio"] = round(statistics.median(ours) / statistics.median(bare), 3)
    out["target_met"] = out["ratio"] <= 1.10
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--agents", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--first-token-s", type=float, default=0.5)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "console.json")
    args = parser.parse_args()
    result = {"lint": bench_lint(args.agents, args.seconds), "first_delta": bench_first_delta(args.rounds, args.first_token_s)}
    print(json.dumps(result, indent=2))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
