"""Background jobs: what runs on a schedule, and how often. `queue.py` runs them on Huey (an embedded
SQLite queue by default, Redis for several nodes); `record.py` keeps a row per run for the admins'
Jobs page; `work.py` holds what each job does, shared with the `flask` commands."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask

from app.jobs import work


@dataclass(frozen=True)
class Job:
    key: str
    title: str
    #: when it runs, in words (UTC), and as Huey crontab fields
    schedule: str
    crontab: dict[str, str]
    run: Callable[[Flask], str]
    #: a failed run is tried again this many times, this many seconds apart, before it is marked failed
    retries: int = 3
    retry_delay: int = 120


JOBS: dict[str, Job] = {job.key: job for job in (
    # Mail is tried every minute anyway, and each message keeps its own attempts and backoff (app/mailer.py).
    Job("mail", "Deliver queued mail", "every minute", {"minute": "*"}, work.deliver_mail, retries=0),
    # A trainee asked to talk today: the program's escalate_after_hours is counted in hours, so look often.
    Job("support-escalations", "Pass unacknowledged requests to talk to the program director", "every five minutes",
        {"minute": "*/5"}, work.escalate_support_requests),
    Job("certificates", "Issue certificates that are due", "hourly, at five past", {"minute": "5"},
        work.sweep_certificates),
    Job("supervision-reminders", "Remind supervisors of sessions waiting for sign-off", "daily at 13:00 UTC",
        {"minute": "0", "hour": "13"}, work.remind_supervisors),
    Job("discussion-digest", "Send the daily discussion digests", "daily at 07:00 UTC",
        {"minute": "0", "hour": "7"}, work.discussion_digest),
    Job("recordings-purge", "Delete role-play recordings past retention", "daily at 03:30 UTC",
        {"minute": "30", "hour": "3"}, work.purge_old_recordings),
    # Mail, roster uploads and job records past OUTBOX_/ROSTER_/LOG_RETENTION_DAYS (app/privacy/retention.py).
    Job("retention", "Delete mail, roster uploads and job records past retention", "daily at 03:45 UTC",
        {"minute": "45", "hour": "3"}, work.enforce_retention),
    # A recording without a file is reported as a failure, so it shows on the admins' Jobs page.
    Job("uploads-reconcile", "Check role-play recordings against their files", "daily at 04:00 UTC",
        {"minute": "0", "hour": "4"}, work.reconcile_uploads_job, retries=0),
)}
