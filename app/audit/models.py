"""One row per admin action. Append-only: nothing in the app updates or deletes these rows."""
from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..auth.models import StaffUser
from ..extensions import db
from ..models_base import TimestampMixin


class AuditEvent(TimestampMixin, db.Model):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_created_at", "created_at"),
        Index("ix_audit_events_target", "target_type", "target_id"),
        Index("ix_audit_events_actor_id", "actor_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # NULL for events without a signed-in actor (a failed sign-in).
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[StaffUser | None] = relationship(lazy="joined")
