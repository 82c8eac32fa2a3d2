"""Failing soft: when the database cannot be reached, every page answers 503 with `Retry-After` and a page
that needs no database (no signed-in user, no flash messages), the API answers the same in JSON, and
`/healthz` says which dependency is down."""

from __future__ import annotations

from flask import Flask, jsonify, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from app.extensions import db

RETRY_AFTER_SECONDS = 30
MESSAGE = "The service is briefly unavailable: its database cannot be reached. Nothing you sent was saved."


def register(app: Flask) -> None:
    def unavailable(exc):
        app.logger.error("database unreachable: %s", exc)
        try:
            db.session.rollback()
        except Exception:  # noqa: BLE001 - the connection is gone; there is nothing to roll back
            db.session.remove()
        headers = {"Retry-After": str(RETRY_AFTER_SECONDS)}
        if request.path.startswith("/api/"):
            body = jsonify({"error": {"code": "unavailable", "message": MESSAGE}})
            return body, 503, headers
        return render_template("errors/unavailable.html", retry=RETRY_AFTER_SECONDS), 503, headers

    for exc in (OperationalError, PoolTimeout):
        app.register_error_handler(exc, unavailable)
    app.register_error_handler(DBAPIError, lambda e: unavailable(e) if e.connection_invalidated else _reraise(e))


def _reraise(exc: Exception):
    raise exc


def health(app: Flask) -> tuple[dict, int]:
    """Each dependency's state; 503 when the database, without which nothing works, is down."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(db.text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 - reported, not raised
        db.session.rollback()
        checks["database"] = f"down: {type(exc).__name__}"
    try:
        from app.jobs.queue import huey_of

        huey_of(app).storage.queue_size()
        checks["jobs"] = "ok"
    except Exception as exc:  # noqa: BLE001
        checks["jobs"] = f"down: {type(exc).__name__}"
    if not app.config.get("RATELIMIT_ENABLED", True):
        checks["rate_limits"] = "off"
    else:
        try:
            from app.extensions import limiter

            checks["rate_limits"] = "ok" if limiter.storage.check() else "down: its store does not answer"
        except Exception as exc:  # noqa: BLE001
            checks["rate_limits"] = f"down: {type(exc).__name__}"
    down = [k for k, v in checks.items() if v.startswith("down")]
    status = "ok" if not down else ("down" if "database" in down else "degraded")
    return {"status": status, "checks": checks}, 503 if status == "down" else 200
