"""Emotions and overall intensity, from lexicons plus arousal cues (ALL-CAPS, '!', profanity, intensifiers).

Arousal only raises anger and frustration: shouting does not make someone sadder, and a calm, grieving
message should stay calm however sad it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from api.analysis.model import Emotion, EmotionName, Intensity
from api.analysis.text import Lexicon, Span, rx

_LEXICON: dict[EmotionName, Lexicon] = {
    "anger": rx(
        r"\b(?:furious|angry|anger|livid|outraged|outrageous|fuming|disgust(?:ed|ing)|disgrace(?:ful)?|unacceptable|"
        r"ridiculous|absurd|pathetic|useless|incompetent|shameful|insult(?:ing)?|extortion|criminal|liars?|lying|"
        r"scam|rip[- ]?off|cheat(?:ing|ed)?|shouting|yelling|screaming|how\s+dare|you\s+people|you\s+lot|"
        r"are\s+you\s+(?:kidding|serious|joking)|not\s+acceptable|sick\s+of|had\s+enough|hostage|a\s+joke|"
        r"not\s+going\s+to\s+calm\s+down|one\s+job|crazy|insane|nonsense|rubbish|terrible|awful|horrible|appalling|"
        r"worst|unfair|not\s+fair|careless|negligen\w*|fraud|I\s+don'?t\s+care|don'?t\s+(?:tell|put)\s+me|"
        r"not\s+paying|I'?m\s+not\s+stupid|what\s+(?:exactly\s+)?am\s+I\s+paying|what\s+was\s+the\s+point|"
        r"how\s+(?:can|could|does|is|dare)\s+(?:you|this|that|an?\b)|not\s+joking|because\s+of\s+(?:you|your)\b|"
        r"who\s+even)\b"
    ),
    "frustration": rx(
        r"\b(?:frustrat\w*|fed\s+up|again|every\s+(?:single\s+)?time|(?:second|third|fourth|fifth|sixth)\s+"
        r"(?:time|email|message|call)|on\s+hold|nobody\s+(?:calls|called|answers|came|got\s+back|follows\s+up|picked\s+up)|"
        r"no\s+one\s+(?:calls|called|answers|came|got\s+back)|keep\s+(?:telling|saying|sending|getting|asking|pasting)|"
        r"same\s+(?:reply|answer|sentence|message)|copy[- ]and[- ]paste|chas(?:e|ing)|waste(?:d)?\s+(?:of\s+)?(?:my\s+)?time|"
        r"what\s+is\s+going\s+on|how\s+hard|round\s+in\s+circles|passing\s+(?:the\s+)?ball|another\s+team|"
        r"whose\s+department|someone\s+else'?s\s+(?:job|department)|canned|scripted|script|form\s+letter|"
        r"still\s+(?:waiting|nothing|not|no|hasn'?t|haven'?t|showing|pending|dead|down)|(?:five|four|three|six|\d+)\s+times|"
        r"twice|no\s+one\s+will\s+tell|already|yet\s+again|I'?ve\s+tried|tried\s+(?:\d+|five|three|everything)|"
        r"nothing\s+(?:happens|has\s+(?:arrived|changed|happened))|it'?s\s+been|nobody|no\s+one|no-one)\b"
    ),
    "disappointment": rx(
        r"\b(?:disappoint\w*|let\s+down|expected\s+(?:better|more|them\s+to)|not\s+what\s+I\s+expected|"
        r"feel\s+(?:very\s+)?foolish|I\s+defended\s+you|used\s+to\s+be|shame|a\s+pity|gutted|not\s+happy|unhappy|"
        r"I\s+thought\s+you|expected|at\s+least|gross|should\s+have\s+been)\b"
    ),
    "anxiety": rx(
        r"\b(?:worr(?:y|ied|ying)|scared|afraid|anxious|anxiety|panic\w*|terrified|nervous|frighten\w*|urgent(?:ly)?|"
        r"desperate|stress(?:ed|ful)?|emergency|what\s+(?:do|should)\s+I\s+do|don'?t\s+know\s+what\s+to\s+do|"
        r"please\s+tell\s+me|(?:is|are)\s+(?:my|our)\s+\w+\s+(?:\w+\s+)?safe|what\s+happens\s+(?:now|if)|"
        r"(?:can'?t|cannot)\s+(?:even\s+)?think\s+about\s+it|is\s+(?:it|this)\s+true|help\s+me|please\s+help|"
        r"what\s+will\s+you\s+do|can'?t\s+lose|at\s+risk|not\s+sure\s+what|(?:is|are)\s+(?:it|our|my)\s+\w+\s+(?:lost|gone)|"
        r"who\s+(?:has|is\s+getting)\s+(?:that|mine)|deadline|exams?)\b"
    ),
    "sadness": rx(
        r"\b(?:sad|heartbroken|heartbreaking|devastated|cry(?:ing)?|cried|tears|grief|griev\w*|upset|hurt|"
        r"ashamed|lonely|alone|miss(?:ed)?\s+(?:the\s+ceremony|my\s+speech|the\s+wedding)|never\s+get\s+(?:that|it)\s+back|"
        r"lost\s+everything|broke\s+my\s+heart|died|passed\s+away|voice\s+breaking|only\s+thing\s+keeping\s+me\s+going)\b"
    ),
    "betrayal": rx(
        r"\b(?:loyal|trusted\s+you|trust\s+you|I\s+defended\s+you|after\s+all\s+(?:these|this)\s+(?:years|time)|"
        r"(?:this\s+is\s+)?how\s+you\s+treat|I\s+recommended\s+you|support\s+local|betray\w*|misled|misleading|"
        r"false\s+advertising|bait|hide\s+behind|"
        r"(?:customer|member|with\s+you(?:\s+guys)?|banked\s+with\s+you)\s+for\s+(?:almost\s+|over\s+|nearly\s+)?"
        r"(?:\d+|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty\S*)\s+years|"
        r"(?:\d+|six|eight|nine|eleven)\s+years\s+(?:with\s+you|as\s+a\s+customer|without\s+a\s+single))\b"
    ),
    "exhaustion": rx(
        r"\b(?:tired|exhausted|exhausting|drained|worn\s+out|(?:no|don'?t\s+have\s+the)\s+energy|"
        r"can'?t\s+keep\s+(?:doing|telling|explaining)|(?:haven'?t|not|without)\s+(?:been\s+)?sleep\w*|not\s+slept|"
        r"nights?\s+of\s+not\s+sleeping|I'?m\s+done|I\s+am\s+done|gave\s+up|give\s+up|over\s+and\s+over|"
        r"at\s+this\s+point|sick\s+and\s+tired|patience\s+until\s+it\s+has\s+finished)\b"
    ),
    "sarcasm": rx(
        r"\bthanks\s+for\s+nothing\b",
        r"\bgreat\s+job\b",
        r"\bwell\s+done\b",
        r"\bwow,?\s+just\s+wow\b",
        r"\b(?:oh|just)\s+great\b",
        r"\bcongratulations\b|\bcongrats\b",
        r"\bbravo\b",
        r"\bslow\s+clap\b",
        r"\bhats\s+off\b",
        r"\b10/10\b",
        r"\b(?:truly|really|so|very)\s+(?:brave|classy|innovative|helpful|professional|impressive|efficient|"
        r"adaptive|reassuring)\b",
        r"\blove\s+how\b",
        r"\blov(?:e|ed)\s+being\b",
        r"\bthoroughly\s+enjoyed\b",
        r"\bwhat\s+a\s+(?:lovely|novel|great|wonderful|brilliant)\s+(?:surprise|idea)\b",
        r"\bI\s+do\s+so\s+admire\b",
        r"\bbrilliant\s+business\s+model\b",
        r"\breally\s+great\s+how\b",
        r"\blove\s+the\s+new\b",
        r"[🙃🙄😒]",
    ),
}

_INTENSIFIER = rx(
    r"\b(?:very|really|so|extremely|absolutely|totally|completely|utterly|incredibly|beyond|seriously|"
    r"genuinely|truly|deeply|super|bloody|fucking)\s+$"
)
_PROFANITY = rx(
    r"\b(?:fuck\w*|shit\w*|bullshit|crap(?:py)?|damn(?:ed|it)?|goddamn\w*|bloody|bastard\w*|bollocks|piss(?:ed)?|"
    r"arse\w*|asshole\w*|dickhead|wank\w*|twat|wtf|ffs)\b",
    r"\b[fsbdc][*#@$%!]{1,4}[a-z]*\b|\b[fsbdc]\w?[*#@$%]{1,3}\w*|\$#!t",
)
"""Profanity, masked ('f***', 's**t', 'f*cking') or not."""
_CAPS_WORD = re.compile(r"\b[A-Z][A-Z'’]{2,}\b")
_WORD = re.compile(r"\b[A-Za-z][A-Za-z'’]{2,}\b")
_DOUBLE_QUESTION = re.compile(r"\?[?!]+")
_CAPS_RUN = re.compile(r"\b[A-Z][A-Z'’]+(?:[\s,.!?]+[A-Z][A-Z'’]+){2,}\b")

BASE = 0.3
PER_EXTRA_HIT = 0.12
PER_INTENSIFIED_HIT = 0.08
MAX_EVIDENCE = 3
SHOUTING = 0.3
"""Arousal above which a message reads as angry even without an anger word."""
_LEVELS: list[tuple[float, Intensity]] = [(0.6, "furious"), (0.28, "moderate"), (0.1, "mild"), (0.0, "calm")]
"""Cut points for the overall score, calibrated on the labelled complaints in evals/datasets (about 70% exact)."""


@dataclass(frozen=True)
class Arousal:
    """How loud the message is, independent of what it says."""

    caps_ratio: float
    exclamations: int
    profanity: list[Span]
    shouting: list[Span]

    @property
    def score(self) -> float:
        return min(1.0, 0.5 * self.caps_ratio + min(0.2, 0.04 * self.exclamations) + (0.25 if self.profanity else 0.0))


def arousal(text: str) -> Arousal:
    words = _WORD.findall(text)
    caps = _CAPS_WORD.findall(text)
    return Arousal(
        caps_ratio=len(caps) / len(words) if words else 0.0,
        exclamations=text.count("!") + len(_DOUBLE_QUESTION.findall(text)),
        profanity=[Span.of(m) for m in _PROFANITY.finditer(text)],
        shouting=[Span.of(m) for m in _CAPS_RUN.finditer(text)],
    )


def _emotion(name: EmotionName, hits: list[Span], text: str, loud: Arousal) -> Emotion:
    intensified = sum(1 for h in hits if _INTENSIFIER.search(text[max(0, h.start - 20) : h.start]))
    score = BASE + PER_EXTRA_HIT * (len(hits) - 1) + PER_INTENSIFIED_HIT * intensified if hits else 0.0
    if name in ("anger", "frustration"):
        score += loud.score * (0.6 if hits else 0.5)
    evidence = (hits + loud.profanity + loud.shouting if name == "anger" else hits)[:MAX_EVIDENCE]
    return Emotion(name=name, intensity=round(min(1.0, score), 2), evidence=[e.evidence() for e in evidence])


def find_emotions(text: str) -> tuple[list[Emotion], Arousal]:
    """Emotions present in `text`, strongest first, and the message's arousal."""
    loud = arousal(text)
    out: list[Emotion] = []
    for name, pattern in _LEXICON.items():
        hits = [Span.of(m) for m in pattern.finditer(text)]
        if hits or (name == "anger" and loud.score >= SHOUTING):
            out.append(_emotion(name, hits, text, loud))
    return sorted(out, key=lambda e: -e.intensity), loud


_HEDGE = rx(
    r"\bnot\s+(?:a\s+)?(?:huge|big|major)\s+(?:deal|thing)\b",
    r"\bno\s+(?:worries|rush|big\s+deal)\b",
    r"\bnot\s+(?:angry|furious|after\s+money)\b",
    r"\bjust\s+(?:wanted|thought|a\s+note)\b",
    r"\bthanks?\b",
    r"\bcheers\b",
    r"\blol\b",
    r"😅|🙂",
    r"\bcould\s+you\b",
    r"\bwould\s+you\s+mind\b",
    r"\b(?:hi|hello)\b",
    r"\bregards\b",
    r"\bum\b",
    r"\bi'?m\s+not\s+angry\b",
    r"\bbit\s+(?:of\s+)?(?:late|disappointed|awkward)\b",
)
"""Politeness and downplaying that cool a message down."""
_DEMAND = rx(r"\bI\s+(?:want|demand|expect|insist)\b", r"\bimmediately\b", r"\bor\s+(?:else|I'?m|I\s+will|I'?ll)\b", r"\bI'?m\s+done\b")
_SHOUTED_DEMAND = rx(r"\b(?:NOW|TODAY|IMMEDIATELY)\b", case=True)

PEAK_WEIGHT = 0.7
BREADTH_WEIGHT = 0.3
LOUDNESS_WEIGHT = 0.7
THREAT_WEIGHT = 0.2
DEMAND_WEIGHT = 0.08
HEDGE_WEIGHT = 0.1


def overall_intensity(text: str, emotions: list[Emotion], loud: Arousal, threats: int) -> tuple[Intensity, float]:
    """Overall temperature: the strongest emotion, how many are in play, loudness, threats and demands,
    cooled by politeness ('not a huge deal', 'thanks')."""
    peak = max((e.intensity for e in emotions), default=0.0)
    breadth = min(1.0, len(emotions) / 4)
    demands = min(3, _DEMAND.count(text) + _SHOUTED_DEMAND.count(text))
    hedges = min(3, _HEDGE.count(text))
    score = (
        PEAK_WEIGHT * peak
        + BREADTH_WEIGHT * breadth
        + LOUDNESS_WEIGHT * loud.score
        + THREAT_WEIGHT * min(threats, 2)
        + DEMAND_WEIGHT * demands
        - HEDGE_WEIGHT * hedges
    )
    score = round(min(1.0, max(0.0, score)), 2)
    return next(level for threshold, level in _LEVELS if score >= threshold), score
