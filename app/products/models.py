"""Cigarette specs (卷烟规格) with their prices; money is Numeric(10, 2) yuan, never float."""
from decimal import Decimal

from sqlalchemy import CheckConstraint, Integer, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import TimestampMixin

Money = Numeric(10, 2)


class Product(TimestampMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("pack_price >= 0 AND carton_price >= 0 AND guide_price >= 0 AND wholesale_price >= 0",
                        name="prices_non_negative"),
        CheckConstraint("points_per_pack >= 0", name="points_per_pack"),
        CheckConstraint("price_class IS NULL OR price_class BETWEEN 1 AND 5", name="price_class"),
        CheckConstraint("status IN ('active', 'retired')", name="status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sku: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(64))
    brand: Mapped[str] = mapped_column(String(32))
    pack_price: Mapped[Decimal] = mapped_column(Money)       # 包零售价
    carton_price: Mapped[Decimal] = mapped_column(Money)     # 条零售价 (10 packs)
    guide_price: Mapped[Decimal] = mapped_column(Money)      # 指导零售价, per pack
    wholesale_price: Mapped[Decimal] = mapped_column(Money)  # 批发价, per carton
    price_class: Mapped[int | None] = mapped_column(SmallInteger)  # 一类…五类
    points_per_pack: Mapped[int] = mapped_column(Integer, default=1)
    status: Mapped[str] = mapped_column(String(16), default="active")
