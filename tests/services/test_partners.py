"""Roster services without HTTP: parsing, and the seat limit when two confirmations race."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from app.admin.services import Invitation
from app.extensions import db as _db
from app.models import Enrollment, Organization, Role, RosterImport, User
from app.partners import roster
from tests import factories
from tests.conftest import race


def test_parse_accepts_spreadsheet_headers_a_bom_and_blank_lines():
    data = "\ufeffEmail,First Name,Last-Name,Supervisor,Cohort Name\r\n a@b.org ,Ana,Diaz,,Spring\r\n,,,,\r\n".encode()
    assert roster.parse(data) == [{"line": 2, "email": "a@b.org", "first_name": "Ana", "last_name": "Diaz",
                                   "supervisor_email": "", "cohort": "Spring"}]


def test_parse_refuses_an_oversized_file():
    with pytest.raises(roster.RosterRefused, match="larger than 1 MB"):
        roster.parse(b"email,first_name,last_name\n" + b"x" * roster.MAX_BYTES)


def _import(org, cohort, prefix: str, n: int) -> RosterImport:
    rows = [{"line": i + 2, "email": f"{prefix}{i}@example.org", "first_name": "P", "last_name": str(i),
             "supervisor_email": "", "cohort": ""} for i in range(n)]
    return factories.make_roster_import(org, cohort, rows=rows)


def test_two_confirmations_at_once_never_exceed_the_seats(app, db):
    """Each roster fits the 4 free seats alone; together they do not. One wins, the other enrolls nobody."""
    course = factories.make_course()
    factories.make_module(course, 1)
    org = factories.make_org(seat_limit=4)
    admin = factories.make_user(Role.ORG_ADMIN, organization_id=org.id)
    cohort = factories.make_cohort(course, org)
    ids = [_import(org, cohort, "a", 3).id, _import(org, cohort, "b", 3).id]
    db.session.commit()
    org_id, admin_id = org.id, admin.id
    invitation = Invitation(link_for=lambda raw: f"http://localhost/invitation/{raw}", hours=72, backend="outbox")

    def confirm(import_id: int):
        def prepare():
            imp, org = _db.session.get(RosterImport, import_id), _db.session.get(Organization, org_id)
            actor = _db.session.get(User, admin_id)
            return lambda: roster.confirm(imp, org, actor=actor, invitation=invitation)
        return prepare

    outcomes = race(app, [confirm(i) for i in ids])
    assert len(outcomes) == 2 and outcomes.count("ok") == 1, outcomes
    loser = next(o for o in outcomes if o != "ok")
    assert loser == "locked" or "Nothing was enrolled" in loser
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 3
