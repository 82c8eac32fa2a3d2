"""Configuration classes. `APP_ENV` picks one; values come from the environment.

Nothing in `app/` reads `os.environ` at import time: `create_app` reads these
classes once, so tests and the CLI can pass their own.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent


def _bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


def _database_url(url: str) -> str:
    # Heroku-style URLs and plain "postgresql://" both go through psycopg 3.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


class Config:
    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = _database_url(
        os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'instance' / 'platform.db'}")
    )
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    COURSES_DIR = os.environ.get("COURSES_DIR", str(BASE_DIR / "courses"))
    #: the platform's name in page titles, the header and mail (each program's name comes from its course.toml)
    PLATFORM_NAME = os.environ.get("PLATFORM_NAME", "Recovery Workforce Training")
    # Mail: "console" prints and marks sent; "smtp" leaves rows in the outbox for
    # `flask mail send`; "outbox" only stores (tests).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND", "smtp" if os.environ.get("SMTP_HOST") else "console")
    SMTP_HOST = os.environ.get("SMTP_HOST")
    SMTP_PORT = int(os.environ.get("SMTP_PORT", "587"))
    SMTP_USERNAME = os.environ.get("SMTP_USERNAME")
    SMTP_PASSWORD = os.environ.get("SMTP_PASSWORD")
    SMTP_STARTTLS = _bool("SMTP_STARTTLS", True)
    MAIL_FROM = os.environ.get("MAIL_FROM", f"{PLATFORM_NAME} <no-reply@localhost>")
    MAIL_MAX_ATTEMPTS = int(os.environ.get("MAIL_MAX_ATTEMPTS", "8"))
    # Role-play recordings: stored outside static/ (default instance/uploads), size-limited, deleted after
    # RECORDING_RETENTION_DAYS by `flask roleplay purge-recordings`.
    UPLOAD_DIR = os.environ.get("UPLOAD_DIR")
    RECORDING_MAX_BYTES = int(os.environ.get("RECORDING_MAX_MB", "200")) * 1024 * 1024
    MAX_CONTENT_LENGTH = RECORDING_MAX_BYTES + 2 * 1024 * 1024  # the recording plus the form's text fields
    RECORDING_RETENTION_DAYS = int(os.environ.get("RECORDING_RETENTION_DAYS", "365"))
    #: an upload is refused, with nothing saved, when it would leave less than this free on the upload disk
    UPLOAD_RESERVE_MB = int(os.environ.get("UPLOAD_RESERVE_MB", "16"))
    # Retention (app/privacy/retention.py, the daily "retention" job): sent mail and dead letters, roster
    # uploads (their rows hold names and emails as uploaded) and background job records are deleted after
    # this many days.
    OUTBOX_RETENTION_DAYS = int(os.environ.get("OUTBOX_RETENTION_DAYS", "90"))
    ROSTER_RETENTION_DAYS = int(os.environ.get("ROSTER_RETENTION_DAYS", "30"))
    LOG_RETENTION_DAYS = int(os.environ.get("LOG_RETENTION_DAYS", "180"))
    # Discussion: how long an author may edit a post, the longest post, posts per page.
    DISCUSSION_EDIT_MINUTES = int(os.environ.get("DISCUSSION_EDIT_MINUTES", "30"))
    DISCUSSION_POST_MAX_CHARS = int(os.environ.get("DISCUSSION_POST_MAX_CHARS", "20000"))
    DISCUSSION_PAGE_SIZE = int(os.environ.get("DISCUSSION_PAGE_SIZE", "20"))
    PASSWORD_RESET_HOURS = int(os.environ.get("PASSWORD_RESET_HOURS", "2"))
    INVITATION_HOURS = int(os.environ.get("INVITATION_HOURS", "72"))
    #: requests per API key to /api/v1 (Flask-Limiter syntax)
    API_RATE_LIMIT = os.environ.get("API_RATE_LIMIT", "300 per minute")
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_ENABLED = _bool("RATELIMIT_ENABLED", True)
    RATELIMIT_HEADERS_ENABLED = True
    LOGIN_RATE_LIMIT = os.environ.get("LOGIN_RATE_LIMIT", "10 per minute")
    #: failed sign-ins per account, from any address: the delay grows, there is no lockout to abuse
    ACCOUNT_LOGIN_RATE_LIMIT = os.environ.get("ACCOUNT_LOGIN_RATE_LIMIT", "5 per minute; 20 per hour")
    #: password-reset mails per email address, from any address
    EMAIL_MAIL_RATE_LIMIT = os.environ.get("EMAIL_MAIL_RATE_LIMIT", "3 per hour")
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = SESSION_COOKIE_SECURE
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")
    REQUIRE_SECRET_KEY = True
    # Certificates: where the public finds verification pages and status lists, and the
    # issuer's signing keys (files, never in the database).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL", "http://127.0.0.1:5000")
    ISSUER_NAME = os.environ.get("ISSUER_NAME", PLATFORM_NAME)
    ISSUER_KEY_DIR = os.environ.get("ISSUER_KEY_DIR", str(BASE_DIR / "instance" / "issuer-keys"))
    ISSUER_KEY_AUTOCREATE = _bool("ISSUER_KEY_AUTOCREATE", False)
    VERIFY_RATE_LIMIT = os.environ.get("VERIFY_RATE_LIMIT", "30 per minute")
    #: verify look-ups that find nothing, per serial pattern (e.g. TMC-2026-), from all addresses together
    VERIFY_MISS_RATE_LIMIT = os.environ.get("VERIFY_MISS_RATE_LIMIT", "300 per hour")
    #: the background job queue: an embedded SQLite file (one node), or redis://host:6379/0 (several nodes)
    JOBS_URL = os.environ.get("JOBS_URL", f"sqlite:///{BASE_DIR / 'instance' / 'jobs.db'}")
    HSTS_MAX_AGE = 0  # production sends Strict-Transport-Security (below); development serves plain HTTP


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    ISSUER_KEY_AUTOCREATE = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    REQUIRE_SECRET_KEY = False


class TestingConfig(Config):
    ENV_NAME = "testing"
    ISSUER_KEY_AUTOCREATE = True
    PUBLIC_BASE_URL = "http://localhost"
    TESTING = True
    SECRET_KEY = "testing-secret"  # noqa: S105 - tests only
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    MAIL_BACKEND = "outbox"
    RATELIMIT_ENABLED = False
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = False
    PREFERRED_URL_SCHEME = "http"
    REQUIRE_SECRET_KEY = False


class ProductionConfig(Config):
    ENV_NAME = "production"
    #: Strict-Transport-Security on every answer (browsers then refuse plain HTTP to this host); 0 sends none
    HSTS_MAX_AGE = int(os.environ.get("HSTS_MAX_AGE", str(365 * 24 * 3600)))


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


def config_from_env() -> type[Config]:
    name = os.environ.get("APP_ENV", "production").lower()
    try:
        return CONFIGS[name]
    except KeyError:
        raise RuntimeError(f"APP_ENV={name!r} is not one of {', '.join(CONFIGS)}") from None
