"""emotion-first: acknowledge the customer's feelings before turning to the fix."""

from __future__ import annotations

from evals.rules.model import CheckContext, Verdict
from evals.rules.text import Sentence, is_greeting, is_stage_direction, mask_apologies, normalize, rx, sentences, word_rx

ACK_WITHIN = 2
"""The acknowledgement must come in the first two sentences after the greeting."""

FEELING = word_rx(
    r"\b(frustrat\w*|upset\w*|angr(y|ier|ily)|anger|annoy\w*|infuriat\w*|maddening|furious|fuming|livid|stress\w*|"
    r"worr\w*|anxi\w*|disappoint\w*|exasperat\w*|scar(y|ed|ing)|frighten\w*|distress\w*|unsettl\w*|alarm\w*|"
    r"fed up|outrag\w*|irritat\w*|aggravat\w*|heartbreak\w*|heartbroken|heart-?wrenching|gut-?wrenching|devastat\w*|"
    r"panic\w*|nerve-?(wracking|racking)|overwhelm\w*|exhaust\w*|let down|betrayed|insult\w*|embarrass\w*|humiliat\w*|"
    r"mortif\w*|uneasy|shaken|helpless|powerless|hurt|painful|miserable|nightmare|ordeal|awful|horrible|terrible|"
    r"galling|rattl\w*|gutted|nervous|fear\w*|afraid|grief|griev\w*|heartache|desperat\w*|abandoned|misled|conned|"
    r"cheated|ignored|dismissed|fobbed off|brushed off|cross(?!-)|sick of|tired of|demoralis\w*|demoraliz\w*|discourag\w*|"
    r"terrif(y|ied|ying)|petrif\w*|horrif\w*|shock(ed|ing)?(?! absorber)|appall\w*|dread(ful|ed|ing)?|gutting|heartsick|sad|sadden\w*|"
    r"disgust\w*|harrowing|trauma\w*|horrendous|hurtful|sickening|unnerv\w*|bewilder\w*|confus\w*|dismay\w*|indignan\w*|"
    r"resent\w*|bitter|sting(s|ing)?|stung|deflat\w*|dishearten\w*|crestfallen|on edge|wits'? end|end of (your|the|their|my|anyone's) tether|breaking point|cornered|sinking feeling|"
    r"last straw|kick in the teeth|losing sleep|up at night|hair out|tension|sickener|hassle|headache|"
    r"concern\w*|inconvenien\w*)\b"
)
NON_FEELING = ("inconvenien", "concern")
"""'Sorry for the inconvenience' / 'we note your concerns' name no feeling: they are the non-acknowledgement."""

EXPERIENCER = rx(
    r"\b(you|your|you're|you've|yourself|anyone|anybody|everyone|most people|any(one|body)'s|me too|i'd|i would)\b",
    r"\b(is|was|are|were|'s|'re|sounds|sounded|must be|must have been|would be|would have been|would've been|feels|felt|seems|looks|"
    r"is enough to (make|leave) (anyone|anybody|someone|you)|leaves? (anyone|anybody|you)|left you)\s+"
    r"([a-z]+ly |so |really |genuinely |incredibly |deeply |truly |absolutely |completely |understandably |such |an? |just |pretty |very |utterly |"
    r"beyond |properly |seriously |hugely |enormously |extremely |quite |a (real|genuine|horrible|terrible) )*"
    r"(frustrat|upsett|infuriat|maddening|stress|worr|alarm|distress|scar|frighten|heartbreak|heart-?wrench|gut-?wrench|"
    r"nerve|exhaust|humiliat|embarrass|mortif|insult|galling|miserable|awful|horrible|terrible|devastat|painful|unsettl|exasperat|"
    r"annoy|aggravat|irritat|terrif|petrif|horrif|shock|appall|dread|gutt|disappoint|demoralis|demoraliz|dishearten|"
    r"disheart|hurtful|sickening|harrowing|traumat|unnerv|nightmare|ordeal|anxi|overwhelm|upsetting|distressing|"
    r"kick in the teeth|blow|slap in the face)",
    r"\b(sorry|apologi[sz]e|apologies)\b[^.!?]{0,12}\b(for|about) (the|all the|this|that|your|so much) (frustration|stress|worry|upset|anxiety|distress|anger|disappointment|heartache|embarrassment|fear)\b",
)
EMPATHY_FRAME = word_rx(
    r"\b(every|a|full|complete) right to be\b",
    r"\bright to (be|feel)\b",
    r"\bi('d| would)( also)? (be|feel)\b[^.!?]{0,30}\b(too|same|as well|just as)\b",
    r"\bin your (shoes|position|place)\b",
    r"\bi can (only )?(imagine|hear|see|tell|understand)\b",
    r"\bi hear (you|how|that|the)\b",
    r"\bi (completely |totally |fully |really |absolutely |can |do |truly )*(understand|get|know|appreciate|realis|realiz)\w* (how|why|that you|that this|what|just how|your)\b",
    r"\bi (really |truly )?feel for you\b",
    r"\bno wonder\b",
    r"\bunderstandabl[ey]\b",
    r"\b(must|would) (be|have been|feel|have felt)\b",
    r"\bthat sounds\b",
    r"\bit'?s (completely |totally |entirely )?(fair|reasonable|natural|normal) (to|that you)\b",
    r"\bwhat an?\b",
    r"\bhow (frustrating|upsetting|stressful|worrying|maddening|infuriating|disappointing|awful|hard|difficult)\b",
)
STRAIN_IDIOM = word_rx(
    r"\b(wear|wears|wore|try|tries|test|tests|fray|frays|stretch|exhaust)\s+(anyone's|anybody's|everyone's|your|most people's|my)\s+(patience|nerves)\b",
    r"\b(drive|drives|drove|driving)\s+(me|anyone|anybody|you|most people)\s+(up the wall|mad|crazy|round the bend|spare|to distraction)\b",
    r"\b(wear|wears|wore|wearing|grind|grinds|ground|get|gets|got|getting)\s+(anyone|anybody|you|most people|people|me)\s+down\b",
    r"\b(put|puts|putting) (you|anyone) through the (wringer|mill)\b",
    r"\b(would|could|will|must|is enough to)\s+(scare|infuriate|upset|frustrate|anger|annoy|worry|rattle|unsettle|exhaust|stress|alarm|frighten)\s+(anyone|anybody|most people|me|you)\b",
    r"\b(sorry|condolences) (for|about|on) (the|your) (loss|passing|bereavement)\b",
    r"\b(the )?last thing (you|anyone|anybody|any of us|most people) (need|needs|needed|want|wants|wanted)\b",
)
YOU = rx(r"\b(you|your|you're|you've|yourself)\b")
FIX = word_rx(
    r"\b(i|we)('ve| have| had| will|'ll| am| 'm|'m| are|'re| can| just)( already| now| also| just| personally)?\b[^.!?]{0,40}\b(refund|credit|replac|reship|restor|reset|reinstat|repair|fix|patch|rebook|reimburs|compensat|waiv|cancel|issu|arrang|schedul|dispatch|sen[dt]|process|escalat|upgrad|appl|book|expedit|investigat|look|check|confirm|found|traced|identif|updat|correct|remov|revers|unlock|reactivat|reconnect|credit|add|mov|gone through|went through|review|"
    r"sort|resolv|unblock|clear|approv|extend|switch|activat|re-?enabl|cover|paid|pay|ship|post|deliver|organi[sz]|resubmit|amend|adjust|chang|rais|lodg|submit|flag|logg)",
    r"\b(i|we) (checked|reviewed|looked|investigated|confirmed|traced|found|identified|located|went through|pulled up)\b",
    r"\blet me (pull up|check|look|see)\b",
    r"\bi have your (case|account|file|booking|order|claim)\b",
    r"\bplease (try|restart|reboot|clear|click|log|check|update|reinstall|make sure|ensure|note|be aware|read|refer)\b",
    r"\b(was|were) caused by\b",
    r"\b(will|\w+'ll|is going to|are going to|is booked to|are booked to|is scheduled to|is due to)\b( now| also| then)?\s+(visit|arrive|deliver|fix|repair|replace|refund|credit|attend|collect|"
    r"be with you|be there|be back|ship|dispatch|reach|restore|reconnect|install|inspect|process|appear|clear|land|show)\b",
    r"^\s*(to [^,]{3,40},\s*)?(please\s+)?(try|restart|reboot|reset|hold|press|click|tap|go to|open|unplug|plug|switch|turn|clear|update|reinstall|"
    r"select|enter|log in|sign in|download|install|navigate|make sure|ensure|check)\b",
    r"\b(was|were|has been|have been|got) \w+ed because\b",
    r"\bbecause (the|your|our|a|an|of (a|an|the|our|an?))\b[^.!?]{0,40}\b(failed|was|were|didn't|did not|wasn't|weren't|had|error|fault|outage)\b",
    r"\bwhich is why\b",
    r"\b(out of stock|sold out|unavailable|not available|no longer available|discontinued|back in stock|fully booked|non-?returnable)\b",
    r"\bthe (root )?cause\b",
    r"\bdue to (a|an|the|our)\b",
    r"\b(policy|policies|terms and conditions|terms of service|our terms|conditions of (carriage|sale|service|use)|our records|the system shows|according to|as stated|as per|regarding your)\b",
    r"\b(our|the) (investigation|review|records|logs?|system|notes|data|tracking) (found|finds|show|shows|showed|indicate\w*|confirm\w*)\b",
    r"\b(usually|typically|normally|generally) (come|comes|happen|happens|take|takes|arise|arises|get|gets|go|goes)\b",
    r"\b(is|are|get|gets) (stored|synced|scheduled|handled|processed|routed|sent|reviewed|issued|billed|charged) (by|to|on|in|through|automatically|annually|monthly)\b",
    r"\b(requests?|claims?|orders?|payments?|refunds?|bills?|tickets?|applications?) (go|goes|are sent|get sent) (to|through)\b",
    r"^\s*actually\b",
    r"\bas (i|we)( have| had|'ve)? (already |previously |clearly )*(explained|said|mentioned|stated|advised|told you|outlined|noted)\b",
    r"\bas (previously |already |clearly )*(stated|explained|mentioned|outlined|advised)\b",
    r"\b(window|deadline|cut-?off|grace period|time limit|period)\b[^.!?]{0,30}\b(closed|ended|expired|lapsed|passed|ran out)\b",
    r"\b(is|are|was|were) (strictly |completely )?(non-?refundable|not refundable|non-?transferable|final sale)\b",
    r"\b(your|the) (refund|replacement|order|package|parcel|service|account|site|website|server|outage|issue|problem|fault|engine|connection|extension|notice|payment|"
    r"bill|invoice|booking|card|balance|claim|application|appointment|delivery|ticket|subscription|plan|password|charge|fee|line|meter|record)\b[^.!?]{0,20}\b(has been|have been|will be|is being|is now|is back|was|is valid)\b",
    r"\b(is|are) now (correct|fixed|sorted|resolved|working|active|live|back|cleared|showing|updated|closed|open|unlocked|restored)\b",
    r"\b(the )?(issue|problem|outage|fault|error|glitch|bug) (is|was|has been) (fixed|resolved|caused|on)\b",
    r"\b(has|have) been (now )?(\w+ed|sent|paid|rebuilt|reset)\b",
    r"\b(is|are) (now )?back (up|online|on|to normal)\b",
)


FEEL_FRAME = word_rx(
    r"(?<!\bif )\b(you|you're|you've|anyone|anybody|everyone|most people)\b[^.!?]{0,20}\bfeel(s|ing)?\b(?! free| that| as though| as if| we| our| it| this| the)",
    r"\bi('d| would)( also| probably)? (be|feel)\b[^.!?]{0,40}\b(too|as well|the same)\b",
    r"\b(must|would) (feel|have felt) like\b",
    r"\b(felt|feels) like (a|an) (\w+ )?(slap|kick|punch|blow|insult|betrayal|nightmare|ordeal)\b",
)
"""Feeling said through the verb: whatever the customer is said to feel ("of course you feel ripped off",
"would make anyone feel cheated", "I'd feel cornered too", "must feel like a punch in the stomach"), the
sentence reflects it; no list of feeling words can hold every way people name one. An opinion ("if you feel
that you were overcharged") is not a feeling."""

FEELING_FRAME = word_rx(
    r"\bi (completely |totally |fully |really |absolutely |can |do |truly )*(understand|get|know|appreciate|realis|realiz|see|recognis|recogniz)\w*"
    r"( (it|that|this))?\b",
    r"\b(totally|completely|fully|absolutely) (get|understand) (it|that|this)\b",
    r"\b(of course|naturally|no surprise|small wonder|little wonder|not surprising|unsurprising\w*)\b",
)
"""Frames that count only with a feeling word in the same sentence: "I get that finding $210 extra is aggravating"."""


_SALUTATION = rx(r"^\W*(hi|hello|hey|dear|good (morning|afternoon|evening)|agent:)?[^.!?]{0,40},?\s*$")


def opens_with_acknowledgement(reply: str) -> bool:
    """The reply's very first sentence, past a salutation, acknowledges the feeling and fixes nothing yet:
    emotion-first then holds as a matter of fact, whatever the next sentence says."""
    bare_apology_seen = False
    for s in sentences(reply):
        if is_stage_direction(s, reply) or (_SALUTATION.match(s.text) and not is_acknowledgement(s)):
            continue
        if not bare_apology_seen and _BARE_APOLOGY.match(s.text):
            bare_apology_seen = True  # "I'm so sorry. Finding nuts in his meal must have been terrifying."
            continue
        return is_acknowledgement(s) and not _is_fix(s) and not _HEDGED.search(s.text)
    return False


_BARE_APOLOGY = rx(
    r"^\W*(oh,? )?(no,? )?((i'm|i am|we're|we are|im) )?(so |really |truly |very |terribly |deeply )*sorry\W*$", r"^\W*oh no\W*$"
)
"""A two-word apology standing alone: the sentence after it is the real opening."""


_HEDGED = rx(r"\bsorry (that )?(you feel|you felt|if)\b")
"""'I'm sorry you feel misled' names a feeling to hedge an apology, not to acknowledge it."""


def is_acknowledgement(sentence: Sentence) -> bool:
    """Does the sentence name or clearly reflect the customer's feeling?

    A feeling word counts when someone experiences it (you, anyone, "I'd be ... too") or it describes
    the situation ("that's maddening", "sounds exhausting"); empathy frames ("I can only imagine")
    count with any feeling word or a reference to the customer.
    """
    text = normalize(sentence.text)
    if STRAIN_IDIOM.search(text) or FEEL_FRAME.search(text):
        return True
    feelings = [m.group(0).lower() for m in FEELING.finditer(text)]
    real = [f for f in feelings if not f.startswith(NON_FEELING)]
    if EMPATHY_FRAME.search(text) and (real or YOU.search(text)):
        return True
    if real and FEELING_FRAME.search(text):
        return True
    return bool(real and EXPERIENCER.search(text))


def _is_fix(sentence: Sentence) -> bool:
    return bool(FIX.search(mask_apologies(normalize(sentence.text))))


def _reader_sentences(reply: str) -> list[Sentence]:
    """Body sentences, plus an opener that carries an acknowledgement of its own
    ("Thank you for getting in touch, and I can tell how irritated you are")."""
    return [s for s in sentences(reply) if not is_stage_direction(s, reply) and (not is_greeting(s) or is_acknowledgement(s))]


def check_emotion_first(ctx: CheckContext) -> Verdict:
    body = _reader_sentences(ctx.reply)
    if not body:
        return Verdict(False, "The reply is empty.")
    ack_at = next((i for i, s in enumerate(body) if is_acknowledgement(s)), None)
    if ack_at is None:
        return Verdict(
            False,
            "The reply never acknowledges how the customer feels; it goes straight to facts.",
            (body[0].span(),),
        )
    # only the sentences before the acknowledgement can put the fix first (none of them is an acknowledgement)
    fix_at = next((i for i, s in enumerate(body[:ack_at]) if _is_fix(s)), None)
    if fix_at is not None:
        return Verdict(
            False,
            "The reply turns to the fix or explanation before acknowledging the customer's feelings.",
            (body[fix_at].span(),),
        )
    if ack_at >= ACK_WITHIN:
        return Verdict(
            False,
            "The feelings are acknowledged, but only late in the reply; open with them.",
            tuple(s.span() for s in body[:ack_at]),
        )
    return Verdict(True, "Acknowledges the customer's feelings before the fix.")
