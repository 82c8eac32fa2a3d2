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
