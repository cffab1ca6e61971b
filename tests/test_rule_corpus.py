"""The rule checks measured against the hand-labelled corpus (evals/corpus/).

Positive class = violation. On the dev split (writers the learned layer never trained on) every
rule must stay at or above its floor, just under today's figures, so a change that makes a check
worse on new text fails. When a check fails a reply it must point at the words the human
labelled as evidence. The blind split is never read here.
"""

from __future__ import annotations

import pytest

from evals.checker import LabeledReply, RuleScore, load_corpus, score_checks
from evals.rules import RULES, CheckContext, Policy, check_reply

DEV_FLOORS = {
    "emotion-first": 0.45,
    "unconditional-apology": 0.85,
    "no-blame-shifting": 0.6,
    "no-arguing": 0.8,
    "no-parroting": 0.9,
    "solution-or-ask": 0.45,
    "concrete-next-steps": 0.9,
    "follow-up": 0.85,
    "calm-tone": 0.65,
    "no-unauthorized-promises": 0.6,
}
"""The same floors as `make eval-checker`."""
EVIDENCE_COVERAGE = 0.8
RULE_IDS = [rule.id for rule in RULES]


@pytest.fixture(scope="module")
def corpus() -> list[LabeledReply]:
    return load_corpus()


@pytest.fixture(scope="module")
def scores() -> dict[str, RuleScore]:
    return score_checks(load_corpus(split="dev"))


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
    assert s.precision >= DEV_FLOORS[rule_id], report
    assert s.recall >= DEV_FLOORS[rule_id], report


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
_POLICY_WAIVER = Policy(allowed_remedies=["fee_waiver"], max_amount=50)
_POLICY_PARTIAL = Policy(allowed_remedies=["fee_waiver", "partial_refund"], max_amount=40, currency="GBP")
_POLICY_REBOOK = Policy(allowed_remedies=["rebooking", "fee_waiver"], max_amount=80)
_POLICY_COMP = Policy(allowed_remedies=["compensation", "partial_refund"], max_amount=500, currency="GBP")

# Replies written for this test, not taken from the corpus: each rule must also behave on
# phrasings it was not tuned on (near misses in both directions).
UNSEEN = [
    (
        "emotion-first",
        True,
        "Hi Sam,\n\nI completely understand how frustrating it is to wait this long. I've refunded the $20 today.",
        None,
    ),
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
        '[Let them finish. Don\'t interrupt.]\n[Pause.]\nSay: "An hour on hold is maddening, and I\'m sorry."\nSay: "I\'ve cancelled it."',
        None,
    ),
    # Families added after the first blind held-out set (other industries and registers); none of
    # these sentences is in the corpus.
    (
        "emotion-first",
        True,
        "Dearest Mr Hale,\n\nIt is our pleasure to help. A week without heating must have been terrifying. I've booked a plumber.",
        None,
    ),
    ("emotion-first", True, "Hi Ana!! Totally get it, that's gutting. I've refunded the ticket.", None),
    ("emotion-first", True, "Thank you for writing, and I can tell how irritated you are about the fee. I've waived it.", None),
    ("emotion-first", True, "Hi Zoe,\n\nWhat an awful start to your holiday, I'm so sorry. I've moved you to a sea-view room.", None),
    ("emotion-first", False, "Hi Jo,\n\nAs I explained last week, the return window closed on the 3rd. I know that's frustrating.", None),
    ("emotion-first", False, "Hi Jo,\n\nOur engineer will visit on Monday. I know it's been frustrating.", None),
    ("emotion-first", False, "Hi Jo,\n\nUnfortunately the sofa is out of stock until March. I know that's disappointing.", None),
    ("unconditional-apology", False, "If the app was at fault, we apologise.", None),
    ("unconditional-apology", False, "Should the engineer have been late, we apologise.", None),
    ("unconditional-apology", False, "I'm sorry that you're unhappy with the outcome.", None),
    ("unconditional-apology", True, "Sincere apologies – we got this wrong.", None),
    ("no-blame-shifting", False, "The delay was down to our roadside contractor, who were short-staffed.", None),
    ("no-blame-shifting", False, "Walkers are independent contractors, so it was really the walker's decision.", None),
    ("no-blame-shifting", False, "If you had sent the form then, none of this would have happened.", None),
    ("no-blame-shifting", False, "Please make sure you always download your tickets before you travel.", None),
    ("no-blame-shifting", False, "The loss adjuster we use mislaid your file, which is why the claim stalled.", None),
    ("no-blame-shifting", False, "The delay came from a fault in the payment provider's system.", None),
    ("no-blame-shifting", True, "The part is coming from our supplier, and I'll chase it daily until it arrives.", None),
    (
        "no-arguing",
        False,
        "Our anti-fraud logs show a login from your device, and you agreed in the terms that sharing passwords isn't allowed.",
        None,
    ),
    ("no-arguing", False, "Please understand, the deposit is not refundable; that is clearly written on the receipt.", None),
    ("no-arguing", False, "I'm sure a couple of late deliveries won't have ruined your week.", None),
    ("no-arguing", False, "We have no record of your earlier call.", None),
    ("no-arguing", True, "I checked our records and you're right: we charged you twice.", None),
    ("solution-or-ask", False, "Just so I have it right: the order never came. I've raised this with the branch manager.", None),
    ("solution-or-ask", False, "Your report has been added to the case and our engineers are aware of it.", None),
    ("solution-or-ask", True, "I've logged a special collection for your street for tomorrow morning.", None),
    ("solution-or-ask", True, "What would put this right for you?", None),
    ("concrete-next-steps", False, "Your team said it would come in 7 working days; it will be credited shortly.", None),
    ("concrete-next-steps", True, "I've logged a special collection for your street for tomorrow, before 2pm.", None),
    ("concrete-next-steps", False, "The technician came at 10:30 on Thursday.", None),
    ("follow-up", True, "I will personally WhatsApp you once it is done.", None),
    ("follow-up", True, "I'll send the options over by 6pm and check back with you tomorrow.", None),
    ("follow-up", True, "I'll walk you through the results on a call on Thursday.", None),
    ("follow-up", False, "I'll fix the address and update your account.", None),
    ("calm-tone", True, "I've called the LAX desk and the LAX manager is holding a car for you.", None),
    ("calm-tone", False, "Good luck getting anything back from that seller.", None),
    ("calm-tone", False, "We are VERY sorry and this will NOT happen again.", None),
    ("no-unauthorized-promises", True, "I've waived $50 of the fee, leaving $100 to pay.", _POLICY_WAIVER),
    ("no-unauthorized-promises", True, "I've reduced the charge by £30, which will be refunded to your card.", _POLICY_PARTIAL),
    ("no-unauthorized-promises", True, "I've booked a redelivery for tomorrow morning.", _POLICY_REBOOK),
    ("no-unauthorized-promises", False, "I'll settle the full £1,800 claim myself.", _POLICY_COMP),
    ("no-unauthorized-promises", False, "I'll make sure you get a full refund of the $800 deposit.", _POLICY),
    ("no-unauthorized-promises", False, "I've rebooked you and upgraded your seats for free.", _POLICY_REBOOK),
]


@pytest.mark.parametrize(("rule_id", "passes", "reply", "policy"), UNSEEN)
def test_unseen_phrasings(rule_id: str, passes: bool, reply: str, policy: Policy | None) -> None:
    result = check_reply(CheckContext(reply=reply, policy=policy), [rule_id])[0]
    assert result.passed is passes, (result.message, [s.text for s in result.spans])


def test_retraining_reproduces_the_shipped_learned_checks() -> None:
    pytest.importorskip("sklearn")
    from evals.rules.learned.train import main as retrain

    assert retrain(["--check"]) == 0
