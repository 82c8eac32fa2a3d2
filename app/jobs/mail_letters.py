"""The outbox as admins see it: what waits, what is being retried, and dead letters to send again."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app import audit
from app.db import utcnow
from app.extensions import db
from app.models import MailSuppression, OutboxMessage, User


@dataclass(frozen=True)
class MailCounts:
    waiting: int
    retrying: int
    dead: int


def counts() -> MailCounts:
    unsent = sa.and_(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None))
    row = db.session.execute(sa.select(
        sa.func.count().filter(unsent, OutboxMessage.attempts == 0),
        sa.func.count().filter(unsent, OutboxMessage.attempts > 0),
        sa.func.count().filter(OutboxMessage.dead_at.is_not(None)))).one()
    return MailCounts(*row)


def dead_letters(limit: int = 50) -> list[OutboxMessage]:
    return list(db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.dead_at.is_not(None))
                                   .order_by(OutboxMessage.dead_at.desc(), OutboxMessage.id.desc()).limit(limit)))


def send_again(actor: User, ip: str | None = None) -> int:
    """Put every dead letter back in the queue with fresh attempts (after the cause is fixed); audited."""
    ids = list(db.session.scalars(sa.select(OutboxMessage.id).where(OutboxMessage.dead_at.is_not(None))))
    if ids:
        db.session.execute(sa.update(OutboxMessage).where(OutboxMessage.id.in_(ids), OutboxMessage.dead_at.is_not(None))
                           .values(dead_at=None, attempts=0, next_attempt_at=utcnow(), claimed_until=None))
        first = db.session.get(OutboxMessage, ids[0])
        audit.record("mail.dead_letters_requeued", first, actor=actor, ip=ip,
                     after={"messages": len(ids), "ids": ids[:200]})
    return len(ids)


def suppressions(limit: int = 100) -> list[MailSuppression]:
    return list(db.session.scalars(sa.select(MailSuppression).order_by(MailSuppression.created_at.desc(),
                                                                        MailSuppression.id.desc()).limit(limit)))


def lift(suppression: MailSuppression, actor: User, ip: str | None = None) -> None:
    """Mail may go to this address again (its owner fixed it); audited."""
    audit.record("mail.suppression_lifted", suppression, actor=actor, ip=ip,
                 before={"address": suppression.address, "reason": suppression.reason})
    db.session.delete(suppression)
