"""Migrations apply cleanly to an empty database and can be rolled back."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

from api.config import Settings
from api.db.engine import alembic_config, make_engine, migrate


def test_migrations_create_and_drop_every_table(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    assert {"drafts", "llm_calls", "feedback", "alembic_version"} <= set(inspect(engine).get_table_names())
    command.downgrade(alembic_config(engine), "base")
    assert set(inspect(engine).get_table_names()) <= {"alembic_version"}
    migrate(engine)
    migrate(engine)  # idempotent: applying head twice is a no-op
    assert "feedback" in inspect(engine).get_table_names()


def test_models_match_the_migrations(tmp_path: Path) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from api.db.models import Base

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


async def test_racing_requests_with_one_idempotency_key_store_one_draft(tmp_path: Path) -> None:
    """Two requests with the same key that both missed the lookup: the second save returns the first draft."""
    from api.db.engine import session_factory
    from api.db.repository import DraftStore
    from api.llm import LLMClient
    from api.pipeline import Drafter, request_fingerprint
    from api.schemas import DraftRequest

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'race.db'}")
    engine = make_engine(settings.database_url)
    migrate(engine)
    store = DraftStore(session_factory(engine))
    req = DraftRequest(complaint="My order never arrived and nobody answers my emails.")
    drafter = Drafter(settings, LLMClient.from_settings(settings))
    first_outcome, second_outcome = await drafter.draft(req), await drafter.draft(req)
    first, created_first = store.save(req, request_fingerprint(req), first_outcome, "race-key")
    second, created_second = store.save(req, request_fingerprint(req), second_outcome, "race-key")
    assert created_first and not created_second
    assert second.id == first.id
    assert store.list_drafts(limit=10, offset=0).total == 1


def test_shutting_the_app_down_closes_its_pooled_database_connections(tmp_path: Path) -> None:
    """CI on PostgreSQL: connections left in the pool were collected during later tests and, with warnings
    as errors, failed whichever test was running (a ResourceWarning from psycopg)."""
    from fastapi.testclient import TestClient

    from api.main import create_app

    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'shutdown.db'}"))
    with TestClient(app) as client:
        assert client.get("/healthz").status_code == 200
        assert app.state.engine.pool.checkedin() >= 1
    assert app.state.engine.pool.checkedin() == 0


def test_migration_0006_fills_failed_rules_of_existing_drafts(tmp_path: Path) -> None:
    """Drafts stored before the column existed can be filtered by a failed rule after the upgrade."""
    import json

    from sqlalchemy import text

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate(engine, "0005_helpdesk_jobs")
    checks = [{"rule_id": "follow-up", "passed": False}, {"rule_id": "calm-tone", "passed": True}]
    columns = "id, created_at, request_hash, request, model, source, prompt_version, reply, sections, analysis, checks, meta, latency_ms, total_tokens"
    with engine.begin() as conn:
        for draft_id, rows in (("a" * 32, checks), ("b" * 32, checks[1:])):
            conn.execute(
                text(
                    f"INSERT INTO drafts ({columns}) VALUES (:id, '2026-01-01', 'h', '{{}}', 'playbook', 'playbook', 'v1', 'r', '{{}}', '{{}}', :checks, '{{}}', 1.0, 0)"
                ),
                {"id": draft_id, "checks": json.dumps(rows)},
            )
    migrate(engine)
    with engine.connect() as conn:
        assert dict(conn.execute(text("SELECT id, failed_rules FROM drafts ORDER BY id")).all()) == {"a" * 32: " follow-up ", "b" * 32: ""}
    engine.dispose()
