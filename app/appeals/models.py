"""Identity appeals (身份申诉): a person whose phone or ID number another account holds asks for it back."""
from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime
from ..extensions import db
from ..models_base import TimestampMixin

STATUSES = ("pending", "upheld", "rejected")
DECISIONS = ("upheld", "rejected")


class IdentityAppeal(TimestampMixin, db.Model):
    """Filed with the phone proven by SMS code; the ID number is kept only as its keyed hash and masked form.
    `phone_holder_id`/`id_holder_id`: the accounts holding them when the appeal was filed."""

    __tablename__ = "identity_appeals"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'upheld', 'rejected')", name="status"),
        CheckConstraint("(status = 'pending') = (resolved_at IS NULL)", name="resolved_when_decided"),
        Index("ix_identity_appeals_status_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str] = mapped_column(String(20))
    real_name: Mapped[str] = mapped_column(String(30))
    id_number_hash: Mapped[str] = mapped_column(String(64))
    id_number_masked: Mapped[str] = mapped_column(String(18))
    note: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(8), default="pending")
    phone_holder_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    id_holder_id: Mapped[int | None] = mapped_column(ForeignKey("members.id"))
    resolution_note: Mapped[str | None] = mapped_column(String(200))
    resolved_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def masked_phone(self) -> str:
        from ..members.models import mask_phone

        return mask_phone(self.phone)
