"""calm-tone: speak normally — no shouting, exclamation storms, emoji, sarcasm or syrup."""
from __future__ import annotations

import re

from evals.rules.model import CheckContext, Span, Verdict
from evals.rules.text import find_all, rx

ACRONYMS = frozenset(
    """SMS MMS DNS SSL TLS API URL USD GBP EUR NGN INR AUD CAD NZD ZAR ATM PIN VAT FAQ CEO CTO GP ID IT UK USA US EU NHS ISP
    VPN IP PDF SIM HVAC ETA GMT UTC BST EST EDT PST PDT CET WAT IST AM PM ASAP TV CCTV PC SKU DSL ADSL HTTP HTTPS WWW CPU RAM
    SSD HDD GPS CFPB FCA FCC OFCOM PPO HMO EOB ICU ER MRI DHL UPS USPS FEDEX TNT MOT QR OTP KYC AML IBAN BIC SWIFT ACH APR EMI
    GST NEFT UPI DM SLA CRM SAAS AWS GCP DDOS CDN FTP SSH SMTP IMAP POP MX TXT CNAME NS WIFI LTE FTTP FTTC ONT OK RSVP PS NB
    ADA ACA HSA FSA COBRA HIPAA GDPR ICO CMA ASA ABTA ATOL IATA PNR NRI RBI SEBI IRDAI CBN NCC NDPR BVN NIN POS ATMS PINS IDS
    HR QA UX UI AI ML EV AC DC LED LCD USB HDMI NBN ADSL2 SEO CMS CV HQ PO BOGO MSRP RMA TBD AKA FYI OTC GPS""".split()
)
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z']{2,}\b")
EXCLAIM = re.compile(r"[!?]*![!?]*!+[!?]*|\?!|!\?")
EMOJI = re.compile("[\U0001F300-\U0001FAFF\u2600-\u27BF\U0001F000-\U0001F2FF]|[:;]-?[)(DPp]\\B")
SARCASM = [
    rx(r"\b(thanks|thank you) (so much )?for your (patience|understanding|cooperation),? as (always|usual)\b", r"\bgood luck with that\b",
       r"\bobviously\b", r"\bclearly you\b", r"\bwhat a (surprise|shock)\b", r"\bif you say so\b", r"\bsure,? (because|whatever)\b",
       r"\bwhatever\b", r"\bnews ?flash\b", r"\b(congratulations|congrats),? you\b", r"\bbelieve it or not\b", r"\bnot that it matters\b",
       r"\bshocking,? i know\b", r"\bas hard as (it|that) (may|might) be to believe\b"),
]
SYRUP = [
    rx(r"\bdear (most )?(valued|cherished|treasured|precious|beloved|esteemed|wonderful|lovely|special|amazing)\b",
       r"\b(cherished|treasured|precious|beloved|esteemed|adored|wonderful|amazing|special|lovely) (and \w+ )?(customer|client|member|guest|patient|friend|soul|subscriber)s?\b",
       r"\b(sweetie|honey|darling|sweetheart|hun|hon|my dear|dear friend)\b",
       r"\b(utmost|deepest|most heartfelt|humblest|profound(est)?|most sincere and heartfelt)\s+(honou?r|pleasure|gratitude|joy|delight)\b",
       r"\b(we|i) (absolutely |truly |just |really )?(adore|love|treasure|cherish) (you|our customers|hearing from you|every one of you)\b",
       r"\b(so|absolutely|truly|just|beyond) (thrilled|delighted|excited|overjoyed|honou?red) (to|that you)\b",
       r"\bit (is|was|'s) (an? )?(absolute |true |real )?(pleasure|joy|honou?r|privilege|delight) to (serve|assist|help|hear|receive)\b",
       r"\bfrom the (very )?bottom of (my|our) hearts?\b", r"\b(big )?(hugs?|xoxo|xx)\b", r"\ba (million|thousand) (times )?(thanks|apologies|sorr(y|ies))\b",
       r"\byou (are|'re) (an? )?(absolute |true )?(star|angel|treasure|gem|sweetheart)\b", r"\bwarmest (hugs|wishes and)\b"),
]


def shouting(text: str) -> list[Span]:
    words = [m for m in _CAPS_WORD.finditer(text) if m.group(0).replace("'", "") not in ACRONYMS]
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


def check_calm_tone(ctx: CheckContext) -> Verdict:
    problems: list[tuple[str, list[Span]]] = [
        ("shouting in capitals", shouting(ctx.reply)),
        ("an exclamation storm", exclamation_storm(ctx.reply)),
        ("a string of emoji", emoji_string(ctx.reply)),
        ("sarcasm", find_all(SARCASM, ctx.reply)),
        ("syrupy over-politeness", find_all(SYRUP, ctx.reply)),
    ]
    found = [(name, spans) for name, spans in problems if spans]
    if not found:
        return Verdict(True, "Calm, plain, neutral register.")
    names = ", ".join(name for name, _ in found)
    spans = sorted((s for _, group in found for s in group), key=lambda s: s.start)
    return Verdict(False, f"Tone is not calm and plain: {names}.", tuple(spans))
