"""calm-tone: speak normally — no shouting, exclamation storms, emoji, sarcasm or syrup."""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import pairwise

from evals.rules.checks.ownership import SURE_IT_WONT_MATTER
from evals.rules.model import CheckContext, Span, Verdict
from evals.rules.text import find_all, in_original, merge_spans, normalize, rx, sentences, word_rx

ACRONYMS = frozenset(
    [
        "SMS",
        "MMS",
        "DNS",
        "SSL",
        "TLS",
        "API",
        "URL",
        "USD",
        "GBP",
        "EUR",
        "NGN",
        "INR",
        "AUD",
        "CAD",
        "NZD",
        "ZAR",
        "ATM",
        "PIN",
        "VAT",
        "FAQ",
        "CEO",
        "CTO",
        "GP",
        "ID",
        "IT",
        "UK",
        "USA",
        "US",
        "EU",
        "NHS",
        "ISP",
        "VPN",
        "IP",
        "PDF",
        "SIM",
        "HVAC",
        "ETA",
        "GMT",
        "UTC",
        "BST",
        "EST",
        "EDT",
        "PST",
        "PDT",
        "CET",
        "WAT",
        "IST",
        "AM",
        "PM",
        "ASAP",
        "TV",
        "CCTV",
        "PC",
        "SKU",
        "DSL",
        "ADSL",
        "HTTP",
        "HTTPS",
        "WWW",
        "CPU",
        "RAM",
        "SSD",
        "HDD",
        "GPS",
        "CFPB",
        "FCA",
        "FCC",
        "OFCOM",
        "PPO",
        "HMO",
        "EOB",
        "ICU",
        "ER",
        "MRI",
        "DHL",
        "UPS",
        "USPS",
        "FEDEX",
        "TNT",
        "MOT",
        "QR",
        "OTP",
        "KYC",
        "AML",
        "IBAN",
        "BIC",
        "SWIFT",
        "ACH",
        "APR",
        "EMI",
        "GST",
        "NEFT",
        "UPI",
        "DM",
        "SLA",
        "CRM",
        "SAAS",
        "AWS",
        "GCP",
        "DDOS",
        "CDN",
        "FTP",
        "SSH",
        "SMTP",
        "IMAP",
        "POP",
        "MX",
        "TXT",
        "CNAME",
        "NS",
        "WIFI",
        "LTE",
        "FTTP",
        "FTTC",
        "ONT",
        "OK",
        "RSVP",
        "PS",
        "NB",
        "ADA",
        "ACA",
        "HSA",
        "FSA",
        "COBRA",
        "HIPAA",
        "GDPR",
        "ICO",
        "CMA",
        "ASA",
        "ABTA",
        "ATOL",
        "IATA",
        "PNR",
        "NRI",
        "RBI",
        "SEBI",
        "IRDAI",
        "CBN",
        "NCC",
        "NDPR",
        "BVN",
        "NIN",
        "POS",
        "ATMS",
        "PINS",
        "IDS",
        "HR",
        "QA",
        "UX",
        "UI",
        "AI",
        "ML",
        "EV",
        "AC",
        "DC",
        "LED",
        "LCD",
        "USB",
        "HDMI",
        "NBN",
        "ADSL2",
        "SEO",
        "CMS",
        "CV",
        "HQ",
        "PO",
        "BOGO",
        "MSRP",
        "RMA",
        "TBD",
        "AKA",
        "FYI",
        "OTC",
        "GPS",
    ]
)
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z']{2,}\b|\b(SO|NO|DO|MY|WE|BE|IS|TO|GO)\b")
_SHORT_WORDS = frozenset(
    [
        "ALL",
        "NOT",
        "ANY",
        "YOU",
        "AND",
        "THE",
        "FOR",
        "WAS",
        "ARE",
        "CAN",
        "NOW",
        "WHY",
        "HOW",
        "BUT",
        "DID",
        "HAS",
        "HAD",
        "OUR",
        "ONE",
        "TWO",
        "SIX",
        "TEN",
        "OFF",
        "OLD",
        "NEW",
        "BIG",
        "BAD",
        "WAY",
        "TOO",
        "YES",
        "GET",
        "GOT",
        "PUT",
        "SEE",
        "SAY",
        "DAY",
        "HER",
        "HIM",
        "HIS",
        "SHE",
        "WHO",
        "OUT",
        "ASK",
        "USE",
        "WON",
        "NOR",
        "YET",
        "ITS",
        "LET",
        "TRY",
        "OWN",
        "FEW",
        "LOT",
        "END",
        "DUE",
        "PAY",
        "SET",
        "RUN",
        "WIN",
        "SAD",
        "MAD",
        "HOT",
        "WOW",
        "FAR",
        "ODD",
        "AGO",
        "ADD",
        "ACT",
        "AIM",
        "BIT",
        "BOX",
        "BUY",
        "CUT",
        "FIX",
        "JOB",
        "KEY",
        "LOW",
        "MAN",
        "MEN",
        "MET",
        "NET",
        "OIL",
        "PER",
        "RED",
        "SIR",
        "WET",
        "SO",
        "NO",
        "DO",
        "MY",
        "WE",
        "BE",
        "IS",
        "TO",
        "GO",
    ]
)
"""Two- and three-letter capitals that are English words ('ALL', 'NOT'); other short capitals are codes (LAX, UTR, PWD)."""
EXCLAIM = re.compile(r"[!?]*![!?]*!+[!?]*|\?!|!\?")
EMOJI = re.compile("[\U0001f300-\U0001faff\u2600-\u27bf\U0001f000-\U0001f2ff]|[:;]-?[)(DPp]\\B")
SARCASM = [
    word_rx(
        r"\b(thanks|thank you) (so much )?for your (patience|understanding|cooperation),? as (always|usual)\b",
        r"\b(good|best of) luck (with that|with (getting|finding|chasing|trying|that one)|getting|trying|finding|chasing|with the \w+)\b",
        r"\b(is|are|was|were) famously\b",
        r"\bhow (will|did|would|do|can|could) you (ever |possibly )?(cope|survive)\b",
        r"\bsome people (just |simply )?(can't|cannot|don't|never|won't)\b",
        r"(?:^|(?<=[.!?]\s))(oh,? )?(great|brilliant|fantastic|wonderful|lovely|perfect|marvell?ous|super),? (another|just what (i|we) needed|more of)\b",
        r"\bshockingly enough\b",
        r"\bwho knew\b",
        r"\bobviously\b",
        r"\bclearly you\b",
        r"\bwhat a (surprise|shock)\b",
        r"\bif you say so\b",
        r"\bsure,? (because|whatever)\b",
        r"(?:^|(?<=[.!?,]\s))whatever\b(?! (you|they|we|i|he|she|it|the|is|was|happens|works|suits)\b)",
        r"\bnews ?flash\b",
        r"\b(congratulations|congrats),? you\b",
        r"\bbelieve it or not\b",
        r"\bnot that it matters\b",
        r"\bshocking,? i know\b",
        r"\bas hard as (it|that) (may|might) be to believe\b",
    ),
    # mocking the customer's reaction: "hopefully the wait won't feel quite so tragic next time"
    word_rx(
        r"\b(won'?t|not|isn'?t|wasn'?t|hardly|less) (feel |seem |be |sound )?(quite |that |so |such |as )+(tragic|dramatic|devastating|catastrophic|a big deal|the end of the world)\b",
        r"\bnot the end of the world\b",
        r"\b(a bit|slightly|rather|a little|somewhat) (dramatic|over the top|much)\b",
        r"\bbet you'?re (just |so |really )?(thrilled|delighted|loving|enjoying|having fun)\b",
    ),
    # defensive self-pity: "I'm not a magician, I can't just make files appear"
    word_rx(
        r"\b(i'?m|i am|we'?re|we are) not (a |an )?(magician|miracle worker|mind reader|wizard|psychic)s?\b",
        r"\bi can'?t (just )?(magically \w+|make (\w+ )?(appear|disappear)|wave a (magic )?wand)\b",
    ),
    # dismissive asides: "Not that she'll tell you anything different, but sure."
    word_rx(r"(?:^|(?<=[.!?]\s))not that\b[^.!?]*", r"\bbut sure\b", r"\b(yeah|oh) (right|sure)\b", r"\b(sure|right),? whatever\b"),
    SURE_IT_WONT_MATTER,
]
IRONIC_INTERJECTION = rx(
    r"^(oh,? )?(brilliant|great|fantastic|wonderful|lovely|perfect|super|marvell?ous|awesome|terrific|splendid|just great|great job|nice one|nice|classic|typical)[.!]*$"
)
"""A one-word 'Brilliant.' straight after admitting a failure is sarcasm, not praise."""
_FAILURE = rx(
    r"\b(can'?t|cannot|couldn'?t|didn'?t|doesn'?t|won'?t|wasn'?t|not|never|wrong|failed|broke|broken|lost|missed|crashed|outages?|delays?|errors?|glitch\w*|bugs?|mess)\b"
)
SYRUP = [
    word_rx(
        r"\bdear (most )?(valued|cherished|treasured|precious|beloved|esteemed|wonderful|lovely|special|amazing)\b",
        r"\b(cherished|treasured|precious|beloved|esteemed|adored|wonderful|amazing|special|lovely) (and \w+ )?(customer|client|member|guest|patient|friend|soul|subscriber)s?\b",
        r"\b(sweetie|honey|darling|sweetheart|hun|hon|my dear|dear friend)\b",
        r"\b(utmost|deepest|most heartfelt|humblest|profound(est)?|most sincere and heartfelt)\s+(honou?r|pleasure|gratitude|joy|delight)\b",
        r"\b(we|i) (absolutely |truly |just |really )?(adore|love|treasure|cherish) (you|our customers|hearing from you|every one of you)\b",
        r"\b(so|absolutely|truly|just|beyond) (thrilled|delighted|excited|overjoyed|honou?red) (to|that you)\b",
        r"\bit (is|was|'s) (an? )?(absolute |true |real )?(pleasure|joy|honou?r|privilege|delight) to (serve|assist|help|hear|receive)\b",
        r"\bfrom the (very )?bottom of (my|our) hearts?\b",
        r"\b(big )?(hugs?|xoxo|xx)\b",
        r"\ba (million|thousand) (times )?(thanks|apologies|sorr(y|ies))\b",
        r"\byou (are|'re) (an? )?(absolute |true )?(star|angel|treasure|gem|sweetheart)\b",
        r"\bwarmest (hugs|wishes and)\b",
        r"\b(most|truly|deeply|greatly) (esteemed|cherished|treasured|beloved|honou?red|valued) (patron|customer|client|member|guest|friend|family|user|traveller|passenger|tenant|applicant|learner|student|shopper)s?\b",
        r"\b(deepest|profound(est)?|utmost|most humble) (humility|regret|reverence|gratitude)\b",
        r"\b(customers|members|clients|guests|people|patrons|users|shoppers|families) like you (are|make)\b",
        r"\bheart and soul\b",
        r"\b(of|to|in|into) our ([\w-]+ )?family\b(?!-)",
    ),
]


def _is_emphasis(word: str, complaint: str) -> bool:
    """Is an all-caps token shouting rather than an acronym, code or name?

    Known acronyms, vowel-less tokens (PWD, HR) and short tokens that are not English words
    (LAX, UTR) are codes; a longer token the customer also wrote in capitals is a name they used
    (a venue, a model) or their own words quoted back, not the writer raising their voice.
    """
    bare = word.replace("'", "")
    if bare in ACRONYMS or not re.search(r"[AEIOUY]", bare):
        return False
    if len(bare) <= 3:
        return bare in _SHORT_WORDS
    return not _written_in(word, complaint)


@lru_cache(maxsize=4096)
def _written_in(word: str, text: str) -> bool:
    """`word` occurs in `text` as a whole word. A word without an apostrophe is a whole run of word characters,
    so it is looked up in the text's set of runs (built once) rather than searched for once per word; the
    others are searched for once per distinct word."""
    if "'" in word:
        return re.search(rf"\b{re.escape(word)}\b", text) is not None
    return word in _word_runs(text)


@lru_cache(maxsize=64)
def _word_runs(text: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", text))


def shouting(text: str, complaint: str = "") -> list[Span]:
    words = [m for m in _CAPS_WORD.finditer(text) if _is_emphasis(m.group(0), complaint)]
    if len(words) < 2:
        return []
    return [Span(start=m.start(), end=m.end(), text=m.group(0)) for m in words]


def exclamation_storm(text: str) -> list[Span]:
    storms = [Span(start=m.start(), end=m.end(), text=m.group(0)) for m in EXCLAIM.finditer(text)]
    if storms:
        return storms
    bangs = [Span(start=i, end=i + 1, text="!") for i, ch in enumerate(text) if ch == "!"]
    return bangs if len(bangs) >= 3 else []


def emoji_string(text: str) -> list[Span]:
    found = [Span(start=m.start(), end=m.end(), text=m.group(0)) for m in EMOJI.finditer(text)]
    return found if len(found) >= 2 else []


def ironic_interjections(text: str) -> list[Span]:
    sents = sentences(text)
    return [s.span() for prev, s in pairwise(sents) if IRONIC_INTERJECTION.search(s.text) and _FAILURE.search(prev.text)]


def check_calm_tone(ctx: CheckContext) -> Verdict:
    text = normalize(ctx.reply)
    problems: list[tuple[str, list[Span]]] = [
        ("shouting in capitals", shouting(text, normalize(ctx.complaint))),
        ("an exclamation storm", exclamation_storm(text)),
        ("a string of emoji", emoji_string(text)),
        ("sarcasm", merge_spans(find_all(SARCASM, text) + ironic_interjections(text))),
        ("syrupy over-politeness", find_all(SYRUP, text)),
    ]
    found = [(name, spans) for name, spans in problems if spans]
    if not found:
        return Verdict(True, "Calm, plain, neutral register.")
    names = ", ".join(name for name, _ in found)
    spans = sorted(in_original((s for _, group in found for s in group), ctx.reply), key=lambda s: s.start)
    return Verdict(False, f"Tone is not calm and plain: {names}.", tuple(spans))
