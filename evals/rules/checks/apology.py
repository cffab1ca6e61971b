"""unconditional-apology: apologize plainly; never a conditional or hedged non-apology."""

from __future__ import annotations

from evals.rules.model import CheckContext, Verdict
from evals.rules.text import find_all, find_spans, in_original, normalize, word_rx

HEDGES = [
    word_rx(r"\b(sorry|apologi[sz]e|apologies|regret)\s*,?\s+(that\s+|for it\s+|for this\s+)?if\b"),
    word_rx(r"\bif\s+(there|we|i|this|that|our|my|any|anything|something|it|you)\b[^.!?]{0,70}\b(sorry|apologi[sz]e|apologies)\b"),
    # "If the app was at fault, we apologise": a condition on what happened, whoever its subject is
    word_rx(
        r"\b(if|to the extent( that)?|insofar as|in case)\s+(\w+\s+){1,4}(was|were|is|are|has|have|had|did|caused|made|went|got|turns out)\b[^.!?]{0,60}\b(sorry|apologi[sz]e|apologies)\b"
    ),
    word_rx(
        r"(?:(?<![\s\S])|(?<=[.!?\n] )|(?<=[.!?\n]))(should|had|were) (the|your|our|there|we|it|this|that|any|a|an)\b[^.!?]{0,60}\b(sorry|apologi[sz]e|apologies)\b"
    ),
    word_rx(r"\b(sorry|apologi[sz]e|apologies)\b[^.!?]{0,30}\bshould (you|there|it|we|this|that|any)\b"),
    word_rx(
        r"\bany (issues|problems|trouble|difficult(y|ies)|distress|upset|frustration|confusion|disappointment)( (this|that|which|it))? (may|might|could) have\b"
    ),
    word_rx(
        r"\b(sorry|apologi[sz]e|apologies)\b[^.!?]{0,30}\b(if|to the extent( that)?|insofar as|in case)\s+(\w+\s+){1,4}(was|were|is|are|has|have|had|did|caused|made|went|got)\b"
    ),
    word_rx(
        r"\b(sorry|apologi[sz]e|apologies)\b[^.!?]{0,12}\b(that |if )?you\s+(feel|felt|think|thought|believe|perceive|see it|found|find|are upset|were upset|got upset|feel upset|are unhappy|were unhappy|took it)\b"
    ),
    word_rx(r"\bsorry (for|about) (how|the way) you (feel|felt|see|took)\b"),
    # sorry for the customer's emotion rather than for what happened: "sorry you're unhappy with it"
    word_rx(
        r"\b(sorry|apologi[sz]e|apologies)( that)? you('re| are| were|'ve been| have been| got| feel| felt)( so| very)? "
        r"(upset|unhappy|disappointed|dissatisfied|displeased|annoyed|offended|frustrated|angry|unsatisfied)\b(?! (that|because|when|after|by|at|to) (we|our|i|my|the))"
    ),
    word_rx(
        r"\b(for )?any inconvenience\b",
        r"\binconvenience (this|that|it|which) (may|might|could) have caused\b",
        r"\bmay have (caused|experienced)\b",
    ),
    word_rx(r"\b(sorry|apologi[sz]e|apologies) for any\b"),
    word_rx(r"\b(we|i) (deeply |sincerely |truly )?regret\b", r"\bregrettabl[ey]\b"),
    word_rx(r"\bmistakes were made\b", r"\b(perceived|alleged|supposed) (error|mistake|issue|problem|delay|fault)s?\b"),
    word_rx(r"\b(i'?m|i am|we'?re|we are) sorry,? but\b", r"\b(apologi[sz]e|apologies),? but\b"),
]

PLAIN = word_rx(r"(?<!not )(?<!n't )(?<!never )(?<!be )(?<!feel )sorry\b", r"apologi[sz]e\b", r"apologies\b", r"(my|our) (\w+ )?apology\b")
"""Any apology word counts once no hedge was found ("I'm sorry", "hey, sorry!", "sincere apologies", "I want to apologise")."""


def check_unconditional_apology(ctx: CheckContext) -> Verdict:
    text = normalize(ctx.reply)
    hedged = in_original(find_all(HEDGES, text), ctx.reply)
    if hedged:
        return Verdict(
            False,
            "Hedged or conditional apology: it apologizes for the customer's feelings or a possibility, not for what happened.",
            tuple(hedged),
        )
    if find_spans(PLAIN, text):
        return Verdict(True, "Apologizes plainly, without conditions.")
    if ctx.company_at_fault is False:
        return Verdict(True, "The company is not at fault and no hedged apology is made.")
    return Verdict(
        False,
        "The company is at fault (or fault is unknown, so we err toward taking the blame) and the reply never apologizes.",
    )
