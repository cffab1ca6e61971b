"""How fast a helpdesk webhook is answered (issue 11: "202 within milliseconds"). Run: python benchmarks/bench_webhook.py

Against one `calmreply serve` on loopback (no worker: only the webhook's own work is timed), N signed
Chatwoot `message_created` deliveries, each a new message (verify, filter, store the job, enqueue on
huey's SQLite queue), then N replays (verify, find the job), and as the reference GET /healthz (one
database round trip) in the same run. Reports p50/p95 and each p50 against the reference's.
"""

from __future__ import annotations

import argparse
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

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from api.integrations.signatures import chatwoot_signature  # noqa: E402
from tests.test_integrations import chatwoot_event  # noqa: E402

SECRET = b"bench-secret"


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _timed(send: callable, n: int) -> list[float]:  # type: ignore[valid-type]
    out = []
    for i in range(n):
        started = time.perf_counter()
        send(i)
        out.append((time.perf_counter() - started) * 1000)
    return out


def _summary(ms: list[float]) -> dict[str, float]:
    ordered = sorted(ms)
    return {"p50_ms": round(statistics.median(ordered), 2), "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks/results/webhook.json")
    args = parser.parse_args()
    port = _port()
    tmp = Path(tempfile.mkdtemp(prefix="calmreply-bench-webhook-"))
    env = {
        **os.environ,
        "CALMREPLY_DATABASE_URL": f"sqlite:///{tmp / 'bench.db'}",
        "CALMREPLY_AUTH": "off",
        "CALMREPLY_QUEUE_WORKERS": "0",
        "CALMREPLY_CHATWOOT_BASE_URL": "http://127.0.0.1:9",
        "CALMREPLY_CHATWOOT_API_TOKEN": "unused",
        "CALMREPLY_CHATWOOT_WEBHOOK_SECRET": SECRET.decode(),
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",
    }
    server = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--port", str(port), "--log-level", "warning"], cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=30) as client:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start")
                time.sleep(0.3)

            def deliver(i: int, expect: int) -> None:
                body = json.dumps(chatwoot_event(10_000 + i, conversation_id=i)).encode()
                stamp = str(int(time.time()))
                answer = client.post(
                    "/v1/integrations/chatwoot/webhook",
                    content=body,
                    headers={
                        "Content-Type": "application/json",
                        "X-Chatwoot-Timestamp": stamp,
                        "X-Chatwoot-Signature": chatwoot_signature(SECRET, stamp, body),
                    },
                )
                assert answer.status_code == expect, answer.text

            for _ in range(20):  # warm up: first requests pay imports and connection setup
                client.get("/healthz")
            health = _timed(lambda i: client.get("/healthz"), args.n)
            new = _timed(lambda i: deliver(i, 202), args.n)
            replay = _timed(lambda i: deliver(i, 200), args.n)
    finally:
        server.terminate()
        server.wait(20)
    reference = _summary(health)
    result = {
        "n": args.n,
        "reference_healthz": reference,
        "webhook_new_message": {**_summary(new), "p50_vs_healthz": round(statistics.median(new) / reference["p50_ms"], 2)},
        "webhook_replay": {**_summary(replay), "p50_vs_healthz": round(statistics.median(replay) / reference["p50_ms"], 2)},
        "load_average": os.getloadavg()[0],
    }
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
