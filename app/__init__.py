"""Application factory: `create_app(config_class)` assembles the platform."""

from __future__ import annotations

import os
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, request, session
from flask_login import current_user

from app.extensions import csrf, db, limiter, login_manager, migrate


def create_app(config_class=None) -> Flask:
    if config_class is None:
        from config import config_from_env

        config_class = config_from_env()
    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    app.config.from_object(config_class)
    if app.config.get("REQUIRE_SECRET_KEY") and not app.config.get("SECRET_KEY"):
        raise RuntimeError(
            "SECRET_KEY is not set. Set it in the environment (APP_ENV=development uses a dev key)."
        )
    os.makedirs(app.instance_path, exist_ok=True)
    from app.inputs import install_converters

    install_converters(app.url_map)  # before any route: bounded <int:...>, no control characters in <string:...>
    register_extensions(app)
    register_blueprints(app)
    register_cli(app)
    register_request_hooks(app)
    register_jinja(app)
    from app.errors import register_error_handlers

    register_error_handlers(app)
    from app import unavailable

    unavailable.register(app)
    return app


def register_extensions(app: Flask) -> None:
    from app import models  # noqa: F401  (every table on the metadata)
    from app.db import configure_sqlite

    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=str(Path(__file__).resolve().parent.parent / "migrations"),
                     render_as_batch=True, compare_type=True)
    csrf.init_app(app)
    from app.lti.session_cookie import LaunchSessionInterface

    app.session_interface = LaunchSessionInterface()
    limiter.init_app(app)
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = "Please sign in to see that page."
    login_manager.login_message_category = "info"

    @login_manager.user_loader
    def load_user(session_id: str):
        from sqlalchemy.orm import joinedload

        from app.models import Organization, User

        try:
            user_id, version = (int(x) for x in session_id.split(":"))
        except ValueError:
            return None
        # the organization and its local resources come with the user: the footer shows them on every page
        user = db.session.get(User, user_id, options=[
            joinedload(User.organization).joinedload(Organization.local_resources)])
        if user is None or not user.is_active or user.session_version != version:
            return None
        return user


def register_blueprints(app: Flask) -> None:
    from app.admin import bp as admin_bp
    from app.api import bp as api_bp
    from app.auth import bp as auth_bp
    from app.catalog import bp as catalog_bp
    from app.certificates import bp as certificates_bp
    from app.cohorts import bp as cohorts_bp
    from app.courses import bp as courses_bp
    from app.discuss import bp as discuss_bp
    from app.discuss.unsubscribe import bp as unsubscribe_bp
    from app.exceptions.routes import bp as exceptions_bp
    from app.learn import bp as learn_bp
    from app.lti import bp as lti_bp
    from app.main import bp as main_bp
    from app.partners import bp as partners_bp
    from app.privacy.routes import bp as privacy_bp
    from app.resources import bp as resources_bp
    from app.roleplay import bp as roleplay_bp
    from app.supervision import bp as supervision_bp
    from app.wellbeing import bp as wellbeing_bp

    for bp in (main_bp, auth_bp, courses_bp, cohorts_bp, learn_bp, supervision_bp, certificates_bp, roleplay_bp,
               discuss_bp, admin_bp, partners_bp, api_bp, catalog_bp, exceptions_bp, wellbeing_bp,
               privacy_bp, unsubscribe_bp, resources_bp, lti_bp):
        app.register_blueprint(bp)


def register_cli(app: Flask) -> None:
    from app.cli import register

    register(app)


def content_security_policy(frame_ancestors: list[str] | None = None) -> str:
    """Every page's policy; only the origins given (an LTI platform's) may frame it, by default none."""
    ancestors = " ".join(frame_ancestors or ["'none'"])
    return ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
            f"base-uri 'self'; form-action 'self'; frame-ancestors {ancestors}")


def register_request_hooks(app: Flask) -> None:
    from app.inputs import refuse_hostile_text

    app.before_request(refuse_hostile_text)

    @app.after_request
    def security_headers(response):
        h = response.headers
        # a session started by an LTI launch is shown inside its LMS's page, and only there
        embedders = session.get("lti_frame_ancestors") or []
        h.setdefault("Content-Security-Policy", content_security_policy(embedders))
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        if h["Content-Security-Policy"].endswith("frame-ancestors 'none'"):
            h.setdefault("X-Frame-Options", "DENY")
        if app.config.get("HSTS_MAX_AGE"):
            h.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_MAX_AGE']}; includeSubDomains")
        if current_user.is_authenticated and request.endpoint != "static":
            h["Cache-Control"] = "no-store"
        return response


def _localtime(moment, tz: str) -> str:
    """'Sun May 3, 11:59 PM EDT' in the reader's time zone (a due moment shows as the minute before it)."""
    from datetime import timedelta

    local = moment.astimezone(ZoneInfo(tz))
    if (local.hour, local.minute, local.second) == (0, 0, 0):
        local -= timedelta(minutes=1)
    return local.strftime("%a %b %-d, %-I:%M %p %Z")


def register_jinja(app: Flask) -> None:
    from app import notices, policy
    from app.eligibility.engine import STATE_LABELS
    from app.inbox import unread_count
    from app.markdown import render_markdown
    from app.wellbeing.services import wellbeing_rules

    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.globals["STATE_LABELS"] = STATE_LABELS
    app.jinja_env.filters["zone"] = ZoneInfo
    app.jinja_env.filters["localtime"] = _localtime
    app.jinja_env.globals["policy"] = policy
    app.jinja_env.globals["unread_notifications"] = unread_count
    app.jinja_env.globals["wellbeing_rules"] = wellbeing_rules
    app.jinja_env.globals["NOTICE_KINDS"] = notices.KINDS
    app.jinja_env.globals["notice_line"] = notices.line

    @app.context_processor
    def platform_name():
        return {"platform_name": app.config["PLATFORM_NAME"]}
