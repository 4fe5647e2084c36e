"""Scheduled jobs, declared in one list with stable ids. `flask scheduler run` runs them in its own
process (never inside web workers). Every job is idempotent: a second run changes nothing."""
import logging
import time
from dataclasses import dataclass
from typing import Callable

import click
from flask import current_app
from flask.cli import AppGroup

log = logging.getLogger("app.jobs")


@dataclass(frozen=True)
class Job:
    id: str
    func: Callable[[], object]
    trigger: str  # "cron" or "interval"
    args: dict


def _purge_idempotency_keys():
    from .idempotency import purge_expired

    return purge_expired()


def _purge_expired_tokens():
    from .auth.maintenance import purge_dead_tokens

    return purge_dead_tokens()


def _maintain_tasks():
    from .tasks.service import maintain

    return maintain()


JOBS = [
    Job("purge-idempotency-keys", _purge_idempotency_keys, "interval", {"hours": 1}),
    Job("purge-expired-tokens", _purge_expired_tokens, "cron", {"hour": 3, "minute": 10}),
    Job("maintain-console-tasks", _maintain_tasks, "interval", {"minutes": 10}),
]


def run_job(job: Job, app=None):
    app = app or current_app._get_current_object()
    with app.app_context():
        started = time.monotonic()
        result = job.func()
        log.info("job %s done in %.2fs: %s", job.id, time.monotonic() - started, result)
        return result


scheduler_cli = AppGroup("scheduler", help="Scheduled jobs.")


@scheduler_cli.command("run")
def run_scheduler():
    """Run the scheduler in the foreground (one process per deployment)."""
    from apscheduler.schedulers.blocking import BlockingScheduler

    app = current_app._get_current_object()
    scheduler = BlockingScheduler(timezone="Asia/Shanghai")
    for job in JOBS:
        scheduler.add_job(run_job, job.trigger, id=job.id, args=[job, app], replace_existing=True,
                          coalesce=True, max_instances=1, misfire_grace_time=3600, **job.args)
    click.echo("scheduler running: " + ", ".join(job.id for job in JOBS))
    scheduler.start()


@scheduler_cli.command("list")
def list_jobs():
    for job in JOBS:
        click.echo(f"{job.id}\t{job.trigger}\t{job.args}")


@scheduler_cli.command("run-once")
@click.argument("job_id")
def run_once(job_id):
    """Run one job now (operators, tests)."""
    job = next((j for j in JOBS if j.id == job_id), None)
    if job is None:
        raise click.ClickException(f"unknown job {job_id}; see `flask scheduler list`")
    click.echo(f"{job_id}: {run_job(job)}")


def init_app(app):
    app.cli.add_command(scheduler_cli)
