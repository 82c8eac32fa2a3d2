"""Each role signs in through the real login form and reaches its dashboard."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import serious_violations

pytestmark = pytest.mark.browser

HEADINGS = {
    "trainee": "Welcome,",
    "instructor": "Welcome,",
    "supervisor": "Welcome,",
    "org_admin": "Org A",
    "admin": "Platform overview",
}


def test_login_page_is_accessible(live_server, page, db):
    page.goto(f"{live_server}/login")
    assert page.title().startswith("Sign in")
    assert serious_violations(page) == []


@pytest.mark.parametrize("role", sorted(HEADINGS))
def test_each_role_signs_in_and_reaches_its_dashboard(live_server, page, people, role):
    user = people[role]
    page.goto(f"{live_server}/dashboard")
    assert "/login" in page.url  # sent to sign in first
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/dashboard")
    assert HEADINGS[role] in page.locator("h1").inner_text()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert serious_violations(page) == []


def test_wrong_password_shows_one_generic_message(live_server, page, people):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(people["trainee"].email)
    page.get_by_label("Password").fill("definitely wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("That email and password do not match an active account.")).to_be_visible()
    assert serious_violations(page) == []


def test_outline_and_cohort_pages_are_accessible(live_server, page, people):
    page.goto(f"{live_server}/login")
    page.get_by_label("Email").fill(people["org_admin"].email)
    page.get_by_label("Password").fill(factories.PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(f"{live_server}/dashboard")
    for path in ("/courses/", f"/courses/{people['course'].slug}", "/cohorts/",
                 f"/cohorts/{people['cohort'].id}", "/account", "/nope"):
        page.goto(f"{live_server}{path}")
        assert serious_violations(page) == [], path
