"""The partner organization admin's portal over HTTP: seats, cohorts, roster enrollment, dashboards,
and isolation between organizations."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest
import sqlalchemy as sa

from app.models import (
    AuditEvent,
    Cohort,
    Enrollment,
    EnrollmentStatus,
    LiveSession,
    OutboxMessage,
    Role,
    RosterImport,
    SupervisorAssignment,
    User,
)
from app.pacing import cohort_today, in_zone
from tests import factories
from tests.conftest import QueryCounter
from tests.web.test_learning import post, signed_in

LINK = re.compile(r"http://localhost(/invitation/\S+)")
HEADER = "email,first_name,last_name,supervisor_email,cohort\n"


@pytest.fixture
def partner(course, db):
    """Org A (5 seats) with an admin, a supervisor, two cohorts and one enrolled trainee; org B with its own."""
    org = factories.make_org(name="Harbor House", seat_limit=5)
    admin = factories.make_user(Role.ORG_ADMIN, organization_id=org.id, name="Olive Owner")
    supervisor = factories.make_user(Role.SUPERVISOR, organization_id=org.id, name="Sam Super",
                                     email="sam@harbor.example")
    factories.make_credential(supervisor)
    start = cohort_today("America/New_York") - timedelta(weeks=4)
    cohort = factories.make_cohort(course, org, name="Spring", start=start)
    autumn = factories.make_cohort(course, org, name="Autumn", start=start + timedelta(weeks=20))
    existing = factories.make_user(Role.TRAINEE, organization_id=org.id, name="Ed Existing",
                                   email="ed@harbor.example")
    factories.make_enrollment(cohort, existing,  # enrolled from the start
                              created_at=datetime.combine(start, time(12, 0), tzinfo=UTC))
    other = factories.make_org(name="Other Org", seat_limit=50)
    other_admin = factories.make_user(Role.ORG_ADMIN, organization_id=other.id)
    other_cohort = factories.make_cohort(course, other, name="Elsewhere")
    outsider = factories.make_user(Role.TRAINEE, organization_id=other.id, email="out@other.example")
    instructor = factories.make_user(Role.INSTRUCTOR, name="Ines Teach")
    db.session.commit()
    return {"org": org, "admin": admin, "supervisor": supervisor, "cohort": cohort, "autumn": autumn,
            "existing": existing, "other": other, "other_admin": other_admin, "other_cohort": other_cohort,
            "outsider": outsider, "instructor": instructor, "course": course}


def upload(client, org, text: str | bytes, *, cohort=None, name="roster.csv"):
    data = text.encode() if isinstance(text, str) else text
    return client.post(f"/partners/organizations/{org.id}/roster", data={
        "file": (io.BytesIO(data), name), "cohort_id": cohort.id if cohort else 0,
        "csrf_token": _token(client)}, content_type="multipart/form-data")


def _token(client):
    from tests.conftest import csrf_token

    return csrf_token(client, "/dashboard")


def latest_import(db) -> RosterImport:
    return db.session.scalars(sa.select(RosterImport).order_by(RosterImport.id.desc())).first()


def count(db, model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


# Profile and cohorts -----------------------------------------------------------------------------

def test_org_admin_sees_seats_history_cohorts_and_supervisors(app, partner, db):
    from app.admin.services import change_seats

    change_seats(partner["org"], 3, reason="Spring contract", actor=None)
    db.session.commit()
    client = signed_in(app, partner["admin"])
    page = client.get(f"/partners/organizations/{partner['org'].id}").get_data(as_text=True)
    assert "1 of 8 in use · 7 free" in page
    assert "Spring contract" in page
    assert "Spring" in page and "Autumn" in page and "Elsewhere" not in page
    assert "Sam Super" in page and "Credential verified" in page
    assert "/supervision/credentials" in page
    assert client.get("/partners/").headers["Location"].endswith(f"/partners/organizations/{partner['org'].id}")


def test_org_admin_creates_a_cohort_with_instructors_and_weekly_live_sessions(app, partner, db):
    client = signed_in(app, partner["admin"])
    response = post(client, f"/partners/organizations/{partner['org'].id}/cohorts/new", {
        "name": "Summer 2027", "course_id": partner["course"].id, "start_date": "2027-06-07",  # a Monday
        "timezone": "America/Chicago", "instructors": [partner["instructor"].id], "session_weekday": 3,
        "session_time": "17:30"})
    assert response.status_code == 302
    cohort = db.session.scalar(sa.select(Cohort).where(Cohort.name == "Summer 2027"))
    assert cohort.organization_id == partner["org"].id and cohort.timezone == "America/Chicago"
    assert [(s.user_id, s.is_lead) for s in cohort.staff] == [(partner["instructor"].id, True)]
    sessions = list(db.session.scalars(sa.select(LiveSession).where(LiveSession.cohort_id == cohort.id)
                                       .order_by(LiveSession.week)))
    assert len(sessions) == 12
    first = in_zone(sessions[0].starts_at, "America/Chicago")
    assert (first.date(), first.strftime("%H:%M")) == (date(2027, 6, 10), "17:30")  # Thursday of week 1
    assert in_zone(sessions[-1].starts_at, "America/Chicago").strftime("%A %H:%M") == "Thursday 17:30"
    assert count(db, AuditEvent, AuditEvent.action == "cohort.created") == 1
    assert "Summer 2027 is created" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_cohort_form_with_a_duplicate_name_keeps_what_was_typed(app, partner, db):
    client = signed_in(app, partner["admin"])
    response = post(client, f"/partners/organizations/{partner['org'].id}/cohorts/new", {
        "name": "spring", "course_id": partner["course"].id, "start_date": "2027-06-07",
        "timezone": "America/Chicago", "session_weekday": 3, "session_time": "17:30"})
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "already has a cohort named “spring”" in page and 'value="2027-06-07"' in page
    assert count(db, Cohort) == 3


# Roster: preview -----------------------------------------------------------------------------------

def test_the_preview_checks_every_row_and_writes_nothing(app, partner, db):
    client = signed_in(app, partner["admin"])
    users_before = count(db, User)
    text = HEADER + (
        "ana@harbor.example,Ana,Diaz,sam@harbor.example,\n"
        "not-an-email,Bad,Row,,\n"
        "ANA@harbor.example,Ana,Again,,\n"
        "ed@harbor.example,Ed,Existing,,\n"
        "bo@harbor.example,Bo,Li,nobody@harbor.example,\n"
        "cy@harbor.example,Cy,Ng,,Winter\n"
        "out@other.example,Out,Sider,,\n"
        "dee@harbor.example,Dee,Moss,,Autumn\n")
    response = upload(client, partner["org"], text, cohort=partner["cohort"])
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“not-an-email” is not a valid email address." in page
    assert "The same email appears on an earlier row of this file." in page
    assert "Already enrolled; nothing changes." in page
    assert "No active supervisor of your organization has the email “nobody@harbor.example”." in page
    assert "Your organization has no cohort named “Winter” (its cohorts: “Autumn”, “Spring”)." in page
    assert "not one of your organization&#39;s trainees" in page
    assert "<strong>2</strong> to enroll" in page  # ana (Spring) and dee (Autumn)
    assert "Enroll 2 trainees" in page
    assert count(db, User) == users_before and count(db, Enrollment) == 1
    assert count(db, OutboxMessage) == 0


def test_rows_over_the_seat_balance_are_marked_and_confirming_is_refused(app, partner, db):
    client = signed_in(app, partner["admin"])  # 5 seats, 1 in use
    rows = "".join(f"p{i}@harbor.example,P{i},Person,,\n" for i in range(6))
    upload(client, partner["org"], HEADER + rows, cohort=partner["cohort"])
    imp = latest_import(db)
    page = client.get(f"/partners/organizations/{partner['org'].id}/roster/{imp.id}").get_data(as_text=True)
    assert page.count("Over the seat balance") == 2
    assert "The roster needs 6 seats and your organization has 4 free." in page
    assert "Enroll 6 trainees" not in page
    response = post(client, f"/partners/organizations/{partner['org'].id}/roster/{imp.id}/confirm")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Remove 2 rows or ask the platform team for more seats. Nothing was enrolled." in page
    assert count(db, Enrollment) == 1 and count(db, User, User.email.like("p%@harbor.example")) == 0


@pytest.mark.parametrize(("data", "message"), [
    ("email,first_name,last_name\nzoë@harbor.example,Zoë,Ü\n".encode("latin-1"), "The file is not UTF-8 text."),
    (b"email,name\na@b.org,A B\n", "The file has no column first_name, last_name."),
    ((HEADER + "x@harbor.example,X,Y,,\n" * 1001).encode(), "The file has more than 1,000 rows."),
    (b"email,first_name,last_name\n", "The file has a header line but no trainees."),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00", "The file is not"),
])
def test_a_file_that_is_not_a_roster_is_refused_clearly(app, partner, db, data, message):
    client = signed_in(app, partner["admin"])
    response = upload(client, partner["org"], data, cohort=partner["cohort"])
    assert response.status_code == 200
    assert message in response.get_data(as_text=True)
    assert count(db, RosterImport) == 0


# Roster: confirm ----------------------------------------------------------------------------------

def test_confirm_enrolls_valid_rows_invites_new_people_and_reupload_changes_nothing(app, partner, db):
    client = signed_in(app, partner["admin"])
    text = HEADER + ("ana@harbor.example,Ana,Diaz,sam@harbor.example,\n"
                     "not-an-email,Bad,Row,,\n"
                     "dee@harbor.example,Dee,Moss,,Autumn\n")
    upload(client, partner["org"], text, cohort=partner["cohort"])
    imp = latest_import(db)
    response = post(client, f"/partners/organizations/{partner['org'].id}/roster/{imp.id}/confirm")
    assert response.headers["Location"].endswith(f"/partners/cohorts/{partner['cohort'].id}")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "2 trainees enrolled; 2 invitations sent; 1 rows left out." in page
    assert "Ana Diaz" in page
    ana = db.session.scalar(sa.select(User).where(User.email == "ana@harbor.example"))
    assert ana.role is Role.TRAINEE and ana.organization_id == partner["org"].id and ana.password_hash is None
    assert {(e.cohort.name, e.status) for e in db.session.scalars(
        sa.select(Enrollment).where(Enrollment.user_id == ana.id))} == {("Spring", EnrollmentStatus.ACTIVE)}
    assert count(db, SupervisorAssignment, SupervisorAssignment.trainee_id == ana.id,
                 SupervisorAssignment.supervisor_id == partner["supervisor"].id) == 1
    mails = {m.to_address for m in db.session.scalars(sa.select(OutboxMessage))}
    assert mails == {"ana@harbor.example", "dee@harbor.example"}
    assert count(db, AuditEvent, AuditEvent.action == "enrollment.created") == 2
    # confirming the same preview twice is refused
    post(client, f"/partners/organizations/{partner['org'].id}/roster/{imp.id}/confirm")
    # the same file again: everything is already enrolled, confirming changes nothing
    users, enrollments, outbox = count(db, User), count(db, Enrollment), count(db, OutboxMessage)
    upload(client, partner["org"], text, cohort=partner["cohort"])
    again = latest_import(db)
    page = client.get(f"/partners/organizations/{partner['org'].id}/roster/{again.id}").get_data(as_text=True)
    assert "<strong>0</strong> to enroll" in page and "<strong>2</strong> already enrolled" in page
    response = post(client, f"/partners/organizations/{partner['org'].id}/roster/{again.id}/confirm")
    assert "Nothing to enroll" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert (count(db, User), count(db, Enrollment), count(db, OutboxMessage)) == (users, enrollments, outbox)


def test_the_invitation_link_sets_a_password_once_and_a_resend_replaces_it(app, partner, db):
    client = signed_in(app, partner["admin"])
    upload(client, partner["org"], HEADER + "ana@harbor.example,Ana,Diaz,,\n", cohort=partner["cohort"])
    post(client, f"/partners/organizations/{partner['org'].id}/roster/{latest_import(db).id}/confirm")
    first = LINK.search(db.session.scalar(sa.select(OutboxMessage.body))).group(1)
    ana = db.session.scalar(sa.select(User).where(User.email == "ana@harbor.example"))
    response = post(client, f"/partners/trainees/{ana.id}/resend-invitation",
                    {"next": f"/partners/cohorts/{partner['cohort'].id}"})
    assert response.headers["Location"].endswith(f"/partners/cohorts/{partner['cohort'].id}")
    assert "A new invitation was sent to ana@harbor.example" in client.get(response.headers["Location"]).get_data(
        as_text=True)
    bodies = list(db.session.scalars(sa.select(OutboxMessage.body).order_by(OutboxMessage.id)))
    second = LINK.search(bodies[-1]).group(1)
    visitor = app.test_client()
    assert visitor.get(first).status_code == 410  # the earlier link stopped working
    from tests.conftest import csrf_token

    token = csrf_token(visitor, second)
    visitor.post(second, data={"new_password": "a long new password", "confirm": "a long new password",
                               "csrf_token": token})
    db.session.expire_all()
    assert db.session.get(User, ana.id).check_password("a long new password")
    assert visitor.get(second).status_code == 410  # single use


def test_roster_rows_never_come_from_the_browser(app, partner, db):
    """Confirm posts carry no rows: what is enrolled is what the server kept, checked again at confirm time."""
    client = signed_in(app, partner["admin"])
    upload(client, partner["org"], HEADER + "ana@harbor.example,Ana,Diaz,,\n", cohort=partner["cohort"])
    imp = latest_import(db)
    post(client, f"/partners/organizations/{partner['org'].id}/roster/{imp.id}/confirm",
         {"rows": "evil@harbor.example,Evil,Row"})
    assert count(db, User, User.email == "evil@harbor.example") == 0
    assert count(db, User, User.email == "ana@harbor.example") == 1


# Withdraw and move ----------------------------------------------------------------------------------

def test_withdraw_asks_first_then_frees_the_seat_and_is_audited(app, partner, db):
    client = signed_in(app, partner["admin"])
    enrollment = db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == partner["existing"].id))
    url = f"/partners/enrollments/{enrollment.id}/withdraw"
    assert "Withdraw Ed Existing from Spring?" in client.get(url).get_data(as_text=True)
    assert "Tick the box to confirm." in post(client, url, {}).get_data(as_text=True)
    assert db.session.get(Enrollment, enrollment.id).status is EnrollmentStatus.ACTIVE
    response = post(client, url, {"confirm": "y"})
    assert "Ed Existing is withdrawn from Spring" in client.get(response.headers["Location"]).get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).status is EnrollmentStatus.WITHDRAWN
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "enrollment.withdrawn"))
    assert event.before["status"] == "active" and event.after["status"] == "withdrawn"
    assert "0 of 5 in use" in client.get(f"/partners/organizations/{partner['org'].id}").get_data(as_text=True)


def test_move_to_another_cohort_of_the_same_organization_only(app, partner, db):
    client = signed_in(app, partner["admin"])
    enrollment = db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == partner["existing"].id))
    url = f"/partners/enrollments/{enrollment.id}/move"
    page = client.get(url).get_data(as_text=True)
    assert "Autumn" in page and "Elsewhere" not in page
    refused = post(client, url, {"cohort_id": partner["other_cohort"].id, "confirm": "y"})
    assert refused.status_code == 200 and "Not a valid choice" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).cohort_id == partner["cohort"].id
    response = post(client, url, {"cohort_id": partner["autumn"].id, "confirm": "y"})
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Enrollment, enrollment.id).cohort_id == partner["autumn"].id
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "enrollment.moved"))
    assert (event.before["cohort_id"], event.after["cohort_id"]) == (partner["cohort"].id, partner["autumn"].id)


# Isolation -------------------------------------------------------------------------------------------

def test_another_organizations_admin_finds_nothing(app, partner, db):
    client = signed_in(app, partner["admin"])
    upload(client, partner["org"], HEADER + "ana@harbor.example,Ana,Diaz,,\n", cohort=partner["cohort"])
    imp = latest_import(db)
    enrollment = db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == partner["existing"].id))
    org_id = partner["org"].id
    other = signed_in(app, partner["other_admin"])
    for url in (f"/partners/organizations/{org_id}", f"/partners/organizations/{org_id}/roster",
                f"/partners/organizations/{org_id}/roster/{imp.id}", f"/partners/cohorts/{partner['cohort'].id}",
                f"/partners/cohorts/{partner['cohort'].id}/export.csv",
                f"/partners/enrollments/{enrollment.id}/withdraw", f"/partners/enrollments/{enrollment.id}/move",
                f"/partners/organizations/{partner['other'].id}/roster/{imp.id}"):
        assert other.get(url).status_code == 404, url
    assert post(other, f"/partners/organizations/{org_id}/roster/{imp.id}/confirm").status_code == 404
    assert post(other, f"/partners/organizations/{partner['other'].id}/roster/{imp.id}/confirm").status_code == 404
    assert post(other, f"/partners/trainees/{partner['existing'].id}/resend-invitation").status_code == 404
    assert count(db, User, User.email == "ana@harbor.example") == 0
    # and a roster of org B cannot enroll into org A's cohort by name
    upload(other, partner["other"], HEADER + "z@other.example,Z,Z,,Spring\n")
    page = other.get(f"/partners/organizations/{partner['other'].id}/roster/{latest_import(db).id}").get_data(
        as_text=True)
    assert "Your organization has no cohort named “Spring” (its cohorts: “Elsewhere”)." in page


# Dashboard -------------------------------------------------------------------------------------------

def _trainees(partner, n: int):
    out = []
    for i in range(n):
        t = factories.make_user(Role.TRAINEE, organization_id=partner["org"].id, name=f"Trainee {i:02d}")
        factories.make_enrollment(partner["cohort"], t)
        out.append(t)
    return out


def test_the_cohort_grid_runs_a_constant_number_of_queries(app, partner, db):
    from app.partners.dashboard import cohort_grid

    _trainees(partner, 2)
    db.session.commit()
    with QueryCounter(db.engine) as small:
        cohort_grid(partner["cohort"])
    _trainees(partner, 8)
    db.session.commit()
    db.session.expire_all()
    with QueryCounter(db.engine) as large:
        grid = cohort_grid(db.session.get(Cohort, partner["cohort"].id))
    assert len(grid.rows) == 11
    assert large.count == small.count


def test_dashboard_shows_states_hours_flags_charts_and_exports_escaped_csv(app, partner, db):
    from app.models import SessionStatus

    cohort = partner["cohort"]  # in its fifth week
    ok = factories.make_user(Role.TRAINEE, organization_id=partner["org"].id, name="=HYPERLINK(\"x\")")
    factories.make_enrollment(cohort, ok)
    factories.make_supervision(ok, partner["supervisor"], session_date=date.today() - timedelta(days=3),
                               duration_minutes=90, status=SessionStatus.APPROVED)
    factories.make_certificate(ok, cohort)
    db.session.commit()
    client = signed_in(app, partner["admin"])
    page = client.get(f"/partners/cohorts/{cohort.id}").get_data(as_text=True)
    # weeks 1-4: each week's lecture and quiz are past their due dates (the cohort is in week 5)
    assert "Ed Existing</strong>: 8 items overdue; No approved supervision in 3 weeks" in page
    assert "1.5 of 12" in page
    assert "Active" in page and "Not yet issued" in page
    assert page.count('<svg viewBox=') == 2 and "Trainees who completed each week as a table" in page
    assert "Trainees by approved supervision hours" in page
    response = client.get(f"/partners/cohorts/{cohort.id}/export.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True))))
    assert rows[0][:3] == ["Trainee", "Email", "Week 1"] and rows[0][-1] == "At risk"
    by_email = {r[1]: r for r in rows[1:]}
    assert by_email[ok.email][0] == "'=HYPERLINK(\"x\")"
    assert by_email[ok.email][-2] == "Active"
    assert by_email[partner["existing"].email][-1] == "8 items overdue; No approved supervision in 3 weeks"
    assert partner["outsider"].email not in response.get_data(as_text=True)


def test_the_only_cohort_is_the_roster_default(app, course, db):
    from app.models import Role

    org = factories.make_org(seat_limit=10)
    factories.make_cohort(course, org, name="Only cohort")
    admin = factories.make_user(Role.ORG_ADMIN, organization_id=org.id)
    db.session.commit()
    client = signed_in(app, admin)
    page = client.get(f"/partners/organizations/{org.id}/roster").get_data(as_text=True)
    assert re.search(r'<option selected value="\d+">Only cohort</option>', page)


def test_the_partner_sees_a_trainees_list_with_due_dates_but_not_their_accommodations(nearly_complete, app, db):
    from app.exceptions import services as exceptions
    from app.models import Enrollment, ExceptionKind

    nc = nearly_complete
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    exceptions.set_accommodation(nc["trainee"], actor=admin, quiz_time_factor=2, extra_days=3,
                                 alternative_format=True, note="Private medical note")
    exceptions.grant(nc["cohort"], nc["trainee"], kind=ExceptionKind.EXTRA_ATTEMPT, item="week-3-quiz",
                     reason="Outage", actor=nc["lead"])
    db.session.commit()
    enrollment = db.session.scalar(sa.select(Enrollment).where(Enrollment.user_id == nc["trainee"].id))
    client = signed_in(app, nc["org_admin"])
    grid = client.get(f"/partners/cohorts/{nc['cohort'].id}").get_data(as_text=True)
    assert f"/partners/enrollments/{enrollment.id}" in grid
    page = client.get(f"/partners/enrollments/{enrollment.id}").get_data(as_text=True)
    assert "What is left for the certificate" in page and "Sign the code of conduct" in page
    assert "Private medical note" not in page and "Extended time" not in page


def test_the_cohort_the_admin_came_from_takes_a_roster_in_the_readme_format(app, partner, db):
    client = signed_in(app, partner["admin"])
    org, autumn = partner["org"], partner["autumn"]
    cohort_page = client.get(f"/partners/cohorts/{autumn.id}").get_data(as_text=True)
    assert f"/partners/organizations/{org.id}/roster?cohort={autumn.id}" in cohort_page
    form = client.get(f"/partners/organizations/{org.id}/roster?cohort={autumn.id}").get_data(as_text=True)
    assert f'<option selected value="{autumn.id}">Autumn</option>' in form
    upload(client, org, "email,first_name,last_name\nana@harbor.example,Ana,Diaz\nbo@harbor.example,Bo,Li\n",
           cohort=autumn)
    page = client.get(f"/partners/organizations/{org.id}/roster/{latest_import(db).id}").get_data(as_text=True)
    assert "<strong>2</strong> to enroll" in page and "<strong>0</strong> with problems" in page
    assert "Enroll 2 trainees" in page and "error-summary" not in page


def test_the_banner_offers_to_enroll_other_rows_only_when_there_are_some(app, partner, db):
    client = signed_in(app, partner["admin"])
    org = partner["org"]
    upload(client, org, HEADER + "ed@harbor.example,Ed,Existing,,Spring\nnot-an-email,Bo,Li,,Spring\n")
    page = client.get(f"/partners/organizations/{org.id}/roster/{latest_import(db).id}").get_data(as_text=True)
    assert "The other rows are already enrolled, so there is nothing else to enroll" in page
    assert "enroll the other" not in page and "Nothing to enroll from this file." in page
    upload(client, org, HEADER + "cy@harbor.example,Cy,Ng,,\n")  # no cohort column value and none chosen
    page = client.get(f"/partners/organizations/{org.id}/roster/{latest_import(db).id}").get_data(as_text=True)
    assert "the cohort column is empty and no cohort was chosen for the upload" in page
    assert "No row can be enrolled as it is" in page
