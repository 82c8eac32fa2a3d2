"""Issuing after a person's action, never inside it.

A grade, an approval, a lecture marked read or a sign-off may complete a trainee's last requirement. The
action commits first; issuance then runs in a transaction of its own. If issuing fails (no issuer key
yet, a key folder that cannot be written, a database hiccup), the action stays saved, the failure is
recorded for the admins' Jobs page as a `certificates` run that will be retried, and the hourly
`certificates` job (the sweep) issues it once the cause is fixed.
"""

from __future__ import annotations

from flask import current_app

from app.certificates.services import IssuerSettings, issue_due
from app.db import utcnow
from app.extensions import db
from app.models import Certificate, JobRun


def issue_after(user_ids: list[int]) -> list[Certificate]:
    """Call once the action has committed. Returns the certificates issued now (empty when none was due
    or issuing failed)."""
    try:
        issued = issue_due(user_ids, IssuerSettings.from_config(current_app.config))
        db.session.commit()
        return issued
    except Exception as exc:  # nothing here may undo or hide the action that already committed
        db.session.rollback()
        current_app.logger.exception("issuing certificates for %s after an action failed", user_ids)
        _record_failure(user_ids, exc)
        return []


def _record_failure(user_ids: list[int], exc: Exception) -> None:
    from app.jobs.record import NODE

    now = utcnow()
    who = ", ".join(str(i) for i in user_ids)
    try:
        db.session.add(JobRun(job="certificates", status="retrying", node=NODE, trigger="after an action",
                              started_at=now, finished_at=now,
                              summary=f"Issuing for trainee {who} after their last requirement was met failed "
                                      f"({type(exc).__name__}: {exc}); the hourly run will try again."[:4000]))
        db.session.commit()
    except Exception:  # the database itself is gone: the log line above is all that can be kept
        db.session.rollback()
