"""The rule registry and its deterministic checks."""

from evals.rules.model import Channel, CheckContext, RuleResult, Span
from evals.rules.policy import Policy, Remedy
from evals.rules.registry import CONFLICTS, RULES, RULES_BY_ID, blocking_failures, check_reply

__all__ = [
    "CONFLICTS",
    "RULES",
    "RULES_BY_ID",
    "Channel",
    "CheckContext",
    "Policy",
    "Remedy",
    "RuleResult",
    "Span",
    "blocking_failures",
    "check_reply",
]
