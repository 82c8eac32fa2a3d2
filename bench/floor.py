"""The floor: a bare Flask + Flask-Login app with one authenticated page, served the same way as the app.

Its user loader reads the user from the same bench database (one primary-key SELECT, like the app's),
so the ratio app / floor measures what the platform adds on top of the framework and one query.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, request
from flask_login import LoginManager, UserMixin, current_user, login_required, login_user

from config import _database_url


class _User(UserMixin):
    def __init__(self, uid: int, name: str):
        self.id, self.name = uid, name


def create(url: str) -> Flask:
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "bench-floor"  # noqa: S105 - a local benchmark
    engine = sa.create_engine(_database_url(url), pool_pre_ping=True)
    manager = LoginManager(app)

    @manager.user_loader
    def load(uid: str):
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT id, name FROM users WHERE id = :id"), {"id": int(uid)}).first()
        return _User(row.id, row.name) if row else None

    @app.post("/login")
    def login():
        with engine.connect() as conn:
            row = conn.execute(sa.text("SELECT id, name FROM users WHERE email = :e"),
                               {"e": request.form["email"]}).first()
        login_user(_User(row.id, row.name))
        return "signed in"

    @app.get("/floor")
    @login_required
    def floor():
        return f"ok {current_user.id}"

    return app


def wsgi():
    """For gunicorn: `bench.floor:wsgi()` with BENCH_DATABASE_URL set."""
    return create(os.environ["BENCH_DATABASE_URL"])
