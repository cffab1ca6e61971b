"""Migrations apply cleanly to an empty database and can be rolled back."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect

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
