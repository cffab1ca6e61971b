"""GET /v1/drafts with many stored drafts: p50 and p95 per page at several offsets and cursors, and the SQL
statements each page issues, each as a ratio to GET /healthz timed in alternation with it (same process,
same database, same client, same moment's load). Local SQLite only; the database is seeded with copies of one real playbook draft.

Run: python benchmarks/bench_draft_list.py [--drafts 100000 --requests 40 --out benchmarks/results/draft_list.json]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")

from fastapi.testclient import TestClient
from sqlalchemy import event

from api.config import Settings
from api.main import create_app

COMPLAINT = (
    "None of my websites hosted with you have been reachable since this morning. My customers cannot reach "
    "my shop. If it is not back up within 24 hours I will report you to the police."
)
SOURCES = ("playbook", "llm", "llm_repaired", "fallback")
DRAFT_COLUMNS = (
    "id",
    "created_at",
    "idempotency_key",
    "request_hash",
    "request",
    "model",
    "source",
    "prompt_version",
    "reply",
    "sections",
    "analysis",
    "checks",
    "meta",
    "latency_ms",
    "total_tokens",
    "cost_usd",
)


def seed(db: Path, client: TestClient, drafts: int, feedback_every: int) -> None:
    """One real draft through the API, then `drafts - 1` copies of its row written straight to SQLite: distinct
    ids, one second apart (every 7th shares its neighbour's second, to exercise the id tie-break)."""
    assert client.post("/v1/drafts", json={"complaint": COMPLAINT, "company_at_fault": True}).status_code == 201
    conn = sqlite3.connect(db)
    template = dict(zip(DRAFT_COLUMNS, conn.execute(f"SELECT {', '.join(DRAFT_COLUMNS)} FROM drafts").fetchone(), strict=True))
    start = datetime(2026, 1, 1, tzinfo=UTC)
    rows, feedback = [], []
    for i in range(drafts - 1):
        moment = start + timedelta(seconds=i - (i % 7 == 0))
        draft_id = uuid.uuid4().hex
        rows.append(
            {
                **template,
                "id": draft_id,
                "created_at": moment.strftime("%Y-%m-%d %H:%M:%S.%f"),
                "source": SOURCES[i % len(SOURCES)],
                "model": "playbook" if i % 2 else "openai/gpt-4o-mini",
            }
        )
        if i % feedback_every == 0:
            feedback.append((draft_id, "edited", "Hello", 3, None, 10, None, moment.strftime("%Y-%m-%d %H:%M:%S.%f")))
    with conn:
        conn.executemany(f"INSERT INTO drafts ({', '.join(DRAFT_COLUMNS)}) VALUES ({', '.join(':' + c for c in DRAFT_COLUMNS)})", rows)
        conn.executemany(
            "INSERT INTO feedback (draft_id, outcome, final_text, rating, comment, edit_distance, final_checks, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            feedback,
        )
        conn.execute("ANALYZE")
    conn.close()


def _stats(latencies: list[float]) -> dict[str, float]:
    return {"p50_ms": round(statistics.median(latencies), 2), "p95_ms": round(statistics.quantiles(latencies, n=20)[18], 2)}


def timed_against(call: Callable[[], Any], reference: Callable[[], Any], requests: int) -> tuple[dict[str, float], dict[str, float]]:
    """`call` and `reference` timed in alternation, so both see the same load on a shared machine; the
    ratios that matter are between the two."""
    call(), reference()  # warm: first-page caches, compiled statements
    measured: tuple[list[float], list[float]] = ([], [])
    for _ in range(requests):
        for target, latencies in ((call, measured[0]), (reference, measured[1])):
            t0 = time.perf_counter()
            target()
            latencies.append((time.perf_counter() - t0) * 1000)
    return _stats(measured[0]), _stats(measured[1])


def cursor_at(client: TestClient, depth: int, limit: int, params: dict[str, Any]) -> str | None:
    """The cursor that starts the page `depth` rows down, reached by walking pages (the only honest way: a
    cursor is opaque). Returns None where the API has no cursor paging."""
    cursor, seen = None, 0
    while seen < depth:
        step = min(200, depth - seen)
        page = client.get("/v1/drafts", params={**params, "limit": step, **({"cursor": cursor} if cursor else {})}).json()
        if "next_cursor" not in page:
            return None
        cursor, seen = page["next_cursor"], seen + step
    return cursor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--drafts", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=40, help="timed requests per scenario (after one warm-up)")
    parser.add_argument("--limit", type=int, default=50)
    parser.add_argument("--offsets", default="0,1000,10000,50000,99900", help="offsets to time (past the bound -> reported as refused)")
    parser.add_argument("--depths", default="0,1000,10000,50000,99900", help="cursor depths to time")
    parser.add_argument("--feedback-every", type=int, default=3, help="one draft in N has feedback")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "draft_list.json")
    args = parser.parse_args()

    tmp = Path(tempfile.mkdtemp())
    db = tmp / "bench.db"
    app = create_app(Settings(database_url=f"sqlite:///{db}", model="playbook"))
    engine = app.state.store.sessions.kw["bind"]
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
    results: dict[str, Any] = {"drafts": args.drafts, "limit": args.limit, "requests": args.requests, "scenarios": {}}
    with TestClient(app) as client:
        t0 = time.perf_counter()
        seed(db, client, args.drafts, args.feedback_every)
        print(f"seeded {args.drafts} drafts in {time.perf_counter() - t0:.1f}s")

        def healthz() -> Any:
            return client.get("/healthz")

        results["reference"] = {"name": "GET /healthz, timed in alternation with each scenario"}
        print(f"{'scenario':42} {'p50 ms':>8} {'p95 ms':>8} {'p50/healthz':>12} {'p95/healthz':>12} {'statements':>10}")

        scenarios: list[tuple[str, dict[str, Any]]] = []
        for offset in (int(o) for o in args.offsets.split(",")):
            scenarios.append((f"offset={offset}", {"offset": offset}))
        for filt in ({}, {"source": "fallback"}):
            for depth in (int(d) for d in args.depths.split(",")):
                cursor = cursor_at(client, depth, args.limit, filt)
                if depth and cursor is None:
                    break
                label = f"cursor at row {depth}" + (f" {filt}" if filt else "")
                scenarios.append((label, {**filt, **({"cursor": cursor} if cursor else {})}))
        for label, params in scenarios:
            params = {**params, "limit": args.limit}
            probe = client.get("/v1/drafts", params=params)
            if probe.status_code != 200:
                results["scenarios"][label] = {"status": probe.status_code, "refused": probe.json()}
                print(f"{label:42} refused with {probe.status_code}")
                continue
            statements.clear()
            client.get("/v1/drafts", params=params)
            count = len(statements)
            stats, reference = timed_against(lambda params=params: client.get("/v1/drafts", params=params), healthz, args.requests)
            ratios = {f"{q}_vs_healthz": round(stats[f"{q}_ms"] / reference[f"{q}_ms"], 2) for q in ("p50", "p95")}
            results["scenarios"][label] = {
                **stats,
                **ratios,
                "healthz": reference,
                "statements": count,
                "items": len(probe.json()["items"]),
            }
            print(
                f"{label:42} {stats['p50_ms']:8.2f} {stats['p95_ms']:8.2f} {ratios['p50_vs_healthz']:12.2f} "
                f"{ratios['p95_vs_healthz']:12.2f} {count:10d}"
            )
    args.out.parent.mkdir(exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
