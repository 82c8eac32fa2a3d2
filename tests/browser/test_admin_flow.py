"""An admin creates an organization and its admin, grants seats, and finds the change in the audit log."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app.models import OutboxMessage, Role
from tests import factories
from tests.browser.conftest import serious_violations, sign_in

pytestmark = pytest.mark.browser


def test_admin_sets_up_an_organization_and_finds_the_seat_grant_in_the_audit_log(live_server, page, db):
    admin = factories.make_user(Role.ADMIN, name="Ada Admin")
    db.session.commit()
    sign_in(page, live_server, admin)

    page.get_by_role("link", name="Admin").click()
    assert serious_violations(page) == []
    page.get_by_role("link", name="New organization").click()
    page.get_by_label("Name", exact=True).fill("Harbor House")
    page.get_by_label("Seats").fill("5")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Create organization").click()
    assert "Harbor House" in page.locator("h1").inner_text()
    assert "0 of 5 in use" in page.locator(".facts").inner_text()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Name an organization admin").click()
    page.get_by_label("Full name").fill("Olive Owner")
    page.get_by_label("Email").fill("olive@harbor.example")
    assert serious_violations(page) == []
    page.get_by_role("button", name="Create and send invitation").click()
    assert "An invitation was sent to olive@harbor.example" in page.locator(".flashes").inner_text()
    assert "Olive Owner" in page.get_by_role("region", name="Organization admins").inner_text()

    page.get_by_label("Grant seats").check()
    page.get_by_label("Number of seats").fill("20")
    page.get_by_label("Reason").fill("Autumn contract signed")
    page.get_by_role("button", name="Save seat change").click()
    assert "Harbor House now has 25 seats" in page.locator(".flashes").inner_text()
    assert "Autumn contract signed" in page.get_by_role("region", name="Seat history").inner_text()
    assert serious_violations(page) == []

    page.get_by_role("link", name="Audit log").first.click()
    page.get_by_label("Action").select_option("organization.seats_granted")
    page.get_by_role("button", name="Filter").click()
    entry = page.locator(".audit-entry").first
    assert "organization.seats_granted" in entry.inner_text()
    assert "Ada Admin" in entry.inner_text()
    row = entry.locator("tr", has_text="seat_limit").inner_text()
    assert re.search(r"seat_limit\s+5\s+25", row), row
    assert serious_violations(page) == []

    # The new organization admin accepts the invitation and reaches their dashboard with the seat history.
    mail = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.to_address == "olive@harbor.example"))
    path = re.search(r"/invitation/\S+", mail.body).group(0)
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"{live_server}{path}")
    assert "Welcome, Olive" in page.locator("h1").inner_text()
    assert serious_violations(page) == []
    page.get_by_label("New password", exact=True).fill("harbor house password")
    page.get_by_label("Repeat the new password").fill("harbor house password")
    page.get_by_role("button", name="Set my password").click()
    page.wait_for_url("**/login")
    page.get_by_label("Email").fill("olive@harbor.example")
    page.get_by_label("Password").fill("harbor house password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/dashboard")
    assert "Autumn contract signed" in page.locator("main").inner_text()
    assert serious_violations(page) == []


def test_the_other_admin_pages_are_accessible(live_server, page, running_cohort, db):
    admin = factories.make_user(Role.ADMIN)
    db.session.commit()
    sign_in(page, live_server, admin)
    rc = running_cohort
    for path in ("/admin/people", f"/admin/people/{rc['trainee'].id}", f"/admin/people/{rc['trainee'].id}/deactivate",
                 "/admin/people/new", "/admin/courses", "/admin/cohorts", f"/admin/cohorts/{rc['cohort'].id}",
                 f"/admin/organizations/{rc['org'].id}/edit", f"/admin/organizations/{rc['org'].id}/deactivate",
                 "/admin/audit"):
        page.goto(f"{live_server}{path}")
        assert serious_violations(page) == [], path
