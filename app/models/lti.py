"""LTI 1.3: the partners' LMS registrations, the people and links they launch, and nonces already used."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.models.orgs import Cohort, Organization
    from app.models.users import User


class LtiPlatform(db.Model):
    """One LMS registration (issuer + client id) of one partner organization."""

    __tablename__ = "lti_platforms"
    __table_args__ = (sa.UniqueConstraint("issuer", "client_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(sa.ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    issuer: Mapped[str] = mapped_column(sa.String(255))
    client_id: Mapped[str] = mapped_column(sa.String(255))
    #: the deployment ids the platform may launch with (a JSON list of strings)
    deployment_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    auth_login_url: Mapped[str] = mapped_column(sa.String(500))
    auth_token_url: Mapped[str] = mapped_column(sa.String(500))
    key_set_url: Mapped[str] = mapped_column(sa.String(500))
    #: the LMS's own address, where its course pages (and so the iframe) are, when it differs from the issuer's
    #: (Canvas cloud: the issuer is canvas.instructure.com, pages are on the customer's domain)
    lms_url: Mapped[str | None] = mapped_column(sa.String(500))
    #: whether the LMS's Instructor role makes an instructor of the linked cohort (else such launches are refused)
    allow_instructors: Mapped[bool] = mapped_column(default=False)
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    organization: Mapped[Organization] = relationship()

    def __repr__(self) -> str:
        return f"<LtiPlatform {self.id} {self.issuer} {self.client_id}>"


class LtiIdentity(db.Model):
    """A person as an LMS knows them: (issuer, subject) -> one account. Never matched by email."""

    __tablename__ = "lti_identities"
    __table_args__ = (sa.UniqueConstraint("issuer", "subject"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey("lti_platforms.id"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(255))
    subject: Mapped[str] = mapped_column(sa.String(255))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    user: Mapped[User] = relationship()


class LtiResourceLink(db.Model):
    """A placement of the tool in an LMS course, and the cohort it opens (set by the first instructor)."""

    __tablename__ = "lti_resource_links"
    __table_args__ = (sa.UniqueConstraint("platform_id", "resource_link_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    platform_id: Mapped[int] = mapped_column(sa.ForeignKey("lti_platforms.id"), index=True)
    resource_link_id: Mapped[str] = mapped_column(sa.String(255))
    title: Mapped[str] = mapped_column(sa.String(255), default="")
    cohort_id: Mapped[int | None] = mapped_column(sa.ForeignKey("cohorts.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    platform: Mapped[LtiPlatform] = relationship()
    cohort: Mapped[Cohort | None] = relationship()


class LtiNonce(db.Model):
    """An id_token nonce already accepted: the same token posted again is a replay."""

    __tablename__ = "lti_nonces"
    __table_args__ = (sa.UniqueConstraint("issuer", "nonce"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    issuer: Mapped[str] = mapped_column(sa.String(255))
    nonce: Mapped[str] = mapped_column(sa.String(255))
    used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
