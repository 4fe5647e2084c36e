"""Retail customers (零售客户) with the classification DOMAIN.md and API.md fix."""
from decimal import Decimal

from sqlalchemy import Boolean, CheckConstraint, Index, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import TimestampMixin

FORMATS = ("grocery", "convenience", "supermarket", "mall", "tobacco_liquor", "entertainment", "other")
MARKET_TYPES = ("urban", "rural")
DISTRICT_TYPES = ("commercial", "industrial", "school", "government", "residential", "leisure", "transit", "other")
CUSTOMER_CLASSES = ("core", "key", "general")


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
        Index("ix_retailers_region_code", "region_code"),
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
