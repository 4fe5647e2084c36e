"""Pack-code batches and the claims made by scanning (DESIGN.md rule 1).

A generated batch is one row however many codes it holds: codes are derived from (batch, serial)
and verified by HMAC. A code gets a row only when scanned, in `scans`, whose UNIQUE(code) is what
makes each code creditable once, ever.
"""
from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..db import UTCDateTime
from ..extensions import db
from ..models_base import TimestampMixin
from ..products.models import Product


class CodeBatch(TimestampMixin, db.Model):
    __tablename__ = "code_batches"
    __table_args__ = (
        CheckConstraint("count >= 0", name="count"),
        CheckConstraint("source IN ('generated', 'imported')", name="source"),
        CheckConstraint("status IN ('active', 'voided')", name="status"),
        CheckConstraint("valid_until IS NULL OR valid_from IS NULL OR valid_until > valid_from", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    source: Mapped[str] = mapped_column(String(16), default="generated")
    count: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime())
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="active")
    note: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # The sales region (province, city or county) the batch is shipped to: regional earning rules follow it.
    region_code: Mapped[str | None] = mapped_column(String(6))

    product: Mapped[Product] = relationship(lazy="joined")


class Scan(TimestampMixin, db.Model):
    """One credited pack code (消费记录). `region_code` is the member's region at scan time."""

    __tablename__ = "scans"
    __table_args__ = (
        CheckConstraint("points_awarded >= 0", name="points_awarded"),
        Index("ix_scans_member_id_created_at", "member_id", "created_at"),
        Index("ix_scans_product_id_created_at", "product_id", "created_at"),
        Index("ix_scans_created_at", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(64), unique=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("code_batches.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"))
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    points_awarded: Mapped[int] = mapped_column(Integer)
    region_code: Mapped[str | None] = mapped_column(String(6))
    client_ip: Mapped[str | None] = mapped_column(String(45))
    lat: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))
    lon: Mapped[Decimal | None] = mapped_column(Numeric(9, 6))

    product: Mapped[Product] = relationship(lazy="joined")


class ImportedCode(db.Model):
    """A code printed from someone else's generator (imported batch). Only a keyed hash is kept, so a
    copy of the database does not hand out unscanned codes; UNIQUE across all batches."""

    __tablename__ = "imported_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("code_batches.id"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)


RULE_KINDS = ("multiply", "add")


class EarningRule(TimestampMixin, db.Model):
    """积分规则: multiplies (kind `multiply`, value a factor) or adds (kind `add`, value whole points) to what a
    scan earns, when the product, the date window and the pack's sales region (its batch's) all match (NULL = any)."""

    __tablename__ = "earning_rules"
    __table_args__ = (
        CheckConstraint("kind IN ('multiply', 'add')", name="kind"),
        CheckConstraint("value > 0", name="value_positive"),
        CheckConstraint("status IN ('active', 'retired')", name="status"),
        CheckConstraint("ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at", name="window"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16))
    value: Mapped[Decimal] = mapped_column(Numeric(8, 2))
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    region_code: Mapped[str | None] = mapped_column(String(6))  # province XX0000, city XXXX00 or county
    starts_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))

    product: Mapped[Product | None] = relationship(lazy="joined")


def insert_ignoring(model):
    """INSERT for `model` in the session's dialect, ready for .on_conflict_do_nothing(...)."""
    dialect = db.session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(model)
