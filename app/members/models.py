"""The consumer member (会员) and the membership levels (会员等级)."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Numeric, String, Integer, false as sa_false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime
from ..extensions import db
from ..models_base import TimestampMixin

PREFERRED_CATEGORIES = ("flue_cured", "blended", "slim", "mid_slim", "short", "capsule", "cigar")
PRICE_TIERS = ("low", "mid", "mid_high", "high")
OCCUPATIONS = ("enterprise", "public_sector", "self_employed", "worker", "farmer", "freelance", "retired", "other")
INCOME_BANDS = ("lt3k", "3k_6k", "6k_10k", "10k_20k", "gt20k")
PROFILE_FIELDS = ("region_code", "preferred_category", "price_tier", "occupation", "income_band")


class MemberLevel(db.Model):
    __tablename__ = "member_levels"
    __table_args__ = (
        CheckConstraint("min_points >= 0", name="min_points"),
        CheckConstraint("multiplier > 0", name="multiplier"),
    )

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(32))
    min_points: Mapped[int] = mapped_column(Integer, default=0)
    multiplier: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("1.00"))


class Member(TimestampMixin, db.Model):
    __tablename__ = "members"
    __table_args__ = (
        CheckConstraint("points_balance >= 0", name="balance_non_negative"),
        CheckConstraint("status IN ('active', 'locked')", name="status"),
        CheckConstraint("gender IN ('M', 'F')", name="gender"),
        Index("ix_members_created_at", "created_at"),  # new members per day (console dashboard)
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20), unique=True)
    # When the phone was proven by SMS code (or vouched for by the demo seed); None: never proven.
    phone_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    password_hash: Mapped[str] = mapped_column(String(255))
    real_name: Mapped[str] = mapped_column(String(30))
    # The resident ID number is never stored: a keyed hash for uniqueness and a masked form for display.
    id_number_hash: Mapped[str] = mapped_column(String(64), unique=True)
    id_number_masked: Mapped[str] = mapped_column(String(18))
    birth_date: Mapped[date]
    gender: Mapped[str] = mapped_column(String(1))
    status: Mapped[str] = mapped_column(String(16), default="active")
    lock_reason: Mapped[str | None] = mapped_column(String(200))
    level_code: Mapped[str] = mapped_column(ForeignKey("member_levels.code"), default="normal")
    # Set by an admin's manual level change: automatic recalculation leaves the level alone.
    level_pinned: Mapped[bool] = mapped_column(default=False, server_default=sa_false())
    points_balance: Mapped[int] = mapped_column(Integer, default=0)
    valid_until: Mapped[date]
    referral_code: Mapped[str] = mapped_column(String(8), unique=True)
    referrer_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    photo_path: Mapped[str | None] = mapped_column(String(200))
    region_code: Mapped[str | None] = mapped_column(String(6))
    region_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # the member's last change of it
    preferred_category: Mapped[str | None] = mapped_column(String(16))
    price_tier: Mapped[str | None] = mapped_column(String(16))
    occupation: Mapped[str | None] = mapped_column(String(16))
    income_band: Mapped[str | None] = mapped_column(String(16))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime())
    consent_version: Mapped[str] = mapped_column(String(32))

    level: Mapped[MemberLevel] = relationship(lazy="joined")

    @property
    def profile_complete(self) -> bool:
        return all(getattr(self, name) for name in PROFILE_FIELDS)

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)


def mask_phone(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 7 else "****"
