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
    target: str  # "module:function"; the function takes no arguments and returns what it did
    trigger: str  # "cron" or "interval"
    args: dict

    @property
    def func(self) -> Callable[[], object]:
        from .features import load

        return load(self.target)


# Times are Asia/Shanghai (the scheduler's zone).
JOBS = [
    Job("purge-idempotency-keys", "app.idempotency:purge_expired", "interval", {"hours": 1}),
    Job("purge-expired-tokens", "app.auth.maintenance:purge_dead_tokens", "cron", {"hour": 3, "minute": 10}),
    Job("maintain-console-tasks", "app.tasks.service:maintain", "interval", {"minutes": 10}),
    Job("expire-points", "app.lifecycle.expiry:expire_lapsed", "cron", {"hour": 0, "minute": 1}),  # lapse at once
    Job("cancel-uncollected-pickups", "app.redemptions.service:cancel_uncollected_pickups", "cron", {"minute": 5}),
    Job("recalculate-levels", "app.lifecycle.levels:recalculate_all", "cron", {"hour": 2, "minute": 30}),
    # Monday early morning: last week's market indicators, frozen for history and period figures, and any of
    # the 12 weeks before it whose snapshot a late observation dropped.
    Job("indicator-snapshots", "app.stats.snapshots:snapshot_previous_week", "cron",
        {"day_of_week": "mon", "hour": 2, "minute": 30}),
    Job("promo-low-stock", "app.promo.service:report_low_stock", "cron", {"hour": 8, "minute": 0}),
]


def run_job(job: Job, app=None):
    app = app or current_app._get_current_object()
    from .audit.context import Actor, acting_as

    with app.app_context(), acting_as(Actor.system("job", job.id)):
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
