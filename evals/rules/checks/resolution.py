"""solution-or-ask, concrete-next-steps, follow-up: what will be done, by whom, by when."""

from __future__ import annotations

import re

from evals.rules.model import CheckContext, Span, Verdict
from evals.rules.remedies import find_offers
from evals.rules.text import Sentence, all_clauses, find_spans, in_original, mask_apologies, merge_spans, normalize, rx, word_rx

_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tue|tues|wed|thu|thurs|fri|sat|sun)"
_FULL_DAY = r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?)"
_NUM = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty|forty[- ]eight|twenty[- ]four|seventy[- ]two|a|an|a few|a couple of)"
_UNIT = r"(minutes?|mins?|hours?|hrs?|h|days?|business days?|working days?|weeks?)"
_CLOCK = r"(\d{1,2}(:\d\d)? ?(am|pm|a\.m\.|p\.m\.)|\d{1,2}:\d\d|noon|midday|midnight)"
TIME = rx(
    rf"\bby (the )?(end of (the )?(day|today|tomorrow|the week|this week|business|play|the month)|eod|cob|close of (business|play)|{_CLOCK}|tonight|tomorrow|{_DAY}|the \d+(st|nd|rd|th)|{_MONTH} \d+|\d+(st|nd|rd|th)? {_MONTH}|lunch(time)?|this (afternoon|evening|morning))\b",
    rf"\bwithin (the next )?{_NUM}[- ]?{_UNIT}\b",
    r"\b(within|in) (the next )?\d+\s*(to|-|–)\s*\d+ (business |working )?(days|hours|weeks)\b",
    r"\bwithin (the|an|the next) (hour|day|half hour|half-hour)\b",
    rf"\b(in|over) the next {_NUM} ?{_UNIT}\b",
    rf"\bin ((about|around|roughly|approximately|under|less than|no more than) )?{_NUM} {_UNIT}\b",
    rf"\b(today|tomorrow|tonight|this (morning|afternoon|evening|week|weekend)|first thing|later today|end of (the )?day|on {_DAY}|next {_DAY}|next week|{_DAY} (morning|afternoon|evening|night))\b",
    rf"\b(you|it|them|him|her|there|back|out|arrives?|ships?|lands?|delivered|due|this|starting)\s+{_FULL_DAY}s?\b",
    r"\bon the \d+(st|nd|rd|th)\b",
    r"\b\d{1,2}(st|nd|rd|th)? (january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\b",
    r"\b(january|february|march|april|june|july|august|september|october|november|december|jan|feb|apr|jun|jul|aug|sept?|oct|nov|dec) \d{1,2}(st|nd|rd|th)?\b",
    rf"\b(before|at|until|from|between) {_CLOCK}",
    r"\b(at|between) \d{1,2}(:\d\d)?( and \d{1,2}(:\d\d)?)?\b(?! ?(%|percent|st\b|nd\b|rd\b|th\b|[a-z]))",
    rf"\b{_CLOCK}\b",
    r"\b\d+\s*[-–]\s*\d+ (business |working )?(days|hours)\b",
)
FUTURE = rx(
    r"\b(will|'ll|shall|would|going to|is due|are due|due to|is set|are set|aiming to|plan to|expect|expected|can expect)\b",
    r"\b(should|ought to) (arrive|reach|land|be|show|have|appear|clear|go)\b",
    r"\bdue (within|by|on|in|before|at|tomorrow|today|tonight|this|next)\b",
    r"\b(i'm|i am|we're|we are|is|are|it's|they're)( now| already| currently)? \w+ing\b",
    r"\b(booked|scheduled|arranged|rebooked|reserved|set up|squeezed|lined up|confirmed)\b[^.!?;]{0,40}\b(for|on|at|between)\b",
    r"\b(arrives|ships|lands|starts|begins|takes effect|goes (out|live)|comes back|reaches|opens|is delivered|are delivered)\b",
    r"\b(starting|from|beginning|effective) (this|next|on|from|tomorrow|today|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b",
    # "I've logged a collection for tomorrow": a present-perfect booking whose time is ahead
    rf"\bfor (tomorrow|tonight|later today|this (morning|afternoon|evening|weekend)|next (week|{_DAY})|{_FULL_DAY}\b(?!'s)|first thing)",
)
REPORTED = rx(
    r"(?<!\bi )(?<!\bwe )(?<!\bthat )(?<!\bhaving )\b(says?|said|told (you|me|us)|promised|claimed|quoted|were told|was told|have been told|'ve been told|keeps? saying|kept saying|"
    r"insisted|assured (you|me|us))\b",
)
"""Someone else's earlier promise ("your team says it will come in 7 working days", "the agent promised a
callback within 24 hours") restates the complaint; a time after it is no step."""
HABITUAL = rx(r"\b(normally|usually|typically|generally|on average|as standard|as a rule|tends? to)\b")
"""'Delivery normally takes 3-5 days' describes how things go, not what will happen next."""
PAST = rx(
    r"\b(was|were|had|did|didn't|'ve|have|has)\b",
    r"\b(came|went|left|took|gave|got|made|said|told|rang|spoke|saw|met|brought|bought|kept|fell|broke|ran|held|stood|sat|lost|knew|wrote|drove|flew)\b",
    r"\b[a-z]+ed (at|on|yesterday|last|earlier|this morning|this afternoon)\b",
    r"\b(i|we|you|they|he|she|it)\s+\w+ed\b",
)
ASK = word_rx(
    r"\bwhat would (you like|you prefer|help|(make|put|set) (this|it|things) right|be (a )?(fair|fairer|most helpful|best)|work (best )?for you|you want|you consider fair|feel fair)",
    r"\bwhat (would|could|can|should) (i|we) (do|offer)\b[^.!?]{0,40}\?",
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
RESTORED = word_rx(
    r"\b(is|are|has been|have been|was|were) (now |already |also )?(back (up|online|on)|restored|fixed|resolved|reconnected|corrected|reversed|unlocked|reactivated|"
    r"cancell?ed|canceled|waived|removed|refunded|released|credited|reinstated|unblocked|taken down|written off|wiped|cleared|"
    r"pre-?authori[sz]ed|authori[sz]ed|approved)\b",
    r"\b(our|an|the|a) (engineers?|technicians?|crew|team)\b(?! who)[^.!?]{0,20}\b(is|are) (now )?(restoring|fixing|repairing|rebuilding|reconnecting|replacing)\b",
    r"\bwill be back (up|online|on|to normal)?\b[^.!?;]{0,30}\b(by|within|at)\b",
    r"\b(is|are)( now| already)? (on (its|their|the) way|in the post|in transit|being (sent|shipped|couriered|posted|delivered|reissued|replaced|refunded|repaired|rebuilt))\b",
    # someone we send does the work: "a courier will collect the faulty unit tomorrow and drop off a new one"
    r"\b(a|an|our|the) ([\w-]+ )?(courier|driver|engineer|technician|plumber|electrician|fitter|crew|carer|nurse|inspector|installer|specialist|team|locksmith|mechanic)s? "
    r"(will|'ll|is going to|are going to|is booked to|are booked to|is scheduled to|is due to)( now| also| then)? "
    r"(collect|deliver|drop off|bring|fit|install|replace|repair|fix|visit|come|attend|be with you|restore|reconnect|inspect|clean|unblock|reset)\b",
)

OUTCOME_DUE = rx(
    r"\b(will|'ll|should|is going to|are going to)( now| then| also| all)? (be (ready|back|on|at|with you|in your|delivered|dispatched|available|fixed|sorted|done|"
    r"finished|restored|released|credited|refunded|paid|replaced|repaired|working|live|open|waiting|up|published|posted|issued|reinstated)|"
    r"reach you|arrive|land|go out|ship|show|appear)\b",
    r"\b(goes out|go out|ships|arrives|lands|reaches you)\b",
)
"""The thing the customer is waiting for, due at a real time: 'her tablets will be ready at the counter by 4pm
today', 'a corrected run will reach you by 1pm tomorrow', 'the right frame goes out this afternoon'. Delivering it is the remedy, whoever carries it.
(`rx`, not `word_rx`: an alternative starts with an apostrophe, "they'll be ready".)"""


DONE = word_rx(
    r"\b(cancell?ed|canceled|refunded|credited|waived|removed|corrected|approved|replaced|repaired|fixed|rebooked|reissued|released|"
    r"reinstated|paid|issued|dispatched|booked|exported|restored|reversed|reset|unlocked|upgraded|reconnected|deleted|rescheduled)\b"
    r"[^.!?;]{0,40}?\b(today|now|this (morning|afternoon|evening)|tonight|tomorrow|at \d{1,2}[:.]\d\d|by \d|within|in your (account|inbox|bank))\b",
)
"""A remedy stated as done, headline style: 'Paint protection cancelled today, full £595 refunded', 'Approved
today; licence goes out tomorrow', 'Your invoices are exported and in your inbox now'."""
_NOT_OURS = word_rx(r"\b(was|were|had|got|never|not|n't|you|they|he|she|said|told|if|when|once|after|until|unless)\b")
"""Before the participle, these make it the complaint's story or a condition: 'you were charged today',
'they said it was refunded', 'once it is approved'."""


def _done_remedy(clause: Sentence) -> bool:
    m = DONE.search(clause.text)
    return m is not None and not clause.text.rstrip().endswith("?") and not _NOT_OURS.search(clause.text[: m.start()])


def _due_outcome(clause: Sentence) -> bool:
    text = clause.text
    due, time = OUTCOME_DUE.search(text), TIME.search(text)
    if due is None or time is None or text.rstrip().endswith("?"):
        return False
    reported = REPORTED.search(text)
    return reported is None or reported.start() > due.start()


# --- commitments (solution-or-ask) -------------------------------------------------------------

_HELPERS = r"(\s+(already|now|just|also|personally|since|then|immediately|gladly|happily|right away|be happy to|be glad to|make sure to|go ahead and|gone ahead and|been able to|still|really))*"
_VERB = r"(?P<verb>[a-z][a-z-]*)"
COMMITMENT = (
    re.compile(rf"\b(i|we)('ve| have){_HELPERS}\s+{_VERB}", re.I | re.A),
    re.compile(
        rf"\b(i|we)('ll| will| shall| am going to|'m going to| are going to|'re going to|'d like to| would like to| can| could| want to|'d be happy to){_HELPERS}\s+{_VERB}",
        re.I | re.A,
    ),
    re.compile(r"\b(i|we)('m| am|'re| are)(\s+(also|now|personally|currently|already|just))*\s+(?P<verb>[a-z]+ing)\b", re.I | re.A),
    re.compile(
        r"\b(i|we)(\s+(just|also|personally|already))?\s+(?P<verb>[a-z]+ed|sent|put|got|made|took|gave|paid|found|set|rang|spoke|went)\b(?=[^.!?;]{0,60}\b(today|this morning|this afternoon|just now|earlier today|a moment ago|minutes ago|while we|right now)\b)",
        re.I | re.A,
    ),
    re.compile(
        rf"\bwhat (i|we)( can| will|'ll| am going to|'m going to) do( right now| from (my|our) side| for you)? is\s+{_VERB}", re.I | re.A
    ),
    re.compile(rf"\blet me\s+{_VERB}", re.I | re.A),
    re.compile(r"\b(has|have|'ve|'s) been(\s+(now|already|fully|just))*\s+(?P<verb>[a-z]+(ed|en)|sent|put|paid|made|set)\b", re.I | re.A),
    re.compile(r"\b(will|'ll) be(\s+(fully|now))?\s+(?P<verb>[a-z]+(ed|en)|sent|paid|made|put|set)\b", re.I | re.A),
    re.compile(r"\b(is|are) (now|being)\s+(?P<verb>[a-z]+(ed|en)|sent|paid|made|put|set)\b", re.I | re.A),
    re.compile(
        r"\b(was|were)\s+(?P<verb>[a-z]+ed|sent|paid|made|put|set)\b(?=[^.!?;]{0,60}\b(today|this morning|just now|earlier today|at \d))",
        re.I | re.A,
    ),
    # someone of ours does it: "our cleaner Marta will come today at 11:00", "Luis is fitting the part tomorrow"
    re.compile(
        rf"\b(our|my)\s+([\w'-]+,?\s+){{0,3}}?(will|'ll|is going to|are going to|can|is booked to|is due to){_HELPERS}\s+{_VERB}",
        re.I | re.A,
    ),
    re.compile(r"\b(our|my)\s+([\w'-]+,?\s+){0,3}?(is|are|'s|'re)(\s+(now|already|also))?\s+(?P<verb>[a-z]+ing)\b", re.I | re.A),
    # a department or specialist of the company: "the exams office will correct your result", "the lab can rerun it"
    re.compile(
        rf"\bthe\s+([\w'-]+\s+){{0,2}}?(office|team|department|desk|specialist|engineer|technician|doctor|dentist|nurse|manager|crew|clinic|"
        rf"surgery|pharmacy|lab|warehouse|depot|workshop)s?\s+(will|'ll|can|is going to|are going to){_HELPERS}\s+{_VERB}",
        re.I | re.A,
    ),
    re.compile(
        rf"\b(?!(?:It|This|That|There|They|He|She|We|You|Someone|Somebody|Nobody|Everything|Nothing|What|Which|Who|Your|Our|The|Please|If|When|Once|Everyone|Anyone)\b)(?-i:[A-Z][a-z]+)\s+(will|'ll|is going to|can|is){_HELPERS}\s+(?P<verb>[a-z][a-z-]*(?<!ing)(?<!ed)|[a-z]+ing)\b",
        re.A,
    ),
    re.compile(r"\b(is|are)\s+(?P<verb>booked|scheduled|arranged|reserved)\s+(for|in|on)\b", re.I | re.A),
)
NOT_A_REMEDY = re.compile(
    r"(look|investigat|review|check|examin|assess|explor|consider|research|forward|report|relay|understand|understood|know|hear|heard|"
    r"imagin|apologi|regret|hope|wish|feel|felt|think|thought|believ|guarantee|promis|assur|call|ring|rang|phon|email|e-mail|messag|"
    r"contact|reach|writ|wrote|follow|talk|speak|spok|discuss|chat|explain|answer|respond|remind|value|appreciat|treat|monitor|watch|"
    r"track|chas|confirm|realis|realiz|listen|sympathi|acknowledg|agree|accept|receiv|ensur|improv|learn|striv|prevent|commit|"
    r"endeavou?r|continu|strengthen|retrain|inform|notif|highlight|mention|alert|brief|refer)\w*$"
    r"|(be|been|being|do|did|done|doing|see|seen|saw|seeing|want|wanted|need|needed|let|keep|kept|keeping|stay|stayed|staying|try|tried|"
    r"trying|aim|aiming|help|helped|helping|tell|told|telling|text|texted|pass|passed|passing|share|shared|sharing|note|noted|noting|"
    r"log|logged|logging|record|recorded|ask|asked|asking|reply|replied|replying|only|not|never|no|yet|get back|"
    r"read|re-?read|reading|go over|gone over|went over|walk|walked|talk|talked)$",
    re.I,
)
"""Verbs that relay, investigate, talk or feel: 'we're looking into it', 'I've passed it on', 'I'll call you'."""
_RELAY = re.compile(r"(flag|escalat|rais|prioriti[sz]|expedit)\w*$", re.I)
_COMMUNICATION_OBJECT = re.compile(
    r"^\s+(you\s+)?(an?\s+|the\s+|my\s+|our\s+|a quick\s+|your\s+)?(\w+\s+)?(update|message|note|email|text|reply|confirmation|summary|answer|details|information|news|link|tracking|reference|copy|letter|call|ring|proof|number)s?\b",
    re.I,
)
_FILING_VERB = re.compile(r"(submit|creat|open|lodg|file|filing|register|request|start|put in|given|giv)\w*$", re.I)
_RECORD_OBJECT = re.compile(
    r"^\s+(\w+\s+)?(a|an|the|your|my|our|this|that|some)?\s*([\w-]+\s+){0,2}?(complaint|ticket|case|report|note|record|query|feedback|enquiry|inquiry|"
    r"investigation|incident|escalation|warning|reminder|training|coaching)s?\b",
    re.I,
)
"""'I've submitted a complaint to the depot', 'he's been given feedback': filing and telling off are not remedies."""
_CAUSATIVE_REST = re.compile(r"\b(look|review|check|investigat|consider|contact|call|get back|be in touch|reach out)\w*", re.I)


_NOT_A_VERB = re.compile(
    r"(it|this|that|these|those|a|an|the|your|you|my|our|their|his|her|them|him|some|any|all|both|every|one|two|to|so|no|nothing|everything|here|there)$",
    re.I,
)
"""'Just so I have it right': after 'I have' a pronoun or determiner is a possession, not a done action."""
_SERVICE_OBJECT = re.compile(
    r"^\s+(a|an|the|your|another)\s+([\w-]+\s+){0,2}?(collection|pick-?up|delivery|redelivery|visit|call-?out|repair|job|work order|booking|appointment|"
    r"replacement|refund|credit|claim|reconnection|installation|inspection|clean-?up|uplift|service)s?\b(?!\s+(request|query|complaint|ticket|report|form))",
    re.I,
)
"""'I've logged a special collection': logging or raising a job for the customer books the work, unlike logging a complaint."""
_CASE_DESTINATION = re.compile(
    r"^\s+(\w+\s+)?(to|on|in|into|onto|against|with) (the|our|your|this|that|a) ([\w-]+\s+)?(case|ticket|file|log|record|report|list|queue|notes|investigation|complaint|thread)s?\b",
    re.I,
)
"""'Your report has been added to the case' files the complaint; it fixes nothing."""


_THROUGH = re.compile(r"(try|tries|tried|trying|attempt\w*|aim\w*|ask|asks|asked|asking|get|got|getting)$", re.I)
_THROUGH_REST = re.compile(r"^\s+((?:[\w'-]+\s+){0,4}?)to\s+(?P<verb>[a-z][a-z-]*)", re.I)


def _is_remedy_action(verb: str, rest: str) -> bool:
    """Is `verb` (with the clause text after it) a concrete action for the customer, not relaying or talking?
    Through "try to", "asked our payments team to", "get the lab to", the verb after "to" decides."""
    v = verb.lower()
    through = _THROUGH_REST.match(rest) if _THROUGH.match(v) else None
    if through:
        return _is_remedy_action(through.group("verb"), rest[through.end("verb") :])
    if _NOT_A_VERB.match(v):
        return False
    if _CASE_DESTINATION.match(rest):
        return False
    if re.match(r"(log|logg|rais|flag|lodg|book|submit|put)\w*$", v) and _SERVICE_OBJECT.match(rest):
        return True
    if v in ("make", "made", "making") and re.match(
        r"\s+(sure|certain|every effort|(it|this|that|things) (right|up to you|better))\b", rest, re.I
    ):
        return False
    if v.startswith(("work",)) and re.match(r"\s+on (it|this|that|the (issue|problem)|your (case|issue|complaint))\b", rest, re.I):
        return False
    if v.startswith(("get", "got", "come", "came")) and re.match(r"\s+(back|in touch|round to)\b", rest, re.I):
        return False
    if v.startswith(("find", "found", "work", "figur")) and re.match(r"\s+out\b", rest, re.I):
        return False  # "I'll find out what happened" investigates
    if v.startswith(("updat",)):
        return not re.match(r"\s+you\b", rest, re.I)
    if _RELAY.match(v):
        return bool(re.search(r"\bfor (priority|urgent|immediate|same-day|express)\b", rest, re.I))
    if NOT_A_REMEDY.match(v):
        return False
    if v.startswith(
        ("send", "sent", "giv", "gave", "drop", "add", "put", "leav", "left", "plac", "mak", "made")
    ) and _COMMUNICATION_OBJECT.match(rest):
        return False
    if _FILING_VERB.match(v) and (_COMMUNICATION_OBJECT.match(rest) or _RECORD_OBJECT.match(rest)):
        return False
    if v.startswith(("tak", "took")) and re.search(r"\bseriously\b", rest, re.I):
        return False
    if v.startswith(("arrang", "had", "have", "get", "got")) and re.match(r"\s+(for\s+)?\w+\s+to\b", rest) and _CAUSATIVE_REST.search(rest):  # noqa: SIM103  (the last of a chain of guards)
        return False
    return True


_COORDINATED = re.compile(
    r"^[^.!?;]*?\band (then |also |personally )?(?P<verb>[a-z]+)(?=\s+(your|the|it|them|a|an|you|this|that|everything|all|his|her|their|back)\b)",
    re.I,
)


_COGNITIVE = re.compile(
    r"(understand|understood|know|hear|heard|see|seen|imagin|feel|felt|think|believe|appreciat|realis|realiz|only|tell|value|regret|hope|wish|sympathi)\w*$",
    re.I,
)


def _coordinated_action(verb: str, rest: str) -> bool:
    """'I'll chase them and get your results to the nurse': the second verb carries the commitment.

    Only for action verbs, and only when both verbs have the same form ('I can imagine how
    frustrating and upsetting it is' coordinates adjectives, not actions)."""
    if _COGNITIVE.match(verb):
        return False
    m = _COORDINATED.match(rest)
    if not m:
        return False
    second = m.group("verb").lower()
    same_form = second.endswith("ing") == verb.lower().endswith("ing") and not second.endswith("ly")
    return same_form and _is_remedy_action(second, rest[m.end("verb") :])


def commitments(text: str, first_only: bool = False) -> list[Span]:
    """First-person (or passive) commitments to do something concrete: 'I've reissued your card',
    'I'm sending replacements', 'your claim has been approved', 'what I can do is take $50 off'."""
    masked = mask_apologies(normalize(text))
    spans: list[Span] = []
    for clause in all_clauses(masked):
        for pattern in COMMITMENT:
            for m in pattern.finditer(clause.text):
                rest = clause.text[m.end("verb") :]
                if _is_remedy_action(m.group("verb"), rest) or _coordinated_action(m.group("verb"), rest):
                    start, end = clause.start + m.start(), clause.end
                    spans.append(Span(start=start, end=end, text=text[start:end]))
                    if first_only:
                        return spans
    return spans


VAGUE_ACTION = word_rx(
    r"\b(look(s|ed|ing)? into|investigat\w*|review(s|ed|ing)?|check(ing)? what|pass(ed|ing)? (\w+ ){0,4}(on|along|up|to)|"
    r"shar(e|ed|ing) (\w+ ){0,3}(with|to)|forward(ed|ing)?|not(e|ed|ing) (your|the)|logg?(ed|ing)? (your|the)|escalat\w*|"
    r"(value|appreciate) (your|the|you)|tak(e|ing) (\w+ ){0,4}seriously|treat(ing)? (\w+ ){0,3}seriously|consider(ed|ing)?|"
    r"(added|attached|linked) to (the|your|our) (case|file|ticket|report)|answer (any|your|all) (\w+ )?questions|talk (it )?through|(are|is) aware of|working through)\b",
)
"""Relaying and investigating instead of a remedy: 'we're looking into it', 'I've passed it on'."""


def _clauses_matching(pattern: re.Pattern[str], text: str) -> list[Span]:
    """Whole clauses (as spans of `text`) in which `pattern` matches, apology clauses ignored."""
    masked = mask_apologies(normalize(text))
    return [Span(start=c.start, end=c.end, text=text[c.start : c.end]) for c in all_clauses(masked) if pattern.search(c.text)]


def check_solution_or_ask(ctx: CheckContext) -> Verdict:
    text = normalize(ctx.reply)
    offers = find_offers(ctx.reply)
    masked = mask_apologies(text)
    if (
        offers
        or commitments(ctx.reply, first_only=True)
        or find_spans(RESTORED, masked)
        or find_spans(ASK, text)
        or any(_due_outcome(c) or _done_remedy(c) for c in all_clauses(masked))
    ):
        return Verdict(True, "Proposes a concrete remedy or asks what the customer wants.")
    return Verdict(
        False,
        "No concrete remedy and no direct question about what the customer wants.",
        tuple(_clauses_matching(VAGUE_ACTION, ctx.reply)),
    )


# --- concrete-next-steps -----------------------------------------------------------------------


def _is_timed_step(clause: Sentence) -> bool:
    """A clause with a concrete time that looks ahead: 'I'll call you by 5pm', 'it ships Tuesday',
    'booked for tomorrow at 9' — not 'I refunded it today' or a question."""
    text = clause.text
    time = TIME.search(text)
    if not time or text.rstrip().endswith("?"):
        return False
    reported = REPORTED.search(text)
    if reported and reported.start() < time.start():
        return False
    if HABITUAL.search(text) and not FUTURE.search(text):
        return False
    return bool(FUTURE.search(text) or not PAST.search(text))


VAGUE_TIME = word_rx(
    r"\bas soon as (possible|we can|i can|practicable)\b",
    r"\basap\b",
    r"\b(shortly|soon|presently)\b",
    r"\bin due course\b",
    r"\b(at some point|in the near future|in the coming (days|weeks)|at a later date|in a (little|short) while|before long)\b",
    r"\bas soon as (they|it|we|i|the|your|there)\b[^.!?;,]*",
    r"\b(when|once) (the|your|this|that) \w+ (is|has been|are) (complete|completed|done|finished|ready|resolved|in)\b",
)
"""Timing that names no time: 'as soon as possible', 'shortly', 'in due course'."""


def check_concrete_next_steps(ctx: CheckContext) -> Verdict:
    masked = mask_apologies(normalize(ctx.reply))
    for clause in all_clauses(masked):
        if _is_timed_step(clause):
            return Verdict(True, "States a next step with a concrete time.")
    vague = in_original(find_spans(VAGUE_TIME, masked), ctx.reply)
    return Verdict(
        False,
        "No time-bound next step: say who will do what, by when (e.g. 'by 5pm today'), not 'as soon as possible'.",
        tuple(merge_spans(vague)),
    )


# --- follow-up ---------------------------------------------------------------------------------

_CONTACT = (
    r"(follow(-| )up|check (back|in|with you|on)|call|ring|phone|telephone|email|e-mail|text|sms|whatsapp|dm|ping|message|msg|txt|contact|update|get back|write|"
    r"reach out|confirm|touch base|let you know|keep you|be in touch|be back in touch|circle back|send you|drop you|give you a (call|ring|bell|buzz)|"
    r"look in|stay on|be in contact|come back to you|see this through|walk you through|talk you through|take you through|"
    r"go (over|through) (it|this|that|them|the \w+|everything|the results|what)[^.!?;]{0,30}with you|speak (to|with) you|talk (to|with) you|meet (with )?you|"
    r"visit you|catch up with you|revert( back)? to you|revert|join (you|your [\w-]+ ?(call|meeting|stand-?up|session|sync|review))|be on (the|a|your) call with you)"
)
FOLLOW_UP = word_rx(
    r"\bi('ll| will| am going to|'m going to| shall| would like to| want to| plan to)\s+(personally\s+|also\s+|then\s+|make sure to\s+|be sure to\s+|myself\s+|come back and\s+|follow that with\s+a\s+)*"
    + _CONTACT,
    r"\bi('ll| will| am going to|'m going to|'m| am)\b[^.!?;]{0,90}?\b(and|then) (i )?((will|'ll|shall) )?(then |also |personally )*"
    r"((follow(-| )up|check (back|in)|circle back|touch base|be (back )?in touch|get back)\b|"
    + _CONTACT
    + r"(?=[^.!?;]{0,20}\b(you|back)\b))",
    r"\byou('ll| will) hear (back )?from me\b",
    r"\b(expect|you'll get|you will get|you'll receive|you will receive|look out for|watch for) (a|an|my|another) (\w+ )?(call|email|text|message|update|ring|note|letter)s? (from me|i'll|i will)\b",
    r"\bi('ll| will)? (personally )?(be|remain) your (point of contact|contact|single point)\b",
    r"\bmy direct (line|number|email|extension)\b",
    r"\blet me (call|email|check in|follow up|get back)\b",
    r"\bi('ll| will) (personally )?(keep an eye on|monitor|watch|track) (it|this|your)\b[^.!?]{0,60}\b(and|then) (let you know|tell you|update you|call|email)",
)


IMPERSONAL_CONTACT = word_rx(
    r"\b(someone|somebody|we|the team|our team|the \w+ team|our \w+ (\w+ )?team|they|that team|the \w+ department|our \w+ department|a colleague|an agent|(someone|somebody) from [\w ]{1,30}?|"
    r"(the|our|your|a) ([\w-]+ ){0,2}(manager|team|desk|office|department|officer|handler|adviser|advisor|agent|specialist|representative|rep|unit|centre|center))\s+"
    r"(will|'ll|should|is going to|are going to|can)\s+(be in touch|contact|reach out|follow up|write|get back|call|ring|email|message|give you a (ring|call)|update|let you know)",
    r"\b(feel free|please (do )?(don't hesitate|feel free)?|don't hesitate|do not hesitate|you('re| are) (welcome|free)|you can always)\s*(to )?(contact|reach out|get in touch|call|email|write|let us know|give us a (call|ring|shout))\b",
    r"\byou('ll| will) (get|receive|hear) (an? |back )?(\w+ )?(email|call|text|update|letter|message|response|reply|from)\b[^.!?]*",
    r"\bplease (contact|call|email|reach out to|write to)\b",
    r"\byou can expect (their|a|an) (response|reply|call|email|update)\b",
)
"""Follow-up handed to someone else or back to the customer: 'the team will be in touch', 'feel free to contact us'."""


def check_follow_up(ctx: CheckContext) -> Verdict:
    text = normalize(ctx.reply)
    if find_spans(FOLLOW_UP, text):
        return Verdict(True, "Commits personally to follow up.")
    spans = in_original(find_spans(IMPERSONAL_CONTACT, text), ctx.reply)
    return Verdict(False, "No personal follow-up: the writer should say they will check back themselves.", tuple(merge_spans(spans)))
