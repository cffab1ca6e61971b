"""Load test of the HTTP API on loopback only: starts `calmreply serve` on 127.0.0.1 with a temp
database, sends a bounded number of POST /v1/drafts (playbook model) and POST /v1/checks, and
reports throughput and latency. Run: python benchmarks/bench_api.py [--requests 300 --concurrency 8]"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

COMPLAINT = (
    "None of my websites hosted with you have been reachable since this morning. My customers cannot reach "
    "my shop. If it is not back up within 24 hours I will report you to the police."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def hammer(base: str, path: str, body: dict, total: int, concurrency: int) -> list[float]:
    latencies: list[float] = []
    queue = iter(range(total))

    async def worker(client: httpx.AsyncClient) -> None:
        for _ in queue:
            t0 = time.perf_counter()
            r = await client.post(base + path, json=body)
            r.raise_for_status()
            latencies.append((time.perf_counter() - t0) * 1000)

    async with httpx.AsyncClient(timeout=30) as client:
        await asyncio.gather(*(worker(client) for _ in range(concurrency)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    port = free_port()
    tmp = tempfile.mkdtemp()
    env = {**os.environ, "CALMREPLY_DATABASE_URL": f"sqlite:///{tmp}/bench.db", "CALMREPLY_MODEL": "playbook"}
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--log-level", "warning"], env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(base + "/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        results = {}
        for name, path, body in (
            ("drafts", "/v1/drafts", {"complaint": COMPLAINT, "company_at_fault": True}),
            ("checks", "/v1/checks", {"reply": "We are sorry if you feel that you were overcharged.", "complaint": COMPLAINT}),
        ):
            t0 = time.perf_counter()
            lat = asyncio.run(hammer(base, path, body, args.requests, args.concurrency))
            wall = time.perf_counter() - t0
            results[name] = {
                "requests": len(lat),
                "rps": round(len(lat) / wall, 1),
                "p50_ms": round(statistics.median(lat), 1),
                "p95_ms": round(statistics.quantiles(lat, n=20)[18], 1),
            }
            print(f"{name:7} {results[name]}")
        out = Path(__file__).parent / "results" / "api.json"
        out.parent.mkdir(exist_ok=True)
        out.write_text(json.dumps({"concurrency": args.concurrency, **results}, indent=2))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
