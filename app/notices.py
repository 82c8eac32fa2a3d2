"""Notifications about events a person must act on or would want to know, beyond discussions: a session
waiting for sign-off, a session approved or returned, a grade released, a certificate issued, a request to
talk.

Each event reaches each recipient once: the row's `(user_id, event_key)` is unique, so a double submit, a
retried job or two triggers at once leave one notification and one email. In-app always; email at once, in
the daily digest, or not at all, as the person chose on their notification settings page. Links are paths
inside the platform; emails make them absolute with PUBLIC_BASE_URL.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.extensions import db
from app.mailer import queue_mail
from app.models import EmailMode, EventNotice, NotificationPreference, User

#: every kind, and how the notifications page and the digest name it
KINDS = {
    "supervision.submitted": "Supervision",
    "supervision.approved": "Supervision",
    "supervision.returned": "Supervision",
    "roleplay.released": "Role-play",
    "certificate.issued": "Certificate",
    "wellbeing.request": "Request to talk",
}


def _path(endpoint: str, values: dict) -> str:
    return current_app.url_map.bind("localhost").build(endpoint, values)


def absolute(path: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + path


def _email_mode(user: User) -> EmailMode:
    mode = db.session.scalar(sa.select(NotificationPreference.email_mode)
                             .where(NotificationPreference.user_id == user.id))
    return mode or EmailMode.IMMEDIATE


def line(note: EventNotice) -> str:
    """What happened, as one sentence: "Ana Ruiz submitted a supervision session for your sign-off"."""
    return f"{note.actor.name} {note.message}" if note.actor else note.message[:1].upper() + note.message[1:]


def notify(recipient: User, *, kind: str, obj: str, message: str, subject: str, endpoint: str, values: dict,
           actor: User | None = None, now: datetime | None = None, email: bool = True) -> EventNotice | None:
    """Tell `recipient` about `kind` happening to `obj` (an id, plus the occurrence when one object can see the
    event again, like a session resubmitted after a return). Returns None when they were already told.
    `email=False` for an event whose caller sends its own mail regardless of preferences (an urgent one)."""
    assert kind in KINDS, kind
    if not recipient.is_active:
        return None
    key = f"{kind}:{obj}"[:160]
    if db.session.scalar(sa.select(EventNotice.id).where(EventNotice.user_id == recipient.id,
                                                          EventNotice.event_key == key)):
        return None
    now = now or utcnow()
    note = EventNotice(user_id=recipient.id, kind=kind, event_key=key, actor_id=actor.id if actor else None,
                       message=message[:300], path=_path(endpoint, values), created_at=now)
    try:
        with db.session.begin_nested():
            db.session.add(note)
            db.session.flush()
    except IntegrityError:
        return None  # the same event, told a moment ago by another request
    note.actor = actor
    if not email:
        note.emailed_at = now
    elif _email_mode(recipient) is EmailMode.IMMEDIATE:
        queue_mail(to=recipient.email, subject=subject[:200], backend=current_app.config["MAIL_BACKEND"],
                   body=(f"Hello {recipient.first_name},\n\n{line(note)}.\n\n{absolute(note.path)}\n\n"
                         "You can choose how you hear from us, or switch to a daily digest, on your notification "
                         f"settings page: {absolute(_path('discuss.preferences', {}))}"))
        note.emailed_at = now
    db.session.flush()
    return note


def digest_lines(daily_user_ids: sa.Select, now: datetime) -> dict[int, list[str]]:
    """Unread, unsent notices of daily-digest users, one line each, stamped as sent."""
    out: dict[int, list[str]] = defaultdict(list)
    for note in db.session.scalars(sa.select(EventNotice).where(
            EventNotice.emailed_at.is_(None), EventNotice.user_id.in_(daily_user_ids))
            .order_by(EventNotice.user_id, EventNotice.id)):
        note.emailed_at = now
        if note.read_at is None:
            out[note.user_id].append(f"- {line(note)}: {absolute(note.path)}")
    return out
