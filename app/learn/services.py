"""A cohort's weeks: pacing, lecture views, live sessions and attendance."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import audit
from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.models import (
    Attendance,
    AttendanceStatus,
    Cohort,
    LectureView,
    LiveSession,
    Module,
    RecordingView,
    User,
    WeekUnlock,
)
from app.pacing import is_open, session_start

DEFAULT_SESSION_WEEKDAY_OFFSET = 2  # two days into each week
DEFAULT_SESSION_TIME = time(18, 0)


def early_unlocks(cohort: Cohort) -> frozenset[int]:
    return frozenset(db.session.scalars(sa.select(WeekUnlock.week).where(WeekUnlock.cohort_id == cohort.id)))


def week_is_open(cohort: Cohort, week: int, *, now: datetime | None = None,
                 unlocked: frozenset[int] | None = None) -> bool:
    unlocked = early_unlocks(cohort) if unlocked is None else unlocked
    return is_open(cohort.start_date, cohort.timezone, week, now=now, unlocked_early=unlocked)


def get_module(cohort: Cohort, week: int) -> Module | None:
    return db.session.scalar(sa.select(Module).where(
        Module.course_id == cohort.course_id, Module.week == week, Module.archived_at.is_(None)))


def unlock_week_early(cohort: Cohort, week: int, *, actor: User, now: datetime | None = None) -> bool:
    """Open a week before its date. Returns False when it was already open."""
    if week_is_open(cohort, week, now=now):
        return False
    db.session.add(WeekUnlock(cohort_id=cohort.id, week=week, unlocked_by_id=actor.id))
    audit.record("week.unlocked_early", cohort, actor=actor, after={"week": week})
    db.session.flush()
    return True


def _insert_once(obj) -> None:
    """Insert a row guarded by a unique constraint; a concurrent twin is not an error."""
    try:
        with db.session.begin_nested():
            db.session.add(obj)
    except IntegrityError:
        pass


def has_read_lecture(cohort: Cohort, module: Module, user: User) -> bool:
    return db.session.scalar(sa.select(LectureView.id).where(
        LectureView.cohort_id == cohort.id, LectureView.module_id == module.id,
        LectureView.user_id == user.id)) is not None


def mark_lecture_read(cohort: Cohort, module: Module, user: User) -> bool:
    """The trainee says they have read the lecture (a LectureView row means "read"). Idempotent:
    returns False when it was already marked."""
    if has_read_lecture(cohort, module, user):
        return False
    _insert_once(LectureView(cohort_id=cohort.id, module_id=module.id, user_id=user.id))
    return True


# Live sessions ---------------------------------------------------------------

def schedule_live_sessions(cohort: Cohort, *, weekday_offset: int = DEFAULT_SESSION_WEEKDAY_OFFSET,
                           local_time: time = DEFAULT_SESSION_TIME) -> list[LiveSession]:
    """One session per week of the course, at the same local time each week."""
    existing = {s.week for s in db.session.scalars(sa.select(LiveSession).where(LiveSession.cohort_id == cohort.id))}
    created = []
    for module in db.session.scalars(sa.select(Module).where(
            Module.course_id == cohort.course_id, Module.archived_at.is_(None)).order_by(Module.week)):
        if module.week in existing:
            continue
        session = LiveSession(
            cohort_id=cohort.id, week=module.week, duration_minutes=module.live_minutes or 60,
            starts_at=session_start(cohort.start_date, cohort.timezone, module.week,
                                    weekday_offset=weekday_offset, local_time=local_time))
        db.session.add(session)
        created.append(session)
    db.session.flush()
    return created


def get_live_session(cohort: Cohort, week: int) -> LiveSession | None:
    return db.session.scalar(sa.select(LiveSession).where(LiveSession.cohort_id == cohort.id,
                                                          LiveSession.week == week))


def _snapshot(session: LiveSession) -> dict:
    return {"starts_at": session.starts_at.isoformat(), "duration_minutes": session.duration_minutes,
            "join_url": session.join_url, "recording_url": session.recording_url}


def update_live_session(session: LiveSession, cohort: Cohort, *, local_start: datetime, duration_minutes: int,
                        join_url: str, recording_url: str, actor: User) -> None:
    """`local_start` is a naive wall-clock time in the cohort's time zone."""
    before = _snapshot(session)
    session.starts_at = local_start.replace(tzinfo=ZoneInfo(cohort.timezone)).astimezone(ZoneInfo("UTC"))
    session.duration_minutes = duration_minutes
    session.join_url = join_url.strip()
    session.recording_url = recording_url.strip()
    audit.record("live_session.updated", session, actor=actor, before=before, after=_snapshot(session))
    db.session.flush()


def attendance_for(session: LiveSession) -> dict[int, Attendance]:
    return {a.user_id: a for a in db.session.scalars(
        sa.select(Attendance).where(Attendance.live_session_id == session.id))}


def save_attendance(session: LiveSession, statuses: dict[int, AttendanceStatus], *, roster_ids: set[int],
                    actor: User, now: datetime | None = None) -> int:
    """Record attendance for the whole cohort at once. Returns how many rows changed."""
    if (now or utcnow()) < session.starts_at:
        raise DomainError("This live session has not started yet, so attendance cannot be taken. "
                          "Nothing was saved; take attendance once the session has begun.")
    strangers = set(statuses) - roster_ids
    if strangers:
        raise DomainError("Attendance can only be taken for trainees enrolled in this cohort.")
    current = attendance_for(session)
    changed = 0
    for user_id, status in statuses.items():
        row = current.get(user_id)
        if row is not None and row.status == status:
            continue
        before = {"status": row.status.value} if row else None
        if row is None:
            row = Attendance(live_session_id=session.id, user_id=user_id, status=status, recorded_by_id=actor.id)
            db.session.add(row)
        else:
            row.status, row.recorded_by_id, row.recorded_at = status, actor.id, utcnow()
        db.session.flush()
        audit.record("attendance.recorded", row, actor=actor, before=before,
                     after={"status": status.value, "user_id": user_id, "week": session.week})
        changed += 1
    db.session.flush()
    return changed


def mark_recording_watched(session: LiveSession, user: User, *, now: datetime | None = None) -> None:
    if not session.recording_url:
        raise DomainError("This session has no recording yet.")
    if (now or utcnow()) < session.starts_at + timedelta(minutes=session.duration_minutes):
        raise DomainError("The recording can be marked as watched after the session has taken place.")
    exists = db.session.scalar(sa.select(RecordingView.id).where(
        RecordingView.live_session_id == session.id, RecordingView.user_id == user.id))
    if exists is None:
        _insert_once(RecordingView(live_session_id=session.id, user_id=user.id))
