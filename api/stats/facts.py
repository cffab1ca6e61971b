"""One stored draft reduced to what the statistics need."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

Outcome = str  # "sent" | "edited" | "discarded"


@dataclass(frozen=True)
class DraftFacts:
    created_at: datetime
    model: str
    prompt_version: str
    source: str
    suggested_failures: tuple[str, ...]
    """Rule ids the suggested text failed."""
    flags: tuple[str, ...]
    """Analysis flag kinds (prompt_injection included; escalations leave it out)."""
    outcome: Outcome | None = None
    """The latest feedback's outcome, None when the agent has not finished the draft."""
    edit_distance: int | None = None
    sent_failures: tuple[str, ...] | None = None
    """Rule ids the text that went out failed; None when nothing went out or it was not checked."""
