"""The points ledger (积分记录): append-only; members.points_balance is its cached sum."""
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import TimestampMixin

LEDGER_KINDS = ("scan", "redeem", "refund", "complaint_reward", "referral_bonus", "campaign_bonus", "expire", "adjust")


class LedgerEntry(TimestampMixin, db.Model):
    __tablename__ = "ledger_entries"
    __table_args__ = (
        CheckConstraint("delta <> 0", name="delta_non_zero"),
        CheckConstraint("balance_after >= 0", name="balance_after_non_negative"),
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in LEDGER_KINDS) + ")", name="kind"),
        Index("ix_ledger_entries_member_id_id", "member_id", "id"),
        # A lapsed lot is written off once, however often the expiry job runs.
        Index("uq_ledger_entries_expire_ref", "kind", "ref", unique=True,
              postgresql_where=text("kind = 'expire'"), sqlite_where=text("kind = 'expire'")),
        Index("ix_ledger_entries_created_at", "created_at"),  # the console dashboard's day ranges
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    delta: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    ref: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(200))


class PointLot(db.Model):
    """Points earned together that expire together (积分有效期).

    Every positive ledger entry opens a lot; every negative one takes from lots soonest-expiring first,
    recorded in `point_lot_uses`. For every member, Σ remaining == points_balance.
    """

    __tablename__ = "point_lots"
    __table_args__ = (
        CheckConstraint("amount > 0", name="amount_positive"),
        CheckConstraint("remaining >= 0 AND remaining <= amount", name="remaining_in_range"),
        Index("ix_point_lots_member_id_expires_on", "member_id", "expires_on"),
        Index("ix_point_lots_expires_on_open", "expires_on", postgresql_where=text("remaining > 0"),
              sqlite_where=text("remaining > 0")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    amount: Mapped[int] = mapped_column(Integer)
    remaining: Mapped[int] = mapped_column(Integer)
    expires_on: Mapped[date]  # last day the points can be spent (Asia/Shanghai)


class PointLotUse(db.Model):
    """How much of a lot a debit took, so its reversal (refund) can restore the same expiries."""

    __tablename__ = "point_lot_uses"
    __table_args__ = (CheckConstraint("amount > 0", name="amount_positive"),)

    entry_id: Mapped[int] = mapped_column(ForeignKey("ledger_entries.id"), primary_key=True)
    lot_id: Mapped[int] = mapped_column(ForeignKey("point_lots.id"), primary_key=True)
    amount: Mapped[int] = mapped_column(Integer)
