"""A certified trainee shares their transcript with an employer, who opens the link, checks the signed
learner record on the verify page; then the trainee withdraws the link."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import serious_violations, sign_in

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("SCREENSHOT_DIR", "test-results"))


def test_share_open_withdraw(live_server, page, nearly_complete, app, db):
    from tests.interop.test_open_badges import issue

    app.config["PUBLIC_BASE_URL"] = live_server
    try:
        cert = issue(nearly_complete, app, db)
        sign_in(page, live_server, nearly_complete["trainee"])
        page.goto(f"{live_server}/certificate")
        expect(page.locator("main")).to_contain_text(cert.serial)
        page.get_by_label("Who is it for?").fill("Acme Youth Services")
        page.get_by_label("The link works for").select_option("7")
        page.get_by_role("button", name="Create a link").click()
        notice = page.locator("main").get_by_text("it is shown only this once")
        expect(notice).to_be_visible()
        link = re.search(r"(http://\S+/transcripts/\S+)", notice.inner_text()).group(1)
        assert serious_violations(page) == []
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "transcript-share.png"), full_page=True)

        employer = page.context.browser.new_page(viewport={"width": 390, "height": 900})
        employer.goto(link)
        expect(employer.get_by_role("heading", name="Training transcript: Cora Complete")).to_be_visible()
        main = employer.locator("main")
        expect(main).to_contain_text("with Acme Youth Services")
        expect(main).to_contain_text(cert.serial)
        expect(main).to_contain_text("MA CHW 3: Effective communication")  # the board's own words
        expect(main).to_contain_text("LICSW LIC-12345, MA")  # the supervisor's credential on each date
        assert serious_violations(employer) == []
        employer.screenshot(path=str(SHOTS / "transcript-shared-390.png"), full_page=True)

        with employer.expect_download() as download:
            employer.get_by_role("link", name="Download the signed learner record").click()
        record = Path(download.value.path()).read_text()
        employer.goto(f"{live_server}/verify")
        employer.get_by_label("Serial, certificate ID, verification link or the credential itself").fill(record)
        employer.get_by_role("button", name="Verify").click()
        expect(employer.get_by_role("heading", name="This learner record is genuine")).to_be_visible()
        expect(employer.locator("main")).to_contain_text("Safety and escalation")
        employer.screenshot(path=str(SHOTS / "learner-record-verified-390.png"), full_page=True)

        page.get_by_role("button", name="Withdraw the link for Acme Youth Services").click()
        expect(page.locator("main")).to_contain_text("no longer works")
        employer.goto(link)
        expect(employer.get_by_role("heading", name="This link was withdrawn")).to_be_visible()
        employer.close()
    finally:
        app.config["PUBLIC_BASE_URL"] = "http://localhost"
