"""One-click fixes: a replacement for a flagged span where one reads well in any sentence.

The phrase table is data (suggestions.json beside this file). Pure: a span's suggestion depends only
on the rule and the span's text.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_TABLE = Path(__file__).with_name("suggestions.json")


@dataclass(frozen=True)
class _Fix:
    pattern: re.Pattern[str]
    replacement: str | None
    lower: bool


@lru_cache
def _fixes() -> dict[str, tuple[_Fix, ...]]:
    raw = json.loads(_TABLE.read_text(encoding="utf-8"))
    return {
        rule: tuple(
            _Fix(re.compile(e["pattern"], 0 if e.get("transform") else re.IGNORECASE), e.get("replacement"), e.get("transform") == "lower")
            for e in entries
        )
        for rule, entries in raw.items()
        if not rule.startswith("_")
    }


def _keep_case(original: str, fixed: str) -> str:
    """The fix starts in the span's case, except that 'I' stays a capital."""
    if not fixed or not original[:1].isalpha() or re.match(r"I\b", fixed):
        return fixed
    return fixed[:1].upper() + fixed[1:] if original[:1].isupper() else fixed[:1].lower() + fixed[1:]


def suggest(rule_id: str, text: str) -> str | None:
    """The text to put in place of `text`, a span the rule flagged; None when no safe fix is known."""
    for fix in _fixes().get(rule_id, ()):
        match = fix.pattern.fullmatch(text)
        if match is None:
            continue
        if fix.lower:
            return text.lower()
        fixed = match.expand(fix.replacement or "")
        return _keep_case(text, fixed)
    return None
