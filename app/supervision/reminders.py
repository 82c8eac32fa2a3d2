"""Reminders for sessions waiting on a supervisor: the supervisor first, then the org admin, after the days
each program sets in its course files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.mailer import queue_mail
from app.models import Role, SessionStatus, SupervisionSession, User
from app.supervision.services import rules_of


def send_reminders(*, backend: str, queue_url: Callable[[], str], remind_days: int | None = None,
                   escalate_days: int | None = None, now: datetime | None = None) -> tuple[int, int]:
    """Returns (supervisor reminders, escalations). Each session is reminded and escalated once, after the
    days its program's [supervision] rules set (remind_after_days, escalate_after_days) unless overridden."""
    now = now or utcnow()
    waiting = list(db.session.scalars(
        sa.select(SupervisionSession).where(SupervisionSession.status == SessionStatus.SUBMITTED)
        .order_by(SupervisionSession.submitted_at)))
    reminded = escalated = 0
    for s in waiting:
        age = now - s.submitted_at
        rules = rules_of(s.cohort)
        remind_after = remind_days if remind_days is not None else rules.get("remind_after_days", 7)
        escalate_after = escalate_days if escalate_days is not None else rules.get("escalate_after_days", 14)
        if age >= timedelta(days=remind_after) and s.reminded_at is None:
            queue_mail(to=s.supervisor.email, subject="A supervision session is waiting for your sign-off",
                       body=(f"Hello {s.supervisor.first_name},\n\n{s.trainee.name} submitted a supervision session "
                             f"from {s.session_date:%B %d} {age.days} days ago. Please approve or return it:\n\n"
                             f"{queue_url()}\n"), backend=backend)
            s.reminded_at = now
            reminded += 1
        if age >= timedelta(days=escalate_after) and s.escalated_at is None and s.trainee.organization_id:
            admins = db.session.scalars(sa.select(User).where(
                User.role == Role.ORG_ADMIN, User.organization_id == s.trainee.organization_id,
                User.is_active.is_(True))).all()
            for admin in admins:
                queue_mail(to=admin.email, subject="A supervision sign-off is overdue",
                           body=(f"Hello {admin.first_name},\n\nA supervision session that {s.trainee.name} logged for "
                                 f"{s.session_date:%B %d} has waited {age.days} days for {s.supervisor.name}'s "
                                 "sign-off. Please follow up with the supervisor.\n"), backend=backend)
            s.escalated_at = now
            escalated += 1
    db.session.flush()
    return reminded, escalated
