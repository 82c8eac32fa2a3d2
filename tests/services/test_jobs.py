"""Background jobs on a real queue: `flask jobs worker` processes (real subprocesses) on the embedded SQLite
queue and on Redis deliver queued mail through a real SMTP server exactly once, even with two workers at
once; every run is recorded, failures and dead letters are on the admins' Jobs page."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.jobs import JOBS, Job
from app.jobs.queue import make_huey
from app.jobs.record import run_recorded
from app.models import AuditEvent, JobRun, OutboxMessage, Role
from tests import factories
from tests.conftest import csrf_token, login
from tests.services.test_outbox import smtp  # noqa: F401 - the SMTP server fixture

ROOT = Path(__file__).resolve().parents[2]
REDIS = "redis://127.0.0.1:6379/14"


def redis_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.fixture(params=["sqlite", "redis"])
def jobs_url(request, app, tmp_path):
    if request.param == "redis":
        if not redis_up():
            if os.environ.get("CI"):
                pytest.fail("Redis is not running on 127.0.0.1:6379, and CI must test the queue on it")
            pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")
        import redis

        redis.Redis.from_url(REDIS).flushdb()
        url = REDIS
    else:
        url = f"sqlite:///{tmp_path / 'jobs.db'}"
    before = app.config["JOBS_URL"]
    app.config["JOBS_URL"] = url
    app.extensions.pop("huey", None)
    yield url
    app.config["JOBS_URL"] = before
    app.extensions.pop("huey", None)


def start_worker(app, jobs_url: str, database_url: str) -> subprocess.Popen:
    env = {**os.environ, "APP_ENV": "testing", "TEST_DATABASE_URL": database_url, "JOBS_URL": jobs_url,
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(app.config["SMTP_PORT"]), "SMTP_STARTTLS": "0"}
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "jobs", "worker", "--workers", "1"],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


def stop(workers: list[subprocess.Popen]) -> str:
    out = []
    for w in workers:
        w.terminate()
        try:
            out.append(w.communicate(timeout=20)[0])
        except subprocess.TimeoutExpired:
            w.kill()
            out.append(w.communicate()[0])
    return "\n".join(out)


def wait_for(condition, seconds: float = 60) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def test_workers_deliver_each_mail_exactly_once(app, db, smtp, jobs_url, database_url):  # noqa: F811
    for n in range(12):
        factories.make_outbox(to_address=f"person{n}@example.org", subject=f"Message {n}")
    db.session.commit()
    workers = [start_worker(app, jobs_url, database_url) for _ in range(2)]
    try:
        huey = make_huey(app)
        for _ in range(3):  # three runs asked for at once, two workers: the lock lets one work at a time
            huey.tasks["mail"](trigger="admin")
        delivered = wait_for(lambda: len(smtp.received) >= 12)
        time.sleep(1.5)  # anything sent twice would arrive now
    finally:
        output = stop(workers)
    assert delivered, output[-3000:]
    assert sorted(to for to, _ in smtp.received) == sorted(f"person{n}@example.org" for n in range(12))
    db.session.expire_all()
    assert all(m.sent_at is not None for m in db.session.scalars(sa.select(OutboxMessage)))
    runs = db.session.scalars(sa.select(JobRun).where(JobRun.job == "mail")).all()
    assert {r.status for r in runs} <= {"ok", "skipped"} and any(r.status == "ok" for r in runs)
    assert sum(int(r.summary.split()[0]) for r in runs if r.status == "ok") == 12  # "12 sent, ..." in all


def test_a_failing_job_is_retried_then_marked_failed_and_shown_to_admins(app, db):
    def broken(_app):
        raise RuntimeError("the mail server certificate expired")

    job = Job("mail", "Deliver queued mail", "every minute", {"minute": "*"}, broken)
    with pytest.raises(RuntimeError):
        run_recorded(app, job, retries_left=2)
    with pytest.raises(RuntimeError):
        run_recorded(app, job, retries_left=0)
    statuses = db.session.scalars(sa.select(JobRun.status).order_by(JobRun.id)).all()
    assert statuses == ["retrying", "failed"]

    assert run_recorded(app, JOBS["certificates"], trigger="command") == "0 certificate(s) issued"
    dead = factories.make_outbox(to_address="nobody@example.org", subject="Your invitation", attempts=8,
                                 dead_at=utcnow(), last_error="550 5.1.1 No such user here")
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    client = app.test_client()
    assert login(client, admin).status_code == 302
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "the mail server certificate expired" in page and "0 certificate(s) issued" in page
    assert "nobody@example.org" in page and "550 5.1.1 No such user here" in page
    assert "No job has run" not in page  # runs were just recorded

    done = client.post("/admin/jobs/mail/send-again", data={"csrf_token": csrf_token(client, "/admin/jobs")},
                       follow_redirects=True).get_data(as_text=True)
    assert "1 message put back in the queue." in done
    db.session.expire_all()
    again = db.session.get(OutboxMessage, dead.id)
    assert again.dead_at is None and again.attempts == 0
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "mail.dead_letters_requeued"))
    assert client.post("/admin/jobs/mail/send-again").status_code == 400  # no CSRF token
    trainee = factories.make_user(Role.TRAINEE)
    db.session.commit()
    other = app.test_client()
    assert login(other, trainee).status_code == 302
    assert other.get("/admin/jobs").status_code in (403, 404)


def test_run_now_with_no_queue_reachable_says_so(app, db):
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    client = app.test_client()
    assert login(client, admin).status_code == 302
    before = app.config["JOBS_URL"]
    app.config["JOBS_URL"] = "redis://127.0.0.1:1/0"  # nothing listens there
    app.extensions.pop("huey", None)
    try:
        page = client.post("/admin/jobs/certificates/run", data={"csrf_token": csrf_token(client, "/admin/jobs")},
                           follow_redirects=True).get_data(as_text=True)
    finally:
        app.config["JOBS_URL"] = before
        app.extensions.pop("huey", None)
    assert "the job queue could not be reached, so nothing was queued" in page
    assert client.post("/admin/jobs/no-such-job/run",
                       data={"csrf_token": csrf_token(client, "/admin/jobs")}).status_code == 404


def test_a_lock_left_by_a_dead_worker_frees_itself(app, db, tmp_path):
    from app.jobs.queue import LOCK_SECONDS

    before = app.config["JOBS_URL"]
    app.config["JOBS_URL"] = f"sqlite:///{tmp_path / 'jobs.db'}"
    try:
        huey = make_huey(app)
        name = f"{huey.name}.joblock.certificates"
        huey.storage.put_if_empty(name, str(time.time()).encode())  # a run in progress elsewhere
        assert huey.tasks["certificates"].call_local(trigger="command") is None
        assert db.session.scalar(sa.select(JobRun.status)) == "skipped"
        huey.storage.delete_data(name)
        huey.storage.put_if_empty(name, str(time.time() - LOCK_SECONDS - 60).encode())  # its worker died
        assert huey.tasks["certificates"].call_local(trigger="command") == "0 certificate(s) issued"
        assert not huey.storage.has_data_for_key(name)  # released after the run
    finally:
        app.config["JOBS_URL"] = before


def test_an_admin_allows_mail_again_to_an_address_that_bounced(app, db):
    from app.models import MailSuppression

    row = MailSuppression(address="old@example.org", reason="550 5.1.1 No such user here")
    db.session.add(row)
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    client = app.test_client()
    assert login(client, admin).status_code == 302
    assert "old@example.org" in client.get("/admin/jobs").get_data(as_text=True)
    done = client.post(f"/admin/jobs/mail/suppressions/{row.id}/lift", follow_redirects=True,
                       data={"csrf_token": csrf_token(client, "/admin/jobs")}).get_data(as_text=True)
    assert "Mail to old@example.org will be sent again." in done and "No address has bounced for good." in done
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailSuppression)) == 0
    assert db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "mail.suppression_lifted"))
