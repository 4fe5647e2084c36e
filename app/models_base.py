"""Small mixins shared by the feature models."""
from sqlalchemy.orm import Mapped, mapped_column

from .db import UTCDateTime, utcnow


class TimestampMixin:
    created_at: Mapped["object"] = mapped_column(UTCDateTime(), nullable=False, default=utcnow)
