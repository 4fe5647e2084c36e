"""Stored weekly indicator snapshots: the Monday job freezes last week's figures; any week can be recomputed."""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, Numeric, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime, utcnow
from ..extensions import db


class IndicatorSnapshot(db.Model):
    """Components (see indicators.Components) of one (week, spec, grouping, group). `group_by` and `group_key`
    are '' for the ungrouped figures, so the UNIQUE constraint covers them too (NULLs would never collide)."""

    __tablename__ = "indicator_snapshots"
    __table_args__ = (
        UniqueConstraint("week", "product_id", "group_by", "group_key", name="uq_indicator_snapshots_key"),
        Index("ix_indicator_snapshots_product_week", "product_id", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    week: Mapped[str] = mapped_column(String(8))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    group_by: Mapped[str] = mapped_column(String(16), default="")
    group_key: Mapped[str] = mapped_column(String(32), default="")
    retailers: Mapped[int] = mapped_column(Integer)
    components: Mapped[dict] = mapped_column(JSON)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class AlertBand(db.Model):
    """指标体系管理: an indicator's band [low, high] (inclusive), for the listed months only when `months` is set."""
    __tablename__ = "alert_bands"
    __table_args__ = (CheckConstraint("low <= high", name="low_high"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    indicator: Mapped[str] = mapped_column(String(32))
    low: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    high: Mapped[Decimal] = mapped_column(Numeric(14, 4))
    months: Mapped[list | None] = mapped_column(JSON)   # [1..12] or None = every month
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
