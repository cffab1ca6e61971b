"""One-click fixes: a suggestion put in place of its span clears that span's finding."""

from __future__ import annotations

import pytest

from evals.rules import CheckContext, check_reply
from evals.rules.suggestions import suggest

COMPLAINT = "You charged me twice for my order and it still has not arrived! I want my money back."


def _failures(reply: str) -> dict[str, list]:
    ctx = CheckContext(reply=reply, complaint=COMPLAINT, company_at_fault=True)
    return {r.rule_id: r.spans for r in check_reply(ctx) if not r.passed}


@pytest.mark.parametrize(
    "reply, rule, flagged",
    [
        (
            "Hi Ana, I'm sorry if you feel we let you down. I've refunded the second charge today.",
            "unconditional-apology",
            "sorry if you feel",
        ),
        ("Hi Ana, we regret the double charge. I've refunded it today.", "unconditional-apology", "we regret"),
        ("Hi Ana, I can hear how frustrating this is. As I already said, the refund is on its way!!!", "calm-tone", "!!!"),
    ],
)
def test_applying_a_suggestion_clears_the_finding(reply: str, rule: str, flagged: str) -> None:
    spans = _failures(reply)[rule]
    span = next(s for s in spans if s.text.lower() == flagged.lower())
    assert span.suggestion, span
    fixed = reply[: span.start] + span.suggestion + reply[span.end :]
    after = _failures(fixed).get(rule, [])
    assert all(s.text.lower() != flagged.lower() for s in after), (fixed, after)


def test_suggestions_keep_the_case_and_never_lower_i() -> None:
    assert suggest("unconditional-apology", "Sorry if you feel") == "Sorry that"
    assert suggest("unconditional-apology", "we regret") == "I'm sorry for"
    assert suggest("no-arguing", "As I already said") == "To recap"
    assert suggest("calm-tone", "DOWN") == "down"
    assert suggest("no-blame-shifting", "not our fault") is None, "no fix reads well everywhere: none is offered"


def test_passed_rules_and_unknown_phrases_carry_no_suggestion() -> None:
    results = check_reply(CheckContext(reply="I'm sorry we charged you twice. I've refunded it today.", complaint=COMPLAINT))
    assert all(s.suggestion is None for r in results if r.passed for s in r.spans)
    assert suggest("unconditional-apology", "something else entirely") is None
