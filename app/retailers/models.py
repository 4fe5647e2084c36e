"""Retail customers (零售客户) with the classification DOMAIN.md and API.md fix."""
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Index, Integer, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import TimestampMixin

FORMATS = ("grocery", "convenience", "supermarket", "mall", "tobacco_liquor", "entertainment", "other")
MARKET_TYPES = ("urban", "rural")
DISTRICT_TYPES = ("commercial", "industrial", "school", "government", "residential", "leisure", "transit", "other")
CUSTOMER_CLASSES = ("core", "key", "general", "none")   # none = 非目标客户
TARGET_CLASSES = ("core", "key", "general")
SCALES = ("large", "medium", "small")   # 经营规模
ORDER_CYCLES = (1, 2)                    # weeks between orders: weekly or fortnightly


def _in(column, values):
    return f"{column} IN (" + ", ".join(f"'{v}'" for v in values) + ")"


class Retailer(TimestampMixin, db.Model):
    __tablename__ = "retailers"
    __table_args__ = (
        CheckConstraint(_in("format", FORMATS), name="format"),
        CheckConstraint(_in("market_type", MARKET_TYPES), name="market_type"),
        CheckConstraint(_in("district_type", DISTRICT_TYPES), name="district_type"),
        CheckConstraint(_in("customer_class", CUSTOMER_CLASSES), name="customer_class"),
        CheckConstraint("lat IS NULL OR (lat BETWEEN -90 AND 90)", name="lat"),
        CheckConstraint("lon IS NULL OR (lon BETWEEN -180 AND 180)", name="lon"),
        CheckConstraint("status IN ('active', 'closed')", name="status"),
        CheckConstraint(_in("scale", SCALES), name="scale"),
        CheckConstraint("floor_area_m2 IS NULL OR floor_area_m2 >= 0", name="floor_area_m2"),
        CheckConstraint("order_cycle_weeks IN (1, 2)", name="order_cycle_weeks"),
        Index("ix_retailers_region_code", "region_code"),
        Index("ix_retailers_trade_area_id", "trade_area_id"),
        Index("ix_retailers_lat_lon", "lat", "lon"),  # the bounding-box prefilter of "near" queries
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    licence_no: Mapped[str] = mapped_column(String(32), unique=True)   # 许可证号
    name: Mapped[str] = mapped_column(String(100))
    owner: Mapped[str | None] = mapped_column(String(50))
    operator: Mapped[str | None] = mapped_column(String(50))
    customer_code: Mapped[str | None] = mapped_column(String(32))
    order_phone: Mapped[str | None] = mapped_column(String(20))
    address: Mapped[str | None] = mapped_column(String(200))
    lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    lon: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    region_code: Mapped[str] = mapped_column(String(6))
    format: Mapped[str] = mapped_column(String(16), default="other")
    market_type: Mapped[str] = mapped_column(String(8), default="urban")
    district_type: Mapped[str] = mapped_column(String(16), default="other")
    customer_class: Mapped[str] = mapped_column(String(8), default="general")
    is_chain: Mapped[bool] = mapped_column(Boolean, default=False)
    is_sample: Mapped[bool] = mapped_column(Boolean, default=False)   # 样本客户
    status: Mapped[str] = mapped_column(String(16), default="active")
    scale: Mapped[str] = mapped_column(String(8), default="small", server_default="small")
    floor_area_m2: Mapped[Decimal | None] = mapped_column(Numeric(8, 1))   # RF of the trade area's IRS
    trade_area_id: Mapped[int | None] = mapped_column(ForeignKey("trade_areas.id"))
    order_cycle_weeks: Mapped[int] = mapped_column(SmallInteger, default=1, server_default="1")


class TradeArea(TimestampMixin, db.Model):
    """商圈: IRS = consumers_per_day × spend_per_consumer / Σ floor_area_m2 of its active retailers."""
    __tablename__ = "trade_areas"
    __table_args__ = (
        CheckConstraint(_in("district_type", DISTRICT_TYPES), name="district_type"),
        CheckConstraint("consumers_per_day >= 0", name="consumers_per_day"),
        CheckConstraint("spend_per_consumer >= 0", name="spend_per_consumer"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    district_type: Mapped[str] = mapped_column(String(16))
    consumers_per_day: Mapped[int] = mapped_column(Integer)          # C
    spend_per_consumer: Mapped[Decimal] = mapped_column(Numeric(10, 2))  # RE, yuan
