"""Keyset paging of the draft list: an opaque cursor names the last row of a page by its sort key
(created_at, id), so the next page starts there through the index instead of skipping rows."""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime

_ID = re.compile(r"^[0-9a-f]{1,32}$")


class InvalidCursor(ValueError):
    pass


def encode_cursor(created_at: datetime, draft_id: str) -> str:
    moment = created_at if created_at.tzinfo else created_at.replace(tzinfo=UTC)
    raw = f"{moment.astimezone(UTC).isoformat()}|{draft_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[datetime, str]:
    """(created_at in UTC, id) of the row the cursor points after; InvalidCursor for anything else."""
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode()
        moment_text, draft_id = raw.split("|")
        moment = datetime.fromisoformat(moment_text)
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise InvalidCursor("not a cursor from this API; pass next_cursor from the previous page") from exc
    if moment.tzinfo is None or not _ID.match(draft_id):
        raise InvalidCursor("not a cursor from this API; pass next_cursor from the previous page")
    return moment.astimezone(UTC), draft_id
