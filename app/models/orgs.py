"""Partner organizations, their cohorts, cohort staff and enrollments."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, WriteOnlyMapped, mapped_column, relationship

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.models.curriculum import Course
    from app.models.resources import LocalResources
    from app.models.users import User


class Organization(db.Model):
    __tablename__ = "organizations"
    __table_args__ = (sa.CheckConstraint("seat_limit >= 0", name="seat_limit_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    seat_limit: Mapped[int] = mapped_column(default=0)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: WriteOnlyMapped[User] = relationship(back_populates="organization")
    cohorts: Mapped[list[Cohort]] = relationship(
        back_populates="organization", order_by="Cohort.start_date"
    )
    #: the local resources card its admins set (None: its trainees see the national lines)
    local_resources: Mapped[LocalResources | None] = relationship(uselist=False)

    def __repr__(self) -> str:
        return f"<Organization {self.id} {self.slug}>"


class Cohort(db.Model):
    __tablename__ = "cohorts"
    __table_args__ = (sa.CheckConstraint("open_seats IS NULL OR open_seats >= 0", name="open_seats_non_negative"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(160))
    start_date: Mapped[date] = mapped_column(sa.Date)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="America/New_York")
    #: None: enrollment through an organization only; a number: open to the public with that many places
    open_seats: Mapped[int | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization | None] = relationship(back_populates="cohorts")
    course: Mapped[Course] = relationship()
    staff: Mapped[list[CohortInstructor]] = relationship(
        back_populates="cohort", cascade="all, delete-orphan"
    )
    enrollments: WriteOnlyMapped[Enrollment] = relationship(back_populates="cohort")

    def __repr__(self) -> str:
        return f"<Cohort {self.id} {self.name!r}>"


class CohortInstructor(db.Model):
    __tablename__ = "cohort_instructors"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "user_id"),
        # at most one lead instructor per cohort
        sa.Index("uq_cohort_instructors_one_lead", "cohort_id", unique=True,
                 sqlite_where=sa.text("is_lead"), postgresql_where=sa.text("is_lead")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    is_lead: Mapped[bool] = mapped_column(default=False)

    cohort: Mapped[Cohort] = relationship(back_populates="staff")
    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CohortInstructor cohort={self.cohort_id} user={self.user_id}>"


class EnrollmentStatus(enum.StrEnum):
    INVITED = "invited"
    ACTIVE = "active"
    WITHDRAWN = "withdrawn"
    COMPLETED = "completed"
    #: moved to a later cohort of the same program, keeping what was completed
    DEFERRED = "deferred"


#: statuses that hold a place in a cohort
CURRENT_STATUSES = (EnrollmentStatus.INVITED, EnrollmentStatus.ACTIVE)


class Enrollment(db.Model):
    __tablename__ = "enrollments"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(
        enum_column(EnrollmentStatus), default=EnrollmentStatus.ACTIVE
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    cohort: Mapped[Cohort] = relationship(back_populates="enrollments")
    user: Mapped[User] = relationship()

    @property
    def is_current(self) -> bool:
        return self.status in CURRENT_STATUSES

    def __repr__(self) -> str:
        return f"<Enrollment cohort={self.cohort_id} user={self.user_id} {self.status}>"
