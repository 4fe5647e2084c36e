"""A long operation run by the background worker: its kind, parameters, progress and result."""
from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..db import UTCDateTime
from ..extensions import db
from ..models_base import TimestampMixin

TASK_STATUSES = ("queued", "running", "done", "failed")


class Task(TimestampMixin, db.Model):
    __tablename__ = "tasks"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        CheckConstraint("done >= 0 AND (total IS NULL OR total >= 0)", name="progress"),
        CheckConstraint("attempts >= 0", name="attempts"),
        Index("ix_tasks_created_by_id", "created_by", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(48))
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="queued")
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int | None] = mapped_column(Integer)
    # What the task produced: a file kept privately (downloaded through the console) and/or a summary.
    result_file: Mapped[str | None] = mapped_column(String(200))
    result_name: Mapped[str | None] = mapped_column(String(200))
    summary: Mapped[dict | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(String(500))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Touched as the task advances: a running task whose heartbeat stops was lost with its process.
    heartbeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Runs so far: a failed run is queued again until TASK_MAX_ATTEMPTS, then the task fails.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Who started it (app/audit/context.py Actor.as_dict): the worker records under that name and door.
    actor: Mapped[dict | None] = mapped_column(JSON)

    @property
    def percent(self) -> int | None:
        if self.status == "done":
            return 100
        if not self.total:
            return None
        return min(100, int(self.done * 100 / self.total))
