"""POST /v1/drafts with Accept: text/event-stream: analysis, delta, checks, done (or error)."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.llm import LLMClient
from api.streaming import preview
from tests.fakes import GOOD_SECTIONS, as_json
from tests.test_api import SEED_BODY

STREAM = {"Accept": "text/event-stream"}


def events(lines: Iterator[str]) -> Iterator[tuple[str, dict]]:
    """Parse server-sent events from a line iterator."""
    name, data = None, []
    for line in lines:
        if line.startswith("event: "):
            name = line[len("event: ") :]
        elif line.startswith("data: "):
            data.append(line[len("data: ") :])
        elif line == "" and name is not None:
            yield name, json.loads("\n".join(data))
            name, data = None, []


def collect(client: TestClient, body: dict, headers: dict | None = None) -> tuple[list[tuple[str, dict]], dict[str, str]]:
    with client.stream("POST", "/v1/drafts", json=body, headers={**STREAM, **(headers or {})}) as r:
        assert r.status_code == 200, r.read()
        assert r.headers["content-type"].startswith("text/event-stream")
        return list(events(r.iter_lines())), dict(r.headers)


@pytest.fixture
def llm_client(settings: Settings, tmp_path: Path) -> Iterator[TestClient]:
    """An app whose LLM is litellm's mock: it streams GOOD_SECTIONS a few characters at a time, after 0.3 s."""
    from api.main import create_app

    llm = LLMClient.from_settings(settings, mock_response=as_json(GOOD_SECTIONS), mock_delay=0.3)
    with TestClient(create_app(settings, llm=llm)) as c:
        yield c


def test_a_playbook_stream_sends_analysis_one_delta_checks_and_the_stored_draft(client: TestClient) -> None:
    got, _ = collect(client, SEED_BODY)
    names = [n for n, _ in got]
    assert names == ["analysis", "delta", "checks", "done"]
    by = dict(got)
    assert "authority_threat" in {f["kind"] for f in by["analysis"]["flags"]}
    assert by["delta"]["reset"] is True and by["delta"]["text"] == by["done"]["reply"]
    assert by["checks"]["passed"] is True and {c["rule_id"] for c in by["checks"]["checks"]} >= {"emotion-first"}
    stored = client.get(f"/v1/drafts/{by['done']['id']}").json()
    assert stored == by["done"], "done carries the same body as the JSON response"


def test_an_llm_stream_sends_the_text_as_it_is_written(llm_client: TestClient) -> None:
    got, _ = collect(llm_client, {**SEED_BODY, "model": "openai/gpt-4o-mini"})
    names = [n for n, _ in got]
    assert names[0] == "analysis" and names[-2:] == ["checks", "done"]
    deltas = [d for n, d in got if n == "delta"]
    assert len(deltas) > 10, "many small deltas, not one block"
    text = ""
    for d in deltas:
        text = d["text"] if d["reset"] else text + d["text"]
    assert text == preview(as_json(GOOD_SECTIONS))
    done = dict(got)["done"]
    assert done["meta"]["source"] == "llm" and GOOD_SECTIONS["solution"] in done["reply"]
    assert done["meta"]["usage"]["total_tokens"] > 0, "usage is kept from the streamed response"


def test_a_client_that_leaves_mid_stream_still_gets_a_stored_draft(llm_client: TestClient) -> None:
    with llm_client.stream("POST", "/v1/drafts", json={**SEED_BODY, "model": "openai/gpt-4o-mini"}, headers=STREAM) as r:
        first = next(events(r.iter_lines()))
        assert first[0] == "analysis"
    assert llm_client.get("/v1/drafts").json()["total"] in (0, 1)
    deadline = time.monotonic() + 30
    while llm_client.get("/v1/drafts").json()["total"] == 0:
        assert time.monotonic() < deadline, "the draft was never stored after the client left"
        time.sleep(0.1)
    item = llm_client.get("/v1/drafts").json()["items"][0]
    assert item["source"] == "llm"


def test_a_repeated_idempotency_key_replays_the_stored_draft_as_a_stream(client: TestClient) -> None:
    key = {"Idempotency-Key": "stream-1"}
    first, _ = collect(client, SEED_BODY, key)
    again, headers = collect(client, SEED_BODY, key)
    assert headers.get("idempotent-replayed") == "true"
    assert [n for n, _ in again] == ["analysis", "delta", "checks", "done"]
    assert dict(again)["done"]["id"] == dict(first)["done"]["id"]
    assert client.get("/v1/drafts").json()["total"] == 1
    conflict = client.post("/v1/drafts", json={**SEED_BODY, "channel": "chat"}, headers={**STREAM, **key})
    assert conflict.status_code == 409, "errors found before the stream starts keep their status code"


def test_a_failure_mid_stream_is_an_error_event(client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(client.app.state.store, "save", broken)  # type: ignore[attr-defined]
    got, _ = collect(client, SEED_BODY)
    assert [n for n, _ in got] == ["analysis", "delta", "checks", "error"]
    err = dict(got)["error"]
    reason = err["details"][0]["reason"]
    assert err["error"] == "internal_error" and "RuntimeError" in reason
    assert "disk full" not in reason, "an internal error's text stays in the server log, never in the stream"


def test_invalid_input_is_a_422_before_any_stream(client: TestClient) -> None:
    r = client.post("/v1/drafts", json={"complaint": ""}, headers=STREAM)
    assert r.status_code == 422 and r.json()["details"][0]["field"] == "complaint"


def test_the_json_path_is_unchanged_and_the_stream_is_documented(client: TestClient) -> None:
    assert client.post("/v1/drafts", json=SEED_BODY).status_code == 201
    op = client.get("/openapi.json").json()["paths"]["/v1/drafts"]["post"]
    assert "text/event-stream" in op["responses"]["200"]["content"]
