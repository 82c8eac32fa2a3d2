"""Supervised practice: supervisor credentials and the supervision sessions trainees log."""

from __future__ import annotations

import enum
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.models.users import User

if TYPE_CHECKING:
    from app.models.orgs import Cohort


class CredentialType(enum.StrEnum):
    LICSW = "LICSW"
    LMHC = "LMHC"
    LMFT = "LMFT"
    PSYCHOLOGIST = "psychologist"
    PSYCHIATRIST = "psychiatrist"
    PMH_RN = "PMH-RN"
    PEER_SUPERVISOR = "certified peer supervisor"


class SupervisorCredential(db.Model):
    """A supervisor's license. Editing it clears verification; approvals keep a snapshot."""

    __tablename__ = "supervisor_credentials"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    credential_type: Mapped[CredentialType] = mapped_column(enum_column(CredentialType, 40))
    license_number: Mapped[str] = mapped_column(sa.String(60))
    state: Mapped[str] = mapped_column(sa.String(2))
    expires_on: Mapped[date] = mapped_column(sa.Date)
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    def valid_on(self, day: date) -> bool:
        return self.verified_at is not None and self.expires_on >= day

    def snapshot(self) -> dict[str, Any]:
        return {"type": self.credential_type.value, "license_number": self.license_number, "state": self.state,
                "expires_on": self.expires_on.isoformat(),
                "verified_at": self.verified_at.isoformat() if self.verified_at else None}

    def __repr__(self) -> str:
        return f"<SupervisorCredential user={self.user_id} {self.credential_type} {self.state}>"


class SupervisionType(enum.StrEnum):
    INDIVIDUAL = "individual"
    TRIADIC = "triadic"
    GROUP = "group"
    LIVE_OBSERVATION = "live_observation"
    RECORDED_REVIEW = "recorded_review"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class DeliveryMode(enum.StrEnum):
    IN_PERSON = "in_person"
    VIDEO = "video"
    PHONE = "phone"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ").capitalize()


class SessionStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    RETURNED = "returned"
    APPROVED = "approved"
    #: a group session the supervisor created and signed; the attendee has to confirm it
    TO_CONFIRM = "to_confirm"
    DECLINED = "declined"


TOPICS = {
    "case_review": "Case review",
    "skill_practice": "Skill practice",
    "ethics_boundaries": "Ethics and boundaries",
    "safety_risk": "Safety and risk",
    "cultural_humility": "Cultural humility",
    "documentation": "Documentation",
    "care_team": "Care team",
    "self_care": "Self-care",
    "closure": "Closure",
    "admin": "Administrative",
}


class SupervisionSession(db.Model):
    __tablename__ = "supervision_sessions"
    __table_args__ = (
        sa.UniqueConstraint("trainee_id", "supervisor_id", "session_date", "start_time", "revision"),
        sa.CheckConstraint("duration_minutes > 0", name="duration_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: the enrollment (cohort) whose program these hours count for
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    #: one of the program's hour categories (course.toml [[supervision.categories]]), where it has them
    category: Mapped[str | None] = mapped_column(sa.String(80))
    session_date: Mapped[date] = mapped_column(sa.Date)
    start_time: Mapped[time] = mapped_column(sa.Time)
    duration_minutes: Mapped[int]
    supervision_type: Mapped[SupervisionType] = mapped_column(enum_column(SupervisionType))
    delivery_mode: Mapped[DeliveryMode] = mapped_column(enum_column(DeliveryMode))
    topics: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    action_items: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[SessionStatus] = mapped_column(enum_column(SessionStatus), default=SessionStatus.DRAFT,
                                                  index=True)
    attested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    returned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    return_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: electronic signature: who signed (the supervisor), when, and a hash of the record as signed
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    signature_hash: Mapped[str | None] = mapped_column(sa.String(64))
    credential_snapshot: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: corrections: an amendment points at the record it corrects; 0 for originals
    amends_id: Mapped[int | None] = mapped_column(sa.ForeignKey("supervision_sessions.id"))
    #: rows of one group session created by the supervisor share this key
    group_key: Mapped[str | None] = mapped_column(sa.String(36), index=True)
    revision: Mapped[int] = mapped_column(default=0)
    superseded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])
    amends: Mapped[SupervisionSession | None] = relationship(remote_side=[id])
    cohort: Mapped[Cohort | None] = relationship("Cohort")

    @property
    def is_locked(self) -> bool:
        return self.status is SessionStatus.APPROVED

    @property
    def is_editable(self) -> bool:
        return self.status in (SessionStatus.DRAFT, SessionStatus.RETURNED)

    def __repr__(self) -> str:
        return f"<SupervisionSession {self.id} trainee={self.trainee_id} {self.session_date} {self.status}>"


class HoursStatement(db.Model):
    """A downloaded hours statement, kept so that its reference can be verified later."""

    __tablename__ = "hours_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    reference: Mapped[str] = mapped_column(sa.String(24), unique=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: hours by category and the number of sessions, as stated on the document
    totals: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)

    trainee: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<HoursStatement {self.reference}>"
