"""Activities (品牌培育活动) with their products, retailers and staff, and the process records."""
from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, Column, ForeignKey, Integer, Numeric, String, Table, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import StaffUser
from ..extensions import db
from ..models_base import TimestampMixin
from ..products.models import Product
from ..timeutil import local_today
from ..retailers.models import Retailer, _in

TYPES = ("buy_gift", "tasting", "collect_packs", "display", "retailer_incentive", "other")


def _link(name, column, target):
    return Table(name, db.metadata,
                 Column("activity_id", ForeignKey("activities.id", ondelete="CASCADE"), primary_key=True),
                 Column(column, ForeignKey(target), primary_key=True))


activity_products = _link("activity_products", "product_id", "products.id")
activity_retailers = _link("activity_retailers", "retailer_id", "retailers.id")
activity_staff = _link("activity_staff", "staff_id", "staff_users.id")


class Activity(TimestampMixin, db.Model):
    __tablename__ = "activities"
    __table_args__ = (
        CheckConstraint(_in("type", TYPES), name="type"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
        CheckConstraint("item_budget >= 0", name="item_budget"),
        CheckConstraint("status IN ('planned', 'cancelled')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    type: Mapped[str] = mapped_column(String(24))
    region_code: Mapped[str] = mapped_column(String(6))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    strategy: Mapped[str | None] = mapped_column(Text)   # 策略
    standard: Mapped[str | None] = mapped_column(Text)   # 标准: what counts as done
    item_budget: Mapped[Decimal] = mapped_column(Numeric(10, 2), default=Decimal("0.00"))  # yuan of promo items
    status: Mapped[str] = mapped_column(String(16), default="planned")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    products: Mapped[list[Product]] = relationship(secondary=activity_products, lazy="selectin")
    retailers: Mapped[list[Retailer]] = relationship(secondary=activity_retailers, lazy="selectin")
    staff: Mapped[list[StaffUser]] = relationship(secondary=activity_staff, lazy="selectin")


class ActivityRecord(TimestampMixin, db.Model):
    """过程信息记录: what a staff member did at the activity; items used are promo movements."""

    __tablename__ = "activity_records"
    __table_args__ = (
        CheckConstraint("attendees >= 0 AND packs_sold >= 0", name="counts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id"), index=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    note: Mapped[str | None] = mapped_column(Text)
    attendees: Mapped[int] = mapped_column(Integer, default=0)
    packs_sold: Mapped[int] = mapped_column(Integer, default=0)
    photos: Mapped[list] = mapped_column(JSON, default=list)


def assigned_to(staff_id):
    """WHERE clause: the activities this staff member is assigned to (the only ones they may reach)."""
    return Activity.id.in_(select(activity_staff.c.activity_id).where(activity_staff.c.staff_id == staff_id))


def state_on(activity: Activity, day: date) -> str:
    """planned (not started), ongoing, ended or cancelled, as of a Shanghai date."""
    if activity.status == "cancelled":
        return "cancelled"
    if day < activity.starts_on:
        return "planned"
    return "ongoing" if day <= activity.ends_on else "ended"


Activity.state = property(lambda self: state_on(self, local_today()))
