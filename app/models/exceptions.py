"""Fair completion: exceptions staff grant to one trainee, and a trainee's accommodations.

Both are records the eligibility engine reads; neither edits the program's rules.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.models.users import User


class ExceptionKind(enum.StrEnum):
    EXTENSION = "extension"  # a later due date for one item
    EXTRA_ATTEMPT = "extra_attempt"  # one more quiz or role-play attempt
    EXCUSED = "excused"  # an excused live session, made up by a named alternative
    LATE_APPROVAL = "late_approval"  # late work counted where the program asks for approval
    WAIVER = "waiver"  # one requirement waived (program director only)

    @property
    def label(self) -> str:
        return {"extension": "Deadline extension", "extra_attempt": "Extra attempt",
                "excused": "Excused attendance", "late_approval": "Late work approved",
                "waiver": "Requirement waived"}[self.value]


class GrantedException(db.Model):
    """One exception for one trainee and one item, with the grantor's written reason. Revoked, never deleted."""

    __tablename__ = "granted_exceptions"
    __table_args__ = (
        sa.Index("uq_granted_exceptions_active", "cohort_id", "user_id", "kind", "item", unique=True,
                 sqlite_where=sa.text("revoked_at IS NULL"), postgresql_where=sa.text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    kind: Mapped[ExceptionKind] = mapped_column(enum_column(ExceptionKind))
    #: the item: a requirement key such as "week-3-quiz", "week-6-live" or "supervision-observation"
    item: Mapped[str] = mapped_column(sa.String(80))
    #: extra days, for an extension
    days: Mapped[int | None]
    #: the alternative activity, for excused attendance
    alternative: Mapped[str] = mapped_column(sa.Text, default="")
    #: for excused attendance: when staff recorded the alternative as done
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str] = mapped_column(sa.Text)
    granted_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    revoke_reason: Mapped[str | None] = mapped_column(sa.Text)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    granted_by: Mapped[User] = relationship(foreign_keys=[granted_by_id])

    @property
    def active(self) -> bool:
        return self.revoked_at is None

    def __repr__(self) -> str:
        return f"<GrantedException {self.kind} {self.item} user={self.user_id}>"


class Accommodation(db.Model):
    """A trainee's accommodations, set by a program director; applied to every due date and timed item.
    Seen by the trainee and their instructors only."""

    __tablename__ = "accommodations"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    quiz_time_factor: Mapped[float] = mapped_column(sa.Float, default=1.0)
    extra_days: Mapped[int] = mapped_column(default=0)
    alternative_format: Mapped[bool] = mapped_column(default=False)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    set_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def __repr__(self) -> str:
        return f"<Accommodation user={self.user_id} x{self.quiz_time_factor} +{self.extra_days}d>"


class Deferral(db.Model):
    """A trainee moved from one cohort to a later cohort of the same program. What they completed in the
    earlier cohort keeps counting in the later one."""

    __tablename__ = "deferrals"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    from_cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"))
    to_cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    actor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Deferral user={self.user_id} {self.from_cohort_id}->{self.to_cohort_id}>"
