"""Builds the FastAPI app. Nothing is configured at import time: call create_app()."""
from __future__ import annotations

from fastapi import FastAPI

from api.config import Settings, get_settings
from api.db.engine import make_engine, migrate, session_factory
from api.db.repository import DraftStore
from api.errors import install_error_handlers
from api.llm import LLMClient
from api.pipeline import Drafter
from api.routes import checks, console, drafts, health, rules, stats


def create_app(settings: Settings | None = None, llm: LLMClient | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = make_engine(settings.database_url)
    migrate(engine)
    llm = llm or LLMClient.from_settings(settings)
    app = FastAPI(
        title="calmreply",
        version="0.1.0",
        description="Drafts de-escalating replies to angry customers and lints edited replies against the playbook's rules.",
    )
    app.state.settings = settings
    app.state.store = DraftStore(session_factory(engine))
    app.state.drafter = Drafter(settings, llm)
    install_error_handlers(app)
    for module in (drafts, checks, rules, stats, health, console):
        app.include_router(module.router)
    return app
