"""no-blame-shifting and no-arguing: own the problem, never contest the customer."""

from __future__ import annotations

import re

from evals.rules.model import CheckContext, Span, Verdict
from evals.rules.text import WORD_START, find_all, in_original, mask_apologies, merge_spans, normalize, rx, sentences, word_rx

# --- no-blame-shifting -------------------------------------------------------------------------

_PARTY_NOUN = (
    r"(couriers?|carriers?|drivers?|warehouse|suppliers?|vendors?|partners?|providers?|processors?|contractors?|subcontractors?|"
    r"manufacturers?|installers?|landlords?|airlines?|airports?|hotels?|restaurants?|kitchens?|labs?|laborator(y|ies)|pharmac(y|ies)|"
    r"insurers?|banks?|brokers?|merchants?|agents?|adjusters?|tutors?|colleagues?|desk|reception|handlers?|operators?|"
    r"technicians?|engineers?|plumbers?|system|systems|software|(data ?cent(er|re))|third[- ]part(y|ies)|"
    r"secretar(y|ies)|consultants?|receptionists?|doctors?|nurses?|surger(y|ies)|clinics?|hospitals?|wards?|gp|practices?|pharmacists?|"
    r"dispatchers?|planners?|cleaners?|porters?|councils?|authorit(y|ies)|agenc(y|ies)|branch(es)?|head office|depots?|hubs?|factor(y|ies)|"
    r"customs|post office|postman|postie|riders?|chefs?|waiters?|employees?|reps?|representatives?|advis[oe]rs?|assistants?|managers?|supervisors?|"
    r"gateways?|algorithms?|bots?)"
)
_GROUP_NOUN = r"(teams?|staff|crews?|departments?|office|people|shift)"
"""Only a party with a qualifier: 'the billing department', 'the ground crew'; a bare 'our team' is just 'we'."""
_FUNCTION_WORD = re.compile(
    r"(the|a|an|and|or|but|so|like|by|to|of|for|with|on|in|at|from|who|which|that|is|was|are|were|it|its|we|i|you|they|our|their|your|this|one)$",
    re.I,
)
_DETERMINER = re.compile(r"(the|our|a|an|their|your|that|this)$", re.I)
_PARTY_HEAD = re.compile(
    WORD_START + rf"\b(?P<noun>{_PARTY_NOUN}('s)?(\s+({_PARTY_NOUN}|{_GROUP_NOUN}))?|(?P<group>{_GROUP_NOUN}))\b", re.I | re.A
)
_WORD_BEFORE = re.compile(r"([\w'-]+)\s+$")


class _Party:
    """A party noun phrase found in a sentence: 'our upstream data centre provider', 'the billing department'."""

    def __init__(self, start: int, end: int) -> None:
        self._start, self._end = start, end

    def start(self) -> int:
        return self._start

    def end(self) -> int:
        return self._end


def find_parties(sentence: str) -> list[_Party]:
    """Party noun phrases: the head noun plus up to three modifiers and a determiner before it.

    A group noun (team, staff, crew, department) needs a modifier: 'the billing department' is a
    party, a bare 'our team' is just 'we'."""
    out: list[_Party] = []
    for m in _PARTY_HEAD.finditer(sentence):
        start, modifiers = m.start(), 0
        while modifiers < 3:
            w = _WORD_BEFORE.search(sentence, max(0, start - 40), start)
            if not w or _FUNCTION_WORD.match(w.group(1)) or w.group(1).startswith("'"):
                break
            start, modifiers = w.start(1), modifiers + 1
        if m.group("group") and modifiers == 0:
            continue
        w = _WORD_BEFORE.search(sentence, max(0, start - 40), start)
        if w and _DETERMINER.match(w.group(1)):
            start = w.start(1)
        out.append(_Party(start, m.end()))
    return out


FAILURE = word_rx(
    r"\b(picked|packed|sent|shipped|supplied|entered|put|applied|loaded|delivered|gave|booked|assigned|labell?ed|coded|keyed|scanned|filed|posted|charged|billed)\b"
    r"[^.!?;]{0,40}?\b(wrong|incorrect|incorrectly|wrongly|faulty|defective|damaged|broken|expired)\b",
    r"\b(mixed|messed|screwed) (it |this |that |things |them )?up\b",
    r"\bdropped the ball\b",
    r"\bgot (it|this|that|(your|the) \w+) wrong\b",
    r"\bmade (a|an|the) (mistake|error|mess|mix-?up)\b",
    r"\b(failed|forgot|neglected) to\b",
    r"\b(didn't|did not|never|hasn't|has not|haven't|have not) (\w+ )?(register|process|enter|send|sent|pass|update|record|log|apply|deliver|turn|show|follow|check|tell|told|notify|flag|pick|pack|scan|file|submit|forward|call|reply|respond|action|book|honou?r|arrive|come|bring|brought|leave|left|collect|attend|fix|repair|install|return|load|include|confirm|inform|ring|contact|finish|complete|transfer|pay|paid|sign|approve|read|label|print|mark|reach|get|got|do|done)\w*\b",
    r"\b(wasn't|weren't|was not|were not) (\w+ )?(registered|processed|entered|sent|passed|updated|recorded|logged|applied|delivered|checked|notified|flagged|picked|packed|scanned|filed|submitted|forwarded|actioned|booked|honou?red|able)\b",
    r"\b(lost|broke|damaged|cracked|ignored|misplaced|dropped|mislaid) (your|the|it|them|his|her|my|our|a|an)\b",
    r"\bshort-?changed\b",
    r"\bglitch\w*|\bcrashed\b|\bwent down\b",
    r"\b(had|has|have|\w+'ve|been|having) (a |an )?(\w+ )?(failure|outage|glitch|problem|issue|error|fault|backlog|delays?)\b",
    r"\b(have|has|\w+'ve|had) been (having|slow|late|behind|down|holding)\b",
    r"\b(backlog|held up|caused (this|the|it|your|a|an))\b",
    r"\b(is|are|was|were) (solely |entirely |fully )?(at fault|to blame)\b",
    r"\b(short of staff|short-?handed|staff shortages?|short-?staffed|under-?staffed|overbooked|double-?booked|backed out|pulled out|no-?show|didn't (turn|show) up|ran out of)\b",
    r"\b(expectations|plans?|position|mind|requirements|terms|price|schedule|instructions)\b (\w+ )?(shifted|changed|moved)\b",
    r"\bchanged (their|his|her|its) (mind|plans?|position|terms|requirements)\b",
    r"\b(should|must|may|might) have (\w+ed|rung|caught|spotted|picked up|done|sent|told|known|hit|broken|lost|dropped|left|taken|got|tampered)\b",
    r"\b(didn't|did not|never) (\w+ )?(handle|treat|do (their|his|her|its) job|clean|look after)\b",
    r"\b(has been|have been|was|were|is|are) (\w+ )?(unreliable|careless|negligent|sloppy)\b",
    r"\b(is|are|was|were) (solely |entirely |fully )?(responsible|liable|accountable)"
    r"(?=\s*[,.;]|\s+(rather than|not)\b|\s+for (the|this|that|any|your) (\w+ )?(delay|mistake|error|damage|problem|issue|mix-?up|fault|loss|failure)s?\b)",
)
OWNERSHIP = rx(
    r"\b(our|my) (own )?(fault|failure|mistake|error|job|responsibility|doing|bad|problem to (fix|solve)|delay)\b",
    r"\b(is|was|'s|are|were) (entirely |all |completely |squarely )?(on us|on me|ours|mine)\b",
    r"\bours to (fix|sort|put right|own)\b",
    r"\bwe (take|own|accept) (full |complete )?(responsibility|ownership|the blame)\b",
    r"\bwe (should|shouldn't|should not|should never) have\b",
    r"\bthat'?s on us\b",
)
_WE = rx(r"\b(we|we're|we've|we'll|i|i'm|i've|i'll|us)\b")
_THEY = rx(r"\b(they|they're|they've|they'd|they were|they had)\b")

DEFLECT = [
    word_rx(
        r"\bnot (my|our|really our|really my) (fault|problem|department|responsibility|area|job|call|issue|doing|mistake|error|end|side)\b"
    ),
    word_rx(
        r"\b(nothing|not much|little|not a lot|nothing much) (more |else )?(that )?(i|we) (can|could) do\b",
        r"\bout of (my|our) hands\b",
        r"\bbeyond (my|our) control\b",
        r"\b(i|we) (simply |just )?(can't|cannot|can not|have no|don't have any|do not have any) control\b",
        r"\b(i|we) (just|only) (handle|deal with|work in)\b",
    ),
    word_rx(
        r"\b(i|we) (can't|cannot|can not|am unable to|are unable to|'m not able to|am not able to|'re not able to) (help|assist)( you)? with (it|this|that|those|these)\b",
        r"\b(that|this|it|this one|that one|the decision|that decision|the call|that call|the matter|responsibility)('s| is| was)? (really |squarely |firmly |entirely )?(sits|lies|rests|stays|one) with\b",
        r"\b(a|an|the|that) ([\w-]+ ){0,2}(department|team|office|desk|division|branch|depot|store)('s)? (issue|matter|problem|thing|area|responsibility|call|decision)\b",
        r"\b(mistake|error|fault|oversight|slip|failure|mix-?up)s? ((was|were) )?(made )?(by|on the part of) (a|an|the|one of (our|the|their)|their|that|this)\b",
        r"\bso (they|them|the [\w-]+)( (?!can|will|could|would|should|may|might|need)[\w-]+)? (handle|handles|deal with|deals with|are responsible for|is responsible for|look after|looks after|take care of|takes care of|decide|decides) \w+",
        r"\b(handled|dealt with|covered|decided|managed) by (the|their) ([\w-]+ )?(manufacturer|courier|bank|insurer|supplier|airline|partner|provider|warranty|landlord|vendor|carrier)\b",
        r"\b(that|it|this|the (delay|problem|issue|mistake|error|mix-?up|hold-?up))('s| is| was) (really |entirely |all |just |actually )?(down to|the fault of|because of) (?-i:[A-Z][\w&'-]+)(?<!Monday)(?<!Tuesday)(?<!Wednesday)(?<!Thursday)(?<!Friday)(?<!Saturday)(?<!Sunday)",
    ),
    word_rx(
        r"\bnot something (i|we) (handle|deal with|can help with|can do anything about|could (have )?(control|prevent|foresee)\w*|can control|control)\b",
        r"\b(wasn't|was not|isn't|is not) (something )?(within|in) (our|my) control\b",
        r"\bnot (handled|managed|done) by us\b",
        r"\b(wasn't|was not|isn't|is not) (us|me|our doing)\b",
    ),
    word_rx(
        r"\b(wasn't|was not|isn't|is not) (a|an|the) (mistake|error|decision|problem|fault|failure) (on our (end|part|side)|(that )?(anyone|anybody|someone) here made|we made|of ours|by us)\b",
        r"\bnot (from|on|by|with|at) (us|our (end|side))\b",
        r"(?<=[,;] )not (us|ours|me|mine|our (fault|problem|doing))\b",
        r"\brather than (us|ours)\b",
        r"\b(is|was|\w+'s) theirs\b",
        r"\btheir (responsibility|fault|mistake|error|doing)\b",
        r"\b(on|from) their (end|side|watch)\b",
    ),
    word_rx(
        r"\b(that|it|this|this one|that one|the (delay|problem|issue|mistake|error|blame|mix-?up|hold-?up|duplicate|hassle))('s| is| was) "
        r"(really |entirely |all |squarely |honestly |actually |just |mainly |mostly |largely )?(on|down to|(?<!\bit's )(?<!\bit is )with|because of) (them\b|you\b|(the|their|a|an|your|that|this|our|one of our)\s+([\w'-]+\s+){0,3}?"
        + _PARTY_NOUN
        + r"\b)"
    ),
    word_rx(
        r"\b(the|our|their|that|this)\s+([\w'-]+\s+){0,3}?"
        + _PARTY_NOUN
        + r"\s+(is|was|are|were)\s+(the|where the)\s+(problem|issue|cause|culprit|weak link)\b",
        r"\b(they|they're|he|he's|she|she's|the\s+([\w'-]+\s+){0,2}?"
        + _PARTY_NOUN
        + r")('re| are| is|'s| were| was)?\s+(solely |fully |entirely )?(responsible|liable|accountable)\s+for\s+"
        r"(any |the |this |that |your |all )?(\w+ )?(damage|delays?|problems?|issues?|mistakes?|errors?|loss(es)?|mess|mix-?ups?|failures?|faults?|breakages?|this|that|it)\b",
    ),
    word_rx(r"\b(they|they're|they are|they were|it's them|it was them) (are |were )?the ones (who|that)\b"),
    word_rx(
        r"\byou (really |honestly |probably |certainly |clearly )?(should|shouldn't|should not|ought to|needed to|need to)( have|'ve) "
        r"(?!(received|been|had|got|gotten|paid|seen|experienced|faced|waited|suffered)\b)(\w+ed|read|known|told|called|checked|done|sent|kept|taken|given|made|gone)\b",
        r"\byou (really |honestly |probably |certainly |clearly )?(should|ought to)( have|'ve) had (it|this|that|them|the \w+) \w+ed\b",
        r"\byou (failed|neglected|forgot) to\b",
        r"\b(your|the customer'?s) (own )?(fault|mistake|error)\b",
        r"\bif you had (read|followed|checked|paid|entered|told|called|updated)\b",
        r"\b(if you('d| had)|had you)( only| just| simply)? [a-z]+\b[^.!?;]{0,80}\b(none of this|wouldn't have|would not have|would have|could have been avoided)\b",
        r"\byou didn'?t (read|follow|check|enter|update)\b",
        r"\byou (\w+ )?(entered|typed|selected|chose|picked|gave|provided|put|booked|ordered|clicked|ticked|used|set|filled in)\b[^.!?;]{0,60}(, not (the|your|our|a)\b|\bthe wrong\b|\bincorrect(ly)?\b)",
        r"\b(please )?(make sure|ensure|remember|be sure) (that )?you (always|never)\b",
        r"\b(in future|next time|going forward|from now on),? (please )?(you (should|must|need to|will need to|'ll need to|have to) )?"
        r"(make sure|ensure|remember|(double-)?check|read|allow|arrive|bring|verify|follow|keep|download|save|always|never)\b",
        r"\byou (should|must|need to|have to) (always|never)\b(?! have (been|had|received|got|seen|paid|waited)\b)",
    ),
    word_rx(
        r"\b(you('ll| will)|you'd|you would|you) (need|have|must|should) to (contact|call|reach out to|take (it |this |that )?up with|speak to|complain to|chase|go back to|ask|"
        r"raise (it|this|that|the \w+) with|get in touch with|write to|email|claim (it |this |that )?(from|with|through)|apply to|go through)\b",
        r"\b(my|our) hands are tied\b",
        r"\b(is|\w+'s|was) (a matter|an issue|a question|something|one) for (the|your|their)\b",
        r"\bplease (contact|call|reach out to|take (it |this |that )?up with|speak to|complain to|chase) (the|your) (courier|carrier|bank|manufacturer|provider|supplier|card issuer|insurer|landlord|airline|hotel|restaurant|broker|merchant|store|shop)\b",
        r"\byour best bet is to\b",
        r"\bit'?s up to you to\b",
    ),
    # The customer's side as the likely cause: "it may have been added by accident on your end", "the slowdown is
    # most likely your Wi-Fi setup", "You must have skipped the fee summary", "the dates were selected by you".
    word_rx(
        r"\b(by accident|accidentally|problem|issue|fault|error|mistake|may|might|likely|probably|worth checking|check)\b[^.!?;]{0,40}\b(on|at|from) your (end|side)\b",
        r"\byou must have (skipped|missed|entered|typed|selected|clicked|signed|forgotten|forgot|misread|overlooked|deleted|changed|turned|switched|pressed|ticked|left|used|booked|ordered|chosen|chose)\b",
        r"\b(selected|chosen|entered|booked|ordered|typed|requested|ticked|set) by you\b",
        r"\b(looks|seems) (like|as if|as though) you\b[^.!?;]{0,40}\b(twice|by mistake|by accident|wrong|incorrect)",
        r"\b(most likely|probably|likely|may (have been|be)|might (have been|be)|could (have been|be)) (on |down to |due to |caused by )?your (\w+ ){0,2}"
        r"(wi-?fi|router|equipment|set-?up|network|settings|device|phone|handset|browser|connection|usage|wiring)\b",
        r"\b(down to|because of|due to) how (you|the \w+ (was|were))\b",
    ),
    word_rx(
        r"\b(the|a|that|this) \w+'s (own )?(fault|mistake|error|problem|decision|call|choice|doing|responsibility|negligence)\b",
        r"\b(are|is|were|was) (all )?(independent|self-employed|third[- ]party|external|separate|freelance) (contractors?|compan(y|ies)|business(es)?|operators?|providers?|firms?|traders?|sellers?)\b",
        r"\b(his|her|their) (own )?(fault|mistake|error|doing)\b",
        r"\bblame (lies|rests)\b",
        r"\b(is|was|are|were) to blame\b",
        r"\bwe (were|are) (just )?(let down|failed) by\b",
    ),
]


ATTRIBUTION = word_rx(
    r"\b(was|were|got|been|being) (damaged|lost|delayed|cancell?ed|mishandled|misrouted|misdirected|dropped|broken|left|sent|delivered|returned|held|rejected|declined|refused|"
    r"withdrawn|cut|misread|mislabell?ed)\b[^.!?;]{0,30}\bby (the|a|an|their|our|your|one of our) ([\w'-]+\s+){0,2}?" + _PARTY_NOUN + r"\b",
    r"\b(caused by|((delay|problem|issue|error|fault|mistake|mix-?up|hold-?up|damage|outage|failure|confusion|it|this|that)s?|which) (came|comes) from|"
    r"originated (with|at|from|in)|stemmed from|(was|is) due to|(was|is) the result of)\s+"
    r"(our\s+|the\s+|a\s+|an\s+|their\s+)?([\w'-]+\s+){0,5}?" + _PARTY_NOUN + r"\b",
)
"""'The delay came from a fault in the payment provider's system': the cause placed with someone else."""


def _owned_sentences(text: str) -> list[tuple[int, int, bool]]:
    sents = sentences(text)
    return [
        (s.start, s.end, bool(OWNERSHIP.search(s.text) or (i + 1 < len(sents) and OWNERSHIP.search(sents[i + 1].text))))
        for i, s in enumerate(sents)
    ]


def _attributions(text: str) -> list[Span]:
    """Causes placed with a third party, unless that sentence (or the next) owns the problem."""
    owned = _owned_sentences(text)
    return [
        Span(start=m.start(), end=m.end(), text=m.group(0))
        for m in ATTRIBUTION.finditer(text)
        if not any(start <= m.start() < end and is_owned for start, end, is_owned in owned)
    ]


def _party_failures(text: str) -> list[Span]:
    """A third party, department or 'the system' as the one who failed, in a sentence that does not own it.

    "Our warehouse team picked the wrong size" blames; "our team checks each bowl, but we missed
    your protein" and "the crew took down the wrong tree, and that's entirely our fault" own it.
    """
    masked = mask_apologies(text)
    if not FAILURE.search(masked):
        return []
    sents = sentences(masked)
    spans: list[Span] = []
    for i, s in enumerate(sents):
        failures = list(FAILURE.finditer(s.text))
        if not failures:
            continue
        nxt = sents[i + 1].text if i + 1 < len(sents) else ""
        if OWNERSHIP.search(s.text) or OWNERSHIP.search(nxt):
            continue
        parties = find_parties(s.text)
        if not parties:
            continue
        for f in failures:
            start = _agent_start(s.text, parties, f.start())
            if start is not None:
                spans.append(Span(start=s.start + start, end=s.start + f.end(), text=text[s.start + start : s.start + f.end()]))
    return spans


_RELATIVE_WE = re.compile(
    r"^\s*((that|who|which|whom)\s+)?(we|i)\s+(use|used|work with|worked with|hired|contract|contracted|partner with|employ|employed|chose|rely on|appointed|instructed|booked)\b",
    re.I,
)
"""'the loss adjuster we use mislaid your file': the 'we' is inside the party's description, not taking over as subject."""


def _agent_start(sentence: str, parties: list[_Party], failure_at: int) -> int | None:
    """Where the failing agent starts: the nearest party before the failure (or 'they' referring back
    to one), with no 'we'/'I' taking over as the subject in between."""
    agent = next((p for p in reversed(parties) if p.end() <= failure_at), None)
    if agent is not None:
        gap = _RELATIVE_WE.sub("", sentence[agent.end() : failure_at])
        if len(gap) <= 60 and not _WE.search(gap):
            return agent.start()
        they = [t for t in _THEY.finditer(sentence, agent.end(), failure_at)]
        if they and len(sentence[they[-1].end() : failure_at]) <= 40 and not _WE.search(sentence[they[-1].end() : failure_at]):
            return they[-1].start()
    return None


def check_no_blame_shifting(ctx: CheckContext) -> Verdict:
    text = normalize(ctx.reply)
    masked = mask_apologies(text)
    spans = in_original(merge_spans(find_all(DEFLECT, masked) + _attributions(masked) + _party_failures(text)), ctx.reply)
    if spans:
        return Verdict(False, "Shifts blame to someone else (a colleague, department, partner or the customer) or deflects.", tuple(spans))
    return Verdict(True, "Takes ownership; no one else is blamed.")


# --- no-arguing --------------------------------------------------------------------------------

SURE_IT_WONT_MATTER = word_rx(
    r"\bi'?m sure\b[^.!?;]{0,60}\b(won't|wouldn't|didn't|isn't|wasn't|hasn't|haven't|can't|doesn't) (have )?(really |actually |even |truly )?"
    r"(undone|hurt|harmed|ruined|matter|mattered|made (much|any|a) difference|that bad|the end|a big deal|affected|spoiled|set)\w*[^.!?;]*"
)
"""'I'm sure a few missed sessions won't have undone everything': brushes off the customer's worry (also sarcasm for calm-tone)."""

_CLAUSE_REST = r"[^.!?;:]*"
ARGUING = [
    word_rx(
        r"\bno need (for|to take) (that|such|this) (tone|language|attitude|behaviou?r)\b",
        r"\b(watch|mind) your (language|tone)\b",
        r"\b(i|we) (will not|won't|do not|don't) (tolerate|accept) (abuse|rudeness|that|this|language|behaviou?r)\b",
        r"\b(i|we) (must|have to|need to|should|would like to|'d like to) (just )?(point out|remind you|stress|emphasi[sz]e)\b",
        r"\b(may|can) i remind you\b",
        r"\bjust to remind you\b",
        r"\bi'?m sure you('ll| will| can| would) (agree|understand|appreciate|see)\b",
        r"\byou (must|will surely|surely) (agree|understand|appreciate|see)\b",
    ),
    word_rx(
        r"\bcalm down\b",
        r"\b(no|not any) need to (shout|yell|be rude|use (that|such) language|raise your voice|get (so )?(upset|worked up|angry)|be (so )?(upset|angry|aggressive))\b",
        r"\bplease (stop|refrain from) (shouting|yelling|swearing|using (that|such|this|abusive|offensive|foul|bad|that kind of) (language|words|tone))\b",
    ),
    word_rx(
        r"\byou('re| are) (simply |clearly |obviously |quite )?(wrong|mistaken|incorrect|confused|overreacting|misinformed|misunderstanding)\b",
        r"\byou (have )?(misunderstood|misread|misremember\w*)\b",
        r"\byou must have (misread|forgotten|mistaken|misunderstood|missed|overlooked|clicked|entered|typed|confused|ignored|deleted)\b",
    ),
    word_rx(
        r"\b(that|this|it)('s| is| was)? (simply |just )?(incorrect|untrue|false|inaccurate)\b",
        r"\b(that|this|it)('s| is| was)?( simply| just)?( not|n't) (quite |entirely |strictly |exactly )?(true|the case|what (happened|was agreed|we said)|how (it|this|that) (happened|works))\b",
        r"\b(that|this|it)('s| is| was)?( simply| just)?( not|n't) (quite |entirely |strictly |exactly )?(right|correct|accurate)(?=\s*[.;:!,]|\s*$)",
        r"\b(that|this|it)( is|'s| was)?( not|n't) (a |an )?(rip[- ]?off|theft|stealing|scam|fraud|robbery|daylight robbery|con|lie|the case)\b",
        r"\bnot something (we|i) (caused|did|broke|were responsible for|are responsible for)\b",
        r"\bso technically\b",
    ),
    word_rx(
        r"(?:^|(?<=[.!?;:] )|(?<=\n)|(?<=\bbut )|(?<=\bwell )|(?<=\bwell, ))actually\b,?" + _CLAUSE_REST,
        r"\bwith (all )?(due )?respect,",
        r"\bto be (fair|clear|honest),?[^.!?;:]{0,40}\b(not|n't|never|no|wrong|mistaken|incorrect|correct)\b" + _CLAUSE_REST,
    ),
    word_rx(
        r"\bas (previously |already |clearly |was |is )*(stated|mentioned|explained|outlined|noted|indicated|advised|communicated)\b(?! by you)",
        r"\bas (i|we) (already |previously |have )*(said|explained|told you|stated|mentioned|advised)\b",
        r"\b(i|we)('ve| have)? (already|previously) (explained|told you|said|stated|mentioned|advised|answered)\b",
        r"\bas you were (told|advised|informed)\b",
    ),
    word_rx(
        r"\b(per|according to|under|in line with|as per|in accordance with) (our|the|your) ([\w-]+ )?(policy|policies|terms|t&cs|terms and conditions|agreement|contract|records|guidelines|rules|system|systems|logs|conditions( of (carriage|sale|service|use))?)\b"
        + _CLAUSE_REST,
        r"\b(our|the) (\w+ )?policy (states|says|clearly|is (clear|that)|does not|doesn't|requires|stipulates)\b",
        r"\b(clearly |plainly |explicitly )?(stated|outlined|explained|written|listed|printed|shown|set out|displayed|spelled out|mentioned) (clearly |plainly |explicitly )?(in|on) (our|the|your) ([\w-]+ ){0,2}"
        r"(terms|policy|contract|agreement|faq|fine print|small print|t&cs|conditions|receipt|invoice|confirmation|booking|ticket|paperwork|documents?|documentation|website|listing|form|email|letter|page)\b",
        r"\b(is|was|are|were) (all )?(clearly|plainly|explicitly) (stated|written|printed|shown|displayed|explained|listed|set out|marked|spelled out)\b",
        r"\bnot (exactly |really )?hidden\b",
        r"\bplease understand\b",
        r"\b(per|under|as per|according to|in accordance with|in line with) (clause|section|paragraph|article|condition|rule|term|schedule) \d"
        + _CLAUSE_REST,
        r"\bthe rules are the rules\b",
        r"\b(rules|policy|policies) (is|are) (the )?(rules|policy|policies)\b",
        r"\bthat'?s (just )?(how|the way) (it|things) (is|are|works?)\b",
        r"\byou (may not|might not|don't have to) like it\b",
        r"\byou did (agree|sign|accept|consent|order|book|receive|authori[sz]e|confirm|tick|click|request|ask for)\b",
    ),
    word_rx(
        r"\b(our|the) ([\w-]+ ){0,2}(records|system|systems|logs|data|notes|tracking|history|footage|files|recordings?) (clearly )?(show|shows|showed|indicate|indicates|indicated|confirm|confirms|confirmed|say|says|said|prove|proves)\b"
    ),
    word_rx(
        r"(?:^|(?<=[,;:] )|(?<=\band )|(?<=\bbut )|(?<=\bsince )|(?<=\bbecause )|(?<=\bwhen )|(?<=\bas )|(?<=\bthough )|(?<=\bhowever )|(?<=\bsaid, )|(?<=\bremember, ))"
        r"you (agreed|consented|accepted|signed up|signed|initial(l)?ed|ticked|confirmed|acknowledged) (to|that|in|when|under|on)\b"
        + _CLAUSE_REST,
        r"\byou (signed|accepted|agreed to|initial(l)?ed|ticked|read and accepted) (the|our|your|a|an|this) ([\w-]+ ){0,2}(contract|agreement|terms|t&cs|waiver|box|form|policy|conditions)\b"
        + _CLAUSE_REST,
        r"\b(the|that|this|your) (fee|charge|price|bill|invoice|penalty|fine|deduction|amount) (still )?(stands|is valid|was valid|is correct|was correct|is legitimate|is fair|was fair)\b",
        r"\bwhich you (accepted|agreed to|signed|consented to)\b",
        r"\b(agreement|contract|terms|forms?) you signed\b",
        r"\b(it is|it's|that is|that's) your responsibility\b",
        r"\b(please|kindly) (read|review|refer to|re-?read|check) (the|our|your) (terms|policy|faq|contract|manual|instructions|agreement|fine print)\b",
    ),
    # minimising what the customer went through contests their feelings
    SURE_IT_WONT_MATTER,
    word_rx(
        r"\b((it'?s|that'?s|it was|this is) (not|hardly|really not)|it isn'?t|that isn'?t|it wasn'?t) (that|such|so) (a )?(big|bad|serious|major|terrible|awful)\b",
        r"\bcould have been (a lot |much |far )?worse\b",
        r"\b(hardly|not exactly|not really|it'?s not|isn'?t) (the end of the world|a disaster|a catastrophe|a tragedy)\b",
        r"\bno (real )?harm done\b",
        r"\b(look on|on) the bright side\b",
        r"\bat least,? (you|nobody|no one) (still |only |didn'?t |wasn'?t |weren'?t |got )",
    ),
    word_rx(
        r"\b(we|i) (have|has|can find|could find|can see|could see|found) no (record|trace|evidence|sign|note|log)\b" + _CLAUSE_REST,
        r"\bthere (is|was|'s) no (record|trace|evidence) (of|that)\b" + _CLAUSE_REST,
        r"\b(we|i) (can't|cannot|couldn't|could not) find (any )?(record|trace|evidence)\b" + _CLAUSE_REST,
        r"\byou were (?!never\b|not\b)(clearly |fully |duly |already )?(informed|notified|advised|made aware|warned)\b" + _CLAUSE_REST,
    ),
    word_rx(
        r"\b(further|continued|any more|any further) (abuse|rudeness|calls|messages|threats|abusive \w+|behaviou?r like this)\b[^.!?]*",
        r"\b(will|may|could) result in (your )?(account|service|booking|membership|contract)\b[^.!?]*",
    ),
    word_rx(
        r"\bif you continue\b[^.!?]*",
        r"\b(we|i) (will|may|reserve the right to|would have to|might have to) (close|terminate|suspend|ban|block|end)\b[^.!?]{0,30}\b(account|service|call|chat|conversation)\b",
        r"\b(we|i) (will|may) (take|pursue|consider) legal action\b",
    ),
    word_rx(
        r"\bthere (is|was) (nothing|no (error|fault|problem|mistake)) (wrong )?(with|on|in|from) (our|the)\b",
        r"\b(was|were|has been|had been) (processed|working|delivered|functioning|billed|charged) (normally|correctly|properly|as expected|accurately)\b",
    ),
]


def check_no_arguing(ctx: CheckContext) -> Verdict:
    spans = in_original(find_all(ARGUING, normalize(ctx.reply)), ctx.reply)
    if spans:
        return Verdict(
            False,
            "Argues with the customer: contradicts them, tells them to calm down, lectures with policy or records, or threatens back.",
            tuple(spans),
        )
    return Verdict(True, "Does not argue with the customer.")
