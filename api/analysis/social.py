"""Real-message clean-up that keeps every offset: @handles, URLs, hashtags, emoji and redactions.

Tweets, chat exports and regulator complaints carry tokens a parser should not read as words
("@AcmeHelp", "https://t.co/x", "XX/XX/2024", "{$120.00}"). `blank_noise` replaces them with
spaces of the same length, so a span found in the cleaned text is a span of the original.
"""

from __future__ import annotations

import re

_NOISE = re.compile(
    r"https?://\S+|www\.\S+"  # links
    r"|(?<![\w@])@\w{1,30}"  # @handles
    r"|\bX{2,}(?:/X{2,})*(?:/\d{2,4})?\b"  # XXXX, XX/XX/XXXX, XX/XX/2024 redactions
    r"|[\U0001F000-\U0001FAFF\u2600-\u27BF\uFE0F\u200D]"  # emoji and their joiners
    r"|[{}]"  # CFPB money braces: {$120.00}
    r"|(?<![\w&])#[A-Za-z]\w*",  # hashtags (#fail, #VeloxDown); "#4521" order numbers stay
)


def blank_noise(text: str) -> str:
    """`text` with noise tokens replaced by spaces of equal length (offsets unchanged)."""
    return _NOISE.sub(lambda m: " " * len(m.group(0)), text)


def shouting(text: str) -> bool:
    """Mostly capitals: the text should be read in lower case (ALL CAPS rants parse badly)."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.6
