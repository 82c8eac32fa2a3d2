"""Retention: personal data the platform keeps only for a while, deleted by the daily "retention" job.

- Mail: a message sent (or given up as a dead letter) more than OUTBOX_RETENTION_DAYS ago. Mail still
  waiting to go is never deleted.
- Roster uploads: an upload made more than ROSTER_RETENTION_DAYS ago, confirmed or not (its rows hold the
  names and emails as uploaded; the enrollments it made are records of their own).
- Logs: background job records (`job_runs`, whose summaries can name people) older than
  LOG_RETENTION_DAYS, except the latest run of each job, which the Jobs page shows.

Role-play recordings have their own job (`recordings-purge`, RECORDING_RETENTION_DAYS). The audit log is
append-only and kept: see the README's "Data rights" section.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.models import JobRun, OutboxMessage, RosterImport


@dataclass(frozen=True)
class Retention:
    mail: int
    rosters: int
    logs: int

    def summary(self, config: Any) -> str:
        return (f"{self.mail} mail older than {config['OUTBOX_RETENTION_DAYS']} days, {self.rosters} roster "
                f"upload(s) older than {config['ROSTER_RETENTION_DAYS']} days, {self.logs} job record(s) older "
                f"than {config['LOG_RETENTION_DAYS']} days deleted")


def _days(config: Any, key: str) -> int:
    days = int(config[key])
    if days < 1:
        raise ValueError(f"{key} must be at least 1 day (it is {days}).")
    return days


def purge_mail(older_than_days: int, now: datetime) -> int:
    cutoff = now - timedelta(days=older_than_days)
    done = sa.or_(OutboxMessage.sent_at < cutoff, OutboxMessage.dead_at < cutoff)
    return db.session.execute(sa.delete(OutboxMessage).where(done)).rowcount or 0


def purge_rosters(older_than_days: int, now: datetime) -> int:
    cutoff = now - timedelta(days=older_than_days)
    return db.session.execute(sa.delete(RosterImport).where(RosterImport.created_at < cutoff)).rowcount or 0


def purge_logs(older_than_days: int, now: datetime) -> int:
    cutoff = now - timedelta(days=older_than_days)
    latest = sa.select(sa.func.max(JobRun.id)).group_by(JobRun.job)
    return db.session.execute(sa.delete(JobRun).where(
        JobRun.started_at < cutoff, JobRun.status != "running", JobRun.id.not_in(latest))).rowcount or 0


def enforce(config: Any, *, now: datetime | None = None) -> Retention:
    """Delete what is past its retention period; the caller commits."""
    now = now or utcnow()
    result = Retention(mail=purge_mail(_days(config, "OUTBOX_RETENTION_DAYS"), now),
                       rosters=purge_rosters(_days(config, "ROSTER_RETENTION_DAYS"), now),
                       logs=purge_logs(_days(config, "LOG_RETENTION_DAYS"), now))
    db.session.expire_all()
    return result
