"""The outbox: every email is a row, written in the transaction of its event."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.db import UTCDateTime, utcnow
from app.extensions import db


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(sa.String(254), index=True)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    #: a temporary failure waits until then (backoff)
    next_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: a worker that claimed the message owns it until then; an expired claim (a killed worker) frees it
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: given up: a permanent refusal, or the maximum number of attempts; admins see these
    dead_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    #: extra headers, e.g. List-Unsubscribe on digests
    headers: Mapped[dict[str, str] | None] = mapped_column(sa.JSON)

    def __repr__(self) -> str:
        return f"<OutboxMessage {self.id} to={self.to_address} sent={bool(self.sent_at)}>"


class MailSuppression(db.Model):
    """An address whose mail server refused it for good (a hard bounce): nothing more is sent there until an
    admin removes it (the person fixed their address, say)."""

    __tablename__ = "mail_suppressions"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: lower-cased
    address: Mapped[str] = mapped_column(sa.String(254), unique=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
