"""Company orders (烟草公司订单, 工商协同): the commercial company's order lines for every retailer, in cartons.

A line is identified by (order_date, retailer, spec): re-importing a file replaces those lines' figures
instead of adding them again. `OrderWeekFact` keeps, per (retailer, spec, ISO week), the sums the indicators
read; it is maintained in the same transaction as the line (orders.service)."""
from datetime import date

from sqlalchemy import CheckConstraint, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models_base import TimestampMixin


class OrderImport(TimestampMixin, db.Model):
    __tablename__ = "order_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str | None] = mapped_column(String(200))
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    imported: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)


class OrderLine(TimestampMixin, db.Model):
    __tablename__ = "order_lines"
    __table_args__ = (
        UniqueConstraint("order_date", "retailer_id", "product_id", name="uq_order_lines_key"),
        CheckConstraint("demand_cartons >= 0 AND supplied_cartons >= 0", name="cartons"),
        Index("ix_order_lines_week_product", "week", "product_id"),
        Index("ix_order_lines_retailer_week", "retailer_id", "week"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    order_date: Mapped[date] = mapped_column(Date)
    week: Mapped[str] = mapped_column(String(8))        # ISO week of order_date, '2026-W47'
    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailers.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    demand_cartons: Mapped[int] = mapped_column(Integer)     # 需求量
    supplied_cartons: Mapped[int] = mapped_column(Integer)   # 实际供应量
    import_id: Mapped[int | None] = mapped_column(ForeignKey("order_imports.id"))


class OrderWeekFact(db.Model):
    """Σ of a (retailer, spec)'s order lines in one ISO week, and the line counts 公司断货率 needs."""
    __tablename__ = "order_week_facts"
    __table_args__ = (
        CheckConstraint("demand_cartons >= 0 AND supplied_cartons >= 0", name="cartons"),
        CheckConstraint("lines >= demand_lines AND demand_lines >= unfilled_lines AND unfilled_lines >= 0",
                        name="line_counts"),
        Index("ix_order_week_facts_week_product", "week", "product_id"),
    )

    retailer_id: Mapped[int] = mapped_column(ForeignKey("retailers.id"), primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), primary_key=True)
    week: Mapped[str] = mapped_column(String(8), primary_key=True)
    demand_cartons: Mapped[int] = mapped_column(Integer, default=0)
    supplied_cartons: Mapped[int] = mapped_column(Integer, default=0)
    lines: Mapped[int] = mapped_column(Integer, default=0)
    demand_lines: Mapped[int] = mapped_column(Integer, default=0)     # lines with demand > 0
    unfilled_lines: Mapped[int] = mapped_column(Integer, default=0)   # … of which supplied = 0
