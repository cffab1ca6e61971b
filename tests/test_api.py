"""The HTTP contract: status codes, shapes, idempotency, feedback, errors."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.fakes import FakeProvider, server_error

SEED = (
    "ALL my websites hosted with you are DOWN since this morning!!! My customers cannot reach my shop and I am losing money. "
    "If my website is not back up within 24 hours I will report you to the police. This is fraud."
)
SEED_BODY = {"complaint": SEED, "channel": "email", "company_at_fault": True, "customer_name": "Emeka", "company_name": "Nairahost"}


def test_create_and_fetch_a_playbook_draft(client: TestClient) -> None:
    r = client.post("/v1/drafts", json=SEED_BODY)
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"/v1/drafts/{body['id']}"
    assert body["meta"]["source"] == "playbook"
    assert set(body["sections"]) == {"acknowledgement", "apology", "restatement", "solution", "next_steps", "follow_up", "closing"}
    assert {c["rule_id"] for c in body["checks"]} >= {"emotion-first", "unconditional-apology", "calm-tone"}
    assert all(c["passed"] for c in body["checks"] if c["severity"] == "error")
    assert "authority_threat" in {f["kind"] for f in body["analysis"]["flags"]}
    assert body["reply"].startswith("Hi Emeka,")
    fetched = client.get(f"/v1/drafts/{body['id']}")
    assert fetched.status_code == 200
    assert fetched.json()["reply"] == body["reply"]
    assert body["created_at"].endswith(("Z", "+00:00")), "timestamps are UTC and say so"
    assert "anger" in {e["name"] for e in body["analysis"]["emotions"]}


def test_idempotency_key_replays_the_stored_draft(client: TestClient) -> None:
    headers = {"Idempotency-Key": "ticket-42-v1"}
    first = client.post("/v1/drafts", json=SEED_BODY, headers=headers)
    again = client.post("/v1/drafts", json=SEED_BODY, headers=headers)
    assert first.status_code == 201 and again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json()["id"] == first.json()["id"]


def test_idempotency_key_reuse_with_another_body_is_a_conflict(client: TestClient) -> None:
    headers = {"Idempotency-Key": "ticket-43"}
    assert client.post("/v1/drafts", json=SEED_BODY, headers=headers).status_code == 201
    r = client.post("/v1/drafts", json={**SEED_BODY, "channel": "chat"}, headers=headers)
    assert r.status_code == 409
    assert r.json()["error"] == "idempotency_conflict"
    assert r.json()["details"][0]["field"] == "Idempotency-Key"


def test_feedback_stores_the_sent_text_and_edit_distance(client: TestClient) -> None:
    draft = client.post("/v1/drafts", json=SEED_BODY).json()
    edited = draft["reply"].replace("Kind regards", "Best") + "\nP.S. Sorry if you feel we let you down."
    r = client.post(f"/v1/drafts/{draft['id']}/feedback", json={"outcome": "edited", "final_text": edited, "rating": 4})
    assert r.status_code == 201, r.text
    fb = r.json()
    assert fb["edit_distance"] > 0
    failed = {c["rule_id"] for c in fb["final_checks"] if not c["passed"]}
    assert "unconditional-apology" in failed
    stored = client.get(f"/v1/drafts/{draft['id']}").json()
    assert stored["feedback"]["outcome"] == "edited"
    assert stored["reply"] == draft["reply"], "the suggested text is kept next to the sent text"


def test_checks_point_at_the_offending_words(client: TestClient) -> None:
    reply = "We are sorry if you feel that you were overcharged. Our records show the order was processed normally."
    r = client.post("/v1/checks", json={"reply": reply, "complaint": "You overcharged me and I want my money back."})
    assert r.status_code == 200
    body = r.json()
    assert body["passed"] is False
    by_id = {c["rule_id"]: c for c in body["checks"]}
    for rule in ("unconditional-apology", "no-arguing", "emotion-first"):
        assert by_id[rule]["passed"] is False, rule
        assert by_id[rule]["spans"], rule
    for span in by_id["unconditional-apology"]["spans"] + by_id["no-arguing"]["spans"]:
        assert reply[span["start"] : span["end"]] == span["text"]
    assert any("sorry if you feel" in s["text"] for s in by_id["unconditional-apology"]["spans"])
    assert any(s["text"].startswith("Our records show") for s in by_id["no-arguing"]["spans"])


def test_checks_can_run_a_subset_and_reject_unknown_rules(client: TestClient) -> None:
    ok = client.post("/v1/checks", json={"reply": "I'm sorry.", "rules": ["calm-tone"]})
    assert [c["rule_id"] for c in ok.json()["checks"]] == ["calm-tone"]
    bad = client.post("/v1/checks", json={"reply": "I'm sorry.", "rules": ["be-nice"]})
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "rules"


def test_rules_endpoint_exposes_sources_and_conflicts(client: TestClient) -> None:
    body = client.get("/v1/rules").json()
    ids = {r["id"] for r in body["rules"]}
    assert ids == {
        "emotion-first",
        "unconditional-apology",
        "no-blame-shifting",
        "no-arguing",
        "no-parroting",
        "solution-or-ask",
        "concrete-next-steps",
        "follow-up",
        "calm-tone",
        "no-unauthorized-promises",
    }
    assert all(r["sources"] and r["sources"][0]["doc"].endswith(".txt") for r in body["rules"])
    topics = " ".join(c["topic"] for c in body["conflicts"])
    assert "softly" in topics and "Reiterate" in topics


def test_bad_input_gets_a_clear_422(client: TestClient) -> None:
    cases = [
        ({"complaint": ""}, "complaint"),
        ({"complaint": "x" * 20_001}, "complaint"),
        ({"complaint": "late", "channel": "fax"}, "channel"),
        ({"complaint": "late", "policy": {"allowed_remedies": ["free_car"]}}, "policy.allowed_remedies.0"),
        ({"complaint": "late", "surprise": 1}, "surprise"),
        ({"complaint": "late", "prompt_version": "v999"}, "prompt_version"),
    ]
    for body, field in cases:
        r = client.post("/v1/drafts", json=body)
        assert r.status_code == 422, (body, r.text)
        assert r.json()["error"] == "invalid_request"
        assert field in [d["field"] for d in r.json()["details"]], r.json()
    assert client.post("/v1/drafts", content=b"{not json", headers={"content-type": "application/json"}).status_code == 422


def test_list_drafts_filters_and_pages(client: TestClient, fake_llm: FakeProvider) -> None:
    for channel in ("email", "chat", "phone"):
        assert client.post("/v1/drafts", json={**SEED_BODY, "channel": channel}).status_code == 201
    fake_llm.script(*[server_error()] * 10)
    failed = client.post("/v1/drafts", json={**SEED_BODY, "model": "fake/down"}).json()
    page = client.get("/v1/drafts", params={"limit": 2}).json()
    assert page["total"] == 4 and len(page["items"]) == 2 and page["items"][0]["id"] == failed["id"]
    only = client.get("/v1/drafts", params={"source": "fallback"}).json()
    assert [d["id"] for d in only["items"]] == [failed["id"]] and only["items"][0]["failed_rules"] == []
    assert client.get("/v1/drafts", params={"offset": 3}).json()["items"][0]["source"] == "playbook"
    assert client.get("/v1/drafts", params={"limit": 0}).status_code == 422
    assert client.get("/v1/drafts", params={"source": "magic"}).status_code == 422


def test_unknown_draft_is_a_404(client: TestClient) -> None:
    r = client.get("/v1/drafts/doesnotexist")
    assert r.status_code == 404 and r.json()["error"] == "draft_not_found"
    assert client.post("/v1/drafts/doesnotexist/feedback", json={"outcome": "sent"}).status_code == 404


def test_provider_failure_is_not_a_500(client: TestClient, fake_llm: FakeProvider) -> None:
    fake_llm.script(*[server_error()] * 10)
    r = client.post("/v1/drafts", json={**SEED_BODY, "model": "fake/down"})
    assert r.status_code == 201
    meta = r.json()["meta"]
    assert meta["source"] == "fallback" and meta["model"] == "fake/down"
    assert meta["attempts"][0]["outcome"] == "provider_error"


def test_every_model_call_is_logged(client: TestClient, fake_llm: FakeProvider) -> None:
    from tests.fakes import GOOD_SECTIONS, VIOLATING_SECTIONS, as_json

    fake_llm.script(as_json(VIOLATING_SECTIONS), as_json(GOOD_SECTIONS))
    draft = client.post("/v1/drafts", json={**SEED_BODY, "model": "fake/w"}).json()
    calls = client.app.state.store.calls(draft["id"])
    assert [c.outcome for c in calls] == ["violations", "accepted"]
    assert calls[0].messages[0]["role"] == "system" and calls[1].response == as_json(GOOD_SECTIONS)


def test_health_and_openapi(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/v1/drafts", "/v1/drafts/{draft_id}", "/v1/drafts/{draft_id}/feedback", "/v1/checks", "/v1/rules"} <= set(paths)
