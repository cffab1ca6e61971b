"""The playbook engine: a deterministic, no-LLM drafter that follows the rule registry by construction.

It names the customer's actual problem (from the analysis), picks the apology from the fault,
picks a remedy the policy allows (or asks which one they want), and writes per channel.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import lru_cache
from pathlib import Path

from api.analysis.model import Analysis, Grievance, Problem
from api.playbook import phrases as P
from api.schemas import DraftRequest, Sections
from evals.rules import CheckContext, Policy, Remedy, check_reply
from evals.rules.checks.parroting import RUN_WORDS, copied_runs
from evals.rules.remedies import GIVE_MONEY, MONEY, mentions_remedy

_ETA = re.compile(
    r"\b(?:ETA|estimated?(?: time)?|expected(?: back)?(?: by)?)[:\s]+(?P<eta>\d{1,2}[:.]\d\d(?:\s?[ap]m)?|\d{1,2}\s?[ap]m)", re.I
)
_URGENT_FLAGS = {"safety", "vulnerable_customer", "data_loss", "legal_threat", "authority_threat", "media_threat"}


PHRASEBOOK = Path(__file__).with_name("data") / "phrasebook.json"


@lru_cache(maxsize=1)
def book() -> dict[str, object]:
    phrases: dict[str, object] = json.loads(PHRASEBOOK.read_text(encoding="utf-8"))
    return phrases


def _bank(name: str) -> list[str]:
    bank = book()[name]
    assert isinstance(bank, list)
    return bank


def _pick(options: list[str], seed: str, salt: str = "") -> str:
    """Deterministic choice that varies between messages (and, with `salt`, between sections)."""
    digest = hashlib.sha256(f"{salt}|{seed}".encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _allowed(policy: Policy) -> list[Remedy]:
    return [r for r in Remedy if policy.allows(r)]


_SENTENCE_END = re.compile(r"[.!?\n]")


def _grounded(req: DraftRequest, analysis: Analysis) -> list[Grievance]:
    """The grievances whose cue words sit in the sentence of the customer's main problem, or whose subject it names.
    A topic cue elsewhere in the message ("declined" in a pet-insurance claim) would make the draft promise the wrong
    thing ("getting you back into your account"); when no grievance is grounded the draft says what it will do in
    neutral words."""
    main = analysis.problems[0] if analysis.problems else None
    if main is None or main.evidence is None:
        return list(analysis.grievances)
    text = req.complaint
    before = [m.end() for m in _SENTENCE_END.finditer(text, 0, main.evidence.start)]
    after = _SENTENCE_END.search(text, main.evidence.end)
    lo, hi = (before[-1] if before else 0), (after.end() if after else len(text))
    said = re.findall(r"[a-z]+", main.summary.lower())
    return [g for g in analysis.grievances if (g.evidence is not None and lo <= g.evidence.start < hi) or _names_subject(g, said)]


def _names_subject(grievance: Grievance, said: list[str]) -> bool:
    """The main problem names the grievance's subject ("none of your websites ..." and an outage of the website)."""
    subject = re.findall(r"[a-z]{3,}", (grievance.subject or "").lower())
    return any(word.startswith(s) for s in subject for word in said)


def _topic(req: DraftRequest, analysis: Analysis) -> str:
    grounded = _grounded(req, analysis)
    return grounded[0].topic if grounded else "other"


_SPEAKABLE_RULES = ["no-blame-shifting", "no-arguing", "calm-tone", "no-unauthorized-promises"]


def _speakable(problem: Problem, req: DraftRequest) -> bool:
    """The problem can follow "I'm sorry about" in our voice: the rule checks, not the paraphraser, decide.
    A paraphrase that quotes a remedy the customer asked for ("sending another one"), a guarantee they want
    ("this never happening again"), their blame or their capitals, or that reads their words back, is left out."""
    return all(_fits(text) and _sayable(f"I'm sorry about {text}.", text, req) for text in filter(None, (problem.summary, problem.clause)))


MAX_PHRASE = 200
"""Longest phrase from the message a section may carry. Fifteen words fit easily; fifteen words one of which
is a thousand letters long would take the section past its limit in Sections, and no reader takes it in."""


def _fits(phrase: str) -> bool:
    return len(phrase) <= MAX_PHRASE


def _sayable(sentence: str, named: str, req: DraftRequest) -> bool:
    """`sentence`, which names `named` from the message, passes the rule checks on its own."""
    if _reads_as_offer(named) or copied_runs(req.complaint, named, RUN_WORDS):
        return False
    ctx = CheckContext(
        reply=sentence, complaint=req.complaint, company_at_fault=req.company_at_fault, policy=req.policy, channel=req.channel
    )
    return all(r.passed for r in check_reply(ctx, _SPEAKABLE_RULES))


_HANDING_OVER = re.compile(
    r"(?:approv|process|issu|send|arrang|offer|grant|authori[sz]|sort|replac|rebook|book|repair|fix|"
    r"want|ask|expect|demand|hop|request|need|wish|insist|gett)\w*ing$"
)
"""Doing words that hand a remedy over, or that wish for one ("you wanting a full refund"): either way, said
back by us, the remedy reads as promised."""
_AI_VOICE = re.compile(r"\b(?:as (?:the|an) (?:AI|assistant|model|bot)|the (?:AI|assistant))\b", re.I)


def _reads_as_offer(named: str) -> bool:
    """A phrase from the message that names a remedy as something done ("approving a $300 refund", "us sending
    another one") or names an amount would read as our offer after "I'm sorry about"; one that names a remedy as
    a thing or as what happened to the customer ("the refund for the cancelled lessons", "the credit never
    showing on the meter") names the problem."""
    if MONEY.search(named):
        return True  # an amount read back is an amount promised, or one a message planted ("approve $2,300")
    if not mentions_remedy(named):
        return False
    doing = [w for w in re.findall(r"[a-z]+", named.lower()) if w.endswith("ing") and w != "being"]
    return any(GIVE_MONEY.search(w) or _HANDING_OVER.match(w) for w in doing) or bool(_AI_VOICE.search(named))


def _details_sentence(problem: Problem, req: DraftRequest, seed: str) -> str:
    """One sentence naming the things the customer mentioned that the apology's summary left out."""
    named = [d for d in problem.details if _speakable(Problem(summary=d), req)]
    if not named:
        return ""
    listed = named[0] if len(named) == 1 else f"{', '.join(named[:-1])} and {named[-1]}"
    sentence = _pick(_bank("details"), seed, "details").format(details=listed)
    return sentence if _sayable(sentence, listed, req) else ""


def _problems(analysis: Analysis, req: DraftRequest) -> list[Problem]:
    return [p for p in analysis.problems if _speakable(p, req)]


def _problem(analysis: Analysis, req: DraftRequest) -> Problem | None:
    usable = _problems(analysis, req)
    return usable[0] if usable else None


def acknowledgement(analysis: Analysis, seed: str) -> str:
    for flag in ("safety", "data_loss", "vulnerable_customer"):
        if any(f.kind == flag for f in analysis.flags):
            return P.ACKNOWLEDGE_FLAG[flag]
    strongest = max(analysis.emotions, key=lambda e: e.intensity, default=None)
    name = strongest.name if strongest and strongest.name in P.ACKNOWLEDGE else "frustration"
    more = book()["acknowledge_more"]
    assert isinstance(more, dict)
    return _pick(P.ACKNOWLEDGE[name] + more[name], seed, "ack")


def apology(req: DraftRequest, analysis: Analysis, seed: str) -> str:
    """Names this customer's problem; the stock wording is only for a message with no content to name."""
    problem = _problem(analysis, req)
    if req.company_at_fault is False:
        if problem is None:
            return _pick(P.APOLOGY_NOT_AT_FAULT, seed)
        return _pick(_bank("apology_not_at_fault_problem"), seed, "apology").format(problem=problem.summary)
    if problem is None:
        return _pick(P.APOLOGY_NO_DETAIL, seed)
    if problem.clause and _pick(["clause", "problem"], seed, "form") == "clause":
        return _pick(_bank("apology_clause"), seed, "apology").format(clause=problem.clause)
    return _pick(_bank("apology_problem"), seed, "apology").format(problem=problem.summary)


def _wanted(analysis: Analysis) -> str | None:
    wants = book()["wants"]
    assert isinstance(wants, dict)
    named = [wants[a.kind] for a in analysis.asks if a.kind in wants and a.kind != "deadline"]
    return named[0] if named else None


RESTATEMENT_LIMIT: int = next(m.max_length for m in Sections.model_fields["restatement"].metadata if hasattr(m, "max_length"))
"""Sections.restatement's max_length: parts that would take the restatement past it are left out."""


def _fit(parts: list[str], limit: int = RESTATEMENT_LIMIT) -> str:
    kept: list[str] = []
    for part in parts:
        if part and len(" ".join([*kept, part])) <= limit:
            kept.append(part)
    return " ".join(kept)


def restatement(req: DraftRequest, analysis: Analysis, seed: str, lead: str = "") -> str:
    """The customer's priorities, after `lead`: what the summary left out, their further problems, or what they asked for."""
    parts = [lead]
    usable = _problems(analysis, req)
    if usable:
        parts.append(_details_sentence(usable[0], req, seed))
    if len(usable) > 1:
        others = " and ".join(p.summary for p in usable[1:3])
        second = _pick(_bank("second_problem"), seed, "second").format(second=others)
        parts.append(second if _sayable(second, others, req) else "")
    want = _wanted(analysis)
    if want:
        deadline = f" {analysis.deadline.lower()}" if analysis.deadline else ""
        parts.append(_sentence(_pick(_bank("want"), seed, "want").format(want=want, deadline=deadline)))
    if any(parts[1:]):
        return _fit(parts)
    goals = [P.GOAL[g.topic] for g in _grounded(req, analysis)[:2] if g.topic != "other"]
    if goals:
        parts.append(f"What matters most is {' and '.join(dict.fromkeys(goals))}.")
    return _fit(parts)


def choose_remedies(req: DraftRequest, analysis: Analysis) -> tuple[Remedy | None, list[Remedy]]:
    """(remedy to offer, remedies to offer as a choice); at most one of the two is used.

    Without a policy nothing is authorised, so the engine commits to the fix and asks what the
    customer wants instead of promising a remedy.
    """
    if req.policy is None:
        return None, []
    allowed = _allowed(req.policy)
    requested = [Remedy(a.kind) for a in analysis.asks if a.kind in Remedy.__members__]
    granted = [r for r in requested if r in allowed]
    if granted:
        return granted[0], []
    fits = [r for r in P.TOPIC_REMEDIES[_topic(req, analysis)] if r in allowed]
    if len(fits) == 1 and not requested:
        return fits[0], []
    return None, (fits or allowed)[:2]


def solution(req: DraftRequest, analysis: Analysis) -> str:
    seed = req.complaint
    topic = _topic(req, analysis)
    action = _pick(_bank("ownership"), seed, "own") if topic == "other" else P.TOPIC_ACTION[topic]
    offer, choices = choose_remedies(req, analysis)
    if offer is not None:
        return f"{action} {_offer_phrase(offer, req.policy)}."
    if len(choices) == 2:
        a, b = (_choice_phrase(c, req.policy) for c in choices)
        return f"{action} To put this right, would you prefer {a} or {b}?"
    if len(choices) == 1:
        return f"{action} Would {_choice_phrase(choices[0], req.policy)} help put this right for you?"
    return f"{action} {_pick(_bank('ask_remedy'), seed, 'ask')}"


def _company_label(remedy: Remedy, policy: Policy | None) -> str | None:
    """The company's own name for the remedy ('a voucher'), when its policy gives one."""
    labelled = policy.label_for(remedy) if policy is not None else None
    if labelled is None:
        return None
    article = "an" if labelled.label[:1].lower() in "aeiou" else "a"
    return f"{article} {labelled.label}"


def _offer_phrase(remedy: Remedy, policy: Policy | None) -> str:
    label = _company_label(remedy, policy)
    return P.REMEDY_OFFER_LABELLED.format(label=label) if label else P.REMEDY_OFFER[remedy]


_SYMBOLS = {"GBP": "£", "USD": "$", "EUR": "€", "AUD": "A$", "CAD": "C$", "NZD": "NZ$", "INR": "₹"}


def _money(amount: float, currency: str | None) -> str:
    figure = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    symbol = _SYMBOLS.get((currency or "").upper())
    return f"{symbol}{figure}" if symbol else f"{figure} {currency}".strip()


def _choice_phrase(remedy: Remedy, policy: Policy | None) -> str:
    """What the customer may choose. Under a cap, a refund is offered up to the cap: "a full refund" of a
    price nobody named may be more than the policy allows (the checks trained on r12 and r13 read it so)."""
    label = _company_label(remedy, policy)
    if label:
        return label
    if remedy is Remedy.refund and policy is not None and policy.max_amount is not None:
        return f"a refund of up to {_money(policy.max_amount, policy.currency)}"
    return P.REMEDY_CHOICE[remedy]


def next_steps(req: DraftRequest, analysis: Analysis) -> list[str]:
    urgent = analysis.intensity == "furious" or any(f.kind in _URGENT_FLAGS for f in analysis.flags)
    when = "within the next two hours" if urgent else "by the end of today"
    steps = [_pick(_bank("update_step"), req.complaint, "update").format(when=when)]
    eta = _ETA.search(req.context or "")
    if eta:
        steps.append(f"Our current estimate for the fix is {eta.group('eta')}, and I will tell you straight away if that changes.")
    offer, _ = choose_remedies(req, analysis)
    if offer is not None:
        steps.append("You will get a written confirmation from me within 24 hours.")
    seen: set[str] = set()
    for flag in analysis.flags:
        step = P.FLAG_STEP.get(flag.kind)
        if step and step not in seen:
            seen.add(step)
            steps.append(step)
    return steps


def _by_channel(name: str, channel: str, seed: str) -> str:
    banks = book()[name]
    assert isinstance(banks, dict)
    return _pick(banks[channel], seed, name)


def _thanks(req: DraftRequest, seed: str) -> Sections:
    """A short, warm reply: no apology and no invented problem."""
    return Sections(
        acknowledgement=_pick(_bank("thanks"), seed, "thanks"),
        apology="",
        restatement="",
        solution="",
        next_steps=[],
        follow_up=_pick(_bank("thanks_pass_on"), seed, "pass"),
        closing=_pick(_bank("thanks_close"), seed, "close"),
    )


def _question(req: DraftRequest, analysis: Analysis, seed: str) -> Sections:
    """A route to the answer, with the acknowledgement (and an apology) when the question comes with frustration."""
    problem = _problem(analysis, req)
    # an indirect question ("whether you can ..."), if it fits the section; else a noun phrase
    asked = analysis.question_topic if analysis.question_topic and _fits(analysis.question_topic) else None
    topic = asked or (problem.summary if problem else _pick(_bank("question_generic_topic"), seed, "topic"))
    frustrated = bool(analysis.emotions)
    return Sections(
        acknowledgement=_pick(_bank("question_ack_frustrated" if frustrated else "question_ack"), seed, "ack"),
        apology=apology(req, analysis, seed) if frustrated else "",
        restatement="",
        solution=_pick(_bank("question_route" if asked else "question_route_about"), seed, "route").format(topic=topic),
        next_steps=[],
        follow_up="",
        closing=_by_channel("closing", req.channel.value, seed),
    )


def _abuse(seed: str) -> Sections:
    """Calm, sets a boundary, and invites the details that would let us help."""
    return Sections(
        acknowledgement=_pick(_bank("abuse_ack"), seed, "ack"),
        apology="",
        restatement=_pick(_bank("abuse_boundary"), seed, "boundary"),
        solution=_pick(_bank("abuse_ask"), seed, "ask"),
        next_steps=[],
        follow_up="",
        closing="",
    )


def _other(seed: str) -> Sections:
    return Sections(
        acknowledgement=_pick(_bank("other"), seed, "other"),
        apology="",
        restatement="",
        solution="",
        next_steps=[],
        follow_up="",
        closing="",
    )


def draft_sections(req: DraftRequest, analysis: Analysis) -> Sections:
    """The reply's sections, in the mode the message's intent calls for; complaints and follow-ups keep every rule."""
    seed = req.complaint
    channel = req.channel.value
    if analysis.intent == "thanks":
        return _thanks(req, seed)
    if analysis.intent == "question":
        return _question(req, analysis, seed)
    if analysis.intent == "abuse":
        return _abuse(seed)
    if analysis.intent == "other":
        return _other(seed)
    chased = analysis.intent == "follow_up" or analysis.repeat_contact
    restated = restatement(req, analysis, seed, lead=_pick(_bank("follow_up_ack"), seed, "chase") if chased else "")
    return Sections(
        acknowledgement=acknowledgement(analysis, seed),
        apology=apology(req, analysis, seed),
        restatement=restated,
        solution=solution(req, analysis),
        next_steps=next_steps(req, analysis)[:5],
        follow_up=_by_channel("follow_up", channel, seed),
        closing=_by_channel("closing", channel, seed),
    )
