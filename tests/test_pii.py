"""Personal data never reaches the model: found, swapped for stable placeholders, restored in the
reply; optionally kept out of the database too."""

from __future__ import annotations

import json
import time

import pytest
from fastapi.testclient import TestClient

from api.analysis import analyze
from api.analysis.model import Analysis
from api.config import Settings
from api.llm import LLMClient
from api.pii import Redactor, find_pii, redact_request
from api.pii.detect import iban_valid, luhn_valid
from api.pipeline import Drafter
from api.prompting import build_messages
from api.schemas import DraftRequest
from prompts import load_prompt
from tests.fakes import GOOD_SECTIONS, FakeProvider, as_json

FOUND = [
    ("write to jo.bloggs+shop@example.co.uk today", "EMAIL", "jo.bloggs+shop@example.co.uk"),
    ("call +44 20 7946 0958 now", "PHONE", "+44 20 7946 0958"),
    ("call (415) 555-0132 now", "PHONE", "(415) 555-0132"),
    ("my mobile is 07946 095812.", "PHONE", "07946 095812"),
    ("card 4111 1111 1111 1111 was charged", "CARD", "4111 1111 1111 1111"),
    ("card 5500-0000-0000-0004 was charged", "CARD", "5500-0000-0000-0004"),
    ("IBAN GB82 WEST 1234 5698 7654 32 ASAP", "IBAN", "GB82 WEST 1234 5698 7654 32"),
    ("pay DE89370400440532013000 back", "IBAN", "DE89370400440532013000"),
    ("I live at 12 High Street in town", "ADDRESS", "12 High Street"),
    ("ship to Flat 3, 221B Baker St. please", "ADDRESS", "Flat 3, 221B Baker St"),
    ("send it to Hauptstraße 5 again", "ADDRESS", "Hauptstraße 5"),
    ("we are at 12 rue de la Paix now", "ADDRESS", "12 rue de la Paix"),
    ("Address: 4 Elm Grove, Leeds\nThanks", "ADDRESS", "4 Elm Grove, Leeds"),
    ("London SW1A 2AA is where", "POSTCODE", "SW1A 2AA"),
    ("Springfield, IL 62704 is home", "POSTCODE", "62704"),
    ("Toronto M5V 3L9 is home", "POSTCODE", "M5V 3L9"),
    ("my zip code: 90210 thanks", "POSTCODE", "90210"),
    ("order number is 112-4455667-1234 and", "ORDER", "112-4455667-1234"),
    ("about order #A123456 again", "ORDER", "A123456"),
    ("ticket #88231 is still open", "ORDER", "88231"),
    ("account no. 88812345 was closed", "ACCOUNT", "88812345"),
    ("refund account #45521 now", "ACCOUNT", "45521"),
    ("my customer id is C-99812.", "ACCOUNT", "C-99812"),
    ("for my claim (SC-31877): the", "ORDER", "SC-31877"),
    ("policy number GSL-0088213, and", "ACCOUNT", "GSL-0088213"),
    ("still pending. WD-5530912. do i", "ORDER", "WD-5530912"),
]


@pytest.mark.parametrize(("text", "kind", "value"), FOUND)
def test_each_kind_of_personal_data_is_found(text: str, kind: str, value: str) -> None:
    assert [(f.kind, f.text) for f in find_pii(text)] == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "I paid $5,000 on 2024-12-03 at 10:30 and waited 3 days on the road.",
        "Refund 250.00 now! I have been a customer for 10 years and my order was late.",
        "Card 4111 1111 1111 1112 fails the Luhn check, so it is no card.",
        "GB82 WEST 1234 5698 7654 33 fails the IBAN checksum.",
        "Call me back within 24 hours, between 9 and 5, on the 3rd of May 2025.",
        "The refund of 1200 for the 2 items (order placed in 2024) never came.",
        "Since COVID-19 the M25 has been worse; our refund policy is a joke. #stranded #EU261",
    ],
)
def test_ordinary_numbers_and_failed_checksums_are_left_alone(text: str) -> None:
    assert find_pii(text) == []


def test_checksums() -> None:
    assert luhn_valid("4111111111111111") and luhn_valid("79927398713") and not luhn_valid("4111111111111112")
    assert iban_valid("GB82WEST12345698765432") and not iban_valid("GB82WEST12345698765433")
    assert not iban_valid("GB82WEST1234")


def test_placeholders_are_stable_and_restore_the_first_spelling() -> None:
    r = Redactor()
    first = r.redact("Call 07946 095812 or mail A@Example.com.")
    again = r.redact("Again: 07946095812, a@example.com, and order #A123456.")
    assert first == "Call [PHONE_1] or mail [EMAIL_1]."
    assert again == "Again: [PHONE_1], [EMAIL_1], and order #[ORDER_1]."
    assert r.restore("We will call [PHONE_1] about [ORDER_1].") == "We will call 07946 095812 about A123456."
    assert r.restore("Mail [email 1] or EMAIL_1 or [Email_1].") == "Mail A@Example.com or A@Example.com or A@Example.com."
    assert r.restore("[PHONE_7] is unknown") == "[PHONE_7] is unknown"


def test_messages_are_redacted_except_our_own_system_prompt() -> None:
    complaint = "My parcel is late. Mail me at jo@example.com."
    messages = build_messages(load_prompt("v1"), DraftRequest(complaint=complaint), _analysis(complaint))
    redacted = Redactor().redact_messages(messages)
    assert [m["role"] for m in redacted] == ["system", "user"]
    assert redacted[0] == messages[0]
    assert "jo@example.com" in messages[1]["content"] and "jo@example.com" not in redacted[1]["content"]
    assert "[EMAIL_1]" in redacted[1]["content"]


def _analysis(text: str) -> Analysis:
    return analyze(text, [])


PII = {
    "email": "jo.bloggs@example.co.uk",
    "phone": "+44 20 7946 0958",
    "card": "4111 1111 1111 1111",
    "iban": "GB82 WEST 1234 5698 7654 32",
    "address": "12 High Street",
    "postcode": "SW1A 2AA",
    "order": "A123456",
}
COMPLAINT = (
    f"You charged my card {PII['card']} twice for order #{PII['order']} and it never arrived at {PII['address']}, "
    f"London {PII['postcode']}. Refund it to {PII['iban']} today. Email {PII['email']} or call {PII['phone']}. "
    "I am furious and nobody answers."
)
USES_PLACEHOLDERS = {
    **GOOD_SECTIONS,
    "restatement": "What matters most is the double charge on order [ORDER_1] and the parcel for [ADDRESS_1].",
    "follow_up": "I'll email you at [EMAIL_1] and call [PHONE_1] tomorrow morning to confirm the refund.",
}


def _request(**kw: object) -> DraftRequest:
    return DraftRequest(
        complaint=COMPLAINT,
        model="fake/writer",
        company_at_fault=True,
        customer_name="Jo",
        context=f"Order {PII['order']} was charged twice.",
        **kw,
    )


def _sent(fake: FakeProvider) -> str:
    return json.dumps([m["content"] for call in fake.calls for m in call["messages"]])


async def test_the_model_sees_placeholders_and_the_reply_has_the_real_values(settings: Settings, fake_llm: FakeProvider) -> None:
    fake_llm.script(as_json(USES_PLACEHOLDERS))
    out = await Drafter(settings, LLMClient.from_settings(settings)).draft(_request())
    sent = _sent(fake_llm)
    for value in PII.values():
        assert value not in sent
    for placeholder in ("[CARD_1]", "[ORDER_1]", "[ADDRESS_1]", "[POSTCODE_1]", "[IBAN_1]", "[EMAIL_1]", "[PHONE_1]"):
        assert placeholder in sent
    assert out.meta.source == "llm"
    assert f"order {PII['order']} and the parcel for {PII['address']}" in out.reply
    assert f"at {PII['email']} and call {PII['phone']}" in out.reply
    assert "[" not in out.reply
    assert all(PII["email"] not in json.dumps(c.messages) for c in out.calls), "the call log holds what was sent"


async def test_reasks_are_redacted_too(settings: Settings, fake_llm: FakeProvider) -> None:
    leaky = {**USES_PLACEHOLDERS, "apology": "We apologize for any inconvenience to [EMAIL_1]."}
    fake_llm.script(as_json(leaky), as_json(USES_PLACEHOLDERS))
    out = await Drafter(settings, LLMClient.from_settings(settings)).draft(_request())
    assert out.meta.source == "llm_repaired"
    assert PII["email"] not in _sent(fake_llm)


async def test_redaction_can_be_turned_off(settings: Settings, fake_llm: FakeProvider) -> None:
    fake_llm.script(as_json(GOOD_SECTIONS))
    await Drafter(settings.model_copy(update={"redact_pii": False}), LLMClient.from_settings(settings)).draft(_request())
    assert PII["email"] in _sent(fake_llm)


def test_redact_request_numbers_placeholders_in_field_order() -> None:
    redacted, pii = redact_request(_request())
    assert "order #[ORDER_1]" in redacted.complaint and redacted.context == "Order [ORDER_1] was charged twice."
    assert pii.values["[EMAIL_1]"] == PII["email"]


@pytest.mark.parametrize("store_pii", [True, False])
def test_store_pii_false_stores_the_request_and_prompts_redacted(settings: Settings, fake_llm: FakeProvider, store_pii: bool) -> None:
    from api.main import create_app

    fake_llm.script(as_json(USES_PLACEHOLDERS))
    app = create_app(settings.model_copy(update={"store_pii": store_pii}))
    with TestClient(app) as client:
        r = client.post("/v1/drafts", json=_request().model_dump(mode="json"))
        assert r.status_code == 201, r.text
        draft_id = r.json()["id"]
        assert PII["email"] in r.json()["reply"], "the caller always gets the real reply"
        store = app.state.store
        stored = json.dumps(store.request_of(draft_id))
        logged = json.dumps([(c.messages, c.response) for c in store.calls(draft_id)])
    assert (PII["email"] in stored) is store_pii
    assert (PII["card"] in stored) is store_pii
    assert ("[CARD_1]" in stored) is not store_pii
    assert PII["email"] not in logged and PII["card"] not in logged


ADVERSARIAL = {
    "one long word": "a",
    "digits and spaces": "1 ",
    "email fragments": "a@b.",
    "reference words": "order ",
    "iban starts": "GB82 ",
    "street names": "12 High ",
    "address labels": "address: x ",
    "hash references": "#12a ",
    "postcode starts": "SW1A ",
    "dotted numbers": "1.2-3(4) ",
}


def _scan_time(unit: str, length: int) -> float:
    text = (unit * (length // len(unit) + 1))[:length]
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        Redactor().redact(text)
        best = min(best, time.perf_counter() - started)
    return best


@pytest.mark.parametrize("unit", list(ADVERSARIAL.values()), ids=list(ADVERSARIAL))
def test_redaction_time_grows_linearly(unit: str) -> None:
    """8x the text may take up to 4x of 8x the time (a loaded machine); a quadratic scan takes 64x."""
    small, large = _scan_time(unit, 2_000), _scan_time(unit, 16_000)
    assert large / max(small, 1e-5) < 32, (small, large)
