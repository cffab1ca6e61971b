"""Shared fixtures: a temp database, fast retry settings, and the scripted fake provider."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
# Tests run the API as `make serve` does, without keys on 127.0.0.1, with any model allowed;
# tests/test_auth.py turns keys, scopes, limits and the model allow-list on explicitly.
os.environ.setdefault("CALMREPLY_AUTH", "off")
os.environ.setdefault("CALMREPLY_BIND_HOST", "127.0.0.1")
os.environ.setdefault("CALMREPLY_ALLOWED_MODELS", "*")

import litellm
from fastapi.testclient import TestClient

from api.config import Settings
from tests.fakes import FakeProvider, PlannedProvider
from tests.helpdesk_fakes import FakeChatwoot, FakeZammad

_FAKE = FakeProvider()
_PLANNED = PlannedProvider()


def _register_fake() -> None:
    entries = [e for e in (litellm.custom_provider_map or []) if e.get("provider") not in ("fake", "planned")]
    litellm.custom_provider_map = [
        *entries,
        {"provider": "fake", "custom_handler": _FAKE},
        {"provider": "planned", "custom_handler": _PLANNED},
    ]


@pytest.fixture
def fake_llm() -> Iterator[FakeProvider]:
    _register_fake()
    _FAKE.script()
    yield _FAKE
    _FAKE.script()


@pytest.fixture
def planned_llm() -> Iterator[PlannedProvider]:
    _register_fake()
    _PLANNED.set_plan({})
    _PLANNED.delay_s = 0.0
    yield _PLANNED
    _PLANNED.set_plan({})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'calmreply.db'}",
        retry_backoff_s=0.001,
        transport_retries=2,
        max_reasks=2,
        request_deadline_s=20,
        model="playbook",
    )


@pytest.fixture
def client(settings: Settings, fake_llm: FakeProvider) -> Iterator[TestClient]:
    from api.main import create_app

    with TestClient(create_app(settings)) as c:
        yield c


@pytest.fixture
def chatwoot() -> Iterator[FakeChatwoot]:
    """A fake Chatwoot on 127.0.0.1 that records what it receives (tests/helpdesk_fakes.py)."""
    fake = FakeChatwoot(token="cw-token").start()
    yield fake
    fake.stop()


@pytest.fixture
def zammad() -> Iterator[FakeZammad]:
    """A fake Zammad on 127.0.0.1 that records what it receives."""
    fake = FakeZammad(token="zm-token").start()
    yield fake
    fake.stop()
