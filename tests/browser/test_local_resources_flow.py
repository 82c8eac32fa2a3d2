"""In Chromium: an organization admin sets the local resources card; the trainee finds it on a crisis week and
in the footer, and reads only the brief of the role they are playing; the instructor reads every brief. Each
page fits 390 px and has no serious accessibility finding (screenshots with SCREENSHOT_DIR set)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from app.models import Role
from tests import factories
from tests.browser.conftest import serious_violations, sign_in
from tests.browser.test_privacy_flow import _shoot

pytestmark = pytest.mark.browser


def test_card_and_briefs(live_server, page, roleplay_cohort, db):
    rc = roleplay_cohort
    org_admin = factories.make_user(Role.ORG_ADMIN, organization_id=rc["org"].id, name="Olga Orgadmin")
    db.session.commit()
    cid = rc["cohort"].id

    sign_in(page, live_server, org_admin)
    page.goto(f"{live_server}/partners/organizations/{rc['org'].id}")
    page.get_by_role("link", name="Local resources").click()
    page.get_by_label("State").select_option("MA")
    page.get_by_label("Mobile crisis line").fill("Boston Emergency Services Team: 1-800-981-4357")
    page.get_by_label("Mandated-reporting route").fill("Tell your supervisor the same day.\n"
                                                       "The program director files the 51A report.")
    page.get_by_label("Child abuse reporting hotline").fill("DCF Child-at-Risk Hotline: 1-800-792-5200")
    page.get_by_label("Other local lines").fill("Samaritans Boston: 877-870-4673\nBridge Over Troubled Waters: "
                                                "617-423-9575")
    assert serious_violations(page) == []
    _shoot(page, "local-resources-edit")
    page.get_by_role("button", name="Save local resources").click()
    expect(page.locator(".flashes")).to_contain_text("Saved.")

    sign_in(page, live_server, rc["trainee"])
    page.goto(f"{live_server}/cohorts/{cid}/weeks/9")
    card = page.locator(".local-resources")
    expect(card).to_contain_text("Local resources: Massachusetts")
    expect(card).to_contain_text("DCF Child-at-Risk Hotline")
    expect(page.locator(".site-footer")).to_contain_text("Local crisis line (Massachusetts)")
    assert serious_violations(page) == []
    _shoot(page, "crisis-week-with-local-card")

    page.goto(f"{live_server}/cohorts/{cid}/weeks/6/role-play")
    page.get_by_role("link", name="Mentee (Malik, 13)").click()
    expect(page.get_by_role("heading", name="Your brief: Mentee (Malik, 13)")).to_be_visible()
    expect(page.locator("body")).not_to_contain_text("Notice and regulate yourself first")
    assert serious_violations(page) == []
    _shoot(page, "role-play-mentee-brief")

    sign_in(page, live_server, rc["instructor"])
    page.goto(f"{live_server}/cohorts/{cid}/weeks/6/role-play")
    for label in ("Mentor", "Mentee (Malik, 13)", "Observer"):
        expect(page.get_by_role("heading", name=f"Brief: {label}")).to_be_visible()
    _shoot(page, "role-play-instructor")
