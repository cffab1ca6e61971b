"""The deterministic rule checks measured against the hand-labeled corpus (evals/corpus/).

Positive class = violation. Every rule's check must reach precision and recall >= 0.9, and when
a check fails a reply it must point at the words the human labeled as evidence.
"""
from __future__ import annotations

import pytest

from evals.checker import LabeledReply, RuleScore, load_corpus, score_checks
from evals.rules import RULES, CheckContext, Policy, check_reply

BAR = 0.9
EVIDENCE_COVERAGE = 0.8
RULE_IDS = [rule.id for rule in RULES]


@pytest.fixture(scope="module")
def corpus() -> list[LabeledReply]:
    return load_corpus()


@pytest.fixture(scope="module")
def scores(corpus: list[LabeledReply]) -> dict[str, RuleScore]:
    return score_checks(corpus)


def test_corpus_is_loaded(corpus: list[LabeledReply]) -> None:
    assert len(corpus) >= 150
    assert all(set(item.labels) <= set(RULE_IDS) for item in corpus)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_check_precision_and_recall(scores: dict[str, RuleScore], rule_id: str) -> None:
    s = scores[rule_id]
    report = (
        f"{rule_id}: precision={s.precision:.3f} recall={s.recall:.3f} (tp={s.tp} fp={s.fp} fn={s.fn} tn={s.tn})\n"
        f"  misses (labeled fail, check passed): {s.misses}\n"
        f"  false alarms (labeled pass, check failed): {s.false_alarms}"
    )
    print(report)
    assert s.precision >= BAR, report
    assert s.recall >= BAR, report


def _overlaps(start: int, end: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < end and start < e for s, e in spans)


@pytest.mark.parametrize("rule_id", RULE_IDS)
def test_spans_cover_labeled_evidence(corpus: list[LabeledReply], rule_id: str) -> None:
    """Where the check fails a reply the human also failed, its spans overlap the labeled evidence."""
    covered, total, uncovered = 0, 0, []
    for item in corpus:
        evidence = item.evidence.get(rule_id)
        if item.labels.get(rule_id) != "fail" or not evidence:
            continue
        result = check_reply(item.context(), [rule_id])[0]
        if result.passed:
            continue
        at = item.reply.find(evidence)
        assert at >= 0, f"{item.id}: evidence for {rule_id} is not a substring of the reply: {evidence!r}"
        total += 1
        spans = [(s.start, s.end) for s in result.spans]
        for s in result.spans:
            assert item.reply[s.start : s.end] == s.text, f"{item.id}: span text does not match the reply at its offsets"
        if _overlaps(at, at + len(evidence), spans):
            covered += 1
        else:
            uncovered.append((item.id, evidence, [s.text for s in result.spans]))
    if total == 0:
        pytest.skip(f"no labeled evidence for {rule_id} where the check fires")
    print(f"{rule_id}: evidence covered {covered}/{total}; uncovered: {uncovered}")
    assert covered / total >= EVIDENCE_COVERAGE, uncovered


def test_hedged_apology_and_records_example() -> None:
    ctx = CheckContext(
        reply="We are sorry if you feel that you were overcharged. Our records show the order was processed normally.",
        complaint="You overcharged me!",
    )
    results = {r.rule_id: r for r in check_reply(ctx)}
    for rule_id in ("unconditional-apology", "no-arguing", "emotion-first"):
        assert not results[rule_id].passed, rule_id
    assert any("sorry if you feel" in s.text for s in results["unconditional-apology"].spans)
    assert any("Our records show" in s.text for s in results["no-arguing"].spans)


_POLICY = Policy(allowed_remedies=["refund", "replacement"], max_amount=50)

# Replies written for this test, not taken from the corpus: each rule must also behave on
# phrasings it was not tuned on (near misses in both directions).
UNSEEN = [
    ("emotion-first", True, "Hi Sam,\n\nI completely understand how frustrating it is to wait this long. I've refunded the $20 today.", None),
    ("emotion-first", False, "Hi Sam,\n\nI've refunded the $20 today. I understand how frustrating this has been.", None),
    ("emotion-first", False, "Thanks for reaching out. I'm sorry the order was late. I've refunded the $20.", None),
    ("emotion-first", False, "Our logs show the payment failed at 9:02 because of a timeout. I can see why you're upset.", None),
    ("emotion-first", True, "I’m so sorry — I can imagine how stressful this week has been. I’ve rebooked you for Friday.", None),
    ("no-blame-shifting", True, "I'm chasing the courier myself and will update you by 3pm.", None),
    ("no-blame-shifting", False, "Unfortunately the courier lost your parcel, so there isn't much we can do.", None),
    ("no-blame-shifting", False, "Our payment provider had an outage on Tuesday, which is why your card was declined.", None),
    ("no-blame-shifting", True, "These are fees you shouldn't have been charged, so I've removed them.", None),
    ("no-blame-shifting", True, "Your refund is on the way and should land by Friday.", None),
    ("no-arguing", False, "Actually, the item was delivered on time according to tracking.", None),
    ("no-arguing", True, "I've actually already started the refund for you.", None),
    ("no-arguing", True, "You'll pay only the price you agreed to, nothing more.", None),
    ("no-arguing", False, "When you signed up, you agreed to the auto-renewal terms.", None),
    ("solution-or-ask", True, "Would you prefer a refund or a replacement?", None),
    ("solution-or-ask", False, "We value your feedback and have passed it on to the relevant team.", None),
    ("solution-or-ask", False, "I'll look into what happened and email you tomorrow.", None),
    ("solution-or-ask", True, "I've unlocked your account, so you can log in now.", None),
    ("solution-or-ask", False, "We will improve our processes so this doesn't happen again.", None),
    ("concrete-next-steps", True, "The replacement ships Monday and arrives within 2 business days.", None),
    ("concrete-next-steps", False, "I refunded it yesterday and I'm sorry it was late on Friday.", None),
    ("concrete-next-steps", True, "I have initiated a full refund of $45, which should appear in 5–7 business days.", None),
    ("follow-up", True, "I'll check the account on Monday and email you to confirm.", None),
    ("follow-up", False, "Someone from our team will contact you.", None),
    ("calm-tone", True, "Thanks for your patience! I've fixed the SMS settings and your DNS records.", None),
    ("calm-tone", False, "Hopefully it won’t feel quite so tragic next time.", None),
    ("calm-tone", True, "Whatever you decide, I'll make sure it's done by Friday.", None),
    ("no-unauthorized-promises", False, "Would you like a refund or a $20 voucher?", _POLICY),
    ("no-unauthorized-promises", True, "You were charged $120 for the order; I've refunded $40 of it.", _POLICY),
    ("no-unauthorized-promises", True, "You asked for compensation; I've sent a replacement instead.", _POLICY),
    ("no-unauthorized-promises", True, "We can't guarantee a time slot, but I'll push for the morning.", _POLICY),
    ("no-unauthorized-promises", False, "I'll also throw in a free month of premium.", _POLICY),
    ("no-unauthorized-promises", False, "I've rebooked you for Friday with a complimentary dessert.", _POLICY),
    ("solution-or-ask", True, "I'm sorry for the mix-up and I've sent a replacement, which arrives by Friday.", None),
    ("concrete-next-steps", False, "Sorry about the delay, so I've refunded the delivery fee today.", None),
    ("no-blame-shifting", True, "The engineer is responsible for your repair and will be there at 9.", None),
    ("no-blame-shifting", False, "Honestly, you really should have had it serviced in the autumn.", None),
    (
        "emotion-first",
        True,
        "[Let them finish. Don't interrupt.]\n[Pause.]\nSay: \"An hour on hold is maddening, and I'm sorry.\"\nSay: \"I've cancelled it.\"",
        None,
    ),
]


@pytest.mark.parametrize(("rule_id", "passes", "reply", "policy"), UNSEEN)
def test_unseen_phrasings(rule_id: str, passes: bool, reply: str, policy: Policy | None) -> None:
    result = check_reply(CheckContext(reply=reply, policy=policy), [rule_id])[0]
    assert result.passed is passes, (result.message, [s.text for s in result.spans])
