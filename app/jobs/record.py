"""A row per job run: started, how it ended, what it did or why it failed, on which node."""

from __future__ import annotations

import os
import socket

import sqlalchemy as sa
from flask import Flask

from app.db import utcnow
from app.extensions import db
from app.jobs import Job
from app.models import JobRun

NODE = f"{socket.gethostname()}:{os.getpid()}"


def _finish(run_id: int, status: str, summary: str) -> None:
    db.session.execute(sa.update(JobRun).where(JobRun.id == run_id)
                       .values(status=status, summary=summary[:4000], finished_at=utcnow()))
    db.session.commit()


def run_recorded(app: Flask, job: Job, *, trigger: str = "schedule", retries_left: int = 0) -> str:
    """Run `job` in an app context and record the run. A failure is recorded as `retrying` while retries
    remain, else `failed`, then raised again so the queue retries it."""
    with app.app_context():
        run = JobRun(job=job.key, status="running", node=NODE, trigger=trigger)
        db.session.add(run)
        db.session.commit()
        run_id = run.id
        try:
            summary = job.run(app)
        except Exception as exc:
            db.session.rollback()
            _finish(run_id, "retrying" if retries_left > 0 else "failed", f"{type(exc).__name__}: {exc}")
            raise
        _finish(run_id, "ok", summary)
        return summary


def record_skipped(app: Flask, job: Job, trigger: str) -> None:
    with app.app_context():
        now = utcnow()
        db.session.add(JobRun(job=job.key, status="skipped", node=NODE, trigger=trigger, started_at=now,
                              finished_at=now, summary="Another run of this job was still working; this one did nothing."))
        db.session.commit()


def latest_runs(limit_per_job: int = 1) -> dict[str, list[JobRun]]:
    """The latest runs of each job, newest first; one query."""
    ranked = sa.select(JobRun, sa.func.row_number().over(
        partition_by=JobRun.job, order_by=(JobRun.started_at.desc(), JobRun.id.desc())).label("n")).subquery()
    run = sa.orm.aliased(JobRun, ranked)
    out: dict[str, list[JobRun]] = {}
    for r in db.session.scalars(sa.select(run).where(ranked.c.n <= limit_per_job)
                                .order_by(ranked.c.job, ranked.c.started_at.desc())):
        out.setdefault(r.job, []).append(r)
    return out


def failures(limit: int = 20) -> list[JobRun]:
    return list(db.session.scalars(sa.select(JobRun).where(JobRun.status.in_(("failed", "retrying")))
                                   .order_by(JobRun.started_at.desc(), JobRun.id.desc()).limit(limit)))
