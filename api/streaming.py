"""Readable text from a model's half-written JSON, for streaming drafts.

The model writes the reply as a JSON object of sections (api.schemas.Sections). While it writes,
`preview` pulls out the string values written so far, in order, so an agent reads words rather than
braces; `DeltaTracker` turns successive previews into `delta` events. The stored draft, rendered
from the validated sections, replaces the preview when the stream is done. Pure functions.
"""

from __future__ import annotations

import contextlib
import json
import re
from dataclasses import dataclass

_KEY = re.compile(r'"(acknowledgement|apology|restatement|solution|next_steps|follow_up|closing)"\s*:\s*')
_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _string_at(raw: str, start: int) -> tuple[str, int, bool]:
    """Decode the JSON string whose opening quote is at raw[start]: (text so far, end index, closed)."""
    out: list[str] = []
    i = start + 1
    while i < len(raw):
        ch = raw[i]
        if ch == '"':
            return "".join(out), i + 1, True
        if ch == "\\":
            if i + 1 >= len(raw):
                break
            code = raw[i + 1]
            if code == "u":
                if i + 6 > len(raw):
                    break
                with contextlib.suppress(ValueError):
                    out.append(json.loads(f'"{raw[i : i + 6]}"'))
                i += 6
                continue
            out.append(_ESCAPES.get(code, code))
            i += 2
            continue
        out.append(ch)
        i += 1
    return "".join(out), len(raw), False


def preview(raw: str) -> str:
    """The sections' text written so far: paragraphs in the order the model wrote them, next steps as a list."""
    parts: list[str] = []
    for match in _KEY.finditer(raw):
        at = match.end()
        if at >= len(raw):
            break
        if raw[at] == '"':
            text, _, _ = _string_at(raw, at)
            if text.strip():
                parts.append(text.strip())
        elif raw[at] == "[":
            steps: list[str] = []
            i = at + 1
            while i < len(raw):
                while i < len(raw) and raw[i] in " \n\r\t,":
                    i += 1
                if i >= len(raw) or raw[i] != '"':
                    break
                text, i, closed = _string_at(raw, i)
                if text.strip():
                    steps.append(f"- {text.strip()}")
                if not closed:
                    break
            if steps:
                parts.append("\n".join(steps))
    return "\n\n".join(parts)


@dataclass
class DeltaTracker:
    """Turns successive previews into deltas: the new tail, or the whole text with reset=True when the
    text went back on itself (a re-ask, a transport retry, a fallback)."""

    shown: str = ""

    def update(self, text: str, *, attempt: int) -> dict[str, object] | None:
        if text == self.shown:
            return None
        if text.startswith(self.shown):
            delta = {"attempt": attempt, "text": text[len(self.shown) :], "reset": False}
        else:
            delta = {"attempt": attempt, "text": text, "reset": True}
        self.shown = text
        return delta
