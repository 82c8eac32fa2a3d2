"""Open enrollment without HTTP: two people confirming the last place at once."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app.admin.services import Invitation
from app.catalog import services
from app.extensions import db as _db
from app.models import Cohort, Enrollment
from tests import factories
from tests.conftest import race

INVITATION = Invitation(link_for=lambda raw: f"http://localhost/invitation/{raw}", hours=72, backend="outbox")


def test_the_last_place_is_never_given_twice(app, db):
    course = factories.make_course()
    factories.make_module(course, 1)
    cohort_id = factories.make_cohort(course, None, start=date.today() + timedelta(days=10), open_seats=1).id
    db.session.commit()

    def confirm(email: str):
        def prepare():
            signup = services.Signup(_db.session.get(Cohort, cohort_id), email, "Some One")
            return lambda: services.confirm_signup(signup, today=date.today(), invitation=INVITATION)
        return prepare

    outcomes = race(app, [confirm("p1@example.org"), confirm("p2@example.org")])
    assert outcomes.count("ok") == 1 and len(outcomes) == 2, outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 1
