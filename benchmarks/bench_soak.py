"""Soak of the LLM path on loopback only: a calmreply server on 127.0.0.1 drafting through litellm
against the fake OpenAI-compatible provider (tests/openai_server.py), also on 127.0.0.1.

It sends a bounded number of drafts and counts "Unclosed client session" in the server's stderr
before the soak, after it, and after a graceful shutdown. The deadline is set below the LLM
timeout, as a production config with a tight deadline has it: that is where every call used to
get its own litellm client and aiohttp session. `--repo` (repeatable) runs other checkouts, e.g.
main and this branch, under the same load in one run, for a before/after comparison.

Run: python benchmarks/bench_soak.py [--drafts 1000 --concurrency 8 --repo PATH ... --out FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")  # the fake provider imports litellm

from tests.live_server import REPO, CalmreplyServer
from tests.openai_server import FakeOpenAIServer

COMPLAINT = (
    "Every single one of our client websites has been down since 6am and nobody at your company answers the phone. "
    "I run an online shop and I am losing sales every hour. Fix it today or I cancel."
)


async def soak(base: str, total: int, concurrency: int) -> dict[str, int]:
    sources: dict[str, int] = {}
    queue = iter(range(total))
    body = {"complaint": COMPLAINT, "model": "openai/ok", "company_at_fault": True, "customer_name": "Ada"}

    async def worker(client: httpx.AsyncClient) -> None:
        for _ in queue:
            r = await client.post(base + "/v1/drafts", json=body)
            key = r.json()["meta"]["source"] if r.status_code == 201 else f"http_{r.status_code}"
            sources[key] = sources.get(key, 0) + 1

    async with httpx.AsyncClient(timeout=60) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return sources


def run(repo: Path, drafts: int, concurrency: int) -> dict[str, object]:
    with FakeOpenAIServer() as provider:
        env = {
            "CALMREPLY_REQUEST_DEADLINE_S": "20",
            "CALMREPLY_LLM_TIMEOUT_S": "60",
            "OPENAI_API_BASE": provider.base_url,
            "OPENAI_API_KEY": "sk-test",
        }
        with CalmreplyServer(env, repo=repo) as server:
            before = server.unclosed_sessions()
            started = time.perf_counter()
            sources = asyncio.run(soak(server.base_url, drafts, concurrency))
            seconds = time.perf_counter() - started
            time.sleep(1.0)  # let evicted clients be collected and reported
            after_soak = server.unclosed_sessions()
            server.stop()
            after_shutdown = server.unclosed_sessions()
    return {
        "repo": str(repo),
        "drafts": drafts,
        "concurrency": concurrency,
        "sources": sources,
        "drafts_per_s": round(drafts / seconds, 1),
        "unclosed_sessions": {"before": before, "after_soak": after_soak, "after_shutdown": after_shutdown},
        "unclosed_per_1000_drafts": round(1000 * after_shutdown / drafts, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--drafts", type=int, default=1000, help="bounded: at most 20,000")
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--repo", type=Path, action="append", help="checkout whose api/ the server runs (default: this one)")
    parser.add_argument("--out", type=Path, default=None, help="write the figures as JSON here")
    args = parser.parse_args()
    results = [run(repo.resolve(), min(args.drafts, 20_000), args.concurrency) for repo in args.repo or [REPO]]
    print(json.dumps(results, indent=2))
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
