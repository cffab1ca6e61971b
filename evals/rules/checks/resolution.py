"""solution-or-ask, concrete-next-steps, follow-up: what will be done, by whom, by when."""
from __future__ import annotations

from evals.rules.model import CheckContext, Verdict
from evals.rules.remedies import find_offers
from evals.rules.text import find_spans, rx, sentences

_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun)"
_MONTH = r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)"
_NUM = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty[- ]eight|twenty[- ]four|seventy[- ]two|a|an|a few|a couple of)"
_CLOCK = r"(\d{1,2}(:\d\d)? ?(am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d\d|noon|midday|midnight)"
TIME = rx(
    rf"\bby (the )?(end of (the )?(day|today|tomorrow|the week|this week|business|play|the month)|eod|cob|close of (business|play)|{_CLOCK}|tonight|tomorrow|{_DAY}|the \d+(st|nd|rd|th)|{_MONTH} \d+|\d+(st|nd|rd|th)? {_MONTH}|lunch(time)?|this (afternoon|evening|morning))\b",
    rf"\bwithin (the next )?{_NUM}[- ]?(minutes?|mins?|hours?|hrs?|h|days?|business days?|working days?|weeks?)\b",
    rf"\b(in|over) the next {_NUM} ?(minutes?|hours?|days?|business days?|working days?)\b",
    rf"\bin {_NUM} (minutes?|hours?|days?|business days?|working days?)\b",
    rf"\b(today|tomorrow|tonight|this (morning|afternoon|evening|week)|first thing|later today|end of (the )?day|on {_DAY}|next {_DAY}|next week|{_DAY} (morning|afternoon|evening))\b",
    rf"\b(before|at|until|from|between) {_CLOCK}",
    rf"\b{_CLOCK}\b",
    rf"\b\d+[-–]\d+ (business |working )?(days|hours)\b",
)
FUTURE_ACTOR = rx(
    r"\b(i|we)('ll| will| am going to|'m going to| are going to|'re going to| shall|'ve| have|'m| am|'re| are)\b",
    r"\b(will|'ll|is scheduled|are scheduled|is booked|is due|should arrive|should be|expect)\b",
    r"\byou('ll| will| should) (receive|get|see|have|hear)\b",
)
ASK = rx(
    r"\bwhat would (you like|you prefer|help|make (this|it|things) right|be (a )?(fair|fairer|most helpful|best)|work (best )?for you|you want)",
    r"\bwould you (prefer|like (me|us|a|an|to)|rather)\b",
    r"\b(which|what) (option|of these|outcome|resolution|remedy)\b[^.!?]{0,40}\?",
    r"\bhow would you like (me|us|to)\b",
    r"\blet me know (what|which|how|if you'?d (prefer|like|rather))\b",
    r"\bwhat can (i|we) do\b",
    r"\b(do|would) you want (me|us) to\b",
    r"\bshall i\b",
    r"\btell me (what|which|how)\b[^.!?]{0,40}\b(prefer|like|want|work)",
    r"\bwhat (outcome|resolution) (are you|would you)\b",
)
FIX_COMMITMENT = rx(
    r"\b(i|we)('ve| have| had| will|'ll| am| 'm|'m| are|'re| can| just)( already| now| also| just| personally)?( been)?\b[^.!?]{0,40}\b(fix|restor|resolv|correct|unlock|reactivat|reconnect|re-?enabl|recover|updat|revers|reset|reinstat|chang|remov|cancel|stop|block|clean|deliver|arrang|book)\w*",
    r"\b(is|are|has been|have been|was|were) (now )?(back (up|online|on)|restored|fixed|resolved|reconnected|corrected|reversed|unlocked|reactivated)\b",
    r"\b(engineers?|technicians?|team|crew)\b[^.!?]{0,20}\b(is|are) (restoring|fixing|repairing|rebuilding|working on|reconnecting)\b",
)
FOLLOW_UP = rx(
    r"\bi('ll| will| am going to|'m going to| shall| would like to| want to| plan to)\s+(personally\s+|also\s+|then\s+|make sure to\s+|be sure to\s+|myself\s+|come back and\s+|follow that with\s+a\s+)*"
    r"(follow(-| )up|check (back|in|with you|on)|call|ring|phone|email|e-mail|text|message|contact|update|get back|write|reach out|confirm|touch base|let you know|keep you|be in touch|circle back|send you|drop you|give you a (call|ring)|look in|stay on|be in contact|come back to you|see this through)",
    r"\byou('ll| will) hear (back )?from me\b",
    r"\bi('ll| will)? (personally )?(be|remain) your (point of contact|contact|single point)\b",
    r"\bmy direct (line|number|email|extension)\b",
    r"\blet me (call|email|check in|follow up|get back)\b",
    r"\bi('ll| will) (personally )?(keep an eye on|monitor|watch|track) (it|this|your)\b[^.!?]{0,60}\b(and|then) (let you know|tell you|update you|call|email)",
)
_QUESTION = rx(r"\?\s*$")


def check_solution_or_ask(ctx: CheckContext) -> Verdict:
    offers = find_offers(ctx.reply)
    fixes = find_spans(FIX_COMMITMENT, ctx.reply)
    asks = find_spans(ASK, ctx.reply)
    if offers or fixes or asks:
        return Verdict(True, "Proposes a concrete remedy or asks what the customer wants.")
    return Verdict(False, "No concrete remedy and no direct question about what the customer wants.")


def check_concrete_next_steps(ctx: CheckContext) -> Verdict:
    for s in sentences(ctx.reply):
        if TIME.search(s.text) and FUTURE_ACTOR.search(s.text) and not _QUESTION.search(s.text):
            return Verdict(True, "States a next step with a concrete time.")
    return Verdict(False, "No time-bound next step: say who will do what, by when (e.g. 'by 5pm today'), not 'as soon as possible'.")


def check_follow_up(ctx: CheckContext) -> Verdict:
    if find_spans(FOLLOW_UP, ctx.reply):
        return Verdict(True, "Commits personally to follow up.")
    return Verdict(False, "No personal follow-up: the writer should say they will check back themselves.")
