"""Queue mail in the outbox (same transaction as the event) and deliver it."""

from __future__ import annotations

import contextlib
import html
import re
import smtplib
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid, parseaddr

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.db import utcnow
from app.extensions import db
from app.models import MailSuppression, OutboxMessage
from app.privacy.registry import ERASED_DOMAIN


def queue_mail(*, to: str, subject: str, body: str, backend: str,
               headers: dict[str, str] | None = None) -> OutboxMessage:
    msg = OutboxMessage(to_address=to, subject=subject, body=body, headers=headers or None)
    if to.lower().endswith("@" + ERASED_DOMAIN):
        return msg  # an erased person's pseudonym: there is nobody to write to, and nothing is kept
    db.session.add(msg)
    if backend == "console":
        _print(msg)
        msg.sent_at = utcnow()
        msg.attempts = 1
    db.session.flush()
    return msg


def _print(msg: OutboxMessage) -> None:
    print(f"\n--- mail to {msg.to_address}: {msg.subject}\n{msg.body}\n---", file=sys.stderr)


CLAIM_MINUTES = 10


@dataclass
class Delivery:
    sent: int = 0
    retrying: int = 0
    dead: int = 0
    stopped: str = ""  # why the run stopped early (the SMTP server is unreachable), if it did


def _backoff(attempts: int) -> timedelta:
    """2, 4, 8 ... minutes after each temporary failure, at most six hours."""
    return timedelta(minutes=min(2 ** attempts, 360))


def _claim(now: datetime) -> OutboxMessage | None:
    """Take the oldest message that is due and unclaimed, in one conditional UPDATE, and commit the claim,
    so an overlapping worker never takes the same message."""
    free = sa.or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now)
    due = sa.or_(OutboxMessage.next_attempt_at.is_(None), OutboxMessage.next_attempt_at <= now)
    open_ = sa.and_(OutboxMessage.sent_at.is_(None), OutboxMessage.dead_at.is_(None), free, due)
    for mid in db.session.scalars(sa.select(OutboxMessage.id).where(open_).order_by(OutboxMessage.id).limit(20)):
        taken = db.session.execute(
            sa.update(OutboxMessage).where(OutboxMessage.id == mid, open_)
            .values(claimed_until=now + timedelta(minutes=CLAIM_MINUTES), attempts=OutboxMessage.attempts + 1)
            .execution_options(synchronize_session=False)).rowcount
        db.session.commit()
        if taken:
            return db.session.get(OutboxMessage, mid, populate_existing=True)
    return None


URL = re.compile(r"https?://[^\s<>\"']+[^\s<>\"'.,;:!?)]")


def html_of(text: str) -> str:
    """The plain text as simple HTML: paragraphs, line breaks, and links made clickable; nothing else."""
    paragraphs = [p for p in re.split(r"\n\s*\n", text.strip()) if p.strip()]
    rendered = []
    for p in paragraphs:
        escaped = html.escape(p)
        linked = URL.sub(lambda m: f'<a href="{m.group(0)}">{m.group(0)}</a>', escaped)
        rendered.append("<p>" + linked.replace("\n", "<br>\n") + "</p>")
    return ('<!doctype html><html><body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">\n'
            + "\n".join(rendered) + "\n</body></html>")


def build_email(msg: OutboxMessage, config: dict) -> EmailMessage:
    """The message with `Date`, a `Message-ID`, a plain-text part and an HTML alternative, and its extra
    headers (List-Unsubscribe on digests)."""
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = config["MAIL_FROM"], msg.to_address, msg.subject
    email["Date"] = formatdate(localtime=False)
    domain = parseaddr(config["MAIL_FROM"])[1].rpartition("@")[2] or "localhost"
    email["Message-ID"] = make_msgid(idstring=f"outbox-{msg.id}", domain=domain)
    for name, value in (msg.headers or {}).items():
        email[name] = value
    email.set_content(msg.body)
    email.add_alternative(html_of(msg.body), subtype="html")
    return email


def _suppressed(address: str) -> MailSuppression | None:
    return db.session.scalar(sa.select(MailSuppression).where(MailSuppression.address == address.strip().lower()))


def _suppress(address: str, reason: str) -> None:
    """Remember a hard bounce; a concurrent worker recording the same address is not an error."""
    try:
        with db.session.begin_nested():
            db.session.add(MailSuppression(address=address.strip().lower(), reason=reason[:2000]))
    except IntegrityError:
        pass


def deliver_pending(config: dict, *, limit: int = 100, now: datetime | None = None) -> Delivery:
    """Deliver due mail one message at a time: claim it, send it, commit the outcome. A permanent refusal
    or the last allowed attempt makes a dead letter; a temporary failure waits with backoff; an
    unreachable server ends the run with the claim released. A message is never sent by two workers."""
    result = Delivery()
    max_attempts = int(config.get("MAIL_MAX_ATTEMPTS", 8))
    console = config.get("MAIL_BACKEND") == "console" or not config.get("SMTP_HOST")
    smtp = None
    try:
        for _ in range(limit):
            now_ = now or utcnow()
            msg = _claim(now_)
            if msg is None:
                break
            blocked = None if console else _suppressed(msg.to_address)
            if blocked is not None:
                msg.dead_at, msg.claimed_until = now_, None
                msg.last_error = (f"Not sent: this address bounced for good on {blocked.created_at:%Y-%m-%d} "
                                  f"({blocked.reason})")[:2000]
                db.session.commit()
                result.dead += 1
                continue
            if console:
                _print(msg)
                msg.sent_at, msg.claimed_until = now_, None
                db.session.commit()
                result.sent += 1
                continue
            try:
                if smtp is None:
                    smtp = _connect(config)
                smtp.send_message(build_email(msg, config))
            except (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError) as exc:
                code = _code(exc)
                msg.last_error, msg.claimed_until = str(exc)[:2000], None
                if code >= 500 or msg.attempts >= max_attempts:
                    msg.dead_at = now_
                    result.dead += 1
                    if code >= 500 and isinstance(exc, smtplib.SMTPRecipientsRefused):
                        _suppress(msg.to_address, str(exc))
                else:
                    msg.next_attempt_at = now_ + _backoff(msg.attempts)
                    result.retrying += 1
            except (OSError, smtplib.SMTPException) as exc:
                # the server is down or dropped us: give the attempt back and stop this run
                msg.attempts -= 1
                msg.last_error, msg.claimed_until = f"SMTP unavailable: {exc}"[:2000], None
                msg.next_attempt_at = now_ + _backoff(1)
                db.session.commit()
                result.stopped = f"the SMTP server is unavailable ({exc.__class__.__name__}: {exc})"
                smtp = None
                break
            else:
                msg.sent_at, msg.last_error, msg.claimed_until = now_, None, None
                result.sent += 1
            db.session.commit()
    finally:
        if smtp is not None:
            with contextlib.suppress(OSError, smtplib.SMTPException):
                smtp.quit()
    return result


def _connect(config: dict) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=30)
    if config.get("SMTP_STARTTLS"):
        smtp.starttls()
    if config.get("SMTP_USERNAME"):
        smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
    return smtp


def _code(exc: smtplib.SMTPException) -> int:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return min((code for code, _ in exc.recipients.values()), default=550)
    return int(getattr(exc, "smtp_code", 550) or 550)
