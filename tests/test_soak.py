"""A bounded soak: many model calls through litellm's aiohttp transport must reuse one session and
leave none unclosed. litellm keys its client cache on the call's `timeout`, so passing each call
the time left on its deadline built a client per call; past the cache's 200 entries the evicted
ones were reported as "Unclosed client session" (726 after about 2,600 drafts). That happens
whenever the deadline is shorter than CALMREPLY_LLM_TIMEOUT_S, or a re-ask runs late in it."""

from __future__ import annotations

import gc
import secrets
import time
import weakref
from collections.abc import Iterator

import aiohttp
import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.llm import LLMClient, close_cached_clients
from api.schemas import Sections
from tests.live_server import UNCLOSED_SESSION
from tests.openai_server import FakeOpenAIServer
from tests.test_pipeline import COMPLAINT

FAKE_KEY = secrets.token_hex(8)
"""Any key will do for the local fake provider; made per run so no key-shaped literal sits in the code."""

CALLS = 250  # more than litellm's 200-entry client cache, so a client per call would be evicted


@pytest.fixture
def provider() -> Iterator[FakeOpenAIServer]:
    with FakeOpenAIServer() as server:
        yield server


@pytest.fixture
def sessions(monkeypatch: pytest.MonkeyPatch) -> list[weakref.ref[aiohttp.ClientSession]]:
    """Every aiohttp.ClientSession created while the test runs."""
    created: list[weakref.ref[aiohttp.ClientSession]] = []
    original = aiohttp.ClientSession.__init__

    def tracking_init(self: aiohttp.ClientSession, *args: object, **kwargs: object) -> None:
        created.append(weakref.ref(self))
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(aiohttp.ClientSession, "__init__", tracking_init)
    return created


def still_open(sessions: list[weakref.ref[aiohttp.ClientSession]]) -> int:
    return sum(1 for ref in sessions if (s := ref()) is not None and not s.closed)


async def test_calls_with_shrinking_deadlines_share_one_session(
    provider: FakeOpenAIServer, sessions: list[weakref.ref[aiohttp.ClientSession]], caplog: pytest.LogCaptureFixture
) -> None:
    client = LLMClient(retries=0, timeout_s=120, temperature=0, max_tokens=100, api_base=provider.base_url, api_key=FAKE_KEY)
    messages = [{"role": "user", "content": COMPLAINT}]
    start = time.monotonic()
    for i in range(CALLS):
        await client.complete("openai/ok@soak", messages, Sections, start + 60 - i * 0.01)
    gc.collect()
    assert len(sessions) == 1
    assert not [r for r in caplog.records if UNCLOSED_SESSION in r.getMessage()]
    await close_cached_clients()  # on this test's loop; a session left to the collector warns in a later test


def test_app_shutdown_closes_litellm_sessions(
    settings: Settings,
    provider: FakeOpenAIServer,
    sessions: list[weakref.ref[aiohttp.ClientSession]],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from api.main import create_app

    llm = LLMClient.from_settings(settings, api_base=provider.base_url, api_key=FAKE_KEY)
    body = {"complaint": COMPLAINT, "model": "openai/ok@shutdown", "company_at_fault": True}
    with TestClient(create_app(settings, llm)) as client:
        for _ in range(3):
            assert client.post("/v1/drafts", json=body).json()["meta"]["source"] == "llm"
        assert still_open(sessions) == 1
    gc.collect()
    assert still_open(sessions) == 0
    assert not [r for r in caplog.records if UNCLOSED_SESSION in r.getMessage()]
