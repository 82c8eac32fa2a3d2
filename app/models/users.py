"""People: accounts, roles, supervisor assignments and one-time auth tokens."""

from __future__ import annotations

import enum
from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app.db import UTCDateTime, enum_column, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.models.orgs import Organization


class Role(enum.StrEnum):
    TRAINEE = "trainee"
    INSTRUCTOR = "instructor"
    SUPERVISOR = "supervisor"
    ORG_ADMIN = "org_admin"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return {
            "trainee": "Trainee",
            "instructor": "Instructor",
            "supervisor": "Supervisor",
            "org_admin": "Organization admin",
            "admin": "Platform admin",
        }[self.value]


class User(db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased; unique case-insensitively by construction
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role), index=True)
    organization_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organizations.id"), index=True
    )
    is_active: Mapped[bool] = mapped_column(default=True)
    #: bumped on logout-everywhere, password change and deactivation: ends other sessions
    session_version: Mapped[int] = mapped_column(default=1)
    timezone: Mapped[str] = mapped_column(sa.String(64), default="America/New_York")
    #: part of the private calendar feed URL; bumping it revokes the old URL
    calendar_feed_version: Mapped[int] = mapped_column(default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: the person asked for their personal data to be erased (from their "Your data" page); an admin processes it
    erasure_requested_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: their personal data was erased (app/privacy/erasure.py): this row keeps only a pseudonym
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organization: Mapped[Organization | None] = relationship(back_populates="members")

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email} {self.role}>"

    # Flask-Login protocol -------------------------------------------------
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        # The session version is part of the id, so bumping it logs out every
        # session that was started before.
        return f"{self.id}:{self.session_version}"

    # Passwords ------------------------------------------------------------
    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return bool(self.password_hash) and check_password_hash(self.password_hash, password)

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None

    def end_other_sessions(self) -> None:
        self.session_version += 1

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name else self.email


class SupervisorAssignment(db.Model):
    """A supervisor attached to a trainee (a trainee may have more than one)."""

    __tablename__ = "supervisor_assignments"
    __table_args__ = (sa.UniqueConstraint("trainee_id", "supervisor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    supervisor_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    assigned_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    trainee: Mapped[User] = relationship(foreign_keys=[trainee_id])
    supervisor: Mapped[User] = relationship(foreign_keys=[supervisor_id])

    def __repr__(self) -> str:
        return f"<SupervisorAssignment trainee={self.trainee_id} supervisor={self.supervisor_id}>"


class TokenPurpose(enum.StrEnum):
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password
    INVITATION = "invitation"


class AuthToken(db.Model):
    """A single-use, expiring link token. Only its SHA-256 is stored."""

    __tablename__ = "auth_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose))
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<AuthToken {self.id} {self.purpose} user={self.user_id}>"
