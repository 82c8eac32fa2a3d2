"""Log, return, fix, resubmit, approve: the ledger shows the hours."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.browser.conftest import serious_violations, sign_in

pytestmark = pytest.mark.browser



def test_session_returned_fixed_and_approved_shows_in_the_ledger(live_server, page, supervised):
    s = supervised
    sign_in(page, live_server, s["trainee"])
    page.get_by_role("link", name="Log a supervision session").click()
    assert serious_violations(page) == []
    page.get_by_label("Date of the session").fill((date.today() - timedelta(days=1)).isoformat())
    page.get_by_label("Start time").fill("10:00")
    page.get_by_label("Length in minutes").fill("60")
    page.get_by_label("Case review").check()
    page.get_by_role("textbox", name="Summary").fill("Practised open questions with case Y-3.")
    page.get_by_label("I attest", exact=False).check()
    page.get_by_role("button", name="Submit to supervisor").click()
    page.wait_for_url(f"{live_server}/supervision/")
    expect(page.locator("body")).to_contain_text("Waiting for supervisor")
    assert serious_violations(page) == []

    sign_in(page, live_server, s["supervisor"])
    page.get_by_role("link", name="Review the oldest").click()
    assert serious_violations(page) == []
    page.get_by_label("What should the trainee change?").fill("It was 45 minutes, please correct the length.")
    page.get_by_role("button", name="Return to trainee").click()
    page.wait_for_url(f"{live_server}/supervision/queue")

    sign_in(page, live_server, s["trainee"])
    page.goto(f"{live_server}/supervision/")
    expect(page.locator("body")).to_contain_text("It was 45 minutes")
    page.get_by_role("link", name="Fix and resubmit").click()
    page.get_by_label("Length in minutes").fill("45")
    page.get_by_label("I attest", exact=False).check()
    page.get_by_role("button", name="Submit to supervisor").click()
    page.wait_for_url(f"{live_server}/supervision/")

    sign_in(page, live_server, s["supervisor"])
    page.goto(f"{live_server}/supervision/queue")
    assert serious_violations(page) == []
    page.get_by_role("link", name="Review", exact=False).first.click()
    page.get_by_label("Your password", exact=False).fill(factories.PASSWORD)
    page.get_by_role("button", name="Approve and sign").click()
    page.wait_for_url(f"{live_server}/supervision/queue")
    expect(page.locator("body")).to_contain_text("Session approved and signed.")

    sign_in(page, live_server, s["trainee"])
    page.goto(f"{live_server}/supervision/")
    expect(page.locator("body")).to_contain_text("0.8 of 12 hours")  # 45 minutes
    expect(page.locator("body")).to_contain_text("Approved")
    assert serious_violations(page) == []


def test_supervisor_pages_are_accessible(live_server, page, supervised):
    sign_in(page, live_server, supervised["supervisor"])
    for path in ("/supervision/queue", "/supervision/group/new", "/supervision/credential",
                 f"/supervision/trainees/{supervised['trainee'].id}/ledger"):
        page.goto(f"{live_server}{path}")
        assert serious_violations(page) == [], path
    sign_in(page, live_server, supervised["org_admin"])
    page.goto(f"{live_server}/supervision/credentials")
    assert serious_violations(page) == []
