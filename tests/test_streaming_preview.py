"""Readable previews of half-written section JSON, and the deltas between them."""

from __future__ import annotations

import json
from itertools import pairwise

from api.streaming import DeltaTracker, preview
from tests.fakes import GOOD_SECTIONS


def test_preview_grows_with_the_json_and_ends_with_every_section() -> None:
    raw = json.dumps(GOOD_SECTIONS)
    seen = [preview(raw[:n]) for n in range(len(raw) + 1)]
    final = seen[-1]
    assert final.startswith(GOOD_SECTIONS["acknowledgement"])
    assert "- " + GOOD_SECTIONS["next_steps"][1] in final and final.endswith(GOOD_SECTIONS["closing"])
    assert "{" not in final and '"' not in final.replace("'", "")
    grew = sum(1 for a, b in pairwise(seen) if b.startswith(a))
    assert grew >= len(seen) - 12, "almost every character extends the preview (stripped whitespace may not)"


def test_preview_decodes_escapes_and_waits_for_incomplete_ones() -> None:
    raw = '{"acknowledgement": "I\\u2019m sorry \\"truly\\"\\n ok", "apology": "x\\u20'
    assert preview(raw).startswith('I\u2019m sorry "truly"\n ok')
    assert preview(raw).endswith("x")


def test_deltas_append_and_reset_when_the_text_starts_over() -> None:
    tracker = DeltaTracker()
    assert tracker.update("Hello", attempt=1) == {"attempt": 1, "text": "Hello", "reset": False}
    assert tracker.update("Hello", attempt=1) is None
    assert tracker.update("Hello there", attempt=1) == {"attempt": 1, "text": " there", "reset": False}
    assert tracker.update("Hi", attempt=2) == {"attempt": 2, "text": "Hi", "reset": True}
