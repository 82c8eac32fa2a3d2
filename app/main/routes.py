"""Home, the per-role dashboard and the health check."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, redirect, render_template, url_for
from flask_login import current_user

from app import policy
from app.cohorts.services import visible_cohorts_query
from app.exceptions.services import accommodation_of
from app.extensions import db
from app.guards import guard
from app.learn.progress import trainee_progress
from app.main import services
from app.main.next_actions import instructor_actions
from app.models import Role
from app.pacing import cohort_today, week_number
from app.supervision.services import queue_for, supervisees_of, supervisors_of
from app.unavailable import health

bp = Blueprint("main", __name__, template_folder="templates")


@bp.get("/")
@guard(policy.public)
def index():
    return redirect(url_for("main.dashboard" if current_user.is_authenticated else "auth.login"))


@bp.get("/healthz")
@guard(policy.public)
def healthz():
    body, status = health(current_app._get_current_object())
    return body, status


@bp.get("/favicon.ico")
@guard(policy.public)
def favicon():
    """Browsers ask for /favicon.ico whatever the page says; pages also name the SVG icon. A few hundred
    bytes, read whole (no file handle left open)."""
    icon = Path(current_app.static_folder, "favicon.ico").read_bytes()
    return Response(icon, mimetype="image/vnd.microsoft.icon", headers={"Cache-Control": "public, max-age=86400"})


@bp.get("/dashboard")
@guard(policy.signed_in)
def dashboard():
    role = current_user.role
    ctx: dict = {}
    if role is Role.TRAINEE:
        ctx["progress"] = [trainee_progress(current_user, e.cohort)
                           for e in services.trainee_enrollments(current_user)]
        ctx["supervisors"] = supervisors_of(current_user)
        ctx["accommodation"] = accommodation_of(current_user.id)
    elif role is Role.SUPERVISOR:
        ctx["supervisees"] = supervisees_of(current_user)
        ctx["waiting"] = queue_for(current_user)
    elif role in (Role.INSTRUCTOR, Role.ORG_ADMIN):
        cohorts = list(db.session.scalars(visible_cohorts_query(current_user).limit(20)))
        ctx["cohorts"] = [
            (c, week_number(c.start_date, cohort_today(c.timezone))) for c in cohorts
        ]
        ctx["counts"] = services.trainee_counts([c.id for c in cohorts])
        if role is Role.INSTRUCTOR:
            ctx["actions"] = instructor_actions(current_user, cohorts)
        if role is Role.ORG_ADMIN and current_user.organization:
            ctx["seats_used"] = services.seats_in_use(current_user.organization_id)
            ctx["seat_history"] = services.seat_history(current_user.organization_id, limit=10)
    elif role is Role.ADMIN:
        ctx["stats"] = services.platform_counts()
    return render_template(f"main/dashboard_{role.value}.html", **ctx)
