"""Versioned prompt templates. Each version is one file, `draft_<version>.md`, with a
`## system` and a `## user` section in string.Template syntax ($name). The version is
recorded on every draft so results can be traced to the exact prompt."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from string import Template

PROMPT_DIR = Path(__file__).parent
_SECTION = re.compile(r"^## (system|user|reask)\s*$", re.M)


class UnknownPromptVersion(ValueError):
    pass


@dataclass(frozen=True)
class PromptTemplate:
    version: str
    system: Template
    user: Template
    reask: Template


def available_versions() -> list[str]:
    return sorted(p.stem.removeprefix("draft_") for p in PROMPT_DIR.glob("draft_*.md"))


@lru_cache
def load_prompt(version: str) -> PromptTemplate:
    path = PROMPT_DIR / f"draft_{version}.md"
    if not re.fullmatch(r"[A-Za-z0-9_.-]+", version) or not path.is_file():
        raise UnknownPromptVersion(f"unknown prompt version {version!r}; available: {', '.join(available_versions())}")
    parts = _SECTION.split(path.read_text(encoding="utf-8"))
    sections = {parts[i]: parts[i + 1].strip() for i in range(1, len(parts) - 1, 2)}
    return PromptTemplate(version, Template(sections["system"]), Template(sections["user"]), Template(sections["reask"]))
