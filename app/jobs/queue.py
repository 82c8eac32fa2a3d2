"""The job queue: Huey, with SQLite storage by default (embedded: no server, one node) and Redis when
`JOBS_URL` names one (any number of worker nodes). Every job is a periodic task with a lock (one run at a
time across all workers), retries with a delay, and a recorded outcome."""

from __future__ import annotations

import time
from contextlib import contextmanager
from pathlib import Path

from flask import Flask
from huey import Huey, RedisHuey, SqliteHuey, crontab
from huey.constants import EmptyData
from huey.exceptions import TaskLockedException

from app.jobs import JOBS, Job
from app.jobs.record import record_skipped, run_recorded

#: a lock left by a worker that died mid-run frees itself after this long
LOCK_SECONDS = 3600


def make_huey(app: Flask) -> Huey:
    url = app.config["JOBS_URL"]
    if url.startswith(("redis://", "rediss://", "unix://")):
        huey = RedisHuey("platform-jobs", url=url)
    elif url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        path.parent.mkdir(parents=True, exist_ok=True)
        huey = SqliteHuey("platform-jobs", filename=str(path))
    else:
        raise RuntimeError(f"JOBS_URL={url!r}: use sqlite:///path/to/jobs.db or redis://host:6379/0")
    huey.tasks = {job.key: _register(huey, app, job) for job in JOBS.values()}
    return huey


@contextmanager
def job_lock(huey: Huey, key: str):
    """One run of a job at a time across every worker sharing the queue. The lock holds the time it was
    taken, so one left behind by a worker that died is cleared by the next run after LOCK_SECONDS (neither
    SQLite nor Redis before 7.4 can expire it by itself). Every job is idempotent, so the rare overlap
    while a stale lock is cleared costs time, never a second mail or certificate."""
    name = f"{huey.name}.joblock.{key}"
    now = time.time()
    held = huey.storage.peek_data(name)
    if held is not EmptyData and now - float(held) > LOCK_SECONDS:
        huey.storage.delete_data(name)
    if not huey.storage.put_if_empty(name, str(now).encode()):
        raise TaskLockedException(key)
    try:
        yield
    finally:
        huey.storage.delete_data(name)


def _register(huey: Huey, app: Flask, job: Job):
    def run(trigger: str = "schedule", task=None) -> str | None:
        try:
            with job_lock(huey, job.key):
                return run_recorded(app, job, trigger=trigger, retries_left=task.retries if task else 0)
        except TaskLockedException:
            record_skipped(app, job, trigger)
            return None

    run.__name__ = f"job_{job.key.replace('-', '_')}"
    return huey.periodic_task(crontab(**job.crontab), retries=job.retries, retry_delay=job.retry_delay,
                              context=True, name=job.key)(run)


def huey_of(app: Flask) -> Huey:
    """The app's queue, made once per process."""
    if "huey" not in app.extensions:
        app.extensions["huey"] = make_huey(app)
    return app.extensions["huey"]


def enqueue(app: Flask, key: str, trigger: str = "admin") -> None:
    """Run a job as soon as a worker is free (the Jobs page's "Run now")."""
    huey_of(app).tasks[key](trigger=trigger)
