"""With the database unreachable, pages answer 503 with Retry-After and a page that needs no database, the
API answers JSON, nothing raises a 500; /healthz names what is down. A real refused connection, not a mock."""

from __future__ import annotations

import socket

import pytest

from app import create_app
from config import TestingConfig
from tests.conftest import csrf_token


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # free once the socket closes: nothing listens there


@pytest.fixture
def no_database(tmp_path):
    class Unreachable(TestingConfig):
        SQLALCHEMY_DATABASE_URI = f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/gone"
        JOBS_URL = f"sqlite:///{tmp_path / 'jobs.db'}"
        ISSUER_KEY_DIR = str(tmp_path / "keys")

    app = create_app(Unreachable)
    yield app
    with app.app_context():
        from app.extensions import db

        db.engine.dispose()


@pytest.mark.parametrize("path", ["/catalog/", "/verify/TMC-2026-000001", "/transcripts/abc"])
def test_pages_answer_503_with_retry_after_and_need_no_database(no_database, path):
    response = no_database.test_client().get(path)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert "Briefly unavailable" in response.get_data(as_text=True)


def test_pages_that_need_no_database_still_work(no_database):
    client = no_database.test_client()
    assert client.get("/login").status_code == 200
    assert client.get("/dashboard").headers["Location"].startswith("/login")


def test_a_post_that_needs_the_database_says_nothing_was_saved(no_database):
    client = no_database.test_client()
    response = client.post("/login", data={"email": "a@example.org", "password": "x",
                                           "csrf_token": csrf_token(client, "/login")})
    assert response.status_code == 503 and "nothing you sent was saved" in response.get_data(as_text=True)


def test_the_api_answers_json(no_database):
    response = no_database.test_client().get("/api/v1/cohorts", headers={"Authorization": "Bearer abc"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert response.json["error"]["code"] == "unavailable"


def test_health_names_what_is_down(no_database, app, db):
    down = no_database.test_client().get("/healthz")
    assert down.status_code == 503
    assert down.json["status"] == "down" and down.json["checks"]["database"].startswith("down")
    assert down.json["checks"]["jobs"] == "ok"
    up = app.test_client().get("/healthz")
    assert up.status_code == 200 and up.json == {"status": "ok", "checks": {
        "database": "ok", "jobs": "ok", "rate_limits": "off"}}  # the test app runs without limits
