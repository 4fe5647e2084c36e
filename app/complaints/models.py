"""A member's complaint or suggestion and how it was handled."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime
from ..extensions import db
from ..models_base import TimestampMixin

KINDS = ("complaint", "suggestion")
STATUSES = ("open", "in_progress", "resolved", "rejected")


class Complaint(TimestampMixin, db.Model):
    __tablename__ = "complaints"
    __table_args__ = (
        CheckConstraint("kind IN ('complaint', 'suggestion')", name="kind"),
        CheckConstraint("status IN ('open', 'in_progress', 'resolved', 'rejected')", name="status"),
        CheckConstraint("reward_points >= 0", name="reward_points_non_negative"),
        Index("ix_complaints_member_id_id", "member_id", "id"),
        Index("ix_complaints_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    member_id: Mapped[int] = mapped_column(ForeignKey("members.id"))
    kind: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("products.id"))
    pack_code: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="open")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    result: Mapped[str | None] = mapped_column(Text)
    reward_points: Mapped[int] = mapped_column(Integer, default=0)
    reward_entry_id: Mapped[int | None] = mapped_column(ForeignKey("ledger_entries.id"))
    handled_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
