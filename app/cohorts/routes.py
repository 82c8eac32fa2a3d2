"""Cohorts a user belongs to or oversees (the management screens come with the partner issue)."""

from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import current_user

from app import policy
from app.cohorts import services
from app.extensions import db
from app.guards import guard, not_found_unless
from app.inputs import page_number
from app.models import Cohort
from app.pacing import cohort_today, week_number

bp = Blueprint("cohorts", __name__, url_prefix="/cohorts", template_folder="templates")


@bp.get("/")
@guard(policy.can_list_cohorts)
def index():
    page = db.paginate(services.visible_cohorts_query(current_user),
                       page=request.args.get("page", 1, type=page_number), per_page=20, error_out=False)
    return render_template("cohorts/index.html", page=page, week_of=_week_of)


@bp.get("/<int:cohort_id>")
@guard(policy.signed_in)
def show(cohort_id: int):
    cohort = db.session.get(Cohort, cohort_id) or abort(404)
    enrolled = services.is_enrolled(current_user, cohort)
    not_found_unless(policy.can_view_cohort(current_user, cohort, is_enrolled=enrolled))
    roster = services.roster(cohort) if policy.can_see_roster(current_user, cohort) else None
    return render_template("cohorts/show.html", cohort=cohort, roster=roster,
                           week=_week_of(cohort))


def _week_of(cohort: Cohort) -> int:
    return week_number(cohort.start_date, cohort_today(cohort.timezone))
