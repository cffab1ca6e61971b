"""End to end through the real offline model: HTTP -> pipeline -> litellm -> local/smollm2-135m
(llama.cpp via xllamacpp) -> structured parse -> guard -> re-ask -> fallback. Asserts on the pipeline's
behaviour, never on the 135M model's wording."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

pytest.importorskip("xllamacpp")
pytestmark = pytest.mark.local_model

COMPLAINT = (
    "My internet has been down for three days and I work from home. I've called four times and nobody "
    "has fixed it. I want a technician here tomorrow and a credit for the days I've lost."
)


def test_local_model_drafts_end_to_end(tmp_path: Path) -> None:
    from api.config import Settings
    from api.main import create_app
    from evals.rules import RULES

    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'local.db'}",
        max_reasks=1,
        max_tokens=400,
        request_deadline_s=240,
        llm_timeout_s=120,
        temperature=0.2,
    )
    with TestClient(create_app(settings)) as client:
        r = client.post(
            "/v1/drafts",
            json={
                "complaint": COMPLAINT,
                "channel": "email",
                "company_at_fault": True,
                "customer_name": "Priya",
                "policy": {"allowed_remedies": ["technician_visit", "account_credit"], "max_amount": 30, "currency": "USD"},
                "model": "local/smollm2-135m",
            },
        )
        assert r.status_code == 201, r.text
        draft = r.json()
        calls = client.app.state.store.calls(draft["id"])

    meta = draft["meta"]
    assert meta["model"] == "local/smollm2-135m"
    assert meta["source"] in ("llm", "llm_repaired", "fallback")
    assert 1 <= len(meta["attempts"]) <= settings.max_reasks + 1
    outcomes = [a["outcome"] for a in meta["attempts"]]
    assert "provider_error" not in outcomes, meta
    if meta["source"] == "fallback":
        assert meta["fallback_reason"] and all(o in ("invalid_output", "violations") for o in outcomes)
    else:
        assert outcomes[-1] == "accepted"
    assert meta["usage"]["prompt_tokens"] > 0 and meta["usage"]["completion_tokens"] > 0
    assert meta["usage"]["total_tokens"] == meta["usage"]["prompt_tokens"] + meta["usage"]["completion_tokens"]
    assert {c["rule_id"] for c in draft["checks"]} == {r.id for r in RULES}
    assert all(c["passed"] for c in draft["checks"] if c["severity"] == "error"), "what is returned always passes the error rules"
    assert [c.outcome for c in calls] == outcomes and all(c.response for c in calls)
