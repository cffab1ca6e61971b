"""The same storage on PostgreSQL: set CALMREPLY_TEST_POSTGRES_URL (e.g.
postgresql+psycopg://postgres@127.0.0.1:55432/calmreply_test) to run it; skipped otherwise."""

from __future__ import annotations

import os

import pytest
from fastapi.testclient import TestClient

URL = os.environ.get("CALMREPLY_TEST_POSTGRES_URL")
pytestmark = pytest.mark.skipif(not URL, reason="CALMREPLY_TEST_POSTGRES_URL is not set")


def test_drafts_feedback_and_idempotency_on_postgres() -> None:
    from alembic import command
    from sqlalchemy import inspect

    from api.config import Settings
    from api.db.engine import alembic_config, make_engine
    from api.main import create_app

    engine = make_engine(URL or "")
    command.downgrade(alembic_config(engine), "base")
    with TestClient(create_app(Settings(database_url=URL or ""))) as client:
        assert {"drafts", "llm_calls", "feedback"} <= set(inspect(engine).get_table_names())
        body = {"complaint": "My order is two weeks late and nobody answers.", "channel": "chat"}
        first = client.post("/v1/drafts", json=body, headers={"Idempotency-Key": "pg-1"})
        again = client.post("/v1/drafts", json=body, headers={"Idempotency-Key": "pg-1"})
        assert first.status_code == 201 and again.status_code == 200 and again.json()["id"] == first.json()["id"]
        fb = client.post(f"/v1/drafts/{first.json()['id']}/feedback", json={"outcome": "edited", "final_text": "Hello"})
        assert fb.status_code == 201 and fb.json()["edit_distance"] > 0
        assert client.get(f"/v1/drafts/{first.json()['id']}").json()["feedback"]["outcome"] == "edited"
        assert client.get("/healthz").json()["database"] == "ok"
    engine.dispose()
