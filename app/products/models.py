"""Cigarette specs (卷烟规格) with their prices; money is Numeric(10, 2) yuan, never float."""
from decimal import Decimal

from sqlalchemy import CheckConstraint, Integer, Numeric, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import TimestampMixin

Money = Numeric(10, 2)
# The members' preferred_category values (members.models.PREFERRED_CATEGORIES), repeated here so products do not
# import members; tests/products check the two stay equal.
CATEGORIES = ("flue_cured", "blended", "slim", "mid_slim", "short", "capsule", "cigar")
# Market tier by carton retail price (DOMAIN.md): high ≥ 300, mid_high 150–300, mid 50–150, low < 50 yuan.
TIER_FLOORS = (("high", 300), ("mid_high", 150), ("mid", 50), ("low", 0))


def tier_of(carton_price) -> str:
    return next(tier for tier, floor in TIER_FLOORS if carton_price >= floor)


def tier_sql(column: str = "carton_price") -> str:
    """The same tier as a SQL CASE over a carton-price column (for GROUP BY in the indicator queries)."""
    arms = " ".join(f"WHEN {column} >= {floor} THEN '{tier}'" for tier, floor in TIER_FLOORS[:-1])
    return f"CASE {arms} ELSE 'low' END"


class Product(TimestampMixin, db.Model):
    __tablename__ = "products"
    __table_args__ = (
        CheckConstraint("pack_price >= 0 AND carton_price >= 0 AND guide_price >= 0 AND wholesale_price >= 0",
                        name="prices_non_negative"),
        CheckConstraint("points_per_pack >= 0", name="points_per_pack"),
        CheckConstraint("price_class IS NULL OR price_class BETWEEN 1 AND 5", name="price_class"),
        CheckConstraint("status IN ('active', 'retired')", name="status"),
        CheckConstraint("category IS NULL OR category IN (" + ", ".join(f"'{c}'" for c in CATEGORIES) + ")",
                        name="category"),
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
    category: Mapped[str | None] = mapped_column(String(16))

    @property
    def tier(self) -> str:
        return tier_of(self.carton_price)
