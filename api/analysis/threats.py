"""Threat flags: legal action, complaints to authorities (incl. card chargebacks), and going public."""

from __future__ import annotations

from api.analysis.rules import Rule
from api.analysis.text import rx

# --- legal_threat ---------------------------------------------------------------------------------

_LAWYER_AS_DESCRIPTION = rx(r"\s+(?:friend|mate|pal|buddy|colleague|neighbou?r)s?\b")
"""'my lawyer friend said ...' mentions a lawyer without threatening to use one."""
_LEGAL_STEP = rx(
    r"\b(?:will|'ll|going\s+to|gonna|if|unless|or|otherwise|until|forward\w*|sent|send\w*|instruct\w*|spoken|speak\w*|spoke|"
    r"talk\w*|consult\w*|contact\w*|call\w*|hear\w*|draft\w*|looking|look\w*|review\w*|advis\w*|file|filing|sue|court|"
    r"legal|letter|claim|case|involv\w*|get(?:ting)?|hand\w*|book\w*|appointed|hire\w*|engag\w*|retain\w*|passed|pass)\b"
)
"""A step toward using the lawyer; "my friend is a solicitor and recommended you" is not a threat."""

LEGAL: list[Rule] = [
    Rule(
        "legal_threat",
        "threatens court action",
        rx(
            r"\b(?:small[- ]claims?|consumer|county|district|civil|magistrates?'?|high)\s+court\b",
            r"\b(?:see|take|taking|took|drag|dragging|sue|suing)\s+(?:you|them|this|it|the company)\s+(?:all\s+)?(?:to|in)\s+court\b",
            r"\bsee you in court\b",
            r"\b(?:going|go)\s+to\s+court\b",
            r"\bfil(?:e|ing|ed)\s+in\s+small\s+claims\b",
            r"\btribunal\b",
        ),
    ),
    Rule("legal_threat", "threatens to sue", rx(r"\b(?:sue|suing|SUE|SUING)\b", case=True)),
    Rule(
        "legal_threat",
        "threatens to sue",
        rx(
            r"\b(?:law\s?suit|class[- ]action)s?\b",
            r"\bfil(?:e|ing)\s+(?:a\s+)?(?:suit|case|claim\s+for\s+damages)\b",
            r"\blitigation\b",
            r"\bclaim\s+for\s+(?:[\w-]+\s+){0,2}damages\b",
        ),
    ),
    Rule(
        "legal_threat",
        "mentions legal action",
        rx(
            r"\blegal\s+(?:action|proceedings|route|claim|case|steps|advice|aid)\b",
            r"\b(?:my|our)\s+legal\s+(?:team|department|representatives?|counsel|advisers?|advisors?)\b",
        ),
    ),
    Rule(
        "legal_threat",
        "involves a lawyer",
        rx(r"\b(?:lawyer|solicitor|attorney|barrister|advocate)s?\b(?!\s+general\b)"),
        context=_LEGAL_STEP,
        veto_before=rx(r"\b(?:power\s+of|district)\s*$|\b(?:your|their|the company's)\s+$"),
        veto_after=_LAWYER_AS_DESCRIPTION,
    ),
]

# --- authority_threat -----------------------------------------------------------------------------

_TO_AUTHORITY = rx(
    r"\breport\w*\s+(?:(?:you|this|it|them|him|her|everything|the\s+\w+|your\s+\w+)\s+)?to\b",
    r"\bcomplain\w*",
    r"\bfil(?:e|ed|es|ing)\s+(?:a|an|my|the|with)\b",
    r"\blodg\w*",
    r"\brais\w*",
    r"\bescalat\w*\s+(?:this\s+|it\s+)?to\b",
    r"\brefer\w*\s+(?:\w+\s+)?to\b",
    r"\b(?:notif|alert|contact|involv|submit)\w*",
    r"\b(?:call|calling|called|rung|rang|ring|ringing|phon\w*)\b",
    r"\b(?:writ\w*|wrote)\s+to\b",
    r"\b(?:go|going|went|gone)\s+to\b",
    r"\btak(?:e|ing)\s+(?:this|it|you|them|the\s+matter|my\s+complaint|things)\s+(?:further\s+)?to\b",
    r"\bnext\s+(?:stop|step)\b",
)
"""An action toward an authority; needed in the same sentence so that 'police report attached' is not a threat."""

_REGULATOR_ACRONYM = rx(
    r"\b(?:FCC|FTC|CFPB|FCA|FOS|ICO|BBB|ACCC|ASIC|AFCA|TRAI|NCC|CBN|FMCSA|CAA|DOT|CQC|ASA|CMA|OCC|SEC|EHO|"
    r"Ofcom|Ofgem|Ofwat|Ofsted|ORR|CNIL|DPC|CCPC|NHTSA|FAA|DOJ|HHS|CPSC|FINRA|NAFDAC|CPA)\b",
    case=True,
)
_PUBLIC_BODY = rx(
    r"\bombudsm[ae]n\b",
    r"\bregulators?\b",
    r"\btrading\s+standards\b",
    r"\bwatchdog\b",
    r"\bdata[- ]protection\s+(?:authority|commission(?:er)?|regulator|office|board)\b",
    r"\binformation\s+commissioner",
    r"\battorneys?[- ]general\b",
    r"\bbetter\s+business\s+bureau\b",
    r"\bconsumer\s+(?:protection|affairs|council|commission|forum)\b",
    r"\benvironmental\s+health\b",
    r"\b(?:state|federal|national|local|city|county|council'?s?|government|regional)\s+(?:[\w'-]+\s+){0,3}"
    r"(?:board|department|commission(?:er)?|authority|agency|body|inspector(?:ate)?|regulator)\b",
    r"\bboard\s+of\s+\w+",
    r"\bdepartment\s+of\s+\w+",
    r"\b(?:the|local|city|county|district)\s+council\b",
    r"\b(?:health|licensing|medical|nursing|pharmacy|dental|licensing)\s+board\b",
)
_PROPER_BODY = rx(r"\b(?:[A-Z][\w'&-]*\s+){1,5}(?:Authority|Commission|Commissioner|Inspectorate|Board|Agency|Bureau)\b", case=True)

AUTHORITY: list[Rule] = [
    Rule(
        "authority_threat",
        "threatens a chargeback with their bank or card issuer",
        rx(
            r"\bcharge[- ]?backs?\b",
            r"\bcharg(?:e|ing)\s+(?:it|this|that|them)\s+back\b",
            r"\bcharged\s+back\b",
            r"\bdisput\w*\s+(?:it\s+|this\s+|the\s+\w+\s+)?with\s+(?:my|the|our)?\s*(?:bank|card|credit|amex|visa|mastercard)",
            r"\b(?:bank|card\s+(?:company|issuer|provider)|credit\s+card\s+company|amex|american\s+express|visa|mastercard)"
            r"\b[^.!?\n]{0,60}\bdisput\w*",
            r"\b(?:ask\w*|get\w*|hav\w*)\s+my\s+(?:bank|card\s+(?:company|issuer|provider)|credit\s+card\s+company)\s+to\s+"
            r"(?:reverse|refund|recall|claw|dispute|block|stop)\b",
            r"\bsection\s+75\b",
            r"\bclaim\s+(?:it\s+)?(?:back\s+)?(?:from|through|with)\s+my\s+(?:bank|credit\s+card)\b",
        ),
    ),
    Rule("authority_threat", "threatens to report to a regulator", _REGULATOR_ACRONYM, context=_TO_AUTHORITY),
    Rule(
        "authority_threat",
        "threatens to report to a regulator or public body",
        _PUBLIC_BODY,
        context=_TO_AUTHORITY,
        veto_before=rx(r"\byour\s+(?:own\s+)?$"),
    ),
    Rule(
        "authority_threat",
        "threatens to report to a regulator or public body",
        _PROPER_BODY,
        context=_TO_AUTHORITY,
        veto_before=rx(r"\byour\s+(?:own\s+)?$"),
    ),
    Rule("authority_threat", "threatens to involve the police", rx(r"\bpolice\b", r"\bFIR\b", r"\bcyber\s*cell\b"), context=_TO_AUTHORITY),
]

# --- media_threat ---------------------------------------------------------------------------------

_GOING_PUBLIC = rx(
    r"\b(?:will|'ll|going\s+to|gonna|about\s+to|plan(?:ning)?\s+to|ready|unless|otherwise|if|until|would\s+love|"
    r"'d\s+love|interested|shaping\s+up|next\s+week|tonight|tomorrow|in\s+touch|asked\s+me|should\s+know|"
    r"deserve\s+to\s+know|will\s+know|everyone|everybody|all\s+over)\b",
    r"\bor\s+(?:else|i|i'?m|im|we)\b",
    r"\bi'?m\s+(?:also\s+|now\s+)?\w+ing\b",
    r"\bi\s+am\s+(?:also\s+)?\w+ing\b",
)
"""Intent to go public (a plan, a condition, a journalist already in touch), so that 'I read a review on
Trustpilot' or 'I saw your ad on Facebook' is not a threat."""

MEDIA: list[Rule] = [
    Rule(
        "media_threat",
        "threatens to go to the press",
        rx(
            r"\b(?:journalists?|reporters?|newspapers?|tabloids?|newsroom|press\s+release)\b",
            r"\b(?:the|to\s+the|local|national)\s+press\b(?!\s+(?:the|a|any|button))",
            r"\b(?:local|national|daily|regional|evening)\s+paper\b",
            r"\b(?:in|to)\s+the\s+(?:papers|media)\b",
            r"\b(?:local|regional|national|evening|tv|television)\s+news\b",
            r"\bnews\s+(?:desk|outlet|channel|station|team)\b",
            r"\b(?:[A-Z][a-z]+\s+)(?:Herald|Gazette|Chronicle|Tribune)\b",
        ),
        context=_GOING_PUBLIC,
    ),
    Rule(
        "media_threat",
        "threatens to post about it publicly",
        rx(
            r"\bviral\b",
            r"\btik\s?tok\b",
            r"\btrust\s?pilot\b",
            r"\byelp\b",
            r"\bnairaland\b",
            r"\bgoogle\s+reviews?\b",
            r"\bcourse\s+report\b",
        ),
        context=_GOING_PUBLIC,
    ),
    Rule(
        "media_threat",
        "threatens to post about it on social media or in the media",
        rx(
            r"\btwitter\b",
            r"\bfacebook\b",
            r"\binstagram\b",
            r"\breddit\b",
            r"\br/\w+",
            r"\byoutube\b",
            r"\blinkedin\b",
            r"\bsocial\s+media\b",
            r"\bforums?\b",
            r"\bblog\w*\b",
            r"\b\d[\d,.]*k?\s+(?:followers|subscribers|members)\b",
            r"\b(?:whatsapp|facebook)\s+groups?\b",
            r"\b(?:writ\w*|leav\w*|post\w*)\s+(?:a|an|my)?\s*(?:[\w-]+\s+){0,3}reviews?\b",
            r"\bchannel\s+\d+\b",
            r"\b(?:on|to)\s+(?:the\s+)?(?:TV|telly|television|radio)\b",
            r"\b(?:BBC|CNN|ITV|Watchdog)\b",
        ),
        context=_GOING_PUBLIC,
        veto_after=rx(r"\s+(?:ads?|advert\w*|login|log-in|marketplace)\b"),
    ),
    Rule("media_threat", "threatens to post about it on X", rx(r"\b(?:on|to)\s+X\b", case=True), context=_GOING_PUBLIC),
]
