"""The rule registry: the one source of truth for the prompt, the runtime guard, /v1/checks and the evals.

Each rule cites the seed documents (shared/seeds/) it comes from. Where the documents disagree,
`CONFLICTS` records how calmreply resolves it and why.
"""

from __future__ import annotations

from dataclasses import dataclass

from evals.rules.checks.apology import check_unconditional_apology
from evals.rules.checks.feelings import check_emotion_first
from evals.rules.checks.ownership import check_no_arguing, check_no_blame_shifting
from evals.rules.checks.parroting import check_no_parroting
from evals.rules.checks.promises import check_no_unauthorized_promises
from evals.rules.checks.resolution import check_concrete_next_steps, check_follow_up, check_solution_or_ask
from evals.rules.checks.tone import check_calm_tone
from evals.rules.model import CheckContext, Rule, RuleResult, SourceQuote

ANGRY_CLIENTS = "000_c599cd78a1967804.txt"
STEPS = "001_275e73b73b00be2b.txt"
NAIRAHOST = "002_c7edfad47c882443.txt"
PHONE = "003_7d553989c1ace6e0.txt"
DIFFUSE = "004_02d0f0d45022c422.txt"

RULES: tuple[Rule, ...] = (
    Rule(
        id="emotion-first",
        title="Acknowledge the emotion first",
        severity="error",
        instruction="Open by acknowledging how the customer feels (name the feeling) before any fix, explanation or policy.",
        explanation="Angry customers want to be heard before they can take in a solution; a fix that ignores the feeling is only partly effective.",
        fix_hint="Start with a sentence that names the customer's feeling, e.g. 'I can hear how frustrating this morning has been.'",
        sources=(
            SourceQuote(ANGRY_CLIENTS, "it is important to acknowledge the customer anger first and the technical issue second."),
            SourceQuote(
                NAIRAHOST, "FIRST focus on acknowledging the feelings and upset of the customer. ... THEN move to solving the problem."
            ),
            SourceQuote(
                DIFFUSE,
                "Dealing with a technological problem might be only partially reliable if it does not additionally attend to the customer psychological concerns.",
            ),
        ),
        check=check_emotion_first,
        applies_to=frozenset({"complaint", "follow_up", "abuse"}),
        when_frustrated=frozenset({"question"}),
    ),
    Rule(
        id="unconditional-apology",
        title="Apologize without conditions",
        severity="error",
        instruction="Apologize plainly for what went wrong ('I'm sorry we ...'); never 'sorry if you feel', 'if there was an error', 'any inconvenience this may have caused' or 'we regret'.",
        explanation="A conditional apology apologizes for the customer's perception, not for the failure, and reads as an accusation. When fault is unknown, err toward taking the blame.",
        fix_hint="Replace the hedge with a plain apology for the specific failure: 'I'm sorry we charged you twice.'",
        sources=(
            SourceQuote(
                ANGRY_CLIENTS, "When it's time to apologize, don't be iffy. ... Right: I'm sorry I screwed up and ruined your day."
            ),
            SourceQuote(ANGRY_CLIENTS, "Err toward taking the blame."),
            SourceQuote(
                STEPS, "When a customer is angry over a mistake made by your company - be sure to apologize properly and sincerely."
            ),
        ),
        check=check_unconditional_apology,
        applies_to=frozenset({"complaint", "follow_up"}),
        when_frustrated=frozenset({"question"}),
    ),
    Rule(
        id="no-blame-shifting",
        title="Take ownership; blame no one",
        severity="error",
        instruction="Own the problem as the company: never blame a colleague, department, partner, courier, provider or the customer, and never say it is not your department.",
        explanation="The customer does not care whose fault it was inside the company; deflecting blame is the lamest possible answer.",
        fix_hint="Say what you will do about it ('I'm chasing the courier myself and will update you by 3pm'), not whose fault it is.",
        sources=(
            SourceQuote(ANGRY_CLIENTS, "Solve, don't deflect. Maybe it was Jan in marketing who screwed up ... The customer doesn't care"),
            SourceQuote(
                STEPS,
                "Even if you have to ask another employee or department to help in the situation, it is important to follow up with the customer personally",
            ),
        ),
        check=check_no_blame_shifting,
    ),
    Rule(
        id="no-arguing",
        title="Don't argue or lecture",
        severity="error",
        instruction="Never tell the customer they are wrong, never tell them to calm down, never lecture with policy, terms or 'our records show', never threaten back.",
        explanation="Winning the argument loses the customer; presume they have a right to be angry.",
        fix_hint="Drop the contradiction or policy citation; acknowledge their account and move to what you can do.",
        sources=(
            SourceQuote(
                ANGRY_CLIENTS,
                "Let's say your powers of argument are such that you convince the other person that he's wrong ... What have you gained? Not a client",
            ),
            SourceQuote(
                PHONE, "many professionals ... try to prove to the client why they are wrong, which simply infuriates them further."
            ),
            SourceQuote(DIFFUSE, "Presume that the Customer has a Right to be Angry"),
            SourceQuote(STEPS, "Do not respond to emotions with emotion."),
        ),
        check=check_no_arguing,
    ),
    Rule(
        id="no-parroting",
        title="Restate briefly, don't parrot",
        severity="warning",
        instruction="Restate the customer's priorities in one short sentence in your own words; do not copy their sentences back.",
        explanation="Reiterating priorities shows you listened; repeating everything they said stokes the fire.",
        fix_hint="Summarize their priorities in your own words in one sentence.",
        sources=(
            SourceQuote(DIFFUSE, "reiterate the priorities that you believe that you learnt through the client viewpoint."),
            SourceQuote(ANGRY_CLIENTS, "don't do that maddening repeat-everything-they-say routine. That will just stoke the fire."),
        ),
        check=check_no_parroting,
        applies_to=frozenset({"complaint", "follow_up", "question", "abuse"}),
    ),
    Rule(
        id="solution-or-ask",
        title="Propose a solution or ask what they want",
        severity="error",
        instruction="Propose a concrete remedy you commit to; if the right remedy is unclear, ask the customer directly what they would like.",
        explanation="Customers want help in some concrete way; when you don't know what would help, handing them the choice defuses the situation.",
        fix_hint="Add a concrete remedy ('I've refunded the second charge') or a direct question ('Would you prefer a refund or a replacement?').",
        sources=(
            SourceQuote(
                STEPS,
                "tell them how you can correct the situation. If you're not sure you know what your client wants from you ... Simply ask what they want",
            ),
            SourceQuote(
                NAIRAHOST, "Angry customers expect that you will be able to help them in some concrete way, by meeting their want or need."
            ),
        ),
        check=check_solution_or_ask,
        applies_to=frozenset({"complaint", "follow_up"}),
    ),
    Rule(
        id="concrete-next-steps",
        title="Concrete next steps with a time",
        severity="error",
        instruction="Say exactly what happens next, who does it and by when (a real time such as 'by 5pm today' or 'within 24 hours', never 'as soon as possible').",
        explanation="The customer needs to be sure the problem will be solved, so every step should be explained with a time.",
        fix_hint="Add a sentence like 'I will ... by 4pm today, and you'll get ... within 24 hours.'",
        sources=(
            SourceQuote(STEPS, "you need to explain every single step you are going to make to fix the problem."),
            SourceQuote(
                NAIRAHOST,
                "show our commitment to bring up the server as soon as possible. ... threatened to report me to the police if I fail to bring his website back up within 24 hours.",
            ),
        ),
        check=check_concrete_next_steps,
        applies_to=frozenset({"complaint", "follow_up"}),
    ),
    Rule(
        id="follow-up",
        title="Personal follow-up",
        severity="warning",
        instruction="Commit personally (first person: 'I will ...') to check back with the customer after the fix.",
        explanation="Following up personally shows you are seeing the issue through to the end, even when others do the work.",
        fix_hint="Add 'I'll call you tomorrow morning to make sure everything is working.'",
        sources=(
            SourceQuote(
                STEPS,
                "it is important to follow up with the customer personally so that they know you are seeing the issue through to the end.",
            ),
            SourceQuote(
                STEPS, "contact with the client in the next few days or so to make sure they are satisfied and happy with the solution."
            ),
        ),
        check=check_follow_up,
        applies_to=frozenset({"complaint", "follow_up"}),
    ),
    Rule(
        id="calm-tone",
        title="Calm, plain tone",
        severity="error",
        instruction="Write in a calm, plain, normal register: no capitals for emphasis, no exclamation storms, no emoji, no sarcasm, no syrupy over-politeness.",
        explanation="Don't respond to emotion with emotion; and 'killing them with kindness' is a thinly veiled form of being unkind.",
        fix_hint="Remove the capitals, extra '!', emoji, sarcasm or gushing phrases; say it plainly.",
        sources=(
            SourceQuote(PHONE, "remain calm! ... It's easy to yell back when someone is yelling at you"),
            SourceQuote(
                ANGRY_CLIENTS,
                "Speak normally (not softly). ... killing with kindness is actually just a thinly veiled form of being unkind.",
            ),
            SourceQuote(
                DIFFUSE, "react by speaking softly as well as with an extremely stable tone. If you attempt to scream over the client ..."
            ),
        ),
        check=check_calm_tone,
    ),
    Rule(
        id="no-unauthorized-promises",
        title="Stay within policy",
        severity="error",
        instruction="Offer only remedies and amounts the policy allows, and never promise what nobody can guarantee ('this will never happen again').",
        explanation="Going beyond expectations is good only within what the company has authorized; an unkeepable promise creates the next complaint.",
        fix_hint="Offer only remedies from the allowed list, within the amount limit; replace guarantees with what you will actually do.",
        sources=(
            SourceQuote(STEPS, "If you can provide some kind of bonus, gift certificate or give a discount - do it."),
            SourceQuote(
                PHONE,
                "you will not always be able to fix the problem the client is having, but you can still save the professional relationship",
            ),
        ),
        check=check_no_unauthorized_promises,
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}
"""Rules without `applies_to` (blame, arguing, tone, promises) hold for every reply, whatever was asked."""


@dataclass(frozen=True)
class Conflict:
    topic: str
    positions: tuple[SourceQuote, ...]
    resolution: str
    reason: str
    rule_ids: tuple[str, ...]


CONFLICTS: tuple[Conflict, ...] = (
    Conflict(
        topic="Speak softly vs. speak normally",
        positions=(
            SourceQuote(DIFFUSE, "react by speaking softly as well as with an extremely stable tone."),
            SourceQuote(ANGRY_CLIENTS, "Speak normally (not softly). ... How irritating is it when someone talks softly to you?"),
        ),
        resolution="Use a normal, neutral register: never raise the volume (no capitals, no '!!'), and never go soft and syrupy either. Phone scripts say 'steady, normal volume, slower pace'.",
        reason="Both documents agree on the goal (don't compete for volume, keep a stable tone); they differ only on softness. In writing, 'soft' turns into cloying over-politeness, which 000 shows reads as condescension, while 004's stable tone is kept.",
        rule_ids=("calm-tone",),
    ),
    Conflict(
        topic="Reiterate priorities vs. don't repeat what they say",
        positions=(
            SourceQuote(DIFFUSE, "reiterate the priorities that you believe that you learnt through the client viewpoint."),
            SourceQuote(ANGRY_CLIENTS, "don't do that maddening repeat-everything-they-say routine."),
        ),
        resolution="Restate the customer's priorities once, in one short sentence, in our own words; never copy runs of 8+ of their words back.",
        reason="004 asks for a summary of priorities to confirm focus; 000 objects to verbatim echoing. A brief paraphrase satisfies both.",
        rule_ids=("no-parroting",),
    ),
    Conflict(
        topic="Acknowledge emotion repeatedly vs. don't overdo kindness",
        positions=(
            SourceQuote(DIFFUSE, "It might be necessary to repeatedly recognize the consumer emotion to diffuse the situation"),
            SourceQuote(ANGRY_CLIENTS, 'some people take the "kill them with kindness" approach too far'),
        ),
        resolution="Written replies acknowledge the feeling once, first. Phone scripts acknowledge again after each new wave of venting.",
        reason="A written reply is read in one go, so a repeated acknowledgement reads as filler; on the phone anger returns in waves (004) and each wave needs its own acknowledgement.",
        rule_ids=("emotion-first", "calm-tone"),
    ),
    Conflict(
        topic="Err toward taking the blame vs. the company is sometimes not at fault",
        positions=(
            SourceQuote(ANGRY_CLIENTS, "Err toward taking the blame."),
            SourceQuote(DIFFUSE, "The customer may be angry due to the fact that she or he made incorrect presumptions"),
        ),
        resolution="When fault is ours or unknown, apologize plainly for the failure. When it is clearly not ours, apologize for the experience without inventing a fault, and never blame the customer.",
        reason="Taking the blame costs little and keeps the customer (000), but a false admission of a specific failure would mislead; neither document endorses pointing at the customer.",
        rule_ids=("unconditional-apology", "no-blame-shifting"),
    ),
    Conflict(
        topic="Go beyond expectations vs. stay within what is authorized",
        positions=(
            SourceQuote(STEPS, "If you can provide some kind of bonus, gift certificate or give a discount - do it."),
            SourceQuote(PHONE, "you will not always be able to fix the problem the client is having"),
        ),
        resolution="Offer extras only when the request's policy allows them, up to its limits.",
        reason="001 itself says 'if you can'; the policy field is how the company says what it can.",
        rule_ids=("no-unauthorized-promises",),
    ),
    Conflict(
        topic="Let them vent (don't interrupt) vs. a written reply that must answer",
        positions=(
            SourceQuote(PHONE, "It is not a good idea to interrupt them, even if you already have a solution"),
            SourceQuote(STEPS, "Once you understand the customer's complaint - it is time to present a solution."),
        ),
        resolution="Email and chat answer in full, emotion first. Phone scripts open with listening cues and explicit pauses before the solution.",
        reason="Venting happens before a written reply is written; on a call it happens during it.",
        rule_ids=("emotion-first",),
    ),
)


def check_reply(ctx: CheckContext, rule_ids: list[str] | None = None) -> list[RuleResult]:
    """Run every rule (or the named ones) on a reply. Pure: same input, same output."""
    rules = RULES if rule_ids is None else tuple(RULES_BY_ID[r] for r in rule_ids)
    return [rule.run(ctx) for rule in rules]


def blocking_failures(results: list[RuleResult]) -> list[RuleResult]:
    return [r for r in results if not r.passed and r.severity == "error"]
