"""Live sessions as iCalendar: one event for download, or a private feed per user.

The feed URL carries `<user id>-<version>-<HMAC>`: nothing secret is stored, and
bumping the user's `calendar_feed_version` revokes every URL handed out before.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from datetime import timedelta

import icalendar
import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.models import Cohort, Enrollment, LiveSession, Module, User
from app.models.orgs import CURRENT_STATUSES, CohortInstructor

PRODID = "-//Training Platform//Live sessions//EN"


def _mac(secret: str, user_id: int, version: int) -> str:
    return hmac.new(secret.encode(), f"calendar:{user_id}:{version}".encode(), hashlib.sha256).hexdigest()[:40]


def feed_token(user: User, secret: str) -> str:
    return f"{user.id}-{user.calendar_feed_version}-{_mac(secret, user.id, user.calendar_feed_version)}"


def user_for_feed_token(token: str, secret: str) -> User | None:
    try:
        uid_s, version_s, mac = token.split("-", 2)
        uid, version = int(uid_s), int(version_s)
    except ValueError:
        return None
    user = db.session.get(User, uid)
    if user is None or not user.is_active or user.calendar_feed_version != version:
        return None
    if not hmac.compare_digest(mac, _mac(secret, uid, version)):
        return None
    return user


def revoke_feed(user: User) -> None:
    user.calendar_feed_version += 1
    db.session.flush()


def sessions_for(user: User) -> list[tuple[LiveSession, Cohort, Module | None]]:
    """Live sessions of every cohort the user learns in or teaches."""
    as_trainee = sa.select(Enrollment.cohort_id).where(Enrollment.user_id == user.id,
                                                       Enrollment.status.in_(CURRENT_STATUSES))
    as_staff = sa.select(CohortInstructor.cohort_id).where(CohortInstructor.user_id == user.id)
    rows = db.session.execute(
        sa.select(LiveSession, Cohort, Module)
        .join(Cohort, Cohort.id == LiveSession.cohort_id)
        .outerjoin(Module, sa.and_(Module.course_id == Cohort.course_id, Module.week == LiveSession.week,
                                   Module.archived_at.is_(None)))
        .where(LiveSession.cohort_id.in_(as_trainee.union(as_staff)))
        .order_by(LiveSession.starts_at)
    ).all()
    return [tuple(r) for r in rows]


def build_calendar(items: Iterable[tuple[LiveSession, Cohort, Module | None]], *, week_url, name: str) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    now = utcnow()
    for session, cohort, module in items:
        event = icalendar.Event()
        event.add("uid", f"live-session-{session.id}@training-platform")
        event.add("dtstamp", now)
        event.add("dtstart", session.starts_at)
        event.add("dtend", session.starts_at + timedelta(minutes=session.duration_minutes))
        title = module.title if module else f"Week {session.week}"
        event.add("summary", f"Week {session.week} live session: {title}")
        url = week_url(cohort.id, session.week)
        description = [f"{cohort.name}", f"Week page: {url}"]
        if session.join_url:
            description.append(f"Join: {session.join_url}")
            event.add("location", session.join_url)
        event.add("description", "\n".join(description))
        event.add("url", url)
        cal.add_component(event)
    return cal.to_ical()
