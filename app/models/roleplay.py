"""Role-play assessment: submissions, recordings, rubric grades and calibration.

One grade per grader per submission, and one grade per marking role (first,
second, moderation) per submission, are database constraints: a grade is never
overwritten, and a race between two graders cannot leave two "first" grades.
"""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.models.curriculum import Rubric, Scenario
    from app.models.orgs import Cohort
    from app.models.users import User


class SubmissionStatus(enum.StrEnum):
    AWAITING_GRADE = "awaiting_grade"
    AWAITING_SECOND = "awaiting_second"
    IN_DISPUTE = "in_dispute"
    FINAL = "final"

    @property
    def label(self) -> str:
        return {
            "awaiting_grade": "Waiting to be graded",
            "awaiting_second": "Awaiting second marking",
            "in_dispute": "With the lead instructor",
            "final": "Graded",
        }[self.value]


class Outcome(enum.StrEnum):
    PASS = "pass"  # noqa: S105 - an outcome, not a password
    REVISE = "revise"

    @property
    def label(self) -> str:
        return {"pass": "Pass", "revise": "Revise and resubmit"}[self.value]


class Resolution(enum.StrEnum):
    """How the final outcome was reached."""

    SINGLE = "single"          # one grader; not selected for double-marking
    AGREED = "agreed"          # two graders, within tolerance and agreeing on pass/fail
    MODERATED = "moderated"    # a lead instructor decided a disagreement

    @property
    def label(self) -> str:
        return {
            "single": "Graded by one instructor",
            "agreed": "Double-marked: both graders agreed",
            "moderated": "Double-marked, then decided by the lead instructor",
        }[self.value]


class GradeRole(enum.StrEnum):
    FIRST = "first"
    SECOND = "second"
    MODERATION = "moderation"


class RolePlaySubmission(db.Model):
    __tablename__ = "roleplay_submissions"
    __table_args__ = (
        sa.UniqueConstraint("scenario_id", "cohort_id", "trainee_id", "attempt"),
        sa.CheckConstraint("attempt >= 1", name="attempt_positive"),
        sa.CheckConstraint("(status = 'final') = (outcome IS NOT NULL)", name="final_has_outcome"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scenario_id: Mapped[int] = mapped_column(sa.ForeignKey("scenarios.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    attempt: Mapped[int]
    #: "standard" or "alternative" (the crisis alternative script / lower-intensity version)
    script: Mapped[str] = mapped_column(sa.String(20), default="standard")
    transcript_md: Mapped[str] = mapped_column(sa.Text, default="")
    reflection_md: Mapped[str] = mapped_column(sa.Text, default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    status: Mapped[SubmissionStatus] = mapped_column(
        enum_column(SubmissionStatus), default=SubmissionStatus.AWAITING_GRADE, index=True)
    #: why it goes to a second grader: "sample", "fail", "borderline" (None: single marking)
    double_mark_reason: Mapped[str | None] = mapped_column(sa.String(20))
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome))
    resolution: Mapped[Resolution | None] = mapped_column(enum_column(Resolution))
    released_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: optimistic lock: a grade saved against an older version is refused
    version: Mapped[int] = mapped_column(default=1)

    scenario: Mapped[Scenario] = relationship()
    cohort: Mapped[Cohort] = relationship()
    trainee: Mapped[User] = relationship()
    grades: Mapped[list[RubricGrade]] = relationship(
        back_populates="submission", order_by="RubricGrade.created_at")
    recording: Mapped[Recording | None] = relationship(back_populates="submission", uselist=False)

    __mapper_args__ = {"version_id_col": version}

    @property
    def is_final(self) -> bool:
        return self.status is SubmissionStatus.FINAL

    def grade_by(self, role: GradeRole) -> RubricGrade | None:
        return next((g for g in self.grades if g.role is role), None)

    @property
    def deciding_grade(self) -> RubricGrade | None:
        """The grade whose levels and comments the trainee sees once released."""
        if self.resolution is Resolution.MODERATED:
            return self.grade_by(GradeRole.MODERATION)
        return self.grade_by(GradeRole.FIRST) if self.is_final else None

    def __repr__(self) -> str:
        return f"<RolePlaySubmission {self.id} scenario={self.scenario_id} trainee={self.trainee_id} #{self.attempt}>"


class Recording(db.Model):
    """An uploaded audio or video file, stored outside static/ under a generated name."""

    __tablename__ = "roleplay_recordings"

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("roleplay_submissions.id"), unique=True)
    stored_name: Mapped[str] = mapped_column(sa.String(80), unique=True)
    mime: Mapped[str] = mapped_column(sa.String(60))
    extension: Mapped[str] = mapped_column(sa.String(10))
    size_bytes: Mapped[int]
    consent_confirmed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    submission: Mapped[RolePlaySubmission] = relationship(back_populates="recording")

    @property
    def is_video(self) -> bool:
        return self.mime.startswith("video/")

    def __repr__(self) -> str:
        return f"<Recording {self.id} {self.mime} {self.size_bytes}B>"


class RubricGrade(db.Model):
    """One grader's levels and comments on one submission. Never edited once saved."""

    __tablename__ = "rubric_grades"
    __table_args__ = (
        sa.UniqueConstraint("submission_id", "grader_id"),
        sa.UniqueConstraint("submission_id", "role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    submission_id: Mapped[int] = mapped_column(sa.ForeignKey("roleplay_submissions.id"), index=True)
    grader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    role: Mapped[GradeRole] = mapped_column(enum_column(GradeRole))
    #: {criterion key: level}
    levels: Mapped[dict[str, int]] = mapped_column(sa.JSON)
    #: {criterion key: comment}
    comments: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    overall_comment: Mapped[str] = mapped_column(sa.Text, default="")
    passed: Mapped[bool]
    mean: Mapped[float]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    submission: Mapped[RolePlaySubmission] = relationship(back_populates="grades")
    grader: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<RubricGrade {self.id} submission={self.submission_id} {self.role} by={self.grader_id}>"


class CalibrationExemplar(db.Model):
    """An exemplar role-play with reference levels set by an admin, graded blind by instructors."""

    __tablename__ = "calibration_exemplars"

    id: Mapped[int] = mapped_column(primary_key=True)
    rubric_id: Mapped[int] = mapped_column(sa.ForeignKey("rubrics.id"), index=True)
    scenario_id: Mapped[int | None] = mapped_column(sa.ForeignKey("scenarios.id"))
    title: Mapped[str] = mapped_column(sa.String(200))
    transcript_md: Mapped[str] = mapped_column(sa.Text)
    #: {criterion key: level}
    reference_levels: Mapped[dict[str, int]] = mapped_column(sa.JSON)
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    rubric: Mapped[Rubric] = relationship()
    scenario: Mapped[Scenario | None] = relationship()

    def __repr__(self) -> str:
        return f"<CalibrationExemplar {self.id} {self.title!r}>"


class CalibrationGrade(db.Model):
    __tablename__ = "calibration_grades"
    __table_args__ = (sa.UniqueConstraint("exemplar_id", "grader_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    exemplar_id: Mapped[int] = mapped_column(sa.ForeignKey("calibration_exemplars.id"), index=True)
    grader_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    levels: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    exemplar: Mapped[CalibrationExemplar] = relationship()
    grader: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<CalibrationGrade exemplar={self.exemplar_id} grader={self.grader_id}>"
