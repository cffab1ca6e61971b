"""solution-or-ask, concrete-next-steps, follow-up: what will be done, by whom, by when."""
from __future__ import annotations

import re

from evals.rules.model import CheckContext, Span, Verdict
from evals.rules.remedies import find_offers
from evals.rules.text import Sentence, all_clauses, find_spans, mask_apologies, normalize, rx

_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun)"
_FULL_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)"
_NUM = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty[- ]eight|twenty[- ]four|seventy[- ]two|a|an|a few|a couple of)"
_UNIT = r"(minutes?|mins?|hours?|hrs?|h|days?|business days?|working days?|weeks?)"
_CLOCK = r"(\d{1,2}(:\d\d)? ?(am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d\d|noon|midday|midnight)"
TIME = rx(
    rf"\bby (the )?(end of (the )?(day|today|tomorrow|the week|this week|business|play|the month)|eod|cob|close of (business|play)|{_CLOCK}|tonight|tomorrow|{_DAY}|the \d+(st|nd|rd|th)|{_MONTH} \d+|\d+(st|nd|rd|th)? {_MONTH}|lunch(time)?|this (afternoon|evening|morning))\b",
    rf"\bwithin (the next )?{_NUM}[- ]?{_UNIT}\b",
    rf"\b(within|in) (the next )?\d+ (to|-|–) \d+ (business |working )?(days|hours|weeks)\b",
    r"\bwithin (the|an|the next) (hour|day|half hour|half-hour)\b",
    rf"\b(in|over) the next {_NUM} ?{_UNIT}\b",
    rf"\bin {_NUM} {_UNIT}\b",
    rf"\b(today|tomorrow|tonight|this (morning|afternoon|evening|week|weekend)|first thing|later today|end of (the )?day|on {_DAY}|next {_DAY}|next week|{_DAY} (morning|afternoon|evening|night))\b",
    rf"\b{_FULL_DAY}\b",
    rf"\bon the \d+(st|nd|rd|th)\b",
    rf"\b(before|at|until|from|between) {_CLOCK}",
    r"\b(at|between) \d{1,2}(:\d\d)?( and \d{1,2}(:\d\d)?)?\b(?! ?(%|percent|st\b|nd\b|rd\b|th\b|[a-z]))",
    rf"\b{_CLOCK}\b",
    r"\b\d+[-–]\d+ (business |working )?(days|hours)\b",
)
FUTURE = rx(
    r"\b(will|'ll|shall|would|going to|is due|are due|due to|is set|are set|aiming to|plan to|expect|expected|can expect)\b",
    r"\b(should|ought to) (arrive|reach|land|be|show|have|appear|clear|go)\b",
    r"\b(i'm|i am|we're|we are|is|are|it's|they're)( now| already| currently)? \w+ing\b",
    r"\b(booked|scheduled|arranged|rebooked|reserved|set up|squeezed|lined up|confirmed)\b[^.!?;]{0,40}\b(for|on|at|between)\b",
    r"^\s*(your|the|it|they|this|that)\b[^.!?;]{0,40}\b(arrives?|ships?|lands?|starts?|begins?|takes? effect|goes? (out|live)|comes? back|reaches|runs?)\b",
)
PAST = rx(
    r"\b(was|were|had|did|didn't|'ve|have|has)\b",
    r"\b(i|we|you|they|he|she|it)\s+\w+ed\b",
)
ASK = rx(
    r"\bwhat would (you like|you prefer|help|make (this|it|things) right|be (a )?(fair|fairer|most helpful|best)|work (best )?for you|you want)",
    r"\bwould you (prefer|like (me|us|a|an|to)|rather)\b",
    r"\b(which|what) (option|of these|outcome|resolution|remedy)\b[^.!?]{0,40}\?",
    r"\bhow would you like (me|us|to)\b",
    r"\blet me know (what|which|how|if you'?d (prefer|like|rather))\b",
    r"\bwhat can (i|we) do\b",
    r"\b(do|would) you want (me|us) to\b",
    r"\bshall (i|we)\b",
    r"\btell me (what|which|how)\b[^.!?]{0,40}\b(prefer|like|want|work)",
    r"\bwhat (outcome|resolution) (are you|would you)\b",
    r"\bis there anything (you('d)? (need|want|like)|i can do)\b[^.!?]*\?",
    r"\bif you'?d (rather|prefer|like) (i|me|us|we|a|an|to)\b",
    r"\b(does|would) (\w+ ){0,3}(work|suit) (better )?(for )?you\b[^.!?]*\?",
)
RESTORED = rx(
    r"\b(is|are|has been|have been|was|were) (now )?(back (up|online|on)|restored|fixed|resolved|reconnected|corrected|reversed|unlocked|reactivated)\b",
    r"\b(our|an|the|a) (engineers?|technicians?|crew|team)\b(?! who)[^.!?]{0,20}\b(is|are) (now )?(restoring|fixing|repairing|rebuilding|reconnecting|replacing)\b",
    r"\bwill be back (up|online|on|to normal)?\b[^.!?;]{0,30}\b(by|within|at)\b",
)

# --- commitments (solution-or-ask) -------------------------------------------------------------

_HELPERS = r"(\s+(already|now|just|also|personally|since|then|immediately|gladly|happily|right away|be happy to|be glad to|make sure to|go ahead and|gone ahead and|been able to|still|really))*"
_VERB = r"(?P<verb>[a-z][a-z-]*)"
COMMITMENT = (
    re.compile(rf"\b(i|we)('ve| have){_HELPERS}\s+{_VERB}", re.I),
    re.compile(rf"\b(i|we)('ll| will| shall| am going to|'m going to| are going to|'re going to|'d like to| would like to| can| could| want to|'d be happy to){_HELPERS}\s+{_VERB}", re.I),
    re.compile(rf"\b(i|we)('m| am|'re| are)(\s+(also|now|personally|currently|already|just))*\s+(?P<verb>[a-z]+ing)\b", re.I),
    re.compile(r"\b(i|we)(\s+(just|also|personally|already))?\s+(?P<verb>[a-z]+ed|sent|put|got|made|took|gave|paid|found|set)\b(?=[^.!?;]{0,60}\b(today|this morning|this afternoon|just now|earlier today|a moment ago|minutes ago|while we|right now)\b)", re.I),
    re.compile(rf"\bwhat (i|we) (can|will|'ll|am going to|'m going to) do( right now| from (my|our) side| for you)? is\s+{_VERB}", re.I),
    re.compile(rf"\blet me\s+{_VERB}", re.I),
    re.compile(r"\b(has|have|'ve|'s) been(\s+(now|already|fully|just))*\s+(?P<verb>[a-z]+(ed|en)|sent|put|paid|made|set)\b", re.I),
    re.compile(r"\b(will|'ll) be(\s+(fully|now))?\s+(?P<verb>[a-z]+(ed|en)|sent|paid|made|put|set)\b", re.I),
    re.compile(r"\b(is|are) (now|being)\s+(?P<verb>[a-z]+(ed|en)|sent|paid|made|put|set)\b", re.I),
    re.compile(r"\b(was|were)\s+(?P<verb>[a-z]+ed|sent|paid|made|put|set)\b(?=[^.!?;]{0,60}\b(today|this morning|just now|earlier today|at \d))", re.I),
)
NOT_A_REMEDY = re.compile(
    r"(look|investigat|review|check|examin|assess|explor|consider|research|pass|forward|shar|note|noting|log|record|report|relay|"
    r"understand|know|hear|heard|see|seen|saw|imagin|apologi|regret|hope|want|wish|feel|felt|think|thought|believe|guarantee|promis|assur|"
    r"be|been|call|ring|phon|email|e-mail|text|messag|contact|reach|writ|wrote|follow|let|keep|kept|talk|speak|spok|discuss|chat|explain|"
    r"answer|respond|repl|remind|value|appreciat|treat|stay|try|tri|aim|expect|need|do|did|done|doing|help|tell|told|inform|notif|monitor|"
    r"watch|track|chas|confirm|only|understood|realis|realiz|get back|listen|sympathi|acknowledg|agree|accept|receiv|ask|asked|ensure|mak)\w*$",
    re.I,
)
"""Verbs that relay, investigate, talk or feel: 'we're looking into it', 'I've passed it on', 'I'll call you'."""
_RELAY = re.compile(r"(flag|escalat|rais|prioriti[sz]|expedit)\w*$", re.I)
_COMMUNICATION_OBJECT = re.compile(
    r"^\s+(you\s+)?(an?\s+|the\s+|my\s+|our\s+|a quick\s+|your\s+)?(\w+\s+)?(update|message|note|email|text|reply|confirmation|summary|answer|details|information|news|link|tracking|reference|copy|letter|call|ring|proof|number)s?\b",
    re.I,
)
_CAUSATIVE_REST = re.compile(r"\b(look|review|check|investigat|consider|contact|call|get back|be in touch|reach out)\w*", re.I)


def _is_remedy_action(verb: str, rest: str) -> bool:
    """Is `verb` (with the clause text after it) a concrete action for the customer, not relaying or talking?"""
    v = verb.lower()
    if v in ("make", "made", "making") and re.match(r"\s+sure\b", rest, re.I):
        return False
    if v.startswith(("work",)) and re.match(r"\s+on (it|this|that|the (issue|problem)|your (case|issue|complaint))\b", rest, re.I):
        return False
    if v.startswith(("get", "got", "come", "came")) and re.match(r"\s+(back|in touch|round to)\b", rest, re.I):
        return False
    if v.startswith(("updat",)):
        return not re.match(r"\s+you\b", rest, re.I)
    if _RELAY.match(v):
        return bool(re.search(r"\bfor (priority|urgent|immediate|same-day|express)\b", rest, re.I))
    if NOT_A_REMEDY.match(v):
        return False
    if v.startswith(("send", "sent", "giv", "gave", "drop", "add", "put", "leav", "left", "plac")) and _COMMUNICATION_OBJECT.match(rest):
        return False
    if v.startswith(("tak", "took")) and re.search(r"\bseriously\b", rest, re.I):
        return False
    if v.startswith(("arrang", "had", "have", "get", "got")) and re.match(r"\s+(for\s+)?\w+\s+to\b", rest) and _CAUSATIVE_REST.search(rest):
        return False
    return True


def commitments(text: str) -> list[Span]:
    """First-person (or passive) commitments to do something concrete: 'I've reissued your card',
    'I'm sending replacements', 'your claim has been approved', 'what I can do is take $50 off'."""
    masked = mask_apologies(normalize(text))
    spans: list[Span] = []
    for clause in all_clauses(masked):
        for pattern in COMMITMENT:
            for m in pattern.finditer(clause.text):
                rest = clause.text[m.end("verb") :]
                if _is_remedy_action(m.group("verb"), rest):
                    start, end = clause.start + m.start(), clause.end
                    spans.append(Span(start=start, end=end, text=text[start:end]))
    return spans


def check_solution_or_ask(ctx: CheckContext) -> Verdict:
    text = normalize(ctx.reply)
    offers = find_offers(ctx.reply)
    if offers or commitments(ctx.reply) or find_spans(RESTORED, mask_apologies(text)) or find_spans(ASK, text):
        return Verdict(True, "Proposes a concrete remedy or asks what the customer wants.")
    return Verdict(False, "No concrete remedy and no direct question about what the customer wants.")


# --- concrete-next-steps -----------------------------------------------------------------------

def _is_timed_step(clause: Sentence) -> bool:
    """A clause with a concrete time that looks ahead: 'I'll call you by 5pm', 'it ships Tuesday',
    'booked for tomorrow at 9' — not 'I refunded it today' or a question."""
    text = clause.text
    if not TIME.search(text) or text.rstrip().endswith("?"):
        return False
    return bool(FUTURE.search(text) or not PAST.search(text))


def check_concrete_next_steps(ctx: CheckContext) -> Verdict:
    masked = mask_apologies(normalize(ctx.reply))
    for clause in all_clauses(masked):
        if _is_timed_step(clause):
            return Verdict(True, "States a next step with a concrete time.")
    return Verdict(False, "No time-bound next step: say who will do what, by when (e.g. 'by 5pm today'), not 'as soon as possible'.")


# --- follow-up ---------------------------------------------------------------------------------

_CONTACT = r"(follow(-| )up|check (back|in|with you|on)|call|ring|phone|email|e-mail|text|message|contact|update|get back|write|reach out|confirm|touch base|let you know|keep you|be in touch|circle back|send you|drop you|give you a (call|ring)|look in|stay on|be in contact|come back to you|see this through)"
FOLLOW_UP = rx(
    r"\bi('ll| will| am going to|'m going to| shall| would like to| want to| plan to)\s+(personally\s+|also\s+|then\s+|make sure to\s+|be sure to\s+|myself\s+|come back and\s+|follow that with\s+a\s+)*" + _CONTACT,
    r"\bi('ll| will| am going to|'m going to)\b[^.!?;]{0,90}?\band (then )?(personally )?(email|e-mail|message|call|ring|phone|text|update|contact|write to|get back to|let) (you|back)\b",
    r"\byou('ll| will) hear (back )?from me\b",
    r"\bi('ll| will)? (personally )?(be|remain) your (point of contact|contact|single point)\b",
    r"\bmy direct (line|number|email|extension)\b",
    r"\blet me (call|email|check in|follow up|get back)\b",
    r"\bi('ll| will) (personally )?(keep an eye on|monitor|watch|track) (it|this|your)\b[^.!?]{0,60}\b(and|then) (let you know|tell you|update you|call|email)",
)


def check_follow_up(ctx: CheckContext) -> Verdict:
    if find_spans(FOLLOW_UP, normalize(ctx.reply)):
        return Verdict(True, "Commits personally to follow up.")
    return Verdict(False, "No personal follow-up: the writer should say they will check back themselves.")
