"""What happens in a cohort's week: unlocks, live sessions, attendance, lecture views, quiz attempts."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.models.curriculum import Quiz
from app.models.users import User


class WeekUnlock(db.Model):
    """An instructor opened a week before its date for one cohort."""

    __tablename__ = "week_unlocks"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "week"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    week: Mapped[int]
    unlocked_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    unlocked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<WeekUnlock cohort={self.cohort_id} week={self.week}>"


class LiveSession(db.Model):
    __tablename__ = "live_sessions"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "week"),
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    week: Mapped[int]
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    duration_minutes: Mapped[int]
    join_url: Mapped[str] = mapped_column(sa.String(500), default="")
    recording_url: Mapped[str] = mapped_column(sa.String(500), default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:
        return f"<LiveSession cohort={self.cohort_id} week={self.week} {self.starts_at:%Y-%m-%d %H:%M}Z>"


class AttendanceStatus(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    ABSENT = "absent"
    EXCUSED = "excused"


class Attendance(db.Model):
    __tablename__ = "attendance"
    __table_args__ = (sa.UniqueConstraint("live_session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    status: Mapped[AttendanceStatus] = mapped_column(enum_column(AttendanceStatus))
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Attendance session={self.live_session_id} user={self.user_id} {self.status}>"


class RecordingView(db.Model):
    """A trainee confirmed they watched a session's recording (makes up an excused absence)."""

    __tablename__ = "recording_views"
    __table_args__ = (sa.UniqueConstraint("live_session_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    live_session_id: Mapped[int] = mapped_column(sa.ForeignKey("live_sessions.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LectureView(db.Model):
    """The trainee has read the week's lecture: written when they press "I have read this lecture" at its
    end (rows from before that button, written when the page opened, keep counting)."""

    __tablename__ = "lecture_views"
    __table_args__ = (sa.UniqueConstraint("cohort_id", "module_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    module_id: Mapped[int] = mapped_column(sa.ForeignKey("modules.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    first_viewed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class QuizAttempt(db.Model):
    """One attempt at a quiz. `layout` is the shuffled order shown; `answers` the chosen option keys."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (sa.UniqueConstraint("quiz_id", "cohort_id", "user_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    quiz_id: Mapped[int] = mapped_column(sa.ForeignKey("quizzes.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    number: Mapped[int]
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: [{"question": key, "options": [key, ...]}, ...] in the order shown
    layout: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: {question key: [option key, ...]}
    answers: Mapped[dict[str, list[str]] | None] = mapped_column(sa.JSON)
    score_percent: Mapped[int | None]
    passed: Mapped[bool | None]
    #: a timed quiz's deadline for this attempt (the program's limit times the trainee's accommodation)
    due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: submitted after the deadline and its grace: scored and shown, but neither passes nor counts
    late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    quiz: Mapped[Quiz] = relationship()
    user: Mapped[User] = relationship()

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None

    def __repr__(self) -> str:
        return f"<QuizAttempt {self.id} quiz={self.quiz_id} user={self.user_id} #{self.number}>"
