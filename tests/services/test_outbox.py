"""The outbox against a real SMTP server (aiosmtpd on 127.0.0.1): each mail exactly once, whatever happens.

Overlapping workers, a worker killed mid-batch, refused recipients at the head of the queue, temporary
failures up to the maximum, and an SMTP outage.
"""

from __future__ import annotations

import socket
import threading
from datetime import timedelta
from email import message_from_bytes

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app.db import utcnow
from app.extensions import db as _db
from app.mailer import deliver_pending
from app.models import OutboxMessage
from tests import factories


class Recorder:
    """Accepts mail, refuses addresses with 'refused' (550) and delays those with 'later' (451)."""

    def __init__(self):
        self.received: list = []
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802 (aiosmtpd's name)
        if "refused" in address:
            return "550 5.1.1 No such user here"
        if "later" in address:
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.received.append((envelope.rcpt_tos[0], message_from_bytes(envelope.content)))
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp(app):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_BACKEND", "SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS")}
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=controller.port, SMTP_STARTTLS=False)
    yield recorder
    controller.stop()
    app.config.update(saved)


def _queue(n: int, to: str = "person{}@example.org") -> list[int]:
    ids = [factories.make_outbox(to_address=to.format(i), subject=f"Mail {i}").id for i in range(n)]
    _db.session.commit()
    return ids


def test_each_mail_once_with_date_and_message_id(app, db, smtp):
    _queue(5)
    result = deliver_pending(app.config)
    assert (result.sent, result.dead, result.stopped) == (5, 0, "")
    assert sorted(to for to, _ in smtp.received) == [f"person{i}@example.org" for i in range(5)]
    _, first = smtp.received[0]
    assert first["Date"] and first["Message-ID"].startswith("<") and first["From"].endswith("<no-reply@localhost>")
    assert deliver_pending(app.config).sent == 0  # nothing twice


def test_overlapping_workers_never_send_a_mail_twice(app, db, smtp):
    _queue(30)
    barrier = threading.Barrier(2)

    def worker():
        with app.app_context():
            barrier.wait(timeout=10)
            deliver_pending(app.config)
            _db.session.remove()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    addresses = [to for to, _ in smtp.received]
    assert len(addresses) == 30 and len(set(addresses)) == 30
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxMessage)
                             .where(OutboxMessage.sent_at.is_(None))) == 0


def test_a_killed_workers_claim_expires_and_the_mail_goes_once(app, db, smtp):
    (mid,) = _queue(1)
    msg = db.session.get(OutboxMessage, mid)
    msg.claimed_until, msg.attempts = utcnow() + timedelta(minutes=10), 1  # claimed, then the worker died
    db.session.commit()
    assert deliver_pending(app.config).sent == 0 and smtp.received == []
    assert deliver_pending(app.config, now=utcnow() + timedelta(minutes=11)).sent == 1
    assert len(smtp.received) == 1


def test_refused_recipients_become_dead_letters_and_block_nothing(app, db, smtp):
    _queue(3, "refused{}@example.org")
    _queue(10)
    result = deliver_pending(app.config)
    assert (result.sent, result.dead) == (10, 3)
    dead = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.dead_at.is_not(None))).all()
    assert {m.to_address for m in dead} == {f"refused{i}@example.org" for i in range(3)}
    assert all("No such user" in m.last_error for m in dead)


def test_temporary_failures_back_off_then_die_at_the_maximum(app, db, smtp):
    (mid,) = _queue(1, "later{}@example.org")
    now = utcnow()
    first = deliver_pending(app.config, now=now)
    assert first.retrying == 1
    msg = db.session.get(OutboxMessage, mid)
    db.session.refresh(msg)
    assert msg.next_attempt_at > now and msg.dead_at is None
    assert deliver_pending(app.config, now=now).retrying == 0  # not due yet
    for hours in range(1, app.config["MAIL_MAX_ATTEMPTS"] * 7):
        deliver_pending(app.config, now=now + timedelta(hours=hours))
    db.session.refresh(msg)
    assert msg.dead_at is not None and msg.attempts == app.config["MAIL_MAX_ATTEMPTS"]


def test_an_smtp_outage_loses_nothing_and_says_so(app, db, runner):
    _queue(3)
    port = _free_port()  # nothing listens here
    saved = {k: app.config.get(k) for k in ("MAIL_BACKEND", "SMTP_HOST", "SMTP_PORT", "SMTP_STARTTLS")}
    app.config.update(MAIL_BACKEND="smtp", SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_STARTTLS=False)
    try:
        result = runner.invoke(args=["mail", "send"])
    finally:
        app.config.update(saved)
    assert result.exit_code == 1
    assert "Stopped early: the SMTP server is unavailable" in result.output
    assert "Traceback" not in result.output
    db.session.expire_all()
    rows = db.session.scalars(sa.select(OutboxMessage)).all()
    assert all(m.sent_at is None and m.dead_at is None and m.attempts == 0 for m in rows)
    assert any("SMTP unavailable" in (m.last_error or "") for m in rows)


def test_each_mail_has_a_plain_and_an_html_part_and_its_own_headers(app, db, smtp):
    factories.make_outbox(to_address="p@example.org", subject="Digest",
                          body="Hello <Pat>,\n\nRead it at https://example.org/posts/7.\n\nThanks",
                          headers={"List-Unsubscribe": "<https://example.org/account/notifications>"})
    db.session.commit()
    assert deliver_pending(app.config).sent == 1
    (_, email), = smtp.received
    assert email.is_multipart() and email.get_content_type() == "multipart/alternative"
    plain, rich = email.get_payload()
    assert plain.get_content_type() == "text/plain" and "Hello <Pat>," in plain.get_payload(decode=True).decode()
    html = rich.get_payload(decode=True).decode()
    assert rich.get_content_type() == "text/html" and "Hello &lt;Pat&gt;," in html  # escaped, never markup
    assert '<a href="https://example.org/posts/7">https://example.org/posts/7</a>.' in html
    assert email["List-Unsubscribe"] == "<https://example.org/account/notifications>"


def test_a_hard_bounce_suppresses_the_address_until_an_admin_lifts_it(app, db, smtp):
    from app.models import MailSuppression

    _queue(1, "refused{}@Example.ORG")
    assert deliver_pending(app.config).dead == 1
    (row,) = db.session.scalars(sa.select(MailSuppression)).all()
    assert row.address == "refused0@example.org" and "No such user" in row.reason
    # later mail to that address is not offered to the server at all
    factories.make_outbox(to_address="refused0@example.org", subject="Your certificate")
    _queue(1, "later{}@example.org")  # a temporary refusal never suppresses
    _db.session.commit()
    result = deliver_pending(app.config)
    assert result.dead == 1 and result.retrying == 1 and smtp.received == []
    blocked = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.subject == "Your certificate"))
    assert blocked.dead_at is not None and "bounced for good" in blocked.last_error
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailSuppression)) == 1
