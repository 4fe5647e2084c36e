"""Promotional items, stock on hand per location, the append-only movement ledger and monthly plans.

A location is the warehouse (staff_id NULL) or one staff member. Stock moves only by guarded
UPDATE … WHERE quantity >= :q RETURNING, with CHECK (quantity >= 0) behind it; every change has its
movement row in the same transaction, so Σ movements per location == quantity on hand.
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime
from ..extensions import db
from ..models_base import TimestampMixin
from ..retailers.models import _in

KINDS = ("inbound", "requisition", "distribution", "consumption", "exchange", "return")
STAFF_KINDS = ("requisition", "distribution", "consumption", "exchange", "return")
# How each kind moves stock: (warehouse delta sign, staff delta sign).
EFFECTS = {"inbound": (1, 0), "requisition": (-1, 1), "distribution": (0, -1), "consumption": (0, -1),
           "exchange": (0, -1), "return": (1, -1)}
USED_KINDS = ("distribution", "consumption", "exchange")  # what leaves the company's hands


class PromoItem(TimestampMixin, db.Model):
    __tablename__ = "promo_items"
    __table_args__ = (
        CheckConstraint("unit_cost >= 0", name="unit_cost"),
        CheckConstraint("points_cost IS NULL OR points_cost > 0", name="points_cost"),
        CheckConstraint("low_stock_threshold >= 0", name="low_stock_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    unit: Mapped[str] = mapped_column(String(16))
    unit_cost: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    points_cost: Mapped[int | None] = mapped_column(Integer)  # price in points for 兑换; NULL: not exchangeable
    low_stock_threshold: Mapped[int] = mapped_column(Integer, default=0)


class PromoStock(db.Model):
    __tablename__ = "promo_stock"
    __table_args__ = (
        CheckConstraint("quantity >= 0", name="quantity_non_negative"),
        Index("uq_promo_stock_warehouse", "item_id", unique=True,
              postgresql_where=text("staff_id IS NULL"), sqlite_where=text("staff_id IS NULL")),
        Index("uq_promo_stock_staff", "item_id", "staff_id", unique=True,
              postgresql_where=text("staff_id IS NOT NULL"), sqlite_where=text("staff_id IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("promo_items.id"))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))  # NULL: the warehouse
    quantity: Mapped[int] = mapped_column(Integer, default=0)

    item: Mapped[PromoItem] = relationship(lazy="joined")


class PromoMovement(TimestampMixin, db.Model):
    """One line of the append-only ledger. `staff_id` is the staff location involved (none for inbound)."""

    __tablename__ = "promo_movements"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("(kind = 'inbound') = (staff_id IS NULL)", name="staff_location"),
        CheckConstraint("kind <> 'exchange' OR (member_id IS NOT NULL AND points > 0)", name="exchange_member"),
        Index("ix_promo_movements_item_id_created_at", "item_id", "created_at"),
        Index("ix_promo_movements_staff_id", "staff_id"),
        Index("ix_promo_movements_activity_id", "activity_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    item_id: Mapped[int] = mapped_column(ForeignKey("promo_items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    recorded_by: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    record_id: Mapped[int | None] = mapped_column(ForeignKey("activity_records.id"))
    retailer_id: Mapped[int | None] = mapped_column(ForeignKey("retailers.id"))
    member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    points: Mapped[int | None] = mapped_column(Integer)
    region_code: Mapped[str | None] = mapped_column(String(6))  # where it was used, for plans
    note: Mapped[str | None] = mapped_column(String(200))

    item: Mapped[PromoItem] = relationship(lazy="joined")


class PromoPlan(TimestampMixin, db.Model):
    """促销品计划: quantity of an item planned for a region (county, city or province code) and month."""

    __tablename__ = "promo_plans"
    __table_args__ = (
        UniqueConstraint("item_id", "region_code", "month", name="uq_promo_plans_item_region_month"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("promo_items.id"))
    region_code: Mapped[str] = mapped_column(String(6))
    month: Mapped[str] = mapped_column(String(7))  # '2026-11'
    quantity: Mapped[int] = mapped_column(Integer)

    item: Mapped[PromoItem] = relationship(lazy="joined")


REQUISITION_STATUSES = ("pending", "approved", "rejected")


class PromoQuota(db.Model):
    """领用额度: a staff member's own monthly requisition quota per item, overriding PROMO_REQUISITION_QUOTA."""

    __tablename__ = "promo_quotas"
    __table_args__ = (CheckConstraint("monthly_quantity >= 0", name="monthly_quantity"),)

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)
    monthly_quantity: Mapped[int] = mapped_column(Integer)


class PromoRequisitionTally(db.Model):
    """Units a staff member took of an item in a Shanghai month without approval: the quota is then a guarded
    UPDATE (`quantity + :q <= quota`), so concurrent requisitions can never pass it together."""

    __tablename__ = "promo_requisition_tallies"
    __table_args__ = (CheckConstraint("quantity >= 0", name="quantity_non_negative"),)

    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"), primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("promo_items.id"), primary_key=True)
    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # '2026-12'
    quantity: Mapped[int] = mapped_column(Integer, default=0)


class PromoRequisition(TimestampMixin, db.Model):
    """领用审批: a requisition above the quota, waiting for an admin. Approval moves the stock (its movement);
    the status leaves `pending` once, by a guarded UPDATE."""

    __tablename__ = "promo_requisitions"
    __table_args__ = (
        CheckConstraint(_in("status", REQUISITION_STATUSES), name="status"),
        CheckConstraint("quantity > 0", name="quantity_positive"),
        CheckConstraint("(status = 'pending') = (decided_at IS NULL)", name="decided"),
        CheckConstraint("movement_id IS NULL OR status = 'approved'", name="approved_movement"),
        Index("ix_promo_requisitions_status", "status"),
        Index("ix_promo_requisitions_staff_id", "staff_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("promo_items.id"))
    quantity: Mapped[int] = mapped_column(Integer)
    activity_id: Mapped[int | None] = mapped_column(ForeignKey("activities.id"))
    note: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reason: Mapped[str | None] = mapped_column(String(200))
    movement_id: Mapped[int | None] = mapped_column(ForeignKey("promo_movements.id"))

    item: Mapped[PromoItem] = relationship(lazy="joined")
