"""The points ledger (积分记录): append-only; members.points_balance is its cached sum."""
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
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
        Index("ix_ledger_entries_created_at", "created_at"),  # the console dashboard's day ranges
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    delta: Mapped[int] = mapped_column(Integer)
    balance_after: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(24))
    ref: Mapped[str | None] = mapped_column(String(64))
    note: Mapped[str | None] = mapped_column(String(200))
