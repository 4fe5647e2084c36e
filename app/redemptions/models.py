"""A member's redemption of a gift; its status moves only by guarded UPDATEs (DESIGN.md rule 4)."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime
from ..extensions import db
from ..gifts.models import Gift
from ..models_base import TimestampMixin

STATUSES = ("pending", "fulfilled", "shipped", "cancelled")
METHODS = ("pickup", "post")
CANCELLED_BY = ("member", "admin", "system")


class Redemption(TimestampMixin, db.Model):
    __tablename__ = "redemptions"
    __table_args__ = (
        CheckConstraint("quantity >= 1", name="quantity_positive"),
        CheckConstraint("points_spent > 0", name="points_spent_positive"),
        CheckConstraint("status IN ('pending', 'fulfilled', 'shipped', 'cancelled')", name="status"),
        CheckConstraint("method IN ('pickup', 'post')", name="method"),
        CheckConstraint("(method = 'pickup') = (pickup_code IS NOT NULL)", name="pickup_code_iff_pickup"),
        CheckConstraint("method = 'pickup' OR (ship_name IS NOT NULL AND ship_address IS NOT NULL)",
                        name="post_has_address"),
        Index("ix_redemptions_member_id_id", "member_id", "id"),
        Index("ix_redemptions_status_method_created_at", "status", "method", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    gift_id: Mapped[int] = mapped_column(ForeignKey("gifts.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    points_spent: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    method: Mapped[str] = mapped_column(String(8))
    pickup_code: Mapped[str | None] = mapped_column(String(8), unique=True)
    ship_name: Mapped[str | None] = mapped_column(String(30))
    ship_phone: Mapped[str | None] = mapped_column(String(20))
    ship_address: Mapped[str | None] = mapped_column(String(200))
    tracking_no: Mapped[str | None] = mapped_column(String(40))
    debit_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    fulfilled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    fulfilled_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    shipped_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    cancelled_by: Mapped[str | None] = mapped_column(String(8))
    cancel_reason: Mapped[str | None] = mapped_column(String(200))

    gift: Mapped[Gift] = relationship(lazy="joined")
