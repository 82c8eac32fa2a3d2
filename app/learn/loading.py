"""Loading a cohort and its week for a request, with the tenancy check built in."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from flask_login import current_user

from app import policy
from app.cohorts.services import is_enrolled
from app.extensions import db
from app.guards import not_found_unless
from app.learn import services
from app.models import Cohort, Module


@dataclass
class WeekContext:
    cohort: Cohort
    module: Module
    week: int
    enrolled: bool
    is_open: bool


def load_cohort(cohort_id: int) -> tuple[Cohort, bool]:
    """The cohort and whether the current user is enrolled; 404 for anyone who may not see it."""
    cohort = db.session.get(Cohort, cohort_id) or abort(404)
    enrolled = is_enrolled(current_user, cohort)
    not_found_unless(policy.can_view_cohort(current_user, cohort, is_enrolled=enrolled))
    return cohort, enrolled


def load_week(cohort_id: int, week: int) -> WeekContext:
    cohort, enrolled = load_cohort(cohort_id)
    module = services.get_module(cohort, week) or abort(404)
    return WeekContext(cohort, module, week, enrolled, services.week_is_open(cohort, week))
