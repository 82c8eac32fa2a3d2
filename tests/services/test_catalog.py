"""Open enrollment without HTTP: two people confirming the last place at once."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import sqlalchemy as sa

from app.admin.services import Invitation
from app.catalog import services
from app.errors import DomainError
from app.models import Enrollment
from tests import factories


def test_the_last_place_is_never_given_twice(app, db):
    course = factories.make_course()
    factories.make_module(course, 1)
    cohort = factories.make_cohort(course, None, start=date.today() + timedelta(days=10), open_seats=1)
    db.session.commit()
    cohort_id = cohort.id
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    invitation = Invitation(link_for=lambda raw: f"http://localhost/invitation/{raw}", hours=72, backend="outbox")

    def confirm(email: str):
        from app.extensions import db as _db
        from app.models import Cohort

        with app.app_context():
            try:
                signup = services.Signup(_db.session.get(Cohort, cohort_id), email, "Some One")
                barrier.wait(timeout=10)
                services.confirm_signup(signup, today=date.today(), invitation=invitation)
                _db.session.commit()
                outcomes.append("enrolled")
            except DomainError as exc:
                _db.session.rollback()
                outcomes.append(str(exc))
            except sa.exc.OperationalError:  # SQLite may say "database is locked" to the loser
                _db.session.rollback()
                outcomes.append("locked")
            finally:
                _db.session.remove()

    threads = [threading.Thread(target=confirm, args=(f"p{i}@example.org",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes.count("enrolled") == 1 and len(outcomes) == 2, outcomes
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 1
