"""Recorded changes of a member's level and validity, and the once-only referral reward."""
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from ..extensions import db
from ..models_base import TimestampMixin


class _RecordedChange(TimestampMixin):
    """A recorded change to a member: made automatically, or by an admin who must give a reason."""

    @declared_attr.directive
    def __table_args__(cls):
        return (CheckConstraint("source IN ('auto', 'admin')", name="source"),
                CheckConstraint("source = 'auto' OR reason IS NOT NULL", name="admin_gives_reason"),
                Index(f"ix_{cls.__tablename__}_member_id_id", "member_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    source: Mapped[str] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class LevelChange(_RecordedChange, db.Model):
    __tablename__ = "level_changes"

    from_code: Mapped[str] = mapped_column(ForeignKey("member_levels.code"))
    to_code: Mapped[str | None] = mapped_column(ForeignKey("member_levels.code"))
    earned_points: Mapped[int | None] = mapped_column(Integer)


class ValidityChange(_RecordedChange, db.Model):
    __tablename__ = "validity_changes"

    from_date: Mapped[date]
    to_date: Mapped[date]


class ReferralReward(TimestampMixin, db.Model):
    """At most one per referred member: its primary key is what makes the bonus once-only."""

    __tablename__ = "referral_rewards"

    referred_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    referrer_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    scan_id: Mapped[int] = mapped_column(ForeignKey("scans.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))


class ReferralTally(db.Model):
    """Referral bonuses paid to one referrer in one Shanghai month ('2026-12'): raised by a guarded UPDATE
    (`paid < REFERRAL_MONTHLY_CAP`), so concurrent scans cannot pay past the cap."""

    __tablename__ = "referral_tallies"
    __table_args__ = (CheckConstraint("paid >= 0", name="paid"),)

    referrer_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)
    paid: Mapped[int] = mapped_column(Integer, default=0)
