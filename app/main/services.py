"""What each role's dashboard shows. Queries only; nothing here writes."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import (
    Cohort,
    CohortInstructor,
    Course,
    Enrollment,
    EnrollmentStatus,
    Organization,
    Role,
    SeatChange,
    User,
)
from app.models.orgs import CURRENT_STATUSES

CURRENT = CURRENT_STATUSES


def trainee_enrollments(user: User) -> list[Enrollment]:
    return list(db.session.scalars(
        sa.select(Enrollment)
        .where(Enrollment.user_id == user.id, Enrollment.status.in_(CURRENT))
        .options(selectinload(Enrollment.cohort).selectinload(Cohort.course),
                 selectinload(Enrollment.cohort).selectinload(Cohort.staff)
                 .selectinload(CohortInstructor.user))
        .order_by(Enrollment.created_at)
    ))


def trainee_counts(cohort_ids: list[int]) -> dict[int, int]:
    if not cohort_ids:
        return {}
    rows = db.session.execute(
        sa.select(Enrollment.cohort_id, sa.func.count())
        .where(Enrollment.cohort_id.in_(cohort_ids), Enrollment.status.in_(CURRENT))
        .group_by(Enrollment.cohort_id)
    )
    return dict(rows.all())


def seats_in_use(org_id: int) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Enrollment).join(Cohort)
        .where(Cohort.organization_id == org_id,
               Enrollment.status.in_((*CURRENT, EnrollmentStatus.COMPLETED)))
    ) or 0


def seat_history(org_id: int, *, limit: int | None = None) -> list[SeatChange]:
    """Seat grants and removals, newest first (the organization admin sees it too)."""
    stmt = (sa.select(SeatChange).where(SeatChange.organization_id == org_id)
            .options(selectinload(SeatChange.actor))
            .order_by(SeatChange.created_at.desc(), SeatChange.id.desc()))
    return list(db.session.scalars(stmt.limit(limit) if limit else stmt))


def platform_counts() -> dict[str, int]:
    by_role = dict(db.session.execute(
        sa.select(User.role, sa.func.count()).where(User.is_active.is_(True)).group_by(User.role)
    ).all())
    return {
        "organizations": db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) or 0,
        "cohorts": db.session.scalar(sa.select(sa.func.count()).select_from(Cohort)) or 0,
        "courses": db.session.scalar(
            sa.select(sa.func.count()).select_from(Course).where(Course.archived_at.is_(None))) or 0,
        **{f"users_{r.value}": by_role.get(r, 0) for r in Role},
    }
