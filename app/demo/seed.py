"""Create (or refresh) the demo organization, cohort and users. Idempotent.

Run after the course import. Every run sets new random passwords and returns them,
so the printed logins always work and no fixed password ships in the code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import timedelta

import sqlalchemy as sa

from app.db import utcnow
from app.errors import DomainError
from app.extensions import db
from app.learn.services import schedule_live_sessions
from app.models import (
    Cohort,
    CohortInstructor,
    Course,
    CredentialType,
    Enrollment,
    LiveSession,
    Organization,
    Role,
    SupervisorAssignment,
    SupervisorCredential,
    User,
)
from app.pacing import cohort_today

DEMO_TZ = "America/New_York"
PEOPLE = [
    ("admin@example.org", "Avery Admin", Role.ADMIN, None),
    ("instructor@example.org", "Imani Instructor", Role.INSTRUCTOR, None),
    ("supervisor@example.org", "Samuel Supervisor, LICSW", Role.SUPERVISOR, "riverbend"),
    ("orgadmin@example.org", "Olivia Orgadmin", Role.ORG_ADMIN, "riverbend"),
    ("trainee@example.org", "Theo Trainee", Role.TRAINEE, "riverbend"),
    ("jordan.trainee@example.org", "Jordan Rivera", Role.TRAINEE, "riverbend"),
    ("casey.trainee@example.org", "Casey Nguyen", Role.TRAINEE, "riverbend"),
    ("harbor.admin@example.org", "Harper Harbor", Role.ORG_ADMIN, "harbor"),
]
ORGS = {"riverbend": ("Riverbend Family Services", 25), "harbor": ("Harbor Youth Partners", 10)}


@dataclass
class Login:
    email: str
    role: Role
    password: str


def _get_or_create(model, where: dict, **values):
    obj = db.session.scalar(sa.select(model).filter_by(**where))
    if obj is None:
        obj = model(**where, **values)
        db.session.add(obj)
        db.session.flush()
    return obj


def _other_programs(main: Course, org: Organization, users: dict[str, User], trainee_emails: list[str]) -> None:
    """Every other imported program gets a cohort that started last week, with a trainee who is also in the
    main program, so the demo shows hours and requirements kept apart per program."""
    start = cohort_today(DEMO_TZ) - timedelta(weeks=1)
    for course in db.session.scalars(sa.select(Course).where(Course.id != main.id, Course.archived_at.is_(None))
                                     .order_by(Course.slug)):
        cohort = _get_or_create(Cohort, {"name": f"Riverbend — {course.title}"}, organization_id=org.id,
                                course_id=course.id, start_date=start, timezone=DEMO_TZ)
        _get_or_create(CohortInstructor, {"cohort_id": cohort.id, "user_id": users["instructor@example.org"].id},
                       is_lead=True)
        for email in trainee_emails:
            _get_or_create(Enrollment, {"cohort_id": cohort.id, "user_id": users[email].id})
        schedule_live_sessions(cohort)


def main_course(course_slug: str | None) -> Course:
    """The named course, or else the imported program with the most weeks (the demo's main cohort)."""
    courses = list(db.session.scalars(sa.select(Course).where(Course.archived_at.is_(None))))
    if course_slug:
        courses = [c for c in courses if c.slug == course_slug]
    if not courses:
        what = f"Course {course_slug!r} is" if course_slug else "No course is"
        raise DomainError(f"{what} imported yet: run `flask course import courses/<folder>` first.")
    return max(courses, key=lambda c: (c.week_count, c.slug))


def seed_demo(course_slug: str | None = None) -> list[Login]:
    course = main_course(course_slug)
    orgs = {key: _get_or_create(Organization, {"slug": key}, name=name, seat_limit=seats)
            for key, (name, seats) in ORGS.items()}
    start = cohort_today(DEMO_TZ) - timedelta(weeks=3)
    cohort = _get_or_create(Cohort, {"name": "Riverbend — Fall cohort"}, organization_id=orgs["riverbend"].id,
                            course_id=course.id, start_date=start, timezone=DEMO_TZ)
    shift = start - cohort.start_date
    if shift:  # keep it "three weeks ago" whenever the demo is refreshed, sessions included
        cohort.start_date = start
        for session in db.session.scalars(sa.select(LiveSession).where(LiveSession.cohort_id == cohort.id)):
            session.starts_at += shift
    _get_or_create(Cohort, {"name": "Harbor — Winter cohort"}, organization_id=orgs["harbor"].id,
                   course_id=course.id, start_date=start + timedelta(weeks=8), timezone=DEMO_TZ)

    logins, users = [], {}
    for email, name, role, org in PEOPLE:
        user = _get_or_create(User, {"email": email}, name=name, role=role,
                              organization_id=orgs[org].id if org else None, timezone=DEMO_TZ)
        password = secrets.token_urlsafe(9)
        user.set_password(password)
        user.is_active = True
        users[email] = user
        logins.append(Login(email, role, password))

    _get_or_create(CohortInstructor, {"cohort_id": cohort.id, "user_id": users["instructor@example.org"].id},
                   is_lead=True)
    supervisor = users["supervisor@example.org"]
    for email, _name, role, _org in PEOPLE:
        if role is Role.TRAINEE:
            _get_or_create(Enrollment, {"cohort_id": cohort.id, "user_id": users[email].id})
            _get_or_create(SupervisorAssignment, {"trainee_id": users[email].id,
                                                  "supervisor_id": supervisor.id})
    if db.session.scalar(sa.select(SupervisorCredential).where(SupervisorCredential.user_id == supervisor.id)) is None:
        # a verified license, so the demo supervisor can sign sessions straight away
        db.session.add(SupervisorCredential(
            user_id=supervisor.id, credential_type=CredentialType.LICSW, license_number="DEMO-0000", state="MA",
            expires_on=start + timedelta(days=730), verified_at=utcnow(), verified_by_id=users["admin@example.org"].id))
    _other_programs(course, orgs["riverbend"], users, [e for e, _n, role, _o in PEOPLE if role is Role.TRAINEE][-1:])
    schedule_live_sessions(cohort)
    first = db.session.scalar(sa.select(LiveSession).where(LiveSession.cohort_id == cohort.id, LiveSession.week == 1))
    if first is not None and not first.join_url:
        first.join_url = "https://video.example.org/riverbend-fall"
    db.session.flush()
    return logins
