"""Price and stock observations of retailers (信息采集), from visits or imported channels.
They feed the market indicators (DOMAIN.md); `week` is the ISO week in Asia/Shanghai."""
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime
from ..extensions import db
from ..models_base import TimestampMixin

CHANNELS = ("visit", "terminal", "phone", "sms")


class Observation(TimestampMixin, db.Model):
    __tablename__ = "observations"
    __table_args__ = (
        CheckConstraint("stock_packs >= 0 AND ordered_packs >= 0 AND demand_packs >= 0", name="quantities"),
        CheckConstraint("pack_price IS NULL OR pack_price >= 0", name="pack_price"),
        CheckConstraint("carton_price IS NULL OR carton_price >= 0", name="carton_price"),
        CheckConstraint("channel IN ('visit', 'terminal', 'phone', 'sms')", name="channel"),
        Index("ix_observations_week_product", "week", "product_id"),
        Index("ix_observations_retailer_product_week", "retailer_id", "product_id", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailers.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    observed_on: Mapped[date]
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime())  # orders several in a week: the last counts
    week: Mapped[str] = mapped_column(String(8))  # '2026-W47'
    stock_packs: Mapped[int] = mapped_column(Integer)
    ordered_packs: Mapped[int] = mapped_column(Integer, default=0)
    demand_packs: Mapped[int] = mapped_column(Integer)
    out_of_stock: Mapped[bool] = mapped_column(Boolean, default=False)
    pack_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    carton_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    channel: Mapped[str] = mapped_column(String(16), default="visit")
    visit_id: Mapped[int | None] = mapped_column(ForeignKey("visits.id"))


class ObservationWeekFact(db.Model):
    """The observation that counts for (retailer, spec, ISO week): the latest observed_at (equal times: the later
    record). Maintained by observations.service.record_observation in the observation's own transaction."""
    __tablename__ = "observation_week_facts"
    __table_args__ = (
        CheckConstraint("stock_packs >= 0 AND ordered_packs >= 0 AND demand_packs >= 0", name="quantities"),
        Index("ix_observation_week_facts_week_product", "week", "product_id"),
        Index("ix_observation_week_facts_week_retailer", "week", "retailer_id"),
    )

    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailers.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    observation_id: Mapped[int] = mapped_column(ForeignKey("observations.id"), unique=True)
    observed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    stock_packs: Mapped[int] = mapped_column(Integer)
    ordered_packs: Mapped[int] = mapped_column(Integer)
    demand_packs: Mapped[int] = mapped_column(Integer)
    out_of_stock: Mapped[bool] = mapped_column(Boolean)
    pack_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    carton_price: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
