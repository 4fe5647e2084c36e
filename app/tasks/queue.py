"""The task queue (Huey): SQLite next to the instance folder by default, so the embedded run needs
nothing else; Redis when HUEY_URL (or REDIS_URL) names one, for several hosts. The queue carries only
task ids; what to do, for whom, and how far it got live in the `tasks` row (app/tasks/service.py).

`flask --app wsgi worker` runs the consumer. In the test suite HUEY_IMMEDIATE runs each task at once,
in the process that queued it (a test that needs the real worker starts one and turns it off).
"""
import logging
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from huey import RedisHuey, SqliteHuey

from ..config import INSTANCE_DIR

def build(app):
    """The app's Huey and the one message it knows: run the task with this id."""
    url = app.config.get("HUEY_URL")
    options = {"results": False, "immediate": app.config["HUEY_IMMEDIATE"], "utc": True}
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey("loyalty-tasks", url=url, **options)
    else:
        filename = url[len("sqlite:///"):] if url and url.startswith("sqlite:///") else None
        filename = filename or str(INSTANCE_DIR / "huey.db")
        if not app.config["HUEY_IMMEDIATE"]:
            Path(filename).parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("loyalty-tasks", filename=filename, **options)

    @huey.task(name="run_task")
    def run_task(task_id):
        from . import service

        # Its own app context (and so its own session), also when immediate mode runs it inside a request.
        with app.app_context():
            service.run(task_id)

    return run_task


def enqueue(task_id: int, delay: float | None = None):
    run_task = current_app.extensions["tasks_queue"]
    if delay:
        run_task.schedule((task_id,), delay=delay)
    else:
        run_task(task_id)


@click.command("worker")
@click.option("--workers", type=int, default=None, help="Threads running tasks (default TASK_WORKERS).")
@with_appcontext
def worker_command(workers):
    """Run the background worker in the foreground (Ctrl-C stops it once running tasks end)."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    huey = current_app.extensions["tasks_queue"].huey
    if huey.immediate:
        raise click.ClickException("HUEY_IMMEDIATE is on: tasks run where they are queued, not in a worker.")
    consumer = huey.create_consumer(workers=workers or current_app.config["TASK_WORKERS"], worker_type="thread",
                                    periodic=False)
    consumer.run()


def init_app(app):
    app.extensions["tasks_queue"] = build(app)
    app.cli.add_command(worker_command)
