"""Long operations started from the console, run on a small thread pool inside the web process.

A kind of task is a function registered under a stable name:

    @task_kind("members_export")
    def export_members(ctx: TaskContext, **params):
        ctx.set_total(n)
        ...  ctx.advance(k)  ...
        ctx.save_file(data, "members.xlsx")
        return {"rows": n}            # the summary shown when done

`submit(kind, params, created_by=staff_id)` records the task and starts it; the page polls the task's
progress (GET /admin/tasks/<id>.json), which any worker can answer because progress lives in the
database. Progress and status are written on their own short connection, so they show while the task
works; a task that writes to the database should commit in chunks (each `with transaction():`).
A task whose heartbeat stops (its process died) is marked failed by `reap_stale` (polls and a
scheduled job), so nothing stays "running" forever.
"""
import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Callable

from flask import current_app
from sqlalchemy import or_, select, update

from ..db import transaction, utcnow
from ..errors import NotFound
from ..extensions import db
from .models import Task

log = logging.getLogger("app.tasks")

KINDS: dict[str, Callable] = {}
PROGRESS_EVERY_S = 0.5  # at most two progress writes a second per task

_pool: ThreadPoolExecutor | None = None
_pool_lock = threading.Lock()


def task_kind(name):
    def register(func):
        KINDS[name] = func
        return func

    return register


class TaskFailed(Exception):
    """Raise from a task with a message fit for the admin who started it."""


@dataclass
class TaskContext:
    task_id: int
    params: dict
    app: object
    _done: int = 0
    _last_write: float = 0.0

    def set_total(self, total: int):
        _write(self.task_id, total=total, heartbeat_at=utcnow())

    def advance(self, count: int = 1):
        self._done += count
        if time.monotonic() - self._last_write >= PROGRESS_EVERY_S:
            self._last_write = time.monotonic()
            _write(self.task_id, done=self._done, heartbeat_at=utcnow())

    def file_path(self, suffix: str) -> Path:
        """Where to write the result file (kept privately; downloaded through the console)."""
        folder = result_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return folder / f"task-{self.task_id}{suffix}"

    def attach(self, path: Path, download_name: str):
        _write(self.task_id, result_file=path.name, result_name=download_name)


def result_dir() -> Path:
    configured = current_app.config.get("TASK_RESULT_DIR")
    return Path(configured) if configured else Path(current_app.config["UPLOAD_DIR"]).parent / "task-results"


def _write(task_id, **values):
    # Its own connection and transaction: visible at once, whatever the task's session is doing.
    with db.engine.execution_options(write=True).begin() as conn:
        conn.execute(update(Task).where(Task.id == task_id).values(**values))


def submit(kind: str, params: dict, *, created_by=None, now=None) -> Task:
    """Record a task and start it on the pool; returns the queued Task."""
    if kind not in KINDS:
        raise ValueError(f"unknown task kind {kind}")
    now = now or utcnow()
    with transaction():
        task = Task(kind=kind, params=params, status="queued", done=0, created_by=created_by, created_at=now,
                    heartbeat_at=now)
        db.session.add(task)
        db.session.flush()
        task_id = task.id
    _executor().submit(_run, current_app._get_current_object(), task_id)
    return task


def _executor() -> ThreadPoolExecutor:
    global _pool
    with _pool_lock:
        if _pool is None:
            _pool = ThreadPoolExecutor(max_workers=current_app.config["TASK_WORKERS"],
                                       thread_name_prefix="console-task")
        return _pool


def _run(app, task_id):
    with app.app_context():
        try:
            task = db.session.get(Task, task_id)
            ctx = TaskContext(task_id, dict(task.params or {}), app)
            func = KINDS[task.kind]
            db.session.rollback()
            _write(task_id, status="running", started_at=utcnow(), heartbeat_at=utcnow())
            summary = func(ctx, **ctx.params)
            db.session.rollback()
            _write(task_id, status="done", done=ctx._done, summary=summary, finished_at=utcnow(),
                   heartbeat_at=utcnow())
        except Exception as error:  # a task never takes the worker down; the admin sees why it failed
            db.session.rollback()
            message = str(error) if isinstance(error, TaskFailed) else f"{type(error).__name__}"
            log.exception("task %s failed", task_id)
            _write(task_id, status="failed", error=message[:500], finished_at=utcnow())
        finally:
            db.session.remove()


def get_task(task_id, *, owner_id=None) -> Task:
    """A task, visible to the admin who started it (owner_id) or to any admin (owner_id None)."""
    # Progress is written on other connections: always read the row afresh, never the identity map's copy.
    task = db.session.get(Task, task_id, populate_existing=True)
    if task is None or (owner_id is not None and task.created_by != owner_id):
        raise NotFound()
    return task


def _stale_cutoff(now):
    return now - timedelta(minutes=current_app.config["TASK_STALE_MINUTES"])


def is_stale(task: Task, now=None) -> bool:
    """Queued or running, but silent for longer than TASK_STALE_MINUTES."""
    cutoff = _stale_cutoff(now or utcnow())
    return task.status in ("queued", "running") and (task.heartbeat_at is None or task.heartbeat_at < cutoff)


def reap_stale(now=None) -> int:
    """Mark failed the tasks whose heartbeat stopped (their process was lost). Safe to run twice."""
    now = now or utcnow()
    cutoff = _stale_cutoff(now)
    with transaction():
        result = db.session.execute(
            update(Task).where(Task.status.in_(("queued", "running")),
                               or_(Task.heartbeat_at.is_(None), Task.heartbeat_at < cutoff))
            .values(status="failed", error="interrupted", finished_at=now)
            .execution_options(synchronize_session=False))
    return result.rowcount


def purge_results(now=None) -> int:
    """Delete result files older than TASK_RESULT_DAYS (exports hold personal data; they do not linger)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["TASK_RESULT_DAYS"])
    old = db.session.execute(select(Task.id, Task.result_file)
                             .where(Task.result_file.is_not(None), Task.created_at < cutoff)).all()
    for task_id, name in old:
        (result_dir() / name).unlink(missing_ok=True)
    with transaction():
        db.session.execute(update(Task).where(Task.id.in_([t for t, _ in old])).values(result_file=None)
                           .execution_options(synchronize_session=False))
    return len(old)


def result_path(task: Task) -> Path | None:
    if task.status != "done" or not task.result_file:
        return None
    path = result_dir() / os.path.basename(task.result_file)
    return path if path.exists() else None


def maintain(now=None):
    """The scheduled job: reap lost tasks and delete expired result files."""
    return {"reaped": reap_stale(now), "purged": purge_results(now)}
