"""Platform administration over HTTP: what an admin, an invitee and the people affected see."""

from __future__ import annotations

import csv
import inspect
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app.db import utcnow
from app.models import AuditEvent, AuthToken, Organization, OutboxMessage, Role, SeatChange, User
from tests import factories
from tests.conftest import QueryCounter, csrf_token, login
from tests.web.test_learning import post, signed_in

LINK = re.compile(r"http://localhost/invitation/(\S+)")


@pytest.fixture
def admin(db):
    user = factories.make_user(Role.ADMIN, name="Ada Admin", email="ada@example.org")
    db.session.commit()
    return user


@pytest.fixture
def as_admin(app, admin):
    return signed_in(app, admin)


def events(db, action: str) -> list[AuditEvent]:
    return list(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)
                                   .order_by(AuditEvent.id)))


def create_org(client, name="Harbor House", seats=10):
    return post(client, "/admin/organizations/new", {"name": name, "seats": seats})


def org_named(db, name) -> Organization:
    return db.session.scalar(sa.select(Organization).where(Organization.name == name))


def invitation_link(db, email: str) -> str:
    mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.to_address == email)
                              .order_by(OutboxMessage.id.desc())).first()
    assert mail is not None, f"no invitation to {email}"
    return "/invitation/" + LINK.search(mail.body).group(1)


# Organizations and their admins ------------------------------------------------------------

def test_admin_creates_an_organization_and_sees_it_listed(as_admin, db):
    response = create_org(as_admin)
    org = org_named(db, "Harbor House")
    assert response.headers["Location"].endswith(f"/admin/organizations/{org.id}")
    page = as_admin.get(f"/admin/organizations/{org.id}").get_data(as_text=True)
    assert "0 of 10 in use" in page and "Opening seats" in page
    listing = as_admin.get("/admin/organizations").get_data(as_text=True)
    assert "Harbor House" in listing and "0 of 10" in listing
    assert events(db, "organization.created")[0].after["seat_limit"] == 10


def test_an_organization_that_exists_is_refused_and_the_form_keeps_the_name(as_admin, db):
    create_org(as_admin)
    response = create_org(as_admin, name="HARBOR house")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "An organization named “Harbor House” already exists." in page
    assert 'value="HARBOR house"' in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Organization)) == 1


def test_admin_renames_an_organization(as_admin, db):
    create_org(as_admin)
    org = org_named(db, "Harbor House")
    post(as_admin, f"/admin/organizations/{org.id}/edit", {"name": "Harbor House Recovery"})
    assert "Harbor House Recovery" in as_admin.get("/admin/organizations").get_data(as_text=True)
    assert events(db, "organization.updated")[0].before["name"] == "Harbor House"


def test_named_organization_admin_sets_a_password_through_a_single_use_link(app, as_admin, db):
    create_org(as_admin)
    org = org_named(db, "Harbor House")
    response = post(as_admin, f"/admin/organizations/{org.id}/admins/new",
                    {"name": "Olive Owner", "email": "Olive@Harbor.example"})
    assert response.status_code == 302
    assert "Invitation pending" in as_admin.get(f"/admin/organizations/{org.id}").get_data(as_text=True)
    link = invitation_link(db, "olive@harbor.example")

    visitor = app.test_client()
    page = visitor.get(link).get_data(as_text=True)
    assert "Welcome, Olive" in page and "olive@harbor.example" in page
    done = visitor.post(link, data={"new_password": "a long new password", "confirm": "a long new password",
                                    "csrf_token": csrf_token(visitor, link)})
    assert done.headers["Location"].endswith("/login")
    olive = db.session.scalar(sa.select(User).where(User.email == "olive@harbor.example"))
    assert olive.role is Role.ORG_ADMIN and olive.organization_id == org.id
    assert login(app.test_client(), olive, "a long new password").status_code == 302
    again = visitor.get(link)
    assert again.status_code == 410 and "already been used" in again.get_data(as_text=True)
    assert [e.object_id for e in events(db, "user.invitation_sent")] == [str(olive.id)]
    assert "olive@harbor.example" not in str(events(db, "user.invitation_sent")[0].after)  # ids, not emails


def test_an_expired_invitation_link_says_so(app, db):
    from app.auth.services import issue_token
    from app.models import TokenPurpose

    user = factories.make_user(Role.INSTRUCTOR, password_hash=None)
    raw = issue_token(user, TokenPurpose.INVITATION, hours=1, now=utcnow() - timedelta(hours=2))
    db.session.commit()
    response = app.test_client().get(f"/invitation/{raw}")
    assert response.status_code == 410 and "expired" in response.get_data(as_text=True)


def test_a_reset_link_is_not_an_invitation_link(app, db):
    from app.auth.services import issue_token
    from app.models import TokenPurpose

    user = factories.make_user(Role.INSTRUCTOR)
    raw = issue_token(user, TokenPurpose.PASSWORD_RESET, hours=1)
    db.session.commit()
    assert app.test_client().get(f"/invitation/{raw}").status_code == 410


def test_naming_an_admin_with_an_email_in_use_is_refused(as_admin, db, admin):
    create_org(as_admin)
    org = org_named(db, "Harbor House")
    page = post(as_admin, f"/admin/organizations/{org.id}/admins/new",
                {"name": "Someone", "email": "ADA@example.org"}).get_data(as_text=True)
    assert "An account with the email ada@example.org already exists (Ada Admin, Platform admin)." in page


# Seats ---------------------------------------------------------------------------------------

def test_seat_grants_and_removals_show_in_the_history_the_org_admin_sees(app, as_admin, db):
    create_org(as_admin, seats=5)
    org = org_named(db, "Harbor House")
    post(as_admin, f"/admin/organizations/{org.id}/seats", {"change": "grant", "seats": 15,
                                                            "reason": "Autumn cohort contract"})
    post(as_admin, f"/admin/organizations/{org.id}/seats", {"change": "remove", "seats": 4, "reason": "Budget cut",
                                                            "confirm": "y"})
    owner = factories.make_user(Role.ORG_ADMIN, organization_id=org.id)
    db.session.commit()
    dashboard = signed_in(app, owner).get("/dashboard").get_data(as_text=True)
    assert "of 16 seats in use" in dashboard
    assert "Autumn cohort contract" in dashboard and "+15" in dashboard
    assert "Budget cut" in dashboard and "-4" in dashboard
    assert [(e.before, e.after) for e in events(db, "organization.seats_granted")] == [
        ({"seat_limit": 5}, {"seat_limit": 20, "reason": "Autumn cohort contract"})]


def test_another_organizations_admin_does_not_see_the_history(app, as_admin, db):
    create_org(as_admin, seats=5)
    other = factories.make_user(Role.ORG_ADMIN, organization_id=factories.make_org().id)
    db.session.commit()
    assert "Opening seats" not in signed_in(app, other).get("/dashboard").get_data(as_text=True)


def test_removing_seats_asks_for_confirmation(as_admin, db):
    create_org(as_admin, seats=5)
    org = org_named(db, "Harbor House")
    page = post(as_admin, f"/admin/organizations/{org.id}/seats",
                {"change": "remove", "seats": 2, "reason": "Cut"}).get_data(as_text=True)
    assert "Tick the box to confirm removing seats." in page
    db.session.refresh(org)
    assert org.seat_limit == 5


def test_removing_more_seats_than_are_free_is_refused_saying_how_many_are_in_use(as_admin, db):
    create_org(as_admin, seats=3)
    org = org_named(db, "Harbor House")
    cohort = factories.make_cohort(factories.make_course(), org)
    for _ in range(2):
        factories.make_enrollment(cohort, factories.make_user(organization_id=org.id))
    db.session.commit()
    page = post(as_admin, f"/admin/organizations/{org.id}/seats",
                {"change": "remove", "seats": 3, "reason": "Cut", "confirm": "y"}).get_data(as_text=True)
    assert "Harbor House has 3 seats and 2 are in use, so at most 1 can be removed." in page
    assert 'value="Cut"' in page  # what the admin typed is kept
    db.session.refresh(org)
    assert org.seat_limit == 3
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SeatChange)) == 1


def test_deactivating_an_organization_signs_its_members_out(app, as_admin, db):
    create_org(as_admin)
    org = org_named(db, "Harbor House")
    member = factories.make_user(Role.ORG_ADMIN, organization_id=org.id)
    db.session.commit()
    member_client = signed_in(app, member)
    assert member_client.get("/dashboard").status_code == 200
    unconfirmed = post(as_admin, f"/admin/organizations/{org.id}/deactivate", page="/admin/organizations")
    assert "Tick the box to confirm." in unconfirmed.get_data(as_text=True)
    post(as_admin, f"/admin/organizations/{org.id}/deactivate", {"confirm": "y"})
    assert "/login" in member_client.get("/dashboard").headers["Location"]
    assert login(app.test_client(), member).status_code == 200  # refused: the form again
    post(as_admin, f"/admin/organizations/{org.id}/reactivate")
    assert login(app.test_client(), member).status_code == 302


# People ------------------------------------------------------------------------------------

def test_a_deactivated_users_existing_session_stops_working_at_once(app, as_admin, db):
    trainee = factories.make_user(Role.TRAINEE, organization_id=factories.make_org().id, name="Tom Trainee")
    db.session.commit()
    theirs = signed_in(app, trainee)
    assert theirs.get("/dashboard").status_code == 200
    response = post(as_admin, f"/admin/people/{trainee.id}/deactivate", {"confirm": "y"})
    assert response.status_code == 302
    assert "/login" in theirs.get("/dashboard").headers["Location"]
    assert login(app.test_client(), trainee).status_code == 200  # the sign-in form again, no session
    event = events(db, "user.deactivated")[0]
    assert (event.before["is_active"], event.after["is_active"]) == (True, False)
    post(as_admin, f"/admin/people/{trainee.id}/reactivate")
    assert login(app.test_client(), trainee).status_code == 302


def test_deactivation_needs_the_confirm_box(as_admin, db):
    person = factories.make_user(Role.SUPERVISOR)
    db.session.commit()
    page = as_admin.get(f"/admin/people/{person.id}/deactivate").get_data(as_text=True)
    assert "signed out everywhere" in page
    post(as_admin, f"/admin/people/{person.id}/deactivate")
    db.session.refresh(person)
    assert person.is_active


def test_admin_cannot_deactivate_themself_or_the_last_admin(app, as_admin, admin, db):
    response = post(as_admin, f"/admin/people/{admin.id}/deactivate", {"confirm": "y"})
    page = as_admin.get(response.headers["Location"]).get_data(as_text=True)
    assert "You cannot deactivate your own account." in page
    db.session.refresh(admin)
    assert admin.is_active
    assert events(db, "user.deactivated") == []


def test_admin_changes_a_role_and_the_page_shows_it(as_admin, db):
    org = factories.make_org(name="Bay Clinic")
    person = factories.make_user(Role.SUPERVISOR, name="Sue Super")
    db.session.commit()
    post(as_admin, f"/admin/people/{person.id}/role", {"role": "org_admin", "organization_id": org.id})
    page = as_admin.get(f"/admin/people/{person.id}").get_data(as_text=True)
    assert "Organization admin" in page and "Bay Clinic" in page
    refused = post(as_admin, f"/admin/people/{person.id}/role", {"role": "trainee", "organization_id": 0})
    assert "A trainee belongs to an organization: choose one." in refused.get_data(as_text=True)
    assert [e.after["role"] for e in events(db, "user.role_changed")] == ["org_admin"]


def test_admin_creates_an_instructor_who_gets_an_invitation(as_admin, db):
    response = post(as_admin, "/admin/people/new", {"name": "Ian Teach", "email": "ian@example.org",
                                                    "role": "instructor", "organization_id": 0})
    ian = db.session.scalar(sa.select(User).where(User.email == "ian@example.org"))
    assert response.headers["Location"].endswith(f"/admin/people/{ian.id}")
    assert ian.role is Role.INSTRUCTOR and ian.password_hash is None
    assert invitation_link(db, "ian@example.org")
    duplicate = post(as_admin, "/admin/people/new", {"name": "Ian Again", "email": "IAN@example.org",
                                                     "role": "supervisor", "organization_id": 0})
    assert "already exists (Ian Teach, Instructor)" in duplicate.get_data(as_text=True)


def test_resending_an_invitation_replaces_the_old_link(app, as_admin, db):
    post(as_admin, "/admin/people/new", {"name": "Una", "email": "una@example.org", "role": "supervisor",
                                         "organization_id": 0})
    una = db.session.scalar(sa.select(User).where(User.email == "una@example.org"))
    first = invitation_link(db, "una@example.org")
    post(as_admin, f"/admin/people/{una.id}/invitation")
    second = invitation_link(db, "una@example.org")
    assert first != second
    visitor = app.test_client()
    assert visitor.get(first).status_code == 410
    assert visitor.get(second).status_code == 200
    assert len(events(db, "user.invitation_sent")) == 2


def test_people_search_finds_by_part_of_a_name_or_email_across_organizations(as_admin, db):
    factories.make_user(Role.TRAINEE, name="Maria Lopez", email="mlopez@north.example",
                        organization_id=factories.make_org(name="North").id)
    factories.make_user(Role.SUPERVISOR, name="Mario Rossi", email="rossi@south.example",
                        organization_id=factories.make_org(name="South").id)
    factories.make_user(Role.INSTRUCTOR, name="Zed 100%_sure", email="zed@example.org")
    db.session.commit()
    found = as_admin.get("/admin/people?q=MARI").get_data(as_text=True)
    assert "Maria Lopez" in found and "Mario Rossi" in found and "Zed" not in found
    assert "North" in found and "South" in found
    by_email = as_admin.get("/admin/people?q=south.example").get_data(as_text=True)
    assert "Mario Rossi" in by_email and "Maria Lopez" not in by_email
    wildcard = as_admin.get("/admin/people?q=%25_").get_data(as_text=True)  # "%_" literally
    assert "Zed 100%_sure" in wildcard and "Maria" not in wildcard
    supervisors = as_admin.get("/admin/people?role=supervisor").get_data(as_text=True)
    assert "Mario Rossi" in supervisors and "Maria Lopez" not in supervisors


def test_people_are_paginated_and_the_filter_survives_the_page_links(as_admin, db):
    for i in range(30):
        factories.make_user(Role.TRAINEE, name=f"Paged Person {i:02d}")
    db.session.commit()
    first = as_admin.get("/admin/people?q=paged").get_data(as_text=True)
    assert "Page 1 of 2 (30 in all)" in first and "Paged Person 00" in first and "Paged Person 29" not in first
    assert "/admin/people?page=2&amp;q=paged" in first
    second = as_admin.get("/admin/people?q=paged&page=2").get_data(as_text=True)
    assert "Paged Person 29" in second


def test_a_person_page_shows_their_cohorts_and_last_sign_in(app, as_admin, db, people):
    signed_in(app, people["trainee"])
    page = as_admin.get(f"/admin/people/{people['trainee'].id}").get_data(as_text=True)
    assert people["cohort"].name in page and "trainee, active" in page
    assert "Org A" in page and "Never" not in page
    instructor_page = as_admin.get(f"/admin/people/{people['instructor'].id}").get_data(as_text=True)
    assert "lead instructor" in instructor_page


# Courses and cohorts ---------------------------------------------------------------------------

def test_courses_page_shows_versions_imports_and_cohorts(as_admin, running_cohort):
    page = as_admin.get("/admin/courses").get_data(as_text=True)
    course = running_cohort["course"]
    assert course.title in page and course.version in page
    assert f"{len(course.last_import['added'])} added" in page
    assert running_cohort["cohort"].name in page
    assert f"/courses/{course.slug}" in page


def test_admin_assigns_instructors_and_a_lead(as_admin, running_cohort, db):
    cohort = running_cohort["cohort"]
    second = factories.make_user(Role.INSTRUCTOR, name="Nia Second")
    db.session.commit()
    url = f"/admin/cohorts/{cohort.id}"
    page = as_admin.get(url).get_data(as_text=True)
    assert "Tara Trainee" in page and "0%" in page  # progress from the eligibility engine
    ines = running_cohort["instructor"]
    post(as_admin, url, {"instructors": [ines.id, second.id], "lead_id": second.id}, page=url)
    listing = as_admin.get("/admin/cohorts").get_data(as_text=True)
    assert "Nia Second (lead)" in listing and "Ines Instructor," in listing
    refused = post(as_admin, url, {"instructors": [ines.id], "lead_id": second.id}, page=url)
    assert "Choose the lead instructor from the instructors you ticked." in refused.get_data(as_text=True)
    event = events(db, "cohort.staff_changed")[0]
    assert event.before["lead_id"] == ines.id and event.after["lead_id"] == second.id


def test_the_cohorts_page_takes_the_same_queries_for_two_or_eight_cohorts(app, as_admin, db):
    course = factories.make_course()

    def add(n):
        for _ in range(n):
            org = factories.make_org()
            cohort = factories.make_cohort(course, org, instructors=(factories.make_user(Role.INSTRUCTOR),))
            factories.make_enrollment(cohort, factories.make_user(organization_id=org.id))
        db.session.commit()

    def count():
        with app.app_context(), QueryCounter(db.engine) as counter:
            assert as_admin.get("/admin/cohorts").status_code == 200
        return counter.count

    add(2)
    few = count()
    add(6)
    assert count() == few


def test_the_people_page_takes_the_same_queries_for_few_or_many(app, as_admin, db, people):
    def count():
        with app.app_context(), QueryCounter(db.engine) as counter:
            assert as_admin.get("/admin/people").status_code == 200
        return counter.count

    few = count()
    for _ in range(10):
        factories.make_user(Role.TRAINEE, organization_id=people["org_a"].id)
    db.session.commit()
    assert count() == few


# Audit log ---------------------------------------------------------------------------------------

def test_every_change_shows_in_the_audit_log_with_before_and_after(as_admin, db):
    create_org(as_admin, seats=2)
    org = org_named(db, "Harbor House")
    post(as_admin, f"/admin/organizations/{org.id}/seats", {"change": "grant", "seats": 3, "reason": "Growth"})
    page = as_admin.get("/admin/audit?action=organization.seats_granted").get_data(as_text=True)
    assert "1 entry match these filters" in page
    assert re.search(r"<th scope=\"row\">seat_limit</th>\s*<td>2</td>\s*<td>5</td>", page)
    assert "Growth" in page and "Ada Admin (ada@example.org)" in page


def test_audit_log_filters_by_actor_object_and_date(as_admin, admin, db):
    other = factories.make_user(Role.ADMIN, name="Bea Boss")
    factories.make_audit(action="user.role_changed", object_type="User", object_id="7", actor_id=other.id)
    factories.make_audit(action="user.role_changed", object_type="User", object_id="8", actor_id=admin.id,
                         created_at=utcnow() - timedelta(days=10))
    db.session.commit()
    by_actor = as_admin.get("/admin/audit?actor=bea").get_data(as_text=True)
    assert "1 entry" in by_actor and "Bea Boss" in by_actor
    by_object = as_admin.get("/admin/audit?object_type=User&object_id=8").get_data(as_text=True)
    assert "1 entry" in by_object and "User 8" in by_object
    today = utcnow().date().isoformat()
    by_date = as_admin.get(f"/admin/audit?date_from={today}&date_to={today}").get_data(as_text=True)
    assert "1 entry" in by_date and "User 7" in by_date
    backwards = as_admin.get(f"/admin/audit?date_from={today}&date_to=2000-01-01").get_data(as_text=True)
    assert "The end date is before the start date." in backwards


def test_csv_export_escapes_formulas_and_follows_the_filter(as_admin, db):
    factories.make_audit(action="org.renamed", object_type="Organization", object_id="1",
                         before={"name": "Plain"}, after={"name": "x"}, ip="=cmd|' /C calc'!A0")
    factories.make_audit(action="@SUM(1+1)", object_type="-2+3", object_id="\tTab")
    factories.make_audit(action="other", object_type="Thing")
    db.session.commit()
    response = as_admin.get("/admin/audit.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 3
    by_action = {r["action"]: r for r in rows}
    assert by_action["org.renamed"]["ip"] == "'=cmd|' /C calc'!A0"
    assert by_action["org.renamed"]["before"] == '{"name": "Plain"}'
    assert by_action["'@SUM(1+1)"]["object_type"] == "'-2+3"
    assert by_action["'@SUM(1+1)"]["object_id"] == "'\tTab"
    filtered = as_admin.get("/admin/audit.csv?action=other").get_data(as_text=True)
    assert len(list(csv.DictReader(io.StringIO(filtered)))) == 1


def test_csv_export_streams_in_batches(app, admin, db):
    from app.admin.export import audit_csv
    from app.admin.queries import AuditFilter, audit_query

    for i in range(7):
        factories.make_audit(action=f"a{i}")
    db.session.commit()
    chunks = list(audit_csv(audit_query(AuditFilter()), context=app.app_context, batch=3))
    assert len(chunks) == 1 + 3  # the header, then 3 + 3 + 1 rows
    assert [line.split(",")[4] for line in "".join(chunks).splitlines()[1:]] == [f"a{i}" for i in range(6, -1, -1)]


def test_the_audit_log_has_no_edit_or_delete_path(app):
    """No route may change audit events, and no code in the app updates or deletes them."""
    audit_rules = [r for r in app.url_map.iter_rules() if "audit" in r.rule or "audit" in r.endpoint]
    assert audit_rules, "the audit viewer exists"
    for rule in audit_rules:
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule
    for rule in app.url_map.iter_rules():
        if rule.methods & {"POST", "PUT", "PATCH", "DELETE"}:
            source = inspect.getsource(app.view_functions[rule.endpoint])
            assert "AuditEvent" not in source, f"{rule.endpoint} touches AuditEvent directly"
    forbidden = re.compile(
        r"(update|delete)\(\s*AuditEvent|AuditEvent\)\s*\.\s*(update|delete)|(UPDATE|DELETE\s+FROM)\s+audit_events"
        r"|session\.delete\(\s*(event|audit)", re.IGNORECASE)
    root = Path(app.root_path)
    offenders = [f"{path.relative_to(root)}: {m.group(0)}" for path in root.rglob("*.py")
                 for m in forbidden.finditer(path.read_text())]
    assert offenders == []


def test_audit_pages_are_for_platform_admins_only(login_as):
    for who in ("org_admin", "instructor"):
        assert login_as(who).get("/admin/audit").status_code == 403
        assert login_as(who).get("/admin/audit.csv").status_code == 403


def test_invitation_tokens_are_stored_hashed(as_admin, db):
    post(as_admin, "/admin/people/new", {"name": "Hal", "email": "hal@example.org", "role": "supervisor",
                                         "organization_id": 0})
    raw = invitation_link(db, "hal@example.org").rsplit("/", 1)[1]
    stored = db.session.scalars(sa.select(AuthToken.token_hash)).all()
    assert raw not in stored and len(stored) == 1
    audit_text = str([(e.before, e.after) for e in db.session.scalars(sa.select(AuditEvent))])
    assert raw not in audit_text
