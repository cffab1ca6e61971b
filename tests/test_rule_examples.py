"""Each rule's own pass and fail examples (evals/rules/examples.json) hold, through the full check."""

from __future__ import annotations

import pytest

from evals.rules import RULES, RULES_BY_ID
from evals.rules.examples import Example, rule_examples


def test_every_rule_has_pass_and_fail_examples() -> None:
    for rule in RULES:
        outcomes = {e.passes for e in rule_examples() if e.rule_id == rule.id}
        assert outcomes == {True, False}, rule.id


@pytest.mark.parametrize("example", rule_examples(), ids=lambda e: f"{e.rule_id}-{'pass' if e.passes else 'fail'}-{e.context.reply[:30]}")
def test_a_rule_example_gets_its_verdict(example: Example) -> None:
    result = RULES_BY_ID[example.rule_id].run(example.context)
    assert result.passed == example.passes, (result.message, [s.text for s in result.spans])


def test_word_patterns_refuse_an_alternative_that_opens_on_an_apostrophe() -> None:
    """`word_rx` only tries positions where a word starts, so an option like "'ll" could never match: the
    OUTCOME_DUE pattern missed "they'll be ready at the counter by 4pm" that way. Building one now fails."""
    from evals.rules.text import word_rx

    with pytest.raises(ValueError, match="apostrophe"):
        word_rx(r"\b(will|'ll) be ready\b")
    assert word_rx(r"\b(will|\w+'ll) be ready\b").search("they'll be ready by 4pm")
