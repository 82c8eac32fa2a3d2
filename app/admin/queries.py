"""What the administration pages show. Read-only; each page in a constant number of queries."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.eligibility import engine
from app.eligibility.records import load_plan, load_records
from app.extensions import db
from app.models import (
    AuditEvent,
    Cohort,
    CohortInstructor,
    Course,
    Enrollment,
    EnrollmentStatus,
    Organization,
    Role,
    User,
)
from app.models.orgs import CURRENT_STATUSES

# Organizations ----------------------------------------------------------------------


@dataclass
class OrgRow:
    org: Organization
    in_use: int
    admins: int


def organizations_overview() -> list[OrgRow]:
    orgs = list(db.session.scalars(sa.select(Organization).order_by(Organization.is_active.desc(),
                                                                     Organization.name)))
    in_use = dict(db.session.execute(
        sa.select(Cohort.organization_id, sa.func.count()).select_from(Enrollment).join(Cohort)
        .where(Enrollment.status.in_((*CURRENT_STATUSES, EnrollmentStatus.COMPLETED)))
        .group_by(Cohort.organization_id)).all())
    admins = dict(db.session.execute(
        sa.select(User.organization_id, sa.func.count()).where(User.role == Role.ORG_ADMIN)
        .group_by(User.organization_id)).all())
    return [OrgRow(o, in_use.get(o.id, 0), admins.get(o.id, 0)) for o in orgs]


def org_admins(org: Organization) -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.organization_id == org.id,
                                                         User.role == Role.ORG_ADMIN).order_by(User.name)))


def organization_choices() -> list[Organization]:
    return list(db.session.scalars(sa.select(Organization).order_by(Organization.name)))


# People ---------------------------------------------------------------------------------

def people_query(q: str = "", *, role: str = "", org_id: int | None = None, status: str = "") -> sa.Select:
    stmt = sa.select(User).options(selectinload(User.organization)).order_by(User.name, User.id)
    q = q.strip().lower()
    if q:
        stmt = stmt.where(sa.or_(sa.func.lower(User.name).contains(q, autoescape=True),
                                 User.email.contains(q, autoescape=True)))
    if role in {r.value for r in Role}:
        stmt = stmt.where(User.role == Role(role))
    if org_id:
        stmt = stmt.where(User.organization_id == org_id)
    if status in ("active", "deactivated"):
        stmt = stmt.where(User.is_active.is_(status == "active"))
    if status == "erasure_requested":  # waiting for an admin to process it
        stmt = stmt.where(User.erasure_requested_at.is_not(None), User.erased_at.is_(None))
    return stmt


def cohort_counts_for(user_ids: list[int]) -> dict[int, int]:
    """How many cohorts each person is in, as trainee or instructor (two queries per page)."""
    counts: dict[int, int] = defaultdict(int)
    if user_ids:
        for model in (Enrollment, CohortInstructor):
            for uid, n in db.session.execute(sa.select(model.user_id, sa.func.count())
                                             .where(model.user_id.in_(user_ids)).group_by(model.user_id)):
                counts[uid] += n
    return counts


@dataclass
class PersonDetail:
    enrollments: list[Enrollment]
    teaching: list[CohortInstructor]
    history: list[AuditEvent]
    invitation_pending: bool


def person_detail(user: User) -> PersonDetail:
    enrollments = list(db.session.scalars(
        sa.select(Enrollment).where(Enrollment.user_id == user.id)
        .options(selectinload(Enrollment.cohort).selectinload(Cohort.course))
        .order_by(Enrollment.created_at.desc())))
    teaching = list(db.session.scalars(
        sa.select(CohortInstructor).where(CohortInstructor.user_id == user.id)
        .options(selectinload(CohortInstructor.cohort).selectinload(Cohort.course))))
    history = list(db.session.scalars(
        audit_query(AuditFilter(object_type="User", object_id=str(user.id))).limit(10)))
    return PersonDetail(enrollments, teaching, history, invitation_pending=not user.password_hash)


# Courses and cohorts -------------------------------------------------------------------------

def courses_overview() -> list[tuple[Course, list[Cohort]]]:
    courses = list(db.session.scalars(sa.select(Course).order_by(Course.archived_at.is_not(None), Course.title)))
    cohorts: dict[int, list[Cohort]] = defaultdict(list)
    for c in db.session.scalars(sa.select(Cohort).options(selectinload(Cohort.organization))
                                .order_by(Cohort.start_date.desc())):
        cohorts[c.course_id].append(c)
    return [(course, cohorts.get(course.id, [])) for course in courses]


def enrollment_counts(cohort_ids: list[int]) -> dict[int, dict[str, int]]:
    """Per cohort: trainees by enrollment status, in one query."""
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    if cohort_ids:
        for cid, status, n in db.session.execute(
            sa.select(Enrollment.cohort_id, Enrollment.status, sa.func.count())
            .where(Enrollment.cohort_id.in_(cohort_ids)).group_by(Enrollment.cohort_id, Enrollment.status)
        ):
            counts[cid][status.value] = n
    return counts


def active_instructors() -> list[User]:
    return list(db.session.scalars(sa.select(User).where(User.role == Role.INSTRUCTOR, User.is_active.is_(True))
                                   .order_by(User.name)))


@dataclass
class TraineeStanding:
    enrollment: Enrollment
    percent: int
    left: int


def cohort_standing(cohort: Cohort) -> list[TraineeStanding]:
    """Each current trainee's overall progress from the eligibility engine (constant queries)."""
    enrollments = list(db.session.scalars(
        sa.select(Enrollment).where(Enrollment.cohort_id == cohort.id, Enrollment.status.in_(CURRENT_STATUSES))
        .options(selectinload(Enrollment.user)).join(User, User.id == Enrollment.user_id).order_by(User.name)))
    plan = load_plan(cohort.course)
    records = load_records(cohort, [e.user_id for e in enrollments])
    out = []
    for e in enrollments:
        reqs = engine.evaluate(records[e.user_id], plan)
        out.append(TraineeStanding(e, engine.overall_percent(reqs), sum(1 for r in reqs if not r.met)))
    return out


# Audit log ------------------------------------------------------------------------------------

@dataclass
class AuditFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    date_from: date | None = None
    date_to: date | None = None


def audit_query(f: AuditFilter) -> sa.Select:
    stmt = (sa.select(AuditEvent).options(selectinload(AuditEvent.actor))
            .order_by(AuditEvent.created_at.desc(), AuditEvent.id.desc()))
    if f.actor.strip():
        who = f.actor.strip().lower()
        stmt = stmt.where(AuditEvent.actor_id.in_(sa.select(User.id).where(
            sa.or_(User.email == who, sa.func.lower(User.name).contains(who, autoescape=True)))))
    if f.action:
        stmt = stmt.where(AuditEvent.action == f.action)
    if f.object_type:
        stmt = stmt.where(AuditEvent.object_type == f.object_type)
    if f.object_id.strip():
        stmt = stmt.where(AuditEvent.object_id == f.object_id.strip())
    if f.date_from:
        stmt = stmt.where(AuditEvent.created_at >= datetime.combine(f.date_from, time(), tzinfo=UTC))
    if f.date_to:
        stmt = stmt.where(AuditEvent.created_at < datetime.combine(f.date_to + timedelta(days=1), time(), tzinfo=UTC))
    return stmt


def _distinct_values(column, tag: str) -> sa.Select:
    """The distinct values of an indexed column by a "loose index scan": one index probe per value
    (`MIN(column) WHERE column > previous`) instead of reading every row, on SQLite and PostgreSQL alike."""
    first = sa.select(sa.func.min(column).label("value"))
    walk = first.cte(f"{tag}_values", recursive=True)
    following = sa.select(sa.select(sa.func.min(column)).where(column > walk.c.value).scalar_subquery()) \
        .where(walk.c.value.is_not(None))
    walk = walk.union_all(following)
    return sa.select(sa.literal(tag).label("kind"), walk.c.value).where(walk.c.value.is_not(None))


def audit_choices() -> tuple[list[str], list[str]]:
    """The actions and object types that occur in the log, for the filter lists: one statement whose cost
    follows the number of distinct values, not the number of events (both columns are indexed)."""
    both = sa.union_all(_distinct_values(AuditEvent.action, "action"),
                        _distinct_values(AuditEvent.object_type, "type")).subquery()
    actions, types = [], []
    for kind, value in db.session.execute(sa.select(both.c.kind, both.c.value).order_by(both.c.kind, both.c.value)):
        (actions if kind == "action" else types).append(value)
    return actions, types

