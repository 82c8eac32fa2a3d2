"""`flask jobs worker` runs the scheduled jobs (mail, certificates, reminders, digests, purges);
`flask jobs run KEY` runs one now; `flask jobs list` shows each job's schedule and last run."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from app.jobs import JOBS
from app.jobs.queue import huey_of
from app.jobs.record import latest_runs, run_recorded

jobs_cli = AppGroup("jobs", help="Background jobs: the worker, and running a job by hand.")


@jobs_cli.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs that may run at once in this process.")
def worker(workers: int) -> None:
    """Run scheduled jobs until stopped (Ctrl-C finishes what is running, then stops). Run one per node; with
    JOBS_URL on Redis, any number of nodes share the queue and each job runs once at a time."""
    huey = huey_of(current_app._get_current_object())
    click.echo(f"Worker on {current_app.config['JOBS_URL'].split('@')[-1]}: {', '.join(JOBS)}.")
    huey.create_consumer(workers=workers, worker_type="thread", periodic=True, check_worker_health=True).run()


@jobs_cli.command("run")
@click.argument("key", type=click.Choice(sorted(JOBS)))
def run(key: str) -> None:
    """Run one job now, in this process, recorded like a scheduled run."""
    try:
        click.echo(run_recorded(current_app._get_current_object(), JOBS[key], trigger="command") + ".")
    except Exception as exc:  # recorded as failed; say it plainly and fail the command
        click.echo(f"{JOBS[key].title}: failed: {exc}", err=True)
        raise SystemExit(1) from None


@jobs_cli.command("list")
def list_jobs() -> None:
    last = latest_runs()
    for job in JOBS.values():
        (run_,) = last.get(job.key) or [None]
        when = f"last {run_.status} {run_.started_at:%Y-%m-%d %H:%M} UTC: {run_.summary}" if run_ else "never run"
        click.echo(f"{job.key:22} {job.schedule:24} {when}")
