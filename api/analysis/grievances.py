"""Grievances: the distinct problems, each with a topic, a short paraphrase in our own words, and a subject.

Summaries come from templates, never from the customer's wording, so they can follow "I'm sorry about ..."
without parroting the complaint back. Patterns are tried in order and the first that fires wins its topic, so
specific patterns sit before generic ones; earlier customer turns are searched when the latest message does
not name the problem itself ("IT DID NOT DROP OFF").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.analysis import harm, subjects
from api.analysis.model import Grievance, Topic
from api.analysis.rules import Rule
from api.analysis.text import Hit, Lexicon, Span, negated, rx, sentence_around

MAX_GRIEVANCES = 3
EARLIER_PENALTY = 1.0
"""Problems only named in earlier turns rank a little below those in the latest message."""

_WEIGHT: dict[Topic, float] = {
    "safety": 6,
    "data": 5,
    "outage": 4,
    "account_access": 3.5,
    "billing": 3,
    "delivery": 3,
    "booking": 3,
    "quality": 3,
    "staff": 2,
    "service": 1.5,
    "other": 0,
}
"""Importance when ordering grievances: harm first, then loss of service, money and goods, then handling."""

_THINGS: dict[str, str] = {
    "website": "website being offline",
    "websites": "websites being offline",
    "site": "website being offline",
    "sites": "websites being offline",
    "webpage": "website being offline",
    "online store": "online shop being offline",
    "online shop": "online shop being offline",
    "store": "online shop being offline",
    "shop": "online shop being offline",
    "portal": "portal being unreachable",
    "server": "server being down",
    "servers": "servers being down",
    "vps": "server being down",
    "hosting": "hosting being down",
    "internet": "internet connection being down",
    "broadband": "internet connection being down",
    "fibre": "internet connection being down",
    "fiber": "internet connection being down",
    "wifi": "internet connection being down",
    "wi-fi": "internet connection being down",
    "connection": "internet connection being down",
    "network": "network connection being down",
    "landline": "phone line being out of action",
    "phone line": "phone line being out of action",
    "email": "email not working",
    "emails": "email not working",
    "app": "app not working",
}
"""What went down, as '<noun> <state>' to follow 'your'; the noun alone is the grievance subject."""

_WHAT: list[tuple[Lexicon, str]] = [
    (rx(r"photo|picture|galler|album|image"), "photos"),
    (rx(r"e-?mail|mailbox|inbox"), "emails"),
    (rx(r"document|dissertation|thesis"), "documents"),
    (rx(r"video"), "videos"),
    (rx(r"project"), "projects"),
]
"""What kind of data was lost, for 'the loss of your {what}'; anything else is 'files'."""


@dataclass(frozen=True)
class _Pattern:
    """One way a topic shows up.

    summary: our wording; may use {thing} (what went down), {role} (staff member), {fee} (fee name) and
        {item} (a product named in the same sentence; without one the pattern uses `fallback`, or is skipped).
    subject_kinds: where the subject comes from, in order: reference kinds ('order', 'flight', ...),
        'product' (named in the same sentence) or 'thing'.
    requires: must also occur somewhere in the message ('nobody came' is a missed appointment only when
        there was an appointment).
    """

    topic: Topic
    trigger: Lexicon
    summary: str
    subject_kinds: tuple[str, ...] = ()
    requires: Lexicon | None = None
    fallback: str | None = None


_THING = (
    r"(?P<thing>websites?|sites?|webpage|online\s+(?:store|shop)|store|shop|portal|servers?|VPS|hosting|internet|"
    r"broadband|fib(?:re|er)|wi-?fi|connection|network|landline|phone\s+line|emails?|app)"
)
_ROLE = (
    r"(?P<role>driver|technician|engineer|cleaner|electrician|plumber|crew|adjuster|agent|salesperson|receptionist|"
    r"foreman|rep|staff|chef|pharmacist|contractors?|installer|courier|manager|woman|man|guy)"
)
_APPOINTMENT = rx(r"\b(?:appointments?|install\w*|visit|slot|technician|engineer|adjuster|plumber|electrician)\b")
_DELIVERY = rx(r"\b(?:order\w*|parcel|package|deliver\w*|courier|tracking|shipp\w*|box|post(?:ed)?)\b")
_FOOD = rx(
    r"\b(?:food|meal|dish|restaurant|pizzas?|lasagne|ramen|curry|noodles|fries|burger|sushi|eat|ate|kitchen|"
    r"crust|taste\w*|vindaloo|tikka|platter|menu)\b"
)

_PATTERNS: list[_Pattern] = [
    # safety
    _Pattern(
        "safety", rx(r"\bgas\s+(?:smell|leak)|\bsmell(?:s|ing)?\s+(?:of\s+)?gas\b|\bcarbon\s+monoxide\b"), "the gas smell at your home"
    ),
    _Pattern(
        "safety", rx(r"\b(?:exposed|bare|live|loose|hanging)\s+wir(?:es?|ing)\b|\bsparks?\b"), "the exposed wiring left at your property"
    ),
    _Pattern(
        "safety",
        rx(r"\bsmok(?:e|ing)\b|\b(?:caught|on)\s+fire\b|\boverheat\w*"),
        "the {item} overheating",
        ("product",),
        fallback="the fire risk you described",
    ),
    _Pattern("safety", rx(r"\ballerg(?:y|ic)\b|\banaphyla\w+|\bepi-?pen\b"), "the allergic reaction"),
    _Pattern("safety", rx(r"\bfood\s+poisoning\b|\bthrowing\s+up\b|\bvomit\w*"), "the illness after your meal"),
    _Pattern(
        "safety",
        rx(
            r"\b(?:wrong|double)\s+dose\b|\btimes\s+(?:his|her|my|the)\s+dose\b|\b(?:one|last)\s+pen\b|"
            r"\b(?:heart|insulin|warfarin)\s+medication\b|\bmedication\b[^.!?\n]{0,40}\b(?:missing|lost|late)\b|"
            r"\b(?:completely|totally)\s+out\b"
        ),
        "the risk to your medication",
    ),
    _Pattern("safety", rx(r"\bbed\s?bugs?\b|\binsect\s+bites\b"), "the bedbugs in your room"),
    _Pattern("safety", rx(r"\b(?:chemical|fumes|wheez\w*|nebuli[sz]er)\b"), "the health scare you've described"),
    _Pattern(
        "safety",
        rx(
            r"\b(?:fell|slipped|tripped|fractured?|broken\s+(?:wrist|arm|leg)|stitches|"
            r"hit\s+(?:his|her|my)\s+head|jarred|swollen)\b"
        ),
        "the injury and what followed",
    ),
    _Pattern(
        "safety",
        rx(
            r"\b(?:dangerous|unsafe|hazard\w*|covered\s+in\s+(?:\w+\s+)?nails|nails\s+(?:all\s+over|on|in)|"
            r"fall\s+(?:down|over))\b"
        ),
        "the hazard left at your home",
    ),
    # data (see _DATA_RULES for lost and exposed data)
    _Pattern("data", rx(r"\b(?:duplicate|swap(?:ped)?)\s+SIM\b|\bSIM\s+swap\b"), "your SIM being swapped without your consent"),
    _Pattern("data", rx(r"\bwrong\s+file\b"), "the wrong file being submitted"),
    # outage
    _Pattern(
        "outage",
        rx(
            rf"\b{_THING}\b(?:'s|\s+(?:has|have|had|is|are|was|were|keeps?|went|goes|been|s))?\s*"
            r"(?:\w+\s+){0,2}?(?:down|offline|dead|unreachable|not\s+(?:working|loading|sending)|"
            r"stopped\s+working|dropp(?:ed|ing)\s+out|unusable|bouncing|cut\s+off)\b"
        ),
        "your {thing}",
        ("domain", "thing"),
    ),
    _Pattern(
        "outage",
        rx(
            rf"\b{_THING}\b[^.!?\n]{{0,40}}?\b(?:not|n't|never|none)\b[^.!?\n]{{0,15}}?"
            r"\b(?:reachable|accessible|available|loading|load|online|back\s+up|up\s+and\s+running)\b"
        ),
        "your {thing}",
        ("domain", "thing"),
    ),
    _Pattern(
        "outage",
        rx(
            rf"\b(?:can'?t|cannot|couldn'?t|unable\s+to|nobody\s+can|no\s+one\s+can)\s+(?:reach|access|open|load|get\s+(?:on|into)(?:\s+to)?)\s+"
            rf"(?:my|our|the|your)\s+(?:\w+\s+)?{_THING}\b"
        ),
        "your {thing}",
        ("domain", "thing"),
    ),
    _Pattern(
        "outage",
        rx(r"\b(?:no|without)\s+(?:any\s+)?(?P<thing>internet|broadband|wi-?fi|phone\s+line|landline)\b"),
        "your {thing}",
        ("thing",),
    ),
    _Pattern(
        "outage",
        rx(
            r"\b(?:power|electricity)(?:'s|\s+(?:has|is|was))?\s+(?:been\s+)?(?:off|out|cut)\b|"
            r"\bpower\s+(?:cut|outage|failure)\b|\b(?:no|without)\s+(?:power|electricity)\b"
        ),
        "the power cut at your home",
    ),
    _Pattern("outage", rx(r"\bno\s+(?:mobile\s+)?signal\b|\bsignal\b[^.!?\n]{0,20}\b(?:gone|lost|dropped)\b"), "the loss of mobile signal"),
    _Pattern(
        "outage",
        rx(
            r"\b(?:no|without)\s+(?:heating|hot\s+water|gas|water)\b|\b(?:gas|water)\s+(?:supply\s+)?"
            r"(?:off|capped|cut\s+off|switched\s+off)\b|\bswitch(?:ed)?\s+off\s+(?:our|my|the)\s+gas\b"
        ),
        "being left without gas or water",
    ),
    _Pattern("outage", rx(r"\bcrash(?:es|ed|ing)\b"), "the app crashing", requires=rx(r"\bapp\b")),
    _Pattern("outage", rx(r"\b(?:call|video)\b[^.!?\n]{0,20}\bdropped\b"), "the call dropping out"),
    _Pattern("outage", rx(r"\boutage\b|\b(?:is|are|been|went)\s+down\b|\bdown\s+since\b|\boffline\b"), "the service outage", ("domain",)),
    # account access
    _Pattern("account_access", rx(r"\b(?:PUK|SIM)\b[^.!?\n]{0,30}\b(?:locked|blocked)\b"), "your SIM being blocked"),
    _Pattern(
        "account_access",
        rx(
            r"\block(?:ed)?\s+(?:me\s+)?out\b|\b(?:can'?t|cannot|unable\s+to)\s+log\s*in\b|"
            r"\bauthentication\s+error\b|\bpassword\b[^.!?\n]{0,20}\bchanged\b"
        ),
        "being locked out of your account",
    ),
    _Pattern(
        "account_access",
        rx(
            r"\bcard\b[^.!?\n]{0,20}\b(?:declined|doesn'?t\s+work|blocked|stopped\s+working)\b|"
            r"\bdeclined\b"
        ),
        "your card being declined",
    ),
    _Pattern("account_access", rx(r"\b(?:frozen|froze|restricted|blocked)\b"), "your account being blocked"),
    _Pattern("account_access", rx(r"\bsuspend(?:ed|ing)?\b"), "the suspension of your service"),
    _Pattern(
        "account_access",
        rx(
            r"\bcancel\w*\s+my\s+(?:policy|cover|insurance)\b|\bpolicy\b[^.!?\n]{0,30}\bcancel\w*|"
            r"\bnot\s+(?:been\s+)?covered\b"
        ),
        "your policy being cancelled",
    ),
    # billing
    _Pattern(
        "billing",
        rx(
            r"\b(?:charged|billed|debited|taken|deducted)\b[^.!?\n]{0,40}\b(?:twice|two\s+times|double)\b|"
            r"\b(?:double|duplicate)\s+(?:charge|payment|deposit)s?\b|\b(?:two|both)\s+charges\b|"
            r"\bcharged\s+(?:me\s+)?(?:the\s+\S+\s+)?(?:deposit\s+)?twice\b"
        ),
        "the double charge on your account",
    ),
    _Pattern(
        "billing",
        rx(
            r"\b(?P<fee>(?:late|no-?show|missed\s+appointment|redemption|reconnection|(?:early\s+)?termination|"
            r"overdraft|(?:cash\s+)?withdrawal|cancellation|roaming|admin|delivery|bag|damage)\s+"
            r"(?:fees?|charges?))\b"
        ),
        "the {fee} on your account",
    ),
    _Pattern(
        "billing",
        rx(
            r"\bwhere'?s\s+my\s+refund\b|\brefund\b[^.!?\n]{0,30}\b(?:still\s+(?:hasn'?t|not|pending)|hasn'?t|"
            r"not\s+(?:arrived|received|come|been)|never\s+(?:arrived|came))|\bstill\s+no\s+refund\b|"
            r"\b(?:not\s+received|never\s+got|waiting\s+(?:for|on))\s+(?:my|the|a|any)\s+refund\b|"
            r"\bno\s+(?:incoming\s+)?refund\b|\bkept\s+my\s+(?:money|\$)"
        ),
        "the refund that still hasn't reached you",
    ),
    _Pattern(
        "billing",
        rx(
            r"\b(?:promo|discount|voucher|coupon)?\s*code\b[^.!?\n]{0,30}\b(?:invalid|not\s+working|"
            r"doesn'?t\s+work|rejected|won'?t\s+work)\b"
        ),
        "the discount code not being accepted",
    ),
    _Pattern(
        "billing",
        rx(r"\bprice\s+(?:match|adjustment|drop)\b|\bprice\s+(?:has\s+)?(?:dropped|fell)\b"),
        "the price drop after your purchase",
    ),
    _Pattern(
        "billing",
        rx(
            r"\bbill\b[^.!?\n]{0,40}\b(?:went|gone|jumped|increased|up)\b|\bnormal\s+bill\b|"
            r"\b(?:gone|went)\s+up\s+\d+\s?%|\brenewal\s+(?:quote|price)\b[^.!?\n]{0,40}\b(?:from|jump)"
        ),
        "the sudden increase in your bill",
    ),
    _Pattern(
        "billing",
        rx(r"\bnever\s+signed\s+up\b|\bdidn'?t\s+sign\s+up\b|\bunauthori[sz]ed\s+(?:charge|payment)s?\b"),
        "charges for something you never signed up for",
    ),
    _Pattern("billing", rx(r"\b(?:still|keep|keeps)\s+taking\b"), "the payments still being taken from your account"),
    _Pattern(
        "billing",
        rx(
            r"\b(?:denied|rejected|declined)\s+(?:my|the|our)\s+(?:\w+\s+)?(?:claim|authori[sz]ation)\b|"
            r"\bclaim\b[^.!?\n]{0,30}\b(?:denied|rejected|declined)\b|\bwon'?t\s+pay\s+(?:out|the)\b"
        ),
        "the decision on your claim",
        ("claim", "policy"),
    ),
    _Pattern(
        "billing", rx(r"\bclosed\s+my\s+dispute\b|\bdispute\b[^.!?\n]{0,30}\b(?:closed|rejected|denied)\b"), "the outcome of your dispute"
    ),
    _Pattern(
        "billing",
        rx(
            r"\b(?:ATM|cash\s+machine|machine)\b[^.!?\n]{0,60}\b(?:swallowed|did\s+not\s+dispense|"
            r"didn'?t\s+dispense|debited)\b"
        ),
        "the ATM debit without the cash being paid out",
    ),
    _Pattern("billing", rx(r"\b(?:data|airtime)\s+(?:balance|bundle)\b"), "your data bundle running out unexpectedly"),
    _Pattern(
        "billing",
        rx(r"\bpayment\b[^.!?\n]{0,30}\b(?:didn'?t|hasn'?t|never)\s+(?:come|arrive|arrived)\b"),
        "the payment owed to you not arriving",
    ),
    _Pattern("billing", rx(r"\btransfer\b[^.!?\n]{0,40}\bpending\b"), "your transfer still showing as pending"),
    _Pattern("billing", rx(r"\bhold\s+on\s+(?:a|the|my)\b"), "the hold placed on your funds"),
    _Pattern("billing", rx(r"\bwrong\s+(?:account\s+)?number\b|\bnumber\s+wrong\b"), "the payment that went to the wrong account"),
    _Pattern("billing", rx(r"\bscam(?:med)?\b|\bsafe\s+account\b"), "the money you lost to the scam"),
    _Pattern("billing", rx(r"\bestimate[sd]?\b"), "your bill being based on estimates", requires=rx(r"\b(?:bill|meter|reading)s?\b")),
    _Pattern("billing", rx(r"\b(?:price|cost)\b[^.!?\n]{0,40}\b(?:instead\s+of|estimate)\b"), "the price changing from your estimate"),
    _Pattern(
        "billing", rx(r"\b(?:miles|points)\b[^.!?\n]{0,40}\b(?:haven'?t|not|never|missing|gone)\b"), "the points missing from your account"
    ),
    _Pattern(
        "billing",
        rx(r"\binvoice\b|\bfactura\b|\breceipt\b"),
        "the invoice you're still waiting for",
        requires=rx(r"\b(?:haven'?t|not|never)\s+(?:\w+\s+)?received\b|\bstill\s+waiting\b"),
    ),
    _Pattern(
        "billing",
        rx(
            r"\bovercharg\w*|\bcharged\s+(?:me\s+)?(?:the\s+)?full\b|\bfee\b|"
            r"\bcharg(?:ed|ing)\s+(?:me|my\s+card)\b|\bdebited\b|\bdeducted\b"
        ),
        "the charge on your account",
    ),
    # delivery
    _Pattern(
        "delivery",
        rx(
            r"\b(?:sent|received|got|delivered|arrived|came|shipped)\b[^.!?\n]{0,40}\bwrong\b"
            r"(?!\s+(?:account|address|number|person|department|team|email))|"
            r"\bwrong\s+(?:size|item|colour|color|model|product|boots|shoes|pair)\b|"
            r"\bfor\s+a\s+different\s+model\b|\bit'?s\s+the\s+wrong\b"
        ),
        "receiving the wrong item",
        ("order", "product"),
    ),
    _Pattern(
        "delivery",
        rx(r"\b(?:delivered|sent|went|taken)\s+to\s+(?:the\s+)?wrong\s+(?:address|house|flat|door|person)\b"),
        "your order going to the wrong address",
        ("order",),
    ),
    _Pattern(
        "delivery",
        rx(
            r"\b(?:missing|left\s+out|without\s+the)\b[^.!?\n]{0,40}\b(?:items?|fries|trays?|order)\b|"
            r"\b(?:\d+|six|eight)\s+(?:trays?|items?)\s+out\s+of\b|\bstuff\s+missing\b"
        ),
        "the items missing from your order",
        ("order",),
    ),
    _Pattern(
        "delivery", rx(r"\b(?:crushed|damaged|dented|smashed)\b"), "your order arriving damaged", ("order", "product"), requires=_DELIVERY
    ),
    _Pattern(
        "delivery",
        rx(r"\b(?:not|never|nothing)\b[^.!?\n]{0,20}\barriv\w*"),
        "your replacement card not arriving",
        requires=rx(r"\breplacement\s+card\b|\bcard\b[^.!?\n]{0,60}\breplacement\b"),
    ),
    _Pattern(
        "delivery",
        rx(
            r"\b(?:says|showing|shows|marked)\s+(?:as\s+)?delivered\b|\bnever\s+(?:arrived|got\s+it|came)\b|"
            r"\b(?:not|never|still\s+not|hasn'?t|has\s+not|haven'?t|nothing\s+has)\s+(?:\w+\s+)?"
            r"(?:arrived?|received|delivered)\b|\bwhere\s+is\s+my\s+(?:order|parcel|package|delivery|\w+)\b|"
            r"\bnot\s+arrive\b|\bin\s+transit\b"
        ),
        "your order not arriving",
        ("order", "product"),
        requires=_DELIVERY,
    ),
    _Pattern(
        "delivery",
        rx(
            r"\b(?:\d+|two|three)\s+(?:min(?:ute)?s?|hours?)\s+late\b|\blate\s+deliver\w*|"
            r"\b(?:order|parcel|package|delivery|food|shipment)\b[^.!?\n]{0,20}\b(?:is|was|are|were|arrived|came|"
            r"running|showed\s+up)\s+(?:\w+\s+)?late\b|"
            r"\bpacked'?\s+since\b|\bout\s+for\s+delivery\b|\btwo\s+hours\s+for\b"
        ),
        "your order arriving late",
        ("order",),
        requires=_DELIVERY,
    ),
    _Pattern(
        "delivery",
        rx(r"\b(?:bag|luggage|suitcase)\b[^.!?\n]{0,40}\b(?:lost|missing|delayed|traced|next\s+flight)\b"),
        "your delayed luggage",
        ("flight",),
    ),
    # booking
    _Pattern(
        "booking",
        rx(r"\bflight\b[^.!?\n]{0,40}\bcancel\w*|\bcancel\w*\s+(?:my\s+)?flight\b"),
        "your cancelled flight",
        ("flight", "booking"),
    ),
    _Pattern(
        "booking",
        rx(r"\b(?:flight|train|bus)\b[^.!?\n]{0,60}\bdelay\w*|\bdelay\w*\b[^.!?\n]{0,30}\b(?:flight|train)\b"),
        "the delay to your flight",
        ("flight",),
    ),
    _Pattern("booking", rx(r"\bmissed\s+(?:my|the)\s+(?:flight|connection)\b"), "your missed flight", ("flight", "booking")),
    _Pattern(
        "booking",
        rx(r"\b(?:bus|transfer|taxi|shuttle|coach)\b[^.!?\n]{0,30}\bnever\s+(?:came|arrived|showed)\b"),
        "your transport not turning up",
        ("booking",),
    ),
    _Pattern(
        "booking",
        rx(
            r"\b(?:nobody|no\s+one|no-one|never|didn'?t|did\s+not)\s+(?:came|come|showed|turned)\b|"
            r"\bmissed\s+(?:[\w-]+\s+){0,2}?(?:appointments?|sessions?|visits?)\b"
        ),
        "the missed appointment",
        requires=_APPOINTMENT,
    ),
    _Pattern(
        "booking",
        rx(
            rf"\b{_ROLE}\b[^.!?\n]{{0,20}}\b(?:was|were|is|arrived|showed\s+up|came)\s+(?:\w+\s+)?"
            r"(?:min(?:ute)?s?|hours?)\s+late\b"
        ),
        "our {role} arriving late",
    ),
    _Pattern(
        "booking",
        rx(
            r"\b(?:class|session|appointment|trip|tour|sailing|procedure|reservation|booking|course)s?\b"
            r"[^.!?\n]{0,40}\b(?:cancel\w*|given\s+away)\b|"
            r"\bcancel\w*\b[^.!?\n]{0,30}\b(?:class|session|appointment)s?\b"
        ),
        "the cancellation of your booking",
        ("booking",),
    ),
    _Pattern(
        "booking",
        rx(
            r"\boverbook\w*|\bno\s+booking\s+under\b|\bmoved\s+(?:me\s+)?back\s+to\s+economy\b|\bdowngrad\w*|"
            r"\bbooking\s+says\b|\bwrong\s+dates?\b"
        ),
        "the problem with your booking",
        ("booking", "flight", "reservation", "confirmation"),
    ),
    # quality
    _Pattern(
        "quality", rx(r"\b(?:lift|elevator)\b[^.!?\n]{0,40}\b(?:out\s+of\s+order|broken|not\s+working)\b"), "the lift being out of order"
    ),
    _Pattern(
        "quality",
        rx(
            r"\b(?:stopped|stops|isn'?t|not|won'?t|doesn'?t)\s+(?:\w+\s+)?(?:working|work|turn|fit)\b|"
            r"\b(?:just|suddenly|has|have|had)\s+stopped\b|\bclicking\b|\bfaulty\b|\bdefective\b|"
            r"\bbroken\b(?!\s+(?:wrist|arm|leg))|\bflooded\b|\bwobbl\w*|\bmoving\s+left\s+and\s+right\b"
        ),
        "the fault with your {item}",
        ("product",),
    ),
    _Pattern(
        "quality",
        rx(r"\bleak\w*|\bwater\s+damage\b|\bwall\s+is\s+wet\b"),
        "the leak and the water damage",
        requires=rx(r"\b(?:water|pipe|roof|tap|sink|ceiling|wall)s?\b"),
    ),
    _Pattern(
        "quality",
        rx(
            r"\b(?:internet|connection|site|website|broadband|speeds?|app|service)\b[^.!?\n]{0,30}\bslow\b|"
            r"\bslow\b[^.!?\n]{0,30}\b(?:internet|connection|speeds?|loading|evenings)\b|"
            r"\b(?:so|very|really|gone)\s+slow\b"
        ),
        "the slow speeds you've been getting",
    ),
    _Pattern(
        "quality",
        rx(r"\bcold\b|\bhair\b|\bsoggy\b|\bstale\b|\bchicken\b|\bnot\s+hot\b"),
        "the quality of your meal",
        ("order",),
        requires=_FOOD,
    ),
    _Pattern("quality", rx(r"\b(?:different|wrong)\s+shade\b|\bdon'?t\s+match\b"), "the items not matching", ("order", "product")),
    _Pattern("quality", rx(r"\b(?:dirty|filthy|unclean|stained|smelly|mou?ldy)\b"), "the state of what you were given"),
    _Pattern(
        "quality",
        rx(r"\b(?:feature|button|option)\b[^.!?\n]{0,40}\b(?:disappeared|removed|gone|missing)\b"),
        "the feature that was taken away",
    ),
    _Pattern(
        "quality",
        rx(
            r"\b(?:are|is)\s+back\b|\bdidn'?t\s+work\b|\bsame\s+\w+\s+question\b|"
            r"\bnot\s+(?:quite\s+)?what\s+I\s+expected\b"
        ),
        "the service not doing what it should",
    ),
    # staff
    _Pattern(
        "staff",
        rx(
            rf"\b{_ROLE}\b[^.!?\n]{{0,60}}\b(?:rude|sighed|laughed|shrugged|insult\w*|texting|on\s+his\s+phone|"
            rf"on\s+her\s+phone|doesn'?t\s+recall|useless|hung\s+up)\b"
        ),
        "the way our {role} dealt with you",
    ),
    _Pattern("staff", rx(r"\b(?:rude|sighed|laughed\s+at|people\s+like\s+you|unprofessional|insulting)\b"), "the way you were spoken to"),
    # service
    _Pattern(
        "service",
        rx(r"\b(?:prescription|refill|meds|medication)\b[^.!?\n]{0,40}\b(?:not\s+ready|backorder|delay\w*)\b"),
        "the delay with your prescription",
    ),
    _Pattern(
        "service", rx(r"\b(?:domain|certificate|SSL|subscription)\b[^.!?\n]{0,40}\bexpired\b|\bexpired\b"), "the renewal that didn't happen"
    ),
    _Pattern(
        "service",
        rx(
            r"\bcertificate\b[^.!?\n]{0,80}\b(?:won'?t|can'?t|not|still)\b|"
            r"\b(?:won'?t|can'?t|not)\b[^.!?\n]{0,40}\bcertificate\b"
        ),
        "the hold-up with your certificate",
    ),
    _Pattern("service", rx(r"\bdebt\s+collect\w*"), "the debt collection letter"),
    _Pattern("service", rx(r"\b(?:completion\s+date|behind\s+schedule)\b|\bweeks\s+of\s+delay\b"), "the delays to your project"),
    _Pattern("service", rx(r"\b\d+[- ]minute\s+wait\b|\bwaited\s+(?:\d+|an?|two|three)\s+(?:min|hour)"), "the long wait you had"),
    _Pattern(
        "service",
        rx(
            r"\bon\s+hold\b|\bno\s+(?:call\s*back|reply|response|answer)\b|\bnobody\s+(?:answers|calls|called|"
            r"got\s+back|follows\s+up|responds|picked\s+up|came\s+back)\b|\bnever\s+(?:got|heard)\s+back\b|"
            r"\b(?:same|canned|scripted|automatic|automated)\s+(?:reply|response|sentence|answer|message)\b|"
            r"\bcopy[- ]and[- ]paste\b|\bform\s+letter\b|\b(?:another|different)\s+(?:team|department|person)\b|"
            r"\bsomeone\s+else'?s\s+(?:job|department)\b|\bwhose\s+department\b|\bline\s+just\s+rings\b"
        ),
        "the lack of a proper response from our team",
    ),
    _Pattern(
        "service",
        rx(
            r"\bnobody\s+(?:came|told\s+me)\b|\bno\s+(?:notice|warning|email)\b|"
            r"\bwithout\s+(?:any\s+)?(?:warning|notice)\b|\bnever\s+got\s+(?:any\s+)?notice\b|"
            r"\bwithout\s+so\s+much\s+as\b|\bheads-?up\b"
        ),
        "being left without warning or help",
    ),
    _Pattern(
        "service",
        rx(
            r"\b(?:waited|waiting|wait)\b[^.!?\n]{0,30}\b(?:\d+|two|three|four|five|six)\s+(?:min(?:ute)?s?|"
            r"hours?|days|weeks|months)\b|\b(?:\d+|two|three|four|six)\s+(?:weeks|months)\b[^.!?\n]{0,30}"
            r"\b(?:later|still|nothing)\b|\btaken\s+longer\b|\bstill\s+(?:nothing|waiting|hasn'?t|not)\b"
        ),
        "how long this has been dragging on",
    ),
]

_DATA_RULES: list[tuple[Rule, str]] = [
    (harm.LOST, "the loss of your {what}"),
    (harm.BREACH, "your personal information being exposed"),
    (harm.LEAK, "your personal information being exposed"),
]
"""Data grievances reuse the data_loss flag rules so the two never disagree."""


@dataclass(frozen=True)
class _Candidate:
    topic: Topic
    summary: str
    subject: str | None
    span: Span | None
    score: float


_SELF_NEGATING = re.compile(r"\b(?:not|never|no|nobody|without)\b|n't\b", re.IGNORECASE)
REPEAT_CAP = 4
"""Repetition raises a grievance's rank, up to this many mentions."""


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip().lower()


def _score(topic: Topic, mentions: int, start: int, length: int, latest: bool) -> float:
    """Topic weight, plus repetition, minus a little for coming late in the message or only in earlier turns."""
    return _WEIGHT[topic] + 0.25 * min(mentions, REPEAT_CAP) - 0.5 * start / max(length, 1) - (0 if latest else EARLIER_PENALTY)


def _negated_problem(text: str, m: Hit) -> bool:
    """Negation only cancels problem words that carry no negation themselves ('not damaged' vs 'not arrived')."""
    return not _SELF_NEGATING.search(m.group(0) or "") and negated(text, m.start())


def _fill(pattern: _Pattern, m: Hit, text: str, refs: dict[str, str]) -> tuple[str, str | None] | None:
    """Summary and subject for one match, or None when the summary needs a product the sentence does not name."""
    groups = {k: v for k, v in m.groupdict().items() if v}
    item = subjects.product(sentence_around(text, m.start()).text)
    summary = pattern.summary
    if "{item}" in summary and item is None:
        if pattern.fallback is None:
            return None
        summary = pattern.fallback
    role = _norm(groups.get("role", ""))
    summary = summary.format(
        thing=_THINGS.get(_norm(groups.get("thing", "")), "service being down"),
        role=role if role and role not in {"man", "woman", "guy"} else "staff",
        fee=_norm(groups.get("fee", "")),
        item=item,
    )
    subject = None
    for kind in pattern.subject_kinds:
        if kind == "product":
            subject = item
        elif kind == "thing" and "thing" in groups:
            subject = re.split(r" being | not ", _THINGS.get(_norm(groups["thing"]), "service"))[0]
        else:
            subject = refs.get(kind)
        if subject:
            break
    return summary, subject


def _pattern_candidate(pattern: _Pattern, text: str, refs: dict[str, str], latest: bool) -> _Candidate | None:
    """The first usable match of `pattern` in `text`, ranked by how often the pattern recurs."""
    if pattern.requires is not None and not pattern.requires.search(text):
        return None
    found: tuple[Hit, tuple[str, str | None]] | None = None
    mentions = 0
    for m in pattern.trigger.finditer(text):
        if _negated_problem(text, m):
            continue
        mentions += 1
        if found is None:
            filled = _fill(pattern, m, text, refs)
            found = (m, filled) if filled is not None else None
        if found is not None and mentions >= REPEAT_CAP:
            break
    if found is None:
        return None
    m, (summary, subject) = found
    return _Candidate(
        pattern.topic, summary, subject, Span.of(m) if latest else None, _score(pattern.topic, mentions, m.start(), len(text), latest)
    )


def _data_candidate(text: str, latest: bool) -> _Candidate | None:
    for rule, summary in _DATA_RULES:
        span = rule.find(text)
        if span is not None:
            context = sentence_around(text, span.start).text
            what = next((name for p, name in _WHAT if p.search(context)), "files")
            return _Candidate(
                "data", summary.format(what=what), None, span if latest else None, _score("data", 1, span.start, len(text), latest)
            )
    return None


def _best_per_topic(turns: list[tuple[str, bool]]) -> dict[Topic, _Candidate]:
    """Per topic, the first pattern (in specificity order) that fires in the latest turn; topics the latest turn
    does not mention come from earlier turns, newest first."""
    best: dict[Topic, _Candidate] = {}
    for text, latest in turns:
        found: dict[Topic, _Candidate] = {}
        refs = subjects.references(text)
        cand = _data_candidate(text, latest)
        if cand is not None:
            found["data"] = cand
        for pattern in _PATTERNS:
            if pattern.topic not in found and pattern.topic not in best:
                cand = _pattern_candidate(pattern, text, refs, latest)
                if cand is not None:
                    found[pattern.topic] = cand
        for topic, cand in found.items():
            best.setdefault(topic, cand)
    return best


def find_grievances(complaint: str, earlier_turns: list[str]) -> list[Grievance]:
    """Distinct problems by topic, most important first (at most MAX_GRIEVANCES)."""
    turns = [(complaint, True)] + [(t, False) for t in reversed(earlier_turns)]
    ranked = sorted(_best_per_topic(turns).values(), key=lambda c: -c.score)[:MAX_GRIEVANCES]
    if not ranked:
        return [Grievance(topic="other", summary="the problem you've described")]
    return [Grievance(topic=c.topic, summary=c.summary, subject=c.subject, evidence=c.span.evidence() if c.span else None) for c in ranked]
