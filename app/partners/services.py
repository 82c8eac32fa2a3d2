"""An organization admin's own cohorts and trainees: create a cohort, withdraw or move a trainee.

Services flush and never commit; every change is audited.
"""

from __future__ import annotations

from datetime import date, time
from zoneinfo import available_timezones

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import audit
from app.admin.services import set_cohort_staff
from app.errors import DomainError
from app.extensions import db
from app.learn.services import schedule_live_sessions
from app.models import Cohort, Course, Enrollment, EnrollmentStatus, Organization, Role, User
from app.models.orgs import CURRENT_STATUSES

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class PartnerRefused(DomainError):
    pass


def org_cohorts(org: Organization) -> list[Cohort]:
    return list(db.session.scalars(
        sa.select(Cohort).where(Cohort.organization_id == org.id).options(selectinload(Cohort.course))
        .order_by(Cohort.start_date.desc(), Cohort.id.desc())))


def open_courses() -> list[Course]:
    return list(db.session.scalars(sa.select(Course).where(Course.archived_at.is_(None)).order_by(Course.title)))


def create_cohort(org: Organization, *, course: Course, name: str, start_date: date, timezone: str,
                  instructor_ids: list[int], session_weekday: int, session_time: time, actor: User,
                  ip: str | None = None) -> Cohort:
    """A cohort of the organization with its instructors (the first one leads) and a weekly live session
    on `session_weekday` (0 = Monday) at `session_time`, local to the cohort's time zone."""
    name = name.strip()
    if not org.is_active:
        raise PartnerRefused(f"{org.name} is deactivated; it cannot open cohorts.")
    if not name:
        raise PartnerRefused("Give the cohort a name.")
    if course.archived_at is not None:
        raise PartnerRefused("That course is archived; choose a current course.")
    if timezone not in available_timezones():
        raise PartnerRefused("Choose a time zone from the list.")
    if not 0 <= session_weekday <= 6:
        raise PartnerRefused("Choose the weekday of the live session.")
    taken = db.session.scalar(sa.select(Cohort.id).where(
        Cohort.organization_id == org.id, sa.func.lower(Cohort.name) == name.lower()))
    if taken:
        raise PartnerRefused(f"Your organization already has a cohort named “{name}”.")
    cohort = Cohort(organization_id=org.id, course_id=course.id, name=name, start_date=start_date,
                    timezone=timezone)
    db.session.add(cohort)
    db.session.flush()
    if instructor_ids:
        set_cohort_staff(cohort, instructor_ids=instructor_ids, lead_id=instructor_ids[0], actor=actor, ip=ip)
    sessions = schedule_live_sessions(cohort, weekday_offset=(session_weekday - start_date.weekday()) % 7,
                                      local_time=session_time)
    audit.record("cohort.created", cohort, actor=actor, ip=ip, after={
        "organization_id": org.id, "course_id": course.id, "name": name, "start_date": start_date.isoformat(),
        "timezone": timezone, "live_sessions": len(sessions), "session_weekday": WEEKDAYS[session_weekday],
        "session_time": session_time.strftime("%H:%M")})
    db.session.flush()
    return cohort


def org_trainee(org: Organization, user_id: int) -> User | None:
    """A trainee of the organization, or None (another organization's people are not found)."""
    user = db.session.get(User, user_id)
    if user is None or user.organization_id != org.id or user.role is not Role.TRAINEE:
        return None
    return user


def _snapshot(e: Enrollment) -> dict:
    return {"cohort_id": e.cohort_id, "user_id": e.user_id, "status": e.status.value}


def withdraw(enrollment: Enrollment, *, actor: User, ip: str | None = None) -> None:
    if enrollment.status not in CURRENT_STATUSES:
        raise PartnerRefused(f"{enrollment.user.name} is not currently enrolled in {enrollment.cohort.name}.")
    before = _snapshot(enrollment)
    enrollment.status = EnrollmentStatus.WITHDRAWN
    audit.record("enrollment.withdrawn", enrollment, actor=actor, ip=ip, before=before, after=_snapshot(enrollment))
    db.session.flush()


def move(enrollment: Enrollment, target: Cohort, *, actor: User, ip: str | None = None) -> None:
    """Move a current trainee to another cohort of the same organization; their records stay with them."""
    if enrollment.status not in CURRENT_STATUSES:
        raise PartnerRefused(f"{enrollment.user.name} is not currently enrolled, so they cannot be moved.")
    if target.organization_id != enrollment.cohort.organization_id:
        raise PartnerRefused("Choose one of your organization's cohorts.")
    if target.id == enrollment.cohort_id:
        raise PartnerRefused(f"{enrollment.user.name} is already in {target.name}.")
    if db.session.scalar(sa.select(Enrollment.id).where(Enrollment.cohort_id == target.id,
                                                        Enrollment.user_id == enrollment.user_id)):
        raise PartnerRefused(f"{enrollment.user.name} already has an enrollment in {target.name}.")
    before = _snapshot(enrollment)
    enrollment.cohort_id = target.id
    db.session.flush()
    db.session.refresh(enrollment)
    audit.record("enrollment.moved", enrollment, actor=actor, ip=ip, before=before, after=_snapshot(enrollment))
    db.session.flush()
