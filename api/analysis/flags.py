"""Flags from the latest complaint and the customer's earlier turns: escalation signals and prompt injection."""

from __future__ import annotations

from typing import get_args

from api.analysis import harm, injection, threats, vulnerability
from api.analysis.concepts import concept_flags
from api.analysis.flag_model import learned_flags
from api.analysis.model import Flag, FlagKind
from api.analysis.rules import dismissed, first_hits
from api.analysis.text import Span

RULES = threats.LEGAL + threats.AUTHORITY + threats.MEDIA + harm.SAFETY + harm.DATA_LOSS + vulnerability.RULES + injection.RULES
_ORDER = {kind: i for i, kind in enumerate(get_args(FlagKind))}


def flags_in(text: str) -> dict[FlagKind, tuple[str, Span]]:
    """Each flag kind raised by `text`, with the reason and the first supporting span."""
    hits = {kind: (rule.reason, span) for kind, (rule, span) in first_hits(RULES, text).items()}
    hits.update(concept_flags(text, skip=set(hits)))  # type: ignore[arg-type]
    hits.update(learned_flags(text, skip=set(hits), dismissed=dismissed(RULES, text)))  # type: ignore[arg-type]
    if "vulnerable_customer" not in hits:
        span = vulnerability.named_bereavement(text)
        if span is not None:
            hits["vulnerable_customer"] = ("bereavement", span)
    return hits


def detect_flags(complaint: str, earlier_turns: list[str]) -> list[Flag]:
    """Flags from the complaint (with evidence) plus any that only earlier customer turns raise (no evidence:
    offsets always refer to the latest complaint)."""
    found = {kind: Flag(kind=kind, reason=reason, evidence=span.evidence()) for kind, (reason, span) in flags_in(complaint).items()}
    for turn in earlier_turns:
        for kind, (reason, _) in flags_in(turn).items():
            found.setdefault(kind, Flag(kind=kind, reason=f"{reason} (earlier message)"))
    return sorted(found.values(), key=lambda f: _ORDER[f.kind])
