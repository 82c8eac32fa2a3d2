"""A trainee shares their transcript with an employer, who opens the link; then the trainee withdraws it."""

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
    app.config["PUBLIC_BASE_URL"] = live_server
    try:
        sign_in(page, live_server, nearly_complete["trainee"])
        page.goto(f"{live_server}/certificate")
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
        expect(employer.locator("main")).to_contain_text("with Acme Youth Services")
        assert serious_violations(employer) == []
        employer.screenshot(path=str(SHOTS / "transcript-shared-390.png"), full_page=True)

        page.get_by_role("button", name="Withdraw the link for Acme Youth Services").click()
        expect(page.locator("main")).to_contain_text("no longer works")
        employer.reload()
        expect(employer.get_by_role("heading", name="This link was withdrawn")).to_be_visible()
        employer.close()
    finally:
        app.config["PUBLIC_BASE_URL"] = "http://localhost"
