"""Background jobs: one row per run, so admins see what ran, when, where, and what failed."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class JobRun(db.Model):
    __tablename__ = "job_runs"
    __table_args__ = (sa.Index("ix_job_runs_job_started", "job", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(sa.String(60))
    #: running, ok, retrying (failed, will run again), failed (no retries left), skipped (another run held it)
    status: Mapped[str] = mapped_column(sa.String(12), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: what it did ("3 sent"), or why it failed
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    #: which machine and process ran it
    node: Mapped[str] = mapped_column(sa.String(120), default="")
    #: how it was started: schedule, admin (run now), command (flask jobs run)
    trigger: Mapped[str] = mapped_column(sa.String(20), default="schedule")

    def __repr__(self) -> str:
        return f"<JobRun {self.job} {self.status} {self.started_at:%Y-%m-%d %H:%M}>"
