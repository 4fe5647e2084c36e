"""One-time SMS codes (短信验证码), kept only as keyed hashes, and the outbox of the demo backend."""
from datetime import datetime

from sqlalchemy import CheckConstraint, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime
from ..extensions import db
from ..models_base import TimestampMixin

PURPOSES = ("signup", "login", "reset", "appeal")


class SmsCode(TimestampMixin, db.Model):
    """A code sent to a phone for one purpose. Live while unused, unexpired and under the attempt limit;
    a newer code for the same phone and purpose retires it."""

    __tablename__ = "sms_codes"
    __table_args__ = (
        CheckConstraint("purpose IN ('signup', 'login', 'reset', 'appeal')", name="purpose"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_sms_codes_phone_purpose", "phone", "purpose"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    purpose: Mapped[str] = mapped_column(String(8))
    code_hash: Mapped[str] = mapped_column(String(64))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)


class SmsOutboxMessage(TimestampMixin, db.Model):
    """What the `outbox` backend would have sent (demo and tests): nothing leaves the building."""

    __tablename__ = "sms_outbox"
    __table_args__ = (Index("ix_sms_outbox_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(String(200))
