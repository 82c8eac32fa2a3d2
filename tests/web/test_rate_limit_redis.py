"""Sign-in throttling shared through Redis, as with several gunicorn workers or nodes.

Two app instances (two workers) share one Redis: together they let through no more tries than
the limit. Needs Redis on 127.0.0.1:6379 (.ci/run starts one); skipped outside CI without it.
"""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from app import create_app
from app.extensions import db as _db
from config import TestingConfig

REDIS = ("127.0.0.1", 6379)


def _redis_up() -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(REDIS) == 0


@pytest.fixture
def two_workers(database_url, tmp_path, db):
    if not _redis_up():
        if os.environ.get("CI"):
            pytest.fail("Redis is not running on 127.0.0.1:6379; .ci/run starts it")
        pytest.skip("needs Redis on 127.0.0.1:6379")
    from app.extensions import limiter

    prefix = f"test-{uuid.uuid4().hex[:8]}"

    class Config(TestingConfig):
        SQLALCHEMY_DATABASE_URI = database_url
        RATELIMIT_ENABLED = True
        RATELIMIT_STORAGE_URI = f"redis://{REDIS[0]}:{REDIS[1]}/0"
        RATELIMIT_KEY_PREFIX = prefix
        LOGIN_RATE_LIMIT = "5 per minute"
        ACCOUNT_LOGIN_RATE_LIMIT = "5 per minute"
        EMAIL_MAIL_RATE_LIMIT = "3 per hour"
        ISSUER_KEY_DIR = str(tmp_path / "keys")

    apps = [create_app(Config), create_app(Config)]
    yield apps
    limiter.enabled = False
    for worker in apps:  # close their database connections now, not at garbage collection
        with worker.app_context():
            _db.engine.dispose()


def test_two_workers_share_one_login_limit(two_workers):
    answers = []
    for i in range(10):
        client = two_workers[i % 2].test_client()
        page = client.get("/login").get_data(as_text=True)
        token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
        answers.append(client.post("/login", data={"email": "nobody@example.org", "password": "wrong",
                                                   "csrf_token": token}).status_code)
    assert answers.count(429) == 5, answers


def _post(app, path: str, data: dict, ip: str) -> int:
    client = app.test_client()
    env = {"REMOTE_ADDR": ip}
    page = client.get(path, environ_base=env).get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    return client.post(path, data={**data, "csrf_token": token}, environ_base=env).status_code


def test_one_account_is_throttled_whatever_address_the_tries_come_from(two_workers):
    answers = [_post(two_workers[i % 2], "/login", {"email": "Target@Example.org", "password": f"guess{i}"},
                     ip=f"203.0.113.{i + 1}") for i in range(10)]
    assert answers.count(429) == 5 and answers[:5] == [200] * 5, answers
    # another account, from one of those addresses, is not held back by them
    assert _post(two_workers[0], "/login", {"email": "someone@example.org", "password": "x"}, "203.0.113.99") == 200


def test_a_successful_sign_in_does_not_count_against_the_account(two_workers):
    from app.models import Role
    from tests import factories

    with two_workers[0].app_context():
        user = factories.make_user(Role.TRAINEE, email="real@example.org")
        user.set_password("correct horse battery")
        _db.session.commit()
    codes = [_post(two_workers[i % 2], "/login", {"email": "real@example.org", "password": "correct horse battery"},
                   ip=f"198.51.100.{i + 1}") for i in range(7)]
    assert codes == [302] * 7  # seven good sign-ins from seven places: none throttled


def test_reset_mail_is_limited_per_email_across_addresses(two_workers):
    from app.models import OutboxMessage, Role
    from tests import factories

    with two_workers[0].app_context():
        factories.make_user(Role.TRAINEE, email="victim@example.org")
        _db.session.commit()
    codes = [_post(two_workers[i % 2], "/forgot-password", {"email": "victim@example.org"}, ip=f"192.0.2.{i + 1}")
             for i in range(6)]
    assert codes.count(429) == 3, codes
    with two_workers[0].app_context():
        assert _db.session.query(OutboxMessage).filter_by(to_address="victim@example.org").count() == 3
