"""The application as the bench runs it: production settings, the bench database, one extra page.

The extra page, `/__bench__/floor`, is the trivial authenticated page of the same app: Flask-Login
loads the user as on every page, and the view returns a few bytes without touching a template.
Page times are reported as a ratio to it.
"""

from __future__ import annotations

import os
from pathlib import Path

from config import ProductionConfig, _database_url

ROOT = Path(__file__).resolve().parent.parent
FLOOR_PATH = "/__bench__/floor"


def database_url(db: str, tier: str) -> str:
    """`sqlite` means a file per tier under instance/; anything else is a database URL."""
    if db == "sqlite":
        (ROOT / "instance").mkdir(exist_ok=True)
        return f"sqlite:///{ROOT / 'instance' / f'bench-{tier}.db'}"
    return _database_url(db)


def make_app(url: str):
    from flask_login import current_user

    from app import create_app
    from app.guards import guard
    from app.policy import signed_in

    class BenchConfig(ProductionConfig):
        ENV_NAME = "bench"
        SECRET_KEY = "bench-not-secret"  # noqa: S105 - a local benchmark
        SQLALCHEMY_DATABASE_URI = url
        RATELIMIT_ENABLED = False
        SESSION_COOKIE_SECURE = False
        REMEMBER_COOKIE_SECURE = False
        PREFERRED_URL_SCHEME = "http"
        MAIL_BACKEND = "outbox"
        ISSUER_KEY_DIR = str(ROOT / "instance" / "bench-issuer-keys")
        ISSUER_KEY_AUTOCREATE = True
        UPLOAD_DIR = str(ROOT / "instance" / "bench-uploads")

    app = create_app(BenchConfig)

    @app.get(FLOOR_PATH)
    @guard(signed_in)
    def bench_floor():
        return f"ok {current_user.id}"

    return app


def wsgi():
    """For gunicorn: `bench.app:wsgi()` with BENCH_DATABASE_URL set."""
    return make_app(os.environ["BENCH_DATABASE_URL"])
