"""Notifications about events other than discussions: a session waiting for sign-off, a session approved or
returned, a grade released, a certificate issued, a request to talk. One row per (recipient, event, object)."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.db import UTCDateTime, utcnow
from app.extensions import db

if TYPE_CHECKING:
    from app.models.users import User


class EventNotice(db.Model):
    __tablename__ = "event_notices"
    #: the same event about the same object reaches a person once, however often it is triggered
    __table_args__ = (sa.UniqueConstraint("user_id", "event_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: what happened: "supervision.submitted", "roleplay.released"... (app/notices.py lists them)
    kind: Mapped[str] = mapped_column(sa.String(40))
    #: kind, object and occurrence, e.g. "supervision.submitted:17:2026-11-28T10:00:00+00:00"
    event_key: Mapped[str] = mapped_column(sa.String(160))
    #: who caused it, named at display time (so an erased person's pseudonym shows, never their old name)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: what happened, without anyone's name: "submitted a supervision session for your sign-off"
    message: Mapped[str] = mapped_column(sa.String(300))
    #: where to act on it, a path inside the platform
    path: Mapped[str] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: set once it went out by email, alone or in a digest
    emailed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])

    def __repr__(self) -> str:
        return f"<EventNotice {self.id} {self.kind} user={self.user_id}>"
