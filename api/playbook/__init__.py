"""The built-in deterministic drafting engine (model name 'playbook')."""

from api.playbook.compose import draft_sections

__all__ = ["draft_sections"]
