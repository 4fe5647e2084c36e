"""One row per change. Append-only: nothing in the app updates or deletes these rows."""
from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, String
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
        Index("ix_audit_events_action", "action"),
        CheckConstraint("source IN ('api', 'console', 'cli', 'job')", name="source"),
        CheckConstraint("actor_kind IN ('staff', 'member', 'system', 'anonymous')", name="actor_kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    actor_kind: Mapped[str] = mapped_column(String(10), default="staff", server_default="staff")
    # The staff user acting (actor_kind staff); NULL otherwise.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    # The member acting on their own account (actor_kind member); NULL otherwise.
    actor_member_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    actor_name: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(8), default="console", server_default="console")
    action: Mapped[str] = mapped_column(String(48))
    target_type: Mapped[str | None] = mapped_column(String(32))
    target_id: Mapped[str | None] = mapped_column(String(64))
    before: Mapped[dict | None] = mapped_column(JSON)
    after: Mapped[dict | None] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(String(200))
    ip: Mapped[str | None] = mapped_column(String(45))

    actor: Mapped[StaffUser | None] = relationship(lazy="joined")
