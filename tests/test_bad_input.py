"""Bad input and storage (issue 10 §5): nothing a caller sends gives a 5xx, stores invalid JSON or is echoed
back raw; every 4xx has the one documented shape; workers racing on a fresh database don't crash."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import inspect, text

from api.db.engine import make_engine, migrate
from api.schemas import ErrorResponse

COMPLAINT = "My order is two weeks late and nobody answers my emails. I want it sorted today."
JSON_HEADERS = {"content-type": "application/json"}


def assert_error_shape(body: dict[str, Any]) -> None:
    """The documented shape, and nothing else (no FastAPI `detail`)."""
    assert set(body) == {"error", "details"}, body
    ErrorResponse.model_validate(body)
    assert body["details"] and all(d["reason"] for d in body["details"]), body


def stored_json_is_valid(client: TestClient) -> None:
    """Every JSON column of every stored draft parses under strict JSON (no Infinity/NaN tokens)."""
    engine = client.app.state.store.sessions.kw["bind"]  # type: ignore[attr-defined]
    with engine.connect() as conn:
        for row in conn.execute(text("SELECT request, sections, analysis, checks, meta FROM drafts")):
            for cell in row:
                json.loads(cell, parse_constant=lambda token: pytest.fail(f"stored non-JSON token {token}"))


# --- huge numbers and paging -------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [10**30, 2**63, 10**6])
def test_a_huge_offset_is_a_422_not_a_500(client: TestClient, offset: int) -> None:
    r = client.get("/v1/drafts", params={"offset": offset})
    assert r.status_code == 422, r.text
    assert_error_shape(r.json())
    assert r.json()["details"][0]["field"] == "offset"


# --- finite numbers only -----------------------------------------------------------------------------------


@pytest.mark.parametrize("token", ["Infinity", "-Infinity", "NaN", "1e309", "-1e309", "1" + "0" * 400])
@pytest.mark.parametrize("path,base", [("/v1/drafts", {"complaint": COMPLAINT}), ("/v1/checks", {"reply": "Sorry, we will fix it."})])
def test_non_finite_amounts_are_rejected(client: TestClient, token: str, path: str, base: dict[str, Any]) -> None:
    body = json.dumps(base)[:-1] + ', "policy": {"max_amount": ' + token + "}}"
    r = client.post(path, content=body, headers=JSON_HEADERS)
    assert r.status_code == 422, (token, r.text)
    assert_error_shape(r.json())
    assert r.json()["details"][0]["field"] == "policy.max_amount"
    stored_json_is_valid(client)
    assert client.get("/v1/drafts").json()["total"] == 0


def number_fields(schema: dict[str, Any], node: Any, path: str = "") -> list[str]:
    """Dotted paths of every `number` property reachable from a request body schema."""
    if isinstance(node, dict):
        if "$ref" in node:
            return number_fields(schema, schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]], path)
        found = [path] if node.get("type") == "number" else []
        for key in ("anyOf", "oneOf", "allOf"):
            for sub in node.get(key, []):
                found += number_fields(schema, sub, path)
        for name, sub in node.get("properties", {}).items():
            found += number_fields(schema, sub, f"{path}.{name}".lstrip("."))
        return found
    return []


def test_every_number_a_request_body_takes_must_be_finite() -> None:
    """Not only max_amount: any `number` in any request body model refuses inf and NaN."""
    from pydantic import BaseModel, ValidationError

    from api.schemas import CheckRequest, DraftRequest, FeedbackRequest

    minimal: dict[type[BaseModel], dict[str, Any]] = {
        DraftRequest: {"complaint": "x"},
        CheckRequest: {"reply": "x"},
        FeedbackRequest: {"outcome": "sent"},
    }
    checked = 0
    for model, base in minimal.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        full = {"components": {"schemas": schema.get("$defs", {})}}
        for path in number_fields(full, schema):
            for bad in (float("inf"), float("-inf"), float("nan")):
                value: Any = bad
                for part in reversed(path.split(".")):
                    value = {part: value}
                with pytest.raises(ValidationError, match="finite"):
                    model.model_validate({**base, **value})
                checked += 1
    assert checked >= 3  # max_amount in drafts and checks at least


def test_storage_refuses_non_finite_json(tmp_path: Path) -> None:
    """Defence in depth: the engine's JSON serializer itself rejects NaN/inf, so invalid JSON is never written."""
    from sqlalchemy import JSON, Column, Integer, MetaData, Table
    from sqlalchemy.exc import StatementError

    engine = make_engine(f"sqlite:///{tmp_path / 'j.db'}")
    table = Table("t", MetaData(), Column("id", Integer, primary_key=True), Column("doc", JSON))
    table.metadata.create_all(engine)
    with pytest.raises(StatementError, match="JSON compliant"), engine.begin() as conn:
        conn.execute(table.insert().values(doc={"x": float("inf")}))


# --- control characters ------------------------------------------------------------------------------------

CONTROL = [chr(c) for c in range(32) if chr(c) not in "\t\n\r"]


def test_every_c0_control_character_except_tab_newline_cr_is_rejected(client: TestClient) -> None:
    for char in CONTROL:
        r = client.post("/v1/drafts", json={"complaint": f"late{char}again"})
        assert r.status_code == 422 and f"U+{ord(char):04X}" in r.json()["details"][0]["reason"], (repr(char), r.text)
    assert client.get("/v1/drafts").json()["total"] == 0


@pytest.mark.parametrize("char", ["\x00", "\x1b"])
@pytest.mark.parametrize("field", ["complaint", "customer_name", "agent_name", "company_name", "context", "instructions"])
def test_control_characters_are_rejected_not_echoed(client: TestClient, char: str, field: str) -> None:
    body: dict[str, Any] = {"complaint": COMPLAINT, field: f"Bo{char}b " + (COMPLAINT if field == "complaint" else "")}
    r = client.post("/v1/drafts", json=body)
    assert r.status_code == 422, (repr(char), field, r.text)
    assert_error_shape(r.json())
    detail = r.json()["details"][0]
    assert detail["field"] == field and f"U+{ord(char):04X}" in detail["reason"]
    assert client.get("/v1/drafts").json()["total"] == 0


@pytest.mark.parametrize(
    "path,body,field",
    [
        ("/v1/drafts", {"complaint": COMPLAINT, "history": [{"role": "customer", "text": "hi\x00"}]}, "history.0.text"),
        ("/v1/drafts", {"complaint": COMPLAINT, "model": "play\x00book"}, "model"),
        ("/v1/drafts", {"complaint": COMPLAINT, "policy": {"currency": "U\x00D"}}, "policy.currency"),
        ("/v1/checks", {"reply": "Sorry\x00 about that."}, "reply"),
        ("/v1/checks", {"reply": "Sorry.", "complaint": "late\x00"}, "complaint"),
        ("/v1/checks", {"reply": "Sorry.", "rules": ["calm-tone\x00"]}, "rules.0"),
    ],
)
def test_control_characters_are_rejected_everywhere_text_enters(client: TestClient, path: str, body: dict, field: str) -> None:
    r = client.post(path, json=body)
    assert r.status_code == 422, r.text
    assert_error_shape(r.json())
    assert field in [d["field"] for d in r.json()["details"]]


def test_control_characters_are_rejected_in_feedback_query_and_header(client: TestClient) -> None:
    draft = client.post("/v1/drafts", json={"complaint": COMPLAINT}).json()
    r = client.post(f"/v1/drafts/{draft['id']}/feedback", json={"outcome": "edited", "final_text": "Hi\x00"})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "final_text"
    assert client.get("/v1/drafts/ab%00cd").status_code == 422
    r = client.get("/v1/drafts", params={"model": "x\x00"})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "model"
    # (An HTTP server rejects raw NUL in a header; the ASGI app still must not accept one.)
    r = client.post("/v1/drafts", json={"complaint": COMPLAINT}, headers={"Idempotency-Key": "k\x1b1"})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "Idempotency-Key"


def test_tab_newline_and_carriage_return_are_text(client: TestClient) -> None:
    r = client.post("/v1/drafts", json={"complaint": "My order is late.\r\n\tStill nothing!\n", "customer_name": "Bo\tb"})
    assert r.status_code == 201, r.text
    assert not any(ord(c) < 32 and c not in "\t\n\r" for c in r.json()["reply"])


def test_the_openapi_schema_documents_the_control_character_rule(client: TestClient) -> None:
    props = client.get("/openapi.json").json()["components"]["schemas"]["DraftRequest"]["properties"]
    pattern = props["complaint"].get("pattern")
    assert pattern and re.search(pattern, "fine\ttext\n") and not re.search(pattern, "bad\x00text")


# --- one error shape for every 4xx -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "method,path,content,headers,status",
    [
        ("POST", "/v1/drafts", b'{"complaint": "abc', JSON_HEADERS, 422),  # unparseable JSON
        ("POST", "/v1/drafts", b'{"complaint": "\xff\xfe late"}', JSON_HEADERS, 400),  # not UTF-8
        ("POST", "/v1/checks", b"\xff", JSON_HEADERS, 400),
        ("POST", "/v1/drafts", b"complaint=late", {"content-type": "application/x-www-form-urlencoded"}, 422),
        ("POST", "/v1/drafts", b"[1, 2]", JSON_HEADERS, 422),
        ("GET", "/no/such/path", None, {}, 404),
        ("DELETE", "/v1/drafts", None, {}, 405),
        ("GET", "/v1/drafts/nope", None, {}, 404),
    ],
)
def test_every_4xx_has_the_documented_shape(
    client: TestClient, method: str, path: str, content: bytes | None, headers: dict, status: int
) -> None:
    r = client.request(method, path, content=content, headers=headers)
    assert r.status_code == status, r.text
    assert_error_shape(r.json())


def test_an_unparseable_body_names_the_body_and_the_reason(client: TestClient) -> None:
    r = client.post("/v1/drafts", content=b'{"complaint": "abc', headers=JSON_HEADERS)
    detail = r.json()["details"][0]
    assert detail["field"] == "body" and "JSON" in detail["reason"]


def test_a_405_keeps_its_allow_header(client: TestClient) -> None:
    r = client.delete("/v1/drafts")
    assert r.status_code == 405 and r.headers["allow"] == "GET, POST"  # both routes at the path, not the first one


def test_the_openapi_schema_has_no_other_error_shape(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert "HTTPValidationError" not in schema["components"]["schemas"]
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            for status, response in op["responses"].items():
                if status.startswith("4"):
                    ref = response["content"]["application/json"]["schema"]["$ref"]
                    assert ref.endswith("/ErrorResponse"), (method, path, status)
            if "requestBody" in op:
                assert {"400", "422"} <= set(op["responses"]), (method, path)


# --- migrations under racing workers -----------------------------------------------------------------------


def _migrate_at_barrier(url: str, barrier: Any, results: Any) -> None:
    try:
        barrier.wait(timeout=60)
        engine = make_engine(url)
        migrate(engine)
        engine.dispose()
        results.put("ok")
    except Exception as exc:  # reported to the parent, which fails the test with it
        results.put(f"{type(exc).__name__}: {exc}")


def race_migrations(url: str, workers: int = 4) -> list[str]:
    """`workers` processes start at one barrier and each migrate `url`, as `serve --workers` does."""
    ctx = multiprocessing.get_context("spawn")
    barrier, results = ctx.Barrier(workers), ctx.Queue()
    procs = [ctx.Process(target=_migrate_at_barrier, args=(url, barrier, results)) for _ in range(workers)]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    return outcomes


def assert_migrated_once(url: str) -> None:
    engine = make_engine(url)
    assert {"drafts", "llm_calls", "feedback"} <= set(inspect(engine).get_table_names())
    with engine.connect() as conn:
        assert len(conn.execute(text("SELECT version_num FROM alembic_version")).all()) == 1
    engine.dispose()


@pytest.mark.parametrize("round_", range(3))
def test_workers_racing_on_a_fresh_sqlite_file_all_start(tmp_path: Path, round_: int) -> None:
    """Before the lock: 'table alembic_version already exists' in one of them."""
    url = f"sqlite:///{tmp_path / f'race{round_}.db'}"
    assert race_migrations(url) == ["ok"] * 4
    assert_migrated_once(url)


@pytest.mark.skipif(not os.environ.get("CALMREPLY_TEST_POSTGRES_URL"), reason="CALMREPLY_TEST_POSTGRES_URL is not set")
def test_workers_racing_on_a_fresh_postgres_database_all_start() -> None:
    from alembic import command

    from api.db.engine import alembic_config

    url = os.environ["CALMREPLY_TEST_POSTGRES_URL"]
    engine = make_engine(url)
    command.downgrade(alembic_config(engine), "base")
    engine.dispose()
    assert race_migrations(url) == ["ok"] * 4
    assert_migrated_once(url)


@pytest.mark.parametrize("key", [" ", "\t", " padded", "padded "])
def test_a_blank_or_padded_idempotency_key_is_a_422(client: TestClient, key: str) -> None:
    """Found by schemathesis: the blank-key rule lived only in code, so the schema called a blank key valid."""
    from api.routes.drafts import IDEMPOTENCY_KEY

    assert not re.search(IDEMPOTENCY_KEY, key) and re.search(IDEMPOTENCY_KEY, "crm-ticket 42")
    r = client.post("/v1/drafts", json={"complaint": COMPLAINT}, headers={"Idempotency-Key": key})
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "Idempotency-Key", r.text


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_serve_with_two_workers_on_a_fresh_sqlite_file(tmp_path: Path) -> None:
    """`calmreply serve --workers 2` on a database that does not exist yet: both workers start, concurrent
    drafts are all stored, and the file is in WAL mode (readers don't block the writer across processes)."""
    import sqlite3
    import subprocess
    import sys
    import time
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    database, port = tmp_path / "workers.db", _free_port()
    env = {**os.environ, "CALMREPLY_DATABASE_URL": f"sqlite:///{database}", "CALMREPLY_MODEL": "playbook"}
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", "2", "--port", str(port), "--log-level", "warning"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("the server never answered /healthz")
        with ThreadPoolExecutor(8) as pool:
            codes = list(
                pool.map(
                    lambda i: httpx.post(base + "/v1/drafts", json={"complaint": f"{COMPLAINT} ({i})"}, timeout=60).status_code, range(16)
                )
            )
        assert codes == [201] * 16
        assert httpx.get(base + "/v1/drafts").json()["total"] == 16
    finally:
        server.terminate()
        output = server.communicate(timeout=60)[0]
    assert "already exists" not in output and "Traceback" not in output, output
    with sqlite3.connect(database) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_serve_refuses_several_workers_on_an_in_memory_database(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import main
    from api.config import get_settings

    monkeypatch.setenv("CALMREPLY_DATABASE_URL", "sqlite://")
    get_settings.cache_clear()
    try:
        with pytest.raises(SystemExit, match="in-memory"):
            main(["serve", "--workers", "2"])
    finally:
        get_settings.cache_clear()
