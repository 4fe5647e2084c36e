"""Staff accounts (field staff and admins) and the bearer tokens of every account."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime
from ..extensions import db
from ..models_base import TimestampMixin

# "manager": signs in to the console and reads everything, changes nothing (no API access).
STAFF_ROLES = ("staff", "admin", "manager")


class StaffUser(TimestampMixin, db.Model):
    __tablename__ = "staff_users"
    __table_args__ = (
        CheckConstraint("role IN ('staff', 'admin', 'manager')", name="role"),
        CheckConstraint("status IN ('active', 'locked')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="staff")
    password_hash: Mapped[str] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(16), default="active")
    phone: Mapped[str | None] = mapped_column(String(20))
    region_code: Mapped[str | None] = mapped_column(String(6))


class AuthToken(TimestampMixin, db.Model):
    """An opaque bearer token, stored only as its SHA-256; revocable one by one or per account."""

    __tablename__ = "auth_tokens"
    __table_args__ = (
        CheckConstraint("(member_id IS NULL) <> (staff_id IS NULL)", name="one_owner"),
        Index("ix_auth_tokens_member", "member_id"),
        Index("ix_auth_tokens_staff", "staff_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id", ondelete="CASCADE"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
