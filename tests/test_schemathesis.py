"""Property-based API tests from the app's own OpenAPI schema (schemathesis): for every operation, valid and
invalid requests it generates, bounded in number, must give no 5xx, only status codes the schema documents,
and bodies that match the documented response schemas (the one error shape for every 4xx)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from pydantic import BaseModel
from schemathesis.specs.openapi.checks import positive_data_acceptance

from api.config import Settings
from api.integrations.settings import ChatwootSettings, ZammadSettings
from api.llm import Completion, ProviderError
from api.security.keys import Scope

# Bounded: enough to hit every parameter's edges and the negative cases, small enough for a 2-core CI run.
MAX_EXAMPLES = 30


class OfflineModel:
    """Any model a generated request names fails at once, as an unreachable provider would: the tests never
    touch the network, and the pipeline's fallback path is exercised (the playbook model needs no client)."""

    async def complete(self, model: str, messages: list[dict[str, str]], schema: type[BaseModel], deadline: float) -> Completion:
        raise ProviderError(model, 1, ConnectionError("no network in tests"))


def _app():  # type: ignore[no-untyped-def]
    """The app as deployed, with API keys on (its schema documents them), and an admin key for the calls.
    The rate limit is off so that the generated calls are judged on their content."""
    from api.main import create_app

    database = Path(_DATABASE_DIR.name) / "schemathesis.db"
    # Both connectors on, unsigned (the admin key lets the deliveries in), with no worker: a webhook stores its job and stops.
    helpdesk = {"base_url": "http://127.0.0.1:9", "api_token": "unused"}
    settings = Settings(
        database_url=f"sqlite:///{database}",
        model="playbook",
        request_deadline_s=5,
        llm_timeout_s=1,
        auth="on",
        rate_limit_per_minute=0,
        queue_workers=0,
        chatwoot=ChatwootSettings(**helpdesk),
        zammad=ZammadSettings(**helpdesk),
    )
    app = create_app(settings, llm=OfflineModel())  # type: ignore[arg-type]
    _, token = app.state.keys.create("schemathesis", frozenset({Scope.admin}))
    _TOKEN.append(token)
    return app


_TOKEN: list[str] = []


# Built at collection: schemathesis makes one test per operation from the schema. Its ASGI transport runs the
# app's lifespan once, as a server would. (pytest 9 breaks schemathesis.pytest.from_fixture, hence no fixture.)
_DATABASE_DIR = tempfile.TemporaryDirectory(prefix="calmreply-schemathesis-")
schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.auth()
class AdminKey:
    """Sends the admin key the way the schema documents it, so schemathesis can also try without it."""

    def get(self, case: schemathesis.Case, context: object) -> str:
        return _TOKEN[0]

    def set(self, case: schemathesis.Case, data: str, context: object) -> None:
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_every_operation_conforms_to_its_schema(case: schemathesis.Case) -> None:
    # A cursor is opaque: no schema can tell a real one from a random string, which is rightly a 422. Every
    # other check still runs on those requests.
    query = case.query or {}
    opaque = case.method == "GET" and case.path == "/v1/drafts" and query.get("cursor") is not None
    # Nor can it say that `until` must come after `since` on GET /v1/stats (a backwards range is a 422).
    ranged = case.method == "GET" and case.path == "/v1/stats" and query.get("since") is not None and query.get("until") is not None
    case.call_and_validate(excluded_checks=[positive_data_acceptance] if opaque or ranged else None)
