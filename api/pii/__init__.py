"""Personal data kept away from the model: found by patterns (detect), swapped for placeholders and back (redact)."""

from api.pii.detect import Found, find_pii
from api.pii.redact import Redactor, redact_request

__all__ = ["Found", "Redactor", "find_pii", "redact_request"]
