"""Open enrollment: the public catalog, sign-up by confirmed email, the last place, and the CLI."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, Enrollment, OutboxMessage, Role, User
from tests import factories
from tests.conftest import csrf_token

CONFIRM = re.compile(r"http://localhost(/catalog/confirm/\S+)")
INVITE = re.compile(r"http://localhost(/invitation/\S+)")


@pytest.fixture
def open_cohort(db):
    course = factories.make_course(title="Peer Recovery Specialist Certificate", rules={"weeks": 8})
    factories.make_module(course, 1)
    cohort = factories.make_cohort(course, None, name="Open Spring", start=date.today() + timedelta(days=20),
                                   open_seats=2)
    closed = factories.make_cohort(course, None, name="Not Listed", start=date.today() + timedelta(days=20))
    org = factories.make_org()
    org_cohort = factories.make_cohort(course, org, name="Partner Only", start=date.today() + timedelta(days=20))
    db.session.commit()
    return {"cohort": cohort, "closed": closed, "org_cohort": org_cohort, "course": course}


def sign_up(client, cohort, email: str, name: str = "Ana Diaz"):
    url = f"/catalog/cohorts/{cohort.id}/signup"
    return client.post(url, data={"name": name, "email": email, "csrf_token": csrf_token(client, url)})


def confirm_link(db, email: str) -> str:
    body = db.session.scalars(sa.select(OutboxMessage.body).where(OutboxMessage.to_address == email)
                              .order_by(OutboxMessage.id.desc())).first()
    return CONFIRM.search(body).group(1)


def confirm(client, path: str):
    return client.post(path, data={"csrf_token": csrf_token(client, path)})


def test_the_catalog_lists_upcoming_open_cohorts_with_places_left(client, open_cohort):
    page = client.get("/catalog/").get_data(as_text=True)
    assert "Open Spring" in page and "2 places left." in page
    assert "Peer Recovery Specialist Certificate · 8 weeks · starts" in page
    assert "12-week" not in page and "therapeutic mentoring" not in page.lower()
    assert "Not Listed" not in page and "Partner Only" not in page
    assert client.get(f"/catalog/cohorts/{open_cohort['org_cohort'].id}/signup").status_code == 404
    assert "See the open cohorts" in client.get("/login").get_data(as_text=True)


def test_signing_up_mails_a_link_and_only_confirming_enrolls(app, client, open_cohort, db):
    response = sign_up(client, open_cohort["cohort"], "Ana@Example.org")
    assert "We sent a confirmation link for Open Spring to Ana@Example.org" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User)) == 0
    path = confirm_link(db, "ana@example.org")
    mail = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.to_address == "ana@example.org"))
    assert "a place in the cohort Open Spring (Peer Recovery Specialist Certificate)" in mail
    visitor = app.test_client()
    assert "Confirm your place in Open Spring" in visitor.get(path).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 0  # a GET enrolls nobody
    page = confirm(visitor, path).get_data(as_text=True)
    assert "You have a place in Open Spring" in page
    ana = db.session.scalar(sa.select(User).where(User.email == "ana@example.org"))
    assert ana.role is Role.TRAINEE and ana.organization_id is None and ana.password_hash is None
    invite = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.subject.contains("invited")))
    assert INVITE.search(invite.body)
    assert invite.subject == "You are invited to Recovery Workforce Training"
    assert "has created a Recovery Workforce Training account" in invite.body
    # the link again: already enrolled, nothing new
    assert "already enrolled" in confirm(visitor, path).get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "enrollment.created")) == 1
    assert "1 place left." in client.get("/catalog/").get_data(as_text=True)


def test_a_full_cohort_refuses_the_next_confirmation(app, client, open_cohort, db):
    paths = []
    for email in ("a@example.org", "b@example.org", "c@example.org"):
        sign_up(client, open_cohort["cohort"], email)
        paths.append(confirm_link(db, email))
    for path in paths[:2]:
        assert confirm(app.test_client(), path).status_code == 200
    refused = confirm(app.test_client(), paths[2])
    assert refused.status_code == 409 and "Open Spring is full" in refused.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(User).where(User.email == "c@example.org")) == 0
    assert "Full." in client.get("/catalog/").get_data(as_text=True)


def test_bad_input_is_refused_and_a_tampered_link_enrolls_nobody(app, client, open_cohort, db):
    page = sign_up(client, open_cohort["cohort"], "not-an-email", name="Ana").get_data(as_text=True)
    assert "Enter a valid email address." in page and 'value="Ana"' in page
    sign_up(client, open_cohort["cohort"], "ana@example.org")
    path = confirm_link(db, "ana@example.org")
    tampered = path[:-3] + ("abc" if not path.endswith("abc") else "xyz")
    response = app.test_client().get(tampered)
    assert response.status_code == 410 and "not valid" in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Enrollment)) == 0


def test_the_cli_opens_and_closes_only_cohorts_without_an_organization(runner, open_cohort, db):
    result = runner.invoke(args=["catalog", "open", str(open_cohort["closed"].id), "5"])
    assert result.exit_code == 0 and "open with 5 places" in result.output
    refused = runner.invoke(args=["catalog", "open", str(open_cohort["org_cohort"].id), "5"])
    assert refused.exit_code != 0 and "belongs to an organization" in refused.output
    assert runner.invoke(args=["catalog", "close", str(open_cohort["closed"].id)]).exit_code == 0
    db.session.expire_all()
    assert db.session.get(type(open_cohort["closed"]), open_cohort["closed"].id).open_seats is None
