"""emotion-first: acknowledge the customer's feelings before turning to the fix."""
from __future__ import annotations

from evals.rules.model import CheckContext, Verdict
from evals.rules.text import Sentence, body_sentences, rx

FEELING = rx(
    r"\b(frustrat\w*|upset\w*|angr(y|ier|ily)|anger|annoy\w*|infuriat\w*|maddening|furious|fuming|livid|stress\w*|"
    r"worr\w*|anxi\w*|disappoint\w*|exasperat\w*|scar(y|ed|ing)|frighten\w*|distress\w*|unsettl\w*|alarm\w*|"
    r"fed up|outrag\w*|irritat\w*|aggravat\w*|heartbreak\w*|heartbroken|devastat\w*|panic\w*|nerve-?wracking|"
    r"overwhelm\w*|exhaust\w*|let down|betrayed|insult\w*|embarrass\w*|humiliat\w*|uneasy|shaken|helpless|"
    r"powerless|unfair|hurt|painful|miserable|nightmare|ordeal|awful|horrible|terrible|unacceptable|inexcusable|"
    r"galling|rattl\w*|gutted|exasperating|nervous|fear\w*|upsetting|concern\w*|inconvenien\w*)\b"
)
EMPATHY_FRAME = rx(
    r"\b(every|a|full|complete) right to be\b",
    r"\bright to (be|feel)\b",
    r"\bi('d| would)( also)? (be|feel)\b[^.!?]{0,30}\b(too|same|as well|just as)\b",
    r"\bin your (shoes|position|place)\b",
    r"\bi can (only )?(imagine|hear|see|tell|understand)\b",
    r"\bi hear (you|how|that|the)\b",
    r"\bi (completely |totally |fully |really |absolutely )?(understand|get|know|appreciate|realis|realiz)\w* (how|why|that you|that this|what|just how|your)\b",
    r"\bno wonder\b",
    r"\bunderstandabl[ey]\b",
    r"\b(must|would) (be|have been|feel|have felt)\b",
    r"\bthat sounds\b",
    r"\byou('re| are| were|'ve| have)\b[^.!?]{0,25}\b(upset|angry|frustrated|furious|worried|disappointed|fed up|livid|annoyed|stressed|scared|let down)\b",
    r"\bit'?s (completely |totally |entirely )?(fair|reasonable|natural|normal) (to|that you)\b",
    r"\bwhat a\b",
    r"\bhow (frustrating|upsetting|stressful|worrying|maddening|infuriating|disappointing|awful|hard|difficult)\b",
)
YOU = rx(r"\b(you|your|you're|you've|yourself)\b")
FIX = rx(
    r"\b(i|we)('ve| have| had| will|'ll| am| 'm|'m| are|'re| can| just)( already| now| also| just| personally)?\b[^.!?]{0,40}\b(refund|credit|replac|reship|restor|reset|reinstat|repair|fix|patch|rebook|reimburs|compensat|waiv|cancel|issu|arrang|schedul|dispatch|sen[dt]|process|escalat|upgrad|appl|book|expedit|investigat|look|check|confirm|found|traced|identif|updat|correct|remov|revers|unlock|reactivat|reconnect|credit|add)",
    r"\bplease (try|restart|reboot|clear|click|log|check|update|reinstall|make sure|ensure|note|be aware|read|refer)\b",
    r"\b(was|were) caused by\b",
    r"\bthe (root )?cause\b",
    r"\bdue to (a|an|the|our)\b",
    r"\b(policy|terms and conditions|terms of service|our records|the system shows|according to)\b",
    r"\b(your|the) (refund|replacement|order|package|parcel|service|account|site|website|server|outage|issue|problem|fault|engine|connection)\b[^.!?]{0,20}\b(has been|have been|will be|is being|is now|is back|was)\b",
    r"\b(the )?(issue|problem|outage|fault|error|glitch|bug) (is|was|has been) (fixed|resolved|caused|on)\b",
)


def is_acknowledgement(sentence: Sentence) -> bool:
    text = sentence.text
    if EMPATHY_FRAME.search(text) and (FEELING.search(text) or YOU.search(text)):
        return True
    return bool(FEELING.search(text) and YOU.search(text) and not _only_inconvenience(text))


def _only_inconvenience(text: str) -> bool:
    """'Sorry for the inconvenience' names no feeling; it is the non-acknowledgement."""
    found = {m.group(0).lower() for m in FEELING.finditer(text)}
    return bool(found) and all(w.startswith("inconvenien") or w.startswith("concern") for w in found)


def check_emotion_first(ctx: CheckContext) -> Verdict:
    body = body_sentences(ctx.reply)
    if not body:
        return Verdict(False, "The reply is empty.")
    ack_at = next((i for i, s in enumerate(body) if is_acknowledgement(s)), None)
    fix_at = next((i for i, s in enumerate(body) if FIX.search(s.text) and not is_acknowledgement(s)), None)
    if ack_at is None:
        return Verdict(
            False,
            "The reply never acknowledges how the customer feels; it goes straight to facts.",
            (body[0].span(),),
        )
    if fix_at is not None and fix_at < ack_at:
        return Verdict(
            False,
            "The reply turns to the fix or explanation before acknowledging the customer's feelings.",
            (body[fix_at].span(),),
        )
    if ack_at > 2:
        return Verdict(
            False,
            "The feelings are acknowledged, but only late in the reply; open with them.",
            tuple(s.span() for s in body[:ack_at]),
        )
    return Verdict(True, "Acknowledges the customer's feelings before the fix.")
