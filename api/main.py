"""Builds the FastAPI app. Nothing is configured at import time: call create_app()."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.analysis.paraphrase import load as load_parser
from api.config import Settings, get_settings
from api.cpu import CpuPool
from api.db.engine import make_engine, migrate, session_factory
from api.db.repository import DraftStore
from api.errors import install_error_handlers
from api.integrations.jobs import JobStore
from api.integrations.queue import JobQueue, queue_url
from api.integrations.worker import start_embedded_worker
from api.llm import LLMClient, close_cached_clients
from api.pipeline import Drafter
from api.routes import checks, console, drafts, health, integrations, rules, stats
from api.security.auth import auth_off_refusal
from api.security.handlers import install_security_handlers
from api.security.keys import KeyStore
from api.security.ratelimit import RateLimiter


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    consumer = await start_embedded_worker(app)
    yield
    if consumer is not None:
        await asyncio.to_thread(consumer.stop, True)  # off the loop: a running job waits on this loop for its draft
    await close_cached_clients()  # litellm's HTTP clients hold aiohttp sessions on this loop
    app.state.engine.dispose()  # pooled database connections close now, not whenever they are collected


def create_app(settings: Settings | None = None, llm: LLMClient | None = None) -> FastAPI:
    settings = settings or get_settings()
    refusal = auth_off_refusal(settings)
    if refusal is not None:
        raise SystemExit(refusal)
    engine = make_engine(settings.database_url)
    migrate(engine)
    load_parser()  # now, not inside the first request's CPU budget (once per process)
    llm = llm or LLMClient.from_settings(settings)
    app = FastAPI(
        title="calmreply",
        version="0.1.0",
        description="Drafts de-escalating replies to angry customers and lints edited replies against the playbook's rules.",
        lifespan=_lifespan,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.store = DraftStore(session_factory(engine))
    app.state.keys = KeyStore(session_factory(engine))
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute, settings.rate_limit_burst)
    app.state.cpu = CpuPool(settings.cpu_workers, settings.cpu_budget_s)
    app.state.drafter = Drafter(settings, llm, app.state.cpu)
    app.state.jobs = JobStore(session_factory(engine))
    app.state.queue = JobQueue(queue_url(settings.queue_url, settings.database_url))
    install_error_handlers(app)
    install_security_handlers(app)
    integrations.install_integration_handlers(app)
    for module in (drafts, checks, rules, stats, health, integrations, console):
        app.include_router(module.router)
    return app
