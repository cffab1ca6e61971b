"""GET /v1/stats: figures over stored drafts and their feedback, filtered by date and model."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from fastapi.testclient import TestClient
from sqlalchemy import update

from api.db.models import DraftRow
from api.stats.aggregate import figures, over_time
from api.stats.facts import DraftFacts
from tests.fakes import GOOD_SECTIONS, FakeProvider, as_json, server_error
from tests.test_api import SEED_BODY

CALM = {"complaint": "Hello, could you tell me when my order will ship?", "channel": "email"}


def _draft(client: TestClient, body: dict) -> dict:
    r = client.post("/v1/drafts", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _backdate(client: TestClient, draft_id: str, when: datetime) -> None:
    with client.app.state.store.sessions.begin() as session:  # type: ignore[attr-defined]
        session.execute(update(DraftRow).where(DraftRow.id == draft_id).values(created_at=when))


def _feedback(client: TestClient, draft_id: str, **body: object) -> dict:
    r = client.post(f"/v1/drafts/{draft_id}/feedback", json=body)
    assert r.status_code == 201, r.text
    return r.json()


def test_stats_count_outcomes_edits_rules_fallbacks_and_escalations(client: TestClient, fake_llm: FakeProvider) -> None:
    sent = _draft(client, SEED_BODY)
    edited = _draft(client, SEED_BODY)
    discarded = _draft(client, CALM)
    untouched = _draft(client, CALM)
    fake_llm.script(*[server_error()] * 10)
    fallback = _draft(client, {**SEED_BODY, "model": "fake/down"})
    _feedback(client, sent["id"], outcome="sent")
    hedged = edited["reply"] + "\nSorry if you feel we let you down."
    fb = _feedback(client, edited["id"], outcome="edited", final_text=hedged, rating=3)
    _feedback(client, discarded["id"], outcome="discarded")

    r = client.get("/v1/stats")
    assert r.status_code == 200, r.text
    totals = r.json()["totals"]
    assert totals["drafts"] == 5
    assert totals["acceptance"] == {
        "finished": 3,
        "sent": 1,
        "edited": 1,
        "discarded": 1,
        "sent_rate": 0.3333,
        "edited_rate": 0.3333,
        "discarded_rate": 0.3333,
    }
    distance = totals["edit_distance"]
    assert distance["count"] == 1 and distance["median"] == fb["edit_distance"] > 0
    assert sum(b["count"] for b in distance["bins"]) == 1
    assert totals["fallback_count"] == 1 and totals["fallback_rate"] == 0.2
    # The threat to call the police is an escalation in each of the three SEED drafts; the calm question is not.
    assert totals["escalations"]["count"] == 3 and totals["escalations"]["by_flag"]["authority_threat"] == 3
    rules = totals["rules"]
    assert rules["suggested_texts"] == 5
    assert rules["sent_texts"] == 2, "the sent-as-is draft and the edited one went out; the discarded one did not"
    assert {"rule_id": "unconditional-apology", "count": 1, "rate": 0.5} in rules["sent"]
    assert untouched["id"] and fallback["meta"]["source"] == "fallback"

    groups = {(g["model"], g["prompt_version"]): g for g in r.json()["by_model_prompt"]}
    assert groups[("playbook", "v1")]["drafts"] == 4
    assert groups[("fake/down", "v1")]["fallback_rate"] == 1.0


def test_stats_filter_by_date_and_model_and_group_by_period(client: TestClient, fake_llm: FakeProvider) -> None:
    old = _draft(client, CALM)
    new = _draft(client, CALM)
    fake_llm.script(as_json(GOOD_SECTIONS))
    llm = _draft(client, {**SEED_BODY, "model": "fake/good", "prompt_version": "v2"})
    _backdate(client, old["id"], datetime(2026, 1, 5, 9, tzinfo=UTC))
    _backdate(client, new["id"], datetime(2026, 1, 7, 9, tzinfo=UTC))
    _backdate(client, llm["id"], datetime(2026, 1, 7, 23, 30, tzinfo=UTC))

    days = client.get("/v1/stats").json()["over_time"]
    assert [(d["period"], d["drafts"]) for d in days] == [("2026-01-05", 1), ("2026-01-07", 2)]
    weeks = client.get("/v1/stats", params={"interval": "week"}).json()["over_time"]
    assert [(w["period"], w["drafts"]) for w in weeks] == [("2026-01-05", 3)]

    since = client.get("/v1/stats", params={"since": "2026-01-06T00:00:00"}).json()
    assert since["totals"]["drafts"] == 2 and since["filters"]["since"].startswith("2026-01-06T00:00:00")
    window = client.get("/v1/stats", params={"since": "2026-01-05T00:00:00Z", "until": "2026-01-07T12:00:00Z"}).json()
    assert window["totals"]["drafts"] == 2
    only = client.get("/v1/stats", params={"model": "fake/good"}).json()
    assert only["totals"]["drafts"] == 1
    assert [(g["model"], g["prompt_version"]) for g in only["by_model_prompt"]] == [("fake/good", "v2")]


def test_stats_reject_bad_filters(client: TestClient) -> None:
    backwards = client.get("/v1/stats", params={"since": "2026-02-01T00:00:00Z", "until": "2026-01-01T00:00:00Z"})
    assert backwards.status_code == 422 and backwards.json()["details"][0]["field"] == "until"
    assert client.get("/v1/stats", params={"interval": "year"}).status_code == 422
    assert client.get("/v1/stats", params={"since": "yesterday"}).status_code == 422


def test_stats_on_an_empty_store_have_no_rates(client: TestClient) -> None:
    totals = client.get("/v1/stats").json()["totals"]
    assert totals["drafts"] == 0 and totals["fallback_rate"] is None
    assert totals["acceptance"]["sent_rate"] is None and totals["edit_distance"]["median"] is None


def test_stats_are_documented_in_openapi(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    op = spec["paths"]["/v1/stats"]["get"]
    assert {p["name"] for p in op["parameters"]} >= {"since", "until", "model", "interval"}
    assert op["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/StatsResponse")
    assert "acceptance" in spec["components"]["schemas"]["Figures"]["properties"]


def _facts(distance: int | None, outcome: str | None = "edited") -> DraftFacts:
    return DraftFacts(
        created_at=datetime(2026, 3, 1, tzinfo=UTC),
        model="m",
        prompt_version="v1",
        source="llm",
        suggested_failures=(),
        flags=(),
        outcome=outcome,
        edit_distance=distance,
    )


def test_edit_distance_bins_cover_every_distance_once() -> None:
    rows = [_facts(d) for d in (0, 1, 10, 11, 50, 51, 200, 201, 500, 501, 10_000)] + [_facts(None, None), _facts(7, "discarded")]
    hist = figures(rows).edit_distance
    assert [(b.label, b.count) for b in hist.bins] == [("0", 1), ("1-10", 2), ("11-50", 2), ("51-200", 2), ("201-500", 2), ("501+", 2)]
    assert hist.count == 11 and hist.median == 51, "discarded drafts and drafts with no final text are left out"


def test_periods_are_utc_days() -> None:
    late = DraftFacts(
        created_at=datetime(2026, 3, 1, 23, 30, tzinfo=timezone(timedelta(hours=-5))),
        model="m",
        prompt_version="v1",
        source="llm",
        suggested_failures=(),
        flags=(),
    )
    assert [p.period for p in over_time([late], "day")] == ["2026-03-02"]
