"""The member code (会员码): a single-use code a member shows (as a QR) to prove presence, e.g. to field staff
who exchange a promo item for the member's points. Valid MEMBER_CODE_TTL seconds.

Only a hash is stored (UNIQUE); a code is consumed by one guarded
UPDATE … WHERE used_at IS NULL AND expires_at > now RETURNING, so two staff presenting the same code
concurrently can never both succeed. A new code replaces the member's older unused ones.
"""
import hashlib
import secrets
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import ForeignKey, Index, String, delete
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, guarded_update, transaction, utcnow
from ..errors import ValidationFailed
from ..extensions import db
from ..models_base import TimestampMixin

MEMBER_CODE_TTL = 60  # seconds (API.md)
CODE_DIGITS = 18  # ≈ 2^60: unguessable within a minute, and short enough to type off the screen


class MemberCode(TimestampMixin, db.Model):
    __tablename__ = "member_codes"
    __table_args__ = (Index("ix_member_codes_member_id", "member_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class MemberCodeInvalid(ValidationFailed):
    code, message = "MEMBER_CODE_INVALID", _l("This member code is wrong, expired or already used.")

    def __init__(self, field="member_code"):
        super().__init__({field: [self.message]})


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise(code: str) -> str:
    """As scanned or typed: spaces and dashes ignored."""
    return "".join(ch for ch in code if ch not in " -\t")


def issue(member_id, now=None) -> tuple[str, int]:
    """A fresh code for the member and its lifetime in seconds; the member's unused codes stop working."""
    now = now or utcnow()
    code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
    with transaction():
        db.session.execute(delete(MemberCode).where(MemberCode.member_id == member_id, MemberCode.used_at.is_(None)))
        db.session.add(MemberCode(member_id=member_id, code_hash=_hash(code),
                                  expires_at=now + timedelta(seconds=MEMBER_CODE_TTL), created_at=now))
    return code, MEMBER_CODE_TTL


def consume(code: str, now=None) -> int:
    """Use the code up in the caller's transaction (a rollback gives it back); the member's id.
    MEMBER_CODE_INVALID for a wrong, expired or used code."""
    now = now or utcnow()
    member_id = guarded_update(MemberCode.member_id, MemberCode.code_hash == _hash(_normalise(code)),
                               MemberCode.used_at.is_(None), MemberCode.expires_at > now, used_at=now)
    if member_id is None:
        raise MemberCodeInvalid()
    return member_id
