"""Every rule's pass and fail examples (examples.json beside this file), as contexts a check can run on."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from evals.rules.model import Channel, CheckContext
from evals.rules.policy import Policy

EXAMPLES_PATH = Path(__file__).with_name("examples.json")


@dataclass(frozen=True)
class Example:
    rule_id: str
    context: CheckContext
    passes: bool


def _context(raw: str | dict[str, Any]) -> CheckContext:
    if isinstance(raw, str):
        return CheckContext(reply=raw)
    policy = raw.get("policy")
    return CheckContext(
        reply=raw["reply"],
        complaint=raw.get("complaint", ""),
        company_at_fault=raw.get("company_at_fault"),
        policy=Policy.model_validate(policy) if policy is not None else None,
        channel=Channel(raw.get("channel", "email")),
    )


@lru_cache(maxsize=1)
def rule_examples() -> tuple[Example, ...]:
    data = json.loads(EXAMPLES_PATH.read_text(encoding="utf-8"))
    return tuple(
        Example(rule_id, _context(item), outcome == "pass")
        for rule_id, groups in data.items()
        if not rule_id.startswith("_")
        for outcome in ("pass", "fail")
        for item in groups.get(outcome, [])
    )
