"""Visit plans and visits. One open visit per staff member is a partial UNIQUE index, not a Python check."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime
from ..extensions import db
from ..models_base import TimestampMixin
from ..retailers.models import Retailer


class VisitPlan(TimestampMixin, db.Model):
    __tablename__ = "visit_plans"
    __table_args__ = (
        UniqueConstraint("staff_id", "retailer_id", "planned_on", name="uq_visit_plans_staff_retailer_day"),
        Index("ix_visit_plans_planned_on", "planned_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailers.id"))
    planned_on: Mapped[date]
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    retailer: Mapped[Retailer] = relationship(lazy="joined")


class Visit(TimestampMixin, db.Model):
    __tablename__ = "visits"
    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        CheckConstraint("(status = 'open') = (checked_out_at IS NULL)", name="closed_has_checkout"),
        CheckConstraint("duration_s IS NULL OR duration_s >= 0", name="duration"),
        Index("uq_visits_one_open_per_staff", "staff_id", unique=True,
              postgresql_where=text("status = 'open'"), sqlite_where=text("status = 'open'")),
        Index("ix_visits_staff_id_checked_in_at", "staff_id", "checked_in_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id"))
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailers.id"))
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("visit_plans.id"), unique=True)
    status: Mapped[str] = mapped_column(String(8), default="open")
    checked_in_at: Mapped[datetime] = mapped_column(UTCDateTime())
    checkin_lat: Mapped[Decimal] = mapped_column(Numeric(9, 6))
    checkin_lon: Mapped[Decimal] = mapped_column(Numeric(9, 6))
    distance_m: Mapped[int] = mapped_column(Integer)
    checked_out_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    duration_s: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str | None] = mapped_column(Text)
    photos: Mapped[list] = mapped_column(JSON, default=list)  # storage names (app/uploads.py: at most 6)

    retailer: Mapped[Retailer] = relationship(lazy="joined")
