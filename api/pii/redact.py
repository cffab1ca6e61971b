"""Swaps personal data for placeholders before text goes to a model, and back in what it writes.

One Redactor per draft: the same value gets the same placeholder in every message and re-ask
([EMAIL_1] stays EMAIL_1), so the model can refer to it and the reply gets the real value back.
"""

from __future__ import annotations

import re
from typing import Any, TypeVar

from pydantic import BaseModel

from api.pii.detect import PRIORITY, Found, find_pii
from api.schemas import DraftRequest

M = TypeVar("M", bound=BaseModel)
# The model may drop the brackets or change the case or the separator: [EMAIL_1], [email 1], EMAIL_1.
_KINDS = "|".join(PRIORITY)
_PLACEHOLDER = re.compile(rf"\[ ?(?P<k>{_KINDS})[ _-]?(?P<n>\d{{1,4}}) ?\]|\b(?P<bk>{_KINDS})_(?P<bn>\d{{1,4}})\b", re.I)


def _normal(f: Found) -> str:
    if f.kind in ("PHONE", "CARD"):
        return re.sub(r"\D", "", f.text)
    if f.kind in ("IBAN", "ORDER", "ACCOUNT", "POSTCODE"):
        return re.sub(r"[\s-]", "", f.text).upper()
    return " ".join(f.text.lower().split())


class Redactor:
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self._placeholders: dict[tuple[str, str], str] = {}
        self._values: dict[str, str] = {}
        self._done: dict[str, str] = {}

    @property
    def values(self) -> dict[str, str]:
        """Placeholder -> the value it stands for (as first written)."""
        return dict(self._values)

    def _placeholder(self, f: Found) -> str:
        key = (f.kind, _normal(f))
        if key not in self._placeholders:
            number = 1 + sum(1 for kind, _ in self._placeholders if kind == f.kind)
            placeholder = f"[{f.kind}_{number}]"
            self._placeholders[key] = placeholder
            self._values[placeholder] = f.text
        return self._placeholders[key]

    def redact(self, text: str) -> str:
        if not self.enabled:
            return text
        parts, last = [], 0
        for f in find_pii(text):
            parts += [text[last : f.start], self._placeholder(f)]
            last = f.end
        return "".join([*parts, text[last:]])

    def redact_messages(self, messages: list[dict[str, str]]) -> list[dict[str, str]]:
        """Every message but the system prompt, which is ours (template, rules, schema) and holds no
        customer data. A re-ask repeats earlier messages, so each text is scanned once."""
        return [m if m["role"] == "system" else {**m, "content": self._redact_once(m["content"])} for m in messages]

    def _redact_once(self, text: str) -> str:
        if text not in self._done:
            self._done[text] = self.redact(text)
        return self._done[text]

    def restore(self, text: str) -> str:
        def real(m: re.Match[str]) -> str:
            kind, number = (m.group("k"), m.group("n")) if m.group("k") else (m.group("bk"), m.group("bn"))
            return self._values.get(f"[{kind.upper()}_{int(number)}]", m.group(0))

        return _PLACEHOLDER.sub(real, text) if self._values else text

    def restore_model(self, model: M) -> M:
        """The model with every string restored, validated again (a real value may break a length limit)."""
        return type(model).model_validate(self._restore_json(model.model_dump()))

    def _restore_json(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.restore(value)
        if isinstance(value, list):
            return [self._restore_json(v) for v in value]
        if isinstance(value, dict):
            return {k: self._restore_json(v) for k, v in value.items()}
        return value


def redact_request(req: DraftRequest, enabled: bool = True) -> tuple[DraftRequest, Redactor]:
    """The request with its free text redacted, and the Redactor that did it. Placeholders are
    numbered in the request's field order, so the stored request and the prompts agree."""
    redactor = Redactor(enabled)
    redacted = req.model_copy(
        update={
            "complaint": redactor.redact(req.complaint),
            "history": [t.model_copy(update={"text": redactor.redact(t.text)}) for t in req.history],
            "context": redactor.redact(req.context) if req.context is not None else None,
            "instructions": redactor.redact(req.instructions) if req.instructions is not None else None,
        }
    )
    return redacted, redactor
