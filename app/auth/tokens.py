"""Opaque bearer tokens: issue, resolve, revoke. Only SHA-256 digests are stored."""
import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from flask import current_app
from sqlalchemy import select, update

from ..db import utcnow
from ..extensions import db
from .models import AuthToken


@dataclass(frozen=True)
class Caller:
    """Who is calling: kind `member` or `staff`; role `member`, `staff` or `admin`."""

    kind: str
    id: int
    role: str
    token_id: int

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(*, member_id=None, staff_id=None, now=None):
    """Create a token row in the current transaction; returns (token, expires_in seconds)."""
    ttl = current_app.config["TOKEN_TTL_MEMBER" if member_id else "TOKEN_TTL_STAFF"]
    token = secrets.token_urlsafe(32)
    now = now or utcnow()
    db.session.add(AuthToken(token_hash=_digest(token), member_id=member_id, staff_id=staff_id,
                             created_at=now, expires_at=now + timedelta(seconds=ttl)))
    return token, ttl


def resolve_token(token: str, now=None):
    """The live AuthToken row for a presented token, or None (unknown, expired or revoked)."""
    if not token or len(token) > 128:
        return None
    return resolve_digest(_digest(token), now)


def resolve_digest(digest: str, now=None):
    """The live AuthToken row with this SHA-256 digest. The console session keeps only the digest, so its
    cookie is no bearer token for the API."""
    row = db.session.scalar(select(AuthToken).where(AuthToken.token_hash == digest)) if digest else None
    if row is None or row.revoked_at is not None or row.expires_at <= (now or utcnow()):
        return None
    return row


def digest(token: str) -> str:
    return _digest(token)


def revoke_token(token_id, now=None):
    db.session.execute(update(AuthToken).where(AuthToken.id == token_id, AuthToken.revoked_at.is_(None))
                       .values(revoked_at=now or utcnow()))


def revoke_all(*, member_id=None, staff_id=None, except_token_id=None, now=None):
    """End every live token of one account (password change keeps the caller's own)."""
    owner = AuthToken.member_id == member_id if member_id is not None else AuthToken.staff_id == staff_id
    stmt = update(AuthToken).where(owner, AuthToken.revoked_at.is_(None)).values(revoked_at=now or utcnow())
    if except_token_id is not None:
        stmt = stmt.where(AuthToken.id != except_token_id)
    db.session.execute(stmt)
