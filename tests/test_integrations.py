"""The Chatwoot and Zammad connectors against fake helpdesks on 127.0.0.1 (tests/helpdesk_fakes.py), with the
documented payloads: a message in, one note back with a draft that passes every error rule; signatures;
replays; a helpdesk failing then recovering; dead jobs and their retry; a restart with jobs pending."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.config import Settings
from api.integrations.settings import ChatwootSettings, ZammadSettings
from api.integrations.signatures import chatwoot_signature, zammad_signature
from tests.helpdesk_fakes import FakeChatwoot, FakeZammad

CW_SECRET = b"cw-webhook-secret"
ZM_SECRET = b"zm-signature-token"
POLICE = (
    "None of my websites hosted with you have been reachable since this morning and I am losing money every hour. "
    "If my website is not back up within 24 hours I will report you to the police."
)


def wait_for(what: Callable[[], bool], timeout_s: float = 30.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not what():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        time.sleep(0.05)


def chatwoot_event(
    message_id: int,
    content: str = POLICE,
    *,
    message_type: str = "incoming",
    private: bool = False,
    conversation_id: int = 7,
    account_id: int = 1,
    event: str = "message_created",
) -> dict[str, Any]:
    """A message_created delivery as Chatwoot documents it (account webhook / agent bot)."""
    sender = {"id": 42, "name": "Emeka Obi", "type": "contact", "email": "emeka@example.com"}
    message = {
        "id": message_id,
        "content": content,
        "message_type": 0 if message_type == "incoming" else 1,
        "private": private,
        "created_at": 1733212800,
    }
    return {
        "event": event,
        "id": message_id,
        "content": content,
        "created_at": "2026-12-03T09:00:00.000Z",
        "message_type": message_type,
        "content_type": "text",
        "content_attributes": {},
        "source_id": None,
        "private": private,
        "sender": sender,
        "inbox": {"id": 3, "name": "Website"},
        "conversation": {
            "id": conversation_id,
            "status": "open",
            "inbox_id": 3,
            "channel": "Channel::WebWidget",
            "meta": {"sender": sender, "assignee": None},
            "messages": [message],
        },
        "account": {"id": account_id, "name": "Nairahost"},
    }


def zammad_payload(
    article_id: int,
    body: str = f"<div>{POLICE}</div>",
    *,
    ticket_id: int = 81,
    sender: str = "Customer",
    internal: bool = False,
    group_id: int = 3,
) -> dict[str, Any]:
    """A trigger webhook with Zammad's default payload (trimmed to the fields the docs' example shows)."""
    return {
        "ticket": {
            "id": ticket_id,
            "number": "10081",
            "title": "Websites down",
            "group_id": group_id,
            "state": "open",
            "group": {"id": group_id, "name": "Service Desk"},
            "customer_id": 8,
            "customer": {"id": 8, "firstname": "Emily", "lastname": "Adams", "email": "emily@example.com"},
        },
        "article": {
            "id": article_id,
            "ticket_id": ticket_id,
            "body": body,
            "content_type": "text/html",
            "internal": internal,
            "sender": sender,
            "sender_id": 2,
            "type": "email",
            "type_id": 1,
            "from": "Emily Adams <emily@example.com>",
            "to": "Service Desk",
            "created_at": "2020-11-13T14:34:35.318Z",
        },
    }


def post_chatwoot(
    client: TestClient, payload: dict[str, Any], *, secret: bytes = CW_SECRET, timestamp: int | None = None, tamper: bool = False
) -> Any:
    body = json.dumps(payload).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    signature = chatwoot_signature(secret, stamp, body)
    sent = body.replace(b"police", b"press") if tamper else body
    return client.post(
        "/v1/integrations/chatwoot/webhook",
        content=sent,
        headers={"Content-Type": "application/json", "X-Chatwoot-Signature": signature, "X-Chatwoot-Timestamp": stamp},
    )


def post_zammad(client: TestClient, payload: dict[str, Any], *, secret: bytes = ZM_SECRET) -> Any:
    body = json.dumps(payload).encode()
    return client.post(
        "/v1/integrations/zammad/webhook",
        content=body,
        headers={
            "Content-Type": "application/json",
            "X-Hub-Signature": zammad_signature(secret, body),
            "X-Zammad-Trigger": "calmreply",
            "X-Zammad-Delivery": "d-1",
        },
    )


def connector_settings(tmp_path: Path, chatwoot: FakeChatwoot, zammad: FakeZammad, **overrides: Any) -> Settings:
    values: dict[str, Any] = dict(
        database_url=f"sqlite:///{tmp_path / 'calmreply.db'}",
        model="playbook",
        public_url="https://calmreply.example.com",
        queue_workers=1,
        job_backoff_s=0.05,
        job_max_attempts=4,
        job_lease_s=60,
        helpdesk_timeout_s=5,
        chatwoot=ChatwootSettings(base_url=chatwoot.url, api_token="cw-token", webhook_secret=CW_SECRET.decode(), company_name="Nairahost"),
        zammad=ZammadSettings(
            base_url=zammad.url + "/",
            api_token="zm-token",
            webhook_secret=ZM_SECRET.decode(),
            company_name="Chrispresso",
            shared_draft_groups=[9],
        ),
    )
    return Settings(**{**values, **overrides})


@pytest.fixture
def app_client(tmp_path: Path, chatwoot: FakeChatwoot, zammad: FakeZammad) -> Iterator[TestClient]:
    from api.main import create_app

    with TestClient(create_app(connector_settings(tmp_path, chatwoot, zammad))) as c:
        yield c


def job(client: TestClient, job_id: str) -> dict[str, Any]:
    answer = client.get(f"/v1/integrations/jobs/{job_id}")
    assert answer.status_code == 200
    return answer.json()


def finished(client: TestClient, job_id: str, state: str = "done") -> dict[str, Any]:
    wait_for(lambda: job(client, job_id)["state"] == state)
    return job(client, job_id)


def assert_passes_every_error_rule(client: TestClient, draft_id: str) -> dict[str, Any]:
    draft = client.get(f"/v1/drafts/{draft_id}").json()
    failed = [c["rule_id"] for c in draft["checks"] if c["severity"] == "error" and not c["passed"]]
    assert failed == [], failed
    return draft


def test_chatwoot_message_gets_one_private_note_with_the_draft_flags_and_link(app_client: TestClient, chatwoot: FakeChatwoot) -> None:
    chatwoot.conversations[(1, 7)] = [
        {"id": 100, "content": "My sites are down.", "message_type": 0, "private": False},
        {"id": 101, "content": "We are looking into it.", "message_type": 1, "private": False},
        {"id": 102, "content": "internal: escalate to ops", "message_type": 1, "private": True},
    ]
    answer = post_chatwoot(app_client, chatwoot_event(103))
    assert answer.status_code == 202 and answer.json()["status"] == "queued"
    done = finished(app_client, answer.json()["job_id"])
    assert done["attempts"] == 1 and done["source"] == "chatwoot" and done["external_id"] == "1:103"

    [post] = chatwoot.posts()
    assert post.path == "/api/v1/accounts/1/conversations/7/messages"
    assert post.headers["api_access_token"] == "cw-token"
    assert post.body["message_type"] == "outgoing" and post.body["private"] is True
    draft = assert_passes_every_error_rule(app_client, done["draft_id"])
    note = post.body["content"]
    assert draft["reply"] in note
    assert "authority_threat" in note  # the police threat, for a human to decide
    assert f"https://calmreply.example.com/console/#draft/{draft['id']}" in note
    assert done["note_id"] == str(chatwoot.conversations[(1, 7)][-1]["id"])
    # The earlier turns came from Chatwoot's API (the payload had only this message), private notes left out.
    request = app_client.app.state.store.request_of(draft["id"])
    assert [(t["role"], t["text"]) for t in request["history"]] == [
        ("customer", "My sites are down."),
        ("agent", "We are looking into it."),
    ]
    assert request["customer_name"] == "Emeka Obi" and request["company_name"] == "Nairahost" and request["channel"] == "chat"


def test_zammad_article_gets_one_internal_note(app_client: TestClient, zammad: FakeZammad) -> None:
    zammad.tickets[81] = [
        {
            "id": 100,
            "ticket_id": 81,
            "sender": "Customer",
            "internal": False,
            "content_type": "text/html",
            "body": "<p>My sites are down.</p>",
        },
        {"id": 101, "ticket_id": 81, "sender": "Agent", "internal": True, "type": "note", "body": "ops ticket 4"},
    ]
    answer = post_zammad(app_client, zammad_payload(104))
    assert answer.status_code == 202
    done = finished(app_client, answer.json()["job_id"])

    [post] = [r for r in zammad.received if r.method == "POST"]
    assert post.path == "/api/v1/ticket_articles" and post.headers["authorization"] == "Token token=zm-token"
    assert {k: post.body[k] for k in ("ticket_id", "type", "internal", "content_type")} == {
        "ticket_id": 81,
        "type": "note",
        "internal": True,
        "content_type": "text/html",
    }
    draft = assert_passes_every_error_rule(app_client, done["draft_id"])
    assert draft["reply"].split("\n")[0] in post.body["body"] and "authority_threat" in post.body["body"]
    assert "#draft/" + draft["id"] in post.body["body"]
    request = app_client.app.state.store.request_of(draft["id"])
    assert request["complaint"] == POLICE and request["customer_name"] == "Emily Adams"
    assert [(t["role"], t["text"]) for t in request["history"]] == [("customer", "My sites are down.")]


def test_zammad_groups_with_shared_drafts_get_the_reply_as_the_shared_draft(app_client: TestClient, zammad: FakeZammad) -> None:
    done = finished(app_client, post_zammad(app_client, zammad_payload(105, ticket_id=82, group_id=9)).json()["job_id"])
    draft = assert_passes_every_error_rule(app_client, done["draft_id"])
    shared = zammad.shared_drafts[82]
    assert shared["new_article"]["internal"] is False and shared["new_article"]["type"] == "email"
    assert draft["reply"].split("\n")[0] in shared["new_article"]["body"]
    assert zammad.notes() == []


def test_an_agents_own_shared_draft_is_kept_and_the_draft_goes_in_a_note(app_client: TestClient, zammad: FakeZammad) -> None:
    zammad.shared_drafts[83] = {"id": 1, "new_article": {"body": "Dear Emily, I am on it -- Jacob"}}
    finished(app_client, post_zammad(app_client, zammad_payload(106, ticket_id=83, group_id=9)).json()["job_id"])
    assert zammad.shared_drafts[83]["new_article"]["body"] == "Dear Emily, I am on it -- Jacob"
    assert len(zammad.notes(83)) == 1


@pytest.mark.parametrize("how", ["wrong secret", "tampered body", "stale timestamp", "unsigned"])
def test_a_badly_signed_chatwoot_delivery_gets_401_and_stores_nothing(app_client: TestClient, chatwoot: FakeChatwoot, how: str) -> None:
    payload = chatwoot_event(200)
    if how == "unsigned":
        answer = app_client.post("/v1/integrations/chatwoot/webhook", json=payload)
    else:
        answer = post_chatwoot(
            app_client,
            payload,
            secret=b"guess" if how == "wrong secret" else CW_SECRET,
            tamper=how == "tampered body",
            timestamp=int(time.time()) - 3600 if how == "stale timestamp" else None,
        )
    assert answer.status_code == 401 and answer.json()["error"] == "unauthorized"
    assert app_client.get("/v1/integrations/jobs").json()["items"] == []
    assert chatwoot.received == []


def test_a_badly_signed_zammad_delivery_gets_401_and_stores_nothing(app_client: TestClient, zammad: FakeZammad) -> None:
    assert post_zammad(app_client, zammad_payload(201), secret=b"guess").status_code == 401
    assert app_client.post("/v1/integrations/zammad/webhook", json=zammad_payload(201)).status_code == 401
    assert app_client.get("/v1/integrations/jobs").json()["items"] == []
    assert zammad.received == []


def test_a_replayed_delivery_makes_no_second_job_or_note(app_client: TestClient, chatwoot: FakeChatwoot, zammad: FakeZammad) -> None:
    first = post_chatwoot(app_client, chatwoot_event(300))
    again = post_chatwoot(app_client, chatwoot_event(300))
    assert again.status_code == 200 and again.json() == {"status": "duplicate", "job_id": first.json()["job_id"], "reason": None}
    finished(app_client, first.json()["job_id"])
    assert post_chatwoot(app_client, chatwoot_event(300)).json()["status"] == "duplicate"  # after it is done too
    z = post_zammad(app_client, zammad_payload(301))
    assert post_zammad(app_client, zammad_payload(301)).json()["status"] == "duplicate"
    finished(app_client, z.json()["job_id"])
    time.sleep(0.3)  # time for a second note, were one coming
    assert len(chatwoot.notes()) == 1 and len(zammad.notes()) == 1
    assert len(app_client.get("/v1/integrations/jobs").json()["items"]) == 2


@pytest.mark.parametrize(
    "payload",
    [
        chatwoot_event(400, message_type="outgoing"),
        chatwoot_event(401, private=True),
        chatwoot_event(402, message_type="outgoing", private=True, content="calmreply draft (not sent to the customer): ..."),
        chatwoot_event(403, event="conversation_status_changed"),
        chatwoot_event(404, content="   "),
    ],
    ids=["outgoing", "private", "our own note", "other event", "no text"],
)
def test_chatwoot_events_without_a_customer_message_are_ignored(app_client: TestClient, chatwoot: FakeChatwoot, payload: dict) -> None:
    answer = post_chatwoot(app_client, payload)
    assert answer.status_code == 200 and answer.json()["status"] == "ignored" and answer.json()["reason"]
    assert app_client.get("/v1/integrations/jobs").json()["items"] == [] and chatwoot.received == []


@pytest.mark.parametrize(
    "payload",
    [
        zammad_payload(500, sender="Agent"),
        zammad_payload(501, internal=True),
        zammad_payload(502, sender="System"),
        {"ticket": zammad_payload(503)["ticket"]},
    ],
    ids=["agent", "internal", "system", "no article"],
)
def test_zammad_articles_not_from_the_customer_or_internal_are_ignored(app_client: TestClient, zammad: FakeZammad, payload: dict) -> None:
    answer = post_zammad(app_client, payload)
    assert answer.status_code == 200 and answer.json()["status"] == "ignored"
    assert app_client.get("/v1/integrations/jobs").json()["items"] == [] and zammad.received == []


def test_a_helpdesk_answering_500_is_retried_until_it_recovers(app_client: TestClient, chatwoot: FakeChatwoot) -> None:
    chatwoot.fail_next = [500, 503]
    done = finished(app_client, post_chatwoot(app_client, chatwoot_event(600)).json()["job_id"])
    assert done["attempts"] == 3 and done["last_error"] is None
    assert len(chatwoot.posts()) == 3 and len(chatwoot.notes()) == 1
    assert app_client.app.state.store.list_drafts(limit=10).total == 1  # the retries reused the stored draft


def test_a_job_out_of_attempts_is_dead_listed_and_retried(app_client: TestClient, chatwoot: FakeChatwoot) -> None:
    chatwoot.fail_next = [500] * 4
    job_id = post_chatwoot(app_client, chatwoot_event(700)).json()["job_id"]
    dead = finished(app_client, job_id, "dead")
    assert dead["attempts"] == 4 and "HTTP 500" in dead["last_error"]
    assert [j["id"] for j in app_client.get("/v1/integrations/jobs", params={"state": "dead"}).json()["items"]] == [job_id]
    assert chatwoot.notes() == []
    assert app_client.post(f"/v1/integrations/jobs/{job_id}/retry").json()["state"] == "queued"
    assert finished(app_client, job_id)["attempts"] == 1
    assert len(chatwoot.notes()) == 1
    assert app_client.post(f"/v1/integrations/jobs/{job_id}/retry").status_code == 409  # only dead jobs


def test_a_permanent_helpdesk_error_makes_the_job_dead_at_once(app_client: TestClient, chatwoot: FakeChatwoot) -> None:
    chatwoot.fail_next = [404]
    dead = finished(app_client, post_chatwoot(app_client, chatwoot_event(800)).json()["job_id"], "dead")
    assert dead["attempts"] == 1 and "HTTP 404" in dead["last_error"]


def test_jobs_pending_at_a_restart_are_all_done_after_it(tmp_path: Path, chatwoot: FakeChatwoot, zammad: FakeZammad) -> None:
    from api.main import create_app

    with TestClient(create_app(connector_settings(tmp_path, chatwoot, zammad, queue_workers=0))) as before:
        ids = [post_chatwoot(before, chatwoot_event(900 + i, conversation_id=20 + i)).json()["job_id"] for i in range(3)]
        ids.append(post_zammad(before, zammad_payload(903)).json()["job_id"])
        assert {job(before, i)["state"] for i in ids} == {"queued"}
    assert chatwoot.received == [] and zammad.received == []
    with TestClient(create_app(connector_settings(tmp_path, chatwoot, zammad))) as after:
        for job_id in ids:
            finished(after, job_id)
    assert [len(chatwoot.notes(conversation=20 + i)) for i in range(3)] == [1, 1, 1] and len(zammad.notes(81)) == 1


def test_a_job_the_queue_could_not_take_is_still_accepted_and_swept_up_later(
    tmp_path: Path, chatwoot: FakeChatwoot, zammad: FakeZammad, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.main import create_app

    with TestClient(create_app(connector_settings(tmp_path, chatwoot, zammad, queue_workers=0))) as before:

        def down(job_id: str) -> None:
            raise ConnectionError("queue unreachable")

        monkeypatch.setattr(before.app.state.queue, "enqueue", down)
        answer = post_chatwoot(before, chatwoot_event(960))
        assert answer.status_code == 202  # the job is stored: that is what makes it durable
        job_id = answer.json()["job_id"]
    time.sleep(5.5)  # a queued job this old that no worker took is stranded
    with TestClient(create_app(connector_settings(tmp_path, chatwoot, zammad))) as after:
        finished(after, job_id)
    assert len(chatwoot.notes()) == 1


def test_with_store_pii_off_a_done_job_forgets_the_customers_words(tmp_path: Path, chatwoot: FakeChatwoot, zammad: FakeZammad) -> None:
    from api.db.models import HelpdeskJobRow
    from api.main import create_app

    with TestClient(create_app(connector_settings(tmp_path, chatwoot, zammad, store_pii=False))) as client:
        job_id = post_chatwoot(client, chatwoot_event(950, content="My order 4521 never came, mail me at emeka@example.com")).json()[
            "job_id"
        ]
        finished(client, job_id)
        with client.app.state.jobs.sessions() as session:
            stored = session.get(HelpdeskJobRow, job_id).message
        request = client.app.state.store.request_of(job(client, job_id)["draft_id"])
    assert stored["text"] == "" and stored["customer_name"] is None
    assert "emeka@example.com" not in json.dumps(request)  # the draft keeps placeholders, as any draft does
    assert len(chatwoot.notes()) == 1


def test_a_connector_without_base_url_and_token_is_off(tmp_path: Path) -> None:
    from api.main import create_app

    with TestClient(create_app(Settings(database_url=f"sqlite:///{tmp_path / 'off.db'}"))) as c:
        answer = c.post("/v1/integrations/chatwoot/webhook", json=chatwoot_event(1))
        assert answer.status_code == 404 and answer.json()["error"] == "connector_off"
        assert c.post("/v1/integrations/zammad/webhook", json=zammad_payload(1)).status_code == 404
