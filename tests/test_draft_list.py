"""GET /v1/drafts: a constant number of SQL statements per page, pages read from an index in order (no sort),
keyset (cursor) paging that visits every draft once, and offset paging that stays bounded."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event, text

from api.db.repository import DraftStore
from api.pipeline import request_fingerprint
from api.schemas import DraftRequest, FeedbackRequest

COMPLAINT = "My order is two weeks late and nobody answers my emails. I want it sorted today."


def store_of(client: TestClient) -> DraftStore:
    return client.app.state.store  # type: ignore[attr-defined,no-any-return]


def engine_of(client: TestClient) -> Engine:
    return store_of(client).sessions.kw["bind"]  # type: ignore[no-any-return]


@contextmanager
def recorded_statements(engine: Engine) -> Iterator[list[tuple[str, object]]]:
    seen: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def seed(client: TestClient, count: int, *, feedback_every: int = 2, same_second_every: int = 3) -> list[str]:
    """`count` stored drafts (one pipeline run, saved many times), some with feedback, some sharing a timestamp
    with the previous one so paging must break ties by id. Returns the ids newest first, as the list orders them."""
    store = store_of(client)
    req = DraftRequest(complaint=COMPLAINT)
    first = client.post("/v1/drafts", json={"complaint": COMPLAINT}).json()["id"]
    drafted = asyncio.run(client.app.state.drafter.draft(req))  # type: ignore[attr-defined]
    ids = [first] + [store.save(req, request_fingerprint(req), drafted, None)[0].id for _ in range(count - 1)]
    with engine_of(client).begin() as conn:
        for i, draft_id in enumerate(ids):
            second = i - 1 if i % same_second_every == 0 and i else i
            conn.execute(
                text("UPDATE drafts SET created_at = :t WHERE id = :id"),
                {"t": f"2026-01-01 00:{second // 60:02d}:{second % 60:02d}.000000", "id": draft_id},
            )
    for i, draft_id in enumerate(ids):
        if i % feedback_every == 0:
            store.add_feedback(draft_id, FeedbackRequest(outcome="sent"), None)
            store.add_feedback(draft_id, FeedbackRequest(outcome="edited" if i % 4 == 0 else "discarded"), None)
    with engine_of(client).connect() as conn:
        return [r[0] for r in conn.execute(text("SELECT id FROM drafts ORDER BY created_at DESC, id DESC"))]


def test_statements_per_page_do_not_grow_with_the_page(client: TestClient) -> None:
    """Before: 2 + one lazy feedback query per row (52 for a page of 50)."""
    seed(client, 60)
    counts = {}
    for limit in (1, 10, 50):
        with recorded_statements(engine_of(client)) as seen:
            page = client.get("/v1/drafts", params={"limit": limit})
        assert page.status_code == 200 and len(page.json()["items"]) == limit
        counts[limit] = len(seen)
    assert counts[1] == counts[10] == counts[50] <= 3, counts
    cursor = client.get("/v1/drafts", params={"limit": 10}).json()["next_cursor"]
    with recorded_statements(engine_of(client)) as seen:
        client.get("/v1/drafts", params={"limit": 50, "cursor": cursor})
    assert len(seen) <= 3


def test_the_page_is_read_from_an_index_in_order(client: TestClient) -> None:
    """No temporary B-tree: the ORDER BY is served by an index, with and without each filter and cursor."""
    seed(client, 12)
    cursor = client.get("/v1/drafts", params={"limit": 5}).json()["next_cursor"]
    for params in ({}, {"source": "playbook"}, {"model": "playbook"}, {"cursor": cursor}, {"source": "playbook", "cursor": cursor}):
        with recorded_statements(engine_of(client)) as seen:
            assert client.get("/v1/drafts", params={"limit": 5, **params}).status_code == 200
        page_queries = [(s, p) for s, p in seen if s.lstrip().upper().startswith("SELECT") and "FROM drafts" in s and "count(" not in s]
        assert len(page_queries) == 1, seen
        statement, parameters = page_queries[0]
        raw = engine_of(client).raw_connection()
        try:
            plan = " | ".join(str(row[-1]) for row in raw.cursor().execute("EXPLAIN QUERY PLAN " + statement, parameters))
        finally:
            raw.close()
        assert "TEMP B-TREE" not in plan and "_created_at_id" in plan, (params, plan)


def test_cursor_paging_visits_every_draft_once_in_order(client: TestClient) -> None:
    expected = seed(client, 23)
    seen, cursor, pages = [], None, 0
    while True:
        page = client.get("/v1/drafts", params={"limit": 5, **({"cursor": cursor} if cursor else {})}).json()
        seen += [d["id"] for d in page["items"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == expected and pages == 5
    assert client.get("/v1/drafts", params={"limit": 23}).json()["next_cursor"] is None


def test_offset_and_cursor_pages_agree_and_feedback_is_the_latest(client: TestClient) -> None:
    expected = seed(client, 15)
    by_offset = client.get("/v1/drafts", params={"limit": 4, "offset": 4}).json()
    first = client.get("/v1/drafts", params={"limit": 4}).json()
    by_cursor = client.get("/v1/drafts", params={"limit": 4, "cursor": first["next_cursor"]}).json()
    assert [d["id"] for d in by_offset["items"]] == [d["id"] for d in by_cursor["items"]] == expected[4:8]
    assert first["total"] == 15 and by_cursor["total"] is None  # a cursor page never counts the table
    for draft in client.get("/v1/drafts", params={"limit": 15}).json()["items"]:
        latest = store_of(client).get(draft["id"]).feedback
        assert draft["feedback_outcome"] == (latest.outcome if latest else None)
    assert {d["feedback_outcome"] for d in by_offset["items"] + first["items"]} >= {"edited", "discarded", None}


def test_cursor_paging_with_a_filter(client: TestClient) -> None:
    seed(client, 9)
    page = client.get("/v1/drafts", params={"limit": 4, "source": "fallback"}).json()
    assert page["items"] == [] and page["total"] == 0 and page["next_cursor"] is None
    page = client.get("/v1/drafts", params={"limit": 4, "source": "playbook"}).json()
    rest = client.get("/v1/drafts", params={"limit": 10, "source": "playbook", "cursor": page["next_cursor"]}).json()
    assert len(page["items"]) + len(rest["items"]) == 9


@pytest.mark.parametrize("cursor", ["nope", "", "x" * 201, "MjAyNi0wMS0wMVQwMDowMDowMHxub3QtaGV4", "bm8gcGlwZQ"])
def test_a_bad_cursor_is_a_422(client: TestClient, cursor: str) -> None:
    r = client.get("/v1/drafts", params={"cursor": cursor})
    assert r.status_code == 422, r.text
    assert r.json()["error"] == "invalid_request" and r.json()["details"][0]["field"] == "cursor"


def test_offset_is_bounded_and_names_the_way_deeper(client: TestClient) -> None:
    assert client.get("/v1/drafts", params={"offset": 10_000}).status_code == 200
    r = client.get("/v1/drafts", params={"offset": 10_001})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "offset"
    schema = client.get("/openapi.json").json()
    offset = next(p for p in schema["paths"]["/v1/drafts"]["get"]["parameters"] if p["name"] == "offset")
    assert offset["schema"]["maximum"] == 10_000 and "cursor" in offset["description"]


def _all_pages(client: TestClient, **params: object) -> tuple[list[dict[str, object]], int]:
    """Every draft the filtered list holds, two per page through the cursor, and the first page's total."""
    response = client.get("/v1/drafts", params={"limit": 2, **params})
    assert response.status_code == 200, response.text
    page = response.json()
    total, items = page["total"], list(page["items"])
    while page["next_cursor"]:
        page = client.get("/v1/drafts", params={"limit": 2, **params, "cursor": page["next_cursor"]}).json()
        items += page["items"]
    return items, total


def test_outcome_and_failed_rule_filter_the_whole_list_not_one_page(client: TestClient) -> None:
    """The console filtered outcome and failed rule on the page in hand: a draft on page 3 never showed."""
    ids = seed(client, 12)
    store = store_of(client)
    req = DraftRequest(complaint=COMPLAINT)
    drafted = asyncio.run(client.app.state.drafter.draft(req))  # type: ignore[attr-defined]
    failing = dataclasses.replace(drafted, checks=[c.model_copy(update={"passed": c.rule_id != "follow-up"}) for c in drafted.checks])
    broken = [store.save(req, request_fingerprint(req), failing, None)[0].id for _ in range(3)]

    items, total = _all_pages(client, failed_rule="follow-up")
    assert sorted(d["id"] for d in items) == sorted(broken) and total == 3
    assert all("follow-up" in d["failed_rules"] for d in items)  # type: ignore[operator]
    assert _all_pages(client, failed_rule="calm-tone") == ([], 0)

    latest = {i: (store.get(i).feedback.outcome if store.get(i).feedback else "none") for i in [*ids, *broken]}
    for outcome in ("sent", "edited", "discarded", "none"):
        items, total = _all_pages(client, outcome=outcome)
        assert sorted(d["id"] for d in items) == sorted(i for i, o in latest.items() if o == outcome), outcome
        assert total == len(items)
    assert {o for o in latest.values()} >= {"edited", "discarded", "none"}


def test_an_unknown_failed_rule_or_outcome_is_a_422(client: TestClient) -> None:
    r = client.get("/v1/drafts", params={"failed_rule": "be-nice"})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "failed_rule"
    assert client.get("/v1/drafts", params={"outcome": "maybe"}).status_code == 422
