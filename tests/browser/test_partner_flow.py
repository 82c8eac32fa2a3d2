"""An organization admin uploads a roster, fixes a bad row, confirms, and follows the cohort dashboard."""

from __future__ import annotations

from datetime import timedelta

import pytest

from app.models import Role
from app.pacing import cohort_today
from tests import factories
from tests.browser.conftest import serious_violations, sign_in

pytestmark = pytest.mark.browser

HEADER = "email,first_name,last_name,supervisor_email,cohort\n"


def test_org_admin_uploads_fixes_confirms_and_sees_the_dashboard(live_server, page, course, db, tmp_path):
    org = factories.make_org(name="Harbor House", seat_limit=10)
    admin = factories.make_user(Role.ORG_ADMIN, organization_id=org.id, name="Olive Owner")
    factories.make_user(Role.SUPERVISOR, organization_id=org.id, name="Sam Super", email="sam@harbor.example")
    factories.make_cohort(course, org, name="Spring", start=cohort_today("America/New_York") - timedelta(weeks=2))
    db.session.commit()
    sign_in(page, live_server, admin)

    page.get_by_role("link", name="Organization", exact=True).click()
    assert "0 of 10 in use" in page.locator(".facts").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Spring").click()
    page.get_by_role("link", name="Enroll trainees from a roster").click()
    assert serious_violations(page) == []

    bad = tmp_path / "roster.csv"
    bad.write_text(HEADER + "ana@harbor.example,Ana,Diaz,sam@harbor.example,\nbo@harbor,Bo,Li,,\n")
    page.get_by_label("Roster file (CSV)").set_input_files(str(bad))
    page.get_by_role("button", name="Upload and preview").click()
    assert "“bo@harbor” is not a valid email address." in page.locator("table").inner_text()
    assert "1 row has problems" in page.locator(".error-summary").inner_text()
    assert serious_violations(page) == []

    fixed = tmp_path / "roster-fixed.csv"
    fixed.write_text(HEADER + "ana@harbor.example,Ana,Diaz,sam@harbor.example,\nbo@harbor.example,Bo,Li,,\n")
    page.get_by_role("link", name="Upload a corrected file").click()
    page.get_by_label("Roster file (CSV)").set_input_files(str(fixed))
    page.get_by_role("button", name="Upload and preview").click()
    assert page.locator(".error-summary").count() == 0
    page.get_by_role("button", name="Enroll 2 trainees").click()
    assert "2 trainees enrolled; 2 invitations sent" in page.locator(".flashes").inner_text()

    assert "Spring" in page.locator("h1").inner_text()
    grid = page.get_by_role("region", name="Progress by week").inner_text()
    assert "Ana Diaz" in grid and "Bo Li" in grid and "0 of 12" in grid
    assert page.locator("svg.bar-chart").count() == 2
    assert "Invitation pending" in page.get_by_role("region", name="Roster").inner_text()
    assert serious_violations(page) == []


def test_the_other_partner_pages_are_accessible(live_server, page, course, db):
    org = factories.make_org(name="Harbor House")
    admin = factories.make_user(Role.ORG_ADMIN, organization_id=org.id)
    cohort = factories.make_cohort(course, org, name="Spring")
    factories.make_cohort(course, org, name="Autumn")
    enrollment = factories.make_enrollment(cohort, factories.make_user(Role.TRAINEE, organization_id=org.id))
    factories.make_user(Role.INSTRUCTOR, name="Ines Teach")
    db.session.commit()
    sign_in(page, live_server, admin)
    for path in (f"/partners/organizations/{org.id}/cohorts/new", f"/partners/enrollments/{enrollment.id}/withdraw",
                 f"/partners/enrollments/{enrollment.id}/move", f"/partners/organizations/{org.id}/roster"):
        page.goto(live_server + path)
        assert serious_violations(page) == [], path
    page.goto(f"{live_server}/partners/organizations/{org.id}/cohorts/new")
    page.get_by_label("Cohort name").fill("Summer")
    page.get_by_label("Start date").fill("2027-06-07")
    page.get_by_label("Ines Teach").check()
    page.get_by_role("button", name="Create cohort").click()
    assert "Summer is created with its weekly live sessions" in page.locator(".flashes").inner_text()
    assert "Ines Teach (lead)" in page.locator(".facts").inner_text()
    assert serious_violations(page) == []


def test_a_visitor_signs_up_for_an_open_cohort(live_server, page, db):
    import re
    from datetime import date

    import sqlalchemy as sa

    from app.models import OutboxMessage

    course = factories.make_course(title="Therapeutic Mentoring")
    factories.make_module(course, 1)
    factories.make_cohort(course, None, name="Open Spring", start=date.today() + timedelta(days=20), open_seats=3)
    db.session.commit()
    page.goto(f"{live_server}/login")
    page.get_by_role("link", name="See the open cohorts and sign up").click()
    assert "3 places left." in page.locator("main").inner_text()
    assert serious_violations(page) == []
    page.get_by_role("link", name="Sign up for Open Spring").click()
    page.get_by_label("Full name").fill("Ana Diaz")
    page.get_by_label("Email").fill("ana@example.org")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Send me the confirmation link").click()
    assert "Check your email" in page.locator("h1").inner_text()
    body = db.session.scalar(sa.select(OutboxMessage.body).where(OutboxMessage.to_address == "ana@example.org"))
    page.goto(live_server + re.search(r"/catalog/confirm/\S+", body).group(0))
    assert serious_violations(page) == []
    page.get_by_role("button", name="Confirm my place").click()
    assert "You have a place in Open Spring" in page.locator("main").inner_text()
    assert serious_violations(page) == []
