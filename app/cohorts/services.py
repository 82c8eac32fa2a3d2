"""Cohort queries scoped to what a user may see."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Cohort, CohortInstructor, Enrollment, Role, User
from app.models.orgs import CURRENT_STATUSES as CURRENT


def visible_cohorts_query(user: User) -> sa.Select:
    stmt = sa.select(Cohort).options(
        selectinload(Cohort.course), selectinload(Cohort.organization),
        selectinload(Cohort.staff).selectinload(CohortInstructor.user),
    ).order_by(Cohort.start_date.desc(), Cohort.id.desc())
    if user.role is Role.ADMIN:
        return stmt
    if user.role is Role.ORG_ADMIN:
        return stmt.where(Cohort.organization_id == user.organization_id)
    if user.role is Role.INSTRUCTOR:
        return stmt.where(Cohort.staff.any(CohortInstructor.user_id == user.id))
    if user.role is Role.TRAINEE:
        return stmt.where(Cohort.enrollments.any(
            sa.and_(Enrollment.user_id == user.id, Enrollment.status.in_(CURRENT))))
    return stmt.where(sa.false())


def is_enrolled(user: User, cohort: Cohort) -> bool:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Enrollment).where(
            Enrollment.cohort_id == cohort.id, Enrollment.user_id == user.id,
            Enrollment.status.in_(CURRENT))
    ) > 0


def roster(cohort: Cohort) -> list[Enrollment]:
    return list(db.session.scalars(
        sa.select(Enrollment).where(Enrollment.cohort_id == cohort.id)
        .options(selectinload(Enrollment.user))
        .join(User, User.id == Enrollment.user_id).order_by(User.name)
    ))
