"""Background tasks: a row in `tasks` (what, who, progress, result) and a message on the queue
(app/tasks/queue.py, Huey) that the worker process (`flask --app wsgi worker`) picks up.

A kind of task is a function registered, in its feature package, under a stable name:

    @task_kind("members_export")
    def export_members(ctx: TaskContext, **params):
        ctx.set_total(n)
        ...  ctx.advance(k)  ...
        with ctx.result_file("members.xlsx", ".xlsx") as out: ...
        return {"rows": n}            # the summary shown when done

`submit(kind, params, created_by=staff_id)` records the task and queues it; web workers never run one.
Any web host answers the progress (it lives in the row) and serves the result (it lives in the shared
`private_storage()` of app/media.py). Progress and status are written on their own short connection so
they show while the task works; a task that writes to the database commits in chunks (each
`with transaction():`) and reports progress between them, never inside one.

A run that raises is queued again until TASK_MAX_ATTEMPTS runs were made (`TaskFailed` is a business
refusal: it fails at once, with its message for the admin). A task is claimed by one guarded UPDATE
(queued → running), so a message delivered twice runs it once; a running task whose heartbeat stopped
(its worker died) is queued again by `reap_stale`, or failed once its attempts are spent.
"""
import logging
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from flask import current_app
from sqlalchemy import event, select, update

from ..audit.context import Actor, acting_as, current_actor
from ..db import transaction, utcnow
from ..errors import NotFound
from ..extensions import db
from ..media import private_storage
from . import queue
from .models import Task

log = logging.getLogger("app.tasks")

KINDS: dict[str, Callable] = {}
PROGRESS_EVERY_S = 0.5  # at most two progress writes a second per task
RESULTS_FOLDER = "results"
UPLOADS_FOLDER = "uploads"


def task_kind(name):
    def register(func):
        KINDS[name] = func
        return func

    return register


class TaskFailed(Exception):
    """Raise from a task with a message fit for the admin who started it; it is not retried."""


@dataclass
class TaskContext:
    task_id: int
    params: dict
    attempt: int
    _done: int = 0
    _last_write: float = 0.0

    def set_total(self, total: int):
        _write(self.task_id, total=total, heartbeat_at=utcnow())

    def advance(self, count: int = 1):
        self._done += count
        if time.monotonic() - self._last_write >= PROGRESS_EVERY_S:
            self._last_write = time.monotonic()
            _write(self.task_id, done=self._done, heartbeat_at=utcnow())

    def remember(self, **values):
        """Keep values in the task's params, in the caller's transaction if one is open: a retry is
        called with them (the batch a first attempt already opened, say) and resumes instead of redoing."""
        self.params.update(values)
        with transaction():
            db.session.execute(update(Task).where(Task.id == self.task_id).values(params=dict(self.params))
                               .execution_options(synchronize_session=False))

    @contextmanager
    def result_file(self, download_name: str, suffix: str, mode="wb", **open_kw):
        """Write the task's result into the shared private storage; downloadable once the block ends."""
        with private_storage().writer(RESULTS_FOLDER, suffix, mode, **open_kw) as (name, out):
            yield out
        _write(self.task_id, result_file=name, result_name=download_name)


def _write(task_id, **values):
    # Its own connection and transaction: visible at once, whatever the task's session is doing.
    with db.engine.execution_options(write=True).begin() as conn:
        conn.execute(update(Task).where(Task.id == task_id).values(**values))


def save_upload(data: bytes, suffix: str) -> str:
    """Keep an uploaded file for a task (pass the name as params["upload"]); deleted when the task ends."""
    return private_storage().save(UPLOADS_FOLDER, data, suffix)


def read_upload(name: str) -> bytes:
    with private_storage().open(name) as source:
        return source.read()


def submit(kind: str, params: dict, *, created_by=None, now=None) -> Task:
    """Record a task and queue it for the worker once the transaction commits (inside a caller's
    transaction: with the caller's audit record); returns the Task."""
    if kind not in KINDS:
        raise ValueError(f"unknown task kind {kind}")
    now = now or utcnow()
    with transaction():
        task = Task(kind=kind, params=params, status="queued", done=0, attempts=0, created_by=created_by,
                    actor=current_actor().as_dict(), created_at=now, heartbeat_at=now)
        db.session.add(task)
        db.session.flush()
        task_id = task.id
        # A message for a row that is not committed yet would find nothing to claim.
        event.listen(db.session(), "after_commit", lambda _session: queue.enqueue(task_id), once=True)
    return task


def _claim(task_id):
    """queued → running, once: the attempt number, or None if another delivery already took it."""
    now = utcnow()
    with db.engine.execution_options(write=True).begin() as conn:
        return conn.execute(
            update(Task).where(Task.id == task_id, Task.status == "queued")
            .values(status="running", attempts=Task.attempts + 1, started_at=now, heartbeat_at=now)
            .returning(Task.attempts)).scalar()


def run(task_id):
    """Run one queued task (called by the worker, inside an app context)."""
    attempt = _claim(task_id)
    if attempt is None:
        return
    task = db.session.get(Task, task_id, populate_existing=True)
    ctx = TaskContext(task_id, dict(task.params or {}), attempt)
    func, kind = KINDS.get(task.kind), task.kind
    actor = Actor.from_dict(task.actor) if task.actor else Actor.system("job", f"task:{kind}")
    db.session.rollback()
    try:
        if func is None:
            raise TaskFailed(f"unknown task kind {kind}")
        with acting_as(actor):
            summary = func(ctx, **ctx.params)
        db.session.rollback()
        _write(task_id, status="done", done=ctx._done, summary=summary, error=None, finished_at=utcnow(),
               heartbeat_at=utcnow())
        _drop_upload(ctx.params)
    except Exception as error:  # a task never takes the worker down; the admin sees why it failed
        db.session.rollback()
        log.exception("task %s (%s) attempt %s failed", task_id, kind, attempt)
        _after_failure(task_id, ctx.params, attempt, error)
    finally:
        db.session.remove()


def _after_failure(task_id, params, attempt, error):
    message = (str(error) if isinstance(error, TaskFailed) else type(error).__name__)[:500]
    if isinstance(error, TaskFailed) or attempt >= current_app.config["TASK_MAX_ATTEMPTS"]:
        _write(task_id, status="failed", error=message, finished_at=utcnow())
        _drop_upload(params)
        return
    _write(task_id, status="queued", error=message, heartbeat_at=utcnow())
    queue.enqueue(task_id, delay=current_app.config["TASK_RETRY_DELAY_S"] * attempt)


def _drop_upload(params):
    private_storage().delete(params.get("upload"))


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
    """Running, but silent for longer than TASK_STALE_MINUTES (a queued task simply waits for a worker)."""
    cutoff = _stale_cutoff(now or utcnow())
    return task.status == "running" and (task.heartbeat_at is None or task.heartbeat_at < cutoff)


def reap_stale(now=None) -> int:
    """Queue again (or fail, once its attempts are spent) each running task whose worker was lost.
    Safe to run twice and from several hosts: each change is a guarded UPDATE."""
    now = now or utcnow()
    cutoff = _stale_cutoff(now)
    lost = db.session.execute(select(Task.id, Task.attempts, Task.params).where(
        Task.status == "running", (Task.heartbeat_at.is_(None)) | (Task.heartbeat_at < cutoff))).all()
    db.session.rollback()
    reaped = 0
    for task_id, attempts, params in lost:
        spent = attempts >= current_app.config["TASK_MAX_ATTEMPTS"]
        values = ({"status": "failed", "error": "interrupted", "finished_at": now} if spent
                  else {"status": "queued", "error": "interrupted", "heartbeat_at": now})
        with db.engine.execution_options(write=True).begin() as conn:
            changed = conn.execute(update(Task).where(
                Task.id == task_id, Task.status == "running",
                (Task.heartbeat_at.is_(None)) | (Task.heartbeat_at < cutoff)).values(**values)).rowcount
        if not changed:
            continue
        reaped += 1
        if spent:
            _drop_upload(params or {})
        else:
            queue.enqueue(task_id)
    return reaped


def purge_results(now=None) -> int:
    """Delete result files older than TASK_RESULT_DAYS (exports hold personal data; they do not linger)."""
    now = now or utcnow()
    cutoff = now - timedelta(days=current_app.config["TASK_RESULT_DAYS"])
    old = db.session.execute(select(Task.id, Task.result_file)
                             .where(Task.result_file.is_not(None), Task.created_at < cutoff)).all()
    for _task_id, name in old:
        private_storage().delete(name)
    with transaction():
        db.session.execute(update(Task).where(Task.id.in_([t for t, _ in old])).values(result_file=None)
                           .execution_options(synchronize_session=False))
    return len(old)


def has_result(task: Task) -> bool:
    return task.status == "done" and private_storage().exists(task.result_file)


def open_result(task: Task):
    """The result file for reading, or None (not done, no file, or purged)."""
    return private_storage().open(task.result_file) if has_result(task) else None


def maintain(now=None):
    """The scheduled job: requeue or fail lost tasks and delete expired result files."""
    return {"reaped": reap_stale(now), "purged": purge_results(now)}
