"""Webhook signatures, as each helpdesk documents them.

- Chatwoot: `X-Chatwoot-Signature: sha256=<hex>`, the HMAC-SHA256 of `{X-Chatwoot-Timestamp}.{raw body}`
  with the webhook's secret; the timestamp is Unix seconds, so an old delivery can be refused.
- Zammad: `X-Hub-Signature: sha1=<hex>`, the HMAC-SHA1 of the raw body with the webhook's
  "HMAC SHA1 Signature Token" (WebSub's authenticated content distribution).

Comparisons are constant-time. The raw bytes are checked before anything is parsed.
"""

from __future__ import annotations

import hashlib
import hmac


class BadSignature(Exception):
    """The delivery is not signed with the configured secret; the message says what was wrong."""


def chatwoot_signature(secret: bytes, timestamp: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def zammad_signature(secret: bytes, body: bytes) -> str:
    return "sha1=" + hmac.new(secret, body, hashlib.sha1).hexdigest()


def verify_chatwoot(secret: bytes, body: bytes, signature: str | None, timestamp: str | None, now: float, tolerance_s: float) -> None:
    if not signature or not timestamp:
        raise BadSignature("X-Chatwoot-Signature and X-Chatwoot-Timestamp are required: this webhook has a secret")
    try:
        sent = int(timestamp)
    except ValueError:
        raise BadSignature("X-Chatwoot-Timestamp is not Unix seconds") from None
    if abs(now - sent) > tolerance_s:
        raise BadSignature(f"X-Chatwoot-Timestamp is more than {tolerance_s:g} s away from this server's clock")
    if not hmac.compare_digest(signature.strip(), chatwoot_signature(secret, timestamp, body)):
        raise BadSignature("X-Chatwoot-Signature does not match the body and timestamp")


def verify_zammad(secret: bytes, body: bytes, signature: str | None) -> None:
    if not signature:
        raise BadSignature("X-Hub-Signature is required: this webhook has a signature token")
    if not hmac.compare_digest(signature.strip(), zammad_signature(secret, body)):
        raise BadSignature("X-Hub-Signature does not match the body")
