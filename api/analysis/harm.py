"""Harm flags: physical danger or injury (safety) and lost, exposed or at-risk customer data (data_loss)."""

from __future__ import annotations

from api.analysis.rules import Rule
from api.analysis.text import rx

# --- safety -----------------------------------------------------------------------------------------

_BODY_PART = (
    r"(?:wrist|arm|leg|ankle|knee|hip|foot|hand|finger|shoulder|back|neck|head|nose|rib|ribs|collarbone|"
    r"elbow|toe|chin|lip|skull|jaw|tooth|teeth)"
)

SAFETY: list[Rule] = [
    Rule(
        "safety",
        "reports a gas, fire or electrical hazard",
        rx(
            r"\bgas\s+(?:smell|leak|escape)s?\b",
            r"\bsmell(?:s|ing)?\s+(?:of\s+)?gas\b",
            r"\bcarbon\s+monoxide\b",
            r"\b(?:exposed|bare|live|loose|hanging|dangling|sparking)\s+wir(?:es?|ing)\b",
            r"\bspark(?:s|ing|ed)\b",
            r"\belectric(?:al)?\s+shocks?\b",
            r"\belectrocut\w*",
            r"\b(?:on|caught|catch|catching)\s+fire\b",
            r"\bfire\s+(?:hazard|risk)\b",
            r"\bset\s+fire\b",
            r"\bflames\b|\bburst\s+into\s+flames?\b",
            r"\b(?:started|starts|was|is|began|kept|been)\s+smoking\b",
            r"\b(?:actual|thick|black|white|grey|gray|acrid)\s+smoke\b",
            r"\bsmoke\s+(?:coming|pouring|billowing|from|filled|everywhere|damage)\b",
            r"\b(?:smell\s+of|full\s+of)\s+(?:smoke|burning)\b",
            r"\bburning\s+smell\b",
            r"\boverheat\w*",
            r"\bfumes\b",
            r"\bchemical\s+smell\b",
            r"\b(?:raw\s+)?sewage\b",
            r"\b(?:mou?ld|damp)\b[^.!?\n]{0,40}\b(?:ill|sick|asthma|breath\w*|chest|cough\w*|health)\b",
        ),
    ),
    Rule(
        "safety",
        "found something dangerous in food",
        rx(
            r"\b(?:glass|metal|plastic|bone|shards?|wire|needle|screw|nail|insect|cockroach|rat|mouse|mice|maggots?)\b"
            r"[^.!?\n]{0,30}\bin\s+(?:my|the|our)\s+(?:\w+\s+)?(?:food|meal|salad|burger|sandwich|soup|pizza|dish|drink|"
            r"curry|rice|bread|order|takeaway)\b",
            r"\bswallow(?:ed|ing)\s+(?:a|an|the|some)\s+(?:[\w-]+\s+){0,2}(?:parts?|batter(?:y|ies)|magnets?|pieces?|buttons?|"
            r"beads?|glass)\b",
            r"\b(?:was|is|started|nearly|almost)\s+chok(?:ed|ing)\b(?!\s+up)",
        ),
    ),
    Rule(
        "safety",
        "reports an injury",
        rx(
            r"\binjur(?:y|ies|ed|ing)\b",
            r"\b(?:got|get|getting|been|was|were|is|be)\s+hurt\b",
            r"\bhurt\s+(?:my|his|her|their|him|myself|himself|herself|themselves)\b",
            rf"\b(?:broke|broken|fractured?|sprained?|dislocated|twisted|jarred|cut|burn(?:ed|t)|bruised)\s+"
            rf"(?:my|his|her|their)\s+{_BODY_PART}",
            rf"\b(?:broken|fractured|sprained|swollen|dislocated)\s+{_BODY_PART}\b",
            r"\b(?:fracture|fractured|concussion)\b",
            rf"\b(?:hit|banged|split)\s+(?:my|his|her|their)\s+{_BODY_PART}",
            r"\bstitches\b",
            r"\bbleed(?:ing|s)?\b(?!\s+(?:money|us|me|you)\b)|\bbled\b",
            r"\bnose\s?bleed\b",
            r"\bbruis(?:es|ed|ing)\b",
            r"\bswollen\b|\bswelled\b",
            r"\bx-?ray(?:ed|s)?\b",
            r"\b(?:fainted|passed\s+out|collapsed|nearly\s+faint\w*)\b",
            r"\b(?:i|he|she|they|we)\s+(?:had\s+)?(?:fell|slipped|tripped)\b(?!\s+up\b)",
            r"\bfell\s+(?:into|over|down\s+(?:the\s+)?stairs)\b",
            r"\b(?:will|could|might|may|going\s+to)\s+(?:fall|topple|tip|collapse)\s+(?:down|over|on)\b",
            r"\bbed\s?bugs?\b",
            r"\bbites\s+(?:on|all\s+over)\b|\bbitten\b",
        ),
        veto_before=rx(r"\b(?:since|after)\s+(?:my|his|her|their|a|an|the)\s+(?:\w+\s+)?$"),
    ),
    Rule(
        "safety",
        "reports a medical emergency",
        rx(
            r"\bemergency\s+(?:room|department|medication)\b",
            r"\bhospitali[sz]ed\b",
            r"\b(?:in|to|into)\s+(?:the\s+)?hospital\b(?!\s+(?:appointment|parking|letter|website))",
            r"\bhospital\s+(?:bill|treatment|admission|stay)\b",
            r"\bambulance\b",
            r"\bparamedics?\b",
            r"\b(?:on|put\s+on)\s+a\s+drip\b",
            r"\bnebuli[sz]er\b",
            r"\bseizures?\b",
            r"\banaphyla\w+",
            r"\ballergic\s+reaction\b",
            r"\bepi-?pen\b",
            r"\b(?:severe|serious)\s+\w+\s+allergy\b",
            r"\bfood\s+poisoning\b",
            r"\bthrowing\s+up\b|\bvomit\w*",
            r"\bpoison(?:ed|ing|ous)\b",
            r"\bwheez\w*",
            r"\bchest\s+pains?\b",
            r"\bheart\s+attack\b",
            r"\bcan'?t\s+breathe\b",
            r"\bstay\s+alive\b",
        ),
        veto_after=rx(r"\s+(?:appointment|parking|letter|booking|referral|website|portal|number)s?\b"),
    ),
    Rule("safety", "reports a medical emergency", rx(r"\b(?:A&E|ER|ICU)\b", case=True)),
    Rule(
        "safety",
        "a medication dose is wrong or about to run out",
        rx(
            r"\b(?:double|wrong|missed|extra)\s+doses?\b",
            r"\b(?:\w+\s+)?times\s+(?:his|her|my|the)\s+(?:prescribed\s+)?dose\b",
            r"\bmiss(?:ed|ing)?\s+(?:my|his|her)\s+(?:doses?|medication|meds|insulin)\b",
            r"\bdue\s+(?:my|his|her)\s+dose\b",
            r"\b(?:one|last|only)\s+(?:pen|vial|dose|inhaler)s?\b(?:\s+of\s+\w+)?\s+left\b|\blast\s+pen\b",
            r"\b(?:i'?m|i\s+am|he'?s|she'?s|he\s+is|she\s+is)\s+(?:now\s+)?(?:completely|totally)\s+out\b"
            r"(?!\s+of\s+(?:time|patience|pocket|ideas|options))",
            r"\b(?:run|ran|running)\s+out\s+of\s+(?:my|his|her)?\s*(?:medication|meds|insulin|tablets|pills|oxygen|inhaler)\b",
            r"\b(?:oxygen|dialysis|ventilator|insulin)\b[^.!?\n]{0,60}\b(?:left|run\s+out|running\s+out|backup|power)\b",
            r"\b(?:power|electricity)\b[^.!?\n]{0,60}\b(?:oxygen|dialysis|ventilator|life\s+support)\b",
        ),
    ),
    Rule(
        "safety",
        "reports a dangerous condition",
        rx(
            r"\b(?:dangerous|unsafe|hazard(?:ous)?|life[- ]threatening|death\s+trap)\b",
            r"\b(?:roofing\s+)?nails\s+(?:all\s+over|on|in)\b|\bcovered\s+in\s+(?:\w+\s+)?(?:nails|glass|shards)\b",
            r"\bbroken\s+glass\b",
        ),
        skip_quoted=True,
    ),
    Rule(
        "safety",
        "signals a risk of self-harm",
        rx(
            r"\bkill\s+myself\b",
            r"\bsuicid\w*",
            r"\bself[- ]harm\w*",
            r"\bend\s+(?:it\s+all|my\s+life)\b",
            r"\b(?:not|no\s+longer)\s+(?:worth\s+living|want\s+to\s+(?:live|be\s+here))\b",
            r"\bhow\s+(?:much\s+)?longer\s+I\s+can\s+(?:keep\s+(?:going|doing\s+this)|go\s+on|do\s+this)\b",
            r"\b(?:can'?t|cannot)\s+(?:go\s+on|keep\s+going)\b",
        ),
        negatable=False,
    ),
]

# --- data_loss --------------------------------------------------------------------------------------

_DATA = (
    r"(?:data(?!\s+(?:balance|bundle|plan|allowance|usage|roaming|cap|speed|pass|limit))|files?|photos?|pictures?|"
    r"videos?|images?|emails?|mailbox(?:es)?|inbox|backups?|databases?|documents?|records?|galler(?:y|ies)|folders?|"
    r"projects?|dissertation|thesis|(?:photo|music|video|media)\s+librar(?:y|ies)|"
    r"(?:hard|external|usb|flash|local|original)\s+drive|(?:the|that|my)\s+drive|"
    r"spreadsheets?|contacts|albums?|cop(?:y|ies)|order\s+history|customer\s+(?:accounts|database|data|details)|"
    r"details|personal\s+information)"
)
_LOSS = (
    r"(?:lost|lose|losing|deleted|delete|wiped|erased|gone|disappeared|vanished|missing|corrupt(?:ed)?|"
    r"overwritten|destroyed|(?:still|no\s+longer)\s+exist|empty|recover\w*|"
    r"took\s+out|at\s+risk)"
)

_LINK = (
    r"(?:[\"'“”‘’\s]+(?:is|are|was|were|has|have|had|got|get|been|be|being|now|all|just|completely|totally|"
    r"entirely|permanently|apparently|also|still|simply|actually))*[\"'“”‘’\s]+"
)
"""Only auxiliaries and adverbs between a data noun and its loss word: 'the documents are gone', 'mailboxes have been
deleted'; 'my file was under review because of a missing form' does not link them."""

BREACH = Rule(
    "data_loss",
    "reports a data breach or exposed personal data",
    rx(
        r"\b(?:data\s+)?breach(?:ed)?\b(?!\s+of\s+(?:contract|warranty|the\s+(?:contract|agreement)))",
        r"\bhack(?:ed|er|ers|ing)\b",
        r"\b(?:got|get|broke|broken|logged)\s+into\s+my\s+(?:\w+\s+)?account\b",
        r"\bunauthori[sz]ed\s+(?:access|login)\b",
        r"\b(?:exposed|disclosed|leaked|revealed|shared)\s+(?:my|our|his|her|their|customers'?)\s+(?:[\w-]+\s+){0,2}"
        r"(?:details|data|address|information|records|number|results|statement|passport)\b",
        r"\b(?:account|data|details)\s+(?:was|were|has\s+been)\s+compromised\b",
        r"\b(?:someone|somebody)\s+else'?s\s+(?:\w+\s+)?(?:details|data|account|results|records|name|information)\b",
        r"\b(?:other|another)\s+(?:people|customers|patients|users|person)'?s?\s+(?:\w+\s+)?"
        r"(?:details|data|information|results|records|accounts?)\b",
        r"\bstrangers?'?\s+(?:can\s+see|results|details|data)\b",
        r"\b(?:who|anyone|somebody|someone)\s+(?:else\s+)?(?:can\s+see|was\s+looking\s+at|has\s+(?:accessed|seen)|accessed)"
        r"\s+(?:mine|my|this|that|it)\b",
        r"\bwho\s+has\s+(?:that|this|it|them)\s+now\b",
    ),
    veto_before=rx(r"\b(?:whether|if)\s+(?:we|i|you)(?:'ve|\s+have)?\s+(?:been\s+)?$"),
)
LEAK = Rule(
    "data_loss",
    "personal data may have leaked",
    rx(r"\bleak(?:ed|s|ing)?\b"),
    context=rx(r"\b(?:data|details|information|records|system|passport|password|personal|account)\b"),
)
LOST = Rule(
    "data_loss",
    "reports lost or deleted data",
    rx(
        rf"\b{_DATA}{_LINK}{_LOSS}\b",
        rf"\b{_LOSS}\s+(?:all\s+|any\s+)?(?:of\s+)?(?:my|our|the|his|her|their|your|all|every)\s+(?:[\w'’-]+\s+){{0,2}}{_DATA}\b",
        rf"\b(?:is|are)\s+(?:my|our|the)\s+(?:[\w-]+\s+){{0,2}}{_DATA}\s+(?:\w+\s+)?safe\b",
        r"\b(?:deleted|wiped|erased)\s+(?:everything|all\s+(?:of\s+)?(?:my|our)\b)",
        rf"\b(?:can'?t|cannot|unable\s+to|couldn'?t)\s+(?:\w+\s+)?(?:recover|restore|retrieve|open|find)\s+(?:any\s+|all\s+)?"
        rf"(?:of\s+)?(?:my|our|the)\s+(?:[\w'’-]+\s+){{0,2}}{_DATA}\b",
        r"\brestor\w*\s+(?:\w+\s+){0,3}from\s+(?:a\s+|your\s+|the\s+)?backups?\b",
        r"\bexists?\s+nowhere\s+else\b",
        r"\bonly\s+cop(?:y|ies)\b",
        r"\b(?:no|zero|0)\s+files?\b",
        r"\bdata\s+recovery\b",
    ),
)
DATA_LOSS: list[Rule] = [BREACH, LEAK, LOST]
