"""A company's own remedy vocabulary: `policy.allowed_remedies` takes built-in kinds or labelled remedies."""

from __future__ import annotations

from fastapi.testclient import TestClient

from evals.rules import CheckContext, Policy
from evals.rules.checks.promises import check_no_unauthorized_promises

VOUCHER = {"label": "voucher", "kind": "compensation", "max_amount": 20}
LATE_PARCEL = "My parcel is a week late and nobody has told me anything. I want something for the trouble."


def _passes(reply: str, policy: dict) -> bool:
    return check_no_unauthorized_promises(CheckContext(reply=reply, policy=Policy.model_validate(policy))).passed


def test_a_labelled_voucher_within_its_own_limit_passes() -> None:
    assert _passes("I'm sorry. I've added a £15 voucher to your account.", {"allowed_remedies": [VOUCHER], "currency": "GBP"})


def test_a_labelled_voucher_over_its_own_limit_fails() -> None:
    verdict = check_no_unauthorized_promises(
        CheckContext(
            reply="I'm sorry. I've added a £25 voucher to your account.",
            policy=Policy.model_validate({"allowed_remedies": [VOUCHER], "currency": "GBP"}),
        )
    )
    assert not verdict.passed and "20" in verdict.message and "£25" in {s.text for s in verdict.spans}


def test_a_voucher_fails_when_no_such_label_or_kind_is_allowed() -> None:
    policy = {"allowed_remedies": ["replacement", {"label": "redelivery", "kind": "rebooking"}]}
    assert not _passes("I'm sorry. I've added a £15 voucher to your account.", policy)


def test_a_label_with_no_kind_is_matched_by_its_own_words() -> None:
    reply = "I'm sorry. I will add a free month to your plan."
    assert not _passes(reply, {"allowed_remedies": ["replacement"]})
    assert _passes(reply, {"allowed_remedies": [{"label": "free month"}]})
    assert not _passes(reply, {"allowed_remedies": [{"label": "free week"}]})


def test_the_remedy_limit_governs_its_own_amounts_and_the_policy_limit_the_rest() -> None:
    policy = {"allowed_remedies": ["refund", VOUCHER], "max_amount": 100, "currency": "GBP"}
    assert _passes("I'm sorry. I've refunded the £80 fare.", policy)
    assert not _passes("I'm sorry. I've added a £30 voucher to your account.", policy)


def test_policy_names_and_built_in_kinds_are_unchanged() -> None:
    policy = Policy.model_validate({"allowed_remedies": ["account_credit", VOUCHER]})
    assert [policy.name(r) for r in policy.allowed_remedies or []] == ["account_credit", "voucher (compensation, at most 20 USD)"]


def test_plain_kind_policies_still_work_over_the_api(client: TestClient) -> None:
    body = {
        "complaint": LATE_PARCEL,
        "channel": "email",
        "company_at_fault": True,
        "policy": {"allowed_remedies": ["account_credit", "partial_refund"], "max_amount": 50, "currency": "USD"},
    }
    r = client.post("/v1/drafts", json=body)
    assert r.status_code == 201, r.text
    assert (
        client.post(
            "/v1/checks", json={"reply": "I'm sorry. I've added a $20 credit to your account.", "policy": body["policy"]}
        ).status_code
        == 200
    )
    assert client.post("/v1/checks", json={"reply": "x", "policy": {"allowed_remedies": ["voucher"]}}).status_code == 422


def test_a_draft_offers_the_company_label(client: TestClient) -> None:
    body = {
        "complaint": LATE_PARCEL,
        "channel": "email",
        "company_at_fault": True,
        "policy": {"allowed_remedies": [VOUCHER], "currency": "GBP"},
    }
    r = client.post("/v1/drafts", json=body)
    assert r.status_code == 201, r.text
    draft = r.json()
    assert "voucher" in draft["sections"]["solution"].lower()
    assert all(c["passed"] for c in draft["checks"] if c["rule_id"] == "no-unauthorized-promises")


def _promises(client: TestClient, reply: str, policy: dict) -> bool:
    r = client.post("/v1/checks", json={"reply": reply, "policy": policy, "rules": ["no-unauthorized-promises"]})
    assert r.status_code == 200, r.text
    return r.json()["checks"][0]["passed"]


def test_checks_honour_labelled_remedies_over_the_api(client: TestClient) -> None:
    policy = {"allowed_remedies": [VOUCHER], "currency": "GBP"}
    assert _promises(client, "I'm sorry. I've added a £15 voucher to your account.", policy)
    assert not _promises(client, "I'm sorry. I've added a £25 voucher to your account.", policy)
    assert not _promises(client, "I'm sorry. I've added a £15 voucher to your account.", {"allowed_remedies": ["replacement"]})


def test_bad_labelled_remedies_are_rejected(client: TestClient) -> None:
    for bad in ({"kind": "compensation"}, {"label": ""}, {"label": "voucher", "kind": "cash"}, {"label": "voucher", "max_amount": -1}):
        r = client.post("/v1/checks", json={"reply": "x", "policy": {"allowed_remedies": [bad]}})
        assert r.status_code == 422, (bad, r.text)


def test_rules_endpoint_documents_the_remedy_vocabulary(client: TestClient) -> None:
    doc = client.get("/v1/rules").json()["remedies"]
    assert "compensation" in doc["built_in"] and len(doc["built_in"]) == 12
    assert "label" in doc["custom"] and doc["example"]["label"] == "voucher"
    assert "repair" in doc["doing_the_job"] and "refund" not in doc["doing_the_job"]
