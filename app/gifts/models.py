"""Gifts of the points mall and the stock ledger that every stock change writes (DESIGN.md rule 3)."""
from datetime import date

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import TimestampMixin

GIFT_STATUSES = ("active", "retired")
STOCK_MOVE_KINDS = ("initial", "adjust", "redeem", "cancel")


class Gift(TimestampMixin, db.Model):
    __tablename__ = "gifts"
    __table_args__ = (
        CheckConstraint("stock >= 0", name="stock_non_negative"),
        CheckConstraint("points_cost > 0", name="points_cost_positive"),
        CheckConstraint("per_member_limit IS NULL OR per_member_limit > 0", name="per_member_limit"),
        CheckConstraint("valid_until IS NULL OR valid_from IS NULL OR valid_until >= valid_from", name="window"),
        CheckConstraint("status IN ('active', 'retired')", name="status"),
        Index("ix_gifts_status_category", "status", "category"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    category: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text)
    points_cost: Mapped[int] = mapped_column(Integer)
    stock: Mapped[int] = mapped_column(Integer, default=0)
    per_member_limit: Mapped[int | None] = mapped_column(Integer)
    valid_from: Mapped[date | None]   # inclusive, Asia/Shanghai dates
    valid_until: Mapped[date | None]
    status: Mapped[str] = mapped_column(String(16), default="active")
    image_path: Mapped[str | None] = mapped_column(String(200))
    thumb_path: Mapped[str | None] = mapped_column(String(200))

    @property
    def in_stock(self) -> bool:
        return self.stock > 0

    def available_on(self, today: date) -> bool:
        return (self.status == "active" and (self.valid_from is None or self.valid_from <= today)
                and (self.valid_until is None or today <= self.valid_until))


class GiftStockMove(TimestampMixin, db.Model):
    """One change of a gift's stock; for every gift, Σ delta == gifts.stock."""

    __tablename__ = "gift_stock_moves"
    __table_args__ = (
        CheckConstraint("delta <> 0", name="delta_non_zero"),
        CheckConstraint("stock_after >= 0", name="stock_after_non_negative"),
        CheckConstraint("kind IN (" + ", ".join(f"'{k}'" for k in STOCK_MOVE_KINDS) + ")", name="kind"),
        Index("ix_gift_stock_moves_gift_id_id", "gift_id", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    gift_id: Mapped[int] = mapped_column(ForeignKey("gifts.id"))
    delta: Mapped[int] = mapped_column(Integer)
    stock_after: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    ref: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))


class GiftMemberTally(db.Model):
    """Units of a limited gift a member holds in live (not cancelled) redemptions.

    Exists so the per-member limit is a guarded UPDATE (`quantity + :q <= limit`), not a count-then-insert.
    """

    __tablename__ = "gift_member_tallies"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_non_negative"),)

    gift_id: Mapped[int] = mapped_column(ForeignKey("gifts.id"), primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"), primary_key=True)
    quantity: Mapped[int] = mapped_column(Integer, default=0)
