"""Queue mail in the outbox (same transaction as the event) and deliver it."""

from __future__ import annotations

import smtplib
import sys
from email.message import EmailMessage

import sqlalchemy as sa

from app.db import utcnow
from app.extensions import db
from app.models import OutboxMessage


def queue_mail(*, to: str, subject: str, body: str, backend: str) -> OutboxMessage:
    msg = OutboxMessage(to_address=to, subject=subject, body=body)
    db.session.add(msg)
    if backend == "console":
        _print(msg)
        msg.sent_at = utcnow()
        msg.attempts = 1
    db.session.flush()
    return msg


def _print(msg: OutboxMessage) -> None:
    print(f"\n--- mail to {msg.to_address}: {msg.subject}\n{msg.body}\n---", file=sys.stderr)


def deliver_pending(config: dict, *, limit: int = 100) -> tuple[int, int]:
    """Send up to `limit` unsent messages by SMTP. Returns (sent, failed)."""
    pending = db.session.scalars(
        sa.select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))
        .order_by(OutboxMessage.id).limit(limit)
    ).all()
    if not pending:
        return 0, 0
    sent = failed = 0
    if config.get("MAIL_BACKEND") == "console" or not config.get("SMTP_HOST"):
        for msg in pending:
            _print(msg)
            msg.sent_at, msg.attempts = utcnow(), msg.attempts + 1
        return len(pending), 0
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30) as smtp:
        if config.get("SMTP_STARTTLS"):
            smtp.starttls()
        if config.get("SMTP_USERNAME"):
            smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
        for msg in pending:
            email = EmailMessage()
            email["From"], email["To"], email["Subject"] = config["MAIL_FROM"], msg.to_address, msg.subject
            email.set_content(msg.body)
            msg.attempts += 1
            try:
                smtp.send_message(email)
            except smtplib.SMTPException as exc:
                msg.last_error = str(exc)[:2000]
                failed += 1
            else:
                msg.sent_at, msg.last_error = utcnow(), None
                sent += 1
    return sent, failed
