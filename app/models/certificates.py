"""Certificates of completion, their sign-offs and the trainee's code-of-conduct signature."""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db
from app.models.curriculum import Course
from app.models.orgs import Cohort
from app.models.users import User


class CertificateStatus(enum.StrEnum):
    ACTIVE = "active"
    SUSPENDED = "suspended"
    REVOKED = "revoked"


class Certificate(db.Model):
    __tablename__ = "certificates"

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(sa.String(36), unique=True)
    #: PREFIX-YEAR-XXXX-XXXX, random (certificates issued before: PREFIX-YEAR-NNNNNN, from the id)
    serial: Mapped[str | None] = mapped_column(sa.String(32), unique=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"))
    course_version: Mapped[str] = mapped_column(sa.String(40))
    #: "<user>:<course>:<version>" while the certificate is not revoked, NULL after:
    #: the unique constraint allows one standing certificate per trainee and course version
    active_key: Mapped[str | None] = mapped_column(sa.String(120), unique=True)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    valid_until: Mapped[date] = mapped_column(sa.Date)
    status: Mapped[CertificateStatus] = mapped_column(enum_column(CertificateStatus),
                                                      default=CertificateStatus.ACTIVE)
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    status_reason: Mapped[str | None] = mapped_column(sa.Text)
    #: hours, competencies and dates as they stood at issuance
    snapshot: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: the signed Open Badges 3.0 credential (JWT) and the key that signed it
    credential_jwt: Mapped[str | None] = mapped_column(sa.Text)
    key_id: Mapped[str | None] = mapped_column(sa.String(200))

    user: Mapped[User] = relationship()
    cohort: Mapped[Cohort] = relationship()
    course: Mapped[Course] = relationship()

    @property
    def status_index(self) -> int:
        return self.id

    def state_on(self, day: date) -> str:
        if self.status is not CertificateStatus.ACTIVE:
            return self.status.value
        return "expired" if day > self.valid_until else "active"

    def __repr__(self) -> str:
        return f"<Certificate {self.serial} user={self.user_id} {self.status}>"


class ConductSignature(db.Model):
    """The trainee signed the code of conduct and confidentiality attestation for a course."""

    __tablename__ = "conduct_signatures"
    __table_args__ = (sa.UniqueConstraint("user_id", "course_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("courses.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class FinalSignoff(db.Model):
    """The program director (an admin or the cohort's lead instructor) approved the trainee."""

    __tablename__ = "final_signoffs"
    __table_args__ = (sa.UniqueConstraint("user_id", "cohort_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    signed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    signed_by: Mapped[User] = relationship(foreign_keys=[signed_by_id])


class TranscriptShare(db.Model):
    """A trainee's consent to show one cohort's transcript to someone (an employer) until a date.

    The link's token is shown once and only its SHA-256 is kept; the trainee can withdraw it.
    """

    __tablename__ = "transcript_shares"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id"))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    recipient: Mapped[str] = mapped_column(sa.String(200))
    #: set when the consent is for the trainee's organization, which reads it through the partner API
    organization_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()
    cohort: Mapped[Cohort] = relationship()

    def open_at(self, moment: datetime) -> bool:
        return self.revoked_at is None and moment < self.expires_at
