"""API keys: a token `crk_<id>_<secret>` is shown once, and only its SHA-256 is stored.

The secret carries 256 random bits, so a fast hash is enough (stretching protects guessable
passwords, not random tokens). The visible id finds the row; the hash is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from api.db.models import ApiKeyRow

PREFIX = "crk"
_ID_BYTES = 6


class Scope(StrEnum):
    drafts_write = "drafts:write"
    drafts_read = "drafts:read"
    checks = "checks"
    stats = "stats"
    admin = "admin"


class KeyNotFound(LookupError):
    pass


@dataclass(frozen=True)
class ApiKey:
    id: str
    name: str
    scopes: frozenset[Scope]
    created_at: datetime
    revoked_at: datetime | None = None

    def allows(self, scope: Scope) -> bool:
        """`admin` holds every scope."""
        return Scope.admin in self.scopes or scope in self.scopes


def parse_scopes(text: str) -> frozenset[Scope]:
    """'drafts:write,checks' -> the scopes; an unknown name raises ValueError listing the valid ones."""
    names = [s.strip() for s in text.split(",") if s.strip()]
    unknown = [n for n in names if n not in {s.value for s in Scope}]
    if unknown or not names:
        valid = ", ".join(s.value for s in Scope)
        raise ValueError(f"unknown scope(s) {', '.join(unknown) or '(none given)'}; valid scopes: {valid}")
    return frozenset(Scope(n) for n in names)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> tuple[str, str]:
    """(key id, token)."""
    key_id = secrets.token_hex(_ID_BYTES)
    return key_id, f"{PREFIX}_{key_id}_{secrets.token_urlsafe(32)}"


def key_id_of(token: str) -> str | None:
    """The id inside a well-formed token, else None."""
    prefix, _, rest = token.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != PREFIX or len(key_id) != 2 * _ID_BYTES or not secret:
        return None
    return key_id


def _utc(moment: datetime | None) -> datetime | None:
    """SQLite hands timestamps back without a zone; every stored time is UTC."""
    if moment is None or moment.tzinfo is not None:
        return moment
    return moment.replace(tzinfo=UTC)


def _key(row: ApiKeyRow) -> ApiKey:
    created = _utc(row.created_at)
    assert created is not None
    return ApiKey(
        id=row.id, name=row.name, scopes=frozenset(Scope(s) for s in row.scopes), created_at=created, revoked_at=_utc(row.revoked_at)
    )


class KeyStore:
    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def create(self, name: str, scopes: frozenset[Scope]) -> tuple[ApiKey, str]:
        """Store a new key; returns it with the token, which is never stored and cannot be shown again."""
        if not 1 <= len(name.strip()) <= 100:
            raise ValueError("a key's name has 1 to 100 characters")
        key_id, token = new_token()
        row = ApiKeyRow(id=key_id, name=name, scopes=sorted(s.value for s in scopes), secret_hash=hash_token(token))
        with self.sessions.begin() as session:
            session.add(row)
            session.flush()
            return _key(row), token

    def list(self) -> list[ApiKey]:
        with self.sessions() as session:
            return [_key(r) for r in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.created_at, ApiKeyRow.id))]

    def revoke(self, key_id: str) -> ApiKey:
        with self.sessions.begin() as session:
            row = session.get(ApiKeyRow, key_id)
            if row is None:
                raise KeyNotFound(key_id)
            if row.revoked_at is None:
                row.revoked_at = datetime.now(UTC)
            session.flush()
            return _key(row)

    def verify(self, token: str) -> ApiKey | None:
        """The active key this token belongs to, or None (malformed, unknown, wrong secret or revoked)."""
        key_id = key_id_of(token)
        if key_id is None:
            return None
        with self.sessions() as session:
            row = session.get(ApiKeyRow, key_id)
            if row is None or not hmac.compare_digest(row.secret_hash, hash_token(token)) or row.revoked_at is not None:
                return None
            return _key(row)
