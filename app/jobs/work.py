"""What each background job does, as plain functions of the app: the worker's scheduled tasks and the
`flask` commands call the same ones. Each returns a one-line summary for the job's record."""

from __future__ import annotations

from flask import Flask, url_for

from app.certificates import services as certificates
from app.discuss.notify import send_digests
from app.extensions import db
from app.mailer import deliver_pending
from app.privacy import retention
from app.roleplay import uploads
from app.roleplay.services import purge_recordings, reconcile_uploads
from app.supervision.reminders import send_reminders
from app.wellbeing.support import escalate_due


class JobFailed(Exception):
    """The job could not do its work this time (the mail server is down...): it is retried."""


def deliver_mail(app: Flask, limit: int = 100) -> str:
    result = deliver_pending(app.config, limit=limit)
    db.session.commit()
    summary = f"{result.sent} sent, {result.retrying} to retry later, {result.dead} given up (dead letters)"
    if result.stopped:
        raise JobFailed(f"{summary}. Stopped early: {result.stopped}")
    return summary


def sweep_certificates(app: Flask) -> str:
    issued = certificates.sweep(certificates.IssuerSettings.from_config(app.config))
    db.session.commit()
    named = ", ".join(f"{c.serial} {c.user.name}" for c in issued[:20])
    return f"{len(issued)} certificate(s) issued" + (f": {named}" if issued else "")


def remind_supervisors(app: Flask, remind_days: int | None = None, escalate_days: int | None = None) -> str:
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):  # links as users see them
        reminded, escalated = send_reminders(
            backend=app.config["MAIL_BACKEND"], remind_days=remind_days, escalate_days=escalate_days,
            queue_url=lambda: url_for("supervision.queue", _external=True))
    db.session.commit()
    return f"{reminded} supervisor reminder(s), {escalated} escalation(s) to organization admins"


def discussion_digest(app: Flask) -> str:
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        sent = send_digests(mail_backend=app.config["MAIL_BACKEND"],
                            link_for=lambda post: url_for("discuss.goto_post", post_id=post.id, _external=True))
    db.session.commit()
    return f"{sent} digest{'s' if sent != 1 else ''} queued"


def purge_old_recordings(app: Flask, days: int | None = None) -> str:
    days = app.config["RECORDING_RETENTION_DAYS"] if days is None else days
    count = purge_recordings(uploads.upload_dir(app.config, app.instance_path), older_than_days=days)
    db.session.commit()
    return f"{count} recording{'s' if count != 1 else ''} older than {days} days deleted"


def enforce_retention(app: Flask) -> str:
    result = retention.enforce(app.config)
    db.session.commit()
    return result.summary(app.config)


def reconcile_uploads_job(app: Flask) -> str:
    result = reconcile_uploads(uploads.upload_dir(app.config, app.instance_path))
    summary = (f"{result.orphans_removed} file(s) without a recording removed, {result.parts_removed} unfinished "
               f"upload(s) removed")
    if result.missing:
        raise JobFailed(f"{summary}; {len(result.missing)} recording(s) have no file: ids "
                        f"{', '.join(map(str, result.missing[:50]))}. Restore them from backup, or delete them.")
    return summary


def escalate_support_requests(app: Flask) -> str:
    """Requests to talk that nobody acknowledged in the program's escalate_after_hours go to the program
    director, each exactly once."""
    with app.test_request_context(base_url=app.config["PUBLIC_BASE_URL"]):
        count = escalate_due(backend=app.config["MAIL_BACKEND"],
                             link_for=lambda req: url_for("wellbeing.support_request", request_id=req.id,
                                                          _external=True))
    db.session.commit()
    return f"{count} unacknowledged request(s) to talk passed to the program director"
