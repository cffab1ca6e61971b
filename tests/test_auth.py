"""Access control: hashed scoped API keys from the CLI, 401 vs 403, auth off only on loopback,
the model allow-list and the per-key rate limit."""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient

from api.cli import main
from api.config import Settings, get_settings
from api.security.keys import Scope
from api.security.ratelimit import RateLimiter
from tests.fakes import GOOD_SECTIONS, FakeProvider, as_json

BODY = {"complaint": "My parcel is two weeks late and nobody answers my emails. I want a refund now.", "company_at_fault": True}
CHECK = {"reply": "I am so sorry your parcel is late. I will chase it today and email you by 5pm.", "complaint": BODY["complaint"]}


@pytest.fixture
def secured(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "auth": "on",
            "bind_host": "0.0.0.0",
            "allowed_models": ["playbook", "fake/*"],
            "rate_limit_per_minute": 600,
            "rate_limit_burst": 100,
        }
    )


@pytest.fixture
def app_client(secured: Settings, fake_llm: FakeProvider) -> Iterator[TestClient]:
    from api.main import create_app

    with TestClient(create_app(secured)) as c:
        yield c


def key(client: TestClient, *scopes: Scope) -> dict[str, str]:
    _, token = client.app.state.keys.create("test", frozenset(scopes))  # type: ignore[attr-defined]
    return {"Authorization": f"Bearer {token}"}


def test_no_key_is_401_in_the_error_shape(app_client: TestClient) -> None:
    r = app_client.get("/v1/drafts")
    assert r.status_code == 401
    assert r.json()["error"] == "unauthorized"
    assert r.json()["details"][0]["field"] == "Authorization"
    assert r.headers["www-authenticate"] == "Bearer"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Basic dXNlcjpwdw==", "Bearer crk_0123456789ab_wrong", "Bearer "])
def test_malformed_or_unknown_keys_are_401(app_client: TestClient, header: str) -> None:
    r = app_client.get("/v1/drafts", headers={"Authorization": header})
    assert r.status_code == 401 and r.json()["error"] == "unauthorized"


def test_the_right_key_with_a_wrong_secret_is_401(app_client: TestClient) -> None:
    token = key(app_client, Scope.drafts_read)["Authorization"]
    assert app_client.get("/v1/drafts", headers={"Authorization": token}).status_code == 200
    assert app_client.get("/v1/drafts", headers={"Authorization": token[:-4] + "AAAA"}).status_code == 401


ROUTES = [
    ("post", "/v1/drafts", Scope.drafts_write, BODY),
    ("get", "/v1/drafts", Scope.drafts_read, None),
    ("get", "/v1/drafts/DRAFT", Scope.drafts_read, None),
    ("post", "/v1/drafts/DRAFT/feedback", Scope.drafts_write, {"outcome": "sent"}),
    ("post", "/v1/checks", Scope.checks, CHECK),
    ("get", "/v1/stats", Scope.stats, None),
]


@pytest.mark.parametrize(("method", "path", "scope", "body"), ROUTES)
def test_each_route_needs_its_scope(app_client: TestClient, method: str, path: str, scope: Scope, body: dict | None) -> None:
    draft_id = app_client.post("/v1/drafts", json=BODY, headers=key(app_client, Scope.drafts_write)).json()["id"]
    path = path.replace("DRAFT", draft_id)
    others = [s for s in Scope if s not in (scope, Scope.admin)]

    def call(headers: dict[str, str]) -> httpx.Response:
        return app_client.request(method.upper(), path, json=body, headers=headers)

    denied = call(key(app_client, *others))
    assert denied.status_code == 403, denied.text
    assert denied.json()["error"] == "forbidden"
    assert scope.value in denied.json()["details"][0]["reason"]
    assert f'scope="{scope.value}"' in denied.headers["www-authenticate"]
    allowed = call(key(app_client, scope))
    assert allowed.status_code in (200, 201), allowed.text
    assert call(key(app_client, Scope.admin)).status_code in (200, 201)


def test_every_v1_operation_but_the_rule_registry_needs_a_scope(app_client: TestClient) -> None:
    """Guards routes added later: each /v1 operation declares a bearer scope, and refuses a request without a key."""
    spec = app_client.get("/openapi.json").json()
    operations = [(m, p) for p, ops in spec["paths"].items() if p.startswith("/v1/") for m in ops if (m, p) != ("get", "/v1/rules")]
    assert len(operations) >= len(ROUTES)
    for method, path in operations:
        assert [list(r) for r in spec["paths"][path][method]["security"]] == [["HTTPBearer"]], (method, path)
        assert app_client.request(method.upper(), path.replace("{draft_id}", "x"), json={}).status_code == 401, (method, path)


def test_a_missing_key_is_401_before_the_body_is_read(app_client: TestClient) -> None:
    assert app_client.post("/v1/drafts", json={"complaint": ""}).status_code == 401


def test_health_and_rules_need_no_key(app_client: TestClient) -> None:
    assert app_client.get("/healthz").status_code == 200
    assert app_client.get("/v1/rules").status_code == 200


def test_openapi_documents_the_bearer_scheme_and_each_scope(app_client: TestClient) -> None:
    spec = app_client.get("/openapi.json").json()
    assert spec["components"]["securitySchemes"]["HTTPBearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": spec["components"]["securitySchemes"]["HTTPBearer"]["description"],
    }
    for method, path, scope, _ in ROUTES:
        op = spec["paths"][path.replace("DRAFT", "{draft_id}")][method]
        assert op["security"] == [{"HTTPBearer": [scope.value]}], (method, path)
        assert {"401", "403", "429"} <= set(op["responses"]), (method, path)
    assert "security" not in spec["paths"]["/healthz"]["get"]


def test_auth_is_on_by_default() -> None:
    assert Settings.model_fields["auth"].default == "on"


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.7", "::", None])
def test_auth_off_refuses_to_start_unless_on_loopback(settings: Settings, host: str | None) -> None:
    from api.main import create_app

    with pytest.raises(SystemExit, match=re.escape("CALMREPLY_AUTH=off is allowed only on 127.0.0.1")):
        create_app(settings.model_copy(update={"auth": "off", "bind_host": host}))


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost"])
def test_auth_off_serves_without_a_key_on_loopback(settings: Settings, host: str) -> None:
    from api.main import create_app

    with TestClient(create_app(settings.model_copy(update={"auth": "off", "bind_host": host}))) as c:
        assert c.get("/v1/drafts").status_code == 200


@pytest.fixture
def serve_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[dict]]:
    import uvicorn

    runs: list[dict] = []
    monkeypatch.setattr(uvicorn, "run", lambda *a, **k: runs.append(k))
    monkeypatch.setenv("CALMREPLY_BIND_HOST", "127.0.0.1")  # restored after the test, whatever serve sets
    get_settings.cache_clear()
    yield runs
    get_settings.cache_clear()


def test_serve_refuses_auth_off_on_a_public_address(
    serve_env: list[dict], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CALMREPLY_AUTH", "off")
    assert main(["serve", "--host", "0.0.0.0"]) == 2
    assert "refusing to start with CALMREPLY_AUTH=off on 0.0.0.0" in capsys.readouterr().err
    assert serve_env == []
    assert main(["serve", "--host", "127.0.0.1"]) == 0
    assert serve_env[0]["host"] == "127.0.0.1"


def test_serve_with_auth_on_may_listen_anywhere(serve_env: list[dict], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALMREPLY_AUTH", "on")
    assert main(["serve", "--host", "0.0.0.0"]) == 0
    assert serve_env[0]["host"] == "0.0.0.0"


def test_make_serve_starts_locally_without_keys() -> None:
    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    assert "HOST   ?= 127.0.0.1" in makefile and "export CALMREPLY_AUTH ?= off" in makefile


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    db = tmp_path / "keys.db"
    monkeypatch.setenv("CALMREPLY_DATABASE_URL", f"sqlite:///{db}")
    get_settings.cache_clear()
    yield db
    get_settings.cache_clear()


def test_cli_creates_lists_and_revokes_keys_stored_hashed(
    cli_db: Path, secured: Settings, fake_llm: FakeProvider, capsys: pytest.CaptureFixture[str]
) -> None:
    from api.main import create_app

    assert main(["keys", "create", "--name", "crm", "--scopes", "drafts:write,drafts:read,checks,stats,admin"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("crk_")
    rows = sqlite3.connect(cli_db).execute("SELECT id, name, scopes, secret_hash FROM api_keys").fetchall()
    assert len(rows) == 1
    key_id, name, scopes, secret_hash = rows[0]
    assert name == "crm" and set(json.loads(scopes)) == {s.value for s in Scope}
    assert secret_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token.split("_", 2)[2] not in cli_db.read_bytes().decode("latin-1"), "the secret itself is never stored"

    assert main(["keys", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(k["id"], k["name"], k["revoked_at"]) for k in listed] == [(key_id, "crm", None)]
    assert "token" not in listed[0]

    with TestClient(create_app(secured.model_copy(update={"database_url": f"sqlite:///{cli_db}"}))) as c:
        headers = {"Authorization": f"Bearer {token}"}
        assert c.get("/v1/drafts", headers=headers).status_code == 200
        assert main(["keys", "revoke", key_id]) == 0
        assert c.get("/v1/drafts", headers=headers).status_code == 401, "a revoked key stops working at once"
    assert main(["keys", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out.split("\n", 1)[1])[0]["revoked_at"] is not None


def test_cli_rejects_unknown_scopes_and_ids(cli_db: Path) -> None:
    with pytest.raises(SystemExit, match=r"unknown scope.*drafts:delete.*valid scopes: drafts:write"):
        main(["keys", "create", "--name", "x", "--scopes", "drafts:read,drafts:delete"])
    with pytest.raises(SystemExit, match="1 to 100 characters"):
        main(["keys", "create", "--name", "x" * 101, "--scopes", "checks"])
    with pytest.raises(SystemExit, match="no API key with id nope"):
        main(["keys", "revoke", "nope"])


def test_a_model_off_the_allow_list_is_refused_before_any_call(app_client: TestClient, fake_llm: FakeProvider) -> None:
    headers = key(app_client, Scope.drafts_write)
    r = app_client.post("/v1/drafts", json={**BODY, "model": "openai/gpt-4o"}, headers=headers)
    assert r.status_code == 422
    assert r.json()["error"] == "model_not_allowed"
    assert r.json()["details"][0]["field"] == "model"
    assert fake_llm.calls == []
    fake_llm.script(as_json(GOOD_SECTIONS))
    assert app_client.post("/v1/drafts", json={**BODY, "model": "fake/any"}, headers=headers).status_code == 201
    assert app_client.post("/v1/drafts", json={**BODY, "model": "playbook"}, headers=headers).status_code == 201


def test_the_configured_default_model_is_always_allowed(settings: Settings) -> None:
    from api.security.model_access import ModelNotAllowed, check_model

    only = settings.model_copy(update={"model": "fake/default", "allowed_models": []})
    check_model(only, None)
    check_model(only, "fake/default")
    with pytest.raises(ModelNotAllowed, match="allowed: fake/default"):
        check_model(only, "playbook")


def test_allowed_models_read_comma_separated_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALMREPLY_ALLOWED_MODELS", "playbook, openai/gpt-4o-mini,anthropic/*")
    assert Settings().allowed_models == ["playbook", "openai/gpt-4o-mini", "anthropic/*"]


def test_rate_limit_is_429_with_retry_after_per_key(secured: Settings, fake_llm: FakeProvider) -> None:
    from api.main import create_app

    with TestClient(create_app(secured.model_copy(update={"rate_limit_per_minute": 6, "rate_limit_burst": 2}))) as c:
        first, second = key(c, Scope.drafts_read), key(c, Scope.drafts_read)
        assert [c.get("/v1/drafts", headers=first).status_code for _ in range(2)] == [200, 200]
        limited = c.get("/v1/drafts", headers=first)
        assert limited.status_code == 429
        assert limited.json()["error"] == "rate_limited"
        assert 1 <= int(limited.headers["retry-after"]) <= 10
        assert c.get("/v1/drafts", headers=second).status_code == 200, "each key has its own bucket"


def test_token_bucket_refills_at_the_configured_rate() -> None:
    now = [0.0]
    limiter = RateLimiter(per_minute=30, burst=3, clock=lambda: now[0])
    assert [limiter.retry_after("k") for _ in range(3)] == [None, None, None]
    assert limiter.retry_after("k") == 2  # one token every 2 s
    now[0] = 1.0
    assert limiter.retry_after("k") == 1
    now[0] = 2.0
    assert limiter.retry_after("k") is None
    now[0] = 1000.0
    assert [limiter.retry_after("k") for _ in range(4)] == [None, None, None, 2], "never more than the burst"
    assert RateLimiter(per_minute=0, burst=1).retry_after("k") is None, "0 turns the limit off"


def test_stats_count_drafts_tokens_and_cost_per_model(app_client: TestClient, fake_llm: FakeProvider) -> None:
    writer = key(app_client, Scope.drafts_write)
    fake_llm.script(as_json(GOOD_SECTIONS), as_json(GOOD_SECTIONS))
    for model in ("fake/a", "fake/a", "playbook"):
        assert app_client.post("/v1/drafts", json={**BODY, "model": model}, headers=writer).status_code == 201
    body = app_client.get("/v1/stats", headers=key(app_client, Scope.stats)).json()
    assert body["totals"]["drafts"] == 3 and body["total_tokens"] == 300
    assert [(u["model"], u["source"], u["drafts"], u["total_tokens"]) for u in body["usage"]] == [
        ("fake/a", "llm", 2, 300),
        ("playbook", "playbook", 1, 0),
    ]
